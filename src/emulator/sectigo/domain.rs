//! Domain-level DCV (`/api/dcv`, §6), domains (`/api/domain/v1`, §7) and organizations
//! (`/api/organization/v1`, §8).

use axum::http::{HeaderValue, StatusCode, header};
use serde_json::{Map, Value, json};

use super::Ctx;
use super::data::{DAY, Db, Dcv, DcvStatus, Delegation, Domain, random_token};
use super::util::{
    self, ApiError, CT_JSON, DateFmt, Res, bad, body_json, contains_ci, invalid_field, json_list,
    opt_str, req_i64, req_str,
};

fn domain_missing(name: &str) -> ApiError {
    bad(-727, format!("The domain '{name}' does not exist."))
}

/// The domain named in a `{"domain": ...}` body.
fn domain_idx_of(db: &Db, b: &Value) -> Result<usize, ApiError> {
    let name = req_str(b, "domain")?;
    let n = name.trim().trim_end_matches('.').to_ascii_lowercase();
    if n.len() < 3 || n.len() > 255 {
        return Err(invalid_field("domain"));
    }
    match db.domains.iter().position(|d| d.name == n) {
        Some(i) => Ok(i),
        None => {
            if db.domain_index(&n).is_some() {
                Err(bad(
                    -723,
                    format!(
                        "{n} is not a high-level domain. Only high-level domains can be validated."
                    ),
                ))
            } else {
                Err(domain_missing(&n))
            }
        }
    }
}

fn ok_json(v: Value) -> Res {
    Ok(util::json(StatusCode::OK, &v, CT_JSON))
}

fn order_status(d: &Dcv) -> &'static str {
    if d.order_submitted {
        "SUBMITTED"
    } else {
        "NOT_INITIATED"
    }
}

/// A submitted order whose instructions were followed validates on the next look.
fn settle(db: &mut Db, i: usize, now: i64) {
    if !db.domains[i].dcv.order_submitted {
        return;
    }
    let published = db.dcv_followed(i, now);
    let d = &mut db.domains[i].dcv;
    d.last_check = Some(now);
    if published && d.status != DcvStatus::Validated {
        validate(d, now);
    }
}

fn validate(d: &mut Dcv, now: i64) {
    d.status = DcvStatus::Validated;
    d.method = Some(match d.order_mode.unwrap_or("EMAIL") {
        "CNAME" => "CNAME_CSR_HASH",
        "HTTP" => "HTTP_CSR_HASH",
        "HTTPS" => "HTTPS_CSR_HASH",
        "TXT" => "DNSTXT_RANDOM_VALUE",
        _ => "EMAIL",
    });
    d.validation_date = Some(now);
    d.expiration_date = Some(now + 365 * DAY);
}

fn http_instructions(d: &Domain, scheme: &str) -> Value {
    let (md5, sha) = d.dcv_hashes();
    json!({
        "url": format!("{scheme}://{}/.well-known/pki-validation/{md5}.txt", d.name),
        "firstLine": sha,
        "secondLine": "sectigo.com",
    })
}

fn cname_instructions(d: &Domain) -> Value {
    let (md5, sha) = d.dcv_hashes();
    json!({
        "host": format!("_{}.{}.", md5.to_lowercase(), d.name),
        "point": format!("{}.{}.sectigo.com.", &sha[..32], &sha[32..]),
    })
}

/// The full status object (§6.2).
fn status_json(d: &Domain, ctx: &Ctx, minimal: bool) -> Value {
    let day = ctx.date_fmt(DateFmt::Iso);
    let stamp = ctx.date_fmt(DateFmt::IsoHms);
    let v = &d.dcv;
    let mut m = Map::new();
    m.insert("status".into(), json!(v.status.as_str()));
    if let Some(t) = v.validation_date {
        m.insert("validationDate".into(), json!(day.fmt(t)));
    }
    if let Some(t) = v.expiration_date {
        m.insert("expirationDate".into(), json!(day.fmt(t)));
    }
    m.insert("orderStatus".into(), json!(order_status(v)));
    if minimal {
        return Value::Object(m);
    }
    if let Some(mode) = v.order_mode {
        m.insert("orderMode".into(), json!(mode));
        let extra = match mode {
            "HTTP" => http_instructions(d, "http"),
            "HTTPS" => http_instructions(d, "https"),
            "CNAME" => cname_instructions(d),
            "TXT" => json!({"host": format!("_pki-validation.{}.", d.name),
                            "point": v.txt_value.clone().unwrap_or_default()}),
            _ => {
                let mut e = json!({});
                if let Some(a) = &v.validation_email {
                    e["validationEmail"] = json!(a);
                }
                if let Some(r) = &v.email_ref {
                    e["emailValidationReferenceNumber"] = json!(r);
                }
                e
            }
        };
        if let Value::Object(x) = extra {
            m.extend(x);
        }
    }
    if let Some(b) = &v.order_backend_id {
        m.insert("orderBackendId".into(), json!(b));
    }
    if v.order_submitted
        && let Some(s) = v.submitted_date
    {
        m.insert("submittedDate".into(), json!(day.fmt(s)));
        m.insert("orderExpiration".into(), json!(stamp.fmt(s + 30 * DAY)));
        let last = v.last_check.unwrap_or(s);
        m.insert("lastCheck".into(), json!(stamp.fmt(last)));
        m.insert("nextCheck".into(), json!(stamp.fmt(last + 2 * 3600)));
    }
    Value::Object(m)
}

/// GET `/api/dcv/v1/validation`.
pub(crate) fn dcv_list(db: &Db, ctx: &Ctx) -> Res {
    let q = ctx.q;
    let org = q.int("org").map_err(|n| invalid_field(&n))?;
    let dept = q.int("department").map_err(|n| invalid_field(&n))?;
    let expires_in = q.int("expiresIn").map_err(|n| invalid_field(&n))?;
    let status = match q.get("dcvStatus") {
        Some(s) => Some(DcvStatus::parse(s).ok_or_else(|| invalid_field("dcvStatus"))?),
        None => None,
    };
    let order = q
        .get("orderStatus")
        .map(|s| s.trim().to_ascii_uppercase().replace(' ', "_"));
    let rows: Vec<&Domain> = db
        .domains
        .iter()
        .filter(|d| q.get("domain").is_none_or(|n| contains_ci(&d.name, n)))
        .filter(|d| {
            org.is_none_or(|o| {
                d.delegations
                    .iter()
                    .any(|g| g.org_id == o || db.org(g.org_id).is_some_and(|x| x.id == o))
            })
        })
        .filter(|d| dept.is_none_or(|o| d.delegations.iter().any(|g| g.org_id == o)))
        .filter(|d| status.is_none_or(|s| d.dcv.status == s))
        .filter(|d| order.as_deref().is_none_or(|o| o == order_status(&d.dcv)))
        .filter(|d| {
            expires_in.is_none_or(|n| {
                d.dcv
                    .expiration_date
                    .is_some_and(|e| e >= ctx.now && e <= ctx.now + n * DAY)
            })
        })
        .collect();
    let total = rows.len();
    let day = ctx.date_fmt(DateFmt::Iso);
    let items = util::page(rows, q)?
        .into_iter()
        .map(|d| {
            let mut m = Map::new();
            m.insert("domain".into(), json!(d.name));
            m.insert("dcvStatus".into(), json!(d.dcv.status.as_str()));
            if let Some(x) = d.dcv.method {
                m.insert("dcvMethod".into(), json!(x));
            }
            m.insert("dcvOrderStatus".into(), json!(order_status(&d.dcv)));
            if let Some(x) = d.dcv.order_mode {
                m.insert("dcvOrderMethod".into(), json!(x));
            }
            if let Some(e) = d.dcv.expiration_date {
                m.insert("expirationDate".into(), json!(day.fmt(e)));
            }
            Value::Object(m)
        })
        .collect();
    Ok(json_list(items, total, CT_JSON))
}

/// POST `/api/dcv/v{1,2}/validation/status`.
pub(crate) fn dcv_status(db: &mut Db, ctx: &Ctx, v2: bool) -> Res {
    let b = body_json(ctx.body)?;
    let i = domain_idx_of(db, &b)?;
    settle(db, i, ctx.now);
    ok_json(status_json(&db.domains[i], ctx, !v2))
}

/// POST `/api/dcv/v1/validation/sync`.
pub(crate) fn dcv_sync(db: &mut Db, ctx: &Ctx) -> Res {
    let b = body_json(ctx.body)?;
    let i = domain_idx_of(db, &b)?;
    settle(db, i, ctx.now);
    ok_json(status_json(&db.domains[i], ctx, false))
}

/// POST `/api/dcv/v1/validation/clear`: the order goes back to NOT_INITIATED.
pub(crate) fn dcv_clear(db: &mut Db, ctx: &Ctx) -> Res {
    let b = body_json(ctx.body)?;
    let i = domain_idx_of(db, &b)?;
    let d = &mut db.domains[i].dcv;
    d.order_submitted = false;
    d.order_mode = None;
    d.order_backend_id = None;
    d.submitted_date = None;
    d.email_ref = None;
    d.validation_email = None;
    d.txt_value = None;
    let st = d.status.as_str();
    ok_json(json!({
        "status": st,
        "orderStatus": "NOT_INITIATED",
        "message": format!("DCV status: {st}; DCV order status: NOT_INITIATED"),
    }))
}

/// POST `/api/dcv/v1/validation/delete`: the validation is removed (200, empty body).
pub(crate) fn dcv_delete(db: &mut Db, ctx: &Ctx) -> Res {
    let b = body_json(ctx.body)?;
    let i = domain_idx_of(db, &b)?;
    db.domains[i].dcv = Dcv {
        status: DcvStatus::NotValidated,
        method: None,
        validation_date: None,
        expiration_date: None,
        order_submitted: false,
        order_mode: None,
        order_backend_id: None,
        submitted_date: None,
        last_check: None,
        validation_email: None,
        email_ref: None,
        txt_value: None,
    };
    let name = db.domains[i].name.clone();
    db.published.remove(&name);
    db.instructed.remove(&name);
    Ok(util::empty(StatusCode::OK))
}

fn email_candidates(d: &Domain) -> (Vec<String>, Vec<String>, Vec<String>) {
    let admin = [
        "admin",
        "administrator",
        "hostmaster",
        "postmaster",
        "webmaster",
    ]
    .iter()
    .map(|p| format!("{p}@{}", d.name))
    .collect();
    (
        vec![format!("domain.admin@{}", d.name)],
        admin,
        vec![format!("dns.txt@{}", d.name)],
    )
}

/// POST `/api/dcv/v1/validation/start/domain/{method}`.
pub(crate) fn dcv_start(db: &mut Db, ctx: &Ctx, method: &str) -> Res {
    let b = body_json(ctx.body)?;
    let m = method.to_ascii_lowercase();
    if m == "email" {
        // One domain, or several ("domains"): `emails` are the addresses common to all.
        let names: Vec<Value> = match b.get("domains").and_then(Value::as_array) {
            Some(a) if !a.is_empty() => a.iter().map(|n| json!({"domain": n})).collect(),
            _ => vec![b.clone()],
        };
        let mut per = Vec::new();
        let mut common: Option<Vec<String>> = None;
        for n in &names {
            let i = domain_idx_of(db, n)?;
            let d = &db.domains[i];
            let (whois, admin, txt) = email_candidates(d);
            let all: Vec<String> = whois
                .iter()
                .chain(admin.iter())
                .chain(txt.iter())
                .cloned()
                .collect();
            common = Some(match common {
                None => all,
                Some(c) => c.into_iter().filter(|e| all.contains(e)).collect(),
            });
            per.push(json!({"domainName": d.name, "whoisEmails": whois,
                            "adminEmails": admin, "dnsTxtEmails": txt}));
        }
        return ok_json(json!({"emails": common.unwrap_or_default(), "dcvEmails": per}));
    }
    let i = domain_idx_of(db, &b)?;
    db.note_instructed(i, ctx.now);
    let (mode, v) = match m.as_str() {
        "http" => ("HTTP", http_instructions(&db.domains[i], "http")),
        "https" => ("HTTPS", http_instructions(&db.domains[i], "https")),
        "cname" => ("CNAME", cname_instructions(&db.domains[i])),
        "txt" => {
            return Err(bad(
                -1601,
                "Field 'method' has invalid value. Start is not supported for TXT: use submit directly.",
            ));
        }
        _ => return Ok(util::not_found()),
    };
    let d = &mut db.domains[i].dcv;
    if !d.order_submitted {
        d.order_mode = Some(mode);
    }
    ok_json(v)
}

fn submit_common(db: &mut Db, i: usize, mode: &'static str, now: i64) -> String {
    let backend = format!("{}", 100_400 + db.domains[i].id);
    let published = db.dcv_followed(i, now);
    let d = &mut db.domains[i].dcv;
    d.order_submitted = true;
    d.order_mode = Some(mode);
    d.order_backend_id = Some(backend.clone());
    d.submitted_date = Some(now);
    d.last_check = Some(now);
    if published {
        validate(d, now);
    }
    backend
}

/// POST `/api/dcv/v1/validation/submit/domain/{method}`.
pub(crate) fn dcv_submit(db: &mut Db, ctx: &Ctx, method: &str) -> Res {
    let b = body_json(ctx.body)?;
    let m = method.to_ascii_lowercase();
    let i = domain_idx_of(db, &b)?;
    let mode = match m.as_str() {
        "http" => "HTTP",
        "https" => "HTTPS",
        "cname" => "CNAME",
        "txt" => "TXT",
        "email" => "EMAIL",
        _ => return Ok(util::not_found()),
    };
    let mut extra = json!({});
    if mode == "EMAIL" {
        let email = req_str(&b, "email")?;
        let (w, a, t) = email_candidates(&db.domains[i]);
        if !w
            .iter()
            .chain(a.iter())
            .chain(t.iter())
            .any(|e| e.eq_ignore_ascii_case(&email))
        {
            return Err(invalid_field("email"));
        }
        let r = format!("{}", 876_000_000 + db.domains[i].id);
        let d = &mut db.domains[i].dcv;
        d.validation_email = Some(email);
        d.email_ref = Some(r.clone());
        extra["emailValidationReferenceNumber"] = json!(r);
    }
    if mode == "TXT" {
        let value = random_token(&mut db.rng);
        db.domains[i].dcv.txt_value = Some(value.clone());
        extra["host"] = json!(format!("_pki-validation.{}.", db.domains[i].name));
        extra["point"] = json!(value);
    }
    let backend = submit_common(db, i, mode, ctx.now);
    let mut v = json!({
        "status": db.domains[i].dcv.status.as_str(),
        "orderStatus": "SUBMITTED",
        "message": "Submitted successfully",
        "orderBackendId": backend,
    });
    if let (Value::Object(a), Value::Object(x)) = (&mut v, extra) {
        a.extend(x);
    }
    ok_json(v)
}

/// POST `/api/dcv/v1/validation/submit-bulk/domain/email`.
pub(crate) fn dcv_submit_bulk_email(db: &mut Db, ctx: &Ctx) -> Res {
    let b = body_json(ctx.body)?;
    let email = req_str(&b, "email")?;
    let names = b
        .get("domains")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
        .ok_or_else(|| util::missing("domains"))?
        .clone();
    let mut idx = Vec::new();
    for n in &names {
        let i = domain_idx_of(db, &json!({"domain": n}))?;
        let (w, a, t) = email_candidates(&db.domains[i]);
        if !w
            .iter()
            .chain(a.iter())
            .chain(t.iter())
            .any(|e| e.eq_ignore_ascii_case(&email))
        {
            return Err(invalid_field("email"));
        }
        idx.push(i);
    }
    let mut backend = String::new();
    for i in idx {
        db.domains[i].dcv.validation_email = Some(email.clone());
        backend = submit_common(db, i, "EMAIL", ctx.now);
    }
    ok_json(
        json!({"orderStatus": "SUBMITTED", "message": "Submitted successfully",
                   "orderBackendId": backend}),
    )
}

// ---- domains (§7) --------------------------------------------------------------------------

fn domain_by_id<'a>(db: &'a mut Db, raw: &str) -> Result<&'a mut Domain, ApiError> {
    let id: i64 = raw.trim().parse().map_err(|_| domain_missing(raw))?;
    db.domains
        .iter_mut()
        .find(|d| d.id == id)
        .ok_or_else(|| domain_missing(raw))
}

fn delegation_json(g: &Delegation) -> Value {
    json!({"orgId": g.org_id, "certTypes": g.cert_types,
           "domainCertificateRequestPrivileges": g.privileges, "status": g.status})
}

fn domain_details(d: &Domain, ctx: &Ctx) -> Value {
    let day = ctx.date_fmt(DateFmt::Iso);
    let mut m = Map::new();
    m.insert("id".into(), json!(d.id));
    m.insert("name".into(), json!(d.name));
    if let Some(x) = &d.description {
        m.insert("description".into(), json!(x));
    }
    let requested = d.delegations.iter().any(|g| g.status == "REQUESTED");
    m.insert(
        "delegationStatus".into(),
        json!(if requested { "REQUESTED" } else { "ACTIVE" }),
    );
    m.insert(
        "state".into(),
        json!(if d.active { "ACTIVE" } else { "SUSPENDED" }),
    );
    m.insert("validationStatus".into(), json!(d.dcv.status.as_str()));
    if let Some(x) = d.dcv.method {
        m.insert("validationMethod".into(), json!(x));
    }
    if let Some(t) = d.dcv.validation_date {
        m.insert("dcvValidation".into(), json!(day.fmt(t)));
    }
    if let Some(t) = d.dcv.expiration_date {
        m.insert("dcvExpiration".into(), json!(day.fmt(t)));
    }
    m.insert(
        "delegations".into(),
        Value::Array(d.delegations.iter().map(delegation_json).collect()),
    );
    if let Some((enabled, sub, bucket)) = &d.ct {
        m.insert(
            "ctLogMonitoring".into(),
            json!({"enabled": enabled, "includeSubdomains": sub, "bucketId": bucket}),
        );
    }
    Value::Object(m)
}

fn domain_filtered<'a>(db: &'a Db, ctx: &Ctx) -> Result<Vec<&'a Domain>, ApiError> {
    let q = ctx.q;
    let org = q.int("orgId").map_err(|n| invalid_field(&n))?;
    Ok(db
        .domains
        .iter()
        .filter(|d| q.get("name").is_none_or(|n| contains_ci(&d.name, n)))
        .filter(|d| {
            q.get("state").is_none_or(|s| {
                if s.eq_ignore_ascii_case("active") {
                    d.active
                } else {
                    !d.active
                }
            })
        })
        .filter(|d| {
            q.get("status").is_none_or(|s| {
                let requested = d.delegations.iter().any(|g| g.status == "REQUESTED");
                if s.eq_ignore_ascii_case("requested") {
                    requested
                } else {
                    !requested
                }
            })
        })
        .filter(|d| org.is_none_or(|o| d.delegations.iter().any(|g| g.org_id == o)))
        .collect())
}

/// GET `/api/domain/v1`.
pub(crate) fn domain_list(db: &Db, ctx: &Ctx) -> Res {
    let rows = domain_filtered(db, ctx)?;
    let total = rows.len();
    let items = util::page(rows, ctx.q)?
        .into_iter()
        .map(|d| json!({"id": d.id, "name": d.name}))
        .collect();
    Ok(json_list(items, total, CT_JSON))
}

/// GET `/api/domain/v1/count` → `{"count":n}`.
pub(crate) fn domain_count(db: &Db, ctx: &Ctx) -> Res {
    ok_json(json!({"count": domain_filtered(db, ctx)?.len()}))
}

/// GET `/api/domain/v1/{id}`.
pub(crate) fn domain_get(db: &mut Db, ctx: &Ctx, raw: &str) -> Res {
    let d = domain_by_id(db, raw)?;
    let v = domain_details(d, ctx);
    ok_json(v)
}

fn delegation_of(db: &Db, v: &Value) -> Result<Delegation, ApiError> {
    let org = req_i64(v, "orgId")?;
    if db.org(org).is_none() {
        return Err(bad(-1023, format!("Organization '{org}' not found.")));
    }
    let list = |k: &str| -> Vec<String> {
        v.get(k)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default()
    };
    let cert_types = list("certTypes");
    for t in &cert_types {
        if !["SSL", "SMIME", "CodeSign", "BrandIndicator"].contains(&t.as_str()) {
            return Err(invalid_field("certTypes"));
        }
    }
    let mut privileges = list("domainCertificateRequestPrivileges");
    if privileges.is_empty() {
        privileges = vec!["DOMAIN".into(), "SUBDOMAIN".into()];
    }
    Ok(Delegation {
        org_id: org,
        cert_types,
        privileges,
        status: "ACTIVE",
    })
}

/// POST `/api/domain/v1` → 201 with `Location`.
pub(crate) fn domain_create(db: &mut Db, ctx: &Ctx, base: &str) -> Res {
    let b = body_json(ctx.body)?;
    let name = req_str(&b, "name")?.trim().to_ascii_lowercase();
    if name.len() < 4 {
        return Err(bad(
            -712,
            "The domain name should be at least 4 characters in length.",
        ));
    }
    if name.len() > 255 {
        return Err(bad(
            -713,
            "The domain name should be at most 255 characters in length.",
        ));
    }
    if !name.contains('.') {
        return Err(bad(-714, "The domain name should have at least 1 dots."));
    }
    if !name
        .trim_start_matches("*.")
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    {
        return Err(bad(-732, "Invalid domain name."));
    }
    if db.domains.iter().any(|d| d.name == name) {
        return Err(bad(-700, "Such domain already exists"));
    }
    let dels = b
        .get("delegations")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
        .ok_or_else(|| {
            bad(
                -709,
                "Please delegate domain to at least one organization or department.",
            )
        })?
        .clone();
    let mut delegations = Vec::new();
    for g in &dels {
        delegations.push(delegation_of(db, g)?);
    }
    let ct = match b.get("ctLogMonitoring") {
        Some(c) if c.get("enabled").and_then(Value::as_bool) == Some(true) => {
            let bucket = opt_str(c, "bucketId")?.ok_or_else(|| util::missing("bucketId"))?;
            Some((
                true,
                c.get("includeSubdomains")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                bucket,
            ))
        }
        _ => None,
    };
    let id = db.next_domain_id;
    db.next_domain_id += 1;
    let dcv = Dcv {
        status: DcvStatus::NotValidated,
        method: None,
        validation_date: None,
        expiration_date: None,
        order_submitted: false,
        order_mode: None,
        order_backend_id: None,
        submitted_date: None,
        last_check: None,
        validation_email: None,
        email_ref: None,
        txt_value: None,
    };
    db.domains.push(Domain {
        id,
        name,
        description: opt_str(&b, "description")?,
        active: b.get("active").and_then(Value::as_bool).unwrap_or(true),
        delegations,
        dcv,
        ct,
    });
    created(&format!("{base}/api/domain/v1/{id}"))
}

/// 201 with a `Location` header and no body.
pub(crate) fn created(location: &str) -> Res {
    let mut r = util::empty(StatusCode::CREATED);
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    Ok(r)
}

/// DELETE `/api/domain/v1/{id}` → 204 (refused while SSL certificates use it).
pub(crate) fn domain_delete(db: &mut Db, raw: &str) -> Res {
    let name = domain_by_id(db, raw)?.name.clone();
    let in_use = db.ssl.values().any(|c| {
        c.sans.iter().any(|n| {
            let n = n.trim_start_matches("*.");
            n == name || n.ends_with(&format!(".{name}"))
        })
    });
    if in_use {
        return Err(bad(
            -740,
            "This operation cannot be performed due to SSL certificates enrolled for this domain or its subdomains.",
        ));
    }
    db.domains.retain(|d| d.name != name);
    Ok(util::empty(StatusCode::NO_CONTENT))
}

/// PUT `/api/domain/v1/{id}/activate|suspend|monitoring`.
pub(crate) fn domain_put(db: &mut Db, ctx: &Ctx, raw: &str, what: &str) -> Res {
    let b = body_json(ctx.body)?;
    let d = domain_by_id(db, raw)?;
    match what {
        "activate" => d.active = true,
        "suspend" => d.active = false,
        "monitoring" => {
            let enabled = b.get("enabled").and_then(Value::as_bool).unwrap_or(false);
            if enabled {
                let bucket = opt_str(&b, "bucketId")?.ok_or_else(|| util::missing("bucketId"))?;
                let sub = b
                    .get("includeSubdomains")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                d.ct = Some((true, sub, bucket));
            } else {
                d.ct = None;
            }
        }
        _ => return Ok(util::not_found()),
    }
    Ok(util::empty(StatusCode::OK))
}

/// POST/DELETE `/api/domain/v1/{id}/delegation[/approve|/reject]`, POST `/api/domain/v1/delegation`.
pub(crate) fn delegation(db: &mut Db, ctx: &Ctx, raw: Option<&str>, action: &str) -> Res {
    let b = body_json(ctx.body)?;
    match (raw, action) {
        (None, "bulk") => {
            let ids: Vec<i64> = b
                .get("domainIds")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_i64).collect())
                .unwrap_or_default();
            if ids.is_empty() || ids.len() > 1000 {
                return Err(invalid_field("domainIds"));
            }
            let g = delegation_of(db, &b)?;
            for id in &ids {
                domain_by_id(db, &id.to_string())?;
            }
            for id in ids {
                let d = domain_by_id(db, &id.to_string())?;
                d.delegations.retain(|x| x.org_id != g.org_id);
                d.delegations.push(g.clone());
            }
        }
        (Some(raw), "add") => {
            let g = delegation_of(db, &b)?;
            let d = domain_by_id(db, raw)?;
            d.delegations.retain(|x| x.org_id != g.org_id);
            d.delegations.push(g);
        }
        (Some(raw), "remove") => {
            let org = req_i64(&b, "orgId")?;
            let d = domain_by_id(db, raw)?;
            d.delegations.retain(|x| x.org_id != org);
        }
        (Some(raw), "approve" | "reject") => {
            let org = req_i64(&b, "orgId")?;
            let d = domain_by_id(db, raw)?;
            let Some(pos) = d.delegations.iter().position(|x| x.org_id == org) else {
                return Err(bad(
                    -707,
                    "This domain delegation request has already been deleted.",
                ));
            };
            if d.delegations[pos].status != "REQUESTED" {
                return Err(bad(
                    -705,
                    "This operation cannot be performed as the delegation status is other than 'Requested'.",
                ));
            }
            if action == "approve" {
                d.delegations[pos].status = "ACTIVE";
            } else {
                d.delegations.remove(pos);
            }
        }
        _ => return Ok(util::not_found()),
    }
    Ok(util::empty(StatusCode::OK))
}

// ---- organizations (§8) ----------------------------------------------------------------------

fn departments_json(o: &super::data::Org) -> Value {
    Value::Array(
        o.departments
            .iter()
            .map(|(id, n)| json!({"id": id, "name": n, "parentName": o.name}))
            .collect(),
    )
}

/// GET `/api/organization/v1`.
pub(crate) fn org_list(db: &Db) -> Res {
    let v: Vec<Value> = db
        .orgs
        .iter()
        .map(|o| json!({"id": o.id, "name": o.name, "departments": departments_json(o)}))
        .collect();
    ok_json(Value::Array(v))
}

/// GET `/api/organization/v1/{id}` (an organisation or a department).
pub(crate) fn org_get(db: &Db, raw: &str) -> Res {
    let id: i64 = raw
        .trim()
        .parse()
        .map_err(|_| bad(-1023, format!("Organization '{raw}' not found.")))?;
    let o = db
        .org(id)
        .ok_or_else(|| bad(-1023, format!("Organization '{raw}' not found.")))?;
    let (oid, name) = if o.id == id {
        (o.id, o.name.to_string())
    } else {
        let (d, n) = o
            .departments
            .iter()
            .find(|(d, _)| *d == id)
            .copied()
            .unwrap_or((id, ""));
        (d, n.to_string())
    };
    let mut v = json!({
        "id": oid,
        "name": name,
        "certTypes": ["SSL", "SMIME", "Device"],
        "address1": o.address1,
        "city": o.city,
        "stateOrProvince": o.state,
        "postalCode": o.postal,
        "country": o.country,
        "contactEmails": format!("pki-team@{}", o.domain),
        "clientCertificate": {
            "allowKeyRecoveryByMasterAdmins": true,
            "allowKeyRecoveryByOrgAdmins": false,
            "allowKeyRecoveryByDepartmentAdmins": false
        },
        "sslCertsApiEnabled": true,
        "clientCertsApiEnabled": true,
        "validationStatus": "VALIDATED",
    });
    if o.id == id {
        v["departments"] = departments_json(o);
    } else {
        v["parentName"] = json!(o.name);
    }
    ok_json(v)
}
