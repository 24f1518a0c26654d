//! The life cycle of an existing certificate or request: approve and decline, revoke (by id
//! or serial), renew (by id or renew token), mark renewed, replace, delete.

use crate::provider::sectigo::Family;
use reqwest::Method;
use serde_json::json;

use crate::model::Collection;
use crate::provider::sectigo::actions::{Enrolled, ReplaceRequest, RevokeReason};
use crate::provider::{ErrorKind, ProviderError};

use super::client::{SectigoClient, family_noun};
use super::ops::{encode_segment, opt};
use super::wire;

impl SectigoClient {
    /// Approve a pending request (SSL, device). 204.
    pub async fn approve(
        &self,
        family: Collection,
        id: &str,
        message: &str,
    ) -> Result<(), ProviderError> {
        self.approve_or_decline(family, id, message, "approve")
            .await
    }

    /// Decline a pending request (SSL, device). 204.
    pub async fn decline(
        &self,
        family: Collection,
        id: &str,
        message: &str,
    ) -> Result<(), ProviderError> {
        self.approve_or_decline(family, id, message, "decline")
            .await
    }

    async fn approve_or_decline(
        &self,
        family: Collection,
        id: &str,
        message: &str,
        verb: &str,
    ) -> Result<(), ProviderError> {
        let op = format!("{verb} {} certificate {id}", family_noun(family));
        let n = self.numeric_id(&op, family, id)?;
        if !matches!(family, Family::Ssl | Family::Device) {
            return Err(self.err(
                &op,
                ErrorKind::Unsupported,
                format!(
                    "{} certificates have no {verb} step in SCM",
                    family_noun(family)
                ),
            ));
        }
        let message = message.trim();
        if message.is_empty() || message.chars().count() > 512 {
            return Err(self.err(
                &op,
                ErrorKind::Local,
                "a message of 1 to 512 characters is required",
            ));
        }
        let base = self.family_base(&op, family)?;
        let body = wire::MessageBody {
            message: message.to_string(),
        };
        self.mutate(Method::POST, format!("{base}/{verb}/{n}"), &op, Some(&body))
            .await
            .map(|_| ())
    }

    /// Revoke a certificate by id. SSL requires a reason text (1..512).
    pub async fn revoke(
        &self,
        family: Collection,
        id: &str,
        reason: RevokeReason,
        text: &str,
    ) -> Result<(), ProviderError> {
        let op = format!("revoke {} certificate {id}", family_noun(family));
        let n = self.numeric_id(&op, family, id)?;
        let path = match family {
            Family::Ssl => format!("/api/ssl/v1/revoke/{n}"),
            Family::Client => format!("/api/smime/v1/revoke/{n}"),
            Family::Device => format!("/api/device/v1/revoke/order/{n}"),
            _ => return Err(self.unsupported(&op, family)),
        };
        let body = self.revoke_body(&op, family, reason, text)?;
        self.mutate(Method::POST, path, &op, Some(&body))
            .await
            .map(|_| ())
    }

    /// Revoke a certificate by serial number (any spelling; URL-encoded in the path).
    pub async fn revoke_by_serial(
        &self,
        family: Collection,
        serial: &str,
        reason: RevokeReason,
        text: &str,
    ) -> Result<(), ProviderError> {
        let op = format!(
            "revoke {} certificate with serial {}",
            family_noun(family),
            serial.trim()
        );
        if serial.trim().is_empty() {
            return Err(self.err(&op, ErrorKind::Local, "the serial number is empty"));
        }
        let base = match family {
            Family::Ssl => "/api/ssl/v1",
            Family::Client => "/api/smime/v1",
            Family::Device => "/api/device/v1",
            _ => return Err(self.unsupported(&op, family)),
        };
        let body = self.revoke_body(&op, family, reason, text)?;
        let path = format!("{base}/revoke/serial/{}", encode_segment(serial));
        self.mutate(Method::POST, path, &op, Some(&body))
            .await
            .map(|_| ())
    }

    fn revoke_body(
        &self,
        op: &str,
        family: Collection,
        reason: RevokeReason,
        text: &str,
    ) -> Result<wire::RevokeBody, ProviderError> {
        let text = text.trim();
        if text.chars().count() > 512 {
            return Err(self.err(
                op,
                ErrorKind::Local,
                "the reason is longer than 512 characters",
            ));
        }
        if family == Family::Ssl && text.is_empty() {
            return Err(self.err(
                op,
                ErrorKind::Local,
                "SSL revocation requires a reason text",
            ));
        }
        Ok(wire::RevokeBody {
            reason_code: reason.code(),
            reason: (!text.is_empty()).then(|| text.to_string()),
        })
    }

    /// Renew by certificate id: SSL `renewById`, client `renew/{id}`, device `renew/order/{id}`.
    /// Returns the new certificate's id when the server says it.
    pub async fn renew(
        &self,
        family: Collection,
        id: &str,
    ) -> Result<Option<Enrolled>, ProviderError> {
        let op = format!("renew {} certificate {id}", family_noun(family));
        let n = self.numeric_id(&op, family, id)?;
        let path = match family {
            Family::Ssl => format!("/api/ssl/v1/renewById/{n}"),
            Family::Client => format!("/api/smime/v1/renew/{n}"),
            Family::Device => format!("/api/device/v1/renew/order/{n}"),
            _ => return Err(self.unsupported(&op, family)),
        };
        let body = (family == Family::Ssl).then(wire::RenewBody::default);
        let resp = self.mutate(Method::POST, path, &op, body.as_ref()).await?;
        if resp.body.iter().all(|b| b.is_ascii_whitespace()) {
            return Ok(None);
        }
        let r: wire::OrderResponse = serde_json::from_slice(&resp.body).map_err(|e| {
            self.err(
                &op,
                ErrorKind::Protocol,
                format!("the renewal was accepted, but its answer is not the expected JSON ({e}); refresh the list"),
            )
            .with_status(resp.status.as_u16())
        })?;
        Ok(r.ssl_id.or(r.device_cert_id).or(r.id).map(|i| Enrolled {
            id: i.to_string(),
            renew_id: None,
        }))
    }

    /// Renew an SSL certificate with the renew token from enrolment (`renew/{renewId}`), with
    /// an optional new CSR. SCM answers 204 with no body, so the new request's id is unknown
    /// (`None`); should a server answer `{"sslId":…}` as `renewById` does, that id is returned.
    pub async fn renew_by_renew_id(
        &self,
        renew_id: &str,
        csr: Option<&str>,
    ) -> Result<Option<Enrolled>, ProviderError> {
        let op = "renew SSL certificate by renew id";
        if renew_id.trim().is_empty() {
            return Err(self.err(op, ErrorKind::Local, "the renew id is empty"));
        }
        let body = wire::RenewBody {
            csr: opt(csr),
            ..Default::default()
        };
        let path = format!("/api/ssl/v1/renew/{}", encode_segment(renew_id));
        let resp = self.mutate(Method::POST, path, op, Some(&body)).await?;
        // The renewal happened; an answer that is not the JSON we hope for only costs the id.
        let id = serde_json::from_slice::<wire::OrderResponse>(&resp.body)
            .ok()
            .and_then(|r| r.ssl_id.or(r.id));
        Ok(id.map(|i| Enrolled {
            id: i.to_string(),
            renew_id: None,
        }))
    }

    /// Mark an SSL certificate as renewed, optionally naming its successor. 204.
    pub async fn mark_renewed(
        &self,
        id: &str,
        successor: Option<&str>,
    ) -> Result<(), ProviderError> {
        let op = format!("mark SSL certificate {id} renewed");
        let n = self.numeric_id(&op, Family::Ssl, id)?;
        let succ = match successor {
            Some(s) => Some(self.numeric_id(&op, Family::Ssl, s)?),
            None => None,
        };
        let body = wire::ManualRenewBody {
            id: succ,
            order_number: None,
        };
        self.mutate(
            Method::POST,
            format!("/api/ssl/v1/renew/manual/{n}"),
            &op,
            Some(&body),
        )
        .await
        .map(|_| ())
    }

    /// Replace a certificate with a new CSR (SSL `replace/{id}`, device `replace/order/{id}`).
    pub async fn replace(
        &self,
        family: Collection,
        id: &str,
        req: &ReplaceRequest,
    ) -> Result<(), ProviderError> {
        let op = format!("replace {} certificate {id}", family_noun(family));
        let n = self.numeric_id(&op, family, id)?;
        if req.csr.trim().is_empty() || req.reason.trim().is_empty() {
            return Err(self.err(&op, ErrorKind::Local, "a CSR and a reason are required"));
        }
        match family {
            Family::Ssl => {
                let body = wire::ReplaceBody {
                    csr: req.csr.clone(),
                    reason: req.reason.trim().to_string(),
                    common_name: opt(req.common_name.as_deref()),
                    subject_alternative_names: req.sans.clone(),
                    dcv_mode: opt(req.dcv_mode.as_deref()),
                    dcv_email: opt(req.dcv_email.as_deref()),
                };
                self.mutate(
                    Method::POST,
                    format!("/api/ssl/v1/replace/{n}"),
                    &op,
                    Some(&body),
                )
                .await
                .map(|_| ())
            }
            Family::Device => {
                let body =
                    json!({"csr": req.csr, "reason": req.reason.trim(), "revoke": req.revoke_old});
                self.mutate(
                    Method::POST,
                    format!("/api/device/v1/replace/order/{n}"),
                    &op,
                    Some(&body),
                )
                .await
                .map(|_| ())
            }
            _ => Err(self.err(
                &op,
                ErrorKind::Unsupported,
                format!(
                    "SCM cannot replace {} certificates; enroll a new one",
                    family_noun(family)
                ),
            )),
        }
    }

    /// Delete a certificate (SCM allows it only for imported or discovered ones). 204.
    pub async fn delete(&self, family: Collection, id: &str) -> Result<(), ProviderError> {
        let op = format!("delete {} certificate {id}", family_noun(family));
        let n = self.numeric_id(&op, family, id)?;
        let base = self.family_base(&op, family)?;
        self.mutate::<()>(Method::DELETE, format!("{base}/{n}"), &op, None)
            .await
            .map(|_| ())
    }
}
