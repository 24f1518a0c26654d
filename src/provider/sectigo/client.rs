//! HTTP + auth for SCM: the [`Provider`] implementation (list, detail, collect) and what every
//! operation shares (errors, ids, paths). Paging and completing a list are in `list.rs`, the
//! report fast path in `report.rs`, the other operations (enroll, approve, revoke, DCV,
//! domains …) are inherent methods beside them (see `ops.rs`).

use crate::provider::sectigo::Family;
use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};

use crate::model::{AccountIdx, Capabilities, Cert, CertDetail, CertStatus, Collection};
use crate::provider::tls::TlsTrust;
use crate::provider::{ErrorKind, ListSink, ListUpdate, Provider, ProviderError};

use super::http as scm_http;
use super::{errors, map, wire};
use crate::provider::http::{self, Http, Request, RetryPolicy, identity_error};

/// The client certificate login's identity is provider-neutral; it lives in `provider::http`.
pub use crate::provider::http::ClientIdentity;

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
                reqwest::Identity::from_pem(id.pem()).map_err(|e| local(identity_error(id, &e)))?;
                (
                    scm_http::login_headers(&settings.login, &settings.customer_uri)
                        .map_err(header_err)?,
                    scm_http::PRIVATE_PREFIX,
                    Some(id.pem()),
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

    /// Replace how the retry loop waits between attempts (tests record the delays instead
    /// of waiting them out).
    pub fn with_sleeper(mut self, sleep: crate::provider::http::Sleeper) -> SectigoClient {
        self.http.sleep = sleep;
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
        family: Collection,
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

    pub(super) fn concurrency(&self) -> usize {
        self.settings.concurrency.clamp(1, 64)
    }

    /// GET the details (asking for ISO dates with times, so expiry is exact and agrees with
    /// the report endpoints) and map them.
    pub(super) async fn fetch_details(
        &self,
        family: Collection,
        id: &str,
    ) -> Result<(Cert, CertDetail), ProviderError> {
        let op = format!("get {} certificate {id}", family_noun(family));
        let n = self.numeric_id(&op, family, id)?;
        let account = self.settings.account;
        let path = match family {
            Family::Ssl => format!("/api/ssl/v1/{n}"),
            Family::Client => format!("/api/smime/v1/{n}"),
            Family::Device => format!("/api/device/v1/{n}"),
            _ => return Err(self.unsupported(&op, family)),
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

    pub(super) fn unsupported(&self, op: &str, family: Collection) -> ProviderError {
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
    pub(super) fn collect_path(family: Collection, n: i64) -> Option<String> {
        match family {
            Family::Ssl => Some(format!("/api/ssl/v1/collect/{n}")),
            Family::Client => Some(format!("/api/smime/v2/collect/{n}")),
            Family::Device => Some(format!("/api/device/v1/collect/{n}")),
            _ => None,
        }
    }

    /// Try to fetch the PEM body for the detail pane; failures become a note.
    async fn body_for_detail(&self, family: Collection, cert: &Cert, detail: &mut CertDetail) {
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

/// "SSL", "client", "device" for messages and operation names.
pub fn family_noun(family: Collection) -> &'static str {
    match family {
        Family::Ssl => "SSL",
        Family::Client => "client",
        Family::Device => "device",
        _ => "code-signing",
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

    fn families(&self) -> Vec<Collection> {
        vec![Family::Ssl, Family::Client, Family::Device]
    }

    async fn list(&self, family: Collection, sink: ListSink) -> Result<usize, ProviderError> {
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
            _ => Err(self.unsupported(&op, family)),
        }
    }

    async fn detail(
        &self,
        family: Collection,
        id: &str,
    ) -> Result<(Cert, CertDetail), ProviderError> {
        let (cert, mut detail) = self.fetch_details(family, id).await?;
        self.body_for_detail(family, &cert, &mut detail).await;
        Ok((cert, detail))
    }

    async fn collect(
        &self,
        family: Collection,
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
        super::request::scm_pair(request, output)
            .map(|(r, o)| super::follow::follow_up(r, o))
            .unwrap_or_default()
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
        let Some(request) = super::request::scm(request) else {
            return Err(ProviderError::new(
                &self.settings.name,
                request.audit_name(),
                crate::provider::ErrorKind::Unsupported,
                "this request is not one SCM knows",
            ));
        };
        self.dispatch(request).await.map(Into::into)
    }

    /// What the CA asked to be published (a DNS record is public data, no secret).
    fn audit_note(&self, output: &crate::provider::request::ActionOutput) -> Option<String> {
        let Some(crate::provider::sectigo::request::ScmOutput::DcvState(st)) =
            super::request::scm_out(output)
        else {
            return None;
        };
        let i = st.instruction.as_ref()?;
        let (h, p) = (i.host.as_deref()?, i.point.as_deref()?);
        Some(if i.mode.eq_ignore_ascii_case("TXT") {
            format!("TXT record {h} value {p} to publish")
        } else {
            format!("DNS record {h} pointing to {p} to publish")
        })
    }
}

/// `errors` is used by `ops.rs`; re-export the classification for callers that branch on it.
pub use errors::is_forbidden;
#[cfg(test)]
mod tests;
