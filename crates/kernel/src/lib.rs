//! Shared vocabulary of the marketplace: everything more than one domain crate speaks.
//! Nothing here knows about a particular domain's rules.

pub mod auth;
pub mod clock;
pub mod db;
pub mod id;
pub mod json;
pub mod language;
pub mod money;
pub mod openapi;
pub mod outbox;
pub mod pagination;
pub mod problem;
pub mod rate_limit;
pub mod slug;
pub mod validation;

pub use clock::{Clock, SharedClock};
pub use language::Language;
pub use problem::{FieldError, Problem};
