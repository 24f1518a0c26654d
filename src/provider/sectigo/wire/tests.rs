use super::*;

fn ymd_hms(s: &str) -> (String, Option<(i8, i8, i8)>) {
    let d = parse_date(s).unwrap_or_else(|| panic!("{s} should parse"));
    (d.ymd(), d.time.map(|t| (t.hour(), t.minute(), t.second())))
}

#[test]
fn every_date_format_variant_parses() {
    let want = ("2024-07-10".to_string(), None);
    let with_time = ("2024-07-10".to_string(), Some((14, 30, 5)));
    assert_eq!(ymd_hms("2024-07-10"), want); // ISO
    assert_eq!(ymd_hms("10.07.2024"), want); // EU
    assert_eq!(ymd_hms("07/10/2024"), want); // US (default of the details)
    assert_eq!(ymd_hms("2024/07/10"), want); // JP
    assert_eq!(ymd_hms("10.07.2024 14:30:05"), with_time);
    assert_eq!(ymd_hms("07/10/2024 14:30:05"), with_time);
    assert_eq!(ymd_hms("2024/07/10 14:30:05"), with_time);
    assert_eq!(ymd_hms("2024-07-10 14:30:05"), with_time); // DCV log
    assert_eq!(ymd_hms("2024-07-10T14:30:05.000Z"), with_time); // ISO_HMS
    assert_eq!(ymd_hms("2024-07-10T14:30:05Z"), with_time);
    assert_eq!(ymd_hms("07/10/2024 14:30:05 GMT"), with_time); // CSoD
    // UK dd/MM/yyyy is recognised when the day cannot be a month.
    assert_eq!(ymd_hms("25/07/2024").0, "2024-07-25");
    assert_eq!(
        ymd_hms("25/07/2024 14:30:05"),
        ("2024-07-25".into(), Some((14, 30, 5)))
    );
}

#[test]
fn unix_seconds_honour_the_offset() {
    assert_eq!(parse_unix("1970-01-02"), Some(86_400));
    assert_eq!(parse_unix("01/02/1970"), Some(86_400));
    assert_eq!(parse_unix("2024-07-10T14:30:00.000Z"), Some(1_720_621_800));
    assert_eq!(parse_unix("2024-07-10T16:30:00+02:00"), Some(1_720_621_800));
    assert_eq!(
        parse_unix("2024-07-10T16:30:00.5+0200"),
        Some(1_720_621_800)
    );
    assert_eq!(parse_unix("1720621800000"), Some(1_720_621_800));
    assert_eq!(parse_unix("1720621800"), Some(1_720_621_800));
}

#[test]
fn garbage_dates_are_none() {
    for s in [
        "",
        "  ",
        "soon",
        "13/13/2024",
        "2024-02-30",
        "2024-07",
        "10.07.24",
        "2024-07-10T25:00:00Z",
        "2024-07-10 14",
        "2024-07-10Tab:cd",
        "2024-07-10 14:30:05 +2",
        "1/2/3/4",
    ] {
        assert!(parse_date(s).is_none(), "{s:?} should not parse");
    }
}

#[test]
fn details_tolerate_odd_types_and_unknown_fields() {
    let json = r#"{"commonName":"a.example","id":"811","status":"Issued","orderNumber":7344326,
        "certType":null,"term":"365","renewed":"false","keyUsages":"Digital Signature, Key Encipherment",
        "subjectAlternativeNames":["a.example",5],"customFields":[{"name":"n","value":1},"junk"],
        "certificateDetails":"not an object","brandNewField":{"x":1}}"#;
    let d: SslDetails = serde_json::from_str(json).unwrap();
    assert_eq!(d.any_id(), Some(811));
    assert_eq!(d.order_number.as_deref(), Some("7344326"));
    assert!(d.cert_type.is_none());
    assert_eq!(d.term, Some(365));
    assert_eq!(d.renewed, Some(false));
    assert_eq!(d.key_usages, vec!["Digital Signature", "Key Encipherment"]);
    assert_eq!(d.subject_alternative_names, vec!["a.example", "5"]);
    assert_eq!(d.custom_fields.len(), 1);
    assert_eq!(d.custom_fields[0].value.as_deref(), Some("1"));
    assert!(d.certificate_details.is_none());
}

#[test]
fn the_documented_examples_parse() {
    let list: Vec<SslListItem> =
        serde_json::from_str(r#"[{"sslId":905,"commonName":"ccmqa.com"}]"#).unwrap();
    assert_eq!(list[0].any_id(), Some(905));
    let e: ScmError = serde_json::from_str(r#"{"code":-16,"description":"Unknown user"}"#).unwrap();
    assert_eq!(e.code, Some(-16));
    let r: SslIdResponse =
        serde_json::from_str(r#"{"sslId":812,"renewId":"kmITfPf3Gx8mqmK5D66L"}"#).unwrap();
    assert_eq!(r.ssl_id, Some(812));
    let body = SslEnrollRequest {
        org_id: 1,
        csr: "CSR".into(),
        subj_alt_names: Some("a.com,b.com".into()),
        cert_type: 5,
        term: 365,
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_string(&body).unwrap(),
        r#"{"orgId":1,"csr":"CSR","subjAltNames":"a.com,b.com","certType":5,"term":365}"#
    );
}
