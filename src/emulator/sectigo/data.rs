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

impl Db {
    /// The instructions for the domain at `i` were shown now (starts the demo clock).
    pub fn note_instructed(&mut self, i: usize, now: i64) {
        if self.auto_publish.is_some() {
            let name = self.domains[i].name.clone();
            self.instructed.entry(name).or_insert(now);
        }
    }

    /// Whether the instructions for the domain at `i` were followed: published through the
    /// knob, or (demo) handed out long enough ago.
    pub fn dcv_followed(&mut self, i: usize, now: i64) -> bool {
        let name = self.domains[i].name.clone();
        if self.published.contains(&name) {
            return true;
        }
        let Some(delay) = self.auto_publish else {
            return false;
        };
        let since = *self.instructed.entry(name).or_insert(now);
        now >= since + delay.as_secs() as i64
    }

    /// Builds the seeded data: `ssl_count` SSL certificates around `now`.
    #[cfg(test)]
    pub(crate) fn seed(ca: &DemoCa, seed: u64, now: i64, ssl_count: usize) -> anyhow::Result<Db> {
        Db::seed_with(ca, seed, now, ssl_count, &AtomicBool::new(false))
    }

    /// Builds the seeded data: `ssl_count` SSL certificates around `now`, plus a quarter as
    /// many S/MIME and a fifth as many device certificates (see `family_counts`).
    ///
    /// The rows are drawn from the seeded RNG in one thread (so the data does not depend on
    /// the threads), which hands what the CA must sign to the signing threads (every core, at
    /// most 8) in chunks as it goes, then signs too. Stops early (with an error) when `cancel`
    /// is set.
    pub(crate) fn seed_with(
        ca: &DemoCa,
        seed: u64,
        now: i64,
        ssl_count: usize,
        cancel: &AtomicBool,
    ) -> anyhow::Result<Db> {
        let began = std::time::Instant::now();
        let keys = KeyPool::new()?;
        let (clients, devices) = family_counts(ssl_count);
        let total = ssl_count + clients + devices;
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 8)
            .min(total.div_ceil(SIGN_CHUNK).max(1));
        let (job_tx, job_rx) = mpsc::channel::<(usize, Vec<SeedJob>)>();
        let job_rx = Mutex::new(job_rx);
        let (done_tx, done_rx) = mpsc::channel::<anyhow::Result<(usize, Vec<Signed>)>>();
        // Signs chunks until the drawing is over and the queue is empty, or something fails.
        let worker = |done: mpsc::Sender<anyhow::Result<(usize, Vec<Signed>)>>| loop {
            let next = job_rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
            let Ok((start, jobs)) = next else { return };
            let result = if cancel.load(Ordering::Relaxed) {
                Err(anyhow!("seeding was cancelled"))
            } else {
                jobs.iter()
                    .map(|j| sign_one(ca, &keys, j))
                    .collect::<anyhow::Result<Vec<_>>>()
                    .map(|signed| (start, signed))
            };
            let failed = result.is_err();
            if done.send(result).is_err() || failed {
                return;
            }
        };
        let drawn = std::thread::scope(|s| {
            for _ in 1..threads {
                let done = done_tx.clone();
                s.spawn(move || worker(done));
            }
            let mut sink = JobSink {
                tx: Some(job_tx),
                buf: Vec::with_capacity(SIGN_CHUNK),
                next: 0,
            };
            let drawn = Db::draw(seed, now, ssl_count, &keys, &mut sink, cancel);
            sink.finish();
            tracing::debug!(
                rows = total,
                threads,
                ms = began.elapsed().as_millis() as u64,
                "emulator seed: rows drawn"
            );
            worker(done_tx.clone());
            drawn
        });
        drop(done_tx);
        let (mut db, mut rows, mut fam, mut client_rows, mut device_rows) = drawn?;
        let mut chunks = Vec::new();
        for r in done_rx {
            chunks.push(r?);
        }
        chunks.sort_by_key(|(start, _)| *start);
        // Results come back in row order: SSL, then S/MIME, then device rows.
        let mut signed = chunks.into_iter().flat_map(|(_, c)| c);
        let mut fill =
            |key_type: &mut KeyType, cert: &mut Option<IssuedCert>, csr: &mut Option<CsrData>| {
                match signed.next() {
                    Some(Signed::Leaf(x)) => {
                        *key_type = x.key_type.clone();
                        *cert = Some(x);
                    }
                    Some(Signed::Csr(c, kt)) => {
                        *key_type = kt;
                        *csr = Some(c);
                    }
                    None => {}
                }
            };
        for c in rows.iter_mut() {
            fill(&mut c.key_type, &mut c.cert, &mut c.csr);
        }
        for c in client_rows.iter_mut().chain(device_rows.iter_mut()) {
            fill(&mut c.key_type, &mut c.cert, &mut c.csr);
        }
        let left_over = signed.next().is_some();
        let missing = rows.iter().any(|c| c.cert.is_none() && c.csr.is_none())
            || client_rows
                .iter()
                .chain(device_rows.iter())
                .any(|c| c.cert.is_none() && c.csr.is_none());
        if left_over || missing {
            bail!("seeding signed a different number of rows than it drew ({total})");
        }
        db.keys = keys;
        db.ssl = IdTable::from_rows(rows);
        fam.client = IdTable::from_rows(client_rows);
        fam.device = IdTable::from_rows(device_rows);
        db.fam = fam;
        tracing::debug!(
            rows = total,
            ms = began.elapsed().as_millis() as u64,
            "emulator seed: rows signed"
        );
        Ok(db)
    }

    /// Draws every seeded row (SSL, then S/MIME, then device, as the seed always did) and
    /// sends what the CA must sign for each to `sink`, in row order. The rows come back
    /// without certificates or CSRs; the Db comes back without key pool.
    #[allow(clippy::type_complexity)]
    fn draw(
        seed: u64,
        now: i64,
        ssl_count: usize,
        keys: &KeyPool,
        sink: &mut JobSink,
        cancel: &AtomicBool,
    ) -> anyhow::Result<(
        Db,
        Vec<SslCert>,
        super::family::Families,
        Vec<super::family::OtherCert>,
        Vec<super::family::OtherCert>,
    )> {
        let mut db = Db {
            orgs: orgs(),
            profiles: ssl_profiles(),
            custom_fields: ssl_custom_fields(),
            ssl: IdTable::default(),
            next_ssl_id: 1001,
            next_order: 7_340_001,
            rng: StdRng::seed_from_u64(seed),
            keys: KeyPool::default(),
            domains: seed_domains(now),
            next_domain_id: 2101,
            published: Default::default(),
            auto_publish: None,
            instructed: Default::default(),
            issue_delay: std::time::Duration::from_secs(3),
            auto_approve: false,
            fam: super::family::Families {
                client: IdTable::default(),
                device: IdTable::default(),
                client_profiles: Vec::new(),
                device_profiles: Vec::new(),
                next_id: 1,
            },
        };
        let mut rows = Vec::with_capacity(ssl_count);
        for i in 0..ssl_count {
            if i % 4096 == 0 && cancel.load(Ordering::Relaxed) {
                bail!("seeding was cancelled");
            }
            // The first rows cover every status, so even a small data set shows them all.
            let forced = SEED_STATUS_CYCLE.get(i).copied();
            let (c, job) = db.seed_one_ssl(keys, now, forced);
            rows.push(c);
            sink.push(job);
        }
        let (clients, devices) = family_counts(ssl_count);
        let (fam, client_rows, device_rows) =
            super::family::seed(&mut db.rng, keys, &db.orgs, now, clients, devices, sink);
        Ok((db, rows, fam, client_rows, device_rows))
    }

    pub(crate) fn alloc_ssl_id(&mut self) -> (i64, i64) {
        let id = self.next_ssl_id;
        self.next_ssl_id += 1;
        let order = self.next_order;
        self.next_order += self.rng.random_range(1..40);
        (id, order)
    }

    pub(crate) fn org(&self, id: i64) -> Option<&Org> {
        self.orgs
            .iter()
            .find(|o| o.id == id || o.departments.iter().any(|(d, _)| *d == id))
    }

    pub(crate) fn profile(&self, id: i64) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.id == id)
    }

    /// One seeded SSL row (all random draws) and what the CA must sign for it.
    fn seed_one_ssl(
        &mut self,
        keys: &KeyPool,
        now: i64,
        forced: Option<SslStatus>,
    ) -> (SslCert, SeedJob) {
        let (id, order) = self.alloc_ssl_id();
        let rng = &mut self.rng;
        let org_idx = rng.random_range(0..self.orgs.len());
        let org = &self.orgs[org_idx];
        let org_id = if !org.departments.is_empty() && rng.random_bool(0.3) {
            org.departments[rng.random_range(0..org.departments.len())].0
        } else {
            org.id
        };
        let profile = weighted(rng, &[(0usize, 55), (1, 15), (2, 15), (3, 10), (4, 5)]);
        let profile = &self.profiles[profile];
        let term = *profile.terms.choose(rng).unwrap_or(&365);

        // Names.
        let (cn, mut sans) = match profile.shape {
            ProfileShape::Wildcard => {
                let cn = if rng.random_bool(0.7) {
                    format!("*.{}", org.domain)
                } else {
                    let zone = ZONES.choose(rng).copied().unwrap_or("eu");
                    format!("*.{zone}.{}", org.domain)
                };
                let mut sans = vec![cn.clone()];
                if rng.random_bool(0.5) {
                    sans.push(cn.trim_start_matches("*.").to_string());
                }
                (cn, sans)
            }
            ProfileShape::Single => {
                let cn = if profile.ev && rng.random_bool(0.6) {
                    format!("www.{}", org.domain)
                } else {
                    host_name(rng, org.domain)
                };
                let mut sans = vec![cn.clone()];
                if cn.starts_with("www.") && rng.random_bool(0.7) {
                    sans.push(cn.trim_start_matches("www.").to_string());
                } else if rng.random_bool(0.15) {
                    sans.push(host_name(rng, org.domain));
                }
                (cn, sans)
            }
            ProfileShape::MultiDomain => {
                let cn = host_name(rng, org.domain);
                let mut sans = vec![cn.clone()];
                for _ in 0..rng.random_range(1..=3) {
                    sans.push(host_name(rng, org.domain));
                }
                (cn, sans)
            }
        };
        // Drop repeated names (at most five, so a scan beats a set).
        let mut unique: Vec<String> = Vec::with_capacity(sans.len());
        for s in sans.drain(..) {
            if !unique.contains(&s) {
                unique.push(s);
            }
        }
        let sans = unique;

        let status = weighted(
            rng,
            &[
                (SslStatus::Issued, 740),
                (SslStatus::Expired, 80),
                (SslStatus::Revoked, 40),
                (SslStatus::Requested, 70),
                (SslStatus::Approved, 20),
                (SslStatus::Applied, 15),
                (SslStatus::Declined, 35),
            ],
        );
        let status = forced.unwrap_or(status);
        let person = PEOPLE.choose(rng).copied().unwrap_or("j.kim");
        let person_idx = PEOPLE.iter().position(|p| *p == person).unwrap_or(0) as i64;
        let requester = format!("{person}@{}", org.domain);
        let requested_via = weighted(
            rng,
            &[
                ("Enrollment Form", 30),
                ("Web API", 25),
                ("Client Admin", 20),
                ("ACME", 12),
                ("REST API", 8),
                ("Imported", 3),
                ("Discovery", 2),
            ],
        );
        let admin = ADMINS.choose(rng).copied().unwrap_or(ADMINS[0]);
        let mut custom_fields = vec![(
            "Cost Center".to_string(),
            format!("CC-{}", 1000 + rng.random_range(0..100)),
        )];
        if rng.random_bool(0.6) {
            let app = APPLICATIONS
                .choose(rng)
                .copied()
                .unwrap_or("Public website");
            custom_fields.push(("Application".to_string(), app.to_string()));
        }
        if rng.random_bool(0.3) {
            custom_fields.push((
                "Change Ticket".to_string(),
                format!("CHG{:07}", rng.random_range(10_000..99_999)),
            ));
        }
        let comments = if rng.random_bool(0.35) {
            COMMENTS.choose(rng).map(|s| s.to_string())
        } else {
            None
        };
        let external_requester = if rng.random_bool(0.15) {
            Some(format!("ops-team@{}", org.domain))
        } else {
            None
        };
        let auto_renew = if rng.random_bool(0.2) {
            ("Scheduled", Some(30))
        } else {
            ("Not scheduled", None)
        };
        let renew_id = random_token(rng);
        let key_index = keys.pick(rng);
        let serial = random_serial(rng);
        let jitter = rng.random_range(0..DAY);

        let mut c = SslCert {
            id,
            common_name: cn.clone(),
            sans: sans.clone(),
            status,
            org_id,
            profile_id: profile.id,
            term,
            order_number: order,
            backend_cert_id: order.to_string(),
            owner: None,
            requester,
            requester_id: Some(200 + person_idx),
            requested_via,
            external_requester,
            comments,
            requested: now,
            approved: None,
            issued: None,
            declined: None,
            expires: None,
            revoked: None,
            replaced: None,
            reason_code: None,
            renewed: false,
            renewed_date: None,
            key_type: Cow::Borrowed(""),
            custom_fields,
            cert: None,
            csr: None,
            renew_id,
            suspend_notifications: false,
            auto_renew,
            dcv_mode: None,
            dcv_email: None,
            key_index: Some(key_index),
            pending_since: None,
            dcv_last_check: None,
        };

        if status.has_certificate() {
            let (issued, expires) = match status {
                SslStatus::Expired => {
                    let expires = now - rng.random_range(1..=400) * DAY - jitter;
                    (expires - term * DAY, expires)
                }
                SslStatus::Revoked => {
                    let issued = now - rng.random_range(10..=term) * DAY - jitter;
                    (issued, issued + term * DAY)
                }
                _ => {
                    // Issued: a tenth expire within 30 days.
                    let days_left = if rng.random_bool(0.1) {
                        rng.random_range(1..=30)
                    } else {
                        rng.random_range(1..=term)
                    };
                    let expires = now + days_left * DAY - jitter;
                    (expires - term * DAY, expires)
                }
            };
            let requested = issued - rng.random_range(600..3 * DAY);
            c.requested = requested;
            c.approved = Some(requested + rng.random_range(60..(issued - requested).max(61)));
            c.issued = Some(issued);
            c.expires = Some(expires);
            c.owner = Some((admin.0.to_string(), admin.1));
            if status == SslStatus::Revoked {
                let span = (now - issued).max(2);
                c.revoked = Some(issued + rng.random_range(1..span));
                c.reason_code = Some(*[0i64, 1, 3, 4, 5].choose(rng).unwrap_or(&4));
            }
            if status == SslStatus::Expired && rng.random_bool(0.5) {
                c.renewed = true;
                c.renewed_date = Some(expires - rng.random_range(1..30) * DAY);
            }
            let job = SeedJob::Leaf {
                req: LeafRequest {
                    common_name: cn,
                    sans,
                    not_before: issued,
                    not_after: expires,
                    serial,
                    org: SubjectOrg {
                        organization: Some(org.name.to_string()),
                        locality: Some(org.city.to_string()),
                        state: Some(org.state.to_string()),
                        country: Some(org.country.to_string()),
                    },
                    kind: LeafKind::Server,
                },
                key: key_index,
            };
            (c, job)
        } else {
            c.requested = now - rng.random_range(600..30 * DAY);
            match status {
                SslStatus::Approved | SslStatus::Applied => {
                    c.approved = Some(c.requested + rng.random_range(60..DAY));
                    c.owner = Some((admin.0.to_string(), admin.1));
                }
                SslStatus::Declined => {
                    c.declined = Some(c.requested + rng.random_range(60..DAY));
                    c.owner = Some((admin.0.to_string(), admin.1));
                }
                _ => {}
            }
            c.dcv_mode = Some("CNAME".to_string());
            let job = SeedJob::Csr {
                cn,
                sans,
                key: key_index,
            };
            (c, job)
        }
    }
}

/// How many S/MIME and device certificates go with `ssl_count` SSL certificates.
pub(crate) fn family_counts(ssl_count: usize) -> (usize, usize) {
    if ssl_count == 0 {
        (0, 0)
    } else {
        ((ssl_count / 4).max(12), (ssl_count / 5).max(12))
    }
}

/// Domain-level DCV status (§6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DcvStatus {
    NotValidated,
    Validated,
    Expired,
}

impl DcvStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            DcvStatus::NotValidated => "NOT_VALIDATED",
            DcvStatus::Validated => "VALIDATED",
            DcvStatus::Expired => "EXPIRED",
        }
    }

    /// Accepts `VALIDATED` and the display form `Validated`, `Not validated`, ...
    pub(crate) fn parse(v: &str) -> Option<DcvStatus> {
        let k = v.trim().to_ascii_uppercase().replace(' ', "_");
        Some(match k.as_str() {
            "NOT_VALIDATED" => DcvStatus::NotValidated,
            "VALIDATED" => DcvStatus::Validated,
            "EXPIRED" => DcvStatus::Expired,
            _ => return None,
        })
    }
}

/// DCV state of one domain.
#[derive(Debug, Clone)]
pub(crate) struct Dcv {
    pub status: DcvStatus,
    /// e.g. `CNAME_CSR_HASH`, `EMAIL` (how it was last validated)
    pub method: Option<&'static str>,
    pub validation_date: Option<i64>,
    pub expiration_date: Option<i64>,
    /// `NOT_INITIATED` or `SUBMITTED`
    pub order_submitted: bool,
    /// EMAIL, CNAME, HTTP, HTTPS, TXT
    pub order_mode: Option<&'static str>,
    pub order_backend_id: Option<String>,
    pub submitted_date: Option<i64>,
    pub last_check: Option<i64>,
    pub validation_email: Option<String>,
    pub email_ref: Option<String>,
    /// TXT value handed out by `submit/domain/txt`.
    pub txt_value: Option<String>,
}

impl Dcv {
    fn validated(at: i64, method: &'static str) -> Dcv {
        Dcv {
            status: DcvStatus::Validated,
            method: Some(method),
            validation_date: Some(at),
            expiration_date: Some(at + 365 * DAY),
            order_submitted: false,
            order_mode: None,
            order_backend_id: None,
            submitted_date: None,
            last_check: None,
            validation_email: None,
            email_ref: None,
            txt_value: None,
        }
    }

    fn not_validated() -> Dcv {
        Dcv {
            status: DcvStatus::NotValidated,
            method: None,
            validation_date: None,
            expiration_date: None,
            ..Dcv::validated(0, "EMAIL")
        }
    }
}

/// A delegation of a domain to an organisation or department.
#[derive(Debug, Clone)]
pub(crate) struct Delegation {
    pub org_id: i64,
    pub cert_types: Vec<String>,
    pub privileges: Vec<String>,
    /// ACTIVE or REQUESTED
    pub status: &'static str,
}

/// A domain (§7) with its DCV state (§6).
#[derive(Debug, Clone)]
pub(crate) struct Domain {
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    pub active: bool,
    pub delegations: Vec<Delegation>,
    pub dcv: Dcv,
    /// CT log monitoring: (enabled, include subdomains, bucket id)
    pub ct: Option<(bool, bool, String)>,
}

impl Domain {
    /// Upper-case MD5 and lower-case SHA-256 hex that the DCV instructions of this domain use.
    pub(crate) fn dcv_hashes(&self) -> (String, String) {
        use md5::Md5;
        use sha2::{Digest, Sha256};
        let seed = format!("certdeck-dcv:{}", self.name);
        (
            hex::encode_upper(Md5::digest(seed.as_bytes())),
            hex::encode(Sha256::digest(seed.as_bytes())),
        )
    }

    /// Whether certificates may be issued for names under this domain right now.
    pub(crate) fn dcv_ok(&self, now: i64) -> bool {
        self.dcv.status == DcvStatus::Validated && self.dcv.expiration_date.is_none_or(|e| e > now)
    }
}

fn delegation(org_id: i64, status: &'static str) -> Delegation {
    Delegation {
        org_id,
        cert_types: vec!["SSL".into(), "SMIME".into()],
        privileges: vec!["DOMAIN".into(), "SUBDOMAIN".into()],
        status,
    }
}

/// The seeded domains.
pub(crate) fn seed_domains(now: i64) -> Vec<Domain> {
    let mut out = Vec::new();
    let mut add = |name: &str, org: i64, dcv: Dcv, extra: Option<Delegation>| {
        let mut delegations = vec![delegation(org, "ACTIVE")];
        delegations.extend(extra);
        let id = 2001 + out.len() as i64;
        out.push(Domain {
            id,
            name: name.to_string(),
            description: None,
            active: true,
            delegations,
            dcv,
            ct: if id % 2 == 1 {
                Some((
                    true,
                    true,
                    format!("b7d0c1e2-55aa-4c1f-9d3e-00000000{id:04}"),
                ))
            } else {
                None
            },
        });
    };
    add(
        "acme-logistics.example",
        1101,
        Dcv::validated(now - 120 * DAY, "CNAME_CSR_HASH"),
        None,
    );
    add(
        "acme-shop.example",
        1101,
        Dcv::not_validated(),
        Some(delegation(1112, "REQUESTED")),
    );
    add(
        "bluefin-bank.example",
        1201,
        Dcv::validated(now - 200 * DAY, "EMAIL"),
        None,
    );
    let mut expired = Dcv::validated(now - 400 * DAY, "HTTP_CSR_HASH");
    expired.status = DcvStatus::Expired;
    add("bluefin-invest.example", 1201, expired, None);
    add(
        "kestrel-health.example",
        1301,
        Dcv::validated(now - 30 * DAY, "DNSTXT_RANDOM_VALUE"),
        None,
    );
    let mut submitted = Dcv::not_validated();
    submitted.order_submitted = true;
    submitted.order_mode = Some("CNAME");
    submitted.order_backend_id = Some("99887766".into());
    submitted.submitted_date = Some(now - 2 * DAY);
    submitted.last_check = Some(now - 3600);
    add("kestrel-labs.example", 1301, submitted, None);
    add(
        "orchard-univ.example",
        1401,
        Dcv::validated(now - 300 * DAY, "HTTP_CSR_HASH"),
        Some(delegation(1412, "REQUESTED")),
    );
    add(
        "hanbit-telecom.example",
        1501,
        Dcv::validated(now - 345 * DAY, "EMAIL"),
        None,
    );
    add("hanbit-iot.example", 1501, Dcv::not_validated(), None);
    out
}
