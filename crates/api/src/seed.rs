//! Demo and benchmark data.
//!
//! - `seed-demo` ([`demo`]) builds a small Freiburg marketplace *through the services*, so
//!   every rule (validation, approval, publishing, prices, stock) applies to it.
//! - `seed-bench` ([`bulk`]) appends a large generated marketplace with `COPY`, for load tests
//!   and query plans at scale.
//!
//! The word lists below are shared with the load benchmark (`marketplace bench`), so its
//! searches hit what `seed-bench` wrote.

pub mod bulk;
pub mod demo;

use catalog::model::VatRateCode;
use kernel::Problem;
use vendor::hours::{Interval, WeeklyHours};

pub use bulk::{seed_bench, BenchSeed};
pub use demo::seed_demo;

/// An error of a service call as one readable line: the detail and every invalid field.
pub(crate) fn problem_error(problem: impl Into<Problem>) -> anyhow::Error {
    let problem = problem.into();
    let fields: Vec<String> = problem
        .errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect();
    if fields.is_empty() {
        anyhow::anyhow!("{}", problem.detail)
    } else {
        anyhow::anyhow!("{} {}", problem.detail, fields.join("; "))
    }
}

/// A German IBAN (electronic form) for a bank code and account number, with correct ISO
/// 13616 check digits.
pub(crate) fn german_iban(bank_code: u32, account: u64) -> String {
    let bban = format!(
        "{:08}{:010}",
        bank_code % 100_000_000,
        account % 10_000_000_000
    );
    // BBAN followed by "DE00" with letters as numbers (D = 13, E = 14), mod 97.
    let remainder = format!("{bban}131400")
        .bytes()
        .fold(0u32, |acc, digit| (acc * 10 + u32::from(digit - b'0')) % 97);
    format!("DE{:02}{bban}", 98 - remainder)
}

/// Typical opening hours of shops in the region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hours {
    /// Monday to Friday 09:00–18:30, Saturday 09:00–14:00.
    Shop,
    /// With a lunch break, Saturday mornings.
    LunchBreak,
    /// Early mornings six days a week and Sunday morning.
    Bakery,
    /// Closed on Mondays, open late.
    Boutique,
    /// A farm shop: Friday afternoon and Saturday morning.
    FarmShop,
}

impl Hours {
    pub(crate) const ALL: [Hours; 5] = [
        Hours::Shop,
        Hours::LunchBreak,
        Hours::Bakery,
        Hours::Boutique,
        Hours::FarmShop,
    ];

    /// The weekly schedule, in the shape the location API stores.
    pub(crate) fn weekly(self) -> WeeklyHours {
        fn day(intervals: &[(&str, &str)]) -> Vec<Interval> {
            intervals
                .iter()
                .map(|(opens, closes)| Interval {
                    opens: (*opens).to_owned(),
                    closes: (*closes).to_owned(),
                })
                .collect()
        }
        let week =
            |weekday: &[(&str, &str)], saturday: &[(&str, &str)], sunday: &[(&str, &str)]| {
                WeeklyHours {
                    monday: day(weekday),
                    tuesday: day(weekday),
                    wednesday: day(weekday),
                    thursday: day(weekday),
                    friday: day(weekday),
                    saturday: day(saturday),
                    sunday: day(sunday),
                }
            };
        match self {
            Hours::Shop => week(&[("09:00", "18:30")], &[("09:00", "14:00")], &[]),
            Hours::LunchBreak => week(
                &[("09:00", "13:00"), ("14:30", "18:30")],
                &[("09:00", "13:00")],
                &[],
            ),
            Hours::Bakery => week(
                &[("06:30", "18:00")],
                &[("06:30", "13:00")],
                &[("07:30", "11:00")],
            ),
            Hours::Boutique => WeeklyHours {
                monday: Vec::new(),
                ..week(&[("10:00", "19:00")], &[("10:00", "16:00")], &[])
            },
            Hours::FarmShop => WeeklyHours {
                friday: day(&[("14:00", "18:00")]),
                saturday: day(&[("08:00", "12:00")]),
                ..WeeklyHours::default()
            },
        }
    }
}

/// What a variant of a category is measured or chosen by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OptionKind {
    /// Sold by weight: "250 g", "500 g", "1 kg" (unit price per kg).
    Weight,
    /// Sold by volume: "0,33 l", "0,75 l", "1 l" (unit price per l).
    Volume,
    /// Small bottles and tubes: "100 ml", "250 ml", "500 ml" (unit price per l).
    SmallVolume,
    /// Bulk volume: "20 l", "40 l" (soil).
    BulkVolume,
    Colour,
    Size,
    Edition,
}

/// A leaf category of the benchmark tree: its name and the nouns its product titles use.
pub(crate) struct Leaf {
    pub slug: &'static str,
    pub name: &'static str,
    /// Space-separated nouns.
    pub nouns: &'static str,
    pub options: OptionKind,
    pub vat: VatRateCode,
    /// Base gross price range in cents.
    pub price_cents: (u32, u32),
    /// Pfand per bottle in cents (drinks).
    pub deposit_cents: Option<u32>,
}

/// A root category of the benchmark tree.
pub(crate) struct Root {
    pub slug: &'static str,
    pub name: &'static str,
    pub leaves: &'static [Leaf],
}

const fn leaf(
    slug: &'static str,
    name: &'static str,
    nouns: &'static str,
    options: OptionKind,
    vat: VatRateCode,
    price_cents: (u32, u32),
) -> Leaf {
    Leaf {
        slug,
        name,
        nouns,
        options,
        vat,
        price_cents,
        deposit_cents: None,
    }
}

const fn drink(slug: &'static str, name: &'static str, nouns: &'static str, deposit: u32) -> Leaf {
    Leaf {
        slug,
        name,
        nouns,
        options: OptionKind::Volume,
        vat: VatRateCode::Standard,
        price_cents: (129, 1_490),
        deposit_cents: Some(deposit),
    }
}

use OptionKind::{BulkVolume, Colour, Edition, Size, SmallVolume, Weight};
use VatRateCode::{Reduced, Standard};

/// Ten roots with five leaves each. Slugs are prefixed with `bench-` when seeded, so the
/// benchmark tree never collides with real or demo categories.
pub(crate) const TREE: &[Root] = &[
    Root {
        slug: "lebensmittel",
        name: "Lebensmittel",
        leaves: &[
            leaf("kaffee-tee", "Kaffee & Tee", "Espresso Kaffeebohnen Filterkaffee Schwarztee Grüntee Kräutertee Früchtetee Chai Mate Rooibos", Weight, Reduced, (349, 2_490)),
            leaf("backwaren", "Backwaren", "Vollkornbrot Dinkelbrot Bauernbrot Brezel Brötchen Hefezopf Roggenbrot Knäckebrot Zwieback Früchtebrot", Weight, Reduced, (90, 690)),
            leaf("honig-aufstriche", "Honig & Aufstriche", "Blütenhonig Waldhonig Marmelade Konfitüre Nussaufstrich Apfelmus Gelee Tannenhonig", Weight, Reduced, (290, 1_290)),
            leaf("nudeln-reis", "Nudeln & Reis", "Spätzle Spaghetti Bandnudeln Risottoreis Basmatireis Linsen Polenta Couscous Maultaschen", Weight, Reduced, (149, 690)),
            leaf("gewuerze-oele", "Gewürze & Öle", "Pfeffer Paprikapulver Meersalz Olivenöl Rapsöl Senf Essig Kräutersalz Walnussöl", Weight, Reduced, (199, 1_890)),
        ],
    },
    Root {
        slug: "getraenke",
        name: "Getränke",
        leaves: &[
            drink("saefte", "Säfte", "Apfelsaft Traubensaft Orangensaft Johannisbeersaft Apfelschorle Holundersaft Kirschsaft", 15),
            drink("wasser-limonaden", "Wasser & Limonaden", "Mineralwasser Sprudel Limonade Zitronenlimonade Cola Ingwerlimonade Tafelwasser", 15),
            drink("wein-sekt", "Wein & Sekt", "Spätburgunder Grauburgunder Gutedel Riesling Winzersekt Weißherbst Müller-Thurgau", 0),
            drink("bier", "Bier", "Pils Hefeweizen Radler Kellerbier Märzen Zwickel Export", 8),
            drink("spirituosen", "Spirituosen", "Kirschwasser Zwetschgenwasser Obstler Himbeergeist Williamsbirne Gin Kräuterlikör", 0),
        ],
    },
    Root {
        slug: "haushalt",
        name: "Haushalt",
        leaves: &[
            leaf("kueche", "Küche", "Kaffeemühle Espressokocher Pfanne Kochtopf Schneidebrett Kochmesser Teekanne Brotkasten Reibe Sieb Pfeffermühle", Colour, Standard, (990, 8_990)),
            leaf("reinigung", "Reinigung", "Spülbürste Putztuch Schwamm Besen Kehrschaufel Bienenwachstuch Staubwedel", Colour, Standard, (290, 2_490)),
            leaf("aufbewahrung", "Aufbewahrung", "Vorratsdose Einmachglas Brotbeutel Korb Frischhaltedose Gewürzregal", Size, Standard, (490, 3_990)),
            leaf("backen", "Backen", "Springform Kuchenform Nudelholz Backpinsel Teigschaber Ausstecher Backblech", Size, Standard, (390, 3_490)),
            leaf("tischkultur", "Tischkultur", "Teller Tasse Becher Weinglas Karaffe Serviette Tischdecke Müslischale", Colour, Standard, (490, 4_990)),
        ],
    },
    Root {
        slug: "wohnen",
        name: "Wohnen",
        leaves: &[
            leaf("kerzen-licht", "Kerzen & Licht", "Kerze Teelicht Laterne Lampe Lichterkette Windlicht Stumpenkerze", Colour, Standard, (290, 5_990)),
            leaf("dekoration", "Dekoration", "Vase Bilderrahmen Kissen Wanduhr Blumentopf Türkranz Kuckucksuhr", Colour, Standard, (590, 19_900)),
            leaf("heimtextilien", "Heimtextilien", "Decke Kissenbezug Vorhang Teppich Handtuch Bettwäsche Läufer", Colour, Standard, (990, 12_900)),
            leaf("kleinmoebel", "Kleinmöbel", "Hocker Regal Beistelltisch Garderobe Schuhregal Wandboard", Size, Standard, (2_990, 24_900)),
            leaf("arbeitszimmer", "Arbeitszimmer", "Schreibtischlampe Stiftehalter Ablage Pinnwand Zeitschriftenhalter Briefablage", Colour, Standard, (690, 6_990)),
        ],
    },
    Root {
        slug: "buecher-schreibwaren",
        name: "Bücher & Schreibwaren",
        leaves: &[
            leaf("buecher", "Bücher", "Roman Krimi Stadtführer Wanderführer Kochbuch Bildband Kinderbuch Sachbuch Radwanderführer", Edition, Reduced, (800, 3_990)),
            leaf("kalender", "Kalender", "Wandkalender Taschenkalender Tischkalender Terminplaner Familienplaner", Size, Standard, (690, 2_490)),
            leaf("schreibwaren", "Schreibwaren", "Notizbuch Füller Bleistift Kugelschreiber Radiergummi Lineal Marker Tintenpatronen", Colour, Standard, (99, 3_990)),
            leaf("papier-karten", "Papier & Karten", "Postkarte Grußkarte Briefpapier Geschenkpapier Klappkarte Briefumschläge", Size, Standard, (150, 1_290)),
            leaf("basteln", "Basteln", "Wasserfarben Buntstifte Knete Bastelpapier Pinsel Schere Wachsmalstifte", Size, Standard, (249, 2_490)),
        ],
    },
    Root {
        slug: "fahrrad",
        name: "Fahrrad",
        leaves: &[
            leaf("ersatzteile", "Ersatzteile", "Fahrradschlauch Fahrradreifen Fahrradkette Bremsbeläge Kettenblatt Speiche Ventil Schaltzug", Size, Standard, (390, 5_990)),
            leaf("zubehoer", "Zubehör", "Fahrradschloss Luftpumpe Fahrradkorb Gepäckträgertasche Klingel Trinkflasche Schutzblech", Colour, Standard, (490, 8_990)),
            leaf("beleuchtung", "Beleuchtung", "Fahrradlampe Rücklicht Beleuchtungsset Nabendynamo Reflektor Frontlicht", Size, Standard, (590, 9_990)),
            leaf("pflege-werkzeug", "Pflege & Werkzeug", "Kettenöl Fahrradreiniger Multitool Reifenheber Flickzeug Montageständer", Size, Standard, (350, 7_990)),
            leaf("fahrradbekleidung", "Fahrradbekleidung", "Fahrradhelm Regenjacke Handschuhe Regenhose Radtrikot Regenponcho", Size, Standard, (1_490, 14_900)),
        ],
    },
    Root {
        slug: "garten",
        name: "Garten",
        leaves: &[
            leaf("pflanzen", "Pflanzen", "Tomatenpflanze Kräutertopf Lavendel Erdbeerpflanze Rosmarin Basilikum Apfelbaum", Size, Reduced, (249, 3_990)),
            leaf("saatgut", "Saatgut", "Saatgut Blumenzwiebeln Blumensamen Rasensamen Sonnenblumenkerne Gemüsesamen", Size, Reduced, (149, 1_490)),
            leaf("gartenwerkzeug", "Gartenwerkzeug", "Gartenschere Spaten Harke Gießkanne Schaufel Gartenschlauch Astschere", Size, Standard, (890, 7_990)),
            leaf("erde-duenger", "Erde & Dünger", "Blumenerde Kompost Dünger Rindenmulch Tomatenerde Kräutererde", BulkVolume, Standard, (399, 1_990)),
            leaf("balkon-terrasse", "Balkon & Terrasse", "Pflanzkübel Balkonkasten Hochbeet Vogelhaus Liegestuhl Insektenhotel", Colour, Standard, (990, 19_900)),
        ],
    },
    Root {
        slug: "spielwaren",
        name: "Spielwaren",
        leaves: &[
            leaf("holzspielzeug", "Holzspielzeug", "Bauklötze Holzeisenbahn Steckspiel Holzpuzzle Kaufladen Murmelbahn", Size, Standard, (990, 12_900)),
            leaf("spiele", "Spiele", "Brettspiel Kartenspiel Würfelspiel Quizspiel Memospiel Legespiel", Edition, Standard, (790, 4_990)),
            leaf("kuscheltiere", "Kuscheltiere", "Teddybär Kuschelhase Handpuppe Schmusetuch Plüschfuchs", Colour, Standard, (990, 3_990)),
            leaf("draussen-spielen", "Draußen spielen", "Sandspielzeug Laufrad Springseil Drachen Fußball Wasserpistole", Colour, Standard, (390, 8_990)),
            leaf("lernen", "Lernen & Experimentieren", "Experimentierkasten Globus Mikroskop Lernspiel Rechenrahmen Lupe", Size, Standard, (1_290, 8_990)),
        ],
    },
    Root {
        slug: "mode",
        name: "Mode",
        leaves: &[
            leaf("damen", "Damen", "Bluse Kleid Strickjacke Rock Schal Tunika", Size, Standard, (1_990, 12_900)),
            leaf("herren", "Herren", "Hemd Pullover Jacke Hose Mütze Weste", Size, Standard, (1_990, 14_900)),
            leaf("kinder", "Kinder", "Kinderjacke Regenhose Strumpfhose Kindershirt Matschhose Kindermütze", Size, Standard, (990, 5_990)),
            leaf("schuhe", "Schuhe", "Wanderschuhe Sneaker Hausschuhe Gummistiefel Sandalen Barfußschuhe", Size, Standard, (2_990, 16_900)),
            leaf("accessoires", "Accessoires", "Rucksack Gürtel Tasche Regenschirm Geldbeutel Stofftasche", Colour, Standard, (990, 9_990)),
        ],
    },
    Root {
        slug: "drogerie",
        name: "Drogerie",
        leaves: &[
            leaf("koerperpflege", "Körperpflege", "Seife Duschgel Shampoo Handcreme Lippenbalsam Haarseife", SmallVolume, Standard, (249, 1_490)),
            leaf("naturkosmetik", "Naturkosmetik", "Gesichtscreme Körperöl Badesalz Deocreme Ringelblumensalbe", SmallVolume, Standard, (490, 2_990)),
            leaf("wasch-putzmittel", "Wasch- & Putzmittel", "Waschmittel Kernseife Essigreiniger Spülmittel Allzweckreiniger", SmallVolume, Standard, (199, 1_290)),
            leaf("zahnpflege", "Zahnpflege", "Zahnbürste Zahnpasta Zahnseide Mundspülung Zahnputzbecher", Colour, Standard, (149, 990)),
            leaf("baby", "Baby", "Babybrei Windeln Babyöl Schnuller Lätzchen Wundschutzcreme", Size, Standard, (199, 2_490)),
        ],
    },
];

/// Words put in front of a noun: "Bio Espresso", "Profi Fahrradschlauch".
pub(crate) const QUALIFIERS: &[&str] = &[
    "Bio",
    "Premium",
    "Klassik",
    "Regional",
    "Fairtrade",
    "Vegan",
    "Handgemacht",
    "Natur",
    "Extra",
    "Mini",
    "Profi",
    "Retro",
    "Edel",
    "Traditionell",
    "Hausgemacht",
    "Öko",
];

/// Places of the region, as in "Espresso Bohne Altstadt".
pub(crate) const PLACES: &[&str] = &[
    "Altstadt",
    "Schwarzwald",
    "Kaiserstuhl",
    "Breisgau",
    "Markgräflerland",
    "Dreisam",
    "Schauinsland",
    "Feldberg",
    "Wiehre",
    "Herdern",
    "Münster",
    "Schlossberg",
    "Glottertal",
    "Elztal",
    "Belchen",
    "Tuniberg",
];

/// Materials and styles, as in "Kaffeemühle Edelstahl".
pub(crate) const MATERIALS: &[&str] = &[
    "Edelstahl",
    "Holz",
    "Leinen",
    "Keramik",
    "Glas",
    "Emaille",
    "Walnuss",
    "Eiche",
    "Baumwolle",
    "Kupfer",
    "Wolle",
    "Bambus",
];

pub(crate) const BRANDS: &[&str] = &[
    "Schwarzwaldhof",
    "Breisgau Manufaktur",
    "Dreisamtaler",
    "Münstermarkt",
    "Kaiserstühler",
    "Feldberg Werk",
    "Bächle & Co.",
    "Markgräfler Hof",
    "Rheinauen",
    "Glottertaler",
    "Schauinsland",
    "Elztäler Werkstatt",
    "Tuniberger",
    "Südbaden Natur",
    "Zähringer",
    "Höllental",
];

/// Sentences descriptions are made of.
pub(crate) const SENTENCES: &[&str] = &[
    "Aus der Region rund um Freiburg, direkt vom Fachgeschäft.",
    "Sorgfältig ausgewählt und im Laden vor Ort erhältlich.",
    "Ideal als Geschenk oder für den täglichen Gebrauch.",
    "Hergestellt in kleinen Mengen von einem Familienbetrieb.",
    "Langlebig, reparierbar und fair produziert.",
    "Auf Wunsch reservieren wir den Artikel zur Abholung im Laden.",
    "Unsere Empfehlung für Einsteiger und Kenner.",
    "Nachhaltig verpackt, ohne unnötiges Plastik.",
    "Mit Liebe zum Detail und nach traditioneller Art gefertigt.",
    "Lieferung mit dem Lastenrad im Stadtgebiet möglich.",
];

/// Search words for the load benchmark: nouns of the tree, parts of compounds, places,
/// brands, and typical typos.
pub(crate) const SEARCH_TERMS: &[&str] = &[
    "kaffee",
    "mühle",
    "kaffeemühle",
    "Kaffemühle",
    "espresso",
    "tee",
    "brot",
    "dinkel",
    "honig",
    "fahrradschlauch",
    "Fahradschlauch",
    "schlauch",
    "kerze",
    "rucksack",
    "bio",
    "schwarzwald",
    "kaiserstuhl",
    "Spätburgunder",
    "apfelsaft",
    "pfanne",
    "wanderführer",
    "Stadtfuhrer",
    "holzeisenbahn",
    "gartenschere",
    "edelstahl",
    "seife",
    "Sneaker",
    "regenjacke",
];

/// Freiburg and towns within about 30 km: postal code, town, latitude, longitude.
pub(crate) const TOWNS: &[(&str, &str, f64, f64)] = &[
    ("79098", "Freiburg im Breisgau", 47.9959, 7.8522),
    ("79100", "Freiburg im Breisgau", 47.9853, 7.8400),
    ("79102", "Freiburg im Breisgau", 47.9880, 7.8620),
    ("79104", "Freiburg im Breisgau", 48.0030, 7.8600),
    ("79106", "Freiburg im Breisgau", 48.0050, 7.8380),
    ("79110", "Freiburg im Breisgau", 48.0130, 7.8200),
    ("79114", "Freiburg im Breisgau", 47.9870, 7.8100),
    ("79117", "Freiburg im Breisgau", 47.9800, 7.8900),
    ("79312", "Emmendingen", 48.1213, 7.8494),
    ("79183", "Waldkirch", 48.0939, 7.9614),
    ("79211", "Denzlingen", 48.0683, 7.8817),
    ("79194", "Gundelfingen", 48.0427, 7.8656),
    ("79199", "Kirchzarten", 47.9646, 7.9545),
    ("79189", "Bad Krozingen", 47.9167, 7.7000),
    ("79219", "Staufen im Breisgau", 47.8814, 7.7314),
    ("79206", "Breisach am Rhein", 48.0322, 7.5808),
    ("79224", "Umkirch", 48.0336, 7.7644),
    ("79232", "March", 48.0578, 7.7792),
    ("79249", "Merzhausen", 47.9656, 7.8286),
    ("79346", "Endingen am Kaiserstuhl", 48.1419, 7.7011),
    ("79423", "Heitersheim", 47.8747, 7.6564),
    ("79252", "Stegen", 47.9833, 7.9667),
    ("79331", "Teningen", 48.1289, 7.8111),
    ("79241", "Ihringen", 48.0434, 7.6449),
];

/// Street names for addresses.
pub(crate) const STREETS: &[&str] = &[
    "Hauptstraße",
    "Bahnhofstraße",
    "Kirchstraße",
    "Marktplatz",
    "Schwarzwaldstraße",
    "Kaiser-Joseph-Straße",
    "Gerberau",
    "Konviktstraße",
    "Lindenstraße",
    "Mühlenweg",
    "Talstraße",
    "Gartenstraße",
    "Rheinstraße",
    "Schulstraße",
    "Am Bächle",
    "Weinstraße",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ibans_pass_the_trader_data_check() {
        for (bank, account) in [(37_040_044, 532_013_000), (68_050_101, 12_345), (1, 0)] {
            let iban = german_iban(bank, account);
            assert_eq!(vendor::validate::iban(&iban).unwrap(), iban);
        }
        assert_eq!(
            german_iban(37_040_044, 532_013_000),
            "DE89370400440532013000"
        );
    }

    #[test]
    fn the_opening_hours_templates_are_valid() {
        for hours in Hours::ALL {
            let mut errors = kernel::validation::FieldErrors::new();
            vendor::hours::check(&mut errors, &hours.weekly(), &[]);
            assert!(errors.is_empty(), "{hours:?}");
        }
        let json = serde_json::to_value(Hours::Boutique.weekly()).unwrap();
        assert_eq!(json.as_object().unwrap().len(), 7);
        assert_eq!(json["monday"], serde_json::json!([]));
    }

    #[test]
    fn the_benchmark_tree_has_valid_unique_slugs() {
        let mut slugs = std::collections::HashSet::new();
        for root in TREE {
            assert_eq!(root.leaves.len(), 5, "{}", root.slug);
            assert!(slugs.insert(format!("bench-{}", root.slug)));
            for leaf in root.leaves {
                let slug = format!("bench-{}-{}", root.slug, leaf.slug);
                assert!(kernel::slug::parse(&slug).is_ok(), "{slug}");
                assert!(slugs.insert(slug));
                assert!(leaf.nouns.split_whitespace().count() >= 5, "{}", leaf.slug);
                assert!(leaf.price_cents.0 < leaf.price_cents.1);
            }
        }
        assert_eq!(slugs.len(), 60);
    }
}
