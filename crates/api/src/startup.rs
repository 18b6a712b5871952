//! Builds the running application on a bound listener, so tests can use port 0.

use account::{AccountService, TokenSettings};
use actix_web::dev::{Server, ServerHandle};
use actix_web::{web, HttpServer};
use catalog::CatalogService;
use kernel::auth::{Authenticator, JwtCodec};
use kernel::json::BodyLimit;
use kernel::rate_limit::CredentialRateLimiter;
use kernel::{Problem, SharedClock};
use rand::{rngs::OsRng, RngCore};
use sqlx::PgPool;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;
use support::mail::{MailRecorder, Mailer};
use support::{FeedHub, Notifier, SupportService};
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::watch;
use vendor::responsiveness::ResponsivenessSource;
use vendor::{MarketplaceAuthenticator, VendorService};

use crate::settings::Settings;
use crate::{app, db, metrics, ops, worker};

pub struct Application {
    port: u16,
    server: Server,
    pool: PgPool,
    accounts: AccountService,
    support: SupportService,
    limiter: web::Data<CredentialRateLimiter>,
    maintenance_interval: Duration,
    notifier: Notifier,
    feed: web::Data<FeedHub>,
    /// `None` when another process runs the notification worker.
    notification_poll: Option<Duration>,
}

impl Application {
    /// Connects to the (already prepared) database and binds the listener; serves nothing
    /// until [`Application::run_until_stopped`].
    pub async fn build(settings: &Settings, clock: SharedClock) -> anyhow::Result<Application> {
        let pool = db::connect(settings).await?;
        let jwt = Arc::new(JwtCodec::new(
            &jwt_secret(settings),
            &settings.jwt_issuer,
            &settings.jwt_audience,
            chrono::Duration::seconds(i64::from(settings.access_token_ttl_seconds)),
            clock.clone(),
        ));
        let authenticator: web::Data<dyn Authenticator> = web::Data::from(Arc::new(
            MarketplaceAuthenticator::new(jwt.clone(), pool.clone(), clock.clone()),
        )
            as Arc<dyn Authenticator>);
        let vendors = web::Data::new(VendorService::new(pool.clone(), clock.clone()));
        let catalog = web::Data::new(CatalogService::new(pool.clone(), clock.clone()));
        let support_service = SupportService::new(
            pool.clone(),
            clock.clone(),
            settings.webhook_allow_private_targets,
        );
        let responsiveness: web::Data<dyn ResponsivenessSource> =
            web::Data::from(Arc::new(support_service.clone()) as Arc<dyn ResponsivenessSource>);
        let support = web::Data::new(support_service.clone());
        let feed = web::Data::new(FeedHub::start(&pool).await?);
        let feed_hub = feed.clone();
        let notifier = Notifier::new(
            pool.clone(),
            clock.clone(),
            mailer(settings)?,
            settings.webhook_allow_private_targets,
        )?;
        let accounts = AccountService::new(
            pool.clone(),
            clock,
            jwt,
            TokenSettings {
                refresh_ttl: chrono::Duration::days(i64::from(settings.refresh_token_ttl_days)),
            },
        );
        let limiter = web::Data::new(CredentialRateLimiter::new(
            settings.auth_rate_limit(),
            settings.trust_forwarded_for,
        ));
        let spec = app::openapi();
        let route_table = web::Data::new(ops::RouteTable::from_openapi(&spec));
        let (registry, request_metrics) = metrics::setup(pool.clone())?;
        let registry = web::Data::new(registry);
        let body_limit = BodyLimit(settings.max_body_bytes);

        let listener = TcpListener::bind(&settings.listen)
            .map_err(|error| anyhow::anyhow!("cannot listen on {}: {error}", settings.listen))?;
        let port = listener.local_addr()?.port();

        let pool_data = web::Data::new(pool.clone());
        let accounts_data = web::Data::new(accounts.clone());
        let server_limiter = limiter.clone();
        let mut server = HttpServer::new(move || {
            let pool = pool_data.clone();
            let accounts = accounts_data.clone();
            let vendors = vendors.clone();
            let catalog = catalog.clone();
            let support = support.clone();
            let responsiveness = responsiveness.clone();
            let feed = feed.clone();
            let authenticator = authenticator.clone();
            let limiter = server_limiter.clone();
            let registry = registry.clone();
            app::build(
                spec.clone(),
                route_table.clone(),
                request_metrics.clone(),
                move |cfg| {
                    cfg.app_data(pool)
                        .app_data(accounts)
                        .app_data(vendors)
                        .app_data(catalog)
                        .app_data(support)
                        .app_data(responsiveness)
                        .app_data(feed)
                        .app_data(authenticator)
                        .app_data(limiter)
                        .app_data(registry)
                        .app_data(body_limit)
                        .app_data(web::PayloadConfig::new(body_limit.0))
                        .app_data(web::QueryConfig::default().error_handler(|error, _| {
                            Problem::bad_request("invalid_query", error.to_string()).into()
                        }));
                },
            )
        })
        .listen(listener)?
        // Signals are handled in `run_until_stopped`, so that they are caught from the
        // moment the server announces itself.
        .disable_signals()
        .shutdown_timeout(settings.shutdown_timeout_seconds);
        if let Some(workers) = settings.http_workers {
            server = server.workers(workers);
        }
        Ok(Application {
            port,
            server: server.run(),
            pool,
            accounts,
            support: support_service,
            limiter,
            maintenance_interval: Duration::from_secs(settings.maintenance_interval_seconds.max(1)),
            notifier,
            feed: feed_hub,
            notification_poll: settings
                .notification_worker
                .then(|| Duration::from_secs(settings.notification_poll_seconds.max(1))),
        })
    }

    /// The notification worker this application runs (or would run): tests drive it.
    pub fn notifier(&self) -> Notifier {
        self.notifier.clone()
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server: graceful (in-flight requests finish) or at once.
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGINT/SIGTERM or a stop through the handle; in-flight requests finish
    /// (up to the shutdown timeout), then background work stops and the pool closes.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let mut terminate = signal(SignalKind::terminate())?;
        let mut interrupt = signal(SignalKind::interrupt())?;
        let handle = self.server.handle();
        let feed = self.feed.clone();
        let on_signal = tokio::spawn(async move {
            tokio::select! {
                _ = terminate.recv() => {}
                _ = interrupt.recv() => {}
            }
            tracing::info!("shutting down; letting in-flight requests finish");
            // Live streams never finish by themselves.
            feed.close();
            handle.stop(true).await;
        });
        tracing::info!(port = self.port, "serving");
        let (stop_tx, stop_rx) = watch::channel(false);
        let maintenance = tokio::spawn(worker::maintain(
            self.accounts,
            self.support,
            self.limiter,
            self.maintenance_interval,
            stop_rx,
        ));
        let notifications = self
            .notification_poll
            .map(|poll| tokio::spawn(self.notifier.run(poll, stop_tx.subscribe())));
        let served = self.server.await;
        on_signal.abort();
        // The receivers only end the loops; a send error means they ended already.
        let _ = stop_tx.send(true);
        if let Err(error) = maintenance.await {
            tracing::warn!(%error, "maintenance task ended abnormally");
        }
        if let Some(task) = notifications {
            if let Err(error) = task.await {
                tracing::warn!(%error, "notification worker ended abnormally");
            }
        }
        self.pool.close().await;
        tracing::info!("stopped");
        served
    }
}

/// SMTP when configured; otherwise (development) messages are recorded in memory.
fn mailer(settings: &Settings) -> anyhow::Result<Mailer> {
    let mailer = match &settings.smtp_url {
        Some(url) => Mailer::smtp(&settings.mail_from, url.expose()),
        None => {
            tracing::warn!(
                "MARKETPLACE_SMTP_URL is not set; e-mails are recorded, not sent (development only)"
            );
            Mailer::recording(&settings.mail_from, MailRecorder::default())
        }
    };
    mailer.map_err(|error| anyhow::anyhow!("configuration: {error}"))
}

/// The configured secret, or in development a random one: tokens then end with the process.
fn jwt_secret(settings: &Settings) -> Vec<u8> {
    match &settings.jwt_secret {
        Some(secret) => secret.expose().as_bytes().to_vec(),
        None => {
            tracing::warn!(
                "MARKETPLACE_JWT_SECRET is not set; using a random key, so tokens do not \
                 survive a restart (development only)"
            );
            let mut secret = vec![0u8; 32];
            OsRng.fill_bytes(&mut secret);
            secret
        }
    }
}
