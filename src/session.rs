//! Session setup: config + secrets → provider clients for the worker, and account views for
//! the app. Everything here runs before the screen is taken over.

use std::collections::HashMap;

use secrecy::SecretString;

use crate::app::AccountView;
use crate::config::{AccountConfig, Config, TlsSetting};
use crate::files;
use crate::model::{AccountIdx, Family};
use crate::provider::setup::Setup;
use crate::provider::tls::TlsTrust;
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
    let tls = match tls_trust(acc) {
        Ok(t) => t,
        Err(why) => return unavailable(acc, read_only, why),
    };
    let tls_unverified = tls.is_insecure();
    let provider = crate::provider::registry::connect(Setup {
        index,
        account: acc,
        read_only,
        tls,
        given,
    });
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
