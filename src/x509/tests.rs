//! Golden and behaviour tests for the x509 module.
//!
//! The fixtures in `tests/fixtures/x509/` were generated once by [`generate_fixtures`] (run
//! with `CERTDECK_REGEN_X509_FIXTURES=1 cargo test --lib x509::tests::generate_fixtures --
//! --ignored`) plus the OpenSSL commands in `tests/fixtures/x509/README.md`, and are committed:
//! fingerprints and the golden text depend on their exact bytes. Regenerating them changes the
//! snapshots.

use std::net::IpAddr;
use std::path::PathBuf;

use super::*;

/// 2026-01-15 00:00:00 UTC, the fixed clock of the golden tests.
const NOW: i64 = 1_768_435_200;
const DAY: i64 = 86_400;

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/x509")
}

fn fixture(name: &str) -> Vec<u8> {
    let path = fixture_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn fixture_text(name: &str) -> String {
    String::from_utf8(fixture(name)).unwrap()
}

fn one(name: &str) -> CertView {
    let mut certs = parse_bundle(&fixture(name)).unwrap();
    assert_eq!(certs.len(), 1, "{name}");
    certs.remove(0)
}

fn lines_text(view: &CertView, now: i64) -> String {
    view.lines(now)
        .iter()
        .map(|(label, value)| format!("{label:<18} {value}\n"))
        .collect()
}

fn value<'a>(rows: &'a [(String, String)], label: &str) -> &'a str {
    rows.iter()
        .find(|(l, _)| l == label)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no row {label:?} in {rows:?}"))
}

// ---------------------------------------------------------------------------------------------
// Golden output

const SINGLE_FIXTURES: [&str; 6] = [
    "ca.pem",
    "leaf-ec.pem",
    "leaf-rsa.pem",
    "leaf-ed25519.pem",
    "selfsigned-rsa.pem",
    "expired.pem",
];

#[test]
fn golden_inspect_text() {
    for name in SINGLE_FIXTURES {
        let view = one(name);
        insta::assert_snapshot!(format!("inspect_{name}"), view.inspect_text(NOW));
    }
}

#[test]
fn golden_lines() {
    for name in SINGLE_FIXTURES {
        let view = one(name);
        insta::assert_snapshot!(format!("lines_{name}"), lines_text(&view, NOW));
    }
}

// ---------------------------------------------------------------------------------------------
// Fields, checked against independent sources (OpenSSL output recorded in the README) where
// that is possible

#[test]
fn ec_leaf_fields() {
    let v = one("leaf-ec.pem");
    assert_eq!(v.version, 3);
    assert_eq!(v.subject, "CN=www.example.test,O=Example\\, Inc.,C=KR");
    assert_eq!(v.common_name.as_deref(), Some("www.example.test"));
    assert_eq!(v.issuer, "CN=certdeck Test Root CA,O=certdeck test,C=KR");
    assert_eq!(
        v.issuer_common_name.as_deref(),
        Some("certdeck Test Root CA")
    );
    assert_eq!(
        v.sans,
        vec![
            San::Dns("www.example.test".into()),
            San::Dns("example.test".into()),
            San::Ip("192.0.2.10".parse::<IpAddr>().unwrap()),
            San::Ip("2001:db8::10".parse::<IpAddr>().unwrap()),
            San::Email("admin@example.test".into()),
            San::Uri("https://example.test/".into()),
        ]
    );
    // 2025-06-01 and 2026-06-01, 00:00:00 UTC.
    assert_eq!(v.not_before, 1_748_736_000);
    assert_eq!(v.not_after, 1_780_272_000);
    assert_eq!(
        (v.key_type.as_str(), v.key_bits),
        ("ECDSA P-256", Some(256))
    );
    assert_eq!(v.signature_algorithm, "ECDSA-SHA384");
    assert_eq!(v.serial_hex, "01:23:45:67:89:AB:CD:EF");
    assert_eq!(v.serial_decimal.as_deref(), Some("81985529216486895"));
    assert_eq!(v.key_usage, vec!["Digital Signature", "Key Encipherment"]);
    assert_eq!(
        v.ext_key_usage,
        vec![
            "Server Authentication",
            "Client Authentication",
            "1.3.6.1.4.1.99999.1"
        ]
    );
    assert_eq!(
        v.basic_constraints,
        Some(BasicConstraints {
            ca: false,
            path_len: None
        })
    );
    assert_eq!(v.policies, vec!["2.23.140.1.2.1 (Domain Validated)"]);
    assert_eq!(v.crl_urls, vec!["http://crl.example.test/root.crl"]);
    assert_eq!(v.ocsp_urls, vec!["http://ocsp.example.test"]);
    assert_eq!(v.ca_issuer_urls, vec!["http://ca.example.test/root.crt"]);
    assert!(!v.is_self_signed);
    assert!(!v.is_ca());
    assert_eq!(v.display_name(), "www.example.test");

    // Fingerprints: the SHA-256/SHA-1 of the DER, compared with `openssl x509 -fingerprint`
    // (README.md) after removing the colons and lowercasing.
    let openssl = fixture_text("openssl-fingerprints.txt");
    let expect = |label: &str| {
        openssl
            .lines()
            .find_map(|l| l.strip_prefix(&format!("leaf-ec.pem {label} Fingerprint=")))
            .map(|f| f.replace(':', "").to_lowercase())
            .unwrap()
    };
    assert_eq!(v.sha256, expect("sha256"));
    assert_eq!(v.sha1, expect("sha1"));
    assert_eq!(
        v.sha256,
        hex::encode(Sha256::digest(fixture("leaf-ec.der")))
    );
}

#[test]
fn ca_and_chain_relations() {
    let ca = one("ca.pem");
    let leaf = one("leaf-ec.pem");
    assert!(ca.is_self_signed);
    assert!(ca.is_ca());
    assert_eq!(
        ca.basic_constraints,
        Some(BasicConstraints {
            ca: true,
            path_len: Some(0)
        })
    );
    assert_eq!(ca.key_type, "ECDSA P-384");
    assert_eq!(ca.key_bits, Some(384));
    assert_eq!(
        ca.key_usage,
        vec!["Digital Signature", "Certificate Sign", "CRL Sign"]
    );
    assert_eq!(leaf.issuer, ca.subject);
    assert!(leaf.authority_key_id.is_some());
    assert_eq!(leaf.authority_key_id, ca.subject_key_id);
    let ski = ca.subject_key_id.as_deref().unwrap();
    assert!(
        ski.split(':')
            .all(|b| b.len() == 2 && b.chars().all(|c| c.is_ascii_hexdigit()))
    );
    assert_eq!(
        value(&ca.lines(NOW), "Issuer"),
        "CN=certdeck Test Root CA,O=certdeck test,C=KR (self-signed)"
    );
    assert_eq!(value(&leaf.lines(NOW), "Issuer"), ca.subject);
}

#[test]
fn rsa_and_other_key_types() {
    let rsa = one("leaf-rsa.pem");
    assert_eq!((rsa.key_type.as_str(), rsa.key_bits), ("RSA", Some(2048)));
    assert_eq!(rsa.signature_algorithm, "ECDSA-SHA384");
    // A 20-byte serial with the top bit set in the second byte: no decimal (over 128 bits).
    assert_eq!(rsa.serial_hex.split(':').count(), 20);
    assert_eq!(rsa.serial_decimal, None);

    let device = one("selfsigned-rsa.pem");
    assert_eq!(
        (device.key_type.as_str(), device.key_bits),
        ("RSA", Some(2048))
    );
    assert_eq!(device.signature_algorithm, "SHA256-RSA");
    assert!(device.is_self_signed);
    assert!(!device.is_ca());
    assert!(device.key_usage.is_empty());

    let ed = one("leaf-ed25519.pem");
    assert_eq!((ed.key_type.as_str(), ed.key_bits), ("Ed25519", Some(256)));
    assert!(ed.sans.contains(&San::Other {
        kind: "UPN".into(),
        value: "jiwoo@example.test".into()
    }));
    assert_eq!(
        ed.ext_key_usage,
        vec!["Client Authentication", "E-mail Protection"]
    );
}

// ---------------------------------------------------------------------------------------------
// Validity notes

#[test]
fn expired_certificate_says_expired() {
    let v = one("expired.pem");
    // not_after is 2025-01-01; NOW is 2026-01-15: 379 days later.
    assert_eq!(v.not_after, 1_735_689_600);
    let rows = v.lines(NOW);
    assert_eq!(
        value(&rows, "Not after"),
        "2025-01-01 00:00:00 UTC (EXPIRED 379 days ago)"
    );
    assert!(v.inspect_text(NOW).contains("(EXPIRED 379 days ago)"));
    assert!(v.is_expired(NOW));
    assert_eq!(v.days_left(NOW), -379);
}

#[test]
fn validity_notes_at_the_edges() {
    let v = one("leaf-ec.pem");
    let after = |now| value(&v.lines(now), "Not after").to_string();
    let before = |now| value(&v.lines(now), "Not before").to_string();
    assert_eq!(after(NOW), "2026-06-01 00:00:00 UTC (137 days left)");
    assert_eq!(
        after(v.not_after - DAY),
        "2026-06-01 00:00:00 UTC (1 day left)"
    );
    assert_eq!(
        after(v.not_after - 5 * 3600),
        "2026-06-01 00:00:00 UTC (expires in 5 hours)"
    );
    assert_eq!(
        after(v.not_after),
        "2026-06-01 00:00:00 UTC (expires in 0 seconds)"
    );
    assert_eq!(
        after(v.not_after + 1),
        "2026-06-01 00:00:00 UTC (EXPIRED 1 second ago)"
    );
    assert_eq!(
        after(v.not_after + 5 * DAY + 7),
        "2026-06-01 00:00:00 UTC (EXPIRED 5 days ago)"
    );
    assert_eq!(before(NOW), "2025-06-01 00:00:00 UTC");
    assert_eq!(
        before(v.not_before - 3 * DAY),
        "2025-06-01 00:00:00 UTC (NOT YET VALID, starts in 3 days)"
    );
    assert!(v.is_not_yet_valid(v.not_before - 1));
    assert!(!v.is_not_yet_valid(v.not_before));
}

// ---------------------------------------------------------------------------------------------
// Input forms

fn ders(views: &[CertView]) -> Vec<Vec<u8>> {
    views.iter().map(|v| v.der.clone()).collect()
}

#[test]
fn pem_chain_keeps_order_and_ignores_text_around() {
    let text = fixture_text("chain.pem");
    assert!(
        text.starts_with("subject="),
        "the fixture has OpenSSL-style text around"
    );
    let certs = parse_bundle(text.as_bytes()).unwrap();
    let names: Vec<_> = certs
        .iter()
        .map(|c| c.common_name.clone().unwrap())
        .collect();
    assert_eq!(names, vec!["www.example.test", "certdeck Test Root CA"]);
    assert_eq!(certs[0], one("leaf-ec.pem"));
    assert_eq!(certs[1], one("ca.pem"));
}

#[test]
fn der_certificate_and_concatenated_der() {
    let der = fixture("leaf-ec.der");
    let certs = parse_bundle(&der).unwrap();
    assert_eq!(certs, vec![one("leaf-ec.pem")]);
    assert_eq!(certs[0].der, der);

    let mut two = der.clone();
    two.extend(&one("ca.pem").der);
    let certs = parse_bundle(&two).unwrap();
    assert_eq!(ders(&certs), vec![der, one("ca.pem").der]);
}

#[test]
fn pkcs7_der_and_pem() {
    let chain = ders(&parse_bundle(&fixture("chain.pem")).unwrap());
    for name in [
        "chain.p7b",
        "chain.p7b.pem",
        "chain-openssl.p7b",
        "chain-openssl.p7b.pem",
    ] {
        let certs = parse_bundle(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(ders(&certs), chain, "{name}");
    }
    // Our builder writes the same bytes as `openssl crl2pkcs7 -nocrl`.
    assert_eq!(fixture("chain.p7b"), fixture("chain-openssl.p7b"));
}

#[test]
fn bare_base64_and_pem_round_trip() {
    let leaf = one("leaf-ec.pem");
    let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &leaf.der);
    assert_eq!(parse_bundle(b64.as_bytes()).unwrap(), vec![leaf.clone()]);
    assert_eq!(
        parse_bundle(leaf.to_pem().as_bytes()).unwrap(),
        vec![leaf.clone()]
    );
    assert_eq!(leaf.to_pem(), fixture_text("leaf-ec.pem"));
}

// ---------------------------------------------------------------------------------------------
// Bad input: clear errors, never a panic

#[test]
fn garbage_gives_clear_errors() {
    assert_eq!(
        parse_bundle(b"").unwrap_err().to_string(),
        "no certificate found in 0 bytes"
    );
    assert_eq!(
        parse_bundle(b"hello world").unwrap_err().to_string(),
        "no certificate found in 11 bytes"
    );
    let key_only = fixture("leaf-ec.key.pem");
    let err = parse_bundle(&key_only).unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "no certificate found in {} bytes (found: PRIVATE KEY block)",
            key_only.len()
        )
    );

    let err = parse_bundle(&[0x30, 0x03, 0x02, 0x01, 0x01]).unwrap_err();
    assert!(
        matches!(err, X509Error::BadDerCertificate { len: 5, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with("5 bytes of binary data are not a DER certificate: ")
    );

    let der = fixture("leaf-ec.der");
    let err = parse_bundle(&der[..der.len() / 2]).unwrap_err().to_string();
    assert!(err.contains("not a DER certificate"), "{err}");
}

#[test]
fn bad_pem_block_is_named_by_position() {
    let chain = fixture_text("chain.pem");
    // Damage the second CERTIFICATE block: keep the armour, replace the body.
    let second = chain
        .match_indices("-----BEGIN CERTIFICATE-----")
        .nth(1)
        .unwrap()
        .0;
    let body_start = second + "-----BEGIN CERTIFICATE-----\n".len();
    let mut broken = chain.clone();
    broken.replace_range(body_start..body_start + 8, "AAAAAAAA");
    let err = parse_bundle(broken.as_bytes()).unwrap_err().to_string();
    assert!(
        err.starts_with("PEM block 2 is not a valid certificate: "),
        "{err}"
    );

    let mut bad_b64 = chain.clone();
    bad_b64.replace_range(body_start..body_start + 1, "*");
    let err = parse_bundle(bad_b64.as_bytes()).unwrap_err().to_string();
    assert_eq!(
        err,
        "PEM block 2 is not a valid certificate: invalid base64: unexpected character '*'"
    );

    let cut = &chain[..body_start + 100];
    let err = parse_bundle(cut.as_bytes()).unwrap_err().to_string();
    assert_eq!(
        err,
        "PEM block 2 (CERTIFICATE) is malformed: no -----END CERTIFICATE----- line"
    );

    let p7 = fixture_text("chain.p7b.pem").replace("MII", "AII");
    let err = parse_bundle(p7.as_bytes()).unwrap_err().to_string();
    assert!(
        err.starts_with("PEM block 1 is not a valid PKCS#7 bundle: "),
        "{err}"
    );
}

#[test]
fn empty_and_foreign_pkcs7() {
    // Degenerate SignedData with no certificates.
    let empty = content_info(&[]);
    assert_eq!(
        parse_bundle(&empty).unwrap_err().to_string(),
        format!(
            "no certificate found in {} bytes (found: empty PKCS#7 bundle)",
            empty.len()
        )
    );
    let pem = pem::encode("PKCS7", &empty);
    assert_eq!(
        parse_bundle(pem.as_bytes()).unwrap_err().to_string(),
        format!(
            "no certificate found in {} bytes (found: empty PKCS#7 bundle in PEM block 1)",
            pem.len()
        )
    );
    // A certificate inside the bundle that is broken.
    let bad = content_info(&[&[0x30, 0x03, 0x02, 0x01, 0x01]]);
    let err = parse_bundle(&bad).unwrap_err().to_string();
    assert!(
        err.starts_with("certificate 1 in the PKCS#7 bundle is not valid: "),
        "{err}"
    );
}

#[test]
fn truncations_and_bit_flips_never_panic() {
    let inputs = [
        fixture("leaf-ec.der"),
        fixture("chain.p7b"),
        fixture("chain.pem"),
        fixture("leaf-rsa.pem"),
    ];
    for input in &inputs {
        for cut in 0..input.len() {
            let _ = parse_bundle(&input[..cut]);
        }
        for i in 0..input.len() {
            for mask in [0x01u8, 0x80, 0xff] {
                let mut flipped = input.clone();
                flipped[i] ^= mask;
                if let Ok(views) = parse_bundle(&flipped) {
                    for v in views {
                        let _ = v.inspect_text(NOW);
                        let _ = v.lines(NOW);
                    }
                }
            }
        }
    }
}

#[test]
fn control_characters_in_names_are_escaped() {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params =
        rcgen::CertificateParams::new(vec!["evil\u{1b}[31m.example".to_string()]).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "bad\u{1b}[2Jname");
    let cert = params.self_signed(&key).unwrap();
    let v = CertView::from_der(cert.der()).unwrap();
    let text = v.inspect_text(NOW) + &lines_text(&v, NOW);
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(text.contains("CN=bad\\1B[2Jname"), "{text}");
    assert!(text.contains("DNS:evil\\x1b[31m.example"), "{text}");
    assert_eq!(v.common_name.as_deref(), Some("bad\\x1b[2Jname"));
    assert_eq!(v.display_name(), "bad\\x1b[2Jname");
}

// ---------------------------------------------------------------------------------------------
// key_matches

#[test]
fn key_matches_the_right_key_in_every_format() {
    let ec = one("leaf-ec.pem");
    let rsa = one("leaf-rsa.pem");
    let ed = one("leaf-ed25519.pem");
    for (cert, key) in [
        (&ec, "leaf-ec.key.pem"),
        (&ec, "leaf-ec.sec1.key.pem"),
        (&rsa, "leaf-rsa.key.pem"),
        (&rsa, "leaf-rsa.pkcs1.key.pem"),
        (&ed, "leaf-ed25519.key.pem"),
    ] {
        assert_eq!(key_matches(cert, &fixture_text(key)), Ok(true), "{key}");
    }
    assert_eq!(
        key_matches_der(&fixture("leaf-ec.der"), &fixture_text("leaf-ec.key.pem")),
        Ok(true)
    );
    // A file holding the certificate first and the key after it.
    let combined = fixture_text("leaf-ec.pem") + &fixture_text("leaf-ec.sec1.key.pem");
    assert_eq!(key_matches(&ec, &combined), Ok(true));
}

#[test]
fn key_matches_is_false_for_another_key() {
    let ec = one("leaf-ec.pem");
    let rsa = one("leaf-rsa.pem");
    let expired = one("expired.pem");
    assert_eq!(
        key_matches(&ec, &fixture_text("leaf-rsa.key.pem")),
        Ok(false)
    );
    assert_eq!(
        key_matches(&rsa, &fixture_text("leaf-ec.key.pem")),
        Ok(false)
    );
    // Same algorithm, different key.
    assert_eq!(
        key_matches(&expired, &fixture_text("leaf-ec.key.pem")),
        Ok(false)
    );
    let fresh = rcgen::KeyPair::generate().unwrap().serialize_pem();
    assert_eq!(key_matches(&ec, &fresh), Ok(false));
}

#[test]
fn key_matches_errors_are_clear_and_secret_free() {
    let ec = one("leaf-ec.pem");
    let err = key_matches(&ec, "nothing here").unwrap_err().to_string();
    assert_eq!(
        err,
        "private key: no PEM block PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY"
    );
    let err = key_matches(&ec, &fixture_text("leaf-ec.pem"))
        .unwrap_err()
        .to_string();
    assert!(err.ends_with("(found: CERTIFICATE)"), "{err}");

    let encrypted =
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n";
    let err = key_matches(&ec, encrypted).unwrap_err().to_string();
    assert!(err.contains("encrypted"), "{err}");

    // A key whose DER is damaged: the message must not quote the key.
    let key = fixture_text("leaf-ec.key.pem");
    let body: String = key.lines().filter(|l| !l.starts_with("-----")).collect();
    let damaged = key.replace(&body[10..20], "AAAAAAAAAA");
    let err = key_matches(&ec, &damaged).unwrap_err().to_string();
    assert!(
        err.starts_with("private key: the PRIVATE KEY block"),
        "{err}"
    );
    for chunk in body.as_bytes().chunks(8) {
        let chunk = std::str::from_utf8(chunk).unwrap();
        assert!(!err.contains(chunk), "error quotes key material: {err}");
    }
}

// ---------------------------------------------------------------------------------------------
// Fixture generation (run once; see the module docs)

/// DER tag-length-value.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|&b| b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

fn oid_der(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted.split('.').map(|a| a.parse().unwrap()).collect();
    let mut body = vec![(arcs[0] * 40 + arcs[1]) as u8];
    for &arc in &arcs[2..] {
        let mut groups = vec![(arc & 0x7f) as u8];
        let mut rest = arc >> 7;
        while rest > 0 {
            groups.push(0x80 | (rest & 0x7f) as u8);
            rest >>= 7;
        }
        groups.reverse();
        body.extend(groups);
    }
    tlv(0x06, &body)
}

/// A degenerate PKCS#7 SignedData holding `certs`, laid out as `openssl crl2pkcs7 -nocrl`
/// writes it.
fn content_info(certs: &[&[u8]]) -> Vec<u8> {
    let version = tlv(0x02, &[1]);
    let digest_algorithms = tlv(0x31, &[]);
    let encap = tlv(0x30, &oid_der("1.2.840.113549.1.7.1"));
    let certificates = tlv(0xa0, &certs.concat());
    let signer_infos = tlv(0x31, &[]);
    let signed_data = tlv(
        0x30,
        &[
            version,
            digest_algorithms,
            encap,
            certificates,
            signer_infos,
        ]
        .concat(),
    );
    tlv(
        0x30,
        &[oid_der("1.2.840.113549.1.7.2"), tlv(0xa0, &signed_data)].concat(),
    )
}

#[test]
#[ignore = "writes tests/fixtures/x509; run once with CERTDECK_REGEN_X509_FIXTURES=1"]
fn generate_fixtures() {
    use rcgen::{
        BasicConstraints as Bc, CertificateParams, CrlDistributionPoint, CustomExtension, DnType,
        ExtendedKeyUsagePurpose as Eku, IsCa, Issuer, KeyPair, KeyUsagePurpose as Ku,
        OtherNameValue, SanType, date_time_ymd,
    };

    if std::env::var("CERTDECK_REGEN_X509_FIXTURES").as_deref() != Ok("1") {
        eprintln!("set CERTDECK_REGEN_X509_FIXTURES=1 to overwrite the committed fixtures");
        return;
    }
    let dir = fixture_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, data: &[u8]| std::fs::write(dir.join(name), data).unwrap();

    let name = |cn: &str, o: Option<&str>| {
        let mut dn = rcgen::DistinguishedName::new();
        dn.push(DnType::CountryName, "KR");
        if let Some(o) = o {
            dn.push(DnType::OrganizationName, o);
        }
        dn.push(DnType::CommonName, cn);
        dn
    };
    let leaf_params = |cn: &str, sans: Vec<SanType>, serial: Vec<u8>, from: (i32, u8, u8), to| {
        let mut p = CertificateParams::default();
        p.distinguished_name = name(cn, Some("Example, Inc."));
        p.subject_alt_names = sans;
        p.serial_number = Some(serial.into());
        p.not_before = date_time_ymd(from.0, from.1, from.2);
        let (y, m, d): (i32, u8, u8) = to;
        p.not_after = date_time_ymd(y, m, d);
        p.is_ca = IsCa::ExplicitNoCa;
        p.use_authority_key_identifier_extension = true;
        p
    };

    // Root CA: ECDSA P-384, path length 0.
    let ca_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).unwrap();
    let mut ca_params = CertificateParams::default();
    ca_params.distinguished_name = name("certdeck Test Root CA", Some("certdeck test"));
    ca_params.serial_number = Some(vec![0x01].into());
    ca_params.not_before = date_time_ymd(2024, 1, 1);
    ca_params.not_after = date_time_ymd(2034, 1, 1);
    ca_params.is_ca = IsCa::Ca(Bc::Constrained(0));
    ca_params.key_usages = vec![Ku::DigitalSignature, Ku::KeyCertSign, Ku::CrlSign];
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, &ca_key);
    write("ca.pem", ca.pem().as_bytes());

    // ECDSA P-256 server leaf with every SAN kind, DV policy, CRL and AIA.
    let ec_key = KeyPair::generate().unwrap();
    let mut p = leaf_params(
        "www.example.test",
        vec![
            SanType::DnsName("www.example.test".try_into().unwrap()),
            SanType::DnsName("example.test".try_into().unwrap()),
            SanType::IpAddress("192.0.2.10".parse().unwrap()),
            SanType::IpAddress("2001:db8::10".parse().unwrap()),
            SanType::Rfc822Name("admin@example.test".try_into().unwrap()),
            SanType::URI("https://example.test/".try_into().unwrap()),
        ],
        vec![0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef],
        (2025, 6, 1),
        (2026, 6, 1),
    );
    p.key_usages = vec![Ku::DigitalSignature, Ku::KeyEncipherment];
    p.extended_key_usages = vec![
        Eku::ServerAuth,
        Eku::ClientAuth,
        Eku::Other(vec![1, 3, 6, 1, 4, 1, 99999, 1]),
    ];
    p.crl_distribution_points = vec![CrlDistributionPoint {
        uris: vec!["http://crl.example.test/root.crl".to_string()],
    }];
    let policies = tlv(0x30, &tlv(0x30, &oid_der("2.23.140.1.2.1")));
    p.custom_extensions
        .push(CustomExtension::from_oid_content(&[2, 5, 29, 32], policies));
    let access =
        |method: &str, uri: &str| tlv(0x30, &[oid_der(method), tlv(0x86, uri.as_bytes())].concat());
    let aia = tlv(
        0x30,
        &[
            access("1.3.6.1.5.5.7.48.1", "http://ocsp.example.test"),
            access("1.3.6.1.5.5.7.48.2", "http://ca.example.test/root.crt"),
        ]
        .concat(),
    );
    p.custom_extensions.push(CustomExtension::from_oid_content(
        &[1, 3, 6, 1, 5, 5, 7, 1, 1],
        aia,
    ));
    let leaf = p.signed_by(&ec_key, &issuer).unwrap();
    write("leaf-ec.pem", leaf.pem().as_bytes());
    write("leaf-ec.der", leaf.der());
    write("leaf-ec.key.pem", ec_key.serialize_pem().as_bytes());

    // RSA 2048 server leaf with a 20-byte serial.
    let rsa_key = KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let serial: Vec<u8> = Sha256::digest(b"certdeck rsa leaf")[..20]
        .iter()
        .enumerate()
        .map(|(i, b)| if i == 0 { b & 0x7f | 0x10 } else { *b })
        .collect();
    let mut p = leaf_params(
        "rsa.example.test",
        vec![SanType::DnsName("rsa.example.test".try_into().unwrap())],
        serial,
        (2025, 3, 1),
        (2027, 3, 1),
    );
    p.key_usages = vec![Ku::DigitalSignature, Ku::KeyEncipherment];
    p.extended_key_usages = vec![Eku::ServerAuth];
    let rsa = p.signed_by(&rsa_key, &issuer).unwrap();
    write("leaf-rsa.pem", rsa.pem().as_bytes());
    write("leaf-rsa.key.pem", rsa_key.serialize_pem().as_bytes());

    // Ed25519 client (S/MIME-like) leaf with a UPN other name.
    let ed_key = KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap();
    let mut p = leaf_params(
        "Kim Jiwoo",
        vec![
            SanType::Rfc822Name("jiwoo@example.test".try_into().unwrap()),
            SanType::OtherName((
                vec![1, 3, 6, 1, 4, 1, 311, 20, 2, 3],
                OtherNameValue::Utf8String("jiwoo@example.test".to_string()),
            )),
        ],
        vec![0x42],
        (2025, 9, 1),
        (2026, 2, 1),
    );
    p.key_usages = vec![Ku::DigitalSignature];
    p.extended_key_usages = vec![Eku::ClientAuth, Eku::EmailProtection];
    let ed = p.signed_by(&ed_key, &issuer).unwrap();
    write("leaf-ed25519.pem", ed.pem().as_bytes());
    write("leaf-ed25519.key.pem", ed_key.serialize_pem().as_bytes());

    // Self-signed RSA device certificate (what a NAS or PBX ships with).
    let dev_key = KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let mut p = CertificateParams::default();
    p.distinguished_name = name("nas.example.lan", None);
    p.subject_alt_names = vec![
        SanType::DnsName("nas.example.lan".try_into().unwrap()),
        SanType::IpAddress("192.168.1.20".parse().unwrap()),
    ];
    p.serial_number = Some(vec![0x10, 0x00].into());
    p.not_before = date_time_ymd(2024, 1, 1);
    p.not_after = date_time_ymd(2034, 1, 1);
    let dev = p.self_signed(&dev_key).unwrap();
    write("selfsigned-rsa.pem", dev.pem().as_bytes());

    // Expired ECDSA leaf.
    let old_key = KeyPair::generate().unwrap();
    let mut p = leaf_params(
        "old.example.test",
        vec![SanType::DnsName("old.example.test".try_into().unwrap())],
        vec![0x07],
        (2024, 1, 1),
        (2025, 1, 1),
    );
    p.key_usages = vec![Ku::DigitalSignature];
    p.extended_key_usages = vec![Eku::ServerAuth];
    let old = p.signed_by(&old_key, &issuer).unwrap();
    write("expired.pem", old.pem().as_bytes());

    // The chain (leaf, root) with OpenSSL-style text around, and as PKCS#7.
    let chain = format!(
        "subject=C=KR, O=\"Example, Inc.\", CN=www.example.test\n\
         issuer=C=KR, O=certdeck test, CN=certdeck Test Root CA\n{}\n\
         subject=C=KR, O=certdeck test, CN=certdeck Test Root CA\n\
         issuer=C=KR, O=certdeck test, CN=certdeck Test Root CA\n{}",
        leaf.pem(),
        ca.pem()
    );
    write("chain.pem", chain.as_bytes());
    let p7 = content_info(&[leaf.der(), ca.der()]);
    write("chain.p7b", &p7);
    write("chain.p7b.pem", pem::encode("PKCS7", &p7).as_bytes());
}
