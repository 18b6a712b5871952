//! The `marketplace` command line.

use account::model::RegisterRequest;
use account::{AccountService, TokenSettings};
use clap::{Parser, Subcommand};
use kernel::auth::{JwtCodec, Role};
use kernel::clock::SystemClock;
use kernel::{Problem, SharedClock};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use vendor::VendorService;

use crate::settings::Settings;
use crate::startup::Application;
use crate::{app, db, openapi, telemetry};

#[derive(Debug, Parser)]
#[command(
    name = "marketplace",
    version,
    about = "The Marktplatz marketplace API"
)]
pub struct Cli {
    /// TOML configuration file (default: ./marketplace.toml if present).
    #[arg(long, global = true, env = "MARKETPLACE_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database if needed, run migrations, and serve the API (the default).
    Serve,
    /// Create the database if needed and run pending migrations, then exit.
    Migrate,
    /// Print the OpenAPI document (the content of openapi/openapi.json).
    Openapi,
    /// Create an operator account. The password is read from MARKETPLACE_OPERATOR_PASSWORD
    /// or prompted for; it is never echoed or logged.
    CreateOperator {
        #[arg(long)]
        email: String,
        /// Display name of the operator.
        #[arg(long, default_value = "Operator")]
        name: String,
    },
    /// Load postal-code centroids for `near` searches from a GeoNames postal-code file
    /// (tab-separated, e.g. DE.txt from download.geonames.org/export/zip). Idempotent.
    ImportPostalCodes {
        /// The file to read.
        file: PathBuf,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::Openapi = command {
        // Needs no configuration and no database.
        print!("{}", openapi::to_pretty_json(&app::openapi()));
        return Ok(());
    }
    let settings = Settings::load(cli.config.as_deref())?;
    telemetry::init(&settings);
    match command {
        Command::Serve => {
            db::prepare(&settings).await?;
            let application = Application::build(&settings, Arc::new(SystemClock)).await?;
            application.run_until_stopped().await?;
        }
        Command::Migrate => {
            db::prepare(&settings).await?;
            tracing::info!("migrations applied");
        }
        Command::CreateOperator { email, name } => {
            create_operator(&settings, email, name).await?;
        }
        Command::ImportPostalCodes { file } => {
            let content = std::fs::read_to_string(&file)
                .map_err(|error| anyhow::anyhow!("cannot read {}: {error}", file.display()))?;
            db::prepare(&settings).await?;
            let pool = db::connect(&settings).await?;
            let imported = VendorService::new(pool, Arc::new(SystemClock))
                .import_postal_codes(&content)
                .await
                .map_err(|error| anyhow::anyhow!("{}: {error}", file.display()))?;
            println!("imported {imported} postal codes from {}", file.display());
        }
        Command::Openapi => {}
    }
    Ok(())
}

async fn create_operator(settings: &Settings, email: String, name: String) -> anyhow::Result<()> {
    let password = match std::env::var("MARKETPLACE_OPERATOR_PASSWORD") {
        Ok(password) => password,
        Err(_) if std::io::stdin().is_terminal() => {
            let password = rpassword::prompt_password("Password for the operator: ")?;
            let repeated = rpassword::prompt_password("Repeat it: ")?;
            anyhow::ensure!(password == repeated, "the passwords differ");
            password
        }
        Err(_) => anyhow::bail!(
            "set MARKETPLACE_OPERATOR_PASSWORD or run in a terminal to be asked for the password"
        ),
    };
    db::prepare(settings).await?;
    let pool = db::connect(settings).await?;
    let clock: SharedClock = Arc::new(SystemClock);
    // Creating an account issues no tokens; the key only completes the service.
    let jwt = Arc::new(JwtCodec::new(
        &[0; 32],
        &settings.jwt_issuer,
        &settings.jwt_audience,
        chrono::Duration::seconds(i64::from(settings.access_token_ttl_seconds)),
        clock.clone(),
    ));
    let service = AccountService::new(
        pool,
        clock,
        jwt,
        TokenSettings {
            refresh_ttl: chrono::Duration::days(i64::from(settings.refresh_token_ttl_days)),
        },
    );
    let request = RegisterRequest {
        email,
        password,
        display_name: name,
    };
    match service.create_account(request, Role::Operator).await {
        Ok(account) => {
            println!("created operator {} ({})", account.id, account.email);
            Ok(())
        }
        Err(error) => {
            let problem = Problem::from(error);
            let fields: Vec<String> = problem
                .errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect();
            anyhow::bail!("{} {}", problem.detail, fields.join("; "))
        }
    }
}
