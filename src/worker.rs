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
use crate::model::{AccountIdx, ActionKind, Capabilities, Cert, CertDetail, Family};
use crate::provider::actions::{
    ClientEnrollRequest, DeviceEnrollRequest, EnrollRequest, Enrolled, ReplaceRequest,
};
use crate::provider::op::{FollowPlan, Op, OpState};
use crate::provider::request::{ActionOutput, ActionRequest};
use crate::provider::{ErrorKind, ListSink, ListUpdate, Provider, ProviderError};
use crate::x509::{self, CertView};

pub type JobId = u64;

/// What the app asks the worker to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// List every certificate of a family of an account.
    List {
        job: JobId,
        account: AccountIdx,
        family: Family,
    },
    /// Load the full detail (and body) of one certificate. With `key`, also check whether
    /// that private key file (made by an enrolment of this session) matches the certificate.
    Detail {
        job: JobId,
        account: AccountIdx,
        family: Family,
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
        family: Family,
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
        }
    }
}

/// Key algorithms offered for locally made keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyAlg {
    EcdsaP256,
    EcdsaP384,
    Rsa2048,
    Rsa3072,
    Rsa4096,
}

impl KeyAlg {
    pub const ALL: [KeyAlg; 5] = [
        KeyAlg::EcdsaP256,
        KeyAlg::EcdsaP384,
        KeyAlg::Rsa2048,
        KeyAlg::Rsa3072,
        KeyAlg::Rsa4096,
    ];

    pub fn label(self) -> &'static str {
        match self {
            KeyAlg::EcdsaP256 => "ECDSA P-256",
            KeyAlg::EcdsaP384 => "ECDSA P-384",
            KeyAlg::Rsa2048 => "RSA 2048",
            KeyAlg::Rsa3072 => "RSA 3072",
            KeyAlg::Rsa4096 => "RSA 4096",
        }
    }

    /// SCM `keyTypes` spelling: ("EC", "P-256") / ("RSA", "2048").
    pub fn scm_key_type(self) -> (&'static str, &'static str) {
        match self {
            KeyAlg::EcdsaP256 => ("EC", "P-256"),
            KeyAlg::EcdsaP384 => ("EC", "P-384"),
            KeyAlg::Rsa2048 => ("RSA", "2048"),
            KeyAlg::Rsa3072 => ("RSA", "3072"),
            KeyAlg::Rsa4096 => ("RSA", "4096"),
        }
    }
}

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

/// Which family's request an enrolment makes. The dialog fills in everything but the CSR;
/// the worker makes (or reads) the CSR and puts it in before sending.
#[derive(Debug, Clone, PartialEq)]
pub enum EnrollKind {
    /// SSL: the CSR names the common name and the DNS/IP names in `sans`.
    Ssl(EnrollRequest),
    /// Client (S/MIME): the CSR names the person (`EnrollSpec::common_name`, else the
    /// e-mail) and carries the e-mail addresses as rfc822Name SANs.
    Client(ClientEnrollRequest),
    /// Device: the CSR names the device (`EnrollSpec::common_name`).
    Device(DeviceEnrollRequest),
}

impl EnrollKind {
    pub fn family(&self) -> Family {
        match self {
            EnrollKind::Ssl(_) => Family::Ssl,
            EnrollKind::Client(_) => Family::Client,
            EnrollKind::Device(_) => Family::Device,
        }
    }

    fn set_csr(&mut self, csr: String) {
        match self {
            EnrollKind::Ssl(r) => r.csr = csr,
            EnrollKind::Client(r) => r.csr = csr,
            EnrollKind::Device(r) => r.csr = csr,
        }
    }

    fn into_action(self) -> ActionRequest {
        match self {
            EnrollKind::Ssl(r) => ActionRequest::Enroll(r),
            EnrollKind::Client(r) => ActionRequest::EnrollClient(r),
            EnrollKind::Device(r) => ActionRequest::EnrollDevice(r),
        }
    }
}

impl From<EnrollRequest> for EnrollKind {
    fn from(r: EnrollRequest) -> EnrollKind {
        EnrollKind::Ssl(r)
    }
}

impl From<ClientEnrollRequest> for EnrollKind {
    fn from(r: ClientEnrollRequest) -> EnrollKind {
        EnrollKind::Client(r)
    }
}

impl From<DeviceEnrollRequest> for EnrollKind {
    fn from(r: DeviceEnrollRequest) -> EnrollKind {
        EnrollKind::Device(r)
    }
}

/// An enrolment as the dialog produced it; the worker fills in the request's CSR.
#[derive(Debug, Clone, PartialEq)]
pub struct EnrollSpec {
    /// The CSR's common name: the host (SSL), the person's name (S/MIME) or the device.
    pub common_name: String,
    pub key: KeySource,
    pub request: EnrollKind,
    /// Instead of a new enrolment, replace this certificate with the new CSR (SCM `replace`):
    /// (family, id, reason and names; its `csr` is filled in by the worker).
    pub replace: Option<(Family, String, ReplaceRequest)>,
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
        family: Family,
        count: usize,
    },
    Detail {
        account: AccountIdx,
        family: Family,
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
        family: Family,
        enrolled: Enrolled,
        /// Where the private key was written (None for a CSR from a file).
        key_path: Option<PathBuf>,
        /// What the enrolment set going (a request that needs no approval being issued).
        follows: Vec<Op>,
    },
    Collected {
        account: AccountIdx,
        family: Family,
        id: String,
        path: PathBuf,
        bytes: usize,
    },
    /// A certificate was replaced with a new CSR (made here when `key_path` is set).
    Replaced {
        account: AccountIdx,
        family: Family,
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
        family: Family,
        total: usize,
    },
    Done {
        job: JobId,
        result: Result<JobOutput, ProviderError>,
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

/// What every job can see: the accounts, their limits and the audit log.
struct Ctx {
    accounts: Vec<AccountSlot>,
    limits: Vec<Limits>,
    audit: Option<Arc<AuditLog>>,
    /// How long-running operations are followed.
    plan: FollowPlan,
}

/// The tasks a `Cancel` can end, by the job they belong to.
type Running =
    Arc<std::sync::Mutex<std::collections::HashMap<JobId, Vec<tokio::task::AbortHandle>>>>;

/// How much one account is asked at once: reads up to its `concurrency`, changes one at a
/// time (a bulk approve of 50 certificates is 50 requests in a row, not 50 at once; a NAS
/// restarting its web server or a PBX with few tokens is never sent two changes at once).
struct Limits {
    reads: tokio::sync::Semaphore,
    changes: tokio::sync::Mutex<()>,
}

/// A job's hold on its account's limits, released when the job ends.
enum Hold<'a> {
    Read(#[allow(dead_code)] tokio::sync::SemaphorePermit<'a>),
    Change(#[allow(dead_code)] tokio::sync::MutexGuard<'a, ()>),
    Free,
}

impl Ctx {
    /// Wait for the account's room for this command: a change waits for the one before it
    /// on the same account, a read for a free slot. Local work (audit, files) waits for
    /// nothing.
    async fn hold(&self, cmd: &Command) -> Hold<'_> {
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
            | Command::Cancel { .. } => {
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
    async fn read_hold(&self, account: AccountIdx) -> Hold<'_> {
        let Some(limits) = self.limits.get(account) else {
            return Hold::Free;
        };
        match limits.reads.acquire().await {
            Ok(p) => Hold::Read(p),
            Err(_) => Hold::Free,
        }
    }
}

/// Follow one operation until it settles, by the plan: each poll is a read within the
/// account's limits; every step goes to the app. A poll that fails is tried again at the
/// next step, up to the plan's limit of failures in a row.
async fn follow(
    ctx: Arc<Ctx>,
    tx: mpsc::UnboundedSender<WorkerEvent>,
    job: JobId,
    account: AccountIdx,
    op: Op,
) {
    let send = |step: FollowStep| {
        let _ = tx.send(WorkerEvent::Followed {
            job,
            account,
            op: op.clone(),
            step,
        });
    };
    let provider = match provider_for(&ctx.accounts, account, "follow an operation") {
        Ok(p) => p,
        Err(e) => return send(FollowStep::Failed(e)),
    };
    let start = tokio::time::Instant::now();
    let (mut failures, mut last) = (0u32, None::<String>);
    loop {
        let Some(wait) = ctx.plan.next_wait(start.elapsed()) else {
            return send(FollowStep::GaveUp {
                status: last,
                after: start.elapsed(),
            });
        };
        tokio::time::sleep(wait).await;
        let polled = {
            let _hold = ctx.read_hold(account).await;
            provider.poll(&op).await
        };
        match polled {
            Ok(OpState::Pending { status, cert }) => {
                failures = 0;
                last = Some(status.clone());
                send(FollowStep::Pending {
                    status,
                    cert: cert.map(Box::new),
                });
            }
            Ok(OpState::Settled { ok, status, cert }) => {
                return send(FollowStep::Settled {
                    ok,
                    status,
                    cert: cert.map(Box::new),
                });
            }
            Err(e) => {
                failures += 1;
                tracing::info!(account = %provider.account(), op = %op.kind, id = %op.id,
                    error = %e, "a poll failed");
                if failures >= ctx.plan.max_failures.max(1) {
                    return send(FollowStep::Failed(e));
                }
            }
        }
    }
}

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
    tokio::spawn(async move {
        // The detail reads and the follows still running, so that a `Cancel` can end them.
        let running: Running = Arc::default();
        while let Some(cmd) = cmd_rx.recv().await {
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

/// Whether the account's capabilities allow an action kind (the worker's read-only gate;
/// providers refuse read-only mutations again before sending).
fn allows(caps: &Capabilities, kind: ActionKind) -> bool {
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
fn gate(
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
async fn append(log: Arc<AuditLog>, mut entry: AuditEntry) -> Result<(), String> {
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
fn with_outcome<T>(entry: AuditEntry, result: &Result<T, ProviderError>) -> AuditEntry {
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
async fn finish<T>(
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
fn settle<T>(
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
async fn audit_read<T>(
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
async fn refuse<T>(
    log: Arc<AuditLog>,
    entry: AuditEntry,
    error: ProviderError,
) -> Result<T, ProviderError> {
    finish(log, entry, Err(error)).await
}

/// A failed request's error, saying (and marking) where the attempt's private key is.
fn kept(mut e: ProviderError, key_path: &Option<PathBuf>) -> ProviderError {
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
fn login_of(ctx: &Ctx, account: AccountIdx) -> Option<String> {
    ctx.accounts
        .get(account)
        .and_then(|a| a.provider.as_ref())
        .and_then(|p| p.login())
}

async fn act(
    ctx: &Ctx,
    account: AccountIdx,
    request: ActionRequest,
    about: Vec<crate::audit::Subject>,
) -> Result<JobOutput, ProviderError> {
    let name = account_name(&ctx.accounts, account);
    let action = request.audit_name();
    let output = |output: ActionOutput, request: ActionRequest, follows| JobOutput::Acted {
        account,
        request: Box::new(request),
        output: Box::new(output),
        follows,
    };
    if !request.is_mutating() {
        let provider = provider_for(&ctx.accounts, account, action)?;
        let out = provider.act(&request).await?;
        return Ok(output(out, request, Vec::new()));
    }

    let Some(log) = ctx.audit.clone() else {
        return Err(no_audit_log(&name, action));
    };
    let mut entry = AuditEntry::new(&name, action, request.audit_ids())
        .with_subjects(about)
        .with_login(login_of(ctx, account));
    if let Some(reason) = request.audit_reason() {
        entry = entry.with_reason(reason);
    }
    if let Some(family) = request.audit_family() {
        entry = entry.with_family(family);
    }
    if let Some(detail) = request.audit_detail() {
        entry = entry.with_detail(detail);
    }
    let provider = match provider_for(&ctx.accounts, account, action) {
        Ok(p) => p,
        Err(e) => return refuse(log, entry, e).await,
    };
    if let Err(e) = gate(&*provider, &name, request.kind(), action) {
        return refuse(log, entry, e).await;
    }
    // Sent once: the clients never retry a mutation that may have reached the server.
    let result = provider.act(&request).await;
    let noted = match &result {
        Ok(ActionOutput::Enrolled(e) | ActionOutput::Renewed(Some(e))) => {
            Some(format!("new id {}", e.id))
        }
        // What the CA asked to be published (a TXT record is public DNS data, no secret).
        Ok(ActionOutput::DcvState(st)) => st.instruction.as_ref().and_then(|i| {
            let (h, p) = (i.host.as_deref()?, i.point.as_deref()?);
            Some(if i.mode.eq_ignore_ascii_case("TXT") {
                format!("TXT record {h} value {p} to publish")
            } else {
                format!("DNS record {h} pointing to {p} to publish")
            })
        }),
        _ => None,
    };
    if let Some(n) = noted {
        entry.detail = Some(match entry.detail.take() {
            Some(d) => format!("{d}; {n}"),
            None => n,
        });
    }
    let out = finish(log, entry, result).await?;
    let follows = provider.follow_up(&request, &out);
    Ok(output(out, request, follows))
}

fn progress(tx: &mpsc::UnboundedSender<WorkerEvent>, job: JobId, done: usize, label: &str) {
    let _ = tx.send(WorkerEvent::Progress {
        job,
        done,
        of: 3,
        label: label.to_string(),
    });
}

async fn enroll(
    ctx: &Ctx,
    job: JobId,
    account: AccountIdx,
    spec: EnrollSpec,
    tx: &mpsc::UnboundedSender<WorkerEvent>,
) -> Result<JobOutput, ProviderError> {
    let name = account_name(&ctx.accounts, account);
    let EnrollSpec {
        common_name,
        key,
        mut request,
        replace,
    } = spec;
    let (action, kind) = if replace.is_some() {
        ("replace", ActionKind::Replace)
    } else {
        ("enroll", ActionKind::Enroll)
    };
    let Some(log) = ctx.audit.clone() else {
        return Err(no_audit_log(&name, action));
    };
    let family = request.family();
    let cn = match (&request, common_name.trim()) {
        // An S/MIME request with no name is named by its address.
        (EnrollKind::Client(r), "") => r.email.trim().to_string(),
        (_, cn) => cn.to_string(),
    };
    let first_id = match (&replace, &request) {
        (Some((_, id, _)), _) => vec![id.clone()],
        (None, EnrollKind::Client(r)) => vec![r.email.trim().to_string()],
        (None, EnrollKind::Ssl(r)) if cn.is_empty() => {
            r.sans.first().cloned().into_iter().collect()
        }
        (None, _) => vec![cn.clone()],
    };
    let mut entry = AuditEntry::new(&name, action, first_id)
        .with_family(family)
        .with_login(login_of(ctx, account));
    if let Some((_, _, r)) = &replace {
        entry = entry.with_reason(r.reason.clone());
    }
    let provider = match provider_for(&ctx.accounts, account, action) {
        Ok(p) => p,
        Err(e) => return refuse(log, entry, e).await,
    };
    if let Err(e) = gate(&*provider, &name, kind, action) {
        return refuse(log, entry, e).await;
    }

    let (csr, key_path) = match key {
        KeySource::Generate { alg, key_path } => {
            let op = format!("write the private key for {cn}");
            let path = match files::expand_path(&key_path)
                .and_then(|p| files::check_new_path(&p).map(|()| p))
            {
                Ok(p) => p,
                Err(e) => return refuse(log, entry, local(&name, op, e.to_string())).await,
            };
            entry = entry.with_detail(format!("{} key {}", alg.label(), path.display()));
            progress(tx, job, 1, &format!("generating a {} key", alg.label()));
            let cn2 = cn.clone();
            let made = match &request {
                // S/MIME: the person's addresses as rfc822Name SANs, the primary one first.
                EnrollKind::Client(r) => {
                    let emails: Vec<String> = std::iter::once(r.email.clone())
                        .chain(r.secondary_emails.iter().cloned())
                        .collect();
                    tokio::task::spawn_blocking(move || {
                        keygen::generate_for_email(alg, &cn2, &emails)
                    })
                    .await
                }
                EnrollKind::Ssl(r) => {
                    let sans = r.sans.clone();
                    tokio::task::spawn_blocking(move || keygen::generate(alg, &cn2, &sans)).await
                }
                // A device is named by its common name (one that is a host name also
                // becomes a DNS SAN).
                _ => tokio::task::spawn_blocking(move || keygen::generate(alg, &cn2, &[])).await,
            };
            let (secret, csr) = match made {
                Ok(Ok(pair)) => pair,
                Ok(Err(e)) => {
                    let e = local(&name, "make the key and CSR", e.to_string());
                    return refuse(log, entry, e).await;
                }
                Err(e) => {
                    let e = local(
                        &name,
                        "make the key and CSR",
                        format!("key generation failed ({e})"),
                    );
                    return refuse(log, entry, e).await;
                }
            };
            // The key is on disk (0600, never over another file) before the CSR leaves.
            progress(tx, job, 2, "writing the private key");
            let p2 = path.clone();
            let written = tokio::task::spawn_blocking(move || {
                files::write_new_file(&p2, secret.expose_secret().as_bytes(), files::KEY_MODE)
            })
            .await
            .map_err(|e| format!("the file writer failed ({e})"))
            .and_then(|r| r.map_err(|e| e.to_string()));
            if let Err(e) = written {
                return refuse(log, entry, local(&name, op, e)).await;
            }
            (csr, Some(path))
        }
        KeySource::KeyFile(key_file) => {
            let op = format!("read the private key for {cn}");
            let path = match files::expand_path(&key_file) {
                Ok(p) => p,
                Err(e) => return refuse(log, entry, local(&name, op, e.to_string())).await,
            };
            entry = entry.with_detail(format!("existing key {}", path.display()));
            progress(tx, job, 1, "making the CSR with the existing key");
            let (cn2, p2) = (cn.clone(), path.clone());
            // The names as a new key's CSR would carry them.
            let (names, email) = match &request {
                EnrollKind::Client(r) => (
                    std::iter::once(r.email.clone())
                        .chain(r.secondary_emails.iter().cloned())
                        .collect(),
                    true,
                ),
                EnrollKind::Ssl(r) => (r.sans.clone(), false),
                _ => (Vec::new(), false),
            };
            let made = tokio::task::spawn_blocking(move || {
                let key = keygen::read_key_file(&p2)?;
                if email {
                    keygen::csr_for_key_and_email(key.expose_secret(), &cn2, &names)
                } else {
                    keygen::csr_for_key(key.expose_secret(), &cn2, &names)
                }
            })
            .await
            .map_err(|e| format!("the CSR maker failed ({e})"))
            .and_then(|r| r.map_err(|e| e.to_string()));
            match made {
                // The key stays where it is: it is this attempt's key, as for a new one.
                Ok(csr) => (csr, Some(path)),
                Err(e) => return refuse(log, entry, local(&name, op, e)).await,
            }
        }
        KeySource::CsrFile(csr_path) => {
            let op = "read the CSR file";
            let path = match files::expand_path(&csr_path) {
                Ok(p) => p,
                Err(e) => return refuse(log, entry, local(&name, op, e.to_string())).await,
            };
            entry = entry.with_detail(format!("CSR {}", path.display()));
            progress(tx, job, 1, "reading the CSR");
            let p2 = path.clone();
            let read = tokio::task::spawn_blocking(move || keygen::read_csr(&p2))
                .await
                .map_err(|e| format!("the CSR reader failed ({e})"))
                .and_then(|r| r.map_err(|e| e.to_string()));
            match read {
                Ok((pem, csr_cn, _sans)) => {
                    // An SSL request is named by what its CSR names; S/MIME and device ones
                    // keep the address or device name the user gave.
                    if replace.is_none() && family == Family::Ssl && !csr_cn.is_empty() {
                        entry.ids = vec![csr_cn];
                    }
                    (pem, None)
                }
                Err(e) => return refuse(log, entry, local(&name, op, e)).await,
            }
        }
    };

    if let Some((family, id, mut r)) = replace {
        r.csr = csr;
        progress(tx, job, 3, "sending the replacement");
        let replace = ActionRequest::Replace {
            family,
            id: id.clone(),
            request: r,
        };
        let result = provider.act(&replace).await.map_err(|e| kept(e, &key_path));
        let out = finish(log, entry, result).await?;
        return Ok(JobOutput::Replaced {
            account,
            family,
            id,
            key_path,
            follows: provider.follow_up(&replace, &out),
        });
    }
    let named = match &request {
        EnrollKind::Client(r) => format!("e-mail {}, CN {cn}", r.email.trim()),
        _ => format!("CN {cn}"),
    };
    request.set_csr(csr);
    progress(tx, job, 3, "sending the request");
    let sent = request.into_action();
    let result = match provider.act(&sent).await {
        Ok(ActionOutput::Enrolled(e)) => Ok(e),
        Ok(other) => Err(ProviderError::new(
            &name,
            action,
            ErrorKind::Protocol,
            format!("the provider answered an enrolment with {other:?}; refresh the list"),
        )),
        Err(e) => Err(e),
    };
    if let Ok(e) = &result {
        entry.ids = vec![e.id.clone()];
        let detail = entry.detail.take().unwrap_or_default();
        entry = entry.with_detail(format!("{named}; {detail}"));
    }
    let result = result.map_err(|e| kept(e, &key_path));
    let enrolled = finish(log, entry, result).await?;
    let follows = provider.follow_up(&sent, &ActionOutput::Enrolled(enrolled.clone()));
    Ok(JobOutput::Enrolled {
        account,
        family,
        enrolled,
        key_path,
        follows,
    })
}

async fn collect(
    ctx: &Ctx,
    account: AccountIdx,
    family: Family,
    id: String,
    format: &'static str,
    path: PathBuf,
) -> Result<JobOutput, ProviderError> {
    let name = account_name(&ctx.accounts, account);
    let op = format!("save certificate {id}");
    // A download is a read, but it is audited (the issue lists Collect among the audited
    // actions): one line with the format, the file and the outcome, refusals included.
    let entry = AuditEntry::new(&name, "download", vec![id.clone()])
        .with_family(family)
        .with_login(login_of(ctx, account))
        .with_detail(format!("format {}, file {}", format, path.display()));
    // A read: without an audit log it still works, unaudited.
    let log = ctx.audit.clone();
    let provider = match provider_for(&ctx.accounts, account, "download certificate") {
        Ok(p) => p,
        Err(e) => return audit_read(log, entry, Err(e)).await,
    };
    // Refuse a taken name or a missing folder before downloading anything.
    let path = match files::expand_path(&path).and_then(|p| files::check_new_path(&p).map(|()| p)) {
        Ok(p) => p,
        Err(e) => {
            return audit_read(log, entry, Err(local(&name, &op, e.to_string()))).await;
        }
    };
    let entry = entry.with_detail(format!("format {}, file {}", format, path.display()));
    let result = async {
        let bytes = provider.collect(family, &id, format).await?;
        let n = bytes.len();
        let p2 = path.clone();
        tokio::task::spawn_blocking(move || files::write_new_file(&p2, &bytes, files::CERT_MODE))
            .await
            .map_err(|e| local(&name, &op, format!("the file writer failed ({e})")))?
            .map_err(|e| local(&name, &op, e.to_string()))?;
        Ok::<usize, ProviderError>(n)
    }
    .await;
    let n = audit_read(log, entry, result).await?;
    Ok(JobOutput::Collected {
        account,
        family,
        id,
        path,
        bytes: n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> AuditEntry {
        AuditEntry::new("corp", "approve", vec!["1234".into()]).with_reason("ok by me")
    }

    #[test]
    fn outcomes_follow_the_error_kind() {
        let ok: Result<(), ProviderError> = Ok(());
        assert_eq!(with_outcome(entry(), &ok).outcome, "ok");
        let err = |kind| -> Result<(), ProviderError> {
            Err(ProviderError::new("corp", "approve", kind, "why"))
        };
        assert_eq!(
            with_outcome(entry(), &err(ErrorKind::Local)).outcome,
            "refused: why"
        );
        assert_eq!(
            with_outcome(entry(), &err(ErrorKind::UnknownOutcome)).outcome,
            "unknown: why"
        );
        let e = err(ErrorKind::Rejected).map_err(|e| e.with_status(400).with_code(-1112));
        let a = with_outcome(entry(), &e);
        assert_eq!(a.outcome, "error: why");
        assert_eq!(a.detail.as_deref(), Some("HTTP 400, code -1112"));
    }

    #[test]
    fn a_failed_audit_write_is_never_silent() {
        let path = std::path::Path::new("/var/log/certdeck/audit.jsonl");
        // Written: the provider's result as is.
        let r: Result<u8, ProviderError> = settle(&entry().ok(), path, Ok(7), Ok(()));
        assert_eq!(r, Ok(7));
        // Success on the server, audit failed: an error that says both.
        let done = entry().with_detail("new id 99").ok();
        let e = settle(&done, path, Ok(7), Err("disk full".into())).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Local);
        for part in [
            "approve of 1234 (new id 99) SUCCEEDED",
            "/var/log/certdeck/audit.jsonl",
            "disk full",
        ] {
            assert!(e.message.contains(part), "{part}: {}", e.message);
        }
        // Failure on the server, audit failed too: the provider's error, extended.
        let failed = Err::<u8, _>(
            ProviderError::new("corp", "approve", ErrorKind::Rejected, "already approved")
                .with_code(-1112),
        );
        let e = settle(&entry(), path, failed, Err("disk full".into())).unwrap_err();
        assert_eq!((e.kind, e.code), (ErrorKind::Rejected, Some(-1112)));
        assert!(e.message.starts_with("already approved; "), "{}", e.message);
        assert!(e.message.contains("disk full"), "{}", e.message);
    }

    /// A provider whose details and approvals wait at a gate the test opens, counting how
    /// many are in flight at once.
    struct Gated {
        gate: tokio::sync::Semaphore,
        in_flight: std::sync::Mutex<(usize, usize)>,
    }

    impl Gated {
        async fn pass(&self) {
            {
                let mut f = self.in_flight.lock().unwrap();
                f.0 += 1;
                f.1 = f.1.max(f.0);
            }
            // Counted out also when the call is dropped half-way (cancelled).
            struct Out<'a>(&'a std::sync::Mutex<(usize, usize)>);
            impl Drop for Out<'_> {
                fn drop(&mut self) {
                    self.0.lock().unwrap().0 -= 1;
                }
            }
            let _out = Out(&self.in_flight);
            let _ = self.gate.acquire().await.map(|p| p.forget());
        }
        fn started(&self) -> (usize, usize) {
            *self.in_flight.lock().unwrap()
        }
    }

    #[async_trait::async_trait]
    impl Provider for Gated {
        fn account(&self) -> &str {
            "gated"
        }
        fn capabilities(&self) -> Capabilities {
            Capabilities {
                approve: true,
                ..Capabilities::read_only()
            }
        }
        fn families(&self) -> Vec<Family> {
            vec![Family::Ssl]
        }
        fn info(&self) -> crate::model::spec::AccountInfo {
            crate::model::spec::AccountInfo::NONE
        }
        fn concurrency(&self) -> usize {
            2
        }
        async fn list(&self, _: Family, _: ListSink) -> Result<usize, ProviderError> {
            Ok(0)
        }
        async fn detail(&self, _: Family, id: &str) -> Result<(Cert, CertDetail), ProviderError> {
            self.pass().await;
            Err(ProviderError::new(
                "gated",
                "detail",
                ErrorKind::NotFound,
                id,
            ))
        }
        async fn collect(&self, _: Family, _: &str, _: &str) -> Result<Vec<u8>, ProviderError> {
            Ok(Vec::new())
        }
        async fn act(&self, _: &ActionRequest) -> Result<ActionOutput, ProviderError> {
            self.pass().await;
            Ok(ActionOutput::Done)
        }
    }

    /// Let every task that can run, run (a current-thread runtime: nothing runs meanwhile).
    async fn idle() {
        for _ in 0..200 {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn changes_to_one_account_go_one_at_a_time_and_reads_up_to_its_concurrency() {
        let dir = tempfile::tempdir().unwrap();
        let audit = AuditLog::open(&dir.path().join("audit.jsonl")).unwrap();
        let p = Arc::new(Gated {
            gate: tokio::sync::Semaphore::new(0),
            in_flight: Default::default(),
        });
        let slot = AccountSlot {
            name: "gated".into(),
            provider: Some(p.clone()),
            unavailable: None,
        };
        let (tx, mut rx) = spawn(vec![slot], Some(audit));
        for job in 0..3 {
            tx.send(Command::Act {
                job,
                account: 0,
                request: ActionRequest::Approve {
                    family: Family::Ssl,
                    id: job.to_string(),
                    message: "ok".into(),
                },
                about: Vec::new(),
            })
            .unwrap();
        }
        idle().await;
        assert_eq!(p.started(), (1, 1), "one approval at a time");
        p.gate.add_permits(3);
        let mut done = 0;
        while done < 3 {
            if let Some(WorkerEvent::Done { result, .. }) = rx.recv().await {
                assert!(result.is_ok(), "{result:?}");
                done += 1;
            }
        }
        assert_eq!(p.started(), (0, 1), "never two at once");
        // Reads: up to the account's concurrency (2) at once.
        for job in 10..14 {
            tx.send(Command::Detail {
                job,
                account: 0,
                family: Family::Ssl,
                id: job.to_string(),
                key: None,
            })
            .unwrap();
        }
        idle().await;
        assert_eq!(p.started().0, 2);
        p.gate.add_permits(4);
        let mut done = 0;
        while done < 4 {
            if let Some(WorkerEvent::Done { .. }) = rx.recv().await {
                done += 1;
            }
        }
        assert_eq!(p.started(), (0, 2));
        // A cancelled read ends where it is, sends nothing, and frees its place.
        for job in 20..22 {
            tx.send(Command::Detail {
                job,
                account: 0,
                family: Family::Ssl,
                id: job.to_string(),
                key: None,
            })
            .unwrap();
        }
        idle().await;
        assert_eq!(p.started().0, 2);
        tx.send(Command::Cancel { job: 20 }).unwrap();
        tx.send(Command::Detail {
            job: 22,
            account: 0,
            family: Family::Ssl,
            id: "22".into(),
            key: None,
        })
        .unwrap();
        idle().await;
        assert_eq!(p.started().0, 2, "20 left, 22 took its place");
        p.gate.add_permits(2);
        let mut ended = Vec::new();
        while ended.len() < 2 {
            if let Some(WorkerEvent::Done { job, .. }) = rx.recv().await {
                ended.push(job);
            }
        }
        ended.sort();
        assert_eq!(ended, [21, 22]);
        idle().await;
        assert!(rx.try_recv().is_err(), "nothing from the cancelled job");
    }

    #[test]
    fn capabilities_gate_by_kind() {
        let ro = Capabilities::read_only();
        assert!(allows(&ro, ActionKind::Collect));
        assert!(!allows(&ro, ActionKind::Approve));
        assert!(!allows(&ro, ActionKind::Enroll));
    }
}
