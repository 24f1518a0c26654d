//! Requests beyond list, detail and collect, and what they return, as the shared layers see
//! them: opaque values a provider makes and reads back (`get`), which the worker sends to
//! `Provider::act`, audits (one line per changing attempt) and routes the answers of. Each
//! provider defines its own requests in its folder and implements [`ProviderRequest`] for them.

use std::any::Any;
use std::fmt::{self, Debug};
use std::sync::Arc;

use crate::model::{ActionKind, Collection};

/// What the shared layers ask of a provider's request: what it does (the read-only gate, the
/// retry policy) and how the audit names it.
pub trait ProviderRequest: ErasedEq + Debug + Send + Sync + 'static {
    fn kind(&self) -> ActionKind;
    /// Short name for the audit log ("revoke", "approve" …).
    fn audit_name(&self) -> &'static str;
    /// The ids the audit line names.
    fn audit_ids(&self) -> Vec<String>;
    /// The collection the audit line's ids belong to.
    fn audit_family(&self) -> Option<Collection>;
    /// What else the audit line keeps before the answer.
    fn audit_detail(&self) -> Option<String>;
    fn audit_reason(&self) -> Option<String>;
    /// The request with the CSR a worker made (or read) for it put in; requests that carry
    /// none are unchanged.
    fn with_csr(&self, csr: String) -> ActionRequest;
}

/// What the shared layers ask of a provider's answer.
pub trait ProviderOutput: ErasedEq + Debug + Send + Sync + 'static {
    /// A new certificate request was made (an enrolment, a renewal that names its successor).
    fn enrolled(&self) -> Option<&Enrolled>;
}

/// Comparing two providers' values through `dyn` (implemented for every `PartialEq` type).
pub trait ErasedEq {
    fn as_any(&self) -> &dyn Any;
    fn same(&self, other: &dyn Any) -> bool;
}

impl<T: PartialEq + 'static> ErasedEq for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn same(&self, other: &dyn Any) -> bool {
        other.downcast_ref::<T>() == Some(self)
    }
}

/// A provider's request, opaque here.
#[derive(Clone)]
pub struct ActionRequest(Arc<dyn ProviderRequest>);

impl ActionRequest {
    pub fn new(r: impl ProviderRequest) -> ActionRequest {
        ActionRequest(Arc::new(r))
    }

    /// The provider's own request behind it, if it is of type `T`.
    pub fn get<T: 'static>(&self) -> Option<&T> {
        self.0.as_any().downcast_ref()
    }

    pub fn kind(&self) -> ActionKind {
        self.0.kind()
    }

    pub fn is_mutating(&self) -> bool {
        self.kind().is_mutating()
    }

    pub fn audit_name(&self) -> &'static str {
        self.0.audit_name()
    }

    pub fn audit_ids(&self) -> Vec<String> {
        self.0.audit_ids()
    }

    pub fn audit_family(&self) -> Option<Collection> {
        self.0.audit_family()
    }

    pub fn audit_detail(&self) -> Option<String> {
        self.0.audit_detail()
    }

    pub fn audit_reason(&self) -> Option<String> {
        self.0.audit_reason()
    }

    pub fn with_csr(self, csr: String) -> ActionRequest {
        self.0.with_csr(csr)
    }
}

impl Debug for ActionRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl PartialEq for ActionRequest {
    fn eq(&self, other: &ActionRequest) -> bool {
        self.0.same(other.0.as_any())
    }
}

/// A provider's answer, opaque here.
#[derive(Clone)]
pub struct ActionOutput(Arc<dyn ProviderOutput>);

impl ActionOutput {
    pub fn new(o: impl ProviderOutput) -> ActionOutput {
        ActionOutput(Arc::new(o))
    }

    /// The provider's own answer behind it, if it is of type `T`.
    pub fn get<T: 'static>(&self) -> Option<&T> {
        self.0.as_any().downcast_ref()
    }

    pub fn enrolled(&self) -> Option<&Enrolled> {
        self.0.enrolled()
    }
}

impl Debug for ActionOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl PartialEq for ActionOutput {
    fn eq(&self, other: &ActionOutput) -> bool {
        self.0.same(other.0.as_any())
    }
}

/// A certificate request the provider accepted: its id, and the token some providers return
/// to renew it by later.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Enrolled {
    pub id: String,
    pub renew_id: Option<String>,
}

/// A request and an answer of no provider in particular, and a collection, for the shared
/// layers' tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::model::CollectionSpec;

    pub const LIST: Collection = Collection(&CollectionSpec {
        id: "list",
        label: "List",
        approvals: true,
        order: 0,
    });

    /// A request of kind `.0` about certificate `.1`.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Probe(pub ActionKind, pub String);

    impl ProviderRequest for Probe {
        fn kind(&self) -> ActionKind {
            self.0
        }
        fn audit_name(&self) -> &'static str {
            "probe"
        }
        fn audit_ids(&self) -> Vec<String> {
            vec![self.1.clone()]
        }
        fn audit_family(&self) -> Option<Collection> {
            Some(LIST)
        }
        fn audit_detail(&self) -> Option<String> {
            None
        }
        fn audit_reason(&self) -> Option<String> {
            None
        }
        fn with_csr(&self, _csr: String) -> ActionRequest {
            ActionRequest::new(self.clone())
        }
    }

    /// An answer that says nothing more than "done".
    #[derive(Debug, Clone, PartialEq)]
    pub struct Done;

    impl ProviderOutput for Done {
        fn enrolled(&self) -> Option<&Enrolled> {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::testing::{Done, Probe};

    #[test]
    fn requests_compare_by_provider_and_value_and_read_back_as_their_type() {
        let probe = |id: &str| ActionRequest::new(Probe(ActionKind::Delete, id.into()));
        let a = probe("1");
        assert_eq!(a, probe("1"));
        assert_ne!(a, probe("2"));
        let scm: ActionRequest =
            crate::provider::sectigo::request::ScmRequest::Organizations.into();
        assert_ne!(a, scm, "different providers' requests are never equal");
        assert_eq!(
            a.get::<Probe>(),
            Some(&Probe(ActionKind::Delete, "1".into()))
        );
        assert!(scm.get::<Probe>().is_none());
        assert!(a.is_mutating());
        assert_eq!(
            (a.audit_name(), a.audit_ids()),
            ("probe", vec!["1".to_string()])
        );
        assert_eq!(format!("{a:?}"), "Probe(Delete, \"1\")");
        let out = ActionOutput::new(Done);
        assert_eq!(out, ActionOutput::new(Done));
        assert!(out.enrolled().is_none());
    }

    #[tokio::test]
    async fn scm_refuses_another_providers_request_without_sending_it() {
        use crate::provider::Provider;
        // A port nothing listens on: the refusal comes before any request.
        let settings = crate::provider::sectigo::SectigoSettings::new(
            "corp",
            "http://127.0.0.1:9",
            "api-user",
            secrecy::SecretString::from("secret"),
            "acme",
        );
        let client = crate::provider::sectigo::SectigoClient::new(settings).unwrap();
        let e = client
            .act(&ActionRequest::new(Probe(ActionKind::Delete, "1".into())))
            .await
            .unwrap_err();
        assert_eq!(e.kind, crate::provider::ErrorKind::Unsupported, "{e}");
    }
}
