//! Domains: list, detail with delegations, create, approve or reject a delegation.

use reqwest::Method;
use serde_json::json;

use crate::provider::http::Request;
use crate::provider::sectigo::actions::{Delegation, Domain, DomainDetail, NewDomain};
use crate::provider::{ErrorKind, ProviderError};

use super::client::SectigoClient;
use super::ops::opt;
use super::{map, wire};

impl SectigoClient {
    /// Domains, all pages (optionally filtered by name).
    pub async fn domains(&self, name: Option<&str>) -> Result<Vec<Domain>, ProviderError> {
        let op = "list domains";
        let mut q = Vec::new();
        if let Some(n) = opt(name) {
            q.push(("name".to_string(), n));
        }
        let items: Vec<wire::DomainListItem> = self.page_values("/api/domain/v1", op, &q).await?;
        Ok(items
            .into_iter()
            .filter_map(|d| {
                Some(Domain {
                    id: d.id?,
                    name: d.name.unwrap_or_default(),
                })
            })
            .collect())
    }

    /// One domain with its delegations and DCV state.
    pub async fn domain(&self, id: i64) -> Result<DomainDetail, ProviderError> {
        let op = format!("get domain {id}");
        let d: wire::DomainDetails = self
            .http
            .json(&Request::get(format!("/api/domain/v1/{id}"), &op))
            .await?;
        Ok(DomainDetail {
            id: d.id.unwrap_or(id),
            name: d.name.unwrap_or_default(),
            delegation_status: d.delegation_status,
            state: d.state,
            validation_status: d.validation_status,
            validation_method: d.validation_method,
            validated: d.dcv_validation.as_deref().map(map::display_date),
            dcv_expires: d.dcv_expiration.as_deref().map(map::display_date),
            delegations: d
                .delegations
                .into_iter()
                .filter_map(|g| {
                    Some(Delegation {
                        org_id: g.org_id?,
                        cert_types: g.cert_types,
                        privileges: g.domain_certificate_request_privileges,
                        status: g.status,
                    })
                })
                .collect(),
        })
    }

    /// Create a domain (201 + `Location`); returns the new id.
    pub async fn create_domain(&self, d: &NewDomain) -> Result<i64, ProviderError> {
        let op = format!("create domain {}", d.name.trim());
        let name = d.name.trim();
        if name.len() < 4 || name.len() > 255 {
            return Err(self.err(
                &op,
                ErrorKind::Local,
                "the domain name must be 4 to 255 characters",
            ));
        }
        let body = json!({
            "name": name,
            "description": d.description.clone().unwrap_or_default(),
            "active": d.active,
            "delegations": [{
                "orgId": d.org_id,
                "certTypes": d.cert_types,
                "domainCertificateRequestPrivileges": d.privileges,
            }],
        });
        let req = Request::mutation(Method::POST, "/api/domain/v1", &op, Some(&body));
        let resp = self
            .mutate(Method::POST, "/api/domain/v1".into(), &op, Some(&body))
            .await?;
        let id = self.http.location_id(&req, &resp)?;
        id.parse::<i64>().map_err(|_| {
            self.err(
                &op,
                ErrorKind::Protocol,
                format!("the new domain id {id:?} in Location is not a number"),
            )
        })
    }

    /// Approve a requested delegation of a domain to an organization.
    pub async fn approve_delegation(
        &self,
        domain_id: i64,
        org_id: i64,
    ) -> Result<(), ProviderError> {
        let op = format!("approve delegation of domain {domain_id} to organization {org_id}");
        self.mutate(
            Method::POST,
            format!("/api/domain/v1/{domain_id}/delegation/approve"),
            &op,
            Some(&json!({"orgId": org_id})),
        )
        .await
        .map(|_| ())
    }

    /// Reject a requested delegation of a domain to an organization.
    pub async fn reject_delegation(
        &self,
        domain_id: i64,
        org_id: i64,
    ) -> Result<(), ProviderError> {
        let op = format!("reject delegation of domain {domain_id} to organization {org_id}");
        self.mutate(
            Method::POST,
            format!("/api/domain/v1/{domain_id}/delegation/reject"),
            &op,
            Some(&json!({"orgId": org_id})),
        )
        .await
        .map(|_| ())
    }
}
