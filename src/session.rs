//! Session setup: config + secrets → provider clients for the worker, and account views for
//! the app. Everything here runs before the screen is taken over.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;

use crate::app::AccountView;
use crate::config::{AccountConfig, Config};
use crate::model::{AccountIdx, Family, ProviderKind};
use crate::provider::Provider;
use crate::provider::sectigo::{SectigoClient, SectigoSettings};
use crate::secrets;
use crate::worker::AccountSlot;

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
    let secret = match given.get(&acc.name) {
        Some(s) => s.clone(),
        None => match secrets::resolve(acc) {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(account = %acc.name, "no secret: {e}");
                return unavailable(acc, read_only, format!("no secret: {e}"));
            }
        },
    };
    let provider: Result<Arc<dyn Provider>, String> = match acc.kind {
        ProviderKind::Sectigo => SectigoClient::new(SectigoSettings {
            account: index,
            name: acc.name.clone(),
            url: acc.url.clone(),
            login: acc.login.clone().unwrap_or_default(),
            password: secret,
            customer_uri: acc.customer_uri.clone().unwrap_or_default(),
            concurrency: acc.concurrency,
            page_size: acc.page_size,
            timeout: Duration::from_secs(acc.timeout_secs),
            read_only,
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
