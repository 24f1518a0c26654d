//! PEM / DER / PKCS#7 → what the detail pane shows.
//!
//! [`parse_bundle`] turns whatever a provider or a user hands over (one or more PEM
//! certificates with text around them, a PEM `PKCS7` block, a DER certificate, a DER PKCS#7
//! bundle) into owned [`CertView`]s. [`CertView::lines`] gives the label/value rows of the
//! detail pane and [`CertView::inspect_text`] a full text in the spirit of
//! `step certificate inspect`. [`key_matches`] tells whether a PEM private key belongs to a
//! certificate.
//!
//! Formatting conventions (used everywhere in this module):
//! - fingerprints: plain lowercase hex, as `step certificate fingerprint` prints them (and
//!   short enough for an 80-column pane);
//! - serial numbers and key identifiers: colon-separated uppercase hex, as `step certificate
//!   inspect` prints them;
//! - times: Unix seconds in the view, `YYYY-MM-DD HH:MM:SS UTC` on screen. The current time is
//!   always passed in; nothing here reads the clock.

mod build;
mod dn;
mod oids;
mod pem;
mod pkcs7;
mod render;
use build::{build_view, clean};

#[cfg(test)]
mod tests;

use std::fmt;
use std::net::IpAddr;

use secrecy::zeroize::Zeroizing;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use x509_parser::asn1_rs::{FromDer, Oid};
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};
use x509_parser::public_key::PublicKey;
use x509_parser::signature_algorithm::SignatureAlgorithm;
use x509_parser::x509::{AlgorithmIdentifier, SubjectPublicKeyInfo};

/// Why certificate bytes or a private key could not be read. Messages name what was wrong and
/// never quote key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum X509Error {
    /// Nothing that holds a certificate. `found` lists what was seen instead (PEM labels such
    /// as `PRIVATE KEY block`, or `empty PKCS#7 bundle`).
    #[error("no certificate found in {len} bytes{}", found_suffix(.found))]
    NoCertificate { len: usize, found: Vec<String> },
    /// A `-----BEGIN X-----` without its END line, or with a different END label.
    #[error("PEM block {index} ({label}) is malformed: {reason}")]
    BadPemArmour {
        index: usize,
        label: String,
        reason: String,
    },
    /// A PEM `CERTIFICATE` block whose contents are not a certificate.
    #[error("PEM block {index} is not a valid certificate: {reason}")]
    BadPemCertificate { index: usize, reason: String },
    /// A PEM `PKCS7` block whose contents are not a PKCS#7 certificate bundle.
    #[error("PEM block {index} is not a valid PKCS#7 bundle: {reason}")]
    BadPemPkcs7 { index: usize, reason: String },
    /// Binary input that is neither a DER certificate nor a DER PKCS#7 bundle.
    #[error("{len} bytes of binary data are not a DER certificate: {reason}")]
    BadDerCertificate { len: usize, reason: String },
    /// Binary input that starts like PKCS#7 but is not a usable bundle.
    #[error("{len} bytes of binary data are not a valid PKCS#7 bundle: {reason}")]
    BadDerPkcs7 { len: usize, reason: String },
    /// A certificate inside a PKCS#7 bundle (1-based position) that does not parse.
    #[error("certificate {position} in the PKCS#7 bundle is not valid: {reason}")]
    BadPkcs7Certificate { position: usize, reason: String },
    /// The private key could not be read (the reason never contains key material).
    #[error("private key: {0}")]
    PrivateKey(String),
}

fn found_suffix(found: &[String]) -> String {
    if found.is_empty() {
        String::new()
    } else {
        format!(" (found: {})", found.join(", "))
    }
}

/// One subject alternative name, typed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum San {
    Dns(String),
    Ip(IpAddr),
    Email(String),
    Uri(String),
    /// Any other kind (directory name, other name such as a Microsoft UPN, registered ID, an
    /// IP entry of odd length …): `kind` is a short label, `value` its text.
    Other {
        kind: String,
        value: String,
    },
}

impl fmt::Display for San {
    /// `DNS:www.example.com`, `IP:192.0.2.1`, `email:a@example.com`, `URI:https://…`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            San::Dns(v) => write!(f, "DNS:{v}"),
            San::Ip(v) => write!(f, "IP:{v}"),
            San::Email(v) => write!(f, "email:{v}"),
            San::Uri(v) => write!(f, "URI:{v}"),
            San::Other { kind, value } => write!(f, "{kind}:{value}"),
        }
    }
}

/// The basic constraints extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BasicConstraints {
    pub ca: bool,
    /// `None`: no limit (or not a CA).
    pub path_len: Option<u32>,
}

/// One extension as present in the certificate, in certificate order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionInfo {
    /// Dotted OID, e.g. `2.5.29.17`.
    pub oid: String,
    /// Readable name (`Subject Alternative Name`), or the OID when unknown.
    pub name: String,
    pub critical: bool,
}

/// Everything the detail pane shows about one certificate. Owned; no borrowed data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertView {
    /// 1, 2 or 3 (as displayed, not the encoded 0-based value).
    pub version: u32,
    /// RFC 4514 string, most specific first: `CN=www.example.com,O=Example,C=KR`.
    pub subject: String,
    pub common_name: Option<String>,
    pub sans: Vec<San>,
    /// RFC 4514 string of the issuer.
    pub issuer: String,
    pub issuer_common_name: Option<String>,
    /// Unix seconds (UTC).
    pub not_before: i64,
    /// Unix seconds (UTC).
    pub not_after: i64,
    /// `ECDSA P-256`, `RSA`, `Ed25519`, … or `unknown (OID)`.
    pub key_type: String,
    /// Key size in bits (RSA modulus, curve size), when known.
    pub key_bits: Option<u32>,
    /// `ECDSA-SHA256`, `SHA256-RSA`, `SHA256-RSAPSS`, `Ed25519`, … or the dotted OID.
    pub signature_algorithm: String,
    /// Colon-separated uppercase hex without superfluous leading zero bytes: `01:AB:FF`.
    pub serial_hex: String,
    /// The serial in decimal, when it fits in 128 bits (as almost all but random 20-byte
    /// serials do).
    pub serial_decimal: Option<String>,
    /// SHA-256 of the DER, plain lowercase hex (64 characters).
    pub sha256: String,
    /// SHA-1 of the DER, plain lowercase hex (40 characters).
    pub sha1: String,
    /// `Digital Signature`, `Key Encipherment`, … in bit order; empty without the extension.
    pub key_usage: Vec<String>,
    /// `Server Authentication`, … in certificate order; dotted OIDs for unknown purposes.
    pub ext_key_usage: Vec<String>,
    pub basic_constraints: Option<BasicConstraints>,
    /// Colon-separated uppercase hex.
    pub subject_key_id: Option<String>,
    /// Colon-separated uppercase hex (the keyIdentifier field only).
    pub authority_key_id: Option<String>,
    /// Policy OIDs with their names where known: `2.23.140.1.2.1 (Domain Validated)`.
    pub policies: Vec<String>,
    /// CRL distribution point URIs.
    pub crl_urls: Vec<String>,
    /// OCSP responder URIs (Authority Information Access).
    pub ocsp_urls: Vec<String>,
    /// CA issuer certificate URIs (Authority Information Access).
    pub ca_issuer_urls: Vec<String>,
    /// All extensions, in certificate order.
    pub extensions: Vec<ExtensionInfo>,
    /// Subject equals issuer (byte for byte) and, where both key identifiers are present, they
    /// are equal. The signature is not verified.
    pub is_self_signed: bool,
    /// The certificate's DER encoding.
    pub der: Vec<u8>,
    /// DER of the SubjectPublicKeyInfo.
    pub spki_der: Vec<u8>,
    /// Contents of the subjectPublicKey BIT STRING (EC point, PKCS#1 RSAPublicKey, raw
    /// Ed25519 key …).
    pub public_key: Vec<u8>,
}

/// Reads every certificate in `bytes`, keeping their order.
///
/// Accepts one or more PEM `CERTIFICATE` blocks (text around them is ignored, other PEM
/// blocks such as private keys are skipped), PEM `PKCS7`/`CMS` blocks, a DER certificate
/// (or several concatenated), a DER PKCS#7 bundle, and bare base64 of either DER form.
pub fn parse_bundle(bytes: &[u8]) -> Result<Vec<CertView>, X509Error> {
    let len = bytes.len();
    if pem::looks_like_pem(bytes) {
        return parse_pem(bytes);
    }
    let trimmed = trim_ascii(bytes);
    if trimmed.first() == Some(&0x30) {
        return parse_der(trimmed);
    }
    if pem::is_bare_base64(trimmed)
        && let Ok(der) = pem::decode_base64_text(trimmed)
        && der.first() == Some(&0x30)
    {
        return parse_der(&der).map_err(|e| with_len(e, len));
    }
    Err(X509Error::NoCertificate {
        len,
        found: Vec::new(),
    })
}

/// Whether the private key in `private_key_pem` (the first `PRIVATE KEY`, `RSA PRIVATE KEY`
/// or `EC PRIVATE KEY` block; other blocks are skipped) belongs to `cert`.
///
/// Supported keys: RSA, ECDSA P-256/P-384/P-521 and Ed25519, as PKCS#8, PKCS#1 or SEC1.
/// Encrypted keys are refused with a hint. The comparison is on the raw public key.
pub fn key_matches(cert: &CertView, private_key_pem: &str) -> Result<bool, X509Error> {
    let public = public_key_of_private_pem(private_key_pem)?;
    Ok(public == cert.public_key)
}

/// [`key_matches`] for a certificate given as DER.
pub fn key_matches_der(cert_der: &[u8], private_key_pem: &str) -> Result<bool, X509Error> {
    let cert = CertView::from_der(cert_der).map_err(|reason| X509Error::BadDerCertificate {
        len: cert_der.len(),
        reason,
    })?;
    key_matches(&cert, private_key_pem)
}

impl CertView {
    /// Parses one DER certificate. The error is a reason phrase; callers wrap it in the
    /// [`X509Error`] that says where the certificate came from.
    pub fn from_der(der: &[u8]) -> Result<CertView, String> {
        let (rest, cert) = x509_parser::parse_x509_certificate(der).map_err(|e| nom_reason(&e))?;
        let used = &der[..der.len() - rest.len()];
        Ok(build_view(&cert, used))
    }

    /// The certificate as a PEM `CERTIFICATE` block.
    pub fn to_pem(&self) -> String {
        pem::encode("CERTIFICATE", &self.der)
    }

    /// Whether the basic constraints say this is a CA certificate.
    pub fn is_ca(&self) -> bool {
        self.basic_constraints.is_some_and(|b| b.ca)
    }

    /// Whole days from `now` until `not_after`, rounded towards the past (negative once
    /// expired), like `model::Certificate::days_left`.
    pub fn days_left(&self, now: i64) -> i64 {
        (self.not_after - now).div_euclid(86_400)
    }

    pub fn is_expired(&self, now: i64) -> bool {
        now > self.not_after
    }

    pub fn is_not_yet_valid(&self, now: i64) -> bool {
        now < self.not_before
    }

    /// A short name for lists and titles: the common name, else the first SAN, else the
    /// subject string.
    pub fn display_name(&self) -> String {
        if let Some(cn) = self.common_name.as_ref().filter(|cn| !cn.is_empty()) {
            return cn.clone();
        }
        match self.sans.first() {
            Some(San::Dns(v) | San::Email(v) | San::Uri(v)) => v.clone(),
            Some(San::Ip(ip)) => ip.to_string(),
            Some(other @ San::Other { .. }) => other.to_string(),
            None => self.subject.clone(),
        }
    }
}

fn parse_pem(bytes: &[u8]) -> Result<Vec<CertView>, X509Error> {
    let blocks = pem::scan(bytes).map_err(|e| match e {
        pem::ScanError::Unterminated { index, label } => X509Error::BadPemArmour {
            index,
            reason: format!("no -----END {label}----- line"),
            label,
        },
        pem::ScanError::Mismatched {
            index,
            label,
            end_label,
        } => X509Error::BadPemArmour {
            index,
            reason: format!("it ends with -----END {end_label}-----"),
            label,
        },
    })?;
    let mut views = Vec::new();
    let mut found = Vec::new();
    for block in &blocks {
        match block.label.as_str() {
            "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => {
                let der = block
                    .decode()
                    .map_err(|reason| X509Error::BadPemCertificate {
                        index: block.index,
                        reason,
                    })?;
                // A TRUSTED CERTIFICATE carries OpenSSL trust settings after the certificate;
                // from_der only keeps the certificate itself.
                let view =
                    CertView::from_der(&der).map_err(|reason| X509Error::BadPemCertificate {
                        index: block.index,
                        reason,
                    })?;
                views.push(view);
            }
            "PKCS7" | "PKCS #7 SIGNED DATA" | "CMS" => {
                let der = block.decode().map_err(|reason| X509Error::BadPemPkcs7 {
                    index: block.index,
                    reason,
                })?;
                let certs = pkcs7_views(&der).map_err(|e| match e {
                    Pkcs7Failure::Structure(reason) => X509Error::BadPemPkcs7 {
                        index: block.index,
                        reason,
                    },
                    Pkcs7Failure::Certificate { position, reason } => X509Error::BadPemPkcs7 {
                        index: block.index,
                        reason: format!("certificate {position} in it is not valid: {reason}"),
                    },
                })?;
                if certs.is_empty() {
                    found.push(format!("empty PKCS#7 bundle in PEM block {}", block.index));
                }
                views.extend(certs);
            }
            other => found.push(format!("{other} block")),
        }
    }
    if views.is_empty() {
        return Err(X509Error::NoCertificate {
            len: bytes.len(),
            found,
        });
    }
    Ok(views)
}

fn parse_der(der: &[u8]) -> Result<Vec<CertView>, X509Error> {
    let len = der.len();
    if pkcs7::looks_like_content_info(der) {
        let views = pkcs7_views(der).map_err(|e| match e {
            Pkcs7Failure::Structure(reason) => X509Error::BadDerPkcs7 { len, reason },
            Pkcs7Failure::Certificate { position, reason } => {
                X509Error::BadPkcs7Certificate { position, reason }
            }
        })?;
        if views.is_empty() {
            return Err(X509Error::NoCertificate {
                len,
                found: vec!["empty PKCS#7 bundle".to_string()],
            });
        }
        return Ok(views);
    }
    // One certificate, or several concatenated (some tools write chains that way).
    let mut views = Vec::new();
    let mut input = der;
    loop {
        match x509_parser::parse_x509_certificate(input) {
            Ok((rest, cert)) => {
                let used = &input[..input.len() - rest.len()];
                views.push(build_view(&cert, used));
                input = trim_ascii(rest);
                if input.first() != Some(&0x30) {
                    break;
                }
            }
            Err(e) => {
                let reason = nom_reason(&e);
                let reason = if views.is_empty() {
                    reason
                } else {
                    format!(
                        "certificate {} after the first is invalid: {reason}",
                        views.len() + 1
                    )
                };
                return Err(X509Error::BadDerCertificate { len, reason });
            }
        }
    }
    Ok(views)
}

enum Pkcs7Failure {
    Structure(String),
    Certificate { position: usize, reason: String },
}

fn pkcs7_views(der: &[u8]) -> Result<Vec<CertView>, Pkcs7Failure> {
    let certs = pkcs7::certificates(der).map_err(Pkcs7Failure::Structure)?;
    certs
        .iter()
        .enumerate()
        .map(|(i, cert)| {
            CertView::from_der(cert).map_err(|reason| Pkcs7Failure::Certificate {
                position: i + 1,
                reason,
            })
        })
        .collect()
}

/// Errors from decoded bare base64 should count the bytes the user gave, not the decoded ones.
fn with_len(e: X509Error, len: usize) -> X509Error {
    match e {
        X509Error::NoCertificate { found, .. } => X509Error::NoCertificate { len, found },
        X509Error::BadDerCertificate { reason, .. } => X509Error::BadDerCertificate {
            len,
            reason: format!("(after base64 decoding) {reason}"),
        },
        X509Error::BadDerPkcs7 { reason, .. } => X509Error::BadDerPkcs7 {
            len,
            reason: format!("(after base64 decoding) {reason}"),
        },
        other => other,
    }
}

fn trim_ascii(bytes: &[u8]) -> &[u8] {
    bytes.trim_ascii()
}

fn nom_reason(e: &x509_parser::nom::Err<x509_parser::error::X509Error>) -> String {
    match e {
        x509_parser::nom::Err::Incomplete(_) => "the data is truncated".to_string(),
        x509_parser::nom::Err::Error(e) | x509_parser::nom::Err::Failure(e) => e.to_string(),
    }
}

/// The raw public key of the first private key in `pem_text`.
fn public_key_of_private_pem(pem_text: &str) -> Result<Vec<u8>, X509Error> {
    let blocks = pem::scan(pem_text.as_bytes()).map_err(|e| {
        X509Error::PrivateKey(match e {
            pem::ScanError::Unterminated { label, .. } => {
                format!("the {label} block has no END line")
            }
            pem::ScanError::Mismatched {
                label, end_label, ..
            } => format!("the {label} block ends with END {end_label}"),
        })
    })?;
    let mut labels = Vec::new();
    for block in &blocks {
        match block.label.as_str() {
            "PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY" if block.is_encrypted() => {
                return Err(X509Error::PrivateKey(
                    "the key is encrypted; decrypt it first (openssl pkey -in key.pem -out \
                     plain.pem)"
                        .to_string(),
                ));
            }
            "PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY" => {
                let der = Zeroizing::new(block.decode().map_err(|reason| {
                    X509Error::PrivateKey(format!("the {} block: {reason}", block.label))
                })?);
                let key = rcgen::KeyPair::try_from(der.as_slice()).map_err(|_| {
                    X509Error::PrivateKey(format!(
                        "the {} block is not a supported key (RSA, ECDSA P-256/P-384/P-521 or \
                         Ed25519, unencrypted)",
                        block.label
                    ))
                })?;
                return Ok(key.public_key_raw().to_vec());
            }
            "ENCRYPTED PRIVATE KEY" => {
                return Err(X509Error::PrivateKey(
                    "the key is encrypted; decrypt it first (openssl pkey -in key.pem -out \
                     plain.pem)"
                        .to_string(),
                ));
            }
            other => labels.push(other.to_string()),
        }
    }
    let seen = if labels.is_empty() {
        String::new()
    } else {
        format!(" (found: {})", labels.join(", "))
    };
    Err(X509Error::PrivateKey(format!(
        "no PEM block PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY{seen}"
    )))
}
