//! The domain views: domains with delegations, and domain validations (DCV).

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};

use super::panes::pane_block;
use super::theme::Theme;
use super::{fit, group};
use crate::app::{Pane, Scope, State};
use crate::model::AccountIdx;

fn status_style(s: &str, theme: &Theme) -> Style {
    let n = s.to_ascii_lowercase().replace(['_', ' '], "");
    match n.as_str() {
        "validated" | "active" => theme.ok,
        "notvalidated" | "requested" | "awaitingsubmission" | "submitted" | "notinitiated" => {
            theme.warning
        }
        "expired" | "rejected" | "suspended" => theme.danger,
        _ => Style::new(),
    }
}

fn window(sel: usize, n: usize, h: usize) -> (usize, usize) {
    let h = h.max(1);
    let start = if sel >= h { sel + 1 - h } else { 0 };
    (start, (start + h).min(n))
}

pub fn draw_list(state: &State, frame: &mut Frame, area: Rect, theme: &Theme, scope: Scope) {
    let focused = state.focus == Pane::List;
    match scope {
        Scope::Domains(a) => domains(state, frame, area, theme, a, focused),
        Scope::Dcv(a) => dcv(state, frame, area, theme, a, focused),
        Scope::Orgs(a) => orgs(state, frame, area, theme, a, focused),
        _ => {}
    }
}

fn orgs(state: &State, frame: &mut Frame, area: Rect, theme: &Theme, a: AccountIdx, focused: bool) {
    let rows = state.org_rows(a);
    let title = format!("Organizations {}", group(rows.len()));
    let block = pane_block(&title, focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(view) = state.orgs.get(&a).filter(|v| v.loaded) else {
        empty(frame, inner, theme, "loading organizations…");
        return;
    };
    if rows.is_empty() {
        empty(
            frame,
            inner,
            theme,
            "no organizations (or none match the filter)",
        );
        return;
    }
    rows_table(
        frame,
        inner,
        theme,
        focused,
        view.sel,
        &rows,
        &["Organization", "Id", "Departments"],
        &[10, 11],
        |i| {
            let o = &view.rows[i];
            vec![
                Span::raw(o.name.clone()),
                Span::raw(o.id.to_string()),
                Span::raw(o.departments.len().to_string()),
            ]
        },
    );
}

/// The visible window of a domain-view table: the other columns as wide as their visible
/// contents (at most `caps`), the name column takes the rest, a header, and the selected row
/// highlighted. `row(i)` gives the cells (name first) for `rows[..]` entry `i`.
#[allow(clippy::too_many_arguments)]
fn rows_table(
    frame: &mut Frame,
    inner: Rect,
    theme: &Theme,
    focused: bool,
    sel: usize,
    rows: &[usize],
    header: &[&str],
    caps: &[u16],
    row: impl Fn(usize) -> Vec<Span<'static>>,
) {
    let h = inner.height.saturating_sub(1) as usize;
    let (start, end) = window(sel, rows.len(), h);
    let cells: Vec<Vec<Span>> = rows[start..end].iter().map(|&i| row(i)).collect();
    // Only the visible rows are measured.
    let widths: Vec<u16> = caps
        .iter()
        .enumerate()
        .map(|(n, cap)| {
            let head = header.get(n + 1).map(|h| h.chars().count()).unwrap_or(0);
            let most = cells
                .iter()
                .filter_map(|r| r.get(n + 1))
                .map(|c| c.content.chars().count())
                .max()
                .unwrap_or(0);
            (head.max(most) as u16).min(*cap)
        })
        .collect();
    let used: u16 = widths.iter().sum::<u16>() + widths.len() as u16;
    let name_w = inner.width.saturating_sub(used) as usize;
    let body: Vec<Row> = cells
        .into_iter()
        .map(|r| {
            Row::new(r.into_iter().enumerate().map(|(n, c)| {
                let w = if n == 0 {
                    name_w
                } else {
                    widths.get(n - 1).copied().unwrap_or(0) as usize
                };
                Cell::from(Span::styled(fit(&c.content, w), c.style))
            }))
        })
        .collect();
    let mut constraints = vec![Constraint::Fill(1)];
    constraints.extend(widths.iter().map(|w| Constraint::Length(*w)));
    let table = Table::new(body, constraints)
        .header(Row::new(header.to_vec()).style(theme.title))
        .column_spacing(1)
        .row_highlight_style(if focused {
            theme.selection
        } else {
            Style::new()
        });
    let mut ts = TableState::default().with_selected(Some(sel - start));
    frame.render_stateful_widget(table, inner, &mut ts);
}

fn empty(frame: &mut Frame, area: Rect, theme: &Theme, msg: &str) {
    frame.render_widget(
        Paragraph::new(Line::styled(msg.to_string(), theme.muted)).wrap(Wrap { trim: true }),
        area,
    );
}

fn domains(
    state: &State,
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    a: AccountIdx,
    focused: bool,
) {
    let rows = state.domain_rows(a);
    let view = state.domains.get(&a);
    let title = format!("Domains {}", group(rows.len()));
    let block = pane_block(&title, focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(view) = view.filter(|v| v.loaded) else {
        empty(frame, inner, theme, "loading domains…");
        return;
    };
    if rows.is_empty() {
        empty(frame, inner, theme, "no domains (or none match the filter)");
        return;
    }
    rows_table(
        frame,
        inner,
        theme,
        focused,
        view.sel,
        &rows,
        &["Domain", "Delegation", "Validation", "DCV expires"],
        &[10, 13, 11],
        |i| {
            let d = &view.rows[i];
            let pending = d
                .delegations
                .iter()
                .filter(|g| {
                    g.status
                        .as_deref()
                        .is_some_and(|s| s.eq_ignore_ascii_case("requested"))
                })
                .count();
            let deleg = if pending > 0 {
                Span::styled(format!("{pending} pending"), theme.warning)
            } else {
                Span::raw(d.delegation_status.clone().unwrap_or_default())
            };
            let val = d.validation_status.clone().unwrap_or_else(|| "—".into());
            let style = status_style(&val, theme);
            vec![
                Span::raw(d.name.clone()),
                deleg,
                Span::styled(val, style),
                Span::raw(d.dcv_expires.clone().unwrap_or_default()),
            ]
        },
    );
}

fn dcv(state: &State, frame: &mut Frame, area: Rect, theme: &Theme, a: AccountIdx, focused: bool) {
    let rows = state.dcv_rows(a);
    let view = state.dcv_views.get(&a);
    let mut title = format!("Domain validation {}", group(rows.len()));
    if let Some(v) = view {
        if let Some(s) = &v.filter.dcv_status {
            title.push_str(&format!(" · {s}"));
        }
        if let Some(d) = v.filter.expires_in_days {
            title.push_str(&format!(" · expires in {d}d"));
        }
    }
    let block = pane_block(&title, focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(view) = view.filter(|v| v.loaded) else {
        empty(frame, inner, theme, "loading domain validations…");
        return;
    };
    if rows.is_empty() {
        empty(
            frame,
            inner,
            theme,
            "no domain validations match (f changes the filters)",
        );
        return;
    }
    rows_table(
        frame,
        inner,
        theme,
        focused,
        view.sel,
        &rows,
        &["Domain", "Status", "Method", "Expires"],
        &[13, 14, 11],
        |i| {
            let d = &view.rows[i];
            vec![
                Span::raw(d.domain.clone()),
                Span::styled(d.status.clone(), status_style(&d.status, theme)),
                Span::raw(d.method.clone().unwrap_or_else(|| "—".into())),
                Span::raw(d.expires.clone().unwrap_or_default()),
            ]
        },
    );
}

/// The detail pane of a domain view.
pub fn detail_lines(state: &State, scope: Scope, theme: &Theme) -> Vec<Line<'static>> {
    let row = |k: &str, v: String| {
        Line::from(vec![
            Span::styled(format!("{k:<18} "), theme.muted),
            Span::raw(v),
        ])
    };
    let mut out = Vec::new();
    match scope {
        Scope::Domains(a) => {
            let Some(d) = state.selected_domain(a) else {
                return vec![Line::styled("no domain selected", theme.muted)];
            };
            out.push(Line::styled(d.name.clone(), theme.title));
            out.push(row("Id", d.id.to_string()));
            if let Some(s) = &d.state {
                out.push(row("State", s.clone()));
            }
            if let Some(s) = &d.delegation_status {
                out.push(row("Delegation", s.clone()));
            }
            if let Some(s) = &d.validation_status {
                out.push(row("Validation", s.clone()));
            }
            if let Some(s) = &d.validation_method {
                out.push(row("Method", s.clone()));
            }
            if let Some(s) = &d.validated {
                out.push(row("Validated", s.clone()));
            }
            if let Some(s) = &d.dcv_expires {
                out.push(row("DCV expires", s.clone()));
            }
            out.push(Line::styled("── Delegations ", theme.accent));
            for g in &d.delegations {
                let status = g.status.clone().unwrap_or_default();
                out.push(Line::from(vec![
                    Span::raw(format!("{} ", state.org_name(a, g.org_id))),
                    Span::styled(status.clone(), status_style(&status, theme)),
                ]));
                out.push(Line::styled(
                    format!(
                        "  {} · {}",
                        g.cert_types.join(", "),
                        g.privileges.join(", ")
                    ),
                    theme.muted,
                ));
            }
            out.push(Line::raw(""));
            out.push(Line::styled(
                "a approves, d rejects a pending delegation",
                theme.muted,
            ));
        }
        Scope::Orgs(a) => {
            let Some(o) = state.selected_org(a) else {
                return vec![Line::styled("no organization selected", theme.muted)];
            };
            out.push(Line::styled(o.name.clone(), theme.title));
            out.push(row("Id", o.id.to_string()));
            if !o.cert_types.is_empty() {
                out.push(row("Certificate types", o.cert_types.join(", ")));
            }
            out.push(Line::styled("── Departments ", theme.accent));
            if o.departments.is_empty() {
                out.push(Line::styled("none", theme.muted));
            }
            for d in &o.departments {
                out.push(row(&d.id.to_string(), d.name.clone()));
            }
        }
        Scope::Dcv(a) => {
            let Some(d) = state.selected_validation(a) else {
                return vec![Line::styled("no domain selected", theme.muted)];
            };
            out.push(Line::styled(d.domain.clone(), theme.title));
            out.push(row("Status", d.status.clone()));
            if let Some(m) = &d.method {
                out.push(row("Method", m.clone()));
            }
            if let Some(m) = &d.order_status {
                out.push(row("Order status", m.clone()));
            }
            if let Some(m) = &d.order_method {
                out.push(row("Order method", m.clone()));
            }
            if let Some(m) = &d.expires {
                out.push(row("Expires", m.clone()));
            }
            if let Some((domain, st)) = state.dcv_views.get(&a).and_then(|v| v.status.as_ref())
                && *domain == d.domain
            {
                out.push(Line::styled("── Status ", theme.accent));
                for l in crate::app::dcv_state_lines(st) {
                    out.push(Line::raw(l));
                }
            }
            out.push(Line::raw(""));
            out.push(Line::styled(
                "v starts and submits validation; f filters the list",
                theme.muted,
            ));
        }
        _ => {}
    }
    out
}
