//! Small helpers for the SCM emulator: query parsing, date formats, responses.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::Value;

/// `application/json;charset=UTF-8` (SSL, reports, profiles).
pub(crate) const CT_JSON_UTF8: &str = "application/json;charset=UTF-8";
/// Plain `application/json` (S/MIME, device, DCV, domains, organizations).
pub(crate) const CT_JSON: &str = "application/json";
/// Downloads.
pub(crate) const CT_OCTET: &str = "application/octet-stream;charset=UTF-8";

/// Decoded query parameters, in order.
#[derive(Debug, Default, Clone)]
pub(crate) struct Query(pub Vec<(String, String)>);

impl Query {
    pub(crate) fn parse(raw: Option<&str>) -> Query {
        let mut out = Vec::new();
        if let Some(q) = raw {
            for part in q.split('&') {
                if part.is_empty() {
                    continue;
                }
                let (k, v) = part.split_once('=').unwrap_or((part, ""));
                out.push((decode_form(k), decode_form(v)));
            }
        }
        Query(out)
    }

    /// First non-empty value of `name` (empty values mean "no filter").
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// Like `get`, but the parameter name is matched case-insensitively.
    pub(crate) fn get_ci(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k.eq_ignore_ascii_case(name) && !v.trim().is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// An integer parameter; `Err(name)` when present but not a number.
    pub(crate) fn int(&self, name: &str) -> Result<Option<i64>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v.trim().parse().map(Some).map_err(|_| name.to_string()),
        }
    }
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-decoding (invalid escapes are kept as-is).
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex_val(bytes[i + 1]), hex_val(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn decode_form(s: &str) -> String {
    percent_decode(&s.replace('+', " "))
}

/// The `dateFormat` values of §1.5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateFmt {
    Iso,
    IsoHms,
    Eu,
    EuHms,
    Us,
    UsHms,
    Uk,
    UkHms,
    Jp,
    JpHms,
    /// `yyyy-MM-dd HH:mm:ss` (SSL DCV log default; not selectable by name)
    IsoSpace,
}

impl DateFmt {
    const ALL: [(DateFmt, &'static str, &'static str); 10] = [
        (DateFmt::Iso, "ISO", "yyyy-MM-dd"),
        (DateFmt::IsoHms, "ISO_HMS", "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"),
        (DateFmt::Eu, "EU", "dd.MM.yyyy"),
        (DateFmt::EuHms, "EU_HMS", "dd.MM.yyyy HH:mm:ss"),
        (DateFmt::Us, "US", "MM/dd/yyyy"),
        (DateFmt::UsHms, "US_HMS", "MM/dd/yyyy HH:mm:ss"),
        (DateFmt::Uk, "UK", "dd/MM/yyyy"),
        (DateFmt::UkHms, "UK_HMS", "dd/MM/yyyy HH:mm:ss"),
        (DateFmt::Jp, "JP", "yyyy/MM/dd"),
        (DateFmt::JpHms, "JP_HMS", "yyyy/MM/dd HH:mm:ss"),
    ];

    /// Parses a `dateFormat` value: the enum name or its pattern, case-insensitively.
    pub(crate) fn parse(v: &str) -> Option<DateFmt> {
        let v = v.trim();
        DateFmt::ALL
            .iter()
            .find(|(_, name, pattern)| {
                v.eq_ignore_ascii_case(name) || v.eq_ignore_ascii_case(pattern)
            })
            .map(|(f, _, _)| *f)
    }

    fn strftime(self) -> &'static str {
        match self {
            DateFmt::Iso => "%Y-%m-%d",
            DateFmt::IsoHms => "%Y-%m-%dT%H:%M:%S.000Z",
            DateFmt::Eu => "%d.%m.%Y",
            DateFmt::EuHms => "%d.%m.%Y %H:%M:%S",
            DateFmt::Us => "%m/%d/%Y",
            DateFmt::UsHms => "%m/%d/%Y %H:%M:%S",
            DateFmt::Uk => "%d/%m/%Y",
            DateFmt::UkHms => "%d/%m/%Y %H:%M:%S",
            DateFmt::Jp => "%Y/%m/%d",
            DateFmt::JpHms => "%Y/%m/%d %H:%M:%S",
            DateFmt::IsoSpace => "%Y-%m-%d %H:%M:%S",
        }
    }

    /// Formats Unix seconds (UTC).
    pub(crate) fn fmt(self, secs: i64) -> String {
        match jiff::Timestamp::from_second(secs) {
            Ok(ts) => ts.strftime(self.strftime()).to_string(),
            Err(_) => String::new(),
        }
    }

    /// Appends `fmt(secs)` to `out`; the ISO forms of years 1970–9999 without going through
    /// strftime (reports format hundreds of thousands of dates).
    pub(crate) fn write(self, secs: i64, out: &mut Vec<u8>) {
        const MAX: i64 = 253_370_764_800; // 9999-01-01T00:00:00Z (jiff stops short of 10000)
        if !matches!(self, DateFmt::Iso | DateFmt::IsoHms) || !(0..MAX).contains(&secs) {
            out.extend_from_slice(self.fmt(secs).as_bytes());
            return;
        }
        let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        let (y, m, d) = civil_from_days(days);
        let two = |n: i64, out: &mut Vec<u8>| {
            out.push(b'0' + (n / 10) as u8);
            out.push(b'0' + (n % 10) as u8);
        };
        two(y / 100, out);
        two(y % 100, out);
        out.push(b'-');
        two(m, out);
        out.push(b'-');
        two(d, out);
        if self == DateFmt::IsoHms {
            out.push(b'T');
            two(rem / 3600, out);
            out.push(b':');
            two(rem / 60 % 60, out);
            out.push(b':');
            two(rem % 60, out);
            out.extend_from_slice(b".000Z");
        }
    }
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// A JSON object written straight into bytes, keys in the order they are written (large
/// bodies such as reports are built this way rather than as a `serde_json::Value` tree, whose
/// maps would also sort the keys). Keys are ASCII names written as-is; string values are
/// escaped by serde_json.
pub(crate) struct Obj<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl Obj<'_> {
    /// Writes `{`, the fields `f` adds, and `}`.
    pub(crate) fn write(out: &mut Vec<u8>, f: impl FnOnce(&mut Obj<'_>)) {
        out.push(b'{');
        let mut o = Obj { out, first: true };
        f(&mut o);
        o.out.push(b'}');
    }

    fn key(&mut self, k: &str) {
        debug_assert!(k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        self.out.push(b'"');
        self.out.extend_from_slice(k.as_bytes());
        self.out.extend_from_slice(b"\":");
    }

    pub(crate) fn str(&mut self, k: &str, v: &str) -> &mut Self {
        self.key(k);
        json_str(self.out, v);
        self
    }

    pub(crate) fn int(&mut self, k: &str, v: i64) -> &mut Self {
        use std::io::Write;
        self.key(k);
        // Writing into a Vec cannot fail.
        let _ = write!(self.out, "{v}");
        self
    }

    /// A date in `fmt`, quoted (no date format needs escaping).
    pub(crate) fn date(&mut self, k: &str, fmt: DateFmt, secs: i64) -> &mut Self {
        self.key(k);
        self.out.push(b'"');
        fmt.write(secs, self.out);
        self.out.push(b'"');
        self
    }

    /// Bytes as quoted hex (upper- or lower-case).
    pub(crate) fn hex(&mut self, k: &str, bytes: &[u8], upper: bool) -> &mut Self {
        const UP: &[u8; 16] = b"0123456789ABCDEF";
        const LO: &[u8; 16] = b"0123456789abcdef";
        let digits = if upper { UP } else { LO };
        self.key(k);
        self.out.push(b'"');
        for b in bytes {
            self.out.push(digits[usize::from(b >> 4)]);
            self.out.push(digits[usize::from(b & 0x0f)]);
        }
        self.out.push(b'"');
        self
    }

    /// A nested object.
    pub(crate) fn obj(&mut self, k: &str, f: impl FnOnce(&mut Obj<'_>)) -> &mut Self {
        self.key(k);
        Obj::write(self.out, f);
        self
    }

    /// An array of objects, one per item.
    pub(crate) fn arr<T>(
        &mut self,
        k: &str,
        items: impl IntoIterator<Item = T>,
        mut f: impl FnMut(&mut Obj<'_>, T),
    ) -> &mut Self {
        self.key(k);
        self.out.push(b'[');
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            Obj::write(self.out, |o| f(o, item));
        }
        self.out.push(b']');
        self
    }
}

/// Appends `s` as a JSON string (quoted, escaped).
pub(crate) fn json_str(out: &mut Vec<u8>, s: &str) {
    // Writing a string into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

/// Whether hex text `s` (any case, surrounding blanks ignored) spells `bytes`.
pub(crate) fn hex_eq_ci(bytes: &[u8], s: &str) -> bool {
    let s = s.trim().as_bytes();
    s.len() == bytes.len() * 2
        && bytes
            .iter()
            .zip(s.chunks_exact(2))
            .all(|(b, pair)| hex_val(pair[0]) == Some(b >> 4) && hex_val(pair[1]) == Some(b & 0x0f))
}

/// A JSON response with the given status and content type.
pub(crate) fn json(status: StatusCode, v: &Value, ct: &'static str) -> Response {
    let body = serde_json::to_vec(v).unwrap_or_else(|_| b"{}".to_vec());
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    r
}

/// A JSON response from bytes already written.
pub(crate) fn json_bytes(status: StatusCode, body: Vec<u8>, ct: &'static str) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    r
}

/// A bare JSON array with `X-Total-Count`.
pub(crate) fn json_list(items: Vec<Value>, total: usize, ct: &'static str) -> Response {
    let mut r = json(StatusCode::OK, &Value::Array(items), ct);
    r.headers_mut()
        .insert("X-Total-Count", HeaderValue::from(total));
    r
}

/// HEAD count: 200, `X-Total-Count`, no body.
pub(crate) fn count_only(total: usize) -> Response {
    let mut r = Response::new(Body::empty());
    r.headers_mut()
        .insert("X-Total-Count", HeaderValue::from(total));
    r
}

/// An SCM error body `{"code":..,"description":..}`.
pub(crate) fn error(status: StatusCode, code: i64, description: impl Into<String>) -> Response {
    json(
        status,
        &serde_json::json!({"code": code, "description": description.into()}),
        CT_JSON_UTF8,
    )
}

/// An SCM error on its way to becoming a response.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: i64,
    pub description: String,
}

impl ApiError {
    pub(crate) fn into_response(self) -> Response {
        error(self.status, self.code, self.description)
    }
}

/// What handlers return.
pub(crate) type Res = Result<Response, ApiError>;

/// 400 with a code.
pub(crate) fn bad(code: i64, description: impl Into<String>) -> ApiError {
    ApiError {
        status: StatusCode::BAD_REQUEST,
        code,
        description: description.into(),
    }
}

/// 400 −1601 "Field '{name}' has invalid value."
pub(crate) fn invalid_field(name: &str) -> ApiError {
    bad(-1601, format!("Field '{name}' has invalid value."))
}

/// 400 −7 "{name} is required but missing."
pub(crate) fn missing(name: &str) -> ApiError {
    bad(-7, format!("{name} is required but missing."))
}

/// A JSON request body; an empty body reads as `{}`.
pub(crate) fn body_json(body: &[u8]) -> Result<Value, ApiError> {
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok(Value::Object(Default::default()));
    }
    serde_json::from_slice(body).map_err(|_| bad(-1002, "Cannot parse message body"))
}

/// A required non-blank string field.
pub(crate) fn req_str(v: &Value, name: &str) -> Result<String, ApiError> {
    opt_str(v, name)?.ok_or_else(|| missing(name))
}

/// An optional string field (blank → None); a non-string value is invalid.
pub(crate) fn opt_str(v: &Value, name: &str) -> Result<Option<String>, ApiError> {
    match v.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(invalid_field(name)),
    }
}

/// An optional integer field (numbers or numeric strings).
pub(crate) fn opt_i64(v: &Value, name: &str) -> Result<Option<i64>, ApiError> {
    match v.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| invalid_field(name)),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| invalid_field(name)),
        Some(_) => Err(invalid_field(name)),
    }
}

/// A required integer field.
pub(crate) fn req_i64(v: &Value, name: &str) -> Result<i64, ApiError> {
    opt_i64(v, name)?.ok_or_else(|| missing(name))
}

/// A string field no longer than `max`.
pub(crate) fn check_len(v: &Option<String>, name: &str, max: usize) -> Result<(), ApiError> {
    match v {
        Some(s) if s.chars().count() > max => Err(invalid_field(name)),
        _ => Ok(()),
    }
}

/// `customFields[]{name,value}` from a body.
pub(crate) fn custom_fields_of(v: &Value) -> Result<Vec<(String, String)>, ApiError> {
    match v.get("customFields") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) => a
            .iter()
            .map(|f| {
                let name = f.get("name").and_then(Value::as_str);
                let value = f.get("value").and_then(Value::as_str).unwrap_or("");
                match name {
                    Some(n) if !n.trim().is_empty() => Ok((n.to_string(), value.to_string())),
                    _ => Err(invalid_field("customFields.name")),
                }
            })
            .collect(),
        Some(_) => Err(invalid_field("customFields")),
    }
}

/// 404 −1 "Unknown error." (unknown path).
pub(crate) fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, -1, "Unknown error.")
}

/// A bodyless status (204, 202, ...).
pub(crate) fn empty(status: StatusCode) -> Response {
    let mut r = Response::new(Body::empty());
    *r.status_mut() = status;
    r
}

/// A download: octet-stream with a `Content-Disposition` file name.
pub(crate) fn download(body: Vec<u8>, filename: &str) -> Response {
    let mut r = Response::new(Body::from(body));
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(CT_OCTET));
    let cd = format!("attachment; filename=\"{filename}\"");
    if let Ok(v) = HeaderValue::from_str(&cd) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// `size`/`position` of a list request: (offset, page length; None = to the end).
pub(crate) fn page_params(q: &Query) -> Result<(usize, Option<usize>), ApiError> {
    let size = q.int("size").map_err(|n| invalid_field(&n))?;
    let position = q.int("position").map_err(|n| invalid_field(&n))?;
    if size.is_some_and(|s| s < 0) {
        return Err(invalid_field("size"));
    }
    if position.is_some_and(|p| p < 0) {
        return Err(invalid_field("position"));
    }
    let pos = usize::try_from(position.unwrap_or(0)).unwrap_or(usize::MAX);
    let size = size.map(|s| usize::try_from(s).unwrap_or(usize::MAX));
    Ok((pos, size))
}

/// Applies `size`/`position` to a filtered list.
pub(crate) fn page<T>(items: Vec<T>, q: &Query) -> Result<Vec<T>, ApiError> {
    let (pos, size) = page_params(q)?;
    let it = items.into_iter().skip(pos);
    Ok(match size {
        Some(s) => it.take(s).collect(),
        None => it.collect(),
    })
}

/// Case-insensitive substring test.
pub(crate) fn contains_ci(hay: &str, needle: &str) -> bool {
    hay.to_lowercase().contains(&needle.to_lowercase())
}

/// A file-name-safe version of a common name.
pub(crate) fn file_stem(cn: &str) -> String {
    let s: String = cn
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if s.is_empty() {
        "certificate".into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_formats_by_name_and_pattern() {
        // 2024-07-10T14:30:00Z
        let t = 1_720_621_800;
        assert_eq!(
            DateFmt::parse("iso").map(|f| f.fmt(t)).as_deref(),
            Some("2024-07-10")
        );
        assert_eq!(
            DateFmt::parse("ISO_HMS").map(|f| f.fmt(t)).as_deref(),
            Some("2024-07-10T14:30:00.000Z")
        );
        assert_eq!(
            DateFmt::parse("dd.mm.yyyy").map(|f| f.fmt(t)).as_deref(),
            Some("10.07.2024")
        );
        assert_eq!(
            DateFmt::parse("US").map(|f| f.fmt(t)).as_deref(),
            Some("07/10/2024")
        );
        assert_eq!(
            DateFmt::parse("uk_hms").map(|f| f.fmt(t)).as_deref(),
            Some("10/07/2024 14:30:00")
        );
        assert_eq!(
            DateFmt::parse("JP").map(|f| f.fmt(t)).as_deref(),
            Some("2024/07/10")
        );
        assert_eq!(DateFmt::parse("nonsense"), None);
    }

    #[test]
    fn fast_iso_dates_agree_with_strftime() {
        let mut t: i64 = 0;
        let mut n = 0;
        // Day boundaries and odd times across 1970..2200, leap days included.
        while t < 7_258_118_400 {
            for f in [DateFmt::Iso, DateFmt::IsoHms] {
                let mut out = Vec::new();
                f.write(t, &mut out);
                assert_eq!(String::from_utf8(out).unwrap(), f.fmt(t), "{t}");
            }
            t += 86_400 * 3 + 3_727;
            n += 1;
        }
        assert!(n > 20_000);
        for t in [
            0,
            951_782_400,
            4_107_542_399,
            253_402_300_799,
            253_402_300_800,
            -1,
        ] {
            let mut out = Vec::new();
            DateFmt::IsoHms.write(t, &mut out);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                DateFmt::IsoHms.fmt(t),
                "{t}"
            );
        }
        let mut out = Vec::new();
        DateFmt::Us.write(1_720_621_800, &mut out);
        assert_eq!(out, b"07/10/2024");
    }

    #[test]
    fn objects_keep_their_key_order_and_escape_strings() {
        let mut out = Vec::new();
        Obj::write(&mut out, |o| {
            o.int("id", -5).str("name", "a \"q\"\n\u{e9}");
            o.obj("org", |o| {
                o.str("id", "7");
            });
            o.arr("list", [("a", "1"), ("b", "2")], |o, (n, v)| {
                o.str("name", n).str("value", v);
            });
            o.arr("none", std::iter::empty::<u8>(), |_, _| {});
            o.hex("h", &[0x0a, 0xff], true)
                .hex("l", &[0x0a, 0xff], false);
            o.date("d", DateFmt::IsoHms, 1_720_621_800);
        });
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "{\"id\":-5,\"name\":\"a \\\"q\\\"\\n\u{e9}\",\"org\":{\"id\":\"7\"},\
             \"list\":[{\"name\":\"a\",\"value\":\"1\"},{\"name\":\"b\",\"value\":\"2\"}],\
             \"none\":[],\"h\":\"0AFF\",\"l\":\"0aff\",\"d\":\"2024-07-10T14:30:00.000Z\"}"
        );
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["name"], "a \"q\"\n\u{e9}");
        assert!(hex_eq_ci(&[0x0a, 0xff], " 0aFF ") && !hex_eq_ci(&[0x0a, 0xff], "0aff0"));
        assert!(!hex_eq_ci(&[0x0a], "0g"));
    }

    #[test]
    fn query_and_decoding() {
        let q = Query::parse(Some("commonName=a%2Eb+c&org=&size=5&x"));
        assert_eq!(q.get("commonName"), Some("a.b c"));
        assert_eq!(q.get("org"), None);
        assert_eq!(q.int("size"), Ok(Some(5)));
        assert_eq!(percent_decode("A9%3A3E%3ac0%"), "A9:3E:c0%");
        assert!(crate::emulator::ca::serial_matches(
            &[0x0a, 0xff],
            "00:0A:ff"
        ));
    }
}
