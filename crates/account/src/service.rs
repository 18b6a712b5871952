//! The account rules: registration, login, token rotation with theft detection, profile.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::Duration;
use kernel::auth::{AccountPrincipal, JwtCodec, Role};
use kernel::id::AccountId;
use kernel::validation::FieldErrors;
use kernel::{db, SharedClock};
use rand::{rngs::OsRng, RngCore};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use std::sync::Arc;
use uuid::Uuid;

use crate::error::AccountError;
use crate::model::{
    Account, ChangePasswordRequest, DisplayName, Email, LoginRequest, NewPassword, RegisterRequest,
    TokenResponse, UpdateAccountRequest,
};
use crate::{password, repo};

const REFRESH_TOKEN_PREFIX: &str = "mrt_";

/// Lifetimes of the tokens a login hands out.
#[derive(Debug, Clone, Copy)]
pub struct TokenSettings {
    pub refresh_ttl: Duration,
}

#[derive(Clone)]
pub struct AccountService {
    pool: PgPool,
    clock: SharedClock,
    jwt: Arc<JwtCodec>,
    tokens: TokenSettings,
}

impl AccountService {
    pub fn new(
        pool: PgPool,
        clock: SharedClock,
        jwt: Arc<JwtCodec>,
        tokens: TokenSettings,
    ) -> Self {
        Self {
            pool,
            clock,
            jwt,
            tokens,
        }
    }

    pub async fn register(&self, request: RegisterRequest) -> Result<Account, AccountError> {
        self.create_account(request, Role::Customer).await
    }

    /// Creates an account of any role; operators are only created from the command line.
    pub async fn create_account(
        &self,
        request: RegisterRequest,
        role: Role,
    ) -> Result<Account, AccountError> {
        let mut errors = FieldErrors::new();
        let email = errors.check("email", Email::parse(&request.email));
        let password = errors.check(
            "password",
            NewPassword::parse(&request.password, &request.email),
        );
        let display_name = errors.check("display_name", DisplayName::parse(&request.display_name));
        let ((email, password), display_name) =
            errors.finish_with(email.zip(password).zip(display_name))?;

        let password_hash = password::hash(password.as_str().to_owned()).await?;
        let mut conn = self.pool.acquire().await?;
        let inserted = repo::insert_account(
            &mut conn,
            repo::NewAccount {
                id: AccountId::new(),
                email: email.as_str(),
                password_hash: &password_hash,
                display_name: display_name.as_str(),
                role,
                language: request.language.unwrap_or_default(),
                now: self.clock.now(),
            },
        )
        .await;
        match inserted {
            Err(error) if db::unique_violation(&error) == Some("accounts_email_key") => {
                Err(AccountError::EmailTaken)
            }
            other => Ok(other?),
        }
    }

    pub async fn login(&self, request: LoginRequest) -> Result<TokenResponse, AccountError> {
        // An address that cannot be valid cannot match; still spend the time of a check.
        let normalised = Email::parse(&request.email).ok();
        let credentials = match &normalised {
            Some(email) => {
                let mut conn = self.pool.acquire().await?;
                repo::credentials_by_email(&mut conn, email.as_str()).await?
            }
            None => None,
        };
        let stored_hash = credentials.as_ref().map(|c| c.password_hash.clone());
        let password_matches = password::verify(request.password, stored_hash).await?;
        match credentials {
            Some(credentials) if password_matches => {
                let account = AccountPrincipal {
                    id: credentials.id,
                    role: credentials.role,
                };
                let mut conn = self.pool.acquire().await?;
                self.start_session(&mut conn, account, Uuid::now_v7()).await
            }
            _ => Err(AccountError::InvalidCredentials),
        }
    }

    /// Exchanges a refresh token for new tokens. A token is good for one exchange; presenting
    /// it again revokes its whole family, because one of the two presenters stole it.
    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenResponse, AccountError> {
        let token_hash = hash_refresh_token(refresh_token);
        let now = self.clock.now();
        let mut tx = self.pool.begin().await?;
        if let Some(rotated) = repo::rotate_refresh_token(&mut tx, &token_hash, now).await? {
            let account = AccountPrincipal {
                id: rotated.account_id,
                role: rotated.role,
            };
            let tokens = self
                .start_session(&mut tx, account, rotated.family_id)
                .await?;
            tx.commit().await?;
            return Ok(tokens);
        }
        if let Some(family_id) = repo::replayed_token_family(&mut tx, &token_hash, now).await? {
            repo::revoke_family(&mut tx, family_id, now).await?;
            tx.commit().await?;
            tracing::warn!(%family_id, "refresh token reused; session revoked");
            return Err(AccountError::RefreshTokenReused);
        }
        Err(AccountError::InvalidRefreshToken)
    }

    /// Ends the session a refresh token belongs to. Unknown tokens are ignored, so the
    /// answer tells nothing about a token.
    pub async fn logout(&self, refresh_token: &str) -> Result<(), AccountError> {
        let token_hash = hash_refresh_token(refresh_token);
        let mut conn = self.pool.acquire().await?;
        if let Some(family_id) = repo::family_of(&mut conn, &token_hash).await? {
            repo::revoke_family(&mut conn, family_id, self.clock.now()).await?;
        }
        Ok(())
    }

    pub async fn account(&self, id: AccountId) -> Result<Account, AccountError> {
        let mut conn = self.pool.acquire().await?;
        repo::find_account(&mut conn, id)
            .await?
            .ok_or(AccountError::AccountGone)
    }

    pub async fn update_account(
        &self,
        id: AccountId,
        request: UpdateAccountRequest,
    ) -> Result<Account, AccountError> {
        let mut errors = FieldErrors::new();
        let display_name = request
            .display_name
            .as_deref()
            .map(|name| errors.check("display_name", DisplayName::parse(name)));
        errors.finish()?;
        let display_name = display_name.flatten();
        let mut conn = self.pool.acquire().await?;
        repo::update_profile(
            &mut conn,
            id,
            display_name.as_ref().map(DisplayName::as_str),
            request.language,
            self.clock.now(),
        )
        .await?
        .ok_or(AccountError::AccountGone)
    }

    /// Changes the password after checking the current one, and signs out every session.
    pub async fn change_password(
        &self,
        id: AccountId,
        request: ChangePasswordRequest,
    ) -> Result<(), AccountError> {
        let account = self.account(id).await?;
        let new_password =
            NewPassword::parse(&request.new_password, &account.email).map_err(|message| {
                kernel::Problem::validation(vec![kernel::FieldError::new("new_password", message)])
            })?;
        let mut conn = self.pool.acquire().await?;
        let stored_hash = repo::password_hash(&mut conn, id).await?;
        drop(conn);
        if !password::verify(request.current_password, stored_hash).await? {
            return Err(AccountError::WrongCurrentPassword);
        }
        let new_hash = password::hash(new_password.as_str().to_owned()).await?;
        let now = self.clock.now();
        let mut tx = self.pool.begin().await?;
        if !repo::update_password_hash(&mut tx, id, &new_hash, now).await? {
            return Err(AccountError::AccountGone);
        }
        repo::revoke_all_of_account(&mut tx, id, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes refresh tokens that have expired; returns how many.
    pub async fn purge_expired_refresh_tokens(&self) -> Result<u64, AccountError> {
        let mut conn = self.pool.acquire().await?;
        Ok(repo::delete_expired_refresh_tokens(&mut conn, self.clock.now(), 1000).await?)
    }

    /// Issues an access token and a new refresh token in `family_id`.
    async fn start_session(
        &self,
        conn: &mut sqlx::PgConnection,
        account: AccountPrincipal,
        family_id: Uuid,
    ) -> Result<TokenResponse, AccountError> {
        let access = self.jwt.issue(account)?;
        let refresh_token = new_refresh_token();
        let now = self.clock.now();
        repo::insert_refresh_token(
            conn,
            repo::NewRefreshToken {
                account_id: account.id,
                family_id,
                token_hash: &hash_refresh_token(&refresh_token),
                issued_at: now,
                expires_at: now + self.tokens.refresh_ttl,
            },
        )
        .await?;
        Ok(TokenResponse {
            access_token: access.token,
            token_type: "Bearer",
            expires_in: access.expires_in_seconds,
            refresh_token,
            refresh_expires_in: self.tokens.refresh_ttl.num_seconds(),
        })
    }
}

fn new_refresh_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!("{REFRESH_TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// Refresh tokens are 256 random bits, so a fast hash is enough to make a stolen table
/// useless; a slow password hash would add nothing.
fn hash_refresh_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_tokens_are_random_and_recognisable() {
        let a = new_refresh_token();
        let b = new_refresh_token();
        assert_ne!(a, b);
        assert!(a.starts_with("mrt_"));
        assert_eq!(a.len(), 4 + 43);
        assert_eq!(hash_refresh_token(&a).len(), 32);
        assert_eq!(hash_refresh_token(&a), hash_refresh_token(&a));
    }
}
