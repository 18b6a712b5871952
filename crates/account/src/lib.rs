//! Accounts of people: customers and operators. Registration, login, access and refresh
//! tokens, and the account's own profile.

pub mod error;
pub mod http;
pub mod model;
pub mod password;
mod repo;
pub mod service;

pub use error::AccountError;
pub use service::{AccountService, TokenSettings};
