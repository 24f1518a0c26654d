//! Providers: one trait, one folder per provider (`client` = HTTP + auth, `wire` = serde types
//! mirroring the API, `map` = wire → `model`). Nothing outside `provider::<name>` sees wire types.

pub mod host;
pub mod http;
pub mod op;
pub mod registry;
pub mod request;
pub mod sectigo;
pub mod setup;
pub mod tls;
pub mod view;

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;

use crate::model::{Capabilities, Cert, CertDetail, Collection};

/// Where a failure came from, for wording and for the retry policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bad or missing credentials (HTTP 401 / provider auth codes).
    Auth,
    /// The object does not exist (unknown id).
    NotFound,
    /// The request was refused as invalid (HTTP 400 with a provider code).
    Rejected,
    /// Not available yet, e.g. collecting a certificate that is not issued.
    NotReady,
    /// Could not connect / timed out before the server answered.
    Network,
    /// The server failed (5xx) or asked us to slow down (429).
    Server,
    /// The server answered something we could not understand (malformed JSON, missing header).
    Protocol,
    /// A mutation whose outcome is unknown (the connection broke after sending).
    UnknownOutcome,
    /// The account kind or the operation is not supported by this build.
    Unsupported,
    /// Refused locally (read-only account, bad input) before anything was sent.
    Local,
}

/// A typed error: account, operation, HTTP status, provider code and message — always shown on
/// screen and kept in the error log.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderError {
    pub account: String,
    pub operation: String,
    pub kind: ErrorKind,
    pub http_status: Option<u16>,
    /// The provider's own error code (Sectigo: negative numbers such as -16).
    pub code: Option<i64>,
    pub message: String,
    /// A private key file this attempt wrote before it failed (an enrolment made the key,
    /// then the request was refused): the form offers to send it again with that key.
    pub kept_key: Option<std::path::PathBuf>,
}

impl ProviderError {
    pub fn new(
        account: impl Into<String>,
        operation: impl Into<String>,
        kind: ErrorKind,
        message: impl Into<String>,
    ) -> ProviderError {
        ProviderError {
            account: account.into(),
            operation: operation.into(),
            kind,
            http_status: None,
            code: None,
            message: message.into(),
            kept_key: None,
        }
    }

    pub fn with_status(mut self, status: u16) -> ProviderError {
        self.http_status = Some(status);
        self
    }

    pub fn with_code(mut self, code: i64) -> ProviderError {
        self.code = Some(code);
        self
    }
}

impl fmt::Display for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} failed", self.account, self.operation)?;
        if let Some(s) = self.http_status {
            write!(f, " (HTTP {s}")?;
            if let Some(c) = self.code {
                write!(f, ", code {c}")?;
            }
            write!(f, ")")?;
        } else if let Some(c) = self.code {
            write!(f, " (code {c})")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ProviderError {}

/// What a list operation reports while it runs. Rows are upserted by (account, family, id):
/// a page first delivers bare rows, a report or detail requests then deliver the same rows
/// completed. A completing row may leave out (empty, `None`) the common name, SANs, serial
/// or profile an earlier row of the same id brought; the receiver keeps those, so a provider
/// never has to hold the rows it has already sent.
#[derive(Debug, Clone, PartialEq)]
pub enum ListUpdate {
    /// The total number of rows, once known (`X-Total-Count`).
    Total(usize),
    /// New or completed rows.
    Rows(Vec<Cert>),
    /// Progress for the spinner: `done` of `of` steps, with a label ("loading", "details").
    Progress {
        done: usize,
        of: usize,
        label: String,
    },
}

/// The callback a list operation reports through.
pub type ListSink = Arc<dyn Fn(ListUpdate) + Send + Sync>;

/// One account's client. Implementations live in `provider::<name>::client`.
#[async_trait]
pub trait Provider: Send + Sync {
    /// The account name, for error messages.
    fn account(&self) -> &str;

    fn capabilities(&self) -> Capabilities;

    /// The certificate families this account has (Sectigo: SSL, client, device …).
    fn families(&self) -> Vec<Collection>;

    /// The account's login at the provider, for the audit log (never a secret).
    fn login(&self) -> Option<String> {
        None
    }

    /// How many requests the account may be sent at once (reads; changes go one by one).
    fn concurrency(&self) -> usize {
        4
    }

    /// What the account offers: its actions (keys, effects, the states they apply to) and
    /// side views. The console's menu, key table, help and read-only gate are built from it.
    fn info(&self) -> crate::model::spec::AccountInfo;

    /// List every certificate of a family, reporting pages and completed rows through `sink`
    /// as they arrive. Returns the number of rows listed.
    async fn list(&self, family: Collection, sink: ListSink) -> Result<usize, ProviderError>;

    /// The full detail of one certificate, with its body when it is available, plus the
    /// refreshed list row.
    async fn detail(
        &self,
        family: Collection,
        id: &str,
    ) -> Result<(Cert, CertDetail), ProviderError>;

    /// The certificate body in one of the account's export formats (by its id), as raw
    /// bytes.
    async fn collect(
        &self,
        family: Collection,
        id: &str,
        format: &str,
    ) -> Result<Vec<u8>, ProviderError>;

    /// Where the provider's questions to the person go (a one-time password, a new server
    /// fingerprint); given once, when the worker starts. The default ignores it: a provider
    /// that never asks anything.
    fn attach(&self, _host: Arc<dyn host::Host>) {}

    /// The long-running operations a finished action starts (an approved request being
    /// issued, a submitted validation being checked), for the worker to follow with
    /// [`Provider::poll`]. The default: none.
    fn follow_up(
        &self,
        _request: &request::ActionRequest,
        _output: &request::ActionOutput,
    ) -> Vec<op::Op> {
        Vec::new()
    }

    /// Where a long-running operation from [`Provider::follow_up`] is now: one read.
    async fn poll(&self, op: &op::Op) -> Result<op::OpState, ProviderError> {
        Err(ProviderError::new(
            self.account(),
            format!("follow {} {}", op.kind, op.id),
            ErrorKind::Unsupported,
            "this provider follows no operations",
        ))
    }

    /// What the audit line of a successful action should also say, from its answer (SCM: the
    /// DNS record the CA asked to be published). Never a secret.
    fn audit_note(&self, _output: &request::ActionOutput) -> Option<String> {
        None
    }

    /// Everything beyond list/detail/collect. The default refuses: the UI offers only what
    /// `capabilities` allows, so reaching this is a bug or a provider without the operation.
    async fn act(
        &self,
        request: &request::ActionRequest,
    ) -> Result<request::ActionOutput, ProviderError> {
        Err(ProviderError::new(
            self.account(),
            request.audit_name(),
            ErrorKind::Unsupported,
            "not supported by this provider",
        ))
    }
}
