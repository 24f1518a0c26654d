//! Long-running operations: what the CA or device does after a request was accepted (an
//! approved certificate being issued, a domain validation being checked). The worker follows
//! one by asking the provider where it is ([`crate::provider::Provider::poll`]) with backoff
//! until it settles, and reports every step; the app announces the end.

use std::time::Duration;

use crate::model::{Cert, Collection};

/// One operation to follow. The provider names the kinds it can follow; the worker and the
/// app only carry them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Op {
    /// The provider's name for what is followed (e.g. "issue", "validate").
    pub kind: &'static str,
    /// The collection of the certificate followed (any for an operation on something else).
    pub family: Collection,
    /// The certificate's id, or the name of what is followed (a domain). Announcements name
    /// a certificate by its row's common name, anything else by this.
    pub id: String,
    /// What it becomes when it settles well, for announcements: "issued", "validated".
    pub goal: &'static str,
    /// Where it stood when following began, in the provider's own terms (e.g. the date of
    /// the last validation), so that an old result is not taken for the new one.
    pub baseline: Option<String>,
}

/// Where an operation is, as one poll saw it.
#[derive(Debug, Clone, PartialEq)]
pub enum OpState {
    /// Still under way. `status` is the provider's word for where it is; `cert` the refreshed
    /// row when the operation is about a certificate.
    Pending { status: String, cert: Option<Cert> },
    /// Over, well (`ok`) or not (declined, rejected, failed): no more polls.
    Settled {
        ok: bool,
        status: String,
        cert: Option<Cert>,
    },
}

/// How often an operation is polled, and for how long: quickly at first (a CA usually issues
/// within seconds), then less often, then the worker stops and says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowPlan {
    /// The interval while the operation is young.
    pub fast: Duration,
    /// How long it counts as young.
    pub fast_for: Duration,
    /// The interval after that.
    pub slow: Duration,
    /// When to stop following (the last status is announced).
    pub give_up: Duration,
    /// Consecutive failed polls after which following stops with the error.
    pub max_failures: u32,
}

impl Default for FollowPlan {
    /// Every 2 s for the first minute, then every 15 s; stop after 15 minutes, or after three
    /// failed polls in a row.
    fn default() -> FollowPlan {
        FollowPlan {
            fast: Duration::from_secs(2),
            fast_for: Duration::from_secs(60),
            slow: Duration::from_secs(15),
            give_up: Duration::from_secs(15 * 60),
            max_failures: 3,
        }
    }
}

impl FollowPlan {
    /// The wait before the next poll, `elapsed` after following began; `None` once it is time
    /// to give up.
    pub fn next_wait(&self, elapsed: Duration) -> Option<Duration> {
        if elapsed >= self.give_up {
            return None;
        }
        let wait = if elapsed < self.fast_for {
            self.fast
        } else {
            self.slow
        };
        // Never past the end: the last poll falls on the give-up time.
        Some(wait.min(self.give_up - elapsed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_backs_off_after_the_first_minute_and_ends_after_fifteen() {
        let p = FollowPlan::default();
        let s = Duration::from_secs;
        assert_eq!(p.next_wait(s(0)), Some(s(2)));
        assert_eq!(p.next_wait(s(58)), Some(s(2)));
        assert_eq!(p.next_wait(s(60)), Some(s(15)));
        assert_eq!(
            p.next_wait(s(890)),
            Some(s(10)),
            "the last wait ends on time"
        );
        assert_eq!(p.next_wait(s(900)), None);
        assert_eq!(p.next_wait(s(4000)), None);
    }
}
