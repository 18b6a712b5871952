//! The rules of support: questions go to the selling vendor and nobody else, answers keep
//! their history, notices are decided once, webhooks only reach public hosts.

use chrono::{DateTime, Duration, Utc};
use futures_util::future::LocalBoxFuture;
use kernel::auth::{Principal, Role};
use kernel::id::{AccountId, NoticeId, ProductId, QuestionId, VendorId, WebhookId};
use kernel::pagination::{Page, PageParams};
use kernel::validation::{text, FieldErrors};
use kernel::{outbox, Problem, SharedClock};
use rand::{rngs::OsRng, RngCore};
use sqlx::{PgConnection, PgPool};
use std::collections::HashMap;
use vendor::access::Actor;
use vendor::responsiveness::{Responsiveness, ResponsivenessSource};
use vendor::Permission;

use crate::error::SupportError;
use crate::events::{self, ContentRestrictedEvent, EventAnswer, NoticeEvent, QuestionEvent};
use crate::model::*;
use crate::repo::{self, AnswerRow, Author, QuestionRow, VersionRow};
use crate::webhook;

/// How far back the responsiveness figures look.
const RESPONSIVENESS_WINDOW_DAYS: i64 = 90;
/// Fewer questions than this say nothing about a vendor.
pub const RESPONSIVENESS_MIN_QUESTIONS: i64 = 5;
const SIMILAR_DEFAULT: u32 = 5;
/// How long the live feed keeps events for clients that resume with `Last-Event-ID`.
pub const FEED_RETENTION_DAYS: i64 = 7;
/// How long delivered events, sent e-mails and webhook delivery logs are kept.
pub const DELIVERY_RETENTION_DAYS: i64 = 30;
const SIMILAR_MAX: u32 = 20;

#[derive(Clone)]
pub struct SupportService {
    pool: PgPool,
    clock: SharedClock,
    allow_private_webhooks: bool,
}

impl SupportService {
    pub fn new(pool: PgPool, clock: SharedClock, allow_private_webhooks: bool) -> Self {
        Self {
            pool,
            clock,
            allow_private_webhooks,
        }
    }

    // ---- customers ----

    /// Routes a customer's question to the shop that sells the product.
    pub async fn ask(
        &self,
        principal: &Principal,
        product_id: ProductId,
        request: NewQuestion,
    ) -> Result<MyQuestion, SupportError> {
        let account = principal.account()?;
        if account.role != Role::Customer {
            return Err(Problem::forbidden("Only customer accounts ask questions.").into());
        }
        let mut tx = self.pool.begin().await?;
        let listing = catalog::service::public_listing(&mut tx, product_id)
            .await?
            .ok_or(SupportError::ProductNotFound)?;
        if let Principal::Account { memberships, .. } = principal {
            if memberships
                .iter()
                .any(|membership| membership.vendor_id == listing.vendor_id)
            {
                return Err(SupportError::OwnProduct);
            }
        }
        let mut errors = FieldErrors::new();
        let body = errors.check(
            "body",
            bounded(&request.body, QUESTION_MIN_CHARS, QUESTION_MAX_CHARS),
        );
        let body = errors.finish_with(body)?;
        let id = QuestionId::new();
        let now = self.clock.now();
        repo::insert_question(
            &mut tx,
            repo::NewQuestionRow {
                id,
                product_id,
                vendor_id: listing.vendor_id,
                asker_id: account.id,
                body: &body,
                show_first_name: request.show_first_name,
                now,
            },
        )
        .await?;
        let question = fetch(&mut tx, id).await?;
        emit_question_event(&mut tx, WebhookEvent::QuestionCreated, &question, None, now).await?;
        tx.commit().await?;
        Ok(my_question(question, None))
    }

    /// Published questions of the product like `q`, so the customer may not need to ask.
    pub async fn similar(
        &self,
        product_id: ProductId,
        params: &SimilarParams,
    ) -> Result<Vec<PublicQuestion>, SupportError> {
        let mut errors = FieldErrors::new();
        let q = errors.check("q", bounded(&params.q, 3, QUESTION_MAX_CHARS));
        let limit = params.limit.unwrap_or(SIMILAR_DEFAULT);
        if !(1..=SIMILAR_MAX).contains(&limit) {
            errors.add("limit", format!("must be between 1 and {SIMILAR_MAX}"));
        }
        let q = errors.finish_with(q)?;
        let mut conn = self.pool.acquire().await?;
        let listing = catalog::service::public_listing(&mut conn, product_id)
            .await?
            .ok_or(SupportError::ProductNotFound)?;
        let rows = repo::similar(&mut conn, product_id, &q, i64::from(limit)).await?;
        Ok(rows
            .into_iter()
            .map(|row| public_question(row, &listing.vendor_name))
            .collect())
    }

    /// The product's published Q&A, newest first.
    pub async fn published(
        &self,
        product_id: ProductId,
        page: &PageParams,
    ) -> Result<Page<PublicQuestion>, SupportError> {
        let limit = page.limit()?;
        let after = page.after::<(DateTime<Utc>, QuestionId)>()?;
        let mut conn = self.pool.acquire().await?;
        let listing = catalog::service::public_listing(&mut conn, product_id)
            .await?
            .ok_or(SupportError::ProductNotFound)?;
        let rows = repo::published(&mut conn, product_id, after, i64::from(limit) + 1).await?;
        let items = rows
            .into_iter()
            .map(|row| public_question(row, &listing.vendor_name))
            .collect();
        Ok(Page::from_rows(items, limit, |item: &PublicQuestion| {
            (item.asked_at, item.id)
        }))
    }

    /// The signed-in customer's own questions, newest first, with answers even unpublished.
    pub async fn my_questions(
        &self,
        principal: &Principal,
        page: &PageParams,
    ) -> Result<Page<MyQuestion>, SupportError> {
        let account = principal.account()?;
        let limit = page.limit()?;
        let after = page.after::<(DateTime<Utc>, QuestionId)>()?;
        let mut conn = self.pool.acquire().await?;
        let rows =
            repo::questions_of_asker(&mut conn, account.id, after, i64::from(limit) + 1).await?;
        let ids: Vec<QuestionId> = rows.iter().map(|row| row.id).collect();
        let mut answers = answers_by_question(&mut conn, &ids).await?;
        let items = rows
            .into_iter()
            .map(|row| {
                let answer = answers.remove(&row.id);
                my_question(row, answer)
            })
            .collect();
        Ok(Page::from_rows(items, limit, |item: &MyQuestion| {
            (item.asked_at, item.id)
        }))
    }

    /// The asker takes back a question the vendor has not answered yet.
    pub async fn withdraw(
        &self,
        principal: &Principal,
        question_id: QuestionId,
    ) -> Result<MyQuestion, SupportError> {
        let account = principal.account()?;
        let mut tx = self.pool.begin().await?;
        let question = repo::fetch_question(&mut tx, question_id, true)
            .await?
            .filter(|question| question.asker_id == account.id)
            .ok_or(SupportError::QuestionNotFound)?;
        if question.status != QuestionStatus::Open.as_str() {
            return Err(SupportError::NotOpen);
        }
        let now = self.clock.now();
        repo::set_question_status(
            &mut tx,
            question_id,
            QuestionStatus::Withdrawn.as_str(),
            None,
            now,
        )
        .await?;
        let question = fetch(&mut tx, question_id).await?;
        emit_question_event(
            &mut tx,
            WebhookEvent::QuestionWithdrawn,
            &question,
            None,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(my_question(question, None))
    }

    // ---- the vendor's inbox ----

    pub async fn inbox(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        status: Option<QuestionStatus>,
        page: &PageParams,
    ) -> Result<Page<InboxQuestion>, SupportError> {
        let limit = page.limit()?;
        let after = page.after::<(DateTime<Utc>, QuestionId)>()?;
        let status = status.unwrap_or(QuestionStatus::Open);
        let mut conn = self.pool.acquire().await?;
        vendor::service::access(
            &mut conn,
            principal,
            vendor_id,
            Permission::ReadQuestions,
            false,
        )
        .await?;
        let rows = repo::inbox(
            &mut conn,
            vendor_id,
            status.as_str(),
            status != QuestionStatus::Open,
            after,
            i64::from(limit) + 1,
        )
        .await?;
        let items = self.inbox_questions(&mut conn, rows).await?;
        Ok(Page::from_rows(items, limit, |item: &InboxQuestion| {
            (item.asked_at, item.id)
        }))
    }

    pub async fn inbox_question(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        question_id: QuestionId,
    ) -> Result<InboxQuestion, SupportError> {
        let mut conn = self.pool.acquire().await?;
        vendor::service::access(
            &mut conn,
            principal,
            vendor_id,
            Permission::ReadQuestions,
            false,
        )
        .await?;
        let question = vendors_question(&mut conn, vendor_id, question_id, false).await?;
        self.one_inbox_question(&mut conn, question).await
    }

    /// The vendor's first answer; the asker is told, and with `publish` it goes public.
    pub async fn answer(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        question_id: QuestionId,
        request: NewAnswer,
    ) -> Result<InboxQuestion, SupportError> {
        let mut tx = self.pool.begin().await?;
        let access = vendor::service::access(
            &mut tx,
            principal,
            vendor_id,
            Permission::WriteQuestions,
            false,
        )
        .await?;
        let mut errors = FieldErrors::new();
        let body = errors.check(
            "body",
            bounded(&request.body, ANSWER_MIN_CHARS, ANSWER_MAX_CHARS),
        );
        let question = vendors_question(&mut tx, vendor_id, question_id, true).await?;
        match QuestionStatus::parse(&question.status) {
            QuestionStatus::Open => {}
            QuestionStatus::Answered => return Err(SupportError::AlreadyAnswered),
            QuestionStatus::Rejected | QuestionStatus::Withdrawn => {
                return Err(SupportError::NotOpen)
            }
        }
        let body = errors.finish_with(body)?;
        let now = self.clock.now();
        repo::insert_answer(
            &mut tx,
            question_id,
            &body,
            request.publish,
            author(access.actor),
            now,
        )
        .await?;
        repo::set_question_status(
            &mut tx,
            question_id,
            QuestionStatus::Answered.as_str(),
            None,
            now,
        )
        .await?;
        let question = fetch(&mut tx, question_id).await?;
        let answer = EventAnswer {
            body,
            published: request.publish,
        };
        emit_question_event(
            &mut tx,
            WebhookEvent::QuestionAnswered,
            &question,
            Some(answer),
            now,
        )
        .await?;
        let view = self.one_inbox_question(&mut tx, question).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// A new wording (the old one is kept) and/or publishing or unpublishing.
    pub async fn update_answer(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        question_id: QuestionId,
        request: AnswerUpdate,
    ) -> Result<InboxQuestion, SupportError> {
        let mut tx = self.pool.begin().await?;
        let access = vendor::service::access(
            &mut tx,
            principal,
            vendor_id,
            Permission::WriteQuestions,
            false,
        )
        .await?;
        let mut errors = FieldErrors::new();
        let body = request
            .body
            .as_deref()
            .map(|body| errors.check("body", bounded(body, ANSWER_MIN_CHARS, ANSWER_MAX_CHARS)));
        let question = vendors_question(&mut tx, vendor_id, question_id, true).await?;
        let answer = answers_by_question(&mut tx, &[question_id])
            .await?
            .remove(&question_id)
            .ok_or(SupportError::NotAnswered)?;
        if answer.moderation.as_deref() == Some(Moderation::Removed.as_str()) {
            return Err(SupportError::AnswerRemoved);
        }
        errors.finish()?;
        let body = body.flatten().filter(|body| *body != answer.body);
        let published = request.publish.unwrap_or(answer.published);
        if body.is_none() && published == answer.published {
            // Nothing changes, so nobody is told.
            return self.one_inbox_question(&mut tx, question).await;
        }
        let now = self.clock.now();
        repo::update_answer(
            &mut tx,
            answer.id,
            body.as_deref(),
            published,
            author(access.actor),
            now,
        )
        .await?;
        let event_answer = EventAnswer {
            body: body.unwrap_or(answer.body),
            published,
        };
        emit_question_event(
            &mut tx,
            WebhookEvent::QuestionAnswerUpdated,
            &question,
            Some(event_answer),
            now,
        )
        .await?;
        let view = self.one_inbox_question(&mut tx, question).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Refuses an open question (spam, abuse); the asker is told the reason.
    pub async fn reject(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        question_id: QuestionId,
        request: QuestionRejection,
    ) -> Result<InboxQuestion, SupportError> {
        let mut tx = self.pool.begin().await?;
        vendor::service::access(
            &mut tx,
            principal,
            vendor_id,
            Permission::WriteQuestions,
            false,
        )
        .await?;
        let mut errors = FieldErrors::new();
        let reason = errors.check("reason", bounded(&request.reason, 3, 500));
        let question = vendors_question(&mut tx, vendor_id, question_id, true).await?;
        if question.status != QuestionStatus::Open.as_str() {
            return Err(SupportError::NotOpen);
        }
        let reason = errors.finish_with(reason)?;
        let now = self.clock.now();
        repo::set_question_status(
            &mut tx,
            question_id,
            QuestionStatus::Rejected.as_str(),
            Some(&reason),
            now,
        )
        .await?;
        let question = fetch(&mut tx, question_id).await?;
        emit_question_event(
            &mut tx,
            WebhookEvent::QuestionRejected,
            &question,
            None,
            now,
        )
        .await?;
        let view = self.one_inbox_question(&mut tx, question).await?;
        tx.commit().await?;
        Ok(view)
    }

    async fn one_inbox_question(
        &self,
        conn: &mut PgConnection,
        question: QuestionRow,
    ) -> Result<InboxQuestion, SupportError> {
        let mut items = self.inbox_questions(conn, vec![question]).await?;
        items.pop().ok_or(SupportError::QuestionNotFound)
    }

    /// Inbox views of `rows`, with answers and their versions in two queries.
    async fn inbox_questions(
        &self,
        conn: &mut PgConnection,
        rows: Vec<QuestionRow>,
    ) -> Result<Vec<InboxQuestion>, SupportError> {
        let ids: Vec<QuestionId> = rows.iter().map(|row| row.id).collect();
        let answers = repo::answers_of(conn, &ids).await?;
        let answer_ids: Vec<_> = answers.iter().map(|answer| answer.id).collect();
        let mut versions: HashMap<_, Vec<VersionRow>> = HashMap::new();
        for version in repo::versions_of(conn, &answer_ids).await? {
            versions.entry(version.answer_id).or_default().push(version);
        }
        let mut answers: HashMap<QuestionId, AnswerRow> = answers
            .into_iter()
            .map(|answer| (answer.question_id, answer))
            .collect();
        let now = self.clock.now();
        Ok(rows
            .into_iter()
            .map(|row| {
                let answer = answers.remove(&row.id).map(|answer| {
                    let previous = versions.remove(&answer.id).unwrap_or_default();
                    vendor_answer(answer, previous)
                });
                InboxQuestion {
                    id: row.id,
                    product: ProductRef {
                        id: row.product_id,
                        title: row.product_title,
                    },
                    body: row.body,
                    asker_display_name: row.asker_display_name,
                    status: QuestionStatus::parse(&row.status),
                    asked_at: row.created_at,
                    age_seconds: (now - row.created_at).num_seconds().max(0),
                    rejection_reason: row.rejection_reason,
                    moderation: Moderation::parse(row.moderation.as_deref()),
                    answer,
                }
            })
            .collect())
    }

    // ---- responsiveness ----

    pub async fn vendor_responsiveness(
        &self,
        vendor_id: VendorId,
    ) -> Result<Option<Responsiveness>, SupportError> {
        let now = self.clock.now();
        let mut conn = self.pool.acquire().await?;
        let row = repo::responsiveness(
            &mut conn,
            vendor_id,
            now - Duration::days(RESPONSIVENESS_WINDOW_DAYS),
            now - Duration::hours(24),
        )
        .await?;
        Ok(responsiveness_figures(&row))
    }

    // ---- notices ----

    /// Takes a notice from anyone about published content; the notifier gets a receipt.
    pub async fn submit_notice(&self, request: NewNotice) -> Result<NoticeReceipt, SupportError> {
        let mut errors = FieldErrors::new();
        let explanation = errors.check("explanation", bounded(&request.explanation, 20, 5000));
        let name = errors.check("name", text(&request.name, 200, false));
        let email = errors.check(
            "email",
            account::model::Email::parse(&request.email).map(|email| email.as_str().to_owned()),
        );
        if !request.good_faith {
            errors.add(
                "good_faith",
                "must be true: confirm that the notice is accurate and made in good faith",
            );
        }
        let mut tx = self.pool.begin().await?;
        let target = reported(&mut tx, request.target_type, request.target_id).await?;
        let ((explanation, name), email) = errors.finish_with(explanation.zip(name).zip(email))?;
        let (vendor_id, reported_content) = target.ok_or(SupportError::NoticeTargetNotFound)?;
        let id = NoticeId::new();
        let now = self.clock.now();
        repo::insert_notice(
            &mut tx,
            repo::NewNoticeRow {
                id,
                target_type: request.target_type.as_str(),
                target_id: request.target_id,
                vendor_id,
                reason: request.reason.as_str(),
                explanation: &explanation,
                reported_content: &reported_content,
                name: &name,
                email: &email,
                language: request.language.unwrap_or_default().as_str(),
                now,
            },
        )
        .await?;
        outbox::enqueue(
            &mut tx,
            events::NOTICE_RECEIVED,
            id.0,
            &NoticeEvent { notice_id: id },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(NoticeReceipt {
            id,
            target_type: request.target_type,
            target_id: request.target_id,
            status: NoticeStatus::Open,
            received_at: now,
        })
    }

    pub async fn notices(
        &self,
        status: Option<NoticeStatus>,
        page: &PageParams,
    ) -> Result<Page<Notice>, SupportError> {
        let limit = page.limit()?;
        let after = page.after::<(DateTime<Utc>, NoticeId)>()?;
        let status = match status.unwrap_or(NoticeStatus::Open) {
            NoticeStatus::Open => "open",
            NoticeStatus::Decided => "decided",
        };
        let mut conn = self.pool.acquire().await?;
        let rows = repo::notices(&mut conn, status, after, i64::from(limit) + 1).await?;
        let items = rows.into_iter().map(notice_of).collect();
        Ok(Page::from_rows(items, limit, |item: &Notice| {
            (item.received_at, item.id)
        }))
    }

    /// Decides a notice once: `hide` and `remove` take the content off every public
    /// endpoint at once; the notifier and the affected party are told why.
    pub async fn decide_notice(
        &self,
        operator: AccountId,
        notice_id: NoticeId,
        request: NoticeDecisionRequest,
    ) -> Result<Notice, SupportError> {
        let mut errors = FieldErrors::new();
        let statement = errors.check(
            "statement_of_reasons",
            bounded(&request.statement_of_reasons, 20, 5000),
        );
        let mut tx = self.pool.begin().await?;
        let notice = repo::fetch_notice(&mut tx, notice_id, true)
            .await?
            .ok_or(SupportError::NoticeNotFound)?;
        if notice.status != "open" {
            return Err(SupportError::NoticeDecided);
        }
        let statement = errors.finish_with(statement)?;
        let now = self.clock.now();
        let target = NoticeTarget::parse(&notice.target_type);
        if target != NoticeTarget::Product {
            // Serialises the decision with the vendor's edits of the same Q&A.
            repo::fetch_question(&mut tx, QuestionId(notice.target_id), true).await?;
        }
        let moderation = match request.action {
            NoticeAction::Keep => None,
            NoticeAction::Hide => Some(Moderation::Hidden),
            NoticeAction::Remove => Some(Moderation::Removed),
        };
        if let Some(moderation) = moderation {
            restrict(&mut tx, target, notice.target_id, moderation, now).await?;
        }
        repo::decide_notice(
            &mut tx,
            notice_id,
            request.action.as_str(),
            &statement,
            operator,
            now,
        )
        .await?;
        outbox::enqueue(
            &mut tx,
            events::NOTICE_DECIDED,
            notice_id.0,
            &NoticeEvent { notice_id },
            now,
        )
        .await?;
        if moderation.is_some() && target != NoticeTarget::Question {
            let restricted = ContentRestrictedEvent {
                notice_id,
                vendor_id: notice.vendor_id,
                target_type: target,
                target_id: notice.target_id,
                content: notice.reported_content.clone(),
                action: request.action,
                statement_of_reasons: statement,
            };
            outbox::enqueue(
                &mut tx,
                WebhookEvent::ContentRestricted.as_str(),
                notice.vendor_id.0,
                &restricted,
                now,
            )
            .await?;
        }
        let decided = repo::fetch_notice(&mut tx, notice_id, false)
            .await?
            .ok_or(SupportError::NoticeNotFound)?;
        tx.commit().await?;
        Ok(notice_of(decided))
    }

    // ---- webhooks ----

    pub async fn create_webhook(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        request: NewWebhook,
    ) -> Result<CreatedWebhook, SupportError> {
        let mut conn = self.pool.acquire().await?;
        vendor::service::access(
            &mut conn,
            principal,
            vendor_id,
            Permission::ManageApiKeys,
            false,
        )
        .await?;
        let mut errors = FieldErrors::new();
        let url = if request.url.chars().count() > 2000 {
            errors.add("url", "must be at most 2000 characters");
            None
        } else {
            errors.check(
                "url",
                webhook::check_url(&request.url, self.allow_private_webhooks)
                    .map_err(str::to_owned),
            )
        };
        if request.events.is_empty() {
            errors.add("events", "must name at least one event");
        }
        let url = errors.finish_with(url)?;
        if !self.allow_private_webhooks {
            // Each delivery checks again (the name may point elsewhere by then).
            webhook::check_resolves_publicly(&url)
                .await
                .map_err(|refusal| {
                    Problem::validation(vec![kernel::FieldError::new("url", refusal)])
                })?;
        }
        let mut events: Vec<String> = request
            .events
            .iter()
            .map(|event| event.as_str().to_owned())
            .collect();
        events.sort();
        events.dedup();
        let mut secret = [0u8; 32];
        OsRng.fill_bytes(&mut secret);
        let row = repo::WebhookRow {
            id: WebhookId::new(),
            vendor_id,
            url: url.to_string(),
            events,
            secret: format!("whsec_{}", hex::encode(secret)),
            created_at: self.clock.now(),
        };
        repo::insert_webhook(&mut conn, &row).await?;
        let secret = row.secret.clone();
        Ok(CreatedWebhook {
            webhook: webhook_of(row),
            secret,
        })
    }

    pub async fn webhooks(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
    ) -> Result<Vec<Webhook>, SupportError> {
        let mut conn = self.pool.acquire().await?;
        vendor::service::access(
            &mut conn,
            principal,
            vendor_id,
            Permission::ViewApiKeys,
            false,
        )
        .await?;
        Ok(repo::webhooks_of(&mut conn, vendor_id)
            .await?
            .into_iter()
            .map(webhook_of)
            .collect())
    }

    pub async fn delete_webhook(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        webhook_id: WebhookId,
    ) -> Result<(), SupportError> {
        let mut conn = self.pool.acquire().await?;
        vendor::service::access(
            &mut conn,
            principal,
            vendor_id,
            Permission::ManageApiKeys,
            false,
        )
        .await?;
        if repo::delete_webhook(&mut conn, vendor_id, webhook_id, self.clock.now()).await? {
            Ok(())
        } else {
            Err(SupportError::WebhookNotFound)
        }
    }

    /// A webhook's delivery log, newest first, each with its attempts.
    pub async fn deliveries(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
        webhook_id: WebhookId,
        page: &PageParams,
    ) -> Result<Page<WebhookDelivery>, SupportError> {
        let limit = page.limit()?;
        let after = page.after::<(DateTime<Utc>, kernel::id::DeliveryId)>()?;
        let mut conn = self.pool.acquire().await?;
        vendor::service::access(
            &mut conn,
            principal,
            vendor_id,
            Permission::ViewApiKeys,
            false,
        )
        .await?;
        if !repo::webhook_exists(&mut conn, vendor_id, webhook_id).await? {
            return Err(SupportError::WebhookNotFound);
        }
        let rows = repo::deliveries(&mut conn, webhook_id, after, i64::from(limit) + 1).await?;
        let ids: Vec<_> = rows.iter().map(|row| row.id).collect();
        let mut attempts: HashMap<_, Vec<DeliveryAttempt>> = HashMap::new();
        for attempt in repo::attempts_of(&mut conn, &ids).await? {
            attempts
                .entry(attempt.delivery_id)
                .or_default()
                .push(DeliveryAttempt {
                    attempt: attempt.attempt,
                    attempted_at: attempt.attempted_at,
                    status_code: attempt.status_code,
                    error: attempt.error,
                });
        }
        let items = rows
            .into_iter()
            .map(|row| WebhookDelivery {
                attempts: attempts.remove(&row.id).unwrap_or_default(),
                id: row.id,
                event_id: row.event_id,
                event_type: row.event_type,
                status: DeliveryStatus::parse(&row.status),
                created_at: row.created_at,
                next_attempt_at: row.next_attempt_at,
                completed_at: row.completed_at,
            })
            .collect();
        Ok(Page::from_rows(items, limit, |item: &WebhookDelivery| {
            (item.created_at, item.id)
        }))
    }

    // ---- the live feed ----

    /// Checks that `principal` may follow the vendor's feed; returns where "now" is.
    pub async fn open_feed(
        &self,
        principal: &Principal,
        vendor_id: VendorId,
    ) -> Result<i64, SupportError> {
        let mut conn = self.pool.acquire().await?;
        vendor::service::access(
            &mut conn,
            principal,
            vendor_id,
            Permission::ReadQuestions,
            false,
        )
        .await?;
        Ok(repo::feed_head(&mut conn, vendor_id).await?)
    }

    /// Forgets what notifications no longer need: live-feed entries after
    /// [`FEED_RETENTION_DAYS`] (a client away longer resumes with what is left; its inbox has
    /// everything), and delivered events, sent e-mails and webhook deliveries after
    /// [`DELIVERY_RETENTION_DAYS`]. Returns how many rows went.
    pub async fn purge_history(&self) -> Result<u64, SupportError> {
        let now = self.clock.now();
        let mut conn = self.pool.acquire().await?;
        let feed = repo::purge_feed(&mut conn, now - Duration::days(FEED_RETENTION_DAYS)).await?;
        let done = now - Duration::days(DELIVERY_RETENTION_DAYS);
        let deliveries = repo::purge_deliveries(&mut conn, done).await?;
        let events = outbox::purge_delivered(&mut conn, done).await?;
        Ok(feed + deliveries + events)
    }

    /// The vendor's feed entries after `after`, oldest first.
    pub async fn feed_after(
        &self,
        vendor_id: VendorId,
        after: i64,
    ) -> Result<Vec<repo::FeedRow>, SupportError> {
        let mut conn = self.pool.acquire().await?;
        Ok(repo::feed_after(&mut conn, vendor_id, after, 500).await?)
    }
}

impl ResponsivenessSource for SupportService {
    fn responsiveness(
        &self,
        vendor_id: VendorId,
    ) -> LocalBoxFuture<'_, Result<Option<Responsiveness>, Problem>> {
        Box::pin(async move { Ok(self.vendor_responsiveness(vendor_id).await?) })
    }
}

/// The published figures, or `None` below [`RESPONSIVENESS_MIN_QUESTIONS`].
pub fn responsiveness_figures(row: &repo::ResponsivenessRow) -> Option<Responsiveness> {
    if row.questions < RESPONSIVENESS_MIN_QUESTIONS {
        return None;
    }
    Some(Responsiveness {
        median_first_answer_minutes: row
            .median_seconds
            .map(|seconds| (seconds / 60.0).round() as i64),
        answered_within_24h_percent: (row.due > 0)
            .then(|| (row.answered_within_day * 100 + row.due / 2) / row.due),
        questions_counted: row.questions,
    })
}

/// Trimmed text of `min..=max` characters without control characters.
fn bounded(value: &str, min: usize, max: usize) -> Result<String, String> {
    let value = text(value, max, true)?;
    if value.chars().count() < min {
        return Err(format!("must be at least {min} characters"));
    }
    Ok(value)
}

/// A question of the vendor (404 for another vendor's).
async fn vendors_question(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    question_id: QuestionId,
    lock: bool,
) -> Result<QuestionRow, SupportError> {
    repo::fetch_question(conn, question_id, lock)
        .await?
        .filter(|question| question.vendor_id == vendor_id)
        .ok_or(SupportError::QuestionNotFound)
}

async fn fetch(conn: &mut PgConnection, id: QuestionId) -> Result<QuestionRow, SupportError> {
    repo::fetch_question(conn, id, false)
        .await?
        .ok_or(SupportError::QuestionNotFound)
}

async fn answers_by_question(
    conn: &mut PgConnection,
    ids: &[QuestionId],
) -> Result<HashMap<QuestionId, AnswerRow>, SupportError> {
    Ok(repo::answers_of(conn, ids)
        .await?
        .into_iter()
        .map(|answer| (answer.question_id, answer))
        .collect())
}

/// Writes a `question.*` event for the vendor's webhooks and feed and the e-mails.
async fn emit_question_event(
    conn: &mut PgConnection,
    event: WebhookEvent,
    question: &QuestionRow,
    answer: Option<EventAnswer>,
    now: DateTime<Utc>,
) -> Result<(), SupportError> {
    let vendor_name = vendor::service::seller(conn, question.vendor_id)
        .await?
        .map(|seller| seller.display_name)
        .unwrap_or_default();
    let payload = QuestionEvent {
        question_id: question.id,
        vendor_id: question.vendor_id,
        vendor_name,
        product: ProductRef {
            id: question.product_id,
            title: question.product_title.clone(),
        },
        question: question.body.clone(),
        asker_display_name: question.asker_display_name.clone(),
        status: QuestionStatus::parse(&question.status),
        answer,
        rejection_reason: question.rejection_reason.clone(),
    };
    outbox::enqueue(conn, event.as_str(), question.id.0, &payload, now).await?;
    Ok(())
}

fn author(actor: Actor) -> Author {
    match actor {
        Actor::Member { account, .. } => Author {
            account_id: Some(account.id),
            api_key_id: None,
        },
        Actor::ApiKey(key) => Author {
            account_id: None,
            api_key_id: Some(key),
        },
    }
}

/// The vendor and the text of published content of this type and id, if there is such
/// content.
async fn reported(
    conn: &mut PgConnection,
    target: NoticeTarget,
    id: uuid::Uuid,
) -> Result<Option<(VendorId, String)>, SupportError> {
    if target == NoticeTarget::Product {
        return Ok(catalog::service::public_listing(conn, ProductId(id))
            .await?
            .map(|listing| (listing.vendor_id, listing.title)));
    }
    let Some(question) = repo::fetch_question(conn, QuestionId(id), false).await? else {
        return Ok(None);
    };
    let public = catalog::service::public_listing(conn, question.product_id)
        .await?
        .is_some()
        && repo::published_question(conn, question.id).await?;
    if !public {
        return Ok(None);
    }
    let text = match target {
        NoticeTarget::Answer => answers_by_question(conn, &[question.id])
            .await?
            .remove(&question.id)
            .map(|answer| answer.body)
            .unwrap_or_default(),
        _ => question.body,
    };
    Ok(Some((question.vendor_id, text)))
}

/// Takes the content off the public endpoints.
async fn restrict(
    conn: &mut PgConnection,
    target: NoticeTarget,
    id: uuid::Uuid,
    moderation: Moderation,
    now: DateTime<Utc>,
) -> Result<(), SupportError> {
    match target {
        NoticeTarget::Product => {
            catalog::service::restrict_product(
                conn,
                ProductId(id),
                moderation == Moderation::Removed,
                now,
            )
            .await?
        }
        NoticeTarget::Question => {
            repo::set_question_moderation(conn, QuestionId(id), moderation.as_str()).await?
        }
        NoticeTarget::Answer => {
            repo::set_answer_moderation(conn, QuestionId(id), moderation.as_str()).await?
        }
    }
    Ok(())
}

fn first_name(display_name: &str) -> &str {
    display_name
        .split_whitespace()
        .next()
        .unwrap_or(display_name)
}

fn public_question(row: repo::PublicRow, vendor_name: &str) -> PublicQuestion {
    PublicQuestion {
        id: row.id,
        question: row.body,
        asker_name: if row.show_first_name {
            first_name(&row.asker_display_name).to_owned()
        } else {
            "a customer".to_owned()
        },
        asked_at: row.created_at,
        answer: PublicAnswer {
            body: row.answer,
            vendor_name: vendor_name.to_owned(),
            answered_at: row.answered_at,
            updated_at: row.answer_updated_at,
        },
    }
}

fn my_question(row: QuestionRow, answer: Option<AnswerRow>) -> MyQuestion {
    MyQuestion {
        id: row.id,
        product: ProductRef {
            id: row.product_id,
            title: row.product_title,
        },
        body: row.body,
        status: QuestionStatus::parse(&row.status),
        show_first_name: row.show_first_name,
        asked_at: row.created_at,
        rejection_reason: row.rejection_reason,
        answer: answer.map(|answer| AnswerForAsker {
            body: answer.body,
            published: answer.published && answer.moderation.is_none(),
            answered_at: answer.created_at,
            updated_at: answer.updated_at,
        }),
    }
}

fn answer_author(
    account_id: Option<AccountId>,
    display_name: Option<String>,
    api_key_id: Option<kernel::id::ApiKeyId>,
) -> AnswerAuthor {
    AnswerAuthor {
        account_id,
        display_name,
        api_key_id,
    }
}

fn vendor_answer(answer: AnswerRow, previous: Vec<VersionRow>) -> VendorAnswer {
    VendorAnswer {
        id: answer.id,
        body: answer.body,
        published: answer.published,
        author: answer_author(
            answer.author_account_id,
            answer.author_display_name,
            answer.author_api_key_id,
        ),
        answered_at: answer.created_at,
        updated_at: answer.updated_at,
        moderation: Moderation::parse(answer.moderation.as_deref()),
        previous_versions: previous
            .into_iter()
            .map(|version| AnswerVersion {
                body: version.body,
                author: answer_author(
                    version.author_account_id,
                    version.author_display_name,
                    version.author_api_key_id,
                ),
                written_at: version.written_at,
                replaced_at: version.replaced_at,
            })
            .collect(),
    }
}

fn notice_of(row: repo::NoticeRow) -> Notice {
    let decision = match (
        row.action.as_deref(),
        row.statement_of_reasons,
        row.decided_at,
    ) {
        (Some(action), Some(statement), Some(decided_at)) => Some(NoticeDecision {
            action: NoticeAction::parse(action),
            statement_of_reasons: statement,
            decided_at,
        }),
        _ => None,
    };
    Notice {
        id: row.id,
        target_type: NoticeTarget::parse(&row.target_type),
        target_id: row.target_id,
        vendor_id: row.vendor_id,
        reported_content: row.reported_content,
        reason: NoticeReason::parse(&row.reason),
        explanation: row.explanation,
        notifier_name: row.notifier_name,
        notifier_email: row.notifier_email,
        status: if decision.is_some() {
            NoticeStatus::Decided
        } else {
            NoticeStatus::Open
        },
        received_at: row.created_at,
        decision,
    }
}

fn webhook_of(row: repo::WebhookRow) -> Webhook {
    Webhook {
        id: row.id,
        url: row.url,
        events: row
            .events
            .iter()
            .filter_map(|event| WebhookEvent::parse(event))
            .collect(),
        created_at: row.created_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(questions: i64, median_minutes: f64, due: i64, within: i64) -> repo::ResponsivenessRow {
        repo::ResponsivenessRow {
            questions,
            median_seconds: Some(median_minutes * 60.0),
            due,
            answered_within_day: within,
        }
    }

    #[test]
    fn responsiveness_needs_enough_questions() {
        assert_eq!(responsiveness_figures(&row(4, 10.0, 4, 4)), None);
        let figures = responsiveness_figures(&row(5, 90.4, 3, 2)).expect("enough questions");
        assert_eq!(figures.median_first_answer_minutes, Some(90));
        assert_eq!(figures.answered_within_24h_percent, Some(67));
        assert_eq!(figures.questions_counted, 5);
    }

    #[test]
    fn a_vendor_that_never_answers_shows_it() {
        let unanswered = repo::ResponsivenessRow {
            questions: 6,
            median_seconds: None,
            due: 6,
            answered_within_day: 0,
        };
        let figures = responsiveness_figures(&unanswered).expect("enough questions");
        assert_eq!(figures.median_first_answer_minutes, None);
        assert_eq!(figures.answered_within_24h_percent, Some(0));
    }

    #[test]
    fn the_public_name_is_the_first_word() {
        assert_eq!(first_name("Anna Maria Schulz"), "Anna");
        assert_eq!(first_name("Kundin"), "Kundin");
    }
}
