//! The notification worker. It turns each outbox event into deliveries (e-mails, webhook
//! calls, entries in the vendor's live feed) in the same transaction that marks the event
//! done, then sends what is due, retrying with exponential backoff.
//!
//! Every step claims one row at a time with `FOR UPDATE SKIP LOCKED`, so any number of API
//! instances can run the worker at once: an event is fanned out once, and a message is sent
//! once unless a worker dies between sending and recording it (then it is sent again; webhook
//! receivers de-duplicate on the event id).

use chrono::{DateTime, Duration, Utc};
use kernel::id::{NoticeId, QuestionId, VendorId};
use kernel::outbox::{self, OutboxEvent};
use kernel::{Language, SharedClock};
use sqlx::postgres::PgListener;
use sqlx::{PgConnection, PgPool};
use tokio::sync::watch;

use crate::events::{self, ContentRestrictedEvent, EventEnvelope, NoticeEvent, QuestionEvent};
use crate::mail::{Mail, Mailer, SendError};
use crate::model::{NoticeAction, NoticeTarget, WebhookEvent};
use crate::repo;
use crate::webhook;

/// E-mails are tried this often before they count as failed.
pub const EMAIL_MAX_ATTEMPTS: i32 = 8;
/// Webhook deliveries are tried this often (over about 8.5 hours) before they fail.
pub const WEBHOOK_MAX_ATTEMPTS: i32 = 10;
/// An event whose fan-out keeps failing is set aside after this many attempts.
pub const EVENT_MAX_ATTEMPTS: i32 = 10;
/// At most this many rows per lane and run, so one run cannot go on forever.
const BATCH: usize = 200;
/// E-mails and webhook calls sent side by side, so one slow server holds up little.
const MAIL_LANES: usize = 2;
const WEBHOOK_LANES: usize = 4;
/// How long a claimed e-mail or webhook call is reserved for the worker sending it (far
/// longer than the send timeouts); if that worker dies, another retries after it.
const LEASE: Duration = Duration::minutes(5);

/// The wait before attempt `attempts + 1`: 1, 2, 4, 8 ... minutes, at most 6 hours.
pub fn retry_delay(attempts: i32) -> Duration {
    let exponent = attempts.clamp(1, 20) - 1;
    Duration::minutes(1 << exponent).min(Duration::hours(6))
}

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RunReport {
    pub events: usize,
    pub emails: usize,
    pub webhook_calls: usize,
}

#[derive(Clone)]
pub struct Notifier {
    pool: PgPool,
    clock: SharedClock,
    mailer: Mailer,
    http: reqwest::Client,
    allow_private: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Vendor(#[from] vendor::VendorError),
    #[error("malformed event payload: {0}")]
    Payload(#[from] serde_json::Error),
}

impl Notifier {
    pub fn new(
        pool: PgPool,
        clock: SharedClock,
        mailer: Mailer,
        allow_private_webhooks: bool,
    ) -> Result<Notifier, reqwest::Error> {
        Ok(Notifier {
            pool,
            clock,
            mailer,
            http: webhook::client(allow_private_webhooks)?,
            allow_private: allow_private_webhooks,
        })
    }

    /// The same worker on another connection pool (as a second instance would be).
    pub fn with_pool(&self, pool: PgPool) -> Notifier {
        Notifier {
            pool,
            ..self.clone()
        }
    }

    pub fn mailer(&self) -> &Mailer {
        &self.mailer
    }

    /// Fans out every pending event, then sends the e-mails and webhook calls that are due
    /// (side by side, several at a time). Failures are logged and recorded per item; one
    /// never holds up the others.
    pub async fn run_once(&self) -> RunReport {
        let running = watch::channel(false).1;
        let events = self.fan_out(&running).await;
        let (emails, webhook_calls) =
            tokio::join!(self.send_emails(&running), self.call_webhooks(&running));
        RunReport {
            events,
            emails,
            webhook_calls,
        }
    }

    async fn fan_out(&self, stop: &watch::Receiver<bool>) -> usize {
        drain(1, stop, || self.fan_out_next()).await
    }

    async fn send_emails(&self, stop: &watch::Receiver<bool>) -> usize {
        drain(MAIL_LANES, stop, || self.send_next_email()).await
    }

    async fn call_webhooks(&self, stop: &watch::Receiver<bool>) -> usize {
        drain(WEBHOOK_LANES, stop, || self.call_next_webhook()).await
    }

    /// Runs until `stop`, in three loops so that none holds up another: fanning out events
    /// (woken when an event is written), sending e-mails and calling webhooks (woken when
    /// a fan-out created deliveries, on any instance). All three also run every `poll`, for
    /// retries that came due.
    pub async fn run(self, poll: std::time::Duration, stop: watch::Receiver<bool>) {
        let (new_events, events_woken) = watch::channel(());
        let (new_deliveries, deliveries_woken) = watch::channel(());
        let listen = {
            let pool = self.pool.clone();
            let mut stop = stop.clone();
            async move {
                let mut listener = match listen(&pool).await {
                    Ok(listener) => listener,
                    Err(error) => {
                        tracing::warn!(%error, "cannot listen for notifications; polling only");
                        return;
                    }
                };
                loop {
                    tokio::select! {
                        biased;
                        _ = stop.changed() => break,
                        notification = listener.recv() => match notification {
                            Ok(notification) if notification.channel() == outbox::CHANNEL => {
                                new_events.send_replace(());
                            }
                            Ok(_) => {
                                new_deliveries.send_replace(());
                            }
                            Err(sqlx::Error::PoolClosed) => break,
                            Err(error) => {
                                tracing::warn!(%error, "notification listener failed; retrying");
                                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                            }
                        },
                    }
                }
            }
        };
        let fan_out = repeat(poll, events_woken, stop.clone(), || async {
            let events = self.fan_out(&stop).await;
            if events > 0 {
                tracing::info!(events, "events fanned out");
            }
        });
        let emails = repeat(poll, deliveries_woken.clone(), stop.clone(), || async {
            let emails = self.send_emails(&stop).await;
            if emails > 0 {
                tracing::info!(emails, "e-mails sent");
            }
        });
        let webhooks = repeat(poll, deliveries_woken, stop.clone(), || async {
            let calls = self.call_webhooks(&stop).await;
            if calls > 0 {
                tracing::info!(calls, "webhook calls made");
            }
        });
        tokio::join!(listen, fan_out, emails, webhooks);
        tracing::info!("notification worker stopped");
    }

    /// Fans out the oldest due event; `false` when there is none. An event whose fan-out
    /// fails is retried with backoff and set aside after the last attempt.
    async fn fan_out_next(&self) -> Result<bool, NotifyError> {
        let mut tx = self.pool.begin().await?;
        let now = self.clock.now();
        let Some(event) = outbox::claim_next(&mut tx, now).await? else {
            return Ok(false);
        };
        // A savepoint: a failed fan-out leaves nothing behind but its failure record.
        let mut fan = sqlx::Acquire::begin(&mut tx).await?;
        match fan_out(&mut fan, &event, now).await {
            Ok(()) => {
                fan.commit().await?;
                outbox::mark_delivered(&mut tx, event.id, now).await?;
            }
            Err(error) => {
                fan.rollback().await?;
                let attempts = event.attempts + 1;
                let retry_at = (attempts < EVENT_MAX_ATTEMPTS).then(|| now + retry_delay(attempts));
                tracing::error!(
                    event = %event.id, event_type = %event.event_type, attempts, %error,
                    "event fan-out failed"
                );
                outbox::record_failure(&mut tx, event.id, &error.to_string(), retry_at, now)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Sends one due e-mail. It is claimed with a lease first, so no lock is held while the
    /// SMTP server takes its time.
    async fn send_next_email(&self) -> Result<bool, NotifyError> {
        let now = self.clock.now();
        let mut conn = self.pool.acquire().await?;
        let Some(email) = repo::claim_due_email(&mut conn, now, now + LEASE).await? else {
            return Ok(false);
        };
        drop(conn);
        let attempts = email.attempts + 1;
        let outcome = self
            .mailer
            .send(
                &email.recipient,
                &email.subject,
                email.body.as_deref().unwrap_or_default(),
            )
            .await;
        let (status, next, error) = match outcome {
            Ok(()) => ("sent", None, None),
            Err(SendError::Transient(error)) if attempts < EMAIL_MAX_ATTEMPTS => {
                ("pending", Some(now + retry_delay(attempts)), Some(error))
            }
            Err(SendError::Transient(error) | SendError::Permanent(error)) => {
                ("failed", None, Some(error))
            }
        };
        if let Some(error) = &error {
            // The error never quotes the server's reply (it may name the recipient).
            tracing::warn!(delivery = %email.id, attempts, status, %error, "e-mail not sent");
        }
        let mut conn = self.pool.acquire().await?;
        repo::record_email_attempt(
            &mut conn,
            &email,
            attempts,
            status,
            next,
            error.as_deref(),
            now,
        )
        .await?;
        Ok(true)
    }

    /// Calls one due webhook delivery, claimed with a lease like e-mails.
    async fn call_next_webhook(&self) -> Result<bool, NotifyError> {
        let now = self.clock.now();
        let mut conn = self.pool.acquire().await?;
        let Some(delivery) = repo::claim_due_delivery(&mut conn, now, now + LEASE).await? else {
            return Ok(false);
        };
        drop(conn);
        let attempt = delivery.attempts + 1;
        // The target is checked again at every call: the rules may have tightened since the
        // webhook was made. A refused target is not retried.
        let (status_code, error, retry) =
            match webhook::check_url(&delivery.url, self.allow_private) {
                Err(refusal) => (None, Some(format!("target refused: {refusal}")), false),
                Ok(url) => self.post(url, &delivery, now).await,
            };
        let (status, next) = match &error {
            None => ("delivered", None),
            Some(_) if retry && attempt < WEBHOOK_MAX_ATTEMPTS => {
                ("pending", Some(now + retry_delay(attempt)))
            }
            Some(_) => ("failed", None),
        };
        let mut tx = self.pool.begin().await?;
        repo::record_attempt(
            &mut tx,
            &delivery,
            attempt,
            status_code,
            error.as_deref(),
            status,
            next,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// One signed POST: the receiver's status; unless it was a 2xx, why it failed; and
    /// whether trying again can help.
    async fn post(
        &self,
        url: reqwest::Url,
        delivery: &repo::DueDelivery,
        now: DateTime<Utc>,
    ) -> (Option<i32>, Option<String>, bool) {
        let timestamp = now.timestamp();
        let Ok(signature) = webhook::signature(&delivery.secret, timestamp, &delivery.body) else {
            return (
                None,
                Some("the delivery could not be signed".to_owned()),
                false,
            );
        };
        let sent = self
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(webhook::EVENT_HEADER, &delivery.event_type)
            .header(webhook::EVENT_ID_HEADER, delivery.event_id.to_string())
            .header(webhook::DELIVERY_HEADER, delivery.id.to_string())
            .header(webhook::TIMESTAMP_HEADER, timestamp.to_string())
            .header(webhook::SIGNATURE_HEADER, signature)
            .body(delivery.body.clone())
            .send()
            .await;
        match sent {
            Ok(response) if response.status().is_success() => {
                (Some(i32::from(response.status().as_u16())), None, false)
            }
            Ok(response) => (
                Some(i32::from(response.status().as_u16())),
                Some(format!("the receiver answered {}", response.status())),
                true,
            ),
            Err(error) if webhook::refused_by_resolver(&error) => (
                None,
                Some("target refused: the host resolves to a non-public address".to_owned()),
                false,
            ),
            Err(error) => (None, Some(describe(&error)), true),
        }
    }
}

/// Runs `step` on `lanes` parallel lanes until none finds more work (at most `BATCH` per
/// lane) or `stop` is set; returns how many items were handled.
async fn drain<F, Fut>(lanes: usize, stop: &watch::Receiver<bool>, step: F) -> usize
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<bool, NotifyError>>,
{
    let lanes = (0..lanes).map(|_| async {
        let mut done = 0;
        while done < BATCH && !*stop.borrow() {
            match step().await {
                Ok(true) => done += 1,
                Ok(false) => break,
                Err(error) => {
                    tracing::warn!(%error, "notification step failed");
                    break;
                }
            }
        }
        done
    });
    futures_util::future::join_all(lanes)
        .await
        .into_iter()
        .sum()
}

/// Runs `work` now, then whenever woken or every `poll`, until `stop`.
async fn repeat<F, Fut>(
    poll: std::time::Duration,
    mut woken: watch::Receiver<()>,
    mut stop: watch::Receiver<bool>,
    work: F,
) where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut interval = tokio::time::interval(poll);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        woken.borrow_and_update();
        work().await;
        tokio::select! {
            biased;
            _ = stop.changed() => break,
            _ = interval.tick() => {}
            // Without a listener (it failed or ended) only the interval wakes us.
            _ = async {
                if woken.changed().await.is_err() {
                    std::future::pending::<()>().await;
                }
            } => {}
        }
    }
}

/// A short reason a call failed, without the URL (the log belongs to the vendor anyway).
fn describe(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect (or the target is not a public address)"
    } else if error.is_redirect() {
        "redirects are not followed"
    } else {
        "request failed"
    };
    kind.to_owned()
}

/// One connection listening for new events and new deliveries.
async fn listen(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener
        .listen_all([outbox::CHANNEL, repo::DELIVERIES_CHANNEL])
        .await?;
    Ok(listener)
}

/// Turns one event into its deliveries.
async fn fan_out(
    conn: &mut PgConnection,
    event: &OutboxEvent,
    now: DateTime<Utc>,
) -> Result<(), NotifyError> {
    let mut calls = 0;
    if let Some(webhook_event) = WebhookEvent::parse(&event.event_type) {
        let vendor_id: VendorId =
            serde_json::from_value(event.payload.get("vendor_id").cloned().unwrap_or_default())?;
        calls = to_vendor_systems(conn, vendor_id, webhook_event, event, now).await?;
    }
    let emails = emails_for(conn, event).await?;
    if calls > 0 || !emails.is_empty() {
        // Wakes the senders of every instance once this commits.
        repo::announce_deliveries(conn).await?;
    }
    for (recipient, language, mail) in emails {
        let (subject, body) = mail.render(language);
        repo::insert_email(
            conn,
            repo::NewEmail {
                event_id: event.id,
                recipient: &recipient,
                template: mail.template(),
                subject: &subject,
                body: &body,
                now,
            },
        )
        .await?;
    }
    Ok(())
}

/// The vendor's webhooks subscribed to the event, and its live feed; returns how many
/// webhook calls are due.
async fn to_vendor_systems(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    event_type: WebhookEvent,
    event: &OutboxEvent,
    now: DateTime<Utc>,
) -> Result<usize, NotifyError> {
    let envelope = EventEnvelope {
        id: event.id,
        event_type,
        created_at: event.created_at,
        data: event.payload.clone(),
    };
    let body = serde_json::to_string(&envelope)?;
    let subscribers = repo::subscribers(conn, vendor_id, event_type.as_str()).await?;
    for webhook_id in &subscribers {
        repo::insert_delivery(conn, *webhook_id, event.id, event_type.as_str(), &body, now).await?;
    }
    repo::append_to_feed(
        conn,
        vendor_id,
        event.id,
        event_type.as_str(),
        &serde_json::to_value(&envelope)?,
        now,
    )
    .await?;
    Ok(subscribers.len())
}

/// Who gets an e-mail about the event, in which language, saying what. Nobody else: a
/// question reaches the selling vendor's members and no one who merely bought the product.
async fn emails_for(
    conn: &mut PgConnection,
    event: &OutboxEvent,
) -> Result<Vec<(String, Language, Mail)>, NotifyError> {
    let payload = event.payload.clone();
    Ok(match event.event_type.as_str() {
        "question.created" => {
            let question: QuestionEvent = serde_json::from_value(payload)?;
            let mail = Mail::QuestionReceived {
                product: question.product.title,
                question: question.question,
            };
            to_members(conn, question.vendor_id, mail).await?
        }
        "question.answered" | "question.rejected" => {
            let question: QuestionEvent = serde_json::from_value(payload)?;
            let mail = if let Some(reason) = question.rejection_reason {
                Mail::QuestionRejected {
                    product: question.product.title,
                    vendor: question.vendor_name,
                    question: question.question,
                    reason,
                }
            } else {
                Mail::QuestionAnswered {
                    product: question.product.title,
                    vendor: question.vendor_name,
                    question: question.question,
                    answer: question
                        .answer
                        .map(|answer| answer.body)
                        .unwrap_or_default(),
                }
            };
            to_asker(conn, question.question_id, mail).await?
        }
        "content.restricted" => {
            let restricted: ContentRestrictedEvent = serde_json::from_value(payload)?;
            let mail = Mail::ContentRestricted {
                target: restricted.target_type,
                content: restricted.content,
                action: restricted.action,
                statement: restricted.statement_of_reasons,
            };
            to_members(conn, restricted.vendor_id, mail).await?
        }
        events::NOTICE_RECEIVED | events::NOTICE_DECIDED => {
            let NoticeEvent { notice_id } = serde_json::from_value(payload)?;
            notice_emails(conn, notice_id, event.event_type == events::NOTICE_DECIDED).await?
        }
        // Other events (vendor.*, question.withdrawn, ...) are nobody's e-mail.
        _ => Vec::new(),
    })
}

async fn to_members(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    mail: Mail,
) -> Result<Vec<(String, Language, Mail)>, NotifyError> {
    let members = vendor::service::member_contacts(conn, vendor_id).await?;
    Ok(members
        .into_iter()
        .map(|(email, language)| (email, language, mail.clone()))
        .collect())
}

async fn to_asker(
    conn: &mut PgConnection,
    question_id: QuestionId,
    mail: Mail,
) -> Result<Vec<(String, Language, Mail)>, NotifyError> {
    Ok(repo::asker_contact(conn, question_id)
        .await?
        .map(|(email, language)| (email, Language::from_code(&language), mail))
        .into_iter()
        .collect())
}

/// The receipt, or the decision to the notifier and (unless the content stays) to whoever
/// posted the content.
async fn notice_emails(
    conn: &mut PgConnection,
    notice_id: NoticeId,
    decided: bool,
) -> Result<Vec<(String, Language, Mail)>, NotifyError> {
    let Some(notice) = repo::fetch_notice(conn, notice_id, false).await? else {
        return Ok(Vec::new());
    };
    let language = Language::from_code(&notice.notifier_language);
    let target = NoticeTarget::parse(&notice.target_type);
    let mut emails = Vec::new();
    if !decided {
        emails.push((
            notice.notifier_email,
            language,
            Mail::NoticeReceived {
                notice_id: notice_id.to_string(),
                target,
            },
        ));
        return Ok(emails);
    }
    let action = NoticeAction::parse(notice.action.as_deref().unwrap_or_default());
    let statement = notice.statement_of_reasons.unwrap_or_default();
    emails.push((
        notice.notifier_email,
        language,
        Mail::NoticeDecided {
            notice_id: notice_id.to_string(),
            action,
            statement: statement.clone(),
        },
    ));
    // The vendor hears of its own restricted content through `content.restricted`; an
    // asker's question is the customer's content.
    if action != NoticeAction::Keep && target == NoticeTarget::Question {
        let mail = Mail::ContentRestricted {
            target,
            content: notice.reported_content,
            action,
            statement,
        };
        emails.extend(to_asker(conn, QuestionId(notice.target_id), mail).await?);
    }
    Ok(emails)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_six_hours() {
        let delays: Vec<i64> = (1..=10).map(|n| retry_delay(n).num_minutes()).collect();
        assert_eq!(delays, [1, 2, 4, 8, 16, 32, 64, 128, 256, 360]);
        assert_eq!(retry_delay(0).num_minutes(), 1);
        assert_eq!(retry_delay(40).num_hours(), 6);
    }
}
