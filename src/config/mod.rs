//! TOML configuration: accounts, read-only switches, key overrides.
//!
//! The file holds only *where* a secret comes from (`password_env`, `password_command`, or
//! neither = the OS keyring), never a secret itself. Every error names the file, the line and
//! column, and the key (`accounts[0].url`); account indexes count from 0 in file order.
//!
//! Parsing is done in two passes over the same text: [`toml::de::DeTable`] keeps the span of
//! every key and value (used to turn an error offset into a key path), and serde with
//! `deny_unknown_fields` plus [`toml::Spanned`] fields does the typing, so semantic checks
//! (bad URL, duplicate name, out-of-range number) can point at a line too.
//!
//! Here: the file, the global keys and the keys every `[[accounts]]` table has (name, kind,
//! url, read-only, TLS, numbers, secret source). `spans` turns offsets into lines, columns and
//! key paths; the Sectigo keys and their rules are in `provider::sectigo::config`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;
use toml::de::DeTable;

use crate::model::ProviderKind;
use crate::provider::registry::{self, ProviderKeys};

mod spans;
mod table;

use spans::{key_path_at, line_col, missing_field, problem, syntax_message};
pub use table::AccountTable;
use table::RawTable;

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
    /// Where the password or API secret comes from (a provider may need none, e.g. SCM's
    /// client-certificate login; then it is not resolved).
    pub secret: SecretSource,
    /// The provider's own keys, as it read them (`provider::registry::read_keys`).
    pub keys: ProviderKeys,
    /// Parallel requests per account (default 8, 1..=64).
    pub concurrency: usize,
    /// List page size (default 200, 1..=500).
    pub page_size: usize,
    /// Request timeout in seconds (default 30, 1..=3600).
    pub timeout_secs: u64,
    /// How the server's TLS certificate is checked.
    pub tls: TlsSetting,
}

/// An account's TLS trust as configured (the CA file is read when the session starts).
#[derive(Debug, Clone, Default, PartialEq)]
pub enum TlsSetting {
    /// The system's roots, host names checked.
    #[default]
    System,
    /// `tls_ca_file`: only the CA certificates in this PEM file (relative paths in a loaded
    /// file are resolved against the config file's directory).
    CaFile(PathBuf),
    /// `tls_pin_sha256`: exactly the server certificate with this SHA-256.
    Pin([u8; 32]),
    /// `tls_skip_verify = true`: no check at all (loudly marked).
    SkipVerify,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct UiConfig {
    /// Key overrides: action name → key ("quit" = "ctrl-q"). Kept as written; the app parses
    /// and validates them.
    pub keys: BTreeMap<String, String>,
    /// Where each entry of `keys` is written: (line, column), 1-based.
    pub key_positions: BTreeMap<String, (usize, usize)>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// The file this was read from (`None` for [`Config::from_str_named`] and the empty default).
    pub path: Option<PathBuf>,
    pub read_only: bool,
    pub ui: UiConfig,
    pub accounts: Vec<AccountConfig>,
}

/// Defaults and limits of the per-account numbers.
pub const DEFAULT_CONCURRENCY: usize = 8;
pub const MAX_CONCURRENCY: usize = 64;
pub const DEFAULT_PAGE_SIZE: usize = 200;
pub const MAX_PAGE_SIZE: usize = 500;
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
pub const MAX_TIMEOUT_SECS: u64 = 3600;

/// One problem found in a config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    /// 1-based line, when the position is known.
    pub line: Option<usize>,
    /// 1-based column (in characters), when the position is known.
    pub column: Option<usize>,
    /// Dotted key path such as `accounts[1].url`, when known.
    pub key: Option<String>,
    pub message: String,
}

/// Everything wrong with one config file (at least one problem). Each problem is shown on its
/// own line as `config error in FILE, line L, column C, key K: MESSAGE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file name used in messages (a path, or a label such as "demo config").
    pub file: String,
    pub problems: Vec<ConfigProblem>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "config error in {}", self.file)?;
            if let Some(line) = p.line {
                write!(f, ", line {line}")?;
                if let Some(col) = p.column {
                    write!(f, ", column {col}")?;
                }
            }
            if let Some(key) = &p.key {
                write!(f, ", key {key}")?;
            }
            write!(f, ": {}", p.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// The default location: `<platform config dir>/config.toml`
    /// (`~/.config/certdeck/config.toml` on Linux).
    pub fn default_path() -> Option<PathBuf> {
        directories::ProjectDirs::from("", "", "certdeck")
            .map(|d| d.config_dir().join("config.toml"))
    }

    /// Read and validate a config file. A missing file is an error that names the path and
    /// points at `config.example.toml`; problems inside the file are a [`ConfigError`] (which
    /// the returned `anyhow::Error` can be downcast to) naming the file, line and key.
    pub fn load(path: &Path) -> anyhow::Result<Config> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                anyhow::bail!(
                    "config file {} does not exist; copy config.example.toml (shipped with \
                     certdeck) to that path and edit it, or run `certdeck --demo` to try the \
                     console without one",
                    path.display()
                )
            }
            Err(e) => anyhow::bail!("cannot read config file {}: {e}", path.display()),
        };
        let mut config = Config::parse(&text, &path.display().to_string(), path.parent())?;
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    /// Pick and load the config the way the main binary does:
    ///
    /// - `Some(path)` (from `--config PATH`): that file must exist; any error is returned.
    /// - `None`: [`Config::default_path`] is loaded if that file exists (errors in it are
    ///   returned, not ignored); if it does not exist (or no home directory is known), an empty
    ///   config (no accounts, `path: None`) is returned together with a note for the user saying
    ///   where the file was looked for and how to create it.
    ///
    /// The second value is that note (`None` whenever a file was loaded).
    pub fn load_or_default(path: Option<&Path>) -> anyhow::Result<(Config, Option<String>)> {
        if let Some(p) = path {
            return Ok((Config::load(p)?, None));
        }
        match Config::default_path() {
            Some(p) if p.exists() => Ok((Config::load(&p)?, None)),
            Some(p) => Ok((
                Config::default(),
                Some(format!(
                    "no config file at {}; no accounts configured. Copy config.example.toml \
                     there and edit it, or pass --config PATH",
                    p.display()
                )),
            )),
            None => Ok((
                Config::default(),
                Some(
                    "no home directory found, so no default config file; no accounts \
                     configured. Pass --config PATH"
                        .to_string(),
                ),
            )),
        }
    }

    /// Parse and validate config text; `name` is used in error messages in place of a path
    /// (tests, demo mode). The returned config has `path: None`.
    pub fn from_str_named(text: &str, name: &str) -> Result<Config, ConfigError> {
        Config::parse(text, name, None)
    }

    /// Parse and validate config text; paths in it are relative to `base` when given.
    fn parse(text: &str, name: &str, base: Option<&Path>) -> Result<Config, ConfigError> {
        let err = |problems: Vec<ConfigProblem>| ConfigError {
            file: name.to_string(),
            problems,
        };
        // Pass 1: syntax, and a tree of spans for naming keys.
        let tree = match DeTable::parse(text) {
            Ok(t) => t,
            Err(e) => {
                let (partial, _) = DeTable::parse_recoverable(text);
                let span = e.span().unwrap_or(0..0);
                // The error offset is often just past the broken value (end of line): fall back
                // to the nearest key earlier on the same line.
                let end = span.start.min(text.len());
                let line_start = text.as_bytes()[..end]
                    .iter()
                    .rposition(|b| *b == b'\n')
                    .map_or(0, |i| i + 1);
                let key = (line_start..=end)
                    .rev()
                    .find_map(|at| key_path_at(&partial, &(at..at)));
                return Err(err(vec![problem(text, span, key, syntax_message(&e))]));
            }
        };
        // Pass 2: types and unknown keys.
        let raw: RawConfig = match toml::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                let span = e.span().unwrap_or(0..0);
                let mut key = key_path_at(&tree, &span);
                let mut message = e.message().trim().to_string();
                if let Some(field) = missing_field(&message) {
                    key = Some(match key {
                        Some(k) => format!("{k}.{field}"),
                        None => field.to_string(),
                    });
                }
                if key.as_deref() == Some("accounts") && message.contains("expected a sequence") {
                    message.push_str(
                        " (write each account as a [[accounts]] section, with double brackets)",
                    );
                }
                return Err(err(vec![problem(text, span, key, message)]));
            }
        };
        // Pass 3: meaning.
        let mut problems = Vec::new();
        let config = validate(raw, text, base, &mut problems);
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(err(problems))
        }
    }
}

/// A path from the config file: relative ones are taken relative to the file's directory;
/// absolute ones and `~/…` (expanded when the file is read) are kept.
fn relative_to(dir: &Path, p: &Path) -> PathBuf {
    let text = p.to_string_lossy();
    if p.is_absolute() || text == "~" || text.starts_with("~/") || dir.as_os_str().is_empty() {
        p.to_path_buf()
    } else {
        dir.join(p)
    }
}

// ---------------------------------------------------------------------------------------------
// Raw serde shape

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    read_only: bool,
    #[serde(default)]
    ui: Option<RawUi>,
    #[serde(default)]
    accounts: Vec<Spanned<RawTable>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUi {
    #[serde(default)]
    keys: BTreeMap<String, Spanned<String>>,
}

/// The keys every account table has, whatever its kind (the provider's own keys are read by
/// the provider, through the registry).
pub const COMMON_KEYS: &[&str] = &[
    "name",
    "kind",
    "url",
    "read_only",
    "password_env",
    "password_command",
    "tls_ca_file",
    "tls_pin_sha256",
    "tls_skip_verify",
    "concurrency",
    "page_size",
    "timeout_secs",
];

fn validate(
    raw: RawConfig,
    text: &str,
    base: Option<&Path>,
    problems: &mut Vec<ConfigProblem>,
) -> Config {
    let mut accounts = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (i, acc) in raw.accounts.into_iter().enumerate() {
        let span = acc.span();
        let mut t = AccountTable::new(i, span, acc.into_inner(), text, base, problems);
        if let Some(account) = account(&mut t, &mut seen) {
            accounts.push(account);
        }
    }
    Config {
        path: None,
        read_only: raw.read_only,
        ui: UiConfig {
            keys: raw
                .ui
                .iter()
                .flat_map(|u| u.keys.iter())
                .map(|(k, v)| (k.clone(), v.get_ref().clone()))
                .collect(),
            key_positions: raw
                .ui
                .iter()
                .flat_map(|u| u.keys.iter())
                .map(|(k, v)| (k.clone(), line_col(text, v.span().start)))
                .collect(),
        },
        accounts,
    }
}

/// Read one account table: the common keys, then the provider's, then what is left over.
/// `None` when the account cannot be built at all (a missing name, kind or url, or an unknown
/// kind; each is reported).
fn account(t: &mut AccountTable<'_>, seen: &mut BTreeMap<String, usize>) -> Option<AccountConfig> {
    // name
    let name = t.string("name");
    if name.is_none() && !t.has("name") {
        t.missing("name", "missing field `name`".into());
    }
    if let Some(n) = &name {
        let v = n.get_ref();
        if v.trim().is_empty() {
            t.report(n.span(), "name", "the account name is empty".into());
        } else if v.trim() != v || v.chars().any(char::is_control) {
            t.report(
                n.span(),
                "name",
                format!(
                    "{v:?}: an account name may not start or end with spaces or contain control characters"
                ),
            );
        } else if let Some(first) = seen.get(v) {
            t.report(
                n.span(),
                "name",
                format!("{v:?} is already the name of accounts[{first}]; names must be unique"),
            );
        } else {
            seen.insert(v.clone(), t.index());
        }
        t.set_name(v);
    }

    // kind
    let kind_text = t.string("kind");
    if kind_text.is_none() && !t.has("kind") {
        let all: Vec<&str> = ProviderKind::ALL.iter().map(|k| k.as_str()).collect();
        t.missing(
            "kind",
            format!("missing field `kind`; it is one of {}", all.join(", ")),
        );
    }
    let kind = kind_text.as_ref().and_then(|k| {
        ProviderKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == k.get_ref().as_str())
    });
    if let (Some(k), None) = (&kind_text, kind) {
        let all: Vec<&str> = ProviderKind::ALL.iter().map(|k| k.as_str()).collect();
        t.report(
            k.span(),
            "kind",
            format!(
                "{:?} is not a known kind; use one of {}",
                k.get_ref(),
                all.join(", ")
            ),
        );
    }

    // url
    let url = t.string("url");
    if url.is_none() && !t.has("url") {
        t.missing("url", "missing field `url`".into());
    }
    if let Some(u) = &url {
        match reqwest::Url::parse(u.get_ref()) {
            Ok(p) if (p.scheme() == "http" || p.scheme() == "https") && p.host().is_some() => {}
            Ok(_) | Err(_) => t.report(
                u.span(),
                "url",
                format!("{:?} is not an http(s) URL", u.get_ref()),
            ),
        }
    }
    let url = url.map(Spanned::into_inner);
    let read_only = t.bool("read_only").is_some_and(|v| *v.get_ref());

    let tls = tls(t, url.as_deref().unwrap_or(""));

    // The provider's own keys. Without a known kind, nothing more can be said about them.
    let keys = kind.map(|k| registry::read_keys(k, t));

    let secret = secret(t);

    let concurrency = t.number(
        "concurrency",
        MAX_CONCURRENCY as u64,
        DEFAULT_CONCURRENCY as u64,
    ) as usize;
    let page_size = t.number("page_size", MAX_PAGE_SIZE as u64, DEFAULT_PAGE_SIZE as u64) as usize;
    let timeout_secs = t.number("timeout_secs", MAX_TIMEOUT_SECS, DEFAULT_TIMEOUT_SECS);

    let mut all_keys: Vec<&str> = COMMON_KEYS.to_vec();
    if let Some(kind) = kind {
        all_keys.extend(registry::keys(kind));
    }
    t.unknown(kind.map(ProviderKind::as_str), &all_keys, &|key| {
        let takers: Vec<String> = ProviderKind::ALL
            .into_iter()
            .filter(|k| registry::keys(*k).contains(&key))
            .map(|k| format!("{:?}", k.as_str()))
            .collect();
        takers.join(" and ")
    });
    Some(AccountConfig {
        name: name?.into_inner(),
        kind: kind?,
        url: url?,
        read_only,
        secret,
        keys: keys?,
        concurrency,
        page_size,
        timeout_secs,
        tls,
    })
}

/// TLS trust: at most one of the three, and only where there is TLS.
fn tls(t: &mut AccountTable<'_>, url: &str) -> TlsSetting {
    let https = reqwest::Url::parse(url).is_ok_and(|u| u.scheme() == "https");
    let mut fields = Vec::new();
    let mut tls = TlsSetting::System;
    if let Some(v) = t.path("tls_ca_file") {
        fields.push(("tls_ca_file", v.span()));
        tls = TlsSetting::CaFile(v.into_inner());
    } else if let Some(span) = t.span_of("tls_ca_file") {
        fields.push(("tls_ca_file", span));
    }
    if let Some(v) = t.string("tls_pin_sha256") {
        fields.push(("tls_pin_sha256", v.span()));
        match crate::provider::tls::TlsTrust::parse_pin(v.get_ref()) {
            Ok(pin) => tls = TlsSetting::Pin(pin),
            Err(e) => t.report(v.span(), "tls_pin_sha256", e),
        }
    }
    if let Some(v) = t.bool("tls_skip_verify")
        && *v.get_ref()
    {
        fields.push(("tls_skip_verify", v.span()));
        tls = TlsSetting::SkipVerify;
    }
    if let [(_, _), (second, span), ..] = fields.as_slice() {
        let names: Vec<&str> = fields.iter().map(|(n, _)| *n).collect();
        t.report(
            span.clone(),
            second,
            format!(
                "{} are {} set; choose one way to trust the server",
                names.join(" and "),
                if names.len() == 2 { "both" } else { "all" }
            ),
        );
    }
    if let (false, Some((field, span))) = (https, fields.first()) {
        t.report(
            span.clone(),
            field,
            format!("{field} applies to https:// URLs; {url:?} is not one"),
        );
    }
    tls
}

/// Where the secret comes from: an environment variable, a command, or the keyring.
fn secret(t: &mut AccountTable<'_>) -> SecretSource {
    let env = t.string("password_env");
    let command = t.string("password_command");
    match (env, command) {
        (Some(_), Some(cmd)) => {
            t.report(
                cmd.span(),
                "password_command",
                "password_env and password_command are both set; use only one (or neither, for the OS keyring)".into(),
            );
            SecretSource::Keyring
        }
        (Some(var), None) => {
            let v = var.get_ref();
            if v.is_empty() || v.contains('=') || v.contains('\0') || v.trim() != v {
                t.report(
                    var.span(),
                    "password_env",
                    format!("{v:?} is not a usable environment variable name"),
                );
            }
            SecretSource::Env(var.into_inner())
        }
        (None, Some(cmd)) => {
            if cmd.get_ref().trim().is_empty() {
                t.report(
                    cmd.span(),
                    "password_command",
                    "password_command is empty".into(),
                );
            }
            SecretSource::Command(cmd.into_inner())
        }
        (None, None) => SecretSource::Keyring,
    }
}

#[cfg(test)]
mod tests;
