//! Base URLs of accounts.

/// Parse an account's base URL: http(s) only, a host, no credentials; trailing slashes,
/// query and fragment dropped. `example` names a typical URL for the messages.
pub fn base_url(text: &str, example: &str) -> Result<reqwest::Url, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(format!("the URL is empty (expected e.g. {example})"));
    }
    let mut url = reqwest::Url::parse(t)
        .map_err(|e| format!("the URL {t:?} is not valid ({e}); expected e.g. {example}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "the URL {t:?} must start with https:// (or http:// for a local emulator)"
        ));
    }
    if url.host_str().is_none() {
        return Err(format!("the URL {t:?} has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(
            "the URL must not contain credentials; they come from the secret sources".into(),
        );
    }
    let path = url.path().trim_end_matches('/').to_string();
    url.set_path(&path);
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

/// Whether the URL's host is this machine (`localhost`, 127.0.0.0/8, ::1).
pub fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host_str() {
        Some(h) => {
            let h = h.trim_start_matches('[').trim_end_matches(']');
            h.eq_ignore_ascii_case("localhost")
                || h.parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        None => false,
    }
}
