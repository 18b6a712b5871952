//! The request context every request passes through: a request id (taken from
//! `X-Request-Id` if sane, else generated) on the response and on every log line, a log line
//! per request, and problem+json bodies for every error response, including those the
//! framework produces itself.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use kernel::problem::{Problem, PROBLEM_CONTENT_TYPE};
use std::time::Instant;
use tracing::Instrument;
use uuid::Uuid;

pub const REQUEST_ID_HEADER: &str = "x-request-id";
const MAX_REQUEST_ID_LEN: usize = 128;

/// The id of the current request, in the request's extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// A client-chosen id is kept if it is short and plain, so it cannot forge log lines.
fn sane_request_id(value: &HeaderValue) -> Option<String> {
    let value = value.to_str().ok()?;
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':');
    (!value.is_empty() && value.len() <= MAX_REQUEST_ID_LEN && value.chars().all(plain))
        .then(|| value.to_owned())
}

pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let request_id = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(sane_request_id)
        .unwrap_or_else(|| Uuid::now_v7().to_string());
    req.extensions_mut().insert(RequestId(request_id.clone()));
    // The path only: query strings may carry personal data.
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        method = %req.method(),
        path = %req.path(),
    );
    let started = Instant::now();
    // Handlers' errors arrive as responses; only a failing middleware would return `Err`,
    // and actix renders that through `ResponseError` as well.
    let response = next
        .call(req)
        .instrument(span.clone())
        .await?
        .map_into_boxed_body();
    let mut response = render_problem(response, &request_id);
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
    }

    let status = response.status().as_u16();
    let route = response.request().match_pattern().unwrap_or_default();
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| {
        if status >= 500 {
            tracing::error!(status, route, elapsed_ms, "request failed");
        } else {
            tracing::info!(status, route, elapsed_ms, "request finished");
        }
    });
    Ok(response)
}

/// Gives an error response its problem+json body with the request id. A handler's
/// [`Problem`] is kept as it is; anything else (a framework error) gets the problem of its
/// status, with the framework's message only for client errors (a 5xx never says why).
fn render_problem(
    response: ServiceResponse<BoxBody>,
    request_id: &str,
) -> ServiceResponse<BoxBody> {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let error = response.response().error();
    let problem = match error.and_then(|error| error.as_error::<Problem>()) {
        Some(problem) => problem.clone(),
        None => {
            let mut problem = Problem::for_status(status);
            if let Some(error) = error.filter(|_| status.is_client_error()) {
                problem.detail = error.to_string();
            }
            problem
        }
    };
    let (request, old) = response.into_parts();
    let mut new = problem.with_request_id(request_id).to_response();
    // Keep headers set on the way (e.g. `Allow`, `Retry-After`); the body's own are replaced.
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE
            && name != header::CONTENT_LENGTH
            && !new.headers().contains_key(name)
        {
            new.headers_mut().insert(name.clone(), value.clone());
        }
    }
    debug_assert_eq!(
        new.headers()
            .get(header::CONTENT_TYPE)
            .map(HeaderValue::as_bytes),
        Some(PROBLEM_CONTENT_TYPE.as_bytes())
    );
    ServiceResponse::new(request, new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_from_clients_must_be_plain_and_short() {
        let id = |s: &str| sane_request_id(&HeaderValue::from_str(s).unwrap());
        assert_eq!(id("abc-123_x.y:z").as_deref(), Some("abc-123_x.y:z"));
        assert_eq!(id(""), None);
        assert_eq!(id("a b"), None);
        assert_eq!(id("line\tbreak"), None);
        assert_eq!(id(&"a".repeat(129)), None);
    }
}
