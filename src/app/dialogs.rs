//! The action dialogs: what each one asks, how it validates, and the commands a confirmed one
//! sends. Mutations are values that pass a confirmation stage; read-only accounts refuse them
//! here, in one place, with an audit line.

use crate::provider::sectigo::Family;
use std::path::PathBuf;

use super::form::{Field, Form, FormEvent};
use super::{JobKind, Scope, Severity, State};
use crate::audit::AuditEntry;
pub use crate::form::Target;
use crate::form::{Flow, FormCx, Sent, Submission, check};
use crate::model::spec::Targets;
use crate::model::{AccountIdx, Collection};
use crate::provider::actions::{
    CertDcv, ClientEnrollRequest, CustomFieldDef, DcvMethod, DeviceEnrollRequest, EnrollRequest,
    Organization, Profile,
};
use crate::provider::request::{ActionOutput, ActionRequest};
use crate::worker::{Command, EnrollKind, EnrollSpec, KeyAlg, KeySource};

/// Data the enrol dialog loads when it opens.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EnrollData {
    pub profiles: Option<Vec<Profile>>,
    pub orgs: Option<Vec<Organization>>,
    pub custom: Option<Vec<CustomFieldDef>>,
    /// Whether the key-file path still follows the common name (the e-mail address for
    /// S/MIME) — it does until it is edited by hand.
    pub key_path_auto: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Purpose {
    /// A new certificate request of `family` (SSL, client/S/MIME or device).
    Enroll {
        account: AccountIdx,
        family: Collection,
        data: EnrollData,
    },
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
        let need_targets = match (kind, declared) {
            (Some(k), _) => k != DialogKind::Enroll,
            (None, Some(spec)) => spec.targets != Targets::Account,
            // Declared by no account: the check below says the selected one does not offer it.
            (None, None) => true,
        };
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
            let family = match kind {
                Some(DialogKind::Enroll) => Some(self.enroll_family(*a)),
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
            DialogKind::Enroll => {
                let Some(account) = accounts.first().copied() else {
                    return cmds;
                };
                let family = self.enroll_family(account);
                let Some(title) = enroll_title(family) else {
                    refuse(
                        self,
                        format!(
                            "certdeck enrols SSL, client (S/MIME) and device certificates; not {}",
                            family.label().to_lowercase()
                        ),
                    );
                    return cmds;
                };
                let mut form = Form::new(title, "Enroll", true)
                    .with_intro(vec![format!("Account {}", self.accounts[account].name)])
                    .with_fields(vec![]);
                form.ready = false;
                form.note = Some("loading profiles, organizations and custom fields…".into());
                for request in [
                    ActionRequest::Profiles {
                        family,
                        org_id: None,
                    },
                    ActionRequest::Organizations,
                    ActionRequest::CustomFields { family },
                ] {
                    let job = self.new_job(JobKind::DialogData, request.audit_name().into());
                    cmds.push(Command::Act {
                        job,
                        account,
                        request,
                        about: Vec::new(),
                    });
                }
                Dialog {
                    form,
                    purpose: Purpose::Enroll {
                        account,
                        family,
                        data: EnrollData {
                            key_path_auto: true,
                            ..EnrollData::default()
                        },
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
        if let Purpose::Enroll {
            account: want_account,
            family: want_family,
            ..
        } = &d.purpose
        {
            let family = match request {
                ActionRequest::Profiles { family, .. } | ActionRequest::CustomFields { family } => {
                    Some(*family)
                }
                _ => None,
            };
            if account != *want_account || family.is_some_and(|f| f != *want_family) {
                return;
            }
        }
        match (&mut d.purpose, output) {
            (Purpose::Enroll { data, .. }, ActionOutput::Profiles(p)) => {
                data.profiles = Some(p.clone())
            }
            (Purpose::Enroll { data, .. }, ActionOutput::Organizations(o)) => {
                data.orgs = Some(o.clone())
            }
            (Purpose::Enroll { data, .. }, ActionOutput::CustomFields(c)) => {
                data.custom = Some(c.clone())
            }
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
                return;
            }
            (Purpose::Dcv { dcv, .. }, ActionOutput::CertDcv(v)) => {
                *dcv = Some(v.clone());
                d.form.ready = true;
                d.form.note = None;
                d.form.intro.truncate(1);
                d.form.intro.extend(dcv_lines(v));
                return;
            }
            _ => return,
        }
        if let Purpose::Enroll { data, family, .. } = &d.purpose
            && data.profiles.is_some()
            && data.orgs.is_some()
            && data.custom.is_some()
            && d.form.fields.is_empty()
        {
            let (data, family) = (data.clone(), *family);
            build_enroll_fields(&mut d.form, family, &data);
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
            Purpose::Enroll {
                account,
                family,
                data,
            } => {
                if let Some(spec) = enroll_spec(f, *family, data) {
                    let job = self.new_job(JobKind::Enroll, format!("enroll {}", spec.common_name));
                    cmds.push(Command::Enroll {
                        job,
                        account: *account,
                        spec: Box::new(spec),
                    });
                }
            }
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
    Enroll,
}

impl DialogKind {
    /// The dialog of the declared action `id`.
    pub fn for_id(id: &str) -> Option<DialogKind> {
        Some(match id {
            "dcv" => DialogKind::Dcv,
            "enroll" => DialogKind::Enroll,
            _ => return None,
        })
    }

    /// The id of the declared action this dialog carries out.
    pub fn id(self) -> &'static str {
        match self {
            DialogKind::Dcv => "dcv",
            DialogKind::Enroll => "enroll",
        }
    }

    /// The action's name in the audit log.
    pub fn audit_name(self) -> &'static str {
        match self {
            DialogKind::Dcv => "dcv",
            DialogKind::Enroll => "enroll",
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
    use crate::worker::FileCheck;
    let f = &d.form;
    let check = |field: &'static str, new: bool| {
        f.field(field).map(|_| FileCheck {
            field,
            path: PathBuf::from(f.value(field)),
            new,
        })
    };
    match &d.purpose {
        Purpose::Flow(flow) => flow.file_checks(f),
        Purpose::Enroll { .. } => {
            match f.value("key").as_str() {
                CSR_FILE => check("csr_path", false).into_iter().collect(),
                // An existing key is read, not written.
                KEY_FILE => check("key_path", false).into_iter().collect(),
                _ => check("key_path", true).into_iter().collect(),
            }
        }
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

const DCV_MODES: [&str; 6] = ["(pre-validated)", "CNAME", "HTTP", "HTTPS", "TXT", "EMAIL"];

fn profile_terms(data: &EnrollData, profile: usize) -> Vec<String> {
    data.profiles
        .as_ref()
        .and_then(|p| p.get(profile))
        .map(|p| p.terms.iter().map(|t| format!("{t} days")).collect())
        .filter(|v: &Vec<String>| !v.is_empty())
        .unwrap_or_else(|| vec!["365 days".into()])
}

fn profile_keys(data: &EnrollData, profile: usize) -> Vec<String> {
    let allowed: Vec<KeyAlg> = match data.profiles.as_ref().and_then(|p| p.get(profile)) {
        Some(p) if !p.key_types.is_empty() => KeyAlg::ALL
            .into_iter()
            .filter(|k| {
                let (alg, size) = k.scm_key_type();
                p.key_types.iter().any(|(a, sizes)| {
                    a.eq_ignore_ascii_case(alg)
                        && (sizes.is_empty()
                            || sizes.iter().any(|s| {
                                s.eq_ignore_ascii_case(size)
                                    || s.trim_start_matches("P-") == size.trim_start_matches("P-")
                            }))
                })
            })
            .collect(),
        _ => KeyAlg::ALL.to_vec(),
    };
    let mut v: Vec<String> = allowed.iter().map(|k| k.label().to_string()).collect();
    v.push(KEY_FILE.into());
    v.push(CSR_FILE.into());
    v
}

/// The enrol dialog's title for a family; `None` for families certdeck does not enrol.
fn enroll_title(family: Collection) -> Option<&'static str> {
    match family {
        Family::Ssl => Some("Enroll SSL certificate"),
        Family::Client => Some("Enroll client (S/MIME) certificate"),
        Family::Device => Some("Enroll device certificate"),
        _ => None,
    }
}

/// How the family's profiles are named in messages.
fn profile_noun(family: Collection) -> &'static str {
    match family {
        Family::Ssl => "SSL certificate",
        Family::Client => "client (S/MIME) certificate",
        Family::Device => "device certificate",
        _ => "code signing",
    }
}

/// The field the key-file name follows until it is edited.
fn key_path_source(family: Collection) -> &'static str {
    if family == Family::Client {
        "email"
    } else {
        "cn"
    }
}

/// The key choice that sends a CSR read from a file (no key is made).
pub(super) const CSR_FILE: &str = "CSR from a file";
/// The key choice that signs the CSR with an existing key (the one a failed attempt made).
pub(super) const KEY_FILE: &str = "Existing key file";

const KEY_FILE_HINT: &str = "written here (mode 0600) before the CSR is sent";
const KEY_FILE_READ_HINT: &str = "read: the CSR is signed with this key (none is made)";
const CSR_FILE_HINT: &str = "only with \"CSR from a file\"";
const KEY_FILE_UNUSED_HINT: &str = "not used: no key is made with \"CSR from a file\"";
const CSR_FILE_USED_HINT: &str = "the CSR (PEM) to send; its key stays where it is";

/// The key-file and CSR-file hints follow the key choice: each says whether it is used.
pub(super) fn key_hints(form: &mut Form) {
    let choice = form.value("key");
    let from_file = choice == CSR_FILE;
    if let Some(f) = form.field_mut("key_path") {
        f.hint = Some(
            match choice.as_str() {
                CSR_FILE => KEY_FILE_UNUSED_HINT,
                KEY_FILE => KEY_FILE_READ_HINT,
                _ => KEY_FILE_HINT,
            }
            .into(),
        );
    }
    if let Some(f) = form.field_mut("csr_path") {
        f.hint = Some(
            if from_file {
                CSR_FILE_USED_HINT
            } else {
                CSR_FILE_HINT
            }
            .into(),
        );
    }
}

fn build_enroll_fields(form: &mut Form, family: Collection, data: &EnrollData) {
    let profiles: Vec<String> = data
        .profiles
        .as_ref()
        .map(|p| p.iter().map(|p| p.name.clone()).collect())
        .unwrap_or_default();
    let orgs: Vec<String> = data
        .orgs
        .as_ref()
        .map(|o| o.iter().map(|o| format!("{} ({})", o.name, o.id)).collect())
        .unwrap_or_default();
    if profiles.is_empty() || orgs.is_empty() {
        form.note = Some(if profiles.is_empty() {
            format!(
                "this account has no {} profiles (Esc closes)",
                profile_noun(family)
            )
        } else {
            "this account has no organizations (Esc closes)".into()
        });
        return;
    }
    let mut fields = vec![
        Field::choice("profile", "Profile", profiles, 0),
        Field::choice("org", "Organization", orgs, 0),
        Field::choice("term", "Term", profile_terms(data, 0), 0),
    ];
    let key_fields = || {
        vec![
            Field::choice("key", "Key", profile_keys(data, 0), 0),
            Field::text("key_path", "Key file", "").with_hint(KEY_FILE_HINT),
            Field::text("csr_path", "CSR file", "").with_hint(CSR_FILE_HINT),
        ]
    };
    match family {
        Family::Client => {
            fields.extend([
                Field::text("email", "E-mail", "")
                    .with_hint("the person's address; it goes into the certificate"),
                Field::text("first", "First name", ""),
                Field::text("middle", "Middle name", "").with_hint("optional"),
                Field::text("last", "Last name", ""),
                Field::text("secondary", "Other e-mails", "")
                    .with_hint("optional; comma-separated, also in the certificate"),
                Field::text("phone", "Phone", "")
                    .with_hint("optional; digits, spaces and + - ( ) # x"),
            ]);
            fields.extend(key_fields());
            fields.push(Field::text("comments", "Comments", ""));
        }
        Family::Device => {
            fields.push(
                Field::text("cn", "Common name", "")
                    .with_hint("the device's name, e.g. door-cam-7.example.com"),
            );
            fields.extend(key_fields());
            fields.push(Field::text("comments", "Comments", ""));
        }
        _ => {
            fields.extend([
                Field::text("cn", "Common name", "")
                    .with_hint("e.g. www.example.com or *.example.com"),
                Field::text("sans", "Other names", "")
                    .with_hint("comma-separated DNS names or IPs"),
            ]);
            fields.extend(key_fields());
            fields.extend([
                Field::choice(
                    "dcv",
                    "DCV method",
                    DCV_MODES.iter().map(|s| s.to_string()).collect(),
                    0,
                ),
                Field::text("dcv_email", "DCV e-mail", "").with_hint("required for EMAIL"),
                Field::text("comments", "Comments", ""),
                Field::text("requester", "External requester", "")
                    .with_hint("e-mail addresses, comma-separated"),
            ]);
        }
    }
    for (n, c) in data.custom.iter().flatten().enumerate() {
        let key: &'static str = CUSTOM_KEYS.get(n).copied().unwrap_or("custom_x");
        let label = if c.mandatory {
            format!("{} *", c.name)
        } else {
            c.name.clone()
        };
        fields.push(Field::text(key, label, "").with_hint(if c.mandatory {
            "custom field, required"
        } else {
            "custom field"
        }));
    }
    *form = std::mem::replace(form, Form::new("", "", true)).with_fields(fields);
    // The first field to type into: the common name, or the person's e-mail.
    form.focus = super::form::Focus::Field(3);
    form.ready = true;
    form.note = None;
}

const CUSTOM_KEYS: [&str; 12] = [
    "custom_0",
    "custom_1",
    "custom_2",
    "custom_3",
    "custom_4",
    "custom_5",
    "custom_6",
    "custom_7",
    "custom_8",
    "custom_9",
    "custom_10",
    "custom_11",
];

fn on_change(d: &mut Dialog, field: &'static str) {
    match &mut d.purpose {
        Purpose::Flow(flow) => flow.on_change(&mut d.form, field),
        Purpose::Enroll { data, family, .. } => match field {
            "profile" => {
                let p = d.form.field("profile").map(|f| f.selected()).unwrap_or(0);
                let terms = profile_terms(data, p);
                let keys = profile_keys(data, p);
                if let Some(f) = d.form.field_mut("term") {
                    *f = Field::choice("term", "Term", terms, 0);
                }
                if let Some(f) = d.form.field_mut("key") {
                    *f = Field::choice("key", "Key", keys, 0);
                }
                key_hints(&mut d.form);
            }
            f if f == key_path_source(*family) && data.key_path_auto => {
                let name = d.form.value(f);
                let path = if name.is_empty() {
                    String::new()
                } else {
                    format!("./{}.key", check::file_stem(&name))
                };
                if let Some(f) = d.form.field_mut("key_path") {
                    f.kind = super::form::FieldKind::Text(tui_input::Input::new(path));
                    f.error = None;
                }
            }
            "key_path" => data.key_path_auto = false,
            "key" => key_hints(&mut d.form),
            _ => {}
        },
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
        Purpose::Enroll { data, family, .. } => {
            if !f.ready {
                f.note = Some("still loading".into());
                return;
            }
            match *family {
                Family::Client => check_person(f),
                Family::Device => {
                    check_device_name(f);
                    check_key_source(f);
                }
                _ => {
                    check_names_key_and_dcv(f);
                    let req = f.value("requester");
                    if req.chars().count() > 512 {
                        f.set_error("requester", "at most 512 characters");
                    } else if let Some(bad) = check::split_list(&req)
                        .into_iter()
                        .find(|e| !check::looks_like_email(e))
                    {
                        f.set_error("requester", format!("{bad:?} is not an e-mail address"));
                    }
                }
            }
            check::len(f, "comments", "comment", 1024, false);
            for (n, c) in data.custom.iter().flatten().enumerate() {
                let key = CUSTOM_KEYS.get(n).copied().unwrap_or("custom_x");
                let v = f.value(key);
                if c.mandatory && v.is_empty() {
                    f.set_error(key, format!("{} is mandatory in this account", c.name));
                } else if v.chars().count() > 256 {
                    f.set_error(key, "at most 256 characters");
                }
            }
        }
    }
    let _ = state;
}

/// The checks enrol and replace share: common name, other names, where the key or CSR is,
/// and the DCV e-mail.
fn check_names_key_and_dcv(f: &mut Form) {
    let cn = f.value("cn");
    if cn.is_empty() {
        f.set_error("cn", "the common name is required");
    } else if cn.chars().count() > 64 {
        f.set_error("cn", "the common name is at most 64 characters");
    } else if !check::valid_name(&cn) {
        f.set_error("cn", format!("{cn:?} is not a valid host name"));
    }
    let bad: Vec<String> = check::split_list(&f.value("sans"))
        .into_iter()
        .filter(|s| !check::valid_name(s))
        .collect();
    if !bad.is_empty() {
        f.set_error("sans", format!("not valid host names: {}", bad.join(", ")));
    }
    check_key_source(f);
    let email = f.value("dcv_email");
    if f.value("dcv") == "EMAIL" && !check::looks_like_email(&email) {
        f.set_error(
            "dcv_email",
            "EMAIL validation needs the approver's e-mail address",
        );
    } else if !email.is_empty() && !check::looks_like_email(&email) {
        f.set_error("dcv_email", format!("{email:?} is not an e-mail address"));
    }
}

/// Where the key goes, or where the CSR comes from.
fn check_key_source(f: &mut Form) {
    let choice = f.value("key");
    if choice == CSR_FILE {
        if f.value("csr_path").is_empty() {
            f.set_error("csr_path", "name the CSR file (PEM)");
        }
    } else if choice == KEY_FILE {
        if f.value("key_path").is_empty() {
            f.set_error("key_path", "name the key file (PEM) to sign the CSR with");
        }
    } else if f.value("key_path").is_empty() {
        f.set_error("key_path", "name the file the private key is written to");
    }
}

/// SCM's limits for a person (S/MIME enrol): e-mail (≤128), first and last name, the full
/// name (≤64 together), other addresses, the phone number; then the key.
fn check_person(f: &mut Form) {
    let email = f.value("email");
    if email.is_empty() {
        f.set_error("email", "the e-mail address is required");
    } else if email.chars().count() > 128 {
        f.set_error(
            "email",
            format!(
                "the e-mail address is too long: {} characters, at most 128",
                email.chars().count()
            ),
        );
    } else if !crate::keygen::is_email(&email) {
        f.set_error("email", format!("{email:?} is not an e-mail address"));
    }
    let (first, middle, last) = (f.value("first"), f.value("middle"), f.value("last"));
    if first.is_empty() {
        f.set_error("first", "the first name is required");
    }
    if last.is_empty() {
        f.set_error("last", "the last name is required");
    }
    let full = full_name(&first, &middle, &last);
    let n = full.chars().count();
    if !first.is_empty() && !last.is_empty() && n > 64 {
        f.set_error(
            "last",
            format!("the full name is {n} characters; SCM allows at most 64"),
        );
    }
    let bad: Vec<String> = check::split_list(&f.value("secondary"))
        .into_iter()
        .filter(|e| !crate::keygen::is_email(e))
        .collect();
    if !bad.is_empty() {
        f.set_error(
            "secondary",
            format!("not e-mail addresses: {}", bad.join(", ")),
        );
    }
    let phone = f.value("phone");
    if phone.chars().count() > 32 {
        f.set_error(
            "phone",
            format!(
                "the phone number is too long: {} characters, at most 32",
                phone.chars().count()
            ),
        );
    } else if let Some(c) = phone
        .chars()
        .find(|c| !(c.is_ascii_digit() || "+-()# x".contains(*c)))
    {
        f.set_error(
            "phone",
            format!("{c:?} is not allowed in a phone number (digits, spaces and + - ( ) # x)"),
        );
    }
    check_key_source(f);
}

/// A device's common name: required, at most 64 characters.
fn check_device_name(f: &mut Form) {
    let cn = f.value("cn");
    let n = cn.chars().count();
    if n == 0 {
        f.set_error("cn", "the device's common name is required");
    } else if n > 64 {
        f.set_error(
            "cn",
            format!("the common name is too long: {n} characters, at most 64"),
        );
    }
}

/// "First Middle Last" as SCM builds it (an empty middle name is left out).
fn full_name(first: &str, middle: &str, last: &str) -> String {
    [first, middle, last]
        .into_iter()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn summary(d: &Dialog) -> Vec<String> {
    let f = &d.form;
    match &d.purpose {
        Purpose::Flow(flow) => flow.summary(f),
        Purpose::Enroll {
            family: Family::Client,
            ..
        } => {
            let name = full_name(&f.value("first"), &f.value("middle"), &f.value("last"));
            let mut v = vec![
                format!(
                    "Enroll a client (S/MIME) certificate for {name} <{}>",
                    f.value("email")
                ),
                format!(
                    "profile {}, term {}, organization {}",
                    f.value("profile"),
                    f.value("term"),
                    f.value("org")
                ),
            ];
            let others = secondary_emails(f);
            if !others.is_empty() {
                v.push(format!("other e-mails: {}", others.join(", ")));
            }
            if !f.value("phone").is_empty() {
                v.push(format!("phone: {}", f.value("phone")));
            }
            v.extend(enroll_extra_lines(d));
            v
        }
        Purpose::Enroll {
            family: Family::Device,
            ..
        } => {
            let mut v = vec![
                format!(
                    "Enroll a device certificate for {} with profile {}",
                    f.value("cn"),
                    f.value("profile")
                ),
                format!("term {}, organization {}", f.value("term"), f.value("org")),
            ];
            v.extend(enroll_extra_lines(d));
            v
        }
        Purpose::Enroll { .. } => {
            let mut v = vec![
                format!(
                    "Enroll {} with profile {}",
                    f.value("cn"),
                    f.value("profile")
                ),
                format!("term {}, organization {}", f.value("term"), f.value("org")),
            ];
            let sans = check::split_list(&f.value("sans"));
            if !sans.is_empty() {
                v.push(format!("other names: {}", sans.join(", ")));
            }
            let dcv = f.value("dcv");
            if dcv != DCV_MODES[0] {
                let email = f.value("dcv_email");
                v.push(if email.is_empty() {
                    format!("domain validation by {dcv}")
                } else {
                    format!("domain validation by {dcv} to {email}")
                });
            }
            let requester = check::split_list(&f.value("requester"));
            if !requester.is_empty() {
                v.push(format!("external requester: {}", requester.join(", ")));
            }
            v.extend(enroll_extra_lines(d));
            v
        }
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

/// The S/MIME and device summaries' last lines: the key (where it goes) or the CSR file,
/// then the comments and custom fields that will be sent.
fn enroll_extra_lines(d: &Dialog) -> Vec<String> {
    let f = &d.form;
    let mut v = vec![key_line(f)];
    if !f.value("comments").is_empty() {
        v.push(format!("comments: {}", f.value("comments")));
    }
    if let Purpose::Enroll { data, .. } = &d.purpose {
        let custom = custom_values(f, data);
        if !custom.is_empty() {
            let shown: Vec<String> = custom.iter().map(|(n, v)| format!("{n}={v}")).collect();
            v.push(format!("custom fields: {}", shown.join(", ")));
        }
    }
    v
}

/// The S/MIME form's other addresses, without repeats or the primary one.
fn secondary_emails(f: &Form) -> Vec<String> {
    let email = f.value("email");
    let mut out: Vec<String> = Vec::new();
    for e in check::split_list(&f.value("secondary")) {
        if !e.eq_ignore_ascii_case(&email) && !out.iter().any(|x| x.eq_ignore_ascii_case(&e)) {
            out.push(e);
        }
    }
    out
}

/// The custom fields with a value, as (name, value).
fn custom_values(f: &Form, data: &EnrollData) -> Vec<(String, String)> {
    data.custom
        .iter()
        .flatten()
        .enumerate()
        .filter_map(|(n, c)| {
            let v = f.value(CUSTOM_KEYS.get(n)?);
            (!v.is_empty()).then(|| (c.name.clone(), v))
        })
        .collect()
}

fn enroll_spec(f: &Form, family: Collection, data: &EnrollData) -> Option<EnrollSpec> {
    let profile = data
        .profiles
        .as_ref()?
        .get(f.field("profile")?.selected())?;
    let org = data.orgs.as_ref()?.get(f.field("org")?.selected())?;
    let chosen_term = profile
        .terms
        .get(f.field("term").map(|t| t.selected()).unwrap_or(0))
        .copied();
    let comments = Some(f.value("comments")).filter(|s| !s.is_empty());
    let custom_fields = custom_values(f, data);
    let (common_name, request) = match family {
        Family::Client => {
            let (first, middle, last) = (f.value("first"), f.value("middle"), f.value("last"));
            let name = full_name(&first, &middle, &last);
            let email = f.value("email");
            let secondary = secondary_emails(f);
            let request = ClientEnrollRequest {
                org_id: org.id,
                profile_id: profile.id,
                term_days: chosen_term,
                csr: String::new(),
                email,
                first_name: first,
                middle_name: Some(middle).filter(|m| !m.is_empty()),
                last_name: last,
                common_name: Some(name.clone()).filter(|n| !n.is_empty()),
                phone: Some(f.value("phone")).filter(|p| !p.is_empty()),
                secondary_emails: secondary,
                custom_fields,
                comments,
            };
            (name, EnrollKind::Client(request))
        }
        Family::Device => {
            let cn = f.value("cn");
            let request = DeviceEnrollRequest {
                org_id: org.id,
                profile_id: profile.id,
                term_days: chosen_term,
                csr: String::new(),
                custom_fields,
                optional_fields: vec![("commonName".into(), cn.clone())],
                comments,
            };
            (cn, EnrollKind::Device(request))
        }
        _ => {
            let (cn, sans) = names_of(f);
            let dcv = f.value("dcv");
            let request = EnrollRequest {
                org_id: org.id,
                profile_id: profile.id,
                term_days: chosen_term.unwrap_or(365),
                csr: String::new(),
                sans,
                comments,
                external_requester: Some(check::split_list(&f.value("requester")).join(", "))
                    .filter(|s| !s.is_empty()),
                custom_fields,
                dcv_mode: (dcv != DCV_MODES[0]).then_some(dcv),
                dcv_email: Some(f.value("dcv_email")).filter(|s| !s.is_empty()),
            };
            (cn, EnrollKind::Ssl(request))
        }
    };
    Some(EnrollSpec {
        common_name,
        key: key_source(f),
        request,
        replace: None,
    })
}

/// The key source of a form with `key`, `key_path` and `csr_path` fields.
fn key_source(f: &Form) -> KeySource {
    let key_label = f.value("key");
    match KeyAlg::ALL.into_iter().find(|k| k.label() == key_label) {
        Some(alg) => KeySource::Generate {
            alg,
            key_path: PathBuf::from(f.value("key_path")),
        },
        None if key_label == KEY_FILE => KeySource::KeyFile(PathBuf::from(f.value("key_path"))),
        None => KeySource::CsrFile(PathBuf::from(f.value("csr_path"))),
    }
}

/// The summary's words for the key: a new one and where it goes, an existing one, or the
/// CSR file.
fn key_line(f: &Form) -> String {
    let key = f.value("key");
    match key.as_str() {
        CSR_FILE => format!("CSR from {}", f.value("csr_path")),
        KEY_FILE => format!("CSR signed by the existing key {}", f.value("key_path")),
        _ => format!(
            "new {key} key, written to {} (0600) first",
            f.value("key_path")
        ),
    }
}

/// The common name and every name for the certificate (the CN first, no repeats) of a form
/// with `cn` and `sans` fields.
fn names_of(f: &Form) -> (String, Vec<String>) {
    let cn = f.value("cn");
    let mut sans = vec![cn.clone()];
    for s in check::split_list(&f.value("sans")) {
        if !sans.iter().any(|x| x.eq_ignore_ascii_case(&s)) {
            sans.push(s);
        }
    }
    (cn, sans)
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
