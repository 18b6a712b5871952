//! The transactional outbox: a mutation that other parts of the system react to writes an
//! event row in the same transaction, so the event exists exactly when the change does.
//! A worker (with `FOR UPDATE SKIP LOCKED`) delivers the rows.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgConnection;
use uuid::Uuid;

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
    .execute(conn)
    .await?;
    Ok(())
}
