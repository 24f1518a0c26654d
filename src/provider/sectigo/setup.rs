//! Building an SCM account's client from its settings: the login (password from the secret
//! sources, or a client certificate whose two PEM files are read now) and the SCM keys.

use std::sync::Arc;

use super::client::{ClientIdentity, SectigoAuth};
use super::config::{ClientFiles, ScmKeys};
use super::{SectigoClient, SectigoSettings};
use crate::files;
use crate::provider::Provider;
use crate::provider::registry::ProviderKeys;
use crate::provider::setup::Setup;

/// How the account logs in: with `client_cert`/`client_key` the two PEM files are read now
/// (and no secret is looked up); otherwise the password comes from `given` first, else the
/// keyring / env / command.
fn auth(setup: &Setup<'_>, keys: &ScmKeys) -> Result<SectigoAuth, String> {
    let acc = setup.account;
    match &keys.client_cert {
        Some(ClientFiles { cert, key }) => {
            let expand = |p: &std::path::Path| {
                files::expand_path(p).map_err(|e| format!("client certificate login: {e}"))
            };
            let (cert, key) = (expand(cert)?, expand(key)?);
            ClientIdentity::from_files(&cert, &key).map_err(|e| {
                tracing::warn!(account = %acc.name, "client certificate unusable: {e}");
                e
            })
        }
        .map(SectigoAuth::ClientCert),
        None => setup.secret().map(SectigoAuth::Password),
    }
}

/// The account's client, or why it cannot be built.
pub fn connect(setup: Setup<'_>) -> Result<Arc<dyn Provider>, String> {
    let acc = setup.account;
    let ProviderKeys::Sectigo(keys) = &acc.keys else {
        return Err(format!("account {:?} has no Sectigo settings", acc.name));
    };
    let auth = auth(&setup, keys)?;
    SectigoClient::new(SectigoSettings {
        account: setup.index,
        name: acc.name.clone(),
        url: acc.url.clone(),
        login: keys.login.clone(),
        auth,
        customer_uri: keys.customer_uri.clone(),
        concurrency: acc.concurrency,
        page_size: acc.page_size,
        timeout: setup.timeout(),
        read_only: setup.read_only,
        tls: setup.tls,
    })
    .map(|c| Arc::new(c) as Arc<dyn Provider>)
    .map_err(|e| e.to_string())
}
