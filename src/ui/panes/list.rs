//! The certificate list: only the visible rows are measured and drawn; its columns share
//! the width by what those rows need.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::{Pane, Scope, State};
use crate::model::{Cert, CertStatus};
use crate::ui::layout::{MIN_WIDTH, accounts_width};
use crate::ui::text::{fit, group};
use crate::ui::theme::Theme;
use crate::ui::views;

use super::pane_block;

pub fn status_style(s: CertStatus, theme: &Theme) -> Style {
    match s {
        CertStatus::Issued => theme.ok,
        CertStatus::Requested | CertStatus::Approved | CertStatus::Applied => theme.warning,
        CertStatus::Declined
        | CertStatus::Revoked
        | CertStatus::Expired
        | CertStatus::Rejected
        | CertStatus::Invalid => theme.danger,
        CertStatus::Replaced | CertStatus::Unknown => theme.muted,
    }
}

/// The "days left" cell: text and style. Text always carries the meaning.
pub fn days_cell(c: &Cert, now: i64, theme: &Theme) -> (String, Style) {
    if !c.complete && c.expires.is_none() {
        return ("…".into(), theme.muted);
    }
    let days = c.days_left(now);
    // Only a live (issued) certificate gets an expiry warning; a revoked, declined or
    // replaced one shows its days plainly.
    if matches!(
        c.status,
        CertStatus::Revoked
            | CertStatus::Declined
            | CertStatus::Rejected
            | CertStatus::Replaced
            | CertStatus::Invalid
    ) {
        return match days {
            Some(d) if d >= 0 => (format!("{d}d"), theme.muted),
            _ => ("—".into(), theme.muted),
        };
    }
    match days {
        None => ("—".into(), theme.muted),
        Some(d) if d < 0 => ("EXPIRED".into(), theme.danger),
        Some(d) if d <= 7 => (format!("{d}d !"), theme.danger),
        Some(d) if d <= 30 => (format!("{d}d"), theme.warning),
        Some(d) => (format!("{d}d"), theme.ok),
    }
}

/// Widths of the certificate list's columns (0 = not shown).
struct ListColumns {
    cn: u16,
    profile: u16,
    account: u16,
}

/// Share `width` among the list's columns: Status and Left are fixed; the common name comes
/// first (up to what the visible rows need); Account (only when the rows can come from several
/// accounts) and Profile get what their visible contents need from what is left, and are
/// dropped when there is no room; the common name takes whatever remains. Only the visible
/// `rows` are measured.
///
/// `cn_floor`: the name is never narrower than this (when room allows), so a narrow list
/// beside the detail shows as much of the name as the list of an 80-column terminal.
fn list_columns(state: &State, width: u16, rows: &[u32], cn_floor: u16) -> ListColumns {
    const FIXED: u16 = 9 + 7 + 2; // Status, Left and the spaces before them
    const MIN_OPT: u16 = 8;
    const CN_MIN: u16 = 20;
    let several_accounts =
        state.accounts.len() > 1 && matches!(state.scope(), Scope::All | Scope::Pending);
    let (mut cn_need, mut prof_need, mut acc_need) = (11u16, 7u16, 7u16);
    for &i in rows {
        let Some(c) = state.certs.get(i as usize) else {
            continue;
        };
        let mark = if state.marked.contains(&(i as usize)) {
            2
        } else {
            0
        };
        cn_need = cn_need.max((c.common_name.chars().count() + mark) as u16);
        prof_need = prof_need.max(c.profile.as_deref().map_or(1, |p| p.chars().count()) as u16);
        if several_accounts {
            let n = state
                .accounts
                .get(c.account)
                .map_or(0, |a| a.name.chars().count());
            acc_need = acc_need.max(n as u16);
        }
    }
    let prof_need = prof_need.min(24);
    let acc_need = acc_need.min(16);
    let avail = width.saturating_sub(FIXED);
    // The name first, then the optional columns at their minimum, in order of importance.
    let cn_first = cn_need
        .min(CN_MIN.max(avail / 2))
        .max(cn_floor.min(cn_need))
        .min(avail);
    let mut left = avail - cn_first;
    let mut account = 0;
    if several_accounts && left > MIN_OPT {
        account = MIN_OPT;
        left -= MIN_OPT + 1;
    }
    let mut profile = 0;
    if left > MIN_OPT {
        profile = MIN_OPT;
        left -= MIN_OPT + 1;
    }
    // Then the rest: the name to its need, the others to theirs, any surplus to the name.
    let cn_more = cn_need.saturating_sub(cn_first).min(left);
    left -= cn_more;
    if account > 0 {
        let more = acc_need.saturating_sub(account).min(left);
        account += more;
        left -= more;
    }
    if profile > 0 {
        let more = prof_need.saturating_sub(profile).min(left);
        profile += more;
        left -= more;
    }
    ListColumns {
        cn: cn_first + cn_more + left,
        profile,
        account,
    }
}

pub(in crate::ui) fn draw_list(state: &State, frame: &mut Frame, area: Rect, theme: &Theme) {
    if let Scope::View(account, id) = state.scope() {
        views::draw_list(state, frame, area, theme, account, id);
        return;
    }
    let focused = state.focus == Pane::List;
    let title = if state.filter_editing || !state.filter_text().is_empty() {
        format!(
            "Certificates {}/{} · /{}",
            group(state.view.len()),
            group(state.scope_total),
            state.filter_text()
        )
    } else {
        format!("Certificates {}", group(state.view.len()))
    };
    let block = pane_block(&title, focused, theme);
    let mut inner = block.inner(area);
    frame.render_widget(block, area);
    let banner = state.setup_banner();
    if !banner.is_empty() {
        let n = (banner.len() as u16).min(inner.height);
        let lines: Vec<Line> = banner
            .iter()
            .map(|l| Line::styled(fit(l, inner.width as usize), theme.warning))
            .collect();
        frame.render_widget(Paragraph::new(lines), Rect { height: n, ..inner });
        inner.y += n;
        inner.height -= n;
    }
    let h = inner.height.saturating_sub(1) as usize;
    let start = state.list_offset.min(state.view.len());
    let end = (start + h).min(state.view.len());
    let visible = &state.view[start..end];
    // The list's inner width on an 80-column terminal.
    let narrowest = MIN_WIDTH - accounts_width(MIN_WIDTH) - 2;
    let floor = if inner.width < narrowest {
        list_columns(state, narrowest, visible, 0).cn
    } else {
        0
    };
    let cols = list_columns(state, inner.width, visible, floor);
    let (cn_w, profile_w, account_w) = (cols.cn as usize, cols.profile, cols.account);
    let show_account = account_w > 0;
    let mut widths = vec![
        Constraint::Fill(1),
        Constraint::Length(9),
        Constraint::Length(7),
    ];
    let mut header = vec!["Common name", "Status", "Left"];
    if profile_w > 0 {
        widths.push(Constraint::Length(profile_w));
        header.push("Profile");
    }
    if show_account {
        widths.push(Constraint::Length(account_w));
        header.push("Account");
    }
    // The cells of the visible rows (text, style), in column order.
    let rows: Vec<Vec<(String, Style)>> = state.view[start..end]
        .iter()
        .map(|&i| {
            let c = &state.certs[i as usize];
            let (days, days_style) = days_cell(c, state.now, theme);
            let status = if c.complete || c.status != CertStatus::Unknown {
                c.status.label()
            } else {
                "…"
            };
            let mut cells = vec![
                if state.marked.contains(&(i as usize)) {
                    (
                        fit(&format!("● {}", c.common_name), cn_w),
                        theme.accent.add_modifier(Modifier::BOLD),
                    )
                } else {
                    (fit(&c.common_name, cn_w), Style::new())
                },
                (status.to_string(), status_style(c.status, theme)),
                (days, days_style),
            ];
            if profile_w > 0 {
                cells.push(match c.profile.as_deref() {
                    Some(p) => (fit(p, profile_w as usize), Style::new()),
                    None if c.complete => ("—".to_string(), theme.muted),
                    None => ("…".to_string(), theme.muted),
                });
            }
            if show_account {
                let name = state
                    .accounts
                    .get(c.account)
                    .map(|a| a.name.as_str())
                    .unwrap_or("");
                cells.push((fit(name, account_w as usize), Style::new()));
            }
            cells
        })
        .collect();
    if state.view.is_empty() {
        // An account that cannot be used says why, in full.
        let unavailable = match state.scope() {
            Scope::Account(a) | Scope::Family(a, _) => state.accounts.get(a).and_then(|acc| {
                acc.unavailable
                    .as_ref()
                    .map(|u| (acc.name.clone(), u.clone()))
            }),
            _ => None,
        };
        if let Some((name, why)) = unavailable {
            frame.render_widget(
                Paragraph::new(vec![
                    Line::styled(format!("{name} cannot be used:"), theme.warning),
                    Line::raw(why),
                ])
                .wrap(Wrap { trim: true }),
                inner,
            );
            return;
        }
        if state.accounts.is_empty() && !state.busy() {
            frame.render_widget(
                Paragraph::new(no_accounts_lines(state, theme)).wrap(Wrap { trim: false }),
                inner,
            );
            return;
        }
        let msg = if !state.filter_text().is_empty() {
            "nothing matches the filter (Esc clears it)"
        } else if state.certs.is_empty() {
            if state.busy() {
                "loading…"
            } else {
                "no certificates"
            }
        } else if state.scope() == Scope::Pending {
            "no requests are waiting for approval"
        } else {
            "no certificates here"
        };
        frame.render_widget(
            Paragraph::new(Line::styled(msg, theme.muted)).wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    // Laid out as ratatui's Table lays out these columns (one space between them), but the
    // text goes straight into the buffer: a frame of a wide terminal is 12,000 cells, and
    // the widget tree of a table costs more than the text it writes.
    let columns = Layout::horizontal(widths)
        .flex(Flex::Start)
        .spacing(1)
        .split(Rect::new(0, 0, inner.width, 1));
    let buf = frame.buffer_mut();
    let line = |y: u16| Rect::new(inner.x, y, inner.width, 1);
    if inner.height == 0 {
        return;
    }
    buf.set_style(line(inner.y), theme.title);
    for (col, label) in columns.iter().zip(header) {
        buf.set_stringn(
            inner.x + col.x,
            inner.y,
            label,
            col.width as usize,
            Style::new(),
        );
    }
    let highlight = if focused {
        theme.selection
    } else {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    };
    for (n, cells) in rows.iter().enumerate().take(h) {
        let y = inner.y + 1 + n as u16;
        for (col, (text, style)) in columns.iter().zip(cells) {
            buf.set_stringn(inner.x + col.x, y, text, col.width as usize, *style);
        }
        if start + n == state.sel {
            buf.set_style(line(y), highlight);
        }
    }
}

/// What the empty console says when no account is configured: where the file goes and how to
/// make one.
fn no_accounts_lines(state: &State, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled("No accounts configured.", theme.warning)];
    lines.push(Line::raw(""));
    match &state.config_path {
        Some(p) => {
            lines.push(Line::raw("certdeck reads its accounts from:"));
            lines.push(Line::styled(format!("  {}", p.display()), theme.accent));
            lines.push(Line::raw(""));
            lines.push(Line::raw(
                "To start, copy config.example.toml (from the certdeck sources) to that path and add your accounts,",
            ));
        }
        None => lines.push(Line::raw(
            "To start, write a config file (see config.example.toml) and pass it with --config,",
        )),
    }
    lines.push(Line::raw(
        "or run `certdeck --demo` to try the console against a local emulator.",
    ));
    lines
}
