//! What an SCM account offers: its actions (with their keys, effects and the certificate
//! states they apply to) and its side views. The console builds its menu, key table, help
//! and read-only gate from these.

use super::forms;
use crate::model::spec::{AccountInfo, ActionSpec, Effect, ExportFormat, Targets, ViewSpec};
use crate::model::{Cert, CertStatus, Collection, Origin};
use crate::provider::sectigo::Family;

pub const INFO: AccountInfo = AccountInfo {
    actions: ACTIONS,
    views: VIEWS,
    exports: EXPORTS,
    outcome: super::outcome::outcome,
    new_request,
};

/// How a new request of a family is named in messages.
fn new_request(family: Collection) -> &'static str {
    match family {
        Family::Client => "new S/MIME request",
        Family::Device => "new device request",
        _ => "new request",
    }
}

/// SCM's `format=` values for a download, the default (the certificate alone) first.
pub const EXPORTS: &[ExportFormat] = &[
    ExportFormat {
        id: "x509CO",
        description: "certificate only, PEM",
        ext: "crt.pem",
    },
    ExportFormat {
        id: "x509",
        description: "certificate and chain, PEM",
        ext: "chain.pem",
    },
    ExportFormat {
        id: "x509IO",
        description: "root and intermediates only, PEM",
        ext: "ca.pem",
    },
    ExportFormat {
        id: "x509IOR",
        description: "intermediates and root only (reversed), PEM",
        ext: "ca-reversed.pem",
    },
    ExportFormat {
        id: "base64",
        description: "PKCS#7, PEM",
        ext: "p7b.pem",
    },
    ExportFormat {
        id: "bin",
        description: "PKCS#7, DER (binary)",
        ext: "p7b",
    },
];

/// In the action menu's order.
pub const ACTIONS: &[ActionSpec] = &[
    ActionSpec {
        id: "approve",
        label: "Approve",
        help: "approve the request(s), with a message",
        keys: &["a"],
        effect: Effect::Change,
        targets: Targets::Many,
        guard: Some(approvable_to_approve),
        audit: "approve",
        form: Some(forms::decision::approve),
    },
    ActionSpec {
        id: "decline",
        label: "Decline",
        help: "decline the request(s), with a message",
        keys: &["d"],
        effect: Effect::Change,
        targets: Targets::Many,
        guard: Some(approvable_to_decline),
        audit: "decline",
        form: Some(forms::decision::decline),
    },
    ActionSpec {
        id: "revoke",
        label: "Revoke",
        help: "revoke (reason code, reason, typed confirmation)",
        keys: &["R"],
        effect: Effect::Destroy,
        targets: Targets::Many,
        guard: Some(revocable),
        audit: "revoke",
        form: Some(forms::revoke::revoke),
    },
    ActionSpec {
        id: "renew",
        label: "Renew",
        help: "renew by id or by renew id",
        keys: &["w"],
        effect: Effect::Change,
        targets: Targets::One,
        guard: None,
        audit: "renew",
        form: Some(forms::lifecycle::renew),
    },
    ActionSpec {
        id: "replace",
        label: "Replace (new key and CSR)",
        help: "replace with a new key and CSR (reason required)",
        keys: &["u"],
        effect: Effect::Change,
        targets: Targets::One,
        guard: Some(replaceable),
        audit: "replace",
        form: Some(forms::replace::replace),
    },
    ActionSpec {
        id: "mark_renewed",
        label: "Mark as renewed",
        help: "mark as renewed",
        keys: &["M"],
        effect: Effect::Change,
        targets: Targets::One,
        guard: Some(ssl_only_mark_renewed),
        audit: "mark-renewed",
        form: Some(forms::lifecycle::mark_renewed),
    },
    ActionSpec {
        id: "delete",
        label: "Delete",
        help: "delete (imported or discovered certificates only)",
        keys: &["D"],
        effect: Effect::Destroy,
        targets: Targets::One,
        guard: Some(deletable),
        audit: "delete",
        form: Some(forms::lifecycle::delete),
    },
    ActionSpec {
        id: "download",
        label: "Download",
        help: "download the certificate to a file",
        keys: &["c"],
        effect: Effect::Read,
        targets: Targets::One,
        guard: Some(downloadable),
        audit: "download",
        form: Some(forms::download::download),
    },
    ActionSpec {
        id: "dcv",
        label: "Domain control validation",
        help: "domain control validation: status, instructions, recheck",
        keys: &["v"],
        effect: Effect::Read,
        targets: Targets::One,
        guard: Some(ssl_only_dcv),
        audit: "dcv",
        form: Some(forms::dcv::cert_dcv),
    },
    ActionSpec {
        id: "enroll",
        label: "Enroll a new certificate",
        help: "enroll a certificate of the selected family",
        keys: &["n"],
        effect: Effect::Change,
        targets: Targets::Account,
        guard: None,
        audit: "enroll",
        form: Some(forms::enroll::enroll),
    },
    ActionSpec {
        id: "revoke_serial",
        label: "Revoke by serial number",
        help: "revoke a certificate by its serial number",
        keys: &["X"],
        effect: Effect::Destroy,
        targets: Targets::Account,
        guard: None,
        audit: "revoke-by-serial",
        form: Some(forms::revoke::revoke_serial),
    },
];

pub const VIEWS: &[ViewSpec] = &[
    ViewSpec {
        id: "domains",
        label: "Domains",
        name: "domains",
    },
    ViewSpec {
        id: "dcv",
        label: "DCV",
        name: "domain validation",
    },
    ViewSpec {
        id: "orgs",
        label: "Organizations",
        name: "organizations",
    },
];

fn cn(c: &Cert) -> &str {
    if c.common_name.is_empty() {
        &c.id
    } else {
        &c.common_name
    }
}

fn approvable(c: &Cert, verb: &str) -> Result<(), String> {
    if !c.family.needs_approval() {
        return Err(format!(
            "{}: client certificates have no approval step in SCM",
            cn(c)
        ));
    }
    if c.status != CertStatus::Requested {
        return Err(format!(
            "only requests awaiting approval can be {verb}: {} is {}",
            cn(c),
            c.status.label()
        ));
    }
    Ok(())
}

fn approvable_to_approve(c: &Cert) -> Result<(), String> {
    approvable(c, "approved")
}

fn approvable_to_decline(c: &Cert) -> Result<(), String> {
    approvable(c, "declined")
}

fn revocable(c: &Cert) -> Result<(), String> {
    if c.status != CertStatus::Issued {
        return Err(format!(
            "only issued certificates can be revoked: {} is {}",
            cn(c),
            c.status.label()
        ));
    }
    Ok(())
}

/// SCM replaces issued SSL and device certificates only (code -130 otherwise): said before a
/// key is made for nothing.
fn replaceable(c: &Cert) -> Result<(), String> {
    if !matches!(c.family, Family::Ssl | Family::Device) {
        return Err(format!(
            "{}: only SSL and device certificates can be replaced",
            cn(c)
        ));
    }
    if c.status != CertStatus::Issued {
        return Err(format!(
            "only issued certificates can be replaced: {} is {}",
            cn(c),
            c.status.label()
        ));
    }
    Ok(())
}

fn ssl_only_mark_renewed(c: &Cert) -> Result<(), String> {
    if c.family != Family::Ssl {
        return Err(format!(
            "{}: only SSL certificates can be marked renewed",
            cn(c)
        ));
    }
    Ok(())
}

fn ssl_only_dcv(c: &Cert) -> Result<(), String> {
    if c.family != Family::Ssl {
        return Err(format!("{}: DCV applies to SSL certificates", cn(c)));
    }
    Ok(())
}

/// SCM deletes only imported or discovered certificates; a row whose origin is not known yet
/// (its detail not loaded) is left to the server.
fn deletable(c: &Cert) -> Result<(), String> {
    match c.origin {
        Origin::Imported | Origin::Discovered | Origin::Unknown => Ok(()),
        Origin::Requested => Err(format!(
            "only imported or discovered certificates can be deleted: {} was requested from SCM (revoke it instead)",
            cn(c)
        )),
    }
}

/// A request (or one that was never issued) has no certificate to download yet; a loading
/// row (status unknown) is left to the server.
fn downloadable(c: &Cert) -> Result<(), String> {
    match c.status {
        CertStatus::Requested | CertStatus::Approved | CertStatus::Applied => Err(format!(
            "{} is not issued yet ({}): there is nothing to download",
            cn(c),
            c.status.label()
        )),
        CertStatus::Declined | CertStatus::Rejected | CertStatus::Invalid => Err(format!(
            "{} was never issued ({}): there is nothing to download",
            cn(c),
            c.status.label()
        )),
        CertStatus::Revoked => Err(format!(
            "{} is revoked: SCM does not hand out revoked certificates",
            cn(c)
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_every_action_has_keys_and_help() {
        for (i, a) in ACTIONS.iter().enumerate() {
            assert!(!a.keys.is_empty() && !a.help.is_empty(), "{}", a.id);
            assert!(ACTIONS[..i].iter().all(|b| b.id != a.id), "{}", a.id);
        }
    }
}
