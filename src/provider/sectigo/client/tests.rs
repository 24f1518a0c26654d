use crate::provider::sectigo::Family;
use std::sync::{Arc, Mutex};

use super::*;

fn settings(url: &str) -> SectigoSettings {
    SectigoSettings::new(
        "scm",
        url,
        "admin",
        SecretString::from("hunter2-secret".to_string()),
        "acme",
    )
}

#[test]
fn base_urls_are_normalised_and_checked() {
    assert_eq!(
        parse_base_url("https://cert-manager.com/")
            .unwrap()
            .as_str(),
        "https://cert-manager.com/"
    );
    assert_eq!(
        parse_base_url("https://cert-manager.com/api/")
            .unwrap()
            .path(),
        "/"
    );
    assert_eq!(
        parse_base_url("https://h.example/private/api")
            .unwrap()
            .path(),
        "/private"
    );
    assert!(parse_base_url("ftp://x").unwrap_err().contains("https://"));
    assert!(parse_base_url("").is_err());
    assert!(parse_base_url("not a url").is_err());
    assert!(parse_base_url("https://u:p@h.example").is_err());
}

#[test]
fn the_password_never_shows() {
    let c = SectigoClient::new(settings("http://127.0.0.1:9")).unwrap();
    assert!(!format!("{c:?}").contains("hunter2"));
    assert!(!format!("{:?}", c.settings()).contains("hunter2"));
    let bad = SectigoClient::new(SectigoSettings {
        login: String::new(),
        ..settings("http://127.0.0.1:9")
    })
    .unwrap_err();
    assert_eq!(bad.kind, ErrorKind::Local);
    assert!(!bad.to_string().contains("hunter2"));
}

#[test]
fn ids_must_be_numbers() {
    let c = SectigoClient::new(settings("http://127.0.0.1:9")).unwrap();
    let e = c
        .numeric_id("get SSL certificate ../x", Family::Ssl, "../x")
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Local);
    assert_eq!(c.numeric_id("op", Family::Ssl, " 42 ").unwrap(), 42);
}

#[tokio::test]
async fn unreachable_server_is_a_network_error() {
    // Port 9 (discard) on loopback: nothing listens in the test environment.
    let c = SectigoClient::new(settings("http://127.0.0.1:9"))
        .unwrap()
        .with_retry(RetryPolicy {
            attempts: 2,
            base_delay: Duration::from_millis(1),
            max_retry_after: Duration::from_millis(1),
        });
    let e = c.detail(Family::Ssl, "1").await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Network, "{e}");
    assert!(
        e.message.contains("cannot connect to 127.0.0.1:9"),
        "{}",
        e.message
    );
    assert_eq!(e.operation, "get SSL certificate 1");
}

/// A loopback server that answers each connection with the next canned response and
/// records the request heads.
async fn canned(responses: Vec<String>) -> (String, Arc<Mutex<Vec<String>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let log2 = log.clone();
    tokio::spawn(async move {
        for resp in responses {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                match sock.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            log2.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&buf).to_string());
            let _ = sock.write_all(resp.as_bytes()).await;
            let _ = sock.shutdown().await;
        }
    });
    (format!("http://{addr}"), log)
}

fn http_resp(status: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut s = format!(
        "HTTP/1.1 {status}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        s.push_str(&format!("{k}: {v}\r\n"));
    }
    s.push_str("\r\n");
    s.push_str(body);
    s
}

fn quick(url: &str) -> SectigoClient {
    let mut st = settings(url);
    st.page_size = 2;
    SectigoClient::new(st).unwrap().with_retry(RetryPolicy {
        attempts: 3,
        base_delay: Duration::from_millis(1),
        max_retry_after: Duration::from_millis(300),
    })
}

fn noop_sink() -> ListSink {
    Arc::new(|_| {})
}

#[tokio::test]
async fn missing_or_garbled_total_count_is_a_protocol_error() {
    let page = r#"[{"sslId":1,"commonName":"a"}]"#;
    // The HEAD count fails the same way; the list goes on and its first page fails.
    let (url, log) = canned(vec![
        http_resp("200 OK", &[], ""),
        http_resp("200 OK", &[], page),
    ])
    .await;
    let e = quick(&url)
        .list(Family::Ssl, noop_sink())
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol);
    assert!(e.message.contains("X-Total-Count"), "{}", e.message);
    let heads = log.lock().unwrap().clone();
    assert!(heads[0].starts_with("HEAD /api/ssl/v1 "), "{}", heads[0]);
    let head = heads[1].clone();
    assert!(
        head.starts_with("GET /api/ssl/v1?size=2&position=0&dateFormat=ISO_HMS "),
        "{head}"
    );
    let lower = head.to_ascii_lowercase();
    assert!(lower.contains("\r\nlogin: admin\r\n"));
    assert!(lower.contains("\r\npassword: hunter2-secret\r\n"));
    assert!(lower.contains("\r\ncustomeruri: acme\r\n"));
    assert!(lower.contains("user-agent: certdeck/"));

    let (url, _) = canned(vec![
        http_resp("200 OK", &[("X-Total-Count", "many")], ""),
        http_resp("200 OK", &[("X-Total-Count", "many")], page),
    ])
    .await;
    let e = quick(&url)
        .list(Family::Ssl, noop_sink())
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol);
    assert!(e.message.contains("\"many\""), "{}", e.message);
}

#[tokio::test]
async fn a_server_that_ignores_position_is_caught() {
    let page = r#"[{"sslId":1},{"sslId":2}]"#;
    let r = http_resp("200 OK", &[("X-Total-Count", "6")], page);
    let count = http_resp("200 OK", &[("X-Total-Count", "6")], "");
    let (url, _) = canned(vec![count, r.clone(), r]).await;
    let e = quick(&url)
        .list(Family::Ssl, noop_sink())
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol);
    assert!(e.message.contains("position 2"), "{}", e.message);
}

#[tokio::test]
async fn a_short_page_ends_the_list_and_offsets_advance_by_rows() {
    let (url, log) = canned(vec![
        http_resp("200 OK", &[("X-Total-Count", "9")], ""),
        http_resp(
            "200 OK",
            &[("X-Total-Count", "9")],
            r#"[{"sslId":1},{"sslId":2}]"#,
        ),
        http_resp("200 OK", &[("X-Total-Count", "9")], r#"[{"sslId":3}]"#),
        // The report and the details: all 404, so the rows stay bare and the list fails.
        http_resp("404 Not Found", &[], ""),
        http_resp(
            "404 Not Found",
            &[],
            r#"{"code":-124,"description":"Wrong SSL certificate id 1."}"#,
        ),
        http_resp("404 Not Found", &[], r#"{"code":-124}"#),
        http_resp("404 Not Found", &[], r#"{"code":-124}"#),
    ])
    .await;
    let rows = Arc::new(Mutex::new(0usize));
    let r2 = rows.clone();
    let sink: ListSink = Arc::new(move |u| {
        if let ListUpdate::Rows(r) = u {
            *r2.lock().unwrap() += r.len();
        }
    });
    let mut st = settings(&url);
    st.page_size = 2;
    st.concurrency = 1;
    let c = SectigoClient::new(st).unwrap().with_retry(RetryPolicy {
        attempts: 1,
        ..RetryPolicy::default()
    });
    let e = c.list(Family::Ssl, sink).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert!(
        e.message.starts_with("3 of 3 detail requests failed"),
        "{}",
        e.message
    );
    assert_eq!(*rows.lock().unwrap(), 3);
    let heads = log.lock().unwrap().clone();
    assert!(
        heads[2].starts_with("GET /api/ssl/v1?size=2&position=2&"),
        "{}",
        heads[2]
    );
    assert!(
        heads[3].starts_with("POST /api/report/v1/ssl-certificates"),
        "{}",
        heads[3]
    );
}

/// A server that answers the HEAD count, then holds every page request until `together`
/// of them are open at once (a client that asks one page at a time never gets an
/// answer), then answers each with the S/MIME rows of its position.
async fn holding_server(total: usize, together: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    async fn head(sock: &mut tokio::net::TcpStream) -> String {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
            match sock.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        String::from_utf8_lossy(&buf).to_string()
    }
    tokio::spawn(async move {
        let count = http_resp("200 OK", &[("X-Total-Count", &total.to_string())], "");
        let Ok((mut sock, _)) = listener.accept().await else {
            return;
        };
        head(&mut sock).await;
        let _ = sock.write_all(count.as_bytes()).await;
        let _ = sock.shutdown().await;
        let mut held = Vec::new();
        while held.len() < together {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let req = head(&mut sock).await;
            held.push((sock, req));
        }
        for (mut sock, req) in held {
            let pos: usize = req
                .split("position=")
                .nth(1)
                .and_then(|r| r.split(['&', ' ']).next())
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
            let rows: Vec<String> = (pos..(pos + 2).min(total))
                .map(|i| {
                    format!(
                        r#"{{"id":{},"commonName":"p{i}","status":"Issued"}}"#,
                        i + 1
                    )
                })
                .collect();
            let body = format!("[{}]", rows.join(","));
            let resp = http_resp("200 OK", &[("X-Total-Count", &total.to_string())], &body);
            let _ = sock.write_all(resp.as_bytes()).await;
            let _ = sock.shutdown().await;
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn pages_after_the_count_are_asked_for_together() {
    let url = holding_server(6, 3).await;
    let mut st = settings(&url);
    st.page_size = 2;
    st.concurrency = 3;
    let c = SectigoClient::new(st).unwrap().with_retry(RetryPolicy {
        attempts: 1,
        ..RetryPolicy::default()
    });
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    let sink: ListSink = Arc::new(move |u| s2.lock().unwrap().push(u));
    let n = tokio::time::timeout(Duration::from_secs(20), c.list(Family::Client, sink))
        .await
        .expect("the three pages were asked for at once")
        .unwrap();
    assert_eq!(n, 6);
    let seen = seen.lock().unwrap();
    let mut ids: Vec<String> = seen
        .iter()
        .filter_map(|u| match u {
            ListUpdate::Rows(r) => Some(r.iter().map(|c| c.id.clone()).collect::<Vec<_>>()),
            _ => None,
        })
        .flatten()
        .collect();
    ids.sort();
    assert_eq!(ids, ["1", "2", "3", "4", "5", "6"]);
    // Progress counts rows as they arrive, whatever the order of the pages: 2, 4, 6 of 6.
    let loading: Vec<(usize, usize)> = seen
        .iter()
        .filter_map(|u| match u {
            ListUpdate::Progress { done, of, label } if label == "loading" => Some((*done, *of)),
            _ => None,
        })
        .collect();
    assert_eq!(loading, [(2, 6), (4, 6), (6, 6)]);
}

#[tokio::test]
async fn a_total_that_grows_while_paging_brings_the_new_pages() {
    let page = |rows: &str, total: &str| http_resp("200 OK", &[("X-Total-Count", total)], rows);
    let (url, log) = canned(vec![
        http_resp("200 OK", &[("X-Total-Count", "2")], ""),
        page(r#"[{"id":1},{"id":2}]"#, "3"),
        page(r#"[{"id":3}]"#, "3"),
    ])
    .await;
    let n = quick(&url).list(Family::Client, noop_sink()).await.unwrap();
    assert_eq!(n, 3);
    let heads = log.lock().unwrap().clone();
    assert!(
        heads[2].starts_with("GET /api/smime/v2?size=2&position=2&"),
        "{}",
        heads[2]
    );
}

#[tokio::test]
async fn a_report_that_breaks_off_completes_what_arrived_and_details_only_the_rest() {
    // Content-Length promises more than is sent: the body breaks off after row 1.
    let report = "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\n\
                  content-length: 500\r\n\r\n{\"statusCode\":0,\"reports\":[{\"id\":1,\
                  \"status\":\"Issued\",\"expires\":\"2027-01-01T00:00:00.000Z\"},{\"id\":2,\"sta"
        .to_string();
    let (url, log) = canned(vec![
        http_resp("200 OK", &[("X-Total-Count", "2")], ""),
        http_resp(
            "200 OK",
            &[("X-Total-Count", "2")],
            r#"[{"sslId":1,"commonName":"a.example"},{"sslId":2,"commonName":"b.example"}]"#,
        ),
        report,
        http_resp(
            "200 OK",
            &[],
            r#"{"sslId":2,"commonName":"b.example","status":"Issued","expires":"2027-02-01T00:00:00.000Z"}"#,
        ),
    ])
    .await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    let sink: ListSink = Arc::new(move |u| s2.lock().unwrap().push(u));
    let mut st = settings(&url);
    st.page_size = 2;
    st.concurrency = 1;
    let c = SectigoClient::new(st).unwrap().with_retry(RetryPolicy {
        attempts: 1,
        ..RetryPolicy::default()
    });
    assert_eq!(c.list(Family::Ssl, sink).await.unwrap(), 2);
    let heads = log.lock().unwrap().clone();
    assert_eq!(heads.len(), 4, "{heads:?}");
    assert!(heads[3].starts_with("GET /api/ssl/v1/2?"), "{}", heads[3]);
    let completed: Vec<(String, Option<i64>, CertStatus)> = seen
        .lock()
        .unwrap()
        .iter()
        .filter_map(|u| match u {
            ListUpdate::Rows(r) => Some(r.clone()),
            _ => None,
        })
        .flatten()
        .filter(|c| c.complete)
        .map(|c| (c.id, c.expires, c.status))
        .collect();
    assert_eq!(
        completed,
        [
            ("1".to_string(), Some(1_798_761_600), CertStatus::Issued),
            ("2".to_string(), Some(1_801_440_000), CertStatus::Issued)
        ]
    );
}

#[tokio::test]
async fn retry_after_is_honoured_and_mutations_retry_only_429() {
    let busy = http_resp(
        "429 Too Many Requests",
        &[("Retry-After", "1")],
        r#"{"code":-1}"#,
    );
    let (url, log) = canned(vec![busy.clone(), http_resp("204 No Content", &[], "")]).await;
    let c = quick(&url);
    let t0 = std::time::Instant::now();
    c.approve(Family::Ssl, "7", "fine").await.unwrap();
    // Retry-After: 1 s, capped at 300 ms by the policy.
    assert!(
        t0.elapsed() >= Duration::from_millis(290),
        "{:?}",
        t0.elapsed()
    );
    let heads = log.lock().unwrap().clone();
    assert_eq!(heads.len(), 2);
    assert!(heads[1].starts_with("POST /api/ssl/v1/approve/7 "));
    assert!(
        heads[1]
            .to_ascii_lowercase()
            .contains("content-type: application/json;charset=utf-8")
    );

    let (url, log) = canned(vec![
        http_resp("500 Internal Server Error", &[], r#"{"code":-2}"#),
        http_resp("204 No Content", &[], ""),
    ])
    .await;
    let e = quick(&url)
        .approve(Family::Ssl, "7", "fine")
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Server);
    assert_eq!(
        e.message,
        "Internal error. Please contact Support for details."
    );
    assert_eq!(log.lock().unwrap().len(), 1, "no second attempt");
}

#[tokio::test]
async fn created_ids_come_from_location() {
    let (url, _) = canned(vec![http_resp(
        "201 Created",
        &[("Location", "https://cert-manager.com/api/domain/v1/2018")],
        "",
    )])
    .await;
    let id = quick(&url)
        .create_domain(&crate::provider::sectigo::actions::NewDomain {
            name: "example.org".into(),
            org_id: 1,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(id, 2018);
    let (url, _) = canned(vec![http_resp("201 Created", &[], "")]).await;
    let e = quick(&url)
        .create_domain(&crate::provider::sectigo::actions::NewDomain {
            name: "example.org".into(),
            org_id: 1,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol);
}
