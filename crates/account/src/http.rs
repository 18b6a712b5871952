//! HTTP handlers of the account API: `/v1/auth/*` and `/v1/me`.

use actix_web::{get, patch, post, web, HttpResponse};
use kernel::auth::Authenticated;
use kernel::json::Json;
use kernel::openapi::{
    BadRequest, Conflict, InternalError, PayloadTooLarge, TooManyRequests, Unauthorized,
    UnsupportedMediaType, ValidationFailed,
};
use kernel::rate_limit::CredentialAttempt;
use kernel::Problem;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::model::{
    Account, ChangePasswordRequest, LoginRequest, RefreshRequest, RegisterRequest, TokenResponse,
    UpdateAccountRequest,
};
use crate::service::AccountService;

/// Registers the account routes (relative to `/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(register)
        .service(login)
        .service(refresh)
        .service(logout)
        .service(get_me)
        .service(update_me)
        .service(change_password);
}

/// Register a customer account
///
/// Creates a customer account. The e-mail address is normalised (trimmed, domain
/// lower-cased) and must not be registered yet, in any letter case. Rate limited per client.
#[utoipa::path(
    operation_id = "register",
    tag = "auth",
    security(()),
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "The account was created.", body = Account),
        (status = 400, response = BadRequest),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
    )
)]
#[post("/auth/register")]
async fn register(
    _: CredentialAttempt,
    service: web::Data<AccountService>,
    Json(request): Json<RegisterRequest>,
) -> Result<HttpResponse, Problem> {
    let account = service.register(request).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", "/v1/me"))
        .json(account))
}

/// Log in
///
/// Exchanges e-mail and password for a 15-minute access token and a single-use refresh
/// token. A wrong password and an unknown e-mail get the same `401 invalid_credentials`.
/// Rate limited per client.
#[utoipa::path(
    operation_id = "login",
    tag = "auth",
    security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in.", body = TokenResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
    )
)]
#[post("/auth/login")]
async fn login(
    _: CredentialAttempt,
    service: web::Data<AccountService>,
    Json(request): Json<LoginRequest>,
) -> Result<web::Json<TokenResponse>, Problem> {
    Ok(web::Json(service.login(request).await?))
}

/// Refresh the tokens
///
/// Exchanges a refresh token for a new access token and a new refresh token; the presented
/// one stops working. Presenting a refresh token that was already exchanged revokes the whole
/// session (`401 refresh_token_reused`): one of its holders stole it.
#[utoipa::path(
    operation_id = "refresh_tokens",
    tag = "auth",
    security(()),
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens.", body = TokenResponse),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[post("/auth/refresh")]
async fn refresh(
    service: web::Data<AccountService>,
    Json(request): Json<RefreshRequest>,
) -> Result<web::Json<TokenResponse>, Problem> {
    Ok(web::Json(service.refresh(&request.refresh_token).await?))
}

/// Log out
///
/// Revokes the session of the refresh token (the token and every token rotated from the
/// same login). Always `204`, whether or not the token was known. Access tokens already
/// issued stay valid until they expire (at most 15 minutes).
#[utoipa::path(
    operation_id = "logout",
    tag = "auth",
    security(()),
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "The session is over."),
        (status = 400, response = BadRequest),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[post("/auth/logout")]
async fn logout(
    service: web::Data<AccountService>,
    Json(request): Json<RefreshRequest>,
) -> Result<HttpResponse, Problem> {
    service.logout(&request.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Get my account
#[utoipa::path(
    operation_id = "get_me",
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in account.", body = Account),
        (status = 401, response = Unauthorized),
        (status = 500, response = InternalError),
    )
)]
#[get("/me")]
async fn get_me(
    principal: Authenticated,
    service: web::Data<AccountService>,
) -> Result<web::Json<Account>, Problem> {
    let account = principal.0.account()?;
    Ok(web::Json(service.account(account.id).await?))
}

/// Update my account
///
/// Changes the display name and/or the language of the e-mails the account receives.
#[utoipa::path(
    operation_id = "update_me",
    tag = "me",
    security(("bearer" = [])),
    request_body = UpdateAccountRequest,
    responses(
        (status = 200, description = "The updated account.", body = Account),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
        (status = 500, response = InternalError),
    )
)]
#[patch("/me")]
async fn update_me(
    principal: Authenticated,
    service: web::Data<AccountService>,
    Json(request): Json<UpdateAccountRequest>,
) -> Result<web::Json<Account>, Problem> {
    let account = principal.0.account()?;
    Ok(web::Json(
        service.update_account(account.id, request).await?,
    ))
}

/// Change my password
///
/// Needs the current password (a wrong one is `403 wrong_current_password`). Signs out every session of the account: all refresh tokens
/// are revoked. Rate limited per client.
#[utoipa::path(
    operation_id = "change_password",
    tag = "me",
    security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "The password was changed; log in again on other devices."),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, description = "The current password is wrong (`wrong_current_password`).",
         body = Problem, content_type = "application/problem+json"),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = ValidationFailed),
        (status = 429, response = TooManyRequests),
        (status = 500, response = InternalError),
    )
)]
#[post("/me/password")]
async fn change_password(
    _: CredentialAttempt,
    principal: Authenticated,
    service: web::Data<AccountService>,
    Json(request): Json<ChangePasswordRequest>,
) -> Result<HttpResponse, Problem> {
    let account = principal.0.account()?;
    service.change_password(account.id, request).await?;
    Ok(HttpResponse::NoContent().finish())
}
