//! `seed-demo`: a small, realistic marketplace in Freiburg im Breisgau for frontend teams —
//! six shops (one a small business), a category tree, about fifty products with German
//! prices, stock per store, and two running reductions.
//!
//! Everything goes through the services, exactly as the HTTP API would do it, so every rule
//! (trader data, approval, GPSR data, publishing, prices, stock) applies. The demo operator's
//! e-mail marks a seeded database: when it exists, nothing is done.

use account::model::RegisterRequest;
use account::{AccountError, AccountService};
use catalog::model::{
    Contact, NewCategory, NewProduct, NewReduction, NewVariant, Safety, StockCount, StockSync,
    VatRateCode, WithdrawalExempt,
};
use catalog::pricing::Unit;
use catalog::CatalogService;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use kernel::auth::{AccountPrincipal, Principal, Role, VendorMembership, VendorRole};
use kernel::id::{CategoryId, VendorId};
use kernel::money::Money;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use vendor::hours::{DateException, Interval};
use vendor::model::{
    Address, Coordinates, LocalDelivery, NewLocation, PayoutAccount, TradeRegister, Transition,
    TransitionRequest, VendorApplication,
};
use vendor::VendorService;

use super::{german_iban, problem_error, Hours};

/// The password of every demo account unless `MARKETPLACE_DEMO_PASSWORD` is set.
pub const DEFAULT_DEMO_PASSWORD: &str = "marktplatz-demo";
/// The demo operator; its existence means the demo data is there.
pub const DEMO_OPERATOR_EMAIL: &str = "operator@marktplatz.example";
/// A customer account for trying the storefront.
pub const DEMO_CUSTOMER_EMAIL: &str = "kundin@marktplatz.example";
const CITY: &str = "Freiburg im Breisgau";

/// The services the demo is built through.
pub struct DemoServices {
    pub accounts: AccountService,
    pub vendors: VendorService,
    pub catalog: CatalogService,
}

/// Where the password came from, for the summary (the password itself is only printed when
/// it is the documented default).
pub enum DemoPassword {
    Default,
    FromEnvironment(String),
}

impl DemoPassword {
    pub fn from_env() -> DemoPassword {
        match std::env::var("MARKETPLACE_DEMO_PASSWORD") {
            Ok(password) if !password.is_empty() => DemoPassword::FromEnvironment(password),
            _ => DemoPassword::Default,
        }
    }

    fn value(&self) -> &str {
        match self {
            DemoPassword::Default => DEFAULT_DEMO_PASSWORD,
            DemoPassword::FromEnvironment(password) => password,
        }
    }
}

/// What `seed-demo` did.
pub enum DemoOutcome {
    /// The demo operator exists: the data is there already; nothing was changed.
    AlreadyThere,
    Created(DemoSummary),
}

pub struct DemoSummary {
    pub shops: Vec<(String, String, String)>,
    pub categories: usize,
    pub published: usize,
    pub drafts: usize,
    pub locations: usize,
    pub reductions: usize,
    pub password_from_env: bool,
}

impl std::fmt::Display for DemoSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "Demo data created in {CITY}: {} approved shops with {} store locations, {} \
             categories, {} published products and {} draft, {} running price reductions.",
            self.shops.len(),
            self.locations,
            self.categories,
            self.published,
            self.drafts,
            self.reductions
        )?;
        if self.password_from_env {
            writeln!(f, "Logins (password from MARKETPLACE_DEMO_PASSWORD):")?;
        } else {
            writeln!(f, "Logins (password \"{DEFAULT_DEMO_PASSWORD}\"):")?;
        }
        writeln!(f, "  operator   {DEMO_OPERATOR_EMAIL}")?;
        writeln!(f, "  customer   {DEMO_CUSTOMER_EMAIL}")?;
        for (email, name, slug) in &self.shops {
            writeln!(f, "  shop owner {email:<30} {name} (/v1/vendors/{slug})")?;
        }
        Ok(())
    }
}

/// Seeds the demo marketplace, or does nothing if the demo operator exists.
pub async fn seed_demo(
    services: &DemoServices,
    password: &DemoPassword,
) -> anyhow::Result<DemoOutcome> {
    let operator = match services
        .accounts
        .create_account(
            RegisterRequest {
                email: DEMO_OPERATOR_EMAIL.to_owned(),
                password: password.value().to_owned(),
                display_name: "Demo-Betrieb Marktplatz".to_owned(),
                language: None,
            },
            Role::Operator,
        )
        .await
    {
        Ok(account) => AccountPrincipal {
            id: account.id,
            role: Role::Operator,
        },
        Err(AccountError::EmailTaken) => return Ok(DemoOutcome::AlreadyThere),
        Err(error) => {
            return Err(problem_error(error).context("cannot create the demo operator"));
        }
    };
    // From here on a failure leaves a half-seeded database; say so.
    build(services, password, operator)
        .await
        .map(DemoOutcome::Created)
        .map_err(|error| {
            error.context(
                "seed-demo stopped half-way (the demo operator exists, so it will not run \
                 again on this database); seed a fresh database",
            )
        })
}

async fn build(
    services: &DemoServices,
    password: &DemoPassword,
    operator: AccountPrincipal,
) -> anyhow::Result<DemoSummary> {
    let categories = categories(&services.catalog).await?;
    account(
        &services.accounts,
        DEMO_CUSTOMER_EMAIL,
        "Mara Kundin",
        password,
    )
    .await?;
    let mut summary = DemoSummary {
        shops: Vec::new(),
        categories: categories.len(),
        published: 0,
        drafts: 0,
        locations: 0,
        reductions: 0,
        password_from_env: matches!(password, DemoPassword::FromEnvironment(_)),
    };
    for shop in SHOPS {
        seed_shop(
            services,
            password,
            operator,
            &categories,
            shop,
            &mut summary,
        )
        .await
        .map_err(|error| error.context(format!("shop {}", shop.display_name)))?;
    }
    Ok(summary)
}

async fn account(
    accounts: &AccountService,
    email: &str,
    name: &str,
    password: &DemoPassword,
) -> anyhow::Result<AccountPrincipal> {
    let account = accounts
        .create_account(
            RegisterRequest {
                email: email.to_owned(),
                password: password.value().to_owned(),
                display_name: name.to_owned(),
                language: None,
            },
            Role::Customer,
        )
        .await
        .map_err(|error| problem_error(error).context(format!("account {email}")))?;
    Ok(AccountPrincipal {
        id: account.id,
        role: account.role,
    })
}

/// (slug, name, parent slug), parents first.
const CATEGORIES: &[(&str, &str, Option<&str>)] = &[
    ("lebensmittel", "Lebensmittel", None),
    ("kaffee-tee", "Kaffee & Tee", Some("lebensmittel")),
    ("backwaren", "Backwaren", Some("lebensmittel")),
    (
        "honig-aufstriche",
        "Honig & Aufstriche",
        Some("lebensmittel"),
    ),
    ("getraenke", "Getränke", Some("lebensmittel")),
    ("haushalt", "Haushalt", None),
    ("kueche", "Küche", Some("haushalt")),
    ("wohnen-deko", "Wohnen & Deko", Some("haushalt")),
    ("buecher-schreibwaren", "Bücher & Schreibwaren", None),
    ("buecher", "Bücher", Some("buecher-schreibwaren")),
    ("schreibwaren", "Schreibwaren", Some("buecher-schreibwaren")),
    ("fahrrad", "Fahrrad", None),
    ("fahrrad-ersatzteile", "Ersatzteile", Some("fahrrad")),
    ("fahrrad-zubehoer", "Zubehör", Some("fahrrad")),
];

/// The demo categories by slug; existing active ones (an operator may have made them) are
/// used as they are.
async fn categories(catalog: &CatalogService) -> anyhow::Result<HashMap<&'static str, CategoryId>> {
    fn flatten(
        nodes: &[catalog::model::CategoryNode],
        into: &mut HashMap<String, (CategoryId, bool)>,
    ) {
        for node in nodes {
            into.insert(node.slug.clone(), (node.id, node.archived_at.is_some()));
            flatten(&node.children, into);
        }
    }
    let mut existing = HashMap::new();
    flatten(
        &catalog.category_tree(true).await.map_err(problem_error)?,
        &mut existing,
    );
    let mut ids: HashMap<&'static str, CategoryId> = HashMap::new();
    for (slug, name, parent) in CATEGORIES {
        let id = match existing.get(*slug) {
            Some((_, true)) => anyhow::bail!("the category `{slug}` exists but is archived"),
            Some((id, false)) => *id,
            None => {
                let parent_id = parent.and_then(|parent| ids.get(parent).copied());
                catalog
                    .create_category(NewCategory {
                        name: (*name).to_owned(),
                        slug: Some((*slug).to_owned()),
                        parent_id,
                    })
                    .await
                    .map_err(|error| problem_error(error).context(format!("category {slug}")))?
                    .id
            }
        };
        ids.insert(slug, id);
    }
    Ok(ids)
}

async fn seed_shop(
    services: &DemoServices,
    password: &DemoPassword,
    operator: AccountPrincipal,
    categories: &HashMap<&'static str, CategoryId>,
    shop: &Shop,
    summary: &mut DemoSummary,
) -> anyhow::Result<()> {
    let email = format!("{}@marktplatz.example", shop.login);
    let owner = account(&services.accounts, &email, shop.owner, password).await?;
    let applicant = Principal::person(owner);
    let applied = services
        .vendors
        .apply(&applicant, application(shop))
        .await
        .map_err(problem_error)?;
    let vendor_id: VendorId = applied.id;
    services
        .vendors
        .operator_transition(
            operator,
            vendor_id,
            Transition::Approve,
            TransitionRequest::default(),
        )
        .await
        .map_err(problem_error)?;
    // What the authenticator would load for the owner's next request.
    let owner = Principal::Account {
        account: owner,
        memberships: vec![VendorMembership {
            vendor_id,
            role: VendorRole::Owner,
        }],
    };

    let now = Utc::now();
    let mut locations = Vec::new();
    for store in shop.stores {
        let location = services
            .vendors
            .create_location(&owner, vendor_id, new_location(store, now)?)
            .await
            .map_err(|error| problem_error(error).context(format!("store {}", store.name)))?;
        locations.push(location.id);
    }
    summary.locations += locations.len();

    let mut stock = Vec::new();
    for item in shop.items {
        let request = new_product(shop, item, categories)
            .map_err(|error| error.context(format!("product {}", item.title)))?;
        let product = services
            .catalog
            .create_product(&owner, vendor_id, request)
            .await
            .map_err(|error| problem_error(error).context(format!("product {}", item.title)))?;
        if item.publish {
            services
                .catalog
                .publish(&owner, vendor_id, product.id)
                .await
                .map_err(|error| {
                    problem_error(error).context(format!("publishing {}", item.title))
                })?;
            summary.published += 1;
        } else {
            summary.drafts += 1;
        }
        for variant in item.variants {
            for (location, on_hand) in locations.iter().zip(variant.stock) {
                stock.push(StockCount {
                    sku: variant.sku.to_owned(),
                    location_id: *location,
                    on_hand: *on_hand,
                });
            }
        }
    }
    if !stock.is_empty() {
        services
            .catalog
            .sync_stock(&owner, vendor_id, StockSync { items: stock })
            .await
            .map_err(|error| problem_error(error).context("stock"))?;
    }

    for (sku, price, days) in shop.reductions {
        // A reduction may not start in the past; the services' clock has moved on a little.
        let starts_at = Utc::now() + Duration::seconds(2);
        services
            .catalog
            .add_reduction(
                &owner,
                vendor_id,
                sku,
                NewReduction {
                    price: money(price)?,
                    starts_at,
                    ends_at: Some(starts_at + Duration::days(*days)),
                },
            )
            .await
            .map_err(|error| problem_error(error).context(format!("reduction of {sku}")))?;
        summary.reductions += 1;
    }
    summary
        .shops
        .push((email, shop.display_name.to_owned(), applied.slug));
    Ok(())
}

fn money(text: &str) -> anyhow::Result<Money> {
    text.parse()
        .map_err(|error| anyhow::anyhow!("amount {text}: {error}"))
}

fn decimal(text: &str) -> anyhow::Result<Decimal> {
    Decimal::from_str_exact(text).map_err(|error| anyhow::anyhow!("number {text}: {error}"))
}

fn address(street: &str, postal_code: &str) -> Address {
    Address {
        street: street.to_owned(),
        postal_code: postal_code.to_owned(),
        city: CITY.to_owned(),
        country: "DE".to_owned(),
    }
}

fn application(shop: &Shop) -> VendorApplication {
    VendorApplication {
        display_name: shop.display_name.to_owned(),
        slug: None,
        description: shop.description.to_owned(),
        legal_name: shop.legal_name.to_owned(),
        legal_form: shop.legal_form.to_owned(),
        address: address(shop.street, shop.postal_code),
        email: shop.email.to_owned(),
        phone: shop.phone.to_owned(),
        trade_register: shop.register.map(|number| TradeRegister {
            court: "Amtsgericht Freiburg".to_owned(),
            number: number.to_owned(),
        }),
        vat_id: shop.vat_id.map(str::to_owned),
        tax_number: Some(shop.tax_number.to_owned()),
        small_business: shop.small_business,
        representative: shop.owner.to_owned(),
        payout_account: PayoutAccount {
            iban: german_iban(68_050_101, shop.account_number),
            holder: shop.legal_name.to_owned(),
        },
        self_certification: true,
    }
}

/// Christmas: short hours on the 24th, closed on both holidays (this year's, or next
/// year's once they are over).
fn christmas(now: DateTime<Utc>) -> Vec<DateException> {
    let year = if now.month() == 12 && now.day() > 26 {
        now.year() + 1
    } else {
        now.year()
    };
    let day = |d: u32| NaiveDate::from_ymd_opt(year, 12, d);
    let mut exceptions = Vec::new();
    if let (Some(eve), Some(first), Some(second)) = (day(24), day(25), day(26)) {
        exceptions.push(DateException {
            date: eve,
            hours: vec![Interval {
                opens: "09:00".to_owned(),
                closes: "13:00".to_owned(),
            }],
            note: Some("Heiligabend".to_owned()),
        });
        exceptions.push(DateException {
            date: first,
            hours: Vec::new(),
            note: Some("1. Weihnachtstag".to_owned()),
        });
        exceptions.push(DateException {
            date: second,
            hours: Vec::new(),
            note: Some("2. Weihnachtstag".to_owned()),
        });
    }
    exceptions
}

fn new_location(store: &Store, now: DateTime<Utc>) -> anyhow::Result<NewLocation> {
    let local_delivery = match store.delivery {
        Some((radius, fee)) => Some(LocalDelivery {
            radius_km: decimal(radius)?,
            fee: money(fee)?,
        }),
        None => None,
    };
    Ok(NewLocation {
        name: store.name.to_owned(),
        address: address(store.street, store.postal_code),
        coordinates: Some(Coordinates {
            lat: store.lat,
            lon: store.lon,
        }),
        time_zone: None,
        opening_hours: store.hours.weekly(),
        opening_exceptions: christmas(now),
        pickup: store.pickup,
        local_delivery,
    })
}

fn contact(company: &Company) -> Contact {
    Contact {
        name: company.name.to_owned(),
        address: Address {
            street: company.street.to_owned(),
            postal_code: company.postal_code.to_owned(),
            city: company.city.to_owned(),
            country: company.country.to_owned(),
        },
        email: company.email.to_owned(),
    }
}

fn shop_contact(shop: &Shop) -> Contact {
    Contact {
        name: shop.legal_name.to_owned(),
        address: address(shop.street, shop.postal_code),
        email: shop.email.to_owned(),
    }
}

fn pairs(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect()
}

fn new_product(
    shop: &Shop,
    item: &Item,
    categories: &HashMap<&'static str, CategoryId>,
) -> anyhow::Result<NewProduct> {
    let category_id = categories
        .get(item.category)
        .copied()
        .ok_or_else(|| anyhow::anyhow!("unknown demo category {}", item.category))?;
    let (manufacturer, eu_responsible_person) = match item.maker {
        Maker::Shop => (shop_contact(shop), None),
        Maker::Company(company) => (contact(company), None),
        // Made outside the EU: the shop imports it and is the responsible person (GPSR).
        Maker::Imported(company) => (contact(company), Some(shop_contact(shop))),
    };
    let mut variants = Vec::new();
    for variant in item.variants {
        let (net_quantity, unit) = match variant.measure {
            Some((quantity, unit)) => (Some(decimal(quantity)?), Some(unit)),
            None => (None, None),
        };
        variants.push(NewVariant {
            sku: variant.sku.to_owned(),
            options: pairs(variant.options),
            gtin: None,
            price: variant.price.map(money).transpose()?,
            vat_rate: variant.vat,
            net_quantity,
            unit,
            deposit: variant.deposit.map(money).transpose()?,
            weight_grams: variant.weight_grams,
        });
    }
    Ok(NewProduct {
        title: item.title.to_owned(),
        description: item.description.to_owned(),
        brand: item.brand.map(str::to_owned),
        category_id: Some(category_id),
        images: Vec::new(),
        attributes: pairs(item.attributes),
        safety: Safety {
            manufacturer: Some(manufacturer),
            eu_responsible_person,
            warnings: item.warnings.map(str::to_owned),
        },
        withdrawal_exempt: item.exempt,
        variants,
    })
}

// ---- the data ----

struct Shop {
    /// The local part of the owner's login e-mail.
    login: &'static str,
    owner: &'static str,
    display_name: &'static str,
    description: &'static str,
    legal_name: &'static str,
    legal_form: &'static str,
    street: &'static str,
    postal_code: &'static str,
    email: &'static str,
    phone: &'static str,
    /// HRB/HRA number at the Amtsgericht Freiburg.
    register: Option<&'static str>,
    vat_id: Option<&'static str>,
    tax_number: &'static str,
    small_business: bool,
    account_number: u64,
    stores: &'static [Store],
    items: &'static [Item],
    /// (SKU, reduced price, days it runs).
    reductions: &'static [(&'static str, &'static str, i64)],
}

struct Store {
    name: &'static str,
    street: &'static str,
    postal_code: &'static str,
    lat: f64,
    lon: f64,
    hours: Hours,
    pickup: bool,
    /// (radius in km, fee).
    delivery: Option<(&'static str, &'static str)>,
}

struct Company {
    name: &'static str,
    street: &'static str,
    postal_code: &'static str,
    city: &'static str,
    country: &'static str,
    email: &'static str,
}

#[derive(Clone, Copy)]
enum Maker {
    /// The shop makes it itself.
    Shop,
    Company(&'static Company),
    /// Made outside the EU; the shop is the EU responsible person.
    Imported(&'static Company),
}

struct Item {
    title: &'static str,
    description: &'static str,
    brand: Option<&'static str>,
    category: &'static str,
    attributes: &'static [(&'static str, &'static str)],
    maker: Maker,
    warnings: Option<&'static str>,
    exempt: Option<WithdrawalExempt>,
    publish: bool,
    variants: &'static [Variant],
}

struct Variant {
    sku: &'static str,
    options: &'static [(&'static str, &'static str)],
    price: Option<&'static str>,
    vat: VatRateCode,
    /// Net quantity and unit, for goods sold by measure.
    measure: Option<(&'static str, Unit)>,
    deposit: Option<&'static str>,
    weight_grams: Option<u32>,
    /// On-hand stock per store, in the order of the shop's stores.
    stock: &'static [i32],
}

use VatRateCode::{Reduced, Standard};

/// A variant with the defaults most have.
const fn v(
    sku: &'static str,
    options: &'static [(&'static str, &'static str)],
    price: &'static str,
    vat: VatRateCode,
    stock: &'static [i32],
) -> Variant {
    Variant {
        sku,
        options,
        price: Some(price),
        vat,
        measure: None,
        deposit: None,
        weight_grams: None,
        stock,
    }
}

/// A variant sold by measure.
const fn m(
    sku: &'static str,
    options: &'static [(&'static str, &'static str)],
    price: &'static str,
    vat: VatRateCode,
    measure: (&'static str, Unit),
    stock: &'static [i32],
) -> Variant {
    Variant {
        sku,
        options,
        price: Some(price),
        vat,
        measure: Some(measure),
        deposit: None,
        weight_grams: None,
        stock,
    }
}

/// A product with the defaults most have (published, no warnings, returnable).
const fn item(
    title: &'static str,
    description: &'static str,
    category: &'static str,
    maker: Maker,
    variants: &'static [Variant],
) -> Item {
    Item {
        title,
        description,
        brand: None,
        category,
        attributes: &[],
        maker,
        warnings: None,
        exempt: None,
        publish: true,
        variants,
    }
}

const KG: Unit = Unit::Kg;
const L: Unit = Unit::L;

const MAHLWERK: Company = Company {
    name: "Mahlwerk Erzgebirge GmbH",
    street: "Am Hammerwerk 4",
    postal_code: "09456",
    city: "Annaberg-Buchholz",
    country: "DE",
    email: "info@mahlwerk-erzgebirge.example",
};
const CUCINA: Company = Company {
    name: "Cucina Alluminio S.r.l.",
    street: "Via Roma 18",
    postal_code: "28887",
    city: "Omegna",
    country: "IT",
    email: "sicurezza@cucina-alluminio.example",
};
const TEEHAUS: Company = Company {
    name: "Teehaus Speicherstadt GmbH",
    street: "Sandtorkai 30",
    postal_code: "20457",
    city: "Hamburg",
    country: "DE",
    email: "service@teehaus-speicherstadt.example",
};
const PAPIERWERK: Company = Company {
    name: "Papierwerk Neckartal GmbH",
    street: "Mühlstraße 9",
    postal_code: "72074",
    city: "Tübingen",
    country: "DE",
    email: "info@papierwerk-neckartal.example",
};
const KELTEREI: Company = Company {
    name: "Kelterei Tuniberg eG",
    street: "Winzerstraße 5",
    postal_code: "79112",
    city: "Freiburg im Breisgau",
    country: "DE",
    email: "info@kelterei-tuniberg.example",
};
const BRUNNEN: Company = Company {
    name: "Schwarzwald-Sprudel GmbH",
    street: "Quellenweg 1",
    postal_code: "79271",
    city: "St. Peter",
    country: "DE",
    email: "qualitaet@schwarzwald-sprudel.example",
};
const VERLAG: Company = Company {
    name: "Verlag Dreisamtal GmbH",
    street: "Schwarzwaldstraße 78",
    postal_code: "79117",
    city: "Freiburg im Breisgau",
    country: "DE",
    email: "info@verlag-dreisamtal.example",
};
const SCHREIBGERAETE: Company = Company {
    name: "Schreibgeräte Fürth GmbH",
    street: "Königswarterstraße 21",
    postal_code: "90762",
    city: "Fürth",
    country: "DE",
    email: "kontakt@schreibgeraete-fuerth.example",
};
const REIFENWERK: Company = Company {
    name: "Reifenwerk Bergisch GmbH",
    street: "Industriestraße 12",
    postal_code: "51580",
    city: "Reichshof",
    country: "DE",
    email: "produktsicherheit@reifenwerk-bergisch.example",
};
const LUX_VELO: Company = Company {
    name: "Lux Velo Technik GmbH",
    street: "Lichtweg 3",
    postal_code: "58511",
    city: "Lüdenscheid",
    country: "DE",
    email: "service@lux-velo.example",
};
const VELO_PARTS: Company = Company {
    name: "Velo Parts Nederland B.V.",
    street: "Fietsstraat 10",
    postal_code: "3511 AB",
    city: "Utrecht",
    country: "NL",
    email: "safety@velo-parts.example",
};
const SAFEWAY: Company = Company {
    name: "Shenzhen Safeway Sports Co., Ltd.",
    street: "Bao'an Road 88",
    postal_code: "518101",
    city: "Shenzhen",
    country: "CN",
    email: "export@safeway-sports.example",
};
const HOLZWERKSTATT: Company = Company {
    name: "Holzwerkstatt Elztal GmbH",
    street: "Talstraße 31",
    postal_code: "79183",
    city: "Waldkirch",
    country: "DE",
    email: "werkstatt@holz-elztal.example",
};
const KLINGE: Company = Company {
    name: "Solinger Klingenschmiede Kämper GmbH",
    street: "Klingenstraße 40",
    postal_code: "42651",
    city: "Solingen",
    country: "DE",
    email: "info@klingenschmiede-kaemper.example",
};
const EISENGUSS: Company = Company {
    name: "Eisenguss Vogelsberg GmbH",
    street: "Hüttenweg 2",
    postal_code: "36341",
    city: "Lauterbach",
    country: "DE",
    email: "info@eisenguss-vogelsberg.example",
};
const GLASHUETTE: Company = Company {
    name: "Glashütte Bayerwald GmbH",
    street: "Glasstraße 5",
    postal_code: "94227",
    city: "Zwiesel",
    country: "DE",
    email: "service@glashuette-bayerwald.example",
};
const EMAILLE: Company = Company {
    name: "Emaillierwerk Lahntal GmbH",
    street: "Am Hochofen 7",
    postal_code: "35578",
    city: "Wetzlar",
    country: "DE",
    email: "info@emaille-lahntal.example",
};

const SHOPS: &[Shop] = &[
    Shop {
        login: "kaffee",
        owner: "Johanna Albrecht",
        display_name: "Kaffeerösterei Münsterblick",
        description: "Kleine Rösterei am Münsterplatz: Espresso, Filterkaffee und Tee, frisch \
                      geröstet und gemahlen, wie Sie ihn brauchen.",
        legal_name: "Kaffeerösterei Münsterblick GmbH",
        legal_form: "GmbH",
        street: "Münsterplatz 14",
        postal_code: "79098",
        email: "info@kaffee-muensterblick.example",
        phone: "+49 761 2920418",
        register: Some("HRB 709811"),
        vat_id: Some("DE284019337"),
        tax_number: "06/451/10233",
        small_business: false,
        account_number: 2_041_387_650,
        stores: &[
            Store {
                name: "Rösterei am Münsterplatz",
                street: "Münsterplatz 14",
                postal_code: "79098",
                lat: 47.99571,
                lon: 7.85306,
                hours: Hours::Shop,
                pickup: true,
                delivery: Some(("8.5", "4.90")),
            },
            Store {
                name: "Kaffeebar Wiehre",
                street: "Günterstalstraße 41",
                postal_code: "79102",
                lat: 47.98521,
                lon: 7.84923,
                hours: Hours::Boutique,
                pickup: true,
                delivery: None,
            },
        ],
        items: &[
            Item {
                brand: Some("Münsterblick"),
                attributes: &[("Röstgrad", "dunkel"), ("Herkunft", "Brasilien, Indien")],
                ..item(
                    "Espresso Bohne Altstadt",
                    "Kräftiger Espresso aus Arabica- und Robusta-Bohnen, langsam im \
                     Trommelröster geröstet. Schokoladig, wenig Säure, feste Crema.",
                    "kaffee-tee",
                    Maker::Shop,
                    &[
                        Variant {
                            weight_grams: Some(270),
                            ..m("KMB-ESP-250", &[("Größe", "250 g")], "7.90", Reduced, ("0.25", KG), &[14, 6])
                        },
                        Variant {
                            weight_grams: Some(530),
                            ..m("KMB-ESP-500", &[("Größe", "500 g")], "14.50", Reduced, ("0.5", KG), &[9, 0])
                        },
                        Variant {
                            weight_grams: Some(1_050),
                            ..m("KMB-ESP-1000", &[("Größe", "1 kg")], "26.90", Reduced, ("1", KG), &[4, 2])
                        },
                    ],
                )
            },
            Item {
                brand: Some("Münsterblick"),
                attributes: &[("Röstgrad", "hell"), ("Herkunft", "Äthiopien")],
                ..item(
                    "Filterkaffee Schauinsland",
                    "Mild und fruchtig, mit Noten von Aprikose und Haselnuss. Ideal für \
                     Handfilter, Filtermaschine und French Press.",
                    "kaffee-tee",
                    Maker::Shop,
                    &[
                        m("KMB-FIL-250", &[("Größe", "250 g")], "8.50", Reduced, ("0.25", KG), &[11, 5]),
                        m("KMB-FIL-500", &[("Größe", "500 g")], "15.90", Reduced, ("0.5", KG), &[6, 3]),
                    ],
                )
            },
            Item {
                brand: Some("Münsterblick"),
                attributes: &[("Röstgrad", "mittel"), ("Koffein", "max. 0,1 %")],
                ..item(
                    "Entkoffeinierter Kaffee Dreisam",
                    "Schonend mit CO₂ entkoffeiniert, voller Geschmack auch am Abend.",
                    "kaffee-tee",
                    Maker::Shop,
                    &[m("KMB-DEC-250", &[("Größe", "250 g")], "8.90", Reduced, ("0.25", KG), &[7, 0])],
                )
            },
            Item {
                brand: Some("Teehaus Speicherstadt"),
                attributes: &[("Anbau", "kontrolliert biologisch"), ("Herkunft", "Japan")],
                ..item(
                    "Grüner Tee Sencha Bio",
                    "Japanischer Sencha: frisch, grasig, leicht süß. 2 g auf 200 ml, \
                     70 °C, 2 Minuten ziehen lassen.",
                    "kaffee-tee",
                    Maker::Company(&TEEHAUS),
                    &[m("KMB-SEN-100", &[("Größe", "100 g")], "6.90", Reduced, ("0.1", KG), &[10, 4])],
                )
            },
            Item {
                brand: Some("Teehaus Speicherstadt"),
                ..item(
                    "Schwarztee Assam Breakfast",
                    "Malziger Assam für den Morgen, kräftig genug für einen Schuss Milch.",
                    "kaffee-tee",
                    Maker::Company(&TEEHAUS),
                    &[m("KMB-ASS-250", &[("Größe", "250 g")], "7.50", Reduced, ("0.25", KG), &[5, 5])],
                )
            },
            item(
                "Kräutertee Schwarzwaldwiese",
                "Pfefferminze, Melisse und Brombeerblätter von Höfen im Schwarzwald, von Hand \
                 gemischt.",
                "kaffee-tee",
                Maker::Shop,
                &[m("KMB-KRT-80", &[("Größe", "80 g")], "5.90", Reduced, ("0.08", KG), &[8, 8])],
            ),
            Item {
                brand: Some("Münsterblick"),
                warnings: Some("Gekühlt lagern und nach dem Öffnen innerhalb von 2 Tagen verbrauchen."),
                ..item(
                    "Cold Brew Kaffee",
                    "18 Stunden kalt extrahiert, mild und ohne Bitterstoffe. In der \
                     Mehrwegflasche.",
                    "getraenke",
                    Maker::Shop,
                    &[Variant {
                        deposit: Some("0.15"),
                        weight_grams: Some(580),
                        ..m("KMB-CB-033", &[("Inhalt", "0,33 l")], "3.20", Standard, ("0.33", L), &[24, 12])
                    }],
                )
            },
            Item {
                attributes: &[("Mahlwerk", "Kegelmahlwerk Edelstahl"), ("Material", "Buchenholz")],
                warnings: Some("Mahlwerk nur trocken reinigen. Nicht in die Spülmaschine geben."),
                ..item(
                    "Kaffeemühle Handbetrieb",
                    "Kegelmahlwerk aus Edelstahl, stufenlos einstellbar von Espresso bis French \
                     Press. Gehäuse aus geöltem Buchenholz.",
                    "kueche",
                    Maker::Company(&MAHLWERK),
                    &[Variant {
                        weight_grams: Some(720),
                        ..v("KMB-MUEHLE", &[], "49.90", Standard, &[3, 1])
                    }],
                )
            },
            Item {
                warnings: Some(
                    "Nie ohne Wasser auf die heiße Platte stellen. Griff und Deckel werden heiß.",
                ),
                ..item(
                    "Espressokocher Edelstahl",
                    "Der Klassiker für den Herd, für Gas, Elektro und Induktion.",
                    "kueche",
                    Maker::Company(&CUCINA),
                    &[
                        v("KMB-MOKA-3", &[("Größe", "3 Tassen")], "29.90", Standard, &[4, 2]),
                        v("KMB-MOKA-6", &[("Größe", "6 Tassen")], "34.90", Standard, &[2, 0]),
                    ],
                )
            },
            item(
                "Kaffeefilter Papier Größe 4 (100 Stück)",
                "Ungebleichte Filtertüten aus FSC-zertifiziertem Papier.",
                "kueche",
                Maker::Company(&PAPIERWERK),
                &[v("KMB-FILTER-4", &[], "2.90", Standard, &[40, 20])],
            ),
        ],
        reductions: &[("KMB-ESP-500", "12.90", 14)],
    },
    Shop {
        login: "baeckerei",
        owner: "Markus Heitzmann",
        display_name: "Bäckerei Sonnenkorn",
        description: "Handwerksbäckerei mit Steinofen im Stühlinger und in Vauban: Brot mit \
                      langer Teigführung, Brezeln und Kuchen, jeden Morgen frisch.",
        legal_name: "Bäckerei Sonnenkorn Markus Heitzmann e.K.",
        legal_form: "eingetragener Kaufmann (e.K.)",
        street: "Egonstraße 22",
        postal_code: "79106",
        email: "backstube@sonnenkorn.example",
        phone: "+49 761 27403311",
        register: Some("HRA 702315"),
        vat_id: Some("DE301552874"),
        tax_number: "06/140/23871",
        small_business: false,
        account_number: 3_120_448_901,
        stores: &[
            Store {
                name: "Backstube Stühlinger",
                street: "Egonstraße 22",
                postal_code: "79106",
                lat: 48.00027,
                lon: 7.83671,
                hours: Hours::Bakery,
                pickup: true,
                delivery: None,
            },
            Store {
                name: "Filiale Vauban",
                street: "Vaubanallee 15",
                postal_code: "79100",
                lat: 47.97872,
                lon: 7.83062,
                hours: Hours::Bakery,
                pickup: true,
                delivery: None,
            },
        ],
        items: &[
            Item {
                attributes: &[("Mehl", "Dinkelvollkorn"), ("Teigführung", "24 Stunden")],
                exempt: Some(WithdrawalExempt::Perishable),
                ..item(
                    "Dinkel-Vollkornbrot",
                    "Aus 100 % Dinkelvollkornmehl mit eigenem Sauerteig, 24 Stunden Teigführung, \
                     im Steinofen gebacken.",
                    "backwaren",
                    Maker::Shop,
                    &[Variant {
                        weight_grams: Some(750),
                        ..m("SK-DINKEL-750", &[("Gewicht", "750 g")], "5.40", Reduced, ("0.75", KG), &[12, 8])
                    }],
                )
            },
            Item {
                exempt: Some(WithdrawalExempt::Perishable),
                ..item(
                    "Bauernbrot",
                    "Roggenmischbrot mit kräftiger Kruste, hält sich saftig bis zu fünf Tage.",
                    "backwaren",
                    Maker::Shop,
                    &[m("SK-BAUER-1000", &[("Gewicht", "1 kg")], "4.80", Reduced, ("1", KG), &[10, 0])],
                )
            },
            Item {
                exempt: Some(WithdrawalExempt::Perishable),
                ..item(
                    "Laugenbrezel",
                    "Badische Brezel mit dünnen Ärmchen und dickem Bauch, frisch gelaugt.",
                    "backwaren",
                    Maker::Shop,
                    &[v("SK-BREZEL-4", &[("Menge", "4 Stück")], "3.20", Reduced, &[30, 25])],
                )
            },
            Item {
                exempt: Some(WithdrawalExempt::Perishable),
                warnings: Some("Enthält Gluten, Milch und Ei."),
                ..item(
                    "Hefezopf",
                    "Locker und buttrig, mit Hagelzucker. Samstags und sonntags auch mit Rosinen.",
                    "backwaren",
                    Maker::Shop,
                    &[m("SK-ZOPF-500", &[("Gewicht", "500 g")], "4.50", Reduced, ("0.5", KG), &[6, 4])],
                )
            },
            Item {
                exempt: Some(WithdrawalExempt::Perishable),
                ..item(
                    "Roggenvollkornbrot Schwarzwald",
                    "Kastenbrot mit Sonnenblumenkernen, kräftig und lange frisch.",
                    "backwaren",
                    Maker::Shop,
                    &[m("SK-ROGGEN-500", &[("Gewicht", "500 g")], "3.90", Reduced, ("0.5", KG), &[0, 5])],
                )
            },
            item(
                "Müsli Dinkel-Crunch",
                "Knusper-Müsli aus Dinkelflocken, Haselnüssen und Honig, im Ofen geröstet.",
                "lebensmittel",
                Maker::Shop,
                &[m("SK-MUESLI-500", &[("Gewicht", "500 g")], "5.90", Reduced, ("0.5", KG), &[8, 8])],
            ),
            Item {
                attributes: &[("Obst", "Streuobstwiesen am Tuniberg")],
                ..item(
                    "Apfelsaft naturtrüb",
                    "Direkt gepresst aus Äpfeln von Streuobstwiesen am Tuniberg, ohne Zusätze.",
                    "getraenke",
                    Maker::Company(&KELTEREI),
                    &[Variant {
                        deposit: Some("0.15"),
                        weight_grams: Some(1_600),
                        ..m("SK-APFEL-1L", &[("Inhalt", "1 l")], "2.40", Standard, ("1", L), &[24, 12])
                    }],
                )
            },
            item(
                "Mineralwasser Classic",
                "Aus der Quelle bei St. Peter im Schwarzwald, mit Kohlensäure. Glas-Mehrweg.",
                "getraenke",
                Maker::Company(&BRUNNEN),
                &[
                    Variant {
                        deposit: Some("0.15"),
                        weight_grams: Some(1_250),
                        ..m("SK-WASSER-075", &[("Gebinde", "Flasche 0,75 l")], "0.99", Standard, ("0.75", L), &[36, 24])
                    },
                    Variant {
                        deposit: Some("3.30"),
                        weight_grams: Some(16_500),
                        ..m("SK-WASSER-K12", &[("Gebinde", "Kasten 12 × 0,75 l")], "10.90", Standard, ("9", L), &[5, 2])
                    },
                ],
            ),
            Item {
                exempt: Some(WithdrawalExempt::Perishable),
                warnings: Some("Enthält Alkohol (Kirschwasser), Gluten, Milch und Ei."),
                ..item(
                    "Schwarzwälder Kirschtorte (Stück)",
                    "Nach dem Rezept der Großmutter, mit Kirschwasser aus dem Glottertal.",
                    "backwaren",
                    Maker::Shop,
                    &[v("SK-TORTE-1", &[], "3.80", Reduced, &[8, 0])],
                )
            },
        ],
        reductions: &[],
    },
    Shop {
        login: "buecher",
        owner: "Clara Winterhalter",
        display_name: "Buchhandlung am Martinstor",
        description: "Unabhängige Buchhandlung mit Regionalia, Kinderbüchern und schönen \
                      Schreibwaren. Bestellte Bücher liegen meist am nächsten Tag bereit.",
        legal_name: "Buchhandlung am Martinstor GmbH",
        legal_form: "GmbH",
        street: "Bertoldstraße 10",
        postal_code: "79098",
        email: "lesen@buchhandlung-martinstor.example",
        phone: "+49 761 38851",
        register: Some("HRB 701877"),
        vat_id: Some("DE142338015"),
        tax_number: "06/111/09812",
        small_business: false,
        account_number: 1_098_775_320,
        stores: &[Store {
            name: "Buchhandlung am Martinstor",
            street: "Bertoldstraße 10",
            postal_code: "79098",
            lat: 47.99459,
            lon: 7.84842,
            hours: Hours::Shop,
            pickup: true,
            delivery: Some(("10", "3.50")),
        }],
        items: &[
            Item {
                brand: Some("Verlag Dreisamtal"),
                attributes: &[("Seiten", "192"), ("Sprache", "Deutsch")],
                ..item(
                    "Freiburg – Ein Stadtführer",
                    "Altstadt, Bächle, Münster und Schlossberg: zwölf Spaziergänge mit Karten \
                     und Tipps aus der Nachbarschaft.",
                    "buecher",
                    Maker::Company(&VERLAG),
                    &[v("BMT-978-3-00-071234-5", &[("Ausgabe", "Taschenbuch")], "14.00", Reduced, &[7])],
                )
            },
            Item {
                brand: Some("Verlag Dreisamtal"),
                attributes: &[("Seiten", "256")],
                ..item(
                    "Wandern im Schwarzwald – 40 Touren",
                    "Von der Feierabendrunde bis zur Feldberg-Überschreitung, mit Höhenprofilen \
                     und Einkehrtipps.",
                    "buecher",
                    Maker::Company(&VERLAG),
                    &[v("BMT-978-3-00-068812-1", &[("Ausgabe", "Taschenbuch")], "19.90", Reduced, &[5])],
                )
            },
            Item {
                brand: Some("Verlag Dreisamtal"),
                ..item(
                    "Badische Küche – Das Kochbuch",
                    "Schäufele, Flammkuchen, Brägele und Kirschplotzer: 90 Rezepte aus Baden.",
                    "buecher",
                    Maker::Company(&VERLAG),
                    &[
                        v("BMT-978-3-00-070001-4", &[("Ausgabe", "Gebunden")], "24.00", Reduced, &[3]),
                        v("BMT-978-3-00-070002-1", &[("Ausgabe", "Taschenbuch")], "14.00", Reduced, &[6]),
                    ],
                )
            },
            item(
                "Der kleine Bächle-Frosch",
                "Bilderbuch ab 3 Jahren: Ein Frosch entdeckt die Freiburger Bächle.",
                "buecher",
                Maker::Company(&VERLAG),
                &[v("BMT-978-3-00-066540-5", &[("Ausgabe", "Pappbilderbuch")], "12.95", Reduced, &[0])],
            ),
            item(
                "Radwandern am Kaiserstuhl",
                "Zwanzig Touren zwischen Reben und Rhein, mit GPS-Daten zum Herunterladen.",
                "buecher",
                Maker::Company(&VERLAG),
                &[v("BMT-978-3-00-069123-7", &[("Ausgabe", "Taschenbuch")], "16.90", Reduced, &[4])],
            ),
            Item {
                attributes: &[("Format", "A5"), ("Seiten", "192, liniert")],
                ..item(
                    "Notizbuch A5 liniert",
                    "Fadengebunden, lässt sich flach aufschlagen; 100 g/m² Papier, \
                     füllertauglich.",
                    "schreibwaren",
                    Maker::Company(&PAPIERWERK),
                    &[
                        v("BMT-NB-A5-SW", &[("Farbe", "schwarz")], "9.90", Standard, &[20]),
                        v("BMT-NB-A5-RT", &[("Farbe", "rot")], "9.90", Standard, &[11]),
                    ],
                )
            },
            Item {
                warnings: Some("Enthält verschluckbare Kleinteile. Nicht für Kinder unter 3 Jahren."),
                ..item(
                    "Füllfederhalter Klassik",
                    "Edelstahlfeder M, Kolbenkonverter und Patronen, Gehäuse aus Harz.",
                    "schreibwaren",
                    Maker::Company(&SCHREIBGERAETE),
                    &[v("BMT-FUELLER-M", &[("Feder", "M")], "24.90", Standard, &[6])],
                )
            },
            item(
                "Wandkalender Freiburg",
                "Zwölf Stadtansichten im Großformat, Spiralbindung.",
                "schreibwaren",
                Maker::Company(&VERLAG),
                &[v("BMT-KAL-FR", &[("Format", "A3 quer")], "16.90", Standard, &[10])],
            ),
            item(
                "Postkarten-Set Münster (10 Stück)",
                "Zehn Motive rund um das Freiburger Münster, auf Recyclingkarton.",
                "schreibwaren",
                Maker::Shop,
                &[v("BMT-PK-MUENSTER", &[], "8.50", Standard, &[15])],
            ),
        ],
        reductions: &[],
    },
    Shop {
        login: "rad",
        owner: "Tobias Kiefer",
        display_name: "Radhaus Wiehre",
        description: "Fahrradwerkstatt und Laden in der Wiehre: Ersatzteile, Zubehör und \
                      Reparaturen, Lieferung im Stadtgebiet mit dem Lastenrad.",
        legal_name: "Radhaus Wiehre GmbH",
        legal_form: "GmbH",
        street: "Urachstraße 30",
        postal_code: "79102",
        email: "werkstatt@radhaus-wiehre.example",
        phone: "+49 761 70439920",
        register: Some("HRB 714502"),
        vat_id: Some("DE318804121"),
        tax_number: "06/320/44190",
        small_business: false,
        account_number: 4_410_228_706,
        stores: &[Store {
            name: "Radhaus Wiehre",
            street: "Urachstraße 30",
            postal_code: "79102",
            lat: 47.98218,
            lon: 7.85634,
            hours: Hours::LunchBreak,
            pickup: true,
            delivery: Some(("5", "6.90")),
        }],
        items: &[
            Item {
                attributes: &[("Größe", "28 × 1,40–1,75 (37/47-622)"), ("Material", "Butyl")],
                ..item(
                    "Fahrradschlauch 28 Zoll",
                    "Für Reifen 28 × 1,40 bis 1,75 (37/47-622), Ventillänge 40 mm.",
                    "fahrrad-ersatzteile",
                    Maker::Company(&REIFENWERK),
                    &[
                        Variant {
                            weight_grams: Some(120),
                            ..v("RW-SCHL28-SV", &[("Ventil", "Sclaverand")], "6.90", Standard, &[25])
                        },
                        Variant {
                            weight_grams: Some(120),
                            ..v("RW-SCHL28-DV", &[("Ventil", "Dunlop")], "6.50", Standard, &[18])
                        },
                        Variant {
                            weight_grams: Some(125),
                            ..v("RW-SCHL28-AV", &[("Ventil", "Auto")], "6.50", Standard, &[0])
                        },
                    ],
                )
            },
            item(
                "Fahrradschlauch 26 Zoll",
                "Für Reifen 26 × 1,75 bis 2,125 (47/57-559), Ventillänge 40 mm.",
                "fahrrad-ersatzteile",
                Maker::Company(&REIFENWERK),
                &[
                    v("RW-SCHL26-DV", &[("Ventil", "Dunlop")], "6.50", Standard, &[10]),
                    v("RW-SCHL26-AV", &[("Ventil", "Auto")], "6.50", Standard, &[4]),
                ],
            ),
            Item {
                warnings: Some("Nur mit dem auf der Reifenflanke angegebenen Luftdruck fahren."),
                ..item(
                    "Fahrradreifen 28 × 1,75 pannensicher",
                    "Tourenreifen mit 3 mm Pannenschutzeinlage und Reflexstreifen.",
                    "fahrrad-ersatzteile",
                    Maker::Company(&REIFENWERK),
                    &[v("RW-REIFEN-28-175", &[], "34.90", Standard, &[6])],
                )
            },
            item(
                "Fahrradkette 8-fach",
                "116 Glieder mit Kettenschloss, für 6-, 7- und 8-fach-Schaltungen.",
                "fahrrad-ersatzteile",
                Maker::Company(&VELO_PARTS),
                &[v("RW-KETTE-8", &[], "19.90", Standard, &[9])],
            ),
            Item {
                warnings: Some("Nicht direkt in die Lichtquelle blicken. Akku nur mit dem \
                                mitgelieferten Kabel laden."),
                ..item(
                    "LED-Beleuchtungsset StVZO",
                    "Front- und Rücklicht mit Akku, 40 Lux, StVZO-zugelassen, Laden über USB-C.",
                    "fahrrad-zubehoer",
                    Maker::Company(&LUX_VELO),
                    &[v("RW-LICHT-SET40", &[], "39.90", Standard, &[5])],
                )
            },
            item(
                "Bügelschloss Stadtfuchs",
                "Gehärteter 16-mm-Bügel, Sicherheitsstufe 12 von 15, mit Rahmenhalter.",
                "fahrrad-zubehoer",
                Maker::Company(&VELO_PARTS),
                &[v("RW-SCHLOSS-BUEGEL", &[], "49.90", Standard, &[3])],
            ),
            item(
                "Standpumpe mit Manometer",
                "Bis 11 bar, Doppelkopf für alle Ventile, großes Manometer.",
                "fahrrad-zubehoer",
                Maker::Company(&VELO_PARTS),
                &[v("RW-PUMPE-STAND", &[], "29.90", Standard, &[4])],
            ),
            Item {
                warnings: Some("Nicht verschlucken. Von Kindern fernhalten. Biologisch abbaubar."),
                ..item(
                    "Kettenöl Bio",
                    "Biologisch abbaubares Kettenöl für alle Wetter, mit Tropfspitze.",
                    "fahrrad-zubehoer",
                    Maker::Company(&LUX_VELO),
                    &[m("RW-OEL-100", &[("Inhalt", "100 ml")], "8.90", Standard, ("0.1", L), &[12])],
                )
            },
            Item {
                warnings: Some(
                    "Nach einem Sturz ersetzen, auch ohne sichtbare Schäden. Norm EN 1078.",
                ),
                attributes: &[("Norm", "EN 1078")],
                ..item(
                    "Fahrradhelm Stadt",
                    "Leichter Stadthelm mit integriertem Rücklicht und Magnetverschluss.",
                    "fahrrad-zubehoer",
                    Maker::Imported(&SAFEWAY),
                    &[
                        v("RW-HELM-M", &[("Größe", "M (54–58 cm)")], "59.90", Standard, &[2]),
                        v("RW-HELM-L", &[("Größe", "L (58–61 cm)")], "59.90", Standard, &[0]),
                    ],
                )
            },
        ],
        reductions: &[("RW-SCHL28-SV", "5.49", 7)],
    },
    Shop {
        login: "imkerei",
        owner: "Greta Faller",
        display_name: "Imkerei am Schlossberg",
        description: "Honig von unseren Bienenvölkern am Schlossberg und in Herdern. \
                      Hofverkauf freitags und samstags.",
        legal_name: "Greta Faller",
        legal_form: "Einzelunternehmen",
        street: "Wintererstraße 8",
        postal_code: "79104",
        email: "honig@imkerei-schlossberg.example",
        phone: "+49 761 55731",
        register: None,
        vat_id: None,
        tax_number: "06/442/19083",
        small_business: true,
        account_number: 5_501_900_142,
        stores: &[Store {
            name: "Hofladen Herdern",
            street: "Wintererstraße 8",
            postal_code: "79104",
            lat: 48.00312,
            lon: 7.85981,
            hours: Hours::FarmShop,
            pickup: true,
            delivery: None,
        }],
        items: &[
            item(
                "Blütenhonig aus Herdern",
                "Frühjahrsblüte aus Obstbäumen, Löwenzahn und Raps; fein und mild.",
                "honig-aufstriche",
                Maker::Shop,
                &[
                    m("IAS-BLUETE-500", &[("Glas", "500 g")], "7.50", Reduced, ("0.5", KG), &[20]),
                    m("IAS-BLUETE-250", &[("Glas", "250 g")], "4.50", Reduced, ("0.25", KG), &[12]),
                ],
            ),
            item(
                "Waldhonig Schwarzwald",
                "Dunkler, kräftiger Honig aus Weißtanne und Fichte.",
                "honig-aufstriche",
                Maker::Shop,
                &[m("IAS-WALD-500", &[("Glas", "500 g")], "9.50", Reduced, ("0.5", KG), &[6])],
            ),
            item(
                "Honig cremig gerührt",
                "Sommerhonig, gerührt bis er streichzart ist.",
                "honig-aufstriche",
                Maker::Shop,
                &[m("IAS-CREMIG-250", &[("Glas", "250 g")], "4.80", Reduced, ("0.25", KG), &[0])],
            ),
            Item {
                warnings: Some("Brennende Kerze nie unbeaufsichtigt lassen."),
                ..item(
                    "Bienenwachskerze Stumpen",
                    "Aus reinem Wachs unserer Bienen, brennt rund 40 Stunden und duftet nach Honig.",
                    "wohnen-deko",
                    Maker::Shop,
                    &[v("IAS-KERZE-STUMPEN", &[("Größe", "7 × 12 cm")], "12.00", Standard, &[8])],
                )
            },
            item(
                "Honigsenf",
                "Süß-scharfer Senf mit unserem Blütenhonig, zu Käse und Brezeln.",
                "honig-aufstriche",
                Maker::Shop,
                &[m("IAS-SENF-190", &[("Glas", "190 g")], "4.20", Reduced, ("0.19", KG), &[10])],
            ),
            Item {
                warnings: Some("Enthält Alkohol (11 % vol). Abgabe nur an Personen ab 16 Jahren."),
                ..item(
                    "Met Honigwein",
                    "Traditioneller Honigwein, leicht gekühlt oder warm zu trinken.",
                    "getraenke",
                    Maker::Shop,
                    &[Variant {
                        weight_grams: Some(1_300),
                        ..m("IAS-MET-075", &[("Inhalt", "0,75 l")], "14.90", Standard, ("0.75", L), &[5])
                    }],
                )
            },
        ],
        reductions: &[],
    },
    Shop {
        login: "kueche",
        owner: "Deniz Yilmaz",
        display_name: "Küchenwerk Freiburg",
        description: "Gutes Werkzeug für die Küche, das lange hält: Messer, Pfannen, Holz und \
                      Leinen. Lieferung in Freiburg und Umgebung.",
        legal_name: "Küchenwerk Freiburg GmbH",
        legal_form: "GmbH",
        street: "Schiffstraße 7",
        postal_code: "79098",
        email: "hallo@kuechenwerk-freiburg.example",
        phone: "+49 761 1563870",
        register: Some("HRB 715230"),
        vat_id: Some("DE327711906"),
        tax_number: "06/202/57311",
        small_business: false,
        account_number: 6_020_113_458,
        stores: &[
            Store {
                name: "Laden Schiffstraße",
                street: "Schiffstraße 7",
                postal_code: "79098",
                lat: 47.99668,
                lon: 7.84938,
                hours: Hours::Shop,
                pickup: false,
                delivery: Some(("12", "5.90")),
            },
            Store {
                name: "Lager Haid (Abholung)",
                street: "Bötzinger Straße 50",
                postal_code: "79111",
                lat: 47.98382,
                lon: 7.79352,
                hours: Hours::LunchBreak,
                pickup: true,
                delivery: None,
            },
        ],
        items: &[
            Item {
                attributes: &[("Holz", "Walnuss, geölt")],
                ..item(
                    "Schneidebrett Walnuss",
                    "Stirnholz aus Walnuss, messerschonend, mit Saftrille.",
                    "kueche",
                    Maker::Company(&HOLZWERKSTATT),
                    &[
                        v("KW-BRETT-30", &[("Größe", "30 × 20 cm")], "39.00", Standard, &[3, 6]),
                        v("KW-BRETT-40", &[("Größe", "40 × 25 cm")], "54.00", Standard, &[1, 4]),
                    ],
                )
            },
            Item {
                warnings: Some("Scharfe Klinge. Außerhalb der Reichweite von Kindern aufbewahren."),
                ..item(
                    "Kochmesser 20 cm",
                    "Geschmiedet aus rostfreiem Messerstahl, 58 HRC, Griff aus Pflaumenholz.",
                    "kueche",
                    Maker::Company(&KLINGE),
                    &[v("KW-MESSER-20", &[], "89.00", Standard, &[2, 5])],
                )
            },
            Item {
                warnings: Some("Griff wird heiß. Topflappen verwenden."),
                ..item(
                    "Gusseisenpfanne 28 cm",
                    "Vorgeölt, für alle Herdarten und den Backofen, hält Generationen.",
                    "kueche",
                    Maker::Company(&EISENGUSS),
                    &[v("KW-PFANNE-28", &[], "69.00", Standard, &[0, 3])],
                )
            },
            item(
                "Teekanne Glas 1,2 l",
                "Borosilikatglas mit Edelstahlsieb, spülmaschinenfest.",
                "kueche",
                Maker::Company(&GLASHUETTE),
                &[m("KW-TEEKANNE-12", &[], "32.00", Standard, ("1.2", L), &[4, 2])],
            ),
            item(
                "Brotkasten Emaille",
                "Mit Buchenholzdeckel, der auch als Schneidebrett dient.",
                "kueche",
                Maker::Company(&EMAILLE),
                &[
                    v("KW-BROTKASTEN-CR", &[("Farbe", "creme")], "45.00", Standard, &[2, 1]),
                    v("KW-BROTKASTEN-BL", &[("Farbe", "blau")], "45.00", Standard, &[1, 0]),
                ],
            ),
            item(
                "Spülbürste Buchenholz",
                "Mit Naturborsten und austauschbarem Kopf.",
                "kueche",
                Maker::Company(&HOLZWERKSTATT),
                &[v("KW-BUERSTE", &[], "4.90", Standard, &[15, 30])],
            ),
            item(
                "Bienenwachstücher 3er-Set",
                "Statt Frischhaltefolie: Baumwolle mit Bienenwachs, waschbar und lange haltbar.",
                "kueche",
                Maker::Shop,
                &[v("KW-WACHSTUCH-3", &[("Größen", "S, M, L")], "14.90", Standard, &[10, 10])],
            ),
            item(
                "Geschirrtuch Leinen",
                "Halbleinen, saugstark und fusselfrei, 50 × 70 cm.",
                "kueche",
                Maker::Shop,
                &[v("KW-TUCH-LEINEN", &[("Farbe", "natur")], "12.50", Standard, &[12, 20])],
            ),
            Item {
                publish: false,
                ..item(
                    "Pfeffermühle Olivenholz",
                    "Keramikmahlwerk, Korpus aus Olivenholz. (Entwurf: Preis folgt.)",
                    "kueche",
                    Maker::Company(&HOLZWERKSTATT),
                    &[Variant {
                        price: None,
                        ..v("KW-PFEFFER-OLIVE", &[], "0.00", Standard, &[])
                    }],
                )
            },
        ],
        reductions: &[],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_data_is_consistent() {
        let mut skus = std::collections::HashSet::new();
        for shop in SHOPS {
            for item in shop.items {
                assert!(
                    CATEGORIES.iter().any(|(slug, _, _)| *slug == item.category),
                    "{}",
                    item.title
                );
                let product = new_product(
                    shop,
                    item,
                    &HashMap::from([(item.category, CategoryId::new())]),
                );
                assert!(product.is_ok(), "{}", item.title);
                for variant in item.variants {
                    assert!(skus.insert(variant.sku), "{}", variant.sku);
                    assert!(variant.stock.len() <= shop.stores.len(), "{}", variant.sku);
                }
            }
            for (sku, _, _) in shop.reductions {
                assert!(skus.contains(sku), "{sku}");
            }
            for store in shop.stores {
                assert!(new_location(store, Utc::now()).is_ok(), "{}", store.name);
            }
        }
        let products: usize = SHOPS.iter().map(|shop| shop.items.len()).sum();
        assert!((40..=60).contains(&products), "{products}");
    }
}
