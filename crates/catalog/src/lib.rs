//! The catalog: the category tree, products and variants, prices with their history and
//! reductions, stock per store location, and the public search.

pub mod error;
pub mod http;
pub mod model;
pub mod pricing;
pub mod repo;
pub mod search;
pub mod service;

pub use error::CatalogError;
pub use service::CatalogService;
