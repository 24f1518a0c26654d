//! `Provider::act` for SCM: one `match` from the provider-neutral [`ScmRequest`] to the
//! inherent operations in `ops.rs`. Read-only accounts are refused here, before any request is
//! built, for every mutating action (the one gate: `ScmRequest::is_mutating`).

use futures::{StreamExt, TryStreamExt};

use crate::provider::sectigo::request::{ScmOutput, ScmRequest};
use crate::provider::{ErrorKind, ProviderError};

use super::client::SectigoClient;

/// Parallel domain detail requests for `Domains`.
const DOMAIN_DETAIL_CONCURRENCY: usize = 8;

impl SectigoClient {
    pub(super) async fn dispatch(&self, request: &ScmRequest) -> Result<ScmOutput, ProviderError> {
        use ScmRequest as R;
        if request.is_mutating() && self.settings.read_only {
            return Err(self.err(
                request.audit_name(),
                ErrorKind::Local,
                format!(
                    "account {} is read-only: {} was not sent",
                    self.settings.name,
                    request.audit_name()
                ),
            ));
        }
        let done = |r: Result<(), ProviderError>| r.map(|()| ScmOutput::Done);
        match request {
            // ---- reads
            R::Count { family } => self.count(*family).await.map(ScmOutput::Count),
            R::Profiles { family, org_id } => self
                .profiles(*family, *org_id)
                .await
                .map(ScmOutput::Profiles),
            R::CustomFields { family } => self
                .custom_field_defs(*family)
                .await
                .map(ScmOutput::CustomFields),
            R::Organizations => self.organizations().await.map(ScmOutput::Organizations),
            R::CertDcv { id } => self.cert_dcv(id).await.map(ScmOutput::CertDcv),
            R::DcvList { filter } => self.dcv_list(filter).await.map(ScmOutput::DcvList),
            R::DcvStatus { domain } => self
                .dcv_status(domain)
                .await
                .map(|s| ScmOutput::DcvState(Box::new(s))),
            R::DcvEmailOptions { domain } => self
                .dcv_start_email(&[domain.as_str()])
                .await
                .map(ScmOutput::DcvEmailOptions),
            R::Domains => self.domains_with_details().await,

            // ---- mutations
            R::Enroll(req) => self.enroll_ssl(req).await.map(ScmOutput::Enrolled),
            R::EnrollClient(req) => self.enroll_client(req).await.map(ScmOutput::Enrolled),
            R::EnrollDevice(req) => self.enroll_device(req).await.map(ScmOutput::Enrolled),
            R::Approve {
                family,
                id,
                message,
            } => done(self.approve(*family, id, message).await),
            R::Decline {
                family,
                id,
                message,
            } => done(self.decline(*family, id, message).await),
            R::Revoke {
                family,
                id,
                reason,
                text,
            } => done(self.revoke(*family, id, *reason, text).await),
            R::RevokeBySerial {
                family,
                serial,
                reason,
                text,
            } => done(self.revoke_by_serial(*family, serial, *reason, text).await),
            R::Renew { family, id } => self.renew(*family, id).await.map(ScmOutput::Renewed),
            R::RenewByToken { renew_id, csr } => self
                .renew_by_renew_id(renew_id, csr.as_deref())
                .await
                .map(ScmOutput::Renewed),
            R::Replace {
                family,
                id,
                request,
            } => done(self.replace(*family, id, request).await),
            R::MarkRenewed { id, successor } => {
                done(self.mark_renewed(id, successor.as_deref()).await)
            }
            R::Delete { family, id } => done(self.delete(*family, id).await),
            R::DcvRecheck { id } => done(self.recheck_cert_dcv(id).await),
            R::DcvStart { domain, method } => self
                .dcv_start(domain, *method)
                .await
                .map(|s| ScmOutput::DcvState(Box::new(s))),
            R::DcvSubmit {
                domain,
                method,
                email,
            } => self
                .dcv_submit(domain, *method, email.as_deref())
                .await
                .map(|s| ScmOutput::DcvState(Box::new(s))),
            R::ApproveDelegation { domain_id, org_id } => {
                done(self.approve_delegation(*domain_id, *org_id).await)
            }
            R::RejectDelegation { domain_id, org_id } => {
                done(self.reject_delegation(*domain_id, *org_id).await)
            }
        }
    }

    /// Every domain, then each one's detail (at most 8 at a time), in list order. A domain
    /// that disappears between the list and its detail (404) is left out; any other failure
    /// fails the whole read.
    async fn domains_with_details(&self) -> Result<ScmOutput, ProviderError> {
        let list = self.domains(None).await?;
        let details: Vec<_> = futures::stream::iter(list)
            .map(|d| async move {
                match self.domain(d.id).await {
                    Ok(detail) => Ok(Some(detail)),
                    Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(e),
                }
            })
            .buffered(DOMAIN_DETAIL_CONCURRENCY)
            .try_collect()
            .await?;
        Ok(ScmOutput::Domains(details.into_iter().flatten().collect()))
    }
}
