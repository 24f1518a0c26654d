//! SSL renewals (by id, by renew token, manual), replace, delete and update.

use super::*;

/// Creates the renewal request of `old_id`; returns the new id.
pub(super) fn renew_from(db: &mut Db, ctx: &Ctx, old_id: i64, b: &Value) -> Result<i64, ApiError> {
    let csr = match opt_str(b, "csr")? {
        Some(p) => Some(read_csr(&p)?),
        None => None,
    };
    let (dcv_mode, dcv_email) = dcv_mode_of(b)?;
    let Some(old) = db.ssl.get(&old_id).cloned() else {
        return Err(wrong_id(&old_id.to_string()));
    };
    if !matches!(
        old.status,
        SslStatus::Issued | SslStatus::Expired | SslStatus::Revoked
    ) {
        return Err(bad(
            -105,
            format!(
                "Error was occurred while renewing cert. Status = {}",
                old.status.as_str()
            ),
        ));
    }
    let (id, order) = db.alloc_ssl_id();
    let renew_id = random_token(&mut db.rng);
    let mut c = old.clone();
    c.id = id;
    c.order_number = order;
    c.backend_cert_id = order.to_string();
    c.status = SslStatus::Requested;
    c.owner = None;
    c.requested = ctx.now;
    c.approved = None;
    c.issued = None;
    c.declined = None;
    c.expires = None;
    c.revoked = None;
    c.replaced = None;
    c.reason_code = None;
    c.renewed = false;
    c.renewed_date = None;
    c.cert = None;
    c.renew_id = renew_id;
    c.pending_since = None;
    c.dcv_last_check = None;
    c.requested_via = "REST API";
    if dcv_mode.is_some() {
        c.dcv_mode = dcv_mode;
        c.dcv_email = dcv_email;
    }
    if let Some((data, info)) = csr {
        c.key_type = info.key_type.clone();
        c.csr = Some(data);
        c.key_index = None;
    }
    if db.auto_approve {
        start_processing(&mut c, ctx.now, ctx.at);
    }
    db.ssl.insert(id, c);
    if let Some(o) = db.ssl.get_mut(&old_id) {
        o.renewed = true;
        o.renewed_date = Some(ctx.now);
    }
    Ok(id)
}

/// POST `/api/ssl/v1/renewById/{sslId}` → 200 `{sslId}` of the new request.
pub(crate) fn renew_by_id(db: &mut Db, ctx: &Ctx, raw_id: &str) -> Res {
    let b = body_json(ctx.body)?;
    let id = parse_id(raw_id)?;
    if !db.ssl.contains_key(&id) {
        return Err(wrong_id(raw_id));
    }
    let new_id = renew_from(db, ctx, id, &b)?;
    Ok(util::json(
        StatusCode::OK,
        &json!({"sslId": new_id}),
        CT_JSON_UTF8,
    ))
}

/// POST `/api/ssl/v1/renew/{renewId}` → 204.
pub(crate) fn renew_by_token(db: &mut Db, ctx: &Ctx, token: &str) -> Res {
    let b = body_json(ctx.body)?;
    let id = db
        .ssl
        .values()
        .filter(|c| c.renew_id == token)
        .map(|c| c.id)
        .next_back()
        .ok_or_else(|| bad(-123, "SSL Certificate to renew is invalid (null)"))?;
    renew_from(db, ctx, id, &b)?;
    no_content()
}

/// POST `/api/ssl/v1/renew/manual/{sslId}` → 204 ("mark renewed").
pub(crate) fn renew_manual(db: &mut Db, ctx: &Ctx, raw_id: &str) -> Res {
    let b = body_json(ctx.body)?;
    if let Some(succ) = opt_i64(&b, "id")?
        && !db.ssl.contains_key(&succ)
    {
        return Err(wrong_id(&succ.to_string()));
    }
    let c = get_mut(db, raw_id)?;
    c.renewed = true;
    c.renewed_date = Some(ctx.now);
    no_content()
}

/// POST `/api/ssl/v1/replace/{sslId}` → 204; the certificate is re-issued from the new CSR.
pub(crate) fn replace(db: &mut Db, ctx: &Ctx, raw_id: &str) -> Res {
    let b = body_json(ctx.body)?;
    let status = get_mut(db, raw_id)?.status;
    if status != SslStatus::Issued {
        return Err(bad(
            -130,
            format!("SSL state is not 'ISSUED': {}", status.as_str()),
        ));
    }
    let csr_pem = req_str(&b, "csr")?;
    let reason = req_str(&b, "reason")?;
    check_len(&Some(reason), "reason", 512)?;
    let (csr, info) = read_csr(&csr_pem)?;
    let (dcv_mode, dcv_email) = dcv_mode_of(&b)?;
    let cn = opt_str(&b, "commonName")?;
    check_len(&cn, "commonName", 64)?;
    let extra = names_from(b.get("subjectAlternativeNames"))?;
    let c = get_mut(db, raw_id)?;
    if let Some(cn) = cn {
        c.common_name = cn;
    }
    if !extra.is_empty() {
        let mut names = vec![c.common_name.clone()];
        names.extend(extra);
        c.sans = dedup(names);
    }
    c.key_type = info.key_type;
    c.csr = Some(csr);
    c.key_index = None;
    if dcv_mode.is_some() {
        c.dcv_mode = dcv_mode;
        c.dcv_email = dcv_email;
    }
    c.replaced = Some(ctx.now);
    start_processing(c, ctx.now, ctx.at);
    c.approved = Some(ctx.now);
    no_content()
}

/// DELETE `/api/ssl/v1/{sslId}` → 204 (imported or discovered certificates only).
pub(crate) fn delete(db: &mut Db, raw_id: &str) -> Res {
    let c = get_mut(db, raw_id)?;
    if !matches!(c.requested_via, "Imported" | "Discovery") {
        return Err(bad(
            -3,
            "You are not authorized to perform deletion of a certificate that was not imported or discovered.",
        ));
    }
    let id = c.id;
    db.ssl.remove(&id);
    no_content()
}

/// PUT `/api/ssl/v1` (id in the body) → 200 with the details.
pub(crate) fn update(db: &mut Db, ctx: &Ctx) -> Res {
    let b = body_json(ctx.body)?;
    let id = req_i64(&b, "sslId")?;
    let raw = id.to_string();
    let editable_status = get_mut(db, &raw)?.status;
    let editable = matches!(
        editable_status,
        SslStatus::Requested | SslStatus::Declined | SslStatus::Rejected | SslStatus::Invalid
    );
    let core_change = [
        "orgId",
        "certTypeId",
        "term",
        "commonName",
        "csr",
        "subjectAlternativeNames",
    ]
    .iter()
    .any(|k| b.get(*k).is_some_and(|v| !v.is_null()));
    if core_change && !editable {
        return Err(bad(
            -1601,
            format!(
                "Field 'status' has invalid value. Only Requested, Declined, Rejected or Invalid certificates can change profile, term, names or CSR (now {}).",
                editable_status.as_str()
            ),
        ));
    }
    let org = opt_i64(&b, "orgId")?;
    if let Some(o) = org
        && db.org(o).is_none()
    {
        return Err(bad(-1023, format!("Organization '{o}' not found.")));
    }
    let profile = match opt_i64(&b, "certTypeId")? {
        Some(p) => Some(
            db.profile(p)
                .cloned()
                .ok_or_else(|| bad(-111, format!("No certificate profile found by id {p}")))?,
        ),
        None => None,
    };
    let csr = match opt_str(&b, "csr")? {
        Some(p) => {
            let p = if p.contains("-----BEGIN") {
                p
            } else {
                format!(
                    "-----BEGIN CERTIFICATE REQUEST-----\n{p}\n-----END CERTIFICATE REQUEST-----\n"
                )
            };
            Some(read_csr(&p)?)
        }
        None => None,
    };
    let comments = opt_str(&b, "comments")?;
    check_len(&comments, "comments", 1024)?;
    let custom = custom_fields_of(&b)?;
    let current_profile = db.ssl.get(&id).map(|c| c.profile_id).unwrap_or(0);
    let terms = profile
        .as_ref()
        .or(db.profile(current_profile))
        .map(|p| p.terms.clone())
        .unwrap_or_default();
    let c = get_mut(db, &raw)?;
    if let Some(t) = opt_i64(&b, "term")? {
        if !terms.contains(&t) {
            return Err(bad(
                -36,
                "The validity period (term) is invalid for this certificate profile.",
            ));
        }
        c.term = t;
    }
    if let Some(o) = org {
        c.org_id = o;
    }
    if let Some(p) = profile {
        c.profile_id = p.id;
    }
    if let Some(cn) = opt_str(&b, "commonName")? {
        c.common_name = cn;
        if let Some(first) = c.sans.first_mut() {
            first.clone_from(&c.common_name);
        }
    }
    if b.get("subjectAlternativeNames")
        .is_some_and(|v| v.is_array())
    {
        let mut names = vec![c.common_name.clone()];
        names.extend(names_from(b.get("subjectAlternativeNames"))?);
        c.sans = dedup(names);
    }
    if let Some((data, info)) = csr {
        c.key_type = info.key_type;
        c.csr = Some(data);
    }
    if comments.is_some() {
        c.comments = comments;
    }
    if let Some(e) = opt_str(&b, "externalRequester")? {
        c.external_requester = Some(e);
    }
    if b.get("customFields").is_some() {
        c.custom_fields = custom;
    }
    if let Some(v) = b.get("suspendNotifications").and_then(Value::as_bool) {
        c.suspend_notifications = v;
    }
    if let Some(ar) = b.get("autoRenewDetails") {
        match ar.get("state").and_then(Value::as_str) {
            Some(s) if s.eq_ignore_ascii_case("Scheduled") => {
                let days = opt_i64(ar, "daysBeforeExpiration")?.unwrap_or(30);
                if days < 1 {
                    return Err(invalid_field("autoRenewDetails.daysBeforeExpiration"));
                }
                c.auto_renew = ("Scheduled", Some(days));
            }
            Some(s) if s.eq_ignore_ascii_case("Not scheduled") => {
                c.auto_renew = ("Not scheduled", None)
            }
            None => {}
            Some(_) => return Err(invalid_field("autoRenewDetails.state")),
        }
    }
    if let Some(r) = opt_str(&b, "requester")? {
        c.requester = r;
    }
    match opt_i64(&b, "approverAdminId")? {
        Some(-1) => c.owner = None,
        Some(a) => {
            let admin = super::super::data::ADMINS
                .iter()
                .chain(std::iter::once(&DEMO_ADMIN))
                .find(|(_, id)| *id == a)
                .ok_or_else(|| invalid_field("approverAdminId"))?;
            c.owner = Some((admin.0.to_string(), admin.1));
        }
        None => {}
    }
    let c = c.clone();
    Ok(util::json(
        StatusCode::OK,
        &ssl::details_json(&c, db, ctx.date_fmt(DateFmt::Us)),
        CT_JSON_UTF8,
    ))
}
