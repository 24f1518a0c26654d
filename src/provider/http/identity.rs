//! A TLS client certificate and its key, read from PEM files with the checks an admin needs
//! to hear about by file name (permissions, encrypted keys, stray keys in the certificate
//! file), and the message when the TLS stack refuses the pair. Used by any provider whose
//! login is a client certificate.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use secrecy::zeroize::Zeroizing;
use secrecy::{ExposeSecret, SecretString};

/// A TLS client certificate (with any chain certificates) and its private key, as PEM. Read
/// with [`ClientIdentity::from_files`]; the key material stays inside a [`SecretString`] and
/// Debug shows only the file names.
#[derive(Clone)]
pub struct ClientIdentity {
    /// Certificate block(s), then the private key block.
    pem: SecretString,
    cert_path: PathBuf,
    key_path: PathBuf,
}

impl fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientIdentity")
            .field("cert_path", &self.cert_path)
            .field("key_path", &self.key_path)
            .finish_non_exhaustive()
    }
}

/// Larger than any sane PEM certificate chain or key.
const MAX_PEM_FILE: u64 = 1 << 20;

impl ClientIdentity {
    /// Read a PEM certificate file and a PEM private-key file.
    ///
    /// Checks, each failure a message naming the file: both are readable regular files of at
    /// most 1 MiB; (on Unix) the key file is not accessible by group or others, as ssh demands;
    /// the certificate file holds at least one valid X.509 `CERTIFICATE` block and no private
    /// key (unless it is the key file itself); the key file holds exactly one unencrypted
    /// private key (`PRIVATE KEY`, `RSA PRIVATE KEY` or `EC PRIVATE KEY`). Whether the key
    /// parses and matches the certificate is checked when the HTTP client is built
    /// ([`super::build_client`]).
    pub fn from_files(cert_path: &Path, key_path: &Path) -> Result<ClientIdentity, String> {
        let key_text = read_pem_file(key_path, "private key", true)?;
        let cert_text = read_pem_file(cert_path, "certificate", false)?;
        let same_file = cert_path == key_path;

        let cert_blocks = pem_blocks(&cert_text)
            .map_err(|e| format!("the client certificate file {}: {e}", cert_path.display()))?;
        let mut certs: Vec<&str> = Vec::new();
        for block in &cert_blocks {
            if block.label == "CERTIFICATE" {
                let der = block.decode().map_err(|e| {
                    format!(
                        "the client certificate file {}: certificate {} is not valid PEM ({e})",
                        cert_path.display(),
                        certs.len() + 1
                    )
                })?;
                if let Err(e) = x509_parser::parse_x509_certificate(&der) {
                    return Err(format!(
                        "the client certificate file {}: certificate {} is not a valid X.509 certificate ({e})",
                        cert_path.display(),
                        certs.len() + 1
                    ));
                }
                certs.push(block.text);
            } else if block.label.contains("PRIVATE KEY") && !same_file {
                return Err(format!(
                    "the client certificate file {} also holds a private key; keep the key only \
                     in the client_key file (mode 0600), or point client_key at this same file \
                     and make it mode 0600",
                    cert_path.display()
                ));
            }
        }
        if certs.is_empty() {
            return Err(format!(
                "the client certificate file {} holds no PEM certificate \
                 (-----BEGIN CERTIFICATE-----)",
                cert_path.display()
            ));
        }

        let key_blocks = pem_blocks(&key_text)
            .map_err(|e| format!("the client key file {}: {e}", key_path.display()))?;
        let mut keys: Vec<&PemBlock<'_>> = Vec::new();
        for block in &key_blocks {
            let encrypted =
                block.label == "ENCRYPTED PRIVATE KEY" || block.text.contains("4,ENCRYPTED");
            if encrypted {
                return Err(format!(
                    "the private key in {} is encrypted; certdeck needs an unencrypted key \
                     protected by file permissions (decrypt it with \
                     `openssl pkey -in ENCRYPTED.pem -out {}` and chmod 600)",
                    key_path.display(),
                    key_path.display()
                ));
            }
            if matches!(
                block.label.as_str(),
                "PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY"
            ) {
                keys.push(block);
            }
        }
        let key = match keys.as_slice() {
            [one] => one.text,
            [] => {
                return Err(format!(
                    "the client key file {} holds no PEM private key \
                     (-----BEGIN PRIVATE KEY-----)",
                    key_path.display()
                ));
            }
            more => {
                return Err(format!(
                    "the client key file {} holds {} private keys; it must hold exactly one",
                    key_path.display(),
                    more.len()
                ));
            }
        };

        let mut pem = Zeroizing::new(String::with_capacity(cert_text.len() + key.len() + 8));
        for c in certs {
            pem.push_str(c);
            pem.push('\n');
        }
        pem.push_str(key);
        pem.push('\n');
        Ok(ClientIdentity {
            pem: SecretString::from(pem.as_str()),
            cert_path: cert_path.to_path_buf(),
            key_path: key_path.to_path_buf(),
        })
    }

    pub fn cert_path(&self) -> &Path {
        &self.cert_path
    }

    pub fn key_path(&self) -> &Path {
        &self.key_path
    }

    /// The certificate block(s) and the key block, for the TLS stack.
    pub(crate) fn pem(&self) -> &[u8] {
        self.pem.expose_secret().as_bytes()
    }
}

/// Read a small PEM text file. `private`: refuse (on Unix) a file that group or others may
/// access, like ssh does for identity files. The contents are wiped from memory when dropped.
fn read_pem_file(path: &Path, what: &str, private: bool) -> Result<Zeroizing<String>, String> {
    let shown = path.display();
    let mut file = std::fs::File::open(path).map_err(|e| {
        format!(
            "cannot read the client {what} file {shown}: {}",
            io_reason(&e)
        )
    })?;
    let meta = file.metadata().map_err(|e| {
        format!(
            "cannot read the client {what} file {shown}: {}",
            io_reason(&e)
        )
    })?;
    if !meta.is_file() {
        return Err(format!(
            "the client {what} file {shown} is not a regular file"
        ));
    }
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o7777;
        if mode & 0o077 != 0 {
            return Err(format!(
                "permissions {mode:04o} for the client private key file {shown} are too open: \
                 a private key must not be accessible by group or others, so it is not used; \
                 run `chmod 600 {shown}`"
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = private;
    if meta.len() > MAX_PEM_FILE {
        return Err(format!(
            "the client {what} file {shown} is too large ({} bytes) to be a PEM file",
            meta.len()
        ));
    }
    let mut bytes = Zeroizing::new(Vec::new());
    (&mut file)
        .take(MAX_PEM_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            format!(
                "cannot read the client {what} file {shown}: {}",
                io_reason(&e)
            )
        })?;
    match std::str::from_utf8(&bytes) {
        Ok(text) => Ok(Zeroizing::new(text.to_string())),
        Err(_) => Err(format!(
            "the client {what} file {shown} is not PEM text (it is binary; DER or PKCS#12 files \
             must be converted to PEM first)"
        )),
    }
}

/// "No such file or directory" without the "(os error 2)" tail.
fn io_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// One `-----BEGIN label-----` … `-----END label-----` block of a PEM text.
struct PemBlock<'a> {
    label: String,
    /// The whole block, armour lines included.
    text: &'a str,
    /// The lines between the armour lines.
    body: &'a str,
}

impl PemBlock<'_> {
    /// The base64 body decoded (RFC 1421 header lines skipped). Errors never quote the data.
    fn decode(&self) -> Result<Vec<u8>, String> {
        use base64::Engine;
        let compact: String = self
            .body
            .lines()
            .filter(|l| !l.contains(':'))
            .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
            .collect();
        if compact.is_empty() {
            return Err("the block is empty".into());
        }
        base64::engine::general_purpose::STANDARD
            .decode(compact.as_bytes())
            .map_err(|_| "the block is not valid base64".into())
    }
}

/// The PEM blocks of a text, ignoring text around them. A BEGIN line without its END line is
/// an error.
fn pem_blocks(text: &str) -> Result<Vec<PemBlock<'_>>, String> {
    const BEGIN: &str = "-----BEGIN ";
    let mut blocks = Vec::new();
    let mut rest = text;
    let mut offset = 0usize;
    while let Some(at) = rest.find(BEGIN) {
        let start = offset + at;
        let after = &text[start + BEGIN.len()..];
        let Some(label_len) = after.find("-----") else {
            return Err(format!("a {BEGIN}… line is not closed with -----"));
        };
        let label = after[..label_len].trim().to_string();
        if label.is_empty() || label.contains(['\n', '\r']) {
            return Err("a -----BEGIN line has no label".into());
        }
        let body_start = start + BEGIN.len() + label_len + 5;
        let end_line = format!("-----END {label}-----");
        let Some(end_rel) = text[body_start..].find(&end_line) else {
            return Err(format!(
                "the -----BEGIN {label}----- block has no -----END {label}----- line"
            ));
        };
        let end = body_start + end_rel + end_line.len();
        blocks.push(PemBlock {
            label,
            text: &text[start..end],
            body: &text[body_start..body_start + end_rel],
        });
        offset = end;
        rest = &text[end..];
    }
    Ok(blocks)
}

/// Why a client certificate and key cannot be used (names the files, never quotes them).
pub(crate) fn identity_error(id: &ClientIdentity, e: &reqwest::Error) -> String {
    let chain = super::error_chain(e);
    let chain = chain.strip_prefix("builder error: ").unwrap_or(&chain);
    let reason = if chain.contains("KeyMismatch") {
        "the private key does not belong to the certificate"
    } else {
        chain
    };
    format!(
        "cannot use the client certificate {} with the key {}: {reason}",
        id.cert_path.display(),
        id.key_path.display(),
    )
}
