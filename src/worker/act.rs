//! Actions (reads and confirmed mutations) and downloads.

use super::*;

pub(super) async fn act(
    ctx: &Ctx,
    account: AccountIdx,
    request: ActionRequest,
    about: Vec<crate::audit::Subject>,
) -> Result<JobOutput, ProviderError> {
    let name = account_name(&ctx.accounts, account);
    let action = request.audit_name();
    let output = |output: ActionOutput, request: ActionRequest, follows| JobOutput::Acted {
        account,
        request: Box::new(request),
        output: Box::new(output),
        follows,
    };
    if !request.is_mutating() {
        let provider = provider_for(&ctx.accounts, account, action)?;
        let out = provider.act(&request).await?;
        return Ok(output(out, request, Vec::new()));
    }

    let Some(log) = ctx.audit.clone() else {
        return Err(no_audit_log(&name, action));
    };
    let mut entry = AuditEntry::new(&name, action, request.audit_ids())
        .with_subjects(about)
        .with_login(login_of(ctx, account));
    if let Some(reason) = request.audit_reason() {
        entry = entry.with_reason(reason);
    }
    if let Some(family) = request.audit_family() {
        entry = entry.with_family(family);
    }
    if let Some(detail) = request.audit_detail() {
        entry = entry.with_detail(detail);
    }
    let provider = match provider_for(&ctx.accounts, account, action) {
        Ok(p) => p,
        Err(e) => return refuse(log, entry, e).await,
    };
    if let Err(e) = gate(&*provider, &name, request.kind(), action) {
        return refuse(log, entry, e).await;
    }
    // Sent once: the clients never retry a mutation that may have reached the server.
    let result = provider.act(&request).await;
    let noted = match &result {
        Ok(output) => match output.enrolled() {
            Some(e) => Some(format!("new id {}", e.id)),
            None => provider.audit_note(output),
        },
        Err(_) => None,
    };
    if let Some(n) = noted {
        entry.detail = Some(match entry.detail.take() {
            Some(d) => format!("{d}; {n}"),
            None => n,
        });
    }
    let out = finish(log, entry, result).await?;
    let follows = provider.follow_up(&request, &out);
    Ok(output(out, request, follows))
}

pub(super) async fn collect(
    ctx: &Ctx,
    account: AccountIdx,
    family: Collection,
    id: String,
    format: &'static str,
    path: PathBuf,
) -> Result<JobOutput, ProviderError> {
    let name = account_name(&ctx.accounts, account);
    let op = format!("save certificate {id}");
    // A download is a read, but it is audited (the issue lists Collect among the audited
    // actions): one line with the format, the file and the outcome, refusals included.
    let entry = AuditEntry::new(&name, "download", vec![id.clone()])
        .with_family(family)
        .with_login(login_of(ctx, account))
        .with_detail(format!("format {}, file {}", format, path.display()));
    // A read: without an audit log it still works, unaudited.
    let log = ctx.audit.clone();
    let provider = match provider_for(&ctx.accounts, account, "download certificate") {
        Ok(p) => p,
        Err(e) => return audit_read(log, entry, Err(e)).await,
    };
    // Refuse a taken name or a missing folder before downloading anything.
    let path = match files::expand_path(&path).and_then(|p| files::check_new_path(&p).map(|()| p)) {
        Ok(p) => p,
        Err(e) => {
            return audit_read(log, entry, Err(local(&name, &op, e.to_string()))).await;
        }
    };
    let entry = entry.with_detail(format!("format {}, file {}", format, path.display()));
    let result = async {
        let bytes = provider.collect(family, &id, format).await?;
        let n = bytes.len();
        let p2 = path.clone();
        tokio::task::spawn_blocking(move || files::write_new_file(&p2, &bytes, files::CERT_MODE))
            .await
            .map_err(|e| local(&name, &op, format!("the file writer failed ({e})")))?
            .map_err(|e| local(&name, &op, e.to_string()))?;
        Ok::<usize, ProviderError>(n)
    }
    .await;
    let n = audit_read(log, entry, result).await?;
    Ok(JobOutput::Collected {
        account,
        family,
        id,
        path,
        bytes: n,
    })
}
