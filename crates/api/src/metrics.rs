//! Prometheus metrics: request counts and latencies per route template (actix-web-prom) and
//! the state of the database pool, read at scrape time.

use prometheus::core::{Collector, Desc};
use prometheus::proto::MetricFamily;
use prometheus::{IntGauge, Opts, Registry};
use sqlx::PgPool;

/// Reports the pool's size and idle connections whenever metrics are gathered.
struct PoolCollector {
    pool: PgPool,
    connections: IntGauge,
    idle: IntGauge,
    max: IntGauge,
}

impl PoolCollector {
    fn new(pool: PgPool) -> prometheus::Result<Self> {
        let gauge = |name: &str, help: &str| {
            IntGauge::with_opts(Opts::new(name, help).namespace("marketplace"))
        };
        Ok(Self {
            pool,
            connections: gauge(
                "db_pool_connections",
                "Open database connections, idle or in use.",
            )?,
            idle: gauge("db_pool_idle_connections", "Idle database connections.")?,
            max: gauge(
                "db_pool_max_connections",
                "Most database connections the pool opens.",
            )?,
        })
    }
}

impl Collector for PoolCollector {
    fn desc(&self) -> Vec<&Desc> {
        [&self.connections, &self.idle, &self.max]
            .into_iter()
            .flat_map(|gauge| gauge.desc())
            .collect()
    }

    fn collect(&self) -> Vec<MetricFamily> {
        self.connections.set(i64::from(self.pool.size()));
        self.idle
            .set(i64::try_from(self.pool.num_idle()).unwrap_or(i64::MAX));
        self.max
            .set(i64::from(self.pool.options().get_max_connections()));
        [&self.connections, &self.idle, &self.max]
            .into_iter()
            .flat_map(|gauge| gauge.collect())
            .collect()
    }
}

/// The registry served at `/metrics` and the middleware that records requests into it.
pub fn setup(pool: PgPool) -> anyhow::Result<(Registry, actix_web_prom::PrometheusMetrics)> {
    let registry = Registry::new();
    registry.register(Box::new(PoolCollector::new(pool)?))?;
    let middleware = actix_web_prom::PrometheusMetricsBuilder::new("marketplace")
        .registry(registry.clone())
        // Unknown paths are one label value, so scanners cannot blow up the series count.
        .mask_unmatched_patterns("UNMATCHED")
        .exclude("/metrics")
        .exclude_regex("^/docs")
        .build()
        .map_err(|error| anyhow::anyhow!("cannot set up metrics: {error}"))?;
    Ok((registry, middleware))
}
