//! Sectigo SCM emulator. (Skeleton: being implemented.)

use std::time::Duration;

/// How to seed and run the emulator.
#[derive(Debug, Clone)]
pub struct SectigoOptions {
    /// Number of SSL certificates in the seeded data (demo: 2,000).
    pub ssl_count: usize,
    /// Added to every response (demo: a few tens of milliseconds).
    pub latency: Duration,
    /// Seed for the deterministic demo data.
    pub seed: u64,
    /// "Now" for the demo data, Unix seconds (expiry dates are spread around it).
    pub now: i64,
}

/// Fault knobs for tests: each applies to the next matching request(s).
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Reply to the next JSON request with a body that is not valid JSON.
    MalformedJson,
    /// Reply to the next request with this HTTP status and a generic error body.
    Status(u16),
}

/// A running emulator. Dropping it (or `shutdown`) stops the server.
pub struct SectigoEmulator {
    /// e.g. `http://127.0.0.1:41234`
    pub base_url: String,
    pub login: String,
    pub password: String,
    pub customer_uri: String,
}

impl SectigoEmulator {
    pub async fn start(_opts: SectigoOptions) -> anyhow::Result<SectigoEmulator> {
        todo!("emulator")
    }
    pub fn inject(&self, _fault: Fault) {
        todo!("emulator faults")
    }
    pub async fn shutdown(self) {}
}

impl Default for SectigoOptions {
    fn default() -> Self {
        SectigoOptions {
            ssl_count: 2000,
            latency: Duration::from_millis(30),
            seed: 7,
            now: 0,
        }
    }
}
