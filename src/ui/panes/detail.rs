//! The detail pane: the certificate's row, the provider's fields and the parsed X.509 view,
//! as label/value lines wrapped to the pane.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::{DetailState, Pane, Scope, State};
use crate::model::CertStatus;
use crate::ui::layout::detail_inner;
use crate::ui::text::{fit, longest_piece, wrap_words, ymd};
use crate::ui::theme::Theme;
use crate::ui::views;

use super::list::{days_cell, status_style};
use super::{SPINNER, pane_block};

/// How far the detail pane can scroll (shared with `app` so scrolling stops at the end).
pub fn detail_max_scroll(state: &State) -> u16 {
    let (w, h) = detail_inner(state);
    let theme = Theme::for_state(state.no_color);
    let lines = detail_lines(state, w as usize, &theme);
    let rows: usize = lines
        .iter()
        .map(|l| l.width().max(1).div_ceil(w.max(1) as usize))
        .sum();
    (rows as u16).saturating_sub(h)
}

fn section(title: &str, theme: &Theme) -> Line<'static> {
    Line::styled(format!("── {title} "), theme.accent)
}

/// The label column of the detail: as wide as the longest label, at most 24 and at most
/// half the pane (a longer label gets a line of its own).
fn label_width<'a>(labels: impl Iterator<Item = &'a str>, width: usize) -> usize {
    let longest = labels.map(|l| l.chars().count()).max().unwrap_or(0);
    longest.clamp(7, 24).min((width / 2).max(7))
}

/// A label/value row with the value wrapped under itself (hanging indent). A value with a
/// piece too long for the value column starts on its own line under the label instead, so
/// words are not cut where the full width would hold them.
fn field(label: &str, value: String, width: usize, lw: usize, theme: &Theme) -> Vec<Line<'static>> {
    let vw = width.saturating_sub(lw + 1).max(8);
    let full = width.saturating_sub(2).max(8);
    let piece = longest_piece(&value);
    let label_n = label.chars().count();
    if (piece > vw || label_n > lw) && label_n <= width {
        let mut out = vec![Line::styled(label.to_string(), theme.muted)];
        out.extend(
            wrap_words(&value, full)
                .into_iter()
                .map(|chunk| Line::raw(format!("  {chunk}"))),
        );
        return out;
    }
    wrap_words(&value, vw)
        .into_iter()
        .enumerate()
        .map(|(n, chunk)| {
            let label = if n == 0 {
                fit(label, lw)
            } else {
                String::new()
            };
            Line::from(vec![
                Span::styled(format!("{label:<lw$} "), theme.muted),
                Span::raw(chunk),
            ])
        })
        .collect()
}

/// The lines of the detail pane (also used by tests).
pub fn detail_lines(state: &State, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    if let Scope::View(account, id) = state.scope() {
        return views::detail_lines(state, account, id, theme);
    }
    let Some((i, c)) = state.detail_target() else {
        return vec![Line::styled("no certificate selected", theme.muted)];
    };
    let mut out = vec![Line::styled(c.common_name.clone(), theme.title)];
    // Every label of this detail, for the width of the label column.
    let mut labels: Vec<String> = ["Status", "Expires", "Account", "Id", "Key file"]
        .iter()
        .map(|l| l.to_string())
        .collect();
    if let Some(DetailState::Loaded(v)) = state.details.get(&i) {
        labels.extend(v.detail.fields.iter().map(|(k, _)| k.clone()));
        labels.extend(v.detail.custom_fields.iter().map(|(k, _)| k.clone()));
        if let Ok(certs) = &v.x509 {
            for cv in certs {
                labels.extend(cv.lines(state.now).into_iter().map(|(k, _)| k));
            }
        }
    }
    let lw = label_width(labels.iter().map(|l| l.as_str()), width);
    let (days, dstyle) = days_cell(c, state.now, theme);
    let account = state
        .accounts
        .get(c.account)
        .map(|a| a.name.clone())
        .unwrap_or_default();
    out.push(Line::from(vec![
        Span::styled(format!("{:<lw$} ", "Status"), theme.muted),
        // The same spelling as the list's Status column.
        Span::styled(
            if c.status == CertStatus::Unknown {
                c.status_text.to_string()
            } else {
                c.status.label().to_string()
            },
            status_style(c.status, theme),
        ),
    ]));
    let expires = match c.expires {
        Some(e) => Line::from(vec![
            Span::styled(format!("{:<lw$} ", "Expires"), theme.muted),
            Span::raw(format!("{} (", ymd(e))),
            Span::styled(days, dstyle),
            Span::raw(")"),
        ]),
        None => Line::from(vec![
            Span::styled(format!("{:<lw$} ", "Expires"), theme.muted),
            Span::raw("—"),
        ]),
    };
    out.push(expires);
    out.extend(field(
        "Account",
        format!("{account} ({})", c.family.label()),
        width,
        lw,
        theme,
    ));
    out.extend(field("Id", c.id.clone(), width, lw, theme));
    match state.details.get(&i) {
        None => out.push(Line::styled("Enter loads the full detail", theme.muted)),
        Some(DetailState::Loading) => out.push(Line::styled(
            format!("{} loading detail…", SPINNER[state.spinner % SPINNER.len()]),
            theme.muted,
        )),
        Some(DetailState::Failed(e)) => {
            out.push(Line::styled("detail failed:", theme.danger));
            out.push(Line::raw(e.to_string()));
        }
        Some(DetailState::Loaded(v)) => {
            out.push(section("Certificate Manager", theme));
            for (k, val) in &v.detail.fields {
                out.extend(field(k, val.clone(), width, lw, theme));
            }
            if !v.detail.custom_fields.is_empty() {
                out.push(section("Custom fields", theme));
                for (k, val) in &v.detail.custom_fields {
                    out.extend(field(k, val.clone(), width, lw, theme));
                }
            }
            match &v.x509 {
                Ok(certs) if certs.is_empty() => {
                    if let Some(note) = &v.detail.body_note {
                        out.push(section("Certificate", theme));
                        out.push(Line::styled(note.clone(), theme.warning));
                    }
                }
                Ok(certs) => {
                    if let Some((path, answer)) = &v.key_match {
                        let (text, style) = match answer {
                            Ok(true) => (
                                format!("matches the private key {}", path.display()),
                                theme.ok,
                            ),
                            Ok(false) => (
                                format!("does NOT match the private key {}", path.display()),
                                theme.danger,
                            ),
                            Err(e) => (format!("key check failed: {e}"), theme.warning),
                        };
                        out.push(section("Private key", theme));
                        out.extend(
                            field("Key file", text, width, lw, theme)
                                .into_iter()
                                .map(|l| l.style(style)),
                        );
                    }
                    for (n, cv) in certs.iter().enumerate() {
                        let t = if n == 0 {
                            "Certificate".to_string()
                        } else {
                            format!("Chain certificate {n}")
                        };
                        out.push(section(&t, theme));
                        for (k, val) in cv.lines(state.now) {
                            out.extend(field(&k, val, width, lw, theme));
                        }
                    }
                }
                Err(e) => {
                    out.push(section("Certificate", theme));
                    out.push(Line::styled(
                        format!("the certificate body did not parse: {e}"),
                        theme.danger,
                    ));
                }
            }
        }
    }
    out
}

pub(in crate::ui) fn draw_detail(state: &State, frame: &mut Frame, area: Rect, theme: &Theme) {
    let focused = state.focus == Pane::Detail;
    let block = pane_block("Detail", focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines = detail_lines(state, inner.width as usize, theme);
    let max_scroll = (lines.len() as u16).saturating_sub(inner.height);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((state.detail_scroll.min(max_scroll), 0)),
        inner,
    );
}
