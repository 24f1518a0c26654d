//! Sorting and filtering of the certificate list by index vectors: the certificates never move,
//! and nothing here allocates per row beyond the index vectors themselves.

use std::cmp::Ordering;

use super::Scope;
use crate::model::{AccountIdx, Cert, CertStatus, Collection};

/// The certificates by (account, family, id): a hash table of row numbers whose keys are
/// read from the rows themselves, so no id is stored twice.
#[derive(Default)]
pub struct CertIndex {
    table: hashbrown::HashTable<u32>,
    hasher: std::hash::RandomState,
}

impl std::fmt::Debug for CertIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CertIndex({} rows)", self.table.len())
    }
}

impl CertIndex {
    fn hash(&self, account: AccountIdx, family: Collection, id: &str) -> u64 {
        use std::hash::BuildHasher;
        self.hasher.hash_one((account, family, id))
    }

    fn hash_of(&self, c: &Cert) -> u64 {
        self.hash(c.account, c.family, &c.id)
    }

    /// The row of a certificate.
    pub fn get(
        &self,
        certs: &[Cert],
        account: AccountIdx,
        family: Collection,
        id: &str,
    ) -> Option<usize> {
        self.table
            .find(self.hash(account, family, id), |&i| {
                let c = &certs[i as usize];
                c.account == account && c.family == family && c.id == id
            })
            .map(|&i| i as usize)
    }

    /// Index row `i` (new: no other row has its key).
    pub fn insert(&mut self, certs: &[Cert], i: usize) {
        let hash = self.hash_of(&certs[i]);
        let hasher = &self.hasher;
        self.table.insert_unique(hash, i as u32, |&j| {
            use std::hash::BuildHasher;
            let c = &certs[j as usize];
            hasher.hash_one((c.account, c.family, c.id.as_str()))
        });
    }

    pub fn reserve(&mut self, certs: &[Cert], n: usize) {
        let hasher = &self.hasher;
        self.table.reserve(n, |&j| {
            use std::hash::BuildHasher;
            let c = &certs[j as usize];
            hasher.hash_one((c.account, c.family, c.id.as_str()))
        });
    }
}

/// The sort orders `s` cycles through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// Soonest expiry first; unknown expiry last.
    Expiry,
    /// Common name A→Z.
    CommonName,
    /// Pending requests first, then by status, then expiry.
    Status,
}

impl SortKey {
    pub fn next(self) -> SortKey {
        match self {
            SortKey::Expiry => SortKey::CommonName,
            SortKey::CommonName => SortKey::Status,
            SortKey::Status => SortKey::Expiry,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Expiry => "expiry",
            SortKey::CommonName => "CN",
            SortKey::Status => "status",
        }
    }
}

/// Append the lower-case text a filter matches against: CN, SANs, serial with and without
/// colons, separated by newlines.
fn write_haystack(buf: &mut Vec<u8>, c: &Cert) {
    let mut put = |s: &str| {
        // Names are nearly always ASCII: lower-cased byte by byte.
        if s.is_ascii() {
            buf.extend(
                s.bytes()
                    .filter(|&b| b != 0)
                    .map(|b| b.to_ascii_lowercase()),
            );
            return;
        }
        for ch in s.chars() {
            // No NUL inside a record (it ends one).
            if ch == '\0' {
                continue;
            }
            let mut tmp = [0u8; 4];
            for l in ch.to_lowercase() {
                buf.extend_from_slice(l.encode_utf8(&mut tmp).as_bytes());
            }
        }
    };
    put(&c.common_name);
    for san in &c.sans {
        // The CN is usually among the SANs too: once is enough to match it.
        if san.eq_ignore_ascii_case(&c.common_name) {
            continue;
        }
        put("\n");
        put(san);
    }
    if let Some(serial) = &c.serial {
        put("\n");
        put(serial);
        if serial.contains(':') {
            put("\n");
            let plain: String = serial.chars().filter(|&ch| ch != ':').collect();
            put(&plain);
        }
    }
}

fn status_rank(s: CertStatus) -> u8 {
    match s {
        CertStatus::Requested => 0,
        CertStatus::Approved => 1,
        CertStatus::Applied => 2,
        CertStatus::Issued => 3,
        CertStatus::Expired => 4,
        CertStatus::Revoked => 5,
        CertStatus::Declined => 6,
        CertStatus::Rejected => 7,
        CertStatus::Replaced => 8,
        CertStatus::Invalid => 9,
        CertStatus::Unknown => 10,
    }
}

fn by_expiry(a: &Cert, b: &Cert) -> Ordering {
    match (a.expires, b.expires) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

fn by_cn(a: &Cert, b: &Cert) -> Ordering {
    // ASCII case-insensitive without allocating.
    let x = a.common_name.bytes().map(|c| c.to_ascii_lowercase());
    let y = b.common_name.bytes().map(|c| c.to_ascii_lowercase());
    x.cmp(y)
}

/// The list order for `key`, with account and id as the last tie-breakers (so it is total
/// over distinct certificates).
fn compare(a: &Cert, b: &Cert, key: SortKey) -> Ordering {
    let primary = match key {
        SortKey::Expiry => by_expiry(a, b).then_with(|| by_cn(a, b)),
        SortKey::CommonName => by_cn(a, b).then_with(|| by_expiry(a, b)),
        SortKey::Status => status_rank(a.status)
            .cmp(&status_rank(b.status))
            .then_with(|| by_expiry(a, b)),
    };
    primary
        .then_with(|| a.account.cmp(&b.account))
        .then_with(|| a.family.cmp(&b.family))
        // Ids by length first: numeric ids in numeric order.
        .then_with(|| a.id.len().cmp(&b.id.len()))
        .then_with(|| a.id.cmp(&b.id))
}

/// A sort order over the rows: `keys` holds [`sort_key`] of every row for `key`, a dense
/// array that settles nearly every comparison without touching the rows themselves.
#[derive(Clone, Copy)]
pub struct Order<'a> {
    pub certs: &'a [Cert],
    pub keys: &'a [RowKey],
    pub key: SortKey,
}

impl Order<'_> {
    fn cmp(&self, i: u32, j: u32) -> Ordering {
        let (i, j) = (i as usize, j as usize);
        self.keys[i]
            .cmp(&self.keys[j])
            .then_with(|| compare(&self.certs[i], &self.certs[j], self.key))
    }
}

/// A row's place in one sort order, as 384 bits compared word by word: the fields of
/// [`compare`] in its order, each encoded so that the bits sort as the field does. Where a
/// field cannot be held whole (a CN longer than 28 bytes, a date beyond about 17,000 years
/// from 1970) it writes a marker that sorts after every value it can hold and the key stops
/// there: two keys that differ are in the order of their rows; two that are equal leave it
/// to the full comparison.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct RowKey([u64; 6]);

/// Builds a [`RowKey`] from the most significant bit down.
struct KeyBits {
    words: [u64; 6],
    used: u32,
    open: bool,
}

impl KeyBits {
    const BITS: u32 = 384;
    const CN_BYTES: usize = 28;

    fn new() -> KeyBits {
        KeyBits {
            words: [0; 6],
            used: 0,
            open: true,
        }
    }

    /// Append the low `bits` bits of `value` (at most 64), if the key is still open and has
    /// room; otherwise close it (both rows of a comparison that got this far close at the
    /// same place, as everything before was equal).
    fn put(&mut self, value: u64, bits: u32) {
        if !self.open || self.used + bits > Self::BITS {
            self.open = false;
            return;
        }
        if bits == 0 {
            return;
        }
        let value = if bits == 64 {
            value
        } else {
            value & ((1u64 << bits) - 1)
        };
        // The value's bits go at `used` from the top: what does not fit in this word goes
        // to the top of the next.
        let (word, at) = ((self.used / 64) as usize, self.used % 64);
        let room = 64 - at;
        if bits <= room {
            self.words[word] |= value << (room - bits);
        } else {
            let over = bits - room;
            self.words[word] |= value >> over;
            self.words[word + 1] |= value << (64 - over);
        }
        self.used += bits;
    }

    /// The expiry: undated after every date; a date out of range writes the end of the
    /// range (which no date in range uses) and ends the key.
    fn expiry(&mut self, expires: Option<i64>) {
        const RANGE: i128 = 1 << 40;
        match expires {
            None => self.put(1, 1),
            Some(t) => {
                self.put(0, 1);
                let v = t as i128 + (RANGE >> 1);
                if v < 1 {
                    self.put(0, 40);
                    self.open = false;
                } else if v >= RANGE - 1 {
                    self.put((RANGE - 1) as u64, 40);
                    self.open = false;
                } else {
                    self.put(v as u64, 40);
                }
            }
        }
    }

    /// The CN as `by_cn` orders it: each lower-case byte as 9 bits (byte + 2), then 0 for
    /// the end (a prefix sorts first), or 1 after 28 bytes when there are more, which ends
    /// the key.
    fn common_name(&mut self, cn: &str) {
        let bytes = cn.as_bytes();
        for &b in bytes.iter().take(Self::CN_BYTES) {
            self.put(b.to_ascii_lowercase() as u64 + 2, 9);
        }
        if bytes.len() > Self::CN_BYTES {
            self.put(1, 9);
            self.open = false;
        } else {
            self.put(0, 9);
        }
    }

    /// Account, family and id (by length, then text), as far as they fit; an account or an
    /// id length too large writes the largest value and ends the key.
    fn owner(&mut self, c: &Cert) {
        const ACCOUNTS: usize = u16::MAX as usize;
        self.put(c.account.min(ACCOUNTS) as u64, 16);
        if c.account >= ACCOUNTS {
            self.open = false;
        }
        self.put(c.family.order().min(7) as u64, 3);
        self.put(c.id.len().min(31) as u64, 5);
        if c.id.len() >= 31 {
            self.open = false;
        }
        for &b in c.id.as_bytes() {
            self.put(b as u64, 8);
        }
    }
}

/// The row's key for `key` (see [`RowKey`]).
pub fn sort_key(c: &Cert, key: SortKey) -> RowKey {
    let mut k = KeyBits::new();
    match key {
        SortKey::Expiry => {
            k.expiry(c.expires);
            k.common_name(&c.common_name);
        }
        SortKey::CommonName => {
            k.common_name(&c.common_name);
            k.expiry(c.expires);
        }
        SortKey::Status => {
            k.put(status_rank(c.status) as u64, 4);
            k.expiry(c.expires);
        }
    }
    k.owner(c);
    RowKey(k.words)
}

/// Sort `indices` in `order`.
pub fn sort_indices(indices: &mut [u32], order: &Order) {
    indices.sort_unstable_by(|&i, &j| order.cmp(i, j));
}

/// Merge two index lists, each sorted in `order`, into one. Each element of `b` finds its
/// place in what is left of `a` by galloping (probes 1, 2, 4, … ahead, then a binary search
/// between the last two), and the run of `a` before it is copied whole: about
/// `b·2·log(a/b)` comparisons, so a frame's rows merged into a large list cost little more
/// than copying the list once, and two lists of like size merge in about `a + b`.
pub fn merge_sorted(a: &[u32], b: &[u32], order: &Order) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let mut rest = a;
    for (n, &y) in b.iter().enumerate() {
        if rest.is_empty() {
            out.extend_from_slice(&b[n..]);
            return out;
        }
        // `rest[..lo]` are known not to sort after `y`; `rest[hi - 1]` (if it exists) does.
        let (mut lo, mut hi) = (0, 1);
        while hi <= rest.len() && order.cmp(rest[hi - 1], y) != Ordering::Greater {
            lo = hi;
            hi *= 2;
        }
        let bound = (hi - 1).min(rest.len());
        let k = lo + rest[lo..bound].partition_point(|&x| order.cmp(x, y) != Ordering::Greater);
        out.extend_from_slice(&rest[..k]);
        out.push(y);
        rest = &rest[k..];
    }
    out.extend_from_slice(rest);
    out
}

fn in_scope(c: &Cert, scope: Scope) -> bool {
    match scope {
        Scope::All => true,
        Scope::Pending => c.status.is_pending() && c.family.needs_approval(),
        Scope::View(..) => false,
        Scope::Account(a) => c.account == a,
        Scope::Collection(a, f) => c.account == a && c.family == f,
    }
}

/// How many certificates `scope` holds (deleted ones left out), whatever the filter.
pub fn count_in_scope(
    certs: &[Cert],
    scope: Scope,
    hidden: &std::collections::HashSet<usize>,
) -> usize {
    certs
        .iter()
        .enumerate()
        .filter(|(i, c)| in_scope(c, scope) && !hidden.contains(i))
        .count()
}

/// The lower-case search text of every row (CN, SANs, serial with and without colons), in
/// one buffer: records end with a NUL (which no filter text holds), so a search never spans
/// two rows, and a whole-list search is one pass of the substring searcher over contiguous
/// memory. A row whose text changes gets a new record at the end; the old one is dead until
/// the buffer is compacted.
#[derive(Debug, Default)]
pub struct Haystacks {
    buf: Vec<u8>,
    /// Per row: start and length of its live record.
    at: Vec<(u32, u32)>,
    /// Every record in buffer order: (start, row), with `DEAD` for replaced ones.
    owners: Vec<(u32, u32)>,
    dead: usize,
}

const DEAD: u32 = u32::MAX;

impl Haystacks {
    pub fn reserve(&mut self, rows: usize) {
        self.at.reserve(rows);
        self.owners.reserve(rows);
        // About what a row's text takes (CN, a SAN, a serial twice).
        self.buf.reserve(rows.saturating_mul(96));
    }

    fn append(&mut self, row: usize, c: &Cert) -> (u32, u32) {
        let start = self.buf.len();
        write_haystack(&mut self.buf, c);
        let len = self.buf.len() - start;
        self.buf.push(0);
        self.owners.push((start as u32, row as u32));
        (start as u32, len as u32)
    }

    /// The text of a new row (`row` must be the next one).
    pub fn push(&mut self, c: &Cert) {
        let row = self.at.len();
        let rec = self.append(row, c);
        self.at.push(rec);
    }

    /// Row `row`'s text changed.
    pub fn set(&mut self, row: usize, c: &Cert) {
        let Some(&(start, len)) = self.at.get(row) else {
            return;
        };
        if let Ok(k) = self.owners.binary_search_by_key(&start, |o| o.0) {
            self.owners[k].1 = DEAD;
        }
        self.dead += len as usize + 1;
        self.at[row] = self.append(row, c);
        if self.dead > 1 << 20 && self.dead > self.buf.len() / 2 {
            self.compact();
        }
    }

    /// Drop the dead records.
    fn compact(&mut self) {
        let mut buf = Vec::with_capacity(self.buf.len() - self.dead);
        let mut owners = Vec::with_capacity(self.at.len());
        for (row, at) in self.at.iter_mut().enumerate() {
            let (start, len) = (at.0 as usize, at.1 as usize);
            let new = buf.len() as u32;
            buf.extend_from_slice(&self.buf[start..start + len + 1]);
            owners.push((new, row as u32));
            at.0 = new;
        }
        self.buf = buf;
        self.owners = owners;
        self.dead = 0;
    }

    fn text(&self, row: usize) -> &[u8] {
        let (start, len) = self.at[row];
        &self.buf[start as usize..(start + len) as usize]
    }

    /// Whether row `row`'s text contains the finder's needle.
    pub fn contains(&self, row: usize, finder: &memchr::memmem::Finder) -> bool {
        finder.find(self.text(row)).is_some()
    }

    /// Per row, whether its text contains the finder's needle: one pass over the buffer,
    /// the records followed along in step; after a hit the search goes on at the next record.
    pub fn matching(&self, finder: &memchr::memmem::Finder) -> Vec<bool> {
        let mut hits = vec![false; self.at.len()];
        let needle = finder.needle();
        // One byte (the first keystroke, the densest case): memchr itself, no searcher.
        let find = |hay: &[u8]| match needle {
            [b] => memchr::memchr(*b, hay),
            _ => finder.find(hay),
        };
        let mut pos = 0usize;
        let mut k = 0usize;
        while let Some(off) = find(&self.buf[pos..]) {
            let p = pos + off;
            // The record holding `p`: the last one starting at or before it.
            while self.owners.get(k + 1).is_some_and(|o| o.0 as usize <= p) {
                k += 1;
            }
            if let Some(&(_, row)) = self.owners.get(k)
                && row != DEAD
            {
                hits[row as usize] = true;
            }
            pos = match self.owners.get(k + 1) {
                Some(next) => next.0 as usize,
                None => break,
            };
        }
        hits
    }
}

/// The subsequence of `from` that is in `scope` and contains `needle` (already lower-case) in
/// its search text. A long `from` is matched with one pass over all the text.
pub fn filter_indices(
    from: &[u32],
    certs: &[Cert],
    haystacks: &Haystacks,
    scope: Scope,
    needle: &str,
    hidden: &std::collections::HashSet<usize>,
) -> Vec<u32> {
    // Search texts hold no NUL (it ends a record), so neither does a needle.
    let needle = needle.replace('\0', "");
    let finder = memchr::memmem::Finder::new(needle.as_bytes());
    let hits =
        (!needle.is_empty() && from.len() > certs.len() / 8).then(|| haystacks.matching(&finder));
    from.iter()
        .copied()
        .filter(|&i| {
            let i = i as usize;
            if !hidden.is_empty() && hidden.contains(&i) {
                return false;
            }
            let text = match &hits {
                _ if needle.is_empty() => true,
                Some(h) => h[i],
                None => haystacks.contains(i, &finder),
            };
            text && in_scope(&certs[i], scope)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CollectionSpec;

    const LIST: Collection = Collection(&CollectionSpec {
        id: "list",
        label: "List",
        approvals: true,
        order: 0,
    });
    const SECOND: Collection = Collection(&CollectionSpec {
        id: "second",
        label: "Second",
        approvals: false,
        order: 1,
    });
    const THIRD: Collection = Collection(&CollectionSpec {
        id: "third",
        label: "Third",
        approvals: true,
        order: 2,
    });

    fn certs(n: u32) -> Vec<Cert> {
        (0..n)
            .map(|i| Cert {
                account: (i % 3) as usize,
                family: LIST,
                id: i.to_string(),
                common_name: format!("h{}.example", (i * 7) % 13),
                sans: vec![],
                serial: None,
                status: if i % 4 == 0 {
                    CertStatus::Requested
                } else {
                    CertStatus::Issued
                },
                status_text: "".into(),
                profile: None,
                expires: (i % 5 != 0).then_some(((i * 31) % 17) as i64),
                complete: true,
                sha256: None,
                origin: crate::model::Origin::Unknown,
            })
            .collect()
    }

    #[test]
    fn the_search_text_finds_rows_by_any_name_and_forgets_replaced_text() {
        let mut all = certs(5);
        all[1].common_name = "Mail.Example.COM".into();
        all[2].sans = vec!["h0.example".into(), "vpn.example.net".into()];
        all[3].serial = Some("0A:1B:FF".into());
        let mut h = Haystacks::default();
        for c in &all {
            h.push(c);
        }
        let n = all.len();
        let rows = |h: &Haystacks, needle: &str| -> Vec<usize> {
            let f = memchr::memmem::Finder::new(needle.as_bytes());
            let hits = h.matching(&f);
            let one_by_one: Vec<bool> = (0..n).map(|i| h.contains(i, &f)).collect();
            assert_eq!(hits, one_by_one, "{needle}");
            (0..n).filter(|&i| hits[i]).collect()
        };
        assert_eq!(rows(&h, "mail.example.com"), [1]);
        assert_eq!(rows(&h, "vpn.example"), [2]);
        assert_eq!(rows(&h, "0a:1b"), [3]);
        assert_eq!(rows(&h, "0a1bff"), [3], "the serial without colons");
        assert_eq!(rows(&h, "example"), [0, 1, 2, 3, 4]);
        // No match across two rows' texts.
        assert_eq!(rows(&h, "example\nh"), [2]);
        // Row 1 is renamed: its old text no longer matches, the new one does.
        all[1].common_name = "smtp.example.org".into();
        h.set(1, &all[1]);
        assert!(rows(&h, "mail.").is_empty());
        assert_eq!(rows(&h, "smtp."), [1]);
        h.compact();
        assert_eq!(h.dead, 0);
        assert!(rows(&h, "mail.").is_empty());
        assert_eq!(rows(&h, "smtp."), [1]);
        assert_eq!(rows(&h, "vpn.example"), [2]);
    }

    #[test]
    fn keys_of_rows_that_fit_settle_every_comparison_alone() {
        // Short names, dates in range, short ids: the key holds the whole row, so no two
        // rows tie and the key order is the full order.
        let mut all = certs(300);
        all[3].common_name = "Zeta-Ü.example".into();
        all[4].expires = Some(-5);
        for key in [SortKey::Expiry, SortKey::CommonName, SortKey::Status] {
            let keys: Vec<RowKey> = all.iter().map(|c| sort_key(c, key)).collect();
            for i in 0..all.len() {
                for j in 0..all.len() {
                    assert_eq!(
                        keys[i].cmp(&keys[j]),
                        compare(&all[i], &all[j], key),
                        "{key:?} rows {i} and {j}"
                    );
                }
            }
        }
    }

    #[test]
    fn merging_gives_the_full_sort_for_small_and_large_batches() {
        let mut all = certs(400);
        // Names alike in their first sixteen bytes, so the coarse keys tie and the full
        // comparison decides.
        for (i, c) in all.iter_mut().enumerate().step_by(3) {
            c.common_name = format!("same-prefix-0123{}.example", (i * 11) % 7);
        }
        // A CN of exactly 28 bytes (all the key holds) and longer ones that share it; a NUL;
        // a long id; other families.
        all[5].common_name = "abcdefghijklmnopqrstuvwxyz01".into();
        all[6].common_name = "abcdefghijklmnopqrstuvwxyz012".into();
        all[9].common_name = "ABCDEFGHIJKLMNOPQRSTUVWXYZ01a".into();
        all[8].common_name = "abc\0def".into();
        all[4].common_name = "abc".into();
        all[7].id = "x".repeat(40);
        all[1].family = THIRD;
        all[2].family = SECOND;
        for (n, c) in all.iter_mut().skip(50).step_by(9).enumerate() {
            c.common_name = if n % 2 == 0 {
                "abcdefghijklmnopqrstuvwxyz01".into()
            } else {
                "abcdefghijklmnopqrstuvwxyz01-long".into()
            };
        }
        // Dates at and beyond the ends of what the keys hold.
        for (i, t) in [
            i64::MAX,
            i64::MIN,
            1 << 40,
            -(1 << 40),
            (1 << 39) - 2,
            -(1 << 39) + 1,
        ]
        .into_iter()
        .enumerate()
        {
            all[10 + i * 7].expires = Some(t);
            all[11 + i * 7].expires = Some(t);
        }
        for key in [SortKey::Expiry, SortKey::CommonName, SortKey::Status] {
            let keys: Vec<RowKey> = all.iter().map(|c| sort_key(c, key)).collect();
            let order = Order {
                certs: &all,
                keys: &keys,
                key,
            };
            // The keys agree with the full comparison wherever they differ.
            for i in 0..all.len() {
                for j in 0..all.len() {
                    if keys[i] != keys[j] {
                        assert_eq!(keys[i].cmp(&keys[j]), compare(&all[i], &all[j], key));
                    }
                }
            }
            let mut want: Vec<u32> = (0..400).collect();
            want.sort_by(|&i, &j| compare(&all[i as usize], &all[j as usize], key));
            let mut sorted: Vec<u32> = (0..400).collect();
            sort_indices(&mut sorted, &order);
            assert_eq!(sorted, want, "{key:?}");
            // Batches of every size, from one row (binary search) to most (linear merge).
            for split in [1usize, 2, 7, 40, 200, 399] {
                let mut a: Vec<u32> = (0..400)
                    .filter(|i| (i * 13) % 400 >= split as u32)
                    .collect();
                let mut b: Vec<u32> = (0..400).filter(|i| (i * 13) % 400 < split as u32).collect();
                sort_indices(&mut a, &order);
                sort_indices(&mut b, &order);
                assert_eq!(merge_sorted(&a, &b, &order), want, "{key:?}, {split}");
                assert_eq!(merge_sorted(&b, &a, &order), want, "{key:?}, {split}");
            }
        }
    }
}
