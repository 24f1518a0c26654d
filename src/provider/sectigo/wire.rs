//! SCM wire types: serde mirrors of the REST API (names as the API spells them).
//!
//! Everything is tolerant: every field has a default, unknown fields are ignored, and fields
//! whose JSON type is not the documented one (a number sent as a string, `null` for an object,
//! a comma string for an array) are read leniently instead of failing the whole response.
//! Dates stay strings here (the format depends on the endpoint and on `dateFormat`); they are
//! parsed by [`parse_date`], which understands every `dateFormat` variant of the API.
//!
//! By area: `common` (error body, profiles, shared detail objects), `ssl`, `smime_device`,
//! `domains` (organizations, domains, DCV), `report`; `date` and `de` (the lenient readers).

pub mod de;

mod common;
mod date;
mod domains;
mod report;
mod smime_device;
mod ssl;

pub use common::*;
pub use date::*;
pub use domains::*;
pub use report::*;
pub use smime_device::*;
pub use ssl::*;

#[cfg(test)]
mod tests;
