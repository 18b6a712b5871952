//! The marketplace's bearer-token authentication: API keys (`mpk_...`) authenticate as their
//! vendor with their scopes; everything else must be a JWT access token, whose account gets
//! its vendor memberships attached, read fresh on every request.

use futures_util::future::LocalBoxFuture;
use kernel::auth::{Authenticator, JwtCodec, Principal};
use kernel::{Problem, SharedClock};
use sqlx::PgPool;
use std::sync::Arc;

use crate::service::{api_key_principal, memberships, API_KEY_PREFIX};

pub struct MarketplaceAuthenticator {
    jwt: Arc<JwtCodec>,
    pool: PgPool,
    clock: SharedClock,
}

impl MarketplaceAuthenticator {
    pub fn new(jwt: Arc<JwtCodec>, pool: PgPool, clock: SharedClock) -> Self {
        Self { jwt, pool, clock }
    }

    async fn principal(&self, token: &str) -> Result<Principal, Problem> {
        let mut conn = self.pool.acquire().await?;
        if token.starts_with(API_KEY_PREFIX) {
            return api_key_principal(&mut conn, token, self.clock.now())
                .await?
                .map(Principal::ApiKey)
                .ok_or_else(|| {
                    Problem::unauthorized("invalid_token", "The API key is unknown or revoked.")
                });
        }
        let account = self.jwt.verify(token)?;
        Ok(Principal::Account {
            account,
            memberships: memberships(&mut conn, account.id).await?,
        })
    }
}

impl Authenticator for MarketplaceAuthenticator {
    fn authenticate<'a>(
        &'a self,
        token: &'a str,
    ) -> LocalBoxFuture<'a, Result<Principal, Problem>> {
        Box::pin(self.principal(token))
    }
}
