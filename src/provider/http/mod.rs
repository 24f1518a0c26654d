//! The HTTP layer every provider client goes through: one `reqwest` client per account (TLS
//! trust, timeouts, no redirects), requests as data so that the retry loop can rebuild them,
//! an [`Auth`] hook that puts the credentials on each request and renews an expired session
//! once, an [`Envelope`] that finds the error in an answer (also in APIs that answer errors
//! with HTTP 200), JSON, form and multipart bodies, and the retry policy for reads, which is
//! never applied to a mutation once it may have reached the server.
//!
//! `identity`: a TLS client certificate and key read from PEM files, for client-certificate
//! logins.

mod auth;
mod build;
mod identity;
mod url;

#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

use crate::provider::{ErrorKind, ProviderError};

pub use auth::{Auth, HeaderAuth};
pub use build::{BuildError, ClientSpec, build_client};
pub use identity::ClientIdentity;
pub(crate) use identity::identity_error;
pub use url::{base_url, is_loopback};

/// Whether a request may be repeated when it fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    /// GET/HEAD and read-only POSTs (reports, status queries): retried on connect errors,
    /// broken connections, 5xx and 429.
    Read,
    /// Anything that changes state. Retried only when it certainly did not reach the server
    /// (connect failed, 429 "slow down", or the server said the session was gone); a
    /// connection lost after sending is reported as [`ErrorKind::UnknownOutcome`].
    Mutation,
}

/// Retry timing for reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Total attempts, including the first (1 = no retries).
    pub attempts: u32,
    /// Delay before the second attempt; doubled for each further one.
    pub base_delay: Duration,
    /// Upper bound for a server's `Retry-After`.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            attempts: 3,
            base_delay: Duration::from_millis(200),
            max_retry_after: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    fn backoff(&self, attempt: u32) -> Duration {
        self.base_delay
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
    }
}

/// One part of a multipart body.
#[derive(Debug, Clone)]
pub struct Part {
    pub name: String,
    /// Sent as the part's `filename` (file uploads).
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub data: bytes::Bytes,
}

/// A request body.
#[derive(Debug, Clone)]
pub enum Body {
    /// JSON (sent as `application/json;charset=UTF-8`).
    Json(Vec<u8>),
    /// `application/x-www-form-urlencoded`.
    Form(Vec<(String, String)>),
    /// `multipart/form-data`, rebuilt for every attempt.
    Multipart(Vec<Part>),
}

/// One request, described as data so that the retry loop can rebuild it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    /// Path below the base URL (`/api/ssl/v1`, `/webapi/entry.cgi`).
    pub path: String,
    pub query: Vec<(String, String)>,
    /// Extra headers (`Range`, …); the credentials come from the account's [`Auth`].
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Option<Body>,
    /// For errors: "list SSL certificates", "approve SSL certificate 12" …
    pub operation: String,
    pub idempotency: Idempotency,
    /// `Accept` header; JSON unless this is a download.
    pub accept: &'static str,
    /// This request's own time limit, instead of the account's (a call that takes minutes).
    pub timeout: Option<Duration>,
}

impl Request {
    pub fn get(path: impl Into<String>, operation: impl Into<String>) -> Request {
        Request {
            method: Method::GET,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            operation: operation.into(),
            idempotency: Idempotency::Read,
            accept: "application/json",
            timeout: None,
        }
    }

    pub fn head(path: impl Into<String>, operation: impl Into<String>) -> Request {
        Request {
            method: Method::HEAD,
            ..Request::get(path, operation)
        }
    }

    /// A state-changing request (POST/PUT/DELETE) with an optional JSON body.
    pub fn mutation(
        method: Method,
        path: impl Into<String>,
        operation: impl Into<String>,
        body: Option<&impl serde::Serialize>,
    ) -> Request {
        Request {
            method,
            body: body.map(|b| Body::Json(serde_json::to_vec(b).unwrap_or_default())),
            idempotency: Idempotency::Mutation,
            ..Request::get(path, operation)
        }
    }

    /// A POST that only reads (reports, status queries): retried like a GET.
    pub fn read_post(
        path: impl Into<String>,
        operation: impl Into<String>,
        body: &impl serde::Serialize,
    ) -> Request {
        Request {
            method: Method::POST,
            body: Some(Body::Json(serde_json::to_vec(body).unwrap_or_default())),
            ..Request::get(path, operation)
        }
    }

    pub fn query(mut self, key: &str, value: impl ToString) -> Request {
        self.query.push((key.to_string(), value.to_string()));
        self
    }

    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Request {
        self.headers.push((name, value));
        self
    }

    pub fn body(mut self, body: Body) -> Request {
        self.body = Some(body);
        self
    }

    pub fn timeout(mut self, limit: Duration) -> Request {
        self.timeout = Some(limit);
        self
    }

    pub fn accept_any(mut self) -> Request {
        self.accept = "*/*";
        self
    }
}

/// An answer with its body read.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// Finds the error an answer carries. Every non-2xx answer is one; APIs that answer errors
/// with HTTP 200 (`{"success":false,…}`, `returnCode` ≠ "0", `errcode` ≠ 0) say so in the
/// body. Answers opened for streaming ([`Http::open`]) are judged by their status only.
pub trait Envelope: Send + Sync {
    fn error(&self, account: &str, operation: &str, answer: &Response) -> Option<ProviderError>;
}

/// The envelope of a plain REST API: 2xx is success, anything else an error named by its
/// status (with the start of the body).
#[derive(Debug, Clone, Copy, Default)]
pub struct StatusEnvelope;

impl Envelope for StatusEnvelope {
    fn error(&self, account: &str, operation: &str, answer: &Response) -> Option<ProviderError> {
        if answer.status.is_success() {
            return None;
        }
        let code = answer.status.as_u16();
        let kind = match code {
            401 | 403 => ErrorKind::Auth,
            404 | 410 => ErrorKind::NotFound,
            429 | 500..=599 => ErrorKind::Server,
            _ => ErrorKind::Rejected,
        };
        let text = excerpt(&answer.body, 120);
        let reason = answer.status.canonical_reason().unwrap_or("error");
        let message = if text.is_empty() {
            format!("HTTP {code} {reason}")
        } else {
            format!("HTTP {code} {reason}: {text}")
        };
        Some(ProviderError::new(account, operation, kind, message).with_status(code))
    }
}

/// How the retry loop waits: `tokio::time::sleep`, or in tests a recorder that returns at
/// once.
pub type Sleeper = Arc<dyn Fn(Duration) -> BoxFuture<'static, ()> + Send + Sync>;

fn tokio_sleep() -> Sleeper {
    Arc::new(|d| Box::pin(tokio::time::sleep(d)))
}

/// What one attempt produced.
enum Attempt {
    Answer(Response),
    /// A 2xx answer whose body is still to be read (see [`Http::open`]).
    Open(reqwest::Response),
    /// The connection could not be made: the request certainly did not reach the server.
    NotSent(reqwest::Error),
    /// The request may have reached the server, then the exchange broke (or timed out).
    Broken(reqwest::Error),
}

/// The HTTP plumbing of one account.
pub struct Http {
    pub account: String,
    pub base: reqwest::Url,
    pub client: reqwest::Client,
    pub auth: Arc<dyn Auth>,
    pub envelope: Arc<dyn Envelope>,
    /// Put between the base URL and each request path (`""` for most).
    pub path_prefix: &'static str,
    pub retry: RetryPolicy,
    /// The account's time limit per request (the client's, unless a request has its own).
    pub timeout: Duration,
    pub sleep: Sleeper,
}

impl Http {
    pub fn new(
        account: impl Into<String>,
        base: reqwest::Url,
        client: reqwest::Client,
        auth: Arc<dyn Auth>,
        envelope: Arc<dyn Envelope>,
        timeout: Duration,
    ) -> Http {
        Http {
            account: account.into(),
            base,
            client,
            auth,
            envelope,
            path_prefix: "",
            retry: RetryPolicy::default(),
            timeout,
            sleep: tokio_sleep(),
        }
    }

    fn url(&self, req: &Request) -> reqwest::Url {
        let mut url = self.base.clone();
        let joined = format!(
            "{}{}{}",
            url.path().trim_end_matches('/'),
            self.path_prefix,
            req.path
        );
        url.set_path(&joined);
        if !req.query.is_empty() {
            url.query_pairs_mut().extend_pairs(req.query.iter());
        }
        url
    }

    fn build(&self, req: &Request) -> Result<reqwest::Request, ProviderError> {
        let mut b = self
            .client
            .request(req.method.clone(), self.url(req))
            .header(reqwest::header::ACCEPT, req.accept);
        for (name, value) in &req.headers {
            b = b.header(name, value);
        }
        if let Some(limit) = req.timeout {
            b = b.timeout(limit);
        }
        b = match &req.body {
            None => b,
            Some(Body::Json(bytes)) => b
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/json;charset=UTF-8",
                )
                .body(bytes.clone()),
            Some(Body::Form(pairs)) => b.form(pairs),
            Some(Body::Multipart(parts)) => {
                let mut form = reqwest::multipart::Form::new();
                for p in parts {
                    let mut part = reqwest::multipart::Part::stream(p.data.clone());
                    if let Some(f) = &p.file_name {
                        part = part.file_name(f.clone());
                    }
                    if let Some(ct) = &p.content_type {
                        part = part.mime_str(ct).map_err(|e| {
                            self.error(
                                req,
                                ErrorKind::Local,
                                format!("bad content type {ct:?} for part {}: {e}", p.name),
                            )
                        })?;
                    }
                    form = form.part(p.name.clone(), part);
                }
                b.multipart(form)
            }
        };
        b.build()
            .map_err(|e| self.error(req, ErrorKind::Local, format!("bad request: {e}")))
    }

    async fn attempt(&self, req: &Request, stream: bool) -> Result<Attempt, ProviderError> {
        let mut built = self.build(req)?;
        self.auth.apply(&mut built).await?;
        let resp = match self.client.execute(built).await {
            Ok(r) => r,
            Err(e) if e.is_connect() => return Ok(Attempt::NotSent(e)),
            Err(e) if e.is_builder() => {
                return Err(self.error(req, ErrorKind::Local, format!("bad request: {e}")));
            }
            Err(e) => return Ok(Attempt::Broken(e)),
        };
        let status = resp.status();
        if stream && status.is_success() {
            return Ok(Attempt::Open(resp));
        }
        let headers = resp.headers().clone();
        match resp.bytes().await {
            Ok(body) => Ok(Attempt::Answer(Response {
                status,
                headers,
                body: body.to_vec(),
            })),
            Err(e) => Ok(Attempt::Broken(e)),
        }
    }

    pub fn error(&self, req: &Request, kind: ErrorKind, message: String) -> ProviderError {
        ProviderError::new(self.account.clone(), req.operation.clone(), kind, message)
    }

    fn host(&self) -> String {
        match (self.base.host_str(), self.base.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            _ => self.base.to_string(),
        }
    }

    fn transport_error(&self, req: &Request, e: &reqwest::Error, sent: bool) -> ProviderError {
        let chain = error_chain(e);
        if !sent {
            return self.error(
                req,
                ErrorKind::Network,
                format!(
                    "cannot connect to {}: {chain}{}",
                    self.host(),
                    crate::provider::tls::hint(&chain)
                ),
            );
        }
        let what = if e.is_timeout() {
            format!(
                "no answer from {} within {} s",
                self.host(),
                req.timeout.unwrap_or(self.timeout).as_secs_f32()
            )
        } else {
            format!("connection to {} failed: {chain}", self.host())
        };
        match req.idempotency {
            Idempotency::Read => self.error(req, ErrorKind::Network, what),
            Idempotency::Mutation => self.error(
                req,
                ErrorKind::UnknownOutcome,
                format!(
                    "{what}; the request may or may not have been carried out — refresh to see the current state"
                ),
            ),
        }
    }

    /// Send a request, retrying as its [`Idempotency`] allows. Returns the answers the
    /// [`Envelope`] finds no error in; every other answer becomes its typed error.
    pub async fn send(&self, req: &Request) -> Result<Response, ProviderError> {
        match self.exchange(req, false).await? {
            Attempt::Answer(resp) => Ok(resp),
            // Only asked for with `stream`.
            _ => Err(self.error(req, ErrorKind::Protocol, "no answer was read".into())),
        }
    }

    /// Like [`Http::send`], but a 2xx answer comes back with its body unread, to be read as
    /// it arrives (a report of 100,000 rows is never held whole). Errors and retries are
    /// those of `send`; a body that breaks off is the reader's to report.
    pub async fn open(&self, req: &Request) -> Result<reqwest::Response, ProviderError> {
        match self.exchange(req, true).await? {
            Attempt::Open(resp) => Ok(resp),
            // A 2xx read whole: cannot happen with `stream`, but is not an error either.
            _ => Err(self.error(req, ErrorKind::Protocol, "no answer was opened".into())),
        }
    }

    /// The retry loop of `send` and `open`: ends with an answer without error (or an opened
    /// 2xx), or an error. An answer that says the session is gone renews it once and sends
    /// again, mutations too: the server did not act on it.
    async fn exchange(&self, req: &Request, stream: bool) -> Result<Attempt, ProviderError> {
        let attempts = self.retry.attempts.max(1);
        let mut attempt = 1;
        let mut renewed = false;
        loop {
            let last = attempt >= attempts;
            let delay = match self.attempt(req, stream).await? {
                Attempt::Open(resp) => return Ok(Attempt::Open(resp)),
                Attempt::Answer(resp) => {
                    if !renewed && self.auth.expired(&resp) {
                        renewed = true;
                        tracing::info!(
                            account = %self.account,
                            operation = %req.operation,
                            status = resp.status.as_u16(),
                            "the session has expired; renewing it and sending again"
                        );
                        self.auth.renew().await?;
                        continue;
                    }
                    let Some(err) = self.envelope.error(&self.account, &req.operation, &resp)
                    else {
                        return Ok(Attempt::Answer(resp));
                    };
                    let code = resp.status.as_u16();
                    let retryable = match req.idempotency {
                        Idempotency::Read => code == 429 || code >= 500,
                        // 429 means "not processed"; a 5xx may have half-happened.
                        Idempotency::Mutation => code == 429,
                    };
                    if !retryable || last {
                        return Err(err);
                    }
                    retry_after(&resp.headers)
                        .map(|d| d.min(self.retry.max_retry_after))
                        .unwrap_or_else(|| self.retry.backoff(attempt))
                }
                Attempt::NotSent(e) => {
                    if last {
                        return Err(self.transport_error(req, &e, false));
                    }
                    self.retry.backoff(attempt)
                }
                Attempt::Broken(e) => {
                    let retry = req.idempotency == Idempotency::Read && !e.is_timeout();
                    if !retry || last {
                        return Err(self.transport_error(req, &e, true));
                    }
                    self.retry.backoff(attempt)
                }
            };
            tracing::debug!(
                account = %self.account,
                operation = %req.operation,
                attempt,
                delay_ms = delay.as_millis() as u64,
                "retrying request"
            );
            (self.sleep)(delay).await;
            attempt += 1;
        }
    }

    /// Send and decode a JSON answer.
    pub async fn json<T: DeserializeOwned>(&self, req: &Request) -> Result<T, ProviderError> {
        let resp = self.send(req).await?;
        self.decode(req, &resp)
    }

    pub fn decode<T: DeserializeOwned>(
        &self,
        req: &Request,
        resp: &Response,
    ) -> Result<T, ProviderError> {
        serde_json::from_slice(&resp.body).map_err(|e| {
            let excerpt = excerpt(&resp.body, 60);
            self.error(
                req,
                ErrorKind::Protocol,
                format!(
                    "the server's answer is not the expected JSON ({e}); it starts with {excerpt:?}"
                ),
            )
            .with_status(resp.status.as_u16())
        })
    }

    /// `X-Total-Count` as a number; missing or garbled is a protocol error.
    pub fn total_count(&self, req: &Request, resp: &Response) -> Result<usize, ProviderError> {
        let Some(v) = resp.headers.get("x-total-count") else {
            return Err(self
                .error(
                    req,
                    ErrorKind::Protocol,
                    "the answer has no X-Total-Count header, so the list size is unknown".into(),
                )
                .with_status(resp.status.as_u16()));
        };
        let text = String::from_utf8_lossy(v.as_bytes()).trim().to_string();
        text.parse::<usize>().map_err(|_| {
            self.error(
                req,
                ErrorKind::Protocol,
                format!("the X-Total-Count header is not a number: {text:?}"),
            )
            .with_status(resp.status.as_u16())
        })
    }

    /// The id at the end of a 201 answer's `Location` header.
    pub fn location_id(&self, req: &Request, resp: &Response) -> Result<String, ProviderError> {
        let loc = resp
            .headers
            .get(reqwest::header::LOCATION)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).to_string());
        match loc.as_deref().and_then(id_from_location) {
            Some(id) => Ok(id),
            None => Err(self
                .error(
                    req,
                    ErrorKind::Protocol,
                    match loc {
                        Some(l) => format!("cannot read the new id from the Location header {l:?}"),
                        None => "the server created the object but sent no Location header".into(),
                    },
                )
                .with_status(resp.status.as_u16())),
        }
    }
}

/// The first `n` characters of a body as text, control characters blanked.
pub fn excerpt(body: &[u8], n: usize) -> String {
    String::from_utf8_lossy(body)
        .chars()
        .take(n)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

/// `https://cert-manager.com/api/domain/v1/2018` → `2018` (query and trailing slash ignored).
pub fn id_from_location(location: &str) -> Option<String> {
    let path = location.split(['?', '#']).next()?;
    let last = path.trim_end_matches('/').rsplit('/').next()?.trim();
    (!last.is_empty() && !last.contains(':')).then(|| last.to_string())
}

/// `Retry-After` in seconds (the HTTP-date form is ignored: backoff is used instead).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(reqwest::header::RETRY_AFTER)?;
    let secs: u64 = v.to_str().ok()?.trim().parse().ok()?;
    Some(Duration::from_secs(secs))
}

/// A reqwest error with its causes ("error sending request: connection refused").
pub fn error_chain(e: &reqwest::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let top = e.to_string();
    // reqwest puts the URL in its own message; the host is named separately.
    let top = match top.find(" for url (") {
        Some(i) => top[..i].to_string(),
        None => top,
    };
    parts.push(top);
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        src = s.source();
    }
    parts.join(": ")
}
