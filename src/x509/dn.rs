//! Distinguished names as RFC 4514 strings.
//!
//! RFC 4514 writes the most specific RDN first (the reverse of the encoded order), joins RDNs
//! with `,` and multi-valued RDNs with `+`, and escapes `,+"\<>;`, a leading `#` or space and a
//! trailing space. Go's `pkix.Name.String()` (and so `step`) does the same. Values that are not
//! strings are written as `#` followed by the hex of their DER, as the RFC says.

use x509_parser::asn1_rs::{Any, Tag, ToDer};
use x509_parser::x509::{AttributeTypeAndValue, X509Name};

use super::oids;

/// The RFC 4514 string of a name; empty for an empty name.
pub(super) fn rfc4514(name: &X509Name<'_>) -> String {
    let rdns: Vec<String> = name
        .iter_rdn()
        .map(|rdn| rdn.iter().map(attribute).collect::<Vec<String>>().join("+"))
        .collect();
    rdns.into_iter().rev().collect::<Vec<String>>().join(",")
}

/// The most specific common name (the last CN in encoded order), if the name has one.
pub(super) fn common_name(name: &X509Name<'_>) -> Option<String> {
    name.iter_common_name()
        .last()
        .map(|attr| match value_text(attr.attr_value()) {
            Some(text) => super::clean(&text),
            None => hex_der(attr.attr_value()),
        })
}

fn attribute(attr: &AttributeTypeAndValue<'_>) -> String {
    let oid = attr.attr_type().to_id_string();
    let key = oids::dn_attribute(&oid).map_or(oid, str::to_string);
    let value = match value_text(attr.attr_value()) {
        Some(text) => escape(&text),
        None => hex_der(attr.attr_value()),
    };
    format!("{key}={value}")
}

/// Decodes the ASN.1 string types used in names; `None` for anything else.
fn value_text(any: &Any<'_>) -> Option<String> {
    let data = any.data;
    match any.tag() {
        Tag::Utf8String
        | Tag::PrintableString
        | Tag::Ia5String
        | Tag::NumericString
        | Tag::VisibleString => String::from_utf8(data.to_vec()).ok(),
        // T.61 is in practice used for Latin-1 text.
        Tag::TeletexString => Some(
            String::from_utf8(data.to_vec())
                .unwrap_or_else(|_| data.iter().map(|&b| char::from(b)).collect()),
        ),
        Tag::BmpString => {
            if !data.len().is_multiple_of(2) {
                return None;
            }
            let units: Vec<u16> = data
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).ok()
        }
        Tag::UniversalString => {
            if !data.len().is_multiple_of(4) {
                return None;
            }
            data.chunks_exact(4)
                .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
                .collect()
        }
        _ => None,
    }
}

fn hex_der(any: &Any<'_>) -> String {
    match any.to_der_vec() {
        Ok(der) => format!("#{}", hex::encode(der)),
        Err(_) => format!("#{}", hex::encode(any.data)),
    }
}

/// RFC 4514 section 2.4 escaping; control characters are written as `\XX` so that a
/// hostile name cannot move the cursor or change colours in the terminal.
fn escape(value: &str) -> String {
    let count = value.chars().count();
    let mut out = String::with_capacity(value.len());
    for (i, c) in value.chars().enumerate() {
        match c {
            ',' | '+' | '"' | '\\' | '<' | '>' | ';' => {
                out.push('\\');
                out.push(c);
            }
            '#' if i == 0 => out.push_str("\\#"),
            ' ' if i == 0 || i + 1 == count => out.push_str("\\ "),
            c if c.is_control() => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("\\{b:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_special_characters_and_edges() {
        assert_eq!(escape("a,b+c"), "a\\,b\\+c");
        assert_eq!(escape("#x"), "\\#x");
        assert_eq!(escape(" x "), "\\ x\\ ");
        assert_eq!(escape("x#y"), "x#y");
        assert_eq!(escape("bell\u{7}"), "bell\\07");
        assert_eq!(escape("Example, Inc."), "Example\\, Inc.");
    }
}
