//! RFC 9457 problem details: the one shape of every error response.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use std::borrow::Cow;
use utoipa::ToSchema;

pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// One invalid input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// Path of the field in the request, e.g. `email` or `address.postal_code`.
    #[schema(example = "password")]
    pub field: String,
    #[schema(example = "must be between 10 and 128 characters long")]
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// An error response (`application/problem+json`, RFC 9457).
///
/// `code` is stable and meant for programs; `title` and `detail` are for people and may change.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:marketplace:problem:validation_failed",
    "title": "Validation failed",
    "status": 422,
    "detail": "One or more fields are invalid.",
    "code": "validation_failed",
    "errors": [{"field": "password", "message": "must be between 10 and 128 characters long"}],
    "request_id": "01936f8e-8a3c-7b2e-9c1d-2f4a5b6c7d8e"
}))]
pub struct Problem {
    /// `urn:marketplace:problem:{code}`.
    #[serde(rename = "type")]
    #[schema(example = "urn:marketplace:problem:validation_failed")]
    pub type_uri: String,
    #[schema(example = "Validation failed")]
    pub title: Cow<'static, str>,
    #[schema(example = 422)]
    pub status: u16,
    #[schema(example = "One or more fields are invalid.")]
    pub detail: String,
    /// Stable machine-readable error code.
    #[schema(example = "validation_failed")]
    pub code: Cow<'static, str>,
    /// The invalid fields, for validation problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// The `X-Request-Id` of the request; quote it when reporting a problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(skip)]
    retry_after_seconds: Option<u64>,
    #[serde(skip)]
    allow: Option<String>,
}

impl Problem {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            type_uri: format!("urn:marketplace:problem:{code}"),
            title: Cow::Borrowed(title),
            status: status.as_u16(),
            detail: detail.into(),
            code: Cow::Borrowed(code),
            errors: Vec::new(),
            request_id: None,
            retry_after_seconds: None,
            allow: None,
        }
    }

    /// 422 with one entry per invalid field.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let mut problem = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "Validation failed",
            "One or more fields are invalid.",
        );
        problem.errors = errors;
        problem
    }

    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, "Bad request", detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "Not found", detail)
    }

    pub fn unauthorized(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, "Unauthorized", detail)
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", "Forbidden", detail)
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, "Conflict", detail)
    }

    pub fn too_many_requests(retry_after_seconds: u64) -> Self {
        let mut problem = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "Too many requests",
            format!("Too many attempts; try again in {retry_after_seconds} seconds."),
        );
        problem.retry_after_seconds = Some(retry_after_seconds);
        problem
    }

    pub fn method_not_allowed(allow: String) -> Self {
        let mut problem = Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "Method not allowed",
            format!("This resource supports {allow}."),
        );
        problem.allow = Some(allow);
        problem
    }

    /// A server-side failure. The body says nothing about the cause; log it before calling.
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "Internal server error",
            "An unexpected error occurred. Quote the request_id when reporting it.",
        )
    }

    /// The generic problem for a status that no handler described (e.g. raised by the framework).
    pub fn for_status(status: StatusCode) -> Self {
        match status.as_u16() {
            400 => Self::bad_request("bad_request", "The request could not be understood."),
            401 => Self::unauthorized("unauthenticated", "Authentication is required."),
            403 => Self::forbidden("You may not do this."),
            404 => Self::not_found("No resource at this path."),
            405 => Self::new(
                status,
                "method_not_allowed",
                "Method not allowed",
                "This resource does not support the method.",
            ),
            408 => Self::new(
                status,
                "request_timeout",
                "Request timeout",
                "The request took too long to arrive.",
            ),
            413 => Self::payload_too_large(None),
            415 => Self::unsupported_media_type(),
            429 => Self::new(
                status,
                "rate_limited",
                "Too many requests",
                "Too many requests; slow down.",
            ),
            503 => Self::new(
                status,
                "unavailable",
                "Service unavailable",
                "The service is temporarily unavailable.",
            ),
            s if s >= 500 => Self {
                status: s,
                ..Self::internal()
            },
            _ => Self::new(
                status,
                "request_failed",
                "Request failed",
                "The request failed.",
            ),
        }
    }

    pub fn payload_too_large(limit_bytes: Option<usize>) -> Self {
        let detail = match limit_bytes {
            Some(limit) => format!("The request body exceeds the limit of {limit} bytes."),
            None => "The request body is too large.".to_owned(),
        };
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "Payload too large",
            detail,
        )
    }

    pub fn unsupported_media_type() -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Unsupported media type",
            "Send the request body as JSON with `Content-Type: application/json`.",
        )
    }

    /// Names the one field the problem is about, in `errors[]`.
    pub fn with_field(mut self, field: &str, message: &str) -> Self {
        self.errors = vec![FieldError::new(field, message)];
        self
    }

    pub fn with_request_id(mut self, request_id: impl Into<String>) -> Self {
        self.request_id = Some(request_id.into());
        self
    }

    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The full response: body, content type and the headers the status calls for.
    pub fn to_response(&self) -> HttpResponse {
        let status = self.status_code();
        let mut builder = HttpResponse::build(status);
        builder.content_type(PROBLEM_CONTENT_TYPE);
        if status == StatusCode::UNAUTHORIZED {
            builder.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        if let Some(seconds) = self.retry_after_seconds {
            builder.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        if let Some(allow) = &self.allow {
            builder.insert_header((header::ALLOW, allow.as_str()));
        }
        match serde_json::to_vec(self) {
            Ok(body) => builder.body(body),
            // Serialising plain strings and numbers cannot fail; keep a body anyway.
            Err(_) => builder.body(r#"{"title":"Internal server error","status":500}"#),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.status, self.code, self.detail)
    }
}

impl std::error::Error for Problem {}

impl ResponseError for Problem {
    fn status_code(&self) -> StatusCode {
        Problem::status_code(self)
    }

    fn error_response(&self) -> HttpResponse {
        self.to_response()
    }
}

/// Database failures are internal: log the cause, tell the client nothing about it.
impl From<sqlx::Error> for Problem {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(error = %error, "database error");
        Problem::internal()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::to_bytes;

    async fn body_json(problem: &Problem) -> serde_json::Value {
        let response = problem.to_response();
        serde_json::from_slice(&to_bytes(response.into_body()).await.unwrap()).unwrap()
    }

    #[actix_web::test]
    async fn validation_problem_lists_fields() {
        let problem = Problem::validation(vec![FieldError::new("email", "is not valid")]);
        let response = problem.to_response();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            response.headers().get(header::CONTENT_TYPE).unwrap(),
            PROBLEM_CONTENT_TYPE
        );
        let body = body_json(&problem).await;
        assert_eq!(body["type"], "urn:marketplace:problem:validation_failed");
        assert_eq!(body["code"], "validation_failed");
        assert_eq!(body["status"], 422);
        assert_eq!(body["errors"][0]["field"], "email");
        assert!(body.get("request_id").is_none());
    }

    #[actix_web::test]
    async fn rate_limit_and_method_problems_carry_their_headers() {
        let response = Problem::too_many_requests(12).to_response();
        assert_eq!(response.headers().get(header::RETRY_AFTER).unwrap(), "12");
        let response = Problem::method_not_allowed("GET, PATCH".into()).to_response();
        assert_eq!(response.headers().get(header::ALLOW).unwrap(), "GET, PATCH");
        let response = Problem::unauthorized("invalid_token", "x").to_response();
        assert_eq!(
            response.headers().get(header::WWW_AUTHENTICATE).unwrap(),
            "Bearer"
        );
    }

    #[actix_web::test]
    async fn internal_problems_never_carry_causes() {
        let problem: Problem = sqlx::Error::Protocol("secret table xyz broke".into()).into();
        let body = body_json(&problem).await;
        assert_eq!(body["status"], 500);
        assert_eq!(body["code"], "internal_error");
        assert!(!body.to_string().contains("xyz"));
    }

    #[test]
    fn every_framework_status_maps_to_its_own_status() {
        for status in [
            400, 401, 403, 404, 405, 408, 413, 415, 429, 500, 502, 503, 418,
        ] {
            let status = StatusCode::from_u16(status).unwrap();
            assert_eq!(Problem::for_status(status).status, status.as_u16());
        }
    }
}
