//! `seed-bench`: appends a generated regional marketplace — approved vendors with store
//! locations, a two-level category tree, active products with variants, prices, the price
//! timeline and stock — with `COPY`, in one transaction.
//!
//! The data is deterministic for a `--seed` (ids and the run tag aside): titles are built
//! from the word lists of [`crate::seed`], so full-text and typo-tolerant searches hit
//! realistic numbers of products. Slugs and SKUs carry a run tag, so runs append without
//! colliding; the category tree (`bench-…` slugs) is shared by all runs.

use catalog::model::{Contact, Safety};
use chrono::{DateTime, Duration, Utc};
use kernel::id::CategoryId;
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};
use sqlx::{PgConnection, PgPool};
use std::collections::HashMap;
use std::fmt::{Display, Write as _};
use std::time::{Duration as StdDuration, Instant};
use uuid::Uuid;
use vendor::model::Address;

use super::{
    german_iban, Hours, Leaf, OptionKind, BRANDS, MATERIALS, PLACES, QUALIFIERS, SENTENCES,
    STREETS, TOWNS, TREE,
};

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct BenchSeed {
    pub vendors: u32,
    pub products: u32,
    pub seed: u64,
}

/// What was written, table by table, and how long it took.
#[derive(Debug, Clone, Default)]
pub struct BenchReport {
    pub tag: String,
    pub categories_created: u64,
    /// Table, rows written, time taken.
    pub tables: Vec<(&'static str, u64, StdDuration)>,
    /// Whether foreign keys were checked by set-based queries at the end instead of row by
    /// row (see [`references`]).
    pub bulk_reference_check: bool,
    pub reference_check: StdDuration,
    pub load: StdDuration,
    pub analyze: StdDuration,
}

impl BenchReport {
    /// The rows written to `table`.
    pub fn rows(&self, table: &str) -> u64 {
        self.tables
            .iter()
            .filter(|(name, _, _)| *name == table)
            .map(|(_, rows, _)| rows)
            .sum()
    }
}

impl Display for BenchReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "seed-bench run {} ({} categories created):",
            self.tag, self.categories_created
        )?;
        for (table, rows, took) in &self.tables {
            writeln!(
                f,
                "  {table:<17} {rows:>9} rows {:>6.1} s",
                took.as_secs_f64()
            )?;
        }
        if self.bulk_reference_check {
            writeln!(
                f,
                "  foreign keys checked in bulk in {:.1} s",
                self.reference_check.as_secs_f64()
            )?;
        } else {
            writeln!(f, "  foreign keys checked row by row")?;
        }
        let total = self.load + self.analyze;
        write!(
            f,
            "loaded in {:.1} s, analyzed in {:.1} s, {:.1} s in all",
            self.load.as_secs_f64(),
            self.analyze.as_secs_f64(),
            total.as_secs_f64()
        )
    }
}

/// Send `COPY` data in chunks of about this size.
const CHUNK_BYTES: usize = 1 << 20;
const SECONDS_PER_DAY: i64 = 86_400;
/// Vendors specialise: this share of a vendor's products is in its main root category.
const SPECIALISED_SHARE: f64 = 0.8;

/// Trades by root category (the index in [`TREE`]), for vendor names.
const TRADES: [&[&str]; 10] = [
    &[
        "Feinkost",
        "Bäckerei",
        "Hofladen",
        "Kaffeerösterei",
        "Bioladen",
    ],
    &["Weinhaus", "Getränkemarkt", "Hausbrauerei", "Weingut"],
    &["Haushaltswaren", "Küchenladen", "Eisenwaren"],
    &["Wohnkultur", "Einrichtung", "Kerzenmanufaktur"],
    &["Buchhandlung", "Papeterie", "Schreibwaren"],
    &["Radhaus", "Fahrradladen", "Zweirad"],
    &["Gärtnerei", "Gartencenter", "Staudengärtnerei"],
    &["Spielwaren", "Spielzeugladen"],
    &["Modehaus", "Boutique", "Schuhhaus"],
    &["Drogerie", "Naturkosmetik", "Seifenmanufaktur"],
];

const SURNAMES: &[&str] = &[
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Krause",
    "Meier",
    "Lehmann",
    "Huber",
    "Kaiser",
    "Fuchs",
    "Vogel",
    "Keller",
    "Frank",
    "Berger",
    "Winkler",
    "Roth",
    "Baumann",
    "Graf",
    "Haas",
];

const FIRST_NAMES: &[&str] = &[
    "Anna",
    "Lena",
    "Jonas",
    "Lukas",
    "Marie",
    "Sophie",
    "Paul",
    "Felix",
    "Laura",
    "Julia",
    "Max",
    "Tobias",
    "Katharina",
    "Stefan",
    "Sabine",
    "Thomas",
    "Andrea",
    "Michael",
    "Claudia",
    "Daniel",
];

const BANK_CODES: [u32; 4] = [68_050_101, 68_090_000, 68_051_004, 68_064_222];

/// A text row buffer in PostgreSQL's `COPY … FROM STDIN` text format.
struct CopyBuffer {
    text: String,
}

impl CopyBuffer {
    fn new() -> Self {
        Self {
            text: String::with_capacity(CHUNK_BYTES + (64 << 10)),
        }
    }

    /// A value whose text needs no escaping (numbers, ids, timestamps, codes).
    fn raw(&mut self, value: impl Display) -> &mut Self {
        let _ = write!(self.text, "{value}\t");
        self
    }

    /// A text value, escaped.
    fn text(&mut self, value: &str) -> &mut Self {
        for c in value.chars() {
            match c {
                '\\' => self.text.push_str("\\\\"),
                '\t' => self.text.push_str("\\t"),
                '\n' => self.text.push_str("\\n"),
                '\r' => self.text.push_str("\\r"),
                c => self.text.push(c),
            }
        }
        self.text.push('\t');
        self
    }

    fn opt_text(&mut self, value: Option<&str>) -> &mut Self {
        match value {
            Some(value) => self.text(value),
            None => self.null(),
        }
    }

    fn null(&mut self) -> &mut Self {
        self.text.push_str("\\N\t");
        self
    }

    fn uuid(&mut self, id: Uuid) -> &mut Self {
        self.raw(id.hyphenated())
    }

    fn bool(&mut self, value: bool) -> &mut Self {
        self.raw(if value { 't' } else { 'f' })
    }

    /// A timestamp in UTC (whole seconds).
    fn time(&mut self, at: DateTime<Utc>) -> &mut Self {
        let _ = write!(self.text, "{}+00\t", at.naive_utc());
        self
    }

    fn cents(&mut self, cents: u32) -> &mut Self {
        let _ = write!(self.text, "{}.{:02}\t", cents / 100, cents % 100);
        self
    }

    /// Ends the row (the last field's tab becomes the newline).
    fn end(&mut self) {
        self.text.pop();
        self.text.push('\n');
    }
}

/// Sends rows already written in the `COPY` text format to `COPY {target} FROM STDIN`.
async fn copy_text(conn: &mut PgConnection, target: &str, text: &str) -> Result<u64, sqlx::Error> {
    let mut copy = conn
        .copy_in_raw(&format!("COPY {target} FROM STDIN"))
        .await?;
    copy.send(text.as_bytes()).await?;
    copy.finish().await
}

/// Streams `rows` rows written by `row` into `COPY {target} FROM STDIN`; returns the count.
async fn copy_rows(
    conn: &mut PgConnection,
    target: &str,
    rows: usize,
    mut row: impl FnMut(usize, &mut CopyBuffer),
) -> Result<u64, sqlx::Error> {
    let mut copy = conn
        .copy_in_raw(&format!("COPY {target} FROM STDIN"))
        .await?;
    let mut buffer = CopyBuffer::new();
    for index in 0..rows {
        row(index, &mut buffer);
        if buffer.text.len() >= CHUNK_BYTES {
            copy.send(buffer.text.as_bytes()).await?;
            buffer.text.clear();
        }
    }
    if !buffer.text.is_empty() {
        copy.send(buffer.text.as_bytes()).await?;
    }
    copy.finish().await
}

struct VendorGen {
    id: Uuid,
    speciality: usize,
    created_at: DateTime<Utc>,
    locations: std::ops::Range<usize>,
    /// The product-safety JSON naming the vendor as manufacturer (own products).
    safety: String,
}

struct LeafGen {
    category: CategoryId,
    root: usize,
    leaf: &'static Leaf,
    nouns: Vec<&'static str>,
}

struct ProductGen {
    id: Uuid,
    vendor: u32,
    created_at: DateTime<Utc>,
    min_price_cents: u32,
}

struct VariantGen {
    id: Uuid,
    product: u32,
    leaf: u16,
    position: u8,
    option: u8,
    price_cents: u32,
    gtin: Option<u64>,
}

/// The value of a variant option, its net quantity (for goods sold by measure) and how the
/// price scales with it.
struct OptionValue {
    json: &'static str,
    measure: Option<(&'static str, &'static str)>,
    weight_grams: Option<u32>,
    factor: f64,
}

const fn option(
    json: &'static str,
    measure: Option<(&'static str, &'static str)>,
    weight_grams: Option<u32>,
    factor: f64,
) -> OptionValue {
    OptionValue {
        json,
        measure,
        weight_grams,
        factor,
    }
}

fn option_values(kind: OptionKind) -> &'static [OptionValue] {
    const WEIGHT: &[OptionValue] = &[
        option(
            r#"{"Größe": "250 g"}"#,
            Some(("0.25", "kg")),
            Some(270),
            1.0,
        ),
        option(
            r#"{"Größe": "500 g"}"#,
            Some(("0.5", "kg")),
            Some(530),
            1.85,
        ),
        option(r#"{"Größe": "1 kg"}"#, Some(("1", "kg")), Some(1_050), 3.4),
    ];
    const VOLUME: &[OptionValue] = &[
        option(
            r#"{"Inhalt": "0,33 l"}"#,
            Some(("0.33", "l")),
            Some(580),
            1.0,
        ),
        option(
            r#"{"Inhalt": "0,75 l"}"#,
            Some(("0.75", "l")),
            Some(1_250),
            1.9,
        ),
        option(r#"{"Inhalt": "1 l"}"#, Some(("1", "l")), Some(1_600), 2.4),
    ];
    const SMALL_VOLUME: &[OptionValue] = &[
        option(
            r#"{"Inhalt": "100 ml"}"#,
            Some(("0.1", "l")),
            Some(130),
            1.0,
        ),
        option(
            r#"{"Inhalt": "250 ml"}"#,
            Some(("0.25", "l")),
            Some(300),
            2.0,
        ),
        option(
            r#"{"Inhalt": "500 ml"}"#,
            Some(("0.5", "l")),
            Some(560),
            3.4,
        ),
    ];
    const BULK: &[OptionValue] = &[
        option(r#"{"Inhalt": "20 l"}"#, Some(("20", "l")), Some(8_000), 1.0),
        option(
            r#"{"Inhalt": "40 l"}"#,
            Some(("40", "l")),
            Some(16_000),
            1.7,
        ),
        option(
            r#"{"Inhalt": "60 l"}"#,
            Some(("60", "l")),
            Some(24_000),
            2.3,
        ),
    ];
    const COLOUR: &[OptionValue] = &[
        option(r#"{"Farbe": "natur"}"#, None, None, 1.0),
        option(r#"{"Farbe": "schwarz"}"#, None, None, 1.0),
        option(r#"{"Farbe": "rot"}"#, None, None, 1.05),
        option(r#"{"Farbe": "blau"}"#, None, None, 1.05),
        option(r#"{"Farbe": "grün"}"#, None, None, 1.05),
    ];
    const SIZE: &[OptionValue] = &[
        option(r#"{"Größe": "S"}"#, None, None, 1.0),
        option(r#"{"Größe": "M"}"#, None, None, 1.0),
        option(r#"{"Größe": "L"}"#, None, None, 1.1),
        option(r#"{"Größe": "XL"}"#, None, None, 1.15),
    ];
    const EDITION: &[OptionValue] = &[
        option(r#"{"Ausgabe": "Taschenbuch"}"#, None, Some(250), 1.0),
        option(r#"{"Ausgabe": "Gebunden"}"#, None, Some(600), 1.8),
        option(r#"{"Ausgabe": "Großdruck"}"#, None, Some(450), 1.3),
    ];
    match kind {
        OptionKind::Weight => WEIGHT,
        OptionKind::Volume => VOLUME,
        OptionKind::SmallVolume => SMALL_VOLUME,
        OptionKind::BulkVolume => BULK,
        OptionKind::Colour => COLOUR,
        OptionKind::Size => SIZE,
        OptionKind::Edition => EDITION,
    }
}

/// A shop-like price in cents: rounded to ten cents, ending in 9 from one euro up.
fn shop_price(cents: f64) -> u32 {
    let tens = (cents / 10.0).round().max(1.0) as u32;
    let price = tens * 10;
    if price >= 100 {
        price - 1
    } else {
        price
    }
}

/// A valid EAN-13 from a 12-digit number (German prefix 400–440).
fn ean13(body: u64) -> u64 {
    let digits: Vec<u64> = (0..12).rev().map(|i| (body / 10u64.pow(i)) % 10).collect();
    let sum: u64 = digits
        .iter()
        .enumerate()
        .map(|(index, digit)| if index % 2 == 0 { *digit } else { digit * 3 })
        .sum();
    body * 10 + (10 - sum % 10) % 10
}

/// A run tag: six random base-36 characters, so runs do not collide (and if they ever did,
/// the unique slugs would refuse the run as a whole).
fn run_tag() -> String {
    let mut value = rand::rngs::OsRng.next_u64();
    let mut tag = String::new();
    for _ in 0..6 {
        let digit = (value % 36) as u32;
        tag.push(char::from_digit(digit, 36).unwrap_or('x'));
        value /= 36;
    }
    tag
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

/// Generates and loads the data set; see the module documentation.
pub async fn seed_bench(pool: &PgPool, plan: BenchSeed) -> anyhow::Result<BenchReport> {
    anyhow::ensure!(plan.vendors >= 1, "--vendors must be at least 1");
    anyhow::ensure!(
        plan.products <= 10_000_000,
        "--products must be at most 10,000,000"
    );
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(plan.seed);
    let tag = run_tag();
    // Whole seconds, so every timestamp prints without a fraction.
    let now = DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap_or_else(Utc::now);
    let mut report = BenchReport {
        tag: tag.clone(),
        ..BenchReport::default()
    };

    let mut tx = pool.begin().await?;
    // Every id of this run sorts after this one (v7 ids are monotonic in this process).
    let run_start = Uuid::now_v7();

    // ---- categories: shared by all runs ----
    let (leaves, created) = bench_categories(&mut tx, now).await?;
    report.categories_created = created;
    report.bulk_reference_check = references::defer_to_bulk_check(&mut tx).await?;
    if report.bulk_reference_check {
        // What each foreign-key check would have done: keep the shared categories.
        let categories: Vec<Uuid> = leaves.iter().map(|leaf| leaf.category.0).collect();
        sqlx::query("SELECT 1 FROM categories WHERE id = ANY($1) FOR KEY SHARE")
            .bind(&categories)
            .execute(&mut *tx)
            .await?;
    }

    // ---- vendors and their locations ----
    let hours: Vec<String> = Hours::ALL
        .iter()
        .map(|hours| serde_json::to_string(&hours.weekly()))
        .collect::<Result<_, _>>()?;
    let mut vendors: Vec<VendorGen> = Vec::with_capacity(plan.vendors as usize);
    let mut vendor_rows = CopyBuffer::new();
    let mut location_rows = CopyBuffer::new();
    let mut location_ids: Vec<Uuid> = Vec::new();
    for index in 0..plan.vendors {
        let speciality = rng.gen_range(0..TREE.len());
        let trade = *pick(&mut rng, TRADES[speciality]);
        let surname = *pick(&mut rng, SURNAMES);
        let first_name = *pick(&mut rng, FIRST_NAMES);
        let display_name = format!("{trade} {surname}");
        let slug = format!(
            "{}-{tag}-{index}",
            kernel::slug::propose(&display_name, "shop")
        );
        let (legal_form, legal_name, register) = match rng.gen_range(0..10) {
            0..=3 => (
                "GmbH",
                format!("{display_name} GmbH"),
                Some(format!("HRB {}", rng.gen_range(700_000..720_000))),
            ),
            4..=5 => (
                "e.K.",
                format!("{first_name} {surname} e.K."),
                Some(format!("HRA {}", rng.gen_range(600_000..620_000))),
            ),
            6 => (
                "UG (haftungsbeschränkt)",
                format!("{display_name} UG (haftungsbeschränkt)"),
                Some(format!("HRB {}", rng.gen_range(720_000..730_000))),
            ),
            7 => ("GbR", format!("{display_name} GbR"), None),
            _ => ("Einzelunternehmen", format!("{first_name} {surname}"), None),
        };
        let small_business = register.is_none() && rng.gen_bool(0.2);
        let vat_id =
            (!small_business).then(|| format!("DE{}", rng.gen_range(100_000_000..999_999_999u32)));
        let tax_number = format!(
            "0{}/{:03}/{:05}",
            rng.gen_range(6..8),
            rng.gen_range(0..1_000),
            rng.gen_range(0..100_000)
        );
        let created_at =
            now - Duration::days(380) - Duration::seconds(rng.gen_range(0..300 * SECONDS_PER_DAY));
        let email = format!("kontakt@{slug}.example");
        let iban = german_iban(
            *pick(&mut rng, &BANK_CODES),
            rng.gen_range(1..9_999_999_999),
        );

        // Locations first: the first one is the registered address.
        let id = Uuid::now_v7();
        let count = match rng.gen_range(0..10) {
            0..=5 => 1,
            6..=8 => 2,
            _ => 3,
        };
        let first_location = location_ids.len();
        let mut address = None;
        for number in 0..count {
            let (postal_code, city, lat, lon) = if rng.gen_bool(0.5) {
                *pick(&mut rng, &TOWNS[..8])
            } else {
                *pick(&mut rng, TOWNS)
            };
            // Up to about 1.5 km around the town's centre.
            let lat = lat + rng.gen_range(-0.0135..0.0135);
            let lon = lon + rng.gen_range(-0.02..0.02);
            let street = format!("{} {}", pick(&mut rng, STREETS), rng.gen_range(1..120));
            let name = match number {
                0 => format!("{trade} {surname}"),
                _ => format!("Filiale {city}"),
            };
            let delivery = rng.gen_bool(0.35).then(|| {
                (
                    f64::from(rng.gen_range(6..30u32)) / 2.0,
                    *pick(&mut rng, &[290u32, 350, 490, 590]),
                )
            });
            let location_id = Uuid::now_v7();
            let row = location_rows
                .uuid(location_id)
                .uuid(id)
                .text(&name)
                .text(&street)
                .raw(postal_code)
                .text(city)
                .raw("DE")
                .raw(format_args!("{lat:.6}"))
                .raw(format_args!("{lon:.6}"))
                .raw("Europe/Berlin")
                .text(pick::<String>(&mut rng, &hours))
                .raw("[]")
                .bool(rng.gen_bool(0.7));
            match delivery {
                Some((radius, fee)) => row.raw(format_args!("{radius:.1}")).cents(fee),
                None => row.null().null(),
            }
            .null()
            .time(created_at + Duration::days(1))
            .time(created_at + Duration::days(1))
            .end();
            location_ids.push(location_id);
            if address.is_none() {
                address = Some((street, postal_code, city));
            }
        }
        let Some((street, postal_code, city)) = address else {
            anyhow::bail!("a vendor got no location");
        };
        let safety = serde_json::to_string(&Safety {
            manufacturer: Some(Contact {
                name: legal_name.clone(),
                address: Address {
                    street: street.clone(),
                    postal_code: postal_code.to_owned(),
                    city: city.to_owned(),
                    country: "DE".to_owned(),
                },
                email: email.clone(),
            }),
            eu_responsible_person: None,
            warnings: None,
        })?;
        vendor_rows
            .uuid(id)
            .raw(&slug)
            .text(&display_name)
            .text(&format!("{trade} in {city}. {}", pick(&mut rng, SENTENCES)))
            .raw("approved")
            .null()
            .text(&legal_name)
            .text(legal_form)
            .text(&street)
            .raw(postal_code)
            .text(city)
            .raw("DE")
            .text(&email)
            .raw(format_args!("+49761{}", rng.gen_range(100_000..9_999_999)))
            .opt_text(register.as_ref().map(|_| "Amtsgericht Freiburg"))
            .opt_text(register.as_deref())
            .opt_text(vat_id.as_deref())
            .text(&tax_number)
            .bool(small_business)
            .text(&format!("{first_name} {surname}"))
            .raw(&iban)
            .text(&legal_name)
            .time(created_at)
            .time(created_at)
            .time(created_at)
            .time(created_at + Duration::days(1))
            .end();
        vendors.push(VendorGen {
            id,
            speciality,
            created_at,
            locations: first_location..location_ids.len(),
            safety,
        });
    }
    let step = Instant::now();
    let rows = copy_text(
        &mut tx,
        "vendors (id, slug, display_name, description, status, status_reason, legal_name, \
         legal_form, street, postal_code, city, country, email, phone, register_court, \
         register_number, vat_id, tax_number, small_business, representative, payout_iban, \
         payout_holder, self_certified_at, submitted_at, created_at, updated_at)",
        &vendor_rows.text,
    )
    .await?;
    report.tables.push(("vendors", rows, step.elapsed()));
    let step = Instant::now();
    let rows = copy_text(
        &mut tx,
        "vendor_locations (id, vendor_id, name, street, postal_code, city, country, latitude, \
         longitude, time_zone, opening_hours, opening_exceptions, pickup, delivery_radius_km, \
         delivery_fee, archived_at, created_at, updated_at)",
        &location_rows.text,
    )
    .await?;
    report
        .tables
        .push(("vendor_locations", rows, step.elapsed()));
    drop((vendor_rows, location_rows));

    // ---- products, collecting their variants ----
    let brand_safety: Vec<String> = BRANDS
        .iter()
        .enumerate()
        .map(|(index, brand)| {
            let (postal_code, city, _, _) = TOWNS[index % TOWNS.len()];
            serde_json::to_string(&Safety {
                manufacturer: Some(Contact {
                    name: format!("{brand} GmbH"),
                    address: Address {
                        street: format!("{} {}", STREETS[index % STREETS.len()], index + 3),
                        postal_code: postal_code.to_owned(),
                        city: city.to_owned(),
                        country: "DE".to_owned(),
                    },
                    email: format!("produktsicherheit@marke-{}.example", index + 1),
                }),
                eu_responsible_person: None,
                warnings: None,
            })
        })
        .collect::<Result<_, _>>()?;
    let leaves_by_root: Vec<Vec<u16>> = (0..TREE.len())
        .map(|root| {
            leaves
                .iter()
                .enumerate()
                .filter(|(_, leaf)| leaf.root == root)
                .filter_map(|(index, _)| u16::try_from(index).ok())
                .collect()
        })
        .collect();
    let mut products: Vec<ProductGen> = Vec::with_capacity(plan.products as usize);
    let mut variants: Vec<VariantGen> = Vec::with_capacity(plan.products as usize * 2 + 16);
    let mut scratch = String::new();
    let step = Instant::now();
    let rows = copy_rows(
        &mut tx,
        "products (id, vendor_id, category_id, title, description, brand, images, attributes, \
         safety, withdrawal_exempt, status, published_at, created_at, updated_at)",
        plan.products as usize,
        |_, buffer| {
            // Some vendors have many products, most have a few hundred or less.
            let skewed: f64 = rng.gen::<f64>().powf(1.6);
            let vendor_index = ((skewed * vendors.len() as f64) as usize).min(vendors.len() - 1);
            let vendor = &vendors[vendor_index];
            let root = if rng.gen_bool(SPECIALISED_SHARE) {
                vendor.speciality
            } else {
                rng.gen_range(0..TREE.len())
            };
            let leaf_index = *pick(&mut rng, &leaves_by_root[root]);
            let leaf = &leaves[usize::from(leaf_index)];
            let noun = *pick(&mut rng, &leaf.nouns);
            scratch.clear();
            // Things get a material ("Kaffeemühle Edelstahl"), food and drink a place.
            let made_of = matches!(leaf.leaf.options, OptionKind::Colour | OptionKind::Size);
            let _ = match rng.gen_range(0..10) {
                0..=3 => write!(
                    scratch,
                    "{} {noun} {}",
                    pick(&mut rng, QUALIFIERS),
                    pick(&mut rng, PLACES)
                ),
                4..=6 if made_of => write!(scratch, "{noun} {}", pick(&mut rng, MATERIALS)),
                4..=8 => write!(scratch, "{} {noun}", pick(&mut rng, QUALIFIERS)),
                _ => write!(scratch, "{noun} {}", pick(&mut rng, PLACES)),
            };
            let brand = rng.gen_bool(0.7).then(|| rng.gen_range(0..BRANDS.len()));
            let published_at = now - Duration::seconds(rng.gen_range(0..365 * SECONDS_PER_DAY));
            let created_at = (published_at
                - Duration::seconds(rng.gen_range(0..7 * SECONDS_PER_DAY)))
            .max(vendor.created_at);
            let id = Uuid::now_v7();
            buffer
                .uuid(id)
                .uuid(vendor.id)
                .uuid(leaf.category.0)
                .text(&scratch);
            let title_len = scratch.len();
            let _ = write!(
                scratch,
                ". {} {} Aus unserem Sortiment {}.",
                pick(&mut rng, SENTENCES),
                pick(&mut rng, SENTENCES),
                leaf.leaf.name
            );
            buffer.text(&scratch).opt_text(brand.map(|b| BRANDS[b]));
            if rng.gen_bool(0.5) {
                buffer.raw(format_args!("{{https://img.example.de/bench/{id}.jpg}}"));
            } else {
                buffer.raw("{}");
            }
            buffer
                .raw("{}")
                .text(match brand {
                    Some(brand) => &brand_safety[brand],
                    None => &vendor.safety,
                })
                .null()
                .raw("active")
                .time(published_at)
                .time(created_at)
                .time(published_at)
                .end();
            scratch.truncate(title_len);

            // Variants: consecutive sizes, or a few colours.
            let values = option_values(leaf.leaf.options);
            let count = match rng.gen_range(0..10) {
                0..=4 => 1,
                5..=7 => 2,
                _ => 3,
            }
            .min(values.len());
            let first = match leaf.leaf.options {
                OptionKind::Weight
                | OptionKind::Volume
                | OptionKind::SmallVolume
                | OptionKind::BulkVolume => rng.gen_range(0..=values.len() - count),
                _ => rng.gen_range(0..values.len()),
            };
            let (low, high) = leaf.leaf.price_cents;
            let base = f64::from(rng.gen_range(low..=high));
            let product_index = products.len() as u32;
            let mut min_price = u32::MAX;
            for position in 0..count {
                let option = (first + position) % values.len();
                let price_cents = shop_price(base * values[option].factor);
                min_price = min_price.min(price_cents);
                variants.push(VariantGen {
                    id: Uuid::now_v7(),
                    product: product_index,
                    leaf: leaf_index,
                    position: position as u8,
                    option: option as u8,
                    price_cents,
                    gtin: rng
                        .gen_bool(0.6)
                        .then(|| ean13(400_000_000_000 + rng.gen_range(0..40_999_999_999))),
                });
            }
            products.push(ProductGen {
                id,
                vendor: vendor_index as u32,
                created_at,
                min_price_cents: min_price,
            });
        },
    )
    .await?;
    report.tables.push(("products", rows, step.elapsed()));

    let step = Instant::now();
    let rows = copy_rows(
        &mut tx,
        "product_variants (id, product_id, vendor_id, sku, options, gtin, price, vat_rate, \
         net_quantity, unit, deposit, weight_grams, position, created_at, updated_at)",
        variants.len(),
        |index, buffer| {
            let variant = &variants[index];
            let product = &products[variant.product as usize];
            let leaf = leaves[usize::from(variant.leaf)].leaf;
            let value = &option_values(leaf.options)[usize::from(variant.option)];
            buffer
                .uuid(variant.id)
                .uuid(product.id)
                .uuid(vendors[product.vendor as usize].id)
                .raw(format_args!(
                    "{}-{:07}-{}",
                    tag.to_ascii_uppercase(),
                    variant.product,
                    variant.position
                ))
                .text(value.json);
            match variant.gtin {
                Some(gtin) => buffer.raw(format_args!("{gtin:013}")),
                None => buffer.null(),
            };
            buffer.cents(variant.price_cents).raw(leaf.vat.as_str());
            match value.measure {
                Some((quantity, unit)) => buffer.raw(quantity).raw(unit),
                None => buffer.null().null(),
            };
            match leaf.deposit_cents.filter(|cents| *cents > 0) {
                Some(deposit) => buffer.cents(deposit),
                None => buffer.null(),
            };
            match value.weight_grams {
                Some(grams) => buffer.raw(grams),
                None => buffer.null(),
            };
            buffer
                .raw(variant.position)
                .time(product.created_at)
                .time(product.created_at)
                .end();
        },
    )
    .await?;
    report
        .tables
        .push(("product_variants", rows, step.elapsed()));

    let step = Instant::now();
    let rows = copy_rows(
        &mut tx,
        "price_history (id, variant_id, price, valid_from)",
        variants.len(),
        |index, buffer| {
            let variant = &variants[index];
            buffer
                .uuid(Uuid::now_v7())
                .uuid(variant.id)
                .cents(variant.price_cents)
                .time(products[variant.product as usize].created_at)
                .end();
        },
    )
    .await?;
    report.tables.push(("price_history", rows, step.elapsed()));

    // The lowest variant price, from the moment the product got its prices on.
    let step = Instant::now();
    let rows = copy_rows(
        &mut tx,
        "product_prices (product_id, price, during)",
        products.len(),
        |index, buffer| {
            let product = &products[index];
            buffer
                .uuid(product.id)
                .cents(product.min_price_cents)
                .raw(format_args!("[\"{}+00\",)", product.created_at.naive_utc()))
                .end();
        },
    )
    .await?;
    report.tables.push(("product_prices", rows, step.elapsed()));

    // Stock at some of the vendor's locations; some of it sold out.
    let mut stock_rows: Vec<(u32, u32, u8)> = Vec::with_capacity(variants.len() * 2);
    for (index, variant) in variants.iter().enumerate() {
        let vendor = &vendors[products[variant.product as usize].vendor as usize];
        for location in vendor.locations.clone() {
            if rng.gen_bool(0.7) {
                stock_rows.push((index as u32, location as u32, rng.gen_range(0..=50)));
            }
        }
    }
    let step = Instant::now();
    let rows = copy_rows(
        &mut tx,
        "stock (variant_id, location_id, vendor_id, on_hand, reserved, updated_at)",
        stock_rows.len(),
        |index, buffer| {
            let (variant, location, on_hand) = stock_rows[index];
            let variant = &variants[variant as usize];
            buffer
                .uuid(variant.id)
                .uuid(location_ids[location as usize])
                .uuid(vendors[products[variant.product as usize].vendor as usize].id)
                .raw(on_hand)
                .raw(0)
                .time(now)
                .end();
        },
    )
    .await?;
    report.tables.push(("stock", rows, step.elapsed()));

    if report.bulk_reference_check {
        let step = Instant::now();
        references::check_in_bulk(&mut tx, run_start).await?;
        report.reference_check = step.elapsed();
    }
    tx.commit().await?;
    report.load = started.elapsed();

    let analyzing = Instant::now();
    let mut conn = pool.acquire().await?;
    sqlx::query(
        "ANALYZE vendors, vendor_locations, categories, products, product_variants, \
         price_history, product_prices, stock",
    )
    .execute(&mut *conn)
    .await?;
    report.analyze = analyzing.elapsed();
    Ok(report)
}

/// The benchmark category tree (`bench-{root}`, `bench-{root}-{leaf}`), created where
/// missing under the catalog's tree lock; returns the leaves (root by root) and how many
/// categories were created.
async fn bench_categories(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
) -> anyhow::Result<(Vec<LeafGen>, u64)> {
    catalog::repo::lock_category_tree(conn).await?;
    let existing: HashMap<String, (CategoryId, bool)> = catalog::repo::all_categories(conn)
        .await?
        .into_iter()
        .map(|category| {
            let archived = category.archived_at.is_some();
            (category.slug, (category.id, archived))
        })
        .collect();
    let mut created = 0;
    let mut leaves = Vec::new();
    for (root_index, root) in TREE.iter().enumerate() {
        let slug = format!("bench-{}", root.slug);
        let root_id = match existing_category(&existing, &slug)? {
            Some(id) => id,
            None => {
                created += 1;
                insert_category(conn, &slug, root.name, None, now).await?
            }
        };
        for leaf in root.leaves {
            let slug = format!("bench-{}-{}", root.slug, leaf.slug);
            let category = match existing_category(&existing, &slug)? {
                Some(id) => id,
                None => {
                    created += 1;
                    insert_category(conn, &slug, leaf.name, Some(root_id), now).await?
                }
            };
            leaves.push(LeafGen {
                category,
                root: root_index,
                leaf,
                nouns: leaf.nouns.split_whitespace().collect(),
            });
        }
    }
    Ok((leaves, created))
}

fn existing_category(
    existing: &HashMap<String, (CategoryId, bool)>,
    slug: &str,
) -> anyhow::Result<Option<CategoryId>> {
    match existing.get(slug) {
        Some((_, true)) => {
            anyhow::bail!("the benchmark category `{slug}` is archived; restore or rename it first")
        }
        Some((id, false)) => Ok(Some(*id)),
        None => Ok(None),
    }
}

async fn insert_category(
    conn: &mut PgConnection,
    slug: &str,
    name: &str,
    parent: Option<CategoryId>,
    now: DateTime<Utc>,
) -> anyhow::Result<CategoryId> {
    let id = CategoryId::new();
    // Under the tree lock the slug cannot have been taken since it was looked up.
    anyhow::ensure!(
        catalog::repo::insert_category(conn, id, parent, slug, name, now).await?,
        "the category slug `{slug}` is taken"
    );
    Ok(id)
}

/// Foreign keys, checked once for the whole load instead of once per row.
///
/// A `COPY` checks every foreign key of every row with a query of its own; for a few hundred
/// thousand rows with up to three keys each that is about a third of the load. All rows of a
/// run refer to rows the run wrote itself (invisible to anyone else until it commits) or to
/// the shared categories, which it locks as the per-row checks would. So, where the role may
/// (`session_replication_role`, a superuser setting) and no other trigger or rule would be
/// skipped by it, the per-row checks are replaced by one anti-join per foreign key over the
/// run's rows at the end of the transaction; an orphan aborts the whole run. Unique, check
/// and exclusion constraints are enforced as always.
mod references {
    use sqlx::PgConnection;
    use uuid::Uuid;

    /// The tables a run writes with `COPY`, and the column that holds the run's ids (every
    /// id of the run sorts after the run's start).
    const TABLES: [(&str, &str); 7] = [
        ("vendors", "id"),
        ("vendor_locations", "id"),
        ("products", "id"),
        ("product_variants", "id"),
        ("price_history", "id"),
        ("product_prices", "product_id"),
        ("stock", "variant_id"),
    ];

    /// A foreign key as the catalog describes it.
    #[derive(sqlx::FromRow)]
    struct ForeignKey {
        name: String,
        child: String,
        parent: String,
        columns: Vec<String>,
        referenced: Vec<String>,
    }

    fn quoted(identifier: &str) -> String {
        format!("\"{}\"", identifier.replace('"', "\"\""))
    }

    /// Turns the per-row foreign-key checks off for this transaction if that is allowed and
    /// skips nothing else; returns whether it did.
    pub(super) async fn defer_to_bulk_check(conn: &mut PgConnection) -> anyhow::Result<bool> {
        let tables: Vec<&str> = TABLES.iter().map(|(table, _)| *table).collect();
        let allowed: bool = sqlx::query_scalar(
            "SELECT has_parameter_privilege('session_replication_role', 'SET')
                AND NOT EXISTS (SELECT 1 FROM pg_trigger
                                WHERE tgrelid = ANY($1::text[]::regclass[]) AND NOT tgisinternal)
                AND NOT EXISTS (SELECT 1 FROM pg_rewrite
                                WHERE ev_class = ANY($1::text[]::regclass[]))",
        )
        .bind(&tables)
        .fetch_one(&mut *conn)
        .await?;
        if allowed {
            sqlx::query("SET LOCAL session_replication_role = replica")
                .execute(&mut *conn)
                .await?;
        }
        Ok(allowed)
    }

    /// Turns the per-row checks back on and checks every foreign key of the tables written,
    /// over the rows of this run; fails naming the first key that has orphans.
    pub(super) async fn check_in_bulk(
        conn: &mut PgConnection,
        run_start: Uuid,
    ) -> anyhow::Result<()> {
        sqlx::query("SET LOCAL session_replication_role = origin")
            .execute(&mut *conn)
            .await?;
        let tables: Vec<&str> = TABLES.iter().map(|(table, _)| *table).collect();
        let keys: Vec<ForeignKey> = sqlx::query_as(
            "SELECT con.conname::text AS name, child.relname::text AS child,
                    con.confrelid::regclass::text AS parent,
                    ARRAY(SELECT a.attname::text
                          FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, n)
                          JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
                          ORDER BY k.n) AS columns,
                    ARRAY(SELECT a.attname::text
                          FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, n)
                          JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
                          ORDER BY k.n) AS referenced
             FROM pg_constraint con JOIN pg_class child ON child.oid = con.conrelid
             WHERE con.contype = 'f' AND con.conrelid = ANY($1::text[]::regclass[])
             ORDER BY 1",
        )
        .bind(&tables)
        .fetch_all(&mut *conn)
        .await?;
        for ForeignKey {
            name,
            child,
            parent,
            columns,
            referenced,
        } in keys
        {
            let Some((_, run_column)) = TABLES.iter().find(|(table, _)| *table == child) else {
                continue;
            };
            let present: Vec<String> = columns
                .iter()
                .map(|column| format!("c.{} IS NOT NULL", quoted(column)))
                .collect();
            let matches: Vec<String> = columns
                .iter()
                .zip(&referenced)
                .map(|(column, key)| format!("p.{} = c.{}", quoted(key), quoted(column)))
                .collect();
            let sql = format!(
                "SELECT count(*) FROM {} c WHERE c.{} >= $1 AND {} \
                 AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE {})",
                quoted(&child),
                quoted(run_column),
                present.join(" AND "),
                matches.join(" AND "),
            );
            let orphans: i64 = sqlx::query_scalar(&sql)
                .bind(run_start)
                .fetch_one(&mut *conn)
                .await?;
            anyhow::ensure!(
                orphans == 0,
                "{orphans} rows of {child} violate the foreign key {name}; nothing was stored"
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eans_have_valid_check_digits() {
        assert_eq!(ean13(400_638_133_393), 4_006_381_333_931);
        let gtin = format!("{:013}", ean13(401_234_567_890));
        assert!(catalog::pricing::gtin(&gtin).is_ok(), "{gtin}");
    }

    #[test]
    fn shop_prices_look_like_shop_prices() {
        assert_eq!(shop_price(349.0), 349);
        assert_eq!(shop_price(1234.0), 1229);
        assert_eq!(shop_price(42.0), 40);
        assert_eq!(shop_price(1.0), 10);
    }

    #[test]
    fn copy_text_is_escaped_and_rows_end_in_newlines() {
        let mut buffer = CopyBuffer::new();
        buffer
            .text("a\tb\\c\nd")
            .null()
            .cents(1_299)
            .bool(true)
            .end();
        assert_eq!(buffer.text, "a\\tb\\\\c\\nd\t\\N\t12.99\tt\n");
    }

    #[test]
    fn run_tags_are_slug_safe() {
        let tag = run_tag();
        assert_eq!(tag.len(), 6);
        assert!(kernel::slug::parse(&format!("shop-{tag}-1")).is_ok());
    }
}
