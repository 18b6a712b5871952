//! Support: a customer's product question goes to the shop that sells the product (never
//! to past buyers), the shop's answer is what customers see; notices of illegal content
//! (DSA Art. 16) and their decisions; and the notifications all of it sends: e-mail,
//! signed webhooks to the shops' own systems, and the vendors' live feed.

pub mod error;
pub mod events;
pub mod feed;
pub mod http;
pub mod mail;
pub mod model;
pub mod notify;
pub mod repo;
pub mod service;
pub mod webhook;

pub use error::SupportError;
pub use feed::FeedHub;
pub use notify::Notifier;
pub use service::SupportService;
