//! All SQL of the support domain.

use chrono::{DateTime, Utc};
use kernel::id::{
    AccountId, AnswerId, ApiKeyId, DeliveryId, NoticeId, ProductId, QuestionId, VendorId, WebhookId,
};
use sqlx::PgConnection;
use uuid::Uuid;

// ---- questions ----

pub struct NewQuestionRow<'a> {
    pub id: QuestionId,
    pub product_id: ProductId,
    pub vendor_id: VendorId,
    pub asker_id: AccountId,
    pub body: &'a str,
    pub show_first_name: bool,
    pub now: DateTime<Utc>,
}

pub async fn insert_question(
    conn: &mut PgConnection,
    question: NewQuestionRow<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO questions (id, product_id, vendor_id, asker_id, body, show_first_name,
                                status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'open', $7)",
        question.id.0,
        question.product_id.0,
        question.vendor_id.0,
        question.asker_id.0,
        question.body,
        question.show_first_name,
        question.now,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A question with its product's title and the asker's display name.
pub struct QuestionRow {
    pub id: QuestionId,
    pub product_id: ProductId,
    pub product_title: String,
    pub vendor_id: VendorId,
    pub asker_id: AccountId,
    pub asker_display_name: String,
    pub body: String,
    pub show_first_name: bool,
    pub status: String,
    pub rejection_reason: Option<String>,
    pub moderation: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// One question; with `lock`, its row stays locked until the transaction ends.
pub async fn fetch_question(
    conn: &mut PgConnection,
    id: QuestionId,
    lock: bool,
) -> Result<Option<QuestionRow>, sqlx::Error> {
    if lock {
        sqlx::query!("SELECT id FROM questions WHERE id = $1 FOR UPDATE", id.0)
            .fetch_optional(&mut *conn)
            .await?;
    }
    sqlx::query_as!(
        QuestionRow,
        r#"SELECT q.id AS "id: QuestionId", q.product_id AS "product_id: ProductId",
                  p.title AS product_title, q.vendor_id AS "vendor_id: VendorId",
                  q.asker_id AS "asker_id: AccountId", a.display_name AS asker_display_name,
                  q.body, q.show_first_name, q.status, q.rejection_reason, q.moderation,
                  q.created_at
           FROM questions q
           JOIN products p ON p.id = q.product_id
           JOIN accounts a ON a.id = q.asker_id
           WHERE q.id = $1"#,
        id.0,
    )
    .fetch_optional(conn)
    .await
}

/// A vendor's questions in one status: oldest first, or newest first with `newest_first`.
pub async fn inbox(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    status: &str,
    newest_first: bool,
    after: Option<(DateTime<Utc>, QuestionId)>,
    limit: i64,
) -> Result<Vec<QuestionRow>, sqlx::Error> {
    let (after_time, after_id) = after.map_or((None, None), |(time, id)| (Some(time), Some(id.0)));
    if newest_first {
        sqlx::query_as!(
            QuestionRow,
            r#"SELECT q.id AS "id: QuestionId", q.product_id AS "product_id: ProductId",
                      p.title AS product_title, q.vendor_id AS "vendor_id: VendorId",
                      q.asker_id AS "asker_id: AccountId", a.display_name AS asker_display_name,
                      q.body, q.show_first_name, q.status, q.rejection_reason, q.moderation,
                      q.created_at
               FROM questions q
               JOIN products p ON p.id = q.product_id
               JOIN accounts a ON a.id = q.asker_id
               WHERE q.vendor_id = $1 AND q.status = $2
                 AND ($3::timestamptz IS NULL OR (q.created_at, q.id) < ($3, $4))
               ORDER BY q.created_at DESC, q.id DESC
               LIMIT $5"#,
            vendor_id.0,
            status,
            after_time,
            after_id,
            limit,
        )
        .fetch_all(conn)
        .await
    } else {
        sqlx::query_as!(
            QuestionRow,
            r#"SELECT q.id AS "id: QuestionId", q.product_id AS "product_id: ProductId",
                      p.title AS product_title, q.vendor_id AS "vendor_id: VendorId",
                      q.asker_id AS "asker_id: AccountId", a.display_name AS asker_display_name,
                      q.body, q.show_first_name, q.status, q.rejection_reason, q.moderation,
                      q.created_at
               FROM questions q
               JOIN products p ON p.id = q.product_id
               JOIN accounts a ON a.id = q.asker_id
               WHERE q.vendor_id = $1 AND q.status = $2
                 AND ($3::timestamptz IS NULL OR (q.created_at, q.id) > ($3, $4))
               ORDER BY q.created_at, q.id
               LIMIT $5"#,
            vendor_id.0,
            status,
            after_time,
            after_id,
            limit,
        )
        .fetch_all(conn)
        .await
    }
}

/// An asker's questions, newest first.
pub async fn questions_of_asker(
    conn: &mut PgConnection,
    asker_id: AccountId,
    after: Option<(DateTime<Utc>, QuestionId)>,
    limit: i64,
) -> Result<Vec<QuestionRow>, sqlx::Error> {
    let (after_time, after_id) = after.map_or((None, None), |(time, id)| (Some(time), Some(id.0)));
    sqlx::query_as!(
        QuestionRow,
        r#"SELECT q.id AS "id: QuestionId", q.product_id AS "product_id: ProductId",
                  p.title AS product_title, q.vendor_id AS "vendor_id: VendorId",
                  q.asker_id AS "asker_id: AccountId", a.display_name AS asker_display_name,
                  q.body, q.show_first_name, q.status, q.rejection_reason, q.moderation,
                  q.created_at
           FROM questions q
           JOIN products p ON p.id = q.product_id
           JOIN accounts a ON a.id = q.asker_id
           WHERE q.asker_id = $1
             AND ($2::timestamptz IS NULL OR (q.created_at, q.id) < ($2, $3))
           ORDER BY q.created_at DESC, q.id DESC
           LIMIT $4"#,
        asker_id.0,
        after_time,
        after_id,
        limit,
    )
    .fetch_all(conn)
    .await
}

pub async fn set_question_status(
    conn: &mut PgConnection,
    id: QuestionId,
    status: &str,
    rejection_reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE questions
         SET status = $2, rejection_reason = $3,
             first_answered_at = CASE WHEN $2 = 'answered' THEN COALESCE(first_answered_at, $4)
                                      ELSE first_answered_at END,
             closed_at = CASE WHEN $2 IN ('rejected', 'withdrawn') THEN $4 END
         WHERE id = $1",
        id.0,
        status,
        rejection_reason,
        now,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_question_moderation(
    conn: &mut PgConnection,
    id: QuestionId,
    moderation: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        // A removal is final: a later "hide" does not soften it.
        "UPDATE questions SET moderation = CASE WHEN moderation = 'removed' THEN moderation ELSE $2 END
         WHERE id = $1",
        id.0,
        moderation
    )
    .execute(conn)
    .await?;
    Ok(())
}

// ---- answers ----

pub struct AnswerRow {
    pub id: AnswerId,
    pub question_id: QuestionId,
    pub body: String,
    pub published: bool,
    pub author_account_id: Option<AccountId>,
    pub author_display_name: Option<String>,
    pub author_api_key_id: Option<ApiKeyId>,
    pub moderation: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub async fn answers_of(
    conn: &mut PgConnection,
    question_ids: &[QuestionId],
) -> Result<Vec<AnswerRow>, sqlx::Error> {
    let ids: Vec<Uuid> = question_ids.iter().map(|id| id.0).collect();
    sqlx::query_as!(
        AnswerRow,
        r#"SELECT an.id AS "id: AnswerId", an.question_id AS "question_id: QuestionId",
                  an.body, an.published,
                  an.author_account_id AS "author_account_id: AccountId",
                  a.display_name AS "author_display_name?",
                  an.author_api_key_id AS "author_api_key_id: ApiKeyId",
                  an.moderation, an.created_at, an.updated_at
           FROM answers an LEFT JOIN accounts a ON a.id = an.author_account_id
           WHERE an.question_id = ANY($1)"#,
        &ids,
    )
    .fetch_all(conn)
    .await
}

pub struct VersionRow {
    pub answer_id: AnswerId,
    pub body: String,
    pub author_account_id: Option<AccountId>,
    pub author_display_name: Option<String>,
    pub author_api_key_id: Option<ApiKeyId>,
    pub written_at: DateTime<Utc>,
    pub replaced_at: DateTime<Utc>,
}

pub async fn versions_of(
    conn: &mut PgConnection,
    answer_ids: &[AnswerId],
) -> Result<Vec<VersionRow>, sqlx::Error> {
    let ids: Vec<Uuid> = answer_ids.iter().map(|id| id.0).collect();
    sqlx::query_as!(
        VersionRow,
        r#"SELECT v.answer_id AS "answer_id: AnswerId", v.body,
                  v.author_account_id AS "author_account_id: AccountId",
                  a.display_name AS "author_display_name?",
                  v.author_api_key_id AS "author_api_key_id: ApiKeyId",
                  v.written_at, v.replaced_at
           FROM answer_versions v LEFT JOIN accounts a ON a.id = v.author_account_id
           WHERE v.answer_id = ANY($1)
           ORDER BY v.replaced_at, v.id"#,
        &ids,
    )
    .fetch_all(conn)
    .await
}

/// The member or API key that writes an answer.
#[derive(Debug, Clone, Copy)]
pub struct Author {
    pub account_id: Option<AccountId>,
    pub api_key_id: Option<ApiKeyId>,
}

pub async fn insert_answer(
    conn: &mut PgConnection,
    question_id: QuestionId,
    body: &str,
    published: bool,
    author: Author,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO answers (id, question_id, body, published, author_account_id,
                              author_api_key_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        Uuid::now_v7(),
        question_id.0,
        body,
        published,
        author.account_id.map(|id| id.0),
        author.api_key_id.map(|id| id.0),
        now,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces the wording (the current one moves to the versions) and/or the publication.
pub async fn update_answer(
    conn: &mut PgConnection,
    answer_id: AnswerId,
    new_body: Option<&str>,
    published: bool,
    author: Author,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    if let Some(body) = new_body {
        sqlx::query!(
            "INSERT INTO answer_versions (id, answer_id, body, author_account_id,
                                          author_api_key_id, written_at, replaced_at)
             SELECT $1, id, body, author_account_id, author_api_key_id, updated_at, $3
             FROM answers WHERE id = $2",
            Uuid::now_v7(),
            answer_id.0,
            now,
        )
        .execute(&mut *conn)
        .await?;
        sqlx::query!(
            "UPDATE answers SET body = $2, author_account_id = $3, author_api_key_id = $4,
                                updated_at = $5
             WHERE id = $1",
            answer_id.0,
            body,
            author.account_id.map(|id| id.0),
            author.api_key_id.map(|id| id.0),
            now,
        )
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query!(
        "UPDATE answers SET published = $2 WHERE id = $1",
        answer_id.0,
        published
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_answer_moderation(
    conn: &mut PgConnection,
    question_id: QuestionId,
    moderation: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE answers SET moderation = CASE WHEN moderation = 'removed' THEN moderation ELSE $2 END
         WHERE question_id = $1",
        question_id.0,
        moderation
    )
    .execute(conn)
    .await?;
    Ok(())
}

// ---- the public Q&A ----

/// A published question and answer, with the product's vendor name.
pub struct PublicRow {
    pub id: QuestionId,
    pub body: String,
    pub show_first_name: bool,
    pub asker_display_name: String,
    pub created_at: DateTime<Utc>,
    pub answer: String,
    pub answered_at: DateTime<Utc>,
    pub answer_updated_at: DateTime<Utc>,
}

/// Published Q&A of a product, newest question first.
pub async fn published(
    conn: &mut PgConnection,
    product_id: ProductId,
    after: Option<(DateTime<Utc>, QuestionId)>,
    limit: i64,
) -> Result<Vec<PublicRow>, sqlx::Error> {
    let (after_time, after_id) = after.map_or((None, None), |(time, id)| (Some(time), Some(id.0)));
    sqlx::query_as!(
        PublicRow,
        r#"SELECT q.id AS "id: QuestionId", q.body, q.show_first_name,
                  a.display_name AS asker_display_name, q.created_at,
                  an.body AS answer, an.created_at AS answered_at,
                  an.updated_at AS answer_updated_at
           FROM questions q
           JOIN answers an ON an.question_id = q.id AND an.published AND an.moderation IS NULL
           JOIN accounts a ON a.id = q.asker_id
           WHERE q.product_id = $1 AND q.status = 'answered' AND q.moderation IS NULL
             AND ($2::timestamptz IS NULL OR (q.created_at, q.id) < ($2, $3))
           ORDER BY q.created_at DESC, q.id DESC
           LIMIT $4"#,
        product_id.0,
        after_time,
        after_id,
        limit,
    )
    .fetch_all(conn)
    .await
}

/// Whether the question shows on the public Q&A.
pub async fn published_question(
    conn: &mut PgConnection,
    question_id: QuestionId,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (
               SELECT 1 FROM questions q
               JOIN answers an ON an.question_id = q.id AND an.published AND an.moderation IS NULL
               WHERE q.id = $1 AND q.status = 'answered' AND q.moderation IS NULL
           ) AS "published!""#,
        question_id.0,
    )
    .fetch_one(conn)
    .await
}

/// Published Q&A of a product whose question is like `q`: the same stemmed words, or
/// similar spelling (trigrams); best match first.
pub async fn similar(
    conn: &mut PgConnection,
    product_id: ProductId,
    q: &str,
    limit: i64,
) -> Result<Vec<PublicRow>, sqlx::Error> {
    sqlx::query_as!(
        PublicRow,
        r#"SELECT q.id AS "id: QuestionId", q.body, q.show_first_name,
                  a.display_name AS asker_display_name, q.created_at,
                  an.body AS answer, an.created_at AS answered_at,
                  an.updated_at AS answer_updated_at
           FROM questions q
           JOIN answers an ON an.question_id = q.id AND an.published AND an.moderation IS NULL
           JOIN accounts a ON a.id = q.asker_id,
           LATERAL (SELECT websearch_to_tsquery('german', fold_german($2)) AS query,
                           fold_german($2) AS folded) s
           WHERE q.product_id = $1 AND q.status = 'answered' AND q.moderation IS NULL
             AND (q.search_vector @@ s.query OR word_similarity(s.folded, fold_german(q.body)) >= 0.4)
           ORDER BY ts_rank(q.search_vector, s.query) + word_similarity(s.folded, fold_german(q.body)) DESC,
                    q.created_at DESC, q.id DESC
           LIMIT $3"#,
        product_id.0,
        q,
        limit,
    )
    .fetch_all(conn)
    .await
}

/// The vendor's answer times over questions asked since `since` (withdrawn and rejected
/// ones aside): how many, the median seconds to the first answer, and of the questions asked
/// before `day_ago`, how many there are and how many were answered within a day.
pub struct ResponsivenessRow {
    pub questions: i64,
    pub median_seconds: Option<f64>,
    pub due: i64,
    pub answered_within_day: i64,
}

pub async fn responsiveness(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    since: DateTime<Utc>,
    day_ago: DateTime<Utc>,
) -> Result<ResponsivenessRow, sqlx::Error> {
    sqlx::query_as!(
        ResponsivenessRow,
        r#"SELECT count(*) AS "questions!",
                  percentile_cont(0.5) WITHIN GROUP
                      (ORDER BY extract(epoch FROM first_answered_at - created_at)::float8)
                      AS median_seconds,
                  count(*) FILTER (WHERE created_at <= $3) AS "due!",
                  count(*) FILTER (WHERE created_at <= $3
                                     AND first_answered_at <= created_at + interval '24 hours')
                      AS "answered_within_day!"
           FROM questions
           WHERE vendor_id = $1 AND created_at > $2 AND status IN ('open', 'answered')"#,
        vendor_id.0,
        since,
        day_ago,
    )
    .fetch_one(conn)
    .await
}

// ---- notices ----

pub struct NewNoticeRow<'a> {
    pub id: NoticeId,
    pub target_type: &'a str,
    pub target_id: Uuid,
    pub vendor_id: VendorId,
    pub reason: &'a str,
    pub explanation: &'a str,
    pub reported_content: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub language: &'a str,
    pub now: DateTime<Utc>,
}

pub async fn insert_notice(
    conn: &mut PgConnection,
    notice: NewNoticeRow<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO notices (id, target_type, target_id, vendor_id, reason, explanation,
                              reported_content, notifier_name, notifier_email, notifier_language,
                              status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', $11)",
        notice.id.0,
        notice.target_type,
        notice.target_id,
        notice.vendor_id.0,
        notice.reason,
        notice.explanation,
        notice.reported_content,
        notice.name,
        notice.email,
        notice.language,
        notice.now,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub struct NoticeRow {
    pub id: NoticeId,
    pub target_type: String,
    pub target_id: Uuid,
    pub vendor_id: VendorId,
    pub reason: String,
    pub explanation: String,
    pub notifier_name: String,
    pub notifier_email: String,
    pub notifier_language: String,
    pub status: String,
    pub action: Option<String>,
    pub statement_of_reasons: Option<String>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The reported text as it was when reported.
    pub reported_content: String,
}

pub async fn fetch_notice(
    conn: &mut PgConnection,
    id: NoticeId,
    lock: bool,
) -> Result<Option<NoticeRow>, sqlx::Error> {
    if lock {
        sqlx::query!("SELECT id FROM notices WHERE id = $1 FOR UPDATE", id.0)
            .fetch_optional(&mut *conn)
            .await?;
    }
    sqlx::query_as!(
        NoticeRow,
        r#"SELECT n.id AS "id: NoticeId", n.target_type, n.target_id,
                  n.vendor_id AS "vendor_id: VendorId", n.reason, n.explanation,
                  n.notifier_name, n.notifier_email::text AS "notifier_email!",
                  n.notifier_language, n.status, n.action, n.statement_of_reasons,
                  n.created_at, n.decided_at, n.reported_content
           FROM notices n WHERE n.id = $1"#,
        id.0,
    )
    .fetch_optional(conn)
    .await
}

/// Notices in one status: open ones oldest first, decided ones newest first.
pub async fn notices(
    conn: &mut PgConnection,
    status: &str,
    after: Option<(DateTime<Utc>, NoticeId)>,
    limit: i64,
) -> Result<Vec<NoticeRow>, sqlx::Error> {
    let (after_time, after_id) = after.map_or((None, None), |(time, id)| (Some(time), Some(id.0)));
    sqlx::query_as!(
        NoticeRow,
        r#"SELECT n.id AS "id: NoticeId", n.target_type, n.target_id,
                  n.vendor_id AS "vendor_id: VendorId", n.reason, n.explanation,
                  n.notifier_name, n.notifier_email::text AS "notifier_email!",
                  n.notifier_language, n.status, n.action, n.statement_of_reasons,
                  n.created_at, n.decided_at, n.reported_content
           FROM notices n
           WHERE n.status = $1
             AND ($2::timestamptz IS NULL
                  OR (n.status = 'open' AND (n.created_at, n.id) > ($2, $3))
                  OR (n.status = 'decided' AND (n.created_at, n.id) < ($2, $3)))
           ORDER BY CASE WHEN n.status = 'open' THEN n.created_at END,
                    CASE WHEN n.status = 'open' THEN n.id END,
                    n.created_at DESC, n.id DESC
           LIMIT $4"#,
        status,
        after_time,
        after_id,
        limit,
    )
    .fetch_all(conn)
    .await
}

pub async fn decide_notice(
    conn: &mut PgConnection,
    id: NoticeId,
    action: &str,
    statement: &str,
    operator: AccountId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE notices SET status = 'decided', action = $2, statement_of_reasons = $3,
                            decided_by = $4, decided_at = $5
         WHERE id = $1",
        id.0,
        action,
        statement,
        operator.0,
        now,
    )
    .execute(conn)
    .await?;
    Ok(())
}

// ---- webhooks ----

pub struct WebhookRow {
    pub id: WebhookId,
    pub vendor_id: VendorId,
    pub url: String,
    pub events: Vec<String>,
    pub secret: String,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_webhook(conn: &mut PgConnection, row: &WebhookRow) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO webhooks (id, vendor_id, url, events, secret, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        row.id.0,
        row.vendor_id.0,
        row.url,
        &row.events,
        row.secret,
        row.created_at,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A vendor's webhooks, oldest first; deleted ones are gone.
pub async fn webhooks_of(
    conn: &mut PgConnection,
    vendor_id: VendorId,
) -> Result<Vec<WebhookRow>, sqlx::Error> {
    sqlx::query_as!(
        WebhookRow,
        r#"SELECT id AS "id: WebhookId", vendor_id AS "vendor_id: VendorId", url, events,
                  secret, created_at
           FROM webhooks
           WHERE vendor_id = $1 AND deleted_at IS NULL
           ORDER BY created_at, id"#,
        vendor_id.0,
    )
    .fetch_all(conn)
    .await
}

/// Deleting keeps the row for the delivery log; nothing is delivered to it any more, and
/// its pending deliveries are given up, in one statement.
pub async fn delete_webhook(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    id: WebhookId,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"WITH deleted AS (
               UPDATE webhooks SET deleted_at = $3
               WHERE id = $1 AND vendor_id = $2 AND deleted_at IS NULL
               RETURNING id
           ), given_up AS (
               UPDATE webhook_deliveries
               SET status = 'failed', next_attempt_at = NULL, completed_at = $3
               WHERE webhook_id IN (SELECT id FROM deleted) AND status = 'pending'
           )
           SELECT EXISTS (SELECT 1 FROM deleted) AS "deleted!""#,
        id.0,
        vendor_id.0,
        now,
    )
    .fetch_one(conn)
    .await
}

/// Whether the vendor has (or had: deleted ones keep their log) this webhook.
pub async fn webhook_exists(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    id: WebhookId,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM webhooks WHERE id = $1 AND vendor_id = $2) AS "exists!""#,
        id.0,
        vendor_id.0,
    )
    .fetch_one(conn)
    .await
}

/// The live webhooks of a vendor subscribed to `event_type`.
pub async fn subscribers(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    event_type: &str,
) -> Result<Vec<WebhookId>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT id AS "id: WebhookId" FROM webhooks
           WHERE vendor_id = $1 AND deleted_at IS NULL AND $2 = ANY(events)"#,
        vendor_id.0,
        event_type,
    )
    .fetch_all(conn)
    .await
}

pub async fn insert_delivery(
    conn: &mut PgConnection,
    webhook_id: WebhookId,
    event_id: Uuid,
    event_type: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, body, status,
                                         next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, 'pending', $6, $6)
         ON CONFLICT ON CONSTRAINT webhook_deliveries_event_key DO NOTHING",
        Uuid::now_v7(),
        webhook_id.0,
        event_id,
        event_type,
        body,
        now,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub struct DueDelivery {
    pub id: DeliveryId,
    /// Until when this worker holds the claim; its result only counts while it does.
    pub lease: DateTime<Utc>,
    pub event_id: Uuid,
    pub event_type: String,
    pub body: String,
    pub attempts: i32,
    pub url: String,
    pub secret: String,
}

/// Claims a due delivery of a live webhook that no other worker holds: reserves it until
/// `lease_until`, so the call happens outside any transaction.
pub async fn claim_due_delivery(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> Result<Option<DueDelivery>, sqlx::Error> {
    sqlx::query_as!(
        DueDelivery,
        r#"WITH due AS (
               SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
               WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND w.deleted_at IS NULL
               ORDER BY d.next_attempt_at, d.id
               LIMIT 1
               FOR UPDATE OF d SKIP LOCKED
           )
           UPDATE webhook_deliveries d SET next_attempt_at = $2
           FROM due, webhooks w
           WHERE d.id = due.id AND w.id = d.webhook_id
           RETURNING d.id AS "id: DeliveryId", d.next_attempt_at AS "lease!", d.event_id,
                     d.event_type, d.body, d.attempts, w.url, w.secret"#,
        now,
        lease_until,
    )
    .fetch_optional(conn)
    .await
}

/// Records an attempt and the delivery's new state: `next_attempt_at` for a retry, none
/// when it is delivered or given up. Nothing is recorded (`false`) when the claim was lost
/// meanwhile: the webhook was deleted, or the lease ran out and another worker took over.
#[allow(clippy::too_many_arguments)]
pub async fn record_attempt(
    conn: &mut PgConnection,
    delivery: &DueDelivery,
    attempt: i32,
    status_code: Option<i32>,
    error: Option<&str>,
    status: &str,
    next_attempt_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query!(
        "UPDATE webhook_deliveries
         SET attempts = $3, status = $4, next_attempt_at = $5,
             completed_at = CASE WHEN $4 = 'pending' THEN NULL ELSE $6::timestamptz END
         WHERE id = $1 AND status = 'pending' AND next_attempt_at = $2",
        delivery.id.0,
        delivery.lease,
        attempt,
        status,
        next_attempt_at,
        now,
    )
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query!(
        "INSERT INTO webhook_attempts (delivery_id, attempt, attempted_at, status_code, error)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING",
        delivery.id.0,
        attempt,
        now,
        status_code,
        error,
    )
    .execute(conn)
    .await?;
    Ok(true)
}

pub struct DeliveryRow {
    pub id: DeliveryId,
    pub event_id: Uuid,
    pub event_type: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
}

/// A webhook's deliveries, newest first.
pub async fn deliveries(
    conn: &mut PgConnection,
    webhook_id: WebhookId,
    after: Option<(DateTime<Utc>, DeliveryId)>,
    limit: i64,
) -> Result<Vec<DeliveryRow>, sqlx::Error> {
    let (after_time, after_id) = after.map_or((None, None), |(time, id)| (Some(time), Some(id.0)));
    sqlx::query_as!(
        DeliveryRow,
        r#"SELECT id AS "id: DeliveryId", event_id, event_type, status, created_at,
                  next_attempt_at, completed_at
           FROM webhook_deliveries
           WHERE webhook_id = $1
             AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3))
           ORDER BY created_at DESC, id DESC
           LIMIT $4"#,
        webhook_id.0,
        after_time,
        after_id,
        limit,
    )
    .fetch_all(conn)
    .await
}

pub struct AttemptRow {
    pub delivery_id: DeliveryId,
    pub attempt: i32,
    pub attempted_at: DateTime<Utc>,
    pub status_code: Option<i32>,
    pub error: Option<String>,
}

pub async fn attempts_of(
    conn: &mut PgConnection,
    delivery_ids: &[DeliveryId],
) -> Result<Vec<AttemptRow>, sqlx::Error> {
    let ids: Vec<Uuid> = delivery_ids.iter().map(|id| id.0).collect();
    sqlx::query_as!(
        AttemptRow,
        r#"SELECT delivery_id AS "delivery_id: DeliveryId", attempt, attempted_at,
                  status_code, error
           FROM webhook_attempts WHERE delivery_id = ANY($1)
           ORDER BY delivery_id, attempt"#,
        &ids,
    )
    .fetch_all(conn)
    .await
}

// ---- e-mails ----

pub struct NewEmail<'a> {
    pub event_id: Uuid,
    pub recipient: &'a str,
    pub template: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub now: DateTime<Utc>,
}

pub async fn insert_email(conn: &mut PgConnection, email: NewEmail<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO email_deliveries (id, event_id, recipient, template, subject, body, status,
                                       next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $7)
         ON CONFLICT ON CONSTRAINT email_deliveries_event_key DO NOTHING",
        Uuid::now_v7(),
        email.event_id,
        email.recipient,
        email.template,
        email.subject,
        email.body,
        email.now,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub struct DueEmail {
    pub id: Uuid,
    /// Until when this worker holds the claim; its result only counts while it does.
    pub lease: DateTime<Utc>,
    pub recipient: String,
    pub subject: String,
    pub body: Option<String>,
    pub attempts: i32,
}

/// Claims a due e-mail that no other worker holds: reserves it until `lease_until`, so it
/// is sent outside any transaction.
pub async fn claim_due_email(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> Result<Option<DueEmail>, sqlx::Error> {
    sqlx::query_as!(
        DueEmail,
        r#"UPDATE email_deliveries SET next_attempt_at = $2
           WHERE id = (SELECT id FROM email_deliveries
                       WHERE status = 'pending' AND next_attempt_at <= $1
                       ORDER BY next_attempt_at, id
                       LIMIT 1
                       FOR UPDATE SKIP LOCKED)
           RETURNING id, next_attempt_at AS "lease!", recipient::text AS "recipient!", subject,
                     body, attempts"#,
        now,
        lease_until,
    )
    .fetch_optional(conn)
    .await
}

/// The outcome of a sending attempt, unless the claim was lost meanwhile (the lease ran
/// out and another worker took over). A sent message's body is deleted: nothing needs it.
pub async fn record_email_attempt(
    conn: &mut PgConnection,
    email: &DueEmail,
    attempts: i32,
    status: &str,
    next_attempt_at: Option<DateTime<Utc>>,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE email_deliveries
         SET attempts = $3, status = $4, next_attempt_at = $5, last_error = $6,
             body = CASE WHEN $4 = 'sent' THEN NULL ELSE body END,
             completed_at = CASE WHEN $4 = 'pending' THEN NULL ELSE $7::timestamptz END
         WHERE id = $1 AND status = 'pending' AND next_attempt_at = $2",
        email.id,
        email.lease,
        attempts,
        status,
        next_attempt_at,
        error,
        now,
    )
    .execute(conn)
    .await?;
    Ok(())
}

// ---- the vendors' live feed ----

pub const FEED_CHANNEL: &str = "vendor_feed";
/// Announces (on commit) that e-mails or webhook calls are waiting.
pub const DELIVERIES_CHANNEL: &str = "notification_deliveries";

pub async fn announce_deliveries(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query!("SELECT pg_notify($1, '')", DELIVERIES_CHANNEL)
        .execute(conn)
        .await?;
    Ok(())
}

/// Appends an event to the vendor's feed under the next sequence number and announces it
/// (on commit) on [`FEED_CHANNEL`] as `vendor_id:seq`.
pub async fn append_to_feed(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    event_id: Uuid,
    event_type: &str,
    data: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let seq = sqlx::query_scalar!(
        "INSERT INTO vendor_feed_heads (vendor_id, last_seq) VALUES ($1, 1)
         ON CONFLICT (vendor_id) DO UPDATE SET last_seq = vendor_feed_heads.last_seq + 1
         RETURNING last_seq",
        vendor_id.0,
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO vendor_feed (vendor_id, seq, event_id, event_type, data, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        vendor_id.0,
        seq,
        event_id,
        event_type,
        data,
        now,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "SELECT pg_notify($1, $2)",
        FEED_CHANNEL,
        format!("{vendor_id}:{seq}"),
    )
    .execute(conn)
    .await?;
    Ok(seq)
}

pub struct FeedRow {
    pub seq: i64,
    pub event_type: String,
    pub data: serde_json::Value,
}

pub async fn feed_after(
    conn: &mut PgConnection,
    vendor_id: VendorId,
    after: i64,
    limit: i64,
) -> Result<Vec<FeedRow>, sqlx::Error> {
    sqlx::query_as!(
        FeedRow,
        "SELECT seq, event_type, data FROM vendor_feed
         WHERE vendor_id = $1 AND seq > $2
         ORDER BY seq
         LIMIT $3",
        vendor_id.0,
        after,
        limit,
    )
    .fetch_all(conn)
    .await
}

/// Forgets e-mails and webhook deliveries (with their attempts) completed before `before`:
/// they hold addresses and question texts no longer needed. Returns how many.
pub async fn purge_deliveries(
    conn: &mut PgConnection,
    before: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let emails = sqlx::query!(
        "DELETE FROM email_deliveries WHERE completed_at < $1",
        before
    )
    .execute(&mut *conn)
    .await?;
    let calls = sqlx::query_scalar!(
        r#"WITH done AS (
               SELECT id FROM webhook_deliveries WHERE completed_at < $1
           ), attempts AS (
               DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM done)
           ), deliveries AS (
               DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM done) RETURNING id
           )
           SELECT count(*) AS "count!" FROM deliveries"#,
        before,
    )
    .fetch_one(conn)
    .await?;
    Ok(emails.rows_affected() + calls.unsigned_abs())
}

/// Forgets feed entries written before `before`; returns how many.
pub async fn purge_feed(
    conn: &mut PgConnection,
    before: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let result = sqlx::query!("DELETE FROM vendor_feed WHERE created_at < $1", before)
        .execute(conn)
        .await?;
    Ok(result.rows_affected())
}

/// The vendor's latest sequence number (0 before its first event).
pub async fn feed_head(conn: &mut PgConnection, vendor_id: VendorId) -> Result<i64, sqlx::Error> {
    Ok(sqlx::query_scalar!(
        "SELECT last_seq FROM vendor_feed_heads WHERE vendor_id = $1",
        vendor_id.0
    )
    .fetch_optional(conn)
    .await?
    .unwrap_or(0))
}

/// The asker's address and language, for the e-mails about their question.
pub async fn asker_contact(
    conn: &mut PgConnection,
    question_id: QuestionId,
) -> Result<Option<(String, String)>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT a.email::text AS "email!", a.language
           FROM questions q JOIN accounts a ON a.id = q.asker_id
           WHERE q.id = $1"#,
        question_id.0,
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|row| (row.email, row.language)))
}
