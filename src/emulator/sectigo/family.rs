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

mod read;
mod write;

pub(crate) use self::read::{by_person, collect, count, custom_fields, details, list, types};
pub(crate) use self::write::{decide, delete, enroll, renew, replace, revoke, update};

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
