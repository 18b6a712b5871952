//! Database helpers shared by every repo.

/// The constraint a unique violation was raised on, if `error` is one.
pub fn unique_violation(error: &sqlx::Error) -> Option<&str> {
    match error {
        sqlx::Error::Database(db) if db.is_unique_violation() => db.constraint(),
        _ => None,
    }
}
