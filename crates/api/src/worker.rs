//! Background maintenance: deletes refresh tokens and notification history whose purpose
//! has ended, and forgets idle rate-limit entries. Safe with many instances running it.

use account::AccountService;
use actix_web::web;
use kernel::rate_limit::CredentialRateLimiter;
use std::time::Duration;
use support::SupportService;
use tokio::sync::watch;

pub async fn maintain(
    accounts: AccountService,
    support: SupportService,
    limiter: web::Data<CredentialRateLimiter>,
    every: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            _ = interval.tick() => {
                match accounts.purge_expired_refresh_tokens().await {
                    Ok(0) => {}
                    Ok(purged) => tracing::info!(purged, "purged expired refresh tokens"),
                    Err(error) => tracing::warn!(%error, "token purge failed"),
                }
                match support.purge_history().await {
                    Ok(0) => {}
                    Ok(purged) => tracing::info!(purged, "purged old notification history"),
                    Err(error) => tracing::warn!(%error, "notification history purge failed"),
                }
                limiter.forget_idle_clients();
            }
        }
    }
    tracing::info!("maintenance stopped");
}
