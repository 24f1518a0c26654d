//! Semantic colour roles with a 16-colour default. Meaning is never carried by colour alone:
//! every coloured status or expiry is also written as text.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Theme {
    pub ok: Style,
    pub warning: Style,
    pub danger: Style,
    pub muted: Style,
    pub accent: Style,
    pub selection: Style,
    pub title: Style,
    pub border: Style,
    pub border_focus: Style,
    pub key: Style,
}

impl Theme {
    /// The default: the 16 ANSI colours only, so it works on any terminal and in tmux.
    pub fn sixteen() -> Theme {
        Theme {
            ok: Style::new().fg(Color::Green),
            warning: Style::new().fg(Color::Yellow),
            danger: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            muted: Style::new().fg(Color::DarkGray),
            accent: Style::new().fg(Color::Cyan),
            selection: Style::new().add_modifier(Modifier::REVERSED),
            title: Style::new().add_modifier(Modifier::BOLD),
            border: Style::new().fg(Color::DarkGray),
            border_focus: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            key: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        }
    }

    /// `NO_COLOR`: no colours at all; emphasis by bold and reverse video only.
    pub fn no_color() -> Theme {
        let plain = Style::new();
        let bold = Style::new().add_modifier(Modifier::BOLD);
        Theme {
            ok: plain,
            warning: bold,
            danger: bold,
            muted: plain,
            accent: plain,
            selection: Style::new().add_modifier(Modifier::REVERSED),
            title: bold,
            border: plain,
            border_focus: bold,
            key: bold,
        }
    }

    pub fn for_state(no_color: bool) -> Theme {
        if no_color {
            Theme::no_color()
        } else {
            Theme::sixteen()
        }
    }
}

/// Whether the `NO_COLOR` convention asks for no colour (set and non-empty).
pub fn no_color_from_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}
