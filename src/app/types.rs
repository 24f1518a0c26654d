//! The app's nouns: the panes, overlays, accounts as the tree shows them, scopes, jobs,
//! errors and status messages.

use super::*;

/// The panes, left to right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Accounts,
    List,
    Detail,
}

impl Pane {
    pub fn ctx(self) -> Ctx {
        match self {
            Pane::Accounts => Ctx::Accounts,
            Pane::List => Ctx::List,
            Pane::Detail => Ctx::Detail,
        }
    }
}

/// Popups drawn over the panes.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help {
        scroll: u16,
    },
    /// The error log; `selected` indexes `State::errors`.
    Errors {
        selected: usize,
    },
    /// One error, shown when it happens (or reopened from the log).
    Error {
        index: usize,
    },
    /// The action menu: `State::menu()` entries.
    Menu {
        selected: usize,
    },
    /// Values to copy to the clipboard, as (label, value); Enter or the number copies.
    Copy {
        items: Vec<(String, String)>,
        selected: usize,
    },
    /// The audit log as read back from its file (newest last); `scroll` is the selected
    /// entry, shown in full when `open`.
    Audit {
        path: std::path::PathBuf,
        entries: Vec<crate::audit::AuditEntry>,
        scroll: u16,
        open: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum LoadState {
    Idle,
    Loading,
    Loaded,
    Failed(String),
}

/// One certificate family of an account, with its count.
#[derive(Debug, Clone, PartialEq)]
pub struct FamilyView {
    pub family: Collection,
    /// Rows seen by the current (or last) load / total reported by the provider.
    pub loaded: usize,
    pub total: Option<usize>,
    pub load: LoadState,
    /// Which load this is (1 for the first, +1 per refresh): rows not seen again by a
    /// finished refresh are gone from the server and leave the list.
    pub generation: u32,
    /// Loads that failed in a row (0 once one succeeds): only the first opens the error.
    pub failures: u32,
}

impl FamilyView {
    pub fn new(family: Collection) -> FamilyView {
        FamilyView {
            family,
            // Certificates start unseen (0), so the first rows of any load count.
            generation: 1,
            loaded: 0,
            total: None,
            load: LoadState::Idle,
            failures: 0,
        }
    }
}

/// The status line while a refresh runs (replaced when the last list job ends).
pub(super) const REFRESHING: &str = "refreshing…";

/// One account as the accounts pane shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountView {
    pub name: String,
    pub kind: ProviderKind,
    pub read_only: bool,
    pub families: Vec<FamilyView>,
    /// Why the account cannot be used at all (kind not supported yet, no secret …).
    pub unavailable: Option<String>,
    /// `tls_skip_verify`: the server's certificate is not checked; the pane says so.
    pub tls_unverified: bool,
    /// What the provider declares the account offers: its actions and side views.
    pub info: AccountInfo,
}

impl AccountView {
    pub fn new(
        name: impl Into<String>,
        kind: ProviderKind,
        families: &[Collection],
    ) -> AccountView {
        AccountView {
            name: name.into(),
            kind,
            read_only: false,
            families: families.iter().map(|f| FamilyView::new(*f)).collect(),
            unavailable: None,
            tls_unverified: false,
            info: crate::provider::registry::info(kind),
        }
    }

    pub fn unavailable(name: impl Into<String>, kind: ProviderKind, why: String) -> AccountView {
        AccountView {
            name: name.into(),
            kind,
            read_only: false,
            families: vec![],
            unavailable: Some(why),
            tls_unverified: false,
            info: AccountInfo::NONE,
        }
    }

    pub fn loaded(&self) -> usize {
        self.families.iter().map(|f| f.loaded).sum()
    }

    pub fn is_loading(&self) -> bool {
        self.families.iter().any(|f| f.load == LoadState::Loading)
    }

    pub(super) fn family_mut(&mut self, family: Collection) -> Option<&mut FamilyView> {
        self.families.iter_mut().find(|f| f.family == family)
    }
}

/// What the accounts pane can select: everything, one account, or one family of one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    All,
    /// Every request awaiting approval, across accounts and families.
    Pending,
    /// A side view of an account (its id as the provider declares it).
    View(AccountIdx, &'static str),
    Account(AccountIdx),
    Collection(AccountIdx, Collection),
}

/// What a pending job is for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum JobKind {
    List {
        account: AccountIdx,
        family: Collection,
    },
    /// Detail of `certs[cert]`.
    Detail {
        cert: usize,
    },
    /// An action on a certificate (or on none).
    Action {
        cert: Option<usize>,
    },
    Enroll,
    /// Data an open dialog is waiting for.
    DialogData,
    /// The files a form names, checked before its confirmation.
    FileCheck,
    Audit,
    /// A read of a side view.
    View(AccountIdx, &'static str),
}

/// A bulk action (one job per certificate), reported as one when its last job ends.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// "approved", "declined", "revoked".
    pub verb: &'static str,
    /// "requests", "certificates".
    pub noun: &'static str,
    pub total: usize,
    pub ok: usize,
    pub failed: usize,
}

impl Batch {
    /// What the whole batch did, once every job has ended.
    pub(super) fn summary(&self) -> (String, Severity) {
        let mut text = if self.failed == 0 {
            format!("{} {} {}", self.verb, self.total, self.noun)
        } else {
            format!(
                "{} {} of {} {}; {} failed (e shows the errors)",
                self.verb, self.ok, self.total, self.noun, self.failed
            )
        };
        if self.verb == "approved" && self.ok > 0 {
            text.push_str(if self.ok == 1 {
                "; watching until it is issued"
            } else {
                "; watching until they are issued"
            });
        }
        let sev = if self.failed == 0 {
            Severity::Info
        } else {
            Severity::Warning
        };
        (text, sev)
    }
}

/// A job the worker is running for us.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub kind: JobKind,
    pub label: String,
    pub progress: Option<(usize, usize, String)>,
}

/// An error kept in the log pane.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorEntry {
    /// Unix seconds.
    pub time: i64,
    pub error: ProviderError,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DetailState {
    Loading,
    Loaded(Box<DetailView>),
    Failed(ProviderError),
}

/// Severity of the one-line status message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

/// A status message as kept in the history (the error log popup shows it in full).
#[derive(Debug, Clone, PartialEq)]
pub struct StatusEntry {
    /// Unix seconds.
    pub time: i64,
    pub text: String,
    pub severity: Severity,
}
