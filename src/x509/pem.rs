//! A small, tolerant PEM scanner.
//!
//! Accepts text around and between blocks (OpenSSL's `subject=` lines, `Bag Attributes`, mail
//! quoting …), CRLF line ends, RFC 1421 header lines (`Proc-Type: …`), PEM that lost its line
//! breaks (`-----BEGIN CERTIFICATE-----MIIB…-----END CERTIFICATE-----`) and literal `\n`
//! escapes left over from JSON. Block bodies are decoded lazily, so a block the caller does not
//! want (an encrypted private key, say) is never decoded.

use base64::Engine;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, general_purpose};

const BEGIN: &[u8] = b"-----BEGIN ";
const END: &[u8] = b"-----END ";
const DASHES: &[u8] = b"-----";

/// Base64 that does not insist on the padding being present.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// One `-----BEGIN label-----` … `-----END label-----` block.
#[derive(Debug)]
pub(super) struct Block<'a> {
    /// 1-based position among all PEM blocks of the input.
    pub index: usize,
    pub label: String,
    body: &'a [u8],
}

/// A structural problem with the PEM armour itself.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum ScanError {
    /// A BEGIN line with no matching END line.
    Unterminated { index: usize, label: String },
    /// `-----END X-----` closing a `-----BEGIN Y-----` block.
    Mismatched {
        index: usize,
        label: String,
        end_label: String,
    },
}

/// Whether the input looks like PEM at all.
pub(super) fn looks_like_pem(bytes: &[u8]) -> bool {
    find(bytes, BEGIN, 0).is_some()
}

/// All blocks, in input order.
pub(super) fn scan(bytes: &[u8]) -> Result<Vec<Block<'_>>, ScanError> {
    let mut blocks = Vec::new();
    let mut pos = 0;
    while let Some(begin) = find(bytes, BEGIN, pos) {
        let label_start = begin + BEGIN.len();
        let Some(label_end) = find(bytes, DASHES, label_start) else {
            break;
        };
        let label_bytes = &bytes[label_start..label_end];
        if label_bytes.iter().any(|b| b.is_ascii_control()) {
            // "-----BEGIN " followed by a line break: not a BEGIN line, keep looking.
            pos = label_start;
            continue;
        }
        let label = String::from_utf8_lossy(label_bytes).trim().to_string();
        let index = blocks.len() + 1;
        let body_start = label_end + DASHES.len();
        let Some(end) = find(bytes, END, body_start) else {
            return Err(ScanError::Unterminated { index, label });
        };
        let end_label_start = end + END.len();
        let end_label_end = find(bytes, DASHES, end_label_start).unwrap_or(bytes.len());
        let end_label = String::from_utf8_lossy(&bytes[end_label_start..end_label_end])
            .trim()
            .to_string();
        if end_label != label {
            return Err(ScanError::Mismatched {
                index,
                label,
                end_label,
            });
        }
        blocks.push(Block {
            index,
            label,
            body: &bytes[body_start..end],
        });
        pos = (end_label_end + DASHES.len()).min(bytes.len());
    }
    Ok(blocks)
}

impl Block<'_> {
    /// The decoded contents. The error names the problem without quoting the data (a block
    /// may hold a private key).
    pub fn decode(&self) -> Result<Vec<u8>, String> {
        decode_base64_text(self.body)
    }

    /// Whether the block is a legacy OpenSSL encrypted PEM (`Proc-Type: 4,ENCRYPTED`).
    pub fn is_encrypted(&self) -> bool {
        find(self.body, b"4,ENCRYPTED", 0).is_some()
    }
}

/// Decodes base64 text, skipping RFC 1421 header lines, whitespace and literal `\n`/`\r`.
pub(super) fn decode_base64_text(text: &[u8]) -> Result<Vec<u8>, String> {
    let text = String::from_utf8_lossy(text)
        .replace("\\r", "\n")
        .replace("\\n", "\n");
    let mut compact = String::with_capacity(text.len());
    for line in text.lines() {
        if line.contains(':') {
            continue; // "Proc-Type: 4,ENCRYPTED" and friends
        }
        compact.extend(line.chars().filter(|c| !c.is_whitespace()));
    }
    if compact.is_empty() {
        return Err("the block is empty".to_string());
    }
    if let Some(bad) = compact
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')))
    {
        return Err(format!("invalid base64: unexpected character {bad:?}"));
    }
    LENIENT
        .decode(compact.as_bytes())
        .map_err(|e| format!("invalid base64: {e}"))
}

/// Whether the input is nothing but base64 text (a PEM body without its armour).
pub(super) fn is_bare_base64(bytes: &[u8]) -> bool {
    let mut seen = 0usize;
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=') {
            seen += 1;
        } else if !b.is_ascii_whitespace() {
            return false;
        }
    }
    seen >= 16
}

/// Encodes DER as a PEM block with 64-character lines.
pub(super) fn encode(label: &str, der: &[u8]) -> String {
    let b64 = general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from >= haystack.len() {
        return None;
    }
    haystack[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_blocks_with_text_around_and_on_one_line() {
        let input = b"subject=CN=x\n-----BEGIN A-----\nAAEC\n-----END A-----\nnoise\
                      -----BEGIN B-----AwQ=-----END B-----";
        let blocks = scan(input).unwrap();
        assert_eq!(blocks.len(), 2);
        assert_eq!((blocks[0].index, blocks[0].label.as_str()), (1, "A"));
        assert_eq!(blocks[0].decode().unwrap(), vec![0, 1, 2]);
        assert_eq!((blocks[1].index, blocks[1].label.as_str()), (2, "B"));
        assert_eq!(blocks[1].decode().unwrap(), vec![3, 4]);
    }

    #[test]
    fn tolerates_crlf_headers_and_json_escapes() {
        let input = b"-----BEGIN A-----\r\nProc-Type: 4,ENCRYPTED\r\n\r\nAAEC\r\nAwQ=\r\n-----END A-----\r\n";
        assert_eq!(
            scan(input).unwrap()[0].decode().unwrap(),
            vec![0, 1, 2, 3, 4]
        );
        let json = br"-----BEGIN A-----\nAAEC\nAwQ\n-----END A-----\n";
        assert_eq!(
            scan(json).unwrap()[0].decode().unwrap(),
            vec![0, 1, 2, 3, 4]
        );
    }

    #[test]
    fn reports_unterminated_and_mismatched_blocks() {
        assert_eq!(
            scan(b"-----BEGIN A-----\nAAEC\n").unwrap_err(),
            ScanError::Unterminated {
                index: 1,
                label: "A".into()
            }
        );
        assert_eq!(
            scan(b"-----BEGIN A-----\nAAEC\n-----END B-----\n").unwrap_err(),
            ScanError::Mismatched {
                index: 1,
                label: "A".into(),
                end_label: "B".into()
            }
        );
    }

    #[test]
    fn rejects_bad_base64_without_quoting_it() {
        let blocks = scan(b"-----BEGIN A-----\nAA*C\n-----END A-----\n").unwrap();
        let err = blocks[0].decode().unwrap_err();
        assert!(err.contains("unexpected character '*'"), "{err}");
        assert!(
            scan(b"-----BEGIN A-----\n\n-----END A-----\n").unwrap()[0]
                .decode()
                .is_err()
        );
    }

    #[test]
    fn encode_round_trips() {
        let der: Vec<u8> = (0..=200).collect();
        let pem = encode("CERTIFICATE", &der);
        assert!(pem.lines().all(|l| l.len() <= 64));
        assert_eq!(scan(pem.as_bytes()).unwrap()[0].decode().unwrap(), der);
    }
}
