//! Provider-neutral values for the actions beyond list/detail/collect: enrolment, revocation,
//! renewal, domain control validation, domains and organizations. Clients map their wire
//! types into these (Sectigo: `provider::sectigo::ops`), so the app never sees wire types.

use std::fmt;

/// RFC 5280 revocation reasons that SCM accepts (`reasonCode` 0, 1, 3, 4, 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RevokeReason {
    Unspecified,
    KeyCompromise,
    AffiliationChanged,
    Superseded,
    CessationOfOperation,
}

impl RevokeReason {
    pub const ALL: [RevokeReason; 5] = [
        RevokeReason::Unspecified,
        RevokeReason::KeyCompromise,
        RevokeReason::AffiliationChanged,
        RevokeReason::Superseded,
        RevokeReason::CessationOfOperation,
    ];

    pub fn code(self) -> i64 {
        match self {
            RevokeReason::Unspecified => 0,
            RevokeReason::KeyCompromise => 1,
            RevokeReason::AffiliationChanged => 3,
            RevokeReason::Superseded => 4,
            RevokeReason::CessationOfOperation => 5,
        }
    }

    pub fn from_code(code: i64) -> Option<RevokeReason> {
        RevokeReason::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            RevokeReason::Unspecified => "unspecified",
            RevokeReason::KeyCompromise => "key compromise",
            RevokeReason::AffiliationChanged => "affiliation changed",
            RevokeReason::Superseded => "superseded",
            RevokeReason::CessationOfOperation => "cessation of operation",
        }
    }
}

impl fmt::Display for RevokeReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.label(), self.code())
    }
}

/// A certificate request (SSL enrolment with a CSR).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EnrollRequest {
    pub org_id: i64,
    /// Profile id (from [`Profile`]).
    pub profile_id: i64,
    /// Term in days; must be one of the profile's terms.
    pub term_days: i64,
    /// PEM CSR.
    pub csr: String,
    /// Subject alternative names (sent as a comma-separated string).
    pub sans: Vec<String>,
    pub comments: Option<String>,
    /// E-mail addresses, comma-separated.
    pub external_requester: Option<String>,
    pub custom_fields: Vec<(String, String)>,
    /// DCV method (CNAME, EMAIL, HTTP, HTTPS, TXT) when DCV pre-validation is off.
    pub dcv_mode: Option<String>,
    pub dcv_email: Option<String>,
}

/// A client (S/MIME) certificate request for a person.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClientEnrollRequest {
    pub org_id: i64,
    pub profile_id: i64,
    /// Term in days; `None` uses the profile's first term.
    pub term_days: Option<i64>,
    /// PEM CSR.
    pub csr: String,
    pub email: String,
    pub first_name: String,
    pub middle_name: Option<String>,
    pub last_name: String,
    /// Defaults (server side) to the full name.
    pub common_name: Option<String>,
    pub phone: Option<String>,
    pub secondary_emails: Vec<String>,
    pub custom_fields: Vec<(String, String)>,
    pub comments: Option<String>,
}

/// A device certificate request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeviceEnrollRequest {
    pub org_id: i64,
    pub profile_id: i64,
    pub term_days: Option<i64>,
    /// PEM CSR.
    pub csr: String,
    pub custom_fields: Vec<(String, String)>,
    /// Subject attributes by SCM name (`commonName`, `organizationName`, `dnsName` …).
    pub optional_fields: Vec<(String, String)>,
    pub comments: Option<String>,
}

impl DeviceEnrollRequest {
    /// The device's name: the `commonName` optional field, when given.
    pub fn common_name(&self) -> Option<&str> {
        self.optional_fields
            .iter()
            .find(|(n, _)| n == "commonName")
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }
}

/// What an enrolment or renewal created (its `renew_id`: SCM's renew token, SSL only).
pub use crate::provider::request::Enrolled;

/// A replacement request (new CSR for an existing certificate).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReplaceRequest {
    pub csr: String,
    pub reason: String,
    pub common_name: Option<String>,
    pub sans: Vec<String>,
    pub dcv_mode: Option<String>,
    pub dcv_email: Option<String>,
    /// Device certificates: also revoke the old one.
    pub revoke_old: bool,
}

/// A certificate profile (SCM "type").
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile {
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    /// Allowed terms in days.
    pub terms: Vec<i64>,
    /// Key algorithm → allowed sizes/curves (`RSA` → `2048`, `4096`).
    pub key_types: Vec<(String, Vec<String>)>,
}

/// A custom field the account defines for a family.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomFieldDef {
    pub id: Option<i64>,
    pub name: String,
    pub mandatory: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Department {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Organization {
    pub id: i64,
    pub name: String,
    pub cert_types: Vec<String>,
    pub departments: Vec<Department>,
}

/// DCV methods for domain validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DcvMethod {
    Http,
    Https,
    Cname,
    Txt,
    Email,
}

impl DcvMethod {
    pub const ALL: [DcvMethod; 5] = [
        DcvMethod::Http,
        DcvMethod::Https,
        DcvMethod::Cname,
        DcvMethod::Txt,
        DcvMethod::Email,
    ];

    /// The path segment (`/start/domain/{seg}`).
    pub fn path_segment(self) -> &'static str {
        match self {
            DcvMethod::Http => "http",
            DcvMethod::Https => "https",
            DcvMethod::Cname => "cname",
            DcvMethod::Txt => "txt",
            DcvMethod::Email => "email",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DcvMethod::Http => "HTTP file",
            DcvMethod::Https => "HTTPS file",
            DcvMethod::Cname => "DNS CNAME",
            DcvMethod::Txt => "DNS TXT",
            DcvMethod::Email => "e-mail",
        }
    }
}

/// One certificate's DCV state (SSL `/{id}/dcv`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CertDcv {
    /// The DCV log error, when SCM reports one (`code != 0`).
    pub error: Option<(i64, String)>,
    pub log: Vec<CertDcvLogEntry>,
    pub instructions: Vec<DcvInstruction>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CertDcvLogEntry {
    pub domain: String,
    pub status: String,
    pub method: Option<String>,
    /// Dates as `YYYY-MM-DD[ HH:MM:SS]`.
    pub validated: Option<String>,
    pub last_check: Option<String>,
    pub next_check: Option<String>,
}

/// What to publish to prove control of a domain.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DcvInstruction {
    pub domain: String,
    pub mode: String,
    /// DNS record name and value (CNAME/TXT).
    pub host: Option<String>,
    pub point: Option<String>,
    /// HTTP(S) file URL and its content (first and second line for domain DCV).
    pub url: Option<String>,
    pub file_content: Option<String>,
    pub email: Option<String>,
}

/// One row of the domain DCV list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DomainValidation {
    pub domain: String,
    pub status: String,
    pub method: Option<String>,
    pub order_status: Option<String>,
    pub order_method: Option<String>,
    /// `YYYY-MM-DD`.
    pub expires: Option<String>,
}

/// Filters for the DCV list (empty = no filter).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DcvFilter {
    pub domain: Option<String>,
    pub org_id: Option<i64>,
    pub department_id: Option<i64>,
    pub dcv_status: Option<String>,
    pub order_status: Option<String>,
    pub expires_in_days: Option<i64>,
}

/// The state of one domain's validation (status / start / submit answers).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DcvState {
    pub status: Option<String>,
    pub order_status: Option<String>,
    pub order_mode: Option<String>,
    pub validated: Option<String>,
    pub expires: Option<String>,
    pub instruction: Option<DcvInstruction>,
    pub order_id: Option<String>,
    pub email_reference: Option<String>,
    pub message: Option<String>,
    /// Every field the server sent, as (label, value), for the detail pane.
    pub fields: Vec<(String, String)>,
}

/// Candidate addresses for e-mail DCV.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DcvEmailOptions {
    /// Addresses usable for every requested domain.
    pub emails: Vec<String>,
    /// Per domain: (domain, addresses).
    pub per_domain: Vec<(String, Vec<String>)>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Domain {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delegation {
    pub org_id: i64,
    pub cert_types: Vec<String>,
    pub privileges: Vec<String>,
    pub status: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DomainDetail {
    pub id: i64,
    pub name: String,
    pub delegation_status: Option<String>,
    pub state: Option<String>,
    pub validation_status: Option<String>,
    pub validation_method: Option<String>,
    /// `YYYY-MM-DD`.
    pub validated: Option<String>,
    pub dcv_expires: Option<String>,
    pub delegations: Vec<Delegation>,
}

/// A new domain (created with one delegation).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewDomain {
    pub name: String,
    pub description: Option<String>,
    pub active: bool,
    pub org_id: i64,
    /// e.g. `SSL`, `SMIME`.
    pub cert_types: Vec<String>,
    /// e.g. `DOMAIN`, `SUBDOMAIN`.
    pub privileges: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revoke_codes_round_trip() {
        for r in RevokeReason::ALL {
            assert_eq!(RevokeReason::from_code(r.code()), Some(r));
        }
        assert_eq!(RevokeReason::from_code(2), None);
        assert_eq!(RevokeReason::Superseded.to_string(), "superseded (4)");
    }
}
