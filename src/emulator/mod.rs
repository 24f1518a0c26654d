//! Loopback emulators of the provider APIs (axum), seeded with real X.509 certificates signed
//! by a demo CA. Used by `certdeck --demo`, `certdeck emulator` and the tests.

pub mod ca;
pub mod harness;
pub mod sectigo;
