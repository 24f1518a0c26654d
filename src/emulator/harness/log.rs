//! The request log: what came in, what was answered, and waits on it for tests.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};

use jiff::Timestamp;
use tokio::sync::watch;

/// How many requests the log remembers (the counts go on past it).
pub const LOG_CAP: usize = 10_000;

/// One request as the emulator saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    /// Its number, from 0, in the order of arrival.
    pub seq: u64,
    pub method: String,
    /// The path and the query string, as sent (`/api/x?size=5`).
    pub path: String,
    /// The status answered; None while in flight, or when no answer was given (dropped
    /// connection, hang).
    pub status: Option<u16>,
    /// When it arrived, by the emulator's clock.
    pub at: Timestamp,
}

impl LoggedRequest {
    /// The path without the query string.
    pub fn path_only(&self) -> &str {
        self.path.split('?').next().unwrap_or_default()
    }
}

/// Counts that tests wait on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Counts {
    /// Requests that arrived.
    arrived: u64,
    /// Requests arrived and not yet answered (or given up: dropped, hanging).
    in_flight: u64,
}

/// The emulator's request log (oldest first, the last `LOG_CAP`).
#[derive(Debug)]
pub struct RequestLog {
    entries: Mutex<VecDeque<LoggedRequest>>,
    counts: watch::Sender<Counts>,
}

impl Default for RequestLog {
    fn default() -> Self {
        RequestLog {
            entries: Mutex::new(VecDeque::new()),
            counts: watch::channel(Counts::default()).0,
        }
    }
}

/// A request in flight: dropping it (answered, or its connection gone) ends it.
#[must_use]
pub(crate) struct InFlight<'a> {
    log: &'a RequestLog,
    seq: u64,
    done: bool,
}

impl InFlight<'_> {
    /// The request was answered with `status` (None: no answer will come).
    pub(crate) fn finish(mut self, status: Option<u16>) {
        self.end(status);
    }

    fn end(&mut self, status: Option<u16>) {
        if std::mem::replace(&mut self.done, true) {
            return;
        }
        if let Some(e) = self
            .log
            .entries()
            .iter_mut()
            .rev()
            .find(|e| e.seq == self.seq)
        {
            e.status = status;
        }
        self.log.counts.send_modify(|c| c.in_flight -= 1);
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.end(None);
    }
}

impl RequestLog {
    fn entries(&self) -> MutexGuard<'_, VecDeque<LoggedRequest>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A request arrived.
    pub(crate) fn begin(&self, method: &str, path: &str, at: Timestamp) -> InFlight<'_> {
        let mut entries = self.entries();
        let seq = self.counts.borrow().arrived;
        if entries.len() >= LOG_CAP {
            entries.pop_front();
        }
        entries.push_back(LoggedRequest {
            seq,
            method: method.to_string(),
            path: path.to_string(),
            status: None,
            at,
        });
        // Counted with the entry in place, so a waiter woken by it finds the entry.
        self.counts.send_modify(|c| {
            c.arrived += 1;
            c.in_flight += 1;
        });
        drop(entries);
        InFlight {
            log: self,
            seq,
            done: false,
        }
    }

    /// The remembered requests, oldest first.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.entries().iter().cloned().collect()
    }

    /// The remembered requests answered with `status`.
    pub fn seen_with_status(&self, status: u16) -> Vec<LoggedRequest> {
        self.entries()
            .iter()
            .filter(|e| e.status == Some(status))
            .cloned()
            .collect()
    }

    /// How many requests arrived (all of them, not only the remembered ones).
    pub fn arrived(&self) -> u64 {
        self.counts.borrow().arrived
    }

    /// How many requests are in flight.
    pub fn in_flight(&self) -> u64 {
        self.counts.borrow().in_flight
    }

    /// Waits until at least `n` requests have arrived since the emulator started.
    pub async fn wait_requests(&self, n: u64) {
        let mut rx = self.counts.subscribe();
        // The sender lives as long as the log, which outlives this borrow.
        let _ = rx.wait_for(|c| c.arrived >= n).await;
    }

    /// Waits until no request is in flight (at once if none is). A dropped or hanging
    /// request is not in flight: no answer is coming.
    pub async fn wait_idle(&self) {
        let mut rx = self.counts.subscribe();
        let _ = rx.wait_for(|c| c.in_flight == 0).await;
    }
}
