//! Loopback emulators of the provider APIs, on the shared `harness` (server, latency, faults,
//! clock, request log), seeded with real X.509 certificates signed by a demo CA. Used by `certdeck --demo`, `certdeck emulator` and the tests.

pub mod ca;
pub mod harness;
pub mod sectigo;
