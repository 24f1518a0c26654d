//! Local key pairs and certificate requests for enrolment.
//!
//! [`generate`] makes a private key (ECDSA P-256/P-384 or RSA 2048/3072/4096, through rcgen
//! on aws-lc-rs) and a PKCS#10 CSR whose subject is `CN=<common name>` and whose subject
//! alternative names are the given DNS names (IP addresses become IP SANs);
//! [`generate_for_email`] does the same for S/MIME, with e-mail addresses as rfc822Name SANs.
//! The private key is returned as PKCS#8 PEM inside a [`SecretString`] so it cannot be
//! printed by accident.
//!
//! [`read_csr`] checks a CSR file the user brings (PEM, or DER which is converted): it must
//! parse and its signature must verify. What is sent on is re-encoded from the parsed request,
//! so nothing else in the file (a private key pasted next to it, say) ever leaves the machine.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair, SanType};
use secrecy::SecretString;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::FromDer;

/// Key algorithms offered for locally made keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyAlg {
    EcdsaP256,
    EcdsaP384,
    Rsa2048,
    Rsa3072,
    Rsa4096,
}

impl KeyAlg {
    pub const ALL: [KeyAlg; 5] = [
        KeyAlg::EcdsaP256,
        KeyAlg::EcdsaP384,
        KeyAlg::Rsa2048,
        KeyAlg::Rsa3072,
        KeyAlg::Rsa4096,
    ];

    pub fn label(self) -> &'static str {
        match self {
            KeyAlg::EcdsaP256 => "ECDSA P-256",
            KeyAlg::EcdsaP384 => "ECDSA P-384",
            KeyAlg::Rsa2048 => "RSA 2048",
            KeyAlg::Rsa3072 => "RSA 3072",
            KeyAlg::Rsa4096 => "RSA 4096",
        }
    }

    /// SCM `keyTypes` spelling: ("EC", "P-256") / ("RSA", "2048").
    pub fn scm_key_type(self) -> (&'static str, &'static str) {
        match self {
            KeyAlg::EcdsaP256 => ("EC", "P-256"),
            KeyAlg::EcdsaP384 => ("EC", "P-384"),
            KeyAlg::Rsa2048 => ("RSA", "2048"),
            KeyAlg::Rsa3072 => ("RSA", "3072"),
            KeyAlg::Rsa4096 => ("RSA", "4096"),
        }
    }
}

/// X.520 upper bound for a common name, which CAs enforce.
const MAX_CN: usize = 64;
/// A CSR file is a few kilobytes; anything much larger is not one.
const MAX_CSR_FILE: u64 = 256 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeygenError {
    #[error("the common name is empty")]
    EmptyCommonName,
    #[error("the common name is longer than {MAX_CN} characters")]
    CommonNameTooLong,
    #[error("{0:?} is not a DNS name or an IP address")]
    BadName(String),
    #[error("{0:?} is not an e-mail address")]
    BadEmail(String),
    #[error("an S/MIME request needs at least one e-mail address")]
    NoEmail,
    #[error("cannot generate a {alg} key: {reason}")]
    Generate { alg: &'static str, reason: String },
    #[error("cannot make the certificate request: {0}")]
    Csr(String),
    #[error("CSR file {}: {reason}", path.display())]
    CsrFile { path: PathBuf, reason: String },
    #[error("key file {}: {reason}", path.display())]
    KeyFile { path: PathBuf, reason: String },
}

/// The trimmed common name, if it is neither empty nor longer than a certificate allows.
fn checked_cn(common_name: &str) -> Result<&str, KeygenError> {
    let cn = common_name.trim();
    if cn.is_empty() {
        Err(KeygenError::EmptyCommonName)
    } else if cn.chars().count() > MAX_CN {
        Err(KeygenError::CommonNameTooLong)
    } else {
        Ok(cn)
    }
}

/// A new private key (PKCS#8 PEM) and a CSR (PEM) for `common_name` and `sans`.
///
/// `sans` are trimmed, de-duplicated (case-insensitively) and validated; when the common name
/// is a host name or an IP address and is not among them, it is added first (CAs require the
/// CN to appear in the SANs). CPU-bound (RSA 4096 takes a moment): call it from
/// `spawn_blocking`.
pub fn generate(
    alg: KeyAlg,
    common_name: &str,
    sans: &[String],
) -> Result<(SecretString, String), KeygenError> {
    let cn = checked_cn(common_name)?;
    let names = subject_alt_names(cn, sans)?;
    make_request(alg, cn, names)
}

/// A CSR for `common_name` and `sans` (as [`generate`] names them) signed by an existing
/// private key (PEM): a request sent again with the key an earlier attempt made.
pub fn csr_for_key(
    key_pem: &str,
    common_name: &str,
    sans: &[String],
) -> Result<String, KeygenError> {
    let cn = checked_cn(common_name)?;
    let names = subject_alt_names(cn, sans)?;
    request_with(&parse_key(key_pem)?, cn, names)
}

/// Like [`csr_for_key`] for a person's S/MIME certificate (as [`generate_for_email`]).
pub fn csr_for_key_and_email(
    key_pem: &str,
    common_name: &str,
    emails: &[String],
) -> Result<String, KeygenError> {
    let cn = checked_cn(common_name)?;
    request_with(&parse_key(key_pem)?, cn, email_names(emails)?)
}

fn parse_key(key_pem: &str) -> Result<KeyPair, KeygenError> {
    KeyPair::from_pem(key_pem).map_err(|e| {
        KeygenError::Csr(format!(
            "the key file does not hold a usable private key ({e})"
        ))
    })
}

/// A new private key (PKCS#8 PEM) and a CSR (PEM) for a person's S/MIME certificate: the
/// subject is `CN=<common name>` (the person's name, say) and every address in `emails` is an
/// rfc822Name subject alternative name, the first one first.
///
/// Addresses are trimmed, de-duplicated (case-insensitively) and checked; at least one is
/// needed. CPU-bound like [`generate`].
pub fn generate_for_email(
    alg: KeyAlg,
    common_name: &str,
    emails: &[String],
) -> Result<(SecretString, String), KeygenError> {
    let cn = checked_cn(common_name)?;
    make_request(alg, cn, email_names(emails)?)
}

/// The rfc822Name SANs of `emails`: trimmed, de-duplicated, checked, at least one.
fn email_names(emails: &[String]) -> Result<Vec<SanType>, KeygenError> {
    let mut seen: Vec<String> = Vec::new();
    let mut names = Vec::new();
    for e in emails.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
        let key = e.to_ascii_lowercase();
        if seen.contains(&key) {
            continue;
        }
        if !is_email(e) {
            return Err(KeygenError::BadEmail(e.to_string()));
        }
        let ia5 = e
            .try_into()
            .map_err(|_| KeygenError::BadEmail(e.to_string()))?;
        names.push(SanType::Rfc822Name(ia5));
        seen.push(key);
    }
    if names.is_empty() {
        return Err(KeygenError::NoEmail);
    }
    Ok(names)
}

/// An e-mail address as it can go into an rfc822Name: ASCII, one `@`, a local part, and a
/// domain that is a DNS name with at least one dot.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && s.len() <= 254
        && local
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"@<>()[]\\,;:\"".contains(&b))
        && domain.contains('.')
        && !domain.starts_with("*.")
        && is_dns_name(domain)
}

/// The key, then the CSR with subject `CN=<cn>` and `names`, signed with it.
fn make_request(
    alg: KeyAlg,
    cn: &str,
    names: Vec<SanType>,
) -> Result<(SecretString, String), KeygenError> {
    let key = make_key(alg)?;
    let csr = request_with(&key, cn, names)?;
    let key_pem = SecretString::from(key.serialize_pem());
    Ok((key_pem, csr))
}

fn request_with(key: &KeyPair, cn: &str, names: Vec<SanType>) -> Result<String, KeygenError> {
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    params.distinguished_name = dn;
    params.subject_alt_names = names;
    params
        .serialize_request(key)
        .and_then(|r| r.pem())
        .map_err(|e| KeygenError::Csr(e.to_string()))
}

fn make_key(alg: KeyAlg) -> Result<KeyPair, KeygenError> {
    let r = match alg {
        KeyAlg::EcdsaP256 => KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256),
        KeyAlg::EcdsaP384 => KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384),
        KeyAlg::Rsa2048 => {
            KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_2048)
        }
        KeyAlg::Rsa3072 => {
            KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_3072)
        }
        KeyAlg::Rsa4096 => {
            KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_4096)
        }
    };
    r.map_err(|e| KeygenError::Generate {
        alg: alg.label(),
        reason: e.to_string(),
    })
}

/// A DNS name as CAs accept it: ASCII letters, digits, `-`, `_`, dots between labels, an
/// optional leading `*.`, at most 253 characters, labels of 1 to 63.
fn is_dns_name(s: &str) -> bool {
    let body = s.strip_prefix("*.").unwrap_or(s);
    let body = body.strip_suffix('.').unwrap_or(body);
    !body.is_empty()
        && s.len() <= 253
        && body.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

fn san_for(name: &str) -> Result<SanType, KeygenError> {
    if let Ok(ip) = name.parse::<IpAddr>() {
        return Ok(SanType::IpAddress(ip));
    }
    if !is_dns_name(name) {
        return Err(KeygenError::BadName(name.to_string()));
    }
    let ia5 = name
        .try_into()
        .map_err(|_| KeygenError::BadName(name.to_string()))?;
    Ok(SanType::DnsName(ia5))
}

fn subject_alt_names(cn: &str, sans: &[String]) -> Result<Vec<SanType>, KeygenError> {
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let cn_is_name = cn.parse::<IpAddr>().is_ok() || is_dns_name(cn);
    let given = sans.iter().map(|s| s.trim()).filter(|s| !s.is_empty());
    for name in cn_is_name.then_some(cn).into_iter().chain(given) {
        let key = name.to_ascii_lowercase();
        if seen.contains(&key) {
            continue;
        }
        out.push(san_for(name)?);
        seen.push(key);
    }
    Ok(out)
}

/// Reads a private key file (PEM) to sign a new request with; its text is kept secret.
pub fn read_key_file(path: &Path) -> Result<SecretString, KeygenError> {
    let fail = |reason: String| KeygenError::KeyFile {
        path: path.to_path_buf(),
        reason,
    };
    let meta = std::fs::metadata(path).map_err(|e| fail(format!("cannot read it ({e})")))?;
    if !meta.is_file() {
        return Err(fail("not a regular file".into()));
    }
    if meta.len() > 64 * 1024 {
        return Err(fail(format!(
            "{} bytes is far too large for a key",
            meta.len()
        )));
    }
    let text = std::fs::read_to_string(path).map_err(|e| fail(format!("cannot read it ({e})")))?;
    if !text.contains("PRIVATE KEY-----") {
        return Err(fail("it holds no PEM private key".into()));
    }
    Ok(SecretString::from(text))
}

/// Reads and checks a CSR file: returns the request as PEM (re-encoded from what was parsed),
/// its common name (empty when the subject has none) and its DNS/IP subject alternative names.
pub fn read_csr(path: &Path) -> Result<(String, String, Vec<String>), KeygenError> {
    let fail = |reason: String| KeygenError::CsrFile {
        path: path.to_path_buf(),
        reason,
    };
    let meta = std::fs::metadata(path).map_err(|e| fail(format!("cannot read it ({e})")))?;
    if !meta.is_file() {
        return Err(fail("not a regular file".into()));
    }
    if meta.len() > MAX_CSR_FILE {
        return Err(fail(format!(
            "{} bytes is far too large for a certificate request",
            meta.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read it ({e})")))?;
    let der = csr_der(&bytes).map_err(fail)?;
    let (cn, sans) = check_csr(&der).map_err(fail)?;
    Ok((pem_encode("CERTIFICATE REQUEST", &der), cn, sans))
}

/// The DER of the first certificate request in `bytes` (PEM, or DER as is).
fn csr_der(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let trimmed = bytes.trim_ascii();
    if trimmed.is_empty() {
        return Err("the file is empty".into());
    }
    // DER is taken as is: trimming "whitespace" could cut signature bytes (0x09, 0x0a, 0x20 …)
    // off its end.
    if bytes.first() == Some(&0x30) {
        return Ok(bytes.to_vec());
    }
    let mut labels = Vec::new();
    for pem in x509_parser::pem::Pem::iter_from_buffer(bytes) {
        match pem {
            Ok(p) if p.label == "CERTIFICATE REQUEST" || p.label == "NEW CERTIFICATE REQUEST" => {
                return Ok(p.contents);
            }
            Ok(p) => labels.push(p.label),
            Err(e) => {
                return Err(if labels.is_empty() {
                    format!("not a PEM certificate request ({e})")
                } else {
                    format!(
                        "no CERTIFICATE REQUEST block (found {}; then: {e})",
                        labels.join(", ")
                    )
                });
            }
        }
    }
    Err(if labels.is_empty() {
        "no PEM block found; expected -----BEGIN CERTIFICATE REQUEST-----".into()
    } else {
        format!("no CERTIFICATE REQUEST block (found {})", labels.join(", "))
    })
}

fn check_csr(der: &[u8]) -> Result<(String, Vec<String>), String> {
    let (rest, csr) = x509_parser::certification_request::X509CertificationRequest::from_der(der)
        .map_err(|e| format!("not a valid PKCS#10 certificate request ({e})"))?;
    if !rest.is_empty() {
        return Err(format!(
            "{} unexpected bytes after the certificate request",
            rest.len()
        ));
    }
    csr.verify_signature().map_err(|e| {
        format!(
            "the request's signature does not verify ({e}); it was damaged or not made with its key"
        )
    })?;
    let info = &csr.certification_request_info;
    let cn = info
        .subject
        .iter_common_name()
        .next()
        .map(|a| {
            a.as_str()
                .map(str::to_string)
                .map_err(|e| format!("the common name cannot be read ({e})"))
        })
        .transpose()?
        .unwrap_or_default();
    let mut sans = Vec::new();
    let mut emails = 0usize;
    if let Some(exts) = csr.requested_extensions() {
        for ext in exts {
            if let ParsedExtension::SubjectAlternativeName(san) = ext {
                for g in &san.general_names {
                    match g {
                        GeneralName::DNSName(n) => sans.push(n.to_string()),
                        GeneralName::IPAddress(b) => {
                            if let Some(ip) = ip_from_octets(b) {
                                sans.push(ip.to_string());
                            }
                        }
                        // An S/MIME request may name its person by e-mail only.
                        GeneralName::RFC822Name(_) => emails += 1,
                        _ => {}
                    }
                }
            }
        }
    }
    if cn.trim().is_empty() && sans.is_empty() && emails == 0 {
        return Err("the request names no common name and no subject alternative names".into());
    }
    Ok((cn, sans))
}

fn ip_from_octets(b: &[u8]) -> Option<IpAddr> {
    match b.len() {
        4 => <[u8; 4]>::try_from(b).ok().map(IpAddr::from),
        16 => <[u8; 16]>::try_from(b).ok().map(IpAddr::from),
        _ => None,
    }
}

fn pem_encode(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    /// The SPKI public key bytes of a PKCS#8 PEM key, through rcgen.
    fn public_of_key(pem: &str) -> Vec<u8> {
        KeyPair::from_pem(pem).unwrap().public_key_raw().to_vec()
    }

    fn public_of_csr(pem: &str) -> Vec<u8> {
        let der = csr_der(pem.as_bytes()).unwrap();
        let (_, csr) =
            x509_parser::certification_request::X509CertificationRequest::from_der(&der).unwrap();
        csr.certification_request_info
            .subject_pki
            .subject_public_key
            .data
            .to_vec()
    }

    #[test]
    fn ecdsa_keys_and_csrs() {
        let dir = tempfile::tempdir().unwrap();
        for (alg, oid_name) in [(KeyAlg::EcdsaP256, "P-256"), (KeyAlg::EcdsaP384, "P-384")] {
            let (key, csr) = generate(
                alg,
                "www.example.com",
                &[
                    "www.example.com".into(),
                    " api.example.com ".into(),
                    "10.1.2.3".into(),
                    "API.example.com".into(),
                ],
            )
            .unwrap();
            let key = key.expose_secret();
            assert!(key.starts_with("-----BEGIN PRIVATE KEY-----"), "{oid_name}");
            assert!(csr.starts_with("-----BEGIN CERTIFICATE REQUEST-----"));
            assert_eq!(public_of_key(key), public_of_csr(&csr), "{oid_name}");
            let p = write(dir.path(), &format!("{oid_name}.csr"), csr.as_bytes());
            let (pem, cn, sans) = read_csr(&p).unwrap();
            assert_eq!(pem, csr, "re-encoding gives the same PEM");
            assert_eq!(cn, "www.example.com");
            assert_eq!(sans, ["www.example.com", "api.example.com", "10.1.2.3"]);
        }
    }

    #[test]
    fn rsa_2048_works() {
        let (key, csr) = generate(KeyAlg::Rsa2048, "rsa.example.com", &[]).unwrap();
        let key = key.expose_secret();
        assert!(key.starts_with("-----BEGIN PRIVATE KEY-----"));
        let kp = KeyPair::from_pem(key).unwrap();
        assert!(kp.is_compatible(&rcgen::PKCS_RSA_SHA256));
        assert_eq!(kp.public_key_raw(), public_of_csr(&csr).as_slice());
        // 2048-bit modulus: the DER public key is about 270 bytes.
        assert!((260..=280).contains(&kp.public_key_raw().len()));
        let dir = tempfile::tempdir().unwrap();
        let (_, cn, sans) = read_csr(&write(dir.path(), "r.csr", csr.as_bytes())).unwrap();
        assert_eq!(
            (cn.as_str(), sans),
            ("rsa.example.com", vec!["rsa.example.com".to_string()])
        );
    }

    #[test]
    fn names_are_validated() {
        assert_eq!(
            generate(KeyAlg::EcdsaP256, "  ", &[]).unwrap_err(),
            KeygenError::EmptyCommonName
        );
        assert_eq!(
            generate(KeyAlg::EcdsaP256, &"a".repeat(65), &[]).unwrap_err(),
            KeygenError::CommonNameTooLong
        );
        let e = generate(
            KeyAlg::EcdsaP256,
            "ok.example",
            &["bad name.example".into()],
        )
        .unwrap_err();
        assert_eq!(e, KeygenError::BadName("bad name.example".into()));
        assert!(e.to_string().contains("bad name.example"));
        assert!(generate(KeyAlg::EcdsaP256, "x", &["-x.example".into()]).is_err());
        // A wildcard is a name; a CN that is not a host name is kept out of the SANs.
        let (_, csr) = generate(
            KeyAlg::EcdsaP256,
            "Front door camera",
            &["*.cam.example".into()],
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (_, cn, sans) = read_csr(&write(dir.path(), "c.csr", csr.as_bytes())).unwrap();
        assert_eq!(cn, "Front door camera");
        assert_eq!(sans, ["*.cam.example"]);
    }

    #[test]
    fn csr_files_are_checked_with_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        let (key, csr) = generate(KeyAlg::EcdsaP256, "d.example", &[]).unwrap();

        // DER is accepted and converted.
        let der = csr_der(csr.as_bytes()).unwrap();
        let (pem, _, _) = read_csr(&write(dir.path(), "d.der", &der)).unwrap();
        assert_eq!(pem, csr);

        // A key next to the request is skipped and never part of what is returned.
        let both = format!("{}{}", key.expose_secret(), csr);
        let (pem, _, _) = read_csr(&write(dir.path(), "both.pem", both.as_bytes())).unwrap();
        assert!(!pem.contains("PRIVATE KEY"));

        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("empty.csr", b"  \n".to_vec(), "empty"),
            ("text.csr", b"hello world".to_vec(), "no PEM block"),
            (
                "key.pem",
                key.expose_secret().as_bytes().to_vec(),
                "no CERTIFICATE REQUEST block (found PRIVATE KEY)",
            ),
            (
                "junk.der",
                vec![0x30, 0x03, 0x01, 0x02, 0x03],
                "not a valid PKCS#10",
            ),
        ];
        for (name, bytes, want) in cases {
            let p = write(dir.path(), name, &bytes);
            let e = read_csr(&p).unwrap_err().to_string();
            assert!(e.contains(&p.display().to_string()), "{e}");
            assert!(e.contains(want), "{name}: {e}");
            assert!(!e.contains("BEGIN PRIVATE KEY"), "{e}");
        }

        // A damaged signature.
        let mut bad = der.clone();
        let last = bad.len() - 1;
        bad[last] ^= 0x55;
        let e = read_csr(&write(dir.path(), "bad.der", &bad))
            .unwrap_err()
            .to_string();
        assert!(e.contains("does not verify"), "{e}");

        let e = read_csr(&dir.path().join("missing.csr"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("missing.csr") && e.contains("cannot read"),
            "{e}"
        );
    }
}

#[cfg(test)]
mod email_tests {
    use super::*;
    use secrecy::ExposeSecret;

    /// (common name, rfc822 names) of a PEM CSR.
    fn subject_and_emails(pem: &str) -> (String, Vec<String>) {
        let der = csr_der(pem.as_bytes()).unwrap();
        let (_, csr) =
            x509_parser::certification_request::X509CertificationRequest::from_der(&der).unwrap();
        csr.verify_signature().unwrap();
        let cn = csr
            .certification_request_info
            .subject
            .iter_common_name()
            .next()
            .map(|a| a.as_str().unwrap().to_string())
            .unwrap_or_default();
        let mut emails = Vec::new();
        for ext in csr.requested_extensions().into_iter().flatten() {
            if let ParsedExtension::SubjectAlternativeName(san) = ext {
                for g in &san.general_names {
                    match g {
                        GeneralName::RFC822Name(e) => emails.push(e.to_string()),
                        other => panic!("only e-mail SANs expected, got {other:?}"),
                    }
                }
            }
        }
        (cn, emails)
    }

    #[test]
    fn smime_requests_carry_the_addresses_as_rfc822_names() {
        let (key, csr) = generate_for_email(
            KeyAlg::EcdsaP256,
            "Ada Q. Lovelace",
            &[
                " ada@example.com ".into(),
                "a.lovelace@lab.example.org".into(),
                "ADA@example.com".into(),
            ],
        )
        .unwrap();
        assert!(
            key.expose_secret()
                .starts_with("-----BEGIN PRIVATE KEY-----")
        );
        let (cn, emails) = subject_and_emails(&csr);
        assert_eq!(cn, "Ada Q. Lovelace");
        assert_eq!(emails, ["ada@example.com", "a.lovelace@lab.example.org"]);
        // A CSR file with a name and e-mail SANs only reads back with no DNS names.
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("smime.csr");
        std::fs::write(&p, &csr).unwrap();
        let (pem, cn, sans) = read_csr(&p).unwrap();
        assert_eq!((pem, cn.as_str()), (csr, "Ada Q. Lovelace"));
        assert!(sans.is_empty(), "{sans:?}");
    }

    #[test]
    fn smime_addresses_are_checked() {
        let gen_with = |emails: &[&str]| {
            let v: Vec<String> = emails.iter().map(|e| e.to_string()).collect();
            generate_for_email(KeyAlg::EcdsaP256, "Ada", &v)
        };
        assert_eq!(gen_with(&[]).unwrap_err(), KeygenError::NoEmail);
        assert_eq!(gen_with(&["  "]).unwrap_err(), KeygenError::NoEmail);
        for bad in [
            "ada",
            "ada@localhost",
            "@example.com",
            "a b@example.com",
            "ada@ex ample.com",
            "åsa@example.com",
        ] {
            let e = gen_with(&["ok@example.com", bad]).unwrap_err();
            assert_eq!(e, KeygenError::BadEmail(bad.to_string()), "{bad}");
            assert!(e.to_string().contains(bad), "{e}");
        }
        assert_eq!(
            generate_for_email(KeyAlg::EcdsaP256, " ", &["a@example.com".into()]).unwrap_err(),
            KeygenError::EmptyCommonName
        );
    }
}

#[cfg(test)]
mod der_tests {
    use super::*;

    #[test]
    fn der_ending_in_a_whitespace_byte_is_kept_whole() {
        // A SEQUENCE whose last content byte is 0x20: trimming would corrupt it.
        let der = [0x30, 0x03, 0x02, 0x01, 0x20];
        assert_eq!(csr_der(&der).unwrap(), der.to_vec());
    }
}
