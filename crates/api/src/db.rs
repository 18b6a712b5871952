//! Connecting to PostgreSQL, creating the database and running migrations.

use crate::settings::Settings;
use sqlx::migrate::{MigrateDatabase, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres};
use std::str::FromStr;
use std::time::Duration;

/// The migrations of the whole database, embedded in the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!("../../migrations");

#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    #[error(
        "cannot reach PostgreSQL at {url} ({cause}). Start it (e.g. `docker compose up -d postgres`) \
         or point DATABASE_URL at a running server."
    )]
    Unreachable { url: String, cause: String },
    #[error("DATABASE_URL {url} is not a valid PostgreSQL URL: {cause}")]
    InvalidUrl { url: String, cause: String },
    #[error("database migration failed: {0}")]
    Migration(String),
}

fn unreachable(settings: &Settings, error: impl std::fmt::Display) -> DatabaseError {
    DatabaseError::Unreachable {
        url: settings.database_url.redacted(),
        cause: error.to_string(),
    }
}

/// Creates the database if it does not exist yet, then applies pending migrations.
pub async fn prepare(settings: &Settings) -> Result<(), DatabaseError> {
    let url = settings.database_url.expose();
    let exists = Postgres::database_exists(url)
        .await
        .map_err(|error| unreachable(settings, error))?;
    if !exists {
        match Postgres::create_database(url).await {
            Ok(()) => tracing::info!("created the database"),
            // Another instance starting at the same moment may have created it.
            Err(error) if Postgres::database_exists(url).await.unwrap_or(false) => {
                tracing::debug!(%error, "database was created concurrently");
            }
            Err(error) => return Err(unreachable(settings, error)),
        }
    }
    let pool = connect(settings).await?;
    migrate(&pool).await?;
    pool.close().await;
    Ok(())
}

pub async fn migrate(pool: &PgPool) -> Result<(), DatabaseError> {
    MIGRATOR
        .run(pool)
        .await
        .map_err(|error| DatabaseError::Migration(error.to_string()))
}

/// A connection pool sized by the settings; fails fast when the server is unreachable.
pub async fn connect(settings: &Settings) -> Result<PgPool, DatabaseError> {
    let options = PgConnectOptions::from_str(settings.database_url.expose()).map_err(|error| {
        DatabaseError::InvalidUrl {
            url: settings.database_url.redacted(),
            cause: error.to_string(),
        }
    })?;
    PgPoolOptions::new()
        .max_connections(settings.database_max_connections)
        .acquire_timeout(Duration::from_secs(5))
        // A checked-out connection is used at once; pinging it first costs a round trip.
        .test_before_acquire(false)
        .connect_with(options)
        .await
        .map_err(|error| unreachable(settings, error))
}
