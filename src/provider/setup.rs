//! What a provider's client is built from when the console starts.

use std::collections::HashMap;
use std::time::Duration;

use secrecy::SecretString;

use crate::config::AccountConfig;
use crate::model::AccountIdx;
use crate::provider::tls::TlsTrust;
use crate::secrets;

/// What a provider's client is built from: the account's settings, the trust its TLS
/// settings make, and secrets given up front (demo mode) before the secret sources.
pub struct Setup<'a> {
    pub index: AccountIdx,
    pub account: &'a AccountConfig,
    /// The account's or the whole console's `read_only`.
    pub read_only: bool,
    pub tls: TlsTrust,
    pub given: &'a HashMap<String, SecretString>,
}

impl Setup<'_> {
    /// The account's secret: the one given up front, else the keyring / env / command.
    pub fn secret(&self) -> Result<SecretString, String> {
        let acc = self.account;
        match self.given.get(&acc.name) {
            Some(s) => Ok(s.clone()),
            None => secrets::resolve(acc).map_err(|e| {
                tracing::warn!(account = %acc.name, "no secret: {e}");
                format!("no secret: {e}")
            }),
        }
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.account.timeout_secs)
    }
}
