//! The one request helper every SCM call goes through: auth headers, retries for reads, no
//! blind retries for mutations, and typed errors.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

use crate::provider::{ErrorKind, ProviderError};

use super::errors;

/// Whether a request may be repeated when it fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    /// GET/HEAD and read-only POSTs (reports, DCV status): retried on connect errors, broken
    /// connections, 5xx and 429.
    Read,
    /// Anything that changes state. Retried only when it certainly did not reach the server
    /// (connect failed, or 429 "slow down"); a connection lost after sending is reported as
    /// [`ErrorKind::UnknownOutcome`].
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

/// One request, described as data so that the retry loop can rebuild it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    /// Path below the base URL, starting with `/api/`.
    pub path: String,
    pub query: Vec<(String, String)>,
    /// JSON body (sent as `application/json;charset=UTF-8`).
    pub body: Option<Vec<u8>>,
    /// For errors: "list SSL certificates", "approve SSL certificate 12" …
    pub operation: String,
    pub idempotency: Idempotency,
    /// `Accept` header; JSON unless this is a download.
    pub accept: &'static str,
}

impl Request {
    pub fn get(path: impl Into<String>, operation: impl Into<String>) -> Request {
        Request {
            method: Method::GET,
            path: path.into(),
            query: Vec::new(),
            body: None,
            operation: operation.into(),
            idempotency: Idempotency::Read,
            accept: "application/json",
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
            body: body.map(|b| serde_json::to_vec(b).unwrap_or_default()),
            idempotency: Idempotency::Mutation,
            ..Request::get(path, operation)
        }
    }

    /// A POST that only reads (reports, DCV status): retried like a GET.
    pub fn read_post(
        path: impl Into<String>,
        operation: impl Into<String>,
        body: &impl serde::Serialize,
    ) -> Request {
        Request {
            method: Method::POST,
            body: Some(serde_json::to_vec(body).unwrap_or_default()),
            ..Request::get(path, operation)
        }
    }

    pub fn query(mut self, key: &str, value: impl ToString) -> Request {
        self.query.push((key.to_string(), value.to_string()));
        self
    }

    pub fn accept_any(mut self) -> Request {
        self.accept = "*/*";
        self
    }
}

/// A successful (2xx) answer with its body read.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
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

/// HTTP plumbing shared by all SCM calls of one account.
pub struct Http {
    pub account: String,
    pub base: reqwest::Url,
    pub client: reqwest::Client,
    pub auth: HeaderMap,
    /// Put between the base URL and each request path: `""`, or [`PRIVATE_PREFIX`] for the
    /// client-certificate login.
    pub path_prefix: &'static str,
    pub retry: RetryPolicy,
    pub timeout: Duration,
}

/// The path prefix of SCM's "user login via client certificate" (digest §1.2):
/// `https://cert-manager.com/private/api/ssl/v1/...`.
pub const PRIVATE_PREFIX: &str = "/private";

impl Http {
    fn url(&self, req: &Request) -> Result<reqwest::Url, ProviderError> {
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
        Ok(url)
    }

    async fn attempt(&self, req: &Request, stream: bool) -> Result<Attempt, ProviderError> {
        let url = self.url(req)?;
        let mut b = self
            .client
            .request(req.method.clone(), url)
            .headers(self.auth.clone())
            .header(reqwest::header::ACCEPT, req.accept);
        if let Some(body) = &req.body {
            b = b
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/json;charset=UTF-8",
                )
                .body(body.clone());
        }
        let resp = match b.send().await {
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

    fn error(&self, req: &Request, kind: ErrorKind, message: String) -> ProviderError {
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
                self.timeout.as_secs_f32()
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

    /// Send a request, retrying as its [`Idempotency`] allows. Returns 2xx answers; every
    /// other status becomes a typed error decoded from the SCM error body.
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

    /// The retry loop of `send` and `open`: ends with a 2xx `Answer` (or `Open`), or an error.
    async fn exchange(&self, req: &Request, stream: bool) -> Result<Attempt, ProviderError> {
        let attempts = self.retry.attempts.max(1);
        let mut attempt = 1;
        loop {
            let last = attempt >= attempts;
            let delay = match self.attempt(req, stream).await? {
                Attempt::Open(resp) => return Ok(Attempt::Open(resp)),
                Attempt::Answer(resp) if resp.status.is_success() => {
                    return Ok(Attempt::Answer(resp));
                }
                Attempt::Answer(resp) => {
                    let code = resp.status.as_u16();
                    let err =
                        errors::from_response(&self.account, &req.operation, code, &resp.body);
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
                "retrying SCM request"
            );
            tokio::time::sleep(delay).await;
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
            let excerpt: String = String::from_utf8_lossy(&resp.body)
                .chars()
                .take(60)
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
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
pub(super) fn error_chain(e: &reqwest::Error) -> String {
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

/// Header values for the password-style login. The password value is marked sensitive.
pub fn auth_headers(
    login: &str,
    password: &str,
    customer_uri: &str,
) -> Result<HeaderMap, &'static str> {
    let mut h = login_headers(login, customer_uri)?;
    let mut pw = HeaderValue::from_bytes(password.as_bytes()).map_err(|_| "password")?;
    pw.set_sensitive(true);
    h.insert("password", pw);
    Ok(h)
}

/// Header values for the client-certificate login: `login` and `customerUri`, no password
/// (the TLS client certificate proves who is calling).
pub fn login_headers(login: &str, customer_uri: &str) -> Result<HeaderMap, &'static str> {
    let mut h = HeaderMap::new();
    let login = HeaderValue::from_str(login.trim()).map_err(|_| "login")?;
    let cust = HeaderValue::from_str(customer_uri.trim()).map_err(|_| "customer URI")?;
    h.insert("login", login);
    h.insert("customeruri", cust);
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_ids() {
        assert_eq!(
            id_from_location("https://cert-manager.com/api/domain/v1/2018").as_deref(),
            Some("2018")
        );
        assert_eq!(
            id_from_location("https://x/api/ssl/v1/876/location/155/").as_deref(),
            Some("155")
        );
        assert_eq!(
            id_from_location("/api/brand-indicator/v1/enroll/4?x=1").as_deref(),
            Some("4")
        );
        assert_eq!(id_from_location(""), None);
        assert_eq!(id_from_location("https://"), None);
    }

    #[test]
    fn retry_after_seconds() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
        h.insert(
            "retry-after",
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn backoff_doubles() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(1), Duration::from_millis(200));
        assert_eq!(p.backoff(2), Duration::from_millis(400));
    }

    #[test]
    fn auth_header_values() {
        let h = auth_headers("admin", "s3cr3t", "acme").unwrap();
        assert!(h.get("password").unwrap().is_sensitive());
        assert_eq!(h.get("customerUri").unwrap(), "acme");
        assert!(!format!("{h:?}").contains("s3cr3t"));
        assert_eq!(auth_headers("ad\nmin", "x", "c").unwrap_err(), "login");
        let h = login_headers("admin", "acme").unwrap();
        assert_eq!(h.len(), 2);
        assert!(h.get("password").is_none());
        assert_eq!(h.get("login").unwrap(), "admin");
    }
}
