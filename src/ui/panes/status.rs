//! The status bar: the filter being typed, a status message or the key hints, and the
//! progress of pending jobs.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::app::{Severity, State};
use crate::ui::text::{fit, group};
use crate::ui::theme::Theme;

use super::SPINNER;

pub(in crate::ui) fn draw_status(state: &State, frame: &mut Frame, area: Rect, theme: &Theme) {
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
    } else if !state.prompts.is_empty() {
        // A question from a provider takes every key: only its own two mean anything.
        let spans = vec![
            Span::styled(" Enter", theme.key),
            Span::raw(" send "),
            Span::styled(" Esc", theme.key),
            Span::raw(" cancel "),
        ];
        frame.render_widget(Line::from(spans), left);
    } else {
        let mut spans = Vec::new();
        let mut used = 0usize;
        let width_of = |key: &str, label: &str| key.chars().count() + label.chars().count() + 3;
        // The way out is always shown, with its configured key, however long that is: the
        // others fill the room before it.
        let mut hints = state.keymap.hints(state.ctx());
        // A side view's own keys come right after moving and opening.
        if let crate::app::Scope::View(a, id) = state.scope()
            && let Some(v) = state.side_view(a, id)
        {
            let own = v.view.keys().iter().filter_map(|k| {
                let b = state.keymap.bindings.iter().find(|b| b.name == k.action)?;
                Some((b.keys.first()?.to_string(), k.label))
            });
            let at = hints.len().min(2);
            hints.splice(at..at, own.collect::<Vec<_>>());
        }
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
