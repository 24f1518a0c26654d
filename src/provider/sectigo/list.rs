//! Listing a certificate family: the pages (offsets, `X-Total-Count`, bounded concurrency,
//! a short page ends the list) and the detail requests that complete rows the report did not.

use std::time::Duration;

use futures::StreamExt;
use serde::de::DeserializeOwned;

use crate::model::{Cert, Collection};
use crate::provider::http::{self, Request};
use crate::provider::{ErrorKind, ListSink, ListUpdate, ProviderError};

use super::client::{DATE_FORMAT, SectigoClient};

/// How the list delivers completed rows: in batches of this many, or at least this often.
const BATCH_ROWS: usize = 32;
const BATCH_INTERVAL: Duration = Duration::from_millis(100);

impl SectigoClient {
    fn page_size(&self) -> usize {
        self.settings.page_size.clamp(1, 10_000)
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
        family: Collection,
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
    pub(super) async fn detail_row(
        &self,
        family: Collection,
        id: &str,
    ) -> Result<Cert, ProviderError> {
        self.fetch_details(family, id).await.map(|(c, _)| c)
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
