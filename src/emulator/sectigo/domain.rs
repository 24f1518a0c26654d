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

mod domains;

pub(crate) use self::domains::{
    delegation, domain_count, domain_create, domain_delete, domain_get, domain_list, domain_put,
    org_get, org_list,
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
