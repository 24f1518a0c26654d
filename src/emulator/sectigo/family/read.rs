//! Client and device certificates: the state machine, rendering, lists, details,
//! types, custom fields and collect.

use super::*;

// ---- state machine -----------------------------------------------------------------------

impl Db {
    /// Client: requested → issued after the delay. Device: approved → applied → issued.
    /// Issued certificates past their expiry turn expired. Looks only at rows written since
    /// the last tick, rows still waiting for the CA and rows whose expiry has come (see
    /// `IdTable::tick`).
    pub(crate) fn tick_families(&mut self, now: i64, at: Instant, ca: &DemoCa) {
        let delay = self.issue_delay;
        let mut due = Vec::new();
        for fam in [Family::Client, Family::Device] {
            // One row: expire it, or move it along.
            self.fam.map_mut(fam).tick(now, |c| {
                let mut look = Look::default();
                if c.status == St::Issued {
                    match c.expires {
                        Some(e) if e <= now => c.status = St::Expired,
                        Some(e) => look.at = Some(e),
                        None => {}
                    }
                }
                let Some(since) = c.pending_since else {
                    return look;
                };
                look.waiting = true;
                let el = at.saturating_duration_since(since);
                if c.status == St::Approved && el >= delay / 2 {
                    c.status = St::Applied;
                }
                if matches!(c.status, St::Applied | St::Requested) && el >= delay {
                    due.push((fam, c.id));
                }
                look
            });
        }
        for (fam, id) in due {
            let serial = random_serial(&mut self.rng);
            let Some(c) = self.fam.map(fam).get(&id) else {
                continue;
            };
            let org = self.org(c.org_id).cloned();
            let req = LeafRequest {
                common_name: c.common_name.clone(),
                sans: c.sans.clone(),
                not_before: now,
                not_after: now + c.term * DAY,
                serial,
                org: SubjectOrg {
                    organization: org.as_ref().map(|o| o.name.to_string()),
                    country: org.as_ref().map(|o| o.country.to_string()),
                    ..Default::default()
                },
                kind: if fam == Family::Client {
                    LeafKind::Email
                } else {
                    LeafKind::Device
                },
            };
            let res = match (&c.csr, c.key_index) {
                (Some(csr), _) => ca.issue_leaf(&req, LeafKey::CsrDer(&csr.der)),
                (None, Some(k)) => ca.issue_leaf(&req, LeafKey::KeyPair(self.keys.get(k))),
                (None, None) => Err(anyhow::anyhow!("no CSR and no key")),
            };
            let Some(c) = self.fam.map_mut(fam).get_mut(&id) else {
                continue;
            };
            c.pending_since = None;
            match res {
                Ok(cert) => {
                    c.key_type = cert.key_type.clone();
                    c.cert = Some(cert);
                    c.status = St::Issued;
                    c.issued = Some(now);
                    c.expires = Some(now + c.term * DAY);
                }
                Err(e) => {
                    tracing::warn!("emulator could not issue {fam:?} {id}: {e:#}");
                    c.status = St::Rejected;
                }
            }
        }
    }
}

// ---- rendering -----------------------------------------------------------------------------

pub(super) fn cert_details_json(c: &OtherCert) -> Value {
    match &c.cert {
        Some(x) => {
            let sans = c
                .sans
                .iter()
                .map(|s| {
                    if c.family == Family::Client {
                        format!("rfc822Name={s}")
                    } else {
                        format!("dNSName={s}")
                    }
                })
                .collect::<Vec<_>>()
                .join(", ");
            json!({"issuer": &*x.issuer, "subject": &*x.subject, "subjectAltNames": sans,
                   "md5Hash": x.md5_hex(), "sha1Hash": x.sha1_hex(), "sha256Hash": x.sha256_hex()})
        }
        None => json!({"subject": format!("CN={}", c.common_name)}),
    }
}

pub(super) fn profile_json(p: &FamProfile, fam: Family) -> Value {
    let mut v = json!({
        "id": p.id, "name": p.name, "description": p.description, "terms": p.terms,
        "keyTypes": super::super::data::Profile::key_types_json(), "useSecondaryOrgName": false,
    });
    if fam == Family::Device {
        v["term"] = json!(p.terms.first().copied().unwrap_or(365));
        v["ku"] = json!(["Digital Signature", "Key Encipherment"]);
        v["eku"] = json!(["1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1"]);
    }
    v
}

pub(super) fn details_json(db: &Db, c: &OtherCert, fmt: DateFmt) -> Value {
    let mut m = Map::new();
    let mut put = |k: &str, v: Value| {
        m.insert(k.to_string(), v);
    };
    put("commonName", json!(c.common_name));
    put("id", json!(c.id));
    put("orgId", json!(c.org_id));
    put("status", json!(c.status.render(c.family, false)));
    put("backendCertId", json!(c.backend_cert_id));
    if let Some(p) = db
        .fam
        .profiles(c.family)
        .iter()
        .find(|p| p.id == c.profile_id)
    {
        let mut pj = profile_json(p, c.family);
        if let Value::Object(o) = &mut pj {
            o.remove("term");
            o.remove("ku");
            o.remove("eku");
        }
        put("certType", pj);
    }
    put("term", json!(c.term));
    match c.family {
        Family::Client => {
            put("subType", json!("Private"));
            put("requestedVia", json!(c.requested_via));
        }
        Family::Device => {
            put("orderNumber", json!(c.order_number));
            put("requester", json!(c.email));
            if let Some(o) = &c.owner {
                put("owner", json!(o));
            }
            if let Some(a) = c.approved {
                put("approved", json!(fmt.fmt(a)));
            }
        }
    }
    if let Some(x) = &c.comments {
        put("comments", json!(x));
    }
    put("requested", json!(fmt.fmt(c.requested)));
    if c.family == Family::Client
        && let Some(t) = c.issued
    {
        put("issued", json!(fmt.fmt(t)));
    }
    if let Some(t) = c.expires {
        put("expires", json!(fmt.fmt(t)));
    }
    if c.family == Family::Client {
        if let Some(t) = c.revoked {
            put("revoked", json!(fmt.fmt(t)));
        }
        if let Some(r) = c.reason_code {
            put("reasonCode", json!(r));
        }
    }
    let (alg, size) = key_alg_size(&c.key_type);
    put("keyAlgorithm", json!(alg));
    if let Some(s) = size {
        put("keySize", json!(s));
    }
    put("keyType", json!(c.key_type));
    if let Some(s) = c.serial() {
        put("serialNumber", json!(s));
    }
    if c.family == Family::Client {
        put("signatureAlg", json!("SHA256WITHECDSA"));
        put(
            "keyUsages",
            json!(["Digital Signature", "Key Encipherment"]),
        );
        put(
            "extendedKeyUsages",
            json!(["1.3.6.1.5.5.7.3.4", "1.3.6.1.5.5.7.3.2"]),
        );
        put("subjectAlternativeNames", json!(c.sans));
        put("suspendNotifications", json!(false));
    }
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
    put("certificateDetails", cert_details_json(c));
    if let Some(csr) = &c.csr {
        put(
            "csrDetails",
            json!({"csr": csr.pem(), "md5Hash": csr.md5_hex(), "sha1Hash": csr.sha1_hex(),
                   "sha256Hash": csr.sha256_hex()}),
        );
    }
    Value::Object(m)
}

pub(super) fn list_item(c: &OtherCert, day: DateFmt) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(c.id));
    match c.family {
        Family::Client => {
            m.insert("state".into(), json!(c.status.render(c.family, true)));
            m.insert("certificateDetails".into(), cert_details_json(c));
            m.insert("orderNumber".into(), json!(c.order_number));
            if let Some(s) = c.serial() {
                m.insert("serialNumber".into(), json!(s));
            }
            m.insert("backendCertId".into(), json!(c.backend_cert_id));
            if let Some(e) = c.expires {
                m.insert("expires".into(), json!(day.fmt(e)));
            }
            if let Some(x) = &c.comments {
                m.insert("comments".into(), json!(x));
            }
        }
        Family::Device => {
            m.insert("backendCertId".into(), json!(c.backend_cert_id));
            m.insert("status".into(), json!(c.status.render(c.family, true)));
            m.insert("certificateDetails".into(), cert_details_json(c));
        }
    }
    Value::Object(m)
}

// ---- list / details ------------------------------------------------------------------------

/// The list/count filters of §3/§4, read once per request. Empty values are no filter.
pub(super) struct FamFilter<'q> {
    /// `state` (S/MIME) or `status` (device), rendered the family's list way, lower-case.
    state: Option<String>,
    profile_id: Option<i64>,
    person_id: Option<i64>,
    org_id: Option<i64>,
    serial: Option<&'q str>,
    backend_cert_id: Option<&'q str>,
    email: Option<&'q str>,
    common_name: Option<&'q str>,
    key_algorithm: Option<&'q str>,
    key_param: Option<&'q str>,
    key_vault: Option<&'q str>,
}

impl<'q> FamFilter<'q> {
    fn parse(q: &'q Query, fam: Family) -> Result<FamFilter<'q>, ApiError> {
        let state_param = if fam == Family::Client {
            "state"
        } else {
            "status"
        };
        let state = match q.get(state_param) {
            None => None,
            Some(v) => {
                let want = St::parse(v).ok_or_else(|| invalid_field(state_param))?;
                Some(want.render(fam, true).to_ascii_lowercase())
            }
        };
        let int = |name: &str| q.int(name).map_err(|n| invalid_field(&n));
        Ok(FamFilter {
            state,
            profile_id: int("certTypeId")?,
            person_id: int("personId")?,
            org_id: int("orgId")?,
            serial: q.get("serialNumber"),
            backend_cert_id: q.get("backendCertId"),
            email: q.get("email"),
            common_name: q.get("commonName"),
            key_algorithm: q.get("keyAlgorithm"),
            key_param: q.get("keyParam"),
            key_vault: q.get("keyVault"),
        })
    }

    /// No filter at all: the list is every certificate in id order.
    fn is_empty(&self) -> bool {
        let FamFilter {
            state,
            profile_id,
            person_id,
            org_id,
            serial,
            backend_cert_id,
            email,
            common_name,
            key_algorithm,
            key_param,
            key_vault,
        } = self;
        state.is_none()
            && profile_id.is_none()
            && person_id.is_none()
            && org_id.is_none()
            && [
                serial,
                backend_cert_id,
                email,
                common_name,
                key_algorithm,
                key_param,
                key_vault,
            ]
            .iter()
            .all(|v| v.is_none())
    }

    fn matches(&self, db: &Db, c: &OtherCert) -> bool {
        if let Some(want) = &self.state
            && c.status.render(c.family, true).to_ascii_lowercase() != *want
        {
            return false;
        }
        if let Some(v) = self.profile_id
            && c.profile_id != v
        {
            return false;
        }
        if let Some(v) = self.person_id
            && c.person_id != Some(v)
        {
            return false;
        }
        if let Some(v) = self.org_id
            && c.org_id != v
            && db.org(c.org_id).is_none_or(|o| o.id != v)
        {
            return false;
        }
        if let Some(v) = self.serial
            && !c.cert.as_ref().is_some_and(|x| x.serial_matches(v))
        {
            return false;
        }
        if let Some(v) = self.backend_cert_id
            && c.backend_cert_id != v.trim()
        {
            return false;
        }
        if let Some(v) = self.email
            && !contains_ci(&c.email, v)
        {
            return false;
        }
        if let Some(v) = self.common_name
            && !contains_ci(&c.common_name, v)
        {
            return false;
        }
        if let Some(v) = self.key_algorithm
            && !key_alg_size(&c.key_type).0.eq_ignore_ascii_case(v)
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
        // No key escrow in the demo data.
        if let Some(v) = self.key_vault
            && v.eq_ignore_ascii_case("true")
        {
            return false;
        }
        true
    }
}

/// GET list (`/api/smime/v2`, `/api/device/v1`). Unfiltered, a page is a slice of the id
/// order; filtered, every row is tested.
pub(crate) fn list(db: &Db, ctx: &Ctx, fam: Family) -> Res {
    let f = FamFilter::parse(ctx.q, fam)?;
    let (pos, size) = util::page_params(ctx.q)?;
    let day = ctx.date_fmt(DateFmt::Iso);
    let table = db.fam.map(fam);
    let (items, total) = if f.is_empty() {
        let page = table.page(pos, size);
        (
            page.iter().map(|c| list_item(c, day)).collect(),
            table.len(),
        )
    } else {
        let mut total = 0;
        let mut items = Vec::new();
        for c in table.values().filter(|c| f.matches(db, c)) {
            if total >= pos && size.is_none_or(|s| items.len() < s) {
                items.push(list_item(c, day));
            }
            total += 1;
        }
        (items, total)
    };
    Ok(json_list(items, total, CT_JSON))
}

/// HEAD count.
pub(crate) fn count(db: &Db, ctx: &Ctx, fam: Family) -> Res {
    let f = FamFilter::parse(ctx.q, fam)?;
    let table = db.fam.map(fam);
    let total = if f.is_empty() {
        table.len()
    } else {
        table.values().filter(|c| f.matches(db, c)).count()
    };
    Ok(util::count_only(total))
}

/// GET `/api/smime/v2/byPersonId/{pid}` and `/byPersonEmail/{email}`.
pub(crate) fn by_person(db: &Db, ctx: &Ctx, id: Option<&str>, email: Option<&str>) -> Res {
    let pid = match id {
        Some(raw) => Some(
            raw.trim()
                .parse::<i64>()
                .map_err(|_| bad(-105, "Person not found."))?,
        ),
        None => None,
    };
    let rows: Vec<Value> = db
        .fam
        .client
        .values()
        .filter(|c| pid.is_none_or(|p| c.person_id == Some(p)))
        .filter(|c| email.is_none_or(|e| c.email.eq_ignore_ascii_case(e.trim())))
        .map(|c| list_item(c, ctx.date_fmt(DateFmt::Iso)))
        .collect();
    if rows.is_empty() {
        return Err(bad(-105, "Person not found."));
    }
    Ok(util::json(StatusCode::OK, &Value::Array(rows), CT_JSON))
}

pub(super) fn not_found(raw: &str) -> ApiError {
    bad(-5101, format!("Certificate not found. {raw}"))
}

pub(super) fn find_id(db: &Db, fam: Family, raw: &str) -> Result<i64, ApiError> {
    let id: i64 = raw.trim().parse().map_err(|_| not_found(raw))?;
    if db.fam.map(fam).contains_key(&id) {
        Ok(id)
    } else {
        Err(not_found(raw))
    }
}

pub(super) fn find_by(db: &Db, fam: Family, by: &str, raw: &str) -> Result<i64, ApiError> {
    let table = db.fam.map(fam);
    // A number written the canonical way (as `to_string` would).
    let number = |s: &str| s.parse::<i64>().ok().filter(|n| n.to_string() == s);
    let hit = match by {
        "order" => {
            let key = raw.trim();
            let order = number(key);
            table
                .values()
                .find(|c| c.backend_cert_id == key || Some(c.order_number) == order)
        }
        "serial" => table
            .values()
            .find(|c| c.cert.as_ref().is_some_and(|x| x.serial_matches(raw))),
        _ => number(raw.trim()).and_then(|id| table.get(&id)),
    };
    hit.map(|c| c.id).ok_or_else(|| not_found(raw))
}

/// GET details.
pub(crate) fn details(db: &Db, ctx: &Ctx, fam: Family, raw: &str) -> Res {
    let id = find_id(db, fam, raw)?;
    let c = &db.fam.map(fam)[&id];
    Ok(util::json(
        StatusCode::OK,
        &details_json(db, c, ctx.date_fmt(DateFmt::Us)),
        CT_JSON,
    ))
}

/// GET types.
pub(crate) fn types(db: &Db, ctx: &Ctx, fam: Family) -> Res {
    ctx.q.int("organizationId").map_err(|n| invalid_field(&n))?;
    let v: Vec<Value> = db
        .fam
        .profiles(fam)
        .iter()
        .map(|p| profile_json(p, fam))
        .collect();
    Ok(util::json(StatusCode::OK, &Value::Array(v), CT_JSON))
}

/// The family's custom field definitions.
pub(super) fn custom_field_defs(fam: Family) -> Value {
    match fam {
        Family::Client => json!([{"id": 357, "name": "Employee ID", "mandatory": false}]),
        Family::Device => json!([{"id": 436, "name": "Asset Tag", "mandatory": true}]),
    }
}

/// GET customFields.
pub(crate) fn custom_fields(fam: Family) -> Res {
    Ok(util::json(StatusCode::OK, &custom_field_defs(fam), CT_JSON))
}

/// −62 unless every mandatory custom field of the family has a value.
pub(super) fn check_mandatory_custom(
    fam: Family,
    given: &[(String, String)],
) -> Result<(), ApiError> {
    let defs = custom_field_defs(fam);
    let missing_one = defs.as_array().into_iter().flatten().any(|d| {
        d["mandatory"].as_bool() == Some(true)
            && d["name"].as_str().is_some_and(|name| {
                !given
                    .iter()
                    .any(|(n, v)| n.eq_ignore_ascii_case(name) && !v.trim().is_empty())
            })
    });
    if missing_one {
        return Err(bad(-62, "Missing mandatory custom field!"));
    }
    Ok(())
}

/// GET collect (by id, or by `order`).
pub(crate) fn collect(db: &Db, ca: &DemoCa, ctx: &Ctx, fam: Family, by: &str, raw: &str) -> Res {
    let fmt_raw = ctx.q.get("format").unwrap_or("base64");
    let fmt = CollectFormat::parse(fmt_raw).ok_or_else(|| {
        bad(
            -1450,
            format!("Unsupported certificate format specified: {fmt_raw}"),
        )
    })?;
    let id = find_by(db, fam, by, raw)?;
    let c = &db.fam.map(fam)[&id];
    if c.status == St::Revoked {
        return Err(bad(
            -110,
            "Certificate has been revoked and cannot be downloaded.",
        ));
    }
    let Some(x) = c.cert.as_ref().filter(|_| c.status.has_cert()) else {
        return Err(bad(-183, "Certificate is not collectable."));
    };
    let ext = if fam == Family::Client && fmt == CollectFormat::Base64 {
        "p7b"
    } else {
        fmt.extension()
    };
    Ok(util::download(
        fmt.render(ca, &x.der),
        &format!("{}.{ext}", util::file_stem(&c.common_name)),
    ))
}
