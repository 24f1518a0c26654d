//! Objects several endpoints share: the error body, profiles, name/value pairs, the
//! certificate, CSR and auto-install/renew details.

use serde::{Deserialize, Serialize};

use super::de;

/// The error body: `{"code":-16,"description":"Unknown user"}` (newer servers add `details`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ScmError {
    #[serde(deserialize_with = "de::opt_i64")]
    pub code: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub description: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub details: Option<String>,
}

/// A certificate profile (`certType` in details, the elements of `/types`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CertType {
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub description: Option<String>,
    #[serde(deserialize_with = "de::i64_list")]
    pub terms: Vec<i64>,
    /// `{"RSA":["2048","4096"],"EC":["P-256"]}`.
    pub key_types: serde_json::Value,
    #[serde(deserialize_with = "de::opt_bool")]
    pub use_secondary_org_name: Option<bool>,
    /// Device profiles only: the first term, key usages and EKU OIDs.
    #[serde(deserialize_with = "de::opt_i64")]
    pub term: Option<i64>,
    #[serde(deserialize_with = "de::string_list")]
    pub ku: Vec<String>,
    #[serde(deserialize_with = "de::string_list")]
    pub eku: Vec<String>,
}

/// `{name, value}` (custom fields, device optional fields).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NameValue {
    #[serde(deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub value: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CertificateDetails {
    #[serde(deserialize_with = "de::opt_string")]
    pub issuer: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub subject: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub subject_alt_names: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub md5_hash: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub sha1_hash: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub sha256_hash: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CsrDetails {
    #[serde(deserialize_with = "de::opt_string")]
    pub csr: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub md5_hash: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub sha1_hash: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub sha256_hash: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AutoInstallNode {
    #[serde(deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub port: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub status: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AutoInstallDetails {
    #[serde(deserialize_with = "de::opt_string")]
    pub state: Option<String>,
    #[serde(deserialize_with = "de::obj_list")]
    pub nodes: Vec<AutoInstallNode>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AutoRenewDetails {
    #[serde(deserialize_with = "de::opt_string")]
    pub state: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub days_before_expiration: Option<i64>,
}
