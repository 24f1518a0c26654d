//! TOML configuration. (Skeleton: loading and validation being implemented.)

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::model::ProviderKind;

/// Where an account's secret (password, API key) comes from. Never from the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// The OS keyring, service "certdeck", user = account name (`certdeck secret set NAME`).
    Keyring,
    /// An environment variable.
    Env(String),
    /// A command run through `sh -c` before the screen is taken over; stdout, trimmed.
    Command(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct AccountConfig {
    pub name: String,
    pub kind: ProviderKind,
    /// Base URL, http or https.
    pub url: String,
    pub read_only: bool,
    /// Sectigo: `login` header.
    pub login: Option<String>,
    /// Sectigo: `customerUri` header.
    pub customer_uri: Option<String>,
    pub secret: SecretSource,
    /// Parallel requests per account (default 8, 1..=64).
    pub concurrency: usize,
    /// List page size (default 200).
    pub page_size: usize,
    /// Request timeout in seconds (default 30).
    pub timeout_secs: u64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct UiConfig {
    /// Key overrides: action name → key ("quit" = "ctrl-q").
    pub keys: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// The file this was read from.
    pub path: Option<PathBuf>,
    pub read_only: bool,
    pub ui: UiConfig,
    pub accounts: Vec<AccountConfig>,
}

impl Config {
    /// The default location: `<platform config dir>/config.toml`.
    pub fn default_path() -> Option<PathBuf> {
        directories::ProjectDirs::from("", "", "certdeck")
            .map(|d| d.config_dir().join("config.toml"))
    }

    /// Parse a config file. Errors name the file, line and key.
    pub fn load(_path: &Path) -> anyhow::Result<Config> {
        todo!("config load")
    }
}
