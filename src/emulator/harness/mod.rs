//! The harness every emulator runs on, product-neutral: a loopback HTTP/1.1 server
//! ([`Server`]) that hands each request to a [`Product`] (the emulated API), with what tests
//! need around it:
//!
//! - latency added to every request;
//! - fault injection ([`Fault`], [`FaultRule`]): an error status, 429 with `Retry-After`, a
//!   dropped connection, a malformed or truncated body, a hang, an expired session (whose
//!   answer the product gives), for the next request(s), on a path prefix, `times(n)`;
//! - a controllable [`Clock`] the products read their "now" from (real, frozen, advanced);
//! - the [`RequestLog`]: method, path and query, status answered, time; tests wait on it
//!   (`wait_requests(n)`, `wait_idle()`) instead of sleeping.
//!
//! A request goes: body read → logged → latency → a fault that replaces the answer (status,
//! 429, drop, hang, expired session) → the product → a fault that spoils the answer
//! (malformed, truncated) → sent, its status logged.

mod clock;
mod fault;
mod log;
mod server;

use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::Response;
use tokio::sync::watch;

pub use self::clock::Clock;
pub use self::fault::{Fault, FaultRule};
pub use self::log::{LOG_CAP, LoggedRequest, RequestLog};
pub use self::server::Server;

use self::fault::Faults;

/// A request as a product sees it, its body read whole.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    pub uri: Uri,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Request {
    /// The path, without the query string.
    pub fn path(&self) -> &str {
        self.uri.path()
    }

    /// A header's value, if it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// One emulated product API: the shared state it keeps is its own (`&self`).
pub trait Product: Send + Sync + 'static {
    /// Answers one request; None when no such path exists (answered with `not_found`).
    fn handle(&self, req: &Request) -> impl Future<Output = Option<Response>> + Send;

    /// The product's answer for a path it does not serve.
    fn not_found(&self, req: &Request) -> Response;

    /// The product's error answer with this status (for [`Fault::Status`] and
    /// [`Fault::RetryAfter`]).
    fn status_error(&self, status: StatusCode) -> Response;

    /// The product's "your session has expired" answer to `req` (for
    /// [`Fault::ExpireSession`]); None when the request has no session to expire (a login,
    /// an unauthenticated call): the fault then waits for the next one.
    fn session_expired(&self, req: &Request) -> Option<Response>;

    /// Whether an answer is in the product's body format (for [`Fault::MalformedBody`]).
    /// Default: JSON.
    fn in_format(&self, headers: &HeaderMap) -> bool {
        headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"))
    }

    /// A body that does not parse in the product's format, made from the real one.
    /// Default: its first half followed by an HTML proxy error (never valid JSON).
    fn malformed(&self, body: &[u8]) -> Bytes {
        let mut broken = body[..body.len() / 2].to_vec();
        broken.extend_from_slice(b"<html>502 Bad Gateway");
        Bytes::from(broken)
    }
}

/// What the server shares with the tests: clock, log, faults, latency.
#[derive(Debug, Default)]
pub struct Harness {
    clock: Clock,
    log: RequestLog,
    faults: Faults,
    latency: Mutex<Duration>,
    /// Set once the server's listener is closed (after `shutdown` or a drop).
    closed: watch::Sender<bool>,
}

impl Harness {
    /// A harness on this clock, no latency, no faults.
    pub fn new(clock: Clock) -> Harness {
        Harness {
            clock,
            ..Harness::default()
        }
    }

    /// The same, adding `latency` to every request.
    pub fn with_latency(self, latency: Duration) -> Harness {
        self.set_latency(latency);
        self
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    pub fn log(&self) -> &RequestLog {
        &self.log
    }

    /// Adds a fault rule after those already injected.
    pub fn inject(&self, rule: impl Into<FaultRule>) {
        self.faults.push(rule.into());
    }

    /// Removes every injected rule.
    pub fn clear_faults(&self) {
        self.faults.clear();
    }

    /// The rules not used up yet, in order.
    pub fn pending_faults(&self) -> Vec<FaultRule> {
        self.faults.pending()
    }

    pub fn latency(&self) -> Duration {
        *self.latency.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_latency(&self, latency: Duration) {
        *self.latency.lock().unwrap_or_else(|e| e.into_inner()) = latency;
    }

    /// Waits until the server's listener is closed: a server that was dropped stops on its
    /// own task, and this is when new connections are refused.
    pub async fn wait_closed(&self) {
        let mut rx = self.closed.subscribe();
        let _ = rx.wait_for(|c| *c).await;
    }

    pub(crate) fn set_closed(&self) {
        self.closed.send_replace(true);
    }
}

#[cfg(test)]
mod tests;
