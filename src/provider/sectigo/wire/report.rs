//! The v1 report endpoints: the envelope and one row type per family.

use serde::Deserialize;

use super::de;

/// `{"statusCode":0,"reports":[...]}`; rows are read per family by the types below.
#[derive(Debug, Clone, Deserialize)]
#[serde(
    default,
    rename_all = "camelCase",
    bound(deserialize = "T: serde::de::DeserializeOwned")
)]
pub struct ReportEnvelope<T> {
    #[serde(deserialize_with = "de::opt_i64")]
    pub status_code: Option<i64>,
    #[serde(deserialize_with = "de::obj_list")]
    pub reports: Vec<T>,
}

impl<T> Default for ReportEnvelope<T> {
    fn default() -> Self {
        ReportEnvelope {
            status_code: None,
            reports: Vec::new(),
        }
    }
}

/// A row of `POST /api/report/v1/ssl-certificates`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SslReportRow {
    #[serde(deserialize_with = "de::opt_string")]
    pub requested_via: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub common_name: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub status: Option<String>,
    #[serde(rename = "type", deserialize_with = "de::opt_string")]
    pub type_name: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub type_id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub expires: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub serial_number: Option<String>,
    #[serde(deserialize_with = "de::string_list")]
    pub subj_alt_names: Vec<String>,
}

/// A row of `POST /api/report/v1/client-certificates` (`expire`, singular).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ClientReportRow {
    #[serde(deserialize_with = "de::opt_string")]
    pub enroll_type: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub subject: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub email: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub status: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub expire: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub expires: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub serial_number: Option<String>,
}

/// A row of `POST /api/report/v1/device-certificates`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DeviceReportRow {
    #[serde(deserialize_with = "de::opt_string")]
    pub enroll_type: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub common_name: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub subject: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub device_cert_status: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub status: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub expire: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub expires: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub serial_number: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub cert_type_name: Option<String>,
}
