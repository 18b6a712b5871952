//! Money in euros and VAT arithmetic. Amounts are exact decimals with two places; in JSON they
//! are strings (`"12.90"`), never floats. Consumer prices are gross; net and tax are derived
//! per VAT rate group with commercial rounding (half away from zero) to the cent.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;
use std::ops::{Add, Sub};
use utoipa::ToSchema;

const CENT_PLACES: u32 = 2;

/// Rounds to the cent the way German commerce does: half away from zero.
pub fn round_commercial(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(CENT_PLACES, RoundingStrategy::MidpointAwayFromZero)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("must have at most two decimal places")]
    TooPrecise,
    #[error("must not be negative")]
    Negative,
    #[error("is not a decimal amount like \"12.90\"")]
    NotANumber,
    #[error("is out of range")]
    Overflow,
}

/// An amount of euros, exact to the cent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, ToSchema)]
#[schema(value_type = String, example = "12.90", pattern = r"^-?\d+\.\d{2}$")]
pub struct Money(Decimal);

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// Exact amounts only: `12.905` is refused rather than silently rounded.
    pub fn new(amount: Decimal) -> Result<Self, MoneyError> {
        if amount.normalize().scale() > CENT_PLACES {
            return Err(MoneyError::TooPrecise);
        }
        Ok(Self(amount.round_dp(CENT_PLACES)))
    }

    /// An amount that must not be negative (a price, a fee).
    pub fn non_negative(amount: Decimal) -> Result<Self, MoneyError> {
        let money = Self::new(amount)?;
        if money.is_negative() {
            return Err(MoneyError::Negative);
        }
        Ok(money)
    }

    /// From a computed value that may have more places, rounded commercially.
    pub fn rounded(amount: Decimal) -> Self {
        Self(round_commercial(amount))
    }

    pub fn amount(self) -> Decimal {
        self.0
    }

    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }

    /// The amount for `quantity` pieces.
    pub fn times(self, quantity: u32) -> Option<Money> {
        self.0.checked_mul(Decimal::from(quantity)).map(Money)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, other: Money) -> Money {
        Money(self.0 + other.0)
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, other: Money) -> Money {
        Money(self.0 - other.0)
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2}", self.0)
    }
}

impl std::str::FromStr for Money {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, MoneyError> {
        let amount = Decimal::from_str_exact(s.trim()).map_err(|_| MoneyError::NotANumber)?;
        Money::new(amount)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A VAT rate in percent, e.g. 19 or 7.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ToSchema)]
#[schema(value_type = String, example = "19.00")]
pub struct VatRate(Decimal);

impl VatRate {
    pub fn percent(rate: Decimal) -> Result<Self, MoneyError> {
        if rate.is_sign_negative() && !rate.is_zero() {
            return Err(MoneyError::Negative);
        }
        if rate > Decimal::ONE_HUNDRED {
            return Err(MoneyError::Overflow);
        }
        Ok(Self(rate))
    }

    pub fn as_percent(self) -> Decimal {
        self.0
    }
}

impl Serialize for VatRate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&format_args!("{:.2}", self.0))
    }
}

/// Net, tax and gross of one VAT rate group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct VatAmounts {
    pub rate: VatRate,
    pub net: Money,
    pub tax: Money,
    pub gross: Money,
}

impl VatAmounts {
    /// Splits a gross amount: tax = gross × rate / (100 + rate), rounded; net = gross − tax,
    /// so net + tax is always exactly the gross the customer pays.
    pub fn from_gross(gross: Money, rate: VatRate) -> Self {
        let tax = Money::rounded(gross.0 * rate.0 / (Decimal::ONE_HUNDRED + rate.0));
        Self {
            rate,
            net: gross - tax,
            tax,
            gross,
        }
    }
}

/// The VAT breakdown of gross line amounts: one group per rate, rounded once per group
/// (not per line), as on an invoice.
pub fn vat_breakdown(lines: impl IntoIterator<Item = (Money, VatRate)>) -> Vec<VatAmounts> {
    let mut groups: BTreeMap<VatRate, Money> = BTreeMap::new();
    for (gross, rate) in lines {
        let total = groups.entry(rate).or_default();
        *total = *total + gross;
    }
    groups
        .into_iter()
        .map(|(rate, gross)| VatAmounts::from_gross(gross, rate))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::prelude::*;

    fn eur(s: &str) -> Money {
        s.parse().unwrap()
    }
    fn rate(p: u32) -> VatRate {
        VatRate::percent(Decimal::from(p)).unwrap()
    }

    #[test]
    fn parses_and_prints_two_places() {
        assert_eq!(eur("12.9").to_string(), "12.90");
        assert_eq!(eur("12").to_string(), "12.00");
        assert_eq!(eur("12.900").to_string(), "12.90");
        assert_eq!("12.905".parse::<Money>(), Err(MoneyError::TooPrecise));
        assert_eq!("abc".parse::<Money>(), Err(MoneyError::NotANumber));
        assert_eq!(
            Money::non_negative(Decimal::from(-1)),
            Err(MoneyError::Negative)
        );
    }

    #[test]
    fn json_is_a_string_never_a_float() {
        assert_eq!(serde_json::to_string(&eur("0.1")).unwrap(), r#""0.10""#);
        let parsed: Money = serde_json::from_str(r#""19.99""#).unwrap();
        assert_eq!(parsed, eur("19.99"));
        assert!(serde_json::from_str::<Money>("19.99").is_err());
    }

    #[test]
    fn arithmetic_is_exact() {
        // 0.1 + 0.2 is exactly 0.3 in decimal, unlike in floating point.
        assert_eq!(eur("0.10") + eur("0.20"), eur("0.30"));
        assert_eq!(eur("19.99").times(3), Some(eur("59.97")));
        assert_eq!(eur("5.00") - eur("7.50"), eur("-2.50"));
        assert_eq!(
            [eur("1.00"), eur("2.50")].into_iter().sum::<Money>(),
            eur("3.50")
        );
        assert_eq!(
            Money::new(Decimal::MAX).unwrap().checked_add(eur("1")),
            None
        );
    }

    #[test]
    fn commercial_rounding_rounds_half_away_from_zero() {
        assert_eq!(
            Money::rounded(Decimal::from_str("2.345").unwrap()),
            eur("2.35")
        );
        assert_eq!(
            Money::rounded(Decimal::from_str("2.344").unwrap()),
            eur("2.34")
        );
        assert_eq!(
            Money::rounded(Decimal::from_str("-2.345").unwrap()),
            eur("-2.35")
        );
        // Banker's rounding would give 0.12 here.
        assert_eq!(
            Money::rounded(Decimal::from_str("0.125").unwrap()),
            eur("0.13")
        );
    }

    #[test]
    fn gross_splits_into_net_and_tax_that_add_up() {
        let split = VatAmounts::from_gross(eur("119.00"), rate(19));
        assert_eq!((split.net, split.tax), (eur("100.00"), eur("19.00")));
        let split = VatAmounts::from_gross(eur("9.99"), rate(19));
        assert_eq!((split.net, split.tax), (eur("8.39"), eur("1.60")));
        let split = VatAmounts::from_gross(eur("10.70"), rate(7));
        assert_eq!((split.net, split.tax), (eur("10.00"), eur("0.70")));
        let split = VatAmounts::from_gross(eur("5.00"), rate(0));
        assert_eq!((split.net, split.tax), (eur("5.00"), eur("0.00")));
    }

    #[test]
    fn breakdown_rounds_once_per_rate_group() {
        // Three lines of 0.10 at 19 %: per line the tax would round to 0.02 each (0.06);
        // per group it is round(0.30 × 19 / 119) = 0.05.
        let lines = [
            (eur("0.10"), rate(19)),
            (eur("0.10"), rate(19)),
            (eur("0.10"), rate(19)),
            (eur("10.70"), rate(7)),
        ];
        let groups = vat_breakdown(lines);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].rate, rate(7));
        assert_eq!(groups[0].tax, eur("0.70"));
        assert_eq!(groups[1].gross, eur("0.30"));
        assert_eq!(groups[1].tax, eur("0.05"));
        assert_eq!(groups[1].net, eur("0.25"));
    }

    #[test]
    fn vat_rates_are_bounded() {
        assert!(VatRate::percent(Decimal::from(-1)).is_err());
        assert!(VatRate::percent(Decimal::from(101)).is_err());
        assert_eq!(serde_json::to_string(&rate(19)).unwrap(), r#""19.00""#);
    }
}
