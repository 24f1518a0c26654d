//! How an account's HTTPS server is trusted (design habit 9). The default is the system's
//! roots with host-name checks. Appliances with self-signed certificates (NAS, IIS, PBX, an
//! SCM behind an inspecting proxy) get one of:
//!
//! - a CA file: only the certificates in that PEM file are trusted, host names still checked;
//! - a SHA-256 pin of the server's certificate: that certificate and no other is accepted, the
//!   way ssh trusts a known host key (chain and host name are not checked);
//! - no verification at all: a loud, per-account opt-in, marked on screen and in the log.
//!
//! Each provider client calls [`TlsTrust::apply`] on its `reqwest::ClientBuilder`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::DigitallySignedStruct;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use sha2::{Digest, Sha256};

/// The trust decision of one account.
#[derive(Clone, Default)]
pub enum TlsTrust {
    /// The system's roots (rustls platform verifier), host names checked.
    #[default]
    System,
    /// Only these CA certificates (read from `path`), host names checked.
    CaFile {
        path: PathBuf,
        certs: Vec<reqwest::Certificate>,
    },
    /// Exactly the server certificate with this SHA-256 (of its DER encoding).
    Pin([u8; 32]),
    /// Anything goes. Never the default; the account is marked on screen.
    Insecure,
}

impl fmt::Debug for TlsTrust {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TlsTrust::System => f.write_str("System"),
            TlsTrust::CaFile { path, certs } => f
                .debug_struct("CaFile")
                .field("path", path)
                .field("certs", &certs.len())
                .finish(),
            TlsTrust::Pin(p) => write!(f, "Pin({})", fingerprint(p)),
            TlsTrust::Insecure => f.write_str("Insecure"),
        }
    }
}

impl TlsTrust {
    /// Read a PEM file of CA certificates. The message names the file and what was wrong.
    pub fn ca_file(path: &Path) -> Result<TlsTrust, String> {
        let shown = path.display();
        let bytes = std::fs::read(path).map_err(|e| format!("tls_ca_file {shown}: {e}"))?;
        let certs = reqwest::Certificate::from_pem_bundle(&bytes)
            .map_err(|e| format!("tls_ca_file {shown}: not a PEM certificate file ({e})"))?;
        if certs.is_empty() {
            return Err(format!(
                "tls_ca_file {shown}: no \"BEGIN CERTIFICATE\" block in the file"
            ));
        }
        Ok(TlsTrust::CaFile {
            path: path.to_path_buf(),
            certs,
        })
    }

    /// Parse a pin written as 64 hex digits, with or without colons or spaces, any case.
    pub fn parse_pin(text: &str) -> Result<[u8; 32], String> {
        let hexed: String = text.chars().filter(|c| !matches!(c, ':' | ' ')).collect();
        let hexed = hexed
            .strip_prefix("sha256/")
            .or_else(|| hexed.strip_prefix("SHA256:"))
            .unwrap_or(&hexed);
        let bytes = hex::decode(hexed).map_err(|_| {
            format!("{text:?} is not a SHA-256 fingerprint (64 hex digits, colons allowed)")
        })?;
        <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
            format!(
                "{text:?} has {} bytes; a SHA-256 fingerprint has 32 (64 hex digits)",
                bytes.len()
            )
        })
    }

    /// True when certificates are not checked at all.
    pub fn is_insecure(&self) -> bool {
        matches!(self, TlsTrust::Insecure)
    }

    /// Configure `builder` for this trust. `identity_pem` is a TLS client certificate and key
    /// (PEM, certificate blocks then the key), when the account logs in with one.
    pub fn apply(
        &self,
        builder: reqwest::ClientBuilder,
        identity_pem: Option<&[u8]>,
    ) -> Result<reqwest::ClientBuilder, String> {
        let with_identity = |b: reqwest::ClientBuilder| -> Result<reqwest::ClientBuilder, String> {
            Ok(match identity_pem {
                Some(pem) => b.identity(
                    reqwest::Identity::from_pem(pem)
                        .map_err(|e| format!("the client certificate cannot be used: {e}"))?,
                ),
                None => b,
            })
        };
        match self {
            TlsTrust::System => with_identity(builder),
            TlsTrust::CaFile { certs, .. } => with_identity(builder.tls_certs_only(certs.clone())),
            TlsTrust::Insecure => with_identity(builder.danger_accept_invalid_certs(true)),
            TlsTrust::Pin(pin) => {
                let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
                let verifier = Arc::new(PinVerifier {
                    pin: *pin,
                    algorithms: provider.signature_verification_algorithms,
                });
                let config = rustls::ClientConfig::builder_with_provider(provider.clone())
                    .with_safe_default_protocol_versions()
                    .map_err(|e| format!("cannot set up TLS: {e}"))?
                    .dangerous()
                    .with_custom_certificate_verifier(verifier);
                let mut config = match identity_pem {
                    None => config.with_no_client_auth(),
                    Some(pem) => {
                        let chain: Vec<CertificateDer<'static>> =
                            CertificateDer::pem_slice_iter(pem)
                                .collect::<Result<_, _>>()
                                .map_err(|e| format!("the client certificate is not PEM: {e}"))?;
                        let key = PrivateKeyDer::from_pem_slice(pem)
                            .map_err(|e| format!("the client certificate's key is not PEM: {e}"))?;
                        config
                            .with_client_auth_cert(chain, key)
                            .map_err(|e| format!("the client certificate cannot be used: {e}"))?
                    }
                };
                config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
                Ok(builder.tls_backend_preconfigured(config))
            }
        }
    }
}

/// Advice to add to a connection error whose text shows the server's certificate was not
/// trusted (empty otherwise).
pub fn hint(error_text: &str) -> &'static str {
    let t = error_text.to_ascii_lowercase();
    if t.contains("invalid peer certificate") && !t.contains("tls_pin_sha256") {
        " (the server's certificate is not trusted: for a private CA set tls_ca_file, for a \
         self-signed certificate tls_pin_sha256, in the account's config)"
    } else {
        ""
    }
}

/// `AB:CD:…` (upper-case hex with colons), the way browsers and `openssl x509 -fingerprint`
/// show it.
pub fn fingerprint(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Accepts exactly one server certificate, by the SHA-256 of its DER encoding. The handshake
/// signatures are still verified, so the server must hold that certificate's private key.
#[derive(Debug)]
struct PinVerifier {
    pin: [u8; 32],
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for PinVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let got: [u8; 32] = Sha256::digest(end_entity.as_ref()).into();
        if got == self.pin {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(format!(
                "the server's certificate does not match tls_pin_sha256: it has SHA-256 {}",
                fingerprint(&got)
            )))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_parse_in_the_usual_spellings() {
        let hex64 = "ab".repeat(32);
        let colons = vec!["AB"; 32].join(":");
        assert_eq!(TlsTrust::parse_pin(&hex64).unwrap(), [0xab; 32]);
        assert_eq!(TlsTrust::parse_pin(&colons).unwrap(), [0xab; 32]);
        assert_eq!(
            TlsTrust::parse_pin(&format!("sha256/{hex64}")).unwrap(),
            [0xab; 32]
        );
        let e = TlsTrust::parse_pin("abcd").unwrap_err();
        assert!(e.contains("2 bytes"), "{e}");
        let e = TlsTrust::parse_pin("zz").unwrap_err();
        assert!(e.contains("not a SHA-256 fingerprint"), "{e}");
        assert_eq!(fingerprint(&[0x0a, 0xff]), "0A:FF");
    }

    #[test]
    fn a_ca_file_must_hold_certificates() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ca.pem");
        std::fs::write(&p, "not a certificate\n").unwrap();
        let e = TlsTrust::ca_file(&p).unwrap_err();
        assert!(
            e.contains("ca.pem") && e.contains("BEGIN CERTIFICATE"),
            "{e}"
        );
        let e = TlsTrust::ca_file(&dir.path().join("missing.pem")).unwrap_err();
        assert!(e.contains("missing.pem"), "{e}");
        let ca = crate::emulator::ca::DemoCa::new_at(1_764_806_400).unwrap();
        std::fs::write(&p, ca.root_pem()).unwrap();
        let t = TlsTrust::ca_file(&p).unwrap();
        assert!(format!("{t:?}").contains("certs: 1"), "{t:?}");
    }
}
