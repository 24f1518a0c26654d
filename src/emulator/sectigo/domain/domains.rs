//! Domains (`/api/domain/v1`, §7) with their delegations, and organizations
//! (`/api/organization/v1`, §8).

use super::*;

// ---- domains (§7) --------------------------------------------------------------------------

pub(super) fn domain_by_id<'a>(db: &'a mut Db, raw: &str) -> Result<&'a mut Domain, ApiError> {
    let id: i64 = raw.trim().parse().map_err(|_| domain_missing(raw))?;
    db.domains
        .iter_mut()
        .find(|d| d.id == id)
        .ok_or_else(|| domain_missing(raw))
}

pub(super) fn delegation_json(g: &Delegation) -> Value {
    json!({"orgId": g.org_id, "certTypes": g.cert_types,
           "domainCertificateRequestPrivileges": g.privileges, "status": g.status})
}

pub(super) fn domain_details(d: &Domain, ctx: &Ctx) -> Value {
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

pub(super) fn domain_filtered<'a>(db: &'a Db, ctx: &Ctx) -> Result<Vec<&'a Domain>, ApiError> {
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

pub(super) fn delegation_of(db: &Db, v: &Value) -> Result<Delegation, ApiError> {
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

pub(super) fn departments_json(o: &super::super::data::Org) -> Value {
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
