//! Text for the detail pane ([`CertView::lines`]) and the full-screen view
//! ([`CertView::inspect_text`]).

use std::fmt::Write as _;

use super::{CertView, San, oids};

/// Width the inspect text wraps comma-separated lists at.
const WRAP: usize = 80;

impl CertView {
    /// Label/value rows for the detail pane, in display order. Rows for absent optional
    /// fields (no SANs, no key usage …) are left out.
    pub fn lines(&self, now: i64) -> Vec<(String, String)> {
        let mut rows: Vec<(String, String)> = Vec::new();
        let mut row = |label: &str, value: String| rows.push((label.to_string(), value));

        row("Subject", or_empty(&self.subject));
        if !self.sans.is_empty() {
            row("SANs", join(&self.sans));
        }
        let mut issuer = or_empty(&self.issuer);
        if self.is_self_signed {
            issuer.push_str(" (self-signed)");
        }
        row("Issuer", issuer);
        row(
            "Not before",
            with_note(utc(self.not_before), self.not_before_note(now)),
        );
        row(
            "Not after",
            with_note(utc(self.not_after), Some(self.not_after_note(now))),
        );
        row("Key", self.key_text());
        row("Signature", self.signature_algorithm.clone());
        row("Serial", self.serial_text());
        row("SHA-256", self.sha256.clone());
        row("SHA-1", self.sha1.clone());
        if !self.key_usage.is_empty() {
            row("Key usage", self.key_usage.join(", "));
        }
        if !self.ext_key_usage.is_empty() {
            row("Ext key usage", self.ext_key_usage.join(", "));
        }
        if let Some(bc) = self.basic_constraints {
            row("Basic constraints", basic_constraints_text(bc));
        }
        if let Some(ski) = &self.subject_key_id {
            row("Subject key ID", ski.clone());
        }
        if let Some(aki) = &self.authority_key_id {
            row("Authority key ID", aki.clone());
        }
        if !self.policies.is_empty() {
            row("Policies", self.policies.join(", "));
        }
        if !self.crl_urls.is_empty() {
            row("CRL", self.crl_urls.join(", "));
        }
        if !self.ocsp_urls.is_empty() {
            row("OCSP", self.ocsp_urls.join(", "));
        }
        if !self.ca_issuer_urls.is_empty() {
            row("CA issuers", self.ca_issuer_urls.join(", "));
        }
        row("Version", self.version.to_string());
        rows
    }

    /// A multi-line, indented description in the spirit of `step certificate inspect`.
    pub fn inspect_text(&self, now: i64) -> String {
        let mut out = String::new();
        let mut line = |indent: usize, text: &str| {
            let _ = writeln!(out, "{:indent$}{text}", "");
        };

        line(0, "Certificate:");
        line(4, "Data:");
        line(
            8,
            &format!(
                "Version: {} (0x{:x})",
                self.version,
                self.version.saturating_sub(1)
            ),
        );
        line(8, &format!("Serial Number: {}", self.serial_text()));
        line(
            4,
            &format!("Signature Algorithm: {}", self.signature_algorithm),
        );
        line(8, &format!("Issuer: {}", or_empty(&self.issuer)));
        line(8, "Validity");
        line(
            12,
            &format!(
                "Not Before: {}",
                with_note(utc(self.not_before), self.not_before_note(now))
            ),
        );
        line(
            12,
            &format!(
                "Not After : {}",
                with_note(utc(self.not_after), Some(self.not_after_note(now)))
            ),
        );
        line(8, &format!("Subject: {}", or_empty(&self.subject)));
        line(8, "Subject Public Key Info:");
        line(12, &format!("Public Key Algorithm: {}", self.key_type));
        if let Some(bits) = self.key_bits {
            line(16, &format!("Public-Key: ({bits} bit)"));
        }

        if !self.extensions.is_empty() {
            line(8, "X509v3 extensions:");
        }
        for ext in &self.extensions {
            let critical = if ext.critical { " critical" } else { "" };
            let known = oids::extension(&ext.oid).is_some();
            let title = if known && !ext.oid.starts_with("2.5.29.") {
                // AIA and friends are not X.509v3 "standard" in OpenSSL's naming either.
                format!("{}:{critical}", ext.name)
            } else if known {
                format!("X509v3 {}:{critical}", ext.name)
            } else {
                format!("{}:{critical}", ext.oid)
            };
            line(12, &title);
            let body = self.extension_body(&ext.oid);
            for text in body {
                line(16, &text);
            }
        }

        line(4, "Fingerprints:");
        line(8, &format!("SHA-256: {}", self.sha256));
        line(8, &format!("SHA-1: {}", self.sha1));
        out
    }

    /// The lines under one extension's title in [`CertView::inspect_text`].
    fn extension_body(&self, oid: &str) -> Vec<String> {
        let width = WRAP - 16;
        match oid {
            "2.5.29.15" => wrap(&self.key_usage, width),
            "2.5.29.37" => wrap(&self.ext_key_usage, width),
            "2.5.29.19" => vec![match self.basic_constraints {
                Some(bc) => {
                    let mut s = format!("CA:{}", if bc.ca { "TRUE" } else { "FALSE" });
                    if let Some(len) = bc.path_len {
                        let _ = write!(s, ", pathlen:{len}");
                    }
                    s
                }
                None => "(unreadable)".to_string(),
            }],
            "2.5.29.14" => vec![
                self.subject_key_id
                    .clone()
                    .unwrap_or_else(|| "(unreadable)".to_string()),
            ],
            "2.5.29.35" => vec![match &self.authority_key_id {
                Some(kid) => format!("keyid:{kid}"),
                None => "(no key identifier)".to_string(),
            }],
            "2.5.29.17" => {
                let items: Vec<String> = self.sans.iter().map(inspect_san).collect();
                wrap(&items, width)
            }
            "2.5.29.31" => self.crl_urls.iter().map(|u| format!("URI:{u}")).collect(),
            "1.3.6.1.5.5.7.1.1" => self
                .ocsp_urls
                .iter()
                .map(|u| format!("OCSP - URI:{u}"))
                .chain(
                    self.ca_issuer_urls
                        .iter()
                        .map(|u| format!("CA Issuers - URI:{u}")),
                )
                .collect(),
            "2.5.29.32" => self
                .policies
                .iter()
                .map(|p| format!("Policy: {p}"))
                .collect(),
            _ => vec!["(not shown)".to_string()],
        }
    }

    fn key_text(&self) -> String {
        match self.key_bits {
            Some(bits) => format!("{} ({bits} bits)", self.key_type),
            None => self.key_type.clone(),
        }
    }

    fn serial_text(&self) -> String {
        match &self.serial_decimal {
            Some(dec) => format!("{} ({dec})", self.serial_hex),
            None => self.serial_hex.clone(),
        }
    }

    /// `NOT YET VALID, starts in 3 days` before `not_before`, else nothing.
    fn not_before_note(&self, now: i64) -> Option<String> {
        (now < self.not_before)
            .then(|| format!("NOT YET VALID, starts in {}", span(self.not_before - now)))
    }

    /// `123 days left`, `expires in 5 hours`, or `EXPIRED 5 days ago`.
    fn not_after_note(&self, now: i64) -> String {
        if now > self.not_after {
            format!("EXPIRED {} ago", span(now - self.not_after))
        } else {
            let left = self.not_after - now;
            if left >= 86_400 {
                plural(left / 86_400, "day") + " left"
            } else {
                format!("expires in {}", span(left))
            }
        }
    }
}

/// `2025-03-01 12:00:00 UTC`; falls back to the raw seconds outside jiff's range.
pub(super) fn utc(seconds: i64) -> String {
    match jiff::Timestamp::from_second(seconds) {
        Ok(ts) => ts.strftime("%Y-%m-%d %H:%M:%S UTC").to_string(),
        Err(_) => format!("{seconds} (Unix seconds, out of range)"),
    }
}

fn with_note(text: String, note: Option<String>) -> String {
    match note {
        Some(note) => format!("{text} ({note})"),
        None => text,
    }
}

/// A duration in the largest whole unit: `3 days`, `1 hour`, `45 seconds`.
fn span(seconds: i64) -> String {
    let seconds = seconds.max(0);
    if seconds >= 86_400 {
        plural(seconds / 86_400, "day")
    } else if seconds >= 3_600 {
        plural(seconds / 3_600, "hour")
    } else if seconds >= 60 {
        plural(seconds / 60, "minute")
    } else {
        plural(seconds, "second")
    }
}

fn plural(n: i64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

fn or_empty(text: &str) -> String {
    if text.is_empty() {
        "(empty)".to_string()
    } else {
        text.to_string()
    }
}

fn join(sans: &[San]) -> String {
    sans.iter()
        .map(San::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn basic_constraints_text(bc: super::BasicConstraints) -> String {
    if bc.ca {
        match bc.path_len {
            Some(len) => format!("CA: true, path length: {len}"),
            None => "CA: true, path length: unlimited".to_string(),
        }
    } else {
        "CA: false".to_string()
    }
}

/// SAN spelling of OpenSSL/step's inspect output.
fn inspect_san(san: &San) -> String {
    match san {
        San::Ip(ip) => format!("IP Address:{ip}"),
        other => other.to_string(),
    }
}

/// Joins `items` with `, ` into lines of at most `width` characters (longer items get a
/// line of their own).
fn wrap(items: &[String], width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for (i, item) in items.iter().enumerate() {
        let piece = if i + 1 < items.len() {
            format!("{item},")
        } else {
            item.clone()
        };
        if current.is_empty() {
            current = piece;
        } else if current.chars().count() + 1 + piece.chars().count() <= width {
            current.push(' ');
            current.push_str(&piece);
        } else {
            lines.push(std::mem::take(&mut current));
            current = piece;
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_pick_the_largest_unit() {
        assert_eq!(span(0), "0 seconds");
        assert_eq!(span(59), "59 seconds");
        assert_eq!(span(60), "1 minute");
        assert_eq!(span(7_200), "2 hours");
        assert_eq!(span(86_400 * 5 + 3), "5 days");
    }

    #[test]
    fn utc_formats_and_survives_out_of_range() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(1_767_225_600), "2026-01-01 00:00:00 UTC");
        assert!(utc(i64::MAX).contains("out of range"));
    }

    #[test]
    fn wrap_keeps_lines_short() {
        let items: Vec<String> = (0..10)
            .map(|i| format!("DNS:host{i}.example.com"))
            .collect();
        let lines = wrap(&items, 64);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| l.chars().count() <= 64), "{lines:?}");
        assert_eq!(lines.join(" "), items.join(", "));
    }
}
