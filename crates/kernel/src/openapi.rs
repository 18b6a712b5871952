//! Reusable OpenAPI pieces: the problem responses every operation lists, and the name of the
//! bearer security scheme. Register them with [`ProblemResponses`] in the API's document.

use crate::problem::Problem;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, ToResponse};

/// The security scheme name used in `security(("bearer" = []))`.
pub const BEARER: &str = "bearer";
/// The security scheme of vendor API keys: `security(("bearer" = []), ("api_key" = []))`
/// means either credential.
pub const API_KEY: &str = "api_key";

/// The request is not well-formed: malformed JSON or an invalid cursor.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct BadRequest(pub Problem);

/// Missing, malformed, expired or revoked credentials (`unauthenticated`, `invalid_token`,
/// `token_expired`, `invalid_credentials`, ...). Sent with `WWW-Authenticate: Bearer`.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct Unauthorized(pub Problem);

/// Authenticated, but not allowed to do this (`forbidden`).
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct Forbidden(pub Problem);

/// No such resource, or not one of the caller's (`not_found`).
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct NotFound(pub Problem);

/// The request conflicts with the current state (e.g. `email_taken`).
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct Conflict(pub Problem);

/// The body exceeds the configured limit (`payload_too_large`, default 1 MiB).
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct PayloadTooLarge(pub Problem);

/// The body is not `application/json` (`unsupported_media_type`).
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct UnsupportedMediaType(pub Problem);

/// Fields are missing, of the wrong type or invalid (`validation_failed`); `errors` names
/// each field.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct ValidationFailed(pub Problem);

/// Too many attempts from this client (`rate_limited`); retry after `Retry-After` seconds.
#[derive(ToResponse)]
#[response(
    content_type = "application/problem+json",
    headers(("Retry-After" = u64, description = "Seconds to wait before retrying"))
)]
pub struct TooManyRequests(pub Problem);

/// An unexpected server error (`internal_error`). The body never says more; quote the
/// `request_id`.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct InternalError(pub Problem);

/// Adds the security schemes: a JWT access token from `POST /v1/auth/login`, and a vendor's
/// API key.
pub struct BearerSecurity;

impl Modify for BearerSecurity {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "An access token from `POST /v1/auth/login` or `POST /v1/auth/refresh`, \
                         sent as `Authorization: Bearer <token>`.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            API_KEY,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("mpk_...")
                    .description(Some(
                        "A vendor's API key from `POST /v1/vendors/{vendor_id}/api-keys`, sent \
                         as `Authorization: Bearer mpk_...`. It acts for its vendor with exactly \
                         its scopes; each operation names the scope it needs.",
                    ))
                    .build(),
            ),
        );
    }
}
