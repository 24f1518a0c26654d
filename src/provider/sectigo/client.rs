//! HTTP + auth for SCM: the [`Provider`] implementation (list, detail, collect).
//! Further operations (enroll, approve, revoke, DCV, domains …) are inherent methods in
//! `ops.rs`.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use async_trait::async_trait;
use futures::StreamExt;
use secrecy::zeroize::Zeroizing;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;

use crate::model::{AccountIdx, Capabilities, Cert, CertDetail, CertStatus, Family};
use crate::provider::tls::TlsTrust;
use crate::provider::{ErrorKind, ListSink, ListUpdate, Provider, ProviderError};

use super::http as scm_http;
use super::{errors, map, wire};
use crate::provider::http::{self, Http, Request, RetryPolicy};

/// Everything needed to talk to one SCM account.
#[derive(Debug, Clone)]
pub struct SectigoSettings {
    pub account: AccountIdx,
    pub name: String,
    /// Base URL without the `/api` part, e.g. `https://cert-manager.com` or `http://127.0.0.1:4321`.
    pub url: String,
    pub login: String,
    /// Password or client certificate.
    pub auth: SectigoAuth,
    pub customer_uri: String,
    /// Parallel detail requests during a list (default 8).
    pub concurrency: usize,
    /// `size` of each list page (default 200).
    pub page_size: usize,
    pub timeout: Duration,
    pub read_only: bool,
    /// How the server's certificate is checked (system roots by default).
    pub tls: TlsTrust,
}

/// How an SCM account logs in (digest §1.2). Debug output never shows the secret parts.
#[derive(Debug, Clone)]
pub enum SectigoAuth {
    /// "User login via password": headers `login`, `password`, `customerUri`.
    Password(SecretString),
    /// "User login via client certificate": headers `login` and `customerUri` only, every path
    /// under `/private` (`/private/api/ssl/v1/...`), and the certificate presented in the TLS
    /// handshake.
    ClientCert(ClientIdentity),
}

/// A TLS client certificate (with any chain certificates) and its private key, as PEM. Read
/// with [`ClientIdentity::from_files`]; the key material stays inside a [`SecretString`] and
/// Debug shows only the file names.
#[derive(Clone)]
pub struct ClientIdentity {
    /// Certificate block(s), then the private key block.
    pem: SecretString,
    cert_path: PathBuf,
    key_path: PathBuf,
}

impl fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientIdentity")
            .field("cert_path", &self.cert_path)
            .field("key_path", &self.key_path)
            .finish_non_exhaustive()
    }
}

/// Larger than any sane PEM certificate chain or key.
const MAX_PEM_FILE: u64 = 1 << 20;

impl ClientIdentity {
    /// Read a PEM certificate file and a PEM private-key file.
    ///
    /// Checks, each failure a message naming the file: both are readable regular files of at
    /// most 1 MiB; (on Unix) the key file is not accessible by group or others, as ssh demands;
    /// the certificate file holds at least one valid X.509 `CERTIFICATE` block and no private
    /// key (unless it is the key file itself); the key file holds exactly one unencrypted
    /// private key (`PRIVATE KEY`, `RSA PRIVATE KEY` or `EC PRIVATE KEY`). Whether the key
    /// parses and matches the certificate is checked when the client is built
    /// ([`SectigoClient::new`]).
    pub fn from_files(cert_path: &Path, key_path: &Path) -> Result<ClientIdentity, String> {
        let key_text = read_pem_file(key_path, "private key", true)?;
        let cert_text = read_pem_file(cert_path, "certificate", false)?;
        let same_file = cert_path == key_path;

        let cert_blocks = pem_blocks(&cert_text)
            .map_err(|e| format!("the client certificate file {}: {e}", cert_path.display()))?;
        let mut certs: Vec<&str> = Vec::new();
        for block in &cert_blocks {
            if block.label == "CERTIFICATE" {
                let der = block.decode().map_err(|e| {
                    format!(
                        "the client certificate file {}: certificate {} is not valid PEM ({e})",
                        cert_path.display(),
                        certs.len() + 1
                    )
                })?;
                if let Err(e) = x509_parser::parse_x509_certificate(&der) {
                    return Err(format!(
                        "the client certificate file {}: certificate {} is not a valid X.509 certificate ({e})",
                        cert_path.display(),
                        certs.len() + 1
                    ));
                }
                certs.push(block.text);
            } else if block.label.contains("PRIVATE KEY") && !same_file {
                return Err(format!(
                    "the client certificate file {} also holds a private key; keep the key only \
                     in the client_key file (mode 0600), or point client_key at this same file \
                     and make it mode 0600",
                    cert_path.display()
                ));
            }
        }
        if certs.is_empty() {
            return Err(format!(
                "the client certificate file {} holds no PEM certificate \
                 (-----BEGIN CERTIFICATE-----)",
                cert_path.display()
            ));
        }

        let key_blocks = pem_blocks(&key_text)
            .map_err(|e| format!("the client key file {}: {e}", key_path.display()))?;
        let mut keys: Vec<&PemBlock<'_>> = Vec::new();
        for block in &key_blocks {
            let encrypted =
                block.label == "ENCRYPTED PRIVATE KEY" || block.text.contains("4,ENCRYPTED");
            if encrypted {
                return Err(format!(
                    "the private key in {} is encrypted; certdeck needs an unencrypted key \
                     protected by file permissions (decrypt it with \
                     `openssl pkey -in ENCRYPTED.pem -out {}` and chmod 600)",
                    key_path.display(),
                    key_path.display()
                ));
            }
            if matches!(
                block.label.as_str(),
                "PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY"
            ) {
                keys.push(block);
            }
        }
        let key = match keys.as_slice() {
            [one] => one.text,
            [] => {
                return Err(format!(
                    "the client key file {} holds no PEM private key \
                     (-----BEGIN PRIVATE KEY-----)",
                    key_path.display()
                ));
            }
            more => {
                return Err(format!(
                    "the client key file {} holds {} private keys; it must hold exactly one",
                    key_path.display(),
                    more.len()
                ));
            }
        };

        let mut pem = Zeroizing::new(String::with_capacity(cert_text.len() + key.len() + 8));
        for c in certs {
            pem.push_str(c);
            pem.push('\n');
        }
        pem.push_str(key);
        pem.push('\n');
        Ok(ClientIdentity {
            pem: SecretString::from(pem.as_str()),
            cert_path: cert_path.to_path_buf(),
            key_path: key_path.to_path_buf(),
        })
    }

    pub fn cert_path(&self) -> &Path {
        &self.cert_path
    }

    pub fn key_path(&self) -> &Path {
        &self.key_path
    }
}

/// Read a small PEM text file. `private`: refuse (on Unix) a file that group or others may
/// access, like ssh does for identity files. The contents are wiped from memory when dropped.
fn read_pem_file(path: &Path, what: &str, private: bool) -> Result<Zeroizing<String>, String> {
    let shown = path.display();
    let mut file = std::fs::File::open(path).map_err(|e| {
        format!(
            "cannot read the client {what} file {shown}: {}",
            io_reason(&e)
        )
    })?;
    let meta = file.metadata().map_err(|e| {
        format!(
            "cannot read the client {what} file {shown}: {}",
            io_reason(&e)
        )
    })?;
    if !meta.is_file() {
        return Err(format!(
            "the client {what} file {shown} is not a regular file"
        ));
    }
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o7777;
        if mode & 0o077 != 0 {
            return Err(format!(
                "permissions {mode:04o} for the client private key file {shown} are too open: \
                 a private key must not be accessible by group or others, so it is not used; \
                 run `chmod 600 {shown}`"
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = private;
    if meta.len() > MAX_PEM_FILE {
        return Err(format!(
            "the client {what} file {shown} is too large ({} bytes) to be a PEM file",
            meta.len()
        ));
    }
    let mut bytes = Zeroizing::new(Vec::new());
    (&mut file)
        .take(MAX_PEM_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            format!(
                "cannot read the client {what} file {shown}: {}",
                io_reason(&e)
            )
        })?;
    match std::str::from_utf8(&bytes) {
        Ok(text) => Ok(Zeroizing::new(text.to_string())),
        Err(_) => Err(format!(
            "the client {what} file {shown} is not PEM text (it is binary; DER or PKCS#12 files \
             must be converted to PEM first)"
        )),
    }
}

/// "No such file or directory" without the "(os error 2)" tail.
fn io_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// One `-----BEGIN label-----` … `-----END label-----` block of a PEM text.
struct PemBlock<'a> {
    label: String,
    /// The whole block, armour lines included.
    text: &'a str,
    /// The lines between the armour lines.
    body: &'a str,
}

impl PemBlock<'_> {
    /// The base64 body decoded (RFC 1421 header lines skipped). Errors never quote the data.
    fn decode(&self) -> Result<Vec<u8>, String> {
        use base64::Engine;
        let compact: String = self
            .body
            .lines()
            .filter(|l| !l.contains(':'))
            .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
            .collect();
        if compact.is_empty() {
            return Err("the block is empty".into());
        }
        base64::engine::general_purpose::STANDARD
            .decode(compact.as_bytes())
            .map_err(|_| "the block is not valid base64".into())
    }
}

/// The PEM blocks of a text, ignoring text around them. A BEGIN line without its END line is
/// an error.
fn pem_blocks(text: &str) -> Result<Vec<PemBlock<'_>>, String> {
    const BEGIN: &str = "-----BEGIN ";
    let mut blocks = Vec::new();
    let mut rest = text;
    let mut offset = 0usize;
    while let Some(at) = rest.find(BEGIN) {
        let start = offset + at;
        let after = &text[start + BEGIN.len()..];
        let Some(label_len) = after.find("-----") else {
            return Err(format!("a {BEGIN}… line is not closed with -----"));
        };
        let label = after[..label_len].trim().to_string();
        if label.is_empty() || label.contains(['\n', '\r']) {
            return Err("a -----BEGIN line has no label".into());
        }
        let body_start = start + BEGIN.len() + label_len + 5;
        let end_line = format!("-----END {label}-----");
        let Some(end_rel) = text[body_start..].find(&end_line) else {
            return Err(format!(
                "the -----BEGIN {label}----- block has no -----END {label}----- line"
            ));
        };
        let end = body_start + end_rel + end_line.len();
        blocks.push(PemBlock {
            label,
            text: &text[start..end],
            body: &text[body_start..body_start + end_rel],
        });
        offset = end;
        rest = &text[end..];
    }
    Ok(blocks)
}

impl SectigoSettings {
    /// Default page size: SCM's own maximum, as python-cert_manager found.
    pub const DEFAULT_PAGE_SIZE: usize = 200;
    pub const DEFAULT_CONCURRENCY: usize = 8;
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

    /// Password login with the defaults (8 parallel details, pages of 200, 30 s timeout,
    /// read-write).
    pub fn new(
        name: impl Into<String>,
        url: impl Into<String>,
        login: impl Into<String>,
        password: SecretString,
        customer_uri: impl Into<String>,
    ) -> SectigoSettings {
        SectigoSettings::with_auth(
            name,
            url,
            login,
            SectigoAuth::Password(password),
            customer_uri,
        )
    }

    /// Like [`SectigoSettings::new`], with any login style.
    pub fn with_auth(
        name: impl Into<String>,
        url: impl Into<String>,
        login: impl Into<String>,
        auth: SectigoAuth,
        customer_uri: impl Into<String>,
    ) -> SectigoSettings {
        SectigoSettings {
            account: 0,
            name: name.into(),
            url: url.into(),
            login: login.into(),
            auth,
            customer_uri: customer_uri.into(),
            concurrency: SectigoSettings::DEFAULT_CONCURRENCY,
            page_size: SectigoSettings::DEFAULT_PAGE_SIZE,
            timeout: SectigoSettings::DEFAULT_TIMEOUT,
            read_only: false,
            tls: TlsTrust::System,
        }
    }
}

/// How the list delivers completed rows: in batches of this many, or at least this often.
const BATCH_ROWS: usize = 32;
const BATCH_INTERVAL: Duration = Duration::from_millis(100);

/// The `dateFormat` sent with lists and details: ISO with time and `Z`, so expiry is exact.
/// Servers that ignore it send their per-endpoint default, which `wire::parse_date` also reads.
pub(super) const DATE_FORMAT: &str = "ISO_HMS";

pub struct SectigoClient {
    pub(super) settings: SectigoSettings,
    pub(super) http: Http,
}

impl fmt::Debug for SectigoClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SectigoClient")
            .field("account", &self.settings.name)
            .field("url", &self.settings.url)
            .field("login", &self.settings.login)
            .field("customer_uri", &self.settings.customer_uri)
            .finish_non_exhaustive()
    }
}

impl SectigoClient {
    pub fn new(settings: SectigoSettings) -> Result<SectigoClient, ProviderError> {
        let local = |msg: String| {
            ProviderError::new(
                settings.name.clone(),
                "set up the SCM client",
                ErrorKind::Local,
                msg,
            )
        };
        let mut base = parse_base_url(&settings.url).map_err(local)?;
        if settings.login.trim().is_empty() {
            return Err(local("the login is empty".into()));
        }
        if settings.customer_uri.trim().is_empty() {
            return Err(local("the customer URI is empty".into()));
        }
        let header_err = |what: &str| {
            local(format!(
                "the {what} contains characters that cannot be sent in an HTTP header"
            ))
        };
        let (auth, path_prefix, identity) = match &settings.auth {
            SectigoAuth::Password(password) => (
                scm_http::auth_headers(
                    &settings.login,
                    password.expose_secret(),
                    &settings.customer_uri,
                )
                .map_err(header_err)?,
                "",
                None,
            ),
            SectigoAuth::ClientCert(id) => {
                if base.scheme() != "https" && !http::is_loopback(&base) {
                    return Err(local(format!(
                        "client-certificate login needs an https:// URL (the certificate is \
                         presented in the TLS handshake), not {:?}",
                        settings.url.trim()
                    )));
                }
                // A URL written with the prefix ("…/private") gets it only once.
                if let Some(p) = base
                    .path()
                    .trim_end_matches('/')
                    .strip_suffix(scm_http::PRIVATE_PREFIX)
                {
                    let p = p.to_string();
                    base.set_path(&p);
                }
                // Parsed here for a message that names the files; `TlsTrust::apply` installs it.
                reqwest::Identity::from_pem(id.pem.expose_secret().as_bytes())
                    .map_err(|e| local(identity_error(id, &e)))?;
                (
                    scm_http::login_headers(&settings.login, &settings.customer_uri)
                        .map_err(header_err)?,
                    scm_http::PRIVATE_PREFIX,
                    Some(id.pem.expose_secret().as_bytes()),
                )
            }
        };
        let timeout = if settings.timeout.is_zero() {
            SectigoSettings::DEFAULT_TIMEOUT
        } else {
            settings.timeout
        };
        let client = http::build_client(&http::ClientSpec {
            account: &settings.name,
            base: &base,
            timeout,
            tls: &settings.tls,
            identity,
        })
        .map_err(|e| match (&settings.auth, e) {
            // With an identity, this is where rustls parses the key and checks that it
            // belongs to the certificate.
            (SectigoAuth::ClientCert(id), http::BuildError::Build(e)) => {
                local(identity_error(id, &e))
            }
            (_, e) => local(e.message()),
        })?;
        let mut http = Http::new(
            settings.name.clone(),
            base,
            client,
            std::sync::Arc::new(http::HeaderAuth::new(auth)),
            std::sync::Arc::new(scm_http::ScmEnvelope),
            timeout,
        );
        http.path_prefix = path_prefix;
        Ok(SectigoClient { settings, http })
    }

    /// Replace the retry timing for reads (tests use short delays).
    pub fn with_retry(mut self, retry: RetryPolicy) -> SectigoClient {
        self.http.retry = retry;
        self
    }

    pub fn settings(&self) -> &SectigoSettings {
        &self.settings
    }

    pub(super) fn err(&self, op: &str, kind: ErrorKind, msg: impl Into<String>) -> ProviderError {
        ProviderError::new(self.settings.name.clone(), op, kind, msg)
    }

    /// The id as a number (SCM ids are integers); anything else is refused before sending.
    pub(super) fn numeric_id(
        &self,
        op: &str,
        family: Family,
        id: &str,
    ) -> Result<i64, ProviderError> {
        id.trim()
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| {
                self.err(
                    op,
                    ErrorKind::Local,
                    format!(
                        "{id:?} is not a valid {} certificate id",
                        family_noun(family)
                    ),
                )
            })
    }

    fn page_size(&self) -> usize {
        self.settings.page_size.clamp(1, 10_000)
    }

    fn concurrency(&self) -> usize {
        self.settings.concurrency.clamp(1, 64)
    }

    /// Page through a list endpoint (`size`/`position` offsets, `X-Total-Count`), sending
    /// each page's rows and the progress through `sink`. Once the total is known (from the
    /// HEAD count in `counted`, else from the first page) the pages are fetched with the
    /// account's bounded concurrency. Returns what the later steps need of each row listed,
    /// by id (each id once): not the rows, which went to the sink. A page whose
    /// `X-Total-Count` differs announces the new total; a short page ends the list.
    pub(super) async fn page_all<T: DeserializeOwned>(
        &self,
        path: &str,
        op: &str,
        counted: Option<usize>,
        sink: &ListSink,
        to_row: impl Fn(&T) -> Option<Cert>,
    ) -> Result<Listed, ProviderError> {
        let size = self.page_size();
        let mut paging = Paging {
            listed: Listed::new(),
            announced: counted,
            total: counted.unwrap_or(0),
            ended: false,
        };
        let mut next = 0usize;
        // Without a count (or with a count of none, which the page may contradict) the first
        // page comes alone.
        if counted.is_none_or(|n| n == 0) {
            let got = self
                .page::<T>(path, op, 0, size, &mut paging, sink, &to_row)
                .await?;
            next = got;
            if got < size {
                paging.ended = true;
            }
        }
        // Then the rest, `concurrency` pages at a time; again if the total grew meanwhile.
        while !paging.ended && next < paging.total {
            let end = paging.total;
            let starts: Vec<usize> = (next..end).step_by(size).collect();
            next = starts.last().map_or(end, |&p| p + size);
            // A short page ends the list: later pages are not asked for.
            let stop = std::sync::atomic::AtomicUsize::new(usize::MAX);
            let stop = &stop;
            let mut pages = futures::stream::iter(starts)
                .take_while(|&p| {
                    std::future::ready(p < stop.load(std::sync::atomic::Ordering::Relaxed))
                })
                .map(|position| async move {
                    let req = page_request(path, op, size, position);
                    let resp = self.http.send(&req).await;
                    (position, req, resp)
                })
                .buffer_unordered(self.concurrency());
            while let Some((position, req, resp)) = pages.next().await {
                let got = paging.take(self, &req, &resp?, position, op, sink, &to_row)?;
                if got < size {
                    paging.ended = true;
                    stop.fetch_min(position + 1, std::sync::atomic::Ordering::Relaxed);
                }
            }
        }
        Ok(paging.listed)
    }

    /// Fetch and take one page (the first, while the total is unknown).
    #[allow(clippy::too_many_arguments)]
    async fn page<T: DeserializeOwned>(
        &self,
        path: &str,
        op: &str,
        position: usize,
        size: usize,
        paging: &mut Paging,
        sink: &ListSink,
        to_row: &impl Fn(&T) -> Option<Cert>,
    ) -> Result<usize, ProviderError> {
        let req = page_request(path, op, size, position);
        let resp = self.http.send(&req).await?;
        paging.take(self, &req, &resp, position, op, sink, to_row)
    }

    /// Fetch details for the listed `ids` with bounded concurrency, delivering completed rows
    /// in batches (the app keeps what a detail leaves out, such as SANs only the list had).
    /// Failures are counted; the first is reported at the end. An auth failure stops the run
    /// at once (the credentials will not get better).
    pub(super) async fn complete_rows(
        &self,
        family: Family,
        op: &str,
        ids: Vec<String>,
        sink: &ListSink,
    ) -> Result<(), ProviderError> {
        let of = ids.len();
        if of == 0 {
            return Ok(());
        }
        let mut stream = futures::stream::iter(ids.into_iter().map(|id| async move {
            let res = self.detail_row(family, &id).await;
            (id, res)
        }))
        .buffer_unordered(self.concurrency());
        let mut done = 0usize;
        let mut failed = 0usize;
        // Connection failures in a row: the server is down, and every further request would
        // only wait for the same answer. Stop after a couple of rounds of the parallel ones.
        let mut unreachable = 0usize;
        let give_up = 2 * self.concurrency();
        let mut first_err: Option<ProviderError> = None;
        let mut batch: Vec<Cert> = Vec::new();
        let mut last_flush = tokio::time::Instant::now();
        sink(ListUpdate::Progress {
            done: 0,
            of,
            label: "details".into(),
        });
        while let Some((id, res)) = stream.next().await {
            done += 1;
            match res {
                Ok(mut c) => {
                    unreachable = 0;
                    // The row is known by the id it was listed under.
                    c.id = id;
                    batch.push(c);
                }
                Err(e) => {
                    failed += 1;
                    if e.kind == ErrorKind::Auth {
                        flush(sink, &mut batch, done, of);
                        return Err(e);
                    }
                    if e.kind == ErrorKind::Network {
                        unreachable += 1;
                        if unreachable >= give_up {
                            flush(sink, &mut batch, done, of);
                            let mut stop = self.err(
                                op,
                                ErrorKind::Network,
                                format!(
                                    "stopped after {unreachable} connection failures in a row \
                                     ({} of {of} details left); the last: {}",
                                    of - done,
                                    e.message
                                ),
                            );
                            stop.http_status = e.http_status;
                            return Err(stop);
                        }
                    } else {
                        unreachable = 0;
                    }
                    first_err.get_or_insert(e);
                }
            }
            if batch.len() >= BATCH_ROWS || last_flush.elapsed() >= BATCH_INTERVAL || done == of {
                flush(sink, &mut batch, done, of);
                last_flush = tokio::time::Instant::now();
            }
        }
        flush(sink, &mut batch, done, of);
        match first_err {
            None => Ok(()),
            Some(first) => {
                let mut e = self.err(
                    op,
                    first.kind,
                    format!(
                        "{failed} of {of} detail requests failed; the first: {} — {}",
                        first.operation, first.message
                    ),
                );
                e.http_status = first.http_status;
                e.code = first.code;
                Err(e)
            }
        }
    }

    /// GET the details of one certificate and map them to its list row.
    pub(super) async fn detail_row(&self, family: Family, id: &str) -> Result<Cert, ProviderError> {
        self.fetch_details(family, id).await.map(|(c, _)| c)
    }

    /// GET the details (asking for ISO dates with times, so expiry is exact and agrees with
    /// the report endpoints) and map them.
    pub(super) async fn fetch_details(
        &self,
        family: Family,
        id: &str,
    ) -> Result<(Cert, CertDetail), ProviderError> {
        let op = format!("get {} certificate {id}", family_noun(family));
        let n = self.numeric_id(&op, family, id)?;
        let account = self.settings.account;
        let path = match family {
            Family::Ssl => format!("/api/ssl/v1/{n}"),
            Family::Client => format!("/api/smime/v1/{n}"),
            Family::Device => format!("/api/device/v1/{n}"),
            Family::CodeSigning => return Err(self.unsupported(&op, family)),
        };
        let req = Request::get(path, &op).query("dateFormat", DATE_FORMAT);
        Ok(match family {
            Family::Client => {
                let d: wire::SmimeDetails = self.http.json(&req).await?;
                (map::smime_cert(account, &d, id), map::smime_detail(&d))
            }
            Family::Device => {
                let d: wire::DeviceDetails = self.http.json(&req).await?;
                (map::device_cert(account, &d, id), map::device_detail(&d))
            }
            _ => {
                let d: wire::SslDetails = self.http.json(&req).await?;
                (map::ssl_cert(account, &d, id), map::ssl_detail(&d))
            }
        })
    }

    pub(super) fn unsupported(&self, op: &str, family: Family) -> ProviderError {
        self.err(
            op,
            ErrorKind::Unsupported,
            format!(
                "the SCM REST API has no {} certificate inventory",
                family_noun(family)
            ),
        )
    }

    /// The collect path of a family.
    pub(super) fn collect_path(family: Family, n: i64) -> Option<String> {
        match family {
            Family::Ssl => Some(format!("/api/ssl/v1/collect/{n}")),
            Family::Client => Some(format!("/api/smime/v2/collect/{n}")),
            Family::Device => Some(format!("/api/device/v1/collect/{n}")),
            Family::CodeSigning => None,
        }
    }

    /// Try to fetch the PEM body for the detail pane; failures become a note.
    async fn body_for_detail(&self, family: Family, cert: &Cert, detail: &mut CertDetail) {
        let fetch = matches!(
            cert.status,
            CertStatus::Issued | CertStatus::Revoked | CertStatus::Expired | CertStatus::Replaced
        );
        if !fetch {
            detail.body_note = Some(if cert.status_text.is_empty() {
                "no certificate body: the status is unknown".to_string()
            } else {
                format!("not issued yet (status {})", cert.status_text)
            });
            return;
        }
        match self.collect(family, &cert.id, "x509CO").await {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) if text.contains("-----BEGIN") => detail.body_pem = Some(text),
                Ok(text) => {
                    detail.body_note = Some(format!(
                        "the server returned a body that is not PEM ({} bytes)",
                        text.len()
                    ))
                }
                Err(e) => {
                    detail.body_note = Some(format!(
                        "the server returned a binary body, not PEM ({} bytes)",
                        e.as_bytes().len()
                    ))
                }
            },
            Err(e) => {
                let code = e.code.map(|c| format!("code {c}: ")).unwrap_or_default();
                detail.body_note = Some(match e.kind {
                    ErrorKind::NotReady => format!("not issued yet ({code}{})", e.message),
                    _ => format!("certificate body unavailable ({code}{})", e.message),
                });
            }
        }
    }
}

fn flush(sink: &ListSink, batch: &mut Vec<Cert>, done: usize, of: usize) {
    if !batch.is_empty() {
        sink(ListUpdate::Rows(std::mem::take(batch)));
    }
    sink(ListUpdate::Progress {
        done,
        of,
        label: "details".into(),
    });
}

/// What a list load keeps of each row it listed, by id, for the report and detail steps:
/// whether the page brought a common name and a serial (the report's spelling of those is
/// then not used), never the row itself.
pub(super) type Listed = std::collections::HashMap<String, ListedRow>;

/// See [`Listed`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ListedRow {
    pub has_cn: bool,
    pub has_serial: bool,
}

/// One list page: `size` rows from `position`, with ISO dates.
fn page_request(path: &str, op: &str, size: usize, position: usize) -> Request {
    Request::get(path, op)
        .query("size", size)
        .query("position", position)
        .query("dateFormat", DATE_FORMAT)
}

/// The state of one paged list.
struct Paging {
    listed: Listed,
    /// The total last sent to the sink.
    announced: Option<usize>,
    /// The latest total.
    total: usize,
    /// A short page was seen.
    ended: bool,
}

impl Paging {
    /// Take one page: decode, keep new ids, send the rows and the progress. Returns the
    /// number of items the page held.
    #[allow(clippy::too_many_arguments)]
    fn take<T: DeserializeOwned>(
        &mut self,
        client: &SectigoClient,
        req: &Request,
        resp: &http::Response,
        position: usize,
        op: &str,
        sink: &ListSink,
        to_row: &impl Fn(&T) -> Option<Cert>,
    ) -> Result<usize, ProviderError> {
        let total = client.http.total_count(req, resp)?;
        let items: Vec<T> = client.http.decode(req, resp)?;
        if self.announced != Some(total) {
            sink(ListUpdate::Total(total));
            self.announced = Some(total);
        }
        self.total = total;
        let got = items.len();
        let page: Vec<Cert> = items
            .iter()
            .filter_map(to_row)
            .filter(|c| {
                let row = ListedRow {
                    has_cn: !c.common_name.is_empty(),
                    has_serial: c.serial.is_some(),
                };
                self.listed.insert(c.id.clone(), row).is_none()
            })
            .collect();
        if got > 0 && page.is_empty() {
            return Err(client.err(
                op,
                ErrorKind::Protocol,
                format!(
                    "the page at position {position} brought no new certificates (the server may be ignoring 'position')"
                ),
            ));
        }
        if !page.is_empty() {
            sink(ListUpdate::Rows(page));
        }
        sink(ListUpdate::Progress {
            done: self.listed.len().min(total),
            of: total,
            label: "loading".into(),
        });
        Ok(got)
    }
}

/// Why a client certificate and key cannot be used (names the files, never quotes them).
fn identity_error(id: &ClientIdentity, e: &reqwest::Error) -> String {
    let chain = http::error_chain(e);
    let chain = chain.strip_prefix("builder error: ").unwrap_or(&chain);
    let reason = if chain.contains("KeyMismatch") {
        "the private key does not belong to the certificate"
    } else {
        chain
    };
    format!(
        "cannot use the client certificate {} with the key {}: {reason}",
        id.cert_path.display(),
        id.key_path.display(),
    )
}

/// "SSL", "client", "device" for messages and operation names.
pub fn family_noun(family: Family) -> &'static str {
    match family {
        Family::Ssl => "SSL",
        Family::Client => "client",
        Family::Device => "device",
        Family::CodeSigning => "code-signing",
    }
}

fn parse_base_url(text: &str) -> Result<reqwest::Url, String> {
    let mut url = http::base_url(text, "https://cert-manager.com")?;
    // Accept ".../api": the client adds "/api/..." itself.
    if let Some(p) = url.path().strip_suffix("/api").map(str::to_string) {
        url.set_path(&p);
    }
    Ok(url)
}

#[async_trait]
impl Provider for SectigoClient {
    fn account(&self) -> &str {
        &self.settings.name
    }

    fn capabilities(&self) -> Capabilities {
        if self.settings.read_only {
            return Capabilities::read_only();
        }
        Capabilities {
            list: true,
            detail: true,
            collect: true,
            enroll: true,
            approve: true,
            decline: true,
            revoke: true,
            renew: true,
            replace: true,
            delete: true,
            import: false,
        }
    }

    fn login(&self) -> Option<String> {
        Some(self.settings.login.trim().to_string())
    }

    fn concurrency(&self) -> usize {
        SectigoClient::concurrency(self)
    }

    fn info(&self) -> crate::model::spec::AccountInfo {
        super::spec::INFO
    }

    fn families(&self) -> Vec<Family> {
        vec![Family::Ssl, Family::Client, Family::Device]
    }

    async fn list(&self, family: Family, sink: ListSink) -> Result<usize, ProviderError> {
        let op = format!("list {} certificates", family_noun(family));
        let account = self.settings.account;
        // The count first (HEAD, no body): the accounts tree shows the family's size at once,
        // before the first page (which can be large) arrives. A failed count does not stop the
        // list; the first page's X-Total-Count gives the same number.
        let counted = match family {
            Family::CodeSigning => None,
            _ => match self.count(family).await {
                Ok(n) => {
                    sink(ListUpdate::Total(n));
                    Some(n)
                }
                // Unreachable (refused, timed out): the list would wait for the same answer.
                Err(e) if e.kind == ErrorKind::Network => return Err(e),
                Err(e) => {
                    tracing::info!(
                        account = %self.settings.name,
                        operation = %op,
                        error = %e,
                        "the HEAD count failed; the list goes on without it"
                    );
                    None
                }
            },
        };
        match family {
            Family::Ssl => {
                let listed = self
                    .page_all::<wire::SslListItem>("/api/ssl/v1", &op, counted, &sink, |i| {
                        map::ssl_row(account, i)
                    })
                    .await?;
                let n = listed.len();
                let rest = self.complete_from_report(family, &op, listed, &sink).await;
                self.complete_rows(family, &op, rest, &sink).await?;
                Ok(n)
            }
            Family::Client => {
                let listed = self
                    .page_all::<wire::SmimeListItem>("/api/smime/v2", &op, counted, &sink, |i| {
                        map::smime_row(account, i)
                    })
                    .await?;
                Ok(listed.len())
            }
            Family::Device => {
                let listed = self
                    .page_all::<wire::DeviceListItem>("/api/device/v1", &op, counted, &sink, |i| {
                        map::device_row(account, i)
                    })
                    .await?;
                let n = listed.len();
                let rest = self.complete_from_report(family, &op, listed, &sink).await;
                self.complete_rows(family, &op, rest, &sink).await?;
                Ok(n)
            }
            Family::CodeSigning => Err(self.unsupported(&op, family)),
        }
    }

    async fn detail(&self, family: Family, id: &str) -> Result<(Cert, CertDetail), ProviderError> {
        let (cert, mut detail) = self.fetch_details(family, id).await?;
        self.body_for_detail(family, &cert, &mut detail).await;
        Ok((cert, detail))
    }

    async fn collect(
        &self,
        family: Family,
        id: &str,
        format: &str,
    ) -> Result<Vec<u8>, ProviderError> {
        let op = format!("collect {} certificate {id}", family_noun(family));
        // Only the formats the account declares go out as `format=`.
        let Some(format) = super::spec::EXPORTS.iter().find(|f| f.id == format) else {
            return Err(self.err(
                &op,
                ErrorKind::Local,
                format!("SCM offers no download format {format:?}"),
            ));
        };
        let n = self.numeric_id(&op, family, id)?;
        let Some(path) = SectigoClient::collect_path(family, n) else {
            return Err(self.unsupported(&op, family));
        };
        let req = Request::get(path, &op)
            .query("format", format.id)
            .accept_any();
        let resp = self.http.send(&req).await?;
        if resp.body.is_empty() {
            return Err(self
                .err(
                    &op,
                    ErrorKind::Protocol,
                    "the server returned an empty certificate body",
                )
                .with_status(resp.status.as_u16()));
        }
        Ok(resp.body)
    }

    /// Every other operation: see `act.rs` (read-only accounts refuse mutations there).
    fn follow_up(
        &self,
        request: &crate::provider::request::ActionRequest,
        output: &crate::provider::request::ActionOutput,
    ) -> Vec<crate::provider::op::Op> {
        super::follow::follow_up(request, output)
    }

    async fn poll(
        &self,
        op: &crate::provider::op::Op,
    ) -> Result<crate::provider::op::OpState, ProviderError> {
        self.poll_op(op).await
    }

    async fn act(
        &self,
        request: &crate::provider::request::ActionRequest,
    ) -> Result<crate::provider::request::ActionOutput, ProviderError> {
        self.dispatch(request).await
    }
}

/// `errors` is used by `ops.rs`; re-export the classification for callers that branch on it.
pub use errors::is_forbidden;

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    fn settings(url: &str) -> SectigoSettings {
        SectigoSettings::new(
            "scm",
            url,
            "admin",
            SecretString::from("hunter2-secret".to_string()),
            "acme",
        )
    }

    #[test]
    fn base_urls_are_normalised_and_checked() {
        assert_eq!(
            parse_base_url("https://cert-manager.com/")
                .unwrap()
                .as_str(),
            "https://cert-manager.com/"
        );
        assert_eq!(
            parse_base_url("https://cert-manager.com/api/")
                .unwrap()
                .path(),
            "/"
        );
        assert_eq!(
            parse_base_url("https://h.example/private/api")
                .unwrap()
                .path(),
            "/private"
        );
        assert!(parse_base_url("ftp://x").unwrap_err().contains("https://"));
        assert!(parse_base_url("").is_err());
        assert!(parse_base_url("not a url").is_err());
        assert!(parse_base_url("https://u:p@h.example").is_err());
    }

    #[test]
    fn the_password_never_shows() {
        let c = SectigoClient::new(settings("http://127.0.0.1:9")).unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
        assert!(!format!("{:?}", c.settings()).contains("hunter2"));
        let bad = SectigoClient::new(SectigoSettings {
            login: String::new(),
            ..settings("http://127.0.0.1:9")
        })
        .unwrap_err();
        assert_eq!(bad.kind, ErrorKind::Local);
        assert!(!bad.to_string().contains("hunter2"));
    }

    #[test]
    fn ids_must_be_numbers() {
        let c = SectigoClient::new(settings("http://127.0.0.1:9")).unwrap();
        let e = c
            .numeric_id("get SSL certificate ../x", Family::Ssl, "../x")
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Local);
        assert_eq!(c.numeric_id("op", Family::Ssl, " 42 ").unwrap(), 42);
    }

    #[tokio::test]
    async fn unreachable_server_is_a_network_error() {
        // Port 9 (discard) on loopback: nothing listens in the test environment.
        let c = SectigoClient::new(settings("http://127.0.0.1:9"))
            .unwrap()
            .with_retry(RetryPolicy {
                attempts: 2,
                base_delay: Duration::from_millis(1),
                max_retry_after: Duration::from_millis(1),
            });
        let e = c.detail(Family::Ssl, "1").await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Network, "{e}");
        assert!(
            e.message.contains("cannot connect to 127.0.0.1:9"),
            "{}",
            e.message
        );
        assert_eq!(e.operation, "get SSL certificate 1");
    }

    /// A loopback server that answers each connection with the next canned response and
    /// records the request heads.
    async fn canned(responses: Vec<String>) -> (String, Arc<Mutex<Vec<String>>>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let log2 = log.clone();
        tokio::spawn(async move {
            for resp in responses {
                let Ok((mut sock, _)) = listener.accept().await else {
                    return;
                };
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut chunk).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                log2.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&buf).to_string());
                let _ = sock.write_all(resp.as_bytes()).await;
                let _ = sock.shutdown().await;
            }
        });
        (format!("http://{addr}"), log)
    }

    fn http_resp(status: &str, headers: &[(&str, &str)], body: &str) -> String {
        let mut s = format!(
            "HTTP/1.1 {status}\r\nconnection: close\r\ncontent-length: {}\r\n",
            body.len()
        );
        for (k, v) in headers {
            s.push_str(&format!("{k}: {v}\r\n"));
        }
        s.push_str("\r\n");
        s.push_str(body);
        s
    }

    fn quick(url: &str) -> SectigoClient {
        let mut st = settings(url);
        st.page_size = 2;
        SectigoClient::new(st).unwrap().with_retry(RetryPolicy {
            attempts: 3,
            base_delay: Duration::from_millis(1),
            max_retry_after: Duration::from_millis(300),
        })
    }

    fn noop_sink() -> ListSink {
        Arc::new(|_| {})
    }

    #[tokio::test]
    async fn missing_or_garbled_total_count_is_a_protocol_error() {
        let page = r#"[{"sslId":1,"commonName":"a"}]"#;
        // The HEAD count fails the same way; the list goes on and its first page fails.
        let (url, log) = canned(vec![
            http_resp("200 OK", &[], ""),
            http_resp("200 OK", &[], page),
        ])
        .await;
        let e = quick(&url)
            .list(Family::Ssl, noop_sink())
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Protocol);
        assert!(e.message.contains("X-Total-Count"), "{}", e.message);
        let heads = log.lock().unwrap().clone();
        assert!(heads[0].starts_with("HEAD /api/ssl/v1 "), "{}", heads[0]);
        let head = heads[1].clone();
        assert!(
            head.starts_with("GET /api/ssl/v1?size=2&position=0&dateFormat=ISO_HMS "),
            "{head}"
        );
        let lower = head.to_ascii_lowercase();
        assert!(lower.contains("\r\nlogin: admin\r\n"));
        assert!(lower.contains("\r\npassword: hunter2-secret\r\n"));
        assert!(lower.contains("\r\ncustomeruri: acme\r\n"));
        assert!(lower.contains("user-agent: certdeck/"));

        let (url, _) = canned(vec![
            http_resp("200 OK", &[("X-Total-Count", "many")], ""),
            http_resp("200 OK", &[("X-Total-Count", "many")], page),
        ])
        .await;
        let e = quick(&url)
            .list(Family::Ssl, noop_sink())
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Protocol);
        assert!(e.message.contains("\"many\""), "{}", e.message);
    }

    #[tokio::test]
    async fn a_server_that_ignores_position_is_caught() {
        let page = r#"[{"sslId":1},{"sslId":2}]"#;
        let r = http_resp("200 OK", &[("X-Total-Count", "6")], page);
        let count = http_resp("200 OK", &[("X-Total-Count", "6")], "");
        let (url, _) = canned(vec![count, r.clone(), r]).await;
        let e = quick(&url)
            .list(Family::Ssl, noop_sink())
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Protocol);
        assert!(e.message.contains("position 2"), "{}", e.message);
    }

    #[tokio::test]
    async fn a_short_page_ends_the_list_and_offsets_advance_by_rows() {
        let (url, log) = canned(vec![
            http_resp("200 OK", &[("X-Total-Count", "9")], ""),
            http_resp(
                "200 OK",
                &[("X-Total-Count", "9")],
                r#"[{"sslId":1},{"sslId":2}]"#,
            ),
            http_resp("200 OK", &[("X-Total-Count", "9")], r#"[{"sslId":3}]"#),
            // The report and the details: all 404, so the rows stay bare and the list fails.
            http_resp("404 Not Found", &[], ""),
            http_resp(
                "404 Not Found",
                &[],
                r#"{"code":-124,"description":"Wrong SSL certificate id 1."}"#,
            ),
            http_resp("404 Not Found", &[], r#"{"code":-124}"#),
            http_resp("404 Not Found", &[], r#"{"code":-124}"#),
        ])
        .await;
        let rows = Arc::new(Mutex::new(0usize));
        let r2 = rows.clone();
        let sink: ListSink = Arc::new(move |u| {
            if let ListUpdate::Rows(r) = u {
                *r2.lock().unwrap() += r.len();
            }
        });
        let mut st = settings(&url);
        st.page_size = 2;
        st.concurrency = 1;
        let c = SectigoClient::new(st).unwrap().with_retry(RetryPolicy {
            attempts: 1,
            ..RetryPolicy::default()
        });
        let e = c.list(Family::Ssl, sink).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert!(
            e.message.starts_with("3 of 3 detail requests failed"),
            "{}",
            e.message
        );
        assert_eq!(*rows.lock().unwrap(), 3);
        let heads = log.lock().unwrap().clone();
        assert!(
            heads[2].starts_with("GET /api/ssl/v1?size=2&position=2&"),
            "{}",
            heads[2]
        );
        assert!(
            heads[3].starts_with("POST /api/report/v1/ssl-certificates"),
            "{}",
            heads[3]
        );
    }

    /// A server that answers the HEAD count, then holds every page request until `together`
    /// of them are open at once (a client that asks one page at a time never gets an
    /// answer), then answers each with the S/MIME rows of its position.
    async fn holding_server(total: usize, together: usize) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        async fn head(sock: &mut tokio::net::TcpStream) -> String {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                match sock.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            String::from_utf8_lossy(&buf).to_string()
        }
        tokio::spawn(async move {
            let count = http_resp("200 OK", &[("X-Total-Count", &total.to_string())], "");
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            head(&mut sock).await;
            let _ = sock.write_all(count.as_bytes()).await;
            let _ = sock.shutdown().await;
            let mut held = Vec::new();
            while held.len() < together {
                let Ok((mut sock, _)) = listener.accept().await else {
                    return;
                };
                let req = head(&mut sock).await;
                held.push((sock, req));
            }
            for (mut sock, req) in held {
                let pos: usize = req
                    .split("position=")
                    .nth(1)
                    .and_then(|r| r.split(['&', ' ']).next())
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(0);
                let rows: Vec<String> = (pos..(pos + 2).min(total))
                    .map(|i| {
                        format!(
                            r#"{{"id":{},"commonName":"p{i}","status":"Issued"}}"#,
                            i + 1
                        )
                    })
                    .collect();
                let body = format!("[{}]", rows.join(","));
                let resp = http_resp("200 OK", &[("X-Total-Count", &total.to_string())], &body);
                let _ = sock.write_all(resp.as_bytes()).await;
                let _ = sock.shutdown().await;
            }
        });
        format!("http://{addr}")
    }

    #[tokio::test]
    async fn pages_after_the_count_are_asked_for_together() {
        let url = holding_server(6, 3).await;
        let mut st = settings(&url);
        st.page_size = 2;
        st.concurrency = 3;
        let c = SectigoClient::new(st).unwrap().with_retry(RetryPolicy {
            attempts: 1,
            ..RetryPolicy::default()
        });
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s2 = seen.clone();
        let sink: ListSink = Arc::new(move |u| s2.lock().unwrap().push(u));
        let n = tokio::time::timeout(Duration::from_secs(20), c.list(Family::Client, sink))
            .await
            .expect("the three pages were asked for at once")
            .unwrap();
        assert_eq!(n, 6);
        let seen = seen.lock().unwrap();
        let mut ids: Vec<String> = seen
            .iter()
            .filter_map(|u| match u {
                ListUpdate::Rows(r) => Some(r.iter().map(|c| c.id.clone()).collect::<Vec<_>>()),
                _ => None,
            })
            .flatten()
            .collect();
        ids.sort();
        assert_eq!(ids, ["1", "2", "3", "4", "5", "6"]);
        // Progress counts rows as they arrive, whatever the order of the pages: 2, 4, 6 of 6.
        let loading: Vec<(usize, usize)> = seen
            .iter()
            .filter_map(|u| match u {
                ListUpdate::Progress { done, of, label } if label == "loading" => {
                    Some((*done, *of))
                }
                _ => None,
            })
            .collect();
        assert_eq!(loading, [(2, 6), (4, 6), (6, 6)]);
    }

    #[tokio::test]
    async fn a_total_that_grows_while_paging_brings_the_new_pages() {
        let page = |rows: &str, total: &str| http_resp("200 OK", &[("X-Total-Count", total)], rows);
        let (url, log) = canned(vec![
            http_resp("200 OK", &[("X-Total-Count", "2")], ""),
            page(r#"[{"id":1},{"id":2}]"#, "3"),
            page(r#"[{"id":3}]"#, "3"),
        ])
        .await;
        let n = quick(&url).list(Family::Client, noop_sink()).await.unwrap();
        assert_eq!(n, 3);
        let heads = log.lock().unwrap().clone();
        assert!(
            heads[2].starts_with("GET /api/smime/v2?size=2&position=2&"),
            "{}",
            heads[2]
        );
    }

    #[tokio::test]
    async fn a_report_that_breaks_off_completes_what_arrived_and_details_only_the_rest() {
        // Content-Length promises more than is sent: the body breaks off after row 1.
        let report = "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\n\
                      content-length: 500\r\n\r\n{\"statusCode\":0,\"reports\":[{\"id\":1,\
                      \"status\":\"Issued\",\"expires\":\"2027-01-01T00:00:00.000Z\"},{\"id\":2,\"sta"
            .to_string();
        let (url, log) = canned(vec![
            http_resp("200 OK", &[("X-Total-Count", "2")], ""),
            http_resp(
                "200 OK",
                &[("X-Total-Count", "2")],
                r#"[{"sslId":1,"commonName":"a.example"},{"sslId":2,"commonName":"b.example"}]"#,
            ),
            report,
            http_resp(
                "200 OK",
                &[],
                r#"{"sslId":2,"commonName":"b.example","status":"Issued","expires":"2027-02-01T00:00:00.000Z"}"#,
            ),
        ])
        .await;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s2 = seen.clone();
        let sink: ListSink = Arc::new(move |u| s2.lock().unwrap().push(u));
        let mut st = settings(&url);
        st.page_size = 2;
        st.concurrency = 1;
        let c = SectigoClient::new(st).unwrap().with_retry(RetryPolicy {
            attempts: 1,
            ..RetryPolicy::default()
        });
        assert_eq!(c.list(Family::Ssl, sink).await.unwrap(), 2);
        let heads = log.lock().unwrap().clone();
        assert_eq!(heads.len(), 4, "{heads:?}");
        assert!(heads[3].starts_with("GET /api/ssl/v1/2?"), "{}", heads[3]);
        let completed: Vec<(String, Option<i64>, CertStatus)> = seen
            .lock()
            .unwrap()
            .iter()
            .filter_map(|u| match u {
                ListUpdate::Rows(r) => Some(r.clone()),
                _ => None,
            })
            .flatten()
            .filter(|c| c.complete)
            .map(|c| (c.id, c.expires, c.status))
            .collect();
        assert_eq!(
            completed,
            [
                ("1".to_string(), Some(1_798_761_600), CertStatus::Issued),
                ("2".to_string(), Some(1_801_440_000), CertStatus::Issued)
            ]
        );
    }

    #[tokio::test]
    async fn retry_after_is_honoured_and_mutations_retry_only_429() {
        let busy = http_resp(
            "429 Too Many Requests",
            &[("Retry-After", "1")],
            r#"{"code":-1}"#,
        );
        let (url, log) = canned(vec![busy.clone(), http_resp("204 No Content", &[], "")]).await;
        let c = quick(&url);
        let t0 = std::time::Instant::now();
        c.approve(Family::Ssl, "7", "fine").await.unwrap();
        // Retry-After: 1 s, capped at 300 ms by the policy.
        assert!(
            t0.elapsed() >= Duration::from_millis(290),
            "{:?}",
            t0.elapsed()
        );
        let heads = log.lock().unwrap().clone();
        assert_eq!(heads.len(), 2);
        assert!(heads[1].starts_with("POST /api/ssl/v1/approve/7 "));
        assert!(
            heads[1]
                .to_ascii_lowercase()
                .contains("content-type: application/json;charset=utf-8")
        );

        let (url, log) = canned(vec![
            http_resp("500 Internal Server Error", &[], r#"{"code":-2}"#),
            http_resp("204 No Content", &[], ""),
        ])
        .await;
        let e = quick(&url)
            .approve(Family::Ssl, "7", "fine")
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Server);
        assert_eq!(
            e.message,
            "Internal error. Please contact Support for details."
        );
        assert_eq!(log.lock().unwrap().len(), 1, "no second attempt");
    }

    #[tokio::test]
    async fn created_ids_come_from_location() {
        let (url, _) = canned(vec![http_resp(
            "201 Created",
            &[("Location", "https://cert-manager.com/api/domain/v1/2018")],
            "",
        )])
        .await;
        let id = quick(&url)
            .create_domain(&crate::provider::actions::NewDomain {
                name: "example.org".into(),
                org_id: 1,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(id, 2018);
        let (url, _) = canned(vec![http_resp("201 Created", &[], "")]).await;
        let e = quick(&url)
            .create_domain(&crate::provider::actions::NewDomain {
                name: "example.org".into(),
                org_id: 1,
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Protocol);
    }
}
