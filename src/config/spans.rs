//! Positions and key paths for error messages: a byte offset as a 1-based line and column,
//! and the dotted key path (`accounts[1].url`) of whatever a span points into, from the
//! span tree of the first parsing pass.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::ConfigProblem;

pub(super) fn problem(
    text: &str,
    span: Range<usize>,
    key: Option<String>,
    message: String,
) -> ConfigProblem {
    let (line, column) = line_col(text, span.start);
    ConfigProblem {
        line: Some(line),
        column: Some(column),
        key,
        message,
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(super) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    (line, column)
}

/// toml's syntax messages are one or more lines; keep them on one line.
pub(super) fn syntax_message(e: &toml::de::Error) -> String {
    let m = e.message().trim();
    let joined: Vec<&str> = m.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    format!("invalid TOML: {}", joined.join("; "))
}

/// `missing field `name`` → `name`.
pub(super) fn missing_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next()
}

/// The dotted key path of the deepest key or value whose span contains `span.start`.
pub(super) fn key_path_at(tree: &Spanned<DeTable<'_>>, span: &Range<usize>) -> Option<String> {
    let mut path = String::new();
    walk_table(tree.get_ref(), span.start, &mut path);
    if path.is_empty() { None } else { Some(path) }
}

fn walk_table(table: &DeTable<'_>, at: usize, path: &mut String) {
    for (k, v) in table.iter() {
        let in_key = k.span().contains(&at);
        let in_value = v.span().contains(&at);
        if in_key || in_value {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(k.get_ref());
            if in_value {
                walk_value(v.get_ref(), at, path);
            }
            return;
        }
    }
    // Array-of-tables and dotted headers: a table's span may not cover its entries, so look
    // inside nested tables and arrays too.
    for (k, v) in table.iter() {
        let mut sub = String::new();
        walk_value(v.get_ref(), at, &mut sub);
        if !sub.is_empty() {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(k.get_ref());
            if !sub.starts_with('[') {
                path.push('.');
            }
            path.push_str(&sub);
            return;
        }
    }
}

fn walk_value(value: &DeValue<'_>, at: usize, path: &mut String) {
    match value {
        DeValue::Table(t) => walk_table(t, at, path),
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let mut sub = String::new();
                walk_value(item.get_ref(), at, &mut sub);
                if item.span().contains(&at) || !sub.is_empty() {
                    path.push_str(&format!("[{i}]"));
                    if !sub.is_empty() {
                        if !sub.starts_with('[') {
                            path.push('.');
                        }
                        path.push_str(&sub);
                    }
                    return;
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncé d", 7), (2, 4));
        assert_eq!(line_col("", 5), (1, 1));
    }
}
