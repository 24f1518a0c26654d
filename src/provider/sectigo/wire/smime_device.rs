//! Client (S/MIME) and device certificates: list and details, and the order answer they
//! share with renewals.

use serde::Deserialize;

use super::common::{CertType, CertificateDetails, CsrDetails, NameValue};
use super::de;

/// An element of `GET /api/smime/v2`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SmimeListItem {
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub state: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub status: Option<String>,
    #[serde(deserialize_with = "de::opt_obj")]
    pub certificate_details: Option<CertificateDetails>,
    #[serde(deserialize_with = "de::opt_string")]
    pub order_number: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub serial_number: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub backend_cert_id: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub expires: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub comments: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub common_name: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub email: Option<String>,
}

/// `GET /api/smime/v1/{id}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SmimeDetails {
    #[serde(deserialize_with = "de::opt_string")]
    pub common_name: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub sub_type: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub org_id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub status: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub state: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub backend_cert_id: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub order_number: Option<String>,
    #[serde(deserialize_with = "de::opt_obj")]
    pub cert_type: Option<CertType>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub term: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub requested_via: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub email: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub requested: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub issued: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub expires: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub revoked: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub reason_code: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub serial_number: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub signature_alg: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub key_algorithm: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub key_size: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub key_type: Option<String>,
    #[serde(deserialize_with = "de::string_list")]
    pub key_usages: Vec<String>,
    #[serde(deserialize_with = "de::string_list")]
    pub extended_key_usages: Vec<String>,
    #[serde(deserialize_with = "de::opt_obj")]
    pub csr_details: Option<CsrDetails>,
    #[serde(deserialize_with = "de::string_list")]
    pub subject_alternative_names: Vec<String>,
    #[serde(deserialize_with = "de::obj_list")]
    pub custom_fields: Vec<NameValue>,
    #[serde(deserialize_with = "de::opt_obj")]
    pub certificate_details: Option<CertificateDetails>,
    #[serde(deserialize_with = "de::opt_bool")]
    pub suspend_notifications: Option<bool>,
    #[serde(deserialize_with = "de::opt_string")]
    pub comments: Option<String>,
}

/// An element of `GET /api/device/v1`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DeviceListItem {
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub device_cert_id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub backend_cert_id: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub status: Option<String>,
    #[serde(deserialize_with = "de::opt_obj")]
    pub certificate_details: Option<CertificateDetails>,
    #[serde(deserialize_with = "de::opt_string")]
    pub common_name: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub serial_number: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub expires: Option<String>,
}

/// `GET /api/device/v1/{deviceCertId}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DeviceDetails {
    #[serde(deserialize_with = "de::opt_string")]
    pub requested_via: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub common_name: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub device_cert_id: Option<i64>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub org_id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub status: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub order_number: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub backend_cert_id: Option<String>,
    #[serde(deserialize_with = "de::opt_obj")]
    pub csr_details: Option<CsrDetails>,
    #[serde(deserialize_with = "de::opt_obj")]
    pub cert_type: Option<CertType>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub term: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub owner: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub requester: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub requested: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub approved: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub issued: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub expires: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub revoked: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub key_algorithm: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub key_size: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub key_type: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub serial_number: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub signature_alg: Option<String>,
    #[serde(deserialize_with = "de::string_list")]
    pub subject_alternative_names: Vec<String>,
    #[serde(deserialize_with = "de::opt_obj")]
    pub certificate_details: Option<CertificateDetails>,
    #[serde(deserialize_with = "de::opt_string")]
    pub comments: Option<String>,
    #[serde(deserialize_with = "de::obj_list")]
    pub custom_fields: Vec<NameValue>,
}

/// Enroll / renew answers of S/MIME (`id`) and device (`deviceCertId`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OrderResponse {
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub device_cert_id: Option<i64>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub ssl_id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub status: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub order_number: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub backend_cert_id: Option<String>,
}
