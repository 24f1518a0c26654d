//! SCM's requests beyond list/detail/collect, and what they return. Its forms and views build
//! them; they cross the seam as the neutral [`ScmRequest`]/[`ScmOutput`], which the
//! worker hands to `Provider::act` and audits by the methods implemented here.

use crate::model::{ActionKind, Collection};
use crate::provider::request::{
    ActionOutput, ActionRequest, Enrolled, ProviderOutput, ProviderRequest,
};
use crate::provider::sectigo::Family;
use crate::provider::sectigo::actions::{
    CertDcv, ClientEnrollRequest, CustomFieldDef, DcvEmailOptions, DcvFilter, DcvMethod, DcvState,
    DeviceEnrollRequest, DomainDetail, DomainValidation, EnrollRequest, Organization, Profile,
    ReplaceRequest, RevokeReason,
};

#[derive(Debug, Clone, PartialEq)]
pub enum ScmRequest {
    // ---- reads -----------------------------------------------------------------------
    /// HEAD count of a family.
    Count {
        family: Collection,
    },
    Profiles {
        family: Collection,
        org_id: Option<i64>,
    },
    CustomFields {
        family: Collection,
    },
    Organizations,
    CertDcv {
        id: String,
    },
    DcvList {
        filter: DcvFilter,
    },
    DcvStatus {
        domain: String,
    },
    DcvEmailOptions {
        domain: String,
    },
    /// Every domain with its detail (delegations, validation).
    Domains,

    // ---- mutations (confirmed, audited, never retried blindly) ---------------------------
    /// An SSL certificate request.
    Enroll(EnrollRequest),
    /// A client (S/MIME) certificate request for a person.
    EnrollClient(ClientEnrollRequest),
    /// A device certificate request.
    EnrollDevice(DeviceEnrollRequest),
    Approve {
        family: Collection,
        id: String,
        message: String,
    },
    Decline {
        family: Collection,
        id: String,
        message: String,
    },
    Revoke {
        family: Collection,
        id: String,
        reason: RevokeReason,
        text: String,
    },
    RevokeBySerial {
        family: Collection,
        serial: String,
        reason: RevokeReason,
        text: String,
    },
    /// Renew by certificate id (SSL `renewById`, device `renew/order`, S/MIME `renew`).
    Renew {
        family: Collection,
        id: String,
    },
    /// SSL renew by the renew token from enrolment.
    RenewByToken {
        renew_id: String,
        csr: Option<String>,
    },
    Replace {
        family: Collection,
        id: String,
        request: ReplaceRequest,
    },
    MarkRenewed {
        id: String,
        successor: Option<String>,
    },
    Delete {
        family: Collection,
        id: String,
    },
    DcvRecheck {
        id: String,
    },
    DcvStart {
        domain: String,
        method: DcvMethod,
    },
    DcvSubmit {
        domain: String,
        method: DcvMethod,
        email: Option<String>,
    },
    ApproveDelegation {
        domain_id: i64,
        org_id: i64,
    },
    RejectDelegation {
        domain_id: i64,
        org_id: i64,
    },
}

impl ScmRequest {
    /// The kind used by the one read-only gate.
    pub fn kind(&self) -> ActionKind {
        use ScmRequest::*;
        match self {
            Count { .. }
            | Profiles { .. }
            | CustomFields { .. }
            | Organizations
            | CertDcv { .. }
            | DcvList { .. }
            | DcvStatus { .. }
            | DcvEmailOptions { .. }
            | Domains => ActionKind::Detail,
            Enroll(_) | EnrollClient(_) | EnrollDevice(_) => ActionKind::Enroll,
            Approve { .. } | ApproveDelegation { .. } => ActionKind::Approve,
            Decline { .. } | RejectDelegation { .. } => ActionKind::Decline,
            Revoke { .. } | RevokeBySerial { .. } => ActionKind::Revoke,
            Renew { .. } | RenewByToken { .. } | MarkRenewed { .. } => ActionKind::Renew,
            Replace { .. } => ActionKind::Replace,
            Delete { .. } => ActionKind::Delete,
            // DCV steps change the CA's validation state: they count as approvals of a kind
            // and are refused in read-only accounts too.
            DcvRecheck { .. } | DcvStart { .. } | DcvSubmit { .. } => ActionKind::Approve,
        }
    }

    pub fn is_mutating(&self) -> bool {
        self.kind().is_mutating()
    }

    /// The request with the CSR a worker made (or read) for it put in; requests that carry
    /// none are unchanged.
    pub fn with_csr(self, csr: String) -> ScmRequest {
        use ScmRequest::*;
        match self {
            Enroll(r) => Enroll(EnrollRequest { csr, ..r }),
            EnrollClient(r) => EnrollClient(ClientEnrollRequest { csr, ..r }),
            EnrollDevice(r) => EnrollDevice(DeviceEnrollRequest { csr, ..r }),
            Replace {
                family,
                id,
                request,
            } => Replace {
                family,
                id,
                request: ReplaceRequest { csr, ..request },
            },
            RenewByToken { renew_id, .. } => RenewByToken {
                renew_id,
                csr: Some(csr),
            },
            other => other,
        }
    }

    /// Short name for the audit log ("revoke", "approve" …).
    pub fn audit_name(&self) -> &'static str {
        use ScmRequest::*;
        match self {
            Count { .. } => "count",
            Profiles { .. } => "profiles",
            CustomFields { .. } => "custom-fields",
            Organizations => "organizations",
            CertDcv { .. } => "dcv-status",
            DcvList { .. } => "dcv-list",
            DcvStatus { .. } => "dcv-domain-status",
            DcvEmailOptions { .. } => "dcv-email-options",
            Domains => "domains",
            Enroll(_) | EnrollClient(_) | EnrollDevice(_) => "enroll",
            Approve { .. } => "approve",
            Decline { .. } => "decline",
            Revoke { .. } => "revoke",
            RevokeBySerial { .. } => "revoke-by-serial",
            Renew { .. } => "renew",
            RenewByToken { .. } => "renew-by-token",
            Replace { .. } => "replace",
            MarkRenewed { .. } => "mark-renewed",
            Delete { .. } => "delete",
            DcvRecheck { .. } => "dcv-recheck",
            DcvStart { .. } => "dcv-start",
            DcvSubmit { .. } => "dcv-submit",
            ApproveDelegation { .. } => "approve-delegation",
            RejectDelegation { .. } => "reject-delegation",
        }
    }

    /// The ids the audit line names.
    pub fn audit_ids(&self) -> Vec<String> {
        use ScmRequest::*;
        match self {
            Approve { id, .. }
            | Decline { id, .. }
            | Revoke { id, .. }
            | Renew { id, .. }
            | Replace { id, .. }
            | MarkRenewed { id, .. }
            | Delete { id, .. }
            | CertDcv { id }
            | DcvRecheck { id } => vec![id.clone()],
            RevokeBySerial { serial, .. } => vec![format!("serial:{serial}")],
            RenewByToken { renew_id, .. } => vec![format!("renewId:{renew_id}")],
            DcvStart { domain, .. }
            | DcvSubmit { domain, .. }
            | DcvStatus { domain }
            | DcvEmailOptions { domain } => vec![domain.clone()],
            ApproveDelegation { domain_id, org_id } | RejectDelegation { domain_id, org_id } => {
                vec![format!("domain:{domain_id}"), format!("org:{org_id}")]
            }
            Enroll(r) => r.sans.first().cloned().into_iter().collect(),
            // The person's address; the device's name.
            EnrollClient(r) => vec![r.email.trim().to_string()],
            EnrollDevice(r) => r.common_name().map(str::to_string).into_iter().collect(),
            Count { .. }
            | Profiles { .. }
            | CustomFields { .. }
            | Organizations
            | DcvList { .. }
            | Domains => vec![],
        }
    }

    /// The certificate family the audit line's ids belong to (none for domain actions).
    pub fn audit_family(&self) -> Option<Collection> {
        use ScmRequest::*;
        match self {
            Approve { family, .. }
            | Decline { family, .. }
            | Revoke { family, .. }
            | RevokeBySerial { family, .. }
            | Renew { family, .. }
            | Replace { family, .. }
            | Delete { family, .. } => Some(*family),
            RenewByToken { .. } | MarkRenewed { .. } | CertDcv { .. } | DcvRecheck { .. } => {
                Some(Family::Ssl)
            }
            Enroll(_) => Some(Family::Ssl),
            EnrollClient(_) => Some(Family::Client),
            EnrollDevice(_) => Some(Family::Device),
            _ => None,
        }
    }

    /// What else the audit line keeps before the answer (the DCV method, say).
    pub fn audit_detail(&self) -> Option<String> {
        use ScmRequest::*;
        match self {
            DcvStart { method, .. } => Some(format!("method {}", method.label())),
            DcvSubmit { method, email, .. } => Some(match email {
                Some(e) => format!("method {}, approver {e}", method.label()),
                None => format!("method {}", method.label()),
            }),
            _ => None,
        }
    }

    /// The reason or message the audit line keeps (never a secret).
    pub fn audit_reason(&self) -> Option<String> {
        use ScmRequest::*;
        match self {
            Approve { message, .. } | Decline { message, .. } => Some(message.clone()),
            Revoke { reason, text, .. } | RevokeBySerial { reason, text, .. } => {
                Some(format!("{reason}: {text}"))
            }
            Replace { request, .. } => Some(request.reason.clone()),
            _ => None,
        }
    }
}

/// What an action returned.
#[derive(Debug, Clone, PartialEq)]
pub enum ScmOutput {
    Done,
    Count(usize),
    Profiles(Vec<Profile>),
    CustomFields(Vec<CustomFieldDef>),
    Organizations(Vec<Organization>),
    CertDcv(CertDcv),
    DcvList(Vec<DomainValidation>),
    DcvState(Box<DcvState>),
    DcvEmailOptions(DcvEmailOptions),
    Domains(Vec<DomainDetail>),
    Enrolled(Enrolled),
    /// Renew by id: the new certificate's id when the provider tells it.
    Renewed(Option<Enrolled>),
}

impl ProviderRequest for ScmRequest {
    fn kind(&self) -> ActionKind {
        ScmRequest::kind(self)
    }
    fn audit_name(&self) -> &'static str {
        ScmRequest::audit_name(self)
    }
    fn audit_ids(&self) -> Vec<String> {
        ScmRequest::audit_ids(self)
    }
    fn audit_family(&self) -> Option<Collection> {
        ScmRequest::audit_family(self)
    }
    fn audit_detail(&self) -> Option<String> {
        ScmRequest::audit_detail(self)
    }
    fn audit_reason(&self) -> Option<String> {
        ScmRequest::audit_reason(self)
    }
    fn with_csr(&self, csr: String) -> ActionRequest {
        self.clone().with_csr(csr).into()
    }
}

impl From<ScmRequest> for ActionRequest {
    fn from(r: ScmRequest) -> ActionRequest {
        ActionRequest::new(r)
    }
}

impl PartialEq<ScmRequest> for ActionRequest {
    fn eq(&self, other: &ScmRequest) -> bool {
        self.get::<ScmRequest>() == Some(other)
    }
}

impl ProviderOutput for ScmOutput {
    fn enrolled(&self) -> Option<&Enrolled> {
        match self {
            ScmOutput::Enrolled(e) | ScmOutput::Renewed(Some(e)) => Some(e),
            _ => None,
        }
    }
}

impl From<ScmOutput> for ActionOutput {
    fn from(o: ScmOutput) -> ActionOutput {
        ActionOutput::new(o)
    }
}

impl PartialEq<ScmOutput> for ActionOutput {
    fn eq(&self, other: &ScmOutput) -> bool {
        self.get::<ScmOutput>() == Some(other)
    }
}

/// SCM's request behind a neutral one (`None`: another provider's).
pub fn scm(r: &ActionRequest) -> Option<&ScmRequest> {
    r.get()
}

/// SCM's answer behind a neutral one.
pub fn scm_out(o: &ActionOutput) -> Option<&ScmOutput> {
    o.get()
}

/// SCM's request and its answer behind neutral ones (`None` if either is another's).
pub fn scm_pair<'a>(
    r: &'a ActionRequest,
    o: &'a ActionOutput,
) -> Option<(&'a ScmRequest, &'a ScmOutput)> {
    Some((scm(r)?, scm_out(o)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_and_device_enrolments_are_audited_as_enrolments() {
        let client = ScmRequest::EnrollClient(ClientEnrollRequest {
            email: " ada@example.com ".into(),
            ..Default::default()
        });
        let device = ScmRequest::EnrollDevice(DeviceEnrollRequest {
            optional_fields: vec![
                ("organizationName".into(), "Acme".into()),
                ("commonName".into(), "door-cam-7".into()),
            ],
            ..Default::default()
        });
        for r in [&client, &device] {
            assert_eq!(r.kind(), ActionKind::Enroll);
            assert!(r.is_mutating());
            assert_eq!(r.audit_name(), "enroll");
            assert_eq!(r.audit_reason(), None);
        }
        assert_eq!(client.audit_ids(), ["ada@example.com"]);
        assert_eq!(device.audit_ids(), ["door-cam-7"]);
        let nameless = ScmRequest::EnrollDevice(DeviceEnrollRequest::default());
        assert!(nameless.audit_ids().is_empty());
    }
}
