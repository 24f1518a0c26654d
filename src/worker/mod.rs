//! The worker: an async task that owns the provider clients. `Command`s come in over one
//! channel, `WorkerEvent`s go out over another; every job carries the id the app gave it, so the
//! app knows what is pending (spinner, idle detection in tests) and what each answer belongs to.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use secrecy::ExposeSecret;
use tokio::sync::mpsc;

use crate::audit::{AuditEntry, AuditLog};
use crate::files;
use crate::keygen;
use crate::model::{AccountIdx, ActionKind, Capabilities, Cert, CertDetail, Collection};
use crate::provider::op::{FollowPlan, Op, OpState};
use crate::provider::request::Enrolled;
use crate::provider::request::{ActionOutput, ActionRequest};
use crate::provider::{ErrorKind, ListSink, ListUpdate, Provider, ProviderError};
use crate::x509::{self, CertView};

pub type JobId = u64;
/// A provider's question waiting for its answer (numbered by the worker).
pub type PromptId = u64;

/// What the app asks the worker to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// List every certificate of a family of an account.
    List {
        job: JobId,
        account: AccountIdx,
        family: Collection,
    },
    /// Load the full detail (and body) of one certificate. With `key`, also check whether
    /// that private key file (made by an enrolment of this session) matches the certificate.
    Detail {
        job: JobId,
        account: AccountIdx,
        family: Collection,
        id: String,
        key: Option<PathBuf>,
    },
    /// A read or a confirmed mutation. Mutations get one audit line with their outcome and are
    /// never retried once they may have reached the server.
    Act {
        job: JobId,
        account: AccountIdx,
        request: ActionRequest,
        /// The certificates acted on, as the audit line names them (empty for reads).
        about: Vec<crate::audit::Subject>,
    },
    /// Enrol with a locally made key and CSR (or a CSR from a file): make the key, write it
    /// (mode 0600, never over an existing file) BEFORE sending the CSR, then enrol.
    Enroll {
        job: JobId,
        account: AccountIdx,
        spec: Box<EnrollSpec>,
    },
    /// Download a certificate body to a new file (never overwrites).
    Collect {
        job: JobId,
        account: AccountIdx,
        family: Collection,
        id: String,
        /// One of the account's export formats, by id.
        format: &'static str,
        path: PathBuf,
    },
    /// Write an audit line for something refused before it was sent (read-only account …).
    Audit { job: JobId, entry: AuditEntry },
    /// Read the audit log back, for the audit viewer.
    ReadAudit { job: JobId },
    /// Check a form's files before its confirmation: a file to be written must not exist yet
    /// (and its folder must), a file to be read must be there.
    CheckFiles { job: JobId, checks: Vec<FileCheck> },
    /// The person's answer to a provider's question (`WorkerEvent::Prompt`).
    Answer {
        prompt: PromptId,
        answer: crate::provider::host::Answer,
    },
    /// Drop a read nobody waits for any more (the detail of a row the cursor has left): it
    /// ends where it is, sends nothing back, and frees its place in the account's limits.
    /// Only reads are ever cancelled.
    Cancel { job: JobId },
}

/// One file a form names, and what it must be.
#[derive(Debug, Clone, PartialEq)]
pub struct FileCheck {
    /// The form field that names it (where a problem is shown).
    pub field: &'static str,
    pub path: PathBuf,
    /// True: it will be written, so it must be new. False: it will be read.
    pub new: bool,
}

impl Command {
    pub fn job(&self) -> JobId {
        match self {
            Command::List { job, .. }
            | Command::Detail { job, .. }
            | Command::Act { job, .. }
            | Command::Enroll { job, .. }
            | Command::Collect { job, .. }
            | Command::Audit { job, .. }
            | Command::ReadAudit { job }
            | Command::CheckFiles { job, .. }
            | Command::Cancel { job } => *job,
            Command::Answer { prompt, .. } => *prompt,
        }
    }
}

/// Key algorithms (kept in `keygen`, which makes the keys).
pub use crate::keygen::KeyAlg;

/// Where the CSR of an enrolment comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum KeySource {
    /// Make a key here; write it to `key_path` (0600) before anything is sent.
    Generate { alg: KeyAlg, key_path: PathBuf },
    /// An existing CSR (PEM) from a file; no key is made.
    CsrFile(PathBuf),
    /// An existing private key (PEM) from a file (the one an earlier attempt made): the CSR
    /// is made and signed with it here; no new key is made.
    KeyFile(PathBuf),
}

/// An enrolment, or the replacement of a certificate, as a provider's form built it: the
/// request without its CSR, what the CSR names, where the key comes from, and how the audit
/// names it. The worker makes (or reads) the CSR, puts it in (`ActionRequest::with_csr`),
/// and sends the request once the key is on disk.
#[derive(Debug, Clone, PartialEq)]
pub struct EnrollSpec {
    /// The request to send; its CSR is filled in here.
    pub request: ActionRequest,
    /// The collection the new certificate is in.
    pub family: Collection,
    /// The CSR's subject common name (the host, the person or the device).
    pub common_name: String,
    /// The CSR's other names: DNS names and IPs, or with `email_names` e-mail addresses
    /// (rfc822Name SANs, the primary one first).
    pub names: Vec<String>,
    pub email_names: bool,
    pub key: KeySource,
    /// What the audit line names before the provider answers (the host, the person's
    /// address), and how its detail names the subject ("CN www.example.com").
    pub audit_id: String,
    pub named: String,
    /// With a CSR from a file, the audit names the request by the CSR's common name.
    pub id_from_csr: bool,
    /// It replaces the certificate with this id (audited as "replace", with `reason`).
    pub replaces: Option<String>,
    pub reason: Option<String>,
    /// The listed certificate it is about (the one replaced), as the audit names it; the
    /// console fills it in. A new enrolment is named by its CSR's names.
    pub about: Vec<crate::audit::Subject>,
}

/// The detail pane's data: provider fields plus the parsed certificate body.
#[derive(Debug, Clone, PartialEq)]
pub struct DetailView {
    pub detail: CertDetail,
    /// Parsed body (leaf first). Empty when there is no body; `Err` when it did not parse.
    pub x509: Result<Vec<CertView>, String>,
    /// The private key file checked against the certificate, and the answer.
    pub key_match: Option<(PathBuf, Result<bool, String>)>,
}

/// What a finished job produced.
#[derive(Debug, Clone, PartialEq)]
pub enum JobOutput {
    Listed {
        account: AccountIdx,
        family: Collection,
        count: usize,
    },
    Detail {
        account: AccountIdx,
        family: Collection,
        cert: Cert,
        view: Box<DetailView>,
    },
    Acted {
        account: AccountIdx,
        request: Box<ActionRequest>,
        output: Box<ActionOutput>,
        /// What the action set going, followed from now on (`WorkerEvent::Followed`).
        follows: Vec<Op>,
    },
    Enrolled {
        account: AccountIdx,
        /// The family the new request belongs to.
        family: Collection,
        enrolled: Enrolled,
        /// Where the private key was written (None for a CSR from a file).
        key_path: Option<PathBuf>,
        /// What the enrolment set going (a request that needs no approval being issued).
        follows: Vec<Op>,
    },
    Collected {
        account: AccountIdx,
        family: Collection,
        id: String,
        path: PathBuf,
        bytes: usize,
    },
    /// A certificate was replaced with a new CSR (made here when `key_path` is set).
    Replaced {
        account: AccountIdx,
        family: Collection,
        id: String,
        key_path: Option<PathBuf>,
        follows: Vec<Op>,
    },
    Audited,
    /// The audit log's entries (oldest first) and its path.
    /// The problems `Command::CheckFiles` found, as (field, message).
    FilesChecked {
        problems: Vec<(&'static str, String)>,
    },
    AuditLog {
        path: PathBuf,
        entries: Vec<AuditEntry>,
    },
}

impl JobOutput {
    /// The account and the operations this output set going, when it set any going.
    pub fn follows(&self) -> Option<(AccountIdx, &[Op])> {
        match self {
            JobOutput::Acted {
                account, follows, ..
            }
            | JobOutput::Enrolled {
                account, follows, ..
            }
            | JobOutput::Replaced {
                account, follows, ..
            } => Some((*account, follows)),
            _ => None,
        }
    }
}

/// What the worker tells the app.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkerEvent {
    Progress {
        job: JobId,
        done: usize,
        of: usize,
        label: String,
    },
    /// Rows to upsert (new from a page, or completed by details).
    Rows { job: JobId, rows: Vec<Cert> },
    Total {
        job: JobId,
        account: AccountIdx,
        family: Collection,
        total: usize,
    },
    Done {
        job: JobId,
        result: Result<JobOutput, ProviderError>,
    },
    /// A provider asks the person something; answered with `Command::Answer` (the job
    /// that asked waits until then).
    Prompt {
        prompt: PromptId,
        account: AccountIdx,
        question: crate::provider::host::Prompt,
    },
    /// A step in following an operation the job `job` set going (after its `Done`). The
    /// last step for an operation is anything but `Pending`.
    Followed {
        job: JobId,
        account: AccountIdx,
        op: Op,
        step: FollowStep,
    },
}

/// Where a followed operation is.
#[derive(Debug, Clone, PartialEq)]
pub enum FollowStep {
    /// A poll found it under way (the provider's word for where it is, the refreshed row).
    Pending {
        status: String,
        cert: Option<Box<Cert>>,
    },
    /// It is over, well (`ok`) or not.
    Settled {
        ok: bool,
        status: String,
        cert: Option<Box<Cert>>,
    },
    /// Following stopped after the plan's time; the status last seen.
    GaveUp {
        status: Option<String>,
        after: Duration,
    },
    /// Polls kept failing; the last error.
    Failed(ProviderError),
}

/// One slot per configured account; `None` for kinds this build has no client for.
pub struct AccountSlot {
    pub name: String,
    pub provider: Option<Arc<dyn Provider>>,
    /// Why there is no provider ("not supported yet", "no secret: …").
    pub unavailable: Option<String>,
}

mod act;
mod audit;
mod enroll;
mod follow;
mod host;
mod limits;

use act::{act, collect};
use audit::*;
use enroll::enroll;
use follow::follow;
use limits::{Ctx, Limits, Running};

/// Start the worker on the current tokio runtime.
///
/// `audit` receives one line per mutating attempt. With `None` only reads work: every
/// mutation is refused (`ErrorKind::Local`, "no audit log") rather than done unaudited.
pub fn spawn(
    accounts: Vec<AccountSlot>,
    audit: Option<AuditLog>,
) -> (
    mpsc::UnboundedSender<Command>,
    mpsc::UnboundedReceiver<WorkerEvent>,
) {
    spawn_with(accounts, audit, FollowPlan::default())
}

/// [`spawn`], following long-running operations by `plan` (tests follow quickly).
pub fn spawn_with(
    accounts: Vec<AccountSlot>,
    audit: Option<AuditLog>,
    plan: FollowPlan,
) -> (
    mpsc::UnboundedSender<Command>,
    mpsc::UnboundedReceiver<WorkerEvent>,
) {
    let (cmd_tx, mut cmd_rx) = mpsc::unbounded_channel::<Command>();
    let (evt_tx, evt_rx) = mpsc::unbounded_channel::<WorkerEvent>();
    let limits = accounts
        .iter()
        .map(|a| Limits {
            reads: tokio::sync::Semaphore::new(
                a.provider.as_ref().map_or(1, |p| p.concurrency().max(1)),
            ),
            changes: tokio::sync::Mutex::new(()),
        })
        .collect();
    let ctx = Arc::new(Ctx {
        accounts,
        limits,
        audit: audit.map(Arc::new),
        plan,
    });
    // Each account's provider can ask the person something while it works.
    let prompts = Arc::new(host::Prompts::default());
    for (account, slot) in ctx.accounts.iter().enumerate() {
        if let Some(p) = &slot.provider {
            p.attach(Arc::new(host::WorkerHost {
                account,
                prompts: Arc::clone(&prompts),
                tx: evt_tx.clone(),
            }));
        }
    }
    tokio::spawn(async move {
        // The detail reads and the follows still running, so that a `Cancel` can end them.
        let running: Running = Arc::default();
        while let Some(cmd) = cmd_rx.recv().await {
            if let Command::Answer { prompt, answer } = cmd {
                prompts.answer(prompt, answer);
                continue;
            }
            if let Command::Cancel { job } = cmd {
                if let Some(hs) = running
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(&job)
                {
                    hs.iter().for_each(|h| h.abort());
                }
                continue;
            }
            let ctx = Arc::clone(&ctx);
            let tx = evt_tx.clone();
            let job = cmd.job();
            let cancellable = matches!(cmd, Command::Detail { .. });
            let done = Arc::clone(&running);
            // Held while the task is spawned and registered: its own removal at the end
            // waits for the registration, so no finished job stays in the map.
            let mut map = running.lock().unwrap_or_else(|e| e.into_inner());
            // Each job runs on its own task so a hanging request never blocks the other
            // accounts; within an account the limits decide.
            let task = tokio::spawn(async move {
                let hold = ctx.hold(&cmd).await;
                let result = run(&ctx, cmd, &tx).await;
                drop(hold);
                done.lock().unwrap_or_else(|e| e.into_inner()).remove(&job);
                let follows = match &result {
                    Ok(out) => out.follows().map(|(a, ops)| (a, ops.to_vec())),
                    Err(_) => None,
                };
                let _ = tx.send(WorkerEvent::Done { job, result });
                // What the job set going is followed from now on, each on its own task.
                if let Some((account, ops)) = follows
                    && !ops.is_empty()
                {
                    let mut map = done.lock().unwrap_or_else(|e| e.into_inner());
                    let handles = map.entry(job).or_default();
                    for op in ops {
                        let (ctx, tx) = (Arc::clone(&ctx), tx.clone());
                        let t = tokio::spawn(follow(ctx, tx, job, account, op));
                        handles.push(t.abort_handle());
                    }
                }
            });
            if cancellable {
                map.entry(job).or_default().push(task.abort_handle());
            }
            drop(map);
        }
    });
    (cmd_tx, evt_rx)
}

fn provider_for(
    accounts: &[AccountSlot],
    account: AccountIdx,
    operation: &str,
) -> Result<Arc<dyn Provider>, ProviderError> {
    let slot = accounts.get(account).ok_or_else(|| {
        ProviderError::new(
            format!("account #{account}"),
            operation,
            ErrorKind::Local,
            "no such account",
        )
    })?;
    slot.provider.clone().ok_or_else(|| {
        ProviderError::new(
            &slot.name,
            operation,
            ErrorKind::Unsupported,
            slot.unavailable
                .clone()
                .unwrap_or_else(|| "not available".into()),
        )
    })
}

async fn run(
    ctx: &Ctx,
    cmd: Command,
    tx: &mpsc::UnboundedSender<WorkerEvent>,
) -> Result<JobOutput, ProviderError> {
    let accounts = ctx.accounts.as_slice();
    match cmd {
        // Handled by the dispatcher; nothing to run.
        Command::Cancel { job } => Err(local(
            "certdeck",
            "cancel",
            format!("job {job} is not a running read"),
        )),
        Command::Answer { prompt, .. } => Err(local(
            "certdeck",
            "answer",
            format!("no question {prompt} is waiting"),
        )),
        Command::List {
            job,
            account,
            family,
        } => {
            let provider = provider_for(accounts, account, "list certificates")?;
            let tx2 = tx.clone();
            let sink: ListSink = Arc::new(move |u: ListUpdate| {
                let ev = match u {
                    ListUpdate::Total(total) => WorkerEvent::Total {
                        job,
                        account,
                        family,
                        total,
                    },
                    ListUpdate::Rows(rows) => WorkerEvent::Rows { job, rows },
                    ListUpdate::Progress { done, of, label } => WorkerEvent::Progress {
                        job,
                        done,
                        of,
                        label,
                    },
                };
                let _ = tx2.send(ev);
            });
            let count = provider.list(family, sink).await?;
            Ok(JobOutput::Listed {
                account,
                family,
                count,
            })
        }
        Command::Detail {
            account,
            family,
            id,
            key,
            ..
        } => {
            let provider = provider_for(accounts, account, "get certificate detail")?;
            let (mut cert, detail) = provider.detail(family, &id).await?;
            let x509 = match &detail.body_pem {
                Some(pem) => x509::parse_bundle(pem.as_bytes()).map_err(|e| e.to_string()),
                None => Ok(Vec::new()),
            };
            // The row carries the leaf's fingerprint from now on.
            if let Some(leaf) = x509.as_ref().ok().and_then(|c| c.first()) {
                cert.sha256 = Cert::sha256_from_hex(&leaf.sha256);
            }
            let key_match = match (key, &x509) {
                (Some(path), Ok(certs)) if !certs.is_empty() => {
                    let answer = match tokio::fs::read_to_string(&path).await {
                        Ok(pem) => x509::key_matches(&certs[0], &pem).map_err(|e| e.to_string()),
                        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
                    };
                    Some((path, answer))
                }
                _ => None,
            };
            Ok(JobOutput::Detail {
                account,
                family,
                cert,
                view: Box::new(DetailView {
                    detail,
                    x509,
                    key_match,
                }),
            })
        }
        Command::Act {
            account,
            request,
            about,
            ..
        } => act(ctx, account, request, about).await,
        Command::Enroll { job, account, spec } => enroll(ctx, job, account, *spec, tx).await,
        Command::Collect {
            account,
            family,
            id,
            format,
            path,
            ..
        } => collect(ctx, account, family, id, format, path).await,
        Command::Audit { mut entry, .. } => {
            let Some(log) = ctx.audit.clone() else {
                return Err(no_audit_log(&entry.account, &entry.action));
            };
            // A refusal written by the app: the account's login, as for the others.
            if entry.login.is_none()
                && let Some(a) = ctx.accounts.iter().position(|a| a.name == entry.account)
            {
                entry.login = login_of(ctx, a);
            }
            append(log, entry.clone()).await.map_err(|e| {
                ProviderError::new(
                    &entry.account,
                    format!("record {} in the audit log", entry.action),
                    ErrorKind::Local,
                    e,
                )
            })?;
            Ok(JobOutput::Audited)
        }
        Command::CheckFiles { checks, .. } => {
            let checks = checks.clone();
            let problems = tokio::task::spawn_blocking(move || check_files(&checks))
                .await
                .map_err(|e| local("certdeck", "check the files", format!("{e}")))?;
            Ok(JobOutput::FilesChecked { problems })
        }
        Command::ReadAudit { .. } => {
            let Some(log) = ctx.audit.clone() else {
                return Err(no_audit_log("certdeck", "read the audit log"));
            };
            let path = log.path().to_path_buf();
            let p2 = path.clone();
            let entries = tokio::task::spawn_blocking(move || crate::audit::read_all(&p2))
                .await
                .map_err(|e| local("certdeck", "read the audit log", format!("{e}")))?
                .map_err(|e| local("certdeck", "read the audit log", format!("{e:#}")))?;
            Ok(JobOutput::AuditLog { path, entries })
        }
    }
}

/// The problems with a form's files, as (field, message); empty when all is well. The same
/// checks run again when the files are really written or read.
pub fn check_files(checks: &[FileCheck]) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for c in checks {
        let path = match files::expand_path(&c.path) {
            Ok(p) => p,
            Err(e) => {
                out.push((c.field, e.to_string()));
                continue;
            }
        };
        let problem = if c.new {
            files::check_new_path(&path).err().map(|e| e.to_string())
        } else {
            match std::fs::File::open(&path) {
                Ok(f) if f.metadata().is_ok_and(|m| m.is_file()) => None,
                Ok(_) => Some(format!("{} is not a file", path.display())),
                Err(e) => Some(format!("cannot read {}: {e}", path.display())),
            }
        };
        if let Some(p) = problem {
            out.push((c.field, p));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Actions, enrolment, downloads

fn account_name(accounts: &[AccountSlot], account: AccountIdx) -> String {
    accounts
        .get(account)
        .map(|s| s.name.clone())
        .unwrap_or_else(|| format!("account #{account}"))
}

fn no_audit_log(account: &str, action: &str) -> ProviderError {
    ProviderError::new(
        account,
        action,
        ErrorKind::Local,
        "no audit log is open, so changes are refused (certdeck never acts unaudited)",
    )
}

fn local(account: &str, operation: impl Into<String>, message: impl Into<String>) -> ProviderError {
    ProviderError::new(account, operation, ErrorKind::Local, message)
}

#[cfg(test)]
mod tests;
