//! How a provider's credentials reach each request.

use async_trait::async_trait;
use reqwest::header::HeaderMap;

use super::Response;
use crate::provider::ProviderError;

/// Puts an account's credentials on every request and keeps its session alive. The HTTP
/// layer calls `apply` on each attempt (so a signature covers the final URL and a fresh
/// timestamp), and when an answer says the session is gone (`expired`), calls `renew` once
/// and sends the request again — safe for a mutation too, as the server did not act on it.
#[async_trait]
pub trait Auth: Send + Sync {
    /// Add headers, query parameters or a signature to a request about to be sent; may log
    /// in first when there is no session yet.
    async fn apply(&self, req: &mut reqwest::Request) -> Result<(), ProviderError>;

    /// Whether this answer says the session has expired or was dropped (as opposed to
    /// credentials being wrong, which renewing cannot fix).
    fn expired(&self, _answer: &Response) -> bool {
        false
    }

    /// Get a new session (log in again, refresh a token). Called at most once per request.
    async fn renew(&self) -> Result<(), ProviderError> {
        Ok(())
    }
}

/// Credentials that are the same on every request: a set of headers (SCM's login/password,
/// an API token). Values marked sensitive stay out of `Debug` output.
#[derive(Debug, Clone, Default)]
pub struct HeaderAuth {
    pub headers: HeaderMap,
}

impl HeaderAuth {
    pub fn new(headers: HeaderMap) -> HeaderAuth {
        HeaderAuth { headers }
    }
}

#[async_trait]
impl Auth for HeaderAuth {
    async fn apply(&self, req: &mut reqwest::Request) -> Result<(), ProviderError> {
        for (name, value) in &self.headers {
            req.headers_mut().insert(name, value.clone());
        }
        Ok(())
    }
}
