//! Side views: the table and the detail of whatever view an account declares.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};

use super::panes::pane_block;
use super::theme::Theme;
use super::{fit, group};
use crate::app::{Pane, State};
use crate::model::AccountIdx;
use crate::provider::view::{DetailLine, Tone, ViewCell};

/// The theme's style for a tone.
pub fn tone_style(tone: Tone, theme: &Theme) -> Style {
    match tone {
        Tone::Plain => Style::new(),
        Tone::Ok => theme.ok,
        Tone::Warning => theme.warning,
        Tone::Danger => theme.danger,
        Tone::Muted => theme.muted,
    }
}

fn window(sel: usize, n: usize, h: usize) -> (usize, usize) {
    let h = h.max(1);
    let start = if sel >= h { sel + 1 - h } else { 0 };
    (start, (start + h).min(n))
}

fn empty(frame: &mut Frame, area: Rect, theme: &Theme, msg: &str) {
    frame.render_widget(
        Paragraph::new(Line::styled(msg.to_string(), theme.muted)).wrap(Wrap { trim: true }),
        area,
    );
}

/// The list pane of side view `id`: the visible window of its table, the other columns as
/// wide as their visible contents (at most their cap), the first column takes the rest.
pub fn draw_list(
    state: &State,
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    account: AccountIdx,
    id: &'static str,
) {
    let focused = state.focus == Pane::List;
    let rows = state.view_rows(account, id);
    let v = state.side_view(account, id);
    let mut title = v.map_or_else(|| "Loading".to_string(), |v| v.view.title().to_string());
    title.push_str(&format!(" {}", group(rows.len())));
    if let Some(v) = v {
        title.push_str(&v.view.subtitle());
    }
    let block = pane_block(&title, focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(v) = v.filter(|v| v.loaded) else {
        let what = v.map_or("the view", |v| v.view.what());
        empty(frame, inner, theme, &format!("loading {what}…"));
        return;
    };
    if rows.is_empty() {
        empty(frame, inner, theme, v.view.empty_text());
        return;
    }
    let columns = v.view.columns();
    let sel = v.sel.min(rows.len() - 1);
    let h = inner.height.saturating_sub(1) as usize;
    let (start, end) = window(sel, rows.len(), h);
    let cells: Vec<Vec<ViewCell>> = rows[start..end].iter().map(|&i| v.view.cells(i)).collect();
    // Only the visible rows are measured.
    let widths: Vec<u16> = columns
        .iter()
        .enumerate()
        .skip(1)
        .map(|(n, col)| {
            let most = cells
                .iter()
                .filter_map(|r| r.get(n))
                .map(|c| c.text.chars().count())
                .max()
                .unwrap_or(0);
            (col.title.chars().count().max(most) as u16).min(col.cap)
        })
        .collect();
    let used: u16 = widths.iter().sum::<u16>() + widths.len() as u16;
    let first_w = inner.width.saturating_sub(used) as usize;
    let body: Vec<Row> = cells
        .into_iter()
        .map(|r| {
            Row::new(r.into_iter().enumerate().map(|(n, c)| {
                let w = if n == 0 {
                    first_w
                } else {
                    widths.get(n - 1).copied().unwrap_or(0) as usize
                };
                Cell::from(Span::styled(fit(&c.text, w), tone_style(c.tone, theme)))
            }))
        })
        .collect();
    let mut constraints = vec![Constraint::Fill(1)];
    constraints.extend(widths.iter().map(|w| Constraint::Length(*w)));
    let header: Vec<&str> = columns.iter().map(|c| c.title).collect();
    let table = Table::new(body, constraints)
        .header(Row::new(header).style(theme.title))
        .column_spacing(1)
        .row_highlight_style(if focused {
            theme.selection
        } else {
            Style::new()
        });
    let mut ts = TableState::default().with_selected(Some(sel - start));
    frame.render_stateful_widget(table, inner, &mut ts);
}

/// The detail pane of side view `id`: what the provider says of the selected row.
pub fn detail_lines(
    state: &State,
    account: AccountIdx,
    id: &'static str,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let Some(v) = state.side_view(account, id) else {
        return vec![Line::styled("nothing selected", theme.muted)];
    };
    let Some(i) = state.selected_view_row(account, id) else {
        let (one, _) = v.view.nouns();
        return vec![Line::styled(format!("no {one} selected"), theme.muted)];
    };
    v.view
        .detail(i)
        .into_iter()
        .map(|l| match l {
            DetailLine::Title(t) => Line::styled(t, theme.title),
            DetailLine::Field(k, v) => Line::from(vec![
                Span::styled(format!("{k:<18} "), theme.muted),
                Span::raw(v),
            ]),
            DetailLine::Section(s) => Line::styled(format!("── {s} "), theme.accent),
            DetailLine::Text(t, tone) => Line::styled(t, tone_style(tone, theme)),
            DetailLine::Pair(a, b, tone) => {
                Line::from(vec![Span::raw(a), Span::styled(b, tone_style(tone, theme))])
            }
            DetailLine::Blank => Line::raw(""),
        })
        .collect()
}
