//! What keys do: the key table's actions per pane and overlay, the filter line, moving and
//! opening.

use super::*;
pub(super) fn on_key(state: &mut State, key: KeyEvent) -> Vec<Command> {
    // Ctrl-C always quits, whatever has focus.
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        state.quit = true;
        return vec![];
    }
    // While the terminal is too small to show the panes, nothing is shown to act on: only
    // the quit key works (a hidden dialog is never completed blind, no hidden field typed
    // into).
    if state.too_small() {
        let quit = state
            .keymap
            .binding(Action::Quit)
            .is_some_and(|b| b.keys.iter().any(|k| k.matches(&key)));
        if quit {
            state.quit = true;
        }
        return vec![];
    }
    // A provider's question sits over everything and takes every key until it is answered.
    if !state.prompts.is_empty() {
        return state.prompt_key(key);
    }
    // The copy picker can sit over a dialog (DCV records); it takes the keys first.
    if let Some(overlay @ Overlay::Copy { .. }) = state.overlay.clone() {
        state.status = None;
        return on_overlay_key(state, overlay, key);
    }
    if state.dialog.is_some() {
        state.status = None;
        return state.dialog_key(key);
    }
    if state.filter_editing {
        state.status = None;
        return on_filter_key(state, key);
    }
    if let Some(overlay) = state.overlay.clone() {
        state.status = None;
        return on_overlay_key(state, overlay, key);
    }
    // A key that does nothing leaves the message; any other key clears it (the action may
    // set a new one). The history in the error log (e) keeps every message.
    let Some(action) = state.keymap.lookup(state.ctx(), &key) else {
        return vec![];
    };
    state.status = None;
    on_action(state, action)
}

pub(super) fn on_filter_key(state: &mut State, key: KeyEvent) -> Vec<Command> {
    match key.code {
        KeyCode::Esc => {
            state.filter_editing = false;
            state.filter.reset();
            state.refilter();
        }
        KeyCode::Enter | KeyCode::Down | KeyCode::Up | KeyCode::Tab => {
            state.filter_editing = false;
            state.focus = Pane::List;
            if key.code == KeyCode::Down {
                state.move_list(1);
            }
        }
        _ => {
            let before = state.filter.value().to_string();
            state.filter.handle_event(&Event::Key(key));
            let after = state.filter.value();
            if after != before {
                if after.starts_with(&before) {
                    state.refine();
                } else {
                    state.refilter();
                }
            }
        }
    }
    vec![]
}

pub(super) fn on_overlay_key(state: &mut State, overlay: Overlay, key: KeyEvent) -> Vec<Command> {
    let action = state.keymap.lookup(Ctx::Global, &key).or_else(|| {
        // Movement keys work inside popups too.
        state.keymap.lookup(Ctx::List, &key)
    });
    match (overlay, action) {
        (_, Some(Action::Quit)) if key.code != KeyCode::Esc => {
            state.quit = true;
        }
        // One audit entry in full: Enter opens it, Esc (or Enter) goes back to the list.
        (
            Overlay::Audit {
                path,
                entries,
                scroll,
                open,
            },
            Some(a @ (Action::Open | Action::Close)),
        ) if open || a == Action::Open => {
            state.overlay = Some(Overlay::Audit {
                open: !open && !entries.is_empty(),
                path,
                entries,
                scroll,
            });
        }
        (_, Some(Action::Close)) => {
            state.overlay = None;
        }
        (Overlay::Help { .. }, Some(Action::Help)) => state.overlay = None,
        (Overlay::Help { scroll }, Some(a @ (Action::Down | Action::PageDown))) => {
            let step = if a == Action::Down { 1 } else { 10 };
            state.overlay = Some(Overlay::Help {
                scroll: scroll
                    .saturating_add(step)
                    .min((state.measure)(state).help_max),
            })
        }
        (Overlay::Help { scroll }, Some(a @ (Action::Up | Action::PageUp))) => {
            let step = if a == Action::Up { 1 } else { 10 };
            state.overlay = Some(Overlay::Help {
                scroll: scroll.saturating_sub(step),
            })
        }
        (Overlay::Help { .. }, Some(Action::Top)) => {
            state.overlay = Some(Overlay::Help { scroll: 0 })
        }
        (Overlay::Help { .. }, Some(Action::Bottom)) => {
            state.overlay = Some(Overlay::Help {
                scroll: (state.measure)(state).help_max,
            })
        }
        (Overlay::Errors { selected }, Some(Action::Down)) => {
            let n = state.errors.len();
            state.overlay = Some(Overlay::Errors {
                selected: (selected + 1).min(n.saturating_sub(1)),
            });
        }
        (Overlay::Errors { selected }, Some(Action::Up)) => {
            state.overlay = Some(Overlay::Errors {
                selected: selected.saturating_sub(1),
            });
        }
        (Overlay::Errors { selected }, Some(Action::Open)) if selected < state.errors.len() => {
            state.overlay = Some(Overlay::Error { index: selected });
        }
        (Overlay::Errors { .. }, Some(Action::ErrorLog)) => state.overlay = None,
        (Overlay::Error { .. }, Some(Action::ErrorLog)) => {
            state.overlay = Some(Overlay::Errors {
                selected: state.errors.len().saturating_sub(1),
            });
        }
        (Overlay::Error { .. }, Some(Action::Open)) => state.overlay = None,
        (Overlay::Menu { selected }, Some(Action::Down)) => {
            state.overlay = Some(Overlay::Menu {
                selected: (selected + 1).min(state.menu().len().saturating_sub(1)),
            })
        }
        (Overlay::Menu { selected }, Some(Action::Up)) => {
            state.overlay = Some(Overlay::Menu {
                selected: selected.saturating_sub(1),
            })
        }
        (Overlay::Menu { selected }, Some(Action::Open)) => {
            let menu = state.menu();
            state.overlay = None;
            if let Some(e) = menu.get(selected.min(menu.len().saturating_sub(1))) {
                return on_action(state, e.action);
            }
        }
        (Overlay::Menu { .. }, Some(Action::Menu)) => state.overlay = None,
        (Overlay::Copy { items, selected }, _) => {
            let pick = match (key.code, action) {
                (KeyCode::Char(d @ '1'..='9'), _) => Some(d as usize - '1' as usize),
                (KeyCode::Enter, _) | (_, Some(Action::Copy)) => Some(selected),
                _ => None,
            };
            match (pick, action) {
                (Some(i), _) if i < items.len() => {
                    let (label, value) = items[i].clone();
                    state.overlay = None;
                    state.clipboard = Some(value);
                    state.set_status(
                        format!("copied the {label} to the clipboard (OSC 52)"),
                        Severity::Info,
                    );
                }
                (_, Some(Action::Down)) => {
                    state.overlay = Some(Overlay::Copy {
                        selected: (selected + 1).min(items.len().saturating_sub(1)),
                        items,
                    })
                }
                (_, Some(Action::Up)) => {
                    state.overlay = Some(Overlay::Copy {
                        selected: selected.saturating_sub(1),
                        items,
                    })
                }
                _ if key.code == KeyCode::Esc => state.overlay = None,
                _ => state.overlay = Some(Overlay::Copy { items, selected }),
            }
        }
        (Overlay::Audit { .. }, Some(Action::AuditLog)) => state.overlay = None,
        (
            Overlay::Audit {
                path,
                entries,
                scroll,
                open,
            },
            Some(
                a @ (Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::Top
                | Action::Bottom),
            ),
        ) => {
            let last = entries.len().saturating_sub(1) as isize;
            let delta: isize = match a {
                Action::Up => -1,
                Action::Down => 1,
                Action::PageUp => -10,
                Action::PageDown => 10,
                Action::Top => -last - 1,
                _ => last + 1,
            };
            let scroll = (scroll as isize + delta).clamp(0, last.max(0)) as u16;
            state.overlay = Some(Overlay::Audit {
                path,
                entries,
                scroll,
                open,
            });
        }
        (Overlay::Menu { .. }, Some(a)) if state.menu().iter().any(|e| e.action == a) => {
            state.overlay = None;
            return on_action(state, a);
        }
        (_, Some(Action::Help)) => state.overlay = Some(Overlay::Help { scroll: 0 }),
        _ => {}
    }
    vec![]
}

pub(super) fn on_action(state: &mut State, action: Action) -> Vec<Command> {
    let page = state.list_height().max(1) as isize;
    if let Scope::View(a, id) = state.scope()
        && state.focus != Pane::Accounts
        && let Some(cmds) = on_view_action(state, a, id, action, page)
    {
        return cmds;
    }
    match action {
        Action::Quit => state.quit = true,
        Action::Help => state.overlay = Some(Overlay::Help { scroll: 0 }),
        Action::ErrorLog => {
            state.overlay = Some(Overlay::Errors {
                selected: state.errors.len().saturating_sub(1),
            })
        }
        Action::NextPane => state.focus = next_pane(state, 1),
        Action::PrevPane => state.focus = next_pane(state, -1),
        Action::FocusLeft => {
            if state.focus != Pane::Accounts {
                state.focus = next_pane(state, -1);
            }
        }
        Action::FocusRight => {
            if state.focus == Pane::Detail {
            } else if state.focus == Pane::List && !state.detail_open {
                return open_detail(state);
            } else {
                state.focus = next_pane(state, 1);
            }
        }
        Action::Up => return move_focused(state, -1),
        Action::Down => return move_focused(state, 1),
        Action::PageUp => return move_focused(state, -page),
        Action::PageDown => return move_focused(state, page),
        Action::Top => return move_focused(state, isize::MIN / 2),
        Action::Bottom => return move_focused(state, isize::MAX / 2),
        Action::Open => match state.focus {
            Pane::Accounts => state.focus = Pane::List,
            Pane::List => return open_detail(state),
            Pane::Detail => {}
        },
        Action::Close => {
            if !state.marked.is_empty() {
                state.marked.clear();
                state.set_status("unmarked all", Severity::Info);
            } else if state.focus == Pane::Detail || state.detail_open {
                state.detail_open = false;
                state.focus = Pane::List;
            } else if !state.filter.value().is_empty() {
                state.filter.reset();
                state.refilter();
            }
        }
        Action::Filter => {
            state.filter_editing = true;
            state.focus = Pane::List;
        }
        Action::Sort => {
            state.sort = state.sort.next();
            state.resort();
            state.set_status(format!("sorted by {}", state.sort.label()), Severity::Info);
        }
        Action::Mark => {
            if let Some((i, _)) = state.selected_cert() {
                if !state.marked.remove(&i) {
                    state.marked.insert(i);
                }
                state.move_list(1);
                let n = state.marked.len();
                state.set_status(
                    if n == 0 {
                        "no certificates marked".to_string()
                    } else {
                        format!("{n} marked — actions apply to them (Esc unmarks all)")
                    },
                    Severity::Info,
                );
            }
        }
        Action::Pending => {
            let scopes = state.scopes();
            let before = state.scope();
            state.account_sel = if state.scope() == Scope::Pending {
                0
            } else {
                scopes
                    .iter()
                    .position(|s| *s == Scope::Pending)
                    .unwrap_or(0)
            };
            state.switch_filter(before);
            state.sel = 0;
            state.list_offset = 0;
            state.refilter();
            state.focus = Pane::List;
        }
        Action::Menu => state.overlay = Some(Overlay::Menu { selected: 0 }),
        Action::AuditLog => {
            let job = state.new_job(JobKind::Audit, "read the audit log".into());
            return vec![Command::ReadAudit { job }];
        }
        Action::ServerFilter => state.set_status(
            "f sets a side view's server-side filters, where the view has them (select it in the accounts pane)",
            Severity::Info,
        ),
        Action::Copy => state.open_copy(),
        Action::Invoke(id) => return state.invoke(id),
        Action::Refresh => {
            let targets: Vec<AccountIdx> = match state.selected_account() {
                Some(a) => vec![a],
                None => (0..state.accounts.len()).collect(),
            };
            let mut cmds = Vec::new();
            for a in targets {
                cmds.extend(state.load_account(a));
            }
            // Cached details may be stale after a refresh.
            state.details.clear();
            if cmds.is_empty() {
                state.set_status("nothing to refresh", Severity::Info);
            } else {
                state.set_status(REFRESHING, Severity::Info);
            }
            return cmds;
        }
    }
    vec![]
}

/// Keys in a side view; `None` falls through to the general handling.
pub(super) fn on_view_action(
    state: &mut State,
    account: AccountIdx,
    id: &'static str,
    action: Action,
    page: isize,
) -> Option<Vec<Command>> {
    let in_list = state.focus == Pane::List;
    match action {
        Action::Up if in_list => state.move_view_row(account, id, -1),
        Action::Down if in_list => state.move_view_row(account, id, 1),
        Action::PageUp if in_list => state.move_view_row(account, id, -page),
        Action::PageDown if in_list => state.move_view_row(account, id, page),
        Action::Top if in_list => state.move_view_row(account, id, isize::MIN / 2),
        Action::Bottom if in_list => state.move_view_row(account, id, isize::MAX / 2),
        Action::Open | Action::FocusRight if in_list => {
            return Some(state.open_view_row(account, id));
        }
        Action::Refresh => return Some(state.load_scope(Scope::View(account, id), true)),
        Action::Sort => state.sort_view(account, id),
        Action::Invoke(_) | Action::ServerFilter | Action::Mark => {
            let name = match action {
                Action::Invoke(name) => name,
                Action::ServerFilter => "server_filter",
                _ => "mark",
            };
            let view = &state.side_view(account, id)?.view;
            if let Some(key) = view.keys().iter().find(|k| k.action == name) {
                return Some(state.open_view_action(account, id, key.opens));
            }
            // Actions that take no listed certificate still work here (enrol, revoke by
            // serial number); the others mean nothing in a side view.
            let takes_none = state
                .accounts
                .get(account)
                .and_then(|a| a.info.action(name))
                .is_some_and(|spec| spec.targets == crate::model::spec::Targets::Account);
            if takes_none {
                return None;
            }
            let hint = view.hint();
            state.set_status(hint, Severity::Info);
        }
        _ => return None,
    }
    Some(vec![])
}

pub(super) fn next_pane(state: &State, dir: isize) -> Pane {
    let mut panes = vec![Pane::Accounts, Pane::List];
    if state.detail_open {
        panes.push(Pane::Detail);
    }
    let i = panes.iter().position(|p| *p == state.focus).unwrap_or(1) as isize;
    let n = panes.len() as isize;
    panes[((i + dir).rem_euclid(n)) as usize]
}

pub(super) fn move_focused(state: &mut State, delta: isize) -> Vec<Command> {
    match state.focus {
        Pane::Accounts => {
            let n = state.scopes().len();
            let before = state.account_sel;
            let scope_before = state.scope();
            state.account_sel =
                (state.account_sel as isize + delta).clamp(0, n as isize - 1) as usize;
            if state.account_sel != before {
                state.switch_filter(scope_before);
                state.sel = 0;
                state.list_offset = 0;
                state.refilter();
                let scope = state.scope();
                return state.load_scope(scope, false);
            }
        }
        Pane::List => {
            state.move_list(delta);
            // In the side-by-side layout the open detail follows the selection; the one
            // still loading for the row just left is dropped.
            if state.detail_open {
                let mut cmds = state.cancel_cursor_detail();
                cmds.extend(request_detail(state));
                return cmds;
            }
        }
        Pane::Detail => {
            let max = (state.measure)(state).detail_max as isize;
            state.detail_scroll = (state.detail_scroll as isize + delta).clamp(0, max) as u16;
        }
    }
    vec![]
}

/// Which filter text a scope uses: the certificate lists share one, each side view its own.
pub(super) fn filter_key(scope: Scope) -> Option<Scope> {
    match scope {
        Scope::View(..) => Some(scope),
        _ => None,
    }
}

impl State {
    /// After the scope changed from `before`: keep the old list's filter text, bring back the
    /// new one's.
    pub(super) fn switch_filter(&mut self, before: Scope) {
        let (old, new) = (filter_key(before), filter_key(self.scope()));
        if old == new {
            return;
        }
        let restored = self.filters.remove(&new).unwrap_or_default();
        let kept = std::mem::replace(&mut self.filter, restored);
        if !kept.value().is_empty() {
            self.filters.insert(old, kept);
        }
        self.filter_editing = false;
    }

    /// Cancel the cursor's detail request if it still runs for another row than the
    /// selected one: its job leaves the pending set and the row can be loaded again later.
    pub(super) fn cancel_cursor_detail(&mut self) -> Vec<Command> {
        let Some(job) = self.cursor_detail else {
            return Vec::new();
        };
        let selected = self.selected_cert().map(|(i, _)| i);
        let cert = match self.jobs.get(&job).map(|j| j.kind) {
            Some(JobKind::Detail { cert }) => cert,
            _ => {
                self.cursor_detail = None;
                return Vec::new();
            }
        };
        if Some(cert) == selected {
            return Vec::new();
        }
        self.jobs.remove(&job);
        self.cursor_detail = None;
        if matches!(self.details.get(&cert), Some(DetailState::Loading)) {
            self.details.remove(&cert);
        }
        vec![Command::Cancel { job }]
    }
}

pub(super) fn open_detail(state: &mut State) -> Vec<Command> {
    if state.selected_cert().is_none() {
        state.set_status("no certificate selected", Severity::Info);
        return vec![];
    }
    state.detail_open = true;
    state.focus = Pane::Detail;
    state.detail_scroll = 0;
    request_detail(state)
}

impl State {
    /// (Re)load one certificate's detail, e.g. after an action changed it.
    pub(super) fn load_detail(
        &mut self,
        account: AccountIdx,
        family: Collection,
        id: String,
    ) -> Vec<Command> {
        let cert = self.index.get(&self.certs, account, family, &id);
        if let Some(i) = cert
            && matches!(self.details.get(&i), Some(DetailState::Loading))
        {
            return vec![];
        }
        let job = match cert {
            Some(i) => {
                self.details.insert(i, DetailState::Loading);
                self.new_job(JobKind::Detail { cert: i }, format!("refresh {id}"))
            }
            None => self.new_job(JobKind::Action { cert: None }, format!("load {id}")),
        };
        let key = self.key_paths.get(&(account, id.clone())).cloned();
        vec![Command::Detail {
            job,
            account,
            family,
            id,
            key,
        }]
    }

    /// Offer the selected certificate's values for copying.
    pub(super) fn open_copy(&mut self) {
        let one = if self.focus == Pane::Detail {
            self.detail_target()
        } else {
            self.selected_cert()
        };
        let Some((i, c)) = one else {
            self.set_status("nothing selected to copy", Severity::Info);
            return;
        };
        let mut items = vec![("common name".to_string(), c.common_name.clone())];
        items.push(("id".into(), c.id.clone()));
        if let Some(serial) = c.serial.clone().filter(|s| !s.is_empty()) {
            items.push(("serial number".into(), serial));
        }
        if c.sans.len() > 1 {
            items.push(("names (SANs)".into(), c.sans.join(", ")));
        }
        if let Some(DetailState::Loaded(v)) = self.details.get(&i)
            && let Ok(certs) = &v.x509
            && let Some(leaf) = certs.first()
        {
            items.push(("SHA-256 fingerprint".into(), leaf.sha256.clone()));
            if let Some(pem) = &v.detail.body_pem {
                items.push(("certificate (PEM)".into(), pem.clone()));
            }
        }
        self.overlay = Some(Overlay::Copy { items, selected: 0 });
    }
}

/// Ask for the selected certificate's detail unless it is loaded or loading.
pub(super) fn request_detail(state: &mut State) -> Vec<Command> {
    let Some(i) = state.selected_cert().map(|(i, _)| i) else {
        return vec![];
    };
    state.detail_cert = Some(i);
    let cert = &state.certs[i];
    if matches!(
        state.details.get(&i),
        Some(DetailState::Loaded(_) | DetailState::Loading)
    ) {
        return vec![];
    }
    let (account, family, id) = (cert.account, cert.family, cert.id.clone());
    let label = format!("detail {}", cert.common_name);
    let job = state.new_job(JobKind::Detail { cert: i }, label);
    state.cursor_detail = Some(job);
    state.details.insert(i, DetailState::Loading);
    let key = state.key_paths.get(&(account, id.clone())).cloned();
    vec![Command::Detail {
        job,
        account,
        family,
        id,
        key,
    }]
}
