//! SCM's requests as the worker's neutral [`EnrollSpec`]: what each family's CSR names (the
//! host and its names, the person and their addresses, the device), and how the audit names
//! the request before SCM gives it an id.

use crate::model::Collection;
use crate::provider::sectigo::Family;
use crate::provider::sectigo::actions::{
    ClientEnrollRequest, DeviceEnrollRequest, EnrollRequest, ReplaceRequest,
};
use crate::provider::sectigo::request::ScmRequest;
use crate::worker::{EnrollSpec, KeySource};

/// An SSL request: the CSR names `common_name` and the request's DNS/IP names.
pub fn ssl(common_name: &str, key: KeySource, request: EnrollRequest) -> EnrollSpec {
    let cn = common_name.trim().to_string();
    let audit_id = if cn.is_empty() {
        request.sans.first().cloned().unwrap_or_default()
    } else {
        cn.clone()
    };
    EnrollSpec {
        family: Family::Ssl,
        names: request.sans.clone(),
        email_names: false,
        named: format!("CN {cn}"),
        common_name: cn,
        key,
        audit_id,
        // A CSR from a file names the host itself.
        id_from_csr: true,
        replaces: None,
        reason: None,
        about: Vec::new(),
        request: ScmRequest::Enroll(request).into(),
    }
}

/// A client (S/MIME) request: the CSR names the person (else their address) and carries
/// their addresses as rfc822Name SANs, the primary one first.
pub fn client(common_name: &str, key: KeySource, request: ClientEnrollRequest) -> EnrollSpec {
    let email = request.email.trim().to_string();
    let cn = match common_name.trim() {
        "" => email.clone(),
        cn => cn.to_string(),
    };
    EnrollSpec {
        family: Family::Client,
        names: std::iter::once(request.email.clone())
            .chain(request.secondary_emails.iter().cloned())
            .collect(),
        email_names: true,
        named: format!("e-mail {email}, CN {cn}"),
        common_name: cn,
        key,
        audit_id: email,
        id_from_csr: false,
        replaces: None,
        reason: None,
        about: Vec::new(),
        request: ScmRequest::EnrollClient(request).into(),
    }
}

/// A device request: the CSR names the device (a name that is a host name also becomes a
/// DNS SAN).
pub fn device(common_name: &str, key: KeySource, request: DeviceEnrollRequest) -> EnrollSpec {
    let cn = common_name.trim().to_string();
    EnrollSpec {
        family: Family::Device,
        names: Vec::new(),
        email_names: false,
        named: format!("CN {cn}"),
        audit_id: cn.clone(),
        common_name: cn,
        key,
        id_from_csr: false,
        replaces: None,
        reason: None,
        about: Vec::new(),
        request: ScmRequest::EnrollDevice(request).into(),
    }
}

/// Replacing certificate `id` of `family` with a new CSR naming `common_name` and the
/// request's names.
pub fn replace(
    family: Collection,
    id: &str,
    common_name: &str,
    key: KeySource,
    request: ReplaceRequest,
) -> EnrollSpec {
    let cn = common_name.trim().to_string();
    EnrollSpec {
        family,
        names: request.sans.clone(),
        email_names: false,
        named: format!("CN {cn}"),
        common_name: cn,
        key,
        audit_id: id.to_string(),
        id_from_csr: false,
        replaces: Some(id.to_string()),
        reason: Some(request.reason.clone()),
        about: Vec::new(),
        request: ScmRequest::Replace {
            family,
            id: id.to_string(),
            request,
        }
        .into(),
    }
}
