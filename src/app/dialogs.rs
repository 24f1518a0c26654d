//! The action dialogs: what each one asks, how it validates, and the commands a confirmed one
//! sends. Mutations are values that pass a confirmation stage; read-only accounts refuse them
//! here, in one place, with an audit line.

use crate::provider::sectigo::Family;

use super::form::{Form, FormEvent};
use super::{JobKind, Scope, Severity, State};
use crate::audit::AuditEntry;
pub use crate::form::Target;
use crate::form::{Flow, FormCx, Sent, Submission, check};
use crate::model::spec::Targets;
use crate::model::{AccountIdx, Collection};
use crate::provider::actions::{CertDcv, DcvMethod};
use crate::provider::request::{ActionOutput, ActionRequest};
use crate::worker::Command;

#[derive(Debug, Clone, PartialEq)]
pub enum Purpose {
    Dcv {
        target: Target,
        dcv: Option<CertDcv>,
    },
    /// Approve or reject a requested delegation of a domain to one of `orgs`.
    Delegation {
        account: AccountIdx,
        domain_id: i64,
        domain: String,
        orgs: Vec<i64>,
        approve: bool,
    },
    /// Start (what to publish) then submit the validation of a domain.
    DcvDomain {
        account: AccountIdx,
        domain: String,
        started: bool,
        /// The answer is shown (the TXT record to publish): OK closes.
        done: bool,
        /// What to publish, once started (offered by `y` for copying).
        instruction: Option<crate::provider::actions::DcvInstruction>,
    },
    /// Server-side filters of the DCV list.
    DcvFilter { account: AccountIdx },
    /// A form declared by the account's provider, driven by its flow.
    Flow(Box<dyn Flow>),
}

#[derive(Debug, Clone)]
pub struct Dialog {
    pub form: Form,
    pub purpose: Purpose,
}

impl State {
    /// The certificates an action applies to: the marked ones, else the selected one.
    pub fn targets(&self) -> Vec<Target> {
        let idxs: Vec<usize> = if self.marked.is_empty() {
            // From the detail pane: the certificate it shows.
            let one = if self.focus == super::Pane::Detail {
                self.detail_target()
            } else {
                self.selected_cert()
            };
            one.map(|(i, _)| i).into_iter().collect()
        } else {
            self.view
                .iter()
                .map(|&i| i as usize)
                .filter(|i| self.marked.contains(i))
                .collect()
        };
        idxs.into_iter()
            .filter_map(|i| {
                let c = self.certs.get(i)?;
                Some(Target {
                    cert: i,
                    account: c.account,
                    family: c.family,
                    id: c.id.clone(),
                    cn: c.common_name.clone(),
                    serial: c.serial.clone(),
                    status: c.status,
                })
            })
            .collect()
    }

    /// The one read-only gate: by action kind, per account and for the whole console. A
    /// refusal is shown and audited.
    pub(super) fn refuse_if_read_only(
        &mut self,
        account: AccountIdx,
        changes: bool,
        action: &str,
        ids: Vec<String>,
        family: Option<Collection>,
        cmds: &mut Vec<Command>,
    ) -> bool {
        if !changes {
            return false;
        }
        let Some(acc) = self.accounts.get(account) else {
            return true;
        };
        let why = if self.read_only {
            "certdeck runs read-only (--read-only or read_only = true)"
        } else if acc.read_only {
            "this account is read-only in the config"
        } else if let Some(u) = &acc.unavailable {
            let msg = format!("{action} refused: {} is unavailable ({u})", acc.name);
            self.set_status(msg, Severity::Error);
            return true;
        } else {
            return false;
        };
        let name = acc.name.clone();
        self.set_status(format!("{action} refused: {why}"), Severity::Error);
        let job = self.new_job(JobKind::Audit, format!("audit {action}"));
        let mut entry = AuditEntry::at(self.clock(), &name, action, ids).refused(why);
        if let Some(f) = family {
            entry = entry.with_family(f);
        }
        cmds.push(Command::Audit { job, entry });
        true
    }

    fn clock(&self) -> jiff::Timestamp {
        jiff::Timestamp::from_second(self.now).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }

    /// The account new things are made in: the selected scope's, else the selected
    /// certificate's, else the first usable one.
    pub(super) fn action_account(&self) -> Option<AccountIdx> {
        self.selected_account()
            .or_else(|| self.selected_cert().map(|(_, c)| c.account))
            .or_else(|| self.accounts.iter().position(|a| a.unavailable.is_none()))
    }

    /// The family a new certificate of `account` is enrolled in: the family selected in the
    /// accounts pane, else the selected certificate's, else SSL.
    pub fn enroll_family(&self, account: AccountIdx) -> Collection {
        match self.scope() {
            Scope::Collection(a, f) if a == account => f,
            Scope::All | Scope::Pending | Scope::Account(_) => self
                .selected_cert()
                .filter(|(_, c)| c.account == account)
                .map(|(_, c)| c.family)
                .unwrap_or(Family::Ssl),
            _ => Family::Ssl,
        }
    }

    /// Open the dialog for an action key. Returns commands (refusal audits, data loads).
    /// Take the declared action `id`: offered by the account, allowed (read-only, the
    /// targets' state), then its dialog.
    pub(super) fn invoke(&mut self, id: &str) -> Vec<Command> {
        let kind = DialogKind::for_id(id);
        // What the action acts on, as the accounts that declare it say (the same in each).
        let declared = self.accounts.iter().find_map(|a| a.info.action(id));
        // Declared by no account: the check below says the selected one does not offer it.
        let need_targets = declared.is_none_or(|spec| spec.targets != Targets::Account);
        self.open_action(id, kind, need_targets)
    }

    fn open_action(
        &mut self,
        id: &str,
        kind: Option<DialogKind>,
        need_targets: bool,
    ) -> Vec<Command> {
        let mut cmds = Vec::new();
        let targets = self.targets();
        if need_targets && targets.is_empty() {
            self.set_status("no certificate selected", Severity::Info);
            return cmds;
        }
        let single = || -> Result<Target, String> {
            if targets.len() == 1 {
                Ok(targets[0].clone())
            } else {
                Err(format!(
                    "this action takes one certificate; {} are marked (Space unmarks)",
                    targets.len()
                ))
            }
        };
        let refuse = |state: &mut State, msg: String| {
            state.set_status(msg, Severity::Warning);
        };
        let accounts: Vec<AccountIdx> = if need_targets {
            let mut a: Vec<AccountIdx> = targets.iter().map(|t| t.account).collect();
            a.dedup();
            a
        } else {
            self.action_account().into_iter().collect()
        };
        if accounts.is_empty() {
            refuse(self, "no usable account".into());
            return cmds;
        }
        let mut spec = None;
        for a in &accounts {
            match self.offered(*a, id) {
                Ok(s) => spec = Some(s),
                Err(why) => {
                    refuse(self, why);
                    return cmds;
                }
            }
        }
        let Some(spec) = spec else {
            return cmds;
        };
        for a in &accounts {
            // Enrol and revoke-by-serial act on no listed certificate: the selected one (if
            // any) has nothing to do with them and is not named.
            let mine: Vec<&Target> = if need_targets {
                targets.iter().filter(|t| t.account == *a).collect()
            } else {
                Vec::new()
            };
            let ids: Vec<String> = mine.iter().map(|t| t.id.clone()).collect();
            let family = match spec.targets {
                Targets::Account => Some(self.enroll_family(*a)),
                _ => mine
                    .first()
                    .map(|t| t.family)
                    .filter(|f| mine.iter().all(|t| t.family == *f)),
            };
            if self.refuse_if_read_only(
                *a,
                spec.effect.changes(),
                spec.audit,
                ids,
                family,
                &mut cmds,
            ) {
                return cmds;
            }
        }
        // The one check of the targets' state: the account's declaration of the action.
        if let Some(why) = self.guard_refusal(spec, &targets) {
            refuse(self, why);
            return cmds;
        }
        let (Some(kind), None) = (kind, spec.form) else {
            let Some(build) = spec.form else {
                refuse(self, format!("{id}: no such action here"));
                return cmds;
            };
            if spec.targets == Targets::One
                && let Err(e) = single()
            {
                refuse(self, e);
                return cmds;
            }
            let Some(account) = accounts.first().copied() else {
                return cmds;
            };
            let family = self.enroll_family(account);
            let acc = &self.accounts[account];
            let cx = FormCx {
                account,
                account_name: &acc.name,
                read_only: self.read_only || acc.read_only,
                targets: if need_targets { &targets } else { &[] },
                certs: &self.certs,
                exports: acc.info.exports,
                family,
                renew_ids: &self.renew_ids,
            };
            match build(&cx) {
                Ok(open) => {
                    for load in open.loads {
                        cmds.extend(self.commands(vec![Submission::Load(account, load)]));
                    }
                    self.dialog = Some(Dialog {
                        form: open.form,
                        purpose: Purpose::Flow(open.flow),
                    });
                }
                Err(why) => refuse(self, why),
            }
            return cmds;
        };
        let dialog = match kind {
            DialogKind::Dcv => {
                let t = match single() {
                    Ok(t) => t,
                    Err(e) => {
                        refuse(self, e);
                        return cmds;
                    }
                };
                // Read-only: the status is shown, and the one change here (asking the CA to
                // check again) is not offered at all.
                let read_only =
                    self.read_only || self.accounts.get(t.account).is_some_and(|a| a.read_only);
                let (title, ok) = if read_only {
                    ("Domain control validation (read-only)", "Close")
                } else {
                    ("Domain control validation", "Recheck")
                };
                let mut form = Form::new(title, ok, false)
                    .with_intro(vec![format!("{} (id {})", t.cn, t.id)])
                    .with_fields(vec![]);
                form.ready = false;
                form.note = Some("loading DCV status…".into());
                let job = self.new_job(JobKind::DialogData, format!("DCV of {}", t.cn));
                cmds.push(Command::Act {
                    job,
                    account: t.account,
                    request: ActionRequest::CertDcv { id: t.id.clone() },
                    about: Vec::new(),
                });
                Dialog {
                    form,
                    purpose: Purpose::Dcv {
                        target: t,
                        dcv: None,
                    },
                }
            }
        };
        self.dialog = Some(dialog);
        cmds
    }

    /// Data a dialog asked for arrived (for `request` to `account`). An answer meant for a
    /// dialog that has since been closed — another account's, another family's — is dropped.
    pub(super) fn dialog_data(
        &mut self,
        account: AccountIdx,
        request: &ActionRequest,
        output: &ActionOutput,
    ) {
        let Some(d) = self.dialog.as_mut() else {
            return;
        };
        if let Purpose::Flow(flow) = &mut d.purpose {
            flow.loaded(&mut d.form, account, request, output);
            return;
        }
        match (&mut d.purpose, output) {
            (
                Purpose::DcvDomain {
                    started,
                    domain,
                    instruction,
                    ..
                },
                ActionOutput::DcvState(st),
            ) => {
                *started = true;
                *instruction = st.instruction.clone();
                d.form.ok_label = "Submit".into();
                d.form.intro = vec![format!("Domain {domain}")];
                d.form.intro.extend(dcv_state_lines(st));
                d.form.intro.push(String::new());
                d.form.intro.push(
                    "Publish this (y copies it), then Submit asks the CA to check it.".into(),
                );
                d.form.ready = true;
                d.form.note = None;
            }
            (Purpose::Dcv { dcv, .. }, ActionOutput::CertDcv(v)) => {
                *dcv = Some(v.clone());
                d.form.ready = true;
                d.form.note = None;
                d.form.intro.truncate(1);
                d.form.intro.extend(dcv_lines(v));
            }
            _ => {}
        }
    }

    /// A DCV submit was answered. The dialog that sent it (still open for TXT) shows what
    /// to publish — the TXT record SCM returns with the submit — and OK then closes it.
    pub(super) fn dcv_submitted(
        &mut self,
        account: AccountIdx,
        domain: &str,
        st: &crate::provider::actions::DcvState,
    ) {
        let Some(d) = self.dialog.as_mut() else {
            return;
        };
        let Purpose::DcvDomain {
            account: a,
            domain: dom,
            started,
            done,
            instruction,
        } = &mut d.purpose
        else {
            return;
        };
        if *a != account || dom != domain {
            return;
        }
        *started = true;
        *done = true;
        *instruction = st.instruction.clone();
        d.form.intro = vec![format!("Domain {domain} — submitted")];
        d.form.intro.extend(dcv_state_lines(st));
        d.form.intro.push(String::new());
        d.form.intro.push(if instruction.is_some() {
            "Publish this TXT record (y copies it); the CA checks it until it finds it.".into()
        } else {
            "SCM returned no record to publish; Enter on the domain shows its status.".into()
        });
        d.form.fields.clear();
        d.form.focus = super::form::Focus::Ok;
        d.form.ok_label = "Done".into();
        d.form.ready = true;
        d.form.note = None;
    }

    /// A dialog's data load failed: say so in the dialog.
    pub(super) fn dialog_data_failed(&mut self, message: String) {
        if let Some(d) = self.dialog.as_mut() {
            d.form.note = Some(format!("could not load: {message} (Esc closes)"));
        }
    }

    /// A key while a dialog is open.
    pub(super) fn dialog_key(&mut self, key: crossterm::event::KeyEvent) -> Vec<Command> {
        let Some(mut d) = self.dialog.take() else {
            return vec![];
        };
        // `y` in a DCV view (not while typing in a field) offers its records for copying.
        if key.code == crossterm::event::KeyCode::Char('y')
            && key.modifiers.is_empty()
            && !d.form.typing()
        {
            let items = dcv_copy_items(&d.purpose);
            if !items.is_empty() {
                self.overlay = Some(super::Overlay::Copy { items, selected: 0 });
                self.dialog = Some(d);
                return vec![];
            }
        }
        let ev = d.form.on_key(key);
        let mut cmds = Vec::new();
        match ev {
            FormEvent::None => {}
            FormEvent::Changed(field) => {
                if self.file_check.take().is_some() {
                    // Edited while its files were being checked: that answer is stale.
                    d.form.ready = true;
                    d.form.note = None;
                }
                on_change(&mut d, field)
            }
            FormEvent::Cancel => {
                // Views (DCV) just close; forms that would send something say nothing was.
                let view = match &d.purpose {
                    Purpose::Flow(flow) => flow.is_view(),
                    p => matches!(
                        p,
                        Purpose::Dcv { .. } | Purpose::DcvDomain { started: true, .. }
                    ),
                };
                if !view {
                    self.set_status("cancelled; nothing was sent", Severity::Info);
                }
                return cmds;
            }
            FormEvent::Submit => {
                d.form.clear_errors();
                validate(&mut d, self);
                if d.form.has_errors() || d.form.note.is_some() {
                    d.form.focus = first_error(&d.form);
                } else if let checks @ [_, ..] = file_checks(&d).as_slice() {
                    // The files first (in the worker: update does no I/O); the answer
                    // continues to the confirmation or shows the problem on its field.
                    let job = self.new_job(JobKind::FileCheck, "check the files".into());
                    self.file_check = Some(job);
                    d.form.ready = false;
                    d.form.note = Some("checking the files…".into());
                    cmds.push(Command::CheckFiles {
                        job,
                        checks: checks.to_vec(),
                    });
                } else {
                    return self.proceed(d);
                }
            }
            FormEvent::Confirmed => {
                let cmds = self.submit(&d);
                self.remember_form(&d, &cmds);
                return cmds;
            }
        }
        self.dialog = Some(d);
        cmds
    }

    /// The files of the open form were checked (`job`): show the problems on their fields,
    /// or go on to the confirmation.
    pub(super) fn files_checked(
        &mut self,
        job: crate::worker::JobId,
        problems: Vec<(&'static str, String)>,
    ) -> Vec<Command> {
        if self.file_check != Some(job) {
            return vec![];
        }
        self.file_check = None;
        let Some(mut d) = self.dialog.take() else {
            return vec![];
        };
        d.form.ready = true;
        d.form.note = None;
        if problems.is_empty() {
            return self.proceed(d);
        }
        for (field, message) in problems {
            d.form.set_error(field, message);
        }
        d.form.focus = first_error(&d.form);
        self.dialog = Some(d);
        vec![]
    }

    /// A checked form goes on: to its confirmation, or it is sent.
    fn proceed(&mut self, mut d: Dialog) -> Vec<Command> {
        if d.form.confirm {
            let summary = summary(&d);
            d.form.to_confirm(summary);
            self.dialog = Some(d);
            return vec![];
        }
        if let Purpose::Flow(flow) = &d.purpose {
            let sent = flow.submit(&d.form, &self.certs);
            let stay_open = sent.stay_open.clone();
            let cmds = self.send(&d, sent);
            self.remember_form(&d, &cmds);
            if let Some(note) = stay_open {
                d.form.ready = false;
                d.form.note = Some(note);
                self.dialog = Some(d);
            }
            return cmds;
        }
        if matches!(d.purpose, Purpose::DcvDomain { done: true, .. }) {
            // The TXT record is shown; OK just closes.
            return vec![];
        }
        let cmds = self.submit(&d);
        self.remember_form(&d, &cmds);
        let stays_open = match &d.purpose {
            // Open after a recheck, to show the new state; a read-only view just closes.
            Purpose::Dcv { .. } => !cmds.is_empty(),
            // Start shows what to publish; a TXT submit shows the record.
            Purpose::DcvDomain { started, .. } => {
                let method = d.form.value("method");
                (!*started && !submits_directly(&method)) || method == DcvMethod::Txt.label()
            }
            _ => false,
        };
        if stays_open {
            d.form.ready = false;
            d.form.note = Some("asking SCM…".into());
            self.dialog = Some(d);
        }
        cmds
    }

    /// Several jobs of one bulk action: report them together when the last one ends.
    fn start_batch(&mut self, cmds: &[Command], verb: &'static str, noun: &'static str) {
        if cmds.len() < 2 {
            return;
        }
        let jobs: Vec<super::JobId> = cmds.iter().map(Command::job).collect();
        let key = jobs[0];
        for j in &jobs {
            self.batch_of.insert(*j, key);
        }
        self.batches.insert(
            key,
            super::Batch {
                verb,
                noun,
                total: jobs.len(),
                ok: 0,
                failed: 0,
            },
        );
    }

    /// Keep the form a single job was sent from, to reopen it if that job fails in a way the
    /// form can fix (see `reopen_form`). Bulk actions are not reopened.
    fn remember_form(&mut self, d: &Dialog, cmds: &[Command]) {
        let jobs: Vec<super::JobId> = cmds
            .iter()
            .filter(|c| {
                matches!(
                    c,
                    Command::Act { .. } | Command::Enroll { .. } | Command::Collect { .. }
                )
            })
            .map(Command::job)
            .filter(|j| {
                self.jobs
                    .get(j)
                    .is_some_and(|x| matches!(x.kind, JobKind::Action { .. } | JobKind::Enroll))
            })
            .collect();
        if let [job] = jobs.as_slice() {
            let mut d = d.clone();
            d.form.stage = super::form::Stage::Edit;
            self.resubmit.insert(*job, d);
        }
    }

    pub(super) fn dialog_paste(&mut self, text: &str) {
        if let Some(mut d) = self.dialog.take() {
            if let FormEvent::Changed(f) = d.form.paste(text) {
                on_change(&mut d, f);
            }
            self.dialog = Some(d);
        }
    }

    /// The commands of a provider's submissions.
    fn commands(&mut self, submissions: Vec<Submission>) -> Vec<Command> {
        let mut cmds = Vec::new();
        for s in submissions {
            cmds.push(match s {
                Submission::Act {
                    account,
                    cert,
                    request,
                    label,
                } => {
                    let job = self.new_job(JobKind::Action { cert }, label);
                    // The audit line names the certificate (with its SANs when it is revoked).
                    let sans = request.audit_name().starts_with("revoke");
                    let about = cert
                        .and_then(|i| self.certs.get(i))
                        .map(|c| crate::audit::Subject::of(c, sans))
                        .into_iter()
                        .collect();
                    Command::Act {
                        job,
                        account,
                        request,
                        about,
                    }
                }
                Submission::Enroll {
                    account,
                    cert,
                    spec,
                    label,
                } => {
                    let kind = match cert {
                        Some(_) => JobKind::Action { cert },
                        None => JobKind::Enroll,
                    };
                    let job = self.new_job(kind, label);
                    Command::Enroll { job, account, spec }
                }
                Submission::Download {
                    account,
                    cert,
                    family,
                    id,
                    format,
                    path,
                    label,
                } => {
                    let job = self.new_job(JobKind::Action { cert: Some(cert) }, label);
                    Command::Collect {
                        job,
                        account,
                        family,
                        id,
                        format,
                        path,
                    }
                }
                Submission::Load(account, load) => {
                    let job = self.new_job(JobKind::DialogData, load.label);
                    Command::Act {
                        job,
                        account,
                        request: load.request,
                        about: Vec::new(),
                    }
                }
            });
        }
        cmds
    }

    /// Send what a provider's flow submitted, and say so.
    fn send(&mut self, d: &Dialog, sent: Sent) -> Vec<Command> {
        let cmds = self.commands(sent.submissions);
        if sent.clear_marks {
            self.marked.clear();
        }
        if let Some((verb, noun)) = sent.batch {
            self.start_batch(&cmds, verb, noun);
        }
        self.say_sent(d, cmds.len());
        cmds
    }

    fn say_sent(&mut self, d: &Dialog, n: usize) {
        if n == 0 {
            return;
        }
        let what = d.form.ok_label.to_lowercase();
        self.set_status(
            if n == 1 {
                format!("{what}: sent")
            } else {
                format!("{what}: {n} requests sent")
            },
            Severity::Info,
        );
    }

    /// Build the commands of a confirmed (or non-confirming) dialog.
    fn submit(&mut self, d: &Dialog) -> Vec<Command> {
        if let Purpose::Flow(flow) = &d.purpose {
            let sent = flow.submit(&d.form, &self.certs);
            return self.send(d, sent);
        }
        let f = &d.form;
        let mut cmds = Vec::new();
        let mut act = |state: &mut State,
                       account: AccountIdx,
                       cert: Option<usize>,
                       request: ActionRequest,
                       label: String| {
            let job = state.new_job(JobKind::Action { cert }, label);
            // The audit line names the certificate (with its SANs when it is revoked).
            let sans = request.audit_name().starts_with("revoke");
            let about = cert
                .and_then(|i| state.certs.get(i))
                .map(|c| crate::audit::Subject::of(c, sans))
                .into_iter()
                .collect();
            cmds.push(Command::Act {
                job,
                account,
                request,
                about,
            });
        };
        match &d.purpose {
            Purpose::Dcv { target: t, .. }
                if self.read_only || self.accounts.get(t.account).is_some_and(|a| a.read_only) => {}
            Purpose::Dcv { target: t, .. } => {
                act(
                    self,
                    t.account,
                    Some(t.cert),
                    ActionRequest::DcvRecheck { id: t.id.clone() },
                    format!("DCV recheck {}", t.cn),
                );
            }
            Purpose::Delegation {
                account,
                domain_id,
                domain,
                orgs,
                approve,
            } => {
                let org_id = orgs
                    .get(f.field("org").map(|x| x.selected()).unwrap_or(0))
                    .copied()
                    .unwrap_or_default();
                let request = if *approve {
                    ActionRequest::ApproveDelegation {
                        domain_id: *domain_id,
                        org_id,
                    }
                } else {
                    ActionRequest::RejectDelegation {
                        domain_id: *domain_id,
                        org_id,
                    }
                };
                let verb = if *approve { "approve" } else { "reject" };
                act(
                    self,
                    *account,
                    None,
                    request,
                    format!("{verb} delegation of {domain}"),
                );
            }
            Purpose::DcvDomain {
                account,
                domain,
                started,
                ..
            } => {
                let method = DcvMethod::ALL[f.field("method").map(|x| x.selected()).unwrap_or(2)];
                if !*started && !submits_directly(method.label()) {
                    let job = self.new_job(JobKind::DialogData, format!("start DCV of {domain}"));
                    cmds.push(Command::Act {
                        job,
                        account: *account,
                        request: ActionRequest::DcvStart {
                            domain: domain.clone(),
                            method,
                        },
                        about: Vec::new(),
                    });
                } else {
                    let email = Some(f.value("email")).filter(|e| !e.is_empty());
                    act(
                        self,
                        *account,
                        None,
                        ActionRequest::DcvSubmit {
                            domain: domain.clone(),
                            method,
                            email,
                        },
                        format!("submit DCV of {domain}"),
                    );
                }
            }
            Purpose::DcvFilter { account } => {
                let status = f.value("status");
                let days = f.value("days").parse::<i64>().ok();
                if let Some(v) =
                    self.view_of_mut::<crate::provider::sectigo::views::DcvView>(*account, "dcv")
                {
                    v.filter.dcv_status =
                        (status != super::domain_dialogs::DCV_STATUS_FILTERS[0]).then_some(status);
                    v.filter.expires_in_days = days;
                }
                cmds.extend(self.reload_view_from_top(*account, "dcv"));
                return cmds;
            }
            Purpose::Flow(_) => {}
        }
        self.say_sent(d, cmds.len());
        cmds
    }
}

/// E-mail and TXT validation have no "start" step in SCM: they are submitted directly (the TXT
/// answer carries the record to publish).
fn submits_directly(method_label: &str) -> bool {
    method_label == DcvMethod::Email.label() || method_label == DcvMethod::Txt.label()
}

/// The dialogs an action key opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogKind {
    Dcv,
}

impl DialogKind {
    /// The dialog of the declared action `id`.
    pub fn for_id(id: &str) -> Option<DialogKind> {
        Some(match id {
            "dcv" => DialogKind::Dcv,
            _ => return None,
        })
    }

    /// The id of the declared action this dialog carries out.
    pub fn id(self) -> &'static str {
        match self {
            DialogKind::Dcv => "dcv",
        }
    }

    /// The action's name in the audit log.
    pub fn audit_name(self) -> &'static str {
        match self {
            DialogKind::Dcv => "dcv",
        }
    }
}

/// What to publish for one DCV instruction: DNS record and value, file URL and content, or
/// the approver's address.
fn instruction_lines(i: &crate::provider::actions::DcvInstruction) -> Vec<String> {
    let mut out = Vec::new();
    if let (Some(h), Some(p)) = (&i.host, &i.point) {
        if is_txt(i) {
            out.push(format!("  TXT record  {h}"));
            out.push(format!("  value       {p}"));
        } else {
            out.push(format!("  DNS record  {h}"));
            out.push(format!("  points to   {p}"));
        }
    }
    if let Some(u) = &i.url {
        out.push(format!("  file URL    {u}"));
    }
    if let Some(c) = &i.file_content {
        // The file holds these lines, one per line (first line, then second line).
        for (n, line) in c.lines().enumerate() {
            let label = if n == 0 { "content" } else { "" };
            out.push(format!("  {label:<11} {line}"));
        }
    }
    if let Some(e) = &i.email {
        out.push(format!("  approver    {e}"));
    }
    out
}

/// Whether an instruction is a DNS TXT record (by its mode, or the `_pki-validation` name).
fn is_txt(i: &crate::provider::actions::DcvInstruction) -> bool {
    i.mode.eq_ignore_ascii_case("TXT")
        || i.mode.eq_ignore_ascii_case("DNSTXT_RANDOM_VALUE")
        || (i.mode.is_empty()
            && i.host
                .as_deref()
                .is_some_and(|h| h.starts_with("_pki-validation.")))
}

/// The files a form will write or read, to check before its confirmation.
fn file_checks(d: &Dialog) -> Vec<crate::worker::FileCheck> {
    match &d.purpose {
        Purpose::Flow(flow) => flow.file_checks(&d.form),
        _ => vec![],
    }
}

/// The values of a DCV view worth copying (to paste into a DNS console, say).
fn dcv_copy_items(purpose: &Purpose) -> Vec<(String, String)> {
    let instructions: Vec<&crate::provider::actions::DcvInstruction> = match purpose {
        Purpose::Flow(flow) => return flow.copy_items(),
        Purpose::Dcv { dcv: Some(v), .. } => v.instructions.iter().collect(),
        Purpose::DcvDomain {
            instruction: Some(i),
            ..
        } => vec![i],
        _ => vec![],
    };
    let several = instructions.len() > 1;
    let mut out = Vec::new();
    for i in instructions {
        let of = if several {
            format!(" of {}", i.domain)
        } else {
            String::new()
        };
        let txt = is_txt(i);
        for (label, value) in [
            ("DNS record name", &i.host),
            (
                if txt {
                    "TXT record value"
                } else {
                    "CNAME target"
                },
                &i.point,
            ),
            ("file URL", &i.url),
            ("file content", &i.file_content),
            ("approver e-mail", &i.email),
        ] {
            if let Some(v) = value.as_ref().filter(|v| !v.is_empty()) {
                out.push((format!("{label}{of}"), v.clone()));
            }
        }
    }
    out
}

/// What a domain's DCV state says, for dialogs and the detail pane.
pub fn dcv_state_lines(st: &crate::provider::actions::DcvState) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(i) = &st.instruction {
        out.extend(instruction_lines(i));
    }
    for (k, v) in &st.fields {
        if !out.iter().any(|l| l.contains(v.as_str())) {
            out.push(format!("{k}: {v}"));
        }
    }
    out
}

fn dcv_lines(v: &CertDcv) -> Vec<String> {
    let mut out = Vec::new();
    if let Some((code, msg)) = &v.error {
        out.push(format!("SCM reports: {msg} (code {code})"));
    }
    for e in &v.log {
        out.push(format!(
            "{}: {}{}{}",
            e.domain,
            e.status,
            e.method
                .as_deref()
                .map(|m| format!(" via {m}"))
                .unwrap_or_default(),
            e.last_check
                .as_deref()
                .map(|c| format!(", last check {c}"))
                .unwrap_or_default()
        ));
    }
    for i in &v.instructions {
        out.push(String::new());
        out.push(format!("{} — {}", i.domain, i.mode));
        out.extend(instruction_lines(i));
    }
    if !v.instructions.is_empty() {
        out.push(String::new());
        out.push("y copies a record to the clipboard".into());
    }
    if v.log.is_empty() && v.instructions.is_empty() {
        out.push("no DCV information for this certificate".into());
    }
    out
}

fn on_change(d: &mut Dialog, field: &'static str) {
    match &mut d.purpose {
        Purpose::Flow(flow) => flow.on_change(&mut d.form, field),
        Purpose::DcvDomain { started: false, .. } if field == "method" => {
            let method = DcvMethod::ALL[d.form.field("method").map(|f| f.selected()).unwrap_or(2)];
            d.form.ok_label = if submits_directly(method.label()) {
                "Submit"
            } else {
                "Start"
            }
            .into();
            if let Some(line) = d.form.intro.get_mut(1) {
                *line = super::domain_dialogs::dcv_method_intro(method);
            }
        }
        _ => {}
    }
}

fn first_error(form: &Form) -> super::form::Focus {
    form.fields
        .iter()
        .position(|f| f.error.is_some())
        .map(super::form::Focus::Field)
        .unwrap_or(super::form::Focus::Ok)
}

fn validate(d: &mut Dialog, state: &State) {
    let f = &mut d.form;
    match &d.purpose {
        Purpose::Flow(flow) => flow.validate(f),
        Purpose::Dcv { .. } | Purpose::Delegation { .. } => {}
        Purpose::DcvDomain { .. } => {
            let email = f.value("email");
            if f.value("method") == DcvMethod::Email.label() && !check::looks_like_email(&email) {
                f.set_error("email", "e-mail validation needs the approver's address");
            }
        }
        Purpose::DcvFilter { .. } => {
            let days = f.value("days");
            if !days.is_empty() && !days.parse::<u32>().is_ok_and(|d| d > 0) {
                f.set_error("days", format!("{days:?} is not a number of days"));
            }
        }
    }
    let _ = state;
}

fn summary(d: &Dialog) -> Vec<String> {
    let f = &d.form;
    match &d.purpose {
        Purpose::Flow(flow) => flow.summary(f),
        Purpose::Delegation {
            domain, approve, ..
        } => vec![format!(
            "{} the delegation of {domain} to {}",
            if *approve { "Approve" } else { "Reject" },
            f.value("org")
        )],
        Purpose::Dcv { .. } | Purpose::DcvDomain { .. } | Purpose::DcvFilter { .. } => vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CertStatus;

    #[test]
    fn http_file_content_keeps_its_two_lines_shown_and_copied() {
        let i = crate::provider::actions::DcvInstruction {
            domain: "hanbit-iot.example".into(),
            mode: "HTTP".into(),
            url: Some("http://hanbit-iot.example/.well-known/pki-validation/AB.txt".into()),
            file_content: Some("2154777fe7f1\nsectigo.com".into()),
            ..Default::default()
        };
        let lines = instruction_lines(&i);
        assert!(lines.iter().all(|l| !l.contains('\n')), "{lines:?}");
        assert!(
            lines
                .iter()
                .any(|l| l.ends_with("content     2154777fe7f1")),
            "{lines:?}"
        );
        assert!(lines.iter().any(|l| l.trim() == "sectigo.com"), "{lines:?}");
        let purpose = Purpose::Dcv {
            target: Target {
                cert: 0,
                account: 0,
                family: Family::Ssl,
                id: "1".into(),
                cn: "hanbit-iot.example".into(),
                serial: None,
                status: CertStatus::Requested,
            },
            dcv: Some(CertDcv {
                instructions: vec![i],
                ..Default::default()
            }),
        };
        let items = dcv_copy_items(&purpose);
        let content = items.iter().find(|(l, _)| l == "file content").unwrap();
        assert_eq!(content.1, "2154777fe7f1\nsectigo.com");
    }

    #[test]
    fn a_txt_record_is_labelled_as_one() {
        let i = crate::provider::actions::DcvInstruction {
            domain: "kestrel-labs.example".into(),
            mode: "TXT".into(),
            host: Some("_pki-validation.kestrel-labs.example.".into()),
            point: Some("k9ejX".into()),
            ..Default::default()
        };
        let lines = instruction_lines(&i);
        assert_eq!(
            lines,
            [
                "  TXT record  _pki-validation.kestrel-labs.example.",
                "  value       k9ejX"
            ]
        );
    }
}
