//! The report endpoints as the fast inventory path: one request per family completes status,
//! expiry and profile of every listed row, read as the body arrives.

use crate::provider::sectigo::Family;
use futures::StreamExt;
use serde_json::json;

use crate::model::{Cert, CertStatus, Collection};
use crate::provider::http::Request;
use crate::provider::{ErrorKind, ListSink, ListUpdate, ProviderError};

use super::client::{SectigoClient, family_noun};
use super::list::Listed;
use super::{errors, map, stream, wire};

/// Rows of a report are sent to the app this many at a time.
const REPORT_BATCH: usize = 500;

/// Read one family's report from `rd`, handing each row over as (id, partial row).
fn read_family_report<R: std::io::Read>(
    family: Collection,
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
                r.requested_via.as_deref(),
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
                r.enroll_type.as_deref(),
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
                r.enroll_type.as_deref(),
            ))
        }),
        _ => Ok(stream::ReportRead::default()),
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
    via: Option<&str>,
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
            origin: map::origin_of(via),
        },
    ))
}

impl SectigoClient {
    /// Complete the listed rows from the v1 report of the family: one request for the whole
    /// inventory, read as it arrives (rows go to the sink in batches while the body is still
    /// coming). Returns the ids the report did not complete; when the report is forbidden or
    /// fails, that is every id not completed before the failure, and the caller falls back to
    /// detail requests for them.
    pub(super) async fn complete_from_report(
        &self,
        family: Collection,
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
            _ => return listed.into_keys().collect(),
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
}
