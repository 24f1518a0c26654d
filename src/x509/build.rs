//! One certificate's view, built from the parsed structure: names, validity, key, the
//! extensions the detail pane shows, fingerprints.

use super::*;

pub(super) fn build_view(cert: &X509Certificate<'_>, der: &[u8]) -> CertView {
    let tbs = &cert.tbs_certificate;
    let spki = &tbs.subject_pki;
    let (key_type, key_bits) = key_description(spki);
    let raw_serial = strip_leading_zeros(tbs.raw_serial());
    let mut view = CertView {
        version: tbs.version.0 + 1,
        subject: dn::rfc4514(&tbs.subject),
        common_name: dn::common_name(&tbs.subject),
        sans: Vec::new(),
        issuer: dn::rfc4514(&tbs.issuer),
        issuer_common_name: dn::common_name(&tbs.issuer),
        not_before: tbs.validity.not_before.timestamp(),
        not_after: tbs.validity.not_after.timestamp(),
        key_type,
        key_bits,
        signature_algorithm: signature_name(&cert.signature_algorithm),
        serial_hex: colon_hex(raw_serial),
        serial_decimal: serial_decimal(raw_serial),
        sha256: hex::encode(Sha256::digest(der)),
        sha1: hex::encode(Sha1::digest(der)),
        key_usage: Vec::new(),
        ext_key_usage: Vec::new(),
        basic_constraints: None,
        subject_key_id: None,
        authority_key_id: None,
        policies: Vec::new(),
        crl_urls: Vec::new(),
        ocsp_urls: Vec::new(),
        ca_issuer_urls: Vec::new(),
        extensions: Vec::new(),
        is_self_signed: false,
        der: der.to_vec(),
        spki_der: spki.raw.to_vec(),
        public_key: spki.subject_public_key.data.to_vec(),
    };

    for ext in tbs.extensions() {
        let oid = ext.oid.to_id_string();
        view.extensions.push(ExtensionInfo {
            name: oids::extension(&oid).map_or_else(|| oid.clone(), str::to_string),
            oid: oid.clone(),
            critical: ext.critical,
        });
        match ext.parsed_extension() {
            ParsedExtension::SubjectAlternativeName(san) => {
                view.sans
                    .extend(san.general_names.iter().map(san_of_general_name));
            }
            ParsedExtension::KeyUsage(ku) => {
                let names = [
                    (ku.digital_signature(), "Digital Signature"),
                    (ku.non_repudiation(), "Content Commitment"),
                    (ku.key_encipherment(), "Key Encipherment"),
                    (ku.data_encipherment(), "Data Encipherment"),
                    (ku.key_agreement(), "Key Agreement"),
                    (ku.key_cert_sign(), "Certificate Sign"),
                    (ku.crl_sign(), "CRL Sign"),
                    (ku.encipher_only(), "Encipher Only"),
                    (ku.decipher_only(), "Decipher Only"),
                ];
                view.key_usage = names
                    .iter()
                    .filter(|(set, _)| *set)
                    .map(|(_, name)| (*name).to_string())
                    .collect();
            }
            ParsedExtension::ExtendedKeyUsage(eku) => {
                // Read the OIDs again to keep the certificate's order; x509-parser folds the
                // well-known ones into flags.
                view.ext_key_usage = match <Vec<Oid>>::from_der(ext.value) {
                    Ok((_, list)) => list.iter().map(|o| eku_name(&o.to_id_string())).collect(),
                    Err(_) => {
                        let flags = [
                            (eku.any, "2.5.29.37.0"),
                            (eku.server_auth, "1.3.6.1.5.5.7.3.1"),
                            (eku.client_auth, "1.3.6.1.5.5.7.3.2"),
                            (eku.code_signing, "1.3.6.1.5.5.7.3.3"),
                            (eku.email_protection, "1.3.6.1.5.5.7.3.4"),
                            (eku.time_stamping, "1.3.6.1.5.5.7.3.8"),
                            (eku.ocsp_signing, "1.3.6.1.5.5.7.3.9"),
                        ];
                        flags
                            .iter()
                            .filter(|(set, _)| *set)
                            .map(|(_, oid)| eku_name(oid))
                            .chain(eku.other.iter().map(|o| eku_name(&o.to_id_string())))
                            .collect()
                    }
                };
            }
            ParsedExtension::BasicConstraints(bc) => {
                view.basic_constraints = Some(BasicConstraints {
                    ca: bc.ca,
                    path_len: bc.path_len_constraint,
                });
            }
            ParsedExtension::SubjectKeyIdentifier(kid) => {
                view.subject_key_id = Some(colon_hex(kid.0));
            }
            ParsedExtension::AuthorityKeyIdentifier(aki) => {
                view.authority_key_id = aki.key_identifier.as_ref().map(|k| colon_hex(k.0));
            }
            ParsedExtension::CertificatePolicies(policies) => {
                view.policies = policies
                    .iter()
                    .map(|p| {
                        let oid = p.policy_id.to_id_string();
                        match oids::policy(&oid) {
                            Some(name) => format!("{oid} ({name})"),
                            None => oid,
                        }
                    })
                    .collect();
            }
            ParsedExtension::CRLDistributionPoints(points) => {
                for point in points.iter() {
                    if let Some(DistributionPointName::FullName(names)) = &point.distribution_point
                    {
                        view.crl_urls.extend(names.iter().filter_map(uri_of));
                    }
                }
            }
            ParsedExtension::AuthorityInfoAccess(aia) => {
                for desc in aia.iter() {
                    let Some(uri) = uri_of(&desc.access_location) else {
                        continue;
                    };
                    match desc.access_method.to_id_string().as_str() {
                        "1.3.6.1.5.5.7.48.1" => view.ocsp_urls.push(uri),
                        "1.3.6.1.5.5.7.48.2" => view.ca_issuer_urls.push(uri),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    view.is_self_signed = tbs.subject.as_raw() == tbs.issuer.as_raw()
        && match (&view.subject_key_id, &view.authority_key_id) {
            (Some(ski), Some(aki)) => ski == aki,
            _ => true,
        };
    view
}

/// Text from a certificate with control characters written as `\xNN`, so that a hostile
/// certificate cannot move the cursor or recolour the terminal.
pub(super) fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn eku_name(oid: &str) -> String {
    oids::ext_key_usage(oid).map_or_else(|| oid.to_string(), str::to_string)
}

fn uri_of(name: &GeneralName<'_>) -> Option<String> {
    match name {
        GeneralName::URI(uri) => Some(clean(uri)),
        _ => None,
    }
}

fn san_of_general_name(name: &GeneralName<'_>) -> San {
    match name {
        GeneralName::DNSName(v) => San::Dns(clean(v)),
        GeneralName::RFC822Name(v) => San::Email(clean(v)),
        GeneralName::URI(v) => San::Uri(clean(v)),
        GeneralName::IPAddress(bytes) => match bytes.len() {
            4 => San::Ip(IpAddr::from([bytes[0], bytes[1], bytes[2], bytes[3]])),
            16 => {
                let mut octets = [0u8; 16];
                octets.copy_from_slice(bytes);
                San::Ip(IpAddr::from(octets))
            }
            _ => San::Other {
                kind: "IP".to_string(),
                value: format!("#{}", hex::encode(bytes)),
            },
        },
        GeneralName::DirectoryName(name) => San::Other {
            kind: "DirName".to_string(),
            value: dn::rfc4514(name),
        },
        GeneralName::RegisteredID(oid) => San::Other {
            kind: "RID".to_string(),
            value: oid.to_id_string(),
        },
        GeneralName::OtherName(oid, value) => other_name(&oid.to_id_string(), value),
        GeneralName::X400Address(_) => San::Other {
            kind: "X400".to_string(),
            value: "(not shown)".to_string(),
        },
        GeneralName::EDIPartyName(_) => San::Other {
            kind: "EDIParty".to_string(),
            value: "(not shown)".to_string(),
        },
        GeneralName::Invalid(tag, _) => San::Other {
            kind: "invalid".to_string(),
            value: format!("entry with tag {}", tag.0),
        },
    }
}

/// otherName: `[0] EXPLICIT` value; the Microsoft UPN (a UTF8String) is common on client
/// certificates, so it gets its own label.
fn other_name(oid: &str, value: &[u8]) -> San {
    use x509_parser::asn1_rs::{Any, Tag};
    let text = Any::from_der(value)
        .ok()
        .and_then(|(_, explicit)| Any::from_der(explicit.data).ok())
        .and_then(|(_, inner)| match inner.tag() {
            Tag::Utf8String | Tag::Ia5String | Tag::PrintableString => {
                std::str::from_utf8(inner.data).ok().map(clean)
            }
            _ => None,
        });
    let kind = if oid == "1.3.6.1.4.1.311.20.2.3" {
        "UPN".to_string()
    } else {
        format!("othername {oid}")
    };
    San::Other {
        kind,
        value: text.unwrap_or_else(|| format!("#{}", hex::encode(value))),
    }
}

fn signature_name(alg: &AlgorithmIdentifier<'_>) -> String {
    let oid = alg.algorithm.to_id_string();
    if oid == oids::OID_RSASSA_PSS {
        if let Ok(SignatureAlgorithm::RSASSA_PSS(params)) = SignatureAlgorithm::try_from(alg) {
            let hash = params.hash_algorithm_oid().to_id_string();
            return match oids::hash_algorithm(&hash) {
                Some(name) => format!("{name}-RSAPSS"),
                None => format!("RSAPSS ({hash})"),
            };
        }
        return "RSAPSS".to_string();
    }
    oids::signature_algorithm(&oid).map_or(oid, str::to_string)
}

fn key_description(spki: &SubjectPublicKeyInfo<'_>) -> (String, Option<u32>) {
    let oid = spki.algorithm.algorithm.to_id_string();
    match oid.as_str() {
        oids::OID_RSA_ENCRYPTION => {
            let bits = match spki.parsed() {
                Ok(PublicKey::RSA(rsa)) => Some(bit_length(rsa.modulus)),
                _ => None,
            };
            ("RSA".to_string(), bits)
        }
        oids::OID_EC_PUBLIC_KEY => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|o| o.to_id_string());
            match curve.as_deref().and_then(oids::named_curve) {
                Some((name, bits)) => (format!("ECDSA {name}"), Some(bits)),
                None => {
                    let bits = match spki.parsed() {
                        Ok(key) if key.key_size() > 0 => u32::try_from(key.key_size()).ok(),
                        _ => None,
                    };
                    let name = match curve {
                        Some(c) => format!("ECDSA (curve {c})"),
                        None => "ECDSA".to_string(),
                    };
                    (name, bits)
                }
            }
        }
        other => match oids::other_key_algorithm(other) {
            Some(("RSA-PSS", _)) => {
                let bits = rsa_bits_from_bitstring(spki.subject_public_key.data.as_ref());
                ("RSA-PSS".to_string(), bits)
            }
            Some(("DSA", _)) => {
                let bits = match spki.parsed() {
                    Ok(key) if key.key_size() > 0 => u32::try_from(key.key_size()).ok(),
                    _ => None,
                };
                ("DSA".to_string(), bits)
            }
            Some((name, bits)) => (name.to_string(), bits),
            None => (format!("unknown ({other})"), None),
        },
    }
}

fn rsa_bits_from_bitstring(data: &[u8]) -> Option<u32> {
    use x509_parser::public_key::RSAPublicKey;
    RSAPublicKey::from_der(data)
        .ok()
        .map(|(_, key)| bit_length(key.modulus))
}

/// Number of significant bits of a big-endian unsigned integer.
fn bit_length(bytes: &[u8]) -> u32 {
    let bytes = strip_leading_zeros(bytes);
    match bytes.first() {
        None | Some(0) => 0,
        Some(&first) => {
            let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX / 8);
            (len - 1) * 8 + (8 - first.leading_zeros())
        }
    }
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(bytes.len().saturating_sub(1));
    &bytes[start..]
}

fn serial_decimal(bytes: &[u8]) -> Option<String> {
    if bytes.len() > 16 {
        return None;
    }
    let value = bytes
        .iter()
        .fold(0u128, |acc, &b| (acc << 8) | u128::from(b));
    Some(value.to_string())
}

/// `01:AB:FF`.
fn colon_hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}
