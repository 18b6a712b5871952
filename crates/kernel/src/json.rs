//! A JSON body extractor whose every failure is a precise problem: wrong content type (415),
//! too large (413), not JSON (400 `malformed_json`), or JSON of the wrong shape (422 naming
//! the field, e.g. `address.postal_code: invalid type: integer, expected a string`).

use crate::problem::{FieldError, Problem};
use actix_web::{dev::Payload, http::header, FromRequest, HttpMessage, HttpRequest};
use futures_util::{future::LocalBoxFuture, StreamExt};
use serde::de::DeserializeOwned;

/// The largest accepted request body, in bytes; registered as app data.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

impl Default for BodyLimit {
    fn default() -> Self {
        Self(1024 * 1024)
    }
}

/// A JSON request body. Use instead of `actix_web::web::Json`.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = Problem;
    type Future = LocalBoxFuture<'static, Result<Self, Problem>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req.app_data::<BodyLimit>().copied().unwrap_or_default().0;
        let is_json = matches!(req.mime_type(), Ok(Some(mime))
            if mime.type_() == "application"
                && (mime.subtype() == "json" || mime.suffix().is_some_and(|s| s == "json")));
        let declared_length = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if !is_json {
                return Err(Problem::unsupported_media_type());
            }
            if declared_length.is_some_and(|length| length > limit) {
                return Err(Problem::payload_too_large(Some(limit)));
            }
            let mut body = Vec::with_capacity(declared_length.unwrap_or(0).min(limit));
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|_| {
                    Problem::bad_request("incomplete_body", "The request body could not be read.")
                })?;
                if body.len() + chunk.len() > limit {
                    return Err(Problem::payload_too_large(Some(limit)));
                }
                body.extend_from_slice(&chunk);
            }
            parse(&body).map(Json)
        })
    }
}

/// Parses a JSON document into `T`, mapping each kind of failure to its problem.
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, Problem> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Problem::bad_request(
            "malformed_json",
            "The request body is empty; send a JSON object.",
        ));
    }
    // Syntax first, so that broken JSON is always a 400 whatever its content.
    let document: serde_json::Value =
        serde_json::from_slice(body).map_err(|error| malformed(&error))?;
    serde_path_to_error::deserialize(document).map_err(shape_problem)
}

fn malformed(error: &serde_json::Error) -> Problem {
    Problem::bad_request(
        "malformed_json",
        format!(
            "The request body is not valid JSON (line {}, column {}).",
            error.line(),
            error.column()
        ),
    )
}

fn shape_problem(error: serde_path_to_error::Error<serde_json::Error>) -> Problem {
    let path = error.path().to_string();
    let inner = error.into_inner();
    let message = inner.to_string();
    let message = message.as_str();
    let parent = if path == "." { "" } else { path.as_str() };
    let field = match missing_field_name(message) {
        Some(name) if parent.is_empty() => name.to_owned(),
        Some(name) => format!("{parent}.{name}"),
        None if parent.is_empty() => "body".to_owned(),
        None => parent.to_owned(),
    };
    let message = if missing_field_name(message).is_some() {
        "is required".to_owned()
    } else {
        message.to_owned()
    };
    Problem::validation(vec![FieldError::new(field, message)])
}

/// serde reports a missing field as "missing field `name`".
fn missing_field_name(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.strip_suffix('`')
}

/// For `#[serde(default, deserialize_with = "kernel::json::nullable")]` on an `Option<Option<T>>` field of
/// a PATCH body: absent is `None` (unchanged), `null` is `Some(None)` (cleared).
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Address {
        city: String,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        count: u32,
        address: Option<Address>,
    }

    #[test]
    fn accepts_valid_json() {
        let body: Body = parse(br#"{"name":"a","count":2}"#).unwrap();
        assert_eq!(body.count, 2);
    }

    #[test]
    fn syntax_errors_are_malformed_json() {
        for input in [
            &br#"{"name":"#[..],
            b"{",
            b"not json",
            b"   ",
            br#"{"name":"a","count":1} x"#,
        ] {
            let problem = parse::<Body>(input).unwrap_err();
            assert_eq!(problem.status, 400, "{input:?}");
            assert_eq!(problem.code, "malformed_json");
        }
    }

    #[test]
    fn missing_fields_are_named() {
        let problem = parse::<Body>(br#"{"name":"a"}"#).unwrap_err();
        assert_eq!(problem.status, 422);
        assert_eq!(problem.errors, [FieldError::new("count", "is required")]);

        let problem = parse::<Body>(br#"{"name":"a","count":1,"address":{}}"#).unwrap_err();
        assert_eq!(problem.errors[0].field, "address.city");
    }

    #[test]
    fn wrong_types_are_named_with_their_path() {
        let problem = parse::<Body>(br#"{"name":"a","count":"two"}"#).unwrap_err();
        assert_eq!(problem.errors[0].field, "count");
        assert!(problem.errors[0].message.starts_with("invalid type"));
        assert!(!problem.errors[0].message.contains("line"));

        let problem = parse::<Body>(br#"{"name":"a","count":1,"address":{"city":5}}"#).unwrap_err();
        assert_eq!(problem.errors[0].field, "address.city");

        let problem = parse::<Body>(br#""text""#).unwrap_err();
        assert_eq!(problem.errors[0].field, "body");
    }
}
