//! The vendors' live feed as Server-Sent Events. The notification worker appends each event
//! to the vendor's feed with a gap-free sequence number and announces it with PostgreSQL
//! NOTIFY; every API instance LISTENs once ([`FeedHub`]) and wakes the streams of that
//! vendor, which read the new entries from the database. A client that reconnects with
//! `Last-Event-ID` gets what it missed, whichever instance it reaches.

use actix_web::web::Bytes;
use futures_util::stream::{self, Stream, StreamExt};
use kernel::auth::Authenticator;
use kernel::id::VendorId;
use sqlx::postgres::PgListener;
use sqlx::PgPool;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;

use crate::repo::{self, FeedRow};
use crate::service::SupportService;

/// How often an idle stream sends a comment, so proxies keep the connection open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// A wake-up for the streams: a vendor's new sequence number, or (`None`) "catch up, news
/// may have been missed" after the listener reconnected.
type Wake = Option<(VendorId, i64)>;

/// This instance's one LISTEN connection, fanned out to every open stream.
#[derive(Clone)]
pub struct FeedHub {
    sender: broadcast::Sender<Wake>,
    /// Set on shutdown: open streams end, so a graceful stop need not wait for them.
    closing: tokio::sync::watch::Sender<bool>,
}

impl FeedHub {
    /// Starts listening; returns once notifications are subscribed, so no event committed
    /// afterwards is missed. The task ends when the pool closes.
    pub async fn start(pool: &PgPool) -> Result<FeedHub, sqlx::Error> {
        let mut listener = PgListener::connect_with(pool).await?;
        listener.listen(repo::FEED_CHANNEL).await?;
        let (sender, _) = broadcast::channel(1024);
        let wake = sender.clone();
        tokio::spawn(async move {
            loop {
                match listener.try_recv().await {
                    Ok(Some(notification)) => {
                        if let Some(news) = parse(notification.payload()) {
                            // No receivers means no open streams: nothing to do.
                            let _ = wake.send(Some(news));
                        }
                    }
                    Ok(None) => {
                        tracing::warn!("feed listener reconnected; streams catch up");
                        let _ = wake.send(None);
                    }
                    Err(sqlx::Error::PoolClosed) => break,
                    Err(error) => {
                        tracing::warn!(%error, "feed listener failed; retrying");
                        let _ = wake.send(None);
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            }
        });
        Ok(FeedHub {
            sender,
            closing: tokio::sync::watch::channel(false).0,
        })
    }

    /// Ends every open stream (clients reconnect, with `Last-Event-ID`, elsewhere).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }
}

fn parse(payload: &str) -> Option<(VendorId, i64)> {
    let (vendor, seq) = payload.split_once(':')?;
    Some((VendorId(vendor.parse().ok()?), seq.parse().ok()?))
}

/// The credentials a stream was opened with, checked again before every batch of events
/// and every keep-alive: a removed member, a revoked key or an expired token ends the stream.
pub struct Gate {
    pub authenticator: Arc<dyn Authenticator>,
    pub token: String,
}

impl Gate {
    async fn admits(&self, service: &SupportService, vendor_id: VendorId) -> bool {
        match self.authenticator.authenticate(&self.token).await {
            Ok(principal) => service.open_feed(&principal, vendor_id).await.is_ok(),
            Err(_) => false,
        }
    }
}

struct StreamState {
    service: SupportService,
    gate: Gate,
    vendor_id: VendorId,
    wake: broadcast::Receiver<Wake>,
    closing: tokio::sync::watch::Receiver<bool>,
    last_sent: i64,
    pending: VecDeque<FeedRow>,
    keep_alive: tokio::time::Interval,
    /// Entries after `last_sent` may exist (at the start of a resumed stream).
    catch_up: bool,
}

/// The vendor's events after `after` (when resuming), then new ones as they happen. The
/// caller has checked access. `head` is the vendor's latest sequence number when the
/// stream opened: without `after`, the stream starts there.
pub fn stream(
    service: SupportService,
    gate: Gate,
    hub: &FeedHub,
    vendor_id: VendorId,
    after: Option<i64>,
    head: i64,
) -> impl Stream<Item = Result<Bytes, actix_web::Error>> {
    let mut keep_alive = tokio::time::interval(KEEP_ALIVE);
    // A stalled client does not get a burst of missed keep-alives (each checks credentials).
    keep_alive.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    keep_alive.reset();
    let state = StreamState {
        service,
        gate,
        vendor_id,
        // Subscribed before anything is read, so nothing falls between reading and waiting.
        wake: hub.sender.subscribe(),
        closing: hub.closing.subscribe(),
        last_sent: after.unwrap_or(head),
        pending: VecDeque::new(),
        keep_alive,
        catch_up: true,
    };
    let opening = stream::iter([Ok(Bytes::from_static(b": connected\n\n"))]);
    opening.chain(stream::unfold(state, next_message))
}

async fn next_message(
    mut state: StreamState,
) -> Option<(Result<Bytes, actix_web::Error>, StreamState)> {
    loop {
        if let Some(entry) = state.pending.pop_front() {
            state.last_sent = entry.seq;
            return Some((Ok(Bytes::from(format_event(&entry))), state));
        }
        if state.catch_up {
            state.catch_up = false;
            match state
                .service
                .feed_after(state.vendor_id, state.last_sent)
                .await
            {
                Ok(entries) if entries.is_empty() => {}
                Ok(entries) => {
                    if !state.gate.admits(&state.service, state.vendor_id).await {
                        return None;
                    }
                    // A full batch may have more behind it: read again once it is sent.
                    state.catch_up = true;
                    state.pending.extend(entries);
                }
                Err(error) => {
                    tracing::warn!(%error, "feed read failed; closing the stream");
                    return None;
                }
            }
            continue;
        }
        if *state.closing.borrow() {
            return None;
        }
        tokio::select! {
            _ = state.closing.changed() => return None,
            wake = state.wake.recv() => match wake {
                Ok(Some((vendor_id, seq))) => {
                    state.catch_up = vendor_id == state.vendor_id && seq > state.last_sent;
                }
                // Missed wake-ups (a slow stream) or a reconnected listener: read to be sure.
                Ok(None) | Err(broadcast::error::RecvError::Lagged(_)) => state.catch_up = true,
                Err(broadcast::error::RecvError::Closed) => return None,
            },
            _ = state.keep_alive.tick() => {
                if !state.gate.admits(&state.service, state.vendor_id).await {
                    return None;
                }
                return Some((Ok(Bytes::from_static(b": keep-alive\n\n")), state));
            }
        }
    }
}

/// One SSE message: the sequence number as `id` (for `Last-Event-ID`), the event type as
/// `event`, the JSON envelope as `data`.
fn format_event(entry: &FeedRow) -> String {
    format!(
        "id: {}\nevent: {}\ndata: {}\n\n",
        entry.seq, entry.event_type, entry.data
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notifications_name_vendor_and_sequence() {
        let vendor = uuid::Uuid::now_v7();
        assert_eq!(parse(&format!("{vendor}:42")), Some((VendorId(vendor), 42)));
        assert_eq!(parse("garbage"), None);
        assert_eq!(parse(&format!("{vendor}:x")), None);
    }

    #[test]
    fn an_event_is_one_sse_message() {
        let entry = FeedRow {
            seq: 7,
            event_type: "question.created".to_owned(),
            data: serde_json::json!({"a": 1}),
        };
        assert_eq!(
            format_event(&entry),
            "id: 7\nevent: question.created\ndata: {\"a\":1}\n\n"
        );
    }
}
