//! Readable names for the object identifiers a certificate viewer meets.
//!
//! The spellings follow what `step certificate inspect` (Go's crypto/x509 and zcrypto) prints,
//! so that people who know that tool recognise the output. Unknown identifiers are shown as
//! dotted OIDs by the callers.

/// Signature algorithm (the outer `signatureAlgorithm` of a certificate) by OID.
pub(super) fn signature_algorithm(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "1.2.840.113549.1.1.2" => "MD2-RSA",
        "1.2.840.113549.1.1.4" => "MD5-RSA",
        "1.2.840.113549.1.1.5" => "SHA1-RSA",
        "1.2.840.113549.1.1.14" => "SHA224-RSA",
        "1.2.840.113549.1.1.11" => "SHA256-RSA",
        "1.2.840.113549.1.1.12" => "SHA384-RSA",
        "1.2.840.113549.1.1.13" => "SHA512-RSA",
        "1.2.840.10045.4.1" => "ECDSA-SHA1",
        "1.2.840.10045.4.3.1" => "ECDSA-SHA224",
        "1.2.840.10045.4.3.2" => "ECDSA-SHA256",
        "1.2.840.10045.4.3.3" => "ECDSA-SHA384",
        "1.2.840.10045.4.3.4" => "ECDSA-SHA512",
        "1.3.101.112" => "Ed25519",
        "1.3.101.113" => "Ed448",
        "1.2.840.10040.4.3" => "DSA-SHA1",
        "2.16.840.1.101.3.4.3.2" => "DSA-SHA256",
        "2.16.840.1.101.3.4.3.17" => "ML-DSA-44",
        "2.16.840.1.101.3.4.3.18" => "ML-DSA-65",
        "2.16.840.1.101.3.4.3.19" => "ML-DSA-87",
        "1.2.643.2.2.3" => "GOST R 34.11-94 with GOST R 34.10-2001",
        _ => return None,
    })
}

/// Hash algorithm by OID (for RSASSA-PSS parameters).
pub(super) fn hash_algorithm(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "1.3.14.3.2.26" => "SHA1",
        "2.16.840.1.101.3.4.2.4" => "SHA224",
        "2.16.840.1.101.3.4.2.1" => "SHA256",
        "2.16.840.1.101.3.4.2.2" => "SHA384",
        "2.16.840.1.101.3.4.2.3" => "SHA512",
        _ => return None,
    })
}

pub(super) const OID_RSASSA_PSS: &str = "1.2.840.113549.1.1.10";
pub(super) const OID_RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
pub(super) const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";

/// Named elliptic curve by OID: (display name, field size in bits).
pub(super) fn named_curve(oid: &str) -> Option<(&'static str, u32)> {
    Some(match oid {
        "1.2.840.10045.3.1.1" => ("P-192", 192),
        "1.3.132.0.33" => ("P-224", 224),
        "1.2.840.10045.3.1.7" => ("P-256", 256),
        "1.3.132.0.34" => ("P-384", 384),
        "1.3.132.0.35" => ("P-521", 521),
        "1.3.132.0.10" => ("secp256k1", 256),
        "1.3.36.3.3.2.8.1.1.7" => ("brainpoolP256r1", 256),
        "1.3.36.3.3.2.8.1.1.11" => ("brainpoolP384r1", 384),
        "1.3.36.3.3.2.8.1.1.13" => ("brainpoolP512r1", 512),
        "1.2.156.10197.1.301" => ("SM2", 256),
        _ => return None,
    })
}

/// Public key algorithms other than RSA and EC, which carry their size in the OID:
/// (display name, key size in bits, if fixed).
pub(super) fn other_key_algorithm(oid: &str) -> Option<(&'static str, Option<u32>)> {
    Some(match oid {
        "1.3.101.112" => ("Ed25519", Some(256)),
        "1.3.101.113" => ("Ed448", Some(456)),
        "1.3.101.110" => ("X25519", Some(256)),
        "1.3.101.111" => ("X448", Some(448)),
        "1.2.840.10040.4.1" => ("DSA", None),
        "1.2.840.113549.1.1.10" => ("RSA-PSS", None),
        "2.16.840.1.101.3.4.3.17" => ("ML-DSA-44", None),
        "2.16.840.1.101.3.4.3.18" => ("ML-DSA-65", None),
        "2.16.840.1.101.3.4.3.19" => ("ML-DSA-87", None),
        _ => return None,
    })
}

/// Extended key usage purpose by OID.
pub(super) fn ext_key_usage(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.29.37.0" => "Any Extended Key Usage",
        "1.3.6.1.5.5.7.3.1" => "Server Authentication",
        "1.3.6.1.5.5.7.3.2" => "Client Authentication",
        "1.3.6.1.5.5.7.3.3" => "Code Signing",
        "1.3.6.1.5.5.7.3.4" => "E-mail Protection",
        "1.3.6.1.5.5.7.3.5" => "IPSec End System",
        "1.3.6.1.5.5.7.3.6" => "IPSec Tunnel",
        "1.3.6.1.5.5.7.3.7" => "IPSec User",
        "1.3.6.1.5.5.7.3.8" => "Time Stamping",
        "1.3.6.1.5.5.7.3.9" => "OCSP Signing",
        "1.3.6.1.5.5.7.3.17" => "IPSec IKE",
        "1.3.6.1.5.2.3.4" => "Kerberos Client Authentication",
        "1.3.6.1.5.2.3.5" => "Kerberos KDC",
        "1.3.6.1.4.1.311.10.3.3" => "Microsoft Server Gated Crypto",
        "1.3.6.1.4.1.311.10.3.4" => "Microsoft Encrypted File System",
        "1.3.6.1.4.1.311.10.3.12" => "Microsoft Document Signing",
        "1.3.6.1.4.1.311.20.2.2" => "Microsoft Smartcard Logon",
        "1.3.6.1.4.1.311.2.1.21" => "Microsoft Individual Code Signing",
        "1.3.6.1.4.1.311.2.1.22" => "Microsoft Commercial Code Signing",
        "1.3.6.1.4.1.311.61.1.1" => "Microsoft Kernel Code Signing",
        "2.16.840.1.113730.4.1" => "Netscape Server Gated Crypto",
        "1.2.840.113583.1.1.5" => "Adobe PDF Signing",
        _ => return None,
    })
}

/// Certificate extension by OID.
pub(super) fn extension(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.29.14" => "Subject Key Identifier",
        "2.5.29.15" => "Key Usage",
        "2.5.29.16" => "Private Key Usage Period",
        "2.5.29.17" => "Subject Alternative Name",
        "2.5.29.18" => "Issuer Alternative Name",
        "2.5.29.19" => "Basic Constraints",
        "2.5.29.30" => "Name Constraints",
        "2.5.29.31" => "CRL Distribution Points",
        "2.5.29.32" => "Certificate Policies",
        "2.5.29.33" => "Policy Mappings",
        "2.5.29.35" => "Authority Key Identifier",
        "2.5.29.36" => "Policy Constraints",
        "2.5.29.37" => "Extended Key Usage",
        "2.5.29.46" => "Freshest CRL",
        "2.5.29.54" => "Inhibit anyPolicy",
        "1.3.6.1.5.5.7.1.1" => "Authority Information Access",
        "1.3.6.1.5.5.7.1.11" => "Subject Information Access",
        "1.3.6.1.5.5.7.1.24" => "TLS Feature",
        "1.3.6.1.5.5.7.1.3" => "Qualified Certificate Statements",
        "1.3.6.1.4.1.11129.2.4.2" => "CT Precertificate SCTs",
        "1.3.6.1.4.1.11129.2.4.3" => "CT Precertificate Poison",
        "1.3.6.1.4.1.311.20.2" => "Microsoft Certificate Template Name",
        "1.3.6.1.4.1.311.21.7" => "Microsoft Certificate Template",
        "1.3.6.1.4.1.311.21.10" => "Microsoft Application Policies",
        "1.3.6.1.4.1.311.21.1" => "Microsoft CA Version",
        "2.16.840.1.113730.1.1" => "Netscape Cert Type",
        "2.16.840.1.113730.1.13" => "Netscape Comment",
        _ => return None,
    })
}

/// Certificate policy by OID (the CA/Browser Forum ones tell DV/OV/EV apart).
pub(super) fn policy(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.29.32.0" => "Any Policy",
        "2.23.140.1.1" => "Extended Validation",
        "2.23.140.1.2.1" => "Domain Validated",
        "2.23.140.1.2.2" => "Organization Validated",
        "2.23.140.1.2.3" => "Individual Validated",
        "2.23.140.1.3" => "EV Code Signing",
        "2.23.140.1.4.1" => "Code Signing",
        "2.23.140.1.5.1.1" => "S/MIME Mailbox Validated (legacy)",
        "2.23.140.1.5.1.2" => "S/MIME Mailbox Validated (multipurpose)",
        "2.23.140.1.5.1.3" => "S/MIME Mailbox Validated (strict)",
        "2.23.140.1.5.2.1" => "S/MIME Organization Validated (legacy)",
        "2.23.140.1.5.2.2" => "S/MIME Organization Validated (multipurpose)",
        "2.23.140.1.5.2.3" => "S/MIME Organization Validated (strict)",
        "2.23.140.1.5.3.1" => "S/MIME Sponsor Validated (legacy)",
        "2.23.140.1.5.3.2" => "S/MIME Sponsor Validated (multipurpose)",
        "2.23.140.1.5.3.3" => "S/MIME Sponsor Validated (strict)",
        "2.23.140.1.5.4.1" => "S/MIME Individual Validated (legacy)",
        "2.23.140.1.5.4.2" => "S/MIME Individual Validated (multipurpose)",
        "2.23.140.1.5.4.3" => "S/MIME Individual Validated (strict)",
        "1.3.6.1.4.1.6449.1.2.1.5.1" => "Sectigo EV",
        "1.3.6.1.4.1.6449.1.2.2.7" => "Sectigo CPS",
        _ => return None,
    })
}

/// Distinguished-name attribute short name by OID (RFC 4514 names plus the usual extras).
pub(super) fn dn_attribute(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "CN",
        "2.5.4.4" => "SN",
        "2.5.4.5" => "SERIALNUMBER",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.9" => "STREET",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.12" => "T",
        "2.5.4.15" => "businessCategory",
        "2.5.4.17" => "postalCode",
        "2.5.4.42" => "GN",
        "2.5.4.43" => "initials",
        "2.5.4.46" => "dnQualifier",
        "2.5.4.65" => "pseudonym",
        "2.5.4.97" => "organizationIdentifier",
        "0.9.2342.19200300.100.1.1" => "UID",
        "0.9.2342.19200300.100.1.25" => "DC",
        "1.2.840.113549.1.9.1" => "emailAddress",
        "1.3.6.1.4.1.311.60.2.1.1" => "jurisdictionL",
        "1.3.6.1.4.1.311.60.2.1.2" => "jurisdictionST",
        "1.3.6.1.4.1.311.60.2.1.3" => "jurisdictionC",
        _ => return None,
    })
}
