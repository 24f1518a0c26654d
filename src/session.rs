//! Session setup: config + secrets → provider clients for the worker, and account views for
//! the app. Everything here runs before the screen is taken over.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;

use crate::app::AccountView;
use crate::config::{AccountConfig, Config, TlsSetting};
use crate::model::{AccountIdx, Family, ProviderKind};
use crate::provider::Provider;
use crate::provider::sectigo::client::{ClientIdentity, SectigoAuth};
use crate::provider::sectigo::{SectigoClient, SectigoSettings};
use crate::provider::tls::TlsTrust;
use crate::worker::AccountSlot;
use crate::{files, secrets};

/// One account, ready or with the reason it cannot be used.
pub struct Prepared {
    pub view: AccountView,
    pub slot: AccountSlot,
}

/// Resolve secrets (from `given` first, e.g. demo mode, else keyring / env / command) and
/// build a client per account. Accounts that cannot be used are kept, marked unavailable.
pub fn prepare(config: &Config, given: &HashMap<String, SecretString>) -> Vec<Prepared> {
    config
        .accounts
        .iter()
        .enumerate()
        .map(|(i, acc)| prepare_one(i, acc, config.read_only, given))
        .collect()
}

fn unavailable(acc: &AccountConfig, read_only: bool, why: String) -> Prepared {
    Prepared {
        view: AccountView {
            read_only,
            ..AccountView::unavailable(acc.name.clone(), acc.kind, why.clone())
        },
        slot: AccountSlot {
            name: acc.name.clone(),
            provider: None,
            unavailable: Some(why),
        },
    }
}

/// How the account logs in: with `client_cert`/`client_key` the two PEM files are read now
/// (and no secret is looked up); otherwise the password comes from `given` first, else the
/// keyring / env / command.
fn sectigo_auth(
    acc: &AccountConfig,
    given: &HashMap<String, SecretString>,
) -> Result<SectigoAuth, String> {
    match (&acc.client_cert, &acc.client_key) {
        (Some(cert), Some(key)) => {
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
        (Some(_), None) | (None, Some(_)) => {
            Err("client certificate login needs both client_cert and client_key".to_string())
        }
        (None, None) => match given.get(&acc.name) {
            Some(s) => Ok(SectigoAuth::Password(s.clone())),
            None => secrets::resolve(acc)
                .map(SectigoAuth::Password)
                .map_err(|e| {
                    tracing::warn!(account = %acc.name, "no secret: {e}");
                    format!("no secret: {e}")
                }),
        },
    }
}

/// The account's TLS trust; a CA file is read now, so a bad one is reported before the
/// screen is taken over.
fn tls_trust(acc: &AccountConfig) -> Result<TlsTrust, String> {
    Ok(match &acc.tls {
        TlsSetting::System => TlsTrust::System,
        TlsSetting::CaFile(p) => {
            let p = files::expand_path(p).map_err(|e| format!("tls_ca_file: {e}"))?;
            TlsTrust::ca_file(&p)?
        }
        TlsSetting::Pin(pin) => TlsTrust::Pin(*pin),
        TlsSetting::SkipVerify => TlsTrust::Insecure,
    })
}

fn prepare_one(
    index: AccountIdx,
    acc: &AccountConfig,
    global_read_only: bool,
    given: &HashMap<String, SecretString>,
) -> Prepared {
    let read_only = acc.read_only || global_read_only;
    if !acc.kind.supported() {
        return unavailable(acc, read_only, "not supported yet".into());
    }
    let auth = match sectigo_auth(acc, given) {
        Ok(a) => a,
        Err(why) => return unavailable(acc, read_only, why),
    };
    let tls = match tls_trust(acc) {
        Ok(t) => t,
        Err(why) => return unavailable(acc, read_only, why),
    };
    let tls_unverified = tls.is_insecure();
    let provider: Result<Arc<dyn Provider>, String> = match acc.kind {
        ProviderKind::Sectigo => SectigoClient::new(SectigoSettings {
            account: index,
            name: acc.name.clone(),
            url: acc.url.clone(),
            login: acc.login.clone().unwrap_or_default(),
            auth,
            customer_uri: acc.customer_uri.clone().unwrap_or_default(),
            concurrency: acc.concurrency,
            page_size: acc.page_size,
            timeout: Duration::from_secs(acc.timeout_secs),
            read_only,
            tls,
        })
        .map(|c| Arc::new(c) as Arc<dyn Provider>)
        .map_err(|e| e.to_string()),
        _ => Err("not supported yet".into()),
    };
    match provider {
        Ok(p) => {
            let families: Vec<Family> = p.families();
            Prepared {
                view: AccountView {
                    read_only,
                    tls_unverified,
                    info: p.info(),
                    ..AccountView::new(acc.name.clone(), acc.kind, &families)
                },
                slot: AccountSlot {
                    name: acc.name.clone(),
                    provider: Some(p),
                    unavailable: None,
                },
            }
        }
        Err(why) => unavailable(acc, read_only, why),
    }
}
