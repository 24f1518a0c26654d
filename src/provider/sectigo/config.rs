//! The Sectigo keys of an `[[accounts]]` table and their rules: `login` and `customer_uri`
//! (both required for kind "sectigo"; `customer_uri` refused for any other kind), and the
//! client-certificate login (`client_cert` and `client_key`, set together, only for kind
//! "sectigo", and never with a password source). `crate::config` parses the table and calls
//! [`validate`] for every account, in file order, between its TLS and its secret checks.

use std::ops::Range;
use std::path::PathBuf;

use toml::Spanned;

use crate::model::ProviderKind;

/// The Sectigo keys as written in one account table, with their spans.
pub(crate) struct RawKeys<'a> {
    pub login: &'a Option<Spanned<String>>,
    pub customer_uri: &'a Option<Spanned<String>>,
    pub client_cert: &'a Option<Spanned<String>>,
    pub client_key: &'a Option<Spanned<String>>,
    /// The password sources: a client-certificate login refuses them.
    pub password_env: &'a Option<Spanned<String>>,
    pub password_command: &'a Option<Spanned<String>>,
}

/// The Sectigo keys, checked (values trimmed, paths as written).
pub(crate) struct Keys {
    pub login: Option<String>,
    pub customer_uri: Option<String>,
    pub client_cert: Option<PathBuf>,
    pub client_key: Option<PathBuf>,
}

/// Check the Sectigo keys of account `name` (of `kind`, when that is known; its table at
/// `table_span`). Every problem goes to `report(span, key, message)`, `key` relative to the
/// account (`login`).
pub(crate) fn validate(
    raw: &RawKeys<'_>,
    kind: Option<ProviderKind>,
    name: &str,
    table_span: &Range<usize>,
    report: &mut dyn FnMut(Range<usize>, &str, String),
) -> Keys {
    // login and customer_uri
    let trimmed = |v: &Option<Spanned<String>>| {
        v.as_ref()
            .map(|s| (s.span(), s.get_ref().trim().to_string()))
    };
    let login = trimmed(raw.login);
    let customer_uri = trimmed(raw.customer_uri);
    for (field, value) in [("login", &login), ("customer_uri", &customer_uri)] {
        if let Some((span, v)) = value
            && v.is_empty()
        {
            report(span.clone(), field, format!("{field} is empty"));
        }
    }
    if kind == Some(ProviderKind::Sectigo) {
        for (field, value) in [("login", &login), ("customer_uri", &customer_uri)] {
            if value.is_none() {
                report(
                    table_span.clone(),
                    field,
                    format!("account {name:?} is of kind \"sectigo\", which needs {field} = \"…\""),
                );
            }
        }
    } else if let (Some(k), Some((span, _))) = (kind, &customer_uri) {
        report(
            span.clone(),
            "customer_uri",
            format!(
                "customer_uri applies only to kind \"sectigo\", not {:?}",
                k.as_str()
            ),
        );
    }

    // client certificate (Sectigo "login via client certificate")
    let mut cert_path = |v: &Option<Spanned<String>>, field: &str| -> Option<PathBuf> {
        let s = v.as_ref()?;
        if s.get_ref().trim().is_empty() {
            report(s.span(), field, format!("{field} is empty"));
            return None;
        }
        if let Some(k) = kind.filter(|k| *k != ProviderKind::Sectigo) {
            report(
                s.span(),
                field,
                format!(
                    "{field} applies only to kind \"sectigo\", not {:?}",
                    k.as_str()
                ),
            );
        }
        Some(PathBuf::from(s.get_ref()))
    };
    let client_cert = cert_path(raw.client_cert, "client_cert");
    let client_key = cert_path(raw.client_key, "client_key");
    match (raw.client_cert, raw.client_key) {
        (Some(c), None) => report(
            c.span(),
            "client_key",
            "client_cert is set but client_key is not; set both (the PEM certificate and its \
             private key) or neither"
                .into(),
        ),
        (None, Some(k)) => report(
            k.span(),
            "client_cert",
            "client_key is set but client_cert is not; set both (the PEM certificate and its \
             private key) or neither"
                .into(),
        ),
        _ => {}
    }
    let cert_login = raw.client_cert.is_some() || raw.client_key.is_some();
    if cert_login {
        for (field, value) in [
            ("password_env", raw.password_env),
            ("password_command", raw.password_command),
        ] {
            if let Some(v) = value {
                report(
                    v.span(),
                    field,
                    format!(
                        "{field} cannot be combined with client_cert/client_key: the \
                         client-certificate login sends no password; remove {field}"
                    ),
                );
            }
        }
    }
    Keys {
        login: login.map(|(_, v)| v),
        customer_uri: customer_uri.map(|(_, v)| v),
        client_cert,
        client_key,
    }
}
