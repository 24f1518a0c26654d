//! Reading a large JSON answer as it arrives: the rows of `{"statusCode":0,"reports":[…]}`
//! are handed over one by one while the body is still being read, so neither the body nor a
//! `serde_json::Value` tree of it is ever held whole (a 100,000-row SSL report is ~100 MB).
//!
//! A byte scanner follows the body's structure (depth, strings, escapes) and cuts out each
//! element of the top-level `reports` array; each element is then decoded from its slice with
//! `serde_json::from_slice`, which is several times cheaper than decoding through an
//! `io::Read` byte by byte. The envelope without the elements (`{"statusCode":0,"reports":[]}`,
//! a few bytes) is kept and decoded at the end, which checks its syntax and trailing bytes.

use std::fmt;
use std::io::Read;
use std::marker::PhantomData;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde::{Deserialize, Deserializer};

/// What reading a report found besides its rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportRead {
    /// `statusCode`, when the envelope carried a number.
    pub status_code: Option<i64>,
    /// Rows handed to the callback.
    pub rows: usize,
    /// Elements of `reports` that were not objects (skipped).
    pub skipped: usize,
    /// Whether the envelope had a `reports` array at all.
    pub had_reports: bool,
}

/// How much of the body is asked for at a time.
const CHUNK: usize = 64 * 1024;

/// Read a report envelope from `reader`, calling `each` for every object in `reports` (as a
/// `T`). Elements that are not objects are skipped and counted; unknown envelope keys are
/// ignored. A syntax error or a body that breaks off ends the read with the error, after the
/// rows before it were handed over.
pub fn read_report<R: Read, T: DeserializeOwned>(
    mut reader: R,
    mut each: impl FnMut(T),
) -> Result<ReportRead, serde_json::Error> {
    let mut split = Splitter::default();
    let mut read = ReportRead::default();
    let mut chunk = vec![0u8; CHUNK];
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(serde_json::Error::io(e)),
        };
        split.feed(&chunk[..n], &mut |element: &[u8]| {
            match serde_json::from_slice::<MaybeRow<T>>(element)? {
                MaybeRow(Some(r)) => {
                    read.rows += 1;
                    each(r);
                }
                MaybeRow(None) => read.skipped += 1,
            }
            Ok(())
        })?;
    }
    read.had_reports = split.had_reports;
    // The envelope with its elements cut out: its syntax, `statusCode` and trailing bytes.
    let mut envelope = ReportRead::default();
    let mut de = serde_json::Deserializer::from_slice(&split.skeleton);
    Envelope::<IgnoredAny, _> {
        each: |_| {},
        read: &mut envelope,
        _row: PhantomData,
    }
    .deserialize(&mut de)?;
    de.end()?;
    read.status_code = envelope.status_code;
    Ok(read)
}

/// Where the scanner is in the body's structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Scan {
    /// Between tokens.
    #[default]
    Code,
    /// Inside a string.
    Str,
    /// Just after a backslash inside a string.
    Escape,
}

/// Cuts the elements of the top-level `reports` array out of a body fed in pieces. Everything
/// else is copied to `skeleton`. The scanner only follows structure; serde_json checks the
/// syntax of each element and of the skeleton.
#[derive(Default)]
struct Splitter {
    /// Bytes of the element being cut, carried from one piece to the next.
    element: Vec<u8>,
    /// The body without the elements of `reports`.
    skeleton: Vec<u8>,
    /// The bytes of the top-level key being read (to recognise `reports`).
    key: Vec<u8>,
    depth: usize,
    scan: ScanState,
    had_reports: bool,
}

#[derive(Default)]
struct ScanState {
    mode: Scan,
    /// At depth 1: the next string is a key.
    expect_key: bool,
    /// At depth 1: the key just read was `reports`.
    key_is_reports: bool,
    /// Reading a top-level key's string.
    in_key: bool,
    /// Inside the `reports` array (depth 2 is its elements).
    in_rows: bool,
    /// Inside an element of `reports`.
    in_element: bool,
    /// A comma ended the last element: another must follow.
    need_element: bool,
    /// The body's value has closed.
    closed: bool,
}

impl Splitter {
    fn feed(
        &mut self,
        piece: &[u8],
        each: &mut dyn FnMut(&[u8]) -> Result<(), serde_json::Error>,
    ) -> Result<(), serde_json::Error> {
        let mut i = 0;
        // Start of the current run of bytes that goes to the skeleton or the element.
        let mut run = 0;
        let s = &mut self.scan;
        while i < piece.len() {
            match s.mode {
                Scan::Str => {
                    // Jump to the next quote or backslash.
                    match memchr::memchr2(b'"', b'\\', &piece[i..]) {
                        None => {
                            if s.in_key {
                                self.key.extend_from_slice(&piece[i..]);
                            }
                            i = piece.len();
                        }
                        Some(k) => {
                            if s.in_key {
                                self.key.extend_from_slice(&piece[i..i + k]);
                            }
                            let b = piece[i + k];
                            i += k + 1;
                            if b == b'\\' {
                                if s.in_key {
                                    self.key.push(b'\\');
                                }
                                s.mode = Scan::Escape;
                            } else {
                                s.mode = Scan::Code;
                                if s.in_key {
                                    s.in_key = false;
                                    s.key_is_reports = key_is(&self.key, "reports");
                                }
                            }
                        }
                    }
                }
                Scan::Escape => {
                    if s.in_key {
                        self.key.push(piece[i]);
                    }
                    i += 1;
                    s.mode = Scan::Str;
                }
                Scan::Code => {
                    let b = piece[i];
                    if s.closed {
                        // Trailing bytes go to the skeleton, where serde_json judges them.
                        i += 1;
                        continue;
                    }
                    if self.depth == 0 && !b.is_ascii_whitespace() && b != b'{' {
                        return Err(de::Error::custom(format!(
                            "expected a report object, found {:?}",
                            char::from(b)
                        )));
                    }
                    match b {
                        b'"' => {
                            s.mode = Scan::Str;
                            if self.depth == 1 && s.expect_key {
                                s.in_key = true;
                                s.expect_key = false;
                                self.key.clear();
                            }
                            if s.in_rows && self.depth == 2 && !s.in_element {
                                // A string element starts here.
                                self.skeleton.extend_from_slice(&piece[run..i]);
                                run = i;
                                s.in_element = true;
                                s.need_element = false;
                            }
                        }
                        b'{' | b'[' => {
                            if s.in_rows && self.depth == 2 && !s.in_element {
                                self.skeleton.extend_from_slice(&piece[run..i]);
                                run = i;
                                s.in_element = true;
                                s.need_element = false;
                            }
                            if self.depth == 1 && b == b'[' && s.key_is_reports && !s.in_rows {
                                s.in_rows = true;
                                self.had_reports = true;
                            }
                            self.depth += 1;
                            if self.depth == 1 {
                                s.expect_key = true;
                            }
                        }
                        b'}' | b']' => {
                            if s.in_rows && self.depth == 2 && b == b']' {
                                // The end of `reports`: the last element (if any) ends here.
                                if s.in_element {
                                    end_element(&mut self.element, &piece[run..i], each)?;
                                    run = i;
                                    s.in_element = false;
                                } else if s.need_element {
                                    return Err(de::Error::custom(
                                        "a comma before the end of `reports`",
                                    ));
                                }
                                s.in_rows = false;
                                s.key_is_reports = false;
                            }
                            self.depth = self.depth.saturating_sub(1);
                            if self.depth == 0 {
                                s.closed = true;
                            }
                        }
                        b',' => {
                            if s.in_rows && self.depth == 2 {
                                if s.in_element {
                                    end_element(&mut self.element, &piece[run..i], each)?;
                                    s.in_element = false;
                                    s.need_element = true;
                                } else {
                                    // `[,` or `,,`: leave it to the skeleton to reject.
                                    self.skeleton.extend_from_slice(&piece[run..i]);
                                    self.skeleton.push(b',');
                                }
                                run = i + 1;
                            } else if self.depth == 1 {
                                s.expect_key = true;
                                s.key_is_reports = false;
                            }
                        }
                        b if b.is_ascii_whitespace() => {}
                        _ => {
                            // A number, `true`, `null`… as an element of `reports`.
                            if s.in_rows && self.depth == 2 && !s.in_element {
                                self.skeleton.extend_from_slice(&piece[run..i]);
                                run = i;
                                s.in_element = true;
                                s.need_element = false;
                            }
                        }
                    }
                    i += 1;
                }
            }
        }
        if s.in_element {
            self.element.extend_from_slice(&piece[run..]);
        } else {
            self.skeleton.extend_from_slice(&piece[run..]);
        }
        Ok(())
    }
}

/// An element ends: `tail` is its last bytes in the current piece, `carried` what came in
/// earlier pieces.
fn end_element(
    carried: &mut Vec<u8>,
    tail: &[u8],
    each: &mut dyn FnMut(&[u8]) -> Result<(), serde_json::Error>,
) -> Result<(), serde_json::Error> {
    if carried.is_empty() {
        each(tail)
    } else {
        carried.extend_from_slice(tail);
        let r = each(carried);
        carried.clear();
        r
    }
}

/// Whether a key's raw bytes (escapes undone by serde_json when there are any) are `name`.
fn key_is(raw: &[u8], name: &str) -> bool {
    if !raw.contains(&b'\\') {
        return raw == name.as_bytes();
    }
    let mut quoted = Vec::with_capacity(raw.len() + 2);
    quoted.push(b'"');
    quoted.extend_from_slice(raw);
    quoted.push(b'"');
    serde_json::from_slice::<String>(&quoted).is_ok_and(|k| k == name)
}

struct Envelope<'a, T, F> {
    each: F,
    read: &'a mut ReportRead,
    _row: PhantomData<fn() -> T>,
}

impl<'de, T: DeserializeOwned, F: FnMut(T)> DeserializeSeed<'de> for Envelope<'_, T, F> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, T: DeserializeOwned, F: FnMut(T)> Visitor<'de> for Envelope<'_, T, F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a report object {\"statusCode\":…,\"reports\":[…]}")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<KeyName>()? {
            match key {
                KeyName::Reports => {
                    map.next_value_seed(Rows {
                        each: &mut self.each,
                        read: self.read,
                        _row: PhantomData,
                    })?;
                }
                KeyName::StatusCode => {
                    self.read.status_code = map.next_value::<Loose>()?.0;
                }
                KeyName::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// An envelope key, without allocating for the ones that do not matter.
enum KeyName {
    Reports,
    StatusCode,
    Other,
}

impl<'de> Deserialize<'de> for KeyName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<KeyName, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = KeyName;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyName, E> {
                Ok(match v {
                    "reports" => KeyName::Reports,
                    "statusCode" => KeyName::StatusCode,
                    _ => KeyName::Other,
                })
            }
        }
        d.deserialize_str(V)
    }
}

/// A number (or numeric text) as i64; anything else as `None`.
struct Loose(Option<i64>);

impl<'de> Deserialize<'de> for Loose {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Loose, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        Ok(Loose(match v {
            serde_json::Value::Number(n) => n.as_i64(),
            serde_json::Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }))
    }
}

struct Rows<'a, T, F> {
    each: &'a mut F,
    read: &'a mut ReportRead,
    _row: PhantomData<fn() -> T>,
}

impl<'de, T: DeserializeOwned, F: FnMut(T)> DeserializeSeed<'de> for Rows<'_, T, F> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: DeserializeOwned, F: FnMut(T)> Visitor<'de> for Rows<'_, T, F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of report rows")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.read.had_reports = true;
        while let Some(row) = seq.next_element::<MaybeRow<T>>()? {
            match row.0 {
                Some(r) => {
                    self.read.rows += 1;
                    (self.each)(r);
                }
                None => self.read.skipped += 1,
            }
        }
        Ok(())
    }

    // `reports` that is not an array (null, a string, an object) holds no rows.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
}

/// An array element: an object read as `T`, anything else skipped.
struct MaybeRow<T>(Option<T>);

impl<'de, T: DeserializeOwned> Deserialize<'de> for MaybeRow<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<MaybeRow<T>, D::Error> {
        struct V<T>(PhantomData<fn() -> T>);
        impl<'de, T: DeserializeOwned> Visitor<'de> for V<T> {
            type Value = MaybeRow<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a report row")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<MaybeRow<T>, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|t| MaybeRow(Some(t)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<MaybeRow<T>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(MaybeRow(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<MaybeRow<T>, E> {
                Ok(MaybeRow(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<MaybeRow<T>, E> {
                Ok(MaybeRow(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<MaybeRow<T>, E> {
                Ok(MaybeRow(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<MaybeRow<T>, E> {
                Ok(MaybeRow(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<MaybeRow<T>, E> {
                Ok(MaybeRow(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<MaybeRow<T>, E> {
                Ok(MaybeRow(None))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<MaybeRow<T>, E> {
                Ok(MaybeRow(None))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Row {
        id: i64,
        #[serde(default)]
        name: Option<String>,
    }

    fn read(text: &str) -> (Result<ReportRead, String>, Vec<Row>) {
        let mut rows = Vec::new();
        let r = read_report(text.as_bytes(), |r: Row| rows.push(r)).map_err(|e| e.to_string());
        (r, rows)
    }

    #[test]
    fn rows_are_handed_over_in_order_and_junk_elements_are_skipped() {
        let (r, rows) = read(
            r#"{"statusCode":0,"reports":[{"id":1,"name":"a","extra":{"x":[1,2]}},"junk",7,null,[1],{"id":2}]}"#,
        );
        let r = r.unwrap();
        assert_eq!(r.status_code, Some(0));
        assert_eq!((r.rows, r.skipped, r.had_reports), (2, 4, true));
        assert_eq!(
            rows,
            vec![
                Row {
                    id: 1,
                    name: Some("a".into())
                },
                Row { id: 2, name: None }
            ]
        );
    }

    #[test]
    fn key_order_and_unknown_keys_do_not_matter() {
        let (r, rows) = read(r#"{"reports":[{"id":3}],"other":[{"id":9}],"statusCode":"0"}"#);
        assert_eq!(r.unwrap().status_code, Some(0));
        assert_eq!(rows, vec![Row { id: 3, name: None }]);
        let (r, rows) = read(r#"{"statusCode":0,"reports":null}"#);
        assert!(!r.unwrap().had_reports);
        assert!(rows.is_empty());
    }

    #[test]
    fn a_body_that_breaks_off_is_an_error_after_the_rows_before_it() {
        let (r, rows) = read(r#"{"statusCode":0,"reports":[{"id":1},{"id":2},{"id""#);
        assert!(r.is_err());
        assert_eq!(rows.len(), 2);
        let (r, _) = read("<html>captive portal</html>");
        assert!(r.is_err());
        let (r, _) = read(r#"{"reports":[]} trailing"#);
        assert!(r.is_err());
    }

    /// A reader that hands out `n` bytes at a time, to cut the body at every position.
    struct Trickle<'a>(&'a [u8], usize);
    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(self.0.len()).min(out.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_body_cut_into_pieces_anywhere_reads_the_same() {
        let text = r#" { "statusCode" : 0 , "note":"a \"reports\": [ {\"id\":8} ]", "reports" : [ {"id":1,"name":"x,]}\"\\"} , [ [1] ,{"id":9}] , {"id":2,"nested":{"reports":[{"id":7}]}} ,"s,\"]" ] , "tail":[{"id":6}] } "#;
        let whole = read(text);
        assert_eq!(whole.0.clone().unwrap().rows, 2);
        assert_eq!(
            whole.1,
            vec![
                Row {
                    id: 1,
                    name: Some("x,]}\"\\".into())
                },
                Row { id: 2, name: None }
            ]
        );
        for n in 1..8 {
            let mut rows = Vec::new();
            let r = read_report(Trickle(text.as_bytes(), n), |r: Row| rows.push(r)).unwrap();
            assert_eq!(
                (r.rows, r.skipped, r.status_code),
                (2, 2, Some(0)),
                "pieces of {n}"
            );
            assert_eq!(rows, whole.1, "pieces of {n}");
        }
    }

    #[test]
    fn an_escaped_key_is_still_reports_and_broken_arrays_are_errors() {
        let (r, rows) = read(r#"{"rep\u006frts":[{"id":4}]}"#);
        assert!(r.unwrap().had_reports);
        assert_eq!(rows, vec![Row { id: 4, name: None }]);
        for bad in [
            r#"{"reports":[{"id":1},]}"#,
            r#"{"reports":[,{"id":1}]}"#,
            r#"{"reports":[{"id":1} {"id":2}]}"#,
            r#"{"statusCode":0 "reports":[]}"#,
            r#"{"reports":[{"id":1}]"#,
            r#"[{"id":1}]"#,
            "",
        ] {
            assert!(read(bad).0.is_err(), "{bad} was accepted");
        }
    }
}
