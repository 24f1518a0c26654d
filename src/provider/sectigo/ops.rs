//! SCM operations beyond list/detail/collect, as inherent methods of [`SectigoClient`].

use crate::model::{Cert, Family};
use crate::provider::{ListSink, ProviderError};

use super::client::SectigoClient;

impl SectigoClient {
    /// Complete rows from the report endpoint when the account may use it; returns the rows
    /// that still need detail requests.
    pub(super) async fn complete_from_report(
        &self,
        _family: Family,
        _op: &str,
        rows: Vec<Cert>,
        _sink: &ListSink,
    ) -> Vec<Cert> {
        rows
    }

    #[allow(dead_code)]
    fn _unused(&self) -> Result<(), ProviderError> {
        Ok(())
    }
}
