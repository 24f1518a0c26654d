//! Replacing one certificate with a new key and CSR (SCM's `replace`): the reason, the names
//! (the current ones to start with), the key, the DCV method, and for a device whether the
//! old one is revoked.

use std::path::Path;

use super::{MESSAGE_MAX, key};
use crate::form::{Field, Flow, Form, FormCx, Opening, Sent, Submission, Target, check, describe};
use crate::model::Cert;
use crate::provider::sectigo::actions::ReplaceRequest;
use crate::provider::sectigo::{Family, enrolment};
use crate::worker::{FileCheck, KeyAlg};

#[derive(Debug, Clone, PartialEq)]
pub struct Replace {
    target: Target,
}

pub fn replace(cx: &FormCx) -> Result<Opening, String> {
    let t = cx
        .target()
        .cloned()
        .ok_or_else(|| "no certificate selected".to_string())?;
    let others: Vec<String> = cx
        .cert(&t)
        .map(|c| {
            c.sans
                .iter()
                .filter(|s| !s.eq_ignore_ascii_case(&c.common_name))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let mut fields = vec![
        Field::text("reason", "Reason", "").with_hint("why it is replaced; 1–512 characters"),
        Field::text("cn", "Common name", t.cn.clone()),
        Field::text("sans", "Other names", others.join(", "))
            .with_hint("comma-separated DNS names or IPs"),
    ];
    fields.extend(key::fields(
        key::choices(&KeyAlg::ALL),
        // Not the enrolment's key file: that one exists and is never overwritten.
        format!("./{}.new.key", check::file_stem(&t.cn)),
    ));
    fields.extend(key::dcv_fields());
    if t.family == Family::Device {
        fields.push(Field::choice(
            "revoke_old",
            "Revoke the old one",
            vec!["no".into(), "yes".into()],
            0,
        ));
    }
    let form = Form::new("Replace certificate", "Replace", true)
        .with_intro(describe(
            std::slice::from_ref(&t),
            "Replace with a new key and CSR:",
        ))
        .with_fields(fields);
    Ok(Opening::new(form, Replace { target: t }))
}

impl Flow for Replace {
    fn on_change(&mut self, form: &mut Form, field: &'static str) {
        if field == "key" {
            key::hints(form);
        }
    }

    fn validate(&self, f: &mut Form) {
        check::len(f, "reason", "reason", MESSAGE_MAX, true);
        key::check_names_and_dcv(f);
    }

    fn file_checks(&self, f: &Form) -> Vec<FileCheck> {
        key::file_checks(f)
    }

    fn summary(&self, f: &Form, _certs: &[Cert]) -> Vec<String> {
        let t = &self.target;
        vec![
            format!(
                "Replace {} (id {}) — reason: {}",
                t.cn,
                t.id,
                f.value("reason")
            ),
            format!("with a {}", key::line(f)),
        ]
    }

    fn submit(&self, f: &Form, _certs: &[Cert]) -> Sent {
        let t = &self.target;
        let (cn, sans) = key::names_of(f);
        let (dcv_mode, dcv_email) = key::dcv_of(f);
        let spec = enrolment::replace(
            t.family,
            &t.id,
            &cn,
            key::source(f),
            ReplaceRequest {
                csr: String::new(),
                reason: f.value("reason"),
                common_name: Some(cn.clone()),
                sans,
                dcv_mode,
                dcv_email,
                revoke_old: f.field("revoke_old").is_some_and(|x| x.selected() == 1),
            },
        );
        Sent::one(Submission::Enroll {
            account: t.account,
            cert: Some(t.cert),
            spec: Box::new(spec),
            label: format!("replace {}", t.cn),
        })
    }

    fn key_kept(&mut self, form: &mut Form, kept: &Path) -> bool {
        key::offer_kept(form, kept)
    }
}
