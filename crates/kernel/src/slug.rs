//! Slugs: the URL-safe names of shops and categories (`kaffee-mueller`).

pub const SLUG_MIN_CHARS: usize = 3;
pub const SLUG_MAX_CHARS: usize = 60;

/// A slug: lower-case letters, digits and single hyphens between them, 3–60 characters.
pub fn parse(input: &str) -> Result<String, String> {
    let valid = (SLUG_MIN_CHARS..=SLUG_MAX_CHARS).contains(&input.len())
        && input.split('-').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
    if valid {
        Ok(input.to_owned())
    } else {
        Err(format!(
            "must be {SLUG_MIN_CHARS}–{SLUG_MAX_CHARS} lower-case letters, digits and single \
             hyphens, such as \"kaffee-mueller\""
        ))
    }
}

/// A slug proposed from a name: German umlauts transliterated, everything else that is not
/// a letter or digit becomes a hyphen; names too short for a slug get `prefix` in front.
pub fn propose(name: &str, prefix: &str) -> String {
    let mut slug = String::new();
    for c in name.to_lowercase().chars() {
        match c {
            'ä' => slug.push_str("ae"),
            'ö' => slug.push_str("oe"),
            'ü' => slug.push_str("ue"),
            'ß' => slug.push_str("ss"),
            'à' | 'á' | 'â' | 'å' => slug.push('a'),
            'è' | 'é' | 'ê' | 'ë' => slug.push('e'),
            'ì' | 'í' | 'î' | 'ï' => slug.push('i'),
            'ò' | 'ó' | 'ô' => slug.push('o'),
            'ù' | 'ú' | 'û' => slug.push('u'),
            'ç' => slug.push('c'),
            'ñ' => slug.push('n'),
            c if c.is_ascii_alphanumeric() => slug.push(c),
            _ => slug.push('-'),
        }
    }
    let mut slug = slug
        .split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if slug.len() > SLUG_MAX_CHARS - 4 {
        // Room for a "-NNN" suffix when the name is taken.
        slug.truncate(SLUG_MAX_CHARS - 4);
        slug = slug.trim_end_matches('-').to_owned();
    }
    if slug.len() < SLUG_MIN_CHARS {
        slug = format!("{prefix}-{slug}").trim_end_matches('-').to_owned();
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_url_safe() {
        assert!(parse("kaffee-mueller").is_ok());
        assert!(parse("Kaffee").is_err());
        assert!(parse("kaffee--mueller").is_err());
        assert!(parse("-kaffee").is_err());
        assert!(parse("ab").is_err());
        assert_eq!(
            propose("Kaffeerösterei Müller & Söhne", "shop"),
            "kaffeeroesterei-mueller-soehne"
        );
        assert_eq!(propose("Straße 1", "shop"), "strasse-1");
        assert_eq!(propose("!!", "shop"), "shop");
        assert_eq!(propose("A", "shop"), "shop-a");
        assert!(parse(&propose(&"x".repeat(100), "shop")).is_ok());
    }
}
