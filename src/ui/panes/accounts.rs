//! The accounts pane: all, pending, then each account with its families and views.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::app::{AccountView, FamilyView, LoadState, Pane, Scope, State};
use crate::ui::text::{fit, group};
use crate::ui::theme::Theme;

use super::pane_block;

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

pub(in crate::ui) fn draw_accounts(state: &State, frame: &mut Frame, area: Rect, theme: &Theme) {
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
                fit(
                    &format!(
                        "All ({})",
                        group(state.certs.len().saturating_sub(state.hidden.len()))
                    ),
                    w,
                ),
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
            Scope::View(a, id) => {
                let label = state
                    .accounts
                    .get(a)
                    .and_then(|acc| acc.info.view(id))
                    .map_or(id, |v| v.label);
                let count = state
                    .side_view(a, id)
                    .filter(|v| v.loaded)
                    .map(|v| v.view.len());
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
            Scope::Collection(a, family) => {
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
