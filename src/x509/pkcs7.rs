//! The certificates of a PKCS#7 / CMS `SignedData` (RFC 5652), as found in `.p7b` / `.p7c`
//! files and in Sectigo's `base64` and `bin` collect formats ("degenerate" SignedData: no
//! content, no signers, only the certificates set).
//!
//! ```text
//! ContentInfo ::= SEQUENCE { contentType OID (1.2.840.113549.1.7.2), content [0] EXPLICIT SignedData }
//! SignedData  ::= SEQUENCE { version INTEGER, digestAlgorithms SET, encapContentInfo SEQUENCE,
//!                            certificates [0] IMPLICIT SET OF CertificateChoices OPTIONAL,
//!                            crls [1] IMPLICIT ... OPTIONAL, signerInfos SET }
//! ```
//!
//! The wrapper is read as BER, because Windows tools write indefinite lengths there; the
//! certificates themselves are DER and are returned as byte slices of the input.

use x509_parser::asn1_rs::{Any, Class, FromBer, Tag};

/// `id-signedData`.
const SIGNED_DATA: &str = "1.2.840.113549.1.7.2";

/// Whether `der` starts like a ContentInfo (a SEQUENCE whose first element is an OID), so
/// that an error can say "PKCS#7" rather than "certificate".
pub(super) fn looks_like_content_info(der: &[u8]) -> bool {
    let Ok((_, outer)) = Any::from_ber(der) else {
        return false;
    };
    outer.tag() == Tag::Sequence && first_oid(outer.data).is_some()
}

/// The leading OBJECT IDENTIFIER of `data` (tag checked) and what follows it.
fn first_oid(data: &[u8]) -> Option<(&[u8], String)> {
    let (rest, any) = Any::from_ber(data).ok()?;
    if any.class() != Class::Universal || any.tag() != Tag::Oid {
        return None;
    }
    let oid = any.as_oid().ok()?;
    Some((rest, oid.to_id_string()))
}

/// The DER of every certificate in the bundle, in bundle order.
pub(super) fn certificates(der: &[u8]) -> Result<Vec<&[u8]>, String> {
    let (_, content_info) =
        Any::from_ber(der).map_err(|e| format!("not an ASN.1 structure ({e})"))?;
    if content_info.tag() != Tag::Sequence {
        return Err("ContentInfo is not a SEQUENCE".to_string());
    }
    let (rest, content_type) = first_oid(content_info.data)
        .ok_or_else(|| "ContentInfo has no content type".to_string())?;
    if content_type != SIGNED_DATA {
        return Err(format!(
            "content type is {content_type}, not signedData ({SIGNED_DATA})"
        ));
    }
    let (_, explicit) = Any::from_ber(rest).map_err(|_| "signedData has no content".to_string())?;
    if explicit.class() != Class::ContextSpecific || explicit.tag() != Tag(0) {
        return Err("signedData content is not tagged [0]".to_string());
    }
    let (_, signed_data) =
        Any::from_ber(explicit.data).map_err(|e| format!("SignedData is malformed ({e})"))?;
    if signed_data.tag() != Tag::Sequence {
        return Err("SignedData is not a SEQUENCE".to_string());
    }

    let mut certs = Vec::new();
    let mut input = signed_data.data;
    while !input.is_empty() {
        let (rest, field) =
            Any::from_ber(input).map_err(|e| format!("SignedData field is malformed ({e})"))?;
        input = rest;
        if field.class() == Class::ContextSpecific && field.tag() == Tag(0) {
            let mut set = field.data;
            while !set.is_empty() {
                let (rest, _choice) = Any::from_ber(set)
                    .map_err(|e| format!("certificate {} is malformed ({e})", certs.len() + 1))?;
                let raw = &set[..set.len() - rest.len()];
                // CertificateChoices: a plain Certificate is a universal SEQUENCE; the tagged
                // alternatives (attribute certificates, "other") are not X.509 certificates.
                if raw.first() == Some(&0x30) {
                    certs.push(raw);
                }
                set = rest;
            }
        }
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_other_content_types_by_name() {
        // ContentInfo { id-data, [0] OCTET STRING "" }
        let data = [
            0x30, 0x0f, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01, 0xa0,
            0x02, 0x04, 0x00,
        ];
        assert!(looks_like_content_info(&data));
        let err = certificates(&data).unwrap_err();
        assert!(err.contains("1.2.840.113549.1.7.1"), "{err}");
    }

    #[test]
    fn reads_indefinite_length_wrappers() {
        // ContentInfo (indefinite) { signedData, [0] (indefinite) { SignedData (indefinite) {
        //   version 1, SET {}, SEQUENCE { id-data }, [0] { SEQUENCE { NULL } }, SET {} } } }
        let mut data = vec![0x30, 0x80, 0x06, 0x09];
        data.extend([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]);
        data.extend([0xa0, 0x80, 0x30, 0x80]);
        data.extend([0x02, 0x01, 0x01, 0x31, 0x00]);
        data.extend([
            0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
        ]);
        data.extend([0xa0, 0x04, 0x30, 0x02, 0x05, 0x00]);
        data.extend([0x31, 0x00]);
        data.extend([0, 0, 0, 0, 0, 0]);
        let certs = certificates(&data).unwrap();
        assert_eq!(certs, vec![&[0x30, 0x02, 0x05, 0x00][..]]);
    }
}
