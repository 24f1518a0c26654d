//! The `reqwest` client of one account.

use std::time::Duration;

use super::{error_chain, is_loopback};
use crate::provider::tls::TlsTrust;

/// What an account's client is built from.
pub struct ClientSpec<'a> {
    pub account: &'a str,
    pub base: &'a reqwest::Url,
    /// Time limit per request.
    pub timeout: Duration,
    pub tls: &'a TlsTrust,
    /// A TLS client certificate and key (PEM), when the account logs in with one.
    pub identity: Option<&'a [u8]>,
}

/// Build the client: the timeouts, certdeck's user agent, no redirects (credentials travel
/// in headers and must not follow one), no proxy for loopback hosts, and the account's TLS
/// trust. Plain `http://` without an identity never does TLS, so the system's CA roots are
/// not read (that costs tens of milliseconds before the first frame).
pub fn build_client(spec: &ClientSpec) -> Result<reqwest::Client, BuildError> {
    let mut builder = reqwest::Client::builder()
        .timeout(spec.timeout)
        .connect_timeout(spec.timeout.min(Duration::from_secs(10)))
        .user_agent(concat!("certdeck/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none());
    if is_loopback(spec.base) {
        builder = builder.no_proxy();
    }
    if spec.tls.is_insecure() {
        tracing::warn!(
            account = %spec.account,
            "TLS certificates are NOT verified for this account (tls_skip_verify = true)"
        );
    }
    builder = if spec.base.scheme() == "http" && spec.identity.is_none() {
        builder.tls_certs_only(Vec::new())
    } else {
        spec.tls
            .apply(builder, spec.identity)
            .map_err(BuildError::Trust)?
    };
    builder.build().map_err(BuildError::Build)
}

/// Why a client could not be built.
#[derive(Debug)]
pub enum BuildError {
    /// The account's TLS trust settings (files, pins) are unusable.
    Trust(String),
    /// reqwest refused (with an identity: rustls parsing the key and certificate).
    Build(reqwest::Error),
}

impl BuildError {
    pub fn message(&self) -> String {
        match self {
            BuildError::Trust(m) => m.clone(),
            BuildError::Build(e) => format!("cannot build the HTTP client: {}", error_chain(e)),
        }
    }
}
