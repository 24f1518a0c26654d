//! The one path of every action: open (offered, read-only gate, the targets' state) → the
//! provider's form → validate → file checks → confirm → commands. What each form asks, checks
//! and sends is the provider's flow; here is the path, the same for all. Read-only accounts
//! refuse changes here, in one place, with an audit line.

use super::form::{Form, FormEvent};
use super::{JobKind, Scope, Severity, State};
use crate::audit::AuditEntry;
pub use crate::form::Target;
use crate::form::{Flow, FormCx, Opening, Sent, Submission};
use crate::model::spec::Targets;
use crate::model::{AccountIdx, Collection};
use crate::provider::request::{ActionOutput, ActionRequest};
use crate::worker::Command;

/// An open form and the provider's flow that drives it.
#[derive(Debug, Clone)]
pub struct Dialog {
    pub form: Form,
    pub flow: Box<dyn Flow>,
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

    /// The collection new certificates of `account` are made in: the one selected in the
    /// accounts pane, else the selected certificate's, else the account's first.
    pub fn enroll_family(&self, account: AccountIdx) -> Option<Collection> {
        let first = || {
            self.accounts
                .get(account)?
                .families
                .iter()
                .map(|f| f.family)
                .min_by_key(|f| f.order())
        };
        match self.scope() {
            Scope::Collection(a, f) if a == account => Some(f),
            Scope::All | Scope::Pending | Scope::Account(_) => self
                .selected_cert()
                .filter(|(_, c)| c.account == account)
                .map(|(_, c)| c.family)
                .or_else(first),
            _ => first(),
        }
    }

    /// Take the declared action `id`: offered by the account, allowed (read-only, the
    /// targets' state), then its form. Returns commands (refusal audits, the form's loads).
    pub(super) fn invoke(&mut self, id: &str) -> Vec<Command> {
        let mut cmds = Vec::new();
        // What the action acts on, as the accounts that declare it say (the same in each).
        // Declared by no account: the check below says the selected one does not offer it.
        let declared = self.accounts.iter().find_map(|a| a.info.action(id));
        let need_targets = declared.is_none_or(|spec| spec.targets != Targets::Account);
        let targets = self.targets();
        if need_targets && targets.is_empty() {
            self.set_status("no certificate selected", Severity::Info);
            return cmds;
        }
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
                Targets::Account => self.enroll_family(*a),
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
        let Some(build) = spec.form else {
            refuse(self, format!("{id}: no such action here"));
            return cmds;
        };
        if spec.targets == Targets::One && targets.len() > 1 {
            refuse(
                self,
                format!(
                    "this action takes one certificate; {} are marked (Space unmarks)",
                    targets.len()
                ),
            );
            return cmds;
        }
        let Some(account) = accounts.first().copied() else {
            return cmds;
        };
        let Some(family) = self.enroll_family(account) else {
            refuse(self, "this account lists no certificates".into());
            return cmds;
        };
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
            Ok(open) => cmds.extend(self.open_form(account, open)),
            Err(why) => refuse(self, why),
        }
        cmds
    }

    /// Show an opened form and send the reads that fill it in.
    fn open_form(&mut self, account: AccountIdx, open: Opening) -> Vec<Command> {
        let loads = open
            .loads
            .into_iter()
            .map(|l| Submission::Load(account, l))
            .collect();
        self.dialog = Some(Dialog {
            form: open.form,
            flow: open.flow,
        });
        self.commands(loads)
    }

    /// A key of side view `view` of `account` opened `opens` (one of the view's keys): the
    /// view's form for its selected row, behind the read-only gate when it sends a change.
    pub(super) fn open_view_action(
        &mut self,
        account: AccountIdx,
        view: &'static str,
        opens: &'static str,
    ) -> Vec<Command> {
        let mut cmds = Vec::new();
        let row = self.selected_view_row(account, view);
        let Some(v) = self.side_view(account, view) else {
            return cmds;
        };
        let action = match v.view.form(opens, account, row) {
            Ok(a) => a,
            Err(why) => {
                self.set_status(why, Severity::Warning);
                return cmds;
            }
        };
        if self.refuse_if_read_only(
            account,
            action.changes,
            action.audit,
            action.about,
            None,
            &mut cmds,
        ) {
            return cmds;
        }
        cmds.extend(self.open_form(account, action.opening));
        cmds
    }

    /// Data the open form asked for arrived (for `request` to `account`). The flow drops an
    /// answer meant for a form since closed (another account's, another family's).
    pub(super) fn dialog_data(
        &mut self,
        account: AccountIdx,
        request: &ActionRequest,
        output: &ActionOutput,
    ) {
        if let Some(d) = self.dialog.as_mut() {
            d.flow.loaded(&mut d.form, account, request, output);
        }
    }

    /// A change was answered while a form is open: the flow shows the outcome if it sent
    /// it, and the reads it returns bring the new state.
    pub(super) fn dialog_answered(
        &mut self,
        account: AccountIdx,
        request: &ActionRequest,
        output: &ActionOutput,
    ) -> Vec<Command> {
        let Some(d) = self.dialog.as_mut() else {
            return Vec::new();
        };
        let loads = d.flow.answered(&mut d.form, account, request, output);
        self.commands(
            loads
                .into_iter()
                .map(|l| Submission::Load(account, l))
                .collect(),
        )
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
        // `y` (not while typing in a field) offers the values the form shows for copying.
        if key.code == crossterm::event::KeyCode::Char('y')
            && key.modifiers.is_empty()
            && !d.form.typing()
        {
            let items = d.flow.copy_items();
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
                d.flow.on_change(&mut d.form, field)
            }
            FormEvent::Cancel => {
                // Views just close; forms that would send something say nothing was.
                if !d.flow.is_view() {
                    self.set_status("cancelled; nothing was sent", Severity::Info);
                }
                return cmds;
            }
            FormEvent::Submit => {
                d.form.clear_errors();
                d.flow.validate(&mut d.form);
                if d.form.has_errors() || d.form.note.is_some() {
                    d.form.focus = first_error(&d.form);
                } else if let checks @ [_, ..] = d.flow.file_checks(&d.form).as_slice() {
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
            FormEvent::Confirmed => return self.send_form(d),
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
            let summary = d.flow.summary(&d.form, &self.certs);
            d.form.to_confirm(summary);
            self.dialog = Some(d);
            return vec![];
        }
        self.send_form(d)
    }

    /// Send what the (confirmed) form submits; it closes, or stays open to show the answer.
    fn send_form(&mut self, mut d: Dialog) -> Vec<Command> {
        let sent = d.flow.submit(&d.form, &self.certs);
        let stay_open = sent.stay_open.clone();
        let cmds = self.send(&d, sent);
        self.remember_form(&d, &cmds);
        if let Some(note) = stay_open {
            d.form.ready = false;
            d.form.note = Some(note);
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
                d.flow.on_change(&mut d.form, f);
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
                    mut spec,
                    label,
                } => {
                    // The audit line names the certificate replaced (by name and serial).
                    if let Some(c) = cert.and_then(|i| self.certs.get(i)) {
                        spec.about = vec![crate::audit::Subject::of(c, false)];
                    }
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
                Submission::Refilter {
                    account,
                    view,
                    values,
                } => {
                    if let Some(v) = self.views.get_mut(&(account, view)) {
                        v.view.refilter(&values);
                    }
                    let reload = self.reload_view_from_top(account, view);
                    cmds.extend(reload);
                    continue;
                }
            });
        }
        cmds
    }

    /// Send what a provider's flow submitted, and say so.
    fn send(&mut self, d: &Dialog, sent: Sent) -> Vec<Command> {
        // New filters reload a view, which says so itself.
        let quiet = sent
            .submissions
            .iter()
            .all(|s| matches!(s, Submission::Refilter { .. }));
        let cmds = self.commands(sent.submissions);
        if sent.clear_marks {
            self.marked.clear();
        }
        if let Some((verb, noun)) = sent.batch {
            self.start_batch(&cmds, verb, noun);
        }
        if !quiet {
            self.say_sent(d, cmds.len());
        }
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
}

fn first_error(form: &Form) -> super::form::Focus {
    form.fields
        .iter()
        .position(|f| f.error.is_some())
        .map(super::form::Focus::Field)
        .unwrap_or(super::form::Focus::Ok)
}
