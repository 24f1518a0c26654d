//! SCM operations beyond list/detail/collect, as inherent methods of [`SectigoClient`]:
//! counts, profiles, custom fields, organizations, enrolment, approve/decline, revoke, renew,
//! replace, delete, per-certificate and per-domain DCV, domains, and the report endpoints used
//! as the fast inventory path.
//!
//! Every state-changing call is sent as [`Idempotency::Mutation`]: it is never retried once it
//! may have reached the server, and a connection lost after sending is reported as
//! `ErrorKind::UnknownOutcome`.

use futures::StreamExt;

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::model::{Cert, CertStatus, Family};
use crate::provider::actions::{
    CertDcv, CertDcvLogEntry, ClientEnrollRequest, CustomFieldDef, DcvEmailOptions, DcvFilter,
    DcvInstruction, DcvMethod, DcvState, Delegation, Department, DeviceEnrollRequest, Domain,
    DomainDetail, DomainValidation, EnrollRequest, Enrolled, NewDomain, Organization, Profile,
    ReplaceRequest, RevokeReason,
};
use crate::provider::{ErrorKind, ListSink, ListUpdate, ProviderError};

use super::client::{Listed, SectigoClient, family_noun};
use super::{errors, map, stream, wire};
use crate::provider::http::{Request, Response};

/// Rows of a report are sent to the app this many at a time.
const REPORT_BATCH: usize = 500;

/// Read one family's report from `rd`, handing each row over as (id, partial row).
fn read_family_report<R: std::io::Read>(
    family: Family,
    rd: R,
    each: &mut dyn FnMut(Option<(String, Cert)>),
) -> Result<stream::ReportRead, serde_json::Error> {
    match family {
        Family::Ssl => stream::read_report(rd, |r: wire::SslReportRow| {
            each(report_row(
                r.id,
                r.common_name,
                r.status,
                r.expires,
                r.type_name,
                r.serial_number,
            ))
        }),
        Family::Device => stream::read_report(rd, |r: wire::DeviceReportRow| {
            let status = r.device_cert_status.or(r.status);
            let expires = r.expire.or(r.expires);
            let cn = r
                .common_name
                .or_else(|| r.subject.as_deref().and_then(map::cn_from_subject));
            each(report_row(
                r.id,
                cn,
                status,
                expires,
                r.cert_type_name,
                r.serial_number,
            ))
        }),
        Family::Client => stream::read_report(rd, |r: wire::ClientReportRow| {
            let expires = r.expire.or(r.expires);
            let cn = r
                .subject
                .as_deref()
                .and_then(map::cn_from_subject)
                .or(r.email);
            each(report_row(
                r.id,
                cn,
                r.status,
                expires,
                None,
                r.serial_number,
            ))
        }),
        Family::CodeSigning => Ok(stream::ReportRead::default()),
    }
}

/// Trimmed, and `None` when empty.
fn nonblank(s: Option<String>) -> Option<String> {
    let s = s?;
    let t = s.trim();
    match t.len() {
        0 => None,
        n if n == s.len() => Some(s),
        _ => Some(t.to_string()),
    }
}

/// A report row as a partial list row (account and family are set by the caller).
fn report_row(
    id: Option<i64>,
    cn: Option<String>,
    status: Option<String>,
    expires: Option<String>,
    profile: Option<String>,
    serial: Option<String>,
) -> Option<(String, Cert)> {
    let id = id?.to_string();
    let status_text = nonblank(status).unwrap_or_default();
    let expires = expires.as_deref().and_then(wire::parse_unix);
    Some((
        id.clone(),
        Cert {
            account: 0,
            family: Family::Ssl,
            id,
            common_name: nonblank(cn).unwrap_or_default(),
            sans: Vec::new(),
            serial: nonblank(serial),
            status: CertStatus::parse(&status_text),
            status_text: crate::model::shared(&status_text),
            profile: nonblank(profile).map(|p| crate::model::shared(&p)),
            expires,
            complete: true,
            sha256: None,
        },
    ))
}

/// Percent-encode a path segment (serial numbers, renew tokens): unreserved characters and
/// `:` stay, everything else is `%XX`.
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.trim().bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b':') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn name_values(pairs: &[(String, String)]) -> Vec<wire::NameValue> {
    pairs
        .iter()
        .map(|(n, v)| wire::NameValue {
            name: Some(n.clone()),
            value: Some(v.clone()),
        })
        .collect()
}

fn base_path(family: Family) -> Option<&'static str> {
    match family {
        Family::Ssl => Some("/api/ssl/v1"),
        Family::Client => Some("/api/smime/v1"),
        Family::Device => Some("/api/device/v1"),
        Family::CodeSigning => None,
    }
}

fn opt(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

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
    fn family_base(&self, op: &str, family: Family) -> Result<&'static str, ProviderError> {
        base_path(family).ok_or_else(|| self.unsupported(op, family))
    }

    async fn mutate<B: Serialize>(
        &self,
        method: Method,
        path: String,
        op: &str,
        body: Option<&B>,
    ) -> Result<Response, ProviderError> {
        if self.settings.read_only {
            return Err(self.err(op, ErrorKind::Local, "this account is configured read-only"));
        }
        let req = Request::mutation(method, path, op, body);
        self.http.send(&req).await
    }

    async fn mutate_json<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: String,
        op: &str,
        body: Option<&B>,
    ) -> Result<T, ProviderError> {
        let req = Request::mutation(method.clone(), path.clone(), op, body);
        let resp = self.mutate(method, path, op, body).await?;
        self.http.decode(&req, &resp)
    }

    /// Page through a non-certificate list (`size`/`position`, `X-Total-Count`).
    async fn page_values<T: DeserializeOwned>(
        &self,
        path: &str,
        op: &str,
        filters: &[(String, String)],
    ) -> Result<Vec<T>, ProviderError> {
        let size = self.settings.page_size.clamp(1, 10_000);
        let mut out: Vec<T> = Vec::new();
        let mut position = 0usize;
        loop {
            let mut req = Request::get(path, op)
                .query("size", size)
                .query("position", position);
            req.query.extend(filters.iter().cloned());
            let resp = self.http.send(&req).await?;
            let total = self.http.total_count(&req, &resp)?;
            let items: Vec<T> = self.http.decode(&req, &resp)?;
            let got = items.len();
            out.extend(items);
            position += got;
            if got == 0 || got < size || position >= total {
                return Ok(out);
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Reads

    /// The number of certificates of a family (`HEAD` → `X-Total-Count`).
    pub async fn count(&self, family: Family) -> Result<usize, ProviderError> {
        let op = format!("count {} certificates", family_noun(family));
        let path = match family {
            Family::Ssl => "/api/ssl/v1",
            Family::Client => "/api/smime/v2",
            Family::Device => "/api/device/v1",
            Family::CodeSigning => return Err(self.unsupported(&op, family)),
        };
        let req = Request::head(path, &op);
        let resp = self.http.send(&req).await?;
        self.http.total_count(&req, &resp)
    }

    /// The certificate profiles of a family (`/types`), optionally for one organization.
    pub async fn profiles(
        &self,
        family: Family,
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
        family: Family,
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

    // -----------------------------------------------------------------------------------------
    // Report fast path

    /// Complete the listed rows from the v1 report of the family: one request for the whole
    /// inventory, read as it arrives (rows go to the sink in batches while the body is still
    /// coming). Returns the ids the report did not complete; when the report is forbidden or
    /// fails, that is every id not completed before the failure, and the caller falls back to
    /// detail requests for them.
    pub(super) async fn complete_from_report(
        &self,
        family: Family,
        op: &str,
        listed: Listed,
        sink: &ListSink,
    ) -> Vec<String> {
        if listed.is_empty() {
            return Vec::new();
        }
        let account = self.settings.account;
        let path = match family {
            Family::Ssl => "/api/report/v1/ssl-certificates",
            Family::Device => "/api/report/v1/device-certificates",
            Family::Client => "/api/report/v1/client-certificates",
            Family::CodeSigning => return listed.into_keys().collect(),
        };
        let rop = format!("report {} certificates", family_noun(family));
        let req = Request::read_post(path, &rop, &json!({})).query("output_type", "buffered");
        let unavailable = |e: &ProviderError| {
            tracing::info!(
                account = %self.settings.name,
                operation = %op,
                forbidden = errors::is_forbidden(e),
                error = %e,
                "report endpoint unavailable; falling back to detail requests"
            );
        };
        let resp = match self.http.open(&req).await {
            Ok(r) => r,
            Err(e) => {
                unavailable(&e);
                return listed.into_keys().collect();
            }
        };
        let status = resp.status().as_u16();
        let body = resp
            .bytes_stream()
            .map(|chunk| chunk.map_err(std::io::Error::other));
        let reader = tokio_util::io::SyncIoBridge::new(tokio_util::io::StreamReader::new(body));
        let sink2 = sink.clone();
        // The parse runs on a blocking thread that pulls the body through the bridge.
        let task = tokio::task::spawn_blocking(move || {
            let mut listed = listed;
            let of = listed.len();
            let mut done = 0usize;
            let mut batch: Vec<Cert> = Vec::new();
            let result = read_family_report(family, reader, &mut |row: Option<(String, Cert)>| {
                let Some((id, mut c)) = row else { return };
                // Rows the list did not bring, or without a known status, stay out.
                if c.status == CertStatus::Unknown {
                    return;
                }
                let Some(known) = listed.remove(&id) else {
                    return;
                };
                c.account = account;
                c.family = family;
                // The page's spelling of the name and the serial stays (the report's
                // serial has no colons); the app keeps what a row leaves out.
                if known.has_cn {
                    c.common_name.clear();
                }
                if known.has_serial {
                    c.serial = None;
                }
                batch.push(c);
                done += 1;
                if batch.len() >= REPORT_BATCH {
                    sink2(ListUpdate::Rows(std::mem::take(&mut batch)));
                    sink2(ListUpdate::Progress {
                        done,
                        of,
                        label: "report".into(),
                    });
                }
            });
            if !batch.is_empty() {
                sink2(ListUpdate::Rows(batch));
            }
            sink2(ListUpdate::Progress {
                done,
                of,
                label: "report".into(),
            });
            (listed, result)
        });
        match task.await {
            Ok((rest, Ok(_))) => rest.into_keys().collect(),
            Ok((rest, Err(e))) => {
                let e = self
                    .err(
                        &rop,
                        if e.is_io() {
                            ErrorKind::Network
                        } else {
                            ErrorKind::Protocol
                        },
                        format!("the report could not be read to its end: {e}"),
                    )
                    .with_status(status);
                unavailable(&e);
                rest.into_keys().collect()
            }
            Err(e) => {
                tracing::warn!(account = %self.settings.name, "the report reader failed: {e}");
                Vec::new()
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Enrolment and life cycle

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

    /// Approve a pending request (SSL, device). 204.
    pub async fn approve(
        &self,
        family: Family,
        id: &str,
        message: &str,
    ) -> Result<(), ProviderError> {
        self.approve_or_decline(family, id, message, "approve")
            .await
    }

    /// Decline a pending request (SSL, device). 204.
    pub async fn decline(
        &self,
        family: Family,
        id: &str,
        message: &str,
    ) -> Result<(), ProviderError> {
        self.approve_or_decline(family, id, message, "decline")
            .await
    }

    async fn approve_or_decline(
        &self,
        family: Family,
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
        family: Family,
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
            Family::CodeSigning => return Err(self.unsupported(&op, family)),
        };
        let body = self.revoke_body(&op, family, reason, text)?;
        self.mutate(Method::POST, path, &op, Some(&body))
            .await
            .map(|_| ())
    }

    /// Revoke a certificate by serial number (any spelling; URL-encoded in the path).
    pub async fn revoke_by_serial(
        &self,
        family: Family,
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
            Family::CodeSigning => return Err(self.unsupported(&op, family)),
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
        family: Family,
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
    pub async fn renew(&self, family: Family, id: &str) -> Result<Option<Enrolled>, ProviderError> {
        let op = format!("renew {} certificate {id}", family_noun(family));
        let n = self.numeric_id(&op, family, id)?;
        let path = match family {
            Family::Ssl => format!("/api/ssl/v1/renewById/{n}"),
            Family::Client => format!("/api/smime/v1/renew/{n}"),
            Family::Device => format!("/api/device/v1/renew/order/{n}"),
            Family::CodeSigning => return Err(self.unsupported(&op, family)),
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
        family: Family,
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
    pub async fn delete(&self, family: Family, id: &str) -> Result<(), ProviderError> {
        let op = format!("delete {} certificate {id}", family_noun(family));
        let n = self.numeric_id(&op, family, id)?;
        let base = self.family_base(&op, family)?;
        self.mutate::<()>(Method::DELETE, format!("{base}/{n}"), &op, None)
            .await
            .map(|_| ())
    }

    // -----------------------------------------------------------------------------------------
    // DCV

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

    // -----------------------------------------------------------------------------------------
    // Domains

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_are_encoded_for_paths() {
        assert_eq!(encode_segment("A9:3E:C0"), "A9:3E:C0");
        assert_eq!(encode_segment(" ab/cd ef "), "ab%2Fcd%20ef");
        assert_eq!(encode_segment("x?y#z%"), "x%3Fy%23z%25");
    }

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
