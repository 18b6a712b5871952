//! What can go wrong in the account domain, and the problem each becomes.

use actix_web::http::StatusCode;
use kernel::Problem;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("an account with this e-mail exists")]
    EmailTaken,
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("invalid refresh token")]
    InvalidRefreshToken,
    #[error("refresh token reused")]
    RefreshTokenReused,
    #[error("current password is wrong")]
    WrongCurrentPassword,
    #[error("account not found")]
    AccountGone,
    #[error(transparent)]
    Problem(#[from] Problem),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<AccountError> for Problem {
    fn from(error: AccountError) -> Problem {
        match error {
            AccountError::EmailTaken => Problem::new(
                StatusCode::CONFLICT,
                "email_taken",
                "E-mail already registered",
                "An account with this e-mail address exists. Log in instead.",
            ),
            AccountError::InvalidCredentials => Problem::unauthorized(
                "invalid_credentials",
                "The e-mail address or the password is wrong.",
            ),
            AccountError::InvalidRefreshToken => Problem::unauthorized(
                "invalid_refresh_token",
                "The refresh token is unknown, expired or revoked. Log in again.",
            ),
            AccountError::RefreshTokenReused => Problem::unauthorized(
                "refresh_token_reused",
                "This refresh token was already used. For safety the whole session was \
                 revoked. Log in again.",
            ),
            // 403, not 401: the token is fine, and a client must not take this for a logout.
            AccountError::WrongCurrentPassword => Problem::new(
                StatusCode::FORBIDDEN,
                "wrong_current_password",
                "Wrong current password",
                "The current password is not correct; the password was not changed.",
            )
            .with_field("current_password", "is not the current password"),
            AccountError::AccountGone => Problem::unauthorized(
                "invalid_token",
                "The account of this token no longer exists.",
            ),
            AccountError::Problem(problem) => problem,
            AccountError::Database(error) => error.into(),
        }
    }
}
