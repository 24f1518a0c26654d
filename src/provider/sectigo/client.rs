//! HTTP + auth for SCM. (Skeleton: being implemented.)

use std::time::Duration;

use async_trait::async_trait;
use secrecy::SecretString;

use crate::model::{AccountIdx, Capabilities, Cert, CertDetail, Family};
use crate::provider::{CollectFormat, ListSink, Provider, ProviderError};

/// Everything needed to talk to one SCM account.
#[derive(Debug, Clone)]
pub struct SectigoSettings {
    pub account: AccountIdx,
    pub name: String,
    /// Base URL without the `/api` part, e.g. `https://cert-manager.com` or `http://127.0.0.1:4321`.
    pub url: String,
    pub login: String,
    pub password: SecretString,
    pub customer_uri: String,
    /// Parallel detail requests during a list (default 8).
    pub concurrency: usize,
    /// `size` of each list page (default 200).
    pub page_size: usize,
    pub timeout: Duration,
    pub read_only: bool,
}

pub struct SectigoClient {
    settings: SectigoSettings,
}

impl SectigoClient {
    pub fn new(settings: SectigoSettings) -> Result<SectigoClient, ProviderError> {
        Ok(SectigoClient { settings })
    }
}

#[async_trait]
impl Provider for SectigoClient {
    fn account(&self) -> &str {
        &self.settings.name
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities::read_only()
    }
    fn families(&self) -> Vec<Family> {
        vec![Family::Ssl]
    }
    async fn list(&self, _family: Family, _sink: ListSink) -> Result<usize, ProviderError> {
        todo!("sectigo list")
    }
    async fn detail(
        &self,
        _family: Family,
        _id: &str,
    ) -> Result<(Cert, CertDetail), ProviderError> {
        todo!("sectigo detail")
    }
    async fn collect(
        &self,
        _family: Family,
        _id: &str,
        _format: CollectFormat,
    ) -> Result<Vec<u8>, ProviderError> {
        todo!("sectigo collect")
    }
}
