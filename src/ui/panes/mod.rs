//! The five panes of the main screen, each drawn from the state alone, and what they share.

pub(super) mod accounts;
pub(super) mod detail;
pub(super) mod list;
pub(super) mod status;
pub(super) mod title;

use ratatui::text::Line;
use ratatui::widgets::{Block, Borders};

use crate::ui::theme::Theme;

pub(super) const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub(in crate::ui) fn pane_block<'a>(title: &'a str, focused: bool, theme: &Theme) -> Block<'a> {
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
