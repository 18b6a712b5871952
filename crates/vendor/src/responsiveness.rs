//! How quickly a vendor answers customers' questions, shown on its public profile. The
//! figures come from the support domain, which depends on this crate; it provides them
//! through [`ResponsivenessSource`], registered as `web::Data<dyn ResponsivenessSource>`.

use futures_util::future::LocalBoxFuture;
use kernel::id::VendorId;
use kernel::Problem;
use serde::Serialize;
use utoipa::ToSchema;

/// Answer times over the questions asked in the last 90 days.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(example = json!({
    "median_first_answer_minutes": 95,
    "answered_within_24h_percent": 88,
    "questions_counted": 25
}))]
pub struct Responsiveness {
    /// Median time from a question to the vendor's first answer, in minutes, over the
    /// answered questions; `null` when none is answered yet.
    pub median_first_answer_minutes: Option<i64>,
    /// Share (0–100, rounded) of the questions asked at least 24 hours ago that were
    /// answered within 24 hours; `null` while every question is younger.
    pub answered_within_24h_percent: Option<i64>,
    /// How many questions the figures rest on.
    pub questions_counted: i64,
}

pub trait ResponsivenessSource: Send + Sync + 'static {
    /// The vendor's figures, or `None` while there are too few questions to mean something.
    fn responsiveness(
        &self,
        vendor_id: VendorId,
    ) -> LocalBoxFuture<'_, Result<Option<Responsiveness>, Problem>>;
}
