//! The transactional outbox: a mutation that other parts of the system react to writes an
//! event row in the same transaction, so the event exists exactly when the change does.
//! Workers claim the rows one at a time with `FOR UPDATE SKIP LOCKED`, so any number of
//! instances can work the outbox without handling an event twice.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

/// The PostgreSQL notification channel that announces new events (on commit), so workers
/// need not poll to react at once.
pub const CHANNEL: &str = "outbox";

/// An event waiting for delivery.
#[derive(Debug, Clone)]
pub struct OutboxEvent {
    pub id: Uuid,
    pub event_type: String,
    pub aggregate_id: Uuid,
    pub payload: serde_json::Value,
    pub created_at: DateTime<Utc>,
    /// Failed deliveries so far.
    pub attempts: i32,
}

/// Records `event_type` (e.g. `vendor.approved`) about `aggregate_id` with its payload.
pub async fn enqueue(
    conn: &mut PgConnection,
    event_type: &str,
    aggregate_id: Uuid,
    payload: &impl Serialize,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let payload =
        serde_json::to_value(payload).map_err(|error| sqlx::Error::Encode(error.into()))?;
    sqlx::query!(
        "INSERT INTO outbox (id, event_type, aggregate_id, payload, created_at)
         VALUES ($1, $2, $3, $4, $5)",
        Uuid::now_v7(),
        event_type,
        aggregate_id,
        payload,
        now,
    )
    .execute(&mut *conn)
    .await?;
    // Delivered when (and only if) the transaction commits.
    sqlx::query!("SELECT pg_notify($1, '')", CHANNEL)
        .execute(conn)
        .await?;
    Ok(())
}

/// Locks the oldest undelivered event that is due and that no other worker holds. Call
/// inside a transaction; the lock lasts until it ends.
pub async fn claim_next(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
) -> Result<Option<OutboxEvent>, sqlx::Error> {
    sqlx::query_as!(
        OutboxEvent,
        "SELECT id, event_type, aggregate_id, payload, created_at, attempts FROM outbox
         WHERE delivered_at IS NULL AND failed_at IS NULL
           AND (retry_at IS NULL OR retry_at <= $1)
         ORDER BY created_at, id
         LIMIT 1
         FOR UPDATE SKIP LOCKED",
        now,
    )
    .fetch_optional(conn)
    .await
}

/// Records a failed delivery: retried at `retry_at`, or with `None` set aside for good.
pub async fn record_failure(
    conn: &mut PgConnection,
    id: Uuid,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE outbox
         SET attempts = attempts + 1, last_error = $2, retry_at = $3,
             failed_at = CASE WHEN $3::timestamptz IS NULL THEN $4::timestamptz END
         WHERE id = $1",
        id,
        error,
        retry_at,
        now,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn mark_delivered(
    conn: &mut PgConnection,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE outbox SET delivered_at = $2 WHERE id = $1", id, now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Forgets events delivered before `before` (they have done their work); returns how many.
pub async fn purge_delivered(
    conn: &mut PgConnection,
    before: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let result = sqlx::query!("DELETE FROM outbox WHERE delivered_at < $1", before)
        .execute(conn)
        .await?;
    Ok(result.rows_affected())
}
