//! What SCM does after an action was accepted, followed until it settles: an approved,
//! rechecked, replaced or approval-free (S/MIME) request until the CA has issued it, and a
//! submitted domain validation until the CA has validated the domain.

use crate::model::{CertStatus, Collection};
use crate::provider::ProviderError;
use crate::provider::op::{Op, OpState};
use crate::provider::sectigo::Family;
use crate::provider::sectigo::actions::DcvState;
use crate::provider::sectigo::request::{ScmOutput, ScmRequest};

use super::client::SectigoClient;

/// The CA issuing a certificate request.
pub const ISSUE: &str = "issue";
/// The CA checking a domain's validation.
pub const VALIDATE: &str = "validate";

fn issue(family: Collection, id: &str) -> Op {
    Op {
        kind: ISSUE,
        family,
        id: id.to_string(),
        goal: "issued",
        baseline: None,
    }
}

/// The operations an accepted action starts.
pub(super) fn follow_up(request: &ScmRequest, output: &ScmOutput) -> Vec<Op> {
    use ScmRequest as R;
    match (request, output) {
        (R::Approve { family, id, .. }, _) => vec![issue(*family, id)],
        (R::DcvRecheck { id }, _) => vec![issue(Family::Ssl, id)],
        (R::Replace { family, id, .. }, _) => vec![issue(*family, id)],
        // Only requests that need no approval go on to the CA by themselves.
        (R::Enroll(_) | R::EnrollClient(_) | R::EnrollDevice(_), ScmOutput::Enrolled(e)) => {
            let family = match request {
                R::EnrollClient(_) => Family::Client,
                R::EnrollDevice(_) => Family::Device,
                _ => Family::Ssl,
            };
            if family.needs_approval() {
                vec![]
            } else {
                vec![issue(family, &e.id)]
            }
        }
        (R::DcvSubmit { domain, .. }, ScmOutput::DcvState(st)) => vec![Op {
            kind: VALIDATE,
            family: Family::Ssl,
            id: domain.clone(),
            goal: "validated",
            baseline: st.validated.clone(),
        }],
        _ => vec![],
    }
}

/// Whether a domain's validation has settled since `baseline` (the validation date when it
/// was submitted): validated anew, or the order rejected.
pub(super) fn validation_state(st: &DcvState, baseline: Option<&str>) -> OpState {
    let status = st.status.clone().unwrap_or_else(|| "unknown".into());
    let order = st.order_status.as_deref().unwrap_or_default();
    let validated = status.eq_ignore_ascii_case("VALIDATED")
        && st.validated.is_some()
        && st.validated.as_deref() != baseline;
    if validated {
        OpState::Settled {
            ok: true,
            status,
            cert: None,
        }
    } else if order.eq_ignore_ascii_case("REJECTED") {
        OpState::Settled {
            ok: false,
            status: format!("{status}, order {order}"),
            cert: None,
        }
    } else {
        let status = if order.is_empty() {
            status
        } else {
            format!("{status}, order {order}")
        };
        OpState::Pending { status, cert: None }
    }
}

impl SectigoClient {
    pub(super) async fn poll_op(&self, op: &Op) -> Result<OpState, ProviderError> {
        match op.kind {
            ISSUE => {
                let cert = self.detail_row(op.family, &op.id).await?;
                let status = cert.status_text.to_string();
                Ok(match cert.status {
                    CertStatus::Requested | CertStatus::Approved | CertStatus::Applied => {
                        OpState::Pending {
                            status,
                            cert: Some(cert),
                        }
                    }
                    s => OpState::Settled {
                        ok: s == CertStatus::Issued,
                        status,
                        cert: Some(cert),
                    },
                })
            }
            VALIDATE => {
                let st = self.dcv_status(&op.id).await?;
                Ok(validation_state(&st, op.baseline.as_deref()))
            }
            other => Err(self.err(
                &format!("follow {other} {}", op.id),
                crate::provider::ErrorKind::Unsupported,
                "not an operation SCM follows",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(status: &str, order: &str, validated: Option<&str>) -> DcvState {
        DcvState {
            status: Some(status.into()),
            order_status: Some(order.into()),
            validated: validated.map(str::to_string),
            ..Default::default()
        }
    }

    #[test]
    fn a_validation_settles_only_when_it_is_new_or_rejected() {
        let pending = |s: OpState| matches!(s, OpState::Pending { .. });
        // Submitted, not validated yet.
        assert!(pending(validation_state(
            &st("NOT_VALIDATED", "SUBMITTED", None),
            None
        )));
        // Validated long ago, submitted again: the old date is not the answer.
        let old = Some("2025-01-01");
        assert!(pending(validation_state(
            &st("VALIDATED", "SUBMITTED", old),
            old
        )));
        assert!(matches!(
            validation_state(&st("VALIDATED", "SUBMITTED", Some("2026-12-02")), old),
            OpState::Settled { ok: true, .. }
        ));
        assert!(matches!(
            validation_state(&st("NOT_VALIDATED", "REJECTED", None), None),
            OpState::Settled { ok: false, .. }
        ));
    }

    #[test]
    fn approvals_and_approval_free_enrolments_are_followed_until_issued() {
        let approve = ScmRequest::Approve {
            family: Family::Ssl,
            id: "7".into(),
            message: "ok".into(),
        };
        let ops = follow_up(&approve, &ScmOutput::Done);
        assert_eq!(ops.len(), 1);
        assert_eq!((ops[0].kind, ops[0].id.as_str()), (ISSUE, "7"));
        let decline = ScmRequest::Decline {
            family: Family::Ssl,
            id: "7".into(),
            message: "no".into(),
        };
        assert!(follow_up(&decline, &ScmOutput::Done).is_empty());
        let enrolled = ScmOutput::Enrolled(crate::provider::sectigo::actions::Enrolled {
            id: "9".into(),
            renew_id: None,
        });
        let ssl = ScmRequest::Enroll(Default::default());
        assert!(
            follow_up(&ssl, &enrolled).is_empty(),
            "SSL waits for approval"
        );
        let smime = ScmRequest::EnrollClient(Default::default());
        let ops = follow_up(&smime, &enrolled);
        assert_eq!((ops[0].family, ops[0].id.as_str()), (Family::Client, "9"));
    }
}
