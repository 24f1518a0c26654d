//! Validators every provider's forms share: lengths, names, e-mail addresses, lists, file
//! names. Each sets the field's error in the form's words; none reads a file.

use super::widget::Form;

/// A length check on a text field; `what` is the noun without an article ("message").
pub fn len(form: &mut Form, key: &'static str, what: &str, max: usize, required: bool) {
    let v = form.value(key);
    let n = v.chars().count();
    if required && n == 0 {
        form.set_error(key, format!("a {what} is required (1–{max} characters)"));
    } else if n > max {
        form.set_error(
            key,
            format!("the {what} is too long: {n} characters, at most {max}"),
        );
    }
}

/// A DNS name, wildcard or IP address (as certificates name hosts).
pub fn valid_name(s: &str) -> bool {
    if s.parse::<std::net::IpAddr>().is_ok() {
        return true;
    }
    let host = s.strip_prefix("*.").unwrap_or(s);
    !host.is_empty()
        && host.len() <= 253
        && host.contains('.')
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// The items of a comma- or space-separated list.
pub fn split_list(s: &str) -> Vec<String> {
    s.split([',', ' '])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// A loose e-mail address check: someone@somewhere.tld, no spaces.
pub fn looks_like_email(s: &str) -> bool {
    let Some((user, domain)) = s.split_once('@') else {
        return false;
    };
    !user.is_empty() && domain.contains('.') && !s.contains(char::is_whitespace)
}

/// A file name made of a name (a host, an address): wildcards and anything unusual become
/// `_`, no leading dot, never empty.
pub fn file_stem(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| match c {
            '*' => '_',
            c if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' => c,
            _ => '_',
        })
        .collect();
    let s = s.trim_start_matches('.').to_string();
    if s.is_empty() {
        "certificate".into()
    } else {
        s
    }
}

/// A file the form will write: a name is required, and not a folder's.
pub fn file_path(form: &mut Form, key: &'static str) {
    let p = form.value(key);
    if p.is_empty() {
        form.set_error(key, "a file name is required");
    } else if p.ends_with('/') {
        form.set_error(key, "that is a directory; add a file name");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names() {
        assert!(valid_name("www.example.com"));
        assert!(valid_name("*.example.com"));
        assert!(valid_name("192.0.2.1"));
        assert!(!valid_name("localhost"));
        assert!(!valid_name("bad_name.example.com"));
        assert!(!valid_name("-x.example.com"));
        assert!(!valid_name("a..b"));
    }

    #[test]
    fn file_names_from_common_names() {
        assert_eq!(file_stem("*.example.com"), "_.example.com");
        assert_eq!(file_stem("../etc/passwd"), "_etc_passwd");
    }
}
