//! The title bar: scope, counts, sort, filter, READ-ONLY.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::app::{Scope, State};
use crate::ui::text::{counted, fit, group};
use crate::ui::theme::Theme;

pub(in crate::ui) fn draw_title(state: &State, frame: &mut Frame, area: Rect, theme: &Theme) {
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
        Scope::View(a, id) => {
            let what = state
                .accounts
                .get(a)
                .and_then(|acc| acc.info.view(id))
                .map_or(id, |v| v.name);
            format!("{} · {what}", name(a))
        }
        Scope::Account(a) => name(a),
        Scope::Family(a, f) => format!("{} · {}", name(a), f.label()),
    };
    let count = match state.scope() {
        Scope::View(a, id) => match state.side_view(a, id) {
            Some(v) => {
                let (one, many) = v.view.nouns();
                counted(v.view.len(), one, many)
            }
            None => counted(0, "row", "rows"),
        },
        _ => format!(
            "{} of {} certificates",
            group(state.view.len()),
            group(state.scope_total)
        ),
    };
    // Each side view has its own sort order.
    let sort = match state.scope() {
        Scope::View(a, id) => format!(
            "sort: {}",
            state.side_view(a, id).map_or("name", |v| v.sort_label())
        ),
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
