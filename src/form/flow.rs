//! How a provider declares a form and drives it. An action's spec names a [`FormBuilder`];
//! the app calls it once the action passed its gates (offered, read-only, the targets'
//! state) and gets an [`Opening`]: the form, the provider's [`Flow`] for it, and the reads
//! that fill in choices from the server. From then on the app's one path asks the flow:
//! on a change, to validate, for the files to check, for the confirmation's summary, and at
//! the end for the [`Submission`]s it turns into commands. Every method is pure.

use std::any::Any;
use std::collections::HashMap;
use std::fmt::Debug;
use std::path::{Path, PathBuf};

use super::widget::Form;
use crate::model::spec::ExportFormat;
use crate::model::{AccountIdx, Cert, CertStatus, Collection};
use crate::provider::request::{ActionOutput, ActionRequest};
use crate::worker::{EnrollSpec, FileCheck};

/// A certificate an action applies to.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Its row in the app's list (to name it in the audit and refresh it afterwards).
    pub cert: usize,
    pub account: AccountIdx,
    pub family: Collection,
    pub id: String,
    pub cn: String,
    pub serial: Option<String>,
    pub status: CertStatus,
}

/// What a form builder may know of the moment its form opens.
#[derive(Debug, Clone, Copy)]
pub struct FormCx<'a> {
    /// The account the action acts in (the targets', or the one new things are made in).
    pub account: AccountIdx,
    pub account_name: &'a str,
    /// The console or this account is read-only (only `Effect::Read` actions get here then).
    pub read_only: bool,
    /// The marked certificates, else the selected one; empty for an account's action.
    pub targets: &'a [Target],
    /// The listed certificates, indexed by `Target::cert`.
    pub certs: &'a [Cert],
    /// The account's download formats, the default first.
    pub exports: &'static [ExportFormat],
    /// The family selected in the accounts pane (what a new certificate is made in).
    pub family: Collection,
    /// Tokens the provider returned at enrolment this session, by (account, id).
    pub renew_ids: &'a HashMap<(AccountIdx, String), String>,
}

impl FormCx<'_> {
    /// The one target of an action that takes one (the app checked there is one).
    pub fn target(&self) -> Option<&Target> {
        self.targets.first()
    }

    /// The listed certificate a target names.
    pub fn cert(&self, t: &Target) -> Option<&Cert> {
        self.certs.get(t.cert)
    }
}

/// A read a form needs before it can be filled in (its answer goes to [`Flow::loaded`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Load {
    pub request: ActionRequest,
    /// The job's label (status line, logs).
    pub label: String,
}

/// An opened form: what is shown, who drives it, what it still needs from the server.
#[derive(Debug)]
pub struct Opening {
    pub form: Form,
    pub flow: Box<dyn Flow>,
    pub loads: Vec<Load>,
}

impl Opening {
    pub fn new(form: Form, flow: impl Flow + 'static) -> Opening {
        Opening {
            form,
            flow: Box::new(flow),
            loads: Vec::new(),
        }
    }
}

/// Builds an action's form; `Err` refuses the action, in words for the status line.
pub type FormBuilder = fn(&FormCx) -> Result<Opening, String>;

/// What a confirmed form sends, as neutral values the app turns into commands.
#[derive(Debug, Clone, PartialEq)]
pub enum Submission {
    /// A read or a change sent to the provider (one audited job). `cert` is the listed
    /// certificate it is about (named in the audit line, refreshed afterwards).
    Act {
        account: AccountIdx,
        cert: Option<usize>,
        request: ActionRequest,
        label: String,
    },
    /// A new key and CSR sent to the provider: an enrolment, or with `cert` the
    /// replacement of that certificate.
    Enroll {
        account: AccountIdx,
        cert: Option<usize>,
        spec: Box<EnrollSpec>,
        label: String,
    },
    /// A certificate's body saved to a new file.
    Download {
        account: AccountIdx,
        cert: usize,
        family: Collection,
        id: String,
        format: &'static str,
        path: PathBuf,
        label: String,
    },
    /// A read whose answer goes back to the open form ([`Flow::loaded`]).
    Load(AccountIdx, Load),
    /// New server-side filters for one of the account's side views (`view` is its id), as
    /// the form's (field, value) pairs; the view takes them and is read again from the top.
    Refilter {
        account: AccountIdx,
        view: &'static str,
        values: Vec<(&'static str, String)>,
    },
}

/// A confirmed form's submissions, and how the app reports them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sent {
    pub submissions: Vec<Submission>,
    /// Several jobs of one bulk action are reported together: (past verb, plural noun).
    pub batch: Option<(&'static str, &'static str)>,
    /// The marks are cleared (they were the targets).
    pub clear_marks: bool,
    /// The form stays open (to show the answer) with this note until it comes.
    pub stay_open: Option<String>,
}

impl Sent {
    pub fn one(s: Submission) -> Sent {
        Sent {
            submissions: vec![s],
            ..Sent::default()
        }
    }
}

/// A provider's logic for one open form. The app holds it beside the form and calls it on
/// the one path: change → validate → file checks → summary → submit.
pub trait Flow: FlowBox + Debug {
    /// A field's value changed: reshape dependent fields (choices, hints, default paths).
    fn on_change(&mut self, _form: &mut Form, _field: &'static str) {}
    /// Set the fields' errors (or the form's note) for what cannot be sent.
    fn validate(&self, _form: &mut Form) {}
    /// The files the form will write or read, checked (by the worker) before the summary.
    fn file_checks(&self, _form: &Form) -> Vec<FileCheck> {
        Vec::new()
    }
    /// The confirmation stage's lines (forms with `confirm` set); `certs` are the listed
    /// certificates (to name one a typed value points at).
    fn summary(&self, _form: &Form, _certs: &[Cert]) -> Vec<String> {
        Vec::new()
    }
    /// What the (confirmed) form sends; `certs` are the listed certificates (to find the
    /// row a typed value names).
    fn submit(&self, form: &Form, certs: &[Cert]) -> Sent;
    /// A read the form asked for (an opening's load, a `Submission::Load`) was answered.
    fn loaded(
        &mut self,
        _form: &mut Form,
        _account: AccountIdx,
        _request: &ActionRequest,
        _output: &ActionOutput,
    ) {
    }
    /// A change this form sent (a `Submission::Act`) was answered while the form is still
    /// open: show the outcome, and return the reads that bring the new state.
    fn answered(
        &mut self,
        _form: &mut Form,
        _account: AccountIdx,
        _request: &ActionRequest,
        _output: &ActionOutput,
    ) -> Vec<Load> {
        Vec::new()
    }
    /// Values shown in the form worth copying (`y`), as (label, value).
    fn copy_items(&self) -> Vec<(String, String)> {
        Vec::new()
    }
    /// A view rather than a request: Esc says nothing about "nothing was sent".
    fn is_view(&self) -> bool {
        false
    }
    /// The form reopens after a failure that left the key it made at `kept`: offer that key
    /// as the one to sign with (and stop deriving its path from other fields). False when
    /// the form has no such choice.
    fn key_kept(&mut self, _form: &mut Form, _kept: &Path) -> bool {
        false
    }
}

/// Cloning and comparing flows through `Box<dyn Flow>` (implemented for every flow that is
/// `Clone + PartialEq`).
pub trait FlowBox {
    fn clone_box(&self) -> Box<dyn Flow>;
    fn same(&self, other: &dyn Flow) -> bool;
    fn as_any(&self) -> &dyn Any;
}

impl<T: Flow + Clone + PartialEq + 'static> FlowBox for T {
    fn clone_box(&self) -> Box<dyn Flow> {
        Box::new(self.clone())
    }
    fn same(&self, other: &dyn Flow) -> bool {
        other.as_any().downcast_ref::<T>() == Some(self)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Clone for Box<dyn Flow> {
    fn clone(&self) -> Box<dyn Flow> {
        self.clone_box()
    }
}

impl PartialEq for Box<dyn Flow> {
    fn eq(&self, other: &Box<dyn Flow>) -> bool {
        self.same(other.as_ref())
    }
}

/// The lines that name the targets of an action: "Approve www.example.com (id 7)", or a
/// count and the first four.
pub fn describe(targets: &[Target], verb: &str) -> Vec<String> {
    let mut lines = vec![if targets.len() == 1 {
        format!("{verb} {} (id {})", targets[0].cn, targets[0].id)
    } else {
        format!("{verb} {} certificates:", targets.len())
    }];
    if targets.len() > 1 {
        for t in targets.iter().take(4) {
            lines.push(format!("  {} (id {})", t.cn, t.id));
        }
        if targets.len() > 4 {
            lines.push(format!("  … and {} more", targets.len() - 4));
        }
    }
    lines
}
