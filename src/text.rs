//! Text helpers for the screen and its messages: cut to a width, wrap at words, group digits, dates.

/// Cut `s` to `w` display columns, ending in "…" when cut.
pub fn fit(s: &str, w: usize) -> String {
    if w == 0 {
        return String::new();
    }
    let n = s.chars().count();
    if n <= w {
        return s.to_string();
    }
    let mut out: String = s.chars().take(w - 1).collect();
    out.push('…');
    out
}

/// 12345 → "12,345".
pub fn group(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "1 domain", "1,200 domains".
pub(super) fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", group(n), if n == 1 { one } else { many })
}

/// "2026-11-22" from Unix seconds (UTC).
pub fn ymd(secs: i64) -> String {
    jiff::Timestamp::from_second(secs)
        .map(|t| t.strftime("%Y-%m-%d").to_string())
        .unwrap_or_else(|_| "?".into())
}

/// Greedy word wrap of `text` to `width` columns. Lines break at spaces and after commas
/// (so a subject `CN=a,O=b` breaks between its parts); only a piece longer than a whole line
/// is split.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    // Leading indentation is kept on the first line.
    let indent = text.len() - text.trim_start_matches(' ').len();
    let mut cur = " ".repeat(indent.min(width.saturating_sub(1)));
    let mut cur_len = cur.len();
    let text = &text[indent..];
    for word in text.split(' ') {
        // An empty word (a run of spaces) keeps its space.
        let pieces: Vec<&str> = if word.is_empty() {
            vec![""]
        } else {
            word.split_inclusive(',').collect()
        };
        for (n, piece) in pieces.into_iter().enumerate() {
            let plen = piece.chars().count();
            let space = n == 0 && !cur.trim().is_empty();
            if !cur.trim().is_empty() && cur_len + usize::from(space) + plen > width {
                lines.push(std::mem::take(&mut cur));
                cur_len = 0;
            } else if space {
                cur.push(' ');
                cur_len += 1;
            }
            let mut rest: Vec<char> = piece.chars().collect();
            while cur_len + rest.len() > width {
                let take = width - cur_len;
                cur.extend(rest.drain(..take));
                lines.push(std::mem::take(&mut cur));
                cur_len = 0;
            }
            cur_len += rest.len();
            cur.extend(rest);
        }
    }
    if cur_len > 0 || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

/// The longest piece `wrap_words` would have to place on one line.
pub(super) fn longest_piece(text: &str) -> usize {
    text.split(' ')
        .flat_map(|w| w.split_inclusive(','))
        .map(|p| p.chars().count())
        .max()
        .unwrap_or(0)
}
