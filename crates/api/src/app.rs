//! Composes the application: every domain's routes under `/v1`, the operational
//! endpoints, the OpenAPI document and UI, and the middleware around all of it.
//!
//! Adding a domain is one `configure` line in [`v1`] (its handlers' `#[utoipa::path]`s
//! join the document by themselves) and its tag in [`crate::openapi::ApiDoc`].

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{web, App, HttpResponse};
use utoipa::OpenApi;
use utoipa_actix_web::{scope, service_config::ServiceConfig, AppExt, UtoipaApp};
use utoipa_swagger_ui::SwaggerUi;

use crate::openapi::ApiDoc;
use crate::{middleware, ops};

/// Every route of API version 1.
fn v1(cfg: &mut ServiceConfig) {
    account::http::configure(cfg);
    vendor::http::configure(cfg);
    catalog::http::configure(cfg);
    support::http::configure(cfg);
}

fn routes() -> UtoipaApp<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(ops::configure)
        .service(scope("/v1").configure(v1))
}

/// The OpenAPI document of every route; needs no database or configuration.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().split_for_parts().1
}

/// The full application, as each HTTP worker runs it. `register` adds the app data.
pub fn build(
    spec: utoipa::openapi::OpenApi,
    route_table: web::Data<ops::RouteTable>,
    metrics: actix_web_prom::PrometheusMetrics,
    register: impl FnOnce(&mut web::ServiceConfig),
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let (app, _) = routes().split_for_parts();
    app.configure(register)
        .app_data(route_table)
        .service(web::resource("/docs").to(|| async {
            HttpResponse::PermanentRedirect()
                .insert_header(("Location", "/docs/"))
                .finish()
        }))
        .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", spec))
        .default_service(web::to(ops::no_route))
        .wrap(metrics)
        .wrap(actix_web::middleware::from_fn(middleware::request_context))
}
