//! Configuration: defaults that work on a developer machine, overridden by an optional TOML
//! file, then by `MARKETPLACE_*` environment variables and `DATABASE_URL`.

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use kernel::rate_limit::AttemptQuota;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::num::NonZeroU32;
use std::path::Path;

/// The config file read when present and no other is named.
pub const DEFAULT_CONFIG_FILE: &str = "marketplace.toml";
const MIN_JWT_SECRET_BYTES: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Environment {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// JSON in production, human-readable in development.
    Auto,
    Json,
    Pretty,
}

/// A value that must never appear in logs or debug output.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A database URL whose password never shows in `Debug` or error messages.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The URL with any password replaced, for messages.
    pub fn redacted(&self) -> String {
        let url = &self.0;
        let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
            return url.clone();
        };
        let authority_end = url[scheme_end..]
            .find('/')
            .map_or(url.len(), |i| scheme_end + i);
        let Some(at) = url[scheme_end..authority_end]
            .rfind('@')
            .map(|i| scheme_end + i)
        else {
            return url.clone();
        };
        match url[scheme_end..at].find(':').map(|i| scheme_end + i) {
            Some(colon) => format!("{}:[redacted]{}", &url[..colon], &url[at..]),
            None => url.clone(),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Every setting of the marketplace. The README lists them with their environment names.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `development` or `production` (`MARKETPLACE_ENV`).
    pub env: Environment,
    /// Address to listen on, `host:port`.
    pub listen: String,
    pub database_url: DatabaseUrl,
    pub database_max_connections: u32,
    /// HMAC key of the access tokens, at least 32 bytes; required in production.
    pub jwt_secret: Option<Secret>,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub access_token_ttl_seconds: u32,
    pub refresh_token_ttl_days: u32,
    /// Largest accepted request body in bytes.
    pub max_body_bytes: usize,
    /// Login, registration and password-change attempts per client: burst, and refill rate.
    pub auth_rate_limit_burst: NonZeroU32,
    pub auth_rate_limit_per_minute: NonZeroU32,
    /// Take the client address from `X-Forwarded-For`; only behind a proxy that sets it.
    pub trust_forwarded_for: bool,
    pub log_format: LogFormat,
    /// `tracing` filter directives, e.g. `info` or `info,account=debug`.
    pub log_filter: String,
    /// HTTP worker threads; by default one per core.
    pub http_workers: Option<usize>,
    /// Seconds in-flight requests get to finish on shutdown.
    pub shutdown_timeout_seconds: u64,
    /// Seconds between runs of the maintenance job (purging expired tokens).
    pub maintenance_interval_seconds: u64,
    /// SMTP server as a URL, e.g. `smtps://user:password@mail.example.de` or
    /// `smtp://localhost:1025` (lettre's format). Without it (development only) e-mails are
    /// recorded in memory and logged, not sent.
    pub smtp_url: Option<Secret>,
    /// The sender of the marketplace's e-mails.
    pub mail_from: String,
    /// Let webhooks target private, loopback and link-local addresses (tests, local setups).
    pub webhook_allow_private_targets: bool,
    /// Run the notification worker (outbox → e-mails, webhooks, live feed) in this process.
    pub notification_worker: bool,
    /// Seconds between the worker's checks for retries that came due (new events wake it at
    /// once).
    pub notification_poll_seconds: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            env: Environment::Development,
            listen: "127.0.0.1:8080".to_owned(),
            database_url: DatabaseUrl::new("postgres://postgres@localhost:5432/marketplace"),
            database_max_connections: 10,
            jwt_secret: None,
            jwt_issuer: "marketplace".to_owned(),
            jwt_audience: "marketplace-api".to_owned(),
            access_token_ttl_seconds: 900,
            refresh_token_ttl_days: 30,
            max_body_bytes: 1024 * 1024,
            auth_rate_limit_burst: NonZeroU32::MIN.saturating_add(9),
            auth_rate_limit_per_minute: NonZeroU32::MIN.saturating_add(9),
            trust_forwarded_for: false,
            log_format: LogFormat::Auto,
            log_filter: "info".to_owned(),
            http_workers: None,
            shutdown_timeout_seconds: 30,
            maintenance_interval_seconds: 300,
            smtp_url: None,
            mail_from: "Marktplatz <no-reply@marktplatz.example>".to_owned(),
            webhook_allow_private_targets: false,
            notification_worker: true,
            notification_poll_seconds: 10,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("configuration: {0}")]
    Invalid(String),
    #[error("configuration file {0} does not exist")]
    MissingFile(String),
}

impl Settings {
    /// Defaults, then the config file (`path`, or `marketplace.toml` if present), then the
    /// environment. Checks the result.
    pub fn load(path: Option<&Path>) -> Result<Settings, SettingsError> {
        let file = match path {
            Some(path) if !path.exists() => {
                return Err(SettingsError::MissingFile(path.display().to_string()))
            }
            Some(path) => path.to_owned(),
            None => DEFAULT_CONFIG_FILE.into(),
        };
        let settings: Settings = Figment::from(Serialized::defaults(Settings::default()))
            .merge(Toml::file(file))
            // Variables read elsewhere, not settings.
            .merge(Env::prefixed("MARKETPLACE_").ignore(&["config", "operator_password"]))
            .merge(Env::raw().only(&["DATABASE_URL"]))
            .extract()
            .map_err(|error| SettingsError::Invalid(error.to_string()))?;
        settings.validate()?;
        Ok(settings)
    }

    pub fn validate(&self) -> Result<(), SettingsError> {
        match (&self.jwt_secret, self.env) {
            (None, Environment::Production) => Err(SettingsError::Invalid(format!(
                "MARKETPLACE_JWT_SECRET is required in production (at least {MIN_JWT_SECRET_BYTES} bytes)"
            ))),
            (Some(secret), _) if secret.expose().len() < MIN_JWT_SECRET_BYTES => {
                Err(SettingsError::Invalid(format!(
                    "MARKETPLACE_JWT_SECRET must be at least {MIN_JWT_SECRET_BYTES} bytes long"
                )))
            }
            _ if self.smtp_url.is_none() && self.env == Environment::Production => {
                Err(SettingsError::Invalid(
                    "MARKETPLACE_SMTP_URL is required in production".to_owned(),
                ))
            }
            // Two connections stay with the LISTENers (notification worker, live feed).
            _ if self.database_max_connections < 3 => Err(SettingsError::Invalid(
                "MARKETPLACE_DATABASE_MAX_CONNECTIONS must be at least 3".to_owned(),
            )),
            _ if self.access_token_ttl_seconds == 0 || self.refresh_token_ttl_days == 0 => {
                Err(SettingsError::Invalid(
                    "token lifetimes must be positive".to_owned(),
                ))
            }
            _ => Ok(()),
        }
    }

    pub fn auth_rate_limit(&self) -> AttemptQuota {
        AttemptQuota {
            burst: self.auth_rate_limit_burst,
            per_minute: self.auth_rate_limit_per_minute,
        }
    }

    pub fn is_production(&self) -> bool {
        self.env == Environment::Production
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_secrets() {
        let settings = Settings {
            jwt_secret: Some(Secret::new("super-secret-value-of-32-bytes!!")),
            smtp_url: Some(Secret::new("smtps://mailer:smtp-password@mail.example.de")),
            database_url: DatabaseUrl::new("postgres://app:hunter2@db.internal:5432/marketplace"),
            ..Settings::default()
        };
        let debug = format!("{settings:?}");
        assert!(!debug.contains("super-secret"), "{debug}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(!debug.contains("smtp-password"), "{debug}");
        assert!(debug.contains("postgres://app:[redacted]@db.internal:5432/marketplace"));
    }

    #[test]
    fn urls_without_password_are_shown_as_they_are() {
        let url = DatabaseUrl::new("postgres://postgres@localhost:5432/marketplace");
        assert_eq!(url.redacted(), url.expose());
        let url = DatabaseUrl::new("postgres://localhost/a@b");
        assert_eq!(url.redacted(), "postgres://localhost/a@b");
    }

    #[test]
    fn production_needs_a_long_jwt_secret() {
        let production = Settings {
            env: Environment::Production,
            ..Settings::default()
        };
        assert!(production.validate().is_err());
        let short = Settings {
            jwt_secret: Some(Secret::new("short")),
            ..production.clone()
        };
        assert!(short.validate().is_err());
        let without_smtp = Settings {
            jwt_secret: Some(Secret::new("x".repeat(32))),
            ..production
        };
        assert!(without_smtp.validate().is_err());
        let good = Settings {
            smtp_url: Some(Secret::new("smtps://user:pw@mail.example.de")),
            ..without_smtp
        };
        assert!(good.validate().is_ok());
        assert!(Settings::default().validate().is_ok());
    }

    #[test]
    fn file_and_environment_override_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "marketplace.toml",
                "listen = \"0.0.0.0:9000\"\nmax_body_bytes = 10",
            )?;
            jail.set_env("MARKETPLACE_MAX_BODY_BYTES", "20");
            jail.set_env("DATABASE_URL", "postgres://x@y/z");
            let settings = Settings::load(None).map_err(|e| e.to_string())?;
            assert_eq!(settings.listen, "0.0.0.0:9000");
            assert_eq!(settings.max_body_bytes, 20);
            assert_eq!(settings.database_url.expose(), "postgres://x@y/z");
            // A secret of digits only is still a string.
            jail.set_env("MARKETPLACE_JWT_SECRET", "12345678901234567890123456789012");
            let settings = Settings::load(None).map_err(|e| e.to_string())?;
            assert_eq!(
                settings
                    .jwt_secret
                    .map(|s| s.expose().to_owned())
                    .as_deref(),
                Some("12345678901234567890123456789012")
            );
            jail.set_env("MARKETPLACE_LISTN", "typo");
            assert!(
                Settings::load(None).is_err(),
                "unknown settings are refused"
            );
            Ok(())
        });
    }
}
