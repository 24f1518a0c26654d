//! The screen's geometry, from the terminal size alone: `app` pages and scrolls by it, `ui`
//! draws by it.

use super::State;

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;
/// From this width on, the detail pane sits beside the list instead of replacing it.
pub const SIDE_BY_SIDE_WIDTH: u16 = 120;

/// How many list rows fit on screen (shared with `app` for paging and scrolling).
pub fn list_viewport_rows(state: &State) -> usize {
    // title bar + status bar + list borders + table header, and the All view's lines about
    // accounts that could not be set up
    (state.size.1.saturating_sub(1 + 1 + 2 + 1) as usize).saturating_sub(state.setup_banner_rows())
}

/// The inner size (columns, rows) of the detail pane for the current terminal size.
pub fn detail_inner(state: &State) -> (u16, u16) {
    let (w, h) = state.size;
    let right = w.saturating_sub(accounts_width(w));
    let pane_w = if w >= SIDE_BY_SIDE_WIDTH {
        right * 45 / 100
    } else {
        right
    };
    (pane_w.saturating_sub(2), h.saturating_sub(2 + 2))
}

pub fn accounts_width(width: u16) -> u16 {
    if width >= 110 { 26 } else { 20 }
}
