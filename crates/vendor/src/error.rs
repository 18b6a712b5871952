//! What can go wrong in the vendor domain, and the problem each becomes.

use actix_web::http::StatusCode;
use kernel::auth::{ApiScope, VendorRole};
use kernel::Problem;

use crate::model::{Transition, VendorStatus};

#[derive(Debug, thiserror::Error)]
pub enum VendorError {
    #[error("no such vendor, or not one of the caller's")]
    NotFound,
    #[error("no such {0}")]
    ResourceNotFound(&'static str),
    #[error("the member's role is too low")]
    InsufficientRole(VendorRole),
    #[error("the API key lacks the scope")]
    InsufficientScope(Option<ApiScope>),
    #[error("the vendor is suspended")]
    Suspended,
    #[error("the vendor is closed")]
    Closed,
    #[error("invalid transition")]
    InvalidTransition {
        transition: Transition,
        from: VendorStatus,
    },
    #[error("trader data locked")]
    TraderDataLocked(VendorStatus),
    #[error("slug taken")]
    SlugTaken,
    #[error("unknown postal code")]
    UnknownPostalCode { field: String },
    #[error("no account with this e-mail")]
    UnknownAccount,
    #[error("already a member")]
    AlreadyMember,
    #[error("last owner")]
    LastOwner,
    #[error("the vendor cannot sell")]
    NotApproved(VendorStatus),
    #[error(transparent)]
    Problem(#[from] Problem),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<VendorError> for Problem {
    fn from(error: VendorError) -> Problem {
        match error {
            VendorError::NotFound => Problem::not_found("No such vendor, or not one of yours."),
            VendorError::ResourceNotFound(what) => {
                Problem::not_found(format!("No such {what} in this vendor."))
            }
            VendorError::InsufficientRole(needed) => Problem::new(
                StatusCode::FORBIDDEN,
                "insufficient_role",
                "Insufficient role",
                format!("This needs the role `{}` in this vendor.", needed.as_str()),
            ),
            VendorError::InsufficientScope(scope) => Problem::new(
                StatusCode::FORBIDDEN,
                "insufficient_scope",
                "Insufficient scope",
                match scope {
                    Some(scope) => format!("This API key lacks the scope `{}`.", scope.as_str()),
                    None => "API keys cannot do this; sign in as a member.".to_owned(),
                },
            ),
            VendorError::Suspended => Problem::new(
                StatusCode::FORBIDDEN,
                "vendor_suspended",
                "Vendor suspended",
                "The vendor is suspended: its API keys can only read.",
            ),
            VendorError::Closed => {
                Problem::conflict("vendor_closed", "The vendor is closed; nothing can change.")
            }
            VendorError::InvalidTransition { transition, from } => Problem::conflict(
                "invalid_transition",
                format!(
                    "Cannot {} a vendor that is {}.",
                    transition.verb(),
                    from.as_str()
                ),
            ),
            VendorError::TraderDataLocked(status) => Problem::conflict(
                "trader_data_locked",
                format!(
                    "The trader data of a vendor that is {} cannot be edited; it can change \
                     while the application is pending or changes were requested.",
                    status.as_str()
                ),
            ),
            VendorError::SlugTaken => Problem::conflict(
                "slug_taken",
                "Another vendor has this slug; choose another.",
            )
            .with_field("slug", "is taken"),
            VendorError::UnknownPostalCode { field } => Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_postal_code",
                "Unknown postal code",
                "The postal code is not known; give coordinates instead.",
            )
            .with_field(&field, "is not a known postal code"),
            VendorError::UnknownAccount => Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_account",
                "Unknown account",
                "No account has this e-mail address; the person must register first.",
            )
            .with_field("email", "is not a registered account"),
            VendorError::AlreadyMember => Problem::conflict(
                "already_member",
                "This account is already a member; change its role instead.",
            ),
            VendorError::LastOwner => Problem::conflict(
                "last_owner",
                "A vendor needs an owner: make another member owner first.",
            ),
            VendorError::NotApproved(status) => Problem::conflict(
                "vendor_not_approved",
                format!(
                    "Only an approved vendor can sell; this one is {}.",
                    status.as_str()
                ),
            ),
            VendorError::Problem(problem) => problem,
            VendorError::Database(error) => error.into(),
        }
    }
}

/// Errors of the postal-code import (a command-line job, not an HTTP request).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    Format(String),
    #[error("cannot store the postal codes: {0}")]
    Database(#[from] sqlx::Error),
}
