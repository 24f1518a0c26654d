//! Enrolment: new SSL, client (S/MIME) and device certificates from a CSR.

use reqwest::Method;
use serde_json::json;

use crate::provider::sectigo::actions::{
    ClientEnrollRequest, DeviceEnrollRequest, EnrollRequest, Enrolled,
};
use crate::provider::{ErrorKind, ProviderError};

use super::client::SectigoClient;
use super::ops::opt;
use super::wire;

fn name_values(pairs: &[(String, String)]) -> Vec<wire::NameValue> {
    pairs
        .iter()
        .map(|(n, v)| wire::NameValue {
            name: Some(n.clone()),
            value: Some(v.clone()),
        })
        .collect()
}

impl SectigoClient {
    /// Request an SSL certificate (`POST /api/ssl/v1/enroll`).
    pub async fn enroll_ssl(&self, req: &EnrollRequest) -> Result<Enrolled, ProviderError> {
        let op = "enroll SSL certificate";
        if req.csr.trim().is_empty() {
            return Err(self.err(op, ErrorKind::Local, "the CSR is empty"));
        }
        let body = wire::SslEnrollRequest {
            org_id: req.org_id,
            csr: req.csr.clone(),
            subj_alt_names: (!req.sans.is_empty()).then(|| {
                req.sans
                    .iter()
                    .map(|s| s.trim())
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(",")
            }),
            cert_type: req.profile_id,
            term: req.term_days,
            comments: opt(req.comments.as_deref()),
            custom_fields: name_values(&req.custom_fields),
            external_requester: opt(req.external_requester.as_deref()),
            dcv_mode: opt(req.dcv_mode.as_deref()),
            dcv_email: opt(req.dcv_email.as_deref()),
        };
        let r: wire::SslIdResponse = self
            .mutate_json(Method::POST, "/api/ssl/v1/enroll".into(), op, Some(&body))
            .await?;
        match r.ssl_id.or(r.id) {
            Some(id) => Ok(Enrolled {
                id: id.to_string(),
                renew_id: r.renew_id,
            }),
            None => Err(self.err(
                op,
                ErrorKind::UnknownOutcome,
                "the server accepted the request but did not say the new certificate's id; refresh the list",
            )),
        }
    }

    /// Request a client (S/MIME) certificate (`POST /api/smime/v1/enroll`).
    pub async fn enroll_client(
        &self,
        req: &ClientEnrollRequest,
    ) -> Result<Enrolled, ProviderError> {
        let op = format!("enroll client certificate for {}", req.email.trim());
        if req.csr.trim().is_empty() {
            return Err(self.err(&op, ErrorKind::Local, "the CSR is empty"));
        }
        if req.email.trim().is_empty()
            || req.first_name.trim().is_empty()
            || req.last_name.trim().is_empty()
        {
            return Err(self.err(
                &op,
                ErrorKind::Local,
                "e-mail, first name and last name are required",
            ));
        }
        let mut body = json!({
            "orgId": req.org_id,
            "csr": req.csr,
            "certType": req.profile_id,
            "email": req.email.trim(),
            "firstName": req.first_name.trim(),
            "middleName": req.middle_name.as_deref().map(str::trim).unwrap_or(""),
            "lastName": req.last_name.trim(),
            "secondaryEmails": req.secondary_emails,
            "customFields": name_values(&req.custom_fields),
        });
        if let Some(t) = req.term_days {
            body["term"] = json!(t);
        }
        for (k, v) in [
            ("commonName", &req.common_name),
            ("phone", &req.phone),
            ("comments", &req.comments),
        ] {
            if let Some(v) = opt(v.as_deref()) {
                body[k] = json!(v);
            }
        }
        let r: wire::OrderResponse = self
            .mutate_json(
                Method::POST,
                "/api/smime/v1/enroll".into(),
                &op,
                Some(&body),
            )
            .await?;
        self.enrolled(&op, r)
    }

    /// Request a device certificate (`POST /api/device/v1/enroll`).
    pub async fn enroll_device(
        &self,
        req: &DeviceEnrollRequest,
    ) -> Result<Enrolled, ProviderError> {
        let op = "enroll device certificate";
        if req.csr.trim().is_empty() {
            return Err(self.err(op, ErrorKind::Local, "the CSR is empty"));
        }
        let mut body = json!({
            "orgId": req.org_id,
            "csr": req.csr,
            "certType": req.profile_id,
            "customFields": name_values(&req.custom_fields),
            "optionalFields": name_values(&req.optional_fields),
        });
        if let Some(t) = req.term_days {
            body["term"] = json!(t);
        }
        if let Some(c) = opt(req.comments.as_deref()) {
            body["comments"] = json!(c);
        }
        let r: wire::OrderResponse = self
            .mutate_json(
                Method::POST,
                "/api/device/v1/enroll".into(),
                op,
                Some(&body),
            )
            .await?;
        self.enrolled(op, r)
    }

    fn enrolled(&self, op: &str, r: wire::OrderResponse) -> Result<Enrolled, ProviderError> {
        match r.device_cert_id.or(r.id).or(r.ssl_id) {
            Some(id) => Ok(Enrolled {
                id: id.to_string(),
                renew_id: None,
            }),
            None => Err(self.err(
                op,
                ErrorKind::UnknownOutcome,
                "the server accepted the request but did not say the new certificate's id; refresh the list",
            )),
        }
    }
}
