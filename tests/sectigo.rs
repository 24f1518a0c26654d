//! The Sectigo SCM client against the in-tree SCM emulator (real HTTP over loopback).

use certdeck::provider::sectigo::Family;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use certdeck::emulator::sectigo::{Fault, SectigoEmulator, SectigoOptions};
use certdeck::model::{Cert, CertStatus};
use certdeck::provider::sectigo::actions::{
    ClientEnrollRequest, DcvFilter, DcvMethod, DeviceEnrollRequest, EnrollRequest, NewDomain,
    ReplaceRequest, RevokeReason,
};
use certdeck::provider::sectigo::client::{ClientIdentity, SectigoAuth};
use certdeck::provider::sectigo::{RetryPolicy, SectigoClient, SectigoSettings};
use certdeck::provider::tls::TlsTrust;
use certdeck::provider::{ErrorKind, ListSink, ListUpdate, Provider};
use secrecy::SecretString;

async fn emulator(ssl_count: usize) -> SectigoEmulator {
    SectigoEmulator::start(SectigoOptions {
        ssl_count,
        ..SectigoOptions::for_tests()
    })
    .await
    .expect("emulator starts")
}

fn settings(emu: &SectigoEmulator) -> SectigoSettings {
    let mut s = SectigoSettings::new(
        "scm-test",
        emu.base_url.clone(),
        emu.login.clone(),
        SecretString::from(emu.password.clone()),
        emu.customer_uri.clone(),
    );
    s.account = 2;
    s.timeout = Duration::from_secs(10);
    s
}

/// Fast retries so tests do not wait for `Retry-After: 1`.
fn fast_retry(attempts: u32) -> RetryPolicy {
    RetryPolicy {
        attempts,
        base_delay: Duration::from_millis(5),
        max_retry_after: Duration::from_millis(20),
    }
}

fn client(emu: &SectigoEmulator) -> SectigoClient {
    SectigoClient::new(settings(emu))
        .expect("client builds")
        .with_retry(fast_retry(3))
}

/// A sink that records every update.
fn recorder() -> (ListSink, Arc<Mutex<Vec<ListUpdate>>>) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let l2 = log.clone();
    let sink: ListSink = Arc::new(move |u| l2.lock().unwrap().push(u));
    (sink, log)
}

/// The last version of every row (rows are upserted by id), plus how often a bare row came.
fn upsert(updates: &[ListUpdate]) -> (HashMap<String, Cert>, HashMap<String, usize>) {
    let mut rows = HashMap::new();
    let mut bare = HashMap::new();
    for u in updates {
        if let ListUpdate::Rows(rs) = u {
            for r in rs {
                if !r.complete {
                    *bare.entry(r.id.clone()).or_insert(0) += 1;
                }
                // A later row may leave out what an earlier one brought: kept, as the app
                // does (`Cert::keep_from`).
                let mut r = r.clone();
                if let Some(old) = rows.get(&r.id) {
                    r.keep_from(old);
                }
                rows.insert(r.id.clone(), r);
            }
        }
    }
    (rows, bare)
}

async fn all_rows(c: &SectigoClient) -> HashMap<String, Cert> {
    let (sink, log) = recorder();
    c.list(Family::Ssl, sink).await.expect("list works");
    let log = log.lock().unwrap();
    upsert(&log).0
}

#[tokio::test]
async fn paging_delivers_every_row_once_and_completes_it() {
    let emu = emulator(45).await;
    let mut s = settings(&emu);
    s.page_size = 10;
    s.concurrency = 4;
    let c = SectigoClient::new(s).unwrap().with_retry(fast_retry(3));
    let (sink, log) = recorder();
    let n = c.list(Family::Ssl, sink).await.expect("list works");
    assert_eq!(n, 45);
    let log: Vec<ListUpdate> = log.lock().unwrap().clone();
    let totals: Vec<usize> = log
        .iter()
        .filter_map(|u| match u {
            ListUpdate::Total(t) => Some(*t),
            _ => None,
        })
        .collect();
    assert_eq!(totals, vec![45], "Total announced once");
    // The total came from a HEAD count, before the first page was asked for.
    let calls = emu.requests();
    let head = calls.iter().position(|r| r == "HEAD /api/ssl/v1");
    let first_page = calls.iter().position(|r| r == "GET /api/ssl/v1");
    assert!(head.is_some() && head < first_page, "{calls:?}");
    assert!(
        matches!(log.first(), Some(ListUpdate::Total(45))),
        "{:?}",
        log.first()
    );
    let (rows, bare) = upsert(&log);
    assert_eq!(rows.len(), 45);
    assert_eq!(bare.len(), 45, "every id arrives as a bare row");
    assert!(bare.values().all(|n| *n == 1), "each bare row exactly once");
    assert!(rows.values().all(|r| r.complete && r.account == 2));
    assert!(rows.values().all(|r| r.status != CertStatus::Unknown));
    assert!(rows.values().all(|r| r.profile.is_some()));
    // Bare rows came in pages of at most 10.
    let first_rows = log.iter().find_map(|u| match u {
        ListUpdate::Rows(r) => Some(r.len()),
        _ => None,
    });
    assert_eq!(first_rows, Some(10));
    // Progress ends with 45 of 45.
    let last_progress = log.iter().rev().find_map(|u| match u {
        ListUpdate::Progress { done, of, .. } => Some((*done, *of)),
        _ => None,
    });
    assert_eq!(last_progress, Some((45, 45)));
    assert!(log.iter().any(
        |u| matches!(u, ListUpdate::Progress { label, done: 10, of: 45 } if label == "loading")
    ));
    // The completed rows agree with the details.
    let (id, row) = rows.iter().next().unwrap();
    let (fresh, _) = c.detail(Family::Ssl, id).await.unwrap();
    assert_eq!(fresh.status, row.status);
    assert_eq!(fresh.expires, row.expires);
    assert_eq!(fresh.common_name, row.common_name);
    assert_eq!(c.count(Family::Ssl).await.unwrap(), 45);
}

#[tokio::test]
async fn wrong_password_is_an_auth_error_with_code() {
    let emu = emulator(3).await;
    let mut s = settings(&emu);
    s.auth = SectigoAuth::Password(SecretString::from("definitely-wrong".to_string()));
    let c = SectigoClient::new(s).unwrap().with_retry(fast_retry(3));
    let (sink, _) = recorder();
    let e = c.list(Family::Ssl, sink).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Auth);
    assert_eq!(e.http_status, Some(401));
    assert_eq!(e.code, Some(-16));
    assert_eq!(e.operation, "list SSL certificates");
    let shown = e.to_string();
    assert!(shown.contains("HTTP 401, code -16"), "{shown}");
    assert!(!shown.contains("definitely-wrong"));
    assert!(!format!("{e:?}").contains("definitely-wrong"));
}

#[tokio::test]
async fn unknown_id_is_not_found_with_code() {
    let emu = emulator(3).await;
    let c = client(&emu);
    let e = c.detail(Family::Ssl, "987654").await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound, "{e}");
    assert_eq!(e.code, Some(-124));
    assert_eq!(e.operation, "get SSL certificate 987654");
    assert!(e.message.contains("987654"), "{}", e.message);
    let e = c.collect(Family::Ssl, "987654", "x509").await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert_eq!(e.operation, "collect SSL certificate 987654");
}

#[tokio::test]
async fn malformed_json_is_a_protocol_error() {
    let emu = emulator(5).await;
    let c = client(&emu);
    let rows = all_rows(&c).await;
    let id = rows.keys().next().unwrap().clone();
    emu.inject(Fault::MalformedBody);
    let e = c.detail(Family::Ssl, &id).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol, "{e}");
    assert!(e.message.contains("not the expected JSON"), "{}", e.message);
    emu.inject(Fault::MalformedBody);
    let (sink, _) = recorder();
    let e = c.list(Family::Ssl, sink).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol);
    // And afterwards everything works again.
    assert!(c.detail(Family::Ssl, &id).await.is_ok());
}

#[tokio::test]
async fn server_errors_are_retried_then_surface_as_server() {
    let emu = emulator(5).await;
    let c = client(&emu);
    let id = all_rows(&c).await.keys().next().unwrap().clone();
    // Two 503s then success: three attempts are enough.
    emu.inject(Fault::Status(503));
    emu.inject(Fault::Status(429));
    let (cert, _) = c.detail(Family::Ssl, &id).await.expect("retried");
    assert_eq!(cert.id, id);
    // A dropped connection on a read is retried too.
    emu.inject(Fault::Drop);
    assert!(c.detail(Family::Ssl, &id).await.is_ok());
    // Three 503s exhaust the attempts.
    for _ in 0..3 {
        emu.inject(Fault::Status(503));
    }
    let e = c.detail(Family::Ssl, &id).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Server);
    assert_eq!(e.http_status, Some(503));
    assert_eq!(e.code, Some(-195));
    // 4xx is never retried: one 400 fault fails the call and is consumed.
    emu.inject(Fault::Status(400));
    let e = c.detail(Family::Ssl, &id).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Rejected);
    assert!(c.detail(Family::Ssl, &id).await.is_ok());
}

#[tokio::test]
async fn failed_details_are_counted_and_the_rest_delivered() {
    let emu = Arc::new(emulator(6).await);
    let mut s = settings(&emu);
    s.concurrency = 1;
    let c = SectigoClient::new(s).unwrap().with_retry(fast_retry(1));
    let log = Arc::new(Mutex::new(Vec::new()));
    let (l2, e2) = (log.clone(), emu.clone());
    let sink: ListSink = Arc::new(move |u: ListUpdate| {
        if matches!(&u, ListUpdate::Progress { label, .. } if label == "loading") {
            // The next request after the (only) page is the report (or a detail), then a detail:
            // both fail, so exactly one detail request fails.
            e2.inject(Fault::Status(500));
            e2.inject(Fault::Status(500));
        }
        l2.lock().unwrap().push(u);
    });
    let e = c.list(Family::Ssl, sink).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Server, "{e}");
    assert!(
        e.message.starts_with("1 of 6 detail requests failed"),
        "{}",
        e.message
    );
    assert_eq!(e.operation, "list SSL certificates");
    let (rows, _) = upsert(&log.lock().unwrap());
    assert_eq!(rows.len(), 6);
    assert_eq!(rows.values().filter(|r| r.complete).count(), 5);
}

fn pem_blocks(text: &str, label: &str) -> usize {
    text.matches(&format!("-----BEGIN {label}-----")).count()
}

fn leaf_cn(pem: &str) -> String {
    let (_, p) = x509_parser::pem::parse_x509_pem(pem.as_bytes()).expect("PEM");
    let x = p.parse_x509().expect("X.509");
    x.subject()
        .iter_common_name()
        .next()
        .and_then(|c| c.as_str().ok())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn detail_has_fields_and_a_pem_body_for_issued() {
    let emu = emulator(30).await;
    let c = client(&emu);
    let rows = all_rows(&c).await;
    let issued = rows
        .values()
        .find(|r| r.status == CertStatus::Issued)
        .expect("an issued certificate in the demo data");
    let (cert, d) = c.detail(Family::Ssl, &issued.id).await.unwrap();
    assert_eq!(cert.id, issued.id);
    let labels: Vec<&str> = d.fields.iter().map(|(l, _)| l.as_str()).collect();
    for want in [
        "Id",
        "Status",
        "Common name",
        "Profile",
        "Term",
        "Requested",
        "Expires",
        "Serial",
    ] {
        assert!(labels.contains(&want), "{want} missing from {labels:?}");
    }
    let expires = &d.fields.iter().find(|(l, _)| l == "Expires").unwrap().1;
    assert_eq!(expires.len(), 10, "YYYY-MM-DD: {expires}");
    assert_eq!(&expires[4..5], "-");
    let pem = d.body_pem.as_deref().expect("issued has a body");
    assert_eq!(pem_blocks(pem, "CERTIFICATE"), 1);
    assert_eq!(leaf_cn(pem), cert.common_name);
    assert!(d.body_note.is_none());
}

#[tokio::test]
async fn not_issued_and_revoked_have_a_body_note() {
    let emu = emulator(40).await;
    let c = client(&emu);
    let rows = all_rows(&c).await;
    let pending = rows
        .values()
        .find(|r| {
            matches!(
                r.status,
                CertStatus::Requested | CertStatus::Approved | CertStatus::Applied
            )
        })
        .expect("a pending request in the demo data");
    let (_, d) = c.detail(Family::Ssl, &pending.id).await.unwrap();
    assert!(d.body_pem.is_none());
    let note = d.body_note.expect("note");
    assert!(note.starts_with("not issued yet"), "{note}");
    // Collecting it directly is NotReady with code -183.
    let e = c
        .collect(Family::Ssl, &pending.id, "x509CO")
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotReady);
    assert_eq!(e.code, Some(-183));
    if let Some(revoked) = rows.values().find(|r| r.status == CertStatus::Revoked) {
        let (_, d) = c.detail(Family::Ssl, &revoked.id).await.unwrap();
        let note = d.body_note.expect("revoked note");
        assert!(note.contains("-110"), "{note}");
    }
}

#[tokio::test]
async fn collect_returns_each_format() {
    let emu = emulator(20).await;
    let c = client(&emu);
    let rows = all_rows(&c).await;
    let id = rows
        .values()
        .find(|r| r.status == CertStatus::Issued)
        .unwrap()
        .id
        .clone();
    // Every format the account declares, by its id.
    let ids: Vec<&str> = c.info().exports.iter().map(|f| f.id).collect();
    assert_eq!(
        ids,
        ["x509CO", "x509", "x509IO", "x509IOR", "base64", "bin"]
    );
    for f in ids {
        let bytes = c.collect(Family::Ssl, &id, f).await.unwrap();
        match f {
            "x509" => {
                let t = String::from_utf8(bytes).unwrap();
                assert_eq!(pem_blocks(&t, "CERTIFICATE"), 3, "{f:?}");
                assert_eq!(leaf_cn(&t), rows[&id].common_name);
            }
            "x509CO" => {
                let t = String::from_utf8(bytes).unwrap();
                assert_eq!(pem_blocks(&t, "CERTIFICATE"), 1, "{f:?}");
            }
            "x509IO" | "x509IOR" => {
                let t = String::from_utf8(bytes).unwrap();
                assert_eq!(pem_blocks(&t, "CERTIFICATE"), 2, "{f:?}");
                assert_ne!(leaf_cn(&t), rows[&id].common_name);
            }
            "base64" => {
                let t = String::from_utf8(bytes).unwrap();
                assert!(t.starts_with("-----BEGIN PKCS7-----"), "{t}");
            }
            _ => {
                assert_eq!(bytes[0], 0x30, "DER SEQUENCE");
                assert!(std::str::from_utf8(&bytes).is_err() || !bytes.starts_with(b"-----"));
            }
        }
    }
    // A format the account does not declare is refused before anything is sent.
    let e = c.collect(Family::Ssl, &id, "pkcs12").await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Local, "{e}");
}

#[tokio::test]
async fn ids_are_unique_across_pages_of_one() {
    let emu = emulator(7).await;
    let mut s = settings(&emu);
    s.page_size = 1;
    let c = SectigoClient::new(s).unwrap().with_retry(fast_retry(3));
    let (sink, log) = recorder();
    assert_eq!(c.list(Family::Ssl, sink).await.unwrap(), 7);
    let (rows, bare) = upsert(&log.lock().unwrap());
    let ids: HashSet<&String> = rows.keys().collect();
    assert_eq!(ids.len(), 7);
    assert_eq!(bare.len(), 7);
}

// ---------------------------------------------------------------------------------------------
// Mutations: never retried blindly

#[tokio::test]
async fn a_mutation_whose_connection_breaks_is_unknown_outcome() {
    let emu = emulator(3).await;
    let c = client(&emu);
    let id = all_rows(&c).await.keys().next().unwrap().clone();
    emu.inject(Fault::Drop);
    let e = c.approve(Family::Ssl, &id, "ok by test").await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnknownOutcome, "{e}");
    assert!(e.message.contains("may or may not"), "{}", e.message);
    assert_eq!(e.operation, format!("approve SSL certificate {id}"));
}

#[tokio::test]
async fn a_mutation_is_not_retried_after_a_5xx() {
    let emu = emulator(3).await;
    let c = client(&emu);
    let id = all_rows(&c).await.keys().next().unwrap().clone();
    // One 503: a retry would reach the real endpoint; the error proves there was none.
    emu.inject(Fault::Status(503));
    let e = c
        .revoke(Family::Ssl, &id, RevokeReason::Superseded, "test")
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Server, "{e}");
    assert_eq!(e.http_status, Some(503));
}

#[tokio::test]
async fn read_only_accounts_refuse_mutations_locally() {
    let emu = emulator(3).await;
    let mut s = settings(&emu);
    s.read_only = true;
    let c = SectigoClient::new(s).unwrap();
    assert!(!c.capabilities().approve);
    assert!(c.capabilities().collect);
    // A fault that would fail any request that reached the server stays queued.
    emu.inject(Fault::Status(500));
    let e = c.delete(Family::Ssl, "1001").await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Local);
    assert!(e.message.contains("read-only"));
    let e = c.decline(Family::Ssl, "1001", "").await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Local);
}

// ---------------------------------------------------------------------------------------------
// Phase 2: SSL life cycle

fn csr_for(names: &[&str]) -> String {
    let kp = rcgen::KeyPair::generate().unwrap();
    let mut params =
        rcgen::CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, names[0]);
    params.serialize_request(&kp).unwrap().pem().unwrap()
}

fn field<'a>(d: &'a certdeck::model::CertDetail, label: &str) -> Option<&'a str> {
    d.fields
        .iter()
        .find(|(l, _)| l == label)
        .map(|(_, v)| v.as_str())
}

/// An OV profile, an organization, the mandatory custom fields, and a host name under a
/// domain the seeded data has issued certificates for.
async fn enroll_inputs(c: &SectigoClient, rows: &HashMap<String, Cert>) -> (EnrollRequest, String) {
    let profiles = c.profiles(Family::Ssl, None).await.expect("types");
    let ov = profiles
        .iter()
        .find(|p| p.name == "OV SSL")
        .or_else(|| {
            profiles
                .iter()
                .find(|p| !p.name.contains("Wildcard") && !p.name.contains("EV"))
        })
        .expect("a single-name profile");
    assert!(!ov.terms.is_empty());
    assert!(!ov.key_types.is_empty());
    let custom: Vec<(String, String)> = c
        .custom_field_defs(Family::Ssl)
        .await
        .expect("customFields")
        .into_iter()
        .filter(|f| f.mandatory)
        .map(|f| (f.name, "from-test".to_string()))
        .collect();
    let issued = rows
        .values()
        .find(|r| r.status == CertStatus::Issued && !r.common_name.starts_with('*'))
        .unwrap();
    let issued_cn = issued.common_name.clone();
    // The organization of a seeded certificate.
    let (_, d) = c.detail(Family::Ssl, &issued.id).await.unwrap();
    let org_id: i64 = field(&d, "Organization id").unwrap().parse().unwrap();
    let parent = issued_cn.split_once('.').map(|x| x.1).unwrap_or(&issued_cn);
    let host = format!("certdeck-test.{parent}");
    let req = EnrollRequest {
        org_id,
        profile_id: ov.id,
        term_days: ov.terms[0],
        csr: csr_for(&[&host]),
        sans: vec![host.clone()],
        comments: Some("enrolled by the client test".into()),
        custom_fields: custom,
        ..Default::default()
    };
    (req, host)
}

#[tokio::test]
async fn enroll_approve_issue_and_revoke() {
    let emu = emulator(20).await;
    emu.set_issue_delay(Duration::ZERO);
    let c = client(&emu);
    let rows = all_rows(&c).await;
    let (req, host) = enroll_inputs(&c, &rows).await;
    let before = c.count(Family::Ssl).await.unwrap();
    let en = c.enroll_ssl(&req).await.expect("enroll");
    assert!(en.renew_id.as_deref().is_some_and(|r| !r.is_empty()));
    assert_eq!(c.count(Family::Ssl).await.unwrap(), before + 1);

    let (cert, d) = c.detail(Family::Ssl, &en.id).await.unwrap();
    assert_eq!(cert.status, CertStatus::Requested, "{cert:?}");
    assert_eq!(cert.common_name, host);
    assert_eq!(field(&d, "Comments"), Some("enrolled by the client test"));
    assert!(
        d.body_note
            .as_deref()
            .unwrap()
            .starts_with("not issued yet")
    );

    c.approve(Family::Ssl, &en.id, "approved by test")
        .await
        .expect("approve");
    let (cert, d) = c.detail(Family::Ssl, &en.id).await.unwrap();
    assert_eq!(cert.status, CertStatus::Issued, "{cert:?}");
    assert_eq!(leaf_cn(d.body_pem.as_deref().expect("body")), host);
    assert!(cert.expires.is_some());

    // Approving twice is refused with the documented code.
    let e = c.approve(Family::Ssl, &en.id, "again").await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Rejected);
    assert_eq!(e.code, Some(-1112));
    assert!(e.message.contains("approved"), "{}", e.message);

    c.revoke(
        Family::Ssl,
        &en.id,
        RevokeReason::KeyCompromise,
        "test revocation",
    )
    .await
    .expect("revoke");
    let (cert, d) = c.detail(Family::Ssl, &en.id).await.unwrap();
    assert_eq!(cert.status, CertStatus::Revoked);
    assert_eq!(field(&d, "Revocation reason"), Some("key compromise (1)"));
    let e = c
        .revoke(Family::Ssl, &en.id, RevokeReason::KeyCompromise, "again")
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Rejected);
    assert!(e.code.is_some());
    // SSL revocation needs a reason text: refused before sending.
    let e = c
        .revoke(Family::Ssl, &en.id, RevokeReason::Superseded, " ")
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Local);
}

#[tokio::test]
async fn decline_renew_replace_and_delete() {
    let emu = emulator(30).await;
    emu.set_issue_delay(Duration::ZERO);
    let c = client(&emu);
    let rows = all_rows(&c).await;
    let (req, host) = enroll_inputs(&c, &rows).await;

    // Decline a fresh request.
    let en = c.enroll_ssl(&req).await.unwrap();
    c.decline(Family::Ssl, &en.id, "not needed")
        .await
        .expect("decline");
    assert_eq!(
        c.detail(Family::Ssl, &en.id).await.unwrap().0.status,
        CertStatus::Declined
    );

    // Renew an issued certificate by id: a new request appears, the old one is marked.
    let issued = rows
        .values()
        .find(|r| r.status == CertStatus::Issued)
        .unwrap()
        .clone();
    let renewed = c.renew(Family::Ssl, &issued.id).await.expect("renewById");
    let new_id = renewed.expect("renewById names the new id").id;
    assert_ne!(new_id, issued.id);
    let (new_cert, _) = c.detail(Family::Ssl, &new_id).await.unwrap();
    assert_eq!(new_cert.common_name, issued.common_name);
    let (_, old) = c.detail(Family::Ssl, &issued.id).await.unwrap();
    assert_eq!(field(&old, "Renewed"), Some("yes"));

    // Renew with the token from enrolment (only issued certificates renew), and mark renewed
    // by hand.
    let en2 = c.enroll_ssl(&req).await.unwrap();
    let e = c
        .renew_by_renew_id(en2.renew_id.as_deref().unwrap(), None)
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.code), (ErrorKind::Rejected, Some(-105)), "{e}");
    c.approve(Family::Ssl, &en2.id, "ok").await.unwrap();
    c.renew_by_renew_id(en2.renew_id.as_deref().unwrap(), None)
        .await
        .expect("renew by token");
    let e = c
        .renew_by_renew_id("no-such-token-xxxxxx", None)
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Rejected);
    let other = rows
        .values()
        .filter(|r| r.status == CertStatus::Issued && r.id != issued.id)
        .nth(1)
        .unwrap()
        .clone();
    c.mark_renewed(&other.id, Some(&new_id))
        .await
        .expect("mark renewed");
    assert_eq!(
        field(
            &c.detail(Family::Ssl, &other.id).await.unwrap().1,
            "Renewed"
        ),
        Some("yes")
    );

    // Replace an issued certificate with a new CSR.
    let target = rows
        .values()
        .filter(|r| r.status == CertStatus::Issued && r.id != issued.id && r.id != other.id)
        .find(|r| !r.common_name.starts_with('*'))
        .unwrap()
        .clone();
    let replace = ReplaceRequest {
        csr: csr_for(&[&target.common_name]),
        reason: "key rotation".into(),
        ..Default::default()
    };
    c.replace(Family::Ssl, &target.id, &replace)
        .await
        .expect("replace");

    // Revoke by serial (colon-hex, URL-encoded in the path).
    let by_serial = rows
        .values()
        .filter(|r| r.status == CertStatus::Issued && r.serial.is_some())
        .find(|r| ![&issued.id, &other.id, &target.id].contains(&&r.id))
        .unwrap()
        .clone();
    c.revoke_by_serial(
        Family::Ssl,
        by_serial.serial.as_deref().unwrap(),
        RevokeReason::CessationOfOperation,
        "decommissioned",
    )
    .await
    .expect("revoke by serial");
    assert_eq!(
        c.detail(Family::Ssl, &by_serial.id).await.unwrap().0.status,
        CertStatus::Revoked
    );

    // Deleting is allowed only for imported or discovered certificates.
    let mut refused = false;
    let mut deleted = false;
    let mut ids: Vec<&String> = rows.keys().collect();
    ids.sort();
    for id in ids {
        let (_, d) = c.detail(Family::Ssl, id).await.unwrap();
        let via = field(&d, "Requested via").unwrap_or_default().to_string();
        let deletable = via == "Imported" || via == "Discovery";
        if deletable && !deleted {
            c.delete(Family::Ssl, id).await.expect("delete imported");
            let e = c.detail(Family::Ssl, id).await.unwrap_err();
            assert_eq!(e.kind, ErrorKind::NotFound);
            deleted = true;
        } else if !deletable && !refused {
            let e = c.delete(Family::Ssl, id).await.unwrap_err();
            assert_eq!((e.kind, e.code), (ErrorKind::Rejected, Some(-3)), "{e}");
            refused = true;
        }
    }
    assert!(refused);
    let _ = host;
}

#[tokio::test]
async fn certificate_dcv_log_and_recheck() {
    let emu = emulator(10).await;
    let c = client(&emu);
    let rows = all_rows(&c).await;
    let issued = rows
        .values()
        .find(|r| r.status == CertStatus::Issued)
        .unwrap();
    let dcv = c.cert_dcv(&issued.id).await.expect("dcv");
    assert!(dcv.error.is_none());
    assert!(!dcv.log.is_empty(), "{dcv:?}");
    assert!(
        dcv.log
            .iter()
            .all(|l| !l.domain.is_empty() && !l.status.is_empty())
    );
    c.recheck_cert_dcv(&issued.id).await.expect("recheck 202");
    let e = c.cert_dcv("999999").await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
}

// ---------------------------------------------------------------------------------------------
// Phase 2: domain DCV, domains, organizations

#[tokio::test]
async fn domain_dcv_list_status_start_and_submit() {
    let emu = emulator(10).await;
    let c = client(&emu);
    let all = c.dcv_list(&DcvFilter::default()).await.expect("dcv list");
    assert!(!all.is_empty());
    let validated = c
        .dcv_list(&DcvFilter {
            dcv_status: Some("VALIDATED".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(!validated.is_empty());
    assert!(validated.len() < all.len(), "the filter is applied");
    assert!(
        validated
            .iter()
            .all(|v| v.status.eq_ignore_ascii_case("validated"))
    );
    let one = c
        .dcv_list(&DcvFilter {
            domain: Some(all[0].domain.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(one.iter().any(|v| v.domain == all[0].domain));

    let todo = all
        .iter()
        .find(|v| !v.status.eq_ignore_ascii_case("validated"))
        .expect("a domain that is not validated")
        .domain
        .clone();
    let st = c.dcv_status(&todo).await.expect("status");
    assert!(st.status.is_some());
    assert!(!st.fields.is_empty());

    let http = c
        .dcv_start(&todo, DcvMethod::Http)
        .await
        .expect("start http");
    let ins = http.instruction.expect("http instruction");
    assert!(
        ins.url
            .as_deref()
            .unwrap()
            .contains("/.well-known/pki-validation/"),
        "{ins:?}"
    );
    assert!(ins.file_content.as_deref().unwrap().contains("sectigo.com"));
    let cname = c
        .dcv_start(&todo, DcvMethod::Cname)
        .await
        .expect("start cname");
    let ins = cname.instruction.expect("cname instruction");
    assert!(ins.host.as_deref().unwrap().ends_with(&format!("{todo}.")));
    assert!(ins.point.as_deref().unwrap().ends_with("sectigo.com."));
    assert_eq!(
        c.dcv_start(&todo, DcvMethod::Txt).await.unwrap_err().kind,
        ErrorKind::Local
    );
    let emails = c.dcv_start_email(&[&todo]).await.expect("start email");
    assert!(!emails.emails.is_empty() || !emails.per_domain.is_empty());
    assert_eq!(
        c.dcv_submit(&todo, DcvMethod::Email, None)
            .await
            .unwrap_err()
            .kind,
        ErrorKind::Local
    );

    let sub = c
        .dcv_submit(&todo, DcvMethod::Cname, None)
        .await
        .expect("submit");
    assert_eq!(sub.order_status.as_deref(), Some("SUBMITTED"), "{sub:?}");
    emu.publish_dcv(&todo);
    let st = c.dcv_status(&todo).await.unwrap();
    assert!(
        st.status
            .as_deref()
            .unwrap()
            .eq_ignore_ascii_case("validated"),
        "{st:?}"
    );
    assert!(st.expires.is_some());
}

#[tokio::test]
async fn domains_organizations_and_delegations() {
    let emu = emulator(5).await;
    let c = client(&emu);
    let orgs = c.organizations().await.expect("organizations");
    assert!(!orgs.is_empty());
    assert!(orgs.iter().all(|o| o.id > 0 && !o.name.is_empty()));

    let domains = c.domains(None).await.expect("domains");
    assert!(!domains.is_empty());
    let d = c.domain(domains[0].id).await.expect("domain");
    assert_eq!(d.name, domains[0].name);
    assert!(!d.delegations.is_empty());
    let e = c.domain(987_654).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound, "{e}");

    // 201 + Location.
    let new = NewDomain {
        name: "certdeck-new.example".into(),
        description: Some("created by the client test".into()),
        active: true,
        org_id: orgs[0].id,
        cert_types: vec!["SSL".into()],
        privileges: vec!["DOMAIN".into(), "SUBDOMAIN".into()],
    };
    let id = c.create_domain(&new).await.expect("create");
    let d = c.domain(id).await.unwrap();
    assert_eq!(d.name, "certdeck-new.example");
    assert_eq!(d.delegations[0].org_id, orgs[0].id);
    assert!(c.domains(None).await.unwrap().iter().any(|x| x.id == id));
    let e = c.create_domain(&new).await.unwrap_err();
    assert_eq!((e.kind, e.code), (ErrorKind::Rejected, Some(-700)), "{e}");

    // Requested delegations: approve one, reject another.
    let mut requested = Vec::new();
    for dom in c.domains(None).await.unwrap() {
        let det = c.domain(dom.id).await.unwrap();
        for g in &det.delegations {
            if g.status
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case("requested"))
            {
                requested.push((dom.id, g.org_id));
            }
        }
    }
    assert!(
        !requested.is_empty(),
        "the demo data has requested delegations"
    );
    let (dom, org) = requested[0];
    c.approve_delegation(dom, org)
        .await
        .expect("approve delegation");
    let det = c.domain(dom).await.unwrap();
    let g = det.delegations.iter().find(|g| g.org_id == org).unwrap();
    assert!(
        g.status.as_deref().unwrap().eq_ignore_ascii_case("active"),
        "{g:?}"
    );
    let e = c.approve_delegation(dom, org).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Rejected, "{e}");
    if let Some(&(dom2, org2)) = requested.get(1) {
        c.reject_delegation(dom2, org2)
            .await
            .expect("reject delegation");
        let det = c.domain(dom2).await.unwrap();
        assert!(!det.delegations.iter().any(|g| {
            g.org_id == org2
                && g.status
                    .as_deref()
                    .is_some_and(|s| s.eq_ignore_ascii_case("requested"))
        }));
    }
}

#[tokio::test]
async fn enrolment_under_an_unvalidated_domain_waits_for_dcv() {
    let emu = emulator(10).await;
    emu.set_issue_delay(Duration::ZERO);
    let c = client(&emu);
    let rows = all_rows(&c).await;
    let (mut req, _) = enroll_inputs(&c, &rows).await;
    let todo = c
        .dcv_list(&DcvFilter::default())
        .await
        .unwrap()
        .into_iter()
        .find(|v| !v.status.eq_ignore_ascii_case("validated"))
        .expect("an unvalidated domain")
        .domain;
    let host = format!("www.{todo}");
    req.csr = csr_for(&[&host]);
    req.sans = vec![host.clone()];
    // Without a DCV mode SCM refuses: DCV is incomplete (-107).
    let e = c.enroll_ssl(&req).await.unwrap_err();
    assert_eq!((e.kind, e.code), (ErrorKind::Rejected, Some(-107)), "{e}");
    assert!(e.message.contains(&todo), "{}", e.message);

    req.dcv_mode = Some("CNAME".into());
    let en = c.enroll_ssl(&req).await.expect("enroll with DCV mode");
    let dcv = c.cert_dcv(&en.id).await.unwrap();
    let ins = dcv
        .instructions
        .iter()
        .find(|i| i.domain == todo)
        .expect("instructions for the domain");
    assert_eq!(ins.mode, "CNAME");
    assert!(ins.host.as_deref().unwrap().ends_with(&format!(".{todo}.")));
    c.approve(Family::Ssl, &en.id, "ok").await.unwrap();
    // Approved but not issued while DCV is pending.
    let (cert, _) = c.detail(Family::Ssl, &en.id).await.unwrap();
    assert_ne!(cert.status, CertStatus::Issued, "{cert:?}");

    emu.publish_dcv(&todo);
    c.recheck_cert_dcv(&en.id).await.unwrap();
    let dcv = c.cert_dcv(&en.id).await.unwrap();
    assert!(
        dcv.log
            .iter()
            .any(|l| l.domain == todo && l.status.eq_ignore_ascii_case("validated")),
        "{dcv:?}"
    );
    let (cert, d) = c.detail(Family::Ssl, &en.id).await.unwrap();
    assert_eq!(cert.status, CertStatus::Issued, "{cert:?}");
    assert_eq!(leaf_cn(d.body_pem.as_deref().unwrap()), host);
}

// ---------------------------------------------------------------------------------------------
// Phase 2: the report fast path, client and device families

fn progress_labels(log: &[ListUpdate]) -> Vec<(String, usize, usize)> {
    log.iter()
        .filter_map(|u| match u {
            ListUpdate::Progress { done, of, label } => Some((label.clone(), *done, *of)),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_forbidden_report_falls_back_to_detail_requests() {
    let emu = Arc::new(emulator(12).await);
    let c = client(&emu);
    let log = Arc::new(Mutex::new(Vec::new()));
    let (l2, e2) = (log.clone(), emu.clone());
    let sink: ListSink = Arc::new(move |u: ListUpdate| {
        if matches!(&u, ListUpdate::Progress { label, .. } if label == "loading") {
            // The request after the last page is the report.
            e2.inject(Fault::Status(403));
        }
        l2.lock().unwrap().push(u);
    });
    assert_eq!(c.list(Family::Ssl, sink).await.unwrap(), 12);
    let log = log.lock().unwrap().clone();
    let labels = progress_labels(&log);
    assert!(
        labels.contains(&("details".to_string(), 12, 12)),
        "{labels:?}"
    );
    let (rows, _) = upsert(&log);
    assert!(rows.values().all(|r| r.complete));
}

#[tokio::test]
async fn the_report_completes_the_inventory_in_one_request() {
    let emu = emulator(25).await;
    let c = client(&emu);
    let (sink, log) = recorder();
    assert_eq!(c.list(Family::Ssl, sink).await.unwrap(), 25);
    let log = log.lock().unwrap().clone();
    let labels = progress_labels(&log);
    assert!(
        labels.contains(&("report".to_string(), 25, 25)),
        "{labels:?}"
    );
    assert!(
        !labels.iter().any(|(l, _, of)| l == "details" && *of > 0),
        "{labels:?}"
    );
    let (rows, _) = upsert(&log);
    assert!(
        rows.values()
            .all(|r| r.complete && r.status != CertStatus::Unknown)
    );
    // The report agrees with the details.
    for r in rows.values().take(5) {
        let (fresh, _) = c.detail(Family::Ssl, &r.id).await.unwrap();
        assert_eq!(
            (fresh.status, fresh.expires),
            (r.status, r.expires),
            "{}",
            r.id
        );
        assert_eq!(fresh.profile, r.profile);
    }
    // Every row says how it came to be (what delete depends on), and agrees with its detail.
    assert!(
        rows.values()
            .all(|r| r.origin != certdeck::model::Origin::Unknown)
    );
    for r in rows.values() {
        let (fresh, _) = c.detail(Family::Ssl, &r.id).await.unwrap();
        assert_eq!(fresh.origin, r.origin, "{}", r.id);
    }
}

#[tokio::test]
async fn client_and_device_families_list_detail_and_collect() {
    let emu = emulator(5).await;
    let c = client(&emu);
    assert_eq!(
        c.families(),
        vec![Family::Ssl, Family::Client, Family::Device]
    );
    for fam in [Family::Client, Family::Device] {
        let (sink, log) = recorder();
        let n = c
            .list(fam, sink)
            .await
            .unwrap_or_else(|e| panic!("{fam:?}: {e}"));
        assert!(n > 0, "{fam:?} has demo data");
        let log = log.lock().unwrap().clone();
        let (rows, _) = upsert(&log);
        assert_eq!(rows.len(), n);
        assert!(
            rows.values()
                .all(|r| r.family == fam && r.complete && r.status != CertStatus::Unknown),
            "{fam:?}"
        );
        assert_eq!(c.count(fam).await.unwrap(), n);
        let issued = rows
            .values()
            .find(|r| r.status == CertStatus::Issued)
            .unwrap_or_else(|| panic!("{fam:?}: an issued certificate"));
        let (cert, d) = c.detail(fam, &issued.id).await.unwrap();
        assert_eq!(cert.status, CertStatus::Issued);
        assert_eq!(
            cert.expires, issued.expires,
            "{fam:?}: list and details agree"
        );
        assert_eq!(field(&d, "Id"), Some(issued.id.as_str()));
        let pem = d.body_pem.as_deref().expect("body");
        assert_eq!(pem_blocks(pem, "CERTIFICATE"), 1);
        let bin = c.collect(fam, &issued.id, "bin").await.unwrap();
        assert_eq!(bin[0], 0x30);
        assert!(!c.profiles(fam, None).await.unwrap().is_empty(), "{fam:?}");
        c.custom_field_defs(fam).await.unwrap();
        let e = c.detail(fam, "987654").await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound, "{fam:?}: {e}");
    }
}

#[tokio::test]
async fn client_and_device_workflows() {
    let emu = emulator(5).await;
    emu.set_issue_delay(Duration::ZERO);
    let c = client(&emu);
    let rows_of = |fam| {
        let c = &c;
        async move {
            let (sink, log) = recorder();
            c.list(fam, sink).await.unwrap();
            let log = log.lock().unwrap().clone();
            upsert(&log).0
        }
    };
    // Client certificates: no approval step; revoke without a reason text; renew by id.
    let clients = rows_of(Family::Client).await;
    let issued: Vec<Cert> = clients
        .values()
        .filter(|r| r.status == CertStatus::Issued)
        .cloned()
        .collect();
    assert!(issued.len() >= 2);
    let e = c
        .approve(Family::Client, &issued[0].id, "x")
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unsupported);
    c.revoke(Family::Client, &issued[0].id, RevokeReason::Unspecified, "")
        .await
        .expect("revoke client");
    assert_eq!(
        c.detail(Family::Client, &issued[0].id)
            .await
            .unwrap()
            .0
            .status,
        CertStatus::Revoked
    );
    let renewed = c
        .renew(Family::Client, &issued[1].id)
        .await
        .expect("renew client");
    assert!(renewed.is_some_and(|r| r.id != issued[1].id));

    // Device certificates: approve a request, revoke by order id, renew by order id.
    let devices = rows_of(Family::Device).await;
    if let Some(req) = devices.values().find(|r| r.status == CertStatus::Requested) {
        c.approve(Family::Device, &req.id, "ok")
            .await
            .expect("approve device");
        assert_ne!(
            c.detail(Family::Device, &req.id).await.unwrap().0.status,
            CertStatus::Requested
        );
    }
    let issued: Vec<Cert> = devices
        .values()
        .filter(|r| r.status == CertStatus::Issued)
        .cloned()
        .collect();
    assert!(issued.len() >= 2);
    c.revoke(
        Family::Device,
        &issued[0].id,
        RevokeReason::Superseded,
        "gone",
    )
    .await
    .expect("revoke device");
    assert_eq!(
        c.detail(Family::Device, &issued[0].id)
            .await
            .unwrap()
            .0
            .status,
        CertStatus::Revoked
    );
    let renewed = c
        .renew(Family::Device, &issued[1].id)
        .await
        .expect("renew device");
    assert!(renewed.is_some_and(|r| r.id != issued[1].id));
}

#[tokio::test]
async fn an_auth_failure_during_details_stops_the_list() {
    let emu = Arc::new(emulator(20).await);
    let mut s = settings(&emu);
    s.concurrency = 1;
    let c = SectigoClient::new(s).unwrap().with_retry(fast_retry(1));
    let e2 = emu.clone();
    let calls = Arc::new(Mutex::new(0usize));
    let c2 = calls.clone();
    let sink: ListSink = Arc::new(move |u: ListUpdate| {
        if matches!(&u, ListUpdate::Progress { label, .. } if label == "loading") {
            e2.inject(Fault::Status(403)); // the report
            e2.inject(Fault::Status(401)); // the first detail
        }
        if let ListUpdate::Progress { label, done, .. } = &u
            && label == "details"
        {
            *c2.lock().unwrap() = *done;
        }
    });
    let e = c.list(Family::Ssl, sink).await.unwrap_err();
    assert_eq!((e.kind, e.code), (ErrorKind::Auth, Some(-16)), "{e}");
    assert_eq!(*calls.lock().unwrap(), 1, "stopped after the first detail");
}

#[tokio::test]
async fn client_and_device_enrolment() {
    let emu = emulator(5).await;
    emu.set_issue_delay(Duration::ZERO);
    let c = client(&emu);
    let org = c.organizations().await.unwrap()[0].id;

    let profile = c.profiles(Family::Client, Some(org)).await.unwrap()[0].clone();
    let mandatory = |fam| {
        let c = &c;
        async move {
            c.custom_field_defs(fam)
                .await
                .unwrap()
                .into_iter()
                .filter(|f| f.mandatory)
                .map(|f| (f.name, "T-1".to_string()))
                .collect::<Vec<_>>()
        }
    };
    let req = ClientEnrollRequest {
        org_id: org,
        profile_id: profile.id,
        term_days: profile.terms.first().copied(),
        csr: csr_for(&["Ada Lovelace"]),
        email: "ada@example.org".into(),
        first_name: "Ada".into(),
        last_name: "Lovelace".into(),
        custom_fields: mandatory(Family::Client).await,
        comments: Some("client enrol test".into()),
        ..Default::default()
    };
    let en = c.enroll_client(&req).await.expect("enroll client");
    let (cert, d) = c.detail(Family::Client, &en.id).await.unwrap();
    assert_eq!(cert.family, Family::Client);
    assert_eq!(field(&d, "Comments"), Some("client enrol test"));
    assert!(cert.common_name.contains("Ada"), "{cert:?}");
    let e = c
        .enroll_client(&ClientEnrollRequest {
            email: String::new(),
            ..req.clone()
        })
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Local);

    let profile = c.profiles(Family::Device, None).await.unwrap()[0].clone();
    let dreq = DeviceEnrollRequest {
        org_id: org,
        profile_id: profile.id,
        term_days: None,
        csr: csr_for(&["printer-7.example.org"]),
        custom_fields: vec![],
        optional_fields: vec![("commonName".into(), "printer-7.example.org".into())],
        comments: None,
    };
    // The device custom field is mandatory in the demo data: -62 without it.
    if !mandatory(Family::Device).await.is_empty() {
        let e = c.enroll_device(&dreq).await.unwrap_err();
        assert_eq!((e.kind, e.code), (ErrorKind::Rejected, Some(-62)), "{e}");
    }
    let en = c
        .enroll_device(&DeviceEnrollRequest {
            custom_fields: mandatory(Family::Device).await,
            ..dreq
        })
        .await
        .expect("enroll device");
    let (cert, _) = c.detail(Family::Device, &en.id).await.unwrap();
    assert_eq!(cert.common_name, "printer-7.example.org");
    assert_eq!(cert.family, Family::Device);
}

// ---------------------------------------------------------------------------------------------
// Client-certificate login ("user login via client certificate", digest §1.2)
//
// The emulator speaks plain HTTP, so the TLS handshake in which the certificate is presented
// cannot be exercised here: these tests check everything around it (files, permissions, PEM
// and key checks done when reqwest/rustls load the identity, the `/private` paths and the
// headers sent), not that a TLS server receives the certificate.

/// A self-signed client certificate and its key, written to a temp dir (key mode 0600).
struct CertFiles {
    _dir: tempfile::TempDir,
    dir: std::path::PathBuf,
    cert: std::path::PathBuf,
    key: std::path::PathBuf,
    key_pem: String,
}

fn write_mode(path: &std::path::Path, text: &str, mode: u32) {
    std::fs::write(path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    #[cfg(not(unix))]
    let _ = mode;
}

fn cert_files() -> CertFiles {
    let ck = rcgen::generate_simple_self_signed(vec!["api-user.example".to_string()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("client.crt.pem");
    let key = dir.path().join("client.key.pem");
    let key_pem = ck.signing_key.serialize_pem();
    write_mode(&cert, &ck.cert.pem(), 0o644);
    write_mode(&key, &key_pem, 0o600);
    CertFiles {
        dir: dir.path().to_path_buf(),
        _dir: dir,
        cert,
        key,
        key_pem,
    }
}

fn cert_settings(url: &str, login: &str, customer: &str, id: ClientIdentity) -> SectigoSettings {
    let mut s = SectigoSettings::with_auth(
        "scm-cert",
        url,
        login,
        SectigoAuth::ClientCert(id),
        customer,
    );
    s.timeout = Duration::from_secs(10);
    s
}

/// The longest base64 line of a PEM text: something that must never show up in output.
fn secret_line(pem: &str) -> String {
    pem.lines().max_by_key(|l| l.len()).unwrap().to_string()
}

#[tokio::test]
async fn client_certificate_login_lists_over_private_without_a_password() {
    let emu = emulator(12).await;
    let f = cert_files();
    let id = ClientIdentity::from_files(&f.cert, &f.key).expect("identity loads");
    let s = cert_settings(&emu.base_url, &emu.login, &emu.customer_uri, id);
    let c = SectigoClient::new(s)
        .expect("client builds")
        .with_retry(fast_retry(2));
    // The emulator demands the password on /api/... and accepts login + customerUri only on
    // /private/api/...; this client has no password, so the list works only over /private.
    let rows = all_rows(&c).await;
    assert_eq!(rows.len(), 12);
    assert!(rows.values().all(|r| r.complete));
    let (id, row) = rows.iter().next().unwrap();
    let (fresh, _) = c.detail(Family::Ssl, id).await.unwrap();
    assert_eq!(fresh.common_name, row.common_name);

    // A wrong login on /private is still an auth error.
    let id = ClientIdentity::from_files(&f.cert, &f.key).unwrap();
    let bad = SectigoClient::new(cert_settings(
        &emu.base_url,
        "nobody",
        &emu.customer_uri,
        id,
    ))
    .unwrap()
    .with_retry(fast_retry(1));
    let e = bad.count(Family::Ssl).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Auth, "{e}");

    // Neither the settings, the client nor the identity show key material.
    let secret = secret_line(&f.key_pem);
    let shown = format!("{:?} {:?}", c, c.settings());
    assert!(!shown.contains(&secret), "{shown}");
    assert!(!shown.contains("PRIVATE KEY"), "{shown}");
    assert!(
        shown.contains("client.key.pem"),
        "the key file is named: {shown}"
    );
}

/// A loopback HTTP server that records every request head and answers with `answer(head)`.
async fn recording_server(
    answer: fn(&str) -> (u16, &'static str, &'static str),
) -> (String, Arc<Mutex<Vec<String>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let log2 = log.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                match sock.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            let head = String::from_utf8_lossy(&buf).to_string();
            let (status, total, body) = answer(&head);
            log2.lock().unwrap().push(head);
            let resp = format!(
                "HTTP/1.1 {status} X\r\nconnection: close\r\ncontent-type: application/json\r\n\
                 x-total-count: {total}\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
            let _ = sock.write_all(resp.as_bytes()).await;
            let _ = sock.shutdown().await;
        }
    });
    (format!("http://{addr}"), log)
}

#[tokio::test]
async fn client_certificate_login_sends_no_password_and_uses_private_paths() {
    let (url, log) = recording_server(|head| {
        if head.contains(" /private/api/ssl/v1?") || head.starts_with("HEAD /private/api/ssl/v1 ") {
            (200, "0", "[]")
        } else if head.contains(" /private/api/ssl/v1/7?") {
            (
                200,
                "1",
                r#"{"sslId":7,"commonName":"a.example","status":"Requested"}"#,
            )
        } else {
            (404, "0", r#"{"code":-1,"description":"Unknown error."}"#)
        }
    })
    .await;
    let f = cert_files();
    // Written with the prefix and /api: the client must not double either.
    for base in [url.clone(), format!("{url}/private/api/")] {
        log.lock().unwrap().clear();
        let id = ClientIdentity::from_files(&f.cert, &f.key).unwrap();
        let c = SectigoClient::new(cert_settings(&base, "cert-user", "acme", id))
            .unwrap()
            .with_retry(fast_retry(1));
        let (sink, _) = recorder();
        assert_eq!(c.list(Family::Ssl, sink).await.unwrap(), 0);
        let (cert, _) = c.detail(Family::Ssl, "7").await.unwrap();
        assert_eq!(cert.common_name, "a.example");
        let heads = log.lock().unwrap().clone();
        assert!(heads.len() >= 3, "{heads:?}");
        // The HEAD count, then the first page.
        assert!(
            heads[0].starts_with("HEAD /private/api/ssl/v1 HTTP/1.1"),
            "{}",
            heads[0]
        );
        assert!(
            heads[1].starts_with("GET /private/api/ssl/v1?size=200&position=0&"),
            "{}",
            heads[1]
        );
        for head in &heads {
            let lower = head.to_ascii_lowercase();
            let request_line = lower.lines().next().unwrap();
            assert!(request_line.contains(" /private/api/"), "{request_line}");
            assert!(!request_line.contains("/private/private"), "{request_line}");
            assert!(lower.contains("\r\nlogin: cert-user\r\n"), "{head}");
            assert!(lower.contains("\r\ncustomeruri: acme\r\n"), "{head}");
            assert!(
                !lower.contains("\r\npassword:"),
                "no password header: {head}"
            );
        }
    }
}

#[tokio::test]
async fn a_password_client_still_sends_the_password_without_private() {
    let (url, log) = recording_server(|_| (200, "0", "[]")).await;
    let c = SectigoClient::new(SectigoSettings::new(
        "scm",
        url,
        "admin",
        SecretString::from("pw-1".to_string()),
        "acme",
    ))
    .unwrap();
    let (sink, _) = recorder();
    c.list(Family::Ssl, sink).await.unwrap();
    let heads = log.lock().unwrap().clone();
    assert!(heads.len() >= 2, "{heads:?}");
    for (head, start) in heads.iter().zip(["head /api/ssl/v1 ", "get /api/ssl/v1?"]) {
        let head = head.to_ascii_lowercase();
        assert!(head.starts_with(start), "{head}");
        assert!(head.contains("\r\npassword: pw-1\r\n"), "{head}");
    }
}

fn config_err(text: &str) -> certdeck::config::ConfigError {
    certdeck::config::Config::from_str_named(text, "/etc/certdeck.toml").unwrap_err()
}

const SCM_HEAD: &str = "[[accounts]]\nname = 'scm'\nkind = 'sectigo'\nurl = 'https://cert-manager.com'\nlogin = 'u'\ncustomer_uri = 'c'\n";

#[test]
fn config_client_cert_and_key_come_together_and_exclude_passwords() {
    use certdeck::config::Config;
    // Both set, no password source: accepted; paths kept as written.
    let c = Config::from_str_named(
        &format!("{SCM_HEAD}client_cert = '/p/c.pem'\nclient_key = 'k.pem'\n"),
        "t",
    )
    .unwrap();
    let files = client_files(&c);
    assert_eq!(files.cert, std::path::Path::new("/p/c.pem"));
    assert_eq!(files.key, std::path::Path::new("k.pem"));
    assert!(c.accounts[0].keys.no_secret().is_some());

    // Only one of the two: the error names the missing key and the line of the other.
    let e = config_err(&format!("{SCM_HEAD}client_cert = '/p/c.pem'\n"));
    assert_eq!(e.problems.len(), 1, "{e}");
    let p = &e.problems[0];
    assert_eq!(p.key.as_deref(), Some("accounts[0].client_key"), "{e}");
    assert_eq!(p.line, Some(7), "{e}");
    let shown = e.to_string();
    assert!(
        shown.starts_with("config error in /etc/certdeck.toml, line 7"),
        "{shown}"
    );
    assert!(shown.contains("set both"), "{shown}");
    let e = config_err(&format!("{SCM_HEAD}client_key = '/p/k.pem'\n"));
    assert_eq!(
        e.problems[0].key.as_deref(),
        Some("accounts[0].client_cert"),
        "{e}"
    );

    // A password source as well: refused on that key's line.
    for (field, value) in [("password_env", "'V'"), ("password_command", "'pass x'")] {
        let e = config_err(&format!(
            "{SCM_HEAD}client_cert = 'c.pem'\nclient_key = 'k.pem'\n{field} = {value}\n"
        ));
        assert_eq!(e.problems.len(), 1, "{e}");
        assert_eq!(
            e.problems[0].key.as_deref(),
            Some(format!("accounts[0].{field}").as_str())
        );
        assert_eq!(e.problems[0].line, Some(9), "{e}");
        assert!(e.to_string().contains("sends no password"), "{e}");
    }

    // Empty values and other kinds.
    let e = config_err(&format!("{SCM_HEAD}client_cert = ''\nclient_key = 'k'\n"));
    assert_eq!(
        e.problems[0].key.as_deref(),
        Some("accounts[0].client_cert"),
        "{e}"
    );
    assert!(e.to_string().contains("client_cert is empty"), "{e}");
    let e = config_err(
        "[[accounts]]\nname='n'\nkind='iis'\nurl='https://h'\nclient_cert='c'\nclient_key='k'\n",
    );
    let keys: Vec<_> = e.problems.iter().map(|p| p.key.clone().unwrap()).collect();
    assert_eq!(
        keys,
        ["accounts[0].client_cert", "accounts[0].client_key"],
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("it is a key of kind \"sectigo\", not of \"iis\""),
        "{e}"
    );
}

#[test]
fn config_load_resolves_relative_certificate_paths_against_its_directory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("certdeck.toml");
    std::fs::write(
        &path,
        format!("{SCM_HEAD}client_cert = 'certs/c.pem'\nclient_key = '/abs/k.pem'\n"),
    )
    .unwrap();
    let c = certdeck::config::Config::load(&path).unwrap();
    let files = client_files(&c);
    assert_eq!(files.cert, dir.path().join("certs/c.pem"));
    assert_eq!(files.key, std::path::Path::new("/abs/k.pem"));
}

/// The client-certificate files of the config's first account, which is a Sectigo one.
fn client_files(c: &certdeck::config::Config) -> certdeck::provider::sectigo::config::ClientFiles {
    match &c.accounts[0].keys {
        certdeck::provider::registry::ProviderKeys::Sectigo(k) => {
            k.client_cert.clone().expect("a client certificate")
        }
        other => panic!("not a Sectigo account: {other:?}"),
    }
}

#[cfg(unix)]
#[test]
fn a_key_file_others_can_read_is_refused_naming_it() {
    use std::os::unix::fs::PermissionsExt;
    let f = cert_files();
    for mode in [0o644, 0o640, 0o604, 0o660] {
        std::fs::set_permissions(&f.key, std::fs::Permissions::from_mode(mode)).unwrap();
        let e = ClientIdentity::from_files(&f.cert, &f.key).unwrap_err();
        assert!(e.contains(&f.key.display().to_string()), "{e}");
        assert!(e.contains(&format!("permissions {mode:04o}")), "{e}");
        assert!(e.contains("too open"), "{e}");
        assert!(e.contains("chmod 600"), "{e}");
    }
    for mode in [0o600, 0o400] {
        std::fs::set_permissions(&f.key, std::fs::Permissions::from_mode(mode)).unwrap();
        ClientIdentity::from_files(&f.cert, &f.key).expect("a private key file is fine");
    }
}

#[test]
fn bad_certificate_and_key_files_are_clear_errors_naming_the_file() {
    let f = cert_files();
    let good_cert = std::fs::read_to_string(&f.cert).unwrap();
    let path = |name: &str| f.dir.join(name);
    let shown = |p: &std::path::Path| p.display().to_string();

    // Missing files.
    let e = ClientIdentity::from_files(&path("nope.pem"), &f.key).unwrap_err();
    assert!(
        e.contains(&shown(&path("nope.pem"))) && e.contains("No such file"),
        "{e}"
    );
    let e = ClientIdentity::from_files(&f.cert, &path("nokey.pem")).unwrap_err();
    assert!(e.contains(&shown(&path("nokey.pem"))), "{e}");
    // A directory.
    let e = ClientIdentity::from_files(&f.dir, &f.key).unwrap_err();
    assert!(
        e.contains("not a regular file") || e.contains("directory"),
        "{e}"
    );

    // Certificate file: not PEM, bad base64, not a certificate, holding a key.
    let cases: Vec<(&str, String, &str)> = vec![
        ("text.pem", "hello\n".into(), "holds no PEM certificate"),
        (
            "b64.pem",
            "-----BEGIN CERTIFICATE-----\n!!!notbase64!!!\n-----END CERTIFICATE-----\n".into(),
            "not valid PEM",
        ),
        (
            "notx509.pem",
            "-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n".into(),
            "not a valid X.509 certificate",
        ),
        (
            "open.pem",
            "-----BEGIN CERTIFICATE-----\nAAAA\n".into(),
            "has no -----END CERTIFICATE----- line",
        ),
        (
            "withkey.pem",
            format!("{good_cert}{}", f.key_pem),
            "also holds a private key",
        ),
    ];
    for (name, text, want) in &cases {
        let p = path(name);
        write_mode(&p, text, 0o644);
        let e = ClientIdentity::from_files(&p, &f.key).unwrap_err();
        assert!(e.contains(&shown(&p)), "{name}: {e}");
        assert!(e.contains(want), "{name}: {e}");
    }
    std::fs::write(path("bin.der"), [0x30u8, 0x82, 0xff, 0xfe, 0x00]).unwrap();
    let e = ClientIdentity::from_files(&path("bin.der"), &f.key).unwrap_err();
    assert!(e.contains("not PEM text"), "{e}");

    // Key file: no key, two keys, encrypted.
    let other = rcgen::KeyPair::generate().unwrap().serialize_pem();
    let cases: Vec<(&str, String, &str)> =
        vec![
        ("nokey.pem", good_cert.clone(), "holds no PEM private key"),
        ("two.pem", format!("{}{other}", f.key_pem), "holds 2 private keys"),
        (
            "enc.pem",
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"
                .into(),
            "is encrypted",
        ),
    ];
    for (name, text, want) in &cases {
        let p = path(name);
        write_mode(&p, text, 0o600);
        let e = ClientIdentity::from_files(&f.cert, &p).unwrap_err();
        assert!(e.contains(&shown(&p)), "{name}: {e}");
        assert!(e.contains(want), "{name}: {e}");
    }

    // Well-formed armour around a key that is not a key, and a key of another certificate:
    // the files load, and building the client (where rustls parses the key and checks that
    // it belongs to the certificate) fails with a local error naming both files.
    for (name, text, want) in [
        (
            "junk.key",
            "-----BEGIN PRIVATE KEY-----\naGVsbG8gd29ybGQ=\n-----END PRIVATE KEY-----\n"
                .to_string(),
            "failed to parse private key",
        ),
        (
            "other.key",
            other.clone(),
            "the private key does not belong to the certificate",
        ),
    ] {
        let p = path(name);
        write_mode(&p, &text, 0o600);
        let id = ClientIdentity::from_files(&f.cert, &p).expect("the armour is fine");
        let e = SectigoClient::new(cert_settings("https://cert-manager.com", "u", "c", id))
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Local, "{name}: {e}");
        assert!(e.message.contains(&shown(&f.cert)), "{name}: {e}");
        assert!(e.message.contains(&shown(&p)), "{name}: {e}");
        assert!(e.message.contains(want), "{name}: {e}");
        assert!(!e.to_string().contains("aGVsbG8"), "{name}: {e}");
        assert!(!e.to_string().contains(&secret_line(&other)), "{name}: {e}");
    }

    // The same file for both (certificate + key, mode 0600) is accepted.
    let both = path("both.pem");
    write_mode(&both, &format!("{good_cert}{}", f.key_pem), 0o600);
    let id = ClientIdentity::from_files(&both, &both).unwrap();
    SectigoClient::new(cert_settings("https://cert-manager.com", "u", "c", id)).unwrap();

    // Plain http to a non-loopback host would never present the certificate.
    let id = ClientIdentity::from_files(&f.cert, &f.key).unwrap();
    let e = SectigoClient::new(cert_settings("http://cert-manager.com", "u", "c", id)).unwrap_err();
    assert!(e.message.contains("https://"), "{e}");
}

#[tokio::test]
async fn session_reads_the_certificate_files_per_account_and_resolves_no_secret() {
    let emu = emulator(4).await;
    let f = cert_files();
    let bad_cert = f.dir.join("bad.pem");
    write_mode(&bad_cert, "not a certificate\n", 0o644);
    // Relative paths, resolved against the config file's directory by Config::load.
    let text = format!(
        "[[accounts]]\nname = 'good'\nkind = 'sectigo'\nurl = '{url}'\nlogin = '{login}'\n\
         customer_uri = '{cust}'\nclient_cert = 'client.crt.pem'\nclient_key = 'client.key.pem'\n\n\
         [[accounts]]\nname = 'bad'\nkind = 'sectigo'\nurl = '{url}'\nlogin = '{login}'\n\
         customer_uri = '{cust}'\nclient_cert = 'bad.pem'\nclient_key = 'client.key.pem'\n",
        url = emu.base_url,
        login = emu.login,
        cust = emu.customer_uri,
    );
    let cfg_path = f.dir.join("certdeck.toml");
    std::fs::write(&cfg_path, text).unwrap();
    let config = certdeck::config::Config::load(&cfg_path).unwrap();
    // No secret is given and none is configured: a password account would be unavailable
    // ("no secret: …"); certificate accounts never look for one.
    let prepared = certdeck::session::prepare(&config, &HashMap::new());
    assert_eq!(prepared.len(), 2);
    let good = &prepared[0].slot;
    assert!(good.unavailable.is_none(), "{:?}", good.unavailable);
    let provider = good.provider.clone().expect("a provider");
    let (sink, _) = recorder();
    assert_eq!(provider.list(Family::Ssl, sink).await.unwrap(), 4);
    let bad = &prepared[1].slot;
    assert!(bad.provider.is_none());
    let why = bad.unavailable.clone().unwrap();
    assert!(why.contains(&bad_cert.display().to_string()), "{why}");
    assert!(why.contains("holds no PEM certificate"), "{why}");
}

// --- TLS trust (tls_ca_file, tls_pin_sha256, tls_skip_verify) ---------------------------------

/// A loopback HTTPS server whose certificate (for 127.0.0.1 and localhost) is signed by a
/// fresh private CA. Every request gets an empty list. It records, per connection, whether
/// the client presented a certificate.
struct TlsSite {
    url: String,
    ca_pem: String,
    leaf_sha256: [u8; 32],
    client_certs: Arc<Mutex<Vec<bool>>>,
}

/// Asks for a client certificate but does not require one, and accepts any.
#[derive(Debug)]
struct AnyClientCert(rustls::crypto::WebPkiSupportedAlgorithms);

impl rustls::server::danger::ClientCertVerifier for AnyClientCert {
    fn root_hint_subjects(&self) -> &[rustls::DistinguishedName] {
        &[]
    }
    fn client_auth_mandatory(&self) -> bool {
        false
    }
    fn verify_client_cert(
        &self,
        _end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::server::danger::ClientCertVerified, rustls::Error> {
        Ok(rustls::server::danger::ClientCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.supported_schemes()
    }
}

async fn tls_site() -> TlsSite {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    use sha2::Digest;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf_params =
        CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
    let leaf = leaf_params.signed_by(&leaf_key, &issuer).unwrap();
    let leaf_sha256: [u8; 32] = sha2::Sha256::digest(leaf.der()).into();

    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = Arc::new(AnyClientCert(provider.signature_verification_algorithms));
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            vec![CertificateDer::from(leaf.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let client_certs = Arc::new(Mutex::new(Vec::new()));
    let seen = client_certs.clone();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let seen = seen.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(sock).await else {
                    return;
                };
                seen.lock()
                    .unwrap()
                    .push(tls.get_ref().1.peer_certificates().is_some());
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let resp = "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\n\
                            x-total-count: 0\r\ncontent-length: 2\r\n\r\n[]";
                let _ = tls.write_all(resp.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    TlsSite {
        url: format!("https://127.0.0.1:{}", addr.port()),
        ca_pem: ca_cert.pem(),
        leaf_sha256,
        client_certs,
    }
}

fn tls_client(url: &str, tls: TlsTrust) -> SectigoClient {
    let mut s = SectigoSettings::new(
        "scm-tls",
        url,
        "admin",
        SecretString::from("pw".to_string()),
        "acme",
    );
    s.timeout = Duration::from_secs(10);
    s.tls = tls;
    SectigoClient::new(s).unwrap().with_retry(fast_retry(1))
}

#[tokio::test]
async fn a_private_ca_is_refused_by_default_and_trusted_from_a_ca_file() {
    let site = tls_site().await;
    let e = tls_client(&site.url, TlsTrust::System)
        .count(Family::Ssl)
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Network, "{e}");
    assert!(
        e.message.to_ascii_lowercase().contains("certificate"),
        "{e}"
    );
    assert!(e.message.contains("set tls_ca_file"), "{e}");

    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &site.ca_pem).unwrap();
    let trust = TlsTrust::ca_file(&ca).unwrap();
    assert_eq!(
        tls_client(&site.url, trust)
            .count(Family::Ssl)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn a_pin_accepts_exactly_that_certificate_and_names_the_one_it_saw() {
    let site = tls_site().await;
    let ok = tls_client(&site.url, TlsTrust::Pin(site.leaf_sha256));
    assert_eq!(ok.count(Family::Ssl).await.unwrap(), 0);

    let e = tls_client(&site.url, TlsTrust::Pin([7; 32]))
        .count(Family::Ssl)
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Network, "{e}");
    assert!(e.message.contains("tls_pin_sha256"), "{e}");
    let seen = certdeck::provider::tls::fingerprint(&site.leaf_sha256);
    assert!(e.message.contains(&seen), "{e}");
}

#[tokio::test]
async fn skip_verify_accepts_any_certificate() {
    let site = tls_site().await;
    let c = tls_client(&site.url, TlsTrust::Insecure);
    assert_eq!(c.count(Family::Ssl).await.unwrap(), 0);
}

#[tokio::test]
async fn a_pinned_server_still_gets_the_client_certificate() {
    let site = tls_site().await;
    let f = cert_files();
    let id = ClientIdentity::from_files(&f.cert, &f.key).unwrap();
    let mut s = cert_settings(&site.url, "cert-user", "acme", id);
    s.tls = TlsTrust::Pin(site.leaf_sha256);
    let c = SectigoClient::new(s).unwrap().with_retry(fast_retry(1));
    assert_eq!(c.count(Family::Ssl).await.unwrap(), 0);
    assert_eq!(*site.client_certs.lock().unwrap(), vec![true]);

    // And with a CA file.
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &site.ca_pem).unwrap();
    let id = ClientIdentity::from_files(&f.cert, &f.key).unwrap();
    let mut s = cert_settings(&site.url, "cert-user", "acme", id);
    s.tls = TlsTrust::ca_file(&ca).unwrap();
    let c = SectigoClient::new(s).unwrap().with_retry(fast_retry(1));
    assert_eq!(c.count(Family::Ssl).await.unwrap(), 0);
    assert_eq!(*site.client_certs.lock().unwrap(), vec![true, true]);
}

#[tokio::test]
async fn a_server_that_goes_away_during_details_stops_the_list_soon() {
    let emu = Arc::new(emulator(40).await);
    let mut s = settings(&emu);
    s.concurrency = 2;
    let c = SectigoClient::new(s).unwrap().with_retry(fast_retry(1));
    let e2 = emu.clone();
    let sink: ListSink = Arc::new(move |u: ListUpdate| {
        if matches!(&u, ListUpdate::Progress { label, .. } if label == "loading") {
            // The report, then every detail: the connection breaks each time.
            for _ in 0..60 {
                e2.inject(Fault::Drop);
            }
        }
    });
    let e = c.list(Family::Ssl, sink).await.unwrap_err();
    emu.clear_faults();
    assert_eq!(e.kind, ErrorKind::Network, "{e}");
    assert!(
        e.message.contains("4 connection failures in a row"),
        "{}",
        e.message
    );
    let details = emu
        .requests()
        .iter()
        .filter(|r| {
            r.strip_prefix("GET /api/ssl/v1/")
                .is_some_and(|id| id.chars().all(|c| c.is_ascii_digit()))
        })
        .count();
    assert!(details <= 6, "{details} detail requests before stopping");
}

#[tokio::test]
async fn an_unreachable_server_fails_the_list_at_the_count() {
    // A port nothing listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = SectigoClient::new(SectigoSettings::new(
        "scm-down",
        format!("http://127.0.0.1:{port}"),
        "admin",
        SecretString::from("pw".to_string()),
        "acme",
    ))
    .unwrap()
    .with_retry(fast_retry(1));
    let (sink, log) = recorder();
    let e = c.list(Family::Ssl, sink).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Network, "{e}");
    assert_eq!(e.operation, "count SSL certificates");
    assert!(log.lock().unwrap().is_empty(), "no page was asked for");
}

// ---------------------------------------------------------------------------------------------
// The harness's faults: truncated bodies, hangs, Retry-After, refused and expired credentials

/// Detail requests (`GET /api/ssl/v1/{id}`) the emulator saw.
fn detail_requests(emu: &SectigoEmulator) -> usize {
    emu.requests()
        .iter()
        .filter(|r| {
            r.strip_prefix("GET /api/ssl/v1/")
                .is_some_and(|id| id.chars().all(|c| c.is_ascii_digit()))
        })
        .count()
}

#[tokio::test]
async fn a_truncated_report_falls_back_to_detail_requests() {
    let emu = emulator(12).await;
    let c = client(&emu);
    emu.inject(Fault::TruncatedBody.on("/api/report/v1/ssl-certificates"));
    let (sink, log) = recorder();
    assert_eq!(c.list(Family::Ssl, sink).await.unwrap(), 12);
    emu.wait_idle().await;
    // The report was sent once and broke off (not retried: it is read as it arrives) ...
    let reports: Vec<_> = emu
        .log()
        .requests()
        .into_iter()
        .filter(|r| r.path_only() == "/api/report/v1/ssl-certificates")
        .collect();
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(emu.harness().pending_faults().is_empty());
    // ... and the rows it did not complete were completed by detail requests.
    let log = log.lock().unwrap().clone();
    let labels = progress_labels(&log);
    let details = detail_requests(&emu);
    assert!(details > 0 && details <= 12, "{details}");
    assert!(
        labels.contains(&("details".to_string(), details, details)),
        "{labels:?}"
    );
    let (rows, _) = upsert(&log);
    assert_eq!(rows.len(), 12);
    assert!(
        rows.values()
            .all(|r| r.complete && r.status != CertStatus::Unknown)
    );
}

#[tokio::test]
async fn a_truncated_list_page_is_retried_then_fails_naming_the_broken_connection() {
    let emu = emulator(5).await;
    let c = client(&emu);
    // Once: the page is read again and the list completes.
    emu.inject(Fault::TruncatedBody.on("/api/ssl/v1"));
    let (sink, _) = recorder();
    assert_eq!(c.list(Family::Ssl, sink).await.unwrap(), 5);
    // As often as the client tries (3 attempts): the list fails with a network error.
    let before = emu.log().arrived();
    emu.inject(Fault::TruncatedBody.on("/api/ssl/v1").times(3));
    let (sink, log) = recorder();
    let e = c.list(Family::Ssl, sink).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Network, "{e}");
    assert_eq!(e.operation, "list SSL certificates");
    let host = emu.base_url.trim_start_matches("http://");
    assert!(
        e.message
            .starts_with(&format!("connection to {host} failed:")),
        "{}",
        e.message
    );
    assert!(e.message.contains("body"), "{}", e.message);
    // The count, then three attempts at the first page.
    let calls: Vec<String> = emu
        .log()
        .requests()
        .iter()
        .filter(|r| r.seq >= before)
        .map(|r| format!("{} {}", r.method, r.path_only()))
        .collect();
    assert_eq!(
        calls,
        vec![
            "HEAD /api/ssl/v1",
            "GET /api/ssl/v1",
            "GET /api/ssl/v1",
            "GET /api/ssl/v1"
        ]
    );
    assert!(
        !log.lock()
            .unwrap()
            .iter()
            .any(|u| matches!(u, ListUpdate::Rows(_))),
        "no row from a broken page"
    );
}

#[tokio::test]
async fn a_truncated_enrolment_answer_is_an_unknown_outcome() {
    let emu = emulator(20).await;
    let c = client(&emu);
    let rows = all_rows(&c).await;
    let (req, host) = enroll_inputs(&c, &rows).await;
    let before = c.count(Family::Ssl).await.unwrap();
    emu.inject(Fault::TruncatedBody.on("/api/ssl/v1/enroll"));
    let e = c.enroll_ssl(&req).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnknownOutcome, "{e}");
    assert!(e.message.contains("may or may not"), "{}", e.message);
    assert!(e.message.contains("failed"), "{}", e.message);
    assert!(e.operation.contains("enrol"), "{}", e.operation);
    // Sent once (a mutation is not sent again) — and it did happen.
    let enrolls = emu
        .requests()
        .iter()
        .filter(|r| *r == "POST /api/ssl/v1/enroll")
        .count();
    assert_eq!(enrolls, 1);
    assert_eq!(c.count(Family::Ssl).await.unwrap(), before + 1);
    let after = all_rows(&c).await;
    assert!(after.values().any(|r| r.common_name == host));
}

#[tokio::test]
async fn a_hanging_read_ends_at_the_clients_time_limit() {
    let emu = emulator(3).await;
    let mut s = settings(&emu);
    s.timeout = Duration::from_millis(300);
    let c = SectigoClient::new(s).unwrap().with_retry(fast_retry(3));
    let id = all_rows(&c).await.keys().next().unwrap().clone();
    emu.inject(Fault::Hang.on(format!("/api/ssl/v1/{id}")));
    let started = std::time::Instant::now();
    let e = c.detail(Family::Ssl, &id).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Network, "{e}");
    let host = emu.base_url.trim_start_matches("http://");
    assert_eq!(e.message, format!("no answer from {host} within 0.3 s"));
    // A timed-out read is not sent again.
    assert!(started.elapsed() < Duration::from_secs(5));
    emu.wait_idle().await;
    let hung: Vec<_> = emu
        .log()
        .requests()
        .into_iter()
        .filter(|r| r.path_only() == format!("/api/ssl/v1/{id}"))
        .collect();
    assert_eq!(hung.len(), 1, "{hung:?}");
    assert_eq!(hung[0].status, None, "never answered");
    assert!(c.detail(Family::Ssl, &id).await.is_ok());
}

#[tokio::test]
async fn a_429_on_a_read_is_retried_after_the_servers_retry_after() {
    let emu = emulator(3).await;
    let waits = Arc::new(Mutex::new(Vec::<Duration>::new()));
    let w2 = waits.clone();
    let sleeper: certdeck::provider::http::Sleeper = Arc::new(move |d| {
        w2.lock().unwrap().push(d);
        Box::pin(async {})
    });
    let c = SectigoClient::new(settings(&emu))
        .unwrap()
        .with_retry(RetryPolicy {
            attempts: 3,
            base_delay: Duration::from_millis(250),
            max_retry_after: Duration::from_secs(10),
        })
        .with_sleeper(sleeper);
    let id = all_rows(&c).await.keys().next().unwrap().clone();
    waits.lock().unwrap().clear();
    emu.inject(Fault::RetryAfter { secs: 2 });
    let (cert, _) = c.detail(Family::Ssl, &id).await.expect("retried");
    assert_eq!(cert.id, id);
    // The header's two seconds, not the policy's 250 ms.
    assert_eq!(*waits.lock().unwrap(), vec![Duration::from_secs(2)]);
    let answered: Vec<Option<u16>> = emu
        .log()
        .requests()
        .iter()
        .filter(|r| r.path_only() == format!("/api/ssl/v1/{id}"))
        .map(|r| r.status)
        .collect();
    assert_eq!(answered, vec![Some(429), Some(200)]);
    // A Retry-After above the policy's bound is cut to it.
    waits.lock().unwrap().clear();
    emu.inject(Fault::RetryAfter { secs: 3600 });
    assert!(c.detail(Family::Ssl, &id).await.is_ok());
    assert_eq!(*waits.lock().unwrap(), vec![Duration::from_secs(10)]);
}

#[tokio::test]
async fn refused_credentials_are_an_auth_error_sent_once() {
    let emu = emulator(3).await;
    let id = all_rows(&client(&emu)).await.keys().next().unwrap().clone();
    let mut s = settings(&emu);
    s.auth = SectigoAuth::Password(SecretString::from("not-the-password".to_string()));
    let c = SectigoClient::new(s).unwrap().with_retry(fast_retry(3));
    let before = emu.seen_with_status(401).len();
    let e = c.detail(Family::Ssl, &id).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Auth, "{e}");
    assert_eq!((e.http_status, e.code), (Some(401), Some(-16)));
    assert_eq!(e.operation, format!("get SSL certificate {id}"));
    // Not retried: one request, answered 401.
    assert_eq!(emu.seen_with_status(401).len(), before + 1);
    let e = c.approve(Family::Ssl, &id, "no").await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Auth, "{e}");
    assert_eq!(emu.seen_with_status(401).len(), before + 2);
}

#[tokio::test]
async fn an_expired_session_is_refused_once_then_the_next_request_works() {
    let emu = emulator(3).await;
    let c = client(&emu);
    let id = all_rows(&c).await.keys().next().unwrap().clone();
    // SCM has no sessions: the credentials of the next authorised request are refused once.
    emu.inject(Fault::ExpireSession);
    let e = c.detail(Family::Ssl, &id).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Auth, "{e}");
    assert_eq!((e.http_status, e.code), (Some(401), Some(-16)));
    assert!(emu.harness().pending_faults().is_empty());
    assert!(c.detail(Family::Ssl, &id).await.is_ok());
    // During a list: a refused count is passed over (the first page gives the total) ...
    emu.inject(Fault::ExpireSession.on("/api/ssl/v1"));
    let (sink, log) = recorder();
    assert_eq!(c.list(Family::Ssl, sink).await.unwrap(), 3);
    assert!(
        log.lock()
            .unwrap()
            .iter()
            .any(|u| matches!(u, ListUpdate::Total(3)))
    );
    let refused: Vec<String> = emu
        .seen_with_status(401)
        .iter()
        .map(|r| format!("{} {}", r.method, r.path_only()))
        .collect();
    assert_eq!(
        refused,
        vec![format!("GET /api/ssl/v1/{id}"), "HEAD /api/ssl/v1".into()]
    );
    // ... a refused page stops the list with the auth error.
    emu.inject(Fault::ExpireSession.on("/api/ssl/v1").times(2));
    let (sink, _) = recorder();
    let e = c.list(Family::Ssl, sink).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Auth, "{e}");
    assert_eq!(e.code, Some(-16));
    assert_eq!(emu.seen_with_status(401).len(), 4);
}
