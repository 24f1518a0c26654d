//! SSL certificates: list, details, enrolment and life-cycle bodies, DCV of one certificate.

use serde::{Deserialize, Serialize};

use super::common::{
    AutoInstallDetails, AutoRenewDetails, CertType, CertificateDetails, CsrDetails, NameValue,
    ScmError,
};
use super::de;

/// An element of `GET /api/ssl/v1`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SslListItem {
    #[serde(deserialize_with = "de::opt_i64")]
    pub ssl_id: Option<i64>,
    /// Some servers send `id` instead of (or as well as) `sslId`.
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub common_name: Option<String>,
    #[serde(deserialize_with = "de::string_list")]
    pub subject_alternative_names: Vec<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub serial_number: Option<String>,
}

impl SslListItem {
    pub fn any_id(&self) -> Option<i64> {
        self.ssl_id.or(self.id)
    }
}

/// `GET /api/ssl/v1/{sslId}` (also the `PUT /api/ssl/v1` answer).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SslDetails {
    #[serde(deserialize_with = "de::opt_string")]
    pub common_name: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub ssl_id: Option<i64>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub org_id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub status: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub order_number: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub backend_cert_id: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub vendor: Option<String>,
    #[serde(deserialize_with = "de::opt_obj")]
    pub cert_type: Option<CertType>,
    #[serde(deserialize_with = "de::opt_string")]
    pub sub_type: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub validation_type: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub term: Option<i64>,
    /// The approver's name.
    #[serde(deserialize_with = "de::opt_string")]
    pub owner: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub owner_id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub requester: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub requester_id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub requested_via: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub external_requester: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub comments: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub requested: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub approved: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub issued: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub declined: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub expires: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub replaced: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub revoked: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub reason_code: Option<i64>,
    #[serde(deserialize_with = "de::opt_bool")]
    pub renewed: Option<bool>,
    #[serde(deserialize_with = "de::opt_string")]
    pub renewed_date: Option<String>,
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
    #[serde(deserialize_with = "de::string_list")]
    pub subject_alternative_names: Vec<String>,
    #[serde(deserialize_with = "de::obj_list")]
    pub custom_fields: Vec<NameValue>,
    #[serde(deserialize_with = "de::opt_obj")]
    pub certificate_details: Option<CertificateDetails>,
    #[serde(deserialize_with = "de::opt_obj")]
    pub csr_details: Option<CsrDetails>,
    #[serde(deserialize_with = "de::opt_obj")]
    pub auto_install_details: Option<AutoInstallDetails>,
    #[serde(deserialize_with = "de::opt_obj")]
    pub auto_renew_details: Option<AutoRenewDetails>,
    #[serde(deserialize_with = "de::opt_bool")]
    pub suspend_notifications: Option<bool>,
    /// Newer servers: the DCV method of the request.
    #[serde(deserialize_with = "de::opt_string")]
    pub dcv_method: Option<String>,
}

impl SslDetails {
    pub fn any_id(&self) -> Option<i64> {
        self.id.or(self.ssl_id)
    }
}

/// `POST /api/ssl/v1/enroll` body (§2.7). `subjAltNames` is a comma-separated string.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SslEnrollRequest {
    pub org_id: i64,
    pub csr: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subj_alt_names: Option<String>,
    pub cert_type: i64,
    pub term: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comments: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub custom_fields: Vec<NameValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_requester: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dcv_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dcv_email: Option<String>,
}

/// `{"sslId":812,"renewId":"kmITfPf3Gx8mqmK5D66L"}` (enroll), `{"sslId":818}` (renewById).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SslIdResponse {
    #[serde(deserialize_with = "de::opt_i64")]
    pub ssl_id: Option<i64>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub renew_id: Option<String>,
}

/// `/api/{ssl,smime,device}/v1/customFields` elements.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CustomFieldDef {
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "de::opt_bool")]
    pub mandatory: Option<bool>,
}

/// `{"message":"..."}` for approve / decline.
#[derive(Debug, Clone, Serialize)]
pub struct MessageBody {
    pub message: String,
}

/// `{"reasonCode":4,"reason":"..."}` for revoke.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RevokeBody {
    pub reason_code: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Optional body of `renewById`, body of `renew/{renewId}`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RenewBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dcv_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dcv_email: Option<String>,
}

/// `POST /api/ssl/v1/replace/{sslId}`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplaceBody {
    pub csr: String,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub common_name: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subject_alternative_names: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dcv_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dcv_email: Option<String>,
}

/// `POST /api/ssl/v1/renew/manual/{sslId}` ("mark renewed").
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ManualRenewBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_number: Option<String>,
}

/// `GET /api/ssl/v1/{sslId}/dcv`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SslDcv {
    #[serde(deserialize_with = "de::opt_obj")]
    pub dcv_log: Option<SslDcvLog>,
    #[serde(deserialize_with = "de::obj_list")]
    pub instructions: Vec<SslDcvInstruction>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SslDcvLog {
    #[serde(deserialize_with = "de::opt_obj")]
    pub error: Option<ScmError>,
    #[serde(deserialize_with = "de::obj_list")]
    pub log: Vec<SslDcvLogEntry>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SslDcvLogEntry {
    #[serde(deserialize_with = "de::opt_string")]
    pub domain_name: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub dcv_status: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub dcv_method: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub dcv_date: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub last_check: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub next_check: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub dcv_email_ref_number: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SslDcvInstruction {
    #[serde(deserialize_with = "de::opt_string")]
    pub domain_name: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub dcv_mode: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub host: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub point: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub url: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub file: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub dcv_email: Option<String>,
}
