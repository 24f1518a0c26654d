//! Sorting and filtering of the certificate list by index vectors: the certificates never move,
//! and nothing here allocates per row beyond the index vectors themselves.

use std::cmp::Ordering;

use super::Scope;
use crate::model::{Cert, CertStatus};

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

/// Merge two index lists, each sorted by `key`, into one: one pass over both.
pub fn merge_sorted(a: &[u32], b: &[u32], certs: &[Cert], key: SortKey) -> Vec<u32> {
    if b.is_empty() {
        return a.to_vec();
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
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
