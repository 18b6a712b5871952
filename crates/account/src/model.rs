//! Account types and the request/response bodies of the account API.

use chrono::{DateTime, Utc};
use kernel::auth::Role;
use kernel::id::AccountId;
use kernel::Language;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub const PASSWORD_MIN_CHARS: usize = 10;
pub const PASSWORD_MAX_CHARS: usize = 128;
pub const DISPLAY_NAME_MAX_CHARS: usize = 100;
const EMAIL_MAX_CHARS: usize = 254;

/// An e-mail address, normalised: surrounding white space removed, domain lower-cased.
/// The local part keeps its case; uniqueness ignores case altogether (`citext`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Email, String> {
        let trimmed = input.trim();
        let invalid = || "is not a valid e-mail address".to_owned();
        let (local, domain) = trimmed.rsplit_once('@').ok_or_else(invalid)?;
        let normalised = format!("{local}@{}", domain.to_lowercase());
        if normalised.chars().count() > EMAIL_MAX_CHARS {
            return Err(format!("must be at most {EMAIL_MAX_CHARS} characters long"));
        }
        // A deliverable address needs a dotted domain; `user@localhost` is not one.
        if !domain.contains('.') || !email_address::EmailAddress::is_valid(&normalised) {
            return Err(invalid());
        }
        Ok(Email(normalised))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: 10–128 characters and not the account's e-mail address.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(input: &str, email: &str) -> Result<NewPassword, String> {
        let length = input.chars().count();
        if !(PASSWORD_MIN_CHARS..=PASSWORD_MAX_CHARS).contains(&length) {
            return Err(format!(
                "must be between {PASSWORD_MIN_CHARS} and {PASSWORD_MAX_CHARS} characters long"
            ));
        }
        if input.trim().eq_ignore_ascii_case(email.trim()) {
            return Err("must not be the e-mail address".to_owned());
        }
        Ok(NewPassword(input.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The name shown for an account: 1–100 characters after trimming, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(input: &str) -> Result<DisplayName, String> {
        let trimmed = input.trim();
        let length = trimmed.chars().count();
        if !(1..=DISPLAY_NAME_MAX_CHARS).contains(&length) {
            return Err(format!(
                "must be between 1 and {DISPLAY_NAME_MAX_CHARS} characters long"
            ));
        }
        if trimmed.chars().any(char::is_control) {
            return Err("must not contain control characters".to_owned());
        }
        Ok(DisplayName(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An account as its owner sees it. Never contains the password hash.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01936f8e-8a3c-7b2e-9c1d-2f4a5b6c7d8e",
    "email": "anna@example.de",
    "display_name": "Anna",
    "role": "customer",
    "language": "de",
    "created_at": "2026-11-22T10:00:00Z"
}))]
pub struct Account {
    pub id: AccountId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// The language of the e-mails the account receives.
    pub language: Language,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"email": "anna@example.de", "password": "correct horse battery", "display_name": "Anna"}))]
pub struct RegisterRequest {
    /// Normalised (trimmed, domain lower-cased); unique regardless of case.
    #[schema(format = "email", max_length = 254)]
    pub email: String,
    /// 10–128 characters, not the e-mail address.
    #[schema(min_length = 10, max_length = 128, format = "password")]
    pub password: String,
    /// Shown to others; 1–100 characters after trimming, no control characters.
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub display_name: String,
    /// The language of the e-mails the account receives (default `de`).
    #[serde(default)]
    pub language: Option<Language>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"email": "anna@example.de", "password": "correct horse battery"}))]
pub struct LoginRequest {
    pub email: String,
    #[schema(format = "password")]
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"refresh_token": "mrt_q2Xo0o2n6w6Yx3S3f6m0Yk1m3uW3j7e1n9b2V4c8d0E"}))]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Tokens for a session: a short-lived access token and a single-use refresh token.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "access_token": "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl",
    "token_type": "Bearer",
    "expires_in": 900,
    "refresh_token": "mrt_q2Xo0o2n6w6Yx3S3f6m0Yk1m3uW3j7e1n9b2V4c8d0E",
    "refresh_expires_in": 2592000
}))]
pub struct TokenResponse {
    /// JWT to send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Opaque; exchange it once at `POST /v1/auth/refresh` for new tokens.
    pub refresh_token: String,
    /// Seconds until the refresh token expires if unused.
    pub refresh_expires_in: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"display_name": "Anna M.", "language": "en"}))]
pub struct UpdateAccountRequest {
    /// Shown to others; 1–100 characters after trimming, no control characters. Unchanged
    /// when absent.
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    #[serde(default)]
    pub display_name: Option<String>,
    /// The language of the e-mails the account receives. Unchanged when absent.
    #[serde(default)]
    pub language: Option<Language>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"current_password": "correct horse battery", "new_password": "staple battery horse"}))]
pub struct ChangePasswordRequest {
    #[schema(format = "password")]
    pub current_password: String,
    #[schema(min_length = 10, max_length = 128, format = "password")]
    pub new_password: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_their_domain_lower_cased() {
        let email = Email::parse("  Anna.Schmidt@Example.DE ").unwrap();
        assert_eq!(email.as_str(), "Anna.Schmidt@example.de");
    }

    #[test]
    fn invalid_emails_are_refused() {
        for bad in [
            "",
            "anna",
            "anna@",
            "@example.de",
            "anna@localhost",
            "an na@example.de",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
        let long = format!("{}@example.de", "a".repeat(250));
        assert!(Email::parse(&long).unwrap_err().contains("254"));
    }

    #[test]
    fn passwords_have_bounds_and_are_not_the_email() {
        assert!(NewPassword::parse("short", "a@b.de").is_err());
        assert!(NewPassword::parse(&"x".repeat(129), "a@b.de").is_err());
        assert!(NewPassword::parse(&"x".repeat(128), "a@b.de").is_ok());
        // Counted in characters, not bytes.
        assert!(NewPassword::parse("ääääääääää", "a@b.de").is_ok());
        assert_eq!(
            NewPassword::parse("Anna@Example.de", "anna@example.de")
                .err()
                .unwrap(),
            "must not be the e-mail address"
        );
    }

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(DisplayName::parse("  Anna ").unwrap().as_str(), "Anna");
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"a".repeat(101)).is_err());
        assert!(DisplayName::parse("An\u{0}na").is_err());
    }
}
