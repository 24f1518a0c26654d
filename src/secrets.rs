//! Secrets. (Temporary stub on main; the real module is on the config branch.)
use secrecy::SecretString;

use crate::config::AccountConfig;

#[derive(Debug)]
pub struct SecretError(pub String);
impl std::fmt::Display for SecretError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for SecretError {}

pub fn resolve(_account: &AccountConfig) -> Result<SecretString, SecretError> {
    Err(SecretError("not merged".into()))
}
pub fn store(_account_name: &str, _secret: &SecretString) -> Result<(), SecretError> {
    Err(SecretError("not merged".into()))
}
pub fn prompt_secret(_prompt: &str) -> anyhow::Result<SecretString> {
    anyhow::bail!("not merged")
}
