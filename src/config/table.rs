//! One `[[accounts]]` table as written, read key by key: the common keys by `crate::config`,
//! the provider's own keys by the provider (through the registry). Every key taken is checked
//! for its type here, once; whatever no reader took is reported as unknown at the end, naming
//! the kinds that do take it.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use toml::Spanned;

use super::spans::problem;
use super::{ConfigProblem, relative_to};

/// The table as serde gives it: each key and value with its span (ordered by key name; put in
/// file order by [`AccountTable::new`]).
pub(super) type RawTable = BTreeMap<Spanned<String>, Spanned<toml::Value>>;

/// A key as written: its value and where the key and the value are.
struct Entry {
    key: Spanned<String>,
    value: Spanned<toml::Value>,
    taken: bool,
}

/// One account table being read. Problems go to the config's list with the key path
/// `accounts[N].key`, in the order they are found.
pub struct AccountTable<'a> {
    index: usize,
    name: String,
    span: Range<usize>,
    entries: Vec<Entry>,
    text: &'a str,
    base: Option<&'a Path>,
    problems: &'a mut Vec<ConfigProblem>,
}

impl<'a> AccountTable<'a> {
    pub(super) fn new(
        index: usize,
        span: Range<usize>,
        raw: RawTable,
        text: &'a str,
        base: Option<&'a Path>,
        problems: &'a mut Vec<ConfigProblem>,
    ) -> Self {
        let mut raw: Vec<_> = raw.into_iter().collect();
        raw.sort_by_key(|(k, _)| k.span().start);
        let entries = raw
            .into_iter()
            .map(|(key, value)| Entry {
                key,
                value,
                taken: false,
            })
            .collect();
        AccountTable {
            index,
            name: String::new(),
            span,
            entries,
            text,
            base,
            problems,
        }
    }

    /// The account's index in the file (from 0).
    pub fn index(&self) -> usize {
        self.index
    }

    /// The account's name, once `crate::config` has read it (for messages).
    pub fn name(&self) -> &str {
        &self.name
    }

    pub(super) fn set_name(&mut self, name: &str) {
        self.name = name.to_string();
    }

    /// Where the table is (its header), for problems about a key that is missing.
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// Report a problem about `key` of this account at `span`.
    pub fn report(&mut self, span: Range<usize>, key: &str, message: String) {
        let path = format!("accounts[{}].{key}", self.index);
        self.problems
            .push(problem(self.text, span, Some(path), message));
    }

    /// Report that the required `key` is missing (at the table's header).
    pub fn missing(&mut self, key: &str, message: String) {
        self.report(self.span.clone(), key, message);
    }

    /// Take `key` and read it as `T`; a value of another type is reported (naming what was
    /// expected) and read as absent.
    pub fn take<T: DeserializeOwned>(&mut self, key: &str, what: &str) -> Option<Spanned<T>> {
        let entry = self.entries.iter_mut().find(|e| e.key.get_ref() == key)?;
        entry.taken = true;
        let span = entry.value.span();
        match T::deserialize(entry.value.get_ref().clone()) {
            Ok(v) => Some(Spanned::new(span, v)),
            Err(_) => {
                let found = entry.value.get_ref().type_str();
                self.report(
                    span,
                    key,
                    format!("{key} must be {what}, not {}", article(found)),
                );
                None
            }
        }
    }

    /// Take a string key.
    pub fn string(&mut self, key: &str) -> Option<Spanned<String>> {
        self.take(key, "a string")
    }

    /// Take a string key that must not be blank; the value is trimmed.
    pub fn text(&mut self, key: &str) -> Option<Spanned<String>> {
        let v = self.string(key)?;
        let span = v.span();
        let trimmed = v.get_ref().trim();
        if trimmed.is_empty() {
            self.report(span, key, format!("{key} is empty"));
            return None;
        }
        Some(Spanned::new(span, trimmed.to_string()))
    }

    /// Take a required string key that must not be blank; `why` ends the message when it is
    /// missing ("account \"x\" is of kind \"sectigo\", which needs login = \"…\"").
    pub fn required_text(&mut self, key: &str, why: &str) -> Option<Spanned<String>> {
        let present = self.has(key);
        let v = self.text(key);
        if !present {
            self.missing(key, why.to_string());
        }
        v
    }

    /// Take a path key (not blank): relative paths are taken relative to the config file's
    /// directory; absolute ones and `~/…` (expanded when the file is read) are kept.
    pub fn path(&mut self, key: &str) -> Option<Spanned<PathBuf>> {
        let v = self.text(key)?;
        let p = PathBuf::from(v.get_ref());
        let p = match self.base {
            Some(dir) => relative_to(dir, &p),
            None => p,
        };
        Some(Spanned::new(v.span(), p))
    }

    /// Take a boolean key.
    pub fn bool(&mut self, key: &str) -> Option<Spanned<bool>> {
        self.take(key, "true or false")
    }

    /// Take an integer key in `1..=max` (`default` when absent or out of range, which is
    /// reported).
    pub fn number(&mut self, key: &str, max: u64, default: u64) -> u64 {
        let Some(v) = self.take::<i64>(key, "a whole number") else {
            return default;
        };
        let n = *v.get_ref();
        if n < 1 || n as u64 > max {
            self.report(
                v.span(),
                key,
                format!("{n} is out of range; {key} must be 1..={max}"),
            );
            default
        } else {
            n as u64
        }
    }

    /// Whether `key` is written in the table (taken or not).
    pub fn has(&self, key: &str) -> bool {
        self.entries.iter().any(|e| e.key.get_ref() == key)
    }

    /// Where `key` is written (its value), if it is.
    pub fn span_of(&self, key: &str) -> Option<Range<usize>> {
        self.entries
            .iter()
            .find(|e| e.key.get_ref() == key)
            .map(|e| e.value.span())
    }

    /// Report every key no reader took. `takers(key)` names the kinds that do take it. Without
    /// a known `kind` (it is missing or wrong, which is reported already), only the keys that
    /// no kind takes are reported, against the common `keys`.
    pub(super) fn unknown(
        &mut self,
        kind: Option<&str>,
        keys: &[&str],
        takers: &dyn Fn(&str) -> String,
    ) {
        let left: Vec<(String, Range<usize>)> = self
            .entries
            .iter()
            .filter(|e| !e.taken)
            .map(|e| (e.key.get_ref().clone(), e.key.span()))
            .collect();
        for (key, span) in left {
            let others = takers(&key);
            let message = match kind {
                Some(kind) if others.is_empty() => format!(
                    "unknown field `{key}`; an account of kind {kind:?} takes {}",
                    keys.join(", ")
                ),
                Some(kind) => {
                    format!("unknown field `{key}`: it is a key of kind {others}, not of {kind:?}")
                }
                None if others.is_empty() => format!(
                    "unknown field `{key}`; every account takes {}, and its kind adds its own",
                    keys.join(", ")
                ),
                None => continue,
            };
            self.report(span, &key, message);
        }
    }
}

/// "a string", "an integer", "an array".
fn article(noun: &str) -> String {
    let an = noun.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {noun}", if an { "an" } else { "a" })
}
