//! Reading a large JSON answer as it arrives: the rows of `{"statusCode":0,"reports":[…]}`
//! are handed over one by one while the body is still being read, so neither the body nor a
//! `serde_json::Value` tree of it is ever held whole (a 100,000-row SSL report is ~100 MB).

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

/// Read a report envelope from `reader`, calling `each` for every object in `reports` (as a
/// `T`). Elements that are not objects are skipped and counted; unknown envelope keys are
/// ignored. A syntax error or a body that breaks off ends the read with the error, after the
/// rows before it were handed over.
pub fn read_report<R: Read, T: DeserializeOwned>(
    reader: R,
    each: impl FnMut(T),
) -> Result<ReportRead, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut read = ReportRead::default();
    Envelope {
        each,
        read: &mut read,
        _row: PhantomData,
    }
    .deserialize(&mut de)?;
    de.end()?;
    Ok(read)
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
}
