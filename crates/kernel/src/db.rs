//! Database helpers shared by every repo.

use futures_util::future::BoxFuture;
use sqlx::{Acquire, PgConnection};

/// The constraint a unique violation was raised on, if `error` is one.
pub fn unique_violation(error: &sqlx::Error) -> Option<&str> {
    match error {
        sqlx::Error::Database(db) if db.is_unique_violation() => db.constraint(),
        _ => None,
    }
}

/// A `LIKE` pattern matching `text` anywhere, with `%`, `_` and `\` in it taken literally.
pub fn contains_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Whether `error` is an exclusion violation (e.g. two overlapping ranges).
pub fn exclusion_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.code().as_deref() == Some("23P01"))
}

/// Runs `delete` in a savepoint. `Ok(true)`: the row is gone. `Ok(false)`: a foreign key
/// still refers to it (stock, orders, products...), nothing was deleted and the transaction
/// goes on, so the caller can archive the row instead.
pub async fn delete_unless_referenced<F>(
    conn: &mut PgConnection,
    delete: F,
) -> Result<bool, sqlx::Error>
where
    F: for<'c> FnOnce(&'c mut PgConnection) -> BoxFuture<'c, Result<(), sqlx::Error>>,
{
    let mut savepoint = conn.begin().await?;
    match delete(&mut savepoint).await {
        Ok(()) => {
            savepoint.commit().await?;
            Ok(true)
        }
        Err(sqlx::Error::Database(db)) if db.is_foreign_key_violation() => {
            savepoint.rollback().await?;
            Ok(false)
        }
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_patterns_take_wildcards_literally() {
        assert_eq!(super::contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
