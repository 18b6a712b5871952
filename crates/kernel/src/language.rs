//! The languages the marketplace writes to people in (e-mails, notices).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A person's language for messages: German (the default) or English.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    De,
    En,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::De => "de",
            Language::En => "en",
        }
    }

    /// The stored code; the database admits only known codes, anything else is German.
    pub fn from_code(code: &str) -> Language {
        match code {
            "en" => Language::En,
            _ => Language::De,
        }
    }
}
