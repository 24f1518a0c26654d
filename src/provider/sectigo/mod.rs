//! Sectigo Certificate Manager (SCM) REST API client.
//! See ../shared/reference/sectigo-scm-api.md for the protocol this speaks.
//!
//! Layout: `client` (the `Provider` implementation: list, detail, collect), `ops` (the other
//! operations as inherent methods: enroll, approve, revoke, DCV, domains …), `http` (SCM on the
//! shared HTTP layer: fixed credential headers, SCM error bodies), `errors` (SCM error codes), `wire`
//! (serde mirrors of the API, lenient dates), `map` (wire → `model`) and `stream` (large
//! JSON answers read as they arrive).

mod act;
pub mod client;
pub mod errors;
pub mod follow;
pub mod http;
pub mod map;
pub mod ops;
pub mod spec;
pub mod stream;
pub mod wire;

pub use crate::provider::http::RetryPolicy;
pub use client::{SectigoClient, SectigoSettings};
