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

/// Applies `size`/`position` to a filtered list.
pub(crate) fn page<T>(items: Vec<T>, q: &Query) -> Result<Vec<T>, ApiError> {
    let size = q.int("size").map_err(|n| invalid_field(&n))?;
    let position = q.int("position").map_err(|n| invalid_field(&n))?;
    if size.is_some_and(|s| s < 0) {
        return Err(invalid_field("size"));
    }
    if position.is_some_and(|p| p < 0) {
        return Err(invalid_field("position"));
    }
    let pos = position.unwrap_or(0) as usize;
    let it = items.into_iter().skip(pos);
    Ok(match size {
        Some(s) => it.take(s as usize).collect(),
        None => it.collect(),
    })
}

/// Serial numbers compare without colons, case-insensitively, ignoring leading zeros.
pub(crate) fn serial_key(s: &str) -> String {
    let compact: String = s
        .chars()
        .filter(|c| c.is_ascii_hexdigit())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let trimmed = compact.trim_start_matches('0');
    if trimmed.is_empty() {
        "0".to_string()
    } else {
        trimmed.to_string()
    }
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
    fn query_and_decoding() {
        let q = Query::parse(Some("commonName=a%2Eb+c&org=&size=5&x"));
        assert_eq!(q.get("commonName"), Some("a.b c"));
        assert_eq!(q.get("org"), None);
        assert_eq!(q.int("size"), Ok(Some(5)));
        assert_eq!(percent_decode("A9%3A3E%3ac0%"), "A9:3E:c0%");
        assert_eq!(serial_key("00:0A:ff"), "AFF");
    }
}
