//! SSL certificate endpoints (`/api/ssl/v1`, §2).

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::Ctx;
use super::data::{Db, SslCert, SslStatus};
use super::util::{
    self, ApiError, CT_JSON_UTF8, DateFmt, Query, Res, bad, contains_ci, hex_eq_ci, invalid_field,
    json_list,
};
use crate::emulator::ca::{DemoCa, pem_encode};

/// Display name ↔ filter enum name of `requestedVia` (§2.1).
const REQUESTED_VIA: &[(&str, &str)] = &[
    ("WEB_FORM", "Enrollment Form"),
    ("CLIENT_ADMIN", "Client Admin"),
    ("API", "Web API"),
    ("DISCOVERY", "Discovery"),
    ("IMPORTED", "Imported"),
    ("SCEP", "SCEP"),
    ("CD_AGENT", "CD Agent"),
    ("MS_AGENT", "MS Agent"),
    ("MS_CA", "MS CA"),
    ("BULK_REQUEST", "Bulk Request"),
    ("ACME", "ACME"),
    ("EST", "EST"),
    ("REST", "REST API"),
];

pub(crate) fn wrong_id(raw: &str) -> ApiError {
    bad(-124, format!("Wrong SSL certificate id {raw}."))
}

/// Parses an `{sslId}` path segment.
pub(crate) fn parse_id(raw: &str) -> Result<i64, ApiError> {
    raw.trim().parse::<i64>().map_err(|_| wrong_id(raw))
}

/// The list/count filters of §2.4, read once per request. Empty values are no filter.
struct SslFilter<'q> {
    common_name: Option<&'q str>,
    san: Option<&'q str>,
    status: Option<&'q str>,
    profile_id: Option<i64>,
    org_id: Option<i64>,
    serial: Option<&'q str>,
    requester: Option<&'q str>,
    external_requester: Option<&'q str>,
    requested_via: Option<&'q str>,
    key_algorithm: Option<&'q str>,
    key_param: Option<&'q str>,
    issuer: Option<&'q str>,
    vendor: Option<&'q str>,
    sha1: Option<&'q str>,
    md5: Option<&'q str>,
    sha256: Option<&'q str>,
    renewal_status: Option<&'q str>,
    install_status: Option<&'q str>,
    discovery_status: Option<&'q str>,
}

impl<'q> SslFilter<'q> {
    fn parse(q: &'q Query) -> Result<SslFilter<'q>, ApiError> {
        Ok(SslFilter {
            common_name: q.get("commonName"),
            san: q.get("subjectAlternativeName"),
            status: q.get("status"),
            profile_id: q.int("sslTypeId").map_err(|n| invalid_field(&n))?,
            org_id: q.int("orgId").map_err(|n| invalid_field(&n))?,
            serial: q.get("serialNumber"),
            requester: q.get("requester"),
            external_requester: q.get("externalRequester"),
            requested_via: q.get("requestedVia"),
            key_algorithm: q.get("keyAlgorithm"),
            key_param: q.get("keyParam"),
            issuer: q.get("issuer"),
            vendor: q.get("vendor"),
            sha1: q.get("sha1Hash"),
            md5: q.get("md5Hash"),
            sha256: q.get("sha256Hash"),
            renewal_status: q.get("renewalStatus"),
            install_status: q.get("installStatus"),
            discovery_status: q.get("discoveryStatus"),
        })
    }

    /// No filter at all: the list is every certificate in id order.
    fn is_empty(&self) -> bool {
        let SslFilter {
            common_name,
            san,
            status,
            profile_id,
            org_id,
            serial,
            requester,
            external_requester,
            requested_via,
            key_algorithm,
            key_param,
            issuer,
            vendor,
            sha1,
            md5,
            sha256,
            renewal_status,
            install_status,
            discovery_status,
        } = self;
        profile_id.is_none()
            && org_id.is_none()
            && [
                common_name,
                san,
                status,
                serial,
                requester,
                external_requester,
                requested_via,
                key_algorithm,
                key_param,
                issuer,
                vendor,
                sha1,
                md5,
                sha256,
                renewal_status,
                install_status,
                discovery_status,
            ]
            .iter()
            .all(|v| v.is_none())
    }

    fn matches(&self, c: &SslCert, db: &Db) -> bool {
        if let Some(v) = self.common_name
            && !contains_ci(&c.common_name, v)
        {
            return false;
        }
        if let Some(v) = self.san
            && !c.sans.iter().any(|s| contains_ci(s, v))
        {
            return false;
        }
        // A comma list is accepted too.
        if let Some(v) = self.status
            && !v
                .split(',')
                .any(|s| s.trim().eq_ignore_ascii_case(c.status.as_str()))
        {
            return false;
        }
        if let Some(v) = self.profile_id
            && c.profile_id != v
        {
            return false;
        }
        if let Some(v) = self.org_id {
            // An organisation id also matches its departments.
            let in_org = c.org_id == v
                || db
                    .orgs
                    .iter()
                    .any(|o| o.id == v && o.departments.iter().any(|(d, _)| *d == c.org_id));
            if !in_org {
                return false;
            }
        }
        if let Some(v) = self.serial
            && !c.cert.as_ref().is_some_and(|x| x.serial_matches(v))
        {
            return false;
        }
        if let Some(v) = self.requester
            && !contains_ci(&c.requester, v)
        {
            return false;
        }
        if let Some(v) = self.external_requester
            && !c
                .external_requester
                .as_deref()
                .is_some_and(|e| contains_ci(e, v))
        {
            return false;
        }
        if let Some(v) = self.requested_via {
            let display = REQUESTED_VIA
                .iter()
                .find(|(e, d)| e.eq_ignore_ascii_case(v) || d.eq_ignore_ascii_case(v))
                .map(|(_, d)| *d);
            if display != Some(c.requested_via) {
                return false;
            }
        }
        if let Some(v) = self.key_algorithm
            && !c
                .key_type
                .split(" - ")
                .next()
                .is_some_and(|a| a.eq_ignore_ascii_case(v))
        {
            return false;
        }
        if let Some(v) = self.key_param
            && !c
                .key_type
                .split(" - ")
                .nth(1)
                .is_some_and(|p| p.eq_ignore_ascii_case(v))
        {
            return false;
        }
        if let Some(v) = self.issuer
            && !c.cert.as_ref().is_some_and(|x| contains_ci(&x.issuer, v))
        {
            return false;
        }
        if let Some(v) = self.vendor
            && !contains_ci(VENDOR, v)
        {
            return false;
        }
        for (want, pick) in [(self.md5, 0usize), (self.sha1, 1), (self.sha256, 2)] {
            if let Some(v) = want {
                let ok = c.cert.as_ref().is_some_and(|x| match pick {
                    0 => hex_eq_ci(&x.md5, v),
                    1 => hex_eq_ci(&x.sha1, v),
                    _ => hex_eq_ci(&x.sha256, v),
                });
                if !ok {
                    return false;
                }
            }
        }
        if let Some(v) = self.renewal_status {
            let st = c.auto_renew.0.replace(' ', "_");
            if !st.eq_ignore_ascii_case(v) {
                return false;
            }
        }
        // Auto-install is never configured in the demo data.
        if let Some(v) = self.install_status
            && !v.eq_ignore_ascii_case("NONE")
            && !v.eq_ignore_ascii_case("NOT_STARTED")
        {
            return false;
        }
        if let Some(v) = self.discovery_status {
            let deployed = c.requested_via == "Discovery";
            if v.eq_ignore_ascii_case("Deployed") != deployed {
                return false;
            }
        }
        true
    }
}

pub(crate) const VENDOR: &str = "certdeck Demo CA";

/// GET `/api/ssl/v1`. Unfiltered, a page is a slice of the id order; filtered, every row is
/// tested.
pub(crate) fn list(db: &Db, ctx: &Ctx) -> Res {
    let f = SslFilter::parse(ctx.q)?;
    let (pos, size) = util::page_params(ctx.q)?;
    let item = |c: &SslCert| {
        let mut m = Map::new();
        m.insert("sslId".into(), json!(c.id));
        m.insert("commonName".into(), json!(c.common_name));
        m.insert("subjectAlternativeNames".into(), json!(c.sans));
        if let Some(s) = c.serial() {
            m.insert("serialNumber".into(), json!(s));
        }
        Value::Object(m)
    };
    let (items, total) = if f.is_empty() {
        let page = db.ssl.page(pos, size);
        (page.iter().map(item).collect(), db.ssl.len())
    } else {
        let mut total = 0;
        let mut items = Vec::new();
        for c in db.ssl.values().filter(|c| f.matches(c, db)) {
            if total >= pos && size.is_none_or(|s| items.len() < s) {
                items.push(item(c));
            }
            total += 1;
        }
        (items, total)
    };
    Ok(json_list(items, total, CT_JSON_UTF8))
}

/// HEAD `/api/ssl/v1`.
pub(crate) fn count(db: &Db, ctx: &Ctx) -> Res {
    let f = SslFilter::parse(ctx.q)?;
    let total = if f.is_empty() {
        db.ssl.len()
    } else {
        db.ssl.values().filter(|c| f.matches(c, db)).count()
    };
    Ok(util::count_only(total))
}

/// GET `/api/ssl/v1/types`.
pub(crate) fn types(db: &Db, ctx: &Ctx) -> Res {
    ctx.q.int("organizationId").map_err(|n| invalid_field(&n))?;
    let v: Vec<Value> = db.profiles.iter().map(|p| p.to_json()).collect();
    Ok(util::json(StatusCode::OK, &Value::Array(v), CT_JSON_UTF8))
}

/// GET `/api/ssl/v1/customFields`.
pub(crate) fn custom_fields(db: &Db) -> Res {
    let v: Vec<Value> = db
        .custom_fields
        .iter()
        .map(|f| json!({"id": f.id, "name": f.name, "mandatory": f.mandatory}))
        .collect();
    Ok(util::json(StatusCode::OK, &Value::Array(v), CT_JSON_UTF8))
}

/// The details object (§2.5).
pub(crate) fn details_json(c: &SslCert, db: &Db, fmt: DateFmt) -> Value {
    let mut m = Map::new();
    let mut put = |k: &str, v: Value| {
        m.insert(k.to_string(), v);
    };
    put("commonName", json!(c.common_name));
    put("sslId", json!(c.id));
    put("id", json!(c.id));
    put("orgId", json!(c.org_id));
    put("status", json!(c.status.as_str()));
    put("orderNumber", json!(c.order_number));
    put("backendCertId", json!(c.backend_cert_id));
    put("vendor", json!(VENDOR));
    if let Some(p) = db.profile(c.profile_id) {
        put("certType", p.to_json());
        put("validationType", json!(p.validation_type));
    }
    put("term", json!(c.term));
    if let Some((name, id)) = &c.owner {
        put("owner", json!(name));
        put("ownerId", json!(id));
    }
    put("requester", json!(c.requester));
    if let Some(id) = c.requester_id {
        put("requesterId", json!(id));
    }
    put("requestedVia", json!(c.requested_via));
    if let Some(e) = &c.external_requester {
        put("externalRequester", json!(e));
    }
    if let Some(e) = &c.comments {
        put("comments", json!(e));
    }
    put("requested", json!(fmt.fmt(c.requested)));
    for (k, v) in [
        ("approved", c.approved),
        ("issued", c.issued),
        ("declined", c.declined),
        ("expires", c.expires),
        ("replaced", c.replaced),
        ("revoked", c.revoked),
        ("renewedDate", c.renewed_date),
    ] {
        if let Some(t) = v {
            put(k, json!(fmt.fmt(t)));
        }
    }
    if let Some(r) = c.reason_code {
        put("reasonCode", json!(r));
    }
    put("renewed", json!(c.renewed));
    let (alg, size) = key_alg_size(&c.key_type);
    put("keyAlgorithm", json!(alg));
    if let Some(s) = size {
        put("keySize", json!(s));
    }
    put("keyType", json!(c.key_type));
    put("subjectAlternativeNames", json!(c.sans));
    if !c.custom_fields.is_empty() {
        put(
            "customFields",
            Value::Array(
                c.custom_fields
                    .iter()
                    .map(|(n, v)| json!({"name": n, "value": v}))
                    .collect(),
            ),
        );
    }
    if let Some(x) = &c.cert {
        put("serialNumber", json!(x.serial_colon_hex()));
        put("signatureAlg", json!("SHA256WITHECDSA"));
        put(
            "keyUsages",
            json!(["Digital Signature", "Key Encipherment"]),
        );
        put("extendedKeyUsages", json!(["1.3.6.1.5.5.7.3.1"]));
        let sans = c
            .sans
            .iter()
            .map(|s| format!("dNSName={s}"))
            .collect::<Vec<_>>()
            .join(", ");
        put(
            "certificateDetails",
            json!({
                "issuer": &*x.issuer,
                "subject": x.subject,
                "subjectAltNames": sans,
                "md5Hash": x.md5_hex(),
                "sha1Hash": x.sha1_hex(),
                "sha256Hash": x.sha256_hex(),
            }),
        );
    }
    if let Some(csr) = &c.csr {
        put(
            "csrDetails",
            json!({"csr": csr.pem(), "md5Hash": csr.md5_hex(), "sha1Hash": csr.sha1_hex(),
                   "sha256Hash": csr.sha256_hex()}),
        );
    }
    put("autoInstallDetails", json!({"state": "Not configured"}));
    let mut ar = Map::new();
    ar.insert("state".into(), json!(c.auto_renew.0));
    if let Some(d) = c.auto_renew.1 {
        ar.insert("daysBeforeExpiration".into(), json!(d));
    }
    put("autoRenewDetails", Value::Object(ar));
    put("suspendNotifications", json!(c.suspend_notifications));
    Value::Object(m)
}

/// "EC - P-256" → ("EC", Some(256)); "RSA - 2048" → ("RSA", Some(2048)).
pub(crate) fn key_alg_size(key_type: &str) -> (&str, Option<i64>) {
    let mut it = key_type.split(" - ");
    let alg = it.next().unwrap_or("").trim();
    let size = it.next().and_then(|p| {
        let digits: String = p.chars().filter(|c| c.is_ascii_digit()).collect();
        digits.parse().ok()
    });
    (alg, size)
}

/// GET `/api/ssl/v1/{sslId}`.
pub(crate) fn details(db: &Db, ctx: &Ctx, raw_id: &str) -> Res {
    let id = parse_id(raw_id)?;
    let c = db.ssl.get(&id).ok_or_else(|| wrong_id(raw_id))?;
    Ok(util::json(
        StatusCode::OK,
        &details_json(c, db, ctx.date_fmt(DateFmt::Us)),
        CT_JSON_UTF8,
    ))
}

/// Collect formats (§2.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CollectFormat {
    /// leaf, issuing, root (PEM)
    X509,
    /// leaf only (PEM)
    X509Co,
    /// issuing, root (PEM)
    X509Io,
    /// root, issuing (PEM)
    X509Ior,
    /// root, issuing, leaf (PEM)
    X509R,
    /// leaf, issuing (PEM)
    PemIa,
    /// PKCS#7 PEM
    Base64,
    /// PKCS#7 DER
    Bin,
}

impl CollectFormat {
    pub(crate) fn parse(v: &str) -> Option<CollectFormat> {
        Some(match v.trim().to_ascii_lowercase().as_str() {
            "x509" | "pem" => CollectFormat::X509,
            "x509co" | "pemco" => CollectFormat::X509Co,
            "x509io" => CollectFormat::X509Io,
            "x509ior" => CollectFormat::X509Ior,
            "x509r" => CollectFormat::X509R,
            "pemia" => CollectFormat::PemIa,
            "base64" => CollectFormat::Base64,
            "bin" => CollectFormat::Bin,
            _ => return None,
        })
    }

    /// Renders the download for the leaf `leaf_der`.
    pub(crate) fn render(self, ca: &DemoCa, leaf_der: &[u8]) -> Vec<u8> {
        let leaf_pem = pem_encode("CERTIFICATE", leaf_der);
        let s = match self {
            CollectFormat::X509 => format!("{leaf_pem}{}{}", ca.issuing_pem(), ca.root_pem()),
            CollectFormat::X509Co => leaf_pem.to_string(),
            CollectFormat::X509Io => format!("{}{}", ca.issuing_pem(), ca.root_pem()),
            CollectFormat::X509Ior => format!("{}{}", ca.root_pem(), ca.issuing_pem()),
            CollectFormat::X509R => format!("{}{}{leaf_pem}", ca.root_pem(), ca.issuing_pem()),
            CollectFormat::PemIa => format!("{leaf_pem}{}", ca.issuing_pem()),
            CollectFormat::Base64 => pem_encode("PKCS7", &ca.pkcs7_der(Some(leaf_der))),
            CollectFormat::Bin => return ca.pkcs7_der(Some(leaf_der)),
        };
        s.into_bytes()
    }

    pub(crate) fn extension(self) -> &'static str {
        match self {
            CollectFormat::Base64 => "p7b",
            CollectFormat::Bin => "p7c",
            CollectFormat::X509Co => "crt",
            _ => "pem",
        }
    }
}

/// GET `/api/ssl/v1/collect/{sslId}?format=` and legacy `/collect/{sslId}/{format}`.
pub(crate) fn collect(
    db: &Db,
    ca: &DemoCa,
    ctx: &Ctx,
    raw_id: &str,
    path_format: Option<&str>,
) -> Res {
    let id = parse_id(raw_id)?;
    let fmt_raw = path_format
        .or_else(|| ctx.q.get("format"))
        .unwrap_or("base64");
    let Some(fmt) = CollectFormat::parse(fmt_raw) else {
        return Err(bad(
            -126,
            format!("Unknown SSL certificate file format requested: {fmt_raw}"),
        ));
    };
    let Some(c) = db.ssl.get(&id) else {
        return Err(wrong_id(raw_id));
    };
    if c.status == SslStatus::Revoked {
        return Err(bad(
            -110,
            "Certificate has been revoked and cannot be downloaded.",
        ));
    }
    let Some(x) = c.cert.as_ref().filter(|_| c.status.has_certificate()) else {
        return Err(bad(-183, "Certificate is not collectable."));
    };
    let body = fmt.render(ca, &x.der);
    let name = format!("{}.{}", util::file_stem(&c.common_name), fmt.extension());
    Ok(util::download(body, &name))
}
