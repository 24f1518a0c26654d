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
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;
use toml::de::DeTable;

use crate::model::ProviderKind;
use crate::provider::sectigo::config as sectigo_config;

mod spans;

use spans::{key_path_at, line_col, missing_field, problem, syntax_message};

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
    /// Where the password comes from. Not used (and not resolved) when `client_cert` is set.
    pub secret: SecretSource,
    /// Sectigo: PEM client certificate for "login via client certificate" (set together with
    /// `client_key`; then no password is used). Relative paths in a loaded file are resolved
    /// against the config file's directory; `~/` is expanded when the file is read.
    pub client_cert: Option<PathBuf>,
    /// Sectigo: PEM private key of `client_cert` (mode 0600).
    pub client_key: Option<PathBuf>,
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
        let mut config = Config::from_str_named(&text, &path.display().to_string())?;
        if let Some(dir) = path.parent() {
            for acc in &mut config.accounts {
                for p in [&mut acc.client_cert, &mut acc.client_key]
                    .into_iter()
                    .flatten()
                {
                    *p = relative_to(dir, p);
                }
                if let TlsSetting::CaFile(p) = &mut acc.tls {
                    *p = relative_to(dir, p);
                }
            }
        }
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
        let config = validate(raw, text, &mut problems);
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
    accounts: Vec<Spanned<RawAccount>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUi {
    #[serde(default)]
    keys: BTreeMap<String, Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAccount {
    name: Spanned<String>,
    kind: Spanned<String>,
    url: Spanned<String>,
    #[serde(default)]
    login: Option<Spanned<String>>,
    #[serde(default)]
    customer_uri: Option<Spanned<String>>,
    #[serde(default)]
    password_env: Option<Spanned<String>>,
    #[serde(default)]
    password_command: Option<Spanned<String>>,
    #[serde(default)]
    client_cert: Option<Spanned<String>>,
    #[serde(default)]
    client_key: Option<Spanned<String>>,
    #[serde(default)]
    read_only: bool,
    #[serde(default)]
    concurrency: Option<Spanned<i64>>,
    #[serde(default)]
    page_size: Option<Spanned<i64>>,
    #[serde(default)]
    timeout_secs: Option<Spanned<i64>>,
    #[serde(default)]
    tls_ca_file: Option<Spanned<String>>,
    #[serde(default)]
    tls_pin_sha256: Option<Spanned<String>>,
    #[serde(default)]
    tls_skip_verify: Option<Spanned<bool>>,
}

fn validate(raw: RawConfig, text: &str, problems: &mut Vec<ConfigProblem>) -> Config {
    let mut accounts = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (i, acc) in raw.accounts.into_iter().enumerate() {
        let table_span = acc.span();
        let acc = acc.into_inner();
        let at = |field: &str| format!("accounts[{i}].{field}");
        let mut report = |span: Range<usize>, field: &str, message: String| {
            problems.push(problem(text, span, Some(at(field)), message));
        };

        // name
        let name = acc.name.get_ref().clone();
        if name.trim().is_empty() {
            report(acc.name.span(), "name", "the account name is empty".into());
        } else if name.trim() != name || name.chars().any(char::is_control) {
            report(
                acc.name.span(),
                "name",
                format!(
                    "{name:?}: an account name may not start or end with spaces or contain control characters"
                ),
            );
        } else if let Some(first) = seen.get(&name) {
            report(
                acc.name.span(),
                "name",
                format!("{name:?} is already the name of accounts[{first}]; names must be unique"),
            );
        } else {
            seen.insert(name.clone(), i);
        }

        // kind
        let kind_text = acc.kind.get_ref();
        let kind = ProviderKind::ALL
            .into_iter()
            .find(|k| k.as_str() == kind_text.as_str());
        if kind.is_none() {
            let all: Vec<&str> = ProviderKind::ALL.iter().map(|k| k.as_str()).collect();
            report(
                acc.kind.span(),
                "kind",
                format!(
                    "{kind_text:?} is not a known kind; use one of {}",
                    all.join(", ")
                ),
            );
        }

        // url
        let url = acc.url.get_ref().clone();
        match reqwest::Url::parse(&url) {
            Ok(u) if (u.scheme() == "http" || u.scheme() == "https") && u.host().is_some() => {}
            Ok(_) | Err(_) => report(
                acc.url.span(),
                "url",
                format!("{url:?} is not an http(s) URL"),
            ),
        }

        // TLS trust: at most one of the three, and only where there is TLS
        let https = reqwest::Url::parse(&url).is_ok_and(|u| u.scheme() == "https");
        let mut tls_fields = Vec::new();
        let tls = {
            let mut tls = TlsSetting::System;
            if let Some(v) = &acc.tls_ca_file {
                tls_fields.push(("tls_ca_file", v.span()));
                if v.get_ref().trim().is_empty() {
                    report(v.span(), "tls_ca_file", "tls_ca_file is empty".into());
                } else {
                    tls = TlsSetting::CaFile(PathBuf::from(v.get_ref().trim()));
                }
            }
            if let Some(v) = &acc.tls_pin_sha256 {
                tls_fields.push(("tls_pin_sha256", v.span()));
                match crate::provider::tls::TlsTrust::parse_pin(v.get_ref()) {
                    Ok(pin) => tls = TlsSetting::Pin(pin),
                    Err(e) => report(v.span(), "tls_pin_sha256", e),
                }
            }
            if let Some(v) = &acc.tls_skip_verify
                && *v.get_ref()
            {
                tls_fields.push(("tls_skip_verify", v.span()));
                tls = TlsSetting::SkipVerify;
            }
            tls
        };
        if let [(_, _), (second, span), ..] = tls_fields.as_slice() {
            let names: Vec<&str> = tls_fields.iter().map(|(n, _)| *n).collect();
            report(
                span.clone(),
                second,
                format!(
                    "{} are {} set; choose one way to trust the server",
                    names.join(" and "),
                    if names.len() == 2 { "both" } else { "all" }
                ),
            );
        }
        if let (false, Some((field, span))) = (https, tls_fields.first()) {
            report(
                span.clone(),
                field,
                format!("{field} applies to https:// URLs; {url:?} is not one"),
            );
        }

        // Sectigo keys (login, customer_uri, client certificate)
        let sectigo = sectigo_config::validate(
            &sectigo_config::RawKeys {
                login: &acc.login,
                customer_uri: &acc.customer_uri,
                client_cert: &acc.client_cert,
                client_key: &acc.client_key,
                password_env: &acc.password_env,
                password_command: &acc.password_command,
            },
            kind,
            &name,
            &table_span,
            &mut report,
        );

        // secret source
        let secret = match (&acc.password_env, &acc.password_command) {
            (Some(_), Some(cmd)) => {
                report(
                    cmd.span(),
                    "password_command",
                    "password_env and password_command are both set; use only one (or neither, for the OS keyring)".into(),
                );
                SecretSource::Keyring
            }
            (Some(var), None) => {
                let v = var.get_ref();
                if v.is_empty() || v.contains('=') || v.contains('\0') || v.trim() != v {
                    report(
                        var.span(),
                        "password_env",
                        format!("{v:?} is not a usable environment variable name"),
                    );
                }
                SecretSource::Env(v.clone())
            }
            (None, Some(cmd)) => {
                let c = cmd.get_ref();
                if c.trim().is_empty() {
                    report(
                        cmd.span(),
                        "password_command",
                        "password_command is empty".into(),
                    );
                }
                SecretSource::Command(c.clone())
            }
            (None, None) => SecretSource::Keyring,
        };

        // numbers
        let mut number = |v: &Option<Spanned<i64>>, field: &str, max: u64, default: u64| -> u64 {
            match v {
                None => default,
                Some(s) => {
                    let n = *s.get_ref();
                    if n < 1 || n as u64 > max {
                        report(
                            s.span(),
                            field,
                            format!("{n} is out of range; {field} must be 1..={max}"),
                        );
                        default
                    } else {
                        n as u64
                    }
                }
            }
        };
        let concurrency = number(
            &acc.concurrency,
            "concurrency",
            MAX_CONCURRENCY as u64,
            DEFAULT_CONCURRENCY as u64,
        ) as usize;
        let page_size = number(
            &acc.page_size,
            "page_size",
            MAX_PAGE_SIZE as u64,
            DEFAULT_PAGE_SIZE as u64,
        ) as usize;
        let timeout_secs = number(
            &acc.timeout_secs,
            "timeout_secs",
            MAX_TIMEOUT_SECS,
            DEFAULT_TIMEOUT_SECS,
        );

        accounts.push(AccountConfig {
            name,
            kind: kind.unwrap_or(ProviderKind::Sectigo),
            url,
            read_only: acc.read_only,
            login: sectigo.login,
            customer_uri: sectigo.customer_uri,
            secret,
            client_cert: sectigo.client_cert,
            client_key: sectigo.client_key,
            concurrency,
            page_size,
            timeout_secs,
            tls,
        });
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

#[cfg(test)]
mod tests;
