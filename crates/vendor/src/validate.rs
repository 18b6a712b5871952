//! Formats of trader data: countries, postal codes, VAT IDs, phone numbers, IBANs.
//! Each check returns the normalised value or a message for the field's problem entry.

/// ISO 3166-1 alpha-2 codes (officially assigned).
const ISO_COUNTRIES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG \
BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX \
CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN \
GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI \
KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ \
MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR \
PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC \
TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT \
ZA ZM ZW";

/// An ISO 3166-1 alpha-2 country code, upper-cased.
pub fn country(input: &str) -> Result<String, String> {
    let code = input.trim().to_ascii_uppercase();
    if code.len() == 2 && ISO_COUNTRIES.split_ascii_whitespace().any(|c| c == code) {
        Ok(code)
    } else {
        Err("must be an ISO 3166-1 alpha-2 country code such as \"DE\"".to_owned())
    }
}

/// One character class of a format pattern.
#[derive(Clone, Copy)]
enum Class {
    Digit,
    Letter,
    Alnum,
    Literal(char),
}

impl Class {
    fn matches(self, c: char) -> bool {
        match self {
            Class::Digit => c.is_ascii_digit(),
            Class::Letter => c.is_ascii_uppercase(),
            Class::Alnum => c.is_ascii_digit() || c.is_ascii_uppercase(),
            Class::Literal(literal) => c == literal,
        }
    }
}

/// Whether `text` matches `pattern`: `9` a digit, `A` a letter, `X` a digit or letter, any
/// other character itself. Patterns are fixed-length, so comparing position by position is
/// enough; alternatives are separate patterns.
fn matches_pattern(text: &str, pattern: &str) -> bool {
    let classes = pattern.chars().map(|p| match p {
        '9' => Class::Digit,
        'A' => Class::Letter,
        'X' => Class::Alnum,
        other => Class::Literal(other),
    });
    text.chars().count() == pattern.chars().count()
        && text.chars().zip(classes).all(|(c, class)| class.matches(c))
}

/// Postal code formats of the countries our shops and customers are in; other countries
/// get a generic plausibility check.
const POSTAL_CODE_FORMATS: &[(&str, &[&str], &str)] = &[
    ("DE", &["99999"], "5 digits"),
    ("AT", &["9999"], "4 digits"),
    ("CH", &["9999"], "4 digits"),
    ("LI", &["9999"], "4 digits"),
    ("BE", &["9999"], "4 digits"),
    ("DK", &["9999"], "4 digits"),
    ("LU", &["9999"], "4 digits"),
    ("FR", &["99999"], "5 digits"),
    ("IT", &["99999"], "5 digits"),
    ("ES", &["99999"], "5 digits"),
    ("FI", &["99999"], "5 digits"),
    ("NL", &["9999 AA"], "4 digits, a space and 2 letters"),
    ("PL", &["99-999"], "2 digits, a hyphen and 3 digits"),
    ("CZ", &["999 99"], "3 digits, a space and 2 digits"),
    ("SK", &["999 99"], "3 digits, a space and 2 digits"),
    ("SE", &["999 99"], "3 digits, a space and 2 digits"),
    ("PT", &["9999-999"], "4 digits, a hyphen and 3 digits"),
];

/// A postal code in the format of `country` (normalised: upper-cased, single spaces; the
/// optional space of NL, CZ, SK and SE codes is inserted).
pub fn postal_code(input: &str, country: &str) -> Result<String, String> {
    let code = input
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_uppercase();
    match POSTAL_CODE_FORMATS.iter().find(|(c, _, _)| *c == country) {
        Some((_, patterns, description)) => {
            let spaced = |pattern: &str| {
                // Accept "1234AB" for "9999 AA": the space is customary, not essential.
                let compact: String = code.chars().filter(|c| *c != ' ').collect();
                let split = pattern.find(' ')?;
                let (head, tail) = compact.split_at_checked(split)?;
                Some(format!("{head} {tail}"))
            };
            patterns
                .iter()
                .find_map(|pattern| {
                    if matches_pattern(&code, pattern) {
                        Some(code.clone())
                    } else {
                        spaced(pattern).filter(|candidate| matches_pattern(candidate, pattern))
                    }
                })
                .ok_or_else(|| format!("is not a postal code of {country} ({description})"))
        }
        None => {
            let plausible = (2..=10).contains(&code.len())
                && code
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-');
            if plausible {
                Ok(code)
            } else {
                Err("is not a plausible postal code".to_owned())
            }
        }
    }
}

/// VAT identification number formats per EU member state prefix (VIES), plus XI for
/// Northern Ireland.
const VAT_ID_FORMATS: &[(&str, &[&str])] = &[
    ("AT", &["U99999999"]),
    ("BE", &["0999999999", "1999999999"]),
    ("BG", &["999999999", "9999999999"]),
    ("CY", &["99999999A"]),
    ("CZ", &["99999999", "999999999", "9999999999"]),
    ("DE", &["999999999"]),
    ("DK", &["99999999"]),
    ("EE", &["999999999"]),
    ("EL", &["999999999"]),
    ("ES", &["X9999999X"]),
    ("FI", &["99999999"]),
    ("FR", &["XX999999999"]),
    ("HR", &["99999999999"]),
    ("HU", &["99999999"]),
    ("IE", &["9999999A", "9999999AA", "9A99999A"]),
    ("IT", &["99999999999"]),
    ("LT", &["999999999", "999999999999"]),
    ("LU", &["99999999"]),
    ("LV", &["99999999999"]),
    ("MT", &["99999999"]),
    ("NL", &["999999999B99"]),
    ("PL", &["9999999999"]),
    ("PT", &["999999999"]),
    (
        "RO",
        &[
            "99",
            "999",
            "9999",
            "99999",
            "999999",
            "9999999",
            "99999999",
            "999999999",
            "9999999999",
        ],
    ),
    ("SE", &["999999999901"]),
    ("SI", &["99999999"]),
    ("SK", &["9999999999"]),
    ("XI", &["999999999", "999999999999", "GD999", "HA999"]),
];

/// An EU VAT identification number: country prefix and that country's format (spaces,
/// dots and hyphens are removed; DE: `DE` followed by 9 digits).
pub fn vat_id(input: &str) -> Result<String, String> {
    let compact: String = input
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect::<String>()
        .to_ascii_uppercase();
    let prefix = compact.get(..2).unwrap_or_default();
    let Some((_, patterns)) = VAT_ID_FORMATS.iter().find(|(p, _)| *p == prefix) else {
        return Err(
            "must start with an EU country prefix such as \"DE\" (Greece: \"EL\")".to_owned(),
        );
    };
    let number = compact.get(2..).unwrap_or_default();
    if patterns
        .iter()
        .any(|pattern| matches_pattern(number, pattern))
    {
        Ok(compact)
    } else if prefix == "DE" {
        Err("is not a German VAT ID: \"DE\" followed by 9 digits".to_owned())
    } else {
        Err(format!("is not a valid VAT ID of {prefix}"))
    }
}

/// A German tax number (Steuernummer) or another country's: 5–20 characters of digits,
/// spaces and slashes.
pub fn tax_number(input: &str) -> Result<String, String> {
    let trimmed = input.trim();
    let digits = trimmed.chars().filter(char::is_ascii_digit).count();
    let allowed = trimmed
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '/' | '-'));
    if allowed && (5..=20).contains(&digits) {
        Ok(trimmed.to_owned())
    } else {
        Err("must be a tax number of 5 to 20 digits (spaces, `/` and `-` allowed)".to_owned())
    }
}

/// A phone number in international E.164 form: `+`, country code and number, 8–15 digits
/// in all. Spaces, hyphens, dots, slashes and parentheses are removed; `0049` becomes `+49`.
pub fn phone(input: &str) -> Result<String, String> {
    let compact: String = input
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '/' | '(' | ')'))
        .collect();
    let digits = compact
        .strip_prefix('+')
        .or_else(|| compact.strip_prefix("00"))
        .unwrap_or_default();
    let valid = (8..=15).contains(&digits.len())
        && digits.chars().all(|c| c.is_ascii_digit())
        && !digits.starts_with('0');
    if valid {
        Ok(format!("+{digits}"))
    } else {
        Err("must be an international phone number such as \"+49 761 123456\"".to_owned())
    }
}

/// An IBAN, checked by its ISO 13616 check digits and its country's length; returned in
/// electronic form (no spaces, upper case).
pub fn iban(input: &str) -> Result<String, String> {
    use iban::IbanLike;
    let compact: String = input
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    compact
        .parse::<iban::Iban>()
        .map(|iban| iban.electronic_str().to_owned())
        .map_err(|_| "is not a valid IBAN (check digits or length do not match)".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_are_iso_codes() {
        assert_eq!(country(" de ").unwrap(), "DE");
        assert!(country("XX").is_err());
        assert!(country("DEU").is_err());
    }

    #[test]
    fn postal_codes_follow_the_country() {
        assert_eq!(postal_code("79098", "DE").unwrap(), "79098");
        assert!(postal_code("7909", "DE").is_err());
        assert!(postal_code("7909A", "DE").is_err());
        assert_eq!(postal_code("1010", "AT").unwrap(), "1010");
        assert_eq!(postal_code("1012ab", "NL").unwrap(), "1012 AB");
        assert_eq!(postal_code("00-950", "PL").unwrap(), "00-950");
        assert_eq!(postal_code("SW1A 1AA", "GB").unwrap(), "SW1A 1AA");
        assert!(postal_code("!", "GB").is_err());
    }

    #[test]
    fn vat_ids_follow_the_country_prefix() {
        assert_eq!(vat_id("DE 123 456 789").unwrap(), "DE123456789");
        assert!(vat_id("DE12345678").unwrap_err().contains("9 digits"));
        assert!(vat_id("DE1234567890").is_err());
        assert_eq!(vat_id("ATU12345678").unwrap(), "ATU12345678");
        assert!(vat_id("AT12345678").is_err());
        assert_eq!(vat_id("NL123456789B01").unwrap(), "NL123456789B01");
        assert_eq!(vat_id("FRXX123456789").unwrap(), "FRXX123456789");
        assert!(vat_id("US123456789")
            .unwrap_err()
            .contains("EU country prefix"));
        assert!(vat_id("").is_err());
    }

    #[test]
    fn phones_are_international() {
        assert_eq!(phone("+49 (761) 123-456").unwrap(), "+49761123456");
        assert_eq!(phone("0049 761 123456").unwrap(), "+49761123456");
        assert!(phone("0761 123456").is_err());
        assert!(phone("+49 761 abc").is_err());
        assert!(phone("+1234").is_err());
    }

    #[test]
    fn ibans_are_checked_by_their_check_digits() {
        assert_eq!(
            iban("de89 3704 0044 0532 0130 00").unwrap(),
            "DE89370400440532013000"
        );
        assert!(iban("DE88370400440532013000").is_err());
        assert!(iban("DE8937040044053201300").is_err());
    }
}
