//! The catalog: the category tree (so far), and later products, prices, stock and search.

pub mod error;
pub mod http;
pub mod model;
pub mod pricing;
pub mod repo;
pub mod service;

pub use error::CatalogError;
pub use service::CatalogService;
