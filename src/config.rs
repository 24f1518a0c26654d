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

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

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

        // Sectigo fields
        let trimmed = |v: &Option<Spanned<String>>| {
            v.as_ref()
                .map(|s| (s.span(), s.get_ref().trim().to_string()))
        };
        let login = trimmed(&acc.login);
        let customer_uri = trimmed(&acc.customer_uri);
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
                        format!(
                            "account {name:?} is of kind \"sectigo\", which needs {field} = \"…\""
                        ),
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
        let client_cert = cert_path(&acc.client_cert, "client_cert");
        let client_key = cert_path(&acc.client_key, "client_key");
        match (&acc.client_cert, &acc.client_key) {
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
        let cert_login = acc.client_cert.is_some() || acc.client_key.is_some();
        if cert_login {
            for (field, value) in [
                ("password_env", &acc.password_env),
                ("password_command", &acc.password_command),
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
            login: login.map(|(_, v)| v),
            customer_uri: customer_uri.map(|(_, v)| v),
            secret,
            client_cert,
            client_key,
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

// ---------------------------------------------------------------------------------------------
// Positions and key paths

fn problem(text: &str, span: Range<usize>, key: Option<String>, message: String) -> ConfigProblem {
    let (line, column) = line_col(text, span.start);
    ConfigProblem {
        line: Some(line),
        column: Some(column),
        key,
        message,
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    (line, column)
}

/// toml's syntax messages are one or more lines; keep them on one line.
fn syntax_message(e: &toml::de::Error) -> String {
    let m = e.message().trim();
    let joined: Vec<&str> = m.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    format!("invalid TOML: {}", joined.join("; "))
}

/// `missing field `name`` → `name`.
fn missing_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next()
}

/// The dotted key path of the deepest key or value whose span contains `span.start`.
fn key_path_at(tree: &Spanned<DeTable<'_>>, span: &Range<usize>) -> Option<String> {
    let mut path = String::new();
    walk_table(tree.get_ref(), span.start, &mut path);
    if path.is_empty() { None } else { Some(path) }
}

fn walk_table(table: &DeTable<'_>, at: usize, path: &mut String) {
    for (k, v) in table.iter() {
        let in_key = k.span().contains(&at);
        let in_value = v.span().contains(&at);
        if in_key || in_value {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(k.get_ref());
            if in_value {
                walk_value(v.get_ref(), at, path);
            }
            return;
        }
    }
    // Array-of-tables and dotted headers: a table's span may not cover its entries, so look
    // inside nested tables and arrays too.
    for (k, v) in table.iter() {
        let mut sub = String::new();
        walk_value(v.get_ref(), at, &mut sub);
        if !sub.is_empty() {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(k.get_ref());
            if !sub.starts_with('[') {
                path.push('.');
            }
            path.push_str(&sub);
            return;
        }
    }
}

fn walk_value(value: &DeValue<'_>, at: usize, path: &mut String) {
    match value {
        DeValue::Table(t) => walk_table(t, at, path),
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let mut sub = String::new();
                walk_value(item.get_ref(), at, &mut sub);
                if item.span().contains(&at) || !sub.is_empty() {
                    path.push_str(&format!("[{i}]"));
                    if !sub.is_empty() {
                        if !sub.starts_with('[') {
                            path.push('.');
                        }
                        path.push_str(&sub);
                    }
                    return;
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> ConfigError {
        Config::from_str_named(text, "/home/a/.config/certdeck/config.toml").unwrap_err()
    }

    const GOOD: &str = r#"read_only = true

[ui.keys]
quit = "ctrl-q"

[[accounts]]
name = "corp-scm"
kind = "sectigo"
url = "https://cert-manager.com"
login = "api-user"
customer_uri = "example"
password_env = "CERTDECK_CORP_SCM_PASSWORD"

[[accounts]]
name = "nas"
kind = "synology"
url = "https://nas.example:5001"
password_command = "pass show certdeck/nas"
read_only = true
concurrency = 2
page_size = 50
timeout_secs = 10
"#;

    #[test]
    fn tls_trust_settings_parse_and_clash() {
        let base = GOOD.replace(
            "password_env = \"CERTDECK_CORP_SCM_PASSWORD\"\n",
            "password_env = \"CERTDECK_CORP_SCM_PASSWORD\"\nTLS\n",
        );
        let with = |tls: &str| base.replace("TLS", tls);
        let c = Config::from_str_named(&with("tls_pin_sha256 = \"AB:CD\""), "t").unwrap_err();
        let p = &c.problems[0];
        assert_eq!(p.key.as_deref(), Some("accounts[0].tls_pin_sha256"), "{c}");
        assert_eq!(p.line, Some(13), "{c}");
        assert!(p.message.contains("32"), "{c}");

        let pin = "ab".repeat(32);
        let c = Config::from_str_named(&with(&format!("tls_pin_sha256 = \"{pin}\"")), "t").unwrap();
        assert_eq!(c.accounts[0].tls, TlsSetting::Pin([0xab; 32]));
        let c = Config::from_str_named(&with("tls_skip_verify = true"), "t").unwrap();
        assert_eq!(c.accounts[0].tls, TlsSetting::SkipVerify);
        let c = Config::from_str_named(&with("tls_skip_verify = false"), "t").unwrap();
        assert_eq!(c.accounts[0].tls, TlsSetting::System);

        let e = Config::from_str_named(
            &with("tls_ca_file = \"ca.pem\"\ntls_skip_verify = true"),
            "t",
        )
        .unwrap_err();
        assert_eq!(e.problems.len(), 1, "{e}");
        assert!(
            e.problems[0]
                .message
                .contains("tls_ca_file and tls_skip_verify are both set"),
            "{e}"
        );
        assert_eq!(
            e.problems[0].key.as_deref(),
            Some("accounts[0].tls_skip_verify")
        );

        let e = Config::from_str_named(
            &with("tls_ca_file = \"ca.pem\"").replace("https://cert-manager.com", "http://scm.lan"),
            "t",
        )
        .unwrap_err();
        assert!(
            e.problems[0].message.contains("applies to https:// URLs"),
            "{e}"
        );
    }

    #[test]
    fn a_relative_ca_file_is_found_next_to_the_config() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let text = GOOD.replace(
            "password_env = \"CERTDECK_CORP_SCM_PASSWORD\"\n",
            "password_env = \"CERTDECK_CORP_SCM_PASSWORD\"\ntls_ca_file = \"certs/corp-ca.pem\"\n",
        );
        std::fs::write(&path, text).unwrap();
        let c = Config::load(&path).unwrap();
        assert_eq!(
            c.accounts[0].tls,
            TlsSetting::CaFile(dir.path().join("certs/corp-ca.pem"))
        );
    }

    #[test]
    fn good_config_parses_with_defaults() {
        let c = Config::from_str_named(GOOD, "t").unwrap();
        assert!(c.read_only);
        assert_eq!(c.ui.keys.get("quit").map(String::as_str), Some("ctrl-q"));
        assert_eq!(c.accounts.len(), 2);
        let a = &c.accounts[0];
        assert_eq!(a.name, "corp-scm");
        assert_eq!(a.kind, ProviderKind::Sectigo);
        assert_eq!(a.login.as_deref(), Some("api-user"));
        assert_eq!(a.customer_uri.as_deref(), Some("example"));
        assert_eq!(
            a.secret,
            SecretSource::Env("CERTDECK_CORP_SCM_PASSWORD".into())
        );
        assert!(!a.read_only);
        assert_eq!(a.concurrency, DEFAULT_CONCURRENCY);
        assert_eq!(a.page_size, DEFAULT_PAGE_SIZE);
        assert_eq!(a.timeout_secs, DEFAULT_TIMEOUT_SECS);
        let b = &c.accounts[1];
        assert_eq!(b.kind, ProviderKind::Synology);
        assert_eq!(
            b.secret,
            SecretSource::Command("pass show certdeck/nas".into())
        );
        assert!(b.read_only);
        assert_eq!((b.concurrency, b.page_size, b.timeout_secs), (2, 50, 10));
    }

    #[test]
    fn empty_text_is_an_empty_config() {
        let c = Config::from_str_named("", "t").unwrap();
        assert_eq!(c, Config::default());
        let c = Config::from_str_named("# only a comment\n", "t").unwrap();
        assert!(c.accounts.is_empty());
    }

    #[test]
    fn neither_secret_key_means_keyring() {
        let c = Config::from_str_named("[[accounts]]\nname='x'\nkind='iis'\nurl='http://h'\n", "t")
            .unwrap();
        assert_eq!(c.accounts[0].secret, SecretSource::Keyring);
        assert_eq!(c.accounts[0].kind, ProviderKind::Iis);
    }

    #[test]
    fn bad_url_names_file_line_column_and_key() {
        let text = GOOD.replace("https://nas.example:5001", "htp:/x");
        let e = err(&text);
        assert_eq!(e.problems.len(), 1);
        let msg = e.to_string();
        assert_eq!(
            msg,
            "config error in /home/a/.config/certdeck/config.toml, line 17, column 7, \
             key accounts[1].url: \"htp:/x\" is not an http(s) URL"
        );
    }

    #[test]
    fn url_without_host_or_with_other_scheme_is_rejected() {
        for bad in ["ftp://h/", "https://", "not a url", "file:///etc/passwd"] {
            let text = format!("[[accounts]]\nname='x'\nkind='iis'\nurl='{bad}'\n");
            let e = err(&text);
            assert_eq!(
                e.problems[0].key.as_deref(),
                Some("accounts[0].url"),
                "{bad}"
            );
            assert_eq!(e.problems[0].line, Some(4));
        }
    }

    #[test]
    fn unknown_key_is_an_error_with_its_line_and_path() {
        let text = GOOD.replace("password_env =", "pasword_env =");
        let e = err(&text);
        let p = &e.problems[0];
        assert_eq!(p.line, Some(12), "{e}");
        assert_eq!(p.key.as_deref(), Some("accounts[0].pasword_env"), "{e}");
        assert!(p.message.contains("unknown field `pasword_env`"), "{e}");
    }

    #[test]
    fn unknown_top_level_and_ui_keys_are_errors() {
        let e = err("read_olny = true\n");
        assert_eq!(e.problems[0].key.as_deref(), Some("read_olny"), "{e}");
        assert_eq!(e.problems[0].line, Some(1));
        let e = err("[ui]\ntheme = 'dark'\n");
        assert_eq!(e.problems[0].key.as_deref(), Some("ui.theme"), "{e}");
        assert_eq!(e.problems[0].line, Some(2));
    }

    #[test]
    fn wrong_type_names_the_key() {
        let e = err(&GOOD.replace("concurrency = 2", "concurrency = \"2\""));
        let p = &e.problems[0];
        assert_eq!(p.key.as_deref(), Some("accounts[1].concurrency"), "{e}");
        assert_eq!(p.line, Some(20), "{e}");
        let e = err("read_only = 1\n");
        assert_eq!(e.problems[0].key.as_deref(), Some("read_only"), "{e}");
    }

    #[test]
    fn missing_required_field_names_it() {
        let e = err("[[accounts]]\nkind='iis'\nurl='http://h'\n");
        let p = &e.problems[0];
        assert_eq!(p.key.as_deref(), Some("accounts[0].name"), "{e}");
        assert!(p.message.contains("missing field `name`"), "{e}");
        assert!(p.line.is_some());
    }

    #[test]
    fn single_bracket_accounts_gets_a_hint() {
        let e = err("[accounts]\nname='x'\n");
        assert_eq!(e.problems[0].key.as_deref(), Some("accounts"), "{e}");
        assert!(e.to_string().contains("[[accounts]]"), "{e}");
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let e = err("read_only = false\n[[accounts]]\nname = \"x\n");
        let p = &e.problems[0];
        assert_eq!(p.line, Some(3), "{e}");
        assert_eq!(p.key.as_deref(), Some("accounts[0].name"), "{e}");
        assert!(p.column.is_some());
        assert!(p.message.starts_with("invalid TOML"), "{e}");
        assert!(!e.to_string().contains('\n'), "one line: {e}");
    }

    #[test]
    fn semantic_checks_report_every_problem() {
        let text = r#"
[[accounts]]
name = "a"
kind = "digicert"
url = "https://x"

[[accounts]]
name = "a"
kind = "sectigo"
url = "https://y"
password_env = "V"
password_command = "echo"
concurrency = 0
page_size = 501
timeout_secs = -1
"#;
        let e = err(text);
        let keys: Vec<(&str, usize)> = e
            .problems
            .iter()
            .map(|p| (p.key.as_deref().unwrap(), p.line.unwrap()))
            .collect();
        assert_eq!(
            keys,
            vec![
                ("accounts[0].kind", 4),
                ("accounts[1].name", 8),
                ("accounts[1].login", 7),
                ("accounts[1].customer_uri", 7),
                ("accounts[1].password_command", 12),
                ("accounts[1].concurrency", 13),
                ("accounts[1].page_size", 14),
                ("accounts[1].timeout_secs", 15),
            ],
            "{e}"
        );
        let msg = e.to_string();
        assert_eq!(msg.lines().count(), 8);
        assert!(msg.contains(
            "\"digicert\" is not a known kind; use one of sectigo, synology, iis, ncloud, yeastar"
        ));
        assert!(msg.contains("already the name of accounts[0]"));
        assert!(msg.contains("password_env and password_command are both set"));
        assert!(msg.contains("501 is out of range; page_size must be 1..=500"));
    }

    #[test]
    fn empty_name_and_empty_values_are_rejected() {
        let e = err("[[accounts]]\nname=''\nkind='iis'\nurl='http://h'\npassword_env=''\n");
        let keys: Vec<_> = e.problems.iter().map(|p| p.key.clone().unwrap()).collect();
        assert_eq!(
            keys,
            ["accounts[0].name", "accounts[0].password_env"],
            "{e}"
        );
        let e = err("[[accounts]]\nname='x'\nkind='iis'\nurl='http://h'\npassword_command='  '\n");
        assert_eq!(
            e.problems[0].key.as_deref(),
            Some("accounts[0].password_command")
        );
    }

    #[test]
    fn customer_uri_only_for_sectigo() {
        let e = err("[[accounts]]\nname='x'\nkind='ncloud'\nurl='https://h'\ncustomer_uri='c'\n");
        assert_eq!(
            e.problems[0].key.as_deref(),
            Some("accounts[0].customer_uri")
        );
        assert_eq!(e.problems[0].line, Some(5));
    }

    #[test]
    fn all_five_kinds_are_accepted() {
        for k in ProviderKind::ALL {
            let extra = if k == ProviderKind::Sectigo {
                "login='l'\ncustomer_uri='c'\n"
            } else {
                ""
            };
            let text = format!("[[accounts]]\nname='x'\nkind='{k}'\nurl='https://h'\n{extra}");
            let c = Config::from_str_named(&text, "t").unwrap();
            assert_eq!(c.accounts[0].kind, k);
        }
    }

    #[test]
    fn inline_array_of_accounts_paths() {
        let text = "accounts = [ { name = 'a', kind = 'iis', url = 'http://h' }, { name = 'b', kind = 'iis', url = 'http://h', bogus = 1 } ]\n";
        let e = err(text);
        assert_eq!(
            e.problems[0].key.as_deref(),
            Some("accounts[1].bogus"),
            "{e}"
        );
    }

    #[test]
    fn load_missing_file_names_path_and_example() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("nope.toml");
        let e = Config::load(&p).unwrap_err().to_string();
        assert!(e.contains(&p.display().to_string()), "{e}");
        assert!(e.contains("config.example.toml"), "{e}");
        let e = Config::load_or_default(Some(&p)).unwrap_err().to_string();
        assert!(e.contains("does not exist"), "{e}");
    }

    #[test]
    fn load_reads_file_and_names_it_in_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.toml");
        std::fs::write(&p, GOOD).unwrap();
        let (c, note) = Config::load_or_default(Some(&p)).unwrap();
        assert_eq!(c.path.as_deref(), Some(p.as_path()));
        assert_eq!(c.accounts.len(), 2);
        assert!(note.is_none());
        std::fs::write(&p, "[[accounts]]\nname='x'\nkind='iis'\nurl='nope'\n").unwrap();
        let e = Config::load(&p).unwrap_err();
        let ce = e.downcast_ref::<ConfigError>().expect("a ConfigError");
        assert_eq!(ce.file, p.display().to_string());
        assert!(
            e.to_string()
                .starts_with(&format!("config error in {}, line 4", p.display()))
        );
    }

    #[test]
    fn example_config_is_valid_and_covers_every_kind() {
        let c = Config::from_str_named(
            include_str!("../config.example.toml"),
            "config.example.toml",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(!c.accounts.is_empty());
        assert_eq!(c.accounts[0].kind, ProviderKind::Sectigo);
        // The other kinds are commented-out example sections ("# [[accounts]]" up to the next
        // blank line); uncommented, they must be valid too.
        let mut in_example = false;
        let uncommented: Vec<&str> = include_str!("../config.example.toml")
            .lines()
            .map(|l| {
                if l == "# [[accounts]]" {
                    in_example = true;
                } else if l.trim().is_empty() {
                    in_example = false;
                }
                if in_example {
                    l.strip_prefix("# ").unwrap_or(l)
                } else {
                    l
                }
            })
            .collect();
        let all = Config::from_str_named(&uncommented.join("\n"), "uncommented example")
            .unwrap_or_else(|e| panic!("{e}"));
        for k in ProviderKind::ALL {
            assert!(all.accounts.iter().any(|a| a.kind == k), "no {k} example");
        }
        assert_eq!(all.accounts.len(), 5);
    }

    #[test]
    fn truncated_and_odd_input_never_panics() {
        let text = GOOD
            .replace("corp-scm", "körp-scm ✓")
            .replace("api-user", "ü\"ser");
        for end in (0..=text.len()).filter(|i| text.is_char_boundary(*i)) {
            let _ = Config::from_str_named(&text[..end], "t");
        }
        for junk in [
            "\u{0}",
            "[[",
            "accounts = 3",
            "[ui]\nkeys = 1",
            "= 1",
            "\u{feff}x = 1",
        ] {
            let e = Config::from_str_named(junk, "t").unwrap_err();
            assert!(e.problems[0].line.is_some(), "{junk:?}: {e}");
        }
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncé d", 7), (2, 4));
        assert_eq!(line_col("", 5), (1, 1));
    }
}
