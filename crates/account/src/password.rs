//! Password hashing with Argon2id (the `argon2` crate's defaults: 19 MiB, 2 passes). Hashing
//! is CPU-heavy, so it runs on the blocking thread pool, never on the async executor.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use kernel::Problem;
use rand::rngs::OsRng;
use std::sync::OnceLock;

pub async fn hash(password: String) -> Result<String, Problem> {
    run_blocking(move || hash_now(&password)).await?
}

/// Checks a password against a stored hash. Without a stored hash (unknown account) it
/// checks against a dummy hash, so both cases take the same time.
pub async fn verify(password: String, stored_hash: Option<String>) -> Result<bool, Problem> {
    run_blocking(move || {
        let dummy;
        let stored = match &stored_hash {
            Some(hash) => hash.as_str(),
            None => {
                dummy = dummy_hash()?;
                dummy
            }
        };
        let parsed = PasswordHash::new(stored).map_err(|error| {
            tracing::error!(%error, "stored password hash is unreadable");
            Problem::internal()
        })?;
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(matches && stored_hash.is_some())
    })
    .await?
}

fn hash_now(password: &str) -> Result<String, Problem> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| {
            tracing::error!(%error, "password hashing failed");
            Problem::internal()
        })
}

fn dummy_hash() -> Result<&'static str, Problem> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = DUMMY.get() {
        return Ok(hash);
    }
    let hash = hash_now("a password nobody has")?;
    Ok(DUMMY.get_or_init(|| hash))
}

async fn run_blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Problem> {
    actix_web::web::block(work).await.map_err(|error| {
        tracing::error!(%error, "blocking task failed");
        Problem::internal()
    })
}
