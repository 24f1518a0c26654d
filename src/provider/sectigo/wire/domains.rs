//! Organizations and departments, domains and delegations, domain validation (DCV).

use serde::Deserialize;

use super::de;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Department {
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub parent_name: Option<String>,
}

/// An element of `GET /api/organization/v1`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Organization {
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "de::string_list")]
    pub cert_types: Vec<String>,
    #[serde(deserialize_with = "de::obj_list")]
    pub departments: Vec<Department>,
}

/// An element of `GET /api/domain/v1`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DomainListItem {
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DomainDelegation {
    #[serde(deserialize_with = "de::opt_i64")]
    pub org_id: Option<i64>,
    #[serde(deserialize_with = "de::string_list")]
    pub cert_types: Vec<String>,
    #[serde(deserialize_with = "de::string_list")]
    pub domain_certificate_request_privileges: Vec<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub status: Option<String>,
}

/// `GET /api/domain/v1/{id}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DomainDetails {
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub delegation_status: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub state: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub validation_status: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub validation_method: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub dcv_validation: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub dcv_expiration: Option<String>,
    #[serde(deserialize_with = "de::obj_list")]
    pub delegations: Vec<DomainDelegation>,
}

/// An element of `GET /api/dcv/v1/validation`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DcvListItem {
    #[serde(deserialize_with = "de::opt_string")]
    pub domain: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub dcv_status: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub dcv_method: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub dcv_order_status: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub dcv_order_method: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub expiration_date: Option<String>,
}

/// The DCV status / start / submit / sync / clear answers (one shape, fields optional).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DcvStatus {
    #[serde(deserialize_with = "de::opt_string")]
    pub status: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub validation_date: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub expiration_date: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub order_status: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub order_mode: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub url: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub first_line: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub second_line: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub host: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub point: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub validation_email: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub email_validation_reference_number: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub order_backend_id: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub submitted_date: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub order_expiration: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub last_check: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub next_check: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub message: Option<String>,
}

/// `POST /api/dcv/v1/validation/start/domain/email`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DcvEmailStart {
    #[serde(deserialize_with = "de::string_list")]
    pub emails: Vec<String>,
    #[serde(deserialize_with = "de::obj_list")]
    pub dcv_emails: Vec<DcvDomainEmails>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DcvDomainEmails {
    #[serde(deserialize_with = "de::opt_string")]
    pub domain_name: Option<String>,
    #[serde(deserialize_with = "de::string_list")]
    pub whois_emails: Vec<String>,
    #[serde(deserialize_with = "de::string_list")]
    pub admin_emails: Vec<String>,
    #[serde(deserialize_with = "de::string_list")]
    pub dns_txt_emails: Vec<String>,
}
