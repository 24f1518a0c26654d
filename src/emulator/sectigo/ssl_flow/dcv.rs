//! Per-certificate DCV (§2.6): the certificate's domains, their DCV state and recheck.

use super::*;

// ---- per-certificate DCV (§2.6) ------------------------------------------------------------

pub(super) fn dcv_method_name(mode: &str) -> &'static str {
    match mode {
        "EMAIL" => "EMAIL",
        "HTTP" => "HTTP_CSR_HASH",
        "HTTPS" => "HTTPS_CSR_HASH",
        "TXT" => "DNSTXT_RANDOM_VALUE",
        _ => "CNAME_CSR_HASH",
    }
}

/// The unique managed domains of a certificate's names.
pub(super) fn cert_domains(db: &Db, c: &SslCert) -> Vec<usize> {
    let mut out = Vec::new();
    for n in &c.sans {
        if let Some(i) = db.domain_index(n)
            && !out.contains(&i)
        {
            out.push(i);
        }
    }
    out
}

/// GET `/api/ssl/v1/{sslId}/dcv`.
pub(crate) fn dcv(db: &mut Db, ctx: &Ctx, raw_id: &str) -> Res {
    let id = parse_id(raw_id)?;
    if let Some(c) = db.ssl.get(&id).cloned() {
        for i in cert_domains(db, &c) {
            if !db.domains[i].dcv_ok(ctx.now) {
                db.note_instructed(i, ctx.now);
            }
        }
    }
    let db = &*db;
    let c = db.ssl.get(&id).ok_or_else(|| wrong_id(raw_id))?;
    let mode = c.dcv_mode.clone().unwrap_or_else(|| "CNAME".into());
    let fmt = ctx.date_fmt(DateFmt::IsoSpace);
    let (md5, sha) = match &c.csr {
        Some(csr) => (csr.md5_hex(), csr.sha256_hex()),
        None => (String::new(), String::new()),
    };
    let mut log = Vec::new();
    let mut instructions = Vec::new();
    for (n, i) in cert_domains(db, c).into_iter().enumerate() {
        let d = &db.domains[i];
        let ok = d.dcv_ok(ctx.now);
        let mut entry = json!({
            "domainName": d.name,
            "dcvStatus": if ok { "Validated" } else { "Awaiting Validation" },
            "dcvMethod": if ok { d.dcv.method.unwrap_or("EMAIL") } else { dcv_method_name(&mode) },
            "dcvEmailRefNumber": n + 1,
        });
        if ok {
            if let Some(v) = d.dcv.validation_date {
                entry["dcvDate"] = json!(fmt.fmt(v));
            }
        } else {
            let last = c.dcv_last_check.unwrap_or(c.requested);
            entry["lastCheck"] = json!(fmt.fmt(last));
            entry["nextCheck"] = json!(fmt.fmt(last + 3600));
            let (dm, ds) = if md5.is_empty() {
                d.dcv_hashes()
            } else {
                (md5.clone(), sha.to_lowercase())
            };
            let mut ins = json!({"domainName": d.name, "dcvMode": mode});
            match mode.as_str() {
                "HTTP" | "HTTPS" => {
                    let scheme = mode.to_ascii_lowercase();
                    ins["url"] = json!(format!(
                        "{scheme}://{}/.well-known/pki-validation/{dm}.txt",
                        d.name
                    ));
                    ins["file"] = json!(format!("{ds}\nsectigo.com"));
                }
                "EMAIL" => {
                    ins["dcvEmail"] = json!(
                        c.dcv_email
                            .clone()
                            .unwrap_or_else(|| format!("admin@{}", d.name))
                    );
                }
                "TXT" => {
                    ins["host"] = json!(format!("_pki-validation.{}.", d.name));
                    ins["point"] = json!(format!("{}", &ds[..32.min(ds.len())]));
                }
                _ => {
                    ins["host"] = json!(format!("_{}.{}.", dm.to_lowercase(), d.name));
                    ins["point"] = json!(format!(
                        "{}.{}.sectigo.com.",
                        &ds[..32.min(ds.len())],
                        &ds[32.min(ds.len())..]
                    ));
                }
            }
            instructions.push(ins);
        }
        log.push(entry);
    }
    Ok(util::json(
        StatusCode::OK,
        &json!({
            "dcvLog": {"error": {"code": 0, "description": null}, "log": log},
            "instructions": instructions,
        }),
        CT_JSON_UTF8,
    ))
}

/// POST `/api/ssl/v1/{sslId}/dcv/recheck` → 202. Domains whose instructions were followed
/// (see `SectigoEmulator::publish_dcv`) become validated.
pub(crate) fn dcv_recheck(db: &mut Db, ctx: &Ctx, raw_id: &str) -> Res {
    let id = parse_id(raw_id)?;
    let c = db.ssl.get(&id).ok_or_else(|| wrong_id(raw_id))?.clone();
    let mode = c.dcv_mode.clone().unwrap_or_else(|| "CNAME".into());
    for i in cert_domains(db, &c) {
        let now = ctx.now;
        let published = db.dcv_followed(i, now);
        let d = &mut db.domains[i];
        d.dcv.last_check = Some(now);
        if !d.dcv_ok(now) && published {
            d.dcv.status = super::super::data::DcvStatus::Validated;
            d.dcv.method = Some(dcv_method_name(&mode));
            d.dcv.validation_date = Some(now);
            d.dcv.expiration_date = Some(now + 365 * DAY);
        }
    }
    if let Some(c) = db.ssl.get_mut(&id) {
        c.dcv_last_check = Some(ctx.now);
    }
    Ok(util::empty(StatusCode::ACCEPTED))
}
