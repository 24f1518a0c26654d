//! The provider-neutral model: what the app and the UI know about certificates and accounts.
//! Provider wire types never leave `provider::<name>`; they are mapped into these.

pub mod spec;

use std::fmt;

use serde::{Deserialize, Serialize};

/// Index of an account in `Config::accounts` (and in `app::State::accounts`).
pub type AccountIdx = usize;

/// The kinds of provider (declared by the registry, the one place that knows them).
pub use crate::provider::registry::ProviderKind;

/// How a provider declares one collection of certificates of an account: SCM's SSL, client
/// and device certificates, an IIS store, DSM's one list. Declarations are static (or, for
/// collections found at run time, made once per account and kept).
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct CollectionSpec {
    /// Stable id: audited ("ssl"), and the provider's own key for it.
    pub id: &'static str,
    /// The tree's label ("SSL").
    pub label: &'static str,
    /// Whether its requests wait for an approver (the pending view gathers them).
    pub approvals: bool,
    /// Where it sorts among the account's collections.
    pub order: u8,
}

/// One collection of an account: its declaration, so it is as cheap to copy and compare as a
/// number, names itself, and can be matched against a provider's constants.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Collection(pub &'static CollectionSpec);

impl Collection {
    pub fn id(self) -> &'static str {
        self.0.id
    }

    pub fn label(self) -> &'static str {
        self.0.label
    }

    /// Whether requests in it wait for an admin's approval.
    pub fn needs_approval(self) -> bool {
        self.0.approvals
    }

    /// Its place among the account's collections (for sorting).
    pub fn order(self) -> u8 {
        self.0.order
    }
}

impl fmt::Debug for Collection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Collection({})", self.0.id)
    }
}

impl PartialOrd for Collection {
    fn partial_cmp(&self, other: &Collection) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Collection {
    fn cmp(&self, other: &Collection) -> std::cmp::Ordering {
        (self.0.order, self.0.id).cmp(&(other.0.order, other.0.id))
    }
}

/// Normalised certificate status. The provider's own spelling is kept in `Cert::status_text`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CertStatus {
    Requested,
    Approved,
    Applied,
    Issued,
    Declined,
    Revoked,
    Expired,
    Replaced,
    Rejected,
    Invalid,
    /// Not known yet (details still loading) or a spelling we do not recognise.
    Unknown,
}

impl CertStatus {
    /// Parse any provider spelling ("Issued", "issued", "ISSUED", "SA Approved", "pre_revoked" …).
    pub fn parse(s: &str) -> CertStatus {
        let norm: String = s
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        match norm.as_str() {
            "requested" | "awaitingapproval" | "created" | "init" | "blank" => {
                CertStatus::Requested
            }
            "approved" | "saapproved" => CertStatus::Approved,
            "applied" => CertStatus::Applied,
            "issued" | "downloaded" | "valid" | "active" => CertStatus::Issued,
            "declined" => CertStatus::Declined,
            "revoked" | "prerevoked" => CertStatus::Revoked,
            "expired" => CertStatus::Expired,
            "replaced" => CertStatus::Replaced,
            "rejected" => CertStatus::Rejected,
            "invalid" => CertStatus::Invalid,
            _ => CertStatus::Unknown,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CertStatus::Requested => "Requested",
            CertStatus::Approved => "Approved",
            CertStatus::Applied => "Applied",
            CertStatus::Issued => "Issued",
            CertStatus::Declined => "Declined",
            CertStatus::Revoked => "Revoked",
            CertStatus::Expired => "Expired",
            CertStatus::Replaced => "Replaced",
            CertStatus::Rejected => "Rejected",
            CertStatus::Invalid => "Invalid",
            CertStatus::Unknown => "?",
        }
    }

    /// Requests that wait for an approver.
    pub fn is_pending(self) -> bool {
        matches!(self, CertStatus::Requested)
    }
}

/// Text that many rows repeat (a status spelling, a profile name): shared, so 100,000 rows
/// hold one copy of "Issued", not 100,000.
pub type SharedText = std::sync::Arc<str>;

/// How many distinct values [`shared`] keeps for reuse (a server that sends a new spelling
/// on every row gets plain copies beyond this).
const SHARED_POOL_MAX: usize = 4096;

/// The shared copy of `s`.
pub fn shared(s: &str) -> SharedText {
    use std::collections::HashSet;
    use std::sync::{LazyLock, Mutex};
    static POOL: LazyLock<Mutex<HashSet<SharedText>>> = LazyLock::new(Default::default);
    let Ok(mut pool) = POOL.lock() else {
        return SharedText::from(s);
    };
    if let Some(t) = pool.get(s) {
        return t.clone();
    }
    let t = SharedText::from(s);
    if pool.len() < SHARED_POOL_MAX {
        pool.insert(t.clone());
    }
    t
}

/// How a certificate came to be in the account, as far as the provider says: some actions
/// depend on it (SCM deletes only imported or discovered certificates; NAVER Cloud tells
/// external ones from those it issued).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Origin {
    /// Not said (yet): actions that depend on it are left to the server.
    #[default]
    Unknown,
    /// Requested from the provider's CA (enrolled, through any channel).
    Requested,
    /// Imported from elsewhere.
    Imported,
    /// Found by a scan of servers.
    Discovered,
}

/// One certificate as the list shows it. Kept small: 100,000 of these must fit and sort fast.
#[derive(Debug, Clone, PartialEq)]
pub struct Cert {
    pub account: AccountIdx,
    /// The collection it is in (SCM: its family).
    pub family: Collection,
    /// The provider's id (Sectigo `sslId`, `id`, `deviceCertId` …) as text.
    pub id: String,
    pub common_name: String,
    pub sans: Vec<String>,
    pub serial: Option<String>,
    pub status: CertStatus,
    /// The provider's own spelling of the status, shown in the detail pane.
    pub status_text: SharedText,
    /// Certificate profile / type name.
    pub profile: Option<SharedText>,
    /// Expiry as Unix seconds (UTC); `None` while unknown or for requests not issued.
    pub expires: Option<i64>,
    /// Whether the summary fields (status, expiry, profile) have been filled from a detail
    /// request or a report; list pages alone carry only id, CN, SANs and serial.
    pub complete: bool,
    /// SHA-256 of the certificate (DER), once its body has been seen: what "installed on"
    /// matches across accounts. Boxed: most rows of a large list never carry one.
    pub sha256: Option<Box<[u8; 32]>>,
    pub origin: Origin,
}

impl Cert {
    /// Take from `earlier` (a row of the same certificate delivered before) what this later
    /// row leaves out: the common name, SANs, serial and profile when this one has none (a
    /// report carries no SANs, an S/MIME list no profile), and, when `earlier` was a bare
    /// list row, its expiry and status if this one does not know them. See
    /// [`crate::provider::ListUpdate`].
    pub fn keep_from(&mut self, earlier: &Cert) {
        if self.common_name.is_empty() {
            self.common_name.clone_from(&earlier.common_name);
        }
        if self.sans.is_empty() {
            self.sans.clone_from(&earlier.sans);
        }
        if self.serial.is_none() {
            self.serial.clone_from(&earlier.serial);
        }
        // The fingerprint stays while the certificate does (a new serial is a new one).
        if self.sha256.is_none() && self.serial == earlier.serial {
            self.sha256.clone_from(&earlier.sha256);
        }
        if self.profile.is_none() {
            self.profile.clone_from(&earlier.profile);
        }
        if self.origin == Origin::Unknown {
            self.origin = earlier.origin;
        }
        if !earlier.complete {
            if self.expires.is_none() {
                self.expires = earlier.expires;
            }
            if self.status == CertStatus::Unknown && earlier.status != CertStatus::Unknown {
                self.status = earlier.status;
                self.status_text.clone_from(&earlier.status_text);
            }
        }
    }

    /// A fingerprint in the hex the X.509 view prints, as bytes.
    pub fn sha256_from_hex(hex_text: &str) -> Option<Box<[u8; 32]>> {
        let bytes = hex::decode(hex_text.trim()).ok()?;
        let arr: [u8; 32] = bytes.try_into().ok()?;
        Some(Box::new(arr))
    }

    /// Whole days from `now` (Unix seconds) until expiry; negative once expired.
    pub fn days_left(&self, now: i64) -> Option<i64> {
        self.expires.map(|e| (e - now).div_euclid(86_400))
    }
}

/// Everything the detail pane shows for one certificate.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CertDetail {
    /// Provider fields in display order (label, value): id, status, profile, term, requester …
    pub fields: Vec<(String, String)>,
    /// Custom fields (name, value).
    pub custom_fields: Vec<(String, String)>,
    /// The certificate body as PEM, when the provider had it (issued certificates).
    pub body_pem: Option<String>,
    /// Why there is no body, e.g. "not issued yet (code -183: Certificate is not collectable.)".
    pub body_note: Option<String>,
}

/// What one account can do; the UI offers only these.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Capabilities {
    pub list: bool,
    pub detail: bool,
    pub collect: bool,
    pub enroll: bool,
    pub approve: bool,
    pub decline: bool,
    pub revoke: bool,
    pub renew: bool,
    pub replace: bool,
    pub delete: bool,
    pub import: bool,
}

impl Capabilities {
    pub fn read_only() -> Capabilities {
        Capabilities {
            list: true,
            detail: true,
            collect: true,
            ..Capabilities::default()
        }
    }
}

/// Kinds of action, used by the one read-only gate (`is_mutating`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActionKind {
    List,
    Detail,
    Collect,
    Enroll,
    Approve,
    Decline,
    Revoke,
    Renew,
    Replace,
    Delete,
    Import,
}

impl ActionKind {
    pub fn is_mutating(self) -> bool {
        !matches!(
            self,
            ActionKind::List | ActionKind::Detail | ActionKind::Collect
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static LIST: CollectionSpec = CollectionSpec {
        id: "list",
        label: "List",
        approvals: false,
        order: 0,
    };

    #[test]
    fn status_spellings_of_every_family_parse() {
        assert_eq!(CertStatus::parse("Issued"), CertStatus::Issued);
        assert_eq!(CertStatus::parse("issued"), CertStatus::Issued);
        assert_eq!(CertStatus::parse("ISSUED"), CertStatus::Issued);
        assert_eq!(CertStatus::parse("SA Approved"), CertStatus::Approved);
        assert_eq!(CertStatus::parse("SAApproved"), CertStatus::Approved);
        assert_eq!(CertStatus::parse("pre_revoked"), CertStatus::Revoked);
        assert_eq!(
            CertStatus::parse("AWAITING_APPROVAL"),
            CertStatus::Requested
        );
        assert_eq!(CertStatus::parse("weird"), CertStatus::Unknown);
    }

    #[test]
    fn days_left_rounds_towards_past() {
        let c = Cert {
            account: 0,
            family: Collection(&LIST),
            id: "1".into(),
            common_name: "a".into(),
            sans: vec![],
            serial: None,
            status: CertStatus::Issued,
            status_text: "Issued".into(),
            profile: None,
            expires: Some(86_400 * 10),
            complete: true,
            sha256: None,
            origin: crate::model::Origin::Unknown,
        };
        assert_eq!(c.days_left(0), Some(10));
        assert_eq!(c.days_left(86_400 * 10 + 1), Some(-1));
    }

    #[test]
    fn a_later_row_keeps_what_it_leaves_out() {
        let page = Cert {
            account: 0,
            family: Collection(&LIST),
            id: "5".into(),
            common_name: "a.example".into(),
            sans: vec!["a.example".into()],
            serial: Some("01".into()),
            status: CertStatus::Unknown,
            status_text: "".into(),
            profile: None,
            expires: Some(99),
            complete: false,
            sha256: None,
            origin: crate::model::Origin::Unknown,
        };
        let mut report = Cert {
            common_name: String::new(),
            sans: vec![],
            serial: None,
            status: CertStatus::Issued,
            status_text: "Issued".into(),
            profile: Some("OV SSL".into()),
            expires: None,
            complete: true,
            sha256: None,
            origin: crate::model::Origin::Unknown,
            ..page.clone()
        };
        report.keep_from(&page);
        assert_eq!(report.common_name, "a.example");
        assert_eq!(report.sans, vec!["a.example".to_string()]);
        assert_eq!(report.serial.as_deref(), Some("01"));
        assert_eq!(report.status, CertStatus::Issued);
        assert_eq!(report.expires, Some(99), "the bare row's expiry stays");
        assert!(report.complete);
        // What a later row does bring wins; a completed row's expiry is not carried over.
        let mut later = Cert {
            common_name: "b.example".into(),
            serial: Some("02".into()),
            status: CertStatus::Revoked,
            status_text: "Revoked".into(),
            expires: None,
            ..report.clone()
        };
        later.keep_from(&report);
        assert_eq!(later.common_name, "b.example");
        assert_eq!(later.serial.as_deref(), Some("02"));
        assert_eq!(later.status, CertStatus::Revoked);
        assert_eq!(later.expires, None);
        assert_eq!(later.profile.as_deref(), Some("OV SSL"));
    }

    #[test]
    fn the_fingerprint_stays_with_the_certificate_not_with_the_id() {
        let hex = "ab".repeat(32);
        let seen = Cert {
            account: 0,
            family: Collection(&LIST),
            id: "5".into(),
            common_name: "a.example".into(),
            sans: vec![],
            serial: Some("01".into()),
            status: CertStatus::Issued,
            status_text: "Issued".into(),
            profile: None,
            expires: Some(99),
            complete: true,
            sha256: Cert::sha256_from_hex(&hex),
            origin: crate::model::Origin::Unknown,
        };
        assert_eq!(seen.sha256.as_deref(), Some(&[0xab; 32]));
        assert!(Cert::sha256_from_hex("abcd").is_none());
        let mut row = Cert {
            sha256: None,
            origin: crate::model::Origin::Unknown,
            ..seen.clone()
        };
        row.keep_from(&seen);
        assert_eq!(row.sha256, seen.sha256, "a list row keeps it");
        // Re-issued under the same id (a replace): another serial, so another certificate.
        let mut reissued = Cert {
            serial: Some("02".into()),
            sha256: None,
            origin: crate::model::Origin::Unknown,
            ..seen.clone()
        };
        reissued.keep_from(&seen);
        assert_eq!(reissued.sha256, None);
    }

    #[test]
    fn only_reads_are_not_mutating() {
        assert!(!ActionKind::Collect.is_mutating());
        assert!(ActionKind::Revoke.is_mutating());
        assert!(ActionKind::Approve.is_mutating());
    }
}
