//! Report APIs v1 (JSON, §11.2): SSL, client, device certificates and domains.
//!
//! A report of the whole inventory is large (about 100 MB for 100,000 SSL certificates), so
//! rows are written straight into the body bytes (`util::Obj`), in SCM's key order: the SSL
//! row follows the example row of §11.2 (fields it lacks sit next to their kin), the others
//! follow the field tables. The envelope is `{"statusCode":0,"reports":[...]}`.

use axum::http::{HeaderValue, StatusCode, header};
use serde_json::Value;

use super::Ctx;
use super::data::{DAY, Db, SslStatus};
use super::family::{Family, OtherCert, St};
use super::ssl::key_alg_size;
use super::ssl_flow::parse_date;
use super::util::{
    self, ApiError, CT_JSON_UTF8, DateFmt, Obj, Res, body_json, invalid_field, opt_i64, opt_str,
};

/// Common report filters.
struct Filter {
    orgs: Vec<i64>,
    status: i64,
    date_attr: Option<i64>,
    from: Option<i64>,
    to: Option<i64>,
    leading_zeros: bool,
}

fn filter_of(b: &Value, allowed_status: &[i64], allowed_attr: &[i64]) -> Result<Filter, ApiError> {
    let orgs = match b.get("organizationIds") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| v.as_i64().ok_or_else(|| invalid_field("organizationIds")))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(invalid_field("organizationIds")),
    };
    let status = opt_i64(b, "certificateStatus")?.unwrap_or(0);
    if !allowed_status.contains(&status) {
        return Err(invalid_field("certificateStatus"));
    }
    let date_attr = opt_i64(b, "certificateDateAttribute")?;
    if let Some(a) = date_attr
        && !allowed_attr.contains(&a)
    {
        return Err(invalid_field("certificateDateAttribute"));
    }
    let from = match opt_str(b, "from")? {
        Some(s) => Some(parse_date(&s).ok_or_else(|| invalid_field("from"))?),
        None => None,
    };
    let to = match opt_str(b, "to")? {
        Some(s) => {
            let t = parse_date(&s).ok_or_else(|| invalid_field("to"))?;
            // A bare date means the whole day.
            Some(if s.trim().len() == 10 { t + DAY - 1 } else { t })
        }
        None => None,
    };
    let leading_zeros = opt_str(b, "serialNumberFormat")?
        .is_some_and(|f| f.eq_ignore_ascii_case("HEXWithLeadingZeros"));
    Ok(Filter {
        orgs,
        status,
        date_attr,
        from,
        to,
        leading_zeros,
    })
}

impl Filter {
    fn org_ok(&self, db: &Db, org_id: i64) -> bool {
        self.orgs.is_empty()
            || self.orgs.contains(&org_id)
            || db.org(org_id).is_some_and(|o| self.orgs.contains(&o.id))
    }

    fn date_ok(&self, t: Option<i64>) -> bool {
        if self.from.is_none() && self.to.is_none() {
            return true;
        }
        let Some(t) = t else { return false };
        self.from.is_none_or(|f| t >= f) && self.to.is_none_or(|x| t <= x)
    }

    /// `serialNumber`: hex without colons, leading zeros kept only with
    /// `serialNumberFormat: "HEXWithLeadingZeros"`; "" without a certificate.
    fn serial(&self, o: &mut Obj<'_>, serial: Option<&[u8]>) {
        let hex = serial.map(hex::encode_upper).unwrap_or_default();
        let hex = if self.leading_zeros {
            hex.as_str()
        } else {
            hex.trim_start_matches('0')
        };
        o.str("serialNumber", hex);
    }
}

/// The report response: `{"statusCode":0,"reports":[` + the rows `write_rows` appends (each
/// row one JSON object, comma-separated) + `]}`, with SCM's download headers.
fn respond(name: &str, capacity: usize, write_rows: impl FnOnce(&mut Vec<u8>)) -> Res {
    let mut body = Vec::with_capacity(capacity);
    body.extend_from_slice(b"{\"statusCode\":0,\"reports\":[");
    write_rows(&mut body);
    body.extend_from_slice(b"]}");
    let mut r = util::json_bytes(StatusCode::OK, body, CT_JSON_UTF8);
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"rest_api_{name}.json\""))
    {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("must-revalidate"),
    );
    h.insert(header::PRAGMA, HeaderValue::from_static("public"));
    Ok(r)
}

/// Appends one row to a report body.
fn row(out: &mut Vec<u8>, first: &mut bool, f: impl FnOnce(&mut Obj<'_>)) {
    if !*first {
        out.push(b',');
    }
    *first = false;
    Obj::write(out, f);
}

fn check_output_type(ctx: &Ctx) -> Result<(), ApiError> {
    match ctx.q.get("output_type") {
        None => Ok(()),
        Some(v) if v.eq_ignore_ascii_case("buffered") => Ok(()),
        Some(_) => Err(invalid_field("output_type")),
    }
}

fn custom_fields(o: &mut Obj<'_>, fields: &[(String, String)]) {
    o.arr("customFields", fields, |o, (n, v)| {
        o.str("name", n).str("value", v);
    });
}

/// Body bytes to reserve for `rows` rows of about `per_row` bytes (capped: a guess).
fn capacity(rows: usize, per_row: usize) -> usize {
    rows.saturating_mul(per_row).min(256 << 20)
}

/// `certificateRequestSource` code → `requestedVia` display name.
fn request_source(code: i64) -> Option<&'static str> {
    Some(match code {
        0 => "Enrollment Form",
        1 => "Client Admin",
        2 => "Web API",
        3 => "Discovery",
        4 => "Imported",
        5 => "SCEP",
        7 => "MS Agent",
        9 => "Bulk Request",
        10 => "ACME",
        11 => "EST",
        12 => "REST API",
        _ => return None,
    })
}

/// POST `/api/report/v1/ssl-certificates`.
pub(crate) fn ssl(db: &Db, ctx: &Ctx) -> Res {
    check_output_type(ctx)?;
    let b = body_json(ctx.body)?;
    let f = filter_of(&b, &[0, 1, 2, 3, 4, 11], &[1, 2, 3, 4, 5])?;
    let cn = opt_str(&b, "commonName")?;
    let ext = opt_str(&b, "externalRequester")?;
    let source = match opt_i64(&b, "certificateRequestSource")? {
        Some(c) => {
            Some(request_source(c).ok_or_else(|| invalid_field("certificateRequestSource"))?)
        }
        None => None,
    };
    let iso = ctx.date_fmt(DateFmt::IsoHms);
    respond("ssl_certificates", capacity(db.ssl.len(), 1000), |out| {
        let mut first = true;
        for c in db.ssl.values() {
            let status_ok = match f.status {
                1 => matches!(
                    c.status,
                    SslStatus::Requested | SslStatus::Approved | SslStatus::Applied
                ),
                2 | 11 => c.status == SslStatus::Issued,
                3 => c.status == SslStatus::Revoked,
                4 => c.status == SslStatus::Expired,
                _ => true,
            };
            let when = match f.date_attr {
                Some(2) => c.revoked,
                Some(3) => c.expires,
                Some(4) => Some(c.requested),
                Some(1) | Some(5) => c.issued,
                _ => c.requested.into(),
            };
            if !status_ok
                || !f.org_ok(db, c.org_id)
                || !f.date_ok(when)
                || cn
                    .as_deref()
                    .is_some_and(|n| !util::contains_ci(&c.common_name, n))
                || ext
                    .as_deref()
                    .is_some_and(|e| !c.external_requester.as_deref().unwrap_or("").contains(e))
                || source.is_some_and(|s| s != c.requested_via)
            {
                continue;
            }
            let org = db.org(c.org_id);
            let profile = db.profile(c.profile_id);
            let (alg, size) = key_alg_size(&c.key_type);
            row(out, &mut first, |o| {
                o.int("id", c.id);
                if let Some(p) = profile {
                    o.str("type", p.name).int("typeId", p.id);
                }
                o.int("orgId", c.org_id)
                    .str("commonName", &c.common_name)
                    .str("status", c.status.as_str())
                    .str("requester", &c.requester);
                if let Some((a, _)) = &c.owner {
                    o.str("approver", a);
                }
                if let Some(e) = &c.external_requester {
                    o.str("externalRequester", e);
                }
                if let Some(org) = org {
                    o.str("organizationName", org.name);
                }
                o.int("orderNumber", c.order_number)
                    .str("backendCertId", &c.backend_cert_id)
                    .int("servers", 1)
                    .str("serverType", "OTHER")
                    .str("requestedVia", c.requested_via)
                    .int("term", c.term);
                if let Some(e) = &c.comments {
                    o.str("comments", e);
                }
                o.date("requested", iso, c.requested);
                for (k, v) in [
                    ("approved", c.approved),
                    ("declined", c.declined),
                    ("downloaded", c.issued),
                    ("expires", c.expires),
                    ("revoked", c.revoked),
                    ("replaced", c.replaced),
                ] {
                    if let Some(t) = v {
                        o.date(k, iso, t);
                    }
                }
                if let Some(x) = &c.cert {
                    o.str("issuer", &x.issuer);
                }
                f.serial(o, c.cert.as_ref().map(|x| &x.serial[..]));
                o.str("subjAltNames", &c.sans.join(","))
                    .str("publicKeyAlg", alg);
                if let Some(s) = size {
                    o.int("publicKeySize", s);
                }
                o.str("publicKeyType", &c.key_type);
                if let Some(org) = org {
                    o.str("city", org.city)
                        .str("state", org.state)
                        .str("country", org.country);
                }
                if let Some(x) = &c.cert {
                    o.hex("sha1", &x.sha1, true).hex("md5", &x.md5, true);
                }
                custom_fields(o, &c.custom_fields);
            });
        }
    })
}

/// `organization{id (a string!), name}`.
fn org_obj(o: &mut Obj<'_>, db: &Db, c: &OtherCert) {
    let name = db.org(c.org_id).map(|o| o.name).unwrap_or("");
    o.obj("organization", |o| {
        o.str("id", &c.org_id.to_string()).str("name", name);
    });
}

/// POST `/api/report/v1/client-certificates`.
pub(crate) fn client(db: &Db, ctx: &Ctx) -> Res {
    check_output_type(ctx)?;
    let b = body_json(ctx.body)?;
    let f = filter_of(&b, &[0, 2, 3, 4, 5, 6], &[0, 1, 2, 3])?;
    let iso = ctx.date_fmt(DateFmt::IsoHms);
    respond(
        "client_certificates",
        capacity(db.fam.client.len(), 560),
        |out| {
            let mut first = true;
            for c in db.fam.client.values() {
                let ok = match f.status {
                    2 => c.status == St::Issued,
                    3 => c.status == St::Revoked,
                    4 => c.status == St::Expired,
                    5 => matches!(c.status, St::Requested | St::Approved | St::Applied),
                    6 => matches!(c.status, St::Declined | St::Rejected),
                    _ => true,
                };
                let when = match f.date_attr {
                    Some(1) => c.issued,
                    Some(2) => c.revoked,
                    Some(3) => c.expires,
                    _ => Some(c.requested),
                };
                if !ok || !f.org_ok(db, c.org_id) || !f.date_ok(when) {
                    continue;
                }
                row(out, &mut first, |o| {
                    o.int("id", c.id);
                    match &c.cert {
                        Some(x) => o.str("subject", &x.subject),
                        None => o.str("subject", &format!("CN={}", c.common_name)),
                    };
                    o.str("email", &c.email)
                        .int("orderNumber", c.order_number)
                        .str("backendCertId", &c.backend_cert_id)
                        .date("enrolled", iso, c.requested);
                    if let Some(t) = c.issued {
                        o.date("downloaded", iso, t);
                    }
                    if let Some(t) = c.expires {
                        o.date("expire", iso, t);
                    }
                    o.str("enrollType", c.requested_via);
                    org_obj(o, db, c);
                    o.obj("person", |o| {
                        o.str("name", &c.common_name).str("email", &c.email).str(
                            "guid",
                            &format!("00000000-0000-4000-8000-{:012}", c.person_id.unwrap_or(0)),
                        );
                    });
                    custom_fields(o, &c.custom_fields);
                    if let Some(x) = &c.comments {
                        o.str("comments", x);
                    }
                });
            }
        },
    )
}

/// POST `/api/report/v1/device-certificates`.
pub(crate) fn device(db: &Db, ctx: &Ctx) -> Res {
    check_output_type(ctx)?;
    let b = body_json(ctx.body)?;
    let f = filter_of(&b, &[0, 1, 2, 3, 4, 7, 8, 9, 10], &[2, 3, 4, 5])?;
    let iso = ctx.date_fmt(DateFmt::IsoHms);
    respond(
        "device_certificates",
        capacity(db.fam.device.len(), 900),
        |out| {
            let mut first = true;
            for c in db.fam.device.values() {
                let ok = match f.status {
                    1 | 7 => c.status == St::Requested,
                    8 => c.status == St::Approved,
                    9 => c.status == St::Applied,
                    2 | 10 => c.status == St::Issued,
                    3 => c.status == St::Revoked,
                    4 => c.status == St::Expired,
                    _ => true,
                };
                let when = match f.date_attr {
                    Some(2) => c.revoked,
                    Some(3) => c.expires,
                    Some(5) => c.issued,
                    _ => Some(c.requested),
                };
                if !ok || !f.org_ok(db, c.org_id) || !f.date_ok(when) {
                    continue;
                }
                let org = db.org(c.org_id);
                let (alg, size) = key_alg_size(&c.key_type);
                let profile = db
                    .fam
                    .device_profiles
                    .iter()
                    .find(|p| p.id == c.profile_id)
                    .map(|p| p.name)
                    .unwrap_or("");
                row(out, &mut first, |o| {
                    o.int("id", c.id).str("commonName", &c.common_name);
                    if let Some(x) = &c.cert {
                        o.str("subject", &x.subject);
                    }
                    if let Some(a) = &c.owner {
                        o.str("approver", a);
                    }
                    if let Some(org) = org {
                        o.str("city", org.city)
                            .str("state", org.state)
                            .str("country", org.country);
                    }
                    o.str("deviceCertStatus", &c.status.render(Family::Device, true));
                    f.serial(o, c.cert.as_ref().map(|x| &x.serial[..]));
                    o.str("email", &c.email)
                        .int("orderNumber", c.order_number)
                        .str("backendCertId", &c.backend_cert_id)
                        .date("enrolled", iso, c.requested);
                    if let Some(t) = c.expires {
                        o.date("expire", iso, t);
                    }
                    o.str("enrollType", c.requested_via)
                        .str("keyAlgorithm", alg);
                    if let Some(s) = size {
                        o.int("keySize", s);
                    }
                    o.str("keyType", &c.key_type)
                        .str("signatureAlgorithm", "SHA256WITHECDSA")
                        .str("certTypeName", profile)
                        .str("keyUsage", "Digital Signature, Key Encipherment")
                        .str("extendedKeyUsage", "1.3.6.1.5.5.7.3.2, 1.3.6.1.5.5.7.3.1")
                        .int("caId", 1)
                        .str("caName", crate::emulator::ca::ISSUING_CN);
                    org_obj(o, db, c);
                    custom_fields(o, &c.custom_fields);
                    if let Some(x) = &c.comments {
                        o.str("comments", x);
                    }
                });
            }
        },
    )
}

/// POST `/api/report/v1/domains`.
pub(crate) fn domains(db: &Db, ctx: &Ctx) -> Res {
    check_output_type(ctx)?;
    let iso = ctx.date_fmt(DateFmt::IsoHms);
    respond("domains", capacity(db.domains.len(), 200), |out| {
        let mut first = true;
        for d in &db.domains {
            let dcv = match d.dcv.status {
                super::data::DcvStatus::Validated => "Validated",
                super::data::DcvStatus::Expired => "Expired",
                super::data::DcvStatus::NotValidated if d.dcv.order_submitted => "Action Required",
                super::data::DcvStatus::NotValidated => "Not Initiated",
            };
            row(out, &mut first, |o| {
                o.int("id", d.id)
                    .str("name", &d.name)
                    .str("status", if d.active { "Active" } else { "Suspended" });
                if let Some(t) = d.dcv.validation_date {
                    o.date("requested", iso, t - 3600);
                }
                if let Some(t) = d.dcv.expiration_date {
                    o.date("stickyUntil", iso, t);
                }
                o.str("dcvStatus", dcv);
            });
        }
    })
}
