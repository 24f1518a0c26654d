//! SCM dates: every `dateFormat` variant the API produces, read into one type.

use jiff::civil;
use jiff::tz::Offset;

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
