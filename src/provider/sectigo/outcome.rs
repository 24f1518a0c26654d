//! What the console says when an SCM action was answered with success, and what it does next
//! (hide a deleted row, bring in a renewal's new request, read the list again).

use crate::model::spec::{Outcome, Then};
use crate::provider::request::{ActionOutput, ActionRequest};
use crate::provider::sectigo::actions::DcvMethod;
use crate::provider::sectigo::request::{ScmOutput, ScmRequest, scm_pair};

pub fn outcome(request: &ActionRequest, output: &ActionOutput, name: &str) -> Outcome {
    let Some((request, output)) = scm_pair(request, output) else {
        return Outcome::new(format!("{} done", request.audit_name()));
    };
    use ScmRequest as R;
    match (request, output) {
        (R::Approve { .. }, _) => Outcome::new(format!("approved {name}")).followed(),
        (R::Decline { .. }, _) => Outcome::new(format!("declined {name}")),
        (R::Revoke { .. } | R::RevokeBySerial { .. }, _) => {
            Outcome::new(format!("revoked {name}"))
        }
        (R::Renew { .. } | R::RenewByToken { .. }, ScmOutput::Renewed(Some(new))) => {
            Outcome::new(format!("renewal requested: new request {}", new.id))
                .then(Then::LoadNew(new.id.clone()))
        }
        // SCM answers a renewal by renew id with no body: the new request's id is not known,
        // so the list is read again to bring it in.
        (R::RenewByToken { .. }, _) => Outcome::new(format!(
            "renewal of {name} requested; SCM does not say the new request's id — reloading the list to show it"
        ))
        .then(Then::ReloadAccount),
        (R::Renew { .. }, _) => Outcome::new(format!("renewal of {name} requested")),
        (R::MarkRenewed { .. }, _) => Outcome::new(format!("marked {name} as renewed")),
        (R::Delete { .. }, _) => Outcome::new(format!("deleted {name}")).then(Then::Hide),
        (R::DcvRecheck { .. }, _) => {
            Outcome::new(format!("DCV recheck of {name} requested")).followed()
        }
        (R::ApproveDelegation { .. }, _) => Outcome::new("delegation approved"),
        (R::RejectDelegation { .. }, _) => Outcome::new("delegation rejected"),
        (R::DcvSubmit { domain, method, .. }, ScmOutput::DcvState(st)) => {
            let status = st
                .status
                .as_deref()
                .map(|s| format!(" (status {s})"))
                .unwrap_or_default();
            let record = st
                .instruction
                .as_ref()
                .is_some_and(|i| i.host.is_some() && i.point.is_some());
            if record && *method == DcvMethod::Txt {
                Outcome::new(format!(
                    "DCV of {domain} submitted{status}: publish the TXT record shown; the CA checks it"
                ))
            } else {
                Outcome::new(format!("DCV of {domain} submitted{status}")).followed()
            }
        }
        (r, _) => Outcome::new(format!("{} done", r.audit_name())),
    }
}
