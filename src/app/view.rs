//! Sorting and filtering of the certificate list by index vectors: the certificates never move,
//! and nothing here allocates per row beyond the index vectors themselves.

use std::cmp::Ordering;

use super::Scope;
use crate::model::{AccountIdx, Cert, CertStatus, Family};

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
    fn hash(&self, account: AccountIdx, family: Family, id: &str) -> u64 {
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
        family: Family,
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

/// The lower-case text a filter matches against: CN, SANs, serial with and without colons.
pub fn haystack(c: &Cert) -> String {
    let mut s = String::with_capacity(c.common_name.len() + 32);
    s.push_str(&c.common_name.to_lowercase());
    for san in &c.sans {
        // The CN is usually among the SANs too: once is enough to match it.
        if san.eq_ignore_ascii_case(&c.common_name) {
            continue;
        }
        s.push('\n');
        s.push_str(&san.to_lowercase());
    }
    if let Some(serial) = &c.serial {
        let lower = serial.to_lowercase();
        s.push('\n');
        s.push_str(&lower);
        if lower.contains(':') {
            s.push('\n');
            s.extend(lower.chars().filter(|&ch| ch != ':'));
        }
    }
    s
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
        .then_with(|| a.id.cmp(&b.id))
}

/// Sort `indices` by `key`.
pub fn sort_indices(indices: &mut [u32], certs: &[Cert], key: SortKey) {
    indices.sort_unstable_by(|&i, &j| compare(&certs[i as usize], &certs[j as usize], key));
}

/// Merge two index lists, each sorted by `key`, into one. A small `b` (the rows of a frame)
/// is placed by binary search, copying the runs of `a` between its places whole: about
/// `b·log a` comparisons instead of `a + b`, so a frame during a large load costs little
/// more than copying the list once.
pub fn merge_sorted(a: &[u32], b: &[u32], certs: &[Cert], key: SortKey) -> Vec<u32> {
    if b.is_empty() {
        return a.to_vec();
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let log_a = (usize::BITS - a.len().leading_zeros()) as usize;
    if b.len().saturating_mul(log_a) < a.len() {
        let mut rest = a;
        for &y in b {
            let cy = &certs[y as usize];
            let k = rest
                .partition_point(|&x| compare(&certs[x as usize], cy, key) != Ordering::Greater);
            out.extend_from_slice(&rest[..k]);
            out.push(y);
            rest = &rest[k..];
        }
        out.extend_from_slice(rest);
        return out;
    }
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        if compare(&certs[x as usize], &certs[y as usize], key) == Ordering::Greater {
            out.push(y);
            j += 1;
        } else {
            out.push(x);
            i += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

fn in_scope(c: &Cert, scope: Scope) -> bool {
    match scope {
        Scope::All => true,
        Scope::Pending => c.status.is_pending() && c.family.needs_approval(),
        Scope::Domains(_) | Scope::Dcv(_) | Scope::Orgs(_) => false,
        Scope::Account(a) => c.account == a,
        Scope::Family(a, f) => c.account == a && c.family == f,
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

/// The subsequence of `from` that is in `scope` and contains `needle` (already lower-case) in
/// its haystack.
pub fn filter_indices(
    from: &[u32],
    certs: &[Cert],
    haystacks: &[String],
    scope: Scope,
    needle: &str,
    hidden: &std::collections::HashSet<usize>,
) -> Vec<u32> {
    let finder = memchr::memmem::Finder::new(needle.as_bytes());
    from.iter()
        .copied()
        .filter(|&i| {
            let i = i as usize;
            let c = &certs[i];
            if !hidden.is_empty() && hidden.contains(&i) {
                return false;
            }
            in_scope(c, scope)
                && (needle.is_empty() || finder.find(haystacks[i].as_bytes()).is_some())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Family;

    fn certs(n: u32) -> Vec<Cert> {
        (0..n)
            .map(|i| Cert {
                account: (i % 3) as usize,
                family: Family::Ssl,
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
            })
            .collect()
    }

    #[test]
    fn merging_gives_the_full_sort_for_small_and_large_batches() {
        let all = certs(400);
        for key in [SortKey::Expiry, SortKey::CommonName, SortKey::Status] {
            let mut want: Vec<u32> = (0..400).collect();
            sort_indices(&mut want, &all, key);
            // Batches of every size, from one row (binary search) to most (linear merge).
            for split in [1usize, 2, 7, 40, 200, 399] {
                let mut a: Vec<u32> = (0..400)
                    .filter(|i| (i * 13) % 400 >= split as u32)
                    .collect();
                let mut b: Vec<u32> = (0..400).filter(|i| (i * 13) % 400 < split as u32).collect();
                sort_indices(&mut a, &all, key);
                sort_indices(&mut b, &all, key);
                assert_eq!(merge_sorted(&a, &b, &all, key), want, "{key:?}, {split}");
                assert_eq!(merge_sorted(&b, &a, &all, key), want, "{key:?}, {split}");
            }
        }
    }
}
