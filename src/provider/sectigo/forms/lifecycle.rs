//! One certificate's life after issue: renew (by id, or by the renew id SCM returned at
//! enrolment), mark as renewed (by a successor), delete (imported or discovered only).

use crate::form::{Field, Flow, Form, FormCx, Opening, Sent, Submission, Target, describe};
use crate::model::Cert;
use crate::provider::sectigo::Family;
use crate::provider::sectigo::request::ScmRequest;

fn one(cx: &FormCx) -> Result<Target, String> {
    cx.target()
        .cloned()
        .ok_or_else(|| "no certificate selected".to_string())
}

/// Renewing one certificate.
#[derive(Debug, Clone, PartialEq)]
pub struct Renew {
    target: Target,
}

pub fn renew(cx: &FormCx) -> Result<Opening, String> {
    let t = one(cx)?;
    let token = cx.renew_ids.get(&(t.account, t.id.clone())).cloned();
    let mut fields = vec![Field::choice(
        "by",
        "Renew by",
        vec!["certificate id".into(), "renew id (from enrolment)".into()],
        usize::from(token.is_some()),
    )];
    if t.family == Family::Ssl {
        fields.push(
            Field::text("token", "Renew id", token.unwrap_or_default())
                .with_hint("the 20-character token SCM returned at enrolment"),
        );
    } else {
        fields.truncate(0);
    }
    let form = Form::new("Renew certificate", "Renew", true)
        .with_intro(describe(std::slice::from_ref(&t), "Renew"))
        .with_fields(fields);
    Ok(Opening::new(form, Renew { target: t }))
}

fn by_token(f: &Form) -> bool {
    f.field("by").is_some_and(|x| x.selected() == 1)
}

impl Flow for Renew {
    fn validate(&self, f: &mut Form) {
        if by_token(f) {
            let t = f.value("token");
            if t.is_empty() {
                f.set_error("token", "the renew id is required to renew by renew id");
            } else if t.contains(char::is_whitespace) || t.contains('/') {
                f.set_error("token", "a renew id has no spaces or slashes");
            }
        }
    }

    fn summary(&self, f: &Form, _certs: &[Cert]) -> Vec<String> {
        let t = &self.target;
        vec![if by_token(f) {
            format!("Renew {} by renew id {}", t.cn, f.value("token"))
        } else {
            format!("Renew {} (id {}): SCM creates a new request", t.cn, t.id)
        }]
    }

    fn submit(&self, f: &Form, _certs: &[Cert]) -> Sent {
        let t = &self.target;
        let request = if by_token(f) {
            ScmRequest::RenewByToken {
                renew_id: f.value("token"),
                csr: None,
            }
        } else {
            ScmRequest::Renew {
                family: t.family,
                id: t.id.clone(),
            }
        };
        Sent::one(Submission::Act {
            account: t.account,
            cert: Some(t.cert),
            request: request.into(),
            label: format!("renew {}", t.cn),
        })
    }
}

/// Marking one certificate as renewed.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkRenewed {
    target: Target,
}

pub fn mark_renewed(cx: &FormCx) -> Result<Opening, String> {
    let t = one(cx)?;
    let form = Form::new("Mark as renewed", "Mark renewed", true)
        .with_intro(describe(std::slice::from_ref(&t), "Mark as renewed:"))
        .with_fields(vec![
            Field::text("successor", "Successor id", "")
                .with_hint("optional: the id of the certificate that replaces it"),
        ]);
    Ok(Opening::new(form, MarkRenewed { target: t }))
}

fn successor(f: &Form) -> Option<String> {
    Some(f.value("successor")).filter(|s| !s.is_empty())
}

impl Flow for MarkRenewed {
    fn validate(&self, f: &mut Form) {
        let s = f.value("successor");
        if !s.is_empty() && !s.chars().all(|c| c.is_ascii_digit()) {
            f.set_error(
                "successor",
                format!("{s:?} is not a certificate id (digits only)"),
            );
        }
    }

    fn summary(&self, f: &Form, _certs: &[Cert]) -> Vec<String> {
        let t = &self.target;
        vec![format!(
            "Mark {} (id {}) as renewed{}",
            t.cn,
            t.id,
            successor(f).map(|s| format!(" by {s}")).unwrap_or_default()
        )]
    }

    fn submit(&self, f: &Form, _certs: &[Cert]) -> Sent {
        let t = &self.target;
        Sent::one(Submission::Act {
            account: t.account,
            cert: Some(t.cert),
            request: ScmRequest::MarkRenewed {
                id: t.id.clone(),
                successor: successor(f),
            }
            .into(),
            label: format!("mark {} renewed", t.cn),
        })
    }
}

/// Deleting one (imported or discovered) certificate from SCM.
#[derive(Debug, Clone, PartialEq)]
pub struct Delete {
    target: Target,
}

pub fn delete(cx: &FormCx) -> Result<Opening, String> {
    let t = one(cx)?;
    let form = Form::new("Delete certificate", "Delete", true)
        .with_intro(vec![
            format!("Delete {} (id {}) from SCM?", t.cn, t.id),
            "SCM deletes only imported or discovered certificates.".into(),
        ])
        .with_fields(vec![]);
    Ok(Opening::new(form, Delete { target: t }))
}

impl Flow for Delete {
    fn summary(&self, _f: &Form, _certs: &[Cert]) -> Vec<String> {
        let t = &self.target;
        vec![
            format!("Delete {} (id {}) from SCM.", t.cn, t.id),
            "This cannot be undone.".into(),
        ]
    }

    fn submit(&self, _f: &Form, _certs: &[Cert]) -> Sent {
        let t = &self.target;
        Sent::one(Submission::Act {
            account: t.account,
            cert: Some(t.cert),
            request: ScmRequest::Delete {
                family: t.family,
                id: t.id.clone(),
            }
            .into(),
            label: format!("delete {}", t.cn),
        })
    }
}
