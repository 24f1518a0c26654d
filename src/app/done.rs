//! What the worker's answers do to the state: rows, totals, details, finished jobs and the
//! outcome of each action.

use super::*;
pub(super) fn on_worker(state: &mut State, ev: WorkerEvent) -> Vec<Command> {
    match ev {
        WorkerEvent::Progress {
            job,
            done,
            of,
            label,
        } => {
            if let Some(j) = state.jobs.get_mut(&job) {
                j.progress = Some((done, of, label));
            }
        }
        // Applied in time proportional to the batch; `settle` places them before the next
        // frame (while the user has not moved, the list stays at its top as rows fill in).
        WorkerEvent::Rows { rows, .. } => state.upsert(rows, true),
        WorkerEvent::Total {
            account,
            family,
            total,
            ..
        } => {
            if let Some(f) = state
                .accounts
                .get_mut(account)
                .and_then(|acc| acc.family_mut(family))
            {
                // Room for the rows to come, once: growing a list of 100,000 rows while they
                // arrive would copy it (and rehash its index) in the middle of a batch.
                f.total = Some(total);
                let expected: usize = state
                    .accounts
                    .iter()
                    .flat_map(|a| &a.families)
                    .map(|f| f.total.unwrap_or(0).max(f.loaded))
                    .sum();
                state.reserve(expected.saturating_sub(state.certs.len()));
            }
        }
        WorkerEvent::Done { job, result } => {
            let kind = state.jobs.remove(&job).map(|j| j.kind);
            let batch = state.batch_of.remove(&job);
            let form = state.resubmit.remove(&job);
            let ok = result.is_ok();
            if let Ok(JobOutput::FilesChecked { problems }) = &result {
                return state.files_checked(job, problems.clone());
            }
            let cmds = on_done(state, job, kind, result, form);
            if let Some(b) = batch {
                state.batch_step(b, ok);
            }
            return cmds;
        }
        WorkerEvent::Followed {
            job,
            account,
            op,
            step,
        } => return state.on_followed(job, account, op, step),
        WorkerEvent::Prompt {
            prompt,
            account,
            question,
        } => state.asked(prompt, account, question),
    }
    vec![]
}

impl State {
    /// One job of a bulk action ended; the last one reports the whole batch.
    pub(super) fn batch_step(&mut self, key: JobId, ok: bool) {
        let Some(b) = self.batches.get_mut(&key) else {
            return;
        };
        if ok {
            b.ok += 1;
        } else {
            b.failed += 1;
        }
        if b.ok + b.failed >= b.total {
            let (text, sev) = b.summary();
            self.batches.remove(&key);
            self.set_status(text, sev);
        }
    }

    /// A job sent from a form failed in a way the user can fix in the form (a file problem
    /// found by the worker, a value the server rejected): reopen it, every value kept, with
    /// the error on the field it concerns (or in its note).
    pub(super) fn reopen_form(&mut self, mut d: dialogs::Dialog, err: &ProviderError) -> bool {
        // Another dialog is open: leave it. The same one still open (a DCV step waiting for
        // its answer) takes the error.
        if self
            .dialog
            .as_ref()
            .is_some_and(|cur| !cur.flow.same(d.flow.as_ref()))
        {
            return false;
        }
        let msg = match err.code {
            Some(c) => format!("{} (code {c})", err.message),
            None => err.message.clone(),
        };
        d.form.stage = form::Stage::Edit;
        d.form.ready = true;
        d.form.clear_errors();
        let op = err.operation.as_str();
        let field = if op.starts_with("write the private key") {
            Some("key_path")
        } else if op.starts_with("read the CSR") {
            Some("csr_path")
        } else if op.starts_with("save certificate") {
            Some("path")
        } else {
            None
        };
        // The attempt made a key before it failed: the form now signs with that key, so a
        // second try does not strand it (or need a new file name).
        let kept = err
            .kept_key
            .as_deref()
            .filter(|kept| d.flow.key_kept(&mut d.form, kept));
        if let Some(kept) = kept {
            d.form.note = Some(format!(
                "not done: {msg} — OK sends it again with the key kept in {}",
                kept.display()
            ));
            d.form.focus = form::Focus::Ok;
            self.dialog = Some(d);
            return true;
        }
        match field.filter(|f| d.form.field(f).is_some()) {
            Some(f) => {
                d.form.set_error(f, msg);
                if let Some(i) = d.form.fields.iter().position(|x| x.key == f) {
                    d.form.focus = form::Focus::Field(i);
                }
            }
            None => {
                d.form.note = Some(format!("not done: {msg}"));
                d.form.focus = form::Focus::Ok;
            }
        }
        self.dialog = Some(d);
        true
    }
}

/// A job ended: its output goes where it belongs; a failure is shown (or reopens its form).
pub(super) fn on_done(
    state: &mut State,
    job: JobId,
    kind: Option<JobKind>,
    result: Result<JobOutput, ProviderError>,
    form: Option<dialogs::Dialog>,
) -> Vec<Command> {
    match result {
        Ok(JobOutput::Listed {
            account, family, ..
        }) => state.finish_list(account, family, None),
        Ok(JobOutput::Detail { cert, view, .. }) => {
            let key = (cert.account, cert.family, cert.id.clone());
            let known = state
                .index
                .get(&state.certs, cert.account, cert.family, &cert.id);
            let new = known.is_none();
            // A certificate new to the list (enrolled or renewed here) counts as seen.
            state.upsert(vec![cert], new);
            state.settle();
            if let Some(i) = state.index.get(&state.certs, key.0, key.1, &key.2) {
                state.details.insert(i, DetailState::Loaded(view));
            }
        }
        Ok(other) => return on_action_done(state, job, kind, other),
        Err(err)
            if (matches!(err.kind, ErrorKind::Local | ErrorKind::Rejected)
                || state
                    .dialog
                    .as_ref()
                    .zip(form.as_ref())
                    .is_some_and(|(cur, d)| cur.flow.same(d.flow.as_ref())))
                && form.clone().is_some_and(|d| state.reopen_form(d, &err)) =>
        {
            state.set_status(
                format!("not done: {} — the form is open again", short_error(&err)),
                Severity::Error,
            );
            state.push_error(err, false);
        }
        Err(err) => {
            // A list failure opens the error only the first time: while an account keeps
            // failing (unreachable, every refresh) the status line and the log say so.
            let mut popup = true;
            match kind {
                Some(JobKind::List { account, family }) => {
                    popup = !state.account_failing(account);
                    state.finish_list(account, family, Some(short_error(&err)))
                }
                Some(JobKind::Detail { cert }) => {
                    state.details.insert(cert, DetailState::Failed(err.clone()));
                }
                Some(JobKind::DialogData) => state.dialog_data_failed(short_error(&err)),
                Some(JobKind::FileCheck) => {
                    state.file_check = None;
                    if let Some(d) = state.dialog.as_mut() {
                        d.form.ready = true;
                        d.form.note = Some(short_error(&err));
                    }
                }
                Some(JobKind::View(account, id)) => state.view_failed(account, id),
                Some(JobKind::Action { .. } | JobKind::Enroll | JobKind::Audit) | None => {}
            }
            match err.kind {
                // "Not issued yet" is a state, not a failure: say so, no popup.
                ErrorKind::NotReady => {
                    state.set_status(
                        format!("not issued yet — {}", short_error(&err)),
                        Severity::Warning,
                    );
                    state.push_error(err, false);
                }
                ErrorKind::Unsupported => {
                    state.set_status(short_error(&err), Severity::Error);
                    state.push_error(err, false);
                }
                _ if !popup => {
                    state.set_status(
                        format!("{} (failing again; e shows the log)", short_error(&err)),
                        Severity::Error,
                    );
                    state.push_error(err, false);
                }
                _ => {
                    state.set_status(short_error(&err), Severity::Error);
                    state.push_error(err, true);
                }
            }
        }
    }
    vec![]
}

/// An action, enrolment or download finished: say so, and refresh what it changed.
pub(super) fn on_action_done(
    state: &mut State,
    job: JobId,
    kind: Option<JobKind>,
    output: JobOutput,
) -> Vec<Command> {
    use crate::model::spec::{Outcome, Then};
    let mut cmds = Vec::new();
    match output {
        JobOutput::Enrolled {
            account,
            family,
            enrolled,
            key_path,
            follows,
        } => {
            let what = state
                .accounts
                .get(account)
                .map_or("new request", |a| (a.info.new_request)(family));
            // What the request does next: the provider set an operation going (the CA issues
            // it by itself), or it waits for an approval.
            let next = match state.follow(job, account, &follows) {
                w if w.is_empty() => "; it waits in the pending view (p)".to_string(),
                w => format!("; it needs no approval{}", w.replacen(';', ",", 1)),
            };
            let text = match &key_path {
                Some(p) => format!(
                    "enrolled: {what} {} (private key in {}){next}",
                    enrolled.id,
                    p.display()
                ),
                None => format!("enrolled: {what} {}", enrolled.id),
            };
            if let Some(t) = &enrolled.renew_id {
                state
                    .renew_ids
                    .insert((account, enrolled.id.clone()), t.clone());
            }
            if let Some(p) = key_path {
                state.key_paths.insert((account, enrolled.id.clone()), p);
            }
            // The new request appears in the list at once.
            cmds.extend(state.load_detail(account, family, enrolled.id.clone()));
            state.set_status(text, Severity::Info);
        }
        JobOutput::Replaced {
            account,
            family,
            id,
            key_path,
            follows,
        } => {
            let text = match &key_path {
                Some(p) => format!("replacement of {id} requested (new key in {})", p.display()),
                None => format!("replacement of {id} requested"),
            };
            if let Some(p) = key_path {
                state.key_paths.insert((account, id.clone()), p);
            }
            // Like an approval: the CA processes the replacement, followed by the worker.
            let text = format!("{text}{}", state.follow(job, account, &follows));
            cmds.extend(state.load_detail(account, family, id));
            state.set_status(text, Severity::Info);
        }
        JobOutput::Collected { path, bytes, .. } => {
            state.set_status(
                format!("saved {bytes} bytes to {}", path.display()),
                Severity::Info,
            );
        }
        JobOutput::Acted {
            account,
            request,
            output,
            follows,
        } => {
            let watching = state.follow(job, account, &follows);
            // The account's side views take what concerns them (their rows, or the new state
            // of one of them) and are read again when the action made them stale.
            let is_view_read = matches!(kind, Some(JobKind::View(..)));
            cmds.extend(state.views_take(account, &request, &output, !is_view_read));
            if kind == Some(JobKind::DialogData) {
                state.dialog_data(account, &request, &output);
                return cmds;
            }
            if is_view_read {
                return cmds;
            }
            // The open form that sent it (if still open) shows the outcome.
            cmds.extend(state.dialog_answered(account, &request, &output));
            let cert = match kind {
                Some(JobKind::Action { cert }) => cert,
                _ => None,
            };
            let name = cert
                .and_then(|i| state.certs.get(i))
                .map(|c| c.common_name.clone())
                .unwrap_or_default();
            let info = state.accounts.get(account).map(|a| a.info);
            let outcome = info.map_or_else(
                || Outcome::new(format!("{} done", request.audit_name())),
                |info| (info.outcome)(&request, &output, &name),
            );
            match outcome.then {
                Then::Nothing => {}
                Then::Hide => {
                    if let Some(i) = cert {
                        state.hide_gone(i);
                    }
                }
                Then::LoadNew(id) => {
                    if let Some(c) = cert.and_then(|i| state.certs.get(i)) {
                        let (a, f) = (c.account, c.family);
                        cmds.extend(state.load_detail(a, f, id));
                    }
                }
                Then::ReloadAccount => cmds.extend(state.load_account(account)),
            }
            let text = if outcome.followed {
                format!("{}{watching}", outcome.text)
            } else {
                outcome.text
            };
            // Refresh the row the action changed.
            if let Some(i) = cert
                && !state.hidden.contains(&i)
                && let Some(c) = state.certs.get(i)
            {
                let (a, f, id) = (c.account, c.family, c.id.clone());
                cmds.extend(state.load_detail(a, f, id));
            }
            state.set_status(text, Severity::Info);
        }
        JobOutput::AuditLog { path, entries } => {
            let n = entries.len() as u16;
            state.overlay = Some(Overlay::Audit {
                path,
                entries,
                scroll: n.saturating_sub(1),
                open: false,
            });
        }
        JobOutput::Audited
        | JobOutput::Listed { .. }
        | JobOutput::Detail { .. }
        | JobOutput::FilesChecked { .. } => {}
    }
    cmds
}

pub(super) fn short_error(err: &ProviderError) -> String {
    let mut s = format!("{}: {}", err.operation, err.message);
    if let Some(c) = err.code {
        s.push_str(&format!(" (code {c})"));
    }
    s
}
