//! Drawing: `draw(&State, &mut Frame)` is a pure function of the state. Only the visible rows
//! of the list are turned into widgets, so a frame costs the same for 100 or 100,000 rows.

mod dialog;
mod domains;
mod overlays;
pub use overlays::help_max_scroll;
pub mod theme;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Flex, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::app::{AccountView, DetailState, FamilyView, LoadState, Pane, Scope, Severity, State};
use crate::model::{Cert, CertStatus};
use theme::Theme;

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;
/// From this width on, the detail pane sits beside the list instead of replacing it.
pub const SIDE_BY_SIDE_WIDTH: u16 = 120;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// How many list rows fit on screen (shared with `app` for paging and scrolling).
pub fn list_viewport_rows(state: &State) -> usize {
    // title bar + status bar + list borders + table header
    state.size.1.saturating_sub(1 + 1 + 2 + 1) as usize
}

/// The inner size (columns, rows) of the detail pane for the current terminal size.
fn detail_inner(state: &State) -> (u16, u16) {
    let (w, h) = state.size;
    let right = w.saturating_sub(accounts_width(w));
    let pane_w = if w >= SIDE_BY_SIDE_WIDTH {
        right * 45 / 100
    } else {
        right
    };
    (pane_w.saturating_sub(2), h.saturating_sub(2 + 2))
}

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

fn accounts_width(width: u16) -> u16 {
    if width >= 110 { 26 } else { 20 }
}

pub fn draw(state: &State, frame: &mut Frame) {
    let area = frame.area();
    let theme = Theme::for_state(state.no_color);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let quit = state
            .keymap
            .binding(crate::app::Action::Quit)
            .and_then(|b| b.keys.first())
            .map_or_else(|| "Ctrl-c".to_string(), |k| k.to_string());
        draw_too_small(frame, area, &theme, &quit);
        return;
    }
    let [title, main, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_title(state, frame, title, &theme);
    let [accounts, right] = Layout::horizontal([
        Constraint::Length(accounts_width(area.width)),
        Constraint::Fill(1),
    ])
    .areas(main);
    draw_accounts(state, frame, accounts, &theme);
    if state.detail_open {
        if area.width >= SIDE_BY_SIDE_WIDTH {
            let [list, detail] =
                Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
                    .areas(right);
            draw_list(state, frame, list, &theme);
            draw_detail(state, frame, detail, &theme);
        } else {
            draw_detail(state, frame, right, &theme);
        }
    } else {
        draw_list(state, frame, right, &theme);
    }
    draw_status(state, frame, status, &theme);
    overlays::draw(state, frame, area, &theme);
}

fn draw_too_small(frame: &mut Frame, area: Rect, theme: &Theme, quit: &str) {
    let lines = vec![
        Line::styled(
            format!("terminal too small (need {MIN_WIDTH}x{MIN_HEIGHT})"),
            theme.warning,
        ),
        Line::raw(format!("now {}x{}", area.width, area.height)),
        Line::styled(format!("{quit} quits"), theme.muted),
    ];
    let h = (lines.len() as u16).min(area.height);
    let y = area.y + area.height.saturating_sub(h) / 2;
    let rect = Rect::new(area.x, y, area.width, h);
    frame.render_widget(
        Paragraph::new(lines)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        rect,
    );
}

fn draw_title(state: &State, frame: &mut Frame, area: Rect, theme: &Theme) {
    let name = |a: usize| {
        state
            .accounts
            .get(a)
            .map(|acc| acc.name.clone())
            .unwrap_or_default()
    };
    let scope = match state.scope() {
        Scope::All => "all accounts".to_string(),
        Scope::Pending => "pending requests, all accounts".to_string(),
        Scope::Domains(a) => format!("{} · domains", name(a)),
        Scope::Dcv(a) => format!("{} · domain validation", name(a)),
        Scope::Orgs(a) => format!("{} · organizations", name(a)),
        Scope::Account(a) => name(a),
        Scope::Family(a, f) => format!("{} · {}", name(a), f.label()),
    };
    let count = match state.scope() {
        Scope::Domains(a) => counted(
            state.domains.get(&a).map_or(0, |v| v.rows.len()),
            "domain",
            "domains",
        ),
        Scope::Dcv(a) => counted(
            state.dcv_views.get(&a).map_or(0, |v| v.rows.len()),
            "domain",
            "domains",
        ),
        Scope::Orgs(a) => counted(
            state.orgs.get(&a).map_or(0, |v| v.rows.len()),
            "organization",
            "organizations",
        ),
        _ => format!(
            "{} of {} certificates",
            group(state.view.len()),
            group(state.scope_total)
        ),
    };
    // The organizations list is always by name.
    let sort = match state.scope() {
        Scope::Orgs(_) => "sort: name".to_string(),
        // The domain views sort by domain name where the list sorts by CN.
        Scope::Domains(_) | Scope::Dcv(_) if state.sort == crate::app::SortKey::CommonName => {
            "sort: name".to_string()
        }
        _ => format!("sort: {}", state.sort.label()),
    };
    let filter = (!state.filter_text().is_empty() && !state.filter_editing)
        .then(|| format!("filter: {}", state.filter_text()));
    // What must stay: the name, READ-ONLY, sort and filter. The count goes first when the
    // line is too long, then the scope is shortened.
    let sep = 3;
    let fixed = " certdeck ".len()
        + 2
        + if state.read_only { 10 } else { 0 }
        + sep
        + sort.chars().count()
        + filter.as_ref().map_or(0, |f| sep + f.chars().count());
    let width = area.width as usize;
    let scope_n = scope.chars().count();
    let count_n = sep + count.chars().count();
    let show_count = fixed + scope_n + count_n <= width;
    let scope = if fixed + scope_n <= width {
        scope
    } else {
        fit(&scope, width.saturating_sub(fixed).max(8))
    };
    let mut spans = vec![
        Span::styled(" certdeck ", theme.title),
        Span::styled("│ ", theme.muted),
        Span::raw(scope),
    ];
    if show_count {
        spans.push(Span::styled(" │ ", theme.muted));
        spans.push(Span::raw(count));
    }
    spans.push(Span::styled(" │ ", theme.muted));
    spans.push(Span::raw(sort));
    if let Some(f) = filter {
        spans.push(Span::styled(" │ ", theme.muted));
        spans.push(Span::styled(f, theme.accent));
    }
    if state.read_only {
        // First, so a narrow terminal never cuts it off.
        spans.insert(1, Span::styled("READ-ONLY ", theme.warning));
    }
    frame.render_widget(Line::from(spans), area);
}

/// 12345 → "12,345".
/// "1 domain", "1,200 domains".
fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", group(n), if n == 1 { one } else { many })
}

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

fn pane_block<'a>(title: &'a str, focused: bool, theme: &Theme) -> Block<'a> {
    let style = if focused {
        theme.border_focus
    } else {
        theme.border
    };
    let marker = if focused { "▸ " } else { "" };
    Block::default()
        .borders(Borders::ALL)
        .border_style(style)
        .title(Line::styled(format!(" {marker}{title} "), style))
}

fn family_status(f: &FamilyView) -> (String, bool) {
    match &f.load {
        LoadState::Failed(_) => ("failed".into(), true),
        LoadState::Loading => match f.total {
            Some(t) => (format!("{}/{}", group(f.loaded.min(t)), group(t)), false),
            None => ("…".into(), false),
        },
        LoadState::Loaded => (group(f.loaded), false),
        LoadState::Idle => (String::new(), false),
    }
}

fn account_status(acc: &AccountView) -> (String, bool) {
    if let Some(why) = &acc.unavailable {
        return (why.clone(), true);
    }
    let failed = acc
        .families
        .iter()
        .any(|f| matches!(f.load, LoadState::Failed(_)));
    if acc.is_loading() {
        let total: Option<usize> = acc.families.iter().map(|f| f.total).sum();
        return match total {
            Some(t) => (
                format!("loading {}/{}", group(acc.loaded().min(t)), group(t)),
                false,
            ),
            None => ("loading…".into(), false),
        };
    }
    let n = match acc.loaded() {
        1 => "1 cert".to_string(),
        n => format!("{} certs", group(n)),
    };
    if failed {
        (format!("! {n} (e: log)"), true)
    } else {
        (n, false)
    }
}

fn draw_accounts(state: &State, frame: &mut Frame, area: Rect, theme: &Theme) {
    let focused = state.focus == Pane::Accounts;
    let block = pane_block("Accounts", focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    let selected = |i: usize| {
        if i == state.account_sel {
            if focused {
                theme.selection
            } else {
                Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
            }
        } else {
            Style::new()
        }
    };
    let mut lines = Vec::new();
    let mut selected_line = 0;
    for (i, scope) in state.scopes().into_iter().enumerate() {
        if i == state.account_sel {
            selected_line = lines.len();
        }
        match scope {
            Scope::All => lines.push(Line::styled(
                fit(&format!("All ({})", group(state.certs.len())), w),
                selected(i),
            )),
            Scope::Pending => {
                let n = state.pending_count();
                let style = if i == state.account_sel {
                    selected(i)
                } else if n > 0 {
                    theme.warning
                } else {
                    Style::new()
                };
                lines.push(Line::styled(
                    fit(&format!("Pending ({})", group(n)), w),
                    style,
                ));
            }
            Scope::Account(a) => {
                let Some(acc) = state.accounts.get(a) else {
                    continue;
                };
                lines.push(Line::styled(fit(&acc.name, w), selected(i)));
                let (status, bad) = account_status(acc);
                let ro = if acc.read_only { " RO" } else { "" };
                let style = if bad { theme.warning } else { theme.muted };
                // Narrow panes drop the kind so "not supported yet" and counts stay readable.
                let wide = format!(" {} · {status}{ro}", acc.kind);
                let text = if wide.chars().count() <= w {
                    wide
                } else {
                    format!(" {status}{ro}")
                };
                lines.push(Line::styled(fit(&text, w), style));
                if acc.tls_unverified {
                    lines.push(Line::styled(fit(" ! TLS UNVERIFIED", w), theme.danger));
                }
            }
            Scope::Domains(a) | Scope::Dcv(a) | Scope::Orgs(a) => {
                let (label, count) = match scope {
                    Scope::Domains(_) => (
                        "Domains",
                        state
                            .domains
                            .get(&a)
                            .filter(|v| v.loaded)
                            .map(|v| v.rows.len()),
                    ),
                    Scope::Orgs(_) => (
                        "Organizations",
                        state
                            .orgs
                            .get(&a)
                            .filter(|v| v.loaded)
                            .map(|v| v.rows.len()),
                    ),
                    _ => (
                        "DCV",
                        state
                            .dcv_views
                            .get(&a)
                            .filter(|v| v.loaded)
                            .map(|v| v.rows.len()),
                    ),
                };
                let count = count.map(group).unwrap_or_default();
                let label = format!("  {label}");
                let pad = w.saturating_sub(label.chars().count() + count.chars().count());
                let style = if i == state.account_sel {
                    selected(i)
                } else {
                    theme.muted
                };
                lines.push(Line::styled(
                    fit(&format!("{label}{}{count}", " ".repeat(pad.max(1))), w),
                    style,
                ));
            }
            Scope::Family(a, family) => {
                let Some(f) = state
                    .accounts
                    .get(a)
                    .and_then(|acc| acc.families.iter().find(|f| f.family == family))
                else {
                    continue;
                };
                let (count, bad) = family_status(f);
                let label = format!("  {}", family.label());
                let pad = w.saturating_sub(label.chars().count() + count.chars().count());
                let style = if i == state.account_sel {
                    selected(i)
                } else if bad {
                    theme.warning
                } else {
                    Style::new()
                };
                lines.push(Line::styled(
                    fit(&format!("{label}{}{count}", " ".repeat(pad.max(1))), w),
                    style,
                ));
            }
        }
    }
    let h = inner.height as usize;
    let skip = (selected_line + 2).saturating_sub(h);
    frame.render_widget(Paragraph::new(lines).scroll((skip as u16, 0)), inner);
}

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

fn draw_list(state: &State, frame: &mut Frame, area: Rect, theme: &Theme) {
    if let scope @ (Scope::Domains(_) | Scope::Dcv(_) | Scope::Orgs(_)) = state.scope() {
        domains::draw_list(state, frame, area, theme, scope);
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
    let inner = block.inner(area);
    frame.render_widget(block, area);
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

/// "2026-11-22" from Unix seconds (UTC).
pub fn ymd(secs: i64) -> String {
    jiff::Timestamp::from_second(secs)
        .map(|t| t.strftime("%Y-%m-%d").to_string())
        .unwrap_or_else(|_| "?".into())
}

fn section(title: &str, theme: &Theme) -> Line<'static> {
    Line::styled(format!("── {title} "), theme.accent)
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
fn longest_piece(text: &str) -> usize {
    text.split(' ')
        .flat_map(|w| w.split_inclusive(','))
        .map(|p| p.chars().count())
        .max()
        .unwrap_or(0)
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
    if let scope @ (Scope::Domains(_) | Scope::Dcv(_) | Scope::Orgs(_)) = state.scope() {
        return domains::detail_lines(state, scope, theme);
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

fn draw_detail(state: &State, frame: &mut Frame, area: Rect, theme: &Theme) {
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

fn draw_status(state: &State, frame: &mut Frame, area: Rect, theme: &Theme) {
    if state.filter_editing {
        let prefix = "/";
        let value = state.filter.value();
        let w = area.width.saturating_sub(30) as usize;
        let scroll = state.filter.visual_scroll(w);
        let shown: String = value.chars().skip(scroll).take(w).collect();
        let line = Line::from(vec![
            Span::styled(prefix, theme.key),
            Span::raw(shown),
            Span::styled("   Enter keep · Esc clear", theme.muted),
        ]);
        frame.render_widget(line, area);
        let cx = area.x + 1 + (state.filter.visual_cursor().saturating_sub(scroll)) as u16;
        frame.set_cursor_position((cx.min(area.right().saturating_sub(1)), area.y));
        return;
    }
    // Right side: progress of pending jobs. Left side: the status message when there is one
    // (it gets the whole width; the key hints come back when it is cleared), else key hints.
    let right: Option<(String, Style)> = state.jobs.values().next().map(|job| {
        let spin = SPINNER[state.spinner % SPINNER.len()];
        let p = state
            .jobs
            .values()
            .filter_map(|j| j.progress.as_ref())
            .max_by_key(|p| p.1);
        let text = match p {
            Some((done, of, label)) => format!("{spin} {label} {}/{}", group(*done), group(*of)),
            None => format!("{spin} {}", job.label),
        };
        let more = state.jobs.len().saturating_sub(1);
        let text = if more > 0 {
            format!("{text} (+{more})")
        } else {
            text
        };
        (text, theme.accent)
    });
    // With a message showing, progress gets at most a third of the bar.
    let right_max = if state.status.is_some() {
        area.width / 3
    } else {
        area.width / 2
    };
    let right_w = right
        .as_ref()
        .map(|(t, _)| (t.chars().count() as u16 + 1).min(right_max))
        .unwrap_or(0);
    let [left, right_area] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(right_w)]).areas(area);
    if let Some((t, sev)) = &state.status {
        let style = match sev {
            Severity::Info => theme.muted,
            Severity::Warning => theme.warning,
            Severity::Error => theme.danger,
        };
        let w = (left.width as usize).saturating_sub(1);
        frame.render_widget(
            Line::from(vec![Span::raw(" "), Span::styled(fit(t, w), style)]),
            left,
        );
    } else {
        let mut spans = Vec::new();
        let mut used = 0usize;
        let width_of = |key: &str, label: &str| key.chars().count() + label.chars().count() + 3;
        // The way out is always shown, with its configured key, however long that is: the
        // others fill the room before it.
        let hints = state.keymap.hints(state.ctx());
        let quit_w: usize = hints
            .iter()
            .filter(|(_, l)| *l == "quit")
            .map(|(k, l)| width_of(k, l))
            .sum();
        let (mut quit_placed, mut full) = (false, false);
        for (key, label) in hints {
            let n = width_of(&key, label);
            let is_quit = label == "quit";
            // Room is kept for the quit hint until it is placed; the others stop at the
            // first that does not fit, so the most useful stay.
            let reserve = if is_quit || quit_placed { 0 } else { quit_w };
            if (full && !is_quit) || used + n + reserve > left.width as usize {
                if is_quit {
                    break;
                }
                full = true;
                continue;
            }
            used += n;
            quit_placed |= is_quit;
            spans.push(Span::styled(format!(" {key}"), theme.key));
            spans.push(Span::raw(format!(" {label} ")));
        }
        frame.render_widget(Line::from(spans), left);
    }
    if let Some((t, style)) = right {
        frame.render_widget(
            Line::styled(fit(&t, right_w as usize), style).alignment(Alignment::Right),
            right_area,
        );
    }
}
