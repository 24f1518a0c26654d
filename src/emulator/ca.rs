//! The demo CA: an ECDSA P-256 root ("certdeck Demo Root CA") and an issuing intermediate
//! ("certdeck Demo Issuing CA"), made fresh at every start. It signs real X.509 leaf
//! certificates for the emulators' seeded data (from a small pool of reusable key pairs) and
//! for enrollments (from the requester's CSR, so the collected certificate matches the
//! requester's private key). It also wraps chains as degenerate PKCS#7 SignedData.
//!
//! A signed leaf is kept compact (`IssuedCert`: DER, serial bytes, raw digests, a shared issuer
//! name); PEM and hex forms are made when a response needs them. `DemoCa` is `Sync`, so the
//! emulator signs its seeded leaves on every core.

use std::borrow::Cow;
use std::sync::Arc;

use anyhow::{Context, anyhow, bail};
use md5::Md5;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, PKCS_ECDSA_P256_SHA256, PKCS_ECDSA_P384_SHA384,
    PublicKeyData, SanType, SerialNumber, SubjectPublicKeyInfo,
};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use x509_parser::prelude::{FromDer, GeneralName, ParsedExtension, X509CertificationRequest};

/// Common name of the demo root.
pub const ROOT_CN: &str = "certdeck Demo Root CA";
/// Common name of the demo issuing (intermediate) CA.
pub const ISSUING_CN: &str = "certdeck Demo Issuing CA";
/// Organisation name in both CA subjects.
pub const CA_ORG: &str = "certdeck Demo";

const DAY: i64 = 86_400;

/// What a leaf certificate is for; decides its key usages and extended key usages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeafKind {
    /// TLS server: digitalSignature + keyEncipherment, EKU serverAuth (+ clientAuth).
    Server,
    /// S/MIME: digitalSignature + keyEncipherment, EKU emailProtection + clientAuth.
    Email,
    /// Device: digitalSignature + keyEncipherment, EKU clientAuth + serverAuth.
    Device,
}

/// Subject organisation attributes for a leaf (OV/EV style). All optional.
#[derive(Debug, Clone, Default)]
pub struct SubjectOrg {
    pub organization: Option<String>,
    pub locality: Option<String>,
    pub state: Option<String>,
    pub country: Option<String>,
}

/// Everything the CA needs to know about one leaf.
#[derive(Debug, Clone)]
pub struct LeafRequest {
    pub common_name: String,
    /// DNS names (or IP addresses) for the SAN extension; e-mail addresses for `LeafKind::Email`.
    pub sans: Vec<String>,
    pub not_before: i64,
    pub not_after: i64,
    /// Serial number bytes (big-endian, as chosen by the caller).
    pub serial: Vec<u8>,
    pub org: SubjectOrg,
    pub kind: LeafKind,
}

/// The public key a leaf certifies.
pub enum LeafKey<'a> {
    /// One of the emulator's own key pairs (seeded data).
    KeyPair(&'a KeyPair),
    /// A requester's PKCS#10 CSR (PEM). Its signature is checked; its public key is used.
    CsrPem(&'a str),
    /// A requester's PKCS#10 CSR (DER). Its signature is checked; its public key is used.
    CsrDer(&'a [u8]),
}

/// A key type as SCM shows it, e.g. "EC - P-256", "RSA - 2048" (the usual ones are static).
pub type KeyType = Cow<'static, str>;

/// The usual key types as static strings; others stay owned.
pub fn key_type_name(s: String) -> KeyType {
    const KNOWN: &[&str] = &[
        "EC - P-256",
        "EC - P-384",
        "EC - P-521",
        "RSA - 2048",
        "RSA - 3072",
        "RSA - 4096",
    ];
    match KNOWN.iter().find(|k| **k == s) {
        Some(k) => Cow::Borrowed(k),
        None => Cow::Owned(s),
    }
}

/// A signed leaf certificate and the facts the emulator reports about it, kept compact: the
/// DER, the serial bytes and the raw digests (of the DER); PEM and hex are made on demand.
#[derive(Debug, Clone)]
pub struct IssuedCert {
    pub der: Box<[u8]>,
    /// Serial number bytes, big-endian.
    pub serial: Box<[u8]>,
    /// Subject as `C=..,ST=..,L=..,O=..,CN=..` (issuer-to-leaf order, comma-separated).
    pub subject: Box<str>,
    /// Issuer in the same form (one string shared by every leaf of the CA).
    pub issuer: Arc<str>,
    /// e.g. "EC - P-256"
    pub key_type: KeyType,
    pub md5: [u8; 16],
    pub sha1: [u8; 20],
    pub sha256: [u8; 32],
}

impl IssuedCert {
    /// The certificate, PEM.
    pub fn pem(&self) -> String {
        pem_encode("CERTIFICATE", &self.der)
    }

    /// Serial as colon-separated upper-case hex (`0A:1B:...`), as SCM shows it.
    pub fn serial_colon_hex(&self) -> String {
        colon_hex(&self.serial)
    }

    /// MD5 of the DER, upper-case hex.
    pub fn md5_hex(&self) -> String {
        hex::encode_upper(self.md5)
    }

    /// SHA-1 of the DER, upper-case hex.
    pub fn sha1_hex(&self) -> String {
        hex::encode_upper(self.sha1)
    }

    /// SHA-256 of the DER, lower-case hex.
    pub fn sha256_hex(&self) -> String {
        hex::encode(self.sha256)
    }

    /// Whether `query` names this serial: hex digits compared case-insensitively, colons and
    /// other separators ignored, leading zeros ignored (`0A:1B` = `a1b`).
    pub fn serial_matches(&self, query: &str) -> bool {
        serial_matches(&self.serial, query)
    }
}

/// See `IssuedCert::serial_matches`.
pub fn serial_matches(serial: &[u8], query: &str) -> bool {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut q = query
        .bytes()
        .filter(u8::is_ascii_hexdigit)
        .map(|b| b.to_ascii_uppercase())
        .skip_while(|b| *b == b'0');
    let mut s = serial
        .iter()
        .flat_map(|b| [b >> 4, b & 0x0f])
        .skip_while(|n| *n == 0)
        .map(|n| HEX[usize::from(n)]);
    loop {
        match (q.next(), s.next()) {
            (None, None) => return true,
            (a, b) if a == b => {}
            _ => return false,
        }
    }
}

/// Facts read from a CSR.
#[derive(Debug, Clone)]
pub struct CsrInfo {
    pub common_name: Option<String>,
    pub dns_names: Vec<String>,
    pub emails: Vec<String>,
    /// e.g. "EC - P-256", "RSA - 2048"
    pub key_type: KeyType,
    /// The CSR, DER.
    pub der: Vec<u8>,
    pub md5: [u8; 16],
    pub sha1: [u8; 20],
    pub sha256: [u8; 32],
    /// The DER of the SubjectPublicKeyInfo (for signing).
    spki_der: Vec<u8>,
}

/// The demo CA: root + issuing intermediate.
pub struct DemoCa {
    root_der: Vec<u8>,
    root_pem: String,
    issuing_der: Vec<u8>,
    issuing_pem: String,
    issuer: Issuer<'static, KeyPair>,
    issuer_dn: Arc<str>,
}

impl std::fmt::Debug for DemoCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoCa")
            .field("root", &ROOT_CN)
            .field("issuing", &ISSUING_CN)
            .finish_non_exhaustive()
    }
}

/// Sets `not_before`/`not_after` from Unix seconds (rcgen and x509-parser share the `time`
/// crate, so x509-parser's conversion gives rcgen's date type without a direct dependency).
fn set_validity(
    params: &mut CertificateParams,
    not_before: i64,
    not_after: i64,
) -> anyhow::Result<()> {
    let conv = |secs: i64| {
        x509_parser::time::ASN1Time::from_timestamp(secs)
            .map(|t| t.to_datetime())
            .map_err(|e| anyhow!("time {secs} out of range: {e}"))
    };
    params.not_before = conv(not_before)?;
    params.not_after = conv(not_after)?;
    Ok(())
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl DemoCa {
    /// A fresh demo CA valid around the current time.
    pub fn new() -> anyhow::Result<DemoCa> {
        DemoCa::new_at(now_secs())
    }

    /// A fresh demo CA valid from ten years before `now` until ten years after.
    pub fn new_at(now: i64) -> anyhow::Result<DemoCa> {
        let root_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)
            .context("generating the demo root key")?;
        let mut root_params = CertificateParams::default();
        root_params.distinguished_name = ca_dn(ROOT_CN);
        root_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        root_params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        set_validity(&mut root_params, now - 3650 * DAY, now + 3650 * DAY)?;
        root_params.serial_number = Some(SerialNumber::from_slice(&[0x01, 0xCE, 0x27, 0xDE]));
        let root_cert = root_params
            .self_signed(&root_key)
            .context("self-signing the demo root")?;
        let root_issuer = Issuer::new(root_params, root_key);

        let issuing_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)
            .context("generating the demo issuing CA key")?;
        let mut int_params = CertificateParams::default();
        int_params.distinguished_name = ca_dn(ISSUING_CN);
        int_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        int_params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        int_params.use_authority_key_identifier_extension = true;
        set_validity(&mut int_params, now - 3000 * DAY, now + 3000 * DAY)?;
        int_params.serial_number = Some(SerialNumber::from_slice(&[0x02, 0xCE, 0x27, 0xDE]));
        let int_cert = int_params
            .signed_by(&issuing_key, &root_issuer)
            .context("signing the demo issuing CA")?;
        let issuer = Issuer::new(int_params, issuing_key);

        Ok(DemoCa {
            root_der: root_cert.der().to_vec(),
            root_pem: root_cert.pem(),
            issuing_der: int_cert.der().to_vec(),
            issuing_pem: int_cert.pem(),
            issuer,
            issuer_dn: Arc::from(format!("O={CA_ORG},CN={ISSUING_CN}")),
        })
    }

    /// The root certificate, PEM.
    pub fn root_pem(&self) -> &str {
        &self.root_pem
    }

    /// The issuing CA certificate, PEM.
    pub fn issuing_pem(&self) -> &str {
        &self.issuing_pem
    }

    /// Issuing CA then root, PEM (the chain above a leaf).
    pub fn chain_pem(&self) -> String {
        format!("{}{}", self.issuing_pem, self.root_pem)
    }

    /// Issuing CA then root, DER.
    pub fn chain_der(&self) -> Vec<Vec<u8>> {
        vec![self.issuing_der.clone(), self.root_der.clone()]
    }

    /// Signs a leaf. With `LeafKey::CsrPem` the CSR's signature is verified first.
    pub fn issue_leaf(&self, req: &LeafRequest, key: LeafKey<'_>) -> anyhow::Result<IssuedCert> {
        match key {
            LeafKey::KeyPair(kp) => {
                let key_type = key_type_of_alg(kp.algorithm());
                self.sign(req, kp, key_type)
            }
            LeafKey::CsrPem(pem) => {
                let info = parse_csr_pem(pem)?;
                let spki = SubjectPublicKeyInfo::from_der(&info.spki_der)
                    .map_err(|e| anyhow!("the CSR's public key is not supported: {e}"))?;
                self.sign(req, &spki, info.key_type.clone())
            }
            LeafKey::CsrDer(der) => {
                let info = parse_csr_der(der.to_vec())?;
                let spki = SubjectPublicKeyInfo::from_der(&info.spki_der)
                    .map_err(|e| anyhow!("the CSR's public key is not supported: {e}"))?;
                self.sign(req, &spki, info.key_type.clone())
            }
        }
    }

    fn sign(
        &self,
        req: &LeafRequest,
        public_key: &impl PublicKeyData,
        key_type: KeyType,
    ) -> anyhow::Result<IssuedCert> {
        if req.serial.is_empty() {
            bail!("a leaf needs a serial number");
        }
        let mut params = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        let mut subject = String::with_capacity(96);
        for (ty, label, value) in [
            (DnType::CountryName, "C=", &req.org.country),
            (DnType::StateOrProvinceName, "ST=", &req.org.state),
            (DnType::LocalityName, "L=", &req.org.locality),
            (DnType::OrganizationName, "O=", &req.org.organization),
        ] {
            if let Some(v) = value {
                dn.push(ty, v.as_str());
                subject.push_str(label);
                subject.push_str(v);
                subject.push(',');
            }
        }
        dn.push(DnType::CommonName, req.common_name.as_str());
        subject.push_str("CN=");
        subject.push_str(&req.common_name);
        params.distinguished_name = dn;
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        params.extended_key_usages = match req.kind {
            LeafKind::Server => vec![ExtendedKeyUsagePurpose::ServerAuth],
            LeafKind::Email => vec![
                ExtendedKeyUsagePurpose::EmailProtection,
                ExtendedKeyUsagePurpose::ClientAuth,
            ],
            LeafKind::Device => vec![
                ExtendedKeyUsagePurpose::ClientAuth,
                ExtendedKeyUsagePurpose::ServerAuth,
            ],
        };
        let mut sans = Vec::with_capacity(req.sans.len());
        for s in &req.sans {
            let san = if req.kind == LeafKind::Email && s.contains('@') {
                SanType::Rfc822Name(
                    s.clone()
                        .try_into()
                        .map_err(|e| anyhow!("bad e-mail SAN {s:?}: {e}"))?,
                )
            } else if let Ok(ip) = s.parse::<std::net::IpAddr>() {
                SanType::IpAddress(ip)
            } else {
                SanType::DnsName(
                    s.clone()
                        .try_into()
                        .map_err(|e| anyhow!("bad DNS SAN {s:?}: {e}"))?,
                )
            };
            sans.push(san);
        }
        params.subject_alt_names = sans;
        set_validity(&mut params, req.not_before, req.not_after)?;
        params.serial_number = Some(SerialNumber::from_slice(&req.serial));
        params.use_authority_key_identifier_extension = true;
        let cert = params
            .signed_by(public_key, &self.issuer)
            .map_err(|e| anyhow!("signing the leaf for {:?}: {e}", req.common_name))?;
        let der: Box<[u8]> = cert.der().as_ref().into();
        Ok(IssuedCert {
            serial: req.serial.as_slice().into(),
            subject: subject.into_boxed_str(),
            issuer: self.issuer_dn.clone(),
            key_type,
            md5: Md5::digest(&der).into(),
            sha1: Sha1::digest(&der).into(),
            sha256: Sha256::digest(&der).into(),
            der,
        })
    }

    /// A degenerate PKCS#7 SignedData (no signers) holding `leaf` (if any) and the chain.
    pub fn pkcs7_der(&self, leaf: Option<&[u8]>) -> Vec<u8> {
        let mut certs: Vec<&[u8]> = Vec::new();
        if let Some(l) = leaf {
            certs.push(l);
        }
        certs.push(&self.issuing_der);
        certs.push(&self.root_der);
        pkcs7_degenerate(&certs)
    }
}

fn ca_dn(cn: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, CA_ORG);
    dn.push(DnType::CommonName, cn);
    dn
}

/// The key type of one of the emulator's own key pairs.
pub fn key_type_of_alg(alg: &rcgen::SignatureAlgorithm) -> KeyType {
    Cow::Borrowed(if alg == &PKCS_ECDSA_P384_SHA384 {
        "EC - P-384"
    } else if alg == &PKCS_ECDSA_P256_SHA256 {
        "EC - P-256"
    } else {
        "RSA - 2048"
    })
}

/// `[0x0a, 0x1b]` → `"0A:1B"`.
pub fn colon_hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Reads a PEM CSR: checks its signature and returns its names, key type and hashes (of the DER).
pub fn parse_csr_pem(pem: &str) -> anyhow::Result<CsrInfo> {
    let trimmed = pem.trim();
    if trimmed.is_empty() {
        bail!("the CSR is empty");
    }
    let der = if trimmed.starts_with("-----BEGIN") {
        let (_, p) = x509_parser::pem::parse_x509_pem(trimmed.as_bytes())
            .map_err(|e| anyhow!("the CSR is not valid PEM: {e}"))?;
        if !p.label.contains("CERTIFICATE REQUEST") {
            bail!(
                "expected a CERTIFICATE REQUEST PEM block, found {:?}",
                p.label
            );
        }
        p.contents
    } else {
        use base64::Engine;
        let compact: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
        base64::engine::general_purpose::STANDARD
            .decode(compact)
            .map_err(|_| anyhow!("the CSR is not valid Base-64 data"))?
    };
    parse_csr_der(der)
}

/// Reads a DER CSR: checks its signature and returns its names, key type and hashes.
pub fn parse_csr_der(der: Vec<u8>) -> anyhow::Result<CsrInfo> {
    let (_, csr) = X509CertificationRequest::from_der(&der)
        .map_err(|e| anyhow!("error while decoding the CSR: {e}"))?;
    csr.verify_signature()
        .map_err(|e| anyhow!("the CSR's signature does not verify: {e}"))?;
    let info = &csr.certification_request_info;
    let common_name = info
        .subject
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .map(str::to_string);
    let mut dns_names = Vec::new();
    let mut emails = Vec::new();
    if let Some(exts) = csr.requested_extensions() {
        for ext in exts {
            if let ParsedExtension::SubjectAlternativeName(san) = ext {
                for gn in &san.general_names {
                    match gn {
                        GeneralName::DNSName(d) => dns_names.push(d.to_string()),
                        GeneralName::RFC822Name(e) => emails.push(e.to_string()),
                        _ => {}
                    }
                }
            }
        }
    }
    let spki = &info.subject_pki;
    let key_type = match spki.parsed() {
        Ok(x509_parser::public_key::PublicKey::EC(ec)) => Cow::Borrowed(match ec.key_size() {
            384 => "EC - P-384",
            521 => "EC - P-521",
            _ => "EC - P-256",
        }),
        Ok(x509_parser::public_key::PublicKey::RSA(rsa)) => {
            key_type_name(format!("RSA - {}", rsa.key_size()))
        }
        Ok(_) => bail!("the CSR uses an unsupported algorithm"),
        Err(e) => bail!("the CSR's public key cannot be read: {e}"),
    };
    Ok(CsrInfo {
        common_name,
        dns_names,
        emails,
        key_type,
        md5: Md5::digest(&der).into(),
        sha1: Sha1::digest(&der).into(),
        sha256: Sha256::digest(&der).into(),
        spki_der: spki.raw.to_vec(),
        der: der.clone(),
    })
}

/// Makes a PEM CSR for `cn` (+ DNS SANs) signed by `key` (tests).
pub fn make_csr_pem(key: &KeyPair, cn: &str, sans: &[String]) -> anyhow::Result<String> {
    Ok(pem_encode(
        "CERTIFICATE REQUEST",
        &make_csr_der(key, cn, sans)?,
    ))
}

/// Makes a DER CSR for `cn` (+ DNS SANs) signed by `key` (seeded requests).
pub fn make_csr_der(key: &KeyPair, cn: &str, sans: &[String]) -> anyhow::Result<Vec<u8>> {
    let mut params = CertificateParams::new(sans.to_vec())
        .map_err(|e| anyhow!("bad SAN list for the CSR of {cn:?}: {e}"))?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    params.distinguished_name = dn;
    params
        .serialize_request(key)
        .map(|r| r.der().to_vec())
        .map_err(|e| anyhow!("making the CSR for {cn:?}: {e}"))
}

// ---- minimal DER writer for PKCS#7 ----

fn der_len(len: usize, out: &mut Vec<u8>) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    der_len(content.len(), &mut out);
    out.extend_from_slice(content);
    out
}

/// OID 1.2.840.113549.1.7.2 (signedData)
const OID_SIGNED_DATA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02];
/// OID 1.2.840.113549.1.7.1 (data)
const OID_DATA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01];

/// ContentInfo{signedData, SignedData{v1, no digest algs, data, certificates, no signers}}
/// (RFC 2315 §9.1; the "certs-only" form `openssl crl2pkcs7 -nocrl` writes).
pub fn pkcs7_degenerate(certs: &[&[u8]]) -> Vec<u8> {
    let mut signed = Vec::new();
    signed.extend(tlv(0x02, &[0x01])); // version 1
    signed.extend(tlv(0x31, &[])); // digestAlgorithms: empty SET
    signed.extend(tlv(0x30, &tlv(0x06, OID_DATA))); // contentInfo: data, no content
    let all: Vec<u8> = certs.iter().flat_map(|c| c.iter().copied()).collect();
    signed.extend(tlv(0xA0, &all)); // certificates [0] IMPLICIT SET OF Certificate
    signed.extend(tlv(0x31, &[])); // signerInfos: empty SET
    let signed_data = tlv(0x30, &signed);
    let mut ci = tlv(0x06, OID_SIGNED_DATA);
    ci.extend(tlv(0xA0, &signed_data));
    tlv(0x30, &ci)
}

/// PEM armour with 64-column base64 lines.
pub fn pem_encode(label: &str, der: &[u8]) -> String {
    use base64::Engine;
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
    use x509_parser::prelude::X509Certificate;

    fn request(cn: &str, sans: &[&str]) -> LeafRequest {
        LeafRequest {
            common_name: cn.to_string(),
            sans: sans.iter().map(|s| s.to_string()).collect(),
            not_before: 1_700_000_000,
            not_after: 1_700_000_000 + 365 * DAY,
            serial: vec![0x0A, 0x1B, 0x2C],
            org: SubjectOrg {
                organization: Some("Example Org".into()),
                country: Some("KR".into()),
                ..Default::default()
            },
            kind: LeafKind::Server,
        }
    }

    #[test]
    fn leaf_from_csr_carries_the_requesters_key() {
        let ca = DemoCa::new().unwrap();
        let key = KeyPair::generate_for(&PKCS_ECDSA_P384_SHA384).unwrap();
        let csr = make_csr_pem(&key, "app.example.test", &["app.example.test".into()]).unwrap();
        let info = parse_csr_pem(&csr).unwrap();
        assert_eq!(info.common_name.as_deref(), Some("app.example.test"));
        assert_eq!(info.dns_names, vec!["app.example.test".to_string()]);
        assert_eq!(info.key_type, "EC - P-384");

        let req = request(
            "app.example.test",
            &["app.example.test", "www.example.test"],
        );
        let issued = ca.issue_leaf(&req, LeafKey::CsrPem(&csr)).unwrap();
        let (_, cert) = X509Certificate::from_der(&issued.der).unwrap();
        // The certificate's public key is the CSR's (and so the requester's private key's).
        assert_eq!(
            cert.public_key().subject_public_key.data.as_ref(),
            key.public_key_raw()
        );
        assert_eq!(issued.serial_colon_hex(), "0A:1B:2C");
        assert!(issued.serial_matches("a1b2c") && issued.serial_matches("00:0a:1B:2c"));
        assert!(!issued.serial_matches("A1B2") && !issued.serial_matches("A1B2C0"));
        assert_eq!(cert.raw_serial(), &[0x0A, 0x1B, 0x2C]);
        assert_eq!(issued.key_type, "EC - P-384");
        assert_eq!(&*issued.subject, "C=KR,O=Example Org,CN=app.example.test");
        assert_eq!(cert.validity().not_before.timestamp(), 1_700_000_000);
        let bc = cert.basic_constraints().unwrap().unwrap().value;
        assert!(!bc.ca);
        assert!(issued.pem().starts_with("-----BEGIN CERTIFICATE-----"));
        assert_eq!(
            issued.sha256_hex(),
            hex::encode(Sha256::digest(&issued.der))
        );
        assert_eq!(
            issued.sha1_hex(),
            hex::encode_upper(Sha1::digest(&issued.der))
        );
    }

    #[test]
    fn bad_csrs_are_refused_with_a_reason() {
        let ca = DemoCa::new().unwrap();
        let req = request("x.example.test", &["x.example.test"]);
        let err = ca
            .issue_leaf(&req, LeafKey::CsrPem("not a csr"))
            .unwrap_err();
        assert!(err.to_string().contains("Base-64"), "{err}");
        let err = ca.issue_leaf(&req, LeafKey::CsrPem("")).unwrap_err();
        assert!(err.to_string().contains("empty"), "{err}");
        // A certificate is not a CSR.
        let key = KeyPair::generate().unwrap();
        let cert = ca.issue_leaf(&req, LeafKey::KeyPair(&key)).unwrap();
        let err = parse_csr_pem(&cert.pem()).unwrap_err();
        assert!(err.to_string().contains("CERTIFICATE REQUEST"), "{err}");
    }

    #[test]
    fn pkcs7_is_well_formed_der() {
        let ca = DemoCa::new().unwrap();
        let p7 = ca.pkcs7_der(None);
        let (rest, obj) = x509_parser::der_parser::parse_der(&p7).unwrap();
        assert!(rest.is_empty());
        let seq = obj.as_sequence().unwrap();
        assert_eq!(seq.len(), 2);
        let pem = pem_encode("PKCS7", &p7);
        assert!(pem.starts_with("-----BEGIN PKCS7-----\n"));
        assert!(pem.lines().all(|l| l.len() <= 64));
        assert!(ca.chain_pem().matches("BEGIN CERTIFICATE").count() == 2);
    }
}
