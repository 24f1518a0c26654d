//! The worker's gate and audit trail: capabilities checked before anything is sent, one
//! audit line per mutating attempt with its outcome, never a change unaudited.

use super::*;

/// Whether the account's capabilities allow an action kind (the worker's read-only gate;
/// providers refuse read-only mutations again before sending).
pub(super) fn allows(caps: &Capabilities, kind: ActionKind) -> bool {
    match kind {
        ActionKind::List => caps.list,
        ActionKind::Detail => caps.detail,
        ActionKind::Collect => caps.collect,
        ActionKind::Enroll => caps.enroll,
        ActionKind::Approve => caps.approve,
        ActionKind::Decline => caps.decline,
        ActionKind::Revoke => caps.revoke,
        ActionKind::Renew => caps.renew,
        ActionKind::Replace => caps.replace,
        ActionKind::Delete => caps.delete,
        ActionKind::Import => caps.import,
    }
}

/// The worker's read-only gate, by action kind, before anything is made or sent.
pub(super) fn gate(
    provider: &dyn Provider,
    name: &str,
    kind: ActionKind,
    action: &str,
) -> Result<(), ProviderError> {
    let caps = provider.capabilities();
    if allows(&caps, kind) {
        return Ok(());
    }
    let why = if caps == Capabilities::read_only() {
        format!("account {name} is read-only: {action} was not sent")
    } else {
        format!("account {name} does not offer {action}: it was not sent")
    };
    Err(local(name, action, why))
}

/// Append one line (a write and an fsync: blocking work, off the async threads), naming the
/// local operator.
pub(super) async fn append(log: Arc<AuditLog>, mut entry: AuditEntry) -> Result<(), String> {
    if entry.operator.is_none() {
        entry.operator = Some(crate::audit::operator().to_string());
    }
    match tokio::task::spawn_blocking(move || log.append(&entry)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(format!("{e:#}")),
        Err(e) => Err(format!("the audit writer failed ({e})")),
    }
}

/// The audit outcome of a finished attempt.
pub(super) fn with_outcome<T>(entry: AuditEntry, result: &Result<T, ProviderError>) -> AuditEntry {
    match result {
        Ok(_) => entry.ok(),
        Err(e) => {
            let entry = match e.kind {
                // Refused here or by the client before anything was sent.
                ErrorKind::Local | ErrorKind::Unsupported => entry.refused(&e.message),
                ErrorKind::UnknownOutcome => entry.unknown(&e.message),
                _ => entry.error(&e.message),
            };
            let status = match (e.http_status, e.code) {
                (Some(s), Some(c)) => format!("HTTP {s}, code {c}"),
                (Some(s), None) => format!("HTTP {s}"),
                (None, Some(c)) => format!("code {c}"),
                (None, None) => return entry,
            };
            // Keep what was already noted (the key file of an enrolment, say).
            let detail = match &entry.detail {
                Some(d) => format!("{status}; {d}"),
                None => status,
            };
            entry.with_detail(detail)
        }
    }
}

/// Write the one audit line of an attempt, then hand back its result. When the line cannot be
/// written the job fails with a message that still says what happened on the server.
pub(super) async fn finish<T>(
    log: Arc<AuditLog>,
    entry: AuditEntry,
    result: Result<T, ProviderError>,
) -> Result<T, ProviderError> {
    let entry = with_outcome(entry, &result);
    let log_path = log.path().to_path_buf();
    let attempt = entry.clone();
    let written = append(log, entry).await;
    settle(&attempt, &log_path, result, written)
}

/// The result of an audited attempt: the provider's, unless the audit line was not written —
/// then an error that names the log, the failure, and what the provider did.
pub(super) fn settle<T>(
    entry: &AuditEntry,
    log_path: &std::path::Path,
    result: Result<T, ProviderError>,
    written: Result<(), String>,
) -> Result<T, ProviderError> {
    let Err(audit) = written else {
        return result;
    };
    let path = log_path.display();
    Err(match result {
        Ok(_) => {
            let mut what = format!("{} of {}", entry.action, entry.ids.join(", "));
            if let Some(d) = &entry.detail {
                what.push_str(&format!(" ({d})"));
            }
            local(
                &entry.account,
                format!("record {} in the audit log", entry.action),
                format!(
                    "{what} SUCCEEDED, but it could not be recorded in the audit log {path}: {audit}"
                ),
            )
        }
        Err(mut e) => {
            e.message = format!(
                "{}; this attempt could not be recorded in the audit log {path} either: {audit}",
                e.message
            );
            e
        }
    })
}

/// The audit line of an audited read (a download): written when there is a log.
pub(super) async fn audit_read<T>(
    log: Option<Arc<AuditLog>>,
    entry: AuditEntry,
    result: Result<T, ProviderError>,
) -> Result<T, ProviderError> {
    match log {
        Some(log) => finish(log, entry, result).await,
        None => result,
    }
}

/// A mutation stopped before anything was sent: audit it as refused, return the error.
pub(super) async fn refuse<T>(
    log: Arc<AuditLog>,
    entry: AuditEntry,
    error: ProviderError,
) -> Result<T, ProviderError> {
    finish(log, entry, Err(error)).await
}

/// A failed request's error, saying (and marking) where the attempt's private key is.
pub(super) fn kept(mut e: ProviderError, key_path: &Option<PathBuf>) -> ProviderError {
    if let Some(p) = key_path {
        e.message = format!(
            "{}; the new private key was kept in {}",
            e.message,
            p.display()
        );
        e.kept_key = Some(p.clone());
    }
    e
}

/// The account's login at its provider, for audit lines.
pub(super) fn login_of(ctx: &Ctx, account: AccountIdx) -> Option<String> {
    ctx.accounts
        .get(account)
        .and_then(|a| a.provider.as_ref())
        .and_then(|p| p.login())
}
