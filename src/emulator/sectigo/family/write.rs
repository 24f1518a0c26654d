//! Client and device certificates: enrol, approve/decline, revoke, renew, replace,
//! update and delete.

use super::read::*;
use super::*;

// ---- mutations -----------------------------------------------------------------------------

pub(super) fn enroll_response(c: &OtherCert) -> Value {
    match c.family {
        Family::Client => json!({"id": c.id, "orderNumber": c.order_number,
                                 "backendCertId": c.backend_cert_id}),
        Family::Device => json!({"deviceCertId": c.id, "status": c.status.upper(),
                                 "backendCertId": c.backend_cert_id, "orderNumber": c.id}),
    }
}

pub(super) fn new_id(db: &mut Db) -> (i64, i64) {
    let id = db.fam.next_id;
    db.fam.next_id += 1;
    let order = 5_900_000 + id * 3 + db.rng.random_range(0..3);
    (id, order)
}

/// `local@domain`, no spaces, a dot in the domain.
pub(super) fn looks_like_email(s: &str) -> bool {
    s.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !s.contains(char::is_whitespace)
    })
}

/// S/MIME `secondaryEmails`: an array of addresses (absent or null is none).
pub(super) fn secondary_emails(b: &Value) -> Result<Vec<String>, ApiError> {
    match b.get("secondaryEmails") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| match v.as_str().map(str::trim) {
                Some(e) if looks_like_email(e) && e.chars().count() <= 128 => Ok(e.to_string()),
                _ => Err(invalid_field("secondaryEmails")),
            })
            .collect(),
        Some(_) => Err(invalid_field("secondaryEmails")),
    }
}

/// Device `optionalFields[]{name,value}`: subject attributes by the names §4 lists.
pub(super) const OPTIONAL_FIELD_NAMES: &[&str] = &[
    "commonName",
    "surname",
    "countryName",
    "localityName",
    "stateOrProvinceName",
    "streetAddress",
    "organizationName",
    "organizationalUnitName",
    "title",
    "description",
    "postalCode",
    "postOfficeBox",
    "telephoneNumber",
    "givenName",
    "initials",
    "emailAddress",
    "DocumentoNacionaldeIdentidad",
    "serialNumber",
    "SIRENE",
    "collectionEmailAddress",
    "rfc822Name",
    "subjectUniqueIdentifier",
    "uniqueIdentifier",
    "PermIdAscentMediaNetSecDept",
    "PermIdAscentMediaEngHomeNet",
    "sAMAccountName",
    "userId",
    "userPrincipalName",
    "unstructuredName",
    "domainComponent",
    "dnsName",
    "servicePrincipalName",
    "eeSID",
];

pub(super) fn optional_fields(b: &Value) -> Result<Vec<(String, String)>, ApiError> {
    match b.get("optionalFields") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) => a
            .iter()
            .map(|f| {
                let name = f.get("name").and_then(Value::as_str).map(str::trim);
                let value = match f.get("value") {
                    None | Some(Value::Null) => "",
                    Some(Value::String(v)) => v.trim(),
                    Some(_) => return Err(invalid_field("optionalFields.value")),
                };
                match name {
                    Some(n) if OPTIONAL_FIELD_NAMES.contains(&n) => {
                        Ok((n.to_string(), value.to_string()))
                    }
                    _ => Err(invalid_field("optionalFields.name")),
                }
            })
            .collect(),
        Some(_) => Err(invalid_field("optionalFields")),
    }
}

/// POST `/api/smime/v1/enroll` and `/api/device/v1/enroll`.
pub(crate) fn enroll(db: &mut Db, ctx: &Ctx, fam: Family) -> Res {
    let b = body_json(ctx.body)?;
    let org_id = req_i64(&b, "orgId")?;
    let org = db
        .org(org_id)
        .cloned()
        .ok_or_else(|| bad(-1023, format!("Organization '{org_id}' not found.")))?;
    let cert_type = req_i64(&b, "certType")?;
    let profile = db
        .fam
        .profiles(fam)
        .iter()
        .find(|p| p.id == cert_type)
        .cloned()
        .ok_or_else(|| match fam {
            Family::Client => bad(-172, "The Client Certificate Profile is invalid!"),
            Family::Device => bad(-5109, "Device Certificate Profile not found."),
        })?;
    let term = opt_i64(&b, "term")?.unwrap_or(profile.terms[0]);
    if !profile.terms.contains(&term) {
        return Err(bad(
            -36,
            "The validity period (term) is invalid for this certificate profile.",
        ));
    }
    let csr_pem = req_str(&b, "csr")?;
    let (csr, info) = read_csr(&csr_pem)?;
    let comments = opt_str(&b, "comments")?;
    check_len(&comments, "comments", 1024)?;
    let custom = custom_fields_of(&b)?;
    check_mandatory_custom(fam, &custom)?;
    let (cn, email, sans, person) = match fam {
        Family::Client => {
            let email = req_str(&b, "email")?;
            check_len(&Some(email.clone()), "email", 128)?;
            if !looks_like_email(&email) {
                return Err(invalid_field("email"));
            }
            let first = req_str(&b, "firstName")?;
            let last = req_str(&b, "lastName")?;
            let middle = opt_str(&b, "middleName")?;
            // §3: phone `[#|0-9|(|)|-|+| x]*`, at most 32; eppn ≤128; upn ≤256.
            let phone = opt_str(&b, "phone")?;
            check_len(&phone, "phone", 32)?;
            if phone.as_deref().is_some_and(|p| {
                !p.chars()
                    .all(|c| c.is_ascii_digit() || "#|()-+ x".contains(c))
            }) {
                return Err(invalid_field("phone"));
            }
            check_len(&opt_str(&b, "eppn")?, "eppn", 128)?;
            check_len(&opt_str(&b, "upn")?, "upn", 256)?;
            let full = [Some(first), middle, Some(last)]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            if full.chars().count() > 64 {
                return Err(invalid_field("firstName"));
            }
            let cn = opt_str(&b, "commonName")?.unwrap_or(full);
            check_len(&Some(cn.clone()), "commonName", 64)?;
            let mut sans = vec![email.clone()];
            for e in secondary_emails(&b)? {
                if !sans.iter().any(|s| s.eq_ignore_ascii_case(&e)) {
                    sans.push(e);
                }
            }
            let person = db
                .fam
                .client
                .values()
                .find(|c| c.email.eq_ignore_ascii_case(&email))
                .and_then(|c| c.person_id);
            (cn, email, sans, person)
        }
        Family::Device => {
            let optional = optional_fields(&b)?;
            let mut cn = info.common_name.clone();
            let mut sans = info.dns_names.clone();
            for (name, value) in &optional {
                match name.as_str() {
                    "commonName" => cn = Some(value.clone()),
                    "dnsName" if !sans.iter().any(|s| s.eq_ignore_ascii_case(value)) => {
                        sans.push(value.clone())
                    }
                    _ => {}
                }
            }
            let cn = cn
                .filter(|c| !c.trim().is_empty())
                .ok_or_else(|| missing("commonName"))?;
            check_len(&Some(cn.clone()), "commonName", 64)?;
            if sans.is_empty() && cn.contains('.') && !cn.contains(' ') {
                sans.push(cn.clone());
            }
            (cn, super::super::DEMO_LOGIN.to_string(), sans, None)
        }
    };
    let (id, order) = new_id(db);
    let mut c = OtherCert {
        id,
        family: fam,
        common_name: cn,
        email,
        person_id: person,
        org_id: org.id.max(org_id),
        profile_id: profile.id,
        term,
        status: St::Requested,
        order_number: order,
        backend_cert_id: order.to_string(),
        requested_via: match fam {
            Family::Client => "REST Enroll API",
            Family::Device => "API",
        },
        owner: None,
        comments,
        requested: ctx.now,
        approved: None,
        issued: None,
        expires: None,
        revoked: None,
        reason_code: None,
        key_type: info.key_type.clone(),
        custom_fields: custom,
        cert: None,
        csr: Some(csr),
        key_index: None,
        pending_since: None,
        sans,
    };
    c.org_id = org_id;
    // S/MIME enrollments go straight to the CA; device ones wait for approval unless the
    // auto-approve knob is on.
    if fam == Family::Client {
        c.pending_since = Some(ctx.at);
    } else if db.auto_approve {
        c.status = St::Approved;
        c.approved = Some(ctx.now);
        c.owner = Some(DEMO_ADMIN.0.to_string());
        c.pending_since = Some(ctx.at);
    }
    let resp = enroll_response(&c);
    db.fam.map_mut(fam).insert(id, c);
    Ok(util::json(StatusCode::OK, &resp, CT_JSON))
}

/// POST `/api/device/v1/approve|decline/{id}` → 204.
pub(crate) fn decide(db: &mut Db, ctx: &Ctx, raw: &str, approve: bool) -> Res {
    let b = body_json(ctx.body)?;
    let id = find_id(db, Family::Device, raw)?;
    let c = db.fam.device.get_mut(&id).ok_or_else(|| not_found(raw))?;
    if c.status != St::Requested {
        return Err(bad(
            -1112,
            format!(
                "Certificate can't be {} cause it has state = {}",
                if approve { "approved" } else { "declined" },
                c.status.upper()
            ),
        ));
    }
    let m = req_str(&b, "message")?;
    check_len(&Some(m), "message", 512)?;
    c.owner = Some(DEMO_ADMIN.0.to_string());
    c.approved = Some(ctx.now);
    if approve {
        c.status = St::Approved;
        c.pending_since = Some(ctx.at);
    } else {
        c.status = St::Declined;
    }
    Ok(util::empty(StatusCode::NO_CONTENT))
}

pub(super) fn revoke_one(c: &mut OtherCert, code: i64, now: i64) -> Result<(), ApiError> {
    if c.status == St::Revoked {
        return Err(bad(-159, "Your certificate already revoked"));
    }
    if c.status != St::Issued {
        return Err(bad(-102, "Only issued certificates could be revoked."));
    }
    c.status = St::Revoked;
    c.revoked = Some(now);
    c.reason_code = Some(code);
    Ok(())
}

pub(super) fn reason_code(b: &Value) -> Result<i64, ApiError> {
    let code = opt_i64(b, "reasonCode")?.unwrap_or(0);
    if ![0, 1, 3, 4, 5].contains(&code) {
        return Err(invalid_field("reasonCode"));
    }
    check_len(&opt_str(b, "reason")?, "reason", 512)?;
    Ok(code)
}

/// POST revoke by `id` / `order` / `serial` / person `email` / `manual` → 204.
pub(crate) fn revoke(db: &mut Db, ctx: &Ctx, fam: Family, by: &str, raw: &str) -> Res {
    let b = body_json(ctx.body)?;
    let code = reason_code(&b)?;
    match by {
        "email" => {
            let email = req_str(&b, "email")?;
            let mut n = 0;
            for c in db.fam.map_mut(fam).values_mut() {
                if c.email.eq_ignore_ascii_case(email.trim()) && c.status == St::Issued {
                    revoke_one(c, code, ctx.now)?;
                    n += 1;
                }
            }
            if n == 0 {
                return Err(bad(
                    -1108,
                    format!("No valid client certificates found for {email}."),
                ));
            }
        }
        "manual" => {
            let when = match opt_str(&b, "revokeDate")? {
                Some(d) => super::super::ssl_flow::parse_date(&d)
                    .ok_or_else(|| invalid_field("revokeDate"))?,
                None => ctx.now,
            };
            let id = if let Some(id) = opt_i64(&b, "certId")? {
                find_id(db, fam, &id.to_string())?
            } else {
                let serial = opt_str(&b, "serialNumber")?;
                match (serial, opt_str(&b, "issuer")?) {
                    (Some(s), Some(_)) => find_by(db, fam, "serial", &s)?,
                    _ => {
                        return Err(bad(
                            -951,
                            "At least one of the following fields must be filled in: certId, serialNumber and issuer.",
                        ));
                    }
                }
            };
            let c = db
                .fam
                .map_mut(fam)
                .get_mut(&id)
                .ok_or_else(|| not_found(raw))?;
            if !c.status.has_cert() {
                return Err(bad(-102, "Only issued certificates could be revoked."));
            }
            c.status = St::Revoked;
            c.revoked = Some(when);
            c.reason_code = Some(code);
        }
        _ => {
            let id = find_by(db, fam, by, raw)?;
            let c = db
                .fam
                .map_mut(fam)
                .get_mut(&id)
                .ok_or_else(|| not_found(raw))?;
            revoke_one(c, code, ctx.now)?;
        }
    }
    Ok(util::empty(StatusCode::NO_CONTENT))
}

/// POST renew by `id` / `order` / `serial` → 200 with the new certificate's ids.
pub(crate) fn renew(db: &mut Db, ctx: &Ctx, fam: Family, by: &str, raw: &str) -> Res {
    let id = find_by(db, fam, by, raw)?;
    let old = db.fam.map(fam)[&id].clone();
    if !matches!(old.status, St::Issued | St::Expired | St::Revoked) {
        return Err(bad(
            -105,
            format!(
                "Error was occurred while renewing cert. Status = {}",
                old.status.upper()
            ),
        ));
    }
    let (nid, order) = new_id(db);
    let mut c = old;
    c.id = nid;
    c.order_number = order;
    c.backend_cert_id = order.to_string();
    c.cert = None;
    c.issued = None;
    c.expires = None;
    c.revoked = None;
    c.reason_code = None;
    c.requested = ctx.now;
    // Renewals are pre-approved: they go to the CA at once.
    c.status = if fam == Family::Client {
        St::Requested
    } else {
        St::Approved
    };
    c.approved = Some(ctx.now);
    c.owner = Some(DEMO_ADMIN.0.to_string());
    c.pending_since = Some(ctx.at);
    let resp = enroll_response(&c);
    db.fam.map_mut(fam).insert(nid, c);
    Ok(util::json(StatusCode::OK, &resp, CT_JSON))
}

/// POST `/api/device/v1/replace/order/{id}` → 204.
pub(crate) fn replace(db: &mut Db, ctx: &Ctx, raw: &str) -> Res {
    let b = body_json(ctx.body)?;
    let id = find_id(db, Family::Device, raw)?;
    let csr_pem = req_str(&b, "csr")?;
    req_str(&b, "reason")?;
    let revoke_old = match b.get("revoke") {
        Some(Value::Bool(v)) => *v,
        None | Some(Value::Null) => return Err(missing("revoke")),
        Some(_) => return Err(invalid_field("revoke")),
    };
    let (csr, info) = read_csr(&csr_pem)?;
    let old = db.fam.device[&id].clone();
    if old.status != St::Issued {
        return Err(bad(
            -1113,
            format!(
                "Device certificate is not ready to be applied. Current certificate state is {}.",
                old.status.upper()
            ),
        ));
    }
    let (nid, order) = new_id(db);
    let mut c = old;
    c.id = nid;
    c.order_number = order;
    c.backend_cert_id = order.to_string();
    c.cert = None;
    c.key_type = info.key_type;
    c.csr = Some(csr);
    c.key_index = None;
    c.status = St::Approved;
    c.requested = ctx.now;
    c.approved = Some(ctx.now);
    c.pending_since = Some(ctx.at);
    db.fam.device.insert(nid, c);
    if revoke_old && let Some(o) = db.fam.device.get_mut(&id) {
        revoke_one(o, 4, ctx.now)?;
    }
    Ok(util::empty(StatusCode::NO_CONTENT))
}

/// PUT `/api/smime/v1/{id}` and `/api/device/v1/{id}`: custom fields and comments.
pub(crate) fn update(db: &mut Db, ctx: &Ctx, fam: Family, raw: &str) -> Res {
    let b = body_json(ctx.body)?;
    let id = find_id(db, fam, raw)?;
    let comments = opt_str(&b, "comments")?;
    check_len(&comments, "comments", 1024)?;
    let custom = custom_fields_of(&b)?;
    let c = db
        .fam
        .map_mut(fam)
        .get_mut(&id)
        .ok_or_else(|| not_found(raw))?;
    if comments.is_some() {
        c.comments = comments;
    }
    if b.get("customFields").is_some() {
        c.custom_fields = custom;
    }
    let c = c.clone();
    Ok(util::json(
        StatusCode::OK,
        &details_json(db, &c, ctx.date_fmt(DateFmt::Us)),
        CT_JSON,
    ))
}

/// DELETE (imported or discovered only) → 204.
pub(crate) fn delete(db: &mut Db, fam: Family, raw: &str) -> Res {
    let id = find_id(db, fam, raw)?;
    let via = db.fam.map(fam)[&id].requested_via;
    if !matches!(via, "Imported" | "IMPORTED" | "Discovery" | "DISCOVERY") {
        return Err(bad(
            -3,
            "You are not authorized to perform deletion of a certificate that was not imported or discovered.",
        ));
    }
    db.fam.map_mut(fam).remove(&id);
    Ok(util::empty(StatusCode::NO_CONTENT))
}
