//! German price display rules: gross prices with their VAT rate (or the small-business
//! note), the unit price per 1 kg / l / m / m² / m³ (§ 4 PAngV), deposits on top, the
//! reference price of a reduction (§ 11 PAngV), and GTIN check digits.

use chrono::{DateTime, Duration, Utc};
use kernel::money::Money;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The unit of goods sold by measure; the unit price is per 1 of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Kg,
    L,
    M,
    /// Square metre.
    M2,
    /// Cubic metre.
    M3,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Kg => "kg",
            Unit::L => "l",
            Unit::M => "m",
            Unit::M2 => "m2",
            Unit::M3 => "m3",
        }
    }

    pub fn parse(text: &str) -> Option<Unit> {
        [Unit::Kg, Unit::L, Unit::M, Unit::M2, Unit::M3]
            .into_iter()
            .find(|unit| unit.as_str() == text)
    }

    /// How the unit is written for customers.
    fn label(self) -> &'static str {
        match self {
            Unit::Kg => "1 kg",
            Unit::L => "1 l",
            Unit::M => "1 m",
            Unit::M2 => "1 m²",
            Unit::M3 => "1 m³",
        }
    }
}

/// The price per unit of measure.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct UnitPrice {
    pub amount: Money,
    /// E.g. `"1 kg"`.
    #[schema(example = "1 kg")]
    pub per: String,
}

/// The price as customers must see it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PublicPrice {
    /// The gross price, what the customer pays (plus `deposit`).
    pub amount: Money,
    #[schema(example = "EUR")]
    pub currency: &'static str,
    /// VAT in percent included in `amount`; `null` for small businesses (§ 19 UStG).
    #[schema(value_type = Option<String>, example = "19.00")]
    pub vat_rate: Option<Decimal>,
    /// Whether `amount` includes VAT ("inkl. MwSt."); `false` for small businesses.
    pub vat_included: bool,
    /// For goods sold by measure: the price per 1 kg, l, m, m² or m³.
    pub unit_price: Option<UnitPrice>,
    /// For a running reduction: the lowest price of the 30 days before it (§ 11 PAngV).
    pub reference_price: Option<Money>,
    /// Deposit (Pfand), charged on top of `amount`.
    pub deposit: Option<Money>,
    /// A note to show with the price, e.g. for small businesses.
    pub note: Option<&'static str>,
}

/// The note small businesses must show instead of VAT.
pub const SMALL_BUSINESS_NOTE: &str =
    "Gemäß § 19 UStG wird keine Umsatzsteuer berechnet (Kleinunternehmer).";

/// How far back § 11 PAngV looks for the lowest earlier price.
pub const REFERENCE_WINDOW_DAYS: i64 = 30;

/// A price set at a time (the append-only price history).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PriceChange {
    pub at: DateTime<Utc>,
    pub price: Money,
}

/// A reduction: a lower price from `starts_at` until `ends_at` (open-ended if `None`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reduction {
    pub price: Money,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
}

impl Reduction {
    fn runs_at(&self, at: DateTime<Utc>) -> bool {
        self.starts_at <= at && self.ends_at.is_none_or(|end| at < end)
    }
}

/// The price a customer paid at `at`: a running reduction, else the regular price then
/// (`None` before the first price).
fn price_at(history: &[PriceChange], reductions: &[Reduction], at: DateTime<Utc>) -> Option<Money> {
    reductions
        .iter()
        .find(|reduction| reduction.runs_at(at))
        .map(|reduction| reduction.price)
        .or_else(|| {
            history
                .iter()
                .filter(|change| change.at <= at)
                .max_by_key(|change| change.at)
                .map(|change| change.price)
        })
}

/// The price to show at `now`: the regular price, or a running reduction with its
/// reference price — the lowest price of the 30 days before the reduction began; for a
/// reduction that deepens step by step (each step starting as the previous ends), before
/// the first step.
pub fn current_price(
    history: &[PriceChange],
    reductions: &[Reduction],
    now: DateTime<Utc>,
) -> Option<(Money, Option<Money>)> {
    let Some(running) = reductions.iter().find(|reduction| reduction.runs_at(now)) else {
        return price_at(history, reductions, now).map(|price| (price, None));
    };
    let mut began = running.starts_at;
    while let Some(step) = reductions
        .iter()
        .find(|earlier| earlier.ends_at == Some(began) && earlier.price >= running.price)
    {
        began = step.starts_at;
    }
    let window_start = began - Duration::days(REFERENCE_WINDOW_DAYS);
    // The price can only change where a price was set or a reduction started or ended.
    let mut moments: Vec<DateTime<Utc>> = history
        .iter()
        .map(|change| change.at)
        .chain(
            reductions
                .iter()
                .flat_map(|r| [Some(r.starts_at), r.ends_at])
                .flatten(),
        )
        .filter(|at| *at > window_start && *at < began)
        .collect();
    moments.push(window_start);
    let reference = moments
        .into_iter()
        .filter_map(|at| price_at(history, reductions, at))
        .min();
    Some((running.price, reference))
}

/// A stretch of time at one price: from `from` until `until` (open-ended if `None`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PriceSpan {
    pub price: Money,
    pub from: DateTime<Utc>,
    pub until: Option<DateTime<Utc>>,
}

/// The lowest price among variants (each its price history and reductions) from `now` on.
/// Regular prices change only when someone sets one, so the future is fully known: the price
/// can change only where a reduction starts or ends (or a price was recorded after `now`).
/// Unpriced variants do not count; a product without any price has no spans.
pub fn lowest_price_timeline(
    variants: &[(Vec<PriceChange>, Vec<Reduction>)],
    now: DateTime<Utc>,
) -> Vec<PriceSpan> {
    // Prices recorded after `now` (by a clock a little ahead) count from their moment.
    let mut moments: Vec<DateTime<Utc>> = variants
        .iter()
        .flat_map(|(history, reductions)| {
            history.iter().map(|change| change.at).chain(
                reductions
                    .iter()
                    .flat_map(|r| [Some(r.starts_at), r.ends_at])
                    .flatten(),
            )
        })
        .filter(|at| *at > now)
        .collect();
    moments.push(now);
    moments.sort();
    moments.dedup();
    let mut spans: Vec<PriceSpan> = Vec::new();
    for (index, from) in moments.iter().enumerate() {
        let lowest = variants
            .iter()
            .filter_map(|(history, reductions)| price_at(history, reductions, *from))
            .min();
        let until = moments.get(index + 1).copied();
        match (lowest, spans.last_mut()) {
            (None, _) => {}
            (Some(price), Some(last)) if last.price == price && last.until == Some(*from) => {
                last.until = until;
            }
            (Some(price), _) => spans.push(PriceSpan {
                price,
                from: *from,
                until,
            }),
        }
    }
    spans
}

/// What a variant's price shows; `vat_percent` is the rate valid today.
pub struct PriceInput {
    /// What is charged now, and for a running reduction its reference price.
    pub gross: Money,
    pub reference: Option<Money>,
    pub vat_percent: Decimal,
    pub small_business: bool,
    pub measure: Option<(Decimal, Unit)>,
    pub deposit: Option<Money>,
}

pub fn public_price(input: PriceInput) -> PublicPrice {
    PublicPrice {
        amount: input.gross,
        currency: "EUR",
        vat_rate: (!input.small_business).then_some(input.vat_percent),
        vat_included: !input.small_business,
        unit_price: input.measure.map(|(quantity, unit)| UnitPrice {
            amount: Money::rounded(input.gross.amount() / quantity),
            per: unit.label().to_owned(),
        }),
        reference_price: input.reference,
        deposit: input.deposit,
        note: input.small_business.then_some(SMALL_BUSINESS_NOTE),
    }
}

/// A GTIN (EAN-8, UPC-12, EAN-13, GTIN-14) with a valid check digit.
pub fn gtin(input: &str) -> Result<String, String> {
    let digits: Vec<u32> = input
        .trim()
        .chars()
        .filter_map(|c| c.to_digit(10))
        .collect();
    let only_digits = input.trim().chars().all(|c| c.is_ascii_digit());
    if !only_digits || ![8, 12, 13, 14].contains(&digits.len()) {
        return Err("must be a GTIN of 8, 12, 13 or 14 digits".to_owned());
    }
    let (body, check) = digits.split_at(digits.len() - 1);
    // Weights 3, 1, 3, ... from the digit next to the check digit leftwards.
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(index, digit)| if index % 2 == 0 { digit * 3 } else { *digit })
        .sum();
    if (10 - sum % 10) % 10 == check[0] {
        Ok(input.trim().to_owned())
    } else {
        Err("has a wrong check digit".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(text: &str) -> Money {
        text.parse().unwrap()
    }

    #[test]
    fn gtins_are_checked_by_their_check_digit() {
        assert_eq!(gtin("4006381333931").unwrap(), "4006381333931");
        assert!(gtin("4006381333932").is_err());
        assert!(gtin("96385074").is_ok());
        assert!(gtin("036000291452").is_ok());
        assert!(gtin("400638133393").is_err());
        assert!(gtin("40063813339x1").is_err());
    }

    #[test]
    fn unit_prices_are_per_one_unit_rounded_to_the_cent() {
        let price = public_price(PriceInput {
            gross: money("8.90"),
            vat_percent: Decimal::new(700, 2),
            reference: None,
            small_business: false,
            measure: Some((Decimal::new(500, 3), Unit::Kg)),
            deposit: None,
        });
        assert_eq!(
            price.unit_price,
            Some(UnitPrice {
                amount: money("17.80"),
                per: "1 kg".to_owned()
            })
        );
        assert_eq!(price.vat_rate, Some(Decimal::new(700, 2)));
        assert!(price.vat_included && price.note.is_none());
        // 0.75 l for 2.49 → 3.32 €/l (3.3200); 0.33 l for 0.99 → 3.00 €/l.
        let wine = public_price(PriceInput {
            gross: money("2.49"),
            vat_percent: Decimal::new(1900, 2),
            reference: None,
            small_business: false,
            measure: Some((Decimal::new(750, 3), Unit::L)),
            deposit: Some(money("0.25")),
        });
        assert_eq!(wine.unit_price.unwrap().amount, money("3.32"));
        assert_eq!(wine.deposit, Some(money("0.25")));
    }

    #[test]
    fn small_businesses_show_no_vat() {
        let price = public_price(PriceInput {
            gross: money("12.00"),
            vat_percent: Decimal::new(1900, 2),
            reference: None,
            small_business: true,
            measure: None,
            deposit: None,
        });
        assert_eq!(price.vat_rate, None);
        assert!(!price.vat_included);
        assert_eq!(price.note, Some(SMALL_BUSINESS_NOTE));
    }

    fn day(day: u32) -> DateTime<Utc> {
        use chrono::TimeZone;
        Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap() + Duration::days(i64::from(day))
    }

    fn set(at: u32, price: &str) -> PriceChange {
        PriceChange {
            at: day(at),
            price: money(price),
        }
    }

    fn reduce(price: &str, from: u32, until: Option<u32>) -> Reduction {
        Reduction {
            price: money(price),
            starts_at: day(from),
            ends_at: until.map(day),
        }
    }

    #[test]
    fn without_a_reduction_the_regular_price_applies() {
        let history = [set(0, "10.00"), set(20, "12.00")];
        assert_eq!(
            current_price(&history, &[], day(10)),
            Some((money("10.00"), None))
        );
        assert_eq!(
            current_price(&history, &[], day(25)),
            Some((money("12.00"), None))
        );
        assert_eq!(current_price(&[], &[], day(25)), None);
    }

    #[test]
    fn the_reference_is_the_lowest_price_of_the_30_days_before() {
        // 9.00 on day 5..15, 12.00 from day 15; reduced to 8.00 from day 40.
        let history = [set(0, "10.00"), set(5, "9.00"), set(15, "12.00")];
        let reductions = [reduce("8.00", 40, Some(50))];
        // The window is day 10..40: 9.00 applied on day 10..15.
        assert_eq!(
            current_price(&history, &reductions, day(41)),
            Some((money("8.00"), Some(money("9.00"))))
        );
        // Starting on day 50 the window (20..50) saw only 12.00.
        let later = [reduce("8.00", 50, None)];
        assert_eq!(
            current_price(&history, &later, day(51)),
            Some((money("8.00"), Some(money("12.00"))))
        );
        // After the reduction the regular price is back, without a reference.
        assert_eq!(
            current_price(&history, &reductions, day(50)),
            Some((money("12.00"), None))
        );
    }

    #[test]
    fn an_earlier_reduction_in_the_window_counts() {
        let history = [set(0, "20.00")];
        let reductions = [reduce("15.00", 10, Some(15)), reduce("16.00", 30, None)];
        assert_eq!(
            current_price(&history, &reductions, day(31)),
            Some((money("16.00"), Some(money("15.00"))))
        );
    }

    #[test]
    fn a_deepening_reduction_refers_to_the_price_before_its_first_step() {
        let history = [set(0, "20.00")];
        // 20 → 17 (day 40) → 14 (day 45) → 11 (day 50), steps back to back.
        let reductions = [
            reduce("17.00", 40, Some(45)),
            reduce("14.00", 45, Some(50)),
            reduce("11.00", 50, None),
        ];
        assert_eq!(
            current_price(&history, &reductions, day(52)),
            Some((money("11.00"), Some(money("20.00"))))
        );
    }

    #[test]
    fn the_lowest_price_follows_each_variants_reductions() {
        let small = (vec![set(0, "10.00")], vec![reduce("7.00", 20, Some(30))]);
        let large = (vec![set(0, "9.00")], vec![reduce("8.00", 25, None)]);
        let unpriced = (vec![], vec![]);
        let spans = lowest_price_timeline(&[small, large, unpriced], day(10));
        let expected = [
            ("9.00", 10, Some(20)),
            ("7.00", 20, Some(30)),
            ("8.00", 30, None),
        ];
        assert_eq!(
            spans,
            expected
                .iter()
                .map(|(price, from, until)| PriceSpan {
                    price: money(price),
                    from: day(*from),
                    until: until.map(day),
                })
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn spans_at_one_price_merge_and_unpriced_products_have_none() {
        // The reduction of the dearer variant never changes the lowest price.
        let cheap = (vec![set(0, "5.00")], vec![]);
        let dear = (vec![set(0, "20.00")], vec![reduce("15.00", 12, Some(14))]);
        assert_eq!(
            lowest_price_timeline(&[cheap, dear], day(10)),
            [PriceSpan {
                price: money("5.00"),
                from: day(10),
                until: None
            }]
        );
        assert!(lowest_price_timeline(&[(vec![], vec![])], day(10)).is_empty());
    }

    #[test]
    fn a_price_recorded_after_now_counts_from_its_moment() {
        let variant = (vec![set(0, "12.00"), set(11, "15.00")], vec![]);
        assert_eq!(
            lowest_price_timeline(&[variant], day(10)),
            [
                PriceSpan {
                    price: money("12.00"),
                    from: day(10),
                    until: Some(day(11))
                },
                PriceSpan {
                    price: money("15.00"),
                    from: day(11),
                    until: None
                }
            ]
        );
    }
}
