//! Who is calling: principals, bearer-token authentication and the extractors handlers use.
//!
//! Handlers ask for [`Authenticated`], [`Customer`], [`Operator`] or [`MaybeAuthenticated`];
//! how a bearer token becomes a [`Principal`] is the [`Authenticator`] registered as app data,
//! so new kinds of credential (vendor API keys) slot in without touching handlers.

use crate::clock::SharedClock;
use crate::id::{AccountId, ApiKeyId, VendorId};
use crate::problem::Problem;
use actix_web::{dev::Payload, http::header, web, FromRequest, HttpRequest};
use chrono::Duration;
use futures_util::future::{ready, LocalBoxFuture};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::ToSchema;
use uuid::Uuid;

/// The role of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Customer,
    Operator,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Operator => "operator",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "customer" => Some(Role::Customer),
            "operator" => Some(Role::Operator),
            _ => None,
        }
    }
}

/// A signed-in person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountPrincipal {
    pub id: AccountId,
    pub role: Role,
}

/// A member's role in one vendor: `owner` may do everything, `manager` runs catalog, stock,
/// orders, questions and locations, `staff` handles orders and questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VendorRole {
    Staff,
    Manager,
    Owner,
}

impl VendorRole {
    pub fn as_str(self) -> &'static str {
        match self {
            VendorRole::Owner => "owner",
            VendorRole::Manager => "manager",
            VendorRole::Staff => "staff",
        }
    }

    pub fn parse(text: &str) -> Option<VendorRole> {
        match text {
            "owner" => Some(VendorRole::Owner),
            "manager" => Some(VendorRole::Manager),
            "staff" => Some(VendorRole::Staff),
            _ => None,
        }
    }
}

/// What an API key may do. A key holds exactly the scopes it was created with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum ApiScope {
    #[serde(rename = "catalog:read")]
    CatalogRead,
    #[serde(rename = "catalog:write")]
    CatalogWrite,
    #[serde(rename = "stock:write")]
    StockWrite,
    #[serde(rename = "locations:read")]
    LocationsRead,
    #[serde(rename = "locations:write")]
    LocationsWrite,
    #[serde(rename = "orders:read")]
    OrdersRead,
    #[serde(rename = "orders:write")]
    OrdersWrite,
    #[serde(rename = "questions:read")]
    QuestionsRead,
    #[serde(rename = "questions:write")]
    QuestionsWrite,
}

impl ApiScope {
    pub const ALL: [ApiScope; 9] = [
        ApiScope::CatalogRead,
        ApiScope::CatalogWrite,
        ApiScope::StockWrite,
        ApiScope::LocationsRead,
        ApiScope::LocationsWrite,
        ApiScope::OrdersRead,
        ApiScope::OrdersWrite,
        ApiScope::QuestionsRead,
        ApiScope::QuestionsWrite,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ApiScope::CatalogRead => "catalog:read",
            ApiScope::CatalogWrite => "catalog:write",
            ApiScope::StockWrite => "stock:write",
            ApiScope::LocationsRead => "locations:read",
            ApiScope::LocationsWrite => "locations:write",
            ApiScope::OrdersRead => "orders:read",
            ApiScope::OrdersWrite => "orders:write",
            ApiScope::QuestionsRead => "questions:read",
            ApiScope::QuestionsWrite => "questions:write",
        }
    }

    pub fn parse(text: &str) -> Option<ApiScope> {
        Self::ALL.into_iter().find(|scope| scope.as_str() == text)
    }
}

/// A vendor the account belongs to, and in which role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VendorMembership {
    pub vendor_id: VendorId,
    pub role: VendorRole,
}

/// An integrator's API key: it acts for one vendor with exactly its scopes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyPrincipal {
    pub key_id: ApiKeyId,
    pub vendor_id: VendorId,
    pub scopes: Vec<ApiScope>,
}

/// Whoever a request authenticated as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// A person, with the vendors they are a member of (read fresh on every request, so a
    /// removed member loses access at once).
    Account {
        account: AccountPrincipal,
        memberships: Vec<VendorMembership>,
    },
    ApiKey(ApiKeyPrincipal),
}

impl Principal {
    /// A person without vendor memberships.
    pub fn person(account: AccountPrincipal) -> Principal {
        Principal::Account {
            account,
            memberships: Vec::new(),
        }
    }

    /// The person behind the request; API keys are refused.
    pub fn account(&self) -> Result<AccountPrincipal, Problem> {
        match self {
            Principal::Account { account, .. } => Ok(*account),
            Principal::ApiKey(_) => Err(Problem::new(
                actix_web::http::StatusCode::FORBIDDEN,
                "account_required",
                "Sign in as a person",
                "API keys cannot do this; use a signed-in account's access token.",
            )),
        }
    }
}

/// Turns a bearer token into a principal. Registered as `web::Data<dyn Authenticator>`.
pub trait Authenticator: Send + Sync + 'static {
    fn authenticate<'a>(&'a self, token: &'a str)
        -> LocalBoxFuture<'a, Result<Principal, Problem>>;
}

/// An access token as handed to a client.
#[derive(Debug, Clone)]
pub struct AccessToken {
    pub token: String,
    pub expires_in_seconds: i64,
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    iss: String,
    aud: String,
    sub: Uuid,
    exp: i64,
    iat: i64,
    jti: Uuid,
    role: Role,
}

/// Issues and verifies the short-lived JWT access tokens (HS256 only, issuer and audience
/// pinned; expiry checked against the injectable clock).
pub struct JwtCodec {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl: Duration,
    clock: SharedClock,
}

impl JwtCodec {
    pub fn new(
        secret: &[u8],
        issuer: &str,
        audience: &str,
        ttl: Duration,
        clock: SharedClock,
    ) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iat", "sub", "iss", "aud"]);
        // Expiry is checked against our clock below, so tests can move time.
        validation.validate_exp = false;
        validation.leeway = 0;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            ttl,
            clock,
        }
    }

    pub fn issue(&self, account: AccountPrincipal) -> Result<AccessToken, Problem> {
        let now = self.clock.now();
        let claims = Claims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: account.id.0,
            iat: now.timestamp(),
            exp: (now + self.ttl).timestamp(),
            jti: Uuid::now_v7(),
            role: account.role,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|error| {
            tracing::error!(%error, "cannot sign an access token");
            Problem::internal()
        })?;
        Ok(AccessToken {
            token,
            expires_in_seconds: self.ttl.num_seconds(),
        })
    }

    pub fn verify(&self, token: &str) -> Result<AccountPrincipal, Problem> {
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|_| Problem::unauthorized("invalid_token", "The access token is not valid."))?
            .claims;
        let now = self.clock.now().timestamp();
        if now >= claims.exp {
            return Err(Problem::unauthorized(
                "token_expired",
                "The access token has expired; refresh it.",
            ));
        }
        // A token from the future was not issued by this clock.
        if claims.iat > now + 60 {
            return Err(Problem::unauthorized(
                "invalid_token",
                "The access token is not valid.",
            ));
        }
        Ok(AccountPrincipal {
            id: AccountId(claims.sub),
            role: claims.role,
        })
    }
}

impl Authenticator for JwtCodec {
    fn authenticate<'a>(
        &'a self,
        token: &'a str,
    ) -> LocalBoxFuture<'a, Result<Principal, Problem>> {
        Box::pin(ready(self.verify(token).map(Principal::person)))
    }
}

/// The bearer token of a request: `None` without an `Authorization` header.
pub fn bearer_token(req: &HttpRequest) -> Result<Option<String>, Problem> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let malformed = || {
        Problem::unauthorized(
            "invalid_token",
            "Send the token as `Authorization: Bearer <token>`.",
        )
    };
    let value = value.to_str().map_err(|_| malformed())?;
    let (scheme, token) = value.split_once(' ').ok_or_else(malformed)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(malformed());
    }
    Ok(Some(token.to_owned()))
}

async fn authenticate(
    authenticator: Option<Arc<dyn Authenticator>>,
    token: Option<String>,
) -> Result<Option<Principal>, Problem> {
    let Some(token) = token else {
        return Ok(None);
    };
    let Some(authenticator) = authenticator else {
        tracing::error!("no Authenticator registered as app data");
        return Err(Problem::internal());
    };
    authenticator.authenticate(&token).await.map(Some)
}

fn principal_future(
    req: &HttpRequest,
) -> LocalBoxFuture<'static, Result<Option<Principal>, Problem>> {
    let authenticator = req
        .app_data::<web::Data<dyn Authenticator>>()
        .map(|data| data.clone().into_inner());
    let token = bearer_token(req);
    Box::pin(async move { authenticate(authenticator, token?).await })
}

fn unauthenticated() -> Problem {
    Problem::unauthorized(
        "unauthenticated",
        "This endpoint needs `Authorization: Bearer <access token>`.",
    )
}

/// Any authenticated principal; 401 without valid credentials.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Principal);

impl FromRequest for Authenticated {
    type Error = Problem;
    type Future = LocalBoxFuture<'static, Result<Self, Problem>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let principal = principal_future(req);
        Box::pin(async move {
            principal
                .await?
                .map(Authenticated)
                .ok_or_else(unauthenticated)
        })
    }
}

/// The principal if credentials were sent. Credentials that were sent but are invalid are
/// still a 401: a client should learn that its token is bad rather than be served anonymously.
#[derive(Debug, Clone)]
pub struct MaybeAuthenticated(pub Option<Principal>);

impl FromRequest for MaybeAuthenticated {
    type Error = Problem;
    type Future = LocalBoxFuture<'static, Result<Self, Problem>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let principal = principal_future(req);
        Box::pin(async move { principal.await.map(MaybeAuthenticated) })
    }
}

/// Declares an extractor for accounts of one role: 401 without credentials, 403 for others.
macro_rules! role_extractor {
    ($(#[$meta:meta])* $name:ident, $role:expr, $refusal:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name(pub AccountPrincipal);

        impl FromRequest for $name {
            type Error = Problem;
            type Future = LocalBoxFuture<'static, Result<Self, Problem>>;

            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                let principal = principal_future(req);
                Box::pin(async move {
                    let account = principal.await?.ok_or_else(unauthenticated)?.account()?;
                    if account.role != $role {
                        return Err(Problem::forbidden($refusal));
                    }
                    Ok($name(account))
                })
            }
        }
    };
}

role_extractor!(
    /// A signed-in customer.
    Customer,
    Role::Customer,
    "Only customer accounts may do this."
);
role_extractor!(
    /// A signed-in marketplace operator.
    Operator,
    Role::Operator,
    "Only marketplace operators may do this."
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use chrono::{TimeZone, Utc};

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn setup() -> (Arc<ManualClock>, JwtCodec) {
        let clock = Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap(),
        ));
        let codec = JwtCodec::new(SECRET, "iss", "aud", Duration::minutes(15), clock.clone());
        (clock, codec)
    }

    fn alice() -> AccountPrincipal {
        AccountPrincipal {
            id: AccountId::new(),
            role: Role::Customer,
        }
    }

    #[test]
    fn issued_tokens_verify_until_they_expire() {
        let (clock, codec) = setup();
        let token = codec.issue(alice()).unwrap();
        assert_eq!(token.expires_in_seconds, 900);
        assert_eq!(codec.verify(&token.token).unwrap().role, Role::Customer);
        clock.advance(Duration::minutes(15));
        assert_eq!(
            codec.verify(&token.token).unwrap_err().code,
            "token_expired"
        );
    }

    async fn status_of(
        codec: Arc<JwtCodec>,
        path: &str,
        token: Option<&str>,
    ) -> actix_web::http::StatusCode {
        use actix_web::{test, App, HttpResponse};
        let authenticator: web::Data<dyn Authenticator> =
            web::Data::from(codec as Arc<dyn Authenticator>);
        let app = test::init_service(
            App::new()
                .app_data(authenticator)
                .route(
                    "/any",
                    web::get().to(|_: Authenticated| async { HttpResponse::Ok().finish() }),
                )
                .route(
                    "/customer",
                    web::get().to(|_: Customer| async { HttpResponse::Ok().finish() }),
                )
                .route(
                    "/operator",
                    web::get().to(|_: Operator| async { HttpResponse::Ok().finish() }),
                )
                .route(
                    "/maybe",
                    web::get().to(|p: MaybeAuthenticated| async move {
                        if p.0.is_some() {
                            HttpResponse::Ok().finish()
                        } else {
                            HttpResponse::NoContent().finish()
                        }
                    }),
                ),
        )
        .await;
        let mut request = test::TestRequest::get().uri(path);
        if let Some(token) = token {
            request = request.insert_header((header::AUTHORIZATION, format!("Bearer {token}")));
        }
        test::call_service(&app, request.to_request())
            .await
            .status()
    }

    #[actix_web::test]
    async fn extractors_admit_the_right_principals() {
        let (_, codec) = setup();
        let codec = Arc::new(codec);
        let customer = codec.issue(alice()).unwrap().token;
        let operator = codec
            .issue(AccountPrincipal {
                id: AccountId::new(),
                role: Role::Operator,
            })
            .unwrap()
            .token;
        let cases = [
            ("/any", None, 401),
            ("/any", Some(customer.as_str()), 200),
            ("/customer", Some(customer.as_str()), 200),
            ("/customer", Some(operator.as_str()), 403),
            ("/operator", Some(operator.as_str()), 200),
            ("/operator", Some(customer.as_str()), 403),
            ("/operator", None, 401),
            ("/maybe", None, 204),
            ("/maybe", Some(customer.as_str()), 200),
            // A bad token is refused, not treated as anonymous.
            ("/maybe", Some("garbage"), 401),
        ];
        for (path, token, expected) in cases {
            let status = status_of(codec.clone(), path, token).await;
            assert_eq!(status.as_u16(), expected, "{path} with {token:?}");
        }
    }

    #[test]
    fn tokens_of_another_issuer_audience_or_key_are_refused() {
        let (clock, codec) = setup();
        let other_audience =
            JwtCodec::new(SECRET, "iss", "other", Duration::minutes(15), clock.clone());
        let other_key = JwtCodec::new(&[7; 32], "iss", "aud", Duration::minutes(15), clock);
        for token in [other_audience.issue(alice()), other_key.issue(alice())] {
            assert_eq!(
                codec.verify(&token.unwrap().token).unwrap_err().code,
                "invalid_token"
            );
        }
        assert_eq!(codec.verify("not.a.jwt").unwrap_err().status, 401);
    }
}
