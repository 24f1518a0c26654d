//! SCM's use of the shared HTTP layer: credentials as fixed headers (SCM has no sessions: a
//! 401 means the credentials are wrong, so nothing is renewed), and its error bodies
//! (`{"code":-16,"description":…}`) decoded for every non-2xx answer.

use reqwest::header::{HeaderMap, HeaderValue};

use super::errors;
use crate::provider::ProviderError;
use crate::provider::http::{Envelope, Response};

/// The path prefix of SCM's "user login via client certificate" (digest §1.2):
/// `https://cert-manager.com/private/api/ssl/v1/...`.
pub const PRIVATE_PREFIX: &str = "/private";

/// SCM's errors: any non-2xx answer, decoded from its body.
#[derive(Debug, Clone, Copy, Default)]
pub struct ScmEnvelope;

impl Envelope for ScmEnvelope {
    fn error(&self, account: &str, operation: &str, answer: &Response) -> Option<ProviderError> {
        (!answer.status.is_success()).then(|| {
            errors::from_response(account, operation, answer.status.as_u16(), &answer.body)
        })
    }
}

/// Header values for the password-style login. The password value is marked sensitive.
pub fn auth_headers(
    login: &str,
    password: &str,
    customer_uri: &str,
) -> Result<HeaderMap, &'static str> {
    let mut h = login_headers(login, customer_uri)?;
    let mut pw = HeaderValue::from_bytes(password.as_bytes()).map_err(|_| "password")?;
    pw.set_sensitive(true);
    h.insert("password", pw);
    Ok(h)
}

/// Header values for the client-certificate login: `login` and `customerUri`, no password
/// (the TLS client certificate proves who is calling).
pub fn login_headers(login: &str, customer_uri: &str) -> Result<HeaderMap, &'static str> {
    let mut h = HeaderMap::new();
    let login = HeaderValue::from_str(login.trim()).map_err(|_| "login")?;
    let cust = HeaderValue::from_str(customer_uri.trim()).map_err(|_| "customer URI")?;
    h.insert("login", login);
    h.insert("customeruri", cust);
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_header_values() {
        let h = auth_headers("admin", "s3cr3t", "acme").unwrap();
        assert!(h.get("password").unwrap().is_sensitive());
        assert_eq!(h.get("customerUri").unwrap(), "acme");
        assert!(!format!("{h:?}").contains("s3cr3t"));
        assert_eq!(auth_headers("ad\nmin", "x", "c").unwrap_err(), "login");
        let h = login_headers("admin", "acme").unwrap();
        assert_eq!(h.len(), 2);
        assert!(h.get("password").is_none());
        assert_eq!(h.get("login").unwrap(), "admin");
    }
}
