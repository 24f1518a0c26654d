//! The worker: an async task that owns the provider clients. `Command`s come in over one
//! channel, `WorkerEvent`s go out over another; every job carries the id the app gave it, so the
//! app knows what is pending (spinner, idle detection in tests) and what each answer belongs to.

use std::sync::Arc;

use tokio::sync::mpsc;

use std::path::PathBuf;

use crate::audit::AuditEntry;
use crate::model::{AccountIdx, Cert, CertDetail, Family};
use crate::provider::actions::{EnrollRequest, Enrolled};
use crate::provider::request::{ActionOutput, ActionRequest};
use crate::provider::{CollectFormat, ErrorKind, ListSink, ListUpdate, Provider, ProviderError};
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
    /// Load the full detail (and body) of one certificate.
    Detail {
        job: JobId,
        account: AccountIdx,
        family: Family,
        id: String,
    },
    /// A read or a confirmed mutation. Mutations get one audit line with their outcome and are
    /// never retried once they may have reached the server.
    Act {
        job: JobId,
        account: AccountIdx,
        request: ActionRequest,
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
        format: CollectFormat,
        path: PathBuf,
    },
    /// Write an audit line for something refused before it was sent (read-only account …).
    Audit { job: JobId, entry: AuditEntry },
}

impl Command {
    pub fn job(&self) -> JobId {
        match self {
            Command::List { job, .. }
            | Command::Detail { job, .. }
            | Command::Act { job, .. }
            | Command::Enroll { job, .. }
            | Command::Collect { job, .. }
            | Command::Audit { job, .. } => *job,
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
}

/// An enrolment as the dialog produced it; the worker fills in `request.csr`.
#[derive(Debug, Clone, PartialEq)]
pub struct EnrollSpec {
    pub common_name: String,
    pub key: KeySource,
    pub request: EnrollRequest,
}

/// The detail pane's data: provider fields plus the parsed certificate body.
#[derive(Debug, Clone, PartialEq)]
pub struct DetailView {
    pub detail: CertDetail,
    /// Parsed body (leaf first). Empty when there is no body; `Err` when it did not parse.
    pub x509: Result<Vec<CertView>, String>,
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
    },
    Enrolled {
        account: AccountIdx,
        enrolled: Enrolled,
        /// Where the private key was written (None for a CSR from a file).
        key_path: Option<PathBuf>,
    },
    Collected {
        account: AccountIdx,
        family: Family,
        id: String,
        path: PathBuf,
        bytes: usize,
    },
    Audited,
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
}

/// One slot per configured account; `None` for kinds this build has no client for.
pub struct AccountSlot {
    pub name: String,
    pub provider: Option<Arc<dyn Provider>>,
    /// Why there is no provider ("not supported yet", "no secret: …").
    pub unavailable: Option<String>,
}

/// Start the worker on the current tokio runtime.
pub fn spawn(
    accounts: Vec<AccountSlot>,
) -> (
    mpsc::UnboundedSender<Command>,
    mpsc::UnboundedReceiver<WorkerEvent>,
) {
    let (cmd_tx, mut cmd_rx) = mpsc::unbounded_channel::<Command>();
    let (evt_tx, evt_rx) = mpsc::unbounded_channel::<WorkerEvent>();
    let accounts = Arc::new(accounts);
    tokio::spawn(async move {
        while let Some(cmd) = cmd_rx.recv().await {
            let accounts = Arc::clone(&accounts);
            let tx = evt_tx.clone();
            // Each job runs on its own task so a hanging request never blocks the others;
            // per-account concurrency is bounded inside the provider clients.
            tokio::spawn(async move {
                let job = cmd.job();
                let result = run(&accounts, cmd, &tx).await;
                let _ = tx.send(WorkerEvent::Done { job, result });
            });
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
    accounts: &[AccountSlot],
    cmd: Command,
    tx: &mpsc::UnboundedSender<WorkerEvent>,
) -> Result<JobOutput, ProviderError> {
    match cmd {
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
            ..
        } => {
            let provider = provider_for(accounts, account, "get certificate detail")?;
            let (cert, detail) = provider.detail(family, &id).await?;
            let x509 = match &detail.body_pem {
                Some(pem) => x509::parse_bundle(pem.as_bytes()).map_err(|e| e.to_string()),
                None => Ok(Vec::new()),
            };
            Ok(JobOutput::Detail {
                account,
                family,
                cert,
                view: Box::new(DetailView { detail, x509 }),
            })
        }
        // Being implemented (actions branch): audit, key generation, file writes.
        Command::Act { .. }
        | Command::Enroll { .. }
        | Command::Collect { .. }
        | Command::Audit { .. } => Err(ProviderError::new(
            "certdeck",
            "action",
            ErrorKind::Unsupported,
            "not available in this build yet",
        )),
    }
}
