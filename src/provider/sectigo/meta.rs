//! SCM reads about an account rather than its certificates: family counts, certificate
//! profiles, custom fields, organizations and their departments.

use crate::model::Collection;
use crate::provider::ProviderError;
use crate::provider::http::Request;
use crate::provider::sectigo::Family;
use crate::provider::sectigo::actions::{CustomFieldDef, Department, Organization, Profile};

use super::client::{SectigoClient, family_noun};
use super::ops::opt;
use super::wire;

fn key_types(v: &serde_json::Value) -> Vec<(String, Vec<String>)> {
    match v {
        serde_json::Value::Object(m) => m
            .iter()
            .map(|(k, v)| {
                let sizes = match v {
                    serde_json::Value::Array(a) => {
                        a.iter().filter_map(wire::de::value_string).collect()
                    }
                    other => wire::de::value_string(other).into_iter().collect(),
                };
                (k.clone(), sizes)
            })
            .collect(),
        _ => Vec::new(),
    }
}

impl SectigoClient {
    /// The number of certificates of a family (`HEAD` → `X-Total-Count`).
    pub async fn count(&self, family: Collection) -> Result<usize, ProviderError> {
        let op = format!("count {} certificates", family_noun(family));
        let path = match family {
            Family::Ssl => "/api/ssl/v1",
            Family::Client => "/api/smime/v2",
            Family::Device => "/api/device/v1",
            _ => return Err(self.unsupported(&op, family)),
        };
        let req = Request::head(path, &op);
        let resp = self.http.send(&req).await?;
        self.http.total_count(&req, &resp)
    }

    /// The certificate profiles of a family (`/types`), optionally for one organization.
    pub async fn profiles(
        &self,
        family: Collection,
        org_id: Option<i64>,
    ) -> Result<Vec<Profile>, ProviderError> {
        let op = format!("list {} certificate profiles", family_noun(family));
        let base = self.family_base(&op, family)?;
        let mut req = Request::get(format!("{base}/types"), &op);
        if let Some(o) = org_id {
            req = req.query("organizationId", o);
        }
        let types: Vec<wire::CertType> = self.http.json(&req).await?;
        Ok(types
            .into_iter()
            .filter_map(|t| {
                Some(Profile {
                    id: t.id?,
                    name: t.name.clone().unwrap_or_default(),
                    description: t.description.clone(),
                    terms: t.terms.clone(),
                    key_types: key_types(&t.key_types),
                })
            })
            .collect())
    }

    /// The custom fields of a family (`/customFields`).
    pub async fn custom_field_defs(
        &self,
        family: Collection,
    ) -> Result<Vec<CustomFieldDef>, ProviderError> {
        let op = format!("list {} custom fields", family_noun(family));
        let base = self.family_base(&op, family)?;
        let defs: Vec<wire::CustomFieldDef> = self
            .http
            .json(&Request::get(format!("{base}/customFields"), &op))
            .await?;
        Ok(defs
            .into_iter()
            .filter_map(|d| {
                Some(CustomFieldDef {
                    id: d.id,
                    name: opt(d.name.as_deref())?,
                    mandatory: d.mandatory.unwrap_or(false),
                })
            })
            .collect())
    }

    /// Organizations and their departments.
    pub async fn organizations(&self) -> Result<Vec<Organization>, ProviderError> {
        let op = "list organizations";
        let orgs: Vec<wire::Organization> = self
            .http
            .json(&Request::get("/api/organization/v1", op))
            .await?;
        Ok(orgs
            .into_iter()
            .filter_map(|o| {
                Some(Organization {
                    id: o.id?,
                    name: o.name.clone().unwrap_or_default(),
                    cert_types: o.cert_types.clone(),
                    departments: o
                        .departments
                        .iter()
                        .filter_map(|d| {
                            Some(Department {
                                id: d.id?,
                                name: d.name.clone().unwrap_or_default(),
                            })
                        })
                        .collect(),
                })
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_types_flatten() {
        let v: serde_json::Value =
            serde_json::from_str(r#"{"RSA":["2048","4096"],"EC":"P-256"}"#).unwrap();
        let mut k = key_types(&v);
        k.sort();
        assert_eq!(
            k,
            vec![
                ("EC".to_string(), vec!["P-256".to_string()]),
                (
                    "RSA".to_string(),
                    vec!["2048".to_string(), "4096".to_string()]
                )
            ]
        );
    }
}
