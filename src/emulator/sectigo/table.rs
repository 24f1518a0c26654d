//! `IdTable`: the rows of one certificate family, kept in a `Vec` sorted by id.
//!
//! It replaces a `BTreeMap<i64, _>` so that the unfiltered list can answer a page by slicing
//! (`size`/`position` are offsets into the id order) instead of walking every row. Ids only
//! grow (`alloc_ssl_id`, `new_id`), so an insert is a push; an insert below the largest id or a
//! delete (rare: only imported or discovered certificates can be deleted) shifts the tail.
//!
//! The table also remembers which rows were handed out for writing (`get_mut`, `insert`, and
//! `values_mut` for all of them), so the per-request state machine (`Db::tick`) can look at
//! those rows instead of every row: a request becomes pending, or a row changes state, only
//! through one of these. Time-driven changes of rows nobody wrote (an issued certificate
//! reaching its expiry) are found by a full pass when the earliest such time (`recheck_at`,
//! which the state machine keeps) has come.

use std::collections::BTreeSet;

/// A row with an id.
pub(crate) trait Keyed {
    fn key(&self) -> i64;
}

/// Rows sorted by id, with a set of rows to look at on the next tick.
#[derive(Debug, Clone)]
pub(crate) struct IdTable<T> {
    rows: Vec<T>,
    /// Ids of rows handed out for writing since the state machine last looked.
    watch: BTreeSet<i64>,
    /// `values_mut` was called: the state machine must look at every row.
    watch_all: bool,
    /// From this time (emulator seconds) on, the state machine must look at every row.
    recheck_at: i64,
}

impl<T> Default for IdTable<T> {
    fn default() -> Self {
        IdTable {
            rows: Vec::new(),
            watch: BTreeSet::new(),
            watch_all: true,
            recheck_at: i64::MIN,
        }
    }
}

impl<T: Keyed> IdTable<T> {
    /// A table of `rows`, which need not be sorted (ids must be unique).
    pub(crate) fn from_rows(mut rows: Vec<T>) -> IdTable<T> {
        rows.sort_by_key(Keyed::key);
        rows.dedup_by_key(|r| r.key());
        IdTable {
            rows,
            watch: BTreeSet::new(),
            watch_all: true,
            recheck_at: i64::MIN,
        }
    }

    fn find(&self, id: i64) -> Result<usize, usize> {
        // Fast path: ids are mostly dense, so the row is usually where the first id says.
        if let Some(first) = self.rows.first() {
            let guess = id.wrapping_sub(first.key());
            if guess >= 0
                && let Some(r) = self.rows.get(guess as usize)
                && r.key() == id
            {
                return Ok(guess as usize);
            }
        }
        self.rows.binary_search_by_key(&id, Keyed::key)
    }

    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    pub(crate) fn get(&self, id: &i64) -> Option<&T> {
        self.find(*id).ok().map(|i| &self.rows[i])
    }

    pub(crate) fn contains_key(&self, id: &i64) -> bool {
        self.find(*id).is_ok()
    }

    /// The row for writing; the state machine looks at it on the next tick.
    pub(crate) fn get_mut(&mut self, id: &i64) -> Option<&mut T> {
        let i = self.find(*id).ok()?;
        self.watch.insert(*id);
        Some(&mut self.rows[i])
    }

    /// Inserts or replaces the row with this id (appends when the id is the largest).
    pub(crate) fn insert(&mut self, id: i64, row: T) -> Option<T> {
        debug_assert_eq!(id, row.key(), "IdTable::insert with a mismatched id");
        self.watch.insert(id);
        match self.rows.last() {
            None => {
                self.rows.push(row);
                None
            }
            Some(last) if last.key() < id => {
                self.rows.push(row);
                None
            }
            Some(_) => match self.find(id) {
                Ok(i) => Some(std::mem::replace(&mut self.rows[i], row)),
                Err(i) => {
                    self.rows.insert(i, row);
                    None
                }
            },
        }
    }

    pub(crate) fn remove(&mut self, id: &i64) -> Option<T> {
        let i = self.find(*id).ok()?;
        self.watch.remove(id);
        Some(self.rows.remove(i))
    }

    /// Every row in id order.
    pub(crate) fn values(&self) -> std::slice::Iter<'_, T> {
        self.rows.iter()
    }

    /// Every row for writing; the state machine then looks at every row on the next tick.
    pub(crate) fn values_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.watch_all = true;
        self.rows.iter_mut()
    }

    /// Rows `position..position + size` of the id order (`size` None: to the end).
    pub(crate) fn page(&self, position: usize, size: Option<usize>) -> &[T] {
        let start = position.min(self.rows.len());
        let end = match size {
            Some(s) => start.saturating_add(s).min(self.rows.len()),
            None => self.rows.len(),
        };
        &self.rows[start..end]
    }

    // ---- for the state machine ----

    /// Whether every row must be looked at (after `values_mut`, at first, or once `now`
    /// reaches `recheck_at`).
    pub(crate) fn tick_due(&self, now: i64) -> bool {
        self.watch_all || now >= self.recheck_at
    }

    /// After a full pass: the next time a full pass is needed (`i64::MAX`: never).
    pub(crate) fn set_recheck_at(&mut self, t: i64) {
        self.recheck_at = t;
    }

    /// A row needs a full pass at `t` at the latest.
    pub(crate) fn lower_recheck_at(&mut self, t: i64) {
        self.recheck_at = self.recheck_at.min(t);
    }

    /// The watched ids (rows handed out for writing since they were last unwatched).
    pub(crate) fn watched(&self) -> Vec<i64> {
        self.watch.iter().copied().collect()
    }

    /// Every row, for the state machine's full pass; it then decides what stays watched.
    pub(crate) fn rows_for_tick(&mut self) -> std::slice::IterMut<'_, T> {
        self.watch_all = false;
        self.watch.clear();
        self.rows.iter_mut()
    }

    /// A row for the state machine, without watching it.
    pub(crate) fn get_for_tick(&mut self, id: i64) -> Option<&mut T> {
        let i = self.find(id).ok()?;
        Some(&mut self.rows[i])
    }

    /// Keep looking at `id` on later ticks (e.g. it is waiting for the CA).
    pub(crate) fn watch(&mut self, id: i64) {
        self.watch.insert(id);
    }

    /// Stop looking at `id` until it is handed out for writing again.
    pub(crate) fn unwatch(&mut self, id: i64) {
        self.watch.remove(&id);
    }
}

impl<T: Keyed> std::ops::Index<&i64> for IdTable<T> {
    type Output = T;

    /// Panics when there is no such row (callers look the id up first).
    fn index(&self, id: &i64) -> &T {
        match self.get(id) {
            Some(r) => r,
            None => panic!("no row with id {id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq)]
    struct Row(i64, &'static str);

    impl Keyed for Row {
        fn key(&self) -> i64 {
            self.0
        }
    }

    fn ids(t: &IdTable<Row>) -> Vec<i64> {
        t.values().map(|r| r.0).collect()
    }

    /// Pages of `size` from position 0 until a short page, like python-cert_manager does.
    fn paged(t: &IdTable<Row>, size: usize) -> Vec<i64> {
        let mut out = Vec::new();
        let mut pos = 0;
        loop {
            let page = t.page(pos, Some(size));
            out.extend(page.iter().map(|r| r.0));
            if page.len() < size {
                return out;
            }
            pos += size;
        }
    }

    #[test]
    fn paging_after_insert_and_delete_returns_every_id_once_in_order() {
        let mut t = IdTable::from_rows((0..1000).rev().map(|i| Row(1001 + i, "x")).collect());
        assert_eq!(ids(&t), (1001..2001).collect::<Vec<_>>());
        assert_eq!(paged(&t, 37), ids(&t));
        // An insert (new ids are the largest) and a delete in the middle.
        assert_eq!(t.insert(2001, Row(2001, "new")), None);
        assert_eq!(t.remove(&1500), Some(Row(1500, "x")));
        let expected: Vec<i64> = (1001..2002).filter(|i| *i != 1500).collect();
        assert_eq!(ids(&t), expected);
        for size in [1, 7, 200, 500, 999, 1000, 1001, 5000] {
            let got = paged(&t, size);
            assert_eq!(got, expected, "page size {size}");
        }
        // An insert below the largest id lands in order; a replace keeps the order.
        assert_eq!(t.insert(1500, Row(1500, "back")), None);
        assert_eq!(t.insert(1001, Row(1001, "again")), Some(Row(1001, "x")));
        assert_eq!(paged(&t, 64), (1001..2002).collect::<Vec<_>>());
        assert_eq!(t.get(&1001).map(|r| r.1), Some("again"));
        assert_eq!(t[&1500].1, "back");
        assert_eq!(t.len(), 1001);
        // Pages past the end are empty; no size means to the end.
        assert!(t.page(5000, Some(10)).is_empty());
        assert_eq!(t.page(995, None).len(), 6);
        assert!(t.get(&999).is_none() && !t.contains_key(&3000));
        assert_eq!(t.remove(&3000), None);
    }

    #[test]
    fn lookups_work_with_gaps() {
        let t = IdTable::from_rows(vec![Row(5, "a"), Row(9, "b"), Row(10, "c"), Row(200, "d")]);
        for (id, name) in [(5, "a"), (9, "b"), (10, "c"), (200, "d")] {
            assert_eq!(t.get(&id).map(|r| r.1), Some(name));
        }
        for id in [-1, 0, 6, 11, 199, 201, i64::MAX, i64::MIN] {
            assert!(t.get(&id).is_none(), "{id}");
        }
    }

    #[test]
    fn writes_are_watched_until_unwatched() {
        let mut t = IdTable::from_rows((1..=10).map(|i| Row(i, "x")).collect());
        assert!(t.tick_due(0), "a new table is looked at in full first");
        assert_eq!(t.rows_for_tick().count(), 10);
        t.set_recheck_at(100);
        assert!(!t.tick_due(99) && t.watched().is_empty());
        assert!(t.tick_due(100));
        t.lower_recheck_at(50);
        t.lower_recheck_at(70);
        assert!(!t.tick_due(49) && t.tick_due(50));
        let _ = t.get(&3);
        assert!(t.watched().is_empty(), "reads are not watched");
        if let Some(r) = t.get_mut(&3) {
            r.1 = "y";
        }
        t.insert(11, Row(11, "z"));
        assert_eq!(t.watched(), vec![3, 11]);
        t.unwatch(3);
        assert_eq!(t.watched(), vec![11]);
        let _ = t.get_for_tick(4);
        assert_eq!(t.watched(), vec![11]);
        t.values_mut().for_each(|r| r.1 = "all");
        assert!(t.tick_due(0));
    }
}
