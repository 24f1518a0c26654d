//! Popups: help (generated from the key table), the error log and one error.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::theme::Theme;
use super::{fit, ymd};
use crate::app::{Ctx, Overlay, Severity, State};

pub fn draw(state: &State, frame: &mut Frame, area: Rect, theme: &Theme) {
    match &state.overlay {
        None => {}
        Some(Overlay::Help { scroll }) => help(state, frame, area, theme, *scroll),
        Some(Overlay::Errors { selected }) => errors(state, frame, area, theme, *selected),
        Some(Overlay::Error { index }) => error(state, frame, area, theme, *index),
        Some(Overlay::Menu { selected }) => {
            super::dialog::menu(state, frame, area, theme, *selected)
        }
        Some(Overlay::Audit {
            path,
            entries,
            scroll,
            open: false,
        }) => audit(frame, area, theme, path, entries, *scroll),
        Some(Overlay::Audit {
            entries,
            scroll,
            open: true,
            ..
        }) => audit_entry(frame, area, theme, entries, *scroll),
        // Drawn last: it can sit over a dialog.
        Some(Overlay::Copy { .. }) => {}
    }
    if let Some(d) = &state.dialog {
        super::dialog::form(frame, area, theme, &d.form);
    }
    if let Some(Overlay::Copy { items, selected }) = &state.overlay {
        super::dialog::copy(frame, area, theme, items, *selected);
    }
    // A provider's question is over everything: it takes the keys until answered.
    if state.prompt().is_some() {
        prompt(state, frame, area, theme);
    }
}

/// A provider's question: what it is about, the field (dots for a secret) or yes/no.
fn prompt(state: &State, frame: &mut Frame, area: Rect, theme: &Theme) {
    use crate::provider::host::PromptKind;
    let Some(asked) = state.prompt() else {
        return;
    };
    let account = state
        .accounts
        .get(asked.account)
        .map_or("?", |a| a.name.as_str());
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{:<9}", "Account"), theme.muted),
        Span::raw(account.to_string()),
    ])];
    lines.push(Line::raw(""));
    lines.extend(asked.question.lines.iter().map(|l| Line::raw(l.clone())));
    lines.push(Line::raw(""));
    let footer = match asked.question.kind {
        PromptKind::Secret => {
            // Dots only, never the characters; at most the field's width of them.
            let dots = "•".repeat(asked.typed.len().min(40));
            lines.push(Line::from(vec![
                Span::styled("> ", theme.key),
                Span::raw(dots),
                Span::styled("▏", theme.key),
            ]));
            "Enter send · Esc cancel"
        }
        PromptKind::YesNo => {
            lines.push(Line::from(vec![
                Span::styled("y", theme.key),
                Span::raw(" yes   "),
                Span::styled("n", theme.key),
                Span::raw(" no"),
            ]));
            "y yes · n no · Esc cancel"
        }
    };
    let more = state.prompts.len().saturating_sub(1);
    let footer = if more > 0 {
        format!("{footer} · {more} more waiting")
    } else {
        footer.to_string()
    };
    let w = area.width.saturating_sub(4).min(64);
    let inner_w = w.saturating_sub(2).max(1) as usize;
    let wrapped: u16 = lines
        .iter()
        .map(|l| (l.width().max(1).div_ceil(inner_w)) as u16)
        .sum();
    let rect = popup(area, w, wrapped + 2);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(frame_block(&asked.question.title, &footer, theme)),
        rect,
    );
}

fn popup(area: Rect, w: u16, h: u16) -> Rect {
    area.centered(
        Constraint::Length(w.min(area.width.saturating_sub(2))),
        Constraint::Length(h.min(area.height.saturating_sub(2))),
    )
}

fn frame_block<'a>(title: &'a str, footer: &'a str, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border_focus)
        .title(Line::styled(format!(" {title} "), theme.title))
        .title_bottom(Line::styled(format!(" {footer} "), theme.muted))
}

/// The help popup's width for a terminal `width` columns wide.
fn help_width(width: u16) -> u16 {
    width.saturating_sub(4).min(100)
}

/// The help text, generated from the key table: one section per context; descriptions wrap
/// under themselves to fit `inner_w` columns.
pub fn help_lines(state: &State, theme: &Theme, inner_w: usize) -> Vec<Line<'static>> {
    const KEY_W: usize = 20;
    let desc_w = inner_w.saturating_sub(KEY_W).max(10);
    let entry = |keys: String, help: &str, lines: &mut Vec<Line<'static>>| {
        for (n, chunk) in super::wrap_words(help, desc_w).into_iter().enumerate() {
            let k = if n == 0 { keys.as_str() } else { "" };
            lines.push(Line::from(vec![
                Span::styled(format!("  {k:<w$}", w = KEY_W - 2), theme.key),
                Span::raw(chunk),
            ]));
        }
    };
    let mut lines = Vec::new();
    // Each line ends with the binding's name in `[ui.keys]`, for remapping it.
    let described = |b: &crate::app::keys::Binding| format!("{}  [{}]", b.help, b.name);
    for ctx in [Ctx::Global, Ctx::Accounts, Ctx::List, Ctx::Detail] {
        let rows: Vec<_> = state
            .keymap
            .bindings
            .iter()
            .filter(|b| b.contexts.contains(&ctx))
            .filter(|b| !matches!(b.action, crate::app::Action::Invoke(_)))
            .collect();
        if rows.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(ctx.title().to_string(), theme.accent));
        for b in rows {
            let keys: Vec<String> = b.keys.iter().map(|k| k.to_string()).collect();
            entry(keys.join(" "), &described(b), &mut lines);
        }
    }
    // The accounts' actions, once each, as their providers declare them (in the lists and
    // the detail; `m` shows which the selected certificate allows).
    let offered: Vec<_> = state
        .keymap
        .bindings
        .iter()
        .filter(|b| match b.action {
            crate::app::Action::Invoke(id) => {
                state.accounts.iter().any(|a| a.info.action(id).is_some())
            }
            _ => false,
        })
        .collect();
    if !offered.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "Actions (lists and detail; m shows what applies)".to_string(),
            theme.accent,
        ));
        for b in offered {
            let keys: Vec<String> = b.keys.iter().map(|k| k.to_string()).collect();
            entry(keys.join(" "), &described(b), &mut lines);
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("While filtering", theme.accent));
    entry(
        "Enter ↓".into(),
        "keep the filter and go to the list",
        &mut lines,
    );
    entry("Esc".into(), "clear the filter", &mut lines);
    lines
}

/// How far the help overlay can scroll at the current size.
pub fn help_max_scroll(state: &State) -> u16 {
    let inner_w = help_width(state.size.0).saturating_sub(2) as usize;
    let n = help_lines(state, &Theme::for_state(state.no_color), inner_w).len() as u16;
    let inner_h = (n + 2)
        .min(state.size.1.saturating_sub(2))
        .saturating_sub(2);
    n.saturating_sub(inner_h)
}

fn help(state: &State, frame: &mut Frame, area: Rect, theme: &Theme, scroll: u16) {
    let w = help_width(area.width);
    let lines = help_lines(state, theme, w.saturating_sub(2) as usize);
    let rect = popup(area, w, lines.len() as u16 + 2);
    frame.render_widget(Clear, rect);
    let inner_h = rect.height.saturating_sub(2);
    let max = (lines.len() as u16).saturating_sub(inner_h);
    frame.render_widget(
        Paragraph::new(lines)
            .block(frame_block("Keys", "j/k scroll · Esc close", theme))
            .scroll((scroll.min(max), 0)),
        rect,
    );
}

fn errors(state: &State, frame: &mut Frame, area: Rect, theme: &Theme, selected: usize) {
    let rect = popup(
        area,
        area.width.saturating_sub(8),
        area.height.saturating_sub(6),
    );
    frame.render_widget(Clear, rect);
    let block = frame_block("Error log", "j/k move · Enter show · Esc close", theme);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    // Errors on top (at most half the height), then the status messages, newest last.
    let err_rows = (state.errors.len().max(1) as u16).min(inner.height / 2);
    let [err_area, msg_area] =
        Layout::vertical([Constraint::Length(err_rows), Constraint::Fill(1)]).areas(inner);
    let w = inner.width as usize;
    if state.errors.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled("no errors so far", theme.muted)),
            err_area,
        );
    } else {
        let h = err_area.height as usize;
        let start = selected.saturating_sub(h.saturating_sub(1));
        let lines: Vec<Line> = state
            .errors
            .iter()
            .enumerate()
            .skip(start)
            .take(h)
            .map(|(i, e)| {
                let code = e
                    .error
                    .code
                    .map(|c| format!(" code {c}"))
                    .unwrap_or_default();
                let http = e
                    .error
                    .http_status
                    .map(|s| format!(" HTTP {s}"))
                    .unwrap_or_default();
                let text = format!(
                    "{} {} · {}{http}{code} · {}",
                    hms(e.time),
                    e.error.account,
                    e.error.operation,
                    e.error.message
                );
                let style = if i == selected {
                    theme.selection
                } else {
                    theme.danger
                };
                Line::styled(fit(&text, w), style)
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), err_area);
    }
    messages(state, frame, msg_area, theme);
}

/// The status-message history, in full (wrapped), newest at the bottom.
fn messages(state: &State, frame: &mut Frame, area: Rect, theme: &Theme) {
    if area.height < 2 {
        return;
    }
    let w = area.width as usize;
    let mut lines = vec![Line::styled(
        fit("── Status messages (newest last) ", w),
        theme.accent,
    )];
    let room = area.height as usize - 1;
    if state.status_log.is_empty() {
        lines.push(Line::styled("no messages so far", theme.muted));
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    // Walk back from the newest until the area is full; at most STATUS_HISTORY entries.
    let mut body: Vec<Line> = Vec::new();
    for m in state.status_log.iter().rev() {
        let style = match m.severity {
            Severity::Info => Style::default(),
            Severity::Warning => theme.warning,
            Severity::Error => theme.danger,
        };
        let time = hms(m.time);
        let wrapped: Vec<Line> = super::wrap_words(&m.text, w.saturating_sub(9).max(10))
            .into_iter()
            .enumerate()
            .map(|(n, l)| {
                let head = if n == 0 { time.as_str() } else { "" };
                Line::styled(format!("{head:<8} {l}"), style)
            })
            .collect();
        if body.len() + wrapped.len() > room {
            break;
        }
        body.splice(0..0, wrapped);
    }
    lines.extend(body);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

fn hms(secs: i64) -> String {
    jiff::Timestamp::from_second(secs)
        .map(|t| t.strftime("%H:%M:%S").to_string())
        .unwrap_or_else(|_| "?".into())
}

fn error(state: &State, frame: &mut Frame, area: Rect, theme: &Theme, index: usize) {
    let Some(e) = state.errors.get(index) else {
        return;
    };
    let e = &e.error;
    let row = |k: &str, v: String| {
        Line::from(vec![
            Span::styled(format!("{k:<14}"), theme.muted),
            Span::raw(v),
        ])
    };
    let mut lines = vec![
        row("Account", e.account.clone()),
        row("Operation", e.operation.clone()),
        row(
            "HTTP status",
            e.http_status
                .map(|s| s.to_string())
                .unwrap_or_else(|| "— (no response)".into()),
        ),
        row(
            "Provider code",
            e.code.map(|c| c.to_string()).unwrap_or_else(|| "—".into()),
        ),
        row(
            "When",
            format!(
                "{} {} UTC",
                ymd(state.errors[index].time),
                hms(state.errors[index].time)
            ),
        ),
        Line::raw(""),
        Line::styled(e.message.clone(), theme.danger),
    ];
    if e.kind == crate::provider::ErrorKind::UnknownOutcome {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "The request may have reached the server: its outcome is unknown. Refresh (r) to see the current state before trying again.",
            theme.warning,
        ));
    }
    let w = (area.width * 7 / 10).max(60);
    let inner_w = w.saturating_sub(2).max(1) as usize;
    let wrapped: u16 = lines
        .iter()
        .map(|l| (l.width().max(1).div_ceil(inner_w)) as u16)
        .sum();
    let rect = popup(area, w, wrapped + 2);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(frame_block("Error", "Esc close · e error log", theme)),
        rect,
    );
}

/// One audit entry, every field in full (wrapped).
fn audit_entry(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    entries: &[crate::audit::AuditEntry],
    selected: u16,
) {
    let Some(e) = entries.get(selected as usize).or(entries.last()) else {
        return;
    };
    let rect = popup(
        area,
        area.width.saturating_sub(4).min(100),
        area.height.saturating_sub(4),
    );
    frame.render_widget(Clear, rect);
    let block = frame_block(
        "Audit entry",
        "j/k previous/next · Esc or Enter back",
        theme,
    );
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let label_w = 9usize;
    let value_w = (inner.width as usize).saturating_sub(label_w + 1).max(10);
    let mut lines = Vec::new();
    let ids = e.ids.join(", ");
    let subjects = e
        .subjects
        .iter()
        .map(|s| {
            let mut t = s.cn.clone();
            if let Some(serial) = &s.serial {
                t.push_str(&format!(" (serial {serial})"));
            }
            if !s.sans.is_empty() {
                t.push_str(&format!(" SANs {}", s.sans.join(", ")));
            }
            t
        })
        .collect::<Vec<_>>()
        .join("; ");
    for (label, value) in [
        ("time", Some(e.time.as_str())),
        ("account", Some(e.account.as_str())),
        ("login", e.login.as_deref()),
        ("operator", e.operator.as_deref()),
        ("action", Some(e.action.as_str())),
        ("family", e.family.as_deref()),
        ("ids", Some(ids.as_str())),
        ("what", Some(subjects.as_str())),
        ("reason", e.reason.as_deref()),
        ("outcome", Some(e.outcome.as_str())),
        ("detail", e.detail.as_deref()),
    ] {
        let Some(value) = value.filter(|v| !v.is_empty()) else {
            continue;
        };
        for (n, chunk) in super::wrap_words(value, value_w).into_iter().enumerate() {
            let head = if n == 0 { label } else { "" };
            lines.push(Line::from(vec![
                Span::styled(format!("{head:<label_w$} "), theme.muted),
                Span::raw(chunk),
            ]));
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn audit(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    path: &std::path::Path,
    entries: &[crate::audit::AuditEntry],
    selected: u16,
) {
    let rect = popup(
        area,
        area.width.saturating_sub(4),
        area.height.saturating_sub(4),
    );
    frame.render_widget(Clear, rect);
    let footer = format!(
        "{} · j/k move · Enter full entry · L or Esc close",
        path.display()
    );
    let block = frame_block("Audit log", &footer, theme);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    if entries.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled("no actions recorded yet", theme.muted)),
            inner,
        );
        return;
    }
    let w = inner.width as usize;
    // Two lines per entry: what, then the outcome.
    let per = 2usize;
    let fit_n = (inner.height as usize / per).max(1);
    let sel = (selected as usize).min(entries.len() - 1);
    let start = sel.saturating_sub(fit_n - 1);
    let mut lines = Vec::new();
    for (i, e) in entries.iter().enumerate().skip(start).take(fit_n) {
        let time = e.time.get(..19).unwrap_or(&e.time).replace('T', " ");
        let head = format!(
            "{time} {} {} {}{}",
            e.account,
            e.action,
            e.ids.join(","),
            e.reason
                .as_deref()
                .map(|r| format!(" — {r}"))
                .unwrap_or_default()
        );
        let style = if i == sel {
            theme.selection
        } else {
            Style::default()
        };
        lines.push(Line::styled(fit(&head, w), style));
        let outcome_style = if e.outcome == "ok" {
            theme.ok
        } else if e.outcome.starts_with("refused") || e.outcome.starts_with("unknown") {
            theme.warning
        } else {
            theme.danger
        };
        let detail = e
            .detail
            .as_deref()
            .map(|d| format!(" · {d}"))
            .unwrap_or_default();
        lines.push(Line::styled(
            fit(&format!("  {}{detail}", e.outcome), w),
            outcome_style,
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{AccountView, KeyMap};
    use crate::model::spec::{AccountInfo, ActionSpec, Effect, Targets};
    use crate::model::{Collection, CollectionSpec, ProviderKind};

    const ALL: Collection = Collection(&CollectionSpec {
        id: "all",
        label: "All",
        approvals: true,
        order: 0,
    });

    /// An account declaring two actions (the kind does not matter: its declaration does).
    fn declaring(name: &str, actions: &'static [ActionSpec]) -> AccountView {
        let mut a = AccountView::new(name, ProviderKind::Synology, &[ALL]);
        a.info = AccountInfo {
            actions,
            ..AccountInfo::NONE
        };
        a
    }

    const ACTIONS: &[ActionSpec] = &[
        ActionSpec {
            id: "approve",
            label: "Approve",
            help: "approve the request",
            keys: &["a"],
            effect: Effect::Change,
            targets: Targets::Many,
            guard: None,
            audit: "approve",
            form: None,
        },
        ActionSpec {
            id: "revoke",
            label: "Revoke",
            help: "revoke it",
            keys: &["R"],
            effect: Effect::Destroy,
            targets: Targets::Many,
            guard: None,
            audit: "revoke",
            form: None,
        },
    ];

    fn text(state: &State) -> Vec<String> {
        help_lines(state, &Theme::no_color(), 100)
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn the_help_lists_the_accounts_actions_once_with_their_config_names() {
        let declared = State::new(
            vec![declaring("corp", ACTIONS)],
            KeyMap::default(),
            0,
            (100, 30),
        );
        let lines = text(&declared);
        let at = lines
            .iter()
            .position(|l| l.starts_with("Actions"))
            .expect("an actions section");
        let approve: Vec<&String> = lines.iter().filter(|l| l.contains("[approve]")).collect();
        assert_eq!(approve.len(), 1, "{lines:#?}");
        assert!(lines[at..].iter().any(|l| l.contains("[approve]")));
        assert!(lines.iter().any(|l| l.contains("[quit]")));
        // An account that declares nothing brings no actions section.
        let nas = State::new(vec![declaring("nas", &[])], KeyMap::default(), 0, (100, 30));
        let lines = text(&nas);
        assert!(
            !lines.iter().any(|l| l.starts_with("Actions")),
            "{lines:#?}"
        );
        assert!(!lines.iter().any(|l| l.contains("[revoke]")));
    }
}
