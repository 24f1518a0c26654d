//! List maintenance: rows in (upsert, merge), the sorted order and the filtered view kept up
//! to date frame by frame (`settle`), and the selection within them.

use super::{State, view};
use crate::model::Cert;

impl State {
    /// Apply rows from a load or a detail: new certificates are appended, known ones are
    /// merged (a bare page row never overwrites a completed one; what an update leaves out,
    /// such as the SANs a report does not carry, is kept). The sorted order and the view are
    /// brought up to date by [`State::settle`], once per drawn frame, so applying a batch
    /// costs time in proportion to the batch, not to the list. With `seen`, each row also
    /// counts as delivered by the current load of its family.
    pub(super) fn upsert(&mut self, rows: Vec<Cert>, seen: bool) {
        for row in rows {
            let i = match self
                .index
                .get(&self.certs, row.account, row.family, &row.id)
            {
                Some(i) => {
                    self.merge_into(i, row);
                    i
                }
                None => {
                    let i = self.certs.len();
                    self.haystack.push(&row);
                    self.seen.push(0);
                    self.queued.push(true);
                    self.stale.push(false);
                    self.sort_keys.push(view::sort_key(&row, self.sort));
                    if self.counts_as_pending(&row, i) {
                        self.pending += 1;
                    }
                    self.certs.push(row);
                    self.index.insert(&self.certs, i);
                    self.fresh.push(i as u32);
                    i
                }
            };
            if seen {
                self.mark_seen(i);
            }
        }
    }

    /// Make room for `n` more certificates.
    pub(super) fn reserve(&mut self, n: usize) {
        self.certs.reserve(n);
        self.haystack.reserve(n);
        self.seen.reserve(n);
        self.queued.reserve(n);
        self.stale.reserve(n);
        self.sort_keys.reserve(n);
        self.index.reserve(&self.certs, n);
        self.sorted.reserve(n);
    }

    /// Merge `row` into the known certificate `i`, queueing it for re-sorting when what the
    /// list sorts or filters by changed.
    pub(super) fn merge_into(&mut self, i: usize, mut row: Cert) {
        let old = &self.certs[i];
        // A bare page row never overwrites a completed one.
        if !row.complete && old.complete {
            return;
        }
        // What the update leaves out, the row keeps (a report brings no SANs, an S/MIME
        // list no profile).
        row.keep_from(old);
        if row == *old {
            return;
        }
        let text_changed =
            row.common_name != old.common_name || row.sans != old.sans || row.serial != old.serial;
        let order_changed = text_changed
            || row.expires != old.expires
            || row.status != old.status
            || row.family != old.family;
        let was_pending = self.counts_as_pending(old, i);
        if text_changed {
            self.haystack.set(i, &row);
        }
        if self.counts_as_pending(&row, i) {
            self.pending += 1;
        }
        if was_pending {
            self.pending -= 1;
        }
        if order_changed {
            self.sort_keys[i] = view::sort_key(&row, self.sort);
        }
        self.certs[i] = row;
        if order_changed {
            self.requeue(i);
        }
    }

    /// Whether `c` (at index `i`) counts in the pending view.
    pub(super) fn counts_as_pending(&self, c: &Cert, i: usize) -> bool {
        c.status.is_pending() && c.family.needs_approval() && !self.hidden.contains(&i)
    }

    /// Queue certificate `i` to be placed again in the sorted order and the view.
    pub(super) fn requeue(&mut self, i: usize) {
        if !self.queued[i] {
            self.queued[i] = true;
            self.moved.push(i as u32);
        }
    }

    /// Rows applied but not yet placed in the sorted order and the view.
    pub fn backlog(&self) -> usize {
        self.fresh.len() + self.moved.len()
    }

    /// Bring the sorted order and the view up to date with the rows applied since the last
    /// call: the queued rows are sorted among themselves and merged in, so this costs one
    /// pass over the list, not a sort of it. The selection stays on its certificate (or at
    /// the top while the user has not moved). Cheap when nothing is queued; the main loop
    /// calls it before each frame, and `update` before every message but the row feed.
    pub fn settle(&mut self) {
        if self.fresh.is_empty() && self.moved.is_empty() {
            return;
        }
        let at_top = self.sel == 0 && !self.detail_open;
        let keep = self.view.get(self.sel).copied();
        let batch = self.take_queue();
        let needle = self.filter.value().to_lowercase();
        let scope = self.scope();
        let shown = view::filter_indices(
            &batch,
            &self.certs,
            &self.haystack,
            scope,
            &needle,
            &self.hidden,
        );
        if !shown.is_empty() {
            self.view = view::merge_sorted(&self.view, &shown, &self.order());
        }
        self.scope_total = if needle.is_empty() {
            self.view.len()
        } else {
            view::count_in_scope(&self.certs, scope, &self.hidden)
        };
        self.sel = if at_top {
            self.list_offset = 0;
            0
        } else {
            // A row that left the view (an approved request in the pending view) leaves
            // the cursor at its place, not at the top.
            keep.and_then(|k| self.view.iter().position(|&v| v == k))
                .unwrap_or(self.sel)
        };
        self.clamp_list();
    }

    pub(super) fn resort(&mut self) {
        let sort = self.sort;
        self.sort_keys = self.certs.iter().map(|c| view::sort_key(c, sort)).collect();
        // The view is rebuilt below: the queued rows need only be in `sorted`, which is
        // sorted whole.
        self.take_queue();
        let stale = std::mem::take(&mut self.stale);
        let mut sorted = std::mem::take(&mut self.sorted);
        sorted.retain(|&i| !stale[i as usize]);
        sorted.append(&mut self.unsorted);
        self.stale = vec![false; stale.len()];
        view::sort_indices(&mut sorted, &self.order());
        self.sorted = sorted;
        self.refilter();
    }

    /// The list order for the current sort.
    pub(super) fn order(&self) -> view::Order<'_> {
        view::Order {
            certs: &self.certs,
            keys: &self.sort_keys,
            key: self.sort,
        }
    }

    /// Take the queued rows for the view: moved ones leave their old places in it, and every
    /// one is marked for placing in `sorted` later ([`State::sync_sorted`]). Returns them,
    /// sorted.
    pub(super) fn take_queue(&mut self) -> Vec<u32> {
        let mut batch = std::mem::take(&mut self.fresh);
        let moved = std::mem::take(&mut self.moved);
        if !moved.is_empty() {
            // `queued` marks them.
            let queued = &self.queued;
            self.view.retain(|&i| !queued[i as usize]);
            batch.extend(moved);
        }
        for &i in &batch {
            let i = i as usize;
            self.queued[i] = false;
            if !self.stale[i] {
                self.stale[i] = true;
                self.unsorted.push(i as u32);
            }
        }
        view::sort_indices(&mut batch, &self.order());
        batch
    }

    /// Bring `sorted` up to date: the rows whose place is missing or stale leave it and are
    /// merged in again.
    pub(super) fn sync_sorted(&mut self) {
        if self.unsorted.is_empty() {
            return;
        }
        let mut batch = std::mem::take(&mut self.unsorted);
        let stale = &self.stale;
        self.sorted.retain(|&i| !stale[i as usize]);
        for &i in &batch {
            self.stale[i as usize] = false;
        }
        let order = self.order();
        view::sort_indices(&mut batch, &order);
        self.sorted = view::merge_sorted(&self.sorted, &batch, &order);
    }

    /// Rebuild `view` from `sorted`, keeping the selected certificate selected if it stays.
    pub(super) fn refilter(&mut self) {
        self.clamp_view_selection();
        self.take_queue();
        self.sync_sorted();
        self.pending = self
            .certs
            .iter()
            .enumerate()
            .filter(|(i, c)| self.counts_as_pending(c, *i))
            .count();
        let keep = self.view.get(self.sel).copied();
        let needle = self.filter.value().to_lowercase();
        let scope = self.scope();
        self.view = view::filter_indices(
            &self.sorted,
            &self.certs,
            &self.haystack,
            scope,
            &needle,
            &self.hidden,
        );
        self.scope_total = if needle.is_empty() {
            self.view.len()
        } else {
            view::count_in_scope(&self.certs, scope, &self.hidden)
        };
        self.sel = keep
            .and_then(|k| self.view.iter().position(|&v| v == k))
            .unwrap_or(0);
        self.clamp_list();
    }

    /// Narrow the current view further (the new filter text extends the old one).
    pub(super) fn refine(&mut self) {
        self.settle();
        let keep = self.view.get(self.sel).copied();
        let needle = self.filter.value().to_lowercase();
        let view = std::mem::take(&mut self.view);
        let scope = self.scope();
        self.view = view::filter_indices(
            &view,
            &self.certs,
            &self.haystack,
            scope,
            &needle,
            &self.hidden,
        );
        self.sel = keep
            .and_then(|k| self.view.iter().position(|&v| v == k))
            .unwrap_or(0);
        self.clamp_list();
    }

    pub(super) fn clamp_list(&mut self) {
        let n = self.view.len();
        if n == 0 {
            self.sel = 0;
            self.list_offset = 0;
            return;
        }
        self.sel = self.sel.min(n - 1);
        let h = self.list_height().max(1);
        if self.sel < self.list_offset {
            self.list_offset = self.sel;
        } else if self.sel >= self.list_offset + h {
            self.list_offset = self.sel + 1 - h;
        }
        self.list_offset = self.list_offset.min(n.saturating_sub(h));
    }

    pub(super) fn move_list(&mut self, delta: isize) {
        let n = self.view.len();
        if n == 0 {
            return;
        }
        let before = self.sel;
        self.sel = (self.sel as isize + delta).clamp(0, n as isize - 1) as usize;
        if self.sel != before {
            self.detail_scroll = 0;
        }
        self.clamp_list();
    }
}
