//! The shared HTTP layer against a tiny loopback server that answers from a script: retries
//! for reads, none for mutations once sent, `Retry-After`, session renewal, 200-with-error
//! envelopes, bodies and headers as sent. Waits are recorded, not slept.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use reqwest::Method;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::*;

/// What the server does with the next request.
enum Reply {
    /// Status, extra headers, body.
    Answer(u16, Vec<(&'static str, String)>, String),
    /// Read the request, then close the connection without a word.
    Drop,
    /// Read the request and never answer.
    Hang,
}

fn ok(body: &str) -> Reply {
    Reply::Answer(200, vec![], body.to_string())
}

/// A request as the server read it.
#[derive(Debug, Clone)]
struct Seen {
    head: String,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    }
    fn target(&self) -> String {
        self.head.split(' ').nth(1).unwrap_or("").to_string()
    }
}

struct Server {
    url: reqwest::Url,
    seen: Arc<Mutex<Vec<Seen>>>,
}

async fn serve(script: Vec<Reply>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = reqwest::Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let script = Arc::new(Mutex::new(VecDeque::from(script)));
    let log = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let log = log.clone();
            let script = script.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                let (head_len, content_length) = loop {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buf[..i]).to_string();
                        let len = head
                            .lines()
                            .find_map(|l| {
                                let (k, v) = l.split_once(':')?;
                                k.eq_ignore_ascii_case("content-length")
                                    .then(|| v.trim().parse::<usize>().ok())?
                            })
                            .unwrap_or(0);
                        break (i + 4, len);
                    }
                };
                while buf.len() < head_len + content_length {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                }
                log.lock().unwrap().push(Seen {
                    head: String::from_utf8_lossy(&buf[..head_len - 4]).to_string(),
                    body: buf[head_len..].to_vec(),
                });
                let reply = script.lock().unwrap().pop_front();
                match reply {
                    Some(Reply::Answer(status, headers, body)) => {
                        let mut out = format!(
                            "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                            body.len()
                        );
                        for (k, v) in headers {
                            out.push_str(&format!("{k}: {v}\r\n"));
                        }
                        out.push_str("\r\n");
                        out.push_str(&body);
                        let _ = sock.write_all(out.as_bytes()).await;
                        let _ = sock.shutdown().await;
                    }
                    Some(Reply::Drop) | None => {}
                    Some(Reply::Hang) => {
                        std::future::pending::<()>().await;
                    }
                }
            });
        }
    });
    Server { url, seen }
}

/// A session token that the server may declare expired (`{"success":false,…119}`, as DSM
/// does); renewing gives the next token.
#[derive(Default)]
struct Session {
    token: Mutex<u32>,
    renewals: Mutex<u32>,
}

#[async_trait]
impl Auth for Session {
    async fn apply(&self, req: &mut reqwest::Request) -> Result<(), ProviderError> {
        let t = *self.token.lock().unwrap();
        req.url_mut()
            .query_pairs_mut()
            .append_pair("_sid", &format!("s{t}"));
        Ok(())
    }
    fn expired(&self, answer: &Response) -> bool {
        String::from_utf8_lossy(&answer.body).contains("\"code\":119")
    }
    async fn renew(&self) -> Result<(), ProviderError> {
        *self.token.lock().unwrap() += 1;
        *self.renewals.lock().unwrap() += 1;
        Ok(())
    }
}

/// HTTP 200 `{"success":false,"error":{"code":N}}` is an error.
struct SuccessFlag;

impl Envelope for SuccessFlag {
    fn error(&self, account: &str, operation: &str, answer: &Response) -> Option<ProviderError> {
        if let Some(e) = StatusEnvelope.error(account, operation, answer) {
            return Some(e);
        }
        let v: serde_json::Value = serde_json::from_slice(&answer.body).ok()?;
        (v["success"] == false).then(|| {
            let code = v["error"]["code"].as_i64();
            let mut e = ProviderError::new(
                account,
                operation,
                ErrorKind::Rejected,
                format!("error {}", code.unwrap_or(0)),
            );
            e.code = code;
            e
        })
    }
}

/// An `Http` for the server, with waits recorded instead of slept.
fn http(
    server: &Server,
    auth: Arc<dyn Auth>,
    envelope: Arc<dyn Envelope>,
) -> (Http, Arc<Mutex<Vec<Duration>>>) {
    let client = build_client(&ClientSpec {
        account: "t",
        base: &server.url,
        timeout: Duration::from_secs(5),
        tls: &crate::provider::tls::TlsTrust::default(),
        identity: None,
    })
    .unwrap();
    let mut h = Http::new(
        "t",
        server.url.clone(),
        client,
        auth,
        envelope,
        Duration::from_secs(5),
    );
    let waits = Arc::new(Mutex::new(Vec::new()));
    let w = waits.clone();
    h.sleep = Arc::new(move |d| {
        w.lock().unwrap().push(d);
        Box::pin(async {})
    });
    (h, waits)
}

fn plain(server: &Server) -> (Http, Arc<Mutex<Vec<Duration>>>) {
    http(
        server,
        Arc::new(HeaderAuth::default()),
        Arc::new(StatusEnvelope),
    )
}

fn post(path: &str) -> Request {
    Request::mutation(
        Method::POST,
        path,
        "change it",
        Some(&serde_json::json!({"a": 1})),
    )
}

#[tokio::test]
async fn reads_are_retried_after_5xx_with_backoff_and_after_429_as_the_server_asks() {
    let s = serve(vec![
        Reply::Answer(503, vec![], "busy".into()),
        Reply::Answer(429, vec![("Retry-After", "3".into())], "".into()),
        ok("{\"n\":1}"),
    ])
    .await;
    let (h, waits) = plain(&s);
    let v: serde_json::Value = h.json(&Request::get("/x", "read it")).await.unwrap();
    assert_eq!(v["n"], 1);
    assert_eq!(s.seen.lock().unwrap().len(), 3);
    assert_eq!(
        *waits.lock().unwrap(),
        [Duration::from_millis(200), Duration::from_secs(3)]
    );
    // A Retry-After beyond the bound waits the bound; after the last attempt, the error.
    let s = serve(vec![
        Reply::Answer(429, vec![("Retry-After", "3600".into())], "".into()),
        Reply::Answer(500, vec![], "".into()),
        Reply::Answer(502, vec![], "bad gateway".into()),
    ])
    .await;
    let (h, waits) = plain(&s);
    let e = h.send(&Request::get("/x", "read it")).await.unwrap_err();
    assert_eq!((e.kind, e.http_status), (ErrorKind::Server, Some(502)));
    assert!(e.message.contains("bad gateway"), "{e:?}");
    assert_eq!(waits.lock().unwrap()[0], Duration::from_secs(10));
}

#[tokio::test]
async fn a_mutation_is_not_repeated_once_it_may_have_reached_the_server() {
    // 5xx: it may have half-happened.
    let s = serve(vec![Reply::Answer(500, vec![], "oops".into()), ok("{}")]).await;
    let (h, waits) = plain(&s);
    let e = h.send(&post("/m")).await.unwrap_err();
    assert_eq!(e.http_status, Some(500));
    assert_eq!(s.seen.lock().unwrap().len(), 1);
    assert!(waits.lock().unwrap().is_empty());
    // The connection closes after the request was read: the outcome is unknown.
    let s = serve(vec![Reply::Drop, ok("{}")]).await;
    let (h, _) = plain(&s);
    let e = h.send(&post("/m")).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnknownOutcome, "{e:?}");
    assert!(e.message.contains("may or may not have been carried out"));
    assert_eq!(s.seen.lock().unwrap().len(), 1);
    // 429 means it was not processed: sent again.
    let s = serve(vec![
        Reply::Answer(429, vec![("Retry-After", "1".into())], "".into()),
        ok("{}"),
    ])
    .await;
    let (h, waits) = plain(&s);
    h.send(&post("/m")).await.unwrap();
    assert_eq!(s.seen.lock().unwrap().len(), 2);
    assert_eq!(*waits.lock().unwrap(), [Duration::from_secs(1)]);
    // A read whose connection drops is simply tried again.
    let s = serve(vec![Reply::Drop, ok("{}")]).await;
    let (h, _) = plain(&s);
    h.send(&Request::get("/r", "read it")).await.unwrap();
    assert_eq!(s.seen.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn nothing_listening_is_a_network_error_after_every_attempt() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = reqwest::Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
    drop(listener);
    let s = Server {
        url,
        seen: Arc::default(),
    };
    let (h, waits) = plain(&s);
    let e = h.send(&post("/m")).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Network);
    assert!(
        e.message.starts_with("cannot connect to 127.0.0.1:"),
        "{e:?}"
    );
    // Not sent, so even a mutation may try again.
    assert_eq!(waits.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn an_expired_session_is_renewed_once_and_the_request_sent_again_even_a_mutation() {
    let expired = || ok("{\"success\":false,\"error\":{\"code\":119}}");
    let s = serve(vec![
        expired(),
        ok("{\"success\":true}"),
        expired(),
        expired(),
    ])
    .await;
    let session = Arc::new(Session::default());
    let (h, waits) = http(&s, session.clone(), Arc::new(SuccessFlag));
    h.send(&post("/m")).await.unwrap();
    {
        let seen = s.seen.lock().unwrap();
        assert_eq!(seen.len(), 2);
        assert!(seen[0].target().ends_with("_sid=s0"), "{:?}", seen[0]);
        assert!(seen[1].target().ends_with("_sid=s1"), "{:?}", seen[1]);
    }
    assert_eq!(*session.renewals.lock().unwrap(), 1);
    // Expired again right after renewing: once is enough; the envelope's error comes back.
    let e = h.send(&post("/m")).await.unwrap_err();
    assert_eq!(e.code, Some(119));
    assert_eq!(*session.renewals.lock().unwrap(), 2);
    assert_eq!(s.seen.lock().unwrap().len(), 4);
    assert!(waits.lock().unwrap().is_empty());
}

#[tokio::test]
async fn an_error_in_a_200_answer_is_an_error_and_not_retried() {
    let s = serve(vec![
        ok("{\"success\":false,\"error\":{\"code\":5524}}"),
        ok("{}"),
    ])
    .await;
    let (h, _) = http(&s, Arc::new(HeaderAuth::default()), Arc::new(SuccessFlag));
    let e = h.send(&Request::get("/r", "read it")).await.unwrap_err();
    assert_eq!((e.code, e.kind), (Some(5524), ErrorKind::Rejected));
    assert_eq!(s.seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn bodies_headers_and_credentials_go_out_as_declared() {
    let s = serve(vec![ok("{}"), ok("{}"), ok("{}")]).await;
    let mut creds = HeaderMap::new();
    let mut token = HeaderValue::from_static("Bearer t0k3n");
    token.set_sensitive(true);
    creds.insert("access-token", token);
    let (h, _) = http(
        &s,
        Arc::new(HeaderAuth::new(creds)),
        Arc::new(StatusEnvelope),
    );
    let parts = vec![
        Part {
            name: "cert".into(),
            file_name: Some("cert.pem".into()),
            content_type: Some("application/x-pem-file".into()),
            data: bytes::Bytes::from_static(b"-----BEGIN CERTIFICATE-----"),
        },
        Part {
            name: "desc".into(),
            file_name: None,
            content_type: None,
            data: bytes::Bytes::from_static(b"web"),
        },
    ];
    h.send(&post("/up").body(Body::Multipart(parts)))
        .await
        .unwrap();
    h.send(&Request::get("/r", "read a range").header(
        HeaderName::from_static("range"),
        HeaderValue::from_static("certificates=0-49"),
    ))
    .await
    .unwrap();
    h.send(&post("/f").body(Body::Form(vec![("a b".into(), "c&d".into())])))
        .await
        .unwrap();
    let seen = s.seen.lock().unwrap();
    let ct = seen[0].header("content-type").unwrap();
    assert!(ct.starts_with("multipart/form-data; boundary="), "{ct}");
    let body = String::from_utf8_lossy(&seen[0].body);
    assert!(
        body.contains("name=\"cert\"; filename=\"cert.pem\""),
        "{body}"
    );
    assert!(
        body.contains("Content-Type: application/x-pem-file"),
        "{body}"
    );
    assert!(body.contains("-----BEGIN CERTIFICATE-----"), "{body}");
    assert!(body.contains("name=\"desc\"\r\n\r\nweb"), "{body}");
    assert_eq!(
        seen[1].header("range").as_deref(),
        Some("certificates=0-49")
    );
    assert_eq!(seen[2].body, b"a+b=c%26d");
    for r in seen.iter() {
        assert_eq!(r.header("access-token").as_deref(), Some("Bearer t0k3n"));
        assert!(r.header("user-agent").unwrap().starts_with("certdeck/"));
    }
}

#[tokio::test]
async fn a_request_s_own_time_limit_ends_it_with_the_outcome_its_kind_allows() {
    let s = serve(vec![Reply::Hang, Reply::Hang]).await;
    let (mut h, _) = plain(&s);
    h.retry.attempts = 1;
    let limit = Duration::from_millis(50);
    let e = h
        .send(&Request::get("/r", "read it").timeout(limit))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Network);
    assert!(e.message.contains("within 0.05 s"), "{e:?}");
    let e = h.send(&post("/m").timeout(limit)).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnknownOutcome);
}

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
fn base_urls() {
    assert_eq!(
        base_url("https://nas.example:5001/", "https://nas:5001")
            .unwrap()
            .as_str(),
        "https://nas.example:5001/"
    );
    assert!(base_url("", "https://x").unwrap_err().contains("https://x"));
    assert!(
        base_url("ftp://x", "https://x")
            .unwrap_err()
            .contains("https://")
    );
    assert!(base_url("https://u:p@h.example", "https://x").is_err());
    assert!(is_loopback(
        &reqwest::Url::parse("http://[::1]:8080").unwrap()
    ));
    assert!(is_loopback(
        &reqwest::Url::parse("http://localhost").unwrap()
    ));
    assert!(!is_loopback(
        &reqwest::Url::parse("https://cert-manager.com").unwrap()
    ));
}
