//! `IdTable`: the rows of one certificate family, kept in a `Vec` sorted by id.
//!
//! It replaces a `BTreeMap<i64, _>` so that the unfiltered list can answer a page by slicing
//! (`size`/`position` are offsets into the id order) instead of walking every row. Ids only
//! grow (`alloc_ssl_id`, `new_id`), so an insert is a push; an insert below the largest id or a
//! delete (rare: only imported or discovered certificates can be deleted) shifts the tail.
//!
//! The table also drives the per-request state machine (`tick`, used by `Db::tick`) without
//! looking at every row each time: it remembers which rows were handed out for writing
//! (`get_mut`, `insert`; `values_mut` means all of them), since a request becomes pending or a
//! row changes state only through one of these, and it keeps the times the state machine asked
//! to look at a row again (an issued certificate's expiry) in a queue.

use std::collections::BTreeSet;

/// What the state machine wants after looking at a row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Look {
    /// Look again on every tick (the row is waiting for something, e.g. the CA).
    pub waiting: bool,
    /// Look again once the clock reaches this time (emulator seconds).
    pub at: Option<i64>,
}

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
    /// `values_mut` was called (or nothing was looked at yet): look at every row.
    watch_all: bool,
    /// (time, id): look at the row again once the clock reaches the time.
    deadlines: BTreeSet<(i64, i64)>,
}

impl<T> Default for IdTable<T> {
    fn default() -> Self {
        IdTable {
            rows: Vec::new(),
            watch: BTreeSet::new(),
            watch_all: true,
            deadlines: BTreeSet::new(),
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
            deadlines: BTreeSet::new(),
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

    /// Runs the state machine's `step` over the rows that need a look: every row the first
    /// time and after `values_mut`; otherwise the rows handed out for writing since, the rows
    /// still waiting, and the rows whose time has come (`now`), each once.
    pub(crate) fn tick(&mut self, now: i64, mut step: impl FnMut(&mut T) -> Look) {
        if self.watch_all {
            self.watch_all = false;
            self.watch.clear();
            self.deadlines.clear();
            for row in self.rows.iter_mut() {
                let look = step(row);
                if look.waiting {
                    self.watch.insert(row.key());
                }
                if let Some(t) = look.at {
                    self.deadlines.insert((t, row.key()));
                }
            }
            return;
        }
        let mut ids: Vec<i64> = self.watch.iter().copied().collect();
        while let Some(&(t, id)) = self.deadlines.first() {
            if t > now {
                break;
            }
            self.deadlines.pop_first();
            ids.push(id);
        }
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            let look = match self.find(id) {
                Ok(i) => step(&mut self.rows[i]),
                Err(_) => Look::default(),
            };
            if look.waiting {
                self.watch.insert(id);
            } else {
                self.watch.remove(&id);
            }
            if let Some(t) = look.at {
                self.deadlines.insert((t, id));
            }
        }
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

    /// Ticks `t` at `now`; returns the ids the step looked at, in order.
    fn looked(t: &mut IdTable<Row>, now: i64, waiting: &[i64], at: &[(i64, i64)]) -> Vec<i64> {
        let mut seen = Vec::new();
        t.tick(now, |r| {
            seen.push(r.0);
            Look {
                waiting: waiting.contains(&r.0),
                at: at.iter().find(|(id, _)| *id == r.0).map(|(_, t)| *t),
            }
        });
        seen
    }

    #[test]
    fn the_state_machine_looks_only_at_rows_that_need_it() {
        let mut t = IdTable::from_rows((1..=10).map(|i| Row(i, "x")).collect());
        // First tick: every row. Row 2 waits; rows 3 and 4 want a look at 100 and 200.
        assert_eq!(
            looked(&mut t, 0, &[2], &[(3, 100), (4, 200)]),
            (1..=10).collect::<Vec<_>>()
        );
        // Then only the waiting row, until a time comes.
        assert_eq!(looked(&mut t, 50, &[2], &[]), vec![2]);
        let _ = t.get(&5);
        assert_eq!(
            looked(&mut t, 60, &[], &[]),
            vec![2],
            "reads are not looked at"
        );
        assert_eq!(
            looked(&mut t, 70, &[], &[]),
            Vec::<i64>::new(),
            "row 2 is done"
        );
        assert_eq!(looked(&mut t, 100, &[], &[]), vec![3]);
        assert_eq!(looked(&mut t, 150, &[], &[]), Vec::<i64>::new());
        // A write is looked at once; a new row too; a deleted row not at all.
        if let Some(r) = t.get_mut(&6) {
            r.1 = "y";
        }
        t.insert(11, Row(11, "z"));
        t.remove(&4);
        assert_eq!(looked(&mut t, 160, &[], &[(6, 300)]), vec![6, 11]);
        assert_eq!(
            looked(&mut t, 250, &[], &[]),
            Vec::<i64>::new(),
            "4 is gone"
        );
        // A row written and due at once is looked at once.
        let _ = t.get_mut(&6);
        assert_eq!(looked(&mut t, 300, &[], &[]), vec![6]);
        // values_mut: every row again.
        t.values_mut().for_each(|r| r.1 = "all");
        assert_eq!(looked(&mut t, 400, &[], &[]).len(), 10);
    }
}
