//! Side views (tables an account shows beside its certificates), the same for every provider:
//! the provider's `SideView` owns the rows; here are the loading, the selection (which follows
//! its row across reloads and sorts), each view's own sort order and `/` filter, and Enter.

use super::{JobKind, Pane, Scope, Severity, State};
use crate::model::AccountIdx;
use crate::provider::request::{ActionOutput, ActionRequest};
use crate::provider::view::{SideView, Taken, ViewRead};
use crate::worker::Command;

/// One side view of one account.
#[derive(Debug)]
pub struct ViewState {
    pub view: Box<dyn SideView>,
    pub loading: bool,
    pub loaded: bool,
    /// Selected position among the rows the filter lets through.
    pub sel: usize,
    /// Index into `view.sorts()`.
    pub sort: usize,
}

impl ViewState {
    /// The name of the current sort order.
    pub fn sort_label(&self) -> &'static str {
        self.view.sorts().get(self.sort).copied().unwrap_or("name")
    }
}

impl State {
    /// Side view `id` of `account`, once it has been opened.
    pub fn side_view(&self, account: AccountIdx, id: &'static str) -> Option<&ViewState> {
        self.views.get(&(account, id))
    }

    /// The view's rows the current filter lets through, in the view's order.
    pub fn view_rows(&self, account: AccountIdx, id: &'static str) -> Vec<usize> {
        let Some(v) = self.side_view(account, id) else {
            return Vec::new();
        };
        let needle = self.filter.value().to_lowercase();
        (0..v.view.len())
            .filter(|&i| {
                needle.is_empty() || v.view.search_text(i).to_lowercase().contains(&needle)
            })
            .collect()
    }

    /// The selected row of a view (an index into its rows), if any.
    pub fn selected_view_row(&self, account: AccountIdx, id: &'static str) -> Option<usize> {
        let v = self.side_view(account, id)?;
        self.view_rows(account, id).get(v.sel).copied()
    }

    /// The provider's own view type behind `id`, for its dialogs.
    pub fn view_of<T: 'static>(&self, account: AccountIdx, id: &'static str) -> Option<&T> {
        self.side_view(account, id)?.view.as_any().downcast_ref()
    }

    pub fn view_of_mut<T: 'static>(
        &mut self,
        account: AccountIdx,
        id: &'static str,
    ) -> Option<&mut T> {
        self.views
            .get_mut(&(account, id))?
            .view
            .as_any_mut()
            .downcast_mut()
    }

    /// The view, opened (empty) on first use; `None` if the account has no such view.
    fn view_entry(&mut self, account: AccountIdx, id: &'static str) -> Option<&mut ViewState> {
        if !self.views.contains_key(&(account, id)) {
            let kind = self.accounts.get(account)?.kind;
            let view = crate::provider::registry::side_view(kind, id)?;
            self.views.insert(
                (account, id),
                ViewState {
                    view,
                    loading: false,
                    loaded: false,
                    sel: 0,
                    sort: 0,
                },
            );
        }
        self.views.get_mut(&(account, id))
    }

    fn view_reads(
        &mut self,
        account: AccountIdx,
        id: &'static str,
        reads: Vec<ViewRead>,
    ) -> Vec<Command> {
        reads
            .into_iter()
            .map(|r| {
                let job = self.new_job(JobKind::View(account, id), r.label);
                Command::Act {
                    job,
                    account,
                    request: r.request,
                    about: Vec::new(),
                }
            })
            .collect()
    }

    /// Load a side view's rows if it has none (or `force`); other scopes load nothing here.
    pub(super) fn load_scope(&mut self, scope: Scope, force: bool) -> Vec<Command> {
        let Scope::View(account, id) = scope else {
            return Vec::new();
        };
        let Some(v) = self.view_entry(account, id) else {
            return Vec::new();
        };
        if v.loading || (v.loaded && !force) {
            return Vec::new();
        }
        v.loading = true;
        let reads = v.view.loads();
        self.view_reads(account, id, reads)
    }

    /// Read the view again with the selection on its first row (its server-side filters
    /// changed).
    pub(super) fn reload_view_from_top(
        &mut self,
        account: AccountIdx,
        id: &'static str,
    ) -> Vec<Command> {
        if let Some(v) = self.views.get_mut(&(account, id)) {
            v.sel = 0;
        }
        self.load_scope(Scope::View(account, id), true)
    }

    /// Read again every side view of the account that has been loaded (something they show
    /// has changed, e.g. a followed operation settled).
    pub(super) fn refresh_views(&mut self, account: AccountIdx) -> Vec<Command> {
        let ids: Vec<&'static str> = self
            .views
            .iter()
            .filter(|((a, _), v)| *a == account && v.loaded)
            .map(|((_, id), _)| *id)
            .collect();
        ids.into_iter()
            .flat_map(|id| self.load_scope(Scope::View(account, id), true))
            .collect()
    }

    /// An answer of the account's worker: each of its views takes what concerns it (its own
    /// rows, or a change an action made to one of them). After a successful action, the views
    /// it made stale are read again.
    pub(super) fn views_take(
        &mut self,
        account: AccountIdx,
        request: &ActionRequest,
        output: &ActionOutput,
        action_done: bool,
    ) -> Vec<Command> {
        let ids: Vec<&'static str> = self
            .views
            .keys()
            .filter(|(a, _)| *a == account)
            .map(|(_, id)| *id)
            .collect();
        let mut stale = Vec::new();
        for id in ids {
            let keep = self.selected_view_key(account, id);
            let Some(v) = self.views.get_mut(&(account, id)) else {
                continue;
            };
            match v.view.take(request, output) {
                Taken::Ignored => {}
                Taken::Updated => {}
                Taken::Rows => {
                    v.loading = false;
                    v.loaded = true;
                    let sort = v.sort;
                    v.view.sort(sort);
                    self.reselect(account, id, keep);
                }
            }
            if action_done
                && self
                    .views
                    .get(&(account, id))
                    .is_some_and(|v| v.loaded && v.view.stale_after(request))
            {
                stale.push(id);
            }
        }
        stale
            .into_iter()
            .flat_map(|id| self.load_scope(Scope::View(account, id), true))
            .collect()
    }

    fn selected_view_key(&self, account: AccountIdx, id: &'static str) -> Option<String> {
        let i = self.selected_view_row(account, id)?;
        Some(self.side_view(account, id)?.view.key(i))
    }

    /// Put the selection back on the row `key` names (it moved, or the rows were replaced);
    /// without one, keep the position within the rows there are.
    fn reselect(&mut self, account: AccountIdx, id: &'static str, key: Option<String>) {
        let rows = self.view_rows(account, id);
        let Some(v) = self.views.get_mut(&(account, id)) else {
            return;
        };
        if let Some(key) = key
            && let Some(p) = rows.iter().position(|&i| v.view.key(i) == key)
        {
            v.sel = p;
        } else {
            v.sel = v.sel.min(rows.len().saturating_sub(1));
        }
    }

    /// A read of the view failed (the error is reported as for any job).
    pub(super) fn view_failed(&mut self, account: AccountIdx, id: &'static str) {
        if let Some(v) = self.views.get_mut(&(account, id)) {
            v.loading = false;
        }
    }

    /// `s` in a side view: its next sort order; the selected row stays selected.
    pub(super) fn sort_view(&mut self, account: AccountIdx, id: &'static str) {
        let keep = self.selected_view_key(account, id);
        let Some(v) = self.views.get_mut(&(account, id)) else {
            return;
        };
        let sorts = v.view.sorts();
        let what = v.view.what();
        if sorts.len() < 2 {
            let by = v.sort_label();
            self.set_status(format!("{what} are always listed by {by}"), Severity::Info);
            return;
        }
        v.sort = (v.sort + 1) % sorts.len();
        let sort = v.sort;
        v.view.sort(sort);
        let by = v.sort_label();
        self.reselect(account, id, keep);
        self.set_status(format!("{what} sorted by {by}"), Severity::Info);
    }

    /// Movement inside a side view.
    pub(super) fn move_view_row(&mut self, account: AccountIdx, id: &'static str, delta: isize) {
        let n = self.view_rows(account, id).len();
        let Some(v) = self.views.get_mut(&(account, id)) else {
            return;
        };
        v.sel = if n == 0 {
            0
        } else {
            (v.sel as isize + delta).clamp(0, n as isize - 1) as usize
        };
        self.detail_scroll = 0;
    }

    /// Enter in a side view: open the detail pane (and read what the view shows there).
    pub(super) fn open_view_row(&mut self, account: AccountIdx, id: &'static str) -> Vec<Command> {
        self.detail_open = true;
        self.focus = Pane::Detail;
        self.detail_scroll = 0;
        let Some(i) = self.selected_view_row(account, id) else {
            return Vec::new();
        };
        let reads = match self.side_view(account, id) {
            Some(v) => v.view.open(i),
            None => return Vec::new(),
        };
        self.view_reads(account, id, reads)
    }

    /// After the `/` filter changed: the selection stays within the rows shown.
    pub(super) fn clamp_view_selection(&mut self) {
        if let Scope::View(account, id) = self.scope() {
            let n = self.view_rows(account, id).len();
            if let Some(v) = self.views.get_mut(&(account, id)) {
                v.sel = v.sel.min(n.saturating_sub(1));
            }
        }
    }
}
