//! Places: the `near` parameter (coordinates or a postal code) and the GeoNames postal-code
//! file that fills the `postal_codes` table.

use std::collections::BTreeMap;

use crate::model::Coordinates;

pub const DEFAULT_RADIUS_KM: f64 = 25.0;
pub const MAX_RADIUS_KM: f64 = 500.0;
/// Below 100 m a radius means nothing for stores (and tiny ones underflow the geometry).
pub const MIN_RADIUS_KM: f64 = 0.1;

/// What a client asked to be near.
#[derive(Debug, Clone, PartialEq)]
pub enum Near {
    Point(Coordinates),
    PostalCode(String),
}

/// Reads `near`: `"lat,lon"` in degrees, or a postal code.
pub fn parse_near(input: &str) -> Result<Near, String> {
    let input = input.trim();
    if let Some((lat, lon)) = input.split_once(',') {
        let lat: f64 = lat.trim().parse().map_err(|_| near_message())?;
        let lon: f64 = lon.trim().parse().map_err(|_| near_message())?;
        return coordinates(lat, lon).map(Near::Point);
    }
    let plausible = (2..=10).contains(&input.len())
        && input
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-');
    if plausible {
        Ok(Near::PostalCode(input.to_ascii_uppercase()))
    } else {
        Err(near_message())
    }
}

fn near_message() -> String {
    "must be \"lat,lon\" (e.g. \"47.99,7.85\") or a postal code (e.g. \"79098\")".to_owned()
}

/// Coordinates within the valid ranges.
pub fn coordinates(lat: f64, lon: f64) -> Result<Coordinates, String> {
    if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) {
        Ok(Coordinates { lat, lon })
    } else {
        Err("latitude must be within ±90 and longitude within ±180 degrees".to_owned())
    }
}

/// A search radius in km: default 25, at least 0.1, at most 500.
pub fn radius_km(input: Option<f64>) -> Result<f64, String> {
    match input {
        None => Ok(DEFAULT_RADIUS_KM),
        Some(radius) if (MIN_RADIUS_KM..=MAX_RADIUS_KM).contains(&radius) => Ok(radius),
        Some(_) => Err(format!(
            "must be between {MIN_RADIUS_KM} and {MAX_RADIUS_KM}"
        )),
    }
}

/// One postal code's centroid, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct PostalCodeCentroid {
    pub country: String,
    pub postal_code: String,
    pub place: String,
    pub latitude: f64,
    pub longitude: f64,
}

/// Reads a GeoNames postal-code file (tab-separated: country, postal code, place name,
/// three admin levels of name and code, latitude, longitude, accuracy). Several places
/// share a postal code; its centroid is their average and its place the first one named.
/// A malformed line fails the whole file with its line number.
pub fn parse_geonames(content: &str) -> Result<Vec<PostalCodeCentroid>, String> {
    struct Sum {
        place: String,
        latitude: f64,
        longitude: f64,
        count: u32,
    }
    let mut sums: BTreeMap<(String, String), Sum> = BTreeMap::new();
    for (index, line) in content.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let number = index + 1;
        let columns: Vec<&str> = line.split('\t').collect();
        if columns.len() < 11 {
            return Err(format!(
                "line {number}: expected at least 11 tab-separated columns, found {}",
                columns.len()
            ));
        }
        let country = columns[0].trim().to_ascii_uppercase();
        let postal_code = columns[1].trim().to_ascii_uppercase();
        if country.len() != 2 || postal_code.is_empty() {
            return Err(format!("line {number}: country or postal code missing"));
        }
        let latitude: f64 = columns[9]
            .trim()
            .parse()
            .map_err(|_| format!("line {number}: latitude is not a number"))?;
        let longitude: f64 = columns[10]
            .trim()
            .parse()
            .map_err(|_| format!("line {number}: longitude is not a number"))?;
        coordinates(latitude, longitude).map_err(|message| format!("line {number}: {message}"))?;
        let sum = sums.entry((country, postal_code)).or_insert_with(|| Sum {
            place: columns[2].trim().to_owned(),
            latitude: 0.0,
            longitude: 0.0,
            count: 0,
        });
        sum.latitude += latitude;
        sum.longitude += longitude;
        sum.count += 1;
    }
    Ok(sums
        .into_iter()
        .map(|((country, postal_code), sum)| PostalCodeCentroid {
            country,
            postal_code,
            place: sum.place,
            latitude: sum.latitude / f64::from(sum.count),
            longitude: sum.longitude / f64::from(sum.count),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_is_coordinates_or_a_postal_code() {
        assert_eq!(
            parse_near(" 47.99, 7.85 ").unwrap(),
            Near::Point(Coordinates {
                lat: 47.99,
                lon: 7.85
            })
        );
        assert_eq!(
            parse_near("79098").unwrap(),
            Near::PostalCode("79098".to_owned())
        );
        assert!(parse_near("91,7").is_err());
        assert!(parse_near("abc,def").is_err());
        assert!(parse_near("'; drop").is_err());
    }

    #[test]
    fn radius_defaults_and_bounds() {
        assert_eq!(radius_km(None).unwrap(), 25.0);
        assert!(radius_km(Some(0.0)).is_err());
        assert!(radius_km(Some(5e-324)).is_err());
        assert_eq!(radius_km(Some(0.1)).unwrap(), 0.1);
        assert!(radius_km(Some(501.0)).is_err());
    }

    #[test]
    fn geonames_lines_average_per_postal_code() {
        let file = "DE\t79098\tFreiburg\tBW\t01\t\t\t\t\t48.0\t7.8\t4\n\
                    DE\t79098\tFreiburg Altstadt\tBW\t01\t\t\t\t\t48.2\t7.9\t4\n\
                    \n\
                    DE\t10115\tBerlin\tBerlin\tBE\t\t\t\t\t52.5323\t13.3846\t4\n";
        let centroids = parse_geonames(file).unwrap();
        assert_eq!(centroids.len(), 2);
        let freiburg = &centroids[1];
        assert_eq!(freiburg.place, "Freiburg");
        assert!((freiburg.latitude - 48.1).abs() < 1e-9);
        assert!((freiburg.longitude - 7.85).abs() < 1e-9);
    }

    #[test]
    fn malformed_lines_name_their_number() {
        let error = parse_geonames("DE\t79098\tFreiburg\n").unwrap_err();
        assert!(error.starts_with("line 1:"), "{error}");
        let error = parse_geonames("DE\t1\tX\t\t\t\t\t\t\t48\t7\t4\nDE\t2\tY\t\t\t\t\t\t\tx\t7\t4")
            .unwrap_err();
        assert!(error.starts_with("line 2: latitude"), "{error}");
    }
}
