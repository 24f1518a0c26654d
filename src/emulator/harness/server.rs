//! The loopback server: accepts on 127.0.0.1, serves HTTP/1.1 with hyper, applies the
//! harness around the product and can drop a connection on purpose.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use http_body::Body as _;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use super::{Fault, Harness, Product, Request};

/// The largest request body read (larger ones get the connection closed).
const BODY_LIMIT: usize = 64 * 1024 * 1024;

/// A running emulator server. Dropping it (or `shutdown`) stops it: the listener closes
/// and open connections (a hanging request too) are dropped.
pub struct Server<P: Product> {
    url: String,
    harness: Arc<Harness>,
    product: Arc<P>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl<P: Product> std::fmt::Debug for Server<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server").field("url", &self.url).finish()
    }
}

/// What a fault does in place of the product's answer.
enum Instead {
    Answer(Response),
    Drop,
    Hang,
}

/// What a fault does to the product's answer.
enum Spoil {
    Malformed,
    Truncated,
}

impl<P: Product> Server<P> {
    /// Binds `127.0.0.1:<free port>` and serves at once.
    pub async fn bind(product: Arc<P>, harness: Arc<Harness>) -> anyhow::Result<Server<P>> {
        Server::bind_with(harness, |_| product).await
    }

    /// `bind`, for a product that needs to know its own URL: `make` is given it before the
    /// first request is served.
    pub async fn bind_with(
        harness: Arc<Harness>,
        make: impl FnOnce(&str) -> Arc<P>,
    ) -> anyhow::Result<Server<P>> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding 127.0.0.1:0 for an emulator")?;
        let addr = listener
            .local_addr()
            .context("reading the emulator's address")?;
        let url = format!("http://{addr}");
        let product = make(&url);
        let (stop, _) = watch::channel(false);
        let task = tokio::spawn(accept_loop(
            listener,
            product.clone(),
            harness.clone(),
            stop.subscribe(),
        ));
        Ok(Server {
            url,
            harness,
            product,
            stop,
            task: Some(task),
        })
    }

    /// e.g. `http://127.0.0.1:41234`
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn harness(&self) -> &Arc<Harness> {
        &self.harness
    }

    pub fn product(&self) -> &Arc<P> {
        &self.product
    }

    /// Stops the server and waits until its listener is closed.
    pub async fn shutdown(&mut self) {
        self.stop.send_replace(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl<P: Product> Drop for Server<P> {
    fn drop(&mut self) {
        self.stop.send_replace(true);
    }
}

async fn accept_loop<P: Product>(
    listener: tokio::net::TcpListener,
    product: Arc<P>,
    harness: Arc<Harness>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let accepted = tokio::select! {
            _ = stop.wait_for(|s| *s) => break,
            a = listener.accept() => a,
        };
        match accepted {
            Ok((stream, _)) => {
                tokio::spawn(connection(
                    stream,
                    product.clone(),
                    harness.clone(),
                    stop.clone(),
                ));
            }
            Err(e) => {
                // Out of descriptors and the like: do not spin on it.
                tracing::warn!("emulator: accepting a connection failed: {e}");
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
    drop(listener);
    harness.set_closed();
}

async fn connection<P: Product>(
    stream: tokio::net::TcpStream,
    product: Arc<P>,
    harness: Arc<Harness>,
    mut stop: watch::Receiver<bool>,
) {
    let kill = Arc::new(Notify::new());
    let service = {
        let kill = kill.clone();
        hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
            let (product, harness, kill) = (product.clone(), harness.clone(), kill.clone());
            async move { Ok::<_, Infallible>(serve(&*product, &harness, &kill, req).await) }
        })
    };
    let conn =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        r = conn => {
            if let Err(e) = r {
                tracing::debug!("emulator connection ended: {e}");
            }
        }
        // A fault closes the connection without an answer; so does the end of the server.
        _ = kill.notified() => {}
        _ = stop.wait_for(|s| *s) => {}
    }
}

async fn serve<P: Product>(
    product: &P,
    harness: &Harness,
    kill: &Notify,
    req: hyper::Request<Incoming>,
) -> Response {
    let (parts, body) = req.into_parts();
    let body = match axum::body::to_bytes(Body::new(body), BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            // Broken off or too large: nothing sensible to answer.
            kill.notify_one();
            return std::future::pending().await;
        }
    };
    let path_q = parts.uri.path_and_query().map_or_else(
        || parts.uri.path().to_string(),
        |pq| pq.as_str().to_string(),
    );
    let flight = harness
        .log
        .begin(parts.method.as_str(), &path_q, harness.clock.now());
    let latency = harness.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let req = Request {
        method: parts.method,
        uri: parts.uri,
        headers: parts.headers,
        body,
    };
    let instead = harness.faults.take(req.path(), |f| match f {
        Fault::Status(code) => Some(Instead::Answer(product.status_error(
            StatusCode::from_u16(*code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        ))),
        Fault::RetryAfter { secs } => {
            let mut r = product.status_error(StatusCode::TOO_MANY_REQUESTS);
            *r.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(*secs));
            Some(Instead::Answer(r))
        }
        Fault::Drop => Some(Instead::Drop),
        Fault::Hang => Some(Instead::Hang),
        Fault::ExpireSession => product.session_expired(&req).map(Instead::Answer),
        Fault::MalformedBody | Fault::TruncatedBody => None,
    });
    let resp = match instead {
        Some(Instead::Answer(r)) => r,
        Some(Instead::Drop) => {
            flight.finish(None);
            kill.notify_one();
            return std::future::pending().await;
        }
        Some(Instead::Hang) => {
            flight.finish(None);
            return std::future::pending().await;
        }
        None => match product.handle(&req).await {
            Some(r) => r,
            None => product.not_found(&req),
        },
    };
    let has_body = req.method != Method::HEAD
        && resp.status() != StatusCode::NO_CONTENT
        && resp.status() != StatusCode::NOT_MODIFIED
        && resp.body().size_hint().exact() != Some(0);
    let spoil = has_body
        .then(|| {
            harness.faults.take(req.path(), |f| match f {
                Fault::MalformedBody if product.in_format(resp.headers()) => Some(Spoil::Malformed),
                Fault::TruncatedBody => Some(Spoil::Truncated),
                _ => None,
            })
        })
        .flatten();
    let resp = match spoil {
        None => resp,
        Some(how) => {
            let (mut parts, body) = resp.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            parts.headers.remove(header::CONTENT_LENGTH);
            parts.headers.remove(header::TRANSFER_ENCODING);
            match how {
                Spoil::Malformed => {
                    parts.status = StatusCode::OK;
                    Response::from_parts(parts, Body::from(product.malformed(&bytes)))
                }
                Spoil::Truncated => {
                    parts
                        .headers
                        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
                    Response::from_parts(parts, truncated(bytes))
                }
            }
        }
    };
    flight.finish(Some(resp.status().as_u16()));
    resp
}

/// A body that sends the first half of `bytes`, lets it go out, then breaks off.
fn truncated(bytes: Bytes) -> Body {
    let half = bytes.slice(..bytes.len() / 2);
    let stream = futures::stream::unfold(0u8, move |step| {
        let half = half.clone();
        async move {
            match step {
                0 if !half.is_empty() => Some((Ok(half), 1)),
                0 | 1 => {
                    // Give the connection a turn to write out what was sent so far.
                    tokio::task::yield_now().await;
                    Some((
                        Err(std::io::Error::new(
                            std::io::ErrorKind::ConnectionAborted,
                            "emulator fault: truncated body",
                        )),
                        2,
                    ))
                }
                _ => None,
            }
        }
    });
    Body::from_stream(stream)
}
