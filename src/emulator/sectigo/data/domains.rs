//! The emulator's domains: DCV state, delegations and the seeded domain list.

use super::*;

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

pub(super) fn delegation(org_id: i64, status: &'static str) -> Delegation {
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
