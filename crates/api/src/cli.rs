//! The `marketplace` command line.

use account::model::RegisterRequest;
use account::{AccountService, TokenSettings};
use catalog::CatalogService;
use clap::{Parser, Subcommand};
use kernel::auth::{JwtCodec, Role};
use kernel::clock::SystemClock;
use kernel::SharedClock;
use sqlx::PgPool;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use vendor::VendorService;

use crate::bench::BenchArgs;
use crate::seed::demo::{DemoOutcome, DemoPassword, DemoServices, DEMO_OPERATOR_EMAIL};
use crate::settings::Settings;
use crate::startup::Application;
use crate::{app, bench, db, openapi, seed, telemetry};

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
    /// Seed a small demo marketplace in Freiburg im Breisgau (six shops, about fifty
    /// products, stock, two running reductions) through the services, so every rule
    /// applies. Every demo login uses the password from MARKETPLACE_DEMO_PASSWORD (default
    /// "marktplatz-demo"). Does nothing if the demo data is already there.
    SeedDemo,
    /// Append a generated data set for load tests with COPY, in one transaction: approved
    /// vendors with 1–3 store locations around Freiburg, a shared category tree (`bench-…`),
    /// active products with 1–3 priced variants, price history, the price timeline and stock.
    /// Slugs and SKUs carry a run tag, so runs add to each other.
    SeedBench {
        /// How many vendors to create.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        vendors: u32,
        /// How many products to create (spread over the vendors).
        #[arg(long, value_parser = clap::value_parser!(u32).range(0..=10_000_000))]
        products: u32,
        /// Seed of the generator: the same seed gives the same data (ids aside).
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Run a mixed read workload (search, listings, near, product pages) against a running
    /// server on this machine and print requests, errors, throughput and p50/p95/p99
    /// latency per kind. Only loopback URLs are used; it stops after --requests or
    /// --duration-seconds.
    Bench(BenchArgs),
    /// Load postal-code centroids for `near` searches from a GeoNames postal-code file
    /// (tab-separated, e.g. DE.txt from download.geonames.org/export/zip). Idempotent.
    ImportPostalCodes {
        /// The file to read.
        file: PathBuf,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let command = cli.command.unwrap_or(Command::Serve);
    match command {
        // These need no configuration and no database.
        Command::Openapi => {
            print!("{}", openapi::to_pretty_json(&app::openapi()));
            return Ok(());
        }
        Command::Bench(args) => return bench::run(args).await,
        _ => {}
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
        Command::SeedDemo => {
            db::prepare(&settings).await?;
            let pool = db::connect(&settings).await?;
            let clock: SharedClock = Arc::new(SystemClock);
            let services = DemoServices {
                accounts: account_service(&settings, pool.clone(), clock.clone()),
                vendors: VendorService::new(pool.clone(), clock.clone()),
                catalog: CatalogService::new(pool, clock),
            };
            match seed::seed_demo(&services, &DemoPassword::from_env()).await? {
                DemoOutcome::AlreadyThere => println!(
                    "The demo data is already there ({DEMO_OPERATOR_EMAIL} exists); nothing to do."
                ),
                DemoOutcome::Created(summary) => print!("{summary}"),
            }
        }
        Command::SeedBench {
            vendors,
            products,
            seed,
        } => {
            db::prepare(&settings).await?;
            let pool = db::connect(&settings).await?;
            let plan = seed::BenchSeed {
                vendors,
                products,
                seed,
            };
            let report = seed::seed_bench(&pool, plan).await?;
            println!("{report}");
        }
        Command::Openapi | Command::Bench(_) => {}
    }
    Ok(())
}

/// The account service for commands; it creates accounts but issues no tokens, so the JWT
/// key only completes it.
fn account_service(settings: &Settings, pool: PgPool, clock: SharedClock) -> AccountService {
    let jwt = Arc::new(JwtCodec::new(
        &[0; 32],
        &settings.jwt_issuer,
        &settings.jwt_audience,
        chrono::Duration::seconds(i64::from(settings.access_token_ttl_seconds)),
        clock.clone(),
    ));
    AccountService::new(
        pool,
        clock,
        jwt,
        TokenSettings {
            refresh_ttl: chrono::Duration::days(i64::from(settings.refresh_token_ttl_days)),
        },
    )
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
    let service = account_service(settings, pool, Arc::new(SystemClock));
    let request = RegisterRequest {
        email,
        password,
        display_name: name,
        language: None,
    };
    match service.create_account(request, Role::Operator).await {
        Ok(account) => {
            println!("created operator {} ({})", account.id, account.email);
            Ok(())
        }
        Err(error) => Err(seed::problem_error(error)),
    }
}
