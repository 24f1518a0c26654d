//! What a provider declares about an account: the actions it offers and the side views it
//! has, as data. The action menu, the key table, the help overlay, the read-only gate and the
//! accounts tree are built from it, so no shared layer names a provider's verbs.

use super::{Cert, Collection};
use crate::provider::request::{ActionOutput, ActionRequest};

/// What an action does to the server: the one thing the read-only gate looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Reads only (a download, a status view).
    Read,
    /// Changes something that can be changed back or redone (approve, renew, enrol).
    Change,
    /// Cannot be undone (revoke, delete): confirmed by typing.
    Destroy,
}

impl Effect {
    pub fn changes(self) -> bool {
        self != Effect::Read
    }
}

/// What an action acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Targets {
    /// Exactly one certificate.
    One,
    /// The selected certificate or every marked one.
    Many,
    /// No listed certificate: the account (enrol, revoke by serial number).
    Account,
}

/// Whether an action applies to a certificate in its current state; `Err` says why not, in
/// words for the status bar.
pub type Guard = fn(&Cert) -> Result<(), String>;

/// One action a provider offers.
#[derive(Debug, Clone, Copy)]
pub struct ActionSpec {
    /// Stable id, also the action's name in `[ui.keys]` of the config.
    pub id: &'static str,
    /// The action menu's entry.
    pub label: &'static str,
    /// The help overlay's line.
    pub help: &'static str,
    /// Default keys (as `[ui.keys]` writes them: "a", "R", "ctrl-x").
    pub keys: &'static [&'static str],
    pub effect: Effect,
    pub targets: Targets,
    /// Checked on each target before anything opens.
    pub guard: Option<Guard>,
    /// The action's name in the audit log (refusals included).
    pub audit: &'static str,
    /// The form the action opens, declared by the provider; `None` while its dialog is
    /// still built by the app.
    pub form: Option<crate::form::FormBuilder>,
}

impl ActionSpec {
    /// Why `cert` cannot take this action, if it cannot.
    pub fn refusal(&self, cert: &Cert) -> Option<String> {
        self.guard.and_then(|g| g(cert).err())
    }
}

/// A side view of an account (beside its certificate collections), shown in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ViewSpec {
    pub id: &'static str,
    /// The tree's entry.
    pub label: &'static str,
    /// What the title bar calls it after the account's name ("domain validation").
    pub name: &'static str,
}

/// A form a certificate can be downloaded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportFormat {
    /// The provider's name for it (SCM's `format=` value), shown and audited.
    pub id: &'static str,
    pub description: &'static str,
    /// The default file name's ending (different per format, so downloads never collide).
    pub ext: &'static str,
}

/// Everything a provider declares about an account.
#[derive(Debug, Clone, Copy)]
pub struct AccountInfo {
    pub actions: &'static [ActionSpec],
    pub views: &'static [ViewSpec],
    /// Download formats, the default first; empty when the provider exports nothing.
    pub exports: &'static [ExportFormat],
    /// What the console says and does when an action was answered with success.
    pub outcome: OutcomeFn,
    /// How a new request in a collection is named ("new S/MIME request").
    pub new_request: fn(Collection) -> &'static str,
}

/// The outcome of `request` answered with `output`; `name` names the certificate it was
/// about ("" when none).
pub type OutcomeFn = fn(request: &ActionRequest, output: &ActionOutput, name: &str) -> Outcome;

/// What an answered action means to the console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The status line's words.
    pub text: String,
    /// Add what the worker follows next ("; watching until it is issued").
    pub followed: bool,
    pub then: Then,
}

/// What the console does after an answered action, besides refreshing its certificate.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Then {
    #[default]
    Nothing,
    /// The certificate is gone from the server: hide its row.
    Hide,
    /// A new certificate `id` (in the same collection) was made: bring it into the list.
    LoadNew(String),
    /// Something new was made whose id the server did not say: read the account again.
    ReloadAccount,
}

impl Outcome {
    pub fn new(text: impl Into<String>) -> Outcome {
        Outcome {
            text: text.into(),
            followed: false,
            then: Then::Nothing,
        }
    }

    pub fn followed(mut self) -> Outcome {
        self.followed = true;
        self
    }

    pub fn then(mut self, then: Then) -> Outcome {
        self.then = then;
        self
    }
}

/// The outcome of an account that declares none: "<action> done".
fn done(request: &ActionRequest, _output: &ActionOutput, _name: &str) -> Outcome {
    Outcome::new(format!("{} done", request.audit_name()))
}

impl AccountInfo {
    /// An account that offers nothing (unavailable, or a kind without a client yet).
    pub const NONE: AccountInfo = AccountInfo {
        actions: &[],
        views: &[],
        exports: &[],
        outcome: done,
        new_request: |_| "new request",
    };

    pub fn action(&self, id: &str) -> Option<&'static ActionSpec> {
        self.actions.iter().find(|a| a.id == id)
    }

    pub fn has_view(&self, id: &str) -> bool {
        self.views.iter().any(|v| v.id == id)
    }

    pub fn view(&self, id: &str) -> Option<&'static ViewSpec> {
        self.views.iter().find(|v| v.id == id)
    }
}

impl PartialEq for AccountInfo {
    /// The same declarations (they are static tables, one per provider).
    fn eq(&self, other: &AccountInfo) -> bool {
        std::ptr::eq(self.actions, other.actions)
            && std::ptr::eq(self.views, other.views)
            && std::ptr::eq(self.exports, other.exports)
    }
}
