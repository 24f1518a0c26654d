//! The SCM emulator's data: organisations, profiles, custom fields and certificates, seeded
//! deterministically from `SectigoOptions::seed`: every row is drawn from the seeded RNG in one
//! thread, and the certificates and CSRs the rows need are signed on every core meanwhile
//! (`Db::seed_with`), so the data does not depend on the threads.

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, mpsc};

use anyhow::{Context, anyhow, bail};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rcgen::{KeyPair, PKCS_ECDSA_P256_SHA256, PKCS_ECDSA_P384_SHA384};

use super::table::{IdTable, Keyed};
use crate::emulator::ca::{
    self, DemoCa, IssuedCert, KeyType, LeafKey, LeafKind, LeafRequest, SubjectOrg,
};

mod domains;
mod seed;

pub(crate) use self::domains::{Dcv, DcvStatus, Delegation, Domain, seed_domains};
pub(crate) use self::seed::family_counts;

pub(crate) const DAY: i64 = 86_400;

/// An organisation (with departments) and the domain its certificates use.
#[derive(Debug, Clone)]
pub(crate) struct Org {
    pub id: i64,
    pub name: &'static str,
    pub domain: &'static str,
    pub address1: &'static str,
    pub city: &'static str,
    pub state: &'static str,
    pub postal: &'static str,
    pub country: &'static str,
    pub departments: Vec<(i64, &'static str)>,
}

pub(crate) fn orgs() -> Vec<Org> {
    vec![
        Org {
            id: 1101,
            name: "Acme Logistics GmbH",
            domain: "acme-logistics.example",
            address1: "Speicherstadt 12",
            city: "Hamburg",
            state: "Hamburg",
            postal: "20457",
            country: "DE",
            departments: vec![(1111, "IT Operations"), (1112, "Web Team")],
        },
        Org {
            id: 1201,
            name: "Bluefin Bank Ltd",
            domain: "bluefin-bank.example",
            address1: "1 Harbour Exchange Square",
            city: "London",
            state: "England",
            postal: "E14 9GE",
            country: "GB",
            departments: vec![(1211, "Digital Channels"), (1212, "Security")],
        },
        Org {
            id: 1301,
            name: "Kestrel Health Inc.",
            domain: "kestrel-health.example",
            address1: "200 Longwood Avenue",
            city: "Boston",
            state: "Massachusetts",
            postal: "02115",
            country: "US",
            departments: vec![(1311, "Clinical Systems")],
        },
        Org {
            id: 1401,
            name: "Orchard University",
            domain: "orchard-univ.example",
            address1: "2 Daehak-ro",
            city: "Busan",
            state: "Busan",
            postal: "46241",
            country: "KR",
            departments: vec![(1411, "Computing Services"), (1412, "Library")],
        },
        Org {
            id: 1501,
            name: "Hanbit Telecom Co., Ltd.",
            domain: "hanbit-telecom.example",
            address1: "55 Sejong-daero",
            city: "Seoul",
            state: "Seoul",
            postal: "04513",
            country: "KR",
            departments: vec![(1511, "Network Engineering")],
        },
    ]
}

/// What names a profile allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProfileShape {
    Single,
    MultiDomain,
    Wildcard,
}

/// An SSL certificate profile (`/types`, `certType` in details).
#[derive(Debug, Clone)]
pub(crate) struct Profile {
    pub id: i64,
    pub name: &'static str,
    pub description: &'static str,
    pub terms: Vec<i64>,
    pub validation_type: &'static str,
    pub shape: ProfileShape,
    pub ev: bool,
}

impl Profile {
    pub(crate) fn key_types_json() -> serde_json::Value {
        serde_json::json!({"RSA": ["2048", "3072", "4096"], "EC": ["P-256", "P-384"]})
    }

    pub(crate) fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "terms": self.terms,
            "keyTypes": Profile::key_types_json(),
            "useSecondaryOrgName": false,
        })
    }
}

pub(crate) fn ssl_profiles() -> Vec<Profile> {
    vec![
        Profile {
            id: 5101,
            name: "OV SSL",
            description: "Sectigo OV SSL certificate (single name)",
            terms: vec![365, 730],
            validation_type: "Organization Validation (OV)",
            shape: ProfileShape::Single,
            ev: false,
        },
        Profile {
            id: 5102,
            name: "OV Multi-Domain",
            description: "Sectigo OV Multi-Domain (UCC) certificate",
            terms: vec![365],
            validation_type: "Organization Validation (OV)",
            shape: ProfileShape::MultiDomain,
            ev: false,
        },
        Profile {
            id: 5103,
            name: "Wildcard SSL",
            description: "Sectigo OV Wildcard SSL certificate",
            terms: vec![365],
            validation_type: "Organization Validation (OV)",
            shape: ProfileShape::Wildcard,
            ev: false,
        },
        Profile {
            id: 5104,
            name: "EV SSL",
            description: "Sectigo EV SSL certificate",
            terms: vec![365],
            validation_type: "Extended Validation (EV)",
            shape: ProfileShape::Single,
            ev: true,
        },
        Profile {
            id: 5105,
            name: "EV Multi-Domain",
            description: "Sectigo EV Multi-Domain certificate",
            terms: vec![365],
            validation_type: "Extended Validation (EV)",
            shape: ProfileShape::MultiDomain,
            ev: true,
        },
    ]
}

/// A custom field definition (`/customFields`).
#[derive(Debug, Clone)]
pub(crate) struct CustomFieldDef {
    pub id: i64,
    pub name: &'static str,
    pub mandatory: bool,
}

pub(crate) fn ssl_custom_fields() -> Vec<CustomFieldDef> {
    vec![
        CustomFieldDef {
            id: 354,
            name: "Cost Center",
            mandatory: true,
        },
        CustomFieldDef {
            id: 355,
            name: "Application",
            mandatory: false,
        },
        CustomFieldDef {
            id: 356,
            name: "Change Ticket",
            mandatory: false,
        },
    ]
}

/// SSL statuses (§2.1). `Replaced` and `Rejected` complete the vocabulary (filters, update
/// rules) although no emulator flow produces them.
#[allow(dead_code)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SslStatus {
    Invalid,
    Requested,
    Approved,
    Declined,
    Applied,
    Issued,
    Revoked,
    Expired,
    Replaced,
    Rejected,
}

impl SslStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SslStatus::Invalid => "Invalid",
            SslStatus::Requested => "Requested",
            SslStatus::Approved => "Approved",
            SslStatus::Declined => "Declined",
            SslStatus::Applied => "Applied",
            SslStatus::Issued => "Issued",
            SslStatus::Revoked => "Revoked",
            SslStatus::Expired => "Expired",
            SslStatus::Replaced => "Replaced",
            SslStatus::Rejected => "Rejected",
        }
    }

    /// Whether a certificate exists for this status.
    pub(crate) fn has_certificate(self) -> bool {
        matches!(
            self,
            SslStatus::Issued | SslStatus::Revoked | SslStatus::Expired | SslStatus::Replaced
        )
    }
}

/// A CSR and its hashes (of the DER).
#[derive(Debug, Clone)]
pub(crate) struct CsrData {
    /// The CSR as the requester sent it; None for seeded requests (PEM made from `der`).
    text: Option<Box<str>>,
    pub der: Box<[u8]>,
    pub md5: [u8; 16],
    pub sha1: [u8; 20],
    pub sha256: [u8; 32],
}

impl CsrData {
    /// A requester's CSR: checked (signature, names, key) and kept as sent.
    pub(crate) fn from_pem(pem: &str) -> anyhow::Result<(CsrData, ca::CsrInfo)> {
        let info = ca::parse_csr_pem(pem)?;
        Ok((
            CsrData {
                text: Some(pem.into()),
                der: info.der.as_slice().into(),
                md5: info.md5,
                sha1: info.sha1,
                sha256: info.sha256,
            },
            info,
        ))
    }

    /// A CSR the emulator made itself for a seeded request (not parsed again).
    pub(crate) fn seeded(der: Vec<u8>) -> CsrData {
        use md5::Md5;
        use sha1::Sha1;
        use sha2::{Digest, Sha256};
        CsrData {
            text: None,
            md5: Md5::digest(&der).into(),
            sha1: Sha1::digest(&der).into(),
            sha256: Sha256::digest(&der).into(),
            der: der.into_boxed_slice(),
        }
    }

    /// The CSR, PEM (as sent, for a requester's CSR).
    pub(crate) fn pem(&self) -> Cow<'_, str> {
        match &self.text {
            Some(t) => Cow::Borrowed(t),
            None => Cow::Owned(ca::pem_encode("CERTIFICATE REQUEST", &self.der)),
        }
    }

    pub(crate) fn md5_hex(&self) -> String {
        hex::encode_upper(self.md5)
    }

    pub(crate) fn sha1_hex(&self) -> String {
        hex::encode_upper(self.sha1)
    }

    pub(crate) fn sha256_hex(&self) -> String {
        hex::encode_upper(self.sha256)
    }
}

/// One SSL certificate (or request).
#[derive(Debug, Clone)]
pub(crate) struct SslCert {
    pub id: i64,
    pub common_name: String,
    pub sans: Vec<String>,
    pub status: SslStatus,
    pub org_id: i64,
    pub profile_id: i64,
    pub term: i64,
    pub order_number: i64,
    pub backend_cert_id: String,
    /// Approver (display name, admin id).
    pub owner: Option<(String, i64)>,
    pub requester: String,
    pub requester_id: Option<i64>,
    /// Display form, e.g. "Enrollment Form".
    pub requested_via: &'static str,
    pub external_requester: Option<String>,
    pub comments: Option<String>,
    pub requested: i64,
    pub approved: Option<i64>,
    pub issued: Option<i64>,
    pub declined: Option<i64>,
    pub expires: Option<i64>,
    pub revoked: Option<i64>,
    pub replaced: Option<i64>,
    pub reason_code: Option<i64>,
    pub renewed: bool,
    pub renewed_date: Option<i64>,
    pub key_type: KeyType,
    pub custom_fields: Vec<(String, String)>,
    pub cert: Option<IssuedCert>,
    pub csr: Option<CsrData>,
    pub renew_id: String,
    pub suspend_notifications: bool,
    /// `autoRenewDetails`: state and days before expiration.
    pub auto_renew: (&'static str, Option<i64>),
    pub dcv_mode: Option<String>,
    pub dcv_email: Option<String>,
    /// Pool key of seeded rows (renewals reuse it, like "renew with the existing key").
    pub key_index: Option<usize>,
    /// When the CA started processing an approval (Approved → Applied → Issued).
    pub pending_since: Option<std::time::Instant>,
    /// Last DCV check (per-certificate DCV log).
    pub dcv_last_check: Option<i64>,
}

impl SslCert {
    /// The serial as SCM shows it (colon-separated hex), once there is a certificate.
    pub(crate) fn serial(&self) -> Option<String> {
        self.cert.as_ref().map(IssuedCert::serial_colon_hex)
    }
}

impl Keyed for SslCert {
    fn key(&self) -> i64 {
        self.id
    }
}

/// A pool of reusable key pairs for seeded leaves (generation stays fast).
#[derive(Default)]
pub(crate) struct KeyPool {
    keys: Vec<KeyPair>,
}

impl KeyPool {
    pub(crate) fn new() -> anyhow::Result<KeyPool> {
        let mut keys = Vec::new();
        for _ in 0..6 {
            keys.push(KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).context("leaf key pool")?);
        }
        for _ in 0..2 {
            keys.push(KeyPair::generate_for(&PKCS_ECDSA_P384_SHA384).context("leaf key pool")?);
        }
        Ok(KeyPool { keys })
    }

    /// Index of a random pool key (P-256 four times as often as P-384).
    pub(crate) fn pick(&self, rng: &mut StdRng) -> usize {
        if rng.random_bool(0.8) {
            rng.random_range(0..6)
        } else {
            rng.random_range(6..self.keys.len())
        }
    }

    pub(crate) fn get(&self, idx: usize) -> &KeyPair {
        &self.keys[idx % self.keys.len()]
    }
}

/// What the CA signs for one seeded row: a certificate, or the CSR of a request not issued.
pub(crate) enum SeedJob {
    Leaf {
        req: LeafRequest,
        key: usize,
    },
    Csr {
        cn: String,
        sans: Vec<String>,
        key: usize,
    },
}

/// The result of a `SeedJob`.
pub(crate) enum Signed {
    Leaf(IssuedCert),
    Csr(CsrData, KeyType),
}

/// Rows signed per chunk handed to a signing thread.
const SIGN_CHUNK: usize = 256;

/// Signs one seeded row's certificate or CSR.
fn sign_one(ca: &DemoCa, keys: &KeyPool, job: &SeedJob) -> anyhow::Result<Signed> {
    Ok(match job {
        SeedJob::Leaf { req, key } => {
            Signed::Leaf(ca.issue_leaf(req, LeafKey::KeyPair(keys.get(*key)))?)
        }
        SeedJob::Csr { cn, sans, key } => {
            let kp = keys.get(*key);
            let der = ca::make_csr_der(kp, cn, sans)?;
            Signed::Csr(CsrData::seeded(der), ca::key_type_of_alg(kp.algorithm()))
        }
    })
}

/// Collects seeded jobs into chunks for the signing threads, numbering them in row order.
pub(crate) struct JobSink {
    tx: Option<mpsc::Sender<(usize, Vec<SeedJob>)>>,
    buf: Vec<SeedJob>,
    /// Row number of `buf[0]`.
    next: usize,
}

impl JobSink {
    pub(crate) fn push(&mut self, job: SeedJob) {
        self.buf.push(job);
        if self.buf.len() >= SIGN_CHUNK {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(SIGN_CHUNK));
        let n = chunk.len();
        if let Some(tx) = &self.tx {
            // A send fails only when every signing thread has stopped on an error, which the
            // seeding reports.
            let _ = tx.send((self.next, chunk));
        }
        self.next += n;
    }

    /// Sends the last chunk and closes the queue (the signing threads stop when it is empty).
    fn finish(&mut self) {
        self.flush();
        self.tx = None;
    }
}

/// All emulator state.
pub(crate) struct Db {
    pub orgs: Vec<Org>,
    pub profiles: Vec<Profile>,
    pub custom_fields: Vec<CustomFieldDef>,
    pub ssl: IdTable<SslCert>,
    pub next_ssl_id: i64,
    pub next_order: i64,
    pub rng: StdRng,
    pub keys: KeyPool,
    pub domains: Vec<Domain>,
    pub next_domain_id: i64,
    /// Domains whose DCV instructions "were followed" (record published, e-mail link clicked).
    pub published: std::collections::HashSet<String>,
    /// Demo: instructions count as followed this long after they were first handed out or
    /// checked (None: only `published` counts).
    pub auto_publish: Option<std::time::Duration>,
    /// When each domain's instructions were first handed out or checked (for `auto_publish`).
    pub instructed: std::collections::HashMap<String, i64>,
    /// Approved → Issued takes this long (Applied half-way).
    pub issue_delay: std::time::Duration,
    /// New SSL enrollments skip the Requested state.
    pub auto_approve: bool,
    /// Client (S/MIME) and device certificates.
    pub fam: super::family::Families,
}

const HOSTS: &[&str] = &[
    "www",
    "api",
    "mail",
    "vpn",
    "intranet",
    "portal",
    "shop",
    "sso",
    "auth",
    "git",
    "ci",
    "grafana",
    "wiki",
    "jira",
    "crm",
    "erp",
    "files",
    "backup",
    "status",
    "docs",
    "remote",
    "smtp",
    "imap",
    "owa",
    "autodiscover",
    "ldap",
    "proxy",
    "edge",
    "cdn",
    "app",
    "pay",
    "billing",
    "hr",
    "lms",
    "dev",
    "staging",
    "uat",
    "registry",
    "kibana",
    "vault",
];
const ZONES: &[&str] = &["eu", "us", "ap", "internal", "prod", "corp"];
const PEOPLE: &[&str] = &[
    "j.kim",
    "m.schmidt",
    "a.patel",
    "s.nakamura",
    "l.garcia",
    "e.novak",
    "r.okafor",
    "t.nguyen",
    "h.park",
    "c.dubois",
    "o.larsen",
    "y.choi",
];
pub(crate) const ADMINS: &[(&str, i64)] = &[
    ("Dana Whitfield", 10011),
    ("Min-jun Lee", 10012),
    ("Priya Raman", 10013),
    ("Tom Becker", 10014),
];
const APPLICATIONS: &[&str] = &[
    "Customer portal",
    "Payments gateway",
    "Mail relay",
    "Remote access",
    "Monitoring",
    "Build farm",
    "HR system",
    "Public website",
];
const COMMENTS: &[&str] = &[
    "Renewal for the load balancer pair",
    "Needed before the go-live on Friday",
    "Replaces the certificate from the old CA",
    "Internal service behind the reverse proxy",
    "Requested by the web team",
    "Please issue ASAP, current certificate expires soon",
];

/// Statuses of the first seeded rows.
const SEED_STATUS_CYCLE: &[SslStatus] = &[
    SslStatus::Issued,
    SslStatus::Requested,
    SslStatus::Approved,
    SslStatus::Applied,
    SslStatus::Declined,
    SslStatus::Revoked,
    SslStatus::Expired,
    SslStatus::Issued,
    SslStatus::Requested,
];

/// Weighted pick from `(item, weight)` pairs.
fn weighted<T: Copy>(rng: &mut StdRng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut x = rng.random_range(0..total);
    for (item, w) in items {
        if x < *w {
            return *item;
        }
        x -= w;
    }
    items[items.len() - 1].0
}

/// A random 16-byte positive serial with a non-zero first byte.
pub(crate) fn random_serial(rng: &mut StdRng) -> Vec<u8> {
    let mut s = [0u8; 16];
    rng.fill(&mut s[..]);
    s[0] = (s[0] & 0x7f).max(0x01);
    s.to_vec()
}

/// A 20-character renew token.
pub(crate) fn random_token(rng: &mut StdRng) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..20)
        .map(|_| CHARS[rng.random_range(0..CHARS.len())] as char)
        .collect()
}

fn host_name(rng: &mut StdRng, domain: &str) -> String {
    let host = HOSTS.choose(rng).copied().unwrap_or("www");
    let mut name = host.to_string();
    if rng.random_bool(0.25) {
        name = format!("{name}{:02}", rng.random_range(1..20));
    }
    if rng.random_bool(0.2) {
        let zone = ZONES.choose(rng).copied().unwrap_or("eu");
        name = format!("{name}.{zone}");
    }
    format!("{name}.{domain}")
}
