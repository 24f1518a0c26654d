//! Tests of the SCM emulator through a real loopback server and reqwest.

use super::*;
use serde_json::Value;
use x509_parser::prelude::{FromDer, X509Certificate};

struct T {
    emu: SectigoEmulator,
    http: reqwest::Client,
}

impl T {
    async fn new() -> T {
        T::with(SectigoOptions::for_tests()).await
    }

    async fn with(opts: SectigoOptions) -> T {
        let emu = SectigoEmulator::start(opts).await.unwrap();
        T {
            emu,
            http: reqwest::Client::new(),
        }
    }

    fn req(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{}", self.emu.base_url, path))
            .header("login", &self.emu.login)
            .header("password", &self.emu.password)
            .header("customerUri", &self.emu.customer_uri)
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.req(reqwest::Method::GET, path).send().await.unwrap()
    }

    async fn get_json(&self, path: &str) -> (u16, Value) {
        let r = self.get(path).await;
        let status = r.status().as_u16();
        (status, r.json().await.unwrap())
    }

    /// All SSL list items.
    async fn all(&self) -> Vec<Value> {
        let (s, v) = self.get_json("/api/ssl/v1").await;
        assert_eq!(s, 200);
        v.as_array().unwrap().clone()
    }

    async fn details(&self, id: i64) -> Value {
        let (s, v) = self.get_json(&format!("/api/ssl/v1/{id}")).await;
        assert_eq!(s, 200, "{v}");
        v
    }

    /// The first id whose details have this status.
    async fn first_with_status(&self, status: &str) -> i64 {
        let (_, v) = self
            .get_json(&format!("/api/ssl/v1?status={status}&size=1"))
            .await;
        v[0]["sslId"].as_i64().unwrap()
    }
}

fn total(r: &reqwest::Response) -> usize {
    r.headers()["X-Total-Count"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

fn pem_certs(text: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for p in x509_parser::pem::Pem::iter_from_buffer(text.as_bytes()) {
        let p = p.unwrap();
        assert_eq!(p.label, "CERTIFICATE");
        out.push(p.contents);
    }
    out
}

fn cn_of(der: &[u8]) -> String {
    let (_, c) = X509Certificate::from_der(der).unwrap();
    c.subject()
        .iter_common_name()
        .next()
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn paging_and_total_count() {
    let t = T::new().await;
    let all = t.all().await;
    assert_eq!(all.len(), 60);
    let r = t.get("/api/ssl/v1?size=10&position=5").await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"],
        "application/json;charset=UTF-8"
    );
    assert_eq!(total(&r), 60);
    let page: Vec<Value> = r.json().await.unwrap();
    assert_eq!(page.len(), 10);
    assert_eq!(page[..], all[5..15]);
    // Past the end: empty page, same total.
    let r = t.get("/api/ssl/v1?size=10&position=100").await;
    assert_eq!(total(&r), 60);
    assert_eq!(r.json::<Vec<Value>>().await.unwrap().len(), 0);
    // Empty values are no filter.
    let r = t
        .get("/api/ssl/v1?commonName=&status=&orgId=&size=&position=")
        .await;
    assert_eq!(total(&r), 60);
    // Bad numbers are a 400.
    let (s, v) = t.get_json("/api/ssl/v1?size=ten").await;
    assert_eq!(s, 400);
    assert_eq!(v["code"], -1601);
}

#[tokio::test]
async fn filters_and_head_count() {
    let t = T::new().await;
    let r = t.get("/api/ssl/v1?status=issued").await;
    let n = total(&r);
    let items: Vec<Value> = r.json().await.unwrap();
    assert_eq!(items.len(), n);
    assert!(n > 20 && n < 60, "issued count {n}");
    for it in &items {
        // Issued rows carry a serial; requests do not.
        assert!(it["serialNumber"].is_string());
        let d = t.details(it["sslId"].as_i64().unwrap()).await;
        assert_eq!(d["status"], "Issued");
    }
    let h = t
        .req(reqwest::Method::HEAD, "/api/ssl/v1?status=Issued")
        .send()
        .await
        .unwrap();
    assert_eq!(h.status(), 200);
    assert_eq!(total(&h), n);
    assert!(h.bytes().await.unwrap().is_empty());

    // commonName substring, case-insensitive.
    let name = items[0]["commonName"].as_str().unwrap().to_string();
    let piece = name.split('.').nth(1).unwrap().to_uppercase();
    let (_, v) = t.get_json(&format!("/api/ssl/v1?commonName={piece}")).await;
    let found = v.as_array().unwrap();
    assert!(!found.is_empty());
    assert!(found.iter().all(|i| {
        i["commonName"]
            .as_str()
            .unwrap()
            .to_uppercase()
            .contains(&piece)
    }));

    // serialNumber: with or without colons.
    let serial = items[0]["serialNumber"].as_str().unwrap().to_string();
    let bare = serial.replace(':', "");
    let (_, v) = t
        .get_json(&format!("/api/ssl/v1?serialNumber={bare}"))
        .await;
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["sslId"], items[0]["sslId"]);

    // sslTypeId and orgId.
    let d = t.details(items[0]["sslId"].as_i64().unwrap()).await;
    let type_id = d["certType"]["id"].as_i64().unwrap();
    let (_, v) = t
        .get_json(&format!("/api/ssl/v1?sslTypeId={type_id}"))
        .await;
    for it in v.as_array().unwrap() {
        let d = t.details(it["sslId"].as_i64().unwrap()).await;
        assert_eq!(d["certType"]["id"], type_id);
    }
    let org = d["orgId"].as_i64().unwrap();
    let r = t.get(&format!("/api/ssl/v1?orgId={org}")).await;
    assert!(total(&r) >= 1);
    let r = t.get("/api/ssl/v1?orgId=999999").await;
    assert_eq!(total(&r), 0);
}

#[tokio::test]
async fn auth_failures_are_401_minus_16() {
    let t = T::new().await;
    let r = t
        .http
        .get(format!("{}/api/ssl/v1", t.emu.base_url))
        .header("login", &t.emu.login)
        .header("password", "wrong")
        .header("customerUri", &t.emu.customer_uri)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        v,
        serde_json::json!({"code": -16, "description": "Unknown user"})
    );
    // No headers at all.
    let r = t
        .http
        .get(format!("{}/api/ssl/v1/types", t.emu.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // /private: login + customerUri only.
    let r = t
        .http
        .get(format!("{}/private/api/ssl/v1/types", t.emu.base_url))
        .header("login", &t.emu.login)
        .header("customerUri", &t.emu.customer_uri)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = t
        .http
        .get(format!("{}/private/api/ssl/v1/types", t.emu.base_url))
        .header("login", "someone-else")
        .header("customerUri", &t.emu.customer_uri)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // Debug output never shows the password.
    assert!(!format!("{:?}", t.emu).contains(&t.emu.password));
}

#[tokio::test]
async fn details_fields_and_date_formats() {
    let t = T::new().await;
    let id = t.first_with_status("Issued").await;
    let d = t.details(id).await;
    for k in [
        "commonName",
        "sslId",
        "id",
        "orgId",
        "status",
        "orderNumber",
        "backendCertId",
        "vendor",
        "certType",
        "validationType",
        "term",
        "owner",
        "ownerId",
        "requester",
        "requestedVia",
        "requested",
        "approved",
        "issued",
        "expires",
        "renewed",
        "serialNumber",
        "signatureAlg",
        "keyAlgorithm",
        "keySize",
        "keyType",
        "keyUsages",
        "extendedKeyUsages",
        "subjectAlternativeNames",
        "customFields",
        "certificateDetails",
        "autoInstallDetails",
        "autoRenewDetails",
        "suspendNotifications",
    ] {
        assert!(d.get(k).is_some(), "details lack {k}: {d}");
    }
    assert_eq!(d["sslId"], d["id"]);
    assert!(d.get("revoked").is_none(), "absent fields are omitted");
    assert!(d.get("declined").is_none());
    for k in ["terms", "keyTypes", "name", "id"] {
        assert!(d["certType"].get(k).is_some());
    }
    for k in [
        "issuer",
        "subject",
        "subjectAltNames",
        "md5Hash",
        "sha1Hash",
        "sha256Hash",
    ] {
        assert!(d["certificateDetails"][k].is_string(), "{k}");
    }
    let us = d["expires"].as_str().unwrap();
    assert_eq!(us.len(), 10);
    assert_eq!(&us[2..3], "/");
    assert_eq!(&us[5..6], "/");
    let (_, iso) = t
        .get_json(&format!("/api/ssl/v1/{id}?dateFormat=iso"))
        .await;
    let iso_exp = iso["expires"].as_str().unwrap();
    assert_eq!(
        iso_exp,
        format!("{}-{}-{}", &us[6..10], &us[0..2], &us[3..5])
    );
    let (_, eu) = t
        .get_json(&format!("/api/ssl/v1/{id}?dateFormat=dd.MM.yyyy"))
        .await;
    assert_eq!(
        eu["expires"].as_str().unwrap(),
        format!("{}.{}.{}", &us[3..5], &us[0..2], &us[6..10])
    );
    let (_, hms) = t
        .get_json(&format!("/api/ssl/v1/{id}?dateFormat=ISO_HMS"))
        .await;
    assert!(hms["expires"].as_str().unwrap().ends_with(".000Z"));
    let (s, v) = t
        .get_json(&format!("/api/ssl/v1/{id}?dateFormat=whenever"))
        .await;
    assert_eq!(s, 400);
    assert_eq!(v["code"], -1601);

    // A request has a CSR, no certificate.
    let rid = t.first_with_status("Requested").await;
    let r = t.details(rid).await;
    assert_eq!(r["status"], "Requested");
    assert!(r.get("certificateDetails").is_none());
    assert!(r.get("serialNumber").is_none());
    assert!(
        r["csrDetails"]["csr"]
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN CERTIFICATE REQUEST-----")
    );

    // Unknown and malformed ids.
    let (s, v) = t.get_json("/api/ssl/v1/999999").await;
    assert_eq!(s, 400);
    assert_eq!(
        v,
        serde_json::json!({"code": -124, "description": "Wrong SSL certificate id 999999."})
    );
    let (s, v) = t.get_json("/api/ssl/v1/abc").await;
    assert_eq!(s, 400);
    assert_eq!(v["code"], -124);
    // Unknown path.
    let (s, v) = t.get_json("/api/ssl/v9/whatever").await;
    assert_eq!(s, 404);
    assert_eq!(
        v,
        serde_json::json!({"code": -1, "description": "Unknown error."})
    );
}

#[tokio::test]
async fn collect_gives_real_certificates() {
    let t = T::new().await;
    let id = t.first_with_status("Issued").await;
    let d = t.details(id).await;

    let r = t
        .get(&format!("/api/ssl/v1/collect/{id}?format=x509CO"))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"],
        "application/octet-stream;charset=UTF-8"
    );
    let cd = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(cd.starts_with("attachment; filename=\""), "{cd}");
    let text = r.text().await.unwrap();
    let certs = pem_certs(&text);
    assert_eq!(certs.len(), 1);
    let (_, leaf) = X509Certificate::from_der(&certs[0]).unwrap();
    assert_eq!(cn_of(&certs[0]), d["commonName"].as_str().unwrap());
    let serial = crate::emulator::ca::colon_hex(leaf.raw_serial());
    assert_eq!(serial, d["serialNumber"].as_str().unwrap());
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&certs[0]));
    assert_eq!(sha, d["certificateDetails"]["sha256Hash"].as_str().unwrap());
    // SANs match the details.
    let san = leaf.subject_alternative_name().unwrap().unwrap().value;
    let names: Vec<String> = san
        .general_names
        .iter()
        .map(|g| match g {
            x509_parser::prelude::GeneralName::DNSName(n) => n.to_string(),
            other => format!("{other:?}"),
        })
        .collect();
    let want: Vec<String> = serde_json::from_value(d["subjectAlternativeNames"].clone()).unwrap();
    assert_eq!(names, want);
    assert!(!leaf.is_ca());

    // Full chain, and the legacy path form.
    let text = t
        .get(&format!("/api/ssl/v1/collect/{id}/x509"))
        .await
        .text()
        .await
        .unwrap();
    let chain = pem_certs(&text);
    assert_eq!(chain.len(), 3);
    assert_eq!(chain[0], certs[0]);
    assert_eq!(cn_of(&chain[1]), crate::emulator::ca::ISSUING_CN);
    assert_eq!(cn_of(&chain[2]), crate::emulator::ca::ROOT_CN);
    let io = pem_certs(
        &t.get(&format!("/api/ssl/v1/collect/{id}?format=x509IOR"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(io, vec![chain[2].clone(), chain[1].clone()]);

    // PKCS#7: PEM by default, DER with bin; both hold the leaf and the chain.
    let p7 = t
        .get(&format!("/api/ssl/v1/collect/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(p7.starts_with("-----BEGIN PKCS7-----"));
    let (_, pem) = x509_parser::pem::parse_x509_pem(p7.as_bytes()).unwrap();
    let bin = t
        .get(&format!("/api/ssl/v1/collect/{id}?format=bin"))
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(pem.contents, bin.to_vec());
    let (rest, obj) = x509_parser::der_parser::parse_der(&bin).unwrap();
    assert!(rest.is_empty());
    let seq = obj.as_sequence().unwrap();
    assert_eq!(
        seq[0].as_oid().unwrap().to_id_string(),
        "1.2.840.113549.1.7.2"
    );
    for c in &chain {
        assert!(bin.windows(c.len()).any(|w| w == &c[..]));
    }

    // Errors.
    let (s, v) = t
        .get_json(&format!("/api/ssl/v1/collect/{id}?format=docx"))
        .await;
    assert_eq!(s, 400);
    assert_eq!(v["code"], -126);
    let rid = t.first_with_status("Requested").await;
    let (s, v) = t
        .get_json(&format!("/api/ssl/v1/collect/{rid}?format=x509"))
        .await;
    assert_eq!(s, 400);
    assert_eq!(
        v,
        serde_json::json!({"code": -183, "description": "Certificate is not collectable."})
    );
    let vid = t.first_with_status("Revoked").await;
    let (s, v) = t
        .get_json(&format!("/api/ssl/v1/collect/{vid}?format=x509"))
        .await;
    assert_eq!(s, 400);
    assert_eq!(v["code"], -110);
}

#[tokio::test]
async fn leaf_chain_verifies() {
    let t = T::new().await;
    let id = t.first_with_status("Issued").await;
    let text = t
        .get(&format!("/api/ssl/v1/collect/{id}?format=x509"))
        .await
        .text()
        .await
        .unwrap();
    let chain = pem_certs(&text);
    let (_, leaf) = X509Certificate::from_der(&chain[0]).unwrap();
    let (_, int) = X509Certificate::from_der(&chain[1]).unwrap();
    let (_, root) = X509Certificate::from_der(&chain[2]).unwrap();
    leaf.verify_signature(Some(int.public_key())).unwrap();
    int.verify_signature(Some(root.public_key())).unwrap();
    root.verify_signature(None).unwrap();
    assert!(int.is_ca() && root.is_ca());
    let eku = leaf.extended_key_usage().unwrap().unwrap().value;
    assert!(eku.server_auth);
    let ku = leaf.key_usage().unwrap().unwrap().value;
    assert!(ku.digital_signature() && ku.key_encipherment());
}

#[tokio::test]
async fn types_and_custom_fields() {
    let t = T::new().await;
    let (s, v) = t.get_json("/api/ssl/v1/types?organizationId=").await;
    assert_eq!(s, 200);
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"OV SSL") && names.contains(&"EV SSL"));
    assert!(
        v[0]["terms"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!(365))
    );
    let (s, v) = t.get_json("/api/ssl/v1/customFields").await;
    assert_eq!(s, 200);
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|f| f["mandatory"] == true && f["name"].is_string())
    );
}

#[tokio::test]
async fn faults_apply_once_in_order() {
    let t = T::new().await;
    t.emu.inject(Fault::Status(503));
    let r = t.get("/api/ssl/v1?size=1").await;
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "1");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["code"], -195);

    t.emu.inject(Fault::MalformedBody);
    // HEAD has no JSON body: the fault waits for the next JSON response.
    let h = t
        .req(reqwest::Method::HEAD, "/api/ssl/v1")
        .send()
        .await
        .unwrap();
    assert_eq!(h.status(), 200);
    let r = t.get("/api/ssl/v1?size=3").await;
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");

    t.emu.inject(Fault::Drop);
    let res = t
        .req(reqwest::Method::GET, "/api/ssl/v1?size=3")
        .send()
        .await;
    match res {
        Err(_) => {}
        Ok(r) => assert!(r.bytes().await.is_err(), "the body should break"),
    }

    // Back to normal.
    let r = t.get("/api/ssl/v1?size=3").await;
    assert_eq!(r.json::<Vec<Value>>().await.unwrap().len(), 3);
}

#[tokio::test]
async fn latency_is_applied() {
    let mut o = SectigoOptions::for_tests();
    o.ssl_count = 3;
    o.latency = Duration::from_millis(120);
    let t = T::with(o).await;
    let start = Instant::now();
    t.get("/api/ssl/v1/types").await;
    assert!(start.elapsed() >= Duration::from_millis(120));
}

#[tokio::test]
async fn drop_and_shutdown_stop_the_server() {
    let t = T::new().await;
    let url = format!("{}/api/ssl/v1/types", t.emu.base_url);
    let addr = t.emu.base_url.trim_start_matches("http://").to_string();
    t.emu.shutdown().await;
    assert!(t.http.get(&url).send().await.is_err());
    assert!(tokio::net::TcpStream::connect(&addr).await.is_err());

    let emu = SectigoEmulator::start(SectigoOptions::for_tests())
        .await
        .unwrap();
    let addr = emu.base_url.trim_start_matches("http://").to_string();
    let harness = emu.harness().clone();
    drop(emu);
    // The server stops on its own task: wait for its listener to close, then nothing
    // listens on the port.
    harness.wait_closed().await;
    assert!(
        tokio::net::TcpStream::connect(&addr).await.is_err(),
        "the listener is still open after drop"
    );
}

#[test]
fn seeding_is_deterministic_and_fast() {
    let ca = DemoCa::new_at(TEST_NOW).unwrap();
    let start = Instant::now();
    let a = Db::seed(&ca, 7, TEST_NOW, 2000).unwrap();
    let took = start.elapsed();
    assert_eq!(a.ssl.len(), 2000);
    assert!(took < Duration::from_secs(4), "seeding 2,000 took {took:?}");
    let b = Db::seed(&ca, 7, TEST_NOW, 50).unwrap();
    for (x, y) in a.ssl.values().zip(b.ssl.values()) {
        assert_eq!(x.common_name, y.common_name);
        assert_eq!(x.status, y.status);
        assert_eq!(x.serial(), y.serial());
        assert_eq!(x.expires, y.expires);
    }
    let c = Db::seed(&ca, 8, TEST_NOW, 50).unwrap();
    assert!(
        a.ssl
            .values()
            .zip(c.ssl.values())
            .any(|(x, y)| x.common_name != y.common_name)
    );
    // Status spread and date ranges.
    use super::data::SslStatus as S;
    let count = |s: S| a.ssl.values().filter(|c| c.status == s).count();
    assert!(count(S::Issued) > 1200);
    for s in [
        S::Requested,
        S::Approved,
        S::Applied,
        S::Declined,
        S::Revoked,
        S::Expired,
    ] {
        assert!(count(s) > 5, "{s:?}");
    }
    for c in a.ssl.values() {
        match c.status {
            S::Issued => assert!(c.expires.unwrap() > TEST_NOW),
            S::Expired => assert!(c.expires.unwrap() < TEST_NOW),
            _ => {}
        }
        if let Some(e) = c.expires {
            assert!(e < TEST_NOW + 731 * data::DAY);
        }
        assert_eq!(c.status.has_certificate(), c.cert.is_some());
        assert_eq!(c.csr.is_some(), c.cert.is_none());
    }
    eprintln!("seeded 2,000 SSL certificates in {took:?}");
}

// ---- SSL workflows ------------------------------------------------------------------------

impl T {
    async fn post(&self, path: &str, body: Value) -> reqwest::Response {
        self.req(reqwest::Method::POST, path)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    async fn post_json(&self, path: &str, body: Value) -> (u16, Value) {
        let r = self.post(path, body).await;
        let s = r.status().as_u16();
        let text = r.text().await.unwrap();
        (s, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn status_of(&self, id: i64) -> String {
        self.details(id).await["status"]
            .as_str()
            .unwrap()
            .to_string()
    }

    async fn wait_status(&self, id: i64, want: &str) {
        for _ in 0..100 {
            if self.status_of(id).await == want {
                return;
            }
            self.emu.advance(Duration::from_millis(20));
        }
        panic!("{id} never reached {want}: {}", self.details(id).await);
    }
}

fn csr_for(cn: &str) -> (rcgen::KeyPair, String) {
    let key = rcgen::KeyPair::generate().unwrap();
    let csr = crate::emulator::ca::make_csr_pem(&key, cn, &[cn.to_string()]).unwrap();
    (key, csr)
}

fn enroll_body(csr: &str) -> Value {
    serde_json::json!({
        "orgId": 1101, "certType": 5101, "term": 365,
        "subjAltNames": "api.acme-logistics.example",
        "csr": csr, "comments": "test", "externalRequester": "",
        "customFields": [{"name": "Cost Center", "value": "CC-1042"}],
        "numberServers": 1, "serverType": -1
    })
}

#[tokio::test]
async fn enrolment_for_a_domain_the_account_does_not_manage_is_refused() {
    let t = T::new().await;
    let (_, csr) = csr_for("foo.notmine.example");
    let mut body = enroll_body(&csr);
    body["subjAltNames"] = serde_json::json!("foo.notmine.example");
    let (s, v) = t.post_json("/api/ssl/v1/enroll", body).await;
    assert_eq!(s, 400, "{v}");
    assert_eq!(v["code"], -1010);
    assert_eq!(
        v["description"],
        "Domain 'foo.notmine.example' is not allowed."
    );
}

#[tokio::test]
async fn enroll_approve_issue_collect() {
    let t = T::new().await;
    t.emu.set_issue_delay(Duration::from_millis(200));
    let (key, csr) = csr_for("shop.acme-logistics.example");
    let (s, v) = t.post_json("/api/ssl/v1/enroll", enroll_body(&csr)).await;
    assert_eq!(s, 200, "{v}");
    let id = v["sslId"].as_i64().unwrap();
    assert_eq!(v["renewId"].as_str().unwrap().len(), 20);
    let d = t.details(id).await;
    assert_eq!(d["status"], "Requested");
    assert_eq!(
        d["subjectAlternativeNames"],
        serde_json::json!(["shop.acme-logistics.example", "api.acme-logistics.example"])
    );
    assert_eq!(d["csrDetails"]["csr"].as_str().unwrap(), csr);
    let (s, v) = t
        .get_json(&format!("/api/ssl/v1/collect/{id}?format=x509CO"))
        .await;
    assert_eq!((s, v["code"].as_i64()), (400, Some(-183)));

    // Approve needs a message.
    let (s, v) = t
        .post_json(&format!("/api/ssl/v1/approve/{id}"), serde_json::json!({}))
        .await;
    assert_eq!((s, v["code"].as_i64()), (400, Some(-7)));
    let r = t
        .post(
            &format!("/api/ssl/v1/approve/{id}"),
            serde_json::json!({"message": "ok"}),
        )
        .await;
    assert_eq!(r.status(), 204);
    assert_eq!(t.status_of(id).await, "Approved");
    let (s, v) = t
        .post_json(
            &format!("/api/ssl/v1/approve/{id}"),
            serde_json::json!({"message": "again"}),
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(
        v["description"],
        "Certificate can't be approved cause it has state = Approved"
    );
    assert_eq!(v["code"], -1112);
    t.wait_status(id, "Issued").await;
    let d = t.details(id).await;
    assert_eq!(d["owner"], "Demo Admin");
    assert!(d["issued"].is_string() && d["expires"].is_string());

    let pem = t
        .get(&format!("/api/ssl/v1/collect/{id}?format=x509CO"))
        .await
        .text()
        .await
        .unwrap();
    let der = pem_certs(&pem).remove(0);
    let (_, cert) = X509Certificate::from_der(&der).unwrap();
    assert_eq!(
        cert.public_key().subject_public_key.data.as_ref(),
        key.public_key_raw(),
        "the collected certificate carries the requester's key"
    );
    assert_eq!(cn_of(&der), "shop.acme-logistics.example");
    let lifetime = cert.validity().not_after.timestamp() - cert.validity().not_before.timestamp();
    assert_eq!(lifetime, 365 * 86_400);
}

#[tokio::test]
async fn enroll_validation_errors() {
    let t = T::new().await;
    let (_, csr) = csr_for("x.acme-logistics.example");
    let cases: Vec<(Value, i64)> = vec![
        (
            serde_json::json!({"orgId": 99, "certType": 5101, "term": 365, "csr": csr}),
            -1023,
        ),
        (
            serde_json::json!({"orgId": 1101, "certType": 1, "term": 365, "csr": csr}),
            -111,
        ),
        (
            serde_json::json!({"orgId": 1101, "certType": 5102, "term": 730, "csr": csr}),
            -36,
        ),
        (
            serde_json::json!({"certType": 5101, "term": 365, "csr": csr}),
            -7,
        ),
        (
            serde_json::json!({"orgId": 1101, "certType": 5101, "term": 365, "csr": csr}),
            -62,
        ),
        (
            serde_json::json!({"orgId": 1101, "certType": 5101, "term": 365, "csr": "%%%",
                "customFields": [{"name": "Cost Center", "value": "1"}]}),
            -9,
        ),
        (
            serde_json::json!({"orgId": 1101, "certType": 5101, "term": 365, "csr": "QUJD",
                "customFields": [{"name": "Cost Center", "value": "1"}]}),
            -10,
        ),
        (
            serde_json::json!({"orgId": 1101, "certType": 5101, "term": 365, "csr": csr,
                "dcvMode": "EMAIL", "customFields": [{"name": "Cost Center", "value": "1"}]}),
            -7,
        ),
    ];
    for (body, code) in cases {
        let (s, v) = t.post_json("/api/ssl/v1/enroll", body.clone()).await;
        assert_eq!(s, 400, "{body}: {v}");
        assert_eq!(v["code"].as_i64(), Some(code), "{body}: {v}");
    }
    // A body that is not JSON.
    let r = t
        .req(reqwest::Method::POST, "/api/ssl/v1/enroll")
        .header("content-type", "application/json")
        .body("{nope")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], -1002);
}

#[tokio::test]
async fn decline_revoke_renew_replace_delete() {
    let t = T::new().await;
    t.emu.set_issue_delay(Duration::from_millis(100));
    // Decline a seeded request.
    let rid = t.first_with_status("Requested").await;
    let r = t
        .post(
            &format!("/api/ssl/v1/decline/{rid}"),
            serde_json::json!({"message": "not needed"}),
        )
        .await;
    assert_eq!(r.status(), 204);
    let d = t.details(rid).await;
    assert_eq!(d["status"], "Declined");
    assert!(d["declined"].is_string());

    // Revoke: only Issued.
    let (s, v) = t
        .post_json(
            &format!("/api/ssl/v1/revoke/{rid}"),
            serde_json::json!({"reasonCode": 4, "reason": "x"}),
        )
        .await;
    assert_eq!((s, v["code"].as_i64()), (400, Some(-102)));
    let id = t.first_with_status("Issued").await;
    let (s, v) = t
        .post_json(
            &format!("/api/ssl/v1/revoke/{id}"),
            serde_json::json!({"reasonCode": 2, "reason": "x"}),
        )
        .await;
    assert_eq!((s, v["code"].as_i64()), (400, Some(-1601)));
    let r = t
        .post(
            &format!("/api/ssl/v1/revoke/{id}"),
            serde_json::json!({"reasonCode": 1, "reason": "key compromise"}),
        )
        .await;
    assert_eq!(r.status(), 204);
    let d = t.details(id).await;
    assert_eq!(d["status"], "Revoked");
    assert_eq!(d["reasonCode"], 1);
    assert!(d["revoked"].is_string());

    // Revoke by serial (colon form, URL-encoded).
    let (_, list) = t.get_json("/api/ssl/v1?status=Issued&size=1").await;
    let sid = list[0]["sslId"].as_i64().unwrap();
    let serial = list[0]["serialNumber"]
        .as_str()
        .unwrap()
        .replace(':', "%3A");
    let r = t
        .post(
            &format!("/api/ssl/v1/revoke/serial/{serial}"),
            serde_json::json!({"reasonCode": 5, "reason": "retired"}),
        )
        .await;
    assert_eq!(r.status(), 204);
    assert_eq!(t.status_of(sid).await, "Revoked");

    // renewById: a new Requested certificate; the old one is marked renewed.
    let (_, list) = t.get_json("/api/ssl/v1?status=Issued&size=1").await;
    let old = list[0]["sslId"].as_i64().unwrap();
    let r = t
        .req(
            reqwest::Method::POST,
            &format!("/api/ssl/v1/renewById/{old}"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let new_id = r.json::<Value>().await.unwrap()["sslId"].as_i64().unwrap();
    assert_ne!(new_id, old);
    let n = t.details(new_id).await;
    assert_eq!(n["status"], "Requested");
    assert_eq!(n["commonName"], t.details(old).await["commonName"]);
    assert_eq!(t.details(old).await["renewed"], true);
    // Approve the renewal: issued with the original key (seeded rows renew with their key).
    t.post(
        &format!("/api/ssl/v1/approve/{new_id}"),
        serde_json::json!({"message": "go"}),
    )
    .await;
    t.wait_status(new_id, "Issued").await;

    // renew/{renewId}: 204.
    let (_, list) = t.get_json("/api/ssl/v1?status=Issued&size=1").await;
    let some = list[0]["sslId"].as_i64().unwrap();
    let (key, csr) = csr_for("renew.acme-logistics.example");
    let (_, e) = t.post_json("/api/ssl/v1/enroll", enroll_body(&csr)).await;
    let token = e["renewId"].as_str().unwrap().to_string();
    let (s, v) = t
        .post_json(&format!("/api/ssl/v1/renew/{token}"), serde_json::json!({}))
        .await;
    assert_eq!((s, v["code"].as_i64()), (400, Some(-105)), "not issued yet");
    let (s, v) = t
        .post_json("/api/ssl/v1/renew/nonsense", serde_json::json!({}))
        .await;
    assert_eq!((s, v["code"].as_i64()), (400, Some(-123)));
    drop(key);

    // Mark renewed.
    let r = t
        .post(
            &format!("/api/ssl/v1/renew/manual/{some}"),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(r.status(), 204);
    assert_eq!(t.details(some).await["renewed"], true);

    // Replace: new CSR, same id, re-issued with the new key.
    let (key2, csr2) = csr_for("replaced.acme-logistics.example");
    let r = t
        .post(
            &format!("/api/ssl/v1/replace/{some}"),
            serde_json::json!({"csr": csr2, "reason": "key rotation",
                "commonName": "replaced.acme-logistics.example"}),
        )
        .await;
    assert_eq!(r.status(), 204);
    t.wait_status(some, "Issued").await;
    let pem = t
        .get(&format!("/api/ssl/v1/collect/{some}?format=x509CO"))
        .await
        .text()
        .await
        .unwrap();
    let der = pem_certs(&pem).remove(0);
    let (_, cert) = X509Certificate::from_der(&der).unwrap();
    assert_eq!(
        cert.public_key().subject_public_key.data.as_ref(),
        key2.public_key_raw()
    );
    assert!(t.details(some).await["replaced"].is_string());

    // Delete only imported/discovered.
    let r = t
        .req(reqwest::Method::DELETE, &format!("/api/ssl/v1/{some}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], -3);
    let big = T::with(SectigoOptions {
        ssl_count: 300,
        ..SectigoOptions::for_tests()
    })
    .await;
    let imported = big
        .all()
        .await
        .iter()
        .map(|i| i["sslId"].as_i64().unwrap())
        .collect::<Vec<_>>();
    let mut deleted = false;
    for id in imported {
        if big.details(id).await["requestedVia"] == "Imported" {
            let r = big
                .req(reqwest::Method::DELETE, &format!("/api/ssl/v1/{id}"))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 204);
            let (s, _) = big.get_json(&format!("/api/ssl/v1/{id}")).await;
            assert_eq!(s, 400);
            deleted = true;
            break;
        }
    }
    assert!(deleted, "the seeded data has imported certificates");
}

#[tokio::test]
async fn update_changes_editable_fields() {
    let t = T::new().await;
    let rid = t.first_with_status("Requested").await;
    let r = t
        .req(reqwest::Method::PUT, "/api/ssl/v1")
        .json(
            &serde_json::json!({"sslId": rid, "comments": "edited", "term": 730,
            "autoRenewDetails": {"state": "Scheduled", "daysBeforeExpiration": 20}}),
        )
        .send()
        .await
        .unwrap();
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    // The seeded request may use a profile without a 730-day term.
    if status == 200 {
        assert_eq!(v["comments"], "edited");
        assert_eq!(v["term"], 730);
        assert_eq!(v["autoRenewDetails"]["daysBeforeExpiration"], 20);
    } else {
        assert_eq!(v["code"], -36);
    }
    let iid = t.first_with_status("Issued").await;
    let (s, v) = {
        let r = t
            .req(reqwest::Method::PUT, "/api/ssl/v1")
            .json(&serde_json::json!({"sslId": iid, "commonName": "other.example"}))
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json::<Value>().await.unwrap())
    };
    assert_eq!((s, v["code"].as_i64()), (400, Some(-1601)));
}

#[tokio::test]
async fn per_certificate_dcv_gates_issuance() {
    let t = T::new().await;
    t.emu.set_issue_delay(Duration::from_millis(100));
    let (_, csr) = csr_for("www.kestrel-labs.example");
    let mut body = enroll_body(&csr);
    body["orgId"] = serde_json::json!(1301);
    body["subjAltNames"] = serde_json::json!("");
    let (s, v) = t.post_json("/api/ssl/v1/enroll", body.clone()).await;
    assert_eq!((s, v["code"].as_i64()), (400, Some(-107)), "{v}");
    body["dcvMode"] = serde_json::json!("CNAME");
    let (s, v) = t.post_json("/api/ssl/v1/enroll", body).await;
    assert_eq!(s, 200, "{v}");
    let id = v["sslId"].as_i64().unwrap();
    t.post(
        &format!("/api/ssl/v1/approve/{id}"),
        serde_json::json!({"message": "ok"}),
    )
    .await;
    t.wait_status(id, "Applied").await;
    t.emu.advance(Duration::from_secs(60));
    assert_eq!(t.status_of(id).await, "Applied", "waits for DCV");

    let (s, dcv) = t.get_json(&format!("/api/ssl/v1/{id}/dcv")).await;
    assert_eq!(s, 200);
    let log = &dcv["dcvLog"]["log"][0];
    assert_eq!(log["domainName"], "kestrel-labs.example");
    assert_eq!(log["dcvStatus"], "Awaiting Validation");
    assert_eq!(log["dcvMethod"], "CNAME_CSR_HASH");
    let ins = &dcv["instructions"][0];
    let md5 = t.details(id).await["csrDetails"]["md5Hash"]
        .as_str()
        .unwrap()
        .to_lowercase();
    assert_eq!(ins["host"], format!("_{md5}.kestrel-labs.example."));
    assert!(ins["point"].as_str().unwrap().ends_with(".sectigo.com."));

    // Recheck without the record: still waiting.
    let r = t
        .post(&format!("/api/ssl/v1/{id}/dcv/recheck"), Value::Null)
        .await;
    assert_eq!(r.status(), 202);
    let (_, dcv) = t.get_json(&format!("/api/ssl/v1/{id}/dcv")).await;
    assert_eq!(dcv["dcvLog"]["log"][0]["dcvStatus"], "Awaiting Validation");
    // Publish (over HTTP, as a curl user would), recheck: validated, then issued.
    let r = t
        .post(
            "/__emulator/dcv/publish",
            serde_json::json!({"domain": "kestrel-labs.example"}),
        )
        .await;
    assert_eq!(r.status(), 204);
    t.post(&format!("/api/ssl/v1/{id}/dcv/recheck"), Value::Null)
        .await;
    let (_, dcv) = t.get_json(&format!("/api/ssl/v1/{id}/dcv")).await;
    assert_eq!(dcv["dcvLog"]["log"][0]["dcvStatus"], "Validated");
    assert_eq!(dcv["instructions"], serde_json::json!([]));
    t.wait_status(id, "Issued").await;
}

#[tokio::test]
async fn auto_approve_issues_without_a_human() {
    let t = T::new().await;
    t.emu.set_issue_delay(Duration::from_millis(50));
    t.emu.set_auto_approve(true);
    let (_, csr) = csr_for("auto.acme-logistics.example");
    let (_, v) = t.post_json("/api/ssl/v1/enroll", enroll_body(&csr)).await;
    let id = v["sslId"].as_i64().unwrap();
    t.wait_status(id, "Issued").await;
}

// ---- DCV, domains, organizations ------------------------------------------------------------

#[tokio::test]
async fn demo_auto_publish_validates_a_while_after_the_instructions() {
    let t = T::new().await;
    t.emu
        .set_dcv_auto_publish(Some(std::time::Duration::from_secs(2)));
    let status = || async {
        let (_, v) = t
            .post_json(
                "/api/dcv/v2/validation/status",
                serde_json::json!({"domain": "kestrel-labs.example"}),
            )
            .await;
        v["status"].as_str().unwrap_or_default().to_string()
    };
    // The first look starts the clock; right away nothing is validated.
    assert_eq!(status().await, "NOT_VALIDATED");
    assert_eq!(status().await, "NOT_VALIDATED");
    t.emu.advance(std::time::Duration::from_millis(1500));
    assert_eq!(status().await, "NOT_VALIDATED", "not yet");
    t.emu.advance(std::time::Duration::from_millis(1600));
    assert_eq!(status().await, "VALIDATED");
}

#[tokio::test]
async fn dcv_list_filters_and_status() {
    let t = T::new().await;
    let r = t
        .get("/api/dcv/v1/validation?position=0&size=50&domain=&org=&department=&dcvStatus=&orderStatus=&expiresIn=")
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    let n = total(&r);
    let all: Vec<Value> = r.json().await.unwrap();
    assert_eq!(all.len(), n);
    assert!(n >= 8);
    let validated: Vec<&Value> = all
        .iter()
        .filter(|d| d["dcvStatus"] == "VALIDATED")
        .collect();
    assert!(!validated.is_empty() && validated.len() < n);
    assert!(
        validated
            .iter()
            .all(|d| d["expirationDate"].as_str().unwrap().len() == 10)
    );
    let r = t
        .get("/api/dcv/v1/validation?dcvStatus=NOT_VALIDATED")
        .await;
    let nv: Vec<Value> = r.json().await.unwrap();
    assert!(nv.iter().all(|d| d["dcvStatus"] == "NOT_VALIDATED"));
    let r = t.get("/api/dcv/v1/validation?org=1301").await;
    let k: Vec<Value> = r.json().await.unwrap();
    assert!(
        k.iter()
            .all(|d| d["domain"].as_str().unwrap().starts_with("kestrel"))
    );
    assert_eq!(k.len(), 2);
    let r = t.get("/api/dcv/v1/validation?orderStatus=SUBMITTED").await;
    let sub: Vec<Value> = r.json().await.unwrap();
    assert_eq!(sub.len(), 1);
    assert_eq!(sub[0]["dcvOrderMethod"], "CNAME");

    let (s, v) = t
        .post_json(
            "/api/dcv/v2/validation/status",
            serde_json::json!({"domain": "kestrel-labs.example"}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(v["status"], "NOT_VALIDATED");
    assert_eq!(v["orderStatus"], "SUBMITTED");
    assert_eq!(v["orderMode"], "CNAME");
    assert!(
        v["host"]
            .as_str()
            .unwrap()
            .ends_with(".kestrel-labs.example.")
    );
    assert!(v["lastCheck"].as_str().unwrap().ends_with('Z'));
    // The knob: the record is published; the next status call validates.
    t.emu.publish_dcv("kestrel-labs.example");
    let (_, v) = t
        .post_json(
            "/api/dcv/v2/validation/status",
            serde_json::json!({"domain": "kestrel-labs.example"}),
        )
        .await;
    assert_eq!(v["status"], "VALIDATED");
    assert!(v["validationDate"].is_string() && v["expirationDate"].is_string());
    let (_, v) = t
        .post_json(
            "/api/dcv/v1/validation/status",
            serde_json::json!({"domain": "kestrel-labs.example"}),
        )
        .await;
    assert!(v.get("orderMode").is_none(), "v1 status is minimal");

    let (s, v) = t
        .post_json(
            "/api/dcv/v2/validation/status",
            serde_json::json!({"domain": "nowhere.example"}),
        )
        .await;
    assert_eq!((s, v["code"].as_i64()), (400, Some(-727)));
    let (s, v) = t
        .post_json(
            "/api/dcv/v2/validation/status",
            serde_json::json!({"domain": "www.acme-logistics.example"}),
        )
        .await;
    assert_eq!((s, v["code"].as_i64()), (400, Some(-723)));
}

#[tokio::test]
async fn dcv_start_submit_each_method() {
    let t = T::new().await;
    let d = serde_json::json!({"domain": "acme-shop.example"});
    let (s, v) = t
        .post_json("/api/dcv/v1/validation/start/domain/http", d.clone())
        .await;
    assert_eq!(s, 200);
    let url = v["url"].as_str().unwrap();
    assert!(url.starts_with("http://acme-shop.example/.well-known/pki-validation/"));
    assert!(url.ends_with(".txt"));
    assert_eq!(v["firstLine"].as_str().unwrap().len(), 64);
    assert_eq!(v["secondLine"], "sectigo.com");
    let (_, c) = t
        .post_json("/api/dcv/v1/validation/start/domain/cname", d.clone())
        .await;
    // CNAME reuses the same hashes as HTTP.
    let md5 = url
        .rsplit('/')
        .next()
        .unwrap()
        .trim_end_matches(".txt")
        .to_lowercase();
    assert_eq!(c["host"], format!("_{md5}.acme-shop.example."));
    let sha = v["firstLine"].as_str().unwrap();
    assert_eq!(
        c["point"],
        format!("{}.{}.sectigo.com.", &sha[..32], &sha[32..])
    );
    let (s, _) = t
        .post_json("/api/dcv/v1/validation/start/domain/txt", d.clone())
        .await;
    assert_eq!(s, 400);

    // Submit without publishing: SUBMITTED but not validated.
    let (s, v) = t
        .post_json("/api/dcv/v1/validation/submit/domain/cname", d.clone())
        .await;
    assert_eq!(s, 200);
    assert_eq!(v["orderStatus"], "SUBMITTED");
    assert_eq!(v["status"], "NOT_VALIDATED");
    assert_eq!(v["message"], "Submitted successfully");
    // clear resets the order.
    let (_, v) = t.post_json("/api/dcv/v1/validation/clear", d.clone()).await;
    assert_eq!(v["orderStatus"], "NOT_INITIATED");
    assert_eq!(
        v["message"],
        "DCV status: NOT_VALIDATED; DCV order status: NOT_INITIATED"
    );

    // TXT submit hands out the record.
    let (_, v) = t
        .post_json("/api/dcv/v1/validation/submit/domain/txt", d.clone())
        .await;
    assert_eq!(v["host"], "_pki-validation.acme-shop.example.");
    assert!(v["point"].is_string());

    // E-mail: candidates, then submit with one of them.
    let (_, v) = t
        .post_json("/api/dcv/v1/validation/start/domain/email", d.clone())
        .await;
    let emails: Vec<String> = serde_json::from_value(v["emails"].clone()).unwrap();
    assert!(emails.contains(&"admin@acme-shop.example".to_string()));
    assert_eq!(v["dcvEmails"][0]["domainName"], "acme-shop.example");
    let (s, v) = t
        .post_json(
            "/api/dcv/v1/validation/submit/domain/email",
            serde_json::json!({"domain": "acme-shop.example", "email": "evil@elsewhere.example"}),
        )
        .await;
    assert_eq!((s, v["code"].as_i64()), (400, Some(-1601)));
    t.emu.publish_dcv("acme-shop.example");
    let (s, v) = t
        .post_json(
            "/api/dcv/v1/validation/submit/domain/email",
            serde_json::json!({"domain": "acme-shop.example", "email": "admin@acme-shop.example"}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(
        v["status"], "VALIDATED",
        "published instructions validate at once"
    );
    assert!(v["emailValidationReferenceNumber"].is_string());

    // Bulk e-mail start: only common addresses.
    let (_, v) = t
        .post_json(
            "/api/dcv/v1/validation/start/domain/email",
            serde_json::json!({"domains": ["acme-shop.example", "hanbit-iot.example"]}),
        )
        .await;
    assert_eq!(v["emails"], serde_json::json!([]));
    assert_eq!(v["dcvEmails"].as_array().unwrap().len(), 2);

    // delete: 200 with an empty body, back to NOT_VALIDATED.
    let r = t.post("/api/dcv/v1/validation/delete", d.clone()).await;
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().is_empty());
    let (_, v) = t.post_json("/api/dcv/v2/validation/status", d).await;
    assert_eq!(v["status"], "NOT_VALIDATED");
}

#[tokio::test]
async fn domains_and_delegations() {
    let t = T::new().await;
    let r = t.get("/api/domain/v1?size=3").await;
    assert_eq!(total(&r), 9);
    let page: Vec<Value> = r.json().await.unwrap();
    assert_eq!(page.len(), 3);
    assert!(page[0]["id"].is_i64() && page[0]["name"].is_string());
    let (_, v) = t.get_json("/api/domain/v1/count").await;
    assert_eq!(v["count"], 9);
    let r = t.get("/api/domain/v1?status=requested").await;
    let req: Vec<Value> = r.json().await.unwrap();
    assert_eq!(req.len(), 2);

    let id = req[0]["id"].as_i64().unwrap();
    let (s, d) = t.get_json(&format!("/api/domain/v1/{id}")).await;
    assert_eq!(s, 200);
    assert_eq!(d["delegationStatus"], "REQUESTED");
    let pending = d["delegations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["status"] == "REQUESTED")
        .unwrap()["orgId"]
        .as_i64()
        .unwrap();
    let r = t
        .post(
            &format!("/api/domain/v1/{id}/delegation/approve"),
            serde_json::json!({"orgId": pending}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let (_, d) = t.get_json(&format!("/api/domain/v1/{id}")).await;
    assert_eq!(d["delegationStatus"], "ACTIVE");
    let (s, v) = t
        .post_json(
            &format!("/api/domain/v1/{id}/delegation/reject"),
            serde_json::json!({"orgId": pending}),
        )
        .await;
    assert_eq!((s, v["code"].as_i64()), (400, Some(-705)));
    // Reject the other one.
    let other = req[1]["id"].as_i64().unwrap();
    let (_, d) = t.get_json(&format!("/api/domain/v1/{other}")).await;
    let n_before = d["delegations"].as_array().unwrap().len();
    let org = d["delegations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["status"] == "REQUESTED")
        .unwrap()["orgId"]
        .clone();
    let r = t
        .post(
            &format!("/api/domain/v1/{other}/delegation/reject"),
            serde_json::json!({"orgId": org}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let (_, d) = t.get_json(&format!("/api/domain/v1/{other}")).await;
    assert_eq!(d["delegations"].as_array().unwrap().len(), n_before - 1);

    // Create: 201 + Location; duplicate −700; details; suspend; delete.
    let body = serde_json::json!({"name": "new-brand.example", "description": "x", "active": true,
        "delegations": [{"orgId": 1101, "certTypes": ["SSL"]}]});
    let r = t.post("/api/domain/v1", body.clone()).await;
    assert_eq!(r.status(), 201);
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    let new_id: i64 = loc.rsplit('/').next().unwrap().parse().unwrap();
    assert!(loc.starts_with(&t.emu.base_url));
    let (s, v) = t.post_json("/api/domain/v1", body).await;
    assert_eq!((s, v["code"].as_i64()), (400, Some(-700)));
    let (_, d) = t.get_json(&format!("/api/domain/v1/{new_id}")).await;
    assert_eq!(d["name"], "new-brand.example");
    assert_eq!(d["validationStatus"], "NOT_VALIDATED");
    let r = t
        .req(
            reqwest::Method::PUT,
            &format!("/api/domain/v1/{new_id}/suspend"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (_, d) = t.get_json(&format!("/api/domain/v1/{new_id}")).await;
    assert_eq!(d["state"], "SUSPENDED");
    let r = t
        .req(reqwest::Method::DELETE, &format!("/api/domain/v1/{new_id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    // In-use domains cannot be deleted.
    let (_, all) = t.get_json("/api/domain/v1?name=acme-logistics").await;
    let used = all[0]["id"].as_i64().unwrap();
    let r = t
        .req(reqwest::Method::DELETE, &format!("/api/domain/v1/{used}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], -740);
    let (s, v) = t.get_json("/api/domain/v1/424242").await;
    assert_eq!((s, v["code"].as_i64()), (400, Some(-727)));
}

#[tokio::test]
async fn organizations() {
    let t = T::new().await;
    let (s, v) = t.get_json("/api/organization/v1").await;
    assert_eq!(s, 200);
    let orgs = v.as_array().unwrap();
    assert_eq!(orgs.len(), 5);
    let first = &orgs[0];
    assert!(first["departments"][0]["parentName"] == first["name"]);
    let id = first["id"].as_i64().unwrap();
    let (_, d) = t.get_json(&format!("/api/organization/v1/{id}")).await;
    for k in [
        "name",
        "address1",
        "city",
        "stateOrProvince",
        "postalCode",
        "country",
        "clientCertificate",
    ] {
        assert!(d.get(k).is_some(), "{k}");
    }
    let dept = first["departments"][0]["id"].as_i64().unwrap();
    let (_, d) = t.get_json(&format!("/api/organization/v1/{dept}")).await;
    assert_eq!(d["parentName"], first["name"]);
    let (s, v) = t.get_json("/api/organization/v1/1").await;
    assert_eq!((s, v["code"].as_i64()), (400, Some(-1023)));
}

// ---- client (S/MIME) and device certificates -----------------------------------------------

#[tokio::test]
async fn smime_list_details_collect() {
    let t = T::new().await;
    let r = t.get("/api/smime/v2?size=5&position=0").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    let n = total(&r);
    assert_eq!(n, 15);
    let page: Vec<Value> = r.json().await.unwrap();
    assert_eq!(page.len(), 5);
    let issued = &page[0];
    assert_eq!(issued["state"], "issued");
    assert_eq!(issued["expires"].as_str().unwrap().len(), 10);
    assert_eq!(&issued["expires"].as_str().unwrap()[4..5], "-");
    let h = t
        .req(reqwest::Method::HEAD, "/api/smime/v2?state=issued")
        .send()
        .await
        .unwrap();
    let (_, only) = t.get_json("/api/smime/v2?state=ISSUED").await;
    assert_eq!(total(&h), only.as_array().unwrap().len());
    assert!(
        only.as_array()
            .unwrap()
            .iter()
            .all(|c| c["state"] == "issued")
    );

    let id = issued["id"].as_i64().unwrap();
    let (s, d) = t.get_json(&format!("/api/smime/v1/{id}")).await;
    assert_eq!(s, 200);
    assert_eq!(d["status"], "issued");
    assert_eq!(d["id"], id);
    assert!(
        d.get("orderNumber").is_none(),
        "S/MIME details have no orderNumber"
    );
    let email = d["subjectAlternativeNames"][0]
        .as_str()
        .unwrap()
        .to_string();
    // Serial without colons, as the doc's example sends it.
    let serial = issued["serialNumber"].as_str().unwrap().replace(':', "");
    let (_, by_serial) = t
        .get_json(&format!("/api/smime/v2?serialNumber={serial}"))
        .await;
    assert_eq!(by_serial[0]["id"], id);
    let (s, by_email) = t
        .get_json(&format!(
            "/api/smime/v2/byPersonEmail/{}",
            email.replace('@', "%40")
        ))
        .await;
    assert_eq!(s, 200);
    assert!(by_email.as_array().unwrap().iter().any(|c| c["id"] == id));

    let r = t
        .get(&format!("/api/smime/v2/collect/{id}?format=x509CO"))
        .await;
    assert_eq!(r.status(), 200);
    let der = pem_certs(&r.text().await.unwrap()).remove(0);
    let (_, cert) = X509Certificate::from_der(&der).unwrap();
    assert!(
        cert.extended_key_usage()
            .unwrap()
            .unwrap()
            .value
            .email_protection
    );
    let backend = issued["backendCertId"].as_str().unwrap();
    let r = t
        .get(&format!(
            "/api/smime/v2/collect/order/{backend}?format=base64"
        ))
        .await;
    assert!(r.text().await.unwrap().starts_with("-----BEGIN PKCS7-----"));
    let (s, v) = t.get_json("/api/smime/v1/999999").await;
    assert_eq!((s, v["code"].as_i64()), (400, Some(-5101)));
}

#[tokio::test]
async fn smime_enroll_revoke_renew() {
    let t = T::new().await;
    t.emu.set_issue_delay(Duration::from_millis(100));
    let key = rcgen::KeyPair::generate().unwrap();
    let csr = crate::emulator::ca::make_csr_pem(&key, "Name LastName", &[]).unwrap();
    let body = serde_json::json!({"orgId": 1201, "firstName": "Name", "middleName": "",
        "lastName": "LastName", "email": "name.lastname@bluefin-bank.example", "phone": "12345678",
        "secondaryEmails": [], "csr": csr, "certType": 6101, "term": 365, "customFields": [],
        "commonName": null, "upn": null, "eppn": null, "comments": "S/MIME comment string"});
    let (s, v) = t.post_json("/api/smime/v1/enroll", body.clone()).await;
    assert_eq!(s, 200, "{v}");
    let id = v["id"].as_i64().unwrap();
    assert!(v["orderNumber"].is_i64() && v["backendCertId"].is_string());
    let mut issued = false;
    for _ in 0..50 {
        let (_, d) = t.get_json(&format!("/api/smime/v1/{id}")).await;
        if d["status"] == "issued" {
            assert_eq!(d["commonName"], "Name LastName");
            issued = true;
            break;
        }
        assert_eq!(d["status"], "requested");
        t.emu.advance(Duration::from_millis(20));
    }
    assert!(issued);
    let der = pem_certs(
        &t.get(&format!("/api/smime/v2/collect/{id}?format=x509CO"))
            .await
            .text()
            .await
            .unwrap(),
    )
    .remove(0);
    let (_, cert) = X509Certificate::from_der(&der).unwrap();
    assert_eq!(
        cert.public_key().subject_public_key.data.as_ref(),
        key.public_key_raw()
    );

    // Missing name, bad profile.
    let mut bad_body = body.clone();
    bad_body["firstName"] = Value::Null;
    let (s, v) = t.post_json("/api/smime/v1/enroll", bad_body).await;
    assert_eq!((s, v["code"].as_i64()), (400, Some(-7)));
    let mut bad_body = body.clone();
    bad_body["certType"] = serde_json::json!(1);
    let (s, v) = t.post_json("/api/smime/v1/enroll", bad_body).await;
    assert_eq!((s, v["code"].as_i64()), (400, Some(-172)));

    // Renew (v1 by id) → a new id; revoke by e-mail revokes all of the person's issued ones.
    let (s, v) = t
        .post_json(&format!("/api/smime/v1/renew/{id}"), Value::Null)
        .await;
    assert_eq!(s, 200);
    let nid = v["id"].as_i64().unwrap();
    assert_ne!(nid, id);
    let r = t
        .post(
            "/api/smime/v1/revoke",
            serde_json::json!({"reasonCode": 0, "reason": "left", "email": "name.lastname@bluefin-bank.example"}),
        )
        .await;
    assert_eq!(r.status(), 204);
    let (_, d) = t.get_json(&format!("/api/smime/v1/{id}")).await;
    assert_eq!(d["status"], "revoked");
    let (s, v) = t
        .post_json(
            &format!("/api/smime/v1/revoke/{id}"),
            serde_json::json!({"reasonCode": 0}),
        )
        .await;
    assert_eq!((s, v["code"].as_i64()), (400, Some(-159)));
    let (s, v) = t.get_json(&format!("/api/smime/v2/collect/{id}")).await;
    assert_eq!((s, v["code"].as_i64()), (400, Some(-110)));
}

#[tokio::test]
async fn device_list_case_and_workflow() {
    let t = T::new().await;
    t.emu.set_issue_delay(Duration::from_millis(100));
    let (_, all) = t.get_json("/api/device/v1").await;
    let all = all.as_array().unwrap().clone();
    assert_eq!(all.len(), 12);
    assert!(all.iter().all(|d| {
        let s = d["status"].as_str().unwrap();
        s == s.to_uppercase()
    }));
    let req = all.iter().find(|d| d["status"] == "REQUESTED").unwrap();
    let id = req["id"].as_i64().unwrap();
    let (_, d) = t.get_json(&format!("/api/device/v1/{id}")).await;
    assert_eq!(d["status"], "Requested", "details are Capitalised");
    let h = t
        .req(reqwest::Method::HEAD, "/api/device/v1?status=ISSUED")
        .send()
        .await
        .unwrap();
    let issued_n = all.iter().filter(|d| d["status"] == "ISSUED").count();
    assert_eq!(total(&h), issued_n);

    // Approve → Approved → Applied → Issued.
    let r = t
        .post(
            &format!("/api/device/v1/approve/{id}"),
            serde_json::json!({"message": "Approval message"}),
        )
        .await;
    assert_eq!(r.status(), 204);
    let mut seen_issued = false;
    for _ in 0..60 {
        let (_, d) = t.get_json(&format!("/api/device/v1/{id}")).await;
        let s = d["status"].as_str().unwrap().to_string();
        assert!(
            ["Approved", "Applied", "Issued"].contains(&s.as_str()),
            "{s}"
        );
        if s == "Issued" {
            seen_issued = true;
            break;
        }
        t.emu.advance(Duration::from_millis(20));
    }
    assert!(seen_issued);
    let (s, v) = t
        .post_json(
            &format!("/api/device/v1/decline/{id}"),
            serde_json::json!({"message": "no"}),
        )
        .await;
    assert_eq!((s, v["code"].as_i64()), (400, Some(-1112)));
    let r = t
        .get(&format!("/api/device/v1/collect/{id}?format=x509"))
        .await;
    assert_eq!(pem_certs(&r.text().await.unwrap()).len(), 3);

    // Enroll (mandatory Asset Tag), renew by id, revoke by order id.
    let key = rcgen::KeyPair::generate().unwrap();
    let csr = crate::emulator::ca::make_csr_pem(&key, "test.devices.acme-logistics.example", &[])
        .unwrap();
    let mut body = serde_json::json!({"orgId": 1101, "term": 365, "csr": csr, "certType": 6201,
        "customFields": [], "optionalFields": [{"name": "commonName", "value": "test.devices.acme-logistics.example"}],
        "comments": "Device certificate comment string"});
    let (s, v) = t.post_json("/api/device/v1/enroll", body.clone()).await;
    assert_eq!((s, v["code"].as_i64()), (400, Some(-62)));
    body["customFields"] = serde_json::json!([{"name": "Asset Tag", "value": "AT-1"}]);
    let (s, v) = t.post_json("/api/device/v1/enroll", body).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "REQUESTED");
    let new_dev = v["deviceCertId"].as_i64().unwrap();
    assert_eq!(v["orderNumber"], new_dev);
    let r = t
        .post(
            &format!("/api/device/v1/decline/{new_dev}"),
            serde_json::json!({"message": "Decline message"}),
        )
        .await;
    assert_eq!(r.status(), 204);
    let (_, d) = t.get_json(&format!("/api/device/v1/{new_dev}")).await;
    assert_eq!(d["status"], "Declined");

    let (s, v) = t
        .post_json(&format!("/api/device/v1/renew/order/{id}"), Value::Null)
        .await;
    assert_eq!(s, 200);
    assert_eq!(v["status"], "APPROVED");
    let r = t
        .post(
            &format!("/api/device/v1/revoke/order/{id}"),
            serde_json::json!({"reasonCode": 4, "reason": "my reason"}),
        )
        .await;
    assert_eq!(r.status(), 204);
    let (_, d) = t.get_json(&format!("/api/device/v1/{id}")).await;
    assert_eq!(d["status"], "Revoked");
    let (s, v) = t
        .post_json(
            &format!("/api/device/v1/revoke/order/{new_dev}"),
            serde_json::json!({"reasonCode": 4}),
        )
        .await;
    assert_eq!((s, v["code"].as_i64()), (400, Some(-102)));
}

// ---- reports --------------------------------------------------------------------------------

#[tokio::test]
async fn reports_v1() {
    let t = T::new().await;
    let r = t
        .post(
            "/api/report/v1/ssl-certificates?output_type=buffered",
            serde_json::json!({"organizationIds": [], "certificateStatus": 2}),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"rest_api_ssl_certificates.json\""
    );
    assert_eq!(r.headers()["cache-control"], "must-revalidate");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["statusCode"], 0);
    let rows = v["reports"].as_array().unwrap();
    let (_, issued) = t.get_json("/api/ssl/v1?status=Issued").await;
    assert_eq!(rows.len(), issued.as_array().unwrap().len());
    let row = &rows[0];
    for k in [
        "id",
        "commonName",
        "orgId",
        "organizationName",
        "status",
        "typeId",
        "type",
        "term",
        "requester",
        "requested",
        "expires",
        "serialNumber",
        "requestedVia",
        "sha1",
        "md5",
    ] {
        assert!(row.get(k).is_some(), "{k}: {row}");
    }
    assert_eq!(row["status"], "Issued");
    assert!(row["requested"].as_str().unwrap().ends_with(".000Z"));
    assert!(!row["serialNumber"].as_str().unwrap().contains(':'));

    // Date window: expiring in the next 30 days.
    let from = jiff::Timestamp::from_second(TEST_NOW).unwrap().to_string();
    let to = jiff::Timestamp::from_second(TEST_NOW + 30 * 86_400)
        .unwrap()
        .to_string();
    let (_, v) = t
        .post_json(
            "/api/report/v1/ssl-certificates",
            serde_json::json!({"certificateStatus": 2, "certificateDateAttribute": 3, "from": from, "to": to}),
        )
        .await;
    let soon = v["reports"].as_array().unwrap();
    assert!(soon.len() < rows.len());
    let (s, v) = t
        .post_json(
            "/api/report/v1/ssl-certificates",
            serde_json::json!({"certificateStatus": 42}),
        )
        .await;
    assert_eq!((s, v["code"].as_i64()), (400, Some(-1601)));

    let (s, v) = t
        .post_json(
            "/api/report/v1/client-certificates",
            serde_json::json!({"organizationIds": [], "certificateStatus": 0,
                               "from": "2019-01-01T00:00:00.000Z", "to": "2030-01-01"}),
        )
        .await;
    assert_eq!(s, 200);
    let rows = v["reports"].as_array().unwrap();
    assert_eq!(rows.len(), 15);
    assert!(rows[0]["organization"]["id"].is_string());
    assert!(rows[0]["person"]["email"].is_string());

    let (_, v) = t
        .post_json(
            "/api/report/v1/device-certificates",
            serde_json::json!({"certificateStatus": 8}),
        )
        .await;
    let rows = v["reports"].as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["deviceCertStatus"] == "APPROVED"));

    let r = t
        .req(reqwest::Method::POST, "/api/report/v1/domains")
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    let rows = v["reports"].as_array().unwrap();
    assert_eq!(rows.len(), 9);
    assert!(rows.iter().any(|r| r["dcvStatus"] == "Action Required"));
}

// ---- scale: ordered index, report key order, background seeding --------------------------

/// Every id of an unfiltered list, paged with `size` like python-cert_manager (until a short
/// page); also checks each page's `X-Total-Count`.
async fn paged_ids(t: &T, path: &str, id_key: &str, size: usize) -> Vec<i64> {
    let mut out = Vec::new();
    let mut pos = 0;
    loop {
        let r = t.get(&format!("{path}?size={size}&position={pos}")).await;
        assert_eq!(r.status(), 200);
        let total = total(&r);
        let page: Vec<Value> = r.json().await.unwrap();
        out.extend(page.iter().map(|i| i[id_key].as_i64().unwrap()));
        assert_eq!(total, out.len().max(total), "{path}");
        if page.len() < size {
            assert_eq!(out.len(), total, "{path}: every row, once");
            return out;
        }
        pos += size;
    }
}

#[tokio::test]
async fn unfiltered_pages_stay_in_order_after_an_insert_and_a_delete() {
    let t = T::with(SectigoOptions {
        ssl_count: 300,
        ..SectigoOptions::for_tests()
    })
    .await;
    t.emu.set_issue_delay(Duration::ZERO);
    let before = paged_ids(&t, "/api/ssl/v1", "sslId", 7).await;
    assert_eq!(before.len(), 300);
    assert!(before.windows(2).all(|w| w[0] < w[1]), "id order");
    // The unfiltered page equals the same page of a (scanned) filtered list that matches all.
    let (_, fast) = t.get_json("/api/ssl/v1?size=9&position=40").await;
    let (_, scanned) = t
        .get_json("/api/ssl/v1?size=9&position=40&vendor=certdeck")
        .await;
    assert_eq!(fast, scanned);

    // Insert: a new enrollment. Delete: an imported certificate.
    let (_, csr) = csr_for("shop.acme-logistics.example");
    let (s, v) = t.post_json("/api/ssl/v1/enroll", enroll_body(&csr)).await;
    assert_eq!(s, 200, "{v}");
    let new_id = v["sslId"].as_i64().unwrap();
    let mut gone = None;
    for id in &before {
        if t.details(*id).await["requestedVia"] == "Imported" {
            let r = t
                .req(reqwest::Method::DELETE, &format!("/api/ssl/v1/{id}"))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 204);
            gone = Some(*id);
            break;
        }
    }
    let gone = gone.expect("the seeded data has an imported certificate");
    let mut expected: Vec<i64> = before.iter().copied().filter(|i| *i != gone).collect();
    expected.push(new_id);
    for size in [1, 7, 50, 299, 300, 301, 1000] {
        assert_eq!(
            paged_ids(&t, "/api/ssl/v1", "sslId", size).await,
            expected,
            "page size {size}"
        );
    }
    let r = t
        .req(reqwest::Method::HEAD, "/api/ssl/v1")
        .send()
        .await
        .unwrap();
    assert_eq!(total(&r), 300);

    // Device certificates: the same after an enrollment and a delete.
    let before = paged_ids(&t, "/api/device/v1", "id", 8).await;
    assert_eq!(before.len(), 60);
    let (_, csr) = csr_for("ignored");
    let (s, v) = t
        .post_json(
            "/api/device/v1/enroll",
            serde_json::json!({"orgId": 1101, "term": 365, "csr": csr, "certType": 6201,
                "customFields": [{"name": "Asset Tag", "value": "AT-1"}],
                "optionalFields": [{"name": "commonName", "value": "lobby.devices.acme-logistics.example"}]}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let new_dev = v["deviceCertId"].as_i64().unwrap();
    // The device report says how each certificate came in (delete takes imported or
    // discovered ones only).
    let (_, report) = t
        .post_json("/api/report/v1/device-certificates", serde_json::json!({}))
        .await;
    let gone = report["reports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["enrollType"] == "IMPORTED" || r["enrollType"] == "DISCOVERY")
        .and_then(|r| r["id"].as_i64());
    if let Some(id) = gone {
        let r = t
            .req(reqwest::Method::DELETE, &format!("/api/device/v1/{id}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204);
    }
    let gone = gone.expect("the seeded data has an imported or discovered device");
    let mut expected: Vec<i64> = before.iter().copied().filter(|i| *i != gone).collect();
    expected.push(new_dev);
    assert_eq!(paged_ids(&t, "/api/device/v1", "id", 8).await, expected);
    assert_eq!(
        paged_ids(&t, "/api/smime/v2", "id", 11).await.len(),
        75,
        "S/MIME: a quarter as many as SSL"
    );
}

/// The keys of a JSON object, in the order they appear in the text.
fn keys_in_order(json: &str) -> Vec<String> {
    struct Keys(Vec<String>);
    impl<'de> serde::Deserialize<'de> for Keys {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Keys, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = Keys;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut m: A,
                ) -> Result<Keys, A::Error> {
                    let mut out = Vec::new();
                    while let Some((k, _)) = m.next_entry::<String, serde::de::IgnoredAny>()? {
                        out.push(k);
                    }
                    Ok(Keys(out))
                }
            }
            d.deserialize_map(V)
        }
    }
    serde_json::from_str::<Keys>(json).unwrap().0
}

/// The raw text of each row of a report body `{"statusCode":0,"reports":[...]}`.
fn report_rows(body: &str) -> Vec<String> {
    let rows: Vec<Box<serde_json::value::RawValue>> = serde_json::from_str(
        body.strip_prefix("{\"statusCode\":0,\"reports\":")
            .and_then(|b| b.strip_suffix('}'))
            .unwrap_or_else(|| panic!("envelope: {}", &body[..body.len().min(80)])),
    )
    .unwrap();
    rows.into_iter().map(|r| r.get().to_string()).collect()
}

/// The raw text of field `key` of the object `row` (nested key order intact).
fn raw_field(row: &str, key: &str) -> String {
    let m: std::collections::HashMap<String, Box<serde_json::value::RawValue>> =
        serde_json::from_str(row).unwrap();
    m[key].get().to_string()
}

/// `keys` is in the order of `canonical` (each key at most once, none unknown).
fn assert_in_order(keys: &[String], canonical: &[&str]) {
    let pos: Vec<usize> = keys
        .iter()
        .map(|k| {
            canonical
                .iter()
                .position(|c| c == k)
                .unwrap_or_else(|| panic!("unexpected key {k} in {keys:?}"))
        })
        .collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
}

#[tokio::test]
async fn reports_keep_scms_envelope_and_key_order() {
    let t = T::new().await;
    let r = t
        .post(
            "/api/report/v1/ssl-certificates?output_type=buffered",
            serde_json::json!({}),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"],
        "application/json;charset=UTF-8"
    );
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"rest_api_ssl_certificates.json\""
    );
    assert_eq!(r.headers()["cache-control"], "must-revalidate");
    assert_eq!(r.headers()["pragma"], "public");
    let body = r.text().await.unwrap();
    // The envelope in SCM's order: statusCode first.
    assert!(
        body.starts_with("{\"statusCode\":0,\"reports\":[{\"id\":"),
        "{}",
        &body[..60]
    );
    let rows = report_rows(&body);
    assert_eq!(rows.len(), 60);
    // The order of the example row in §11.2, with the fields it lacks beside their kin.
    const SSL: &[&str] = &[
        "id",
        "type",
        "typeId",
        "orgId",
        "commonName",
        "status",
        "requester",
        "approver",
        "externalRequester",
        "organizationName",
        "orderNumber",
        "backendCertId",
        "servers",
        "serverType",
        "requestedVia",
        "term",
        "comments",
        "requested",
        "approved",
        "declined",
        "downloaded",
        "expires",
        "revoked",
        "replaced",
        "issuer",
        "serialNumber",
        "subjAltNames",
        "publicKeyAlg",
        "publicKeySize",
        "publicKeyType",
        "city",
        "state",
        "country",
        "sha1",
        "md5",
        "customFields",
    ];
    let first = keys_in_order(&rows[0]);
    assert_eq!(
        first[..6],
        ["id", "type", "typeId", "orgId", "commonName", "status"]
    );
    for row in &rows {
        assert_in_order(&keys_in_order(row), SSL);
    }
    // Every field of the old Value rows is still there, with the same values.
    let v: Value = serde_json::from_str(&body).unwrap();
    let issued = v["reports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["status"] == "Issued")
        .unwrap();
    for k in [
        "id",
        "commonName",
        "orgId",
        "organizationName",
        "city",
        "state",
        "country",
        "status",
        "orderNumber",
        "backendCertId",
        "servers",
        "serverType",
        "typeId",
        "type",
        "term",
        "issuer",
        "sha1",
        "md5",
        "requester",
        "approver",
        "requested",
        "approved",
        "downloaded",
        "expires",
        "publicKeyAlg",
        "publicKeySize",
        "publicKeyType",
        "subjAltNames",
        "serialNumber",
        "requestedVia",
        "customFields",
    ] {
        assert!(issued.get(k).is_some(), "{k}: {issued}");
    }
    let id = issued["id"].as_i64().unwrap();
    let d = t.details(id).await;
    assert_eq!(issued["sha1"], d["certificateDetails"]["sha1Hash"]);
    assert_eq!(issued["md5"], d["certificateDetails"]["md5Hash"]);
    assert_eq!(issued["issuer"], d["certificateDetails"]["issuer"]);
    assert_eq!(
        issued["serialNumber"].as_str().unwrap(),
        d["serialNumber"]
            .as_str()
            .unwrap()
            .replace(':', "")
            .trim_start_matches('0')
    );
    assert_eq!(issued["customFields"][0]["name"], "Cost Center");
    let row = rows
        .iter()
        .find(|r| r.contains(&format!("\"id\":{id},")))
        .unwrap();
    let fields: Vec<Box<serde_json::value::RawValue>> =
        serde_json::from_str(&raw_field(row, "customFields")).unwrap();
    assert_eq!(keys_in_order(fields[0].get()), ["name", "value"]);

    let body = t
        .post("/api/report/v1/client-certificates", serde_json::json!({}))
        .await
        .text()
        .await
        .unwrap();
    const CLIENT: &[&str] = &[
        "id",
        "subject",
        "email",
        "orderNumber",
        "backendCertId",
        "enrolled",
        "downloaded",
        "expire",
        "enrollType",
        "organization",
        "person",
        "customFields",
        "comments",
    ];
    let rows = report_rows(&body);
    assert_eq!(rows.len(), 15);
    for row in &rows {
        assert_in_order(&keys_in_order(row), CLIENT);
        assert_eq!(
            keys_in_order(&raw_field(row, "organization")),
            ["id", "name"]
        );
        assert_eq!(
            keys_in_order(&raw_field(row, "person")),
            ["name", "email", "guid"]
        );
    }
    let body = t
        .post("/api/report/v1/device-certificates", serde_json::json!({}))
        .await
        .text()
        .await
        .unwrap();
    const DEVICE: &[&str] = &[
        "id",
        "commonName",
        "subject",
        "approver",
        "city",
        "state",
        "country",
        "deviceCertStatus",
        "serialNumber",
        "email",
        "orderNumber",
        "backendCertId",
        "enrolled",
        "expire",
        "enrollType",
        "keyAlgorithm",
        "keySize",
        "keyType",
        "signatureAlgorithm",
        "certTypeName",
        "keyUsage",
        "extendedKeyUsage",
        "caId",
        "caName",
        "organization",
        "customFields",
        "comments",
    ];
    let rows = report_rows(&body);
    assert_eq!(rows.len(), 12);
    for row in &rows {
        assert_in_order(&keys_in_order(row), DEVICE);
    }
    let body = t
        .req(reqwest::Method::POST, "/api/report/v1/domains")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let rows = report_rows(&body);
    assert_eq!(rows.len(), 9);
    for row in &rows {
        assert_in_order(
            &keys_in_order(row),
            &[
                "id",
                "name",
                "status",
                "requested",
                "stickyUntil",
                "dcvStatus",
            ],
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_made_while_seeding_wait_for_the_data() {
    let (emu, release) = SectigoEmulator::launch_held(SectigoOptions::for_tests())
        .await
        .unwrap();
    let t = T {
        emu,
        http: reqwest::Client::new(),
    };
    // Known at once: the URL and the credentials; the clock reads `now`.
    assert!(t.emu.base_url.starts_with("http://127.0.0.1:"));
    assert_eq!(t.emu.now(), TEST_NOW);
    // Knobs set before the data is ready apply once it is.
    t.emu.set_auto_approve(true);
    t.emu.set_issue_delay(Duration::ZERO);
    let list = {
        let req = t.req(reqwest::Method::GET, "/api/ssl/v1?size=5");
        tokio::spawn(async move { req.send().await })
    };
    // The request has reached the server while the data is still being seeded ...
    t.emu.wait_requests(1).await;
    assert_eq!(t.emu.requests(), vec!["GET /api/ssl/v1".to_string()]);
    assert!(!t.emu.is_ready());
    assert!(!list.is_finished(), "answered before the data was ready");
    release.send(()).unwrap();
    // The CA comes first (this waits for it).
    assert_eq!(t.emu.ca_chain_pem().matches("BEGIN CERTIFICATE").count(), 2);
    // ... and is answered, in full, once it is.
    let r = list.await.unwrap().unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(total(&r), 60);
    assert_eq!(r.json::<Vec<Value>>().await.unwrap().len(), 5);
    t.emu.ready().await.unwrap();
    assert!(t.emu.is_ready());
    let (_, csr) = csr_for("shop.acme-logistics.example");
    let (s, v) = t.post_json("/api/ssl/v1/enroll", enroll_body(&csr)).await;
    assert_eq!(s, 200, "{v}");
    let id = v["sslId"].as_i64().unwrap();
    assert_eq!(t.status_of(id).await, "Issued", "auto-approve and no delay");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seed_that_fails_answers_errors_instead_of_hanging() {
    let (emu, release) = SectigoEmulator::launch_held(SectigoOptions::for_tests())
        .await
        .unwrap();
    // As if the emulator had been dropped while seeding: the seeding stops.
    emu.shared.cancel.store(true, Ordering::Relaxed);
    release.send(()).unwrap();
    let err = emu.ready().await.unwrap_err();
    assert!(err.to_string().contains("cancelled"), "{err}");
    assert!(!emu.is_ready());
    let t = T {
        emu,
        http: reqwest::Client::new(),
    };
    let (s, v) = t.get_json("/api/ssl/v1?size=1").await;
    assert_eq!((s, v["code"].as_i64()), (500, Some(-2)), "{v}");
    // Knobs are ignored, not queued forever.
    t.emu.set_auto_approve(true);
}

#[test]
fn issued_certificates_expire_when_their_time_comes() {
    use super::data::SslStatus as S;
    let ca = DemoCa::new_at(TEST_NOW).unwrap();
    let mut db = Db::seed(&ca, 7, TEST_NOW, 200).unwrap();
    db.tick(TEST_NOW, std::time::Instant::now(), &ca);
    db.tick_families(TEST_NOW, std::time::Instant::now(), &ca);
    let issued = |db: &Db| {
        db.ssl
            .values()
            .filter(|c| c.status == S::Issued)
            .map(|c| (c.expires.unwrap(), c.id))
            .collect::<Vec<_>>()
    };
    let mut before = issued(&db);
    before.sort();
    let (first, second) = (before[0], before[1]);
    assert!(first.0 < second.0, "distinct expiries in the seeded data");
    db.tick(first.0 - 1, std::time::Instant::now(), &ca);
    assert_eq!(issued(&db).len(), before.len(), "nothing expires early");
    db.tick(first.0, std::time::Instant::now(), &ca);
    assert_eq!(db.ssl.get(&first.1).map(|c| c.status), Some(S::Expired));
    assert_eq!(issued(&db).len(), before.len() - 1);
    db.tick(second.0, std::time::Instant::now(), &ca);
    assert_eq!(db.ssl.get(&second.1).map(|c| c.status), Some(S::Expired));
    // Much later: every one of them.
    db.tick(before[before.len() - 1].0, std::time::Instant::now(), &ca);
    assert!(issued(&db).is_empty());

    // Device and S/MIME certificates likewise.
    let device_issued = |db: &Db| {
        db.fam
            .device
            .values()
            .filter(|c| c.status == family::St::Issued)
            .count()
    };
    let n = device_issued(&db);
    let last = db
        .fam
        .device
        .values()
        .filter_map(|c| c.expires)
        .max()
        .unwrap();
    assert!(n > 0);
    db.tick_families(last, std::time::Instant::now(), &ca);
    assert_eq!(device_issued(&db), 0);
}

#[tokio::test]
async fn expire_session_refuses_the_next_authorised_request_once() {
    let t = T::new().await;
    t.emu.inject(Fault::ExpireSession);
    // A request without valid credentials has no "session": answered as usual (401), the
    // fault waits.
    let r = t
        .http
        .get(format!("{}/api/ssl/v1/types", t.emu.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(t.emu.harness().pending_faults().len(), 1);
    let (s, v) = t.get_json("/api/ssl/v1/types").await;
    assert_eq!((s, &v["code"]), (401, &Value::from(-16)), "{v}");
    assert_eq!(v["description"], "Unknown user");
    assert!(t.emu.harness().pending_faults().is_empty());
    assert_eq!(t.get_json("/api/ssl/v1/types").await.0, 200);
    // Over /private (client-certificate login, no password) as well.
    t.emu.inject(Fault::ExpireSession);
    let r = t
        .http
        .get(format!("{}/private/api/ssl/v1/types", t.emu.base_url))
        .header("login", &t.emu.login)
        .header("customerUri", &t.emu.customer_uri)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(t.emu.harness().pending_faults().is_empty());
}

#[tokio::test]
async fn retry_after_and_truncated_bodies_in_scm_form() {
    let t = T::new().await;
    t.emu
        .inject(Fault::RetryAfter { secs: 4 }.on("/api/ssl/v1/types"));
    // Another path passes.
    assert_eq!(t.get_json("/api/ssl/v1/customFields").await.0, 200);
    let r = t.get("/api/ssl/v1/types").await;
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "4");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["code"], -1);
    t.emu.inject(Fault::TruncatedBody);
    let r = t.get("/api/ssl/v1?size=3").await;
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.is_err(), "the body breaks off");
    t.emu.wait_idle().await;
    let statuses: Vec<Option<u16>> = t.emu.log().requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![Some(200), Some(429), Some(200)]);
    assert_eq!(t.emu.seen_with_status(429)[0].path, "/api/ssl/v1/types");
}
