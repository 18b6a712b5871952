//! Shops: onboarding with the trader data the DSA requires, operator approval, members and
//! their roles, API keys for integrators, store locations, and the public profile.

pub mod access;
pub mod auth;
pub mod error;
pub mod geo;
pub mod hours;
pub mod http;
pub mod model;
pub mod repo;
pub mod responsiveness;
pub mod service;
pub mod validate;

pub use access::{Permission, VendorAccess};
pub use auth::MarketplaceAuthenticator;
pub use error::VendorError;
pub use service::{ensure_can_sell, VendorService};
