//! Client (S/MIME, `/api/smime`, §3) and device (`/api/device/v1`, §4) certificates.
//!
//! Both families share one record type; what differs is rendering: S/MIME states are
//! lower-case and its id is `id`; device states are UPPER-case in lists and Capitalised in
//! details, and enroll/renew answer with `deviceCertId`.

use std::borrow::Cow;
use std::time::Instant;

use axum::http::StatusCode;
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use serde_json::{Map, Value, json};

use super::Ctx;
use super::data::{CsrData, DAY, Db, JobSink, KeyPool, Org, SeedJob, random_serial};
use super::ssl::{CollectFormat, key_alg_size};
use super::ssl_flow::{DEMO_ADMIN, read_csr};
use super::table::{IdTable, Keyed, Look};
use super::util::{
    self, ApiError, CT_JSON, DateFmt, Query, Res, bad, body_json, check_len, contains_ci,
    custom_fields_of, invalid_field, json_list, missing, opt_i64, opt_str, req_i64, req_str,
};
use crate::emulator::ca::{
    DemoCa, IssuedCert, KeyType, LeafKey, LeafKind, LeafRequest, SubjectOrg,
};

/// Which family a record belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    Client,
    Device,
}

/// Lifecycle states shared by both families.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum St {
    Requested,
    Approved,
    Applied,
    Issued,
    Declined,
    Rejected,
    Revoked,
    Expired,
}

impl St {
    const ALL: [St; 8] = [
        St::Requested,
        St::Approved,
        St::Applied,
        St::Issued,
        St::Declined,
        St::Rejected,
        St::Revoked,
        St::Expired,
    ];

    fn upper(self) -> &'static str {
        match self {
            St::Requested => "REQUESTED",
            St::Approved => "APPROVED",
            St::Applied => "APPLIED",
            St::Issued => "ISSUED",
            St::Declined => "DECLINED",
            St::Rejected => "REJECTED",
            St::Revoked => "REVOKED",
            St::Expired => "EXPIRED",
        }
    }

    /// "Issued", "Requested", ...
    fn capitalised(self) -> String {
        let u = self.upper();
        format!("{}{}", &u[..1], u[1..].to_ascii_lowercase())
    }

    /// Accepts any case; `AWAITING_APPROVAL` means requested, `DOWNLOADED` issued.
    fn parse(v: &str) -> Option<St> {
        let u = v.trim().to_ascii_uppercase();
        match u.as_str() {
            "AWAITING_APPROVAL" => return Some(St::Requested),
            "DOWNLOADED" => return Some(St::Issued),
            _ => {}
        }
        St::ALL.iter().copied().find(|s| s.upper() == u)
    }

    fn has_cert(self) -> bool {
        matches!(self, St::Issued | St::Revoked | St::Expired)
    }

    /// How a family renders the state.
    pub(crate) fn render(self, fam: Family, list: bool) -> String {
        match fam {
            Family::Client => match self {
                St::Declined => "rejected".into(),
                // S/MIME has no approval step: approved/applied show as requested.
                St::Approved | St::Applied => "requested".into(),
                s => s.upper().to_ascii_lowercase(),
            },
            Family::Device if list => self.upper().into(),
            Family::Device => self.capitalised(),
        }
    }
}

/// A client-certificate or device-certificate profile.
#[derive(Debug, Clone)]
pub(crate) struct FamProfile {
    pub id: i64,
    pub name: &'static str,
    pub description: &'static str,
    pub terms: Vec<i64>,
}

/// One client or device certificate.
#[derive(Debug, Clone)]
pub(crate) struct OtherCert {
    pub id: i64,
    pub family: Family,
    pub common_name: String,
    /// Person e-mail (S/MIME) or requester e-mail (device).
    pub email: String,
    pub person_id: Option<i64>,
    pub org_id: i64,
    pub profile_id: i64,
    pub term: i64,
    pub status: St,
    pub order_number: i64,
    pub backend_cert_id: String,
    pub requested_via: &'static str,
    pub owner: Option<String>,
    pub comments: Option<String>,
    pub requested: i64,
    pub approved: Option<i64>,
    pub issued: Option<i64>,
    pub expires: Option<i64>,
    pub revoked: Option<i64>,
    pub reason_code: Option<i64>,
    pub key_type: KeyType,
    pub custom_fields: Vec<(String, String)>,
    pub cert: Option<IssuedCert>,
    pub csr: Option<CsrData>,
    pub key_index: Option<usize>,
    pub pending_since: Option<Instant>,
    /// DNS names (device) or e-mail addresses (S/MIME) for the SAN extension.
    pub sans: Vec<String>,
}

impl OtherCert {
    /// The serial as SCM shows it (colon-separated hex), once there is a certificate.
    fn serial(&self) -> Option<String> {
        self.cert.as_ref().map(IssuedCert::serial_colon_hex)
    }
}

impl Keyed for OtherCert {
    fn key(&self) -> i64 {
        self.id
    }
}

/// Both families' data.
pub(crate) struct Families {
    pub client: IdTable<OtherCert>,
    pub device: IdTable<OtherCert>,
    pub client_profiles: Vec<FamProfile>,
    pub device_profiles: Vec<FamProfile>,
    pub next_id: i64,
}

impl Families {
    fn map(&self, fam: Family) -> &IdTable<OtherCert> {
        match fam {
            Family::Client => &self.client,
            Family::Device => &self.device,
        }
    }

    fn map_mut(&mut self, fam: Family) -> &mut IdTable<OtherCert> {
        match fam {
            Family::Client => &mut self.client,
            Family::Device => &mut self.device,
        }
    }

    fn profiles(&self, fam: Family) -> &[FamProfile] {
        match fam {
            Family::Client => &self.client_profiles,
            Family::Device => &self.device_profiles,
        }
    }
}

/// People for the S/MIME data: (first name, last name).
pub(crate) const PERSONS: &[(&str, &str)] = &[
    ("Jiwoo", "Kim"),
    ("Markus", "Schmidt"),
    ("Anika", "Patel"),
    ("Sora", "Nakamura"),
    ("Lucia", "Garcia"),
    ("Eva", "Novak"),
    ("Remi", "Okafor"),
    ("Thu", "Nguyen"),
    ("Hana", "Park"),
    ("Claire", "Dubois"),
    ("Ola", "Larsen"),
    ("Yuna", "Choi"),
];

const DEVICE_KINDS: &[&str] = &[
    "plc",
    "sensor",
    "gateway",
    "printer",
    "camera",
    "badge-reader",
    "kiosk",
    "router",
    "ups",
    "thermostat",
];

const CLIENT_VIA: &[(&str, u32)] = &[
    ("Admin Enroll", 25),
    ("Self Enroll", 30),
    ("API Enroll", 20),
    ("IdP Enroll", 15),
    ("Imported", 5),
    ("SCEP Enroll", 5),
];
const DEVICE_VIA: &[(&str, u32)] = &[
    ("API", 35),
    ("UI", 20),
    ("SCEP_ENROLL", 20),
    ("EST_ENROLL", 15),
    ("IMPORTED", 5),
    ("DISCOVERY", 5),
];

fn pick_weighted<T: Copy>(rng: &mut StdRng, items: &[(T, u32)]) -> T {
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

/// Person id of PERSONS[i] in org `o` (stable).
fn person_id(org_idx: usize, i: usize) -> i64 {
    3000 + (org_idx * PERSONS.len() + i) as i64
}

/// Draws `client_count` S/MIME and `device_count` device rows, sending what the CA must sign
/// for each to `sink` in row order (the profiles are in the returned `Families`, whose tables
/// are empty; the caller fills the rows once they are signed).
pub(crate) fn seed(
    rng: &mut StdRng,
    keys: &KeyPool,
    orgs: &[Org],
    now: i64,
    client_count: usize,
    device_count: usize,
    sink: &mut JobSink,
) -> (Families, Vec<OtherCert>, Vec<OtherCert>) {
    let mut rows: [Vec<OtherCert>; 2] = [
        Vec::with_capacity(client_count),
        Vec::with_capacity(device_count),
    ];
    let mut f = Families {
        client: IdTable::default(),
        device: IdTable::default(),
        client_profiles: vec![
            FamProfile {
                id: 6101,
                name: "Standard S/MIME",
                description: "Secure e-mail (signing and encryption)",
                terms: vec![365, 730],
            },
            FamProfile {
                id: 6102,
                name: "High Assurance S/MIME",
                description: "Identity-validated secure e-mail",
                terms: vec![365],
            },
        ],
        device_profiles: vec![
            FamProfile {
                id: 6201,
                name: "Device Identity",
                description: "Device authentication (client and server)",
                terms: vec![365, 730],
            },
            FamProfile {
                id: 6202,
                name: "IoT Sensor",
                description: "Short-lived IoT sensor certificate",
                terms: vec![180, 365],
            },
        ],
        next_id: 1,
    };
    let cycle = [
        St::Issued,
        St::Requested,
        St::Revoked,
        St::Expired,
        St::Approved,
        St::Declined,
        St::Applied,
    ];
    for (fam, count) in [
        (Family::Client, client_count),
        (Family::Device, device_count),
    ] {
        for i in 0..count {
            let id = if fam == Family::Client {
                200 + i as i64
            } else {
                300 + i as i64
            };
            let org_idx = rng.random_range(0..orgs.len());
            let org = &orgs[org_idx];
            let status = match fam {
                Family::Client => {
                    let forced = [
                        St::Issued,
                        St::Requested,
                        St::Revoked,
                        St::Expired,
                        St::Declined,
                    ];
                    forced.get(i).copied().unwrap_or_else(|| {
                        pick_weighted(
                            rng,
                            &[
                                (St::Issued, 75),
                                (St::Requested, 5),
                                (St::Expired, 10),
                                (St::Revoked, 7),
                                (St::Declined, 3),
                            ],
                        )
                    })
                }
                Family::Device => cycle.get(i).copied().unwrap_or_else(|| {
                    pick_weighted(
                        rng,
                        &[
                            (St::Issued, 65),
                            (St::Requested, 10),
                            (St::Approved, 4),
                            (St::Applied, 3),
                            (St::Declined, 4),
                            (St::Revoked, 5),
                            (St::Expired, 9),
                        ],
                    )
                }),
            };
            let profiles = f.profiles(fam);
            let profile = profiles[rng.random_range(0..profiles.len())].clone();
            let term = *profile.terms.choose(rng).unwrap_or(&365);
            let pi = rng.random_range(0..PERSONS.len());
            let (first, last) = PERSONS[pi];
            let person_email = format!(
                "{}.{}@{}",
                first.to_ascii_lowercase(),
                last.to_ascii_lowercase(),
                org.domain
            );
            let (cn, email, sans, person, via) = match fam {
                Family::Client => (
                    format!("{first} {last}"),
                    person_email.clone(),
                    vec![person_email.clone()],
                    Some(person_id(org_idx, pi)),
                    pick_weighted(rng, CLIENT_VIA),
                ),
                Family::Device => {
                    let kind = DEVICE_KINDS.choose(rng).copied().unwrap_or("sensor");
                    let name = format!(
                        "{kind}-{:04}.devices.{}",
                        rng.random_range(1..5000),
                        org.domain
                    );
                    (
                        name.clone(),
                        format!("iot-ops@{}", org.domain),
                        vec![name],
                        None,
                        pick_weighted(rng, DEVICE_VIA),
                    )
                }
            };
            let key_index = keys.pick(rng);
            let order = 5_600_000 + id * 7 + rng.random_range(0..7);
            let mut c = OtherCert {
                id,
                family: fam,
                common_name: cn.clone(),
                email,
                person_id: person,
                org_id: org.id,
                profile_id: profile.id,
                term,
                status,
                order_number: order,
                backend_cert_id: order.to_string(),
                requested_via: via,
                owner: None,
                comments: if rng.random_bool(0.2) {
                    Some(match fam {
                        Family::Client => "Replacement for a lost laptop".to_string(),
                        Family::Device => "Installed during the spring rollout".to_string(),
                    })
                } else {
                    None
                },
                requested: now,
                approved: None,
                issued: None,
                expires: None,
                revoked: None,
                reason_code: None,
                key_type: Cow::Borrowed(""),
                custom_fields: match fam {
                    Family::Client => vec![(
                        "Employee ID".to_string(),
                        format!("E{:05}", rng.random_range(10_000..99_999)),
                    )],
                    Family::Device => vec![(
                        "Asset Tag".to_string(),
                        format!("AT-{:06}", rng.random_range(100_000..999_999)),
                    )],
                },
                cert: None,
                csr: None,
                key_index: Some(key_index),
                pending_since: None,
                sans,
            };
            let jitter = rng.random_range(0..DAY);
            let serial = random_serial(rng);
            if status.has_cert() {
                let (issued, expires) = match status {
                    St::Expired => {
                        let e = now - rng.random_range(1..=300) * DAY - jitter;
                        (e - term * DAY, e)
                    }
                    St::Revoked => {
                        let i = now - rng.random_range(5..=term) * DAY - jitter;
                        (i, i + term * DAY)
                    }
                    _ => {
                        let e = now + rng.random_range(1..=term) * DAY - jitter;
                        (e - term * DAY, e)
                    }
                };
                c.requested = issued - rng.random_range(60..DAY);
                c.approved = Some(c.requested + 30);
                c.issued = Some(issued);
                c.expires = Some(expires);
                c.owner = Some(super::data::ADMINS[rng.random_range(0..4)].0.to_string());
                if status == St::Revoked {
                    c.revoked = Some(issued + rng.random_range(1..(now - issued).max(2)));
                    c.reason_code = Some(*[0i64, 1, 3, 4, 5].choose(rng).unwrap_or(&0));
                }
                let job = SeedJob::Leaf {
                    req: LeafRequest {
                        common_name: cn,
                        sans: c.sans.clone(),
                        not_before: issued,
                        not_after: expires,
                        serial,
                        org: SubjectOrg {
                            organization: Some(org.name.to_string()),
                            country: Some(org.country.to_string()),
                            ..Default::default()
                        },
                        kind: if fam == Family::Client {
                            LeafKind::Email
                        } else {
                            LeafKind::Device
                        },
                    },
                    key: key_index,
                };
                rows[usize::from(fam == Family::Device)].push(c);
                sink.push(job);
            } else {
                c.requested = now - rng.random_range(600..20 * DAY);
                if matches!(status, St::Approved | St::Applied | St::Declined) {
                    c.approved = Some(c.requested + 3600);
                    c.owner = Some(super::data::ADMINS[rng.random_range(0..4)].0.to_string());
                }
                let dns: Vec<String> = if fam == Family::Device {
                    c.sans.clone()
                } else {
                    Vec::new()
                };
                let job = SeedJob::Csr {
                    cn,
                    sans: dns,
                    key: key_index,
                };
                rows[usize::from(fam == Family::Device)].push(c);
                sink.push(job);
            }
        }
    }
    f.next_id = 200 + (client_count.max(device_count) as i64) + 1000;
    let [client, device] = rows;
    (f, client, device)
}

// ---- state machine -----------------------------------------------------------------------

impl Db {
    /// Client: requested → issued after the delay. Device: approved → applied → issued.
    /// Issued certificates past their expiry turn expired. Looks only at rows written since
    /// the last tick, rows still waiting for the CA and rows whose expiry has come (see
    /// `IdTable::tick`).
    pub(crate) fn tick_families(&mut self, now: i64, at: Instant, ca: &DemoCa) {
        let delay = self.issue_delay;
        let mut due = Vec::new();
        for fam in [Family::Client, Family::Device] {
            // One row: expire it, or move it along.
            self.fam.map_mut(fam).tick(now, |c| {
                let mut look = Look::default();
                if c.status == St::Issued {
                    match c.expires {
                        Some(e) if e <= now => c.status = St::Expired,
                        Some(e) => look.at = Some(e),
                        None => {}
                    }
                }
                let Some(since) = c.pending_since else {
                    return look;
                };
                look.waiting = true;
                let el = at.saturating_duration_since(since);
                if c.status == St::Approved && el >= delay / 2 {
                    c.status = St::Applied;
                }
                if matches!(c.status, St::Applied | St::Requested) && el >= delay {
                    due.push((fam, c.id));
                }
                look
            });
        }
        for (fam, id) in due {
            let serial = random_serial(&mut self.rng);
            let Some(c) = self.fam.map(fam).get(&id) else {
                continue;
            };
            let org = self.org(c.org_id).cloned();
            let req = LeafRequest {
                common_name: c.common_name.clone(),
                sans: c.sans.clone(),
                not_before: now,
                not_after: now + c.term * DAY,
                serial,
                org: SubjectOrg {
                    organization: org.as_ref().map(|o| o.name.to_string()),
                    country: org.as_ref().map(|o| o.country.to_string()),
                    ..Default::default()
                },
                kind: if fam == Family::Client {
                    LeafKind::Email
                } else {
                    LeafKind::Device
                },
            };
            let res = match (&c.csr, c.key_index) {
                (Some(csr), _) => ca.issue_leaf(&req, LeafKey::CsrDer(&csr.der)),
                (None, Some(k)) => ca.issue_leaf(&req, LeafKey::KeyPair(self.keys.get(k))),
                (None, None) => Err(anyhow::anyhow!("no CSR and no key")),
            };
            let Some(c) = self.fam.map_mut(fam).get_mut(&id) else {
                continue;
            };
            c.pending_since = None;
            match res {
                Ok(cert) => {
                    c.key_type = cert.key_type.clone();
                    c.cert = Some(cert);
                    c.status = St::Issued;
                    c.issued = Some(now);
                    c.expires = Some(now + c.term * DAY);
                }
                Err(e) => {
                    tracing::warn!("emulator could not issue {fam:?} {id}: {e:#}");
                    c.status = St::Rejected;
                }
            }
        }
    }
}

// ---- rendering -----------------------------------------------------------------------------

fn cert_details_json(c: &OtherCert) -> Value {
    match &c.cert {
        Some(x) => {
            let sans = c
                .sans
                .iter()
                .map(|s| {
                    if c.family == Family::Client {
                        format!("rfc822Name={s}")
                    } else {
                        format!("dNSName={s}")
                    }
                })
                .collect::<Vec<_>>()
                .join(", ");
            json!({"issuer": &*x.issuer, "subject": &*x.subject, "subjectAltNames": sans,
                   "md5Hash": x.md5_hex(), "sha1Hash": x.sha1_hex(), "sha256Hash": x.sha256_hex()})
        }
        None => json!({"subject": format!("CN={}", c.common_name)}),
    }
}

fn profile_json(p: &FamProfile, fam: Family) -> Value {
    let mut v = json!({
        "id": p.id, "name": p.name, "description": p.description, "terms": p.terms,
        "keyTypes": super::data::Profile::key_types_json(), "useSecondaryOrgName": false,
    });
    if fam == Family::Device {
        v["term"] = json!(p.terms.first().copied().unwrap_or(365));
        v["ku"] = json!(["Digital Signature", "Key Encipherment"]);
        v["eku"] = json!(["1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1"]);
    }
    v
}

fn details_json(db: &Db, c: &OtherCert, fmt: DateFmt) -> Value {
    let mut m = Map::new();
    let mut put = |k: &str, v: Value| {
        m.insert(k.to_string(), v);
    };
    put("commonName", json!(c.common_name));
    put("id", json!(c.id));
    put("orgId", json!(c.org_id));
    put("status", json!(c.status.render(c.family, false)));
    put("backendCertId", json!(c.backend_cert_id));
    if let Some(p) = db
        .fam
        .profiles(c.family)
        .iter()
        .find(|p| p.id == c.profile_id)
    {
        let mut pj = profile_json(p, c.family);
        if let Value::Object(o) = &mut pj {
            o.remove("term");
            o.remove("ku");
            o.remove("eku");
        }
        put("certType", pj);
    }
    put("term", json!(c.term));
    match c.family {
        Family::Client => {
            put("subType", json!("Private"));
            put("requestedVia", json!(c.requested_via));
        }
        Family::Device => {
            put("orderNumber", json!(c.order_number));
            put("requester", json!(c.email));
            if let Some(o) = &c.owner {
                put("owner", json!(o));
            }
            if let Some(a) = c.approved {
                put("approved", json!(fmt.fmt(a)));
            }
        }
    }
    if let Some(x) = &c.comments {
        put("comments", json!(x));
    }
    put("requested", json!(fmt.fmt(c.requested)));
    if c.family == Family::Client
        && let Some(t) = c.issued
    {
        put("issued", json!(fmt.fmt(t)));
    }
    if let Some(t) = c.expires {
        put("expires", json!(fmt.fmt(t)));
    }
    if c.family == Family::Client {
        if let Some(t) = c.revoked {
            put("revoked", json!(fmt.fmt(t)));
        }
        if let Some(r) = c.reason_code {
            put("reasonCode", json!(r));
        }
    }
    let (alg, size) = key_alg_size(&c.key_type);
    put("keyAlgorithm", json!(alg));
    if let Some(s) = size {
        put("keySize", json!(s));
    }
    put("keyType", json!(c.key_type));
    if let Some(s) = c.serial() {
        put("serialNumber", json!(s));
    }
    if c.family == Family::Client {
        put("signatureAlg", json!("SHA256WITHECDSA"));
        put(
            "keyUsages",
            json!(["Digital Signature", "Key Encipherment"]),
        );
        put(
            "extendedKeyUsages",
            json!(["1.3.6.1.5.5.7.3.4", "1.3.6.1.5.5.7.3.2"]),
        );
        put("subjectAlternativeNames", json!(c.sans));
        put("suspendNotifications", json!(false));
    }
    if !c.custom_fields.is_empty() {
        put(
            "customFields",
            Value::Array(
                c.custom_fields
                    .iter()
                    .map(|(n, v)| json!({"name": n, "value": v}))
                    .collect(),
            ),
        );
    }
    put("certificateDetails", cert_details_json(c));
    if let Some(csr) = &c.csr {
        put(
            "csrDetails",
            json!({"csr": csr.pem(), "md5Hash": csr.md5_hex(), "sha1Hash": csr.sha1_hex(),
                   "sha256Hash": csr.sha256_hex()}),
        );
    }
    Value::Object(m)
}

fn list_item(c: &OtherCert, day: DateFmt) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(c.id));
    match c.family {
        Family::Client => {
            m.insert("state".into(), json!(c.status.render(c.family, true)));
            m.insert("certificateDetails".into(), cert_details_json(c));
            m.insert("orderNumber".into(), json!(c.order_number));
            if let Some(s) = c.serial() {
                m.insert("serialNumber".into(), json!(s));
            }
            m.insert("backendCertId".into(), json!(c.backend_cert_id));
            if let Some(e) = c.expires {
                m.insert("expires".into(), json!(day.fmt(e)));
            }
            if let Some(x) = &c.comments {
                m.insert("comments".into(), json!(x));
            }
        }
        Family::Device => {
            m.insert("backendCertId".into(), json!(c.backend_cert_id));
            m.insert("status".into(), json!(c.status.render(c.family, true)));
            m.insert("certificateDetails".into(), cert_details_json(c));
        }
    }
    Value::Object(m)
}

// ---- list / details ------------------------------------------------------------------------

/// The list/count filters of §3/§4, read once per request. Empty values are no filter.
struct FamFilter<'q> {
    /// `state` (S/MIME) or `status` (device), rendered the family's list way, lower-case.
    state: Option<String>,
    profile_id: Option<i64>,
    person_id: Option<i64>,
    org_id: Option<i64>,
    serial: Option<&'q str>,
    backend_cert_id: Option<&'q str>,
    email: Option<&'q str>,
    common_name: Option<&'q str>,
    key_algorithm: Option<&'q str>,
    key_param: Option<&'q str>,
    key_vault: Option<&'q str>,
}

impl<'q> FamFilter<'q> {
    fn parse(q: &'q Query, fam: Family) -> Result<FamFilter<'q>, ApiError> {
        let state_param = if fam == Family::Client {
            "state"
        } else {
            "status"
        };
        let state = match q.get(state_param) {
            None => None,
            Some(v) => {
                let want = St::parse(v).ok_or_else(|| invalid_field(state_param))?;
                Some(want.render(fam, true).to_ascii_lowercase())
            }
        };
        let int = |name: &str| q.int(name).map_err(|n| invalid_field(&n));
        Ok(FamFilter {
            state,
            profile_id: int("certTypeId")?,
            person_id: int("personId")?,
            org_id: int("orgId")?,
            serial: q.get("serialNumber"),
            backend_cert_id: q.get("backendCertId"),
            email: q.get("email"),
            common_name: q.get("commonName"),
            key_algorithm: q.get("keyAlgorithm"),
            key_param: q.get("keyParam"),
            key_vault: q.get("keyVault"),
        })
    }

    /// No filter at all: the list is every certificate in id order.
    fn is_empty(&self) -> bool {
        let FamFilter {
            state,
            profile_id,
            person_id,
            org_id,
            serial,
            backend_cert_id,
            email,
            common_name,
            key_algorithm,
            key_param,
            key_vault,
        } = self;
        state.is_none()
            && profile_id.is_none()
            && person_id.is_none()
            && org_id.is_none()
            && [
                serial,
                backend_cert_id,
                email,
                common_name,
                key_algorithm,
                key_param,
                key_vault,
            ]
            .iter()
            .all(|v| v.is_none())
    }

    fn matches(&self, db: &Db, c: &OtherCert) -> bool {
        if let Some(want) = &self.state
            && c.status.render(c.family, true).to_ascii_lowercase() != *want
        {
            return false;
        }
        if let Some(v) = self.profile_id
            && c.profile_id != v
        {
            return false;
        }
        if let Some(v) = self.person_id
            && c.person_id != Some(v)
        {
            return false;
        }
        if let Some(v) = self.org_id
            && c.org_id != v
            && db.org(c.org_id).is_none_or(|o| o.id != v)
        {
            return false;
        }
        if let Some(v) = self.serial
            && !c.cert.as_ref().is_some_and(|x| x.serial_matches(v))
        {
            return false;
        }
        if let Some(v) = self.backend_cert_id
            && c.backend_cert_id != v.trim()
        {
            return false;
        }
        if let Some(v) = self.email
            && !contains_ci(&c.email, v)
        {
            return false;
        }
        if let Some(v) = self.common_name
            && !contains_ci(&c.common_name, v)
        {
            return false;
        }
        if let Some(v) = self.key_algorithm
            && !key_alg_size(&c.key_type).0.eq_ignore_ascii_case(v)
        {
            return false;
        }
        if let Some(v) = self.key_param
            && !c
                .key_type
                .split(" - ")
                .nth(1)
                .is_some_and(|p| p.eq_ignore_ascii_case(v))
        {
            return false;
        }
        // No key escrow in the demo data.
        if let Some(v) = self.key_vault
            && v.eq_ignore_ascii_case("true")
        {
            return false;
        }
        true
    }
}

/// GET list (`/api/smime/v2`, `/api/device/v1`). Unfiltered, a page is a slice of the id
/// order; filtered, every row is tested.
pub(crate) fn list(db: &Db, ctx: &Ctx, fam: Family) -> Res {
    let f = FamFilter::parse(ctx.q, fam)?;
    let (pos, size) = util::page_params(ctx.q)?;
    let day = ctx.date_fmt(DateFmt::Iso);
    let table = db.fam.map(fam);
    let (items, total) = if f.is_empty() {
        let page = table.page(pos, size);
        (
            page.iter().map(|c| list_item(c, day)).collect(),
            table.len(),
        )
    } else {
        let mut total = 0;
        let mut items = Vec::new();
        for c in table.values().filter(|c| f.matches(db, c)) {
            if total >= pos && size.is_none_or(|s| items.len() < s) {
                items.push(list_item(c, day));
            }
            total += 1;
        }
        (items, total)
    };
    Ok(json_list(items, total, CT_JSON))
}

/// HEAD count.
pub(crate) fn count(db: &Db, ctx: &Ctx, fam: Family) -> Res {
    let f = FamFilter::parse(ctx.q, fam)?;
    let table = db.fam.map(fam);
    let total = if f.is_empty() {
        table.len()
    } else {
        table.values().filter(|c| f.matches(db, c)).count()
    };
    Ok(util::count_only(total))
}

/// GET `/api/smime/v2/byPersonId/{pid}` and `/byPersonEmail/{email}`.
pub(crate) fn by_person(db: &Db, ctx: &Ctx, id: Option<&str>, email: Option<&str>) -> Res {
    let pid = match id {
        Some(raw) => Some(
            raw.trim()
                .parse::<i64>()
                .map_err(|_| bad(-105, "Person not found."))?,
        ),
        None => None,
    };
    let rows: Vec<Value> = db
        .fam
        .client
        .values()
        .filter(|c| pid.is_none_or(|p| c.person_id == Some(p)))
        .filter(|c| email.is_none_or(|e| c.email.eq_ignore_ascii_case(e.trim())))
        .map(|c| list_item(c, ctx.date_fmt(DateFmt::Iso)))
        .collect();
    if rows.is_empty() {
        return Err(bad(-105, "Person not found."));
    }
    Ok(util::json(StatusCode::OK, &Value::Array(rows), CT_JSON))
}

fn not_found(raw: &str) -> ApiError {
    bad(-5101, format!("Certificate not found. {raw}"))
}

fn find_id(db: &Db, fam: Family, raw: &str) -> Result<i64, ApiError> {
    let id: i64 = raw.trim().parse().map_err(|_| not_found(raw))?;
    if db.fam.map(fam).contains_key(&id) {
        Ok(id)
    } else {
        Err(not_found(raw))
    }
}

fn find_by(db: &Db, fam: Family, by: &str, raw: &str) -> Result<i64, ApiError> {
    let table = db.fam.map(fam);
    // A number written the canonical way (as `to_string` would).
    let number = |s: &str| s.parse::<i64>().ok().filter(|n| n.to_string() == s);
    let hit = match by {
        "order" => {
            let key = raw.trim();
            let order = number(key);
            table
                .values()
                .find(|c| c.backend_cert_id == key || Some(c.order_number) == order)
        }
        "serial" => table
            .values()
            .find(|c| c.cert.as_ref().is_some_and(|x| x.serial_matches(raw))),
        _ => number(raw.trim()).and_then(|id| table.get(&id)),
    };
    hit.map(|c| c.id).ok_or_else(|| not_found(raw))
}

/// GET details.
pub(crate) fn details(db: &Db, ctx: &Ctx, fam: Family, raw: &str) -> Res {
    let id = find_id(db, fam, raw)?;
    let c = &db.fam.map(fam)[&id];
    Ok(util::json(
        StatusCode::OK,
        &details_json(db, c, ctx.date_fmt(DateFmt::Us)),
        CT_JSON,
    ))
}

/// GET types.
pub(crate) fn types(db: &Db, ctx: &Ctx, fam: Family) -> Res {
    ctx.q.int("organizationId").map_err(|n| invalid_field(&n))?;
    let v: Vec<Value> = db
        .fam
        .profiles(fam)
        .iter()
        .map(|p| profile_json(p, fam))
        .collect();
    Ok(util::json(StatusCode::OK, &Value::Array(v), CT_JSON))
}

/// The family's custom field definitions.
fn custom_field_defs(fam: Family) -> Value {
    match fam {
        Family::Client => json!([{"id": 357, "name": "Employee ID", "mandatory": false}]),
        Family::Device => json!([{"id": 436, "name": "Asset Tag", "mandatory": true}]),
    }
}

/// GET customFields.
pub(crate) fn custom_fields(fam: Family) -> Res {
    Ok(util::json(StatusCode::OK, &custom_field_defs(fam), CT_JSON))
}

/// −62 unless every mandatory custom field of the family has a value.
fn check_mandatory_custom(fam: Family, given: &[(String, String)]) -> Result<(), ApiError> {
    let defs = custom_field_defs(fam);
    let missing_one = defs.as_array().into_iter().flatten().any(|d| {
        d["mandatory"].as_bool() == Some(true)
            && d["name"].as_str().is_some_and(|name| {
                !given
                    .iter()
                    .any(|(n, v)| n.eq_ignore_ascii_case(name) && !v.trim().is_empty())
            })
    });
    if missing_one {
        return Err(bad(-62, "Missing mandatory custom field!"));
    }
    Ok(())
}

/// GET collect (by id, or by `order`).
pub(crate) fn collect(db: &Db, ca: &DemoCa, ctx: &Ctx, fam: Family, by: &str, raw: &str) -> Res {
    let fmt_raw = ctx.q.get("format").unwrap_or("base64");
    let fmt = CollectFormat::parse(fmt_raw).ok_or_else(|| {
        bad(
            -1450,
            format!("Unsupported certificate format specified: {fmt_raw}"),
        )
    })?;
    let id = find_by(db, fam, by, raw)?;
    let c = &db.fam.map(fam)[&id];
    if c.status == St::Revoked {
        return Err(bad(
            -110,
            "Certificate has been revoked and cannot be downloaded.",
        ));
    }
    let Some(x) = c.cert.as_ref().filter(|_| c.status.has_cert()) else {
        return Err(bad(-183, "Certificate is not collectable."));
    };
    let ext = if fam == Family::Client && fmt == CollectFormat::Base64 {
        "p7b"
    } else {
        fmt.extension()
    };
    Ok(util::download(
        fmt.render(ca, &x.der),
        &format!("{}.{ext}", util::file_stem(&c.common_name)),
    ))
}

// ---- mutations -----------------------------------------------------------------------------

fn enroll_response(c: &OtherCert) -> Value {
    match c.family {
        Family::Client => json!({"id": c.id, "orderNumber": c.order_number,
                                 "backendCertId": c.backend_cert_id}),
        Family::Device => json!({"deviceCertId": c.id, "status": c.status.upper(),
                                 "backendCertId": c.backend_cert_id, "orderNumber": c.id}),
    }
}

fn new_id(db: &mut Db) -> (i64, i64) {
    let id = db.fam.next_id;
    db.fam.next_id += 1;
    let order = 5_900_000 + id * 3 + db.rng.random_range(0..3);
    (id, order)
}

/// `local@domain`, no spaces, a dot in the domain.
fn looks_like_email(s: &str) -> bool {
    s.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !s.contains(char::is_whitespace)
    })
}

/// S/MIME `secondaryEmails`: an array of addresses (absent or null is none).
fn secondary_emails(b: &Value) -> Result<Vec<String>, ApiError> {
    match b.get("secondaryEmails") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| match v.as_str().map(str::trim) {
                Some(e) if looks_like_email(e) && e.chars().count() <= 128 => Ok(e.to_string()),
                _ => Err(invalid_field("secondaryEmails")),
            })
            .collect(),
        Some(_) => Err(invalid_field("secondaryEmails")),
    }
}

/// Device `optionalFields[]{name,value}`: subject attributes by the names §4 lists.
const OPTIONAL_FIELD_NAMES: &[&str] = &[
    "commonName",
    "surname",
    "countryName",
    "localityName",
    "stateOrProvinceName",
    "streetAddress",
    "organizationName",
    "organizationalUnitName",
    "title",
    "description",
    "postalCode",
    "postOfficeBox",
    "telephoneNumber",
    "givenName",
    "initials",
    "emailAddress",
    "DocumentoNacionaldeIdentidad",
    "serialNumber",
    "SIRENE",
    "collectionEmailAddress",
    "rfc822Name",
    "subjectUniqueIdentifier",
    "uniqueIdentifier",
    "PermIdAscentMediaNetSecDept",
    "PermIdAscentMediaEngHomeNet",
    "sAMAccountName",
    "userId",
    "userPrincipalName",
    "unstructuredName",
    "domainComponent",
    "dnsName",
    "servicePrincipalName",
    "eeSID",
];

fn optional_fields(b: &Value) -> Result<Vec<(String, String)>, ApiError> {
    match b.get("optionalFields") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) => a
            .iter()
            .map(|f| {
                let name = f.get("name").and_then(Value::as_str).map(str::trim);
                let value = match f.get("value") {
                    None | Some(Value::Null) => "",
                    Some(Value::String(v)) => v.trim(),
                    Some(_) => return Err(invalid_field("optionalFields.value")),
                };
                match name {
                    Some(n) if OPTIONAL_FIELD_NAMES.contains(&n) => {
                        Ok((n.to_string(), value.to_string()))
                    }
                    _ => Err(invalid_field("optionalFields.name")),
                }
            })
            .collect(),
        Some(_) => Err(invalid_field("optionalFields")),
    }
}

/// POST `/api/smime/v1/enroll` and `/api/device/v1/enroll`.
pub(crate) fn enroll(db: &mut Db, ctx: &Ctx, fam: Family) -> Res {
    let b = body_json(ctx.body)?;
    let org_id = req_i64(&b, "orgId")?;
    let org = db
        .org(org_id)
        .cloned()
        .ok_or_else(|| bad(-1023, format!("Organization '{org_id}' not found.")))?;
    let cert_type = req_i64(&b, "certType")?;
    let profile = db
        .fam
        .profiles(fam)
        .iter()
        .find(|p| p.id == cert_type)
        .cloned()
        .ok_or_else(|| match fam {
            Family::Client => bad(-172, "The Client Certificate Profile is invalid!"),
            Family::Device => bad(-5109, "Device Certificate Profile not found."),
        })?;
    let term = opt_i64(&b, "term")?.unwrap_or(profile.terms[0]);
    if !profile.terms.contains(&term) {
        return Err(bad(
            -36,
            "The validity period (term) is invalid for this certificate profile.",
        ));
    }
    let csr_pem = req_str(&b, "csr")?;
    let (csr, info) = read_csr(&csr_pem)?;
    let comments = opt_str(&b, "comments")?;
    check_len(&comments, "comments", 1024)?;
    let custom = custom_fields_of(&b)?;
    check_mandatory_custom(fam, &custom)?;
    let (cn, email, sans, person) = match fam {
        Family::Client => {
            let email = req_str(&b, "email")?;
            check_len(&Some(email.clone()), "email", 128)?;
            if !looks_like_email(&email) {
                return Err(invalid_field("email"));
            }
            let first = req_str(&b, "firstName")?;
            let last = req_str(&b, "lastName")?;
            let middle = opt_str(&b, "middleName")?;
            // §3: phone `[#|0-9|(|)|-|+| x]*`, at most 32; eppn ≤128; upn ≤256.
            let phone = opt_str(&b, "phone")?;
            check_len(&phone, "phone", 32)?;
            if phone.as_deref().is_some_and(|p| {
                !p.chars()
                    .all(|c| c.is_ascii_digit() || "#|()-+ x".contains(c))
            }) {
                return Err(invalid_field("phone"));
            }
            check_len(&opt_str(&b, "eppn")?, "eppn", 128)?;
            check_len(&opt_str(&b, "upn")?, "upn", 256)?;
            let full = [Some(first), middle, Some(last)]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            if full.chars().count() > 64 {
                return Err(invalid_field("firstName"));
            }
            let cn = opt_str(&b, "commonName")?.unwrap_or(full);
            check_len(&Some(cn.clone()), "commonName", 64)?;
            let mut sans = vec![email.clone()];
            for e in secondary_emails(&b)? {
                if !sans.iter().any(|s| s.eq_ignore_ascii_case(&e)) {
                    sans.push(e);
                }
            }
            let person = db
                .fam
                .client
                .values()
                .find(|c| c.email.eq_ignore_ascii_case(&email))
                .and_then(|c| c.person_id);
            (cn, email, sans, person)
        }
        Family::Device => {
            let optional = optional_fields(&b)?;
            let mut cn = info.common_name.clone();
            let mut sans = info.dns_names.clone();
            for (name, value) in &optional {
                match name.as_str() {
                    "commonName" => cn = Some(value.clone()),
                    "dnsName" if !sans.iter().any(|s| s.eq_ignore_ascii_case(value)) => {
                        sans.push(value.clone())
                    }
                    _ => {}
                }
            }
            let cn = cn
                .filter(|c| !c.trim().is_empty())
                .ok_or_else(|| missing("commonName"))?;
            check_len(&Some(cn.clone()), "commonName", 64)?;
            if sans.is_empty() && cn.contains('.') && !cn.contains(' ') {
                sans.push(cn.clone());
            }
            (cn, super::DEMO_LOGIN.to_string(), sans, None)
        }
    };
    let (id, order) = new_id(db);
    let mut c = OtherCert {
        id,
        family: fam,
        common_name: cn,
        email,
        person_id: person,
        org_id: org.id.max(org_id),
        profile_id: profile.id,
        term,
        status: St::Requested,
        order_number: order,
        backend_cert_id: order.to_string(),
        requested_via: match fam {
            Family::Client => "REST Enroll API",
            Family::Device => "API",
        },
        owner: None,
        comments,
        requested: ctx.now,
        approved: None,
        issued: None,
        expires: None,
        revoked: None,
        reason_code: None,
        key_type: info.key_type.clone(),
        custom_fields: custom,
        cert: None,
        csr: Some(csr),
        key_index: None,
        pending_since: None,
        sans,
    };
    c.org_id = org_id;
    // S/MIME enrollments go straight to the CA; device ones wait for approval unless the
    // auto-approve knob is on.
    if fam == Family::Client {
        c.pending_since = Some(ctx.at);
    } else if db.auto_approve {
        c.status = St::Approved;
        c.approved = Some(ctx.now);
        c.owner = Some(DEMO_ADMIN.0.to_string());
        c.pending_since = Some(ctx.at);
    }
    let resp = enroll_response(&c);
    db.fam.map_mut(fam).insert(id, c);
    Ok(util::json(StatusCode::OK, &resp, CT_JSON))
}

/// POST `/api/device/v1/approve|decline/{id}` → 204.
pub(crate) fn decide(db: &mut Db, ctx: &Ctx, raw: &str, approve: bool) -> Res {
    let b = body_json(ctx.body)?;
    let id = find_id(db, Family::Device, raw)?;
    let c = db.fam.device.get_mut(&id).ok_or_else(|| not_found(raw))?;
    if c.status != St::Requested {
        return Err(bad(
            -1112,
            format!(
                "Certificate can't be {} cause it has state = {}",
                if approve { "approved" } else { "declined" },
                c.status.upper()
            ),
        ));
    }
    let m = req_str(&b, "message")?;
    check_len(&Some(m), "message", 512)?;
    c.owner = Some(DEMO_ADMIN.0.to_string());
    c.approved = Some(ctx.now);
    if approve {
        c.status = St::Approved;
        c.pending_since = Some(ctx.at);
    } else {
        c.status = St::Declined;
    }
    Ok(util::empty(StatusCode::NO_CONTENT))
}

fn revoke_one(c: &mut OtherCert, code: i64, now: i64) -> Result<(), ApiError> {
    if c.status == St::Revoked {
        return Err(bad(-159, "Your certificate already revoked"));
    }
    if c.status != St::Issued {
        return Err(bad(-102, "Only issued certificates could be revoked."));
    }
    c.status = St::Revoked;
    c.revoked = Some(now);
    c.reason_code = Some(code);
    Ok(())
}

fn reason_code(b: &Value) -> Result<i64, ApiError> {
    let code = opt_i64(b, "reasonCode")?.unwrap_or(0);
    if ![0, 1, 3, 4, 5].contains(&code) {
        return Err(invalid_field("reasonCode"));
    }
    check_len(&opt_str(b, "reason")?, "reason", 512)?;
    Ok(code)
}

/// POST revoke by `id` / `order` / `serial` / person `email` / `manual` → 204.
pub(crate) fn revoke(db: &mut Db, ctx: &Ctx, fam: Family, by: &str, raw: &str) -> Res {
    let b = body_json(ctx.body)?;
    let code = reason_code(&b)?;
    match by {
        "email" => {
            let email = req_str(&b, "email")?;
            let mut n = 0;
            for c in db.fam.map_mut(fam).values_mut() {
                if c.email.eq_ignore_ascii_case(email.trim()) && c.status == St::Issued {
                    revoke_one(c, code, ctx.now)?;
                    n += 1;
                }
            }
            if n == 0 {
                return Err(bad(
                    -1108,
                    format!("No valid client certificates found for {email}."),
                ));
            }
        }
        "manual" => {
            let when = match opt_str(&b, "revokeDate")? {
                Some(d) => {
                    super::ssl_flow::parse_date(&d).ok_or_else(|| invalid_field("revokeDate"))?
                }
                None => ctx.now,
            };
            let id = if let Some(id) = opt_i64(&b, "certId")? {
                find_id(db, fam, &id.to_string())?
            } else {
                let serial = opt_str(&b, "serialNumber")?;
                match (serial, opt_str(&b, "issuer")?) {
                    (Some(s), Some(_)) => find_by(db, fam, "serial", &s)?,
                    _ => {
                        return Err(bad(
                            -951,
                            "At least one of the following fields must be filled in: certId, serialNumber and issuer.",
                        ));
                    }
                }
            };
            let c = db
                .fam
                .map_mut(fam)
                .get_mut(&id)
                .ok_or_else(|| not_found(raw))?;
            if !c.status.has_cert() {
                return Err(bad(-102, "Only issued certificates could be revoked."));
            }
            c.status = St::Revoked;
            c.revoked = Some(when);
            c.reason_code = Some(code);
        }
        _ => {
            let id = find_by(db, fam, by, raw)?;
            let c = db
                .fam
                .map_mut(fam)
                .get_mut(&id)
                .ok_or_else(|| not_found(raw))?;
            revoke_one(c, code, ctx.now)?;
        }
    }
    Ok(util::empty(StatusCode::NO_CONTENT))
}

/// POST renew by `id` / `order` / `serial` → 200 with the new certificate's ids.
pub(crate) fn renew(db: &mut Db, ctx: &Ctx, fam: Family, by: &str, raw: &str) -> Res {
    let id = find_by(db, fam, by, raw)?;
    let old = db.fam.map(fam)[&id].clone();
    if !matches!(old.status, St::Issued | St::Expired | St::Revoked) {
        return Err(bad(
            -105,
            format!(
                "Error was occurred while renewing cert. Status = {}",
                old.status.upper()
            ),
        ));
    }
    let (nid, order) = new_id(db);
    let mut c = old;
    c.id = nid;
    c.order_number = order;
    c.backend_cert_id = order.to_string();
    c.cert = None;
    c.issued = None;
    c.expires = None;
    c.revoked = None;
    c.reason_code = None;
    c.requested = ctx.now;
    // Renewals are pre-approved: they go to the CA at once.
    c.status = if fam == Family::Client {
        St::Requested
    } else {
        St::Approved
    };
    c.approved = Some(ctx.now);
    c.owner = Some(DEMO_ADMIN.0.to_string());
    c.pending_since = Some(ctx.at);
    let resp = enroll_response(&c);
    db.fam.map_mut(fam).insert(nid, c);
    Ok(util::json(StatusCode::OK, &resp, CT_JSON))
}

/// POST `/api/device/v1/replace/order/{id}` → 204.
pub(crate) fn replace(db: &mut Db, ctx: &Ctx, raw: &str) -> Res {
    let b = body_json(ctx.body)?;
    let id = find_id(db, Family::Device, raw)?;
    let csr_pem = req_str(&b, "csr")?;
    req_str(&b, "reason")?;
    let revoke_old = match b.get("revoke") {
        Some(Value::Bool(v)) => *v,
        None | Some(Value::Null) => return Err(missing("revoke")),
        Some(_) => return Err(invalid_field("revoke")),
    };
    let (csr, info) = read_csr(&csr_pem)?;
    let old = db.fam.device[&id].clone();
    if old.status != St::Issued {
        return Err(bad(
            -1113,
            format!(
                "Device certificate is not ready to be applied. Current certificate state is {}.",
                old.status.upper()
            ),
        ));
    }
    let (nid, order) = new_id(db);
    let mut c = old;
    c.id = nid;
    c.order_number = order;
    c.backend_cert_id = order.to_string();
    c.cert = None;
    c.key_type = info.key_type;
    c.csr = Some(csr);
    c.key_index = None;
    c.status = St::Approved;
    c.requested = ctx.now;
    c.approved = Some(ctx.now);
    c.pending_since = Some(ctx.at);
    db.fam.device.insert(nid, c);
    if revoke_old && let Some(o) = db.fam.device.get_mut(&id) {
        revoke_one(o, 4, ctx.now)?;
    }
    Ok(util::empty(StatusCode::NO_CONTENT))
}

/// PUT `/api/smime/v1/{id}` and `/api/device/v1/{id}`: custom fields and comments.
pub(crate) fn update(db: &mut Db, ctx: &Ctx, fam: Family, raw: &str) -> Res {
    let b = body_json(ctx.body)?;
    let id = find_id(db, fam, raw)?;
    let comments = opt_str(&b, "comments")?;
    check_len(&comments, "comments", 1024)?;
    let custom = custom_fields_of(&b)?;
    let c = db
        .fam
        .map_mut(fam)
        .get_mut(&id)
        .ok_or_else(|| not_found(raw))?;
    if comments.is_some() {
        c.comments = comments;
    }
    if b.get("customFields").is_some() {
        c.custom_fields = custom;
    }
    let c = c.clone();
    Ok(util::json(
        StatusCode::OK,
        &details_json(db, &c, ctx.date_fmt(DateFmt::Us)),
        CT_JSON,
    ))
}

/// DELETE (imported or discovered only) → 204.
pub(crate) fn delete(db: &mut Db, fam: Family, raw: &str) -> Res {
    let id = find_id(db, fam, raw)?;
    let via = db.fam.map(fam)[&id].requested_via;
    if !matches!(via, "Imported" | "IMPORTED" | "Discovery" | "DISCOVERY") {
        return Err(bad(
            -3,
            "You are not authorized to perform deletion of a certificate that was not imported or discovered.",
        ));
    }
    db.fam.map_mut(fam).remove(&id);
    Ok(util::empty(StatusCode::NO_CONTENT))
}

#[cfg(test)]
mod tests {
    //! The S/MIME and device enrol handlers against §3/§4, through a loopback server.

    use super::super::{SectigoEmulator, SectigoOptions};
    use serde_json::{Value, json};

    async fn post(emu: &SectigoEmulator, path: &str, body: &Value) -> (u16, Value) {
        let r = reqwest::Client::new()
            .post(format!("{}{path}", emu.base_url))
            .header("login", &emu.login)
            .header("password", &emu.password)
            .header("customerUri", &emu.customer_uri)
            .json(body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn get(emu: &SectigoEmulator, path: &str) -> Value {
        reqwest::Client::new()
            .get(format!("{}{path}", emu.base_url))
            .header("login", &emu.login)
            .header("password", &emu.password)
            .header("customerUri", &emu.customer_uri)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    fn csr(cn: &str) -> String {
        let key = rcgen::KeyPair::generate().unwrap();
        crate::emulator::ca::make_csr_pem(&key, cn, &[]).unwrap()
    }

    #[tokio::test]
    async fn smime_enrol_checks_phone_and_secondary_addresses() {
        let emu = SectigoEmulator::start(SectigoOptions::for_tests())
            .await
            .unwrap();
        let body = json!({"orgId": 1201, "firstName": "Ada", "middleName": "",
            "lastName": "Lovelace", "email": "ada@bluefin-bank.example", "phone": "+44 (20) 7946-0000 x12",
            "secondaryEmails": ["a.lovelace@bluefin-bank.example", "ADA@bluefin-bank.example"],
            "csr": csr("Ada Lovelace"), "certType": 6101, "term": 365, "customFields": []});
        let (s, v) = post(&emu, "/api/smime/v1/enroll", &body).await;
        assert_eq!(s, 200, "{v}");
        let id = v["id"].as_i64().unwrap();
        let d = get(&emu, &format!("/api/smime/v1/{id}")).await;
        assert_eq!(d["commonName"], "Ada Lovelace", "built from the full name");
        assert_eq!(
            d["subjectAlternativeNames"],
            json!([
                "ada@bluefin-bank.example",
                "a.lovelace@bluefin-bank.example"
            ])
        );
        for (field, value) in [
            ("phone", json!("call me")),
            ("phone", json!("1".repeat(33))),
            ("secondaryEmails", json!(["not-an-address"])),
            ("secondaryEmails", json!("a@b.example")),
            ("email", json!("ada@localhost")),
            ("upn", json!("u".repeat(257))),
        ] {
            let mut bad = body.clone();
            bad[field] = value.clone();
            let (s, v) = post(&emu, "/api/smime/v1/enroll", &bad).await;
            assert_eq!(
                (s, v["code"].as_i64()),
                (400, Some(-1601)),
                "{field}={value}: {v}"
            );
            assert!(v["description"].as_str().unwrap().contains(field), "{v}");
        }
    }

    #[tokio::test]
    async fn device_enrol_takes_known_optional_fields_only() {
        let emu = SectigoEmulator::start(SectigoOptions::for_tests())
            .await
            .unwrap();
        let body = json!({"orgId": 1101, "term": 365, "csr": csr("ignored-by-the-field"),
            "certType": 6201, "customFields": [{"name": "Asset Tag", "value": "AT-7"}],
            "optionalFields": [{"name": "commonName", "value": "Lobby printer"},
                               {"name": "dnsName", "value": "printer.lobby.example"}]});
        let (s, v) = post(&emu, "/api/device/v1/enroll", &body).await;
        assert_eq!(s, 200, "{v}");
        let id = v["deviceCertId"].as_i64().unwrap();
        let d = get(&emu, &format!("/api/device/v1/{id}")).await;
        assert_eq!(d["commonName"], "Lobby printer");
        assert_eq!(d["customFields"][0]["value"], "AT-7");

        let mut bad = body.clone();
        bad["optionalFields"] = json!([{"name": "favouriteColour", "value": "blue"}]);
        let (s, v) = post(&emu, "/api/device/v1/enroll", &bad).await;
        assert_eq!((s, v["code"].as_i64()), (400, Some(-1601)), "{v}");
        assert!(
            v["description"]
                .as_str()
                .unwrap()
                .contains("optionalFields.name")
        );
        let mut bad = body.clone();
        bad["optionalFields"] = json!([{"name": "commonName", "value": "x".repeat(65)}]);
        let (s, v) = post(&emu, "/api/device/v1/enroll", &bad).await;
        assert_eq!((s, v["code"].as_i64()), (400, Some(-1601)), "{v}");
        let mut bad = body;
        bad["customFields"] = json!([{"name": "Asset Tag", "value": " "}]);
        let (s, v) = post(&emu, "/api/device/v1/enroll", &bad).await;
        assert_eq!((s, v["code"].as_i64()), (400, Some(-62)), "{v}");
    }
}
