//! The Sectigo keys of an `[[accounts]]` table and their rules: `login` and `customer_uri`
//! (both required), and the client-certificate login (`client_cert` and `client_key`, set
//! together, and never with a password source). The registry calls [`read`] for every account
//! of kind "sectigo", after the common keys up to TLS and before the secret source.

use std::path::PathBuf;

use crate::config::AccountTable;

/// The keys a Sectigo account takes besides the common ones.
pub const KEYS: &[&str] = &["login", "customer_uri", "client_cert", "client_key"];

/// A Sectigo account's own settings, checked (values trimmed).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScmKeys {
    /// The API user, sent as the `login` header.
    pub login: String,
    /// The customer URI, sent as the `customerUri` header.
    pub customer_uri: String,
    /// "Login via client certificate": then no password is used.
    pub client_cert: Option<ClientFiles>,
}

impl ScmKeys {
    /// With a client-certificate login no password is sent.
    pub fn no_secret(&self) -> Option<&'static str> {
        self.client_cert.as_ref().map(|_| {
            "logs in with a client certificate (client_cert/client_key), which uses no password"
        })
    }
}

/// The two PEM files of a client-certificate login (relative paths already resolved against
/// the config file's directory; `~/` is expanded when the files are read).
#[derive(Debug, Clone, PartialEq)]
pub struct ClientFiles {
    pub cert: PathBuf,
    /// Its unencrypted private key (mode 0600).
    pub key: PathBuf,
}

/// Read the Sectigo keys of one account. Every problem is reported on the table.
pub fn read(t: &mut AccountTable<'_>) -> ScmKeys {
    let needs = |field: &str, name: &str| {
        format!("account {name:?} is of kind \"sectigo\", which needs {field} = \"…\"")
    };
    let name = t.name().to_string();
    let login = t.required_text("login", &needs("login", &name));
    let customer_uri = t.required_text("customer_uri", &needs("customer_uri", &name));

    // client certificate (Sectigo "login via client certificate")
    let cert = t.path("client_cert");
    let key = t.path("client_key");
    match (t.span_of("client_cert"), t.span_of("client_key")) {
        (Some(c), None) => t.report(
            c,
            "client_key",
            "client_cert is set but client_key is not; set both (the PEM certificate and its \
             private key) or neither"
                .into(),
        ),
        (None, Some(k)) => t.report(
            k,
            "client_cert",
            "client_key is set but client_cert is not; set both (the PEM certificate and its \
             private key) or neither"
                .into(),
        ),
        (Some(_), Some(_)) => {
            for field in ["password_env", "password_command"] {
                if let Some(span) = t.span_of(field) {
                    t.report(
                        span,
                        field,
                        format!(
                            "{field} cannot be combined with client_cert/client_key: the \
                             client-certificate login sends no password; remove {field}"
                        ),
                    );
                }
            }
        }
        (None, None) => {}
    }
    ScmKeys {
        login: login.map(|v| v.into_inner()).unwrap_or_default(),
        customer_uri: customer_uri.map(|v| v.into_inner()).unwrap_or_default(),
        client_cert: match (cert, key) {
            (Some(cert), Some(key)) => Some(ClientFiles {
                cert: cert.into_inner(),
                key: key.into_inner(),
            }),
            _ => None,
        },
    }
}
