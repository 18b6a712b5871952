//! Operational endpoints (`/healthz`, `/readyz`, `/metrics`) and the answer for requests
//! that match no route.

use actix_web::http::Method;
use actix_web::{get, web, HttpRequest, HttpResponse};
use kernel::openapi::InternalError;
use kernel::Problem;
use prometheus::{Encoder, Registry, TextEncoder};
use serde::Serialize;
use sqlx::PgPool;
use std::time::Duration;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the operational endpoints (at the root, outside `/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(healthz).service(readyz).service(metrics);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// Liveness
///
/// The process is up and serving HTTP. Does not touch the database.
#[utoipa::path(
    operation_id = "healthz",
    tag = "operations",
    security(()),
    responses((status = 200, description = "Alive.", body = Health))
)]
#[get("/healthz")]
async fn healthz() -> web::Json<Health> {
    web::Json(Health { status: "ok" })
}

/// Readiness
///
/// Ready to serve: the database answers within two seconds. Otherwise 503, so a load
/// balancer takes the instance out of rotation.
#[utoipa::path(
    operation_id = "readyz",
    tag = "operations",
    security(()),
    responses(
        (status = 200, description = "Ready.", body = Health),
        (status = 503, description = "The database is unreachable (`unavailable`).",
         body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
async fn readyz(pool: web::Data<PgPool>) -> Result<web::Json<Health>, Problem> {
    let ping = sqlx::query("SELECT 1").execute(pool.get_ref());
    match tokio::time::timeout(Duration::from_secs(2), ping).await {
        Ok(Ok(_)) => Ok(web::Json(Health { status: "ok" })),
        outcome => {
            tracing::warn!(?outcome, "readiness check failed");
            Err(Problem::for_status(
                actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
            ))
        }
    }
}

/// Metrics
///
/// Prometheus text format: requests by route template, method and status, a latency
/// histogram, and the state of the database pool.
#[utoipa::path(
    operation_id = "metrics",
    tag = "operations",
    security(()),
    responses(
        (status = 200, description = "Prometheus exposition format.", body = String,
         content_type = "text/plain; version=0.0.4"),
        (status = 500, response = InternalError),
    )
)]
#[get("/metrics")]
async fn metrics(registry: web::Data<Registry>) -> Result<HttpResponse, Problem> {
    let encoder = TextEncoder::new();
    let mut body = Vec::new();
    encoder
        .encode(&registry.gather(), &mut body)
        .map_err(|error| {
            tracing::error!(%error, "cannot encode metrics");
            Problem::internal()
        })?;
    Ok(HttpResponse::Ok()
        .content_type(encoder.format_type())
        .body(body))
}

/// The documented routes as method sets per path template, to tell a wrong method (405)
/// from an unknown path (404).
#[derive(Debug, Default)]
pub struct RouteTable {
    routes: Vec<(Vec<String>, Vec<Method>)>,
}

impl RouteTable {
    pub fn from_openapi(spec: &utoipa::openapi::OpenApi) -> Self {
        let routes = spec
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let segments = template.split('/').map(str::to_owned).collect();
                let methods = [
                    (item.get.is_some(), Method::GET),
                    (item.put.is_some(), Method::PUT),
                    (item.post.is_some(), Method::POST),
                    (item.delete.is_some(), Method::DELETE),
                    (item.patch.is_some(), Method::PATCH),
                ]
                .into_iter()
                .filter_map(|(present, method)| present.then_some(method))
                .collect();
                (segments, methods)
            })
            .collect();
        Self { routes }
    }

    /// The methods the path supports, if it is a known path.
    pub fn allowed_methods(&self, path: &str) -> Option<&[Method]> {
        let segments: Vec<&str> = path.split('/').collect();
        self.routes
            .iter()
            .find(|(template, _)| {
                template.len() == segments.len()
                    && template.iter().zip(&segments).all(|(t, s)| {
                        t == s || (t.starts_with('{') && t.ends_with('}') && !s.is_empty())
                    })
            })
            .map(|(_, methods)| methods.as_slice())
    }
}

/// Requests that match no route: 405 with `Allow` for a known path, else 404.
pub async fn no_route(
    req: HttpRequest,
    routes: web::Data<RouteTable>,
) -> Result<HttpResponse, Problem> {
    match routes.allowed_methods(req.path()) {
        Some(methods) if !methods.contains(req.method()) => {
            let allow = methods
                .iter()
                .map(Method::as_str)
                .collect::<Vec<_>>()
                .join(", ");
            Err(Problem::method_not_allowed(allow))
        }
        _ => Err(Problem::not_found(format!(
            "There is no resource at {}.",
            req.path()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::openapi::path::{HttpMethod, OperationBuilder, PathItem, PathsBuilder};
    use utoipa::openapi::OpenApiBuilder;

    #[test]
    fn route_table_tells_wrong_methods_from_unknown_paths() {
        let spec = OpenApiBuilder::new()
            .paths(
                PathsBuilder::new()
                    .path(
                        "/v1/me",
                        PathItem::new(HttpMethod::Get, OperationBuilder::new()),
                    )
                    .path(
                        "/v1/vendors/{id}",
                        PathItem::new(HttpMethod::Patch, OperationBuilder::new()),
                    ),
            )
            .build();
        let table = RouteTable::from_openapi(&spec);
        assert_eq!(table.allowed_methods("/v1/me"), Some(&[Method::GET][..]));
        assert_eq!(
            table.allowed_methods("/v1/vendors/42"),
            Some(&[Method::PATCH][..])
        );
        assert_eq!(table.allowed_methods("/v1/vendors/"), None);
        assert_eq!(table.allowed_methods("/v1/nope"), None);
    }
}
