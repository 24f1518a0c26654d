//! Fault injection: what can go wrong with one request, and the rules that say which
//! requests it happens to.

use std::sync::{Mutex, MutexGuard};

/// One thing that goes wrong with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this HTTP status and the product's error body for it
    /// ([`Product::status_error`](super::Product::status_error)).
    Status(u16),
    /// Answer 429 with the product's error body and `Retry-After: secs`.
    RetryAfter { secs: u64 },
    /// Close the connection without an answer (the request was read).
    Drop,
    /// Answer 200 with a body that does not parse in the product's format. Waits for the
    /// first answer in the product's format (a HEAD or an empty answer passes untouched).
    MalformedBody,
    /// Send the real answer's headers (its `Content-Length` the whole body), half the body,
    /// then close the connection. Waits for the first answer that has a body.
    TruncatedBody,
    /// Read the request and never answer (until the emulator stops): the client's time
    /// limit must fire.
    Hang,
    /// The product's "your session has expired" answer
    /// ([`Product::session_expired`](super::Product::session_expired)). Waits for the first
    /// request the product says has a session.
    ExpireSession,
}

impl Fault {
    /// A rule: this fault, only for requests whose path starts with `prefix`.
    pub fn on(self, prefix: impl Into<String>) -> FaultRule {
        FaultRule::from(self).on(prefix)
    }

    /// A rule: this fault for the next `n` matching requests.
    pub fn times(self, n: u32) -> FaultRule {
        FaultRule::from(self).times(n)
    }
}

/// A fault with the requests it applies to: by default the next request (any path), once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    pub fault: Fault,
    /// Only requests whose path (without the query) starts with this.
    pub path_prefix: Option<String>,
    /// How many more requests it applies to.
    pub remaining: u32,
}

impl From<Fault> for FaultRule {
    fn from(fault: Fault) -> FaultRule {
        FaultRule {
            fault,
            path_prefix: None,
            remaining: 1,
        }
    }
}

impl FaultRule {
    /// Only requests whose path starts with `prefix`.
    pub fn on(mut self, prefix: impl Into<String>) -> FaultRule {
        self.path_prefix = Some(prefix.into());
        self
    }

    /// Applies to the next `n` matching requests (0: never).
    pub fn times(mut self, n: u32) -> FaultRule {
        self.remaining = n;
        self
    }

    fn matches(&self, path: &str) -> bool {
        self.path_prefix
            .as_deref()
            .is_none_or(|prefix| path.starts_with(prefix))
    }
}

/// The injected rules, in order. For each request the first rule whose path matches decides:
/// it applies if it can (a `MalformedBody` waiting for a body, an `ExpireSession` for a
/// session may not), and is used up after `times` requests; rules behind it wait.
#[derive(Debug, Default)]
pub(crate) struct Faults(Mutex<Vec<FaultRule>>);

impl Faults {
    fn rules(&self) -> MutexGuard<'_, Vec<FaultRule>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn push(&self, rule: FaultRule) {
        if rule.remaining > 0 {
            self.rules().push(rule);
        }
    }

    pub(crate) fn clear(&self) {
        self.rules().clear();
    }

    pub(crate) fn pending(&self) -> Vec<FaultRule> {
        self.rules().clone()
    }

    /// The first rule matching `path` decides: `apply` says what it does to this request
    /// (None: not this one). When it does, the rule is used once.
    pub(crate) fn take<R>(&self, path: &str, apply: impl FnOnce(&Fault) -> Option<R>) -> Option<R> {
        let mut rules = self.rules();
        let i = rules.iter().position(|r| r.matches(path))?;
        let out = apply(&rules[i].fault)?;
        rules[i].remaining -= 1;
        if rules[i].remaining == 0 {
            rules.remove(i);
        }
        Some(out)
    }
}
