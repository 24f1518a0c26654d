//! Report APIs v1 (JSON, §11.2): SSL, client, device certificates and domains.

use axum::http::{HeaderValue, StatusCode, header};
use serde_json::{Map, Value, json};

use super::Ctx;
use super::data::{DAY, Db, SslStatus};
use super::family::{Family, OtherCert, St};
use super::ssl::key_alg_size;
use super::ssl_flow::parse_date;
use super::util::{
    self, ApiError, CT_JSON_UTF8, DateFmt, Res, body_json, invalid_field, opt_i64, opt_str,
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

    fn serial(&self, s: Option<&str>) -> Value {
        match s {
            None => json!(""),
            Some(s) => {
                let hex: String = s.chars().filter(|c| *c != ':').collect();
                if self.leading_zeros {
                    json!(hex)
                } else {
                    json!(hex.trim_start_matches('0'))
                }
            }
        }
    }
}

fn respond(name: &str, rows: Vec<Value>) -> Res {
    let mut r = util::json(
        StatusCode::OK,
        &json!({"statusCode": 0, "reports": rows}),
        CT_JSON_UTF8,
    );
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

fn check_output_type(ctx: &Ctx) -> Result<(), ApiError> {
    match ctx.q.get("output_type") {
        None => Ok(()),
        Some(v) if v.eq_ignore_ascii_case("buffered") => Ok(()),
        Some(_) => Err(invalid_field("output_type")),
    }
}

fn custom_json(fields: &[(String, String)]) -> Value {
    Value::Array(
        fields
            .iter()
            .map(|(n, v)| json!({"name": n, "value": v}))
            .collect(),
    )
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
    let mut rows = Vec::new();
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
        let mut m = Map::new();
        let mut put = |k: &str, v: Value| {
            m.insert(k.to_string(), v);
        };
        put("id", json!(c.id));
        put("commonName", json!(c.common_name));
        put("orgId", json!(c.org_id));
        if let Some(o) = org {
            put("organizationName", json!(o.name));
            put("city", json!(o.city));
            put("state", json!(o.state));
            put("country", json!(o.country));
        }
        put("status", json!(c.status.as_str()));
        put("orderNumber", json!(c.order_number));
        put("backendCertId", json!(c.backend_cert_id));
        put("servers", json!(1));
        put("serverType", json!("OTHER"));
        if let Some(p) = profile {
            put("typeId", json!(p.id));
            put("type", json!(p.name));
        }
        put("term", json!(c.term));
        if let Some(x) = &c.cert {
            put("issuer", json!(x.issuer));
            put("sha1", json!(x.sha1_hex));
            put("md5", json!(x.md5_hex));
        }
        put("requester", json!(c.requester));
        if let Some((a, _)) = &c.owner {
            put("approver", json!(a));
        }
        if let Some(e) = &c.external_requester {
            put("externalRequester", json!(e));
        }
        if let Some(e) = &c.comments {
            put("comments", json!(e));
        }
        put("requested", json!(iso.fmt(c.requested)));
        for (k, v) in [
            ("approved", c.approved),
            ("declined", c.declined),
            ("downloaded", c.issued),
            ("expires", c.expires),
            ("revoked", c.revoked),
            ("replaced", c.replaced),
        ] {
            if let Some(t) = v {
                put(k, json!(iso.fmt(t)));
            }
        }
        put("publicKeyAlg", json!(alg));
        if let Some(s) = size {
            put("publicKeySize", json!(s));
        }
        put("publicKeyType", json!(c.key_type));
        put("subjAltNames", json!(c.sans.join(",")));
        put("serialNumber", f.serial(c.serial()));
        put("requestedVia", json!(c.requested_via));
        put("customFields", custom_json(&c.custom_fields));
        rows.push(Value::Object(m));
    }
    respond("ssl_certificates", rows)
}

fn org_obj(db: &Db, c: &OtherCert) -> Value {
    let name = db.org(c.org_id).map(|o| o.name).unwrap_or("");
    json!({"id": c.org_id.to_string(), "name": name})
}

/// POST `/api/report/v1/client-certificates`.
pub(crate) fn client(db: &Db, ctx: &Ctx) -> Res {
    check_output_type(ctx)?;
    let b = body_json(ctx.body)?;
    let f = filter_of(&b, &[0, 2, 3, 4, 5, 6], &[0, 1, 2, 3])?;
    let iso = ctx.date_fmt(DateFmt::IsoHms);
    let mut rows = Vec::new();
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
        let mut m = Map::new();
        m.insert("id".into(), json!(c.id));
        m.insert(
            "subject".into(),
            json!(
                c.cert
                    .as_ref()
                    .map(|x| x.subject.clone())
                    .unwrap_or_else(|| format!("CN={}", c.common_name))
            ),
        );
        m.insert("email".into(), json!(c.email));
        m.insert("orderNumber".into(), json!(c.order_number));
        m.insert("backendCertId".into(), json!(c.backend_cert_id));
        m.insert("enrolled".into(), json!(iso.fmt(c.requested)));
        if let Some(t) = c.issued {
            m.insert("downloaded".into(), json!(iso.fmt(t)));
        }
        if let Some(t) = c.expires {
            m.insert("expire".into(), json!(iso.fmt(t)));
        }
        m.insert("enrollType".into(), json!(c.requested_via));
        m.insert("organization".into(), org_obj(db, c));
        m.insert(
            "person".into(),
            json!({"name": c.common_name, "email": c.email,
                   "guid": format!("00000000-0000-4000-8000-{:012}", c.person_id.unwrap_or(0))}),
        );
        m.insert("customFields".into(), custom_json(&c.custom_fields));
        if let Some(x) = &c.comments {
            m.insert("comments".into(), json!(x));
        }
        rows.push(Value::Object(m));
    }
    respond("client_certificates", rows)
}

/// POST `/api/report/v1/device-certificates`.
pub(crate) fn device(db: &Db, ctx: &Ctx) -> Res {
    check_output_type(ctx)?;
    let b = body_json(ctx.body)?;
    let f = filter_of(&b, &[0, 1, 2, 3, 4, 7, 8, 9, 10], &[2, 3, 4, 5])?;
    let iso = ctx.date_fmt(DateFmt::IsoHms);
    let mut rows = Vec::new();
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
        let mut m = Map::new();
        m.insert("id".into(), json!(c.id));
        m.insert("commonName".into(), json!(c.common_name));
        if let Some(x) = &c.cert {
            m.insert("subject".into(), json!(x.subject));
        }
        if let Some(o) = &c.owner {
            m.insert("approver".into(), json!(o));
        }
        if let Some(o) = org {
            m.insert("city".into(), json!(o.city));
            m.insert("state".into(), json!(o.state));
            m.insert("country".into(), json!(o.country));
        }
        m.insert(
            "deviceCertStatus".into(),
            json!(c.status.render(Family::Device, true)),
        );
        m.insert(
            "serialNumber".into(),
            f.serial(c.cert.as_ref().map(|x| x.serial_colon_hex.as_str())),
        );
        m.insert("email".into(), json!(c.email));
        m.insert("orderNumber".into(), json!(c.order_number));
        m.insert("backendCertId".into(), json!(c.backend_cert_id));
        m.insert("enrolled".into(), json!(iso.fmt(c.requested)));
        if let Some(t) = c.expires {
            m.insert("expire".into(), json!(iso.fmt(t)));
        }
        m.insert("enrollType".into(), json!(c.requested_via));
        m.insert("keyAlgorithm".into(), json!(alg));
        if let Some(s) = size {
            m.insert("keySize".into(), json!(s));
        }
        m.insert("keyType".into(), json!(c.key_type));
        m.insert("signatureAlgorithm".into(), json!("SHA256WITHECDSA"));
        m.insert("certTypeName".into(), json!(profile));
        m.insert(
            "keyUsage".into(),
            json!("Digital Signature, Key Encipherment"),
        );
        m.insert(
            "extendedKeyUsage".into(),
            json!("1.3.6.1.5.5.7.3.2, 1.3.6.1.5.5.7.3.1"),
        );
        m.insert("caId".into(), json!(1));
        m.insert("caName".into(), json!(crate::emulator::ca::ISSUING_CN));
        m.insert("organization".into(), org_obj(db, c));
        m.insert("customFields".into(), custom_json(&c.custom_fields));
        if let Some(x) = &c.comments {
            m.insert("comments".into(), json!(x));
        }
        rows.push(Value::Object(m));
    }
    respond("device_certificates", rows)
}

/// POST `/api/report/v1/domains`.
pub(crate) fn domains(db: &Db, ctx: &Ctx) -> Res {
    check_output_type(ctx)?;
    let iso = ctx.date_fmt(DateFmt::IsoHms);
    let rows = db
        .domains
        .iter()
        .map(|d| {
            let dcv = match d.dcv.status {
                super::data::DcvStatus::Validated => "Validated",
                super::data::DcvStatus::Expired => "Expired",
                super::data::DcvStatus::NotValidated if d.dcv.order_submitted => "Action Required",
                super::data::DcvStatus::NotValidated => "Not Initiated",
            };
            let mut v = json!({
                "id": d.id,
                "name": d.name,
                "status": if d.active { "Active" } else { "Suspended" },
                "dcvStatus": dcv,
            });
            if let Some(t) = d.dcv.validation_date {
                v["requested"] = json!(iso.fmt(t - 3600));
            }
            if let Some(t) = d.dcv.expiration_date {
                v["stickyUntil"] = json!(iso.fmt(t));
            }
            v
        })
        .collect();
    respond("domains", rows)
}
