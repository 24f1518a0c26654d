//! SCM wire → the provider-neutral model (`model::{Cert, CertDetail}`).
//! Nothing outside `provider::sectigo` sees the wire types; this is where they end.

use crate::model::{AccountIdx, Cert, CertDetail, CertStatus, Origin, SharedText, shared};
use crate::provider::sectigo::Family;

use super::wire::{
    self, CertType, CertificateDetails, CsrDetails, DeviceDetails, DeviceListItem, NameValue,
    SmimeDetails, SmimeListItem, SslDetails, SslListItem,
};

/// A date for display: `YYYY-MM-DD` (plus ` HH:MM:SS` when the server sent a time other than
/// midnight); text we cannot parse is shown as sent.
pub fn display_date(text: &str) -> String {
    match wire::parse_date(text) {
        Some(d) => match d.time {
            Some(t) if (t.hour(), t.minute(), t.second()) != (0, 0, 0) => format!(
                "{} {:02}:{:02}:{:02}{}",
                d.ymd(),
                t.hour(),
                t.minute(),
                t.second(),
                if d.offset.is_some() { " UTC" } else { "" }
            ),
            _ => d.ymd(),
        },
        None => text.trim().to_string(),
    }
}

/// A date for the detail fields: `YYYY-MM-DD` only; unparseable text is shown as sent.
pub fn display_day(text: &str) -> String {
    match wire::parse_date(text) {
        Some(d) => d.ymd(),
        None => text.trim().to_string(),
    }
}

/// The `CN=` value of an X.500 subject string (`C=UA,...,CN=Test,E=...`), if any.
pub fn cn_from_subject(subject: &str) -> Option<String> {
    subject
        .split([',', '/'])
        .map(str::trim)
        .find_map(|part| {
            let (k, v) = part.split_once('=')?;
            k.trim()
                .eq_ignore_ascii_case("CN")
                .then(|| v.trim().to_string())
        })
        .filter(|v| !v.is_empty())
}

/// Readable name of a revocation reason code.
pub fn reason_label(code: i64) -> String {
    let name = match code {
        0 => "unspecified",
        1 => "key compromise",
        2 => "CA compromise",
        3 => "affiliation changed",
        4 => "superseded",
        5 => "cessation of operation",
        6 => "certificate hold",
        8 => "remove from CRL",
        9 => "privilege withdrawn",
        10 => "AA compromise",
        _ => return code.to_string(),
    };
    format!("{name} ({code})")
}

/// Readable extended-key-usage names (SCM lists OIDs for S/MIME and device profiles).
pub fn eku_label(eku: &str) -> String {
    let name = match eku.trim() {
        "1.3.6.1.5.5.7.3.1" => "TLS server authentication",
        "1.3.6.1.5.5.7.3.2" => "TLS client authentication",
        "1.3.6.1.5.5.7.3.3" => "Code signing",
        "1.3.6.1.5.5.7.3.4" => "E-mail protection",
        "1.3.6.1.5.5.7.3.8" => "Time stamping",
        "1.3.6.1.5.5.7.3.9" => "OCSP signing",
        "1.3.6.1.4.1.311.20.2.2" => "Smart card logon",
        _ => return eku.trim().to_string(),
    };
    format!("{name} ({})", eku.trim())
}

fn yes_no(b: bool) -> String {
    if b { "yes".into() } else { "no".into() }
}

/// Builds the ordered (label, value) list, skipping absent and empty values.
#[derive(Default)]
struct Fields(Vec<(String, String)>);

impl Fields {
    fn text(&mut self, label: &str, value: Option<&str>) {
        if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) {
            self.0.push((label.to_string(), v.to_string()));
        }
    }
    fn num(&mut self, label: &str, value: Option<i64>) {
        if let Some(v) = value {
            self.0.push((label.to_string(), v.to_string()));
        }
    }
    fn date(&mut self, label: &str, value: Option<&str>) {
        if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) {
            self.0.push((label.to_string(), display_day(v)));
        }
    }
    fn flag(&mut self, label: &str, value: Option<bool>) {
        if let Some(v) = value {
            self.0.push((label.to_string(), yes_no(v)));
        }
    }
    fn list(&mut self, label: &str, values: &[String]) {
        if !values.is_empty() {
            self.0.push((label.to_string(), values.join(", ")));
        }
    }
    fn profile(&mut self, ct: Option<&CertType>) {
        if let Some(ct) = ct {
            match (ct.name.as_deref(), ct.id) {
                (Some(n), Some(id)) => self.text("Profile", Some(&format!("{n} (id {id})"))),
                (Some(n), None) => self.text("Profile", Some(n)),
                (None, Some(id)) => self.num("Profile id", Some(id)),
                (None, None) => {}
            }
        }
    }
    fn term(&mut self, term: Option<i64>) {
        if let Some(t) = term {
            self.0.push(("Term".into(), format!("{t} days")));
        }
    }
    fn key(&mut self, key_type: Option<&str>, alg: Option<&str>, size: Option<i64>) {
        match key_type.map(str::trim).filter(|k| !k.is_empty()) {
            Some(k) => self.text("Key type", Some(k)),
            None => {
                let text = match (alg, size.filter(|s| *s > 0)) {
                    (Some(a), Some(s)) => Some(format!("{a} - {s}")),
                    (Some(a), None) => Some(a.to_string()),
                    (None, Some(s)) => Some(format!("{s} bits")),
                    (None, None) => None,
                };
                self.text("Key type", text.as_deref());
            }
        }
    }
    fn cert_details(&mut self, cd: Option<&CertificateDetails>) {
        if let Some(cd) = cd {
            self.text("Subject", cd.subject.as_deref());
            self.text("Issuer", cd.issuer.as_deref());
            self.text("Subject alt names (cert)", cd.subject_alt_names.as_deref());
            self.text("Certificate SHA-256", cd.sha256_hash.as_deref());
            self.text("Certificate SHA-1", cd.sha1_hash.as_deref());
            self.text("Certificate MD5", cd.md5_hash.as_deref());
        }
    }
    fn csr_details(&mut self, csr: Option<&CsrDetails>) {
        if let Some(c) = csr {
            self.text("CSR SHA-256", c.sha256_hash.as_deref());
            self.text("CSR SHA-1", c.sha1_hash.as_deref());
            self.text("CSR MD5", c.md5_hash.as_deref());
        }
    }
}

fn custom_fields(cf: &[NameValue]) -> Vec<(String, String)> {
    cf.iter()
        .filter_map(|f| {
            let name = f.name.as_deref()?.trim();
            (!name.is_empty()).then(|| {
                (
                    name.to_string(),
                    f.value.as_deref().unwrap_or("").trim().to_string(),
                )
            })
        })
        .collect()
}

fn nonempty(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// SCM's "requested via" ("Imported", "Discovery", "Enrollment Form" …; the report's
/// filter spells them IMPORTED, DISCOVERY …) as the row's origin.
pub fn origin_of(via: Option<&str>) -> Origin {
    match via.map(str::trim) {
        None | Some("") => Origin::Unknown,
        Some(v) if v.eq_ignore_ascii_case("imported") => Origin::Imported,
        Some(v) if v.to_ascii_lowercase().starts_with("discover") => Origin::Discovered,
        Some(_) => Origin::Requested,
    }
}

fn status_of(text: Option<&str>) -> (CertStatus, SharedText) {
    match nonempty(text) {
        Some(t) => (CertStatus::parse(&t), shared(&t)),
        None => (CertStatus::Unknown, shared("")),
    }
}

// ---------------------------------------------------------------------------------------------
// SSL

/// A bare list row (id, CN, SANs, serial); `None` when the item has no id.
pub fn ssl_row(account: AccountIdx, item: &SslListItem) -> Option<Cert> {
    let id = item.any_id()?;
    Some(Cert {
        account,
        family: Family::Ssl,
        id: id.to_string(),
        common_name: nonempty(item.common_name.as_deref()).unwrap_or_default(),
        sans: item.subject_alternative_names.clone(),
        serial: nonempty(item.serial_number.as_deref()),
        status: CertStatus::Unknown,
        status_text: shared(""),
        profile: None,
        expires: None,
        complete: false,
        sha256: None,
        origin: crate::model::Origin::Unknown,
    })
}

/// The completed list row from the details. `id` is used when the details carry none.
pub fn ssl_cert(account: AccountIdx, d: &SslDetails, id: &str) -> Cert {
    let (status, status_text) = status_of(d.status.as_deref());
    let mut sans = d.subject_alternative_names.clone();
    if sans.is_empty()
        && let Some(s) = d
            .certificate_details
            .as_ref()
            .and_then(|c| c.subject_alt_names.as_deref())
    {
        sans = split_san_text(s);
    }
    Cert {
        account,
        family: Family::Ssl,
        id: d
            .any_id()
            .map(|i| i.to_string())
            .unwrap_or_else(|| id.to_string()),
        common_name: nonempty(d.common_name.as_deref()).unwrap_or_default(),
        sans,
        serial: nonempty(d.serial_number.as_deref()),
        status,
        status_text,
        profile: d
            .cert_type
            .as_ref()
            .and_then(|c| nonempty(c.name.as_deref()))
            .map(|p| shared(&p)),
        expires: d.expires.as_deref().and_then(wire::parse_unix),
        complete: true,
        sha256: None,
        origin: origin_of(d.requested_via.as_deref()),
    }
}

/// `dNSName=a.com, DNS:b.com` / `a.com,b.com` → `[a.com, b.com]`.
fn split_san_text(s: &str) -> Vec<String> {
    s.split(',')
        .map(|p| {
            let p = p.trim();
            match p.split_once(['=', ':']) {
                Some((_, v)) => v.trim().to_string(),
                None => p.to_string(),
            }
        })
        .filter(|p| !p.is_empty())
        .collect()
}

/// Every SCM field present in SSL details, in display order.
pub fn ssl_detail(d: &SslDetails) -> CertDetail {
    let mut f = Fields::default();
    f.num("Id", d.any_id());
    f.text("Status", d.status.as_deref());
    f.text("Common name", d.common_name.as_deref());
    f.profile(d.cert_type.as_ref());
    f.text("Validation type", d.validation_type.as_deref());
    f.text("Sub-type", d.sub_type.as_deref());
    f.term(d.term);
    f.num("Organization id", d.org_id);
    f.date("Requested", d.requested.as_deref());
    f.date("Approved", d.approved.as_deref());
    f.date("Declined", d.declined.as_deref());
    f.date("Issued", d.issued.as_deref());
    f.date("Expires", d.expires.as_deref());
    f.date("Replaced", d.replaced.as_deref());
    f.date("Revoked", d.revoked.as_deref());
    if let Some(rc) = d.reason_code {
        f.text("Revocation reason", Some(&reason_label(rc)));
    }
    f.flag("Renewed", d.renewed);
    f.date("Renewed on", d.renewed_date.as_deref());
    f.text("Requester", d.requester.as_deref());
    f.text("External requester", d.external_requester.as_deref());
    f.text("Requested via", d.requested_via.as_deref());
    f.text("Approver", d.owner.as_deref());
    f.text("Order number", d.order_number.as_deref());
    f.text("Backend cert id", d.backend_cert_id.as_deref());
    f.text("Vendor", d.vendor.as_deref());
    f.text("Serial", d.serial_number.as_deref());
    f.key(
        d.key_type.as_deref(),
        d.key_algorithm.as_deref(),
        d.key_size,
    );
    f.text("Signature algorithm", d.signature_alg.as_deref());
    f.list("Key usages", &d.key_usages);
    let ekus: Vec<String> = d.extended_key_usages.iter().map(|e| eku_label(e)).collect();
    f.list("Extended key usages", &ekus);
    f.list("SANs", &d.subject_alternative_names);
    f.text("DCV method", d.dcv_method.as_deref());
    f.text("Comments", d.comments.as_deref());
    if let Some(ar) = &d.auto_renew_details {
        let text = match (ar.state.as_deref(), ar.days_before_expiration) {
            (Some(s), Some(days)) => Some(format!("{s} ({days} days before expiry)")),
            (Some(s), None) => Some(s.to_string()),
            (None, Some(days)) => Some(format!("{days} days before expiry")),
            (None, None) => None,
        };
        f.text("Auto-renew", text.as_deref());
    }
    if let Some(ai) = &d.auto_install_details {
        f.text("Auto-install", ai.state.as_deref());
        let nodes: Vec<String> = ai
            .nodes
            .iter()
            .filter_map(|n| {
                let name = n.name.as_deref()?;
                let mut s = match n.port {
                    Some(p) => format!("{name}:{p}"),
                    None => name.to_string(),
                };
                if let Some(st) = n.status.as_deref() {
                    s.push_str(&format!(" ({st})"));
                }
                Some(s)
            })
            .collect();
        f.list("Auto-install nodes", &nodes);
    }
    f.flag("Notifications suspended", d.suspend_notifications);
    f.cert_details(d.certificate_details.as_ref());
    f.csr_details(d.csr_details.as_ref());
    CertDetail {
        fields: f.0,
        custom_fields: custom_fields(&d.custom_fields),
        body_pem: None,
        body_note: None,
    }
}

// ---------------------------------------------------------------------------------------------
// S/MIME (client)

/// A client-certificate list row. The list already carries state and expiry, so it is
/// complete except for the profile.
pub fn smime_row(account: AccountIdx, item: &SmimeListItem) -> Option<Cert> {
    let id = item.id?;
    let (status, status_text) = status_of(item.state.as_deref().or(item.status.as_deref()));
    let subject = item
        .certificate_details
        .as_ref()
        .and_then(|c| c.subject.as_deref());
    let common_name = nonempty(item.common_name.as_deref())
        .or_else(|| subject.and_then(cn_from_subject))
        .or_else(|| nonempty(item.email.as_deref()))
        .or_else(|| nonempty(subject))
        .unwrap_or_default();
    let sans = item
        .certificate_details
        .as_ref()
        .and_then(|c| c.subject_alt_names.as_deref())
        .map(split_san_text)
        .unwrap_or_default();
    Some(Cert {
        account,
        family: Family::Client,
        id: id.to_string(),
        common_name,
        sans,
        serial: nonempty(item.serial_number.as_deref()),
        status,
        status_text,
        profile: None,
        expires: item.expires.as_deref().and_then(wire::parse_unix),
        complete: status != CertStatus::Unknown,
        sha256: None,
        origin: crate::model::Origin::Unknown,
    })
}

pub fn smime_cert(account: AccountIdx, d: &SmimeDetails, id: &str) -> Cert {
    let (status, status_text) = status_of(d.status.as_deref().or(d.state.as_deref()));
    let common_name = nonempty(d.common_name.as_deref())
        .or_else(|| {
            d.certificate_details
                .as_ref()
                .and_then(|c| c.subject.as_deref())
                .and_then(cn_from_subject)
        })
        .or_else(|| nonempty(d.email.as_deref()))
        .unwrap_or_default();
    Cert {
        account,
        family: Family::Client,
        id: d
            .id
            .map(|i| i.to_string())
            .unwrap_or_else(|| id.to_string()),
        common_name,
        sans: d.subject_alternative_names.clone(),
        serial: nonempty(d.serial_number.as_deref()),
        status,
        status_text,
        profile: d
            .cert_type
            .as_ref()
            .and_then(|c| nonempty(c.name.as_deref()))
            .map(|p| shared(&p)),
        expires: d.expires.as_deref().and_then(wire::parse_unix),
        complete: true,
        sha256: None,
        origin: origin_of(d.requested_via.as_deref()),
    }
}

pub fn smime_detail(d: &SmimeDetails) -> CertDetail {
    let mut f = Fields::default();
    f.num("Id", d.id);
    f.text("Status", d.status.as_deref().or(d.state.as_deref()));
    f.text("Common name", d.common_name.as_deref());
    f.text("E-mail", d.email.as_deref());
    f.profile(d.cert_type.as_ref());
    f.text("Sub-type", d.sub_type.as_deref());
    f.term(d.term);
    f.num("Organization id", d.org_id);
    f.date("Requested", d.requested.as_deref());
    f.date("Issued", d.issued.as_deref());
    f.date("Expires", d.expires.as_deref());
    f.date("Revoked", d.revoked.as_deref());
    if let Some(rc) = d.reason_code {
        f.text("Revocation reason", Some(&reason_label(rc)));
    }
    f.text("Requested via", d.requested_via.as_deref());
    f.text("Order number", d.order_number.as_deref());
    f.text("Backend cert id", d.backend_cert_id.as_deref());
    f.text("Serial", d.serial_number.as_deref());
    f.key(
        d.key_type.as_deref(),
        d.key_algorithm.as_deref(),
        d.key_size,
    );
    f.text("Signature algorithm", d.signature_alg.as_deref());
    f.list("Key usages", &d.key_usages);
    let ekus: Vec<String> = d.extended_key_usages.iter().map(|e| eku_label(e)).collect();
    f.list("Extended key usages", &ekus);
    f.list("SANs", &d.subject_alternative_names);
    f.text("Comments", d.comments.as_deref());
    f.flag("Notifications suspended", d.suspend_notifications);
    f.cert_details(d.certificate_details.as_ref());
    f.csr_details(d.csr_details.as_ref());
    CertDetail {
        fields: f.0,
        custom_fields: custom_fields(&d.custom_fields),
        body_pem: None,
        body_note: None,
    }
}

// ---------------------------------------------------------------------------------------------
// Device

/// A device list row: id, status (UPPER case in the list) and the CN from the subject.
pub fn device_row(account: AccountIdx, item: &DeviceListItem) -> Option<Cert> {
    let id = item.id.or(item.device_cert_id)?;
    let (status, status_text) = status_of(item.status.as_deref());
    let subject = item
        .certificate_details
        .as_ref()
        .and_then(|c| c.subject.as_deref());
    Some(Cert {
        account,
        family: Family::Device,
        id: id.to_string(),
        common_name: nonempty(item.common_name.as_deref())
            .or_else(|| subject.and_then(cn_from_subject))
            .or_else(|| nonempty(subject))
            .unwrap_or_default(),
        sans: item
            .certificate_details
            .as_ref()
            .and_then(|c| c.subject_alt_names.as_deref())
            .map(split_san_text)
            .unwrap_or_default(),
        serial: nonempty(item.serial_number.as_deref()),
        status,
        status_text,
        profile: None,
        expires: item.expires.as_deref().and_then(wire::parse_unix),
        // The list has no expiry or profile; details complete it.
        complete: false,
        sha256: None,
        origin: crate::model::Origin::Unknown,
    })
}

pub fn device_cert(account: AccountIdx, d: &DeviceDetails, id: &str) -> Cert {
    let (status, status_text) = status_of(d.status.as_deref());
    Cert {
        account,
        family: Family::Device,
        id: d
            .id
            .or(d.device_cert_id)
            .map(|i| i.to_string())
            .unwrap_or_else(|| id.to_string()),
        common_name: nonempty(d.common_name.as_deref())
            .or_else(|| {
                d.certificate_details
                    .as_ref()
                    .and_then(|c| c.subject.as_deref())
                    .and_then(cn_from_subject)
            })
            .unwrap_or_default(),
        sans: d.subject_alternative_names.clone(),
        serial: nonempty(d.serial_number.as_deref()),
        status,
        status_text,
        profile: d
            .cert_type
            .as_ref()
            .and_then(|c| nonempty(c.name.as_deref()))
            .map(|p| shared(&p)),
        expires: d.expires.as_deref().and_then(wire::parse_unix),
        complete: true,
        sha256: None,
        origin: origin_of(d.requested_via.as_deref()),
    }
}

pub fn device_detail(d: &DeviceDetails) -> CertDetail {
    let mut f = Fields::default();
    f.num("Id", d.id.or(d.device_cert_id));
    f.text("Status", d.status.as_deref());
    f.text("Common name", d.common_name.as_deref());
    f.profile(d.cert_type.as_ref());
    f.term(d.term);
    f.num("Organization id", d.org_id);
    f.date("Requested", d.requested.as_deref());
    f.date("Approved", d.approved.as_deref());
    f.date("Issued", d.issued.as_deref());
    f.date("Expires", d.expires.as_deref());
    f.date("Revoked", d.revoked.as_deref());
    f.text("Requester", d.requester.as_deref());
    f.text("Approver", d.owner.as_deref());
    f.text("Order number", d.order_number.as_deref());
    f.text("Backend cert id", d.backend_cert_id.as_deref());
    f.text("Serial", d.serial_number.as_deref());
    f.key(
        d.key_type.as_deref(),
        d.key_algorithm.as_deref(),
        d.key_size,
    );
    f.text("Signature algorithm", d.signature_alg.as_deref());
    f.list("SANs", &d.subject_alternative_names);
    f.text("Comments", d.comments.as_deref());
    f.cert_details(d.certificate_details.as_ref());
    f.csr_details(d.csr_details.as_ref());
    CertDetail {
        fields: f.0,
        custom_fields: custom_fields(&d.custom_fields),
        body_pem: None,
        body_note: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requested_via_gives_the_origin() {
        for (via, origin) in [
            (Some("Imported"), Origin::Imported),
            (Some("IMPORTED"), Origin::Imported),
            (Some("Discovery"), Origin::Discovered),
            (Some("DISCOVERY"), Origin::Discovered),
            (Some("Enrollment Form"), Origin::Requested),
            (Some("REST API"), Origin::Requested),
            (Some("  "), Origin::Unknown),
            (None, Origin::Unknown),
        ] {
            assert_eq!(origin_of(via), origin, "{via:?}");
        }
    }

    const DOC_EXAMPLE: &str = r#"{"commonName":"ccmqa.com","sslId":811,"id":811,"orgId":8928,"status":"Issued","orderNumber":7344326,"backendCertId":"7344326","vendor":"Vendor",
 "certType":{"id":5149,"name":"SSL SASP -1896578395","description":"Description","terms":[365],"keyTypes":{"RSA":["1024","2048","4096"]},"useSecondaryOrgName":false},
 "validationType":"Organization Validation (OV)","term":365,"owner":"client-admin-244 client-admin-244","ownerId":10024,
 "requester":"242_nobody@nobody.sectigo.com","requestedVia":"Enrollment Form","comments":"some comments",
 "requested":"12/04/2025","expires":"12/04/2026","renewed":false,"serialNumber":"00:0::11::2:2::33",
 "keyAlgorithm":"RSA","keySize":2048,"keyType":"RSA - 2048","subjectAlternativeNames":["ccmqa.com"],
 "extendedKeyUsages":["1.3.6.1.5.5.7.3.1"],
 "customFields":[{"name":"name1","value":"value1"}],
 "certificateDetails":{"issuer":"issuer","sha1Hash":"AAABBBCCC","sha256Hash":"7fbd"},
 "autoInstallDetails":{"state":"Not configured"},"autoRenewDetails":{"state":"Not scheduled"},"suspendNotifications":false,
 "csrDetails":{"sha1Hash":"6AC5","md5Hash":"4E38","sha256Hash":"7A16","csr":"-----BEGIN CERTIFICATE REQUEST-----\nMIIC\n-----END CERTIFICATE REQUEST-----"}}"#;

    fn field<'a>(d: &'a CertDetail, label: &str) -> Option<&'a str> {
        d.fields
            .iter()
            .find(|(l, _)| l == label)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn ssl_details_map_to_row_and_fields() {
        let d: SslDetails = serde_json::from_str(DOC_EXAMPLE).unwrap();
        let c = ssl_cert(3, &d, "x");
        assert_eq!(c.id, "811");
        assert_eq!(c.account, 3);
        assert_eq!(c.status, CertStatus::Issued);
        assert_eq!(&*c.status_text, "Issued");
        assert_eq!(c.profile.as_deref(), Some("SSL SASP -1896578395"));
        assert_eq!(c.expires, wire::parse_unix("2026-12-04"));
        assert!(c.complete);
        let det = ssl_detail(&d);
        let labels: Vec<&str> = det.fields.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(&labels[..4], &["Id", "Status", "Common name", "Profile"]);
        assert_eq!(field(&det, "Requested"), Some("2025-12-04"));
        assert_eq!(field(&det, "Expires"), Some("2026-12-04"));
        assert_eq!(field(&det, "Term"), Some("365 days"));
        assert_eq!(
            field(&det, "Approver"),
            Some("client-admin-244 client-admin-244")
        );
        assert_eq!(field(&det, "Order number"), Some("7344326"));
        assert_eq!(field(&det, "Key type"), Some("RSA - 2048"));
        assert_eq!(field(&det, "Renewed"), Some("no"));
        assert_eq!(field(&det, "Auto-install"), Some("Not configured"));
        assert_eq!(field(&det, "Auto-renew"), Some("Not scheduled"));
        assert_eq!(
            field(&det, "Extended key usages"),
            Some("TLS server authentication (1.3.6.1.5.5.7.3.1)")
        );
        assert_eq!(field(&det, "Certificate SHA-256"), Some("7fbd"));
        assert_eq!(field(&det, "CSR MD5"), Some("4E38"));
        assert_eq!(det.custom_fields, vec![("name1".into(), "value1".into())]);
        // Requested comes before Expires, Requester before Order number.
        let pos = |l: &str| labels.iter().position(|x| *x == l).unwrap();
        assert!(pos("Requested") < pos("Expires"));
        assert!(pos("Requester") < pos("Order number"));
    }

    #[test]
    fn bare_rows_and_missing_fields() {
        let item: SslListItem =
            serde_json::from_str(r#"{"sslId":905,"commonName":"ccmqa.com"}"#).unwrap();
        let c = ssl_row(0, &item).unwrap();
        assert_eq!(
            (c.id.as_str(), c.common_name.as_str()),
            ("905", "ccmqa.com")
        );
        assert!(!c.complete);
        assert_eq!(c.status, CertStatus::Unknown);
        let none: SslListItem = serde_json::from_str(r#"{"commonName":"x"}"#).unwrap();
        assert!(ssl_row(0, &none).is_none());
        let empty: SslDetails = serde_json::from_str("{}").unwrap();
        let c = ssl_cert(0, &empty, "42");
        assert_eq!(c.id, "42");
        assert_eq!(c.status, CertStatus::Unknown);
        assert!(ssl_detail(&empty).fields.is_empty());
    }

    #[test]
    fn smime_and_device_rows() {
        let s: SmimeListItem = serde_json::from_str(r#"{"id":1,"state":"issued","certificateDetails":{"subject":"CN=Tester,E=t@example.com"},"serialNumber":"C3:DB","orderNumber":12345,"backendCertId":"12345","expires":"2345-06-07"}"#).unwrap();
        let c = smime_row(0, &s).unwrap();
        assert_eq!(c.family, Family::Client);
        assert_eq!(c.common_name, "Tester");
        assert_eq!(c.status, CertStatus::Issued);
        assert_eq!(c.expires, wire::parse_unix("2345-06-07"));
        let dv: DeviceListItem = serde_json::from_str(r#"{"id":356,"status":"APPROVED","backendCertId":"5719","certificateDetails":{"subject":"C=UA,ST=Odessa,O=Test,CN=Test,E=test@test.test"}}"#).unwrap();
        let c = device_row(0, &dv).unwrap();
        assert_eq!((c.id.as_str(), c.common_name.as_str()), ("356", "Test"));
        assert_eq!(c.status, CertStatus::Approved);
        assert_eq!(&*c.status_text, "APPROVED");
    }

    #[test]
    fn dates_display_as_ymd() {
        assert_eq!(display_date("12/04/2025"), "2025-12-04");
        assert_eq!(display_date("2025-12-04T00:00:00.000Z"), "2025-12-04");
        assert_eq!(display_date("2025-12-04 07:48:44"), "2025-12-04 07:48:44");
        assert_eq!(display_date("whenever"), "whenever");
        assert_eq!(reason_label(4), "superseded (4)");
        assert_eq!(
            cn_from_subject("CN = a.example, O=x"),
            Some("a.example".into())
        );
    }
}
