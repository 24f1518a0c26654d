//! Semantic colour roles with a 16-colour default. Meaning is never carried by colour alone:
//! every coloured status or expiry is also written as text.
//!
//! The default themes are data: `assets/theme.toml`, embedded in the binary and read once.

use std::sync::LazyLock;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

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
    /// The default: the 16 ANSI colours only, so it works on any terminal and in tmux
    /// (`[sixteen]` of `assets/theme.toml`).
    pub fn sixteen() -> Theme {
        themes().0
    }

    /// `NO_COLOR`: no colours at all; emphasis by bold and reverse video only (`[no_color]`
    /// of `assets/theme.toml`).
    pub fn no_color() -> Theme {
        themes().1
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

/// The default themes as data.
const THEMES: &str = include_str!("../../assets/theme.toml");

/// (sixteen, no_color) from [`THEMES`], parsed once. The file is part of the build and a test
/// parses it, so a failure here is a defect of the build, not something a user can cause.
fn themes() -> &'static (Theme, Theme) {
    static THEMES_PARSED: LazyLock<(Theme, Theme)> =
        LazyLock::new(|| parse_themes(THEMES).unwrap_or_else(|e| panic!("assets/theme.toml: {e}")));
    &THEMES_PARSED
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawThemes {
    sixteen: RawTheme,
    no_color: RawTheme,
}

/// One theme as written: a style text per role.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTheme {
    ok: String,
    warning: String,
    danger: String,
    muted: String,
    accent: String,
    selection: String,
    title: String,
    border: String,
    border_focus: String,
    key: String,
}

impl RawTheme {
    fn theme(&self) -> Result<Theme, String> {
        let s = |role: &str, text: &str| parse_style(text).map_err(|e| format!("{role}: {e}"));
        Ok(Theme {
            ok: s("ok", &self.ok)?,
            warning: s("warning", &self.warning)?,
            danger: s("danger", &self.danger)?,
            muted: s("muted", &self.muted)?,
            accent: s("accent", &self.accent)?,
            selection: s("selection", &self.selection)?,
            title: s("title", &self.title)?,
            border: s("border", &self.border)?,
            border_focus: s("border_focus", &self.border_focus)?,
            key: s("key", &self.key)?,
        })
    }
}

fn parse_themes(text: &str) -> Result<(Theme, Theme), String> {
    let raw: RawThemes = toml::from_str(text).map_err(|e| e.message().trim().to_string())?;
    let sixteen = raw.sixteen.theme().map_err(|e| format!("[sixteen] {e}"))?;
    let no_color = raw
        .no_color
        .theme()
        .map_err(|e| format!("[no_color] {e}"))?;
    Ok((sixteen, no_color))
}

/// A style as the theme file writes it: a foreground colour and modifiers separated by
/// spaces (`"cyan bold"`, `"reversed"`); `""` is the terminal's default.
fn parse_style(text: &str) -> Result<Style, String> {
    let mut style = Style::new();
    let mut colour = false;
    for word in text.split_whitespace() {
        let modifier = match word.to_ascii_lowercase().as_str() {
            "bold" => Some(Modifier::BOLD),
            "dim" => Some(Modifier::DIM),
            "italic" => Some(Modifier::ITALIC),
            "underlined" => Some(Modifier::UNDERLINED),
            "reversed" => Some(Modifier::REVERSED),
            _ => None,
        };
        if let Some(m) = modifier {
            style = style.add_modifier(m);
            continue;
        }
        let Ok(c) = word.parse::<Color>() else {
            return Err(format!(
                "{word:?} is neither a colour nor a modifier (bold, dim, italic, underlined, reversed)"
            ));
        };
        if colour {
            return Err(format!("{text:?} names more than one colour"));
        }
        colour = true;
        style = style.fg(c);
    }
    Ok(style)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_themes_are_the_built_in_ones() {
        // The themes as they were written in code before they moved to assets/theme.toml.
        let sixteen = Theme {
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
        };
        let plain = Style::new();
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let no_color = Theme {
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
        };
        assert_eq!(parse_themes(THEMES).unwrap(), (sixteen, no_color));
        assert_eq!(Theme::sixteen(), sixteen);
        assert_eq!(Theme::no_color(), no_color);
        assert_eq!(Theme::for_state(true), no_color);
    }

    #[test]
    fn styles_parse_and_bad_ones_are_named() {
        assert_eq!(parse_style("").unwrap(), Style::new());
        assert_eq!(
            parse_style(" Bold  lightred underlined").unwrap(),
            Style::new()
                .fg(Color::LightRed)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        );
        let e = parse_style("red blinking").unwrap_err();
        assert!(e.contains("\"blinking\" is neither"), "{e}");
        let e = parse_style("red green").unwrap_err();
        assert!(e.contains("more than one colour"), "{e}");
        let broken = THEMES.replace("danger = \"red bold\"", "danger = \"red boldly\"");
        let e = parse_themes(&broken).unwrap_err();
        assert!(e.starts_with("[sixteen] danger: \"boldly\""), "{e}");
        let e =
            parse_themes(&THEMES.replace("[no_color]\nok = \"\"\n", "[no_color]\n")).unwrap_err();
        assert!(e.contains("ok"), "{e}");
    }
}
