//! Drawing: `draw(&State, &mut Frame)` is a pure function of the state. Only the visible rows
//! of the list are turned into widgets, so a frame costs the same for 100 or 100,000 rows.
//!
//! Layout: `layout` (geometry from the terminal size), `text` (fit, wrap, digit groups,
//! dates), `panes/` (title, accounts, list, detail, status), `views` (the side views the
//! providers declare, in the list and detail panes), `overlays` and `dialog` (popups over the panes), `theme`.

mod dialog;
pub mod layout;
mod overlays;
mod panes;
pub mod text;
pub mod theme;
mod views;

pub use layout::{MIN_HEIGHT, MIN_WIDTH, SIDE_BY_SIDE_WIDTH, list_viewport_rows};
pub use overlays::help_max_scroll;
pub use panes::detail::{detail_lines, detail_max_scroll};
pub use panes::list::{days_cell, status_style};
pub use text::{fit, group, wrap_words, ymd};

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::State;
use layout::accounts_width;
use panes::accounts::draw_accounts;
use panes::detail::draw_detail;
use panes::list::draw_list;
use panes::status::draw_status;
use panes::title::draw_title;
use theme::Theme;

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
