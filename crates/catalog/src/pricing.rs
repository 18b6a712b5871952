//! German price display rules: gross prices with their VAT rate (or the small-business
//! note), the unit price per 1 kg / l / m / m² / m³ (§ 4 PAngV), deposits on top, and GTIN
//! check digits.

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

/// What a variant's price shows; `vat_percent` is the rate valid today.
pub struct PriceInput {
    pub gross: Money,
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
        reference_price: None,
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
            small_business: true,
            measure: None,
            deposit: None,
        });
        assert_eq!(price.vat_rate, None);
        assert!(!price.vat_included);
        assert_eq!(price.note, Some(SMALL_BUSINESS_NOTE));
    }
}
