//! All SQL of the account domain.

use chrono::{DateTime, Utc};
use kernel::auth::Role;
use kernel::id::AccountId;
use kernel::Language;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::model::Account;

pub struct NewAccount<'a> {
    pub id: AccountId,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub language: Language,
    pub now: DateTime<Utc>,
}

/// The data a login checks.
pub struct Credentials {
    pub id: AccountId,
    pub role: Role,
    pub password_hash: String,
}

struct AccountRow {
    id: Uuid,
    email: String,
    display_name: String,
    role: String,
    language: String,
    created_at: DateTime<Utc>,
}

impl From<AccountRow> for Account {
    fn from(row: AccountRow) -> Account {
        Account {
            id: AccountId(row.id),
            email: row.email,
            display_name: row.display_name,
            role: parse_role(&row.role),
            language: Language::from_code(&row.language),
            created_at: row.created_at,
        }
    }
}

/// The database's CHECK constraint admits only known roles; anything else gets least rights.
fn parse_role(text: &str) -> Role {
    Role::parse(text).unwrap_or(Role::Customer)
}

pub async fn insert_account(
    conn: &mut PgConnection,
    account: NewAccount<'_>,
) -> sqlx::Result<Account> {
    sqlx::query_as!(
        AccountRow,
        r#"INSERT INTO accounts
               (id, email, password_hash, display_name, role, language, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
           RETURNING id, email::text AS "email!", display_name, role, language, created_at"#,
        account.id.0,
        account.email,
        account.password_hash,
        account.display_name,
        account.role.as_str(),
        account.language.as_str(),
        account.now,
    )
    .fetch_one(conn)
    .await
    .map(Account::from)
}

pub async fn find_account(conn: &mut PgConnection, id: AccountId) -> sqlx::Result<Option<Account>> {
    sqlx::query_as!(
        AccountRow,
        r#"SELECT id, email::text AS "email!", display_name, role, language, created_at
           FROM accounts WHERE id = $1"#,
        id.0,
    )
    .fetch_optional(conn)
    .await
    .map(|row| row.map(Account::from))
}

pub async fn credentials_by_email(
    conn: &mut PgConnection,
    email: &str,
) -> sqlx::Result<Option<Credentials>> {
    let row = sqlx::query!(
        "SELECT id, role, password_hash FROM accounts WHERE email = $1::text::citext",
        email,
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|row| Credentials {
        id: AccountId(row.id),
        role: parse_role(&row.role),
        password_hash: row.password_hash,
    }))
}

pub async fn password_hash(conn: &mut PgConnection, id: AccountId) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!("SELECT password_hash FROM accounts WHERE id = $1", id.0)
        .fetch_optional(conn)
        .await
}

/// Changes the given fields; `None` keeps a field as it is.
pub async fn update_profile(
    conn: &mut PgConnection,
    id: AccountId,
    display_name: Option<&str>,
    language: Option<Language>,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<Account>> {
    sqlx::query_as!(
        AccountRow,
        r#"UPDATE accounts
           SET display_name = COALESCE($2, display_name), language = COALESCE($3, language),
               updated_at = $4
           WHERE id = $1
           RETURNING id, email::text AS "email!", display_name, role, language, created_at"#,
        id.0,
        display_name,
        language.map(Language::as_str),
        now,
    )
    .fetch_optional(conn)
    .await
    .map(|row| row.map(Account::from))
}

pub async fn update_password_hash(
    conn: &mut PgConnection,
    id: AccountId,
    password_hash: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let result = sqlx::query!(
        "UPDATE accounts SET password_hash = $2, updated_at = $3 WHERE id = $1",
        id.0,
        password_hash,
        now,
    )
    .execute(conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

pub struct NewRefreshToken<'a> {
    pub account_id: AccountId,
    pub family_id: Uuid,
    pub token_hash: &'a [u8],
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert_refresh_token(
    conn: &mut PgConnection,
    token: NewRefreshToken<'_>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO refresh_tokens (id, account_id, family_id, token_hash, issued_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        Uuid::now_v7(),
        token.account_id.0,
        token.family_id,
        token.token_hash,
        token.issued_at,
        token.expires_at,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The session a refresh token continues.
pub struct RotatedToken {
    pub account_id: AccountId,
    pub role: Role,
    pub family_id: Uuid,
}

/// Marks a live token as used, atomically: of two requests racing with the same token,
/// exactly one gets it.
pub async fn rotate_refresh_token(
    conn: &mut PgConnection,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> sqlx::Result<Option<RotatedToken>> {
    let row = sqlx::query!(
        "UPDATE refresh_tokens t SET rotated_at = $2
         FROM accounts a
         WHERE t.token_hash = $1 AND a.id = t.account_id
           AND t.rotated_at IS NULL AND t.revoked_at IS NULL AND t.expires_at > $2
         RETURNING t.account_id, t.family_id, a.role",
        token_hash,
        now,
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|row| RotatedToken {
        account_id: AccountId(row.account_id),
        role: parse_role(&row.role),
        family_id: row.family_id,
    }))
}

/// The family of a token that was already rotated and has not expired: a replay.
pub async fn replayed_token_family(
    conn: &mut PgConnection,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!(
        "SELECT family_id FROM refresh_tokens
         WHERE token_hash = $1 AND rotated_at IS NOT NULL AND expires_at > $2",
        token_hash,
        now,
    )
    .fetch_optional(conn)
    .await
}

pub async fn family_of(conn: &mut PgConnection, token_hash: &[u8]) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!(
        "SELECT family_id FROM refresh_tokens WHERE token_hash = $1",
        token_hash
    )
    .fetch_optional(conn)
    .await
}

pub async fn revoke_family(
    conn: &mut PgConnection,
    family_id: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL",
        family_id,
        now,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn revoke_all_of_account(
    conn: &mut PgConnection,
    account_id: AccountId,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE refresh_tokens SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL",
        account_id.0,
        now,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes refresh tokens whose purpose has ended (expired), at most `batch` rows at a time.
pub async fn delete_expired_refresh_tokens(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    batch: i64,
) -> sqlx::Result<u64> {
    let result = sqlx::query!(
        "DELETE FROM refresh_tokens WHERE id IN (
             SELECT id FROM refresh_tokens WHERE expires_at <= $1
             ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)",
        now,
        batch,
    )
    .execute(conn)
    .await?;
    Ok(result.rows_affected())
}
