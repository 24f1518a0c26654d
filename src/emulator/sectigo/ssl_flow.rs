//! SSL certificate workflows (§2.6–§2.16, §18): the state machine, enroll, approve/decline,
//! revoke, renew, replace, update, delete and the per-certificate DCV.

use std::time::Instant;

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::Ctx;
use super::data::{CsrData, DAY, Db, Domain, SslCert, SslStatus, random_serial, random_token};
use super::ssl::{self, parse_id, wrong_id};
use super::table::Look;
use super::util::{
    self, ApiError, CT_JSON_UTF8, DateFmt, Res, bad, body_json, check_len, custom_fields_of,
    invalid_field, missing, opt_i64, opt_str, req_i64, req_str,
};
use crate::emulator::ca::{self, DemoCa, LeafKey, LeafKind, LeafRequest, SubjectOrg};

mod change;
mod dcv;

pub(crate) use self::change::{delete, renew_by_id, renew_by_token, renew_manual, replace, update};
pub(crate) use self::dcv::{dcv, dcv_recheck};

/// The emulator's administrator (the demo login) as approver.
pub(crate) const DEMO_ADMIN: (&str, i64) = ("Demo Admin", 10001);

/// DCV modes accepted by enroll/renew/replace.
const DCV_MODES: &[&str] = &["CNAME", "EMAIL", "HTTP", "HTTPS", "TXT"];

// ---- state machine -----------------------------------------------------------------------

impl Db {
    /// Advances time-driven state: approvals through Applied to Issued (once the domains are
    /// validated), issued certificates past their expiry to Expired, DCV past its date to EXPIRED.
    /// Runs before every request, so it looks only at rows written since the last tick, rows
    /// still waiting for the CA and rows whose expiry has come (see `IdTable::tick`).
    pub(crate) fn tick(&mut self, now: i64, at: Instant, ca: &DemoCa) {
        for d in &mut self.domains {
            if d.dcv.status == super::data::DcvStatus::Validated
                && d.dcv.expiration_date.is_some_and(|e| e <= now)
            {
                d.dcv.status = super::data::DcvStatus::Expired;
            }
        }
        let delay = self.issue_delay;
        let domains = &self.domains;
        let mut to_issue = Vec::new();
        // One row: expire it, or move it along.
        self.ssl.tick(now, |c| {
            let mut look = Look::default();
            if c.status == SslStatus::Issued {
                match c.expires {
                    Some(e) if e <= now => c.status = SslStatus::Expired,
                    Some(e) => look.at = Some(e),
                    None => {}
                }
            }
            let Some(since) = c.pending_since else {
                return look;
            };
            look.waiting = true;
            let elapsed = at.saturating_duration_since(since);
            if c.status == SslStatus::Approved && elapsed >= delay / 2 {
                c.status = SslStatus::Applied;
            }
            if c.status == SslStatus::Applied
                && elapsed >= delay
                && names_validated(domains, &c.sans, now)
            {
                to_issue.push(c.id);
            }
            look
        });
        for id in to_issue {
            self.issue_now(id, now, ca);
        }
    }

    /// Signs the certificate of request `id` (from its CSR, or its pool key).
    pub(crate) fn issue_now(&mut self, id: i64, now: i64, ca: &DemoCa) {
        let serial = random_serial(&mut self.rng);
        let Some(c) = self.ssl.get(&id) else { return };
        let org = self.org(c.org_id).cloned();
        let req = LeafRequest {
            common_name: c.common_name.clone(),
            sans: c.sans.clone(),
            not_before: now,
            not_after: now + c.term * DAY,
            serial,
            org: SubjectOrg {
                organization: org.as_ref().map(|o| o.name.to_string()),
                locality: org.as_ref().map(|o| o.city.to_string()),
                state: org.as_ref().map(|o| o.state.to_string()),
                country: org.as_ref().map(|o| o.country.to_string()),
            },
            kind: LeafKind::Server,
        };
        let result = match (&c.csr, c.key_index) {
            (Some(csr), _) => ca.issue_leaf(&req, LeafKey::CsrDer(&csr.der)),
            (None, Some(k)) => ca.issue_leaf(&req, LeafKey::KeyPair(self.keys.get(k))),
            (None, None) => Err(anyhow::anyhow!("no CSR and no key")),
        };
        let Some(c) = self.ssl.get_mut(&id) else {
            return;
        };
        c.pending_since = None;
        match result {
            Ok(cert) => {
                c.key_type = cert.key_type.clone();
                c.cert = Some(cert);
                c.status = SslStatus::Issued;
                c.issued = Some(now);
                c.expires = Some(now + c.term * DAY);
            }
            Err(e) => {
                tracing::warn!("emulator could not issue SSL {id}: {e:#}");
                c.status = SslStatus::Invalid;
            }
        }
    }

    /// The managed domain a certificate name falls under (longest match).
    pub(crate) fn domain_index(&self, name: &str) -> Option<usize> {
        domain_index(&self.domains, name)
    }
}

fn domain_index(domains: &[Domain], name: &str) -> Option<usize> {
    let n = name.trim_start_matches("*.").to_ascii_lowercase();
    domains
        .iter()
        .enumerate()
        .filter(|(_, d)| n == d.name || n.ends_with(&format!(".{}", d.name)))
        .max_by_key(|(_, d)| d.name.len())
        .map(|(i, _)| i)
}

/// True when no name falls under a managed domain whose DCV is incomplete. Names outside the
/// managed domains are not checked (the emulator is lenient there).
fn names_validated(domains: &[Domain], names: &[String], now: i64) -> bool {
    names.iter().all(|n| match domain_index(domains, n) {
        Some(i) => domains[i].dcv_ok(now),
        None => true,
    })
}

fn first_unvalidated(db: &Db, names: &[String], now: i64) -> Option<String> {
    names.iter().find_map(|n| {
        db.domain_index(n)
            .filter(|i| !db.domains[*i].dcv_ok(now))
            .map(|i| db.domains[i].name.clone())
    })
}

// ---- helpers -----------------------------------------------------------------------------

/// Reads and checks a CSR, mapping problems to the SCM codes.
pub(crate) fn read_csr(pem: &str) -> Result<(CsrData, ca::CsrInfo), ApiError> {
    let (data, info) = CsrData::from_pem(pem).map_err(|e| {
        let msg = e.to_string();
        if msg.contains("Base-64") || msg.contains("not valid PEM") {
            bad(-9, "The CSR is not valid Base-64 data!")
        } else if msg.contains("signature") {
            bad(-138, "Invalid CSR.")
        } else if msg.contains("unsupported algorithm") {
            bad(-11, "The CSR uses an unsupported algorithm!")
        } else {
            bad(-10, "Error while decoding CSR.")
        }
    })?;
    if let Some(bits) = info.key_type.strip_prefix("RSA - ")
        && bits.parse::<u32>().unwrap_or(0) < 2048
    {
        return Err(bad(
            -141,
            "The public key size in the CSR should be 2048 bits minimum.",
        ));
    }
    Ok((data, info))
}

fn dcv_mode_of(b: &Value) -> Result<(Option<String>, Option<String>), ApiError> {
    let mode = opt_str(b, "dcvMode")?;
    let mode = match mode {
        None => None,
        Some(m) => {
            let up = m.trim().to_ascii_uppercase();
            if !DCV_MODES.contains(&up.as_str()) {
                return Err(invalid_field("dcvMode"));
            }
            Some(up)
        }
    };
    let email = opt_str(b, "dcvEmail")?;
    if mode.as_deref() == Some("EMAIL") {
        match &email {
            None => return Err(missing("dcvEmail")),
            Some(e) if !e.contains('@') => return Err(invalid_field("dcvEmail")),
            _ => {}
        }
    }
    Ok((mode, email))
}

fn names_from(v: Option<&Value>) -> Result<Vec<String>, ApiError> {
    Ok(match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => s
            .split(',')
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect(),
        Some(_) => return Err(invalid_field("subjAltNames")),
    })
}

fn dedup(names: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    names
        .into_iter()
        .filter(|n| seen.insert(n.to_ascii_lowercase()))
        .collect()
}

fn get_mut<'a>(db: &'a mut Db, raw_id: &str) -> Result<&'a mut SslCert, ApiError> {
    let id = parse_id(raw_id)?;
    db.ssl.get_mut(&id).ok_or_else(|| wrong_id(raw_id))
}

fn no_content() -> Res {
    Ok(util::empty(StatusCode::NO_CONTENT))
}

/// Starts the CA's processing of an approved request.
fn start_processing(c: &mut SslCert, now: i64, at: Instant) {
    c.status = SslStatus::Approved;
    c.approved = Some(now);
    c.owner = Some((DEMO_ADMIN.0.to_string(), DEMO_ADMIN.1));
    c.pending_since = Some(at);
}

// ---- endpoints ---------------------------------------------------------------------------

/// POST `/api/ssl/v1/enroll` → 200 `{sslId, renewId}`.
pub(crate) fn enroll(db: &mut Db, ctx: &Ctx) -> Res {
    let b = body_json(ctx.body)?;
    let org_id = req_i64(&b, "orgId")?;
    if db.org(org_id).is_none() {
        return Err(bad(-1023, format!("Organization '{org_id}' not found.")));
    }
    let cert_type = req_i64(&b, "certType")?;
    let profile = db.profile(cert_type).cloned().ok_or_else(|| {
        bad(
            -111,
            format!("No certificate profile found by id {cert_type}"),
        )
    })?;
    let term = req_i64(&b, "term")?;
    if !profile.terms.contains(&term) {
        return Err(bad(
            -36,
            "The validity period (term) is invalid for this certificate profile.",
        ));
    }
    let csr_pem = req_str(&b, "csr")?;
    if csr_pem.len() > 32767 {
        return Err(invalid_field("csr"));
    }
    let (csr, info) = read_csr(&csr_pem)?;
    let extra = names_from(b.get("subjAltNames"))?;
    let cn = info
        .common_name
        .clone()
        .or_else(|| extra.first().cloned())
        .or_else(|| info.dns_names.first().cloned())
        .ok_or_else(|| missing("commonName"))?;
    let mut names = vec![cn.clone()];
    names.extend(info.dns_names.iter().cloned());
    names.extend(extra);
    let sans = dedup(names);
    if profile.shape == super::data::ProfileShape::Wildcard && !cn.starts_with("*.") {
        return Err(invalid_field("commonName"));
    }
    let custom = custom_fields_of(&b)?;
    for f in db.custom_fields.iter().filter(|f| f.mandatory) {
        if !custom
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case(f.name) && !v.trim().is_empty())
        {
            return Err(bad(-62, "Missing mandatory custom field!"));
        }
    }
    let comments = opt_str(&b, "comments")?;
    check_len(&comments, "comments", 1024)?;
    let external = opt_str(&b, "externalRequester")?;
    check_len(&external, "externalRequester", 512)?;
    let (dcv_mode, dcv_email) = dcv_mode_of(&b)?;
    // Every name must fall under a domain the account manages (SCM refuses others).
    if let Some(n) = sans.iter().find(|n| db.domain_index(n).is_none()) {
        return Err(bad(
            -1010,
            format!("Domain '{}' is not allowed.", n.trim_start_matches("*.")),
        ));
    }
    if dcv_mode.is_none()
        && let Some(d) = first_unvalidated(db, &sans, ctx.now)
    {
        return Err(bad(
            -107,
            format!(
                "Domain Control Validation is either incomplete or expired for {d}. Please complete it before requesting a certificate."
            ),
        ));
    }

    let (id, order) = db.alloc_ssl_id();
    let renew_id = random_token(&mut db.rng);
    let mut c = SslCert {
        id,
        common_name: cn,
        sans,
        status: SslStatus::Requested,
        org_id,
        profile_id: profile.id,
        term,
        order_number: order,
        backend_cert_id: order.to_string(),
        owner: None,
        requester: super::DEMO_LOGIN.to_string(),
        requester_id: Some(DEMO_ADMIN.1),
        requested_via: "REST API",
        external_requester: external,
        comments,
        requested: ctx.now,
        approved: None,
        issued: None,
        declined: None,
        expires: None,
        revoked: None,
        replaced: None,
        reason_code: None,
        renewed: false,
        renewed_date: None,
        key_type: info.key_type.clone(),
        custom_fields: custom,
        cert: None,
        csr: Some(csr),
        renew_id: renew_id.clone(),
        suspend_notifications: false,
        auto_renew: ("Not scheduled", None),
        dcv_mode,
        dcv_email,
        key_index: None,
        pending_since: None,
        dcv_last_check: None,
    };
    if db.auto_approve {
        start_processing(&mut c, ctx.now, ctx.at);
    }
    db.ssl.insert(id, c);
    Ok(util::json(
        StatusCode::OK,
        &json!({"sslId": id, "renewId": renew_id}),
        CT_JSON_UTF8,
    ))
}

fn message_of(b: &Value) -> Result<String, ApiError> {
    let m = req_str(b, "message")?;
    if m.chars().count() > 512 {
        return Err(invalid_field("message"));
    }
    Ok(m)
}

/// POST `/api/ssl/v1/approve/{sslId}` → 204.
pub(crate) fn approve(db: &mut Db, ctx: &Ctx, raw_id: &str) -> Res {
    let b = body_json(ctx.body)?;
    let ev = {
        let c = get_mut(db, raw_id)?;
        (c.profile_id, c.requester.clone())
    };
    let is_ev = db.profile(ev.0).is_some_and(|p| p.ev);
    let c = get_mut(db, raw_id)?;
    if c.status != SslStatus::Requested {
        return Err(bad(
            -1112,
            format!(
                "Certificate can't be approved cause it has state = {}",
                c.status.as_str()
            ),
        ));
    }
    message_of(&b)?;
    if is_ev && ev.1 == super::DEMO_LOGIN {
        return Err(bad(
            -1140,
            "Since you are a requester of this certificate you can't approve it. For EV certificates the requester and the approver must not be the same person.",
        ));
    }
    start_processing(c, ctx.now, ctx.at);
    no_content()
}

/// POST `/api/ssl/v1/decline/{sslId}` → 204.
pub(crate) fn decline(db: &mut Db, ctx: &Ctx, raw_id: &str) -> Res {
    let b = body_json(ctx.body)?;
    let c = get_mut(db, raw_id)?;
    if c.status != SslStatus::Requested {
        return Err(bad(
            -1112,
            format!(
                "Certificate can't be declined cause it has state = {}",
                c.status.as_str()
            ),
        ));
    }
    let m = message_of(&b)?;
    c.status = SslStatus::Declined;
    c.declined = Some(ctx.now);
    c.owner = Some((DEMO_ADMIN.0.to_string(), DEMO_ADMIN.1));
    c.comments = Some(match c.comments.take() {
        Some(old) => format!("{old}\nDeclined: {m}"),
        None => format!("Declined: {m}"),
    });
    no_content()
}

fn revoke_body(b: &Value, reason_required: bool) -> Result<i64, ApiError> {
    let code = opt_i64(b, "reasonCode")?.unwrap_or(0);
    if ![0, 1, 3, 4, 5].contains(&code) {
        return Err(invalid_field("reasonCode"));
    }
    let reason = opt_str(b, "reason")?;
    if reason_required && reason.is_none() {
        return Err(missing("reason"));
    }
    check_len(&reason, "reason", 512)?;
    Ok(code)
}

fn revoke_cert(c: &mut SslCert, code: i64, now: i64) -> Res {
    if c.status == SslStatus::Revoked {
        return Err(bad(-159, "Your certificate already revoked"));
    }
    if c.status != SslStatus::Issued {
        return Err(bad(-102, "Only issued certificates could be revoked."));
    }
    c.status = SslStatus::Revoked;
    c.revoked = Some(now);
    c.reason_code = Some(code);
    no_content()
}

/// POST `/api/ssl/v1/revoke/{sslId}` → 204.
pub(crate) fn revoke(db: &mut Db, ctx: &Ctx, raw_id: &str) -> Res {
    let b = body_json(ctx.body)?;
    let c = get_mut(db, raw_id)?;
    let code = revoke_body(&b, true)?;
    revoke_cert(c, code, ctx.now)
}

/// POST `/api/ssl/v1/revoke/serial/{serialNumber}` → 204.
pub(crate) fn revoke_serial(db: &mut Db, ctx: &Ctx, serial: &str) -> Res {
    let b = body_json(ctx.body)?;
    let id = find_serial(db, serial)?;
    let c = db
        .ssl
        .get_mut(&id)
        .ok_or_else(|| wrong_id(&id.to_string()))?;
    let code = revoke_body(&b, true)?;
    revoke_cert(c, code, ctx.now)
}

/// The id of the certificate with this serial (any notation), or −5101.
fn find_serial(db: &Db, serial: &str) -> Result<i64, ApiError> {
    db.ssl
        .values()
        .find(|c| c.cert.as_ref().is_some_and(|x| x.serial_matches(serial)))
        .map(|c| c.id)
        .ok_or_else(|| bad(-5101, format!("Certificate not found. {serial}")))
}

/// POST `/api/ssl/v1/revoke/manual` → 204 (marks revoked, §1.7 body).
pub(crate) fn revoke_manual(db: &mut Db, ctx: &Ctx) -> Res {
    let b = body_json(ctx.body)?;
    let code = revoke_body(&b, false)?;
    let when = match opt_str(&b, "revokeDate")? {
        None => ctx.now,
        Some(d) => parse_date(&d).ok_or_else(|| invalid_field("revokeDate"))?,
    };
    let c = if let Some(id) = opt_i64(&b, "certId")? {
        db.ssl
            .get_mut(&id)
            .ok_or_else(|| wrong_id(&id.to_string()))?
    } else {
        let serial = opt_str(&b, "serialNumber")?;
        let issuer = opt_str(&b, "issuer")?;
        let (Some(serial), Some(_issuer)) = (serial, issuer) else {
            return Err(bad(
                -951,
                "At least one of the following fields must be filled in: certId, serialNumber and issuer.",
            ));
        };
        let id = find_serial(db, &serial)?;
        db.ssl
            .get_mut(&id)
            .ok_or_else(|| wrong_id(&id.to_string()))?
    };
    if !c.status.has_certificate() {
        return Err(bad(-102, "Only issued certificates could be revoked."));
    }
    c.status = SslStatus::Revoked;
    c.revoked = Some(when);
    c.reason_code = Some(code);
    no_content()
}

/// Parses `2025-06-10T00:00:00Z`, `2025-06-10T00:00:00.000Z` or `2025-06-10`.
pub(crate) fn parse_date(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(ts) = s.parse::<jiff::Timestamp>() {
        return Some(ts.as_second());
    }
    let d: jiff::civil::Date = s.parse().ok()?;
    d.to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp().as_second())
}
