//! Sectigo Certificate Manager (SCM) REST API client.
//! See ../shared/reference/sectigo-scm-api.md for the protocol this speaks.
//!
//! Layout: `client` (the `Provider` implementation: list, detail, collect), `list` (paging and
//! completing a family's rows), `ops` (what the
//! other operations share) and, as inherent methods by concern, `meta` (counts, profiles,
//! custom fields, organizations), `report` (the report fast path), `enroll`, `decide`
//! (approve/decline, revoke, renew, replace, delete), `dcv` and `domains`; `http` (SCM on the
//! shared HTTP layer: fixed credential headers, SCM error bodies), `errors` (SCM error codes), `wire`
//! (serde mirrors of the API, lenient dates), `map` (wire → `model`) and `stream` (large
//! JSON answers read as they arrive).

mod act;
pub mod actions;
pub mod client;
pub mod config;
mod dcv;
mod decide;
mod domains;
mod enroll;
pub mod enrolment;
pub mod errors;
pub mod family;
pub mod follow;
pub mod forms;
pub mod http;
mod list;
pub mod map;
mod meta;
pub mod ops;
pub mod outcome;
mod report;
pub mod request;
pub mod setup;
pub mod spec;
pub mod stream;
pub mod views;
pub mod wire;

pub use crate::provider::http::RetryPolicy;
pub use client::{SectigoClient, SectigoSettings};
pub use family::Family;
