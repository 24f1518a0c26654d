//! What the worker's jobs share: the accounts, the audit log, and each account's limits
//! (reads up to its `concurrency`, changes one at a time).

use super::*;

/// What every job can see: the accounts, their limits and the audit log.
pub(super) struct Ctx {
    pub(super) accounts: Vec<AccountSlot>,
    pub(super) limits: Vec<Limits>,
    pub(super) audit: Option<Arc<AuditLog>>,
    /// How long-running operations are followed.
    pub(super) plan: FollowPlan,
}

/// The tasks a `Cancel` can end, by the job they belong to.
pub(super) type Running =
    Arc<std::sync::Mutex<std::collections::HashMap<JobId, Vec<tokio::task::AbortHandle>>>>;

/// How much one account is asked at once: reads up to its `concurrency`, changes one at a
/// time (a bulk approve of 50 certificates is 50 requests in a row, not 50 at once; a NAS
/// restarting its web server or a PBX with few tokens is never sent two changes at once).
pub(super) struct Limits {
    pub(super) reads: tokio::sync::Semaphore,
    pub(super) changes: tokio::sync::Mutex<()>,
}

/// A job's hold on its account's limits, released when the job ends.
pub(super) enum Hold<'a> {
    Read(#[allow(dead_code)] tokio::sync::SemaphorePermit<'a>),
    Change(#[allow(dead_code)] tokio::sync::MutexGuard<'a, ()>),
    Free,
}

impl Ctx {
    /// Wait for the account's room for this command: a change waits for the one before it
    /// on the same account, a read for a free slot. Local work (audit, files) waits for
    /// nothing.
    pub(super) async fn hold(&self, cmd: &Command) -> Hold<'_> {
        let (account, change) = match cmd {
            // A list bounds its own pages (and must not keep details waiting while it runs).
            Command::List { .. } => return Hold::Free,
            Command::Detail { account, .. } | Command::Collect { account, .. } => (*account, false),
            Command::Act {
                account, request, ..
            } => (*account, request.kind().is_mutating()),
            Command::Enroll { account, .. } => (*account, true),
            Command::Audit { .. }
            | Command::ReadAudit { .. }
            | Command::CheckFiles { .. }
            | Command::Cancel { .. }
            | Command::Answer { .. } => {
                return Hold::Free;
            }
        };
        if change {
            let Some(limits) = self.limits.get(account) else {
                return Hold::Free;
            };
            Hold::Change(limits.changes.lock().await)
        } else {
            self.read_hold(account).await
        }
    }

    /// A place among the account's reads.
    pub(super) async fn read_hold(&self, account: AccountIdx) -> Hold<'_> {
        let Some(limits) = self.limits.get(account) else {
            return Hold::Free;
        };
        match limits.reads.acquire().await {
            Ok(p) => Hold::Read(p),
            Err(_) => Hold::Free,
        }
    }
}
