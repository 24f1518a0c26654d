//! Drawing of action dialogs (forms) and the action menu.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::theme::Theme;
use super::{fit, wrap_words};
use crate::app::State;
use crate::app::form::{FieldKind, Focus, Form, Stage};

fn popup(area: Rect, w: u16, h: u16) -> Rect {
    area.centered(
        Constraint::Length(w.min(area.width.saturating_sub(2))),
        Constraint::Length(h.min(area.height.saturating_sub(2))),
    )
}

/// The action menu, with each entry's key from the key table.
pub fn menu(state: &State, frame: &mut Frame, area: Rect, theme: &Theme, selected: usize) {
    let targets = state.targets();
    let title = match targets.len() {
        0 => "Actions".to_string(),
        1 => format!("Actions: {}", targets[0].cn),
        n => format!("Actions: {n} marked"),
    };
    let mut lines = Vec::new();
    let entries = state.menu();
    let selected = selected.min(entries.len().saturating_sub(1));
    for (i, e) in entries.iter().enumerate() {
        let key = state
            .keymap
            .binding(e.action)
            .and_then(|b| b.keys.first())
            .map(|k| k.to_string())
            .unwrap_or_default();
        // What cannot be chosen now is dimmed, with the reason when it is selected.
        let style = match (i == selected, e.refusal.is_some()) {
            (true, _) => theme.selection,
            (false, true) => theme.muted,
            (false, false) => Style::new(),
        };
        let text = e.label.to_string();
        lines.push(Line::from(vec![
            Span::styled(
                format!(" {key:<3}"),
                if i == selected || e.refusal.is_some() {
                    style
                } else {
                    theme.key
                },
            ),
            Span::styled(format!("{:<32}", fit(&text, 32)), style),
        ]));
    }
    // Why the selected entry cannot be taken, in full, below the entries.
    if let Some(why) = entries.get(selected).and_then(|e| e.refusal.as_deref()) {
        lines.push(Line::default());
        for l in wrap_words(&format!("not now: {why}"), 36) {
            lines.push(Line::styled(format!(" {l}"), theme.muted));
        }
    }
    let rect = popup(area, 40, lines.len() as u16 + 2);
    frame.render_widget(Clear, rect);
    let title = fit(&title, rect.width.saturating_sub(4) as usize);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border_focus)
                .title(Line::styled(format!(" {title} "), theme.title))
                .title_bottom(Line::styled(
                    " Enter choose · key · Esc close ",
                    theme.muted,
                )),
        ),
        rect,
    );
}

/// The copy picker: numbered values, each shortened to one line.
pub fn copy(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    items: &[(String, String)],
    selected: usize,
) {
    let label_w = items
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0)
        .min(22);
    // As wide as the longest value needs (so a DCV record shows whole), within the screen:
    // " N label  value" plus the borders.
    let longest = items
        .iter()
        .map(|(_, v)| v.lines().next().unwrap_or_default().chars().count() + label_w + 7)
        .max()
        .unwrap_or(0) as u16;
    let w = area.width.saturating_sub(4).min(longest.max(76));
    let inner = w.saturating_sub(2) as usize;
    let lines: Vec<Line> = items
        .iter()
        .enumerate()
        .map(|(i, (label, value))| {
            let style = if i == selected {
                theme.selection
            } else {
                Style::new()
            };
            let first = value.lines().next().unwrap_or_default();
            let shown = if value.lines().count() > 1 {
                format!("{first} …")
            } else {
                first.to_string()
            };
            let head = format!(" {} {label:<label_w$}  ", i + 1);
            let rest = inner.saturating_sub(head.chars().count());
            Line::from(vec![
                Span::styled(head, if i == selected { style } else { theme.key }),
                Span::styled(
                    fit(&shown, rest),
                    if i == selected { style } else { theme.muted },
                ),
            ])
        })
        .collect();
    let rect = popup(area, w, lines.len() as u16 + 2);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border_focus)
                .title(Line::styled(" Copy to the clipboard ", theme.title))
                .title_bottom(Line::styled(" Enter or 1-9 copy · Esc close ", theme.muted)),
        ),
        rect,
    );
}

/// A dialog: intro, fields (or the confirmation summary), a note, and the buttons.
pub fn form(frame: &mut Frame, area: Rect, theme: &Theme, form: &Form) {
    // 76 columns normally; wider (as far as the screen allows) when an intro line such as a
    // DCV record would otherwise wrap, so it can be copied in one piece.
    let longest = form
        .intro
        .iter()
        .map(|l| l.chars().count() as u16 + 2)
        .max()
        .unwrap_or(0);
    let w = area.width.saturating_sub(4).min(longest.max(76)).max(40);
    let inner_w = w.saturating_sub(2) as usize;
    let label_w = form
        .fields
        .iter()
        .map(|f| f.label.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(8, 20);
    let value_w = inner_w.saturating_sub(label_w + 2).max(10);
    let mut lines: Vec<Line> = Vec::new();
    let mut focus_line = 0usize;
    // A confirmation that restates the intro (the targets, say) shows it once.
    let intro: &[String] = if form.stage == Stage::Confirm && form.summary.starts_with(&form.intro)
    {
        &[]
    } else {
        &form.intro
    };
    for l in intro {
        for chunk in wrap_words(l, inner_w) {
            lines.push(Line::raw(chunk));
        }
    }
    if !intro.is_empty() {
        lines.push(Line::raw(""));
    }
    match form.stage {
        Stage::Edit => {
            for (i, f) in form.fields.iter().enumerate() {
                let focused = form.focus == Focus::Field(i);
                if focused {
                    focus_line = lines.len();
                }
                let label_style = if focused { theme.accent } else { theme.muted };
                let value = match &f.kind {
                    FieldKind::Text(input) => {
                        let v = input.value();
                        let shown: String = if v.chars().count() > value_w.saturating_sub(1) {
                            let skip = v.chars().count() + 1 - value_w;
                            v.chars().skip(skip).collect()
                        } else {
                            v.to_string()
                        };
                        let mut s = shown;
                        if focused {
                            s.push('▏');
                        }
                        Span::styled(
                            s,
                            if focused {
                                Style::new().add_modifier(Modifier::UNDERLINED)
                            } else {
                                Style::new()
                            },
                        )
                    }
                    FieldKind::Choice { options, selected } => {
                        let v = options.get(*selected).cloned().unwrap_or_default();
                        let text = if options.len() > 1 {
                            format!("‹ {} ›", fit(&v, value_w.saturating_sub(4)))
                        } else {
                            fit(&v, value_w)
                        };
                        Span::styled(
                            text,
                            if focused {
                                theme.selection
                            } else {
                                Style::new()
                            },
                        )
                    }
                };
                let marker = if focused { "▸" } else { " " };
                lines.push(Line::from(vec![
                    Span::styled(marker, theme.accent),
                    Span::styled(
                        format!("{:<label_w$} ", fit(&f.label, label_w)),
                        label_style,
                    ),
                    value,
                ]));
                if let Some(e) = &f.error {
                    for chunk in wrap_words(e, value_w) {
                        lines.push(Line::from(vec![
                            Span::raw(" ".repeat(label_w + 2)),
                            Span::styled(chunk, theme.danger),
                        ]));
                    }
                } else if focused && let Some(h) = &f.hint {
                    for chunk in wrap_words(h, value_w) {
                        lines.push(Line::from(vec![
                            Span::raw(" ".repeat(label_w + 2)),
                            Span::styled(chunk, theme.muted),
                        ]));
                    }
                }
            }
        }
        Stage::Confirm => {
            for l in &form.summary {
                for chunk in wrap_words(l, inner_w) {
                    lines.push(Line::styled(chunk, theme.warning));
                }
            }
        }
    }
    if let Some(n) = &form.note {
        lines.push(Line::raw(""));
        for chunk in wrap_words(n, inner_w) {
            lines.push(Line::styled(chunk, theme.warning));
        }
    }
    lines.push(Line::raw(""));
    let button = |label: &str, focused: bool, enabled: bool| {
        let style = if focused {
            theme.selection
        } else if enabled {
            theme.key
        } else {
            theme.muted
        };
        Span::styled(format!("[ {label} ]"), style)
    };
    if matches!(form.focus, Focus::Cancel | Focus::Ok) {
        focus_line = lines.len();
    }
    let mut buttons = vec![
        Span::raw("  "),
        button(&form.cancel_label, form.focus == Focus::Cancel, true),
    ];
    if form.has_ok() {
        buttons.push(Span::raw("  "));
        buttons.push(button(&form.ok_label, form.focus == Focus::Ok, form.ready));
    }
    lines.push(Line::from(buttons));
    let h = (lines.len() as u16 + 2).min(area.height.saturating_sub(2));
    let rect = popup(area, w, h);
    let inner_h = rect.height.saturating_sub(2) as usize;
    // Keep the focused line on screen; the buttons are the last line.
    // Show the focused line and, for a field, the hint line under it.
    let extra = usize::from(matches!(form.focus, Focus::Field(_)));
    let scroll = (focus_line + 1 + extra).saturating_sub(inner_h);
    frame.render_widget(Clear, rect);
    let esc = if form.cancel_label == "Close" {
        "close"
    } else {
        "cancel"
    };
    let footer = match form.stage {
        Stage::Edit if !form.has_ok() => " Esc close ".to_string(),
        // Only buttons (a view with one thing to do): nothing to move between or type.
        Stage::Edit if form.fields.is_empty() => {
            format!(" ←→ button · Enter presses it · Esc {esc} ")
        }
        Stage::Edit => format!(" Tab/↑↓ move · ←→ choose · Enter next · ^S send · Esc {esc} "),
        Stage::Confirm => " confirm: → then Enter sends · Esc back ".to_string(),
    };
    frame.render_widget(
        Paragraph::new(lines).scroll((scroll as u16, 0)).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(if form.stage == Stage::Confirm {
                    theme.danger
                } else {
                    theme.border_focus
                })
                .title(Line::styled(format!(" {} ", form.title), theme.title))
                .title_bottom(Line::styled(fit(&footer, inner_w), theme.muted)),
        ),
        rect,
    );
}
