//! Enrolment and replacement with a locally made key (written before the CSR is sent) or
//! a CSR from a file.

use super::*;

pub(super) fn progress(
    tx: &mpsc::UnboundedSender<WorkerEvent>,
    job: JobId,
    done: usize,
    label: &str,
) {
    let _ = tx.send(WorkerEvent::Progress {
        job,
        done,
        of: 3,
        label: label.to_string(),
    });
}

pub(super) async fn enroll(
    ctx: &Ctx,
    job: JobId,
    account: AccountIdx,
    spec: EnrollSpec,
    tx: &mpsc::UnboundedSender<WorkerEvent>,
) -> Result<JobOutput, ProviderError> {
    let name = account_name(&ctx.accounts, account);
    let EnrollSpec {
        request,
        family,
        common_name: cn,
        names,
        email_names,
        key,
        audit_id,
        named,
        id_from_csr,
        replaces,
        reason,
        about,
    } = spec;
    let (action, kind) = if replaces.is_some() {
        ("replace", ActionKind::Replace)
    } else {
        ("enroll", ActionKind::Enroll)
    };
    let Some(log) = ctx.audit.clone() else {
        return Err(no_audit_log(&name, action));
    };
    let first_id = replaces.clone().unwrap_or(audit_id);
    // What was acted on: the certificate replaced, or the names the new one is asked for.
    let subjects = if about.is_empty() {
        vec![crate::audit::Subject {
            cn: cn.clone(),
            serial: None,
            sans: names.clone(),
        }]
    } else {
        about
    };
    let mut entry = AuditEntry::new(&name, action, vec![first_id])
        .with_family(family)
        .with_login(login_of(ctx, account))
        .with_subjects(subjects);
    if let Some(r) = reason {
        entry = entry.with_reason(r);
    }
    let provider = match provider_for(&ctx.accounts, account, action) {
        Ok(p) => p,
        Err(e) => return refuse(log, entry, e).await,
    };
    if let Err(e) = gate(&*provider, &name, kind, action) {
        return refuse(log, entry, e).await;
    }

    let (csr, key_path) = match key {
        KeySource::Generate { alg, key_path } => {
            let op = format!("write the private key for {cn}");
            let path = match files::expand_path(&key_path)
                .and_then(|p| files::check_new_path(&p).map(|()| p))
            {
                Ok(p) => p,
                Err(e) => return refuse(log, entry, local(&name, op, e.to_string())).await,
            };
            entry = entry.with_detail(format!("{} key {}", alg.label(), path.display()));
            progress(tx, job, 1, &format!("generating a {} key", alg.label()));
            let (cn2, names2) = (cn.clone(), names.clone());
            let made = tokio::task::spawn_blocking(move || {
                if email_names {
                    keygen::generate_for_email(alg, &cn2, &names2)
                } else {
                    keygen::generate(alg, &cn2, &names2)
                }
            })
            .await;
            let (secret, csr) = match made {
                Ok(Ok(pair)) => pair,
                Ok(Err(e)) => {
                    let e = local(&name, "make the key and CSR", e.to_string());
                    return refuse(log, entry, e).await;
                }
                Err(e) => {
                    let e = local(
                        &name,
                        "make the key and CSR",
                        format!("key generation failed ({e})"),
                    );
                    return refuse(log, entry, e).await;
                }
            };
            // The key is on disk (0600, never over another file) before the CSR leaves.
            progress(tx, job, 2, "writing the private key");
            let p2 = path.clone();
            let written = tokio::task::spawn_blocking(move || {
                files::write_new_file(&p2, secret.expose_secret().as_bytes(), files::KEY_MODE)
            })
            .await
            .map_err(|e| format!("the file writer failed ({e})"))
            .and_then(|r| r.map_err(|e| e.to_string()));
            if let Err(e) = written {
                return refuse(log, entry, local(&name, op, e)).await;
            }
            (csr, Some(path))
        }
        KeySource::KeyFile(key_file) => {
            let op = format!("read the private key for {cn}");
            let path = match files::expand_path(&key_file) {
                Ok(p) => p,
                Err(e) => return refuse(log, entry, local(&name, op, e.to_string())).await,
            };
            entry = entry.with_detail(format!("existing key {}", path.display()));
            progress(tx, job, 1, "making the CSR with the existing key");
            // The names as a new key's CSR would carry them.
            let (cn2, p2, names, email) = (cn.clone(), path.clone(), names.clone(), email_names);
            let made = tokio::task::spawn_blocking(move || {
                let key = keygen::read_key_file(&p2)?;
                if email {
                    keygen::csr_for_key_and_email(key.expose_secret(), &cn2, &names)
                } else {
                    keygen::csr_for_key(key.expose_secret(), &cn2, &names)
                }
            })
            .await
            .map_err(|e| format!("the CSR maker failed ({e})"))
            .and_then(|r| r.map_err(|e| e.to_string()));
            match made {
                // The key stays where it is: it is this attempt's key, as for a new one.
                Ok(csr) => (csr, Some(path)),
                Err(e) => return refuse(log, entry, local(&name, op, e)).await,
            }
        }
        KeySource::CsrFile(csr_path) => {
            let op = "read the CSR file";
            let path = match files::expand_path(&csr_path) {
                Ok(p) => p,
                Err(e) => return refuse(log, entry, local(&name, op, e.to_string())).await,
            };
            entry = entry.with_detail(format!("CSR {}", path.display()));
            progress(tx, job, 1, "reading the CSR");
            let p2 = path.clone();
            let read = tokio::task::spawn_blocking(move || keygen::read_csr(&p2))
                .await
                .map_err(|e| format!("the CSR reader failed ({e})"))
                .and_then(|r| r.map_err(|e| e.to_string()));
            match read {
                Ok((pem, csr_cn, _sans)) => {
                    // An SSL request is named by what its CSR names; S/MIME and device ones
                    // keep the address or device name the user gave.
                    if id_from_csr && !csr_cn.is_empty() {
                        entry.ids = vec![csr_cn];
                    }
                    (pem, None)
                }
                Err(e) => return refuse(log, entry, local(&name, op, e)).await,
            }
        }
    };

    let sent = request.with_csr(csr);
    if let Some(id) = replaces {
        progress(tx, job, 3, "sending the replacement");
        let result = provider.act(&sent).await.map_err(|e| kept(e, &key_path));
        let out = finish(log, entry, result).await?;
        return Ok(JobOutput::Replaced {
            account,
            family,
            id,
            key_path,
            follows: provider.follow_up(&sent, &out),
        });
    }
    progress(tx, job, 3, "sending the request");
    let result = match provider.act(&sent).await {
        Ok(out) => match out.enrolled().cloned() {
            Some(e) => Ok((e, out)),
            None => Err(ProviderError::new(
                &name,
                action,
                ErrorKind::Protocol,
                format!("the provider answered an enrolment with {out:?}; refresh the list"),
            )),
        },
        Err(e) => Err(e),
    };
    if let Ok((e, _)) = &result {
        entry.ids = vec![e.id.clone()];
        let detail = entry.detail.take().unwrap_or_default();
        entry = entry.with_detail(format!("{named}; {detail}"));
    }
    let result = result.map_err(|e| kept(e, &key_path));
    let (enrolled, out) = finish(log, entry, result).await?;
    let follows = provider.follow_up(&sent, &out);
    Ok(JobOutput::Enrolled {
        account,
        family,
        enrolled,
        key_path,
        follows,
    })
}
