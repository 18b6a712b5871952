#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

//! Black-box tests of the marketplace API: each test starts the application on a random
//! port against a fresh database of its own (dropped afterwards), with a manual clock.

mod helpers;

mod auth;
mod categories;
mod cli;
mod errors;
mod locations;
mod me;
mod notices;
mod notifications;
mod openapi;
mod ops;
mod products;
mod questions;
mod search;
mod seed;
mod stock;
mod vendor_access;
mod vendors;
