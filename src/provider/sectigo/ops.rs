//! What the SCM operations share, as inherent methods of [`SectigoClient`] and helpers: the
//! family base paths, sending a mutation, paging a non-certificate list, path-segment
//! encoding. The operations themselves live beside this file, by concern: `meta` (counts,
//! profiles, custom fields, organizations), `report` (the report endpoints used as the fast
//! inventory path), `enroll`, `decide` (approve/decline, revoke, renew, replace, delete),
//! `dcv` (per-certificate and per-domain DCV) and `domains`.
//!
//! Every state-changing call is sent as [`Idempotency::Mutation`]: it is never retried once it
//! may have reached the server, and a connection lost after sending is reported as
//! `ErrorKind::UnknownOutcome`.

use crate::provider::sectigo::Family;
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::model::Collection;
use crate::provider::http::{Request, Response};
use crate::provider::{ErrorKind, ProviderError};

use super::client::SectigoClient;

/// Percent-encode a path segment (serial numbers, renew tokens): unreserved characters and
/// `:` stay, everything else is `%XX`.
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.trim().bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b':') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(super) fn base_path(family: Collection) -> Option<&'static str> {
    match family {
        Family::Ssl => Some("/api/ssl/v1"),
        Family::Client => Some("/api/smime/v1"),
        Family::Device => Some("/api/device/v1"),
        _ => None,
    }
}

pub(super) fn opt(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl SectigoClient {
    pub(super) fn family_base(
        &self,
        op: &str,
        family: Collection,
    ) -> Result<&'static str, ProviderError> {
        base_path(family).ok_or_else(|| self.unsupported(op, family))
    }

    pub(super) async fn mutate<B: Serialize>(
        &self,
        method: Method,
        path: String,
        op: &str,
        body: Option<&B>,
    ) -> Result<Response, ProviderError> {
        if self.settings.read_only {
            return Err(self.err(op, ErrorKind::Local, "this account is configured read-only"));
        }
        let req = Request::mutation(method, path, op, body);
        self.http.send(&req).await
    }

    pub(super) async fn mutate_json<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: String,
        op: &str,
        body: Option<&B>,
    ) -> Result<T, ProviderError> {
        let req = Request::mutation(method.clone(), path.clone(), op, body);
        let resp = self.mutate(method, path, op, body).await?;
        self.http.decode(&req, &resp)
    }

    /// Page through a non-certificate list (`size`/`position`, `X-Total-Count`).
    pub(super) async fn page_values<T: DeserializeOwned>(
        &self,
        path: &str,
        op: &str,
        filters: &[(String, String)],
    ) -> Result<Vec<T>, ProviderError> {
        let size = self.settings.page_size.clamp(1, 10_000);
        let mut out: Vec<T> = Vec::new();
        let mut position = 0usize;
        loop {
            let mut req = Request::get(path, op)
                .query("size", size)
                .query("position", position);
            req.query.extend(filters.iter().cloned());
            let resp = self.http.send(&req).await?;
            let total = self.http.total_count(&req, &resp)?;
            let items: Vec<T> = self.http.decode(&req, &resp)?;
            let got = items.len();
            out.extend(items);
            position += got;
            if got == 0 || got < size || position >= total {
                return Ok(out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_are_encoded_for_paths() {
        assert_eq!(encode_segment("A9:3E:C0"), "A9:3E:C0");
        assert_eq!(encode_segment(" ab/cd ef "), "ab%2Fcd%20ef");
        assert_eq!(encode_segment("x?y#z%"), "x%3Fy%23z%25");
    }
}
