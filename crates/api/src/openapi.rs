//! The OpenAPI document: generated from the real handlers, committed as
//! `openapi/openapi.json`, served at `/openapi.json` and browsable at `/docs/`.

use kernel::openapi::{
    BadRequest, BearerSecurity, Conflict, Forbidden, InternalError, NotFound, PayloadTooLarge,
    TooManyRequests, Unauthorized, UnsupportedMediaType, ValidationFailed,
};
use kernel::{FieldError, Problem};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Marktplatz API",
        description = "The API of a regional multi-vendor marketplace: independent local shops \
list what they sell, customers buy from several shops in one checkout.\n\n\
**Conventions.** JSON with snake_case fields; timestamps are RFC 3339 in UTC; money is a \
decimal string (`\"12.90\"`). Every error is `application/problem+json` (RFC 9457) with a \
stable `code`, the `request_id` (also sent as the `X-Request-Id` header; send your own to \
correlate) and, for invalid input, `errors[]` naming each field. Lists are cursor-paginated: \
`?limit=` (1–100, default 20) and `?cursor=` from the previous page's `next_cursor`.\n\n\
**Authentication.** `POST /v1/auth/login` returns a 15-minute JWT access token (send it as \
`Authorization: Bearer <token>`) and a single-use refresh token to exchange at \
`POST /v1/auth/refresh`.",
        license(name = "Proprietary"),
    ),
    servers((url = "/", description = "This server")),
    tags(
        (name = "auth", description = "Registration, login and session tokens."),
        (name = "me", description = "The signed-in account."),
        (name = "vendors", description = "Shops: applying, the application and its status, the public directory and profiles."),
        (name = "vendor members", description = "Who works for a vendor, in which role."),
        (name = "api keys", description = "Keys for integrators (tills, ERP): they act for one vendor with exactly their scopes."),
        (name = "locations", description = "A vendor's stores: address, opening hours, pickup and local delivery."),
        (name = "catalog", description = "The category tree customers browse, and the VAT rates products are sold at."),
        (name = "products", description = "A vendor's products and variants, and products as customers see them."),
        (name = "stock", description = "Stock per store location, kept in sync by the shop's till or ERP."),
        (name = "questions", description = "Product questions: they go to the shop that sells the product (never to past buyers); the shop's answer is what customers see. The vendor's inbox and live event stream."),
        (name = "webhooks", description = "Signed HTTP callbacks to a shop's own systems for its events, with retries and a delivery log."),
        (name = "notices", description = "Reporting illegal content (notice and action, DSA Art. 16)."),
        (name = "operator", description = "Marketplace operators: vendor review and approval, the category tree, notices."),
        (name = "operations", description = "Health, readiness and metrics for operators of the service."),
    ),
    components(
        schemas(Problem, FieldError),
        responses(
            BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PayloadTooLarge,
            UnsupportedMediaType, ValidationFailed, TooManyRequests, InternalError
        )
    ),
    modifiers(&BearerSecurity)
)]
pub struct ApiDoc;

/// The document as served, pretty-printed with a final newline (the committed file's form).
pub fn to_pretty_json(spec: &utoipa::openapi::OpenApi) -> String {
    let mut json = spec.to_pretty_json().unwrap_or_default();
    json.push('\n');
    json
}
