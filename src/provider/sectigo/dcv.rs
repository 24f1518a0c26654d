//! Domain control validation: the DCV log and instructions of one SSL certificate, its
//! recheck, and per-domain validation (list, status, start, e-mail candidates, submit).

use crate::provider::sectigo::Family;
use reqwest::Method;
use serde_json::json;

use crate::provider::http::Request;
use crate::provider::sectigo::actions::{
    CertDcv, CertDcvLogEntry, DcvEmailOptions, DcvFilter, DcvInstruction, DcvMethod, DcvState,
    DomainValidation,
};
use crate::provider::{ErrorKind, ProviderError};

use super::client::SectigoClient;
use super::ops::opt;
use super::{map, wire};

fn instruction_from_status(domain: &str, s: &wire::DcvStatus) -> Option<DcvInstruction> {
    let any =
        s.url.is_some() || s.host.is_some() || s.point.is_some() || s.validation_email.is_some();
    any.then(|| DcvInstruction {
        domain: domain.to_string(),
        mode: s.order_mode.clone().unwrap_or_default(),
        host: s.host.clone(),
        point: s.point.clone(),
        url: s.url.clone(),
        file_content: match (&s.first_line, &s.second_line) {
            (Some(a), Some(b)) => Some(format!("{a}\n{b}")),
            (Some(a), None) => Some(a.clone()),
            _ => None,
        },
        email: s.validation_email.clone(),
    })
}

fn dcv_state(domain: &str, s: &wire::DcvStatus) -> DcvState {
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut push = |label: &str, v: &Option<String>, date: bool| {
        if let Some(v) = v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            let v = if date {
                map::display_date(v)
            } else {
                v.to_string()
            };
            fields.push((label.to_string(), v));
        }
    };
    push("Status", &s.status, false);
    push("Validated", &s.validation_date, true);
    push("Expires", &s.expiration_date, true);
    push("Order status", &s.order_status, false);
    push("Order method", &s.order_mode, false);
    push("URL", &s.url, false);
    push("First line", &s.first_line, false);
    push("Second line", &s.second_line, false);
    push("Host", &s.host, false);
    push("Point", &s.point, false);
    push("Validation e-mail", &s.validation_email, false);
    push(
        "E-mail reference",
        &s.email_validation_reference_number,
        false,
    );
    push("Order id", &s.order_backend_id, false);
    push("Submitted", &s.submitted_date, true);
    push("Order expires", &s.order_expiration, true);
    push("Last check", &s.last_check, true);
    push("Next check", &s.next_check, true);
    push("Message", &s.message, false);
    DcvState {
        status: opt(s.status.as_deref()),
        order_status: opt(s.order_status.as_deref()),
        order_mode: opt(s.order_mode.as_deref()),
        validated: s.validation_date.as_deref().map(map::display_date),
        expires: s.expiration_date.as_deref().map(map::display_date),
        instruction: instruction_from_status(domain, s),
        order_id: opt(s.order_backend_id.as_deref()),
        email_reference: opt(s.email_validation_reference_number.as_deref()),
        message: opt(s.message.as_deref()),
        fields,
    }
}

impl SectigoClient {
    /// The DCV log and instructions of one SSL certificate.
    pub async fn cert_dcv(&self, id: &str) -> Result<CertDcv, ProviderError> {
        let op = format!("get DCV of SSL certificate {id}");
        let n = self.numeric_id(&op, Family::Ssl, id)?;
        let d: wire::SslDcv = self
            .http
            .json(&Request::get(format!("/api/ssl/v1/{n}/dcv"), &op))
            .await?;
        let log = d.dcv_log.unwrap_or_default();
        Ok(CertDcv {
            error: log.error.and_then(|e| {
                Some((
                    e.code.filter(|c| *c != 0)?,
                    e.description.unwrap_or_default(),
                ))
            }),
            log: log
                .log
                .into_iter()
                .map(|l| CertDcvLogEntry {
                    domain: l.domain_name.unwrap_or_default(),
                    status: l.dcv_status.unwrap_or_default(),
                    method: l.dcv_method,
                    validated: l.dcv_date.as_deref().map(map::display_date),
                    last_check: l.last_check.as_deref().map(map::display_date),
                    next_check: l.next_check.as_deref().map(map::display_date),
                })
                .collect(),
            instructions: d
                .instructions
                .into_iter()
                .map(|i| DcvInstruction {
                    domain: i.domain_name.unwrap_or_default(),
                    mode: i.dcv_mode.unwrap_or_default(),
                    host: i.host,
                    point: i.point,
                    url: i.url,
                    file_content: i.file,
                    email: i.dcv_email,
                })
                .collect(),
        })
    }

    /// Ask SCM to re-check one certificate's DCV (202 Accepted). Safe to repeat, but sent once.
    pub async fn recheck_cert_dcv(&self, id: &str) -> Result<(), ProviderError> {
        let op = format!("recheck DCV of SSL certificate {id}");
        let n = self.numeric_id(&op, Family::Ssl, id)?;
        self.mutate::<()>(
            Method::POST,
            format!("/api/ssl/v1/{n}/dcv/recheck"),
            &op,
            None,
        )
        .await
        .map(|_| ())
    }

    /// Domain validations, all pages, with filters.
    pub async fn dcv_list(
        &self,
        filter: &DcvFilter,
    ) -> Result<Vec<DomainValidation>, ProviderError> {
        let op = "list domain validations";
        let mut q: Vec<(String, String)> = Vec::new();
        let mut add = |k: &str, v: Option<String>| {
            if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
                q.push((k.to_string(), v.trim().to_string()));
            }
        };
        add("domain", filter.domain.clone());
        add("org", filter.org_id.map(|v| v.to_string()));
        add("department", filter.department_id.map(|v| v.to_string()));
        add("dcvStatus", filter.dcv_status.clone());
        add("orderStatus", filter.order_status.clone());
        add("expiresIn", filter.expires_in_days.map(|v| v.to_string()));
        let items: Vec<wire::DcvListItem> =
            self.page_values("/api/dcv/v1/validation", op, &q).await?;
        Ok(items
            .into_iter()
            .filter_map(|i| {
                Some(DomainValidation {
                    domain: opt(i.domain.as_deref())?,
                    status: i.dcv_status.unwrap_or_default(),
                    method: i.dcv_method,
                    order_status: i.dcv_order_status,
                    order_method: i.dcv_order_method,
                    expires: i.expiration_date.as_deref().map(map::display_date),
                })
            })
            .collect())
    }

    /// The validation state of one domain (`POST /api/dcv/v2/validation/status`).
    pub async fn dcv_status(&self, domain: &str) -> Result<DcvState, ProviderError> {
        let op = format!("get DCV status of {}", domain.trim());
        let domain = self.check_domain(&op, domain)?;
        let req = Request::read_post(
            "/api/dcv/v2/validation/status",
            &op,
            &json!({"domain": domain}),
        );
        let s: wire::DcvStatus = self.http.json(&req).await?;
        Ok(dcv_state(&domain, &s))
    }

    fn check_domain(&self, op: &str, domain: &str) -> Result<String, ProviderError> {
        let d = domain.trim().trim_end_matches('.').to_ascii_lowercase();
        if d.len() < 3 || d.len() > 255 || d.contains(char::is_whitespace) {
            return Err(self.err(
                op,
                ErrorKind::Local,
                format!("{domain:?} is not a domain name"),
            ));
        }
        Ok(d)
    }

    /// Start validation of a domain with HTTP, HTTPS or CNAME; returns what to publish.
    /// TXT has no start step (submit directly); e-mail uses [`Self::dcv_start_email`].
    pub async fn dcv_start(
        &self,
        domain: &str,
        method: DcvMethod,
    ) -> Result<DcvState, ProviderError> {
        let op = format!("start {} DCV of {}", method.label(), domain.trim());
        let domain = self.check_domain(&op, domain)?;
        match method {
            DcvMethod::Txt => {
                return Err(self.err(
                    &op,
                    ErrorKind::Local,
                    "DNS TXT validation has no start step; submit it directly",
                ));
            }
            DcvMethod::Email => {
                return Err(self.err(
                    &op,
                    ErrorKind::Local,
                    "e-mail validation starts by choosing an address (dcv_start_email)",
                ));
            }
            _ => {}
        }
        let path = format!(
            "/api/dcv/v1/validation/start/domain/{}",
            method.path_segment()
        );
        let mut s: wire::DcvStatus = self
            .mutate_json(Method::POST, path, &op, Some(&json!({"domain": domain})))
            .await?;
        if s.order_mode.is_none() {
            s.order_mode = Some(method.path_segment().to_ascii_uppercase());
        }
        Ok(dcv_state(&domain, &s))
    }

    /// The candidate addresses for e-mail validation of one or more domains.
    pub async fn dcv_start_email(
        &self,
        domains: &[&str],
    ) -> Result<DcvEmailOptions, ProviderError> {
        let op = format!("start e-mail DCV of {}", domains.join(", "));
        let list: Vec<String> = domains
            .iter()
            .map(|d| self.check_domain(&op, d))
            .collect::<Result<_, _>>()?;
        let body = match list.as_slice() {
            [] => return Err(self.err(&op, ErrorKind::Local, "no domain given")),
            [one] => json!({"domain": one}),
            many => json!({"domains": many}),
        };
        let r: wire::DcvEmailStart = self
            .mutate_json(
                Method::POST,
                "/api/dcv/v1/validation/start/domain/email".into(),
                &op,
                Some(&body),
            )
            .await?;
        Ok(DcvEmailOptions {
            emails: r.emails,
            per_domain: r
                .dcv_emails
                .into_iter()
                .map(|d| {
                    let mut all = d.admin_emails;
                    all.extend(d.whois_emails);
                    all.extend(d.dns_txt_emails);
                    all.dedup();
                    (d.domain_name.unwrap_or_default(), all)
                })
                .collect(),
        })
    }

    /// Ask the CA to check a domain (`submit/domain/{method}`); `email` is required for e-mail.
    pub async fn dcv_submit(
        &self,
        domain: &str,
        method: DcvMethod,
        email: Option<&str>,
    ) -> Result<DcvState, ProviderError> {
        let op = format!("submit {} DCV of {}", method.label(), domain.trim());
        let domain = self.check_domain(&op, domain)?;
        let body = match method {
            DcvMethod::Email => {
                let Some(e) = opt(email) else {
                    return Err(self.err(
                        &op,
                        ErrorKind::Local,
                        "e-mail validation needs an address",
                    ));
                };
                json!({"domain": domain, "email": e})
            }
            _ => json!({"domain": domain}),
        };
        let path = format!(
            "/api/dcv/v1/validation/submit/domain/{}",
            method.path_segment()
        );
        let mut s: wire::DcvStatus = self
            .mutate_json(Method::POST, path, &op, Some(&body))
            .await?;
        // The submit answer names no mode; what it carries to publish (the TXT record) is
        // for the method submitted.
        if s.order_mode.is_none() {
            s.order_mode = Some(method.path_segment().to_ascii_uppercase());
        }
        Ok(dcv_state(&domain, &s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dcv_state_maps_instructions() {
        let s: wire::DcvStatus = serde_json::from_str(
            r#"{"status":"EXPIRED","validationDate":"2024-12-04","expirationDate":"2025-11-24","orderStatus":"SUBMITTED","orderMode":"HTTP",
            "url":"http://example.com/.well-known/pki-validation/88F8.txt","firstLine":"a823","secondLine":"sectigo.com",
            "orderBackendId":"99887766","lastCheck":"2025-12-04T06:52:47.794Z"}"#,
        )
        .unwrap();
        let st = dcv_state("example.com", &s);
        assert_eq!(st.status.as_deref(), Some("EXPIRED"));
        assert_eq!(st.expires.as_deref(), Some("2025-11-24"));
        let i = st.instruction.unwrap();
        assert_eq!(i.file_content.as_deref(), Some("a823\nsectigo.com"));
        assert_eq!(i.mode, "HTTP");
        assert!(
            st.fields
                .iter()
                .any(|(l, v)| l == "Last check" && v == "2025-12-04 06:52:47 UTC")
        );
    }
}
