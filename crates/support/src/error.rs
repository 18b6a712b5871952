//! What can go wrong in support, and the problem each becomes.

use actix_web::http::StatusCode;
use kernel::Problem;

#[derive(Debug, thiserror::Error)]
pub enum SupportError {
    #[error("no such product")]
    ProductNotFound,
    #[error("no such question")]
    QuestionNotFound,
    #[error("asking one's own shop")]
    OwnProduct,
    #[error("the question is answered already")]
    AlreadyAnswered,
    #[error("the question has no answer")]
    NotAnswered,
    #[error("the question is no longer open")]
    NotOpen,
    #[error("the answer was removed by moderation")]
    AnswerRemoved,
    #[error("no such notice")]
    NoticeNotFound,
    #[error("the notice is decided")]
    NoticeDecided,
    #[error("the reported content is not public")]
    NoticeTargetNotFound,
    #[error("no such webhook")]
    WebhookNotFound,
    #[error("invalid Last-Event-ID")]
    InvalidLastEventId,
    #[error(transparent)]
    Catalog(#[from] catalog::CatalogError),
    #[error(transparent)]
    Vendor(#[from] vendor::VendorError),
    #[error(transparent)]
    Problem(#[from] Problem),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<SupportError> for Problem {
    fn from(error: SupportError) -> Problem {
        match error {
            SupportError::ProductNotFound => Problem::not_found("No such product."),
            SupportError::QuestionNotFound => Problem::not_found("No such question."),
            SupportError::OwnProduct => Problem::new(
                StatusCode::FORBIDDEN,
                "own_product",
                "Own product",
                "Members of the selling shop cannot ask it questions.",
            ),
            SupportError::AlreadyAnswered => Problem::conflict(
                "already_answered",
                "The question has an answer; change it with PATCH on the answer.",
            ),
            SupportError::NotAnswered => Problem::conflict(
                "not_answered",
                "The question has no answer yet; answer it with POST first.",
            ),
            SupportError::NotOpen => Problem::conflict(
                "question_not_open",
                "Only an open question can be answered, rejected or withdrawn.",
            ),
            SupportError::AnswerRemoved => Problem::conflict(
                "answer_removed",
                "The answer was removed after a notice and can no longer change.",
            ),
            SupportError::NoticeNotFound => Problem::not_found("No such notice."),
            SupportError::NoticeDecided => Problem::conflict(
                "notice_decided",
                "The notice is decided already; its decision stands.",
            ),
            SupportError::NoticeTargetNotFound => Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "notice_target_not_found",
                "Unknown content",
                "There is no published content of this type with this id.",
            )
            .with_field("target_id", "is not published content of target_type"),
            SupportError::WebhookNotFound => Problem::not_found("No such webhook."),
            SupportError::InvalidLastEventId => Problem::bad_request(
                "invalid_last_event_id",
                "Last-Event-ID must be the id of an event this stream sent.",
            ),
            SupportError::Catalog(error) => error.into(),
            SupportError::Vendor(error) => error.into(),
            SupportError::Problem(problem) => problem,
            SupportError::Database(error) => error.into(),
        }
    }
}
