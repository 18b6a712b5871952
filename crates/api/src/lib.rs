//! The marketplace application: configuration, start-up, routing, OpenAPI and the
//! command line. The domain crates bring their routes; this crate composes them.

pub mod app;
pub mod bench;
pub mod cli;
pub mod db;
mod metrics;
pub mod middleware;
pub mod openapi;
pub mod ops;
pub mod seed;
pub mod settings;
pub mod startup;
pub mod telemetry;
mod worker;
