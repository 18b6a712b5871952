//! The outbox events support writes, and their payloads. A payload is what a vendor's
//! webhook and live feed receive as `data`: it never holds an e-mail address. Whom to
//! e-mail is looked up when the event is delivered.

use kernel::id::{NoticeId, QuestionId, VendorId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::model::{NoticeAction, NoticeTarget, ProductRef, QuestionStatus, WebhookEvent};

/// The notifier's receipt (support-internal, e-mail only).
pub const NOTICE_RECEIVED: &str = "notice.received";
/// A decision on a notice (support-internal, e-mail only).
pub const NOTICE_DECIDED: &str = "notice.decided";

/// `data` of every `question.*` event.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QuestionEvent {
    pub question_id: QuestionId,
    pub vendor_id: VendorId,
    pub vendor_name: String,
    pub product: ProductRef,
    pub question: String,
    pub asker_display_name: String,
    pub status: QuestionStatus,
    pub answer: Option<EventAnswer>,
    pub rejection_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EventAnswer {
    pub body: String,
    pub published: bool,
}

/// `data` of `content.restricted`: an operator hid or removed the vendor's product listing
/// or answer after a notice.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ContentRestrictedEvent {
    pub notice_id: NoticeId,
    pub vendor_id: VendorId,
    pub target_type: NoticeTarget,
    #[schema(value_type = String, format = Uuid)]
    pub target_id: uuid::Uuid,
    pub content: String,
    pub action: NoticeAction,
    pub statement_of_reasons: String,
}

/// `data` of the notice events.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NoticeEvent {
    pub notice_id: NoticeId,
}

/// The JSON body of a webhook call and of a live-feed message.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01936f8e-8a3c-7b2e-9c1d-2f4a5b6c7d8e",
    "type": "question.created",
    "created_at": "2026-11-22T09:00:00Z",
    "data": {"question_id": "01936f8e-8a3c-7b2e-9c1d-2f4a5b6c7d8f", "question": "Passt er für Espresso?"}
}))]
pub struct EventEnvelope {
    /// The event id: the same in every retry; receivers de-duplicate on it.
    #[schema(value_type = String, format = Uuid)]
    pub id: uuid::Uuid,
    #[serde(rename = "type")]
    pub event_type: WebhookEvent,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// A `QuestionEvent` for `question.*`, a `ContentRestrictedEvent` for
    /// `content.restricted`.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}
