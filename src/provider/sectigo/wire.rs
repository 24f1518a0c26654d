//! SCM wire types: serde mirrors of the REST API (names as the API spells them).
//!
//! Everything is tolerant: every field has a default, unknown fields are ignored, and fields
//! whose JSON type is not the documented one (a number sent as a string, `null` for an object,
//! a comma string for an array) are read leniently instead of failing the whole response.
//! Dates stay strings here (the format depends on the endpoint and on `dateFormat`); they are
//! parsed by [`parse_date`], which understands every `dateFormat` variant of the API.

use jiff::civil;
use jiff::tz::Offset;
use serde::{Deserialize, Serialize};

/// Lenient field deserializers: they never fail, they fall back to "absent".
pub mod de {
    use serde::de::DeserializeOwned;
    use serde::{Deserialize, Deserializer};
    use serde_json::Value;

    /// A number, or a string holding one; anything else is `None`.
    pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        let v = Option::<Value>::deserialize(d)?;
        Ok(v.and_then(|v| value_i64(&v)))
    }

    pub fn value_i64(v: &Value) -> Option<i64> {
        match v {
            Value::Number(n) => n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// A string; numbers and booleans are turned into their text; `null`/objects are `None`.
    pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        let v = Option::<Value>::deserialize(d)?;
        Ok(v.and_then(|v| value_string(&v)))
    }

    pub fn value_string(v: &Value) -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// A boolean, or `"true"`/`"false"`, or 0/1.
    pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        let v = Option::<Value>::deserialize(d)?;
        Ok(match v {
            Some(Value::Bool(b)) => Some(b),
            Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "yes" | "1" => Some(true),
                "false" | "no" | "0" => Some(false),
                _ => None,
            },
            Some(Value::Number(n)) => n.as_i64().map(|i| i != 0),
            _ => None,
        })
    }

    /// An array of strings (numbers become text); a single string is split on commas.
    pub fn string_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        let v = Option::<Value>::deserialize(d)?;
        Ok(match v {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(value_string)
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            Some(Value::String(s)) => s
                .split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect(),
            _ => Vec::new(),
        })
    }

    /// An array of numbers (strings holding numbers are accepted).
    pub fn i64_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
        let v = Option::<Value>::deserialize(d)?;
        Ok(match v {
            Some(Value::Array(items)) => items.iter().filter_map(value_i64).collect(),
            Some(other) => value_i64(&other).into_iter().collect(),
            None => Vec::new(),
        })
    }

    /// A nested object; `None` when absent, `null` or of the wrong shape.
    pub fn opt_obj<'de, D: Deserializer<'de>, T: DeserializeOwned>(
        d: D,
    ) -> Result<Option<T>, D::Error> {
        let v = Option::<Value>::deserialize(d)?;
        Ok(v.and_then(|v| T::deserialize(v).ok()))
    }

    /// An array of objects; elements of the wrong shape are skipped.
    pub fn obj_list<'de, D: Deserializer<'de>, T: DeserializeOwned>(
        d: D,
    ) -> Result<Vec<T>, D::Error> {
        let v = Option::<Value>::deserialize(d)?;
        Ok(match v {
            Some(Value::Array(items)) => items
                .into_iter()
                .filter_map(|i| T::deserialize(i).ok())
                .collect(),
            _ => Vec::new(),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Dates

/// A date (and maybe a time and an offset) as SCM sent it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScmDate {
    pub date: civil::Date,
    pub time: Option<civil::Time>,
    /// The offset when the text carried one (`Z`, `+02:00`, `GMT`); otherwise UTC is assumed.
    pub offset: Option<Offset>,
}

impl ScmDate {
    /// Unix seconds, taking a missing time as midnight and a missing offset as UTC.
    pub fn unix(&self) -> Option<i64> {
        let dt = self
            .date
            .to_datetime(self.time.unwrap_or(civil::Time::midnight()));
        self.offset
            .unwrap_or(Offset::UTC)
            .to_timestamp(dt)
            .ok()
            .map(|t| t.as_second())
    }

    /// `YYYY-MM-DD` (the date as written, without converting between zones).
    pub fn ymd(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}",
            self.date.year(),
            self.date.month(),
            self.date.day()
        )
    }
}

/// Parse any date SCM produces, whatever `dateFormat` was in force:
/// `yyyy-MM-dd`, `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'` (and other RFC 3339 forms), `dd.MM.yyyy`,
/// `MM/dd/yyyy` (the default of the v1 details; read as `dd/MM/yyyy` when the first number
/// cannot be a month), `yyyy/MM/dd`, each optionally followed by ` HH:mm[:ss[.SSS]]` and a zone
/// (`Z`, `±hh:mm`, `±hhmm`, `GMT`, `UTC`). Bare integers are taken as Unix epoch milliseconds
/// (or seconds when small). Returns `None` for anything else.
pub fn parse_date(text: &str) -> Option<ScmDate> {
    let s = text.trim();
    if s.is_empty() {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) && s.len() >= 9 {
        let n: i64 = s.parse().ok()?;
        let secs = if s.len() >= 12 { n / 1000 } else { n };
        let ts = jiff::Timestamp::from_second(secs).ok()?;
        let dt = Offset::UTC.to_datetime(ts);
        return Some(ScmDate {
            date: dt.date(),
            time: Some(dt.time()),
            offset: Some(Offset::UTC),
        });
    }
    // Split the date from the rest at the first 'T' or space.
    let split = s.find(['T', 't', ' ']).unwrap_or(s.len());
    let (date_part, rest) = s.split_at(split);
    let date = parse_date_part(date_part)?;
    let rest = rest.trim_start_matches(['T', 't', ' ']).trim();
    if rest.is_empty() {
        return Some(ScmDate {
            date,
            time: None,
            offset: None,
        });
    }
    let (time, offset) = parse_time_part(rest)?;
    Some(ScmDate {
        date,
        time: Some(time),
        offset,
    })
}

/// Unix seconds of a date string, see [`parse_date`].
pub fn parse_unix(text: &str) -> Option<i64> {
    parse_date(text).and_then(|d| d.unix())
}

fn parse_date_part(s: &str) -> Option<civil::Date> {
    let sep = s.chars().find(|c| matches!(c, '-' | '.' | '/'))?;
    let parts: Vec<&str> = s.split(sep).collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || p.len() > 4) {
        return None;
    }
    if parts.iter().any(|p| !p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let n: Vec<i32> = parts
        .iter()
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let (y, m, d) = if parts[0].len() == 4 {
        // yyyy-MM-dd, yyyy/MM/dd, yyyy.MM.dd
        (n[0], n[1], n[2])
    } else if parts[2].len() == 4 {
        match sep {
            '.' => (n[2], n[1], n[0]),              // dd.MM.yyyy (EU)
            '/' if n[0] > 12 => (n[2], n[1], n[0]), // dd/MM/yyyy (UK), unambiguous
            '/' => (n[2], n[0], n[1]),              // MM/dd/yyyy (US, the default)
            _ => (n[2], n[1], n[0]),                // dd-MM-yyyy
        }
    } else {
        return None;
    };
    civil::Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}

fn parse_time_part(s: &str) -> Option<(civil::Time, Option<Offset>)> {
    // Separate the zone: Z, GMT/UTC words, or a +/- offset after the clock.
    let mut clock = s;
    let mut offset = None;
    let upper = s.to_ascii_uppercase();
    for word in [" GMT", " UTC", "GMT", "UTC"] {
        if upper.ends_with(word) {
            clock = s[..s.len() - word.len()].trim_end();
            offset = Some(Offset::UTC);
            break;
        }
    }
    if offset.is_none() {
        if let Some(stripped) = clock.strip_suffix(['Z', 'z']) {
            clock = stripped;
            offset = Some(Offset::UTC);
        } else if let Some(pos) = clock.rfind(['+', '-']) {
            let (c, z) = clock.split_at(pos);
            offset = Some(parse_offset(z)?);
            clock = c.trim_end();
        }
    }
    let mut fields = clock.split(':');
    let h: i8 = fields.next()?.trim().parse().ok()?;
    let m: i8 = fields.next()?.trim().parse().ok()?;
    let (sec, nanos) = match fields.next() {
        None => (0, 0),
        Some(secs) => {
            let (whole, frac) = secs.split_once(['.', ',']).unwrap_or((secs, ""));
            let sec: i8 = whole.trim().parse().ok()?;
            let nanos = if frac.is_empty() {
                0
            } else {
                if !frac.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let digits: String = frac.chars().chain(std::iter::repeat('0')).take(9).collect();
                digits.parse::<i32>().ok()?
            };
            (sec, nanos)
        }
    };
    if fields.next().is_some() {
        return None;
    }
    Some((civil::Time::new(h, m, sec, nanos).ok()?, offset))
}

fn parse_offset(z: &str) -> Option<Offset> {
    let sign = if z.starts_with('-') { -1 } else { 1 };
    let digits: String = z[1..].chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m) = match digits.len() {
        2 => (digits.parse::<i32>().ok()?, 0),
        4 => (
            digits[..2].parse::<i32>().ok()?,
            digits[2..].parse::<i32>().ok()?,
        ),
        _ => return None,
    };
    Offset::from_seconds(sign * (h * 3600 + m * 60)).ok()
}

// ---------------------------------------------------------------------------------------------
// Common objects

/// The error body: `{"code":-16,"description":"Unknown user"}` (newer servers add `details`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ScmError {
    #[serde(deserialize_with = "de::opt_i64")]
    pub code: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub description: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub details: Option<String>,
}

/// A certificate profile (`certType` in details, the elements of `/types`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CertType {
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub description: Option<String>,
    #[serde(deserialize_with = "de::i64_list")]
    pub terms: Vec<i64>,
    /// `{"RSA":["2048","4096"],"EC":["P-256"]}`.
    pub key_types: serde_json::Value,
    #[serde(deserialize_with = "de::opt_bool")]
    pub use_secondary_org_name: Option<bool>,
    /// Device profiles only: the first term, key usages and EKU OIDs.
    #[serde(deserialize_with = "de::opt_i64")]
    pub term: Option<i64>,
    #[serde(deserialize_with = "de::string_list")]
    pub ku: Vec<String>,
    #[serde(deserialize_with = "de::string_list")]
    pub eku: Vec<String>,
}

/// `{name, value}` (custom fields, device optional fields).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NameValue {
    #[serde(deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub value: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CertificateDetails {
    #[serde(deserialize_with = "de::opt_string")]
    pub issuer: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub subject: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub subject_alt_names: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub md5_hash: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub sha1_hash: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub sha256_hash: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CsrDetails {
    #[serde(deserialize_with = "de::opt_string")]
    pub csr: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub md5_hash: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub sha1_hash: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub sha256_hash: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AutoInstallNode {
    #[serde(deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub port: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub status: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AutoInstallDetails {
    #[serde(deserialize_with = "de::opt_string")]
    pub state: Option<String>,
    #[serde(deserialize_with = "de::obj_list")]
    pub nodes: Vec<AutoInstallNode>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AutoRenewDetails {
    #[serde(deserialize_with = "de::opt_string")]
    pub state: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub days_before_expiration: Option<i64>,
}

// ---------------------------------------------------------------------------------------------
// SSL

/// An element of `GET /api/ssl/v1`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SslListItem {
    #[serde(deserialize_with = "de::opt_i64")]
    pub ssl_id: Option<i64>,
    /// Some servers send `id` instead of (or as well as) `sslId`.
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub common_name: Option<String>,
    #[serde(deserialize_with = "de::string_list")]
    pub subject_alternative_names: Vec<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub serial_number: Option<String>,
}

impl SslListItem {
    pub fn any_id(&self) -> Option<i64> {
        self.ssl_id.or(self.id)
    }
}

/// `GET /api/ssl/v1/{sslId}` (also the `PUT /api/ssl/v1` answer).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SslDetails {
    #[serde(deserialize_with = "de::opt_string")]
    pub common_name: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub ssl_id: Option<i64>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub org_id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub status: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub order_number: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub backend_cert_id: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub vendor: Option<String>,
    #[serde(deserialize_with = "de::opt_obj")]
    pub cert_type: Option<CertType>,
    #[serde(deserialize_with = "de::opt_string")]
    pub sub_type: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub validation_type: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub term: Option<i64>,
    /// The approver's name.
    #[serde(deserialize_with = "de::opt_string")]
    pub owner: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub owner_id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub requester: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub requester_id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub requested_via: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub external_requester: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub comments: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub requested: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub approved: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub issued: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub declined: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub expires: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub replaced: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub revoked: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub reason_code: Option<i64>,
    #[serde(deserialize_with = "de::opt_bool")]
    pub renewed: Option<bool>,
    #[serde(deserialize_with = "de::opt_string")]
    pub renewed_date: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub serial_number: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub signature_alg: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub key_algorithm: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub key_size: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub key_type: Option<String>,
    #[serde(deserialize_with = "de::string_list")]
    pub key_usages: Vec<String>,
    #[serde(deserialize_with = "de::string_list")]
    pub extended_key_usages: Vec<String>,
    #[serde(deserialize_with = "de::string_list")]
    pub subject_alternative_names: Vec<String>,
    #[serde(deserialize_with = "de::obj_list")]
    pub custom_fields: Vec<NameValue>,
    #[serde(deserialize_with = "de::opt_obj")]
    pub certificate_details: Option<CertificateDetails>,
    #[serde(deserialize_with = "de::opt_obj")]
    pub csr_details: Option<CsrDetails>,
    #[serde(deserialize_with = "de::opt_obj")]
    pub auto_install_details: Option<AutoInstallDetails>,
    #[serde(deserialize_with = "de::opt_obj")]
    pub auto_renew_details: Option<AutoRenewDetails>,
    #[serde(deserialize_with = "de::opt_bool")]
    pub suspend_notifications: Option<bool>,
    /// Newer servers: the DCV method of the request.
    #[serde(deserialize_with = "de::opt_string")]
    pub dcv_method: Option<String>,
}

impl SslDetails {
    pub fn any_id(&self) -> Option<i64> {
        self.id.or(self.ssl_id)
    }
}

/// `POST /api/ssl/v1/enroll` body (§2.7). `subjAltNames` is a comma-separated string.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SslEnrollRequest {
    pub org_id: i64,
    pub csr: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subj_alt_names: Option<String>,
    pub cert_type: i64,
    pub term: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comments: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub custom_fields: Vec<NameValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_requester: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dcv_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dcv_email: Option<String>,
}

/// `{"sslId":812,"renewId":"kmITfPf3Gx8mqmK5D66L"}` (enroll), `{"sslId":818}` (renewById).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SslIdResponse {
    #[serde(deserialize_with = "de::opt_i64")]
    pub ssl_id: Option<i64>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub renew_id: Option<String>,
}

/// `/api/{ssl,smime,device}/v1/customFields` elements.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CustomFieldDef {
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "de::opt_bool")]
    pub mandatory: Option<bool>,
}

/// `{"message":"..."}` for approve / decline.
#[derive(Debug, Clone, Serialize)]
pub struct MessageBody {
    pub message: String,
}

/// `{"reasonCode":4,"reason":"..."}` for revoke.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RevokeBody {
    pub reason_code: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Optional body of `renewById`, body of `renew/{renewId}`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RenewBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dcv_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dcv_email: Option<String>,
}

/// `POST /api/ssl/v1/replace/{sslId}`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplaceBody {
    pub csr: String,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub common_name: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subject_alternative_names: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dcv_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dcv_email: Option<String>,
}

/// `POST /api/ssl/v1/renew/manual/{sslId}` ("mark renewed").
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ManualRenewBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_number: Option<String>,
}

/// `GET /api/ssl/v1/{sslId}/dcv`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SslDcv {
    #[serde(deserialize_with = "de::opt_obj")]
    pub dcv_log: Option<SslDcvLog>,
    #[serde(deserialize_with = "de::obj_list")]
    pub instructions: Vec<SslDcvInstruction>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SslDcvLog {
    #[serde(deserialize_with = "de::opt_obj")]
    pub error: Option<ScmError>,
    #[serde(deserialize_with = "de::obj_list")]
    pub log: Vec<SslDcvLogEntry>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SslDcvLogEntry {
    #[serde(deserialize_with = "de::opt_string")]
    pub domain_name: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub dcv_status: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub dcv_method: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub dcv_date: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub last_check: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub next_check: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub dcv_email_ref_number: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SslDcvInstruction {
    #[serde(deserialize_with = "de::opt_string")]
    pub domain_name: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub dcv_mode: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub host: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub point: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub url: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub file: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub dcv_email: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// S/MIME (client) and device

/// An element of `GET /api/smime/v2`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SmimeListItem {
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub state: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub status: Option<String>,
    #[serde(deserialize_with = "de::opt_obj")]
    pub certificate_details: Option<CertificateDetails>,
    #[serde(deserialize_with = "de::opt_string")]
    pub order_number: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub serial_number: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub backend_cert_id: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub expires: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub comments: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub common_name: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub email: Option<String>,
}

/// `GET /api/smime/v1/{id}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SmimeDetails {
    #[serde(deserialize_with = "de::opt_string")]
    pub common_name: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub sub_type: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub org_id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub status: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub state: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub backend_cert_id: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub order_number: Option<String>,
    #[serde(deserialize_with = "de::opt_obj")]
    pub cert_type: Option<CertType>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub term: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub requested_via: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub email: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub requested: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub issued: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub expires: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub revoked: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub reason_code: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub serial_number: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub signature_alg: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub key_algorithm: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub key_size: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub key_type: Option<String>,
    #[serde(deserialize_with = "de::string_list")]
    pub key_usages: Vec<String>,
    #[serde(deserialize_with = "de::string_list")]
    pub extended_key_usages: Vec<String>,
    #[serde(deserialize_with = "de::opt_obj")]
    pub csr_details: Option<CsrDetails>,
    #[serde(deserialize_with = "de::string_list")]
    pub subject_alternative_names: Vec<String>,
    #[serde(deserialize_with = "de::obj_list")]
    pub custom_fields: Vec<NameValue>,
    #[serde(deserialize_with = "de::opt_obj")]
    pub certificate_details: Option<CertificateDetails>,
    #[serde(deserialize_with = "de::opt_bool")]
    pub suspend_notifications: Option<bool>,
    #[serde(deserialize_with = "de::opt_string")]
    pub comments: Option<String>,
}

/// An element of `GET /api/device/v1`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DeviceListItem {
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub device_cert_id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub backend_cert_id: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub status: Option<String>,
    #[serde(deserialize_with = "de::opt_obj")]
    pub certificate_details: Option<CertificateDetails>,
    #[serde(deserialize_with = "de::opt_string")]
    pub common_name: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub serial_number: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub expires: Option<String>,
}

/// `GET /api/device/v1/{deviceCertId}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DeviceDetails {
    #[serde(deserialize_with = "de::opt_string")]
    pub common_name: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub device_cert_id: Option<i64>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub org_id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub status: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub order_number: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub backend_cert_id: Option<String>,
    #[serde(deserialize_with = "de::opt_obj")]
    pub csr_details: Option<CsrDetails>,
    #[serde(deserialize_with = "de::opt_obj")]
    pub cert_type: Option<CertType>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub term: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub owner: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub requester: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub requested: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub approved: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub issued: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub expires: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub revoked: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub key_algorithm: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub key_size: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub key_type: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub serial_number: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub signature_alg: Option<String>,
    #[serde(deserialize_with = "de::string_list")]
    pub subject_alternative_names: Vec<String>,
    #[serde(deserialize_with = "de::opt_obj")]
    pub certificate_details: Option<CertificateDetails>,
    #[serde(deserialize_with = "de::opt_string")]
    pub comments: Option<String>,
    #[serde(deserialize_with = "de::obj_list")]
    pub custom_fields: Vec<NameValue>,
}

/// Enroll / renew answers of S/MIME (`id`) and device (`deviceCertId`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OrderResponse {
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub device_cert_id: Option<i64>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub ssl_id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub status: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub order_number: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub backend_cert_id: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Organizations, domains, DCV

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Department {
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub parent_name: Option<String>,
}

/// An element of `GET /api/organization/v1`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Organization {
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "de::string_list")]
    pub cert_types: Vec<String>,
    #[serde(deserialize_with = "de::obj_list")]
    pub departments: Vec<Department>,
}

/// An element of `GET /api/domain/v1`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DomainListItem {
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DomainDelegation {
    #[serde(deserialize_with = "de::opt_i64")]
    pub org_id: Option<i64>,
    #[serde(deserialize_with = "de::string_list")]
    pub cert_types: Vec<String>,
    #[serde(deserialize_with = "de::string_list")]
    pub domain_certificate_request_privileges: Vec<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub status: Option<String>,
}

/// `GET /api/domain/v1/{id}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DomainDetails {
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub delegation_status: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub state: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub validation_status: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub validation_method: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub dcv_validation: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub dcv_expiration: Option<String>,
    #[serde(deserialize_with = "de::obj_list")]
    pub delegations: Vec<DomainDelegation>,
}

/// An element of `GET /api/dcv/v1/validation`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DcvListItem {
    #[serde(deserialize_with = "de::opt_string")]
    pub domain: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub dcv_status: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub dcv_method: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub dcv_order_status: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub dcv_order_method: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub expiration_date: Option<String>,
}

/// The DCV status / start / submit / sync / clear answers (one shape, fields optional).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DcvStatus {
    #[serde(deserialize_with = "de::opt_string")]
    pub status: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub validation_date: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub expiration_date: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub order_status: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub order_mode: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub url: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub first_line: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub second_line: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub host: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub point: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub validation_email: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub email_validation_reference_number: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub order_backend_id: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub submitted_date: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub order_expiration: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub last_check: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub next_check: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub message: Option<String>,
}

/// `POST /api/dcv/v1/validation/start/domain/email`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DcvEmailStart {
    #[serde(deserialize_with = "de::string_list")]
    pub emails: Vec<String>,
    #[serde(deserialize_with = "de::obj_list")]
    pub dcv_emails: Vec<DcvDomainEmails>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DcvDomainEmails {
    #[serde(deserialize_with = "de::opt_string")]
    pub domain_name: Option<String>,
    #[serde(deserialize_with = "de::string_list")]
    pub whois_emails: Vec<String>,
    #[serde(deserialize_with = "de::string_list")]
    pub admin_emails: Vec<String>,
    #[serde(deserialize_with = "de::string_list")]
    pub dns_txt_emails: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// Reports v1

/// `{"statusCode":0,"reports":[...]}`; rows are read per family by the types below.
#[derive(Debug, Clone, Deserialize)]
#[serde(
    default,
    rename_all = "camelCase",
    bound(deserialize = "T: serde::de::DeserializeOwned")
)]
pub struct ReportEnvelope<T> {
    #[serde(deserialize_with = "de::opt_i64")]
    pub status_code: Option<i64>,
    #[serde(deserialize_with = "de::obj_list")]
    pub reports: Vec<T>,
}

impl<T> Default for ReportEnvelope<T> {
    fn default() -> Self {
        ReportEnvelope {
            status_code: None,
            reports: Vec::new(),
        }
    }
}

/// A row of `POST /api/report/v1/ssl-certificates`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SslReportRow {
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub common_name: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub status: Option<String>,
    #[serde(rename = "type", deserialize_with = "de::opt_string")]
    pub type_name: Option<String>,
    #[serde(deserialize_with = "de::opt_i64")]
    pub type_id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub expires: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub serial_number: Option<String>,
    #[serde(deserialize_with = "de::string_list")]
    pub subj_alt_names: Vec<String>,
}

/// A row of `POST /api/report/v1/client-certificates` (`expire`, singular).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ClientReportRow {
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub subject: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub email: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub status: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub expire: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub expires: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub serial_number: Option<String>,
}

/// A row of `POST /api/report/v1/device-certificates`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DeviceReportRow {
    #[serde(deserialize_with = "de::opt_i64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "de::opt_string")]
    pub common_name: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub subject: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub device_cert_status: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub status: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub expire: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub expires: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub serial_number: Option<String>,
    #[serde(deserialize_with = "de::opt_string")]
    pub cert_type_name: Option<String>,
}

#[cfg(test)]
mod tests {
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
        let e: ScmError =
            serde_json::from_str(r#"{"code":-16,"description":"Unknown user"}"#).unwrap();
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
}
