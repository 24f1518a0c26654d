//! The harness with a tiny product, over real loopback connections.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use futures::FutureExt;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Semaphore;

use super::*;

/// `GET /hello` → 200 JSON; `GET /empty` → 204; `/session/...` needs a `session` header;
/// `GET /gate` waits for a permit; anything else is unknown.
struct Tiny {
    gate: Semaphore,
}

fn json_answer(status: StatusCode, v: Value) -> Response {
    let mut r = Response::new(Body::from(v.to_string()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

impl Product for Tiny {
    async fn handle(&self, req: &Request) -> Option<Response> {
        match req.path() {
            "/hello" => Some(json_answer(
                StatusCode::OK,
                json!({"hello": "world", "pad": "x".repeat(200)}),
            )),
            "/empty" => {
                let mut r = Response::new(Body::empty());
                *r.status_mut() = StatusCode::NO_CONTENT;
                Some(r)
            }
            "/gate" => {
                let _permit = self.gate.acquire().await.ok()?;
                Some(json_answer(StatusCode::OK, json!({"gate": "open"})))
            }
            p if p.starts_with("/session/") => Some(match req.header("session") {
                Some(_) => json_answer(StatusCode::OK, json!({"session": "ok"})),
                None => json_answer(StatusCode::UNAUTHORIZED, json!({"error": "login"})),
            }),
            _ => None,
        }
    }

    fn not_found(&self, req: &Request) -> Response {
        json_answer(
            StatusCode::NOT_FOUND,
            json!({"error": "nope", "path": req.path()}),
        )
    }

    fn status_error(&self, status: StatusCode) -> Response {
        json_answer(status, json!({"error": status.as_u16()}))
    }

    fn session_expired(&self, req: &Request) -> Option<Response> {
        req.header("session")
            .map(|_| json_answer(StatusCode::OK, json!({"error": "expired", "code": 119})))
    }
}

struct T {
    server: Server<Tiny>,
    http: reqwest::Client,
}

impl T {
    async fn new() -> T {
        T::with(Harness::new(Clock::frozen(at(1_700_000_000)))).await
    }

    async fn with(harness: Harness) -> T {
        let product = Arc::new(Tiny {
            gate: Semaphore::new(0),
        });
        T {
            server: Server::bind(product, Arc::new(harness)).await.unwrap(),
            http: reqwest::Client::new(),
        }
    }

    fn h(&self) -> &Harness {
        self.server.harness()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    async fn get(&self, path: &str) -> reqwest::Result<reqwest::Response> {
        self.http.get(self.url(path)).send().await
    }

    /// Status and JSON body of a GET that must be answered in full.
    async fn get_json(&self, path: &str) -> (u16, Value) {
        let r = self.get(path).await.unwrap();
        let s = r.status().as_u16();
        (s, r.json().await.unwrap())
    }

    async fn session_get(&self, path: &str) -> (u16, Value) {
        let r = self
            .http
            .get(self.url(path))
            .header("session", "s1")
            .send()
            .await
            .unwrap();
        let s = r.status().as_u16();
        (s, r.json().await.unwrap())
    }
}

fn at(secs: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_second(secs).unwrap()
}

fn statuses(log: &RequestLog) -> Vec<Option<u16>> {
    log.requests().iter().map(|r| r.status).collect()
}

#[tokio::test]
async fn a_status_fault_answers_the_products_error_once() {
    let t = T::new().await;
    t.h().inject(Fault::Status(503));
    assert_eq!(t.get_json("/hello").await, (503, json!({"error": 503})));
    assert_eq!(t.get_json("/hello").await.0, 200);
    assert!(t.h().pending_faults().is_empty());
}

#[tokio::test]
async fn retry_after_answers_429_with_the_header() {
    let t = T::new().await;
    t.h().inject(Fault::RetryAfter { secs: 7 });
    let r = t.get("/hello").await.unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "7");
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"error": 429}));
}

#[tokio::test]
async fn drop_closes_the_connection_without_an_answer() {
    let t = T::new().await;
    t.h().inject(Fault::Drop);
    let e = t.get("/hello").await.unwrap_err();
    assert!(!e.is_timeout() && !e.is_connect(), "{e:?}");
    assert_eq!(t.get_json("/hello").await.0, 200);
    assert_eq!(statuses(t.h().log()), vec![None, Some(200)]);
    // Raw: the server reads the request and closes, sending nothing.
    t.h().inject(Fault::Drop);
    let addr = t.server.url().trim_start_matches("http://").to_string();
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /hello HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    let mut got = Vec::new();
    let _ = s.read_to_end(&mut got).await;
    assert!(got.is_empty(), "{:?}", String::from_utf8_lossy(&got));
}

#[tokio::test]
async fn malformed_body_waits_for_a_body_in_the_products_format() {
    let t = T::new().await;
    t.h().inject(Fault::MalformedBody);
    // No body (204), then no body (HEAD): untouched, the fault waits.
    assert_eq!(t.get("/empty").await.unwrap().status(), 204);
    let head = t.http.head(t.url("/hello")).send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(t.h().pending_faults().len(), 1);
    // A 401 JSON answer becomes a 200 whose body is not JSON.
    let r = t.get("/session/x").await.unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    assert!(text.ends_with("<html>502 Bad Gateway"), "{text}");
    assert_eq!(t.get_json("/hello").await.0, 200);
}

#[tokio::test]
async fn truncated_body_promises_more_than_it_sends() {
    let t = T::new().await;
    let full = t.get("/hello").await.unwrap().bytes().await.unwrap().len();
    t.h().inject(Fault::TruncatedBody);
    let r = t.get("/hello").await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.content_length(), Some(full as u64));
    assert!(r.bytes().await.is_err(), "the body must break off");
    // Raw: the headers, half the body, then the end of the connection.
    t.h().inject(Fault::TruncatedBody);
    let addr = t.server.url().trim_start_matches("http://").to_string();
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /hello HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    let mut got = Vec::new();
    let _ = s.read_to_end(&mut got).await;
    let text = String::from_utf8_lossy(&got);
    let (head, body) = text.split_once("\r\n\r\n").expect("headers came");
    assert!(
        head.to_ascii_lowercase()
            .contains(&format!("content-length: {full}")),
        "{head}"
    );
    assert_eq!(body.len(), full / 2, "{body}");
    assert_eq!(statuses(t.h().log())[1..], [Some(200), Some(200)]);
}

#[tokio::test]
async fn hang_never_answers_so_the_clients_time_limit_fires() {
    let t = T::new().await;
    t.h().inject(Fault::Hang);
    let e = t
        .http
        .get(t.url("/hello"))
        .timeout(Duration::from_millis(200))
        .send()
        .await
        .unwrap_err();
    assert!(e.is_timeout(), "{e:?}");
    // Not in flight: no answer is coming.
    t.h().log().wait_idle().await;
    assert_eq!(statuses(t.h().log()), vec![None]);
    assert_eq!(t.get_json("/hello").await.0, 200);
}

#[tokio::test]
async fn shutdown_ends_a_hanging_request_and_closes_the_listener() {
    let mut t = T::new().await;
    t.h().inject(Fault::Hang);
    let req = t.http.get(t.url("/hello")).send();
    let pending = tokio::spawn(req);
    t.h().log().wait_requests(1).await;
    t.server.shutdown().await;
    let res = pending.await.unwrap();
    assert!(res.is_err_and(|e| !e.is_timeout()));
    let addr = t.server.url().trim_start_matches("http://").to_string();
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn expire_session_waits_for_a_request_with_a_session() {
    let t = T::new().await;
    t.h().inject(Fault::ExpireSession);
    // No session: the product says there is nothing to expire; answered normally.
    assert_eq!(t.get_json("/session/a").await.0, 401);
    assert_eq!(t.get_json("/hello").await.0, 200);
    assert_eq!(
        t.session_get("/session/a").await,
        (200, json!({"error": "expired", "code": 119}))
    );
    assert_eq!(
        t.session_get("/session/a").await,
        (200, json!({"session": "ok"}))
    );
}

#[tokio::test]
async fn rules_match_a_path_prefix_apply_n_times_and_in_order() {
    let t = T::new().await;
    t.h().inject(Fault::Status(500).on("/session/").times(2));
    t.h().inject(Fault::Status(502));
    // /hello: the first rule does not match it, the second does.
    assert_eq!(t.get_json("/hello").await.0, 502);
    assert_eq!(t.get_json("/hello").await.0, 200);
    assert_eq!(t.session_get("/session/a").await.0, 500);
    assert_eq!(t.session_get("/session/b?x=1").await.0, 500);
    assert_eq!(t.session_get("/session/c").await.0, 200);
    assert!(t.h().pending_faults().is_empty());
    // The first matching rule decides, even when it cannot apply yet: a MalformedBody on
    // everything holds back the Status behind it while the answers have no body.
    t.h().inject(Fault::MalformedBody);
    t.h().inject(Fault::Status(503));
    assert_eq!(t.get("/empty").await.unwrap().status(), 204);
    assert_eq!(t.h().pending_faults().len(), 2);
    let r = t.get("/hello").await.unwrap();
    assert!(r.json::<Value>().await.is_err());
    assert_eq!(t.get_json("/hello").await.0, 503);
    // times(0) is never.
    t.h().inject(Fault::Drop.times(0));
    assert!(t.h().pending_faults().is_empty());
    // clear_faults.
    t.h().inject(Fault::Drop);
    t.h().clear_faults();
    assert_eq!(t.get_json("/hello").await.0, 200);
}

#[tokio::test]
async fn unknown_paths_get_the_products_answer() {
    let t = T::new().await;
    assert_eq!(
        t.get_json("/nowhere").await,
        (404, json!({"error": "nope", "path": "/nowhere"}))
    );
}

#[tokio::test]
async fn latency_is_added_to_each_request() {
    let t = T::with(Harness::new(Clock::real()).with_latency(Duration::from_millis(80))).await;
    let start = std::time::Instant::now();
    t.get_json("/hello").await;
    assert!(start.elapsed() >= Duration::from_millis(80));
    t.h().set_latency(Duration::ZERO);
    assert_eq!(t.h().latency(), Duration::ZERO);
}

#[test]
fn the_clock_is_frozen_advanced_and_run() {
    let c = Clock::frozen(at(1_000));
    let i0 = c.instant();
    assert!(c.is_frozen());
    assert_eq!(c.unix(), 1_000);
    assert_eq!(c.instant(), i0, "a frozen clock does not move");
    c.advance(Duration::from_secs(90));
    assert_eq!(c.unix(), 1_090);
    assert_eq!(c.instant() - i0, Duration::from_secs(90));
    // Clones share the clock.
    let c2 = c.clone();
    c2.advance(Duration::from_millis(500));
    assert_eq!(c.now(), at(1_090) + jiff::SignedDuration::from_millis(500));
    // Running: real time passes on top of the advances; freezing stops it again.
    c.run();
    assert!(!c.is_frozen());
    let before = c.now();
    std::thread::yield_now();
    assert!(c.now() >= before);
    c.freeze();
    let stopped = c.now();
    assert_eq!(c.now(), stopped);
    assert!(stopped >= at(1_090));
    // Out-of-range seconds are clamped, not a panic.
    assert_eq!(Clock::at_unix(i64::MAX, false).now(), jiff::Timestamp::MAX);
    let real = Clock::real();
    assert!((real.unix() - jiff::Timestamp::now().as_second()).abs() <= 1);
}

#[tokio::test]
async fn the_log_has_method_path_query_status_and_time() {
    let t = T::new().await;
    t.h().inject(Fault::Status(503).on("/session/"));
    t.get_json("/hello?size=5&x=%20").await;
    t.h().clock().advance(Duration::from_secs(60));
    t.session_get("/session/a").await;
    t.get_json("/nowhere").await;
    t.h().log().wait_requests(3).await;
    let log = t.h().log().requests();
    let seen: Vec<(&str, &str, Option<u16>)> = log
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str(), r.status))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("GET", "/hello?size=5&x=%20", Some(200)),
            ("GET", "/session/a", Some(503)),
            ("GET", "/nowhere", Some(404)),
        ]
    );
    assert_eq!(log[0].path_only(), "/hello");
    assert_eq!(log[0].at, at(1_700_000_000));
    assert_eq!(log[1].at, at(1_700_000_060));
    assert_eq!(log.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![0, 1, 2]);
    let failed = t.h().log().seen_with_status(503);
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].path, "/session/a");
    assert_eq!(t.h().log().arrived(), 3);
}

#[tokio::test]
async fn wait_requests_and_wait_idle_follow_requests_in_flight() {
    let t = Arc::new(T::new().await);
    assert!(
        t.h().log().wait_idle().now_or_never().is_some(),
        "idle at start"
    );
    let t2 = t.clone();
    let gated = tokio::spawn(async move { t2.get_json("/gate").await });
    t.h().log().wait_requests(1).await;
    assert_eq!(t.h().log().in_flight(), 1);
    assert!(
        t.h().log().wait_idle().now_or_never().is_none(),
        "a request is in flight"
    );
    assert_eq!(statuses(t.h().log()), vec![None]);
    // Idle once it is answered.
    let idle = {
        let t = t.clone();
        tokio::spawn(async move { t.h().log().wait_idle().await })
    };
    t.server.product().gate.add_permits(1);
    idle.await.unwrap();
    assert_eq!(statuses(t.h().log()), vec![Some(200)]);
    assert_eq!(gated.await.unwrap(), (200, json!({"gate": "open"})));
    // wait_requests(n) for more than have come waits.
    assert!(t.h().log().wait_requests(2).now_or_never().is_none());
    assert!(t.h().log().wait_requests(1).now_or_never().is_some());
}

#[tokio::test]
async fn a_dropped_server_closes_its_listener() {
    let t = T::new().await;
    let harness = t.server.harness().clone();
    let addr = t.server.url().trim_start_matches("http://").to_string();
    assert!(harness.wait_closed().now_or_never().is_none(), "still open");
    drop(t);
    harness.wait_closed().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}
