//! Support's domain types and the request and response bodies of its API.

use chrono::{DateTime, Utc};
use kernel::id::{
    AccountId, AnswerId, ApiKeyId, DeliveryId, NoticeId, ProductId, QuestionId, VendorId, WebhookId,
};
use kernel::Language;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub const QUESTION_MIN_CHARS: usize = 10;
pub const QUESTION_MAX_CHARS: usize = 2000;
pub const ANSWER_MIN_CHARS: usize = 2;
pub const ANSWER_MAX_CHARS: usize = 5000;

/// Where a question stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionStatus {
    /// Waiting for the vendor.
    Open,
    Answered,
    /// Refused by the vendor (spam, abuse), with a reason.
    Rejected,
    /// Taken back by the asker before it was answered.
    Withdrawn,
}

impl QuestionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionStatus::Open => "open",
            QuestionStatus::Answered => "answered",
            QuestionStatus::Rejected => "rejected",
            QuestionStatus::Withdrawn => "withdrawn",
        }
    }

    /// The database admits only these four.
    pub fn parse(text: &str) -> QuestionStatus {
        match text {
            "answered" => QuestionStatus::Answered,
            "rejected" => QuestionStatus::Rejected,
            "withdrawn" => QuestionStatus::Withdrawn,
            _ => QuestionStatus::Open,
        }
    }
}

/// Content withheld from the public after a notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Moderation {
    Hidden,
    Removed,
}

impl Moderation {
    pub fn as_str(self) -> &'static str {
        match self {
            Moderation::Hidden => "hidden",
            Moderation::Removed => "removed",
        }
    }

    pub fn parse(text: Option<&str>) -> Option<Moderation> {
        match text {
            Some("hidden") => Some(Moderation::Hidden),
            Some("removed") => Some(Moderation::Removed),
            _ => None,
        }
    }
}

// ---- questions and answers ----

/// A customer's question about a product; it goes to the shop that sells it, and only there.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "Passt der Mahlkönig auch für Espresso?", "show_first_name": true}))]
pub struct NewQuestion {
    /// 10–2,000 characters after trimming.
    #[schema(
        min_length = 10,
        max_length = 2000,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$"
    )]
    pub body: String,
    /// Show the asker's first name on the public Q&A; otherwise "a customer". Default false.
    #[serde(default)]
    pub show_first_name: bool,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SimilarParams {
    /// The question the customer is about to ask (at least 3 characters).
    #[param(
        min_length = 3,
        max_length = 2000,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$"
    )]
    pub q: String,
    /// How many to return (1–20, default 5).
    #[param(minimum = 1, maximum = 20, default = 5)]
    pub limit: Option<u32>,
}

/// A published question with the vendor's answer, as everyone sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936f8e-8a3c-7b2e-9c1d-2f4a5b6c7d8e",
    "question": "Passt der Mahlkönig auch für Espresso?",
    "asker_name": "Anna",
    "asked_at": "2026-11-22T09:00:00Z",
    "answer": {"body": "Ja, er mahlt fein genug.", "vendor_name": "Kaffeerösterei Müller",
               "answered_at": "2026-11-22T10:30:00Z", "updated_at": "2026-11-22T10:30:00Z"}
}))]
pub struct PublicQuestion {
    pub id: QuestionId,
    pub question: String,
    /// The asker's first name, or "a customer" when the asker chose not to show it.
    pub asker_name: String,
    pub asked_at: DateTime<Utc>,
    pub answer: PublicAnswer,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicAnswer {
    pub body: String,
    /// The shop that answered (the product's seller).
    pub vendor_name: String,
    pub answered_at: DateTime<Utc>,
    /// When the wording last changed.
    pub updated_at: DateTime<Utc>,
}

/// A product, as a question refers to it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProductRef {
    pub id: ProductId,
    pub title: String,
}

/// A question as its asker sees it, with the answer even before it is published.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyQuestion {
    pub id: QuestionId,
    pub product: ProductRef,
    pub body: String,
    pub status: QuestionStatus,
    pub show_first_name: bool,
    pub asked_at: DateTime<Utc>,
    /// The vendor's reason, when it rejected the question.
    pub rejection_reason: Option<String>,
    pub answer: Option<AnswerForAsker>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AnswerForAsker {
    pub body: String,
    /// Whether it shows on the product's public Q&A.
    pub published: bool,
    pub answered_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxParams {
    /// Which questions (default `open`). Open questions come oldest first; the others newest
    /// first.
    pub status: Option<QuestionStatus>,
}

/// A question in the vendor's inbox. The asker appears by display name only, never by
/// e-mail address.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InboxQuestion {
    pub id: QuestionId,
    pub product: ProductRef,
    pub body: String,
    pub asker_display_name: String,
    pub status: QuestionStatus,
    pub asked_at: DateTime<Utc>,
    /// Seconds since the question was asked.
    pub age_seconds: i64,
    pub rejection_reason: Option<String>,
    /// Set when an operator restricted the question after a notice.
    pub moderation: Option<Moderation>,
    pub answer: Option<VendorAnswer>,
}

/// Who wrote an answer: a member of the vendor, or one of its API keys.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AnswerAuthor {
    pub account_id: Option<AccountId>,
    /// The member's display name.
    pub display_name: Option<String>,
    pub api_key_id: Option<ApiKeyId>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VendorAnswer {
    pub id: AnswerId,
    pub body: String,
    pub published: bool,
    pub author: AnswerAuthor,
    pub answered_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Set when an operator restricted the answer after a notice.
    pub moderation: Option<Moderation>,
    /// Earlier wordings, oldest first.
    pub previous_versions: Vec<AnswerVersion>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AnswerVersion {
    pub body: String,
    pub author: AnswerAuthor,
    pub written_at: DateTime<Utc>,
    pub replaced_at: DateTime<Utc>,
}

/// The vendor's answer; with `publish` it shows on the product's public Q&A.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"body": "Ja, er mahlt fein genug für Espresso.", "publish": true}))]
pub struct NewAnswer {
    /// 2–5,000 characters after trimming.
    #[schema(
        min_length = 2,
        max_length = 5000,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$"
    )]
    pub body: String,
    pub publish: bool,
}

/// Changes the answer: a new wording (the old one is kept as a previous version), or
/// publishing / unpublishing it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"publish": false}))]
pub struct AnswerUpdate {
    #[schema(
        min_length = 2,
        max_length = 5000,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$"
    )]
    pub body: Option<String>,
    pub publish: Option<bool>,
}

/// Refuses a question (spam, abuse); the asker is told the reason.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Werbung für ein anderes Geschäft."}))]
pub struct QuestionRejection {
    /// 3–500 characters.
    #[schema(
        min_length = 3,
        max_length = 500,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$"
    )]
    pub reason: String,
}

// ---- notices (DSA Art. 16) ----

/// What a notice reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeTarget {
    /// A published question (`target_id` is the question's id).
    Question,
    /// A published answer (`target_id` is the question's id, as shown on the public Q&A).
    Answer,
    /// A product listing (`target_id` is the product's id).
    Product,
}

impl NoticeTarget {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeTarget::Question => "question",
            NoticeTarget::Answer => "answer",
            NoticeTarget::Product => "product",
        }
    }

    pub fn parse(text: &str) -> NoticeTarget {
        match text {
            "question" => NoticeTarget::Question,
            "answer" => NoticeTarget::Answer,
            _ => NoticeTarget::Product,
        }
    }
}

/// Why content is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeReason {
    IllegalContent,
    IntellectualProperty,
    ConsumerProtection,
    UnsafeProduct,
    DataProtection,
    HateOrHarassment,
    ScamOrFraud,
    Other,
}

impl NoticeReason {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeReason::IllegalContent => "illegal_content",
            NoticeReason::IntellectualProperty => "intellectual_property",
            NoticeReason::ConsumerProtection => "consumer_protection",
            NoticeReason::UnsafeProduct => "unsafe_product",
            NoticeReason::DataProtection => "data_protection",
            NoticeReason::HateOrHarassment => "hate_or_harassment",
            NoticeReason::ScamOrFraud => "scam_or_fraud",
            NoticeReason::Other => "other",
        }
    }

    pub fn parse(text: &str) -> NoticeReason {
        [
            NoticeReason::IllegalContent,
            NoticeReason::IntellectualProperty,
            NoticeReason::ConsumerProtection,
            NoticeReason::UnsafeProduct,
            NoticeReason::DataProtection,
            NoticeReason::HateOrHarassment,
            NoticeReason::ScamOrFraud,
        ]
        .into_iter()
        .find(|reason| reason.as_str() == text)
        .unwrap_or(NoticeReason::Other)
    }
}

/// A notice of content the notifier holds illegal or against the rules (DSA Art. 16).
/// Anyone may send one, signed in or not.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "target_type": "answer",
    "target_id": "01936f8e-8a3c-7b2e-9c1d-2f4a5b6c7d8e",
    "reason": "consumer_protection",
    "explanation": "Die Antwort behauptet, das Gerät sei CE-zertifiziert; laut Hersteller ist es das nicht.",
    "name": "Max Mustermann",
    "email": "max@example.de",
    "good_faith": true,
    "language": "de"
}))]
pub struct NewNotice {
    pub target_type: NoticeTarget,
    #[schema(value_type = String, format = Uuid)]
    pub target_id: uuid::Uuid,
    pub reason: NoticeReason,
    /// Why the content is illegal or against the rules: 20–5,000 characters.
    #[schema(
        min_length = 20,
        max_length = 5000,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$"
    )]
    pub explanation: String,
    /// The notifier's name, 1–200 characters.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub name: String,
    /// Where the receipt and the decision go.
    #[schema(format = "email", max_length = 254)]
    pub email: String,
    /// The notifier's statement that the notice is accurate and complete, made in good
    /// faith; must be `true`.
    pub good_faith: bool,
    /// The language of the receipt and the decision (default `de`).
    #[serde(default)]
    pub language: Option<Language>,
}

/// What the notifier gets back at once (a receipt is also e-mailed).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoticeReceipt {
    pub id: NoticeId,
    pub target_type: NoticeTarget,
    #[schema(value_type = String, format = Uuid)]
    pub target_id: uuid::Uuid,
    pub status: NoticeStatus,
    pub received_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeStatus {
    Open,
    Decided,
}

/// What an operator decides about reported content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeAction {
    /// The content stays.
    Keep,
    /// The content is withheld from every public endpoint, kept for an appeal.
    Hide,
    /// The content is taken down for good.
    Remove,
}

impl NoticeAction {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeAction::Keep => "keep",
            NoticeAction::Hide => "hide",
            NoticeAction::Remove => "remove",
        }
    }

    pub fn parse(text: &str) -> NoticeAction {
        match text {
            "hide" => NoticeAction::Hide,
            "remove" => NoticeAction::Remove,
            _ => NoticeAction::Keep,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NoticeQueueParams {
    /// `open` (default; oldest first) or `decided` (newest first).
    pub status: Option<NoticeStatus>,
}

/// A notice as operators review it, with the reported content.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Notice {
    pub id: NoticeId,
    pub target_type: NoticeTarget,
    #[schema(value_type = String, format = Uuid)]
    pub target_id: uuid::Uuid,
    /// The vendor whose listing or Q&A it is.
    pub vendor_id: VendorId,
    /// The reported text (question, answer, or the product's title) as it was when
    /// reported.
    pub reported_content: String,
    pub reason: NoticeReason,
    pub explanation: String,
    pub notifier_name: String,
    pub notifier_email: String,
    pub status: NoticeStatus,
    pub received_at: DateTime<Utc>,
    pub decision: Option<NoticeDecision>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoticeDecision {
    pub action: NoticeAction,
    pub statement_of_reasons: String,
    pub decided_at: DateTime<Utc>,
}

/// The operator's decision; it is sent to the notifier and, unless the content stays, to
/// whoever posted it (DSA Art. 17).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "action": "hide",
    "statement_of_reasons": "Die Antwort enthält eine nachweislich falsche Sicherheitsangabe (Art. 17 DSA)."
}))]
pub struct NoticeDecisionRequest {
    pub action: NoticeAction,
    /// 20–5,000 characters: the facts, the ground (law or rule) and the redress available.
    #[schema(
        min_length = 20,
        max_length = 5000,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$"
    )]
    pub statement_of_reasons: String,
}

// ---- webhooks ----

/// An event a webhook can subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum WebhookEvent {
    #[serde(rename = "question.created")]
    QuestionCreated,
    #[serde(rename = "question.answered")]
    QuestionAnswered,
    /// The answer's wording changed, or it was published or unpublished.
    #[serde(rename = "question.answer_updated")]
    QuestionAnswerUpdated,
    #[serde(rename = "question.rejected")]
    QuestionRejected,
    #[serde(rename = "question.withdrawn")]
    QuestionWithdrawn,
    /// An operator restricted the vendor's product or answer after a notice.
    #[serde(rename = "content.restricted")]
    ContentRestricted,
}

impl WebhookEvent {
    pub const ALL: [WebhookEvent; 6] = [
        WebhookEvent::QuestionCreated,
        WebhookEvent::QuestionAnswered,
        WebhookEvent::QuestionAnswerUpdated,
        WebhookEvent::QuestionRejected,
        WebhookEvent::QuestionWithdrawn,
        WebhookEvent::ContentRestricted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WebhookEvent::QuestionCreated => "question.created",
            WebhookEvent::QuestionAnswered => "question.answered",
            WebhookEvent::QuestionAnswerUpdated => "question.answer_updated",
            WebhookEvent::QuestionRejected => "question.rejected",
            WebhookEvent::QuestionWithdrawn => "question.withdrawn",
            WebhookEvent::ContentRestricted => "content.restricted",
        }
    }

    pub fn parse(text: &str) -> Option<WebhookEvent> {
        Self::ALL.into_iter().find(|event| event.as_str() == text)
    }
}

/// Subscribes a URL of the shop's own systems to events.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://erp.example.de/hooks/marktplatz", "events": ["question.created"]}))]
pub struct NewWebhook {
    /// `https://` (or `http://`) URL of a public host, at most 2,000 characters.
    #[schema(max_length = 2000, example = "https://erp.example.de/hooks/marktplatz")]
    pub url: String,
    #[schema(min_items = 1)]
    pub events: Vec<WebhookEvent>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Webhook {
    pub id: WebhookId,
    pub url: String,
    pub events: Vec<WebhookEvent>,
    pub created_at: DateTime<Utc>,
}

/// A new webhook with its signing secret, shown this once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedWebhook {
    #[serde(flatten)]
    pub webhook: Webhook,
    /// The HMAC-SHA256 key of the `Marketplace-Signature` header. Store it now: it is never
    /// shown again.
    pub secret: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Not delivered yet; `next_attempt_at` says when it is tried (again).
    Pending,
    Delivered,
    /// Given up after the last retry.
    Failed,
}

impl DeliveryStatus {
    pub fn parse(text: &str) -> DeliveryStatus {
        match text {
            "delivered" => DeliveryStatus::Delivered,
            "failed" => DeliveryStatus::Failed,
            _ => DeliveryStatus::Pending,
        }
    }
}

/// One event's delivery to a webhook, with every attempt.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookDelivery {
    pub id: DeliveryId,
    /// The `Marketplace-Event-Id` header: the same for every attempt.
    #[schema(value_type = String, format = Uuid)]
    pub event_id: uuid::Uuid,
    pub event_type: String,
    pub status: DeliveryStatus,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub attempts: Vec<DeliveryAttempt>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryAttempt {
    pub attempt: i32,
    pub attempted_at: DateTime<Utc>,
    /// The receiver's HTTP status, when it answered.
    pub status_code: Option<i32>,
    /// Why the attempt failed without an HTTP status (timeout, refused target, ...).
    pub error: Option<String>,
}
