//! Approve or decline requests, with the message SCM keeps with the decision.

use super::MESSAGE_MAX;
use crate::form::{Field, Flow, Form, FormCx, Opening, Sent, Submission, Target, check, describe};
use crate::model::Cert;
use crate::provider::sectigo::request::ScmRequest;

/// The approve (or decline) form of the marked or selected requests.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    targets: Vec<Target>,
    approve: bool,
}

pub fn approve(cx: &FormCx) -> Result<Opening, String> {
    open(cx, true)
}

pub fn decline(cx: &FormCx) -> Result<Opening, String> {
    open(cx, false)
}

fn open(cx: &FormCx, approve: bool) -> Result<Opening, String> {
    let flow = Decision {
        targets: cx.targets.to_vec(),
        approve,
    };
    let verb = flow.verb();
    let title = match cx.targets.len() {
        1 => format!("{verb} request"),
        n => format!("{verb} {n} requests"),
    };
    let form = Form::new(title, verb, true)
        .with_intro(describe(cx.targets, verb))
        .with_fields(vec![
            Field::text("message", "Message", "")
                .with_hint("sent to SCM with the decision; 1–512 characters"),
        ]);
    Ok(Opening::new(form, flow))
}

impl Decision {
    fn verb(&self) -> &'static str {
        if self.approve { "Approve" } else { "Decline" }
    }
}

impl Flow for Decision {
    fn validate(&self, form: &mut Form) {
        check::len(form, "message", "message", MESSAGE_MAX, true)
    }

    fn summary(&self, form: &Form, _certs: &[Cert]) -> Vec<String> {
        let mut v = describe(&self.targets, self.verb());
        v.push(format!("with the message: {}", form.value("message")));
        v
    }

    fn submit(&self, form: &Form, _certs: &[Cert]) -> Sent {
        let message = form.value("message");
        let verb = if self.approve { "approve" } else { "decline" };
        let submissions = self
            .targets
            .iter()
            .map(|t| {
                let (family, id, message) = (t.family, t.id.clone(), message.clone());
                Submission::Act {
                    account: t.account,
                    cert: Some(t.cert),
                    request: if self.approve {
                        ScmRequest::Approve {
                            family,
                            id,
                            message,
                        }
                        .into()
                    } else {
                        ScmRequest::Decline {
                            family,
                            id,
                            message,
                        }
                        .into()
                    },
                    label: format!("{verb} {}", t.cn),
                }
            })
            .collect();
        Sent {
            submissions,
            batch: Some((
                if self.approve { "approved" } else { "declined" },
                "requests",
            )),
            clear_marks: true,
            stay_open: None,
        }
    }
}
