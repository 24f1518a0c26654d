//! Sectigo Certificate Manager (SCM) REST API client.
//! See ../shared/reference/sectigo-scm-api.md for the protocol this speaks.

pub mod client;
pub mod map;
pub mod wire;

pub use client::{SectigoClient, SectigoSettings};
