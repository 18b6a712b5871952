//! Per-client rate limiting of credential endpoints (login, registration, password change),
//! so passwords cannot be guessed at speed. In memory per instance: behind N instances a
//! client gets N times the quota, which still bounds guessing.

use crate::problem::Problem;
use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use futures_util::future::{ready, Ready};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

/// How many credential attempts a client may make.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct AttemptQuota {
    /// Attempts a client may make at once.
    pub burst: NonZeroU32,
    /// Attempts regained per minute.
    pub per_minute: NonZeroU32,
}

pub struct CredentialRateLimiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    trust_forwarded_for: bool,
}

impl CredentialRateLimiter {
    /// With `trust_forwarded_for`, the client is taken from `X-Forwarded-For`/`Forwarded`:
    /// only behind a proxy that sets them, since clients can forge them.
    pub fn new(quota: AttemptQuota, trust_forwarded_for: bool) -> Self {
        let replenish = Duration::from_secs(60) / quota.per_minute.get();
        let quota = Quota::with_period(replenish)
            .unwrap_or_else(|| Quota::per_minute(quota.per_minute))
            .allow_burst(quota.burst);
        Self {
            limiter: RateLimiter::keyed(quota),
            trust_forwarded_for,
        }
    }

    fn client(&self, req: &HttpRequest) -> Option<IpAddr> {
        if self.trust_forwarded_for {
            let info = req.connection_info();
            if let Some(ip) = info
                .realip_remote_addr()
                .and_then(|addr| addr.parse::<IpAddr>().ok())
            {
                return Some(ip);
            }
        }
        req.peer_addr().map(|addr| addr.ip())
    }

    /// Counts one attempt of the request's client; a 429 problem when over the quota.
    pub fn check(&self, req: &HttpRequest) -> Result<(), Problem> {
        let Some(client) = self.client(req) else {
            return Ok(());
        };
        self.limiter.check_key(&client).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            Problem::too_many_requests(wait.as_secs_f64().ceil().max(1.0) as u64)
        })
    }

    /// Forgets clients whose quota is full again, so memory stays bounded.
    pub fn forget_idle_clients(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

/// Put first in a handler's arguments to count the request as a credential attempt.
#[derive(Debug)]
pub struct CredentialAttempt;

impl FromRequest for CredentialAttempt {
    type Error = Problem;
    type Future = Ready<Result<Self, Problem>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let verdict = match req.app_data::<web::Data<CredentialRateLimiter>>() {
            Some(limiter) => limiter.check(req).map(|()| CredentialAttempt),
            None => {
                tracing::error!("no CredentialRateLimiter registered as app data");
                Err(Problem::internal())
            }
        };
        ready(verdict)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn refuses_after_the_burst_with_a_retry_after() {
        let limiter = CredentialRateLimiter::new(
            AttemptQuota {
                burst: NonZeroU32::new(2).unwrap(),
                per_minute: NonZeroU32::new(1).unwrap(),
            },
            false,
        );
        let alice = TestRequest::default()
            .peer_addr("10.0.0.1:1000".parse().unwrap())
            .to_http_request();
        let bob = TestRequest::default()
            .peer_addr("10.0.0.2:1000".parse().unwrap())
            .to_http_request();
        assert!(limiter.check(&alice).is_ok());
        assert!(limiter.check(&alice).is_ok());
        let refused = limiter.check(&alice).unwrap_err();
        assert_eq!(refused.status, 429);
        assert!(refused.to_response().headers().contains_key("retry-after"));
        assert!(limiter.check(&bob).is_ok(), "clients are counted apart");
    }

    #[test]
    fn forwarded_for_is_used_only_when_trusted() {
        let quota = AttemptQuota {
            burst: NonZeroU32::new(1).unwrap(),
            per_minute: NonZeroU32::new(1).unwrap(),
        };
        let request = |forwarded: &str| {
            TestRequest::default()
                .peer_addr("10.0.0.1:1000".parse().unwrap())
                .insert_header(("x-forwarded-for", forwarded))
                .to_http_request()
        };
        let untrusting = CredentialRateLimiter::new(quota, false);
        assert!(untrusting.check(&request("1.1.1.1")).is_ok());
        assert!(untrusting.check(&request("2.2.2.2")).is_err());
        let trusting = CredentialRateLimiter::new(quota, true);
        assert!(trusting.check(&request("1.1.1.1")).is_ok());
        assert!(trusting.check(&request("2.2.2.2")).is_ok());
    }
}
