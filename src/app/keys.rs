//! Key bindings are data: one table of (keys, action, description, context) feeds the key
//! dispatch, the help overlay and the status-bar hints. Users can override keys from config.

use std::collections::BTreeMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ctx {
    /// Everywhere except while typing into an input.
    Global,
    Accounts,
    List,
    Detail,
}

impl Ctx {
    pub fn title(self) -> &'static str {
        match self {
            Ctx::Global => "Everywhere",
            Ctx::Accounts => "Accounts pane",
            Ctx::List => "Certificate list",
            Ctx::Detail => "Detail pane",
        }
    }
}

/// Everything a key can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Quit,
    Help,
    NextPane,
    PrevPane,
    Up,
    Down,
    FocusLeft,
    FocusRight,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Close,
    Filter,
    Sort,
    Refresh,
    ErrorLog,
    Mark,
    Pending,
    Menu,
    /// A provider's action, by its id (`approve`, `download` …): the account's declaration
    /// says what it is, whether it is offered and to which certificates.
    Invoke(&'static str),
    ServerFilter,
    AuditLog,
    Copy,
}

/// A problem in `[ui.keys]`: which entry, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyConfigError {
    pub action: String,
    pub message: String,
}

impl std::fmt::Display for KeyConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[ui.keys] {}: {}", self.action, self.message)
    }
}

impl std::error::Error for KeyConfigError {}

/// One row of the key table.
#[derive(Debug, Clone)]
pub struct Binding {
    pub action: Action,
    /// The name used in `[ui.keys]` of the config.
    pub name: &'static str,
    pub keys: Vec<KeyCombo>,
    pub help: &'static str,
    /// A short label for the status bar; `None` keeps it out of the hints.
    pub hint: Option<&'static str>,
    pub contexts: &'static [Ctx],
}

/// A key with modifiers, comparable with crossterm key events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyCombo {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl KeyCombo {
    pub const fn plain(code: KeyCode) -> KeyCombo {
        KeyCombo {
            code,
            mods: KeyModifiers::NONE,
        }
    }

    pub const fn ch(c: char) -> KeyCombo {
        KeyCombo::plain(KeyCode::Char(c))
    }

    pub const fn ctrl(c: char) -> KeyCombo {
        KeyCombo {
            code: KeyCode::Char(c),
            mods: KeyModifiers::CONTROL,
        }
    }

    /// Whether a terminal key event is this combo. Shift is folded into the character for
    /// printable keys (terminals report `G` as Char('G') with or without SHIFT).
    pub fn matches(&self, ev: &KeyEvent) -> bool {
        let relevant = KeyModifiers::CONTROL | KeyModifiers::ALT;
        match (self.code, ev.code) {
            (KeyCode::Char(a), KeyCode::Char(b)) => {
                a == b && (ev.modifiers & relevant) == (self.mods & relevant)
            }
            (KeyCode::BackTab, KeyCode::BackTab) => true,
            (a, b) => {
                a == b
                    && (ev.modifiers & (relevant | KeyModifiers::SHIFT))
                        == (self.mods & (relevant | KeyModifiers::SHIFT))
            }
        }
    }

    /// Parse "q", "G", "ctrl-c", "alt-x", "shift-tab", "enter", "esc", "pgdn", "f1", "space" …
    pub fn parse(s: &str) -> Result<KeyCombo, String> {
        let t = s.trim();
        if t.is_empty() {
            return Err("empty key".into());
        }
        let mut mods = KeyModifiers::NONE;
        let mut rest = t;
        loop {
            let lower = rest.to_ascii_lowercase();
            if let Some(r) = lower
                .strip_prefix("ctrl-")
                .or_else(|| lower.strip_prefix("c-"))
            {
                mods |= KeyModifiers::CONTROL;
                rest = &rest[rest.len() - r.len()..];
            } else if let Some(r) = lower
                .strip_prefix("alt-")
                .or_else(|| lower.strip_prefix("m-"))
            {
                mods |= KeyModifiers::ALT;
                rest = &rest[rest.len() - r.len()..];
            } else if let Some(r) = lower.strip_prefix("shift-") {
                mods |= KeyModifiers::SHIFT;
                rest = &rest[rest.len() - r.len()..];
            } else {
                break;
            }
        }
        if rest.chars().count() == 1 {
            let c = rest.chars().next().unwrap_or(' ');
            let c = if mods.contains(KeyModifiers::CONTROL) {
                c.to_ascii_lowercase()
            } else {
                c
            };
            return Ok(KeyCombo {
                code: KeyCode::Char(c),
                mods: mods - KeyModifiers::SHIFT,
            });
        }
        let code = match rest.to_ascii_lowercase().as_str() {
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" if mods.contains(KeyModifiers::SHIFT) => {
                mods -= KeyModifiers::SHIFT;
                KeyCode::BackTab
            }
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "space" => KeyCode::Char(' '),
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pgup" | "pageup" => KeyCode::PageUp,
            "pgdn" | "pgdown" | "pagedown" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            "insert" | "ins" => KeyCode::Insert,
            f if f.starts_with('f')
                && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) =>
            {
                KeyCode::F(f[1..].parse().unwrap_or(1))
            }
            other => return Err(format!("unknown key name {other:?}")),
        };
        Ok(KeyCombo { code, mods })
    }
}

impl fmt::Display for KeyCombo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("Ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("Alt-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("Shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Delete => f.write_str("Del"),
            KeyCode::Insert => f.write_str("Ins"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

const ALL: &[Ctx] = &[Ctx::Global];
const PANES: &[Ctx] = &[Ctx::Accounts, Ctx::List, Ctx::Detail];
const LISTS: &[Ctx] = &[Ctx::Accounts, Ctx::List];
const LIST: &[Ctx] = &[Ctx::List];
const LISTS_DETAIL: &[Ctx] = &[Ctx::Accounts, Ctx::List, Ctx::Detail];

/// The key table.
#[derive(Debug, Clone)]
pub struct KeyMap {
    pub bindings: Vec<Binding>,
}

impl Default for KeyMap {
    fn default() -> KeyMap {
        use KeyCode::*;
        let b = |action, name, keys: Vec<KeyCombo>, help, hint, contexts| Binding {
            action,
            name,
            keys,
            help,
            hint,
            contexts,
        };
        let p = KeyCombo::plain;
        let c = KeyCombo::ch;
        let mut bindings = vec![
            b(
                Action::Up,
                "up",
                vec![p(Up), c('k')],
                "move up",
                None,
                PANES,
            ),
            b(
                Action::Down,
                "down",
                vec![p(Down), c('j')],
                "move down",
                Some("j/k move"),
                PANES,
            ),
            b(
                Action::PageUp,
                "page_up",
                vec![p(PageUp), KeyCombo::ctrl('b')],
                "page up",
                None,
                PANES,
            ),
            b(
                Action::PageDown,
                "page_down",
                vec![p(PageDown), KeyCombo::ctrl('f')],
                "page down",
                None,
                PANES,
            ),
            b(
                Action::Top,
                "top",
                vec![c('g'), p(Home)],
                "go to the first row",
                None,
                PANES,
            ),
            b(
                Action::Bottom,
                "bottom",
                vec![c('G'), p(End)],
                "go to the last row",
                None,
                PANES,
            ),
            b(
                Action::Open,
                "open",
                vec![p(Enter)],
                "open: account → list, certificate → detail",
                Some("Enter open"),
                LISTS,
            ),
            b(
                Action::Filter,
                "filter",
                vec![c('/')],
                "filter the list by CN, SANs or serial (Esc clears)",
                Some("/ filter"),
                LISTS,
            ),
            b(
                Action::Sort,
                "sort",
                vec![c('s')],
                "cycle the sort: expiry, CN, status",
                Some("s sort"),
                LISTS,
            ),
            b(
                Action::Refresh,
                "refresh",
                vec![c('r')],
                "reload the selected account",
                Some("r refresh"),
                LISTS,
            ),
            b(
                Action::Mark,
                "mark",
                vec![c(' ')],
                "mark or unmark the certificate for a bulk action",
                Some("Space mark"),
                LIST,
            ),
            b(
                Action::Pending,
                "pending",
                vec![c('p')],
                "show every request awaiting approval (again: all)",
                Some("p pending"),
                LISTS,
            ),
            b(
                Action::Menu,
                "menu",
                vec![c('m'), c(':')],
                "the action menu for the selected or marked certificates",
                Some("m actions"),
                LISTS_DETAIL,
            ),
            b(
                Action::ServerFilter,
                "server_filter",
                vec![c('f')],
                "DCV view: filter by status and \"expires in N days\"",
                None,
                LISTS_DETAIL,
            ),
            b(
                Action::Copy,
                "copy",
                vec![c('y')],
                "copy a value (name, serial, fingerprint, DCV record) to the clipboard",
                None,
                LISTS_DETAIL,
            ),
            b(
                Action::Close,
                "close",
                vec![p(Esc)],
                "close the popup or detail, clear the filter",
                Some("Esc back"),
                &[Ctx::Global],
            ),
            b(
                Action::NextPane,
                "next_pane",
                vec![p(Tab)],
                "focus the next pane",
                None,
                ALL,
            ),
            b(
                Action::PrevPane,
                "prev_pane",
                vec![p(BackTab)],
                "focus the previous pane",
                None,
                ALL,
            ),
            b(
                Action::FocusLeft,
                "focus_left",
                vec![p(Left), c('h')],
                "focus the pane to the left",
                None,
                ALL,
            ),
            b(
                Action::FocusRight,
                "focus_right",
                vec![p(Right), c('l')],
                "focus the pane to the right",
                None,
                ALL,
            ),
            b(
                Action::ErrorLog,
                "errors",
                vec![c('e')],
                "show the error log and recent status messages",
                Some("e errors"),
                ALL,
            ),
            b(
                Action::AuditLog,
                "audit_log",
                vec![c('L')],
                "show the audit log (every action and its outcome)",
                Some("L audit"),
                ALL,
            ),
            b(
                Action::Help,
                "help",
                vec![c('?'), p(F(1))],
                "show this help",
                Some("? help"),
                ALL,
            ),
            b(
                Action::Quit,
                "quit",
                vec![c('q'), KeyCombo::ctrl('c')],
                "quit",
                Some("q quit"),
                ALL,
            ),
        ];
        // Every provider's actions, with their declared keys and help, after the neutral
        // ones; the config names them by id.
        for spec in crate::provider::registry::all_actions() {
            bindings.push(Binding {
                action: Action::Invoke(spec.id),
                name: spec.id,
                keys: spec
                    .keys
                    .iter()
                    .filter_map(|k| KeyCombo::parse(k).ok())
                    .collect(),
                help: spec.help,
                hint: None,
                contexts: LISTS_DETAIL,
            });
        }
        KeyMap { bindings }
    }
}

impl KeyMap {
    /// The default table with `[ui.keys]` overrides applied: `action = "key"` or
    /// `action = "key1, key2"` replaces the keys of that action. Ctrl-C always quits.
    pub fn with_overrides(overrides: &BTreeMap<String, String>) -> Result<KeyMap, KeyConfigError> {
        let err = |action: &str, message: String| KeyConfigError {
            action: action.to_string(),
            message,
        };
        let mut map = KeyMap::default();
        for (name, spec) in overrides {
            let Some(binding) = map.bindings.iter_mut().find(|b| b.name == name) else {
                let names: Vec<&str> = KeyMap::default().bindings.iter().map(|b| b.name).collect();
                return Err(err(
                    name,
                    format!("unknown action (known: {})", names.join(", ")),
                ));
            };
            let mut keys = Vec::new();
            for part in spec.split(',') {
                let k = KeyCombo::parse(part).map_err(|e| err(name, format!("{spec:?}: {e}")))?;
                keys.push(k);
            }
            if binding.action == Action::Quit && !keys.contains(&KeyCombo::ctrl('c')) {
                keys.push(KeyCombo::ctrl('c'));
            }
            binding.keys = keys;
        }
        // A changed key must not also mean something else where both apply: one of the two
        // would silently never fire.
        for name in overrides.keys() {
            let Some(b) = map.bindings.iter().find(|b| b.name == name) else {
                continue;
            };
            let overlaps = |o: &Binding| {
                b.contexts.iter().any(|c| o.contexts.contains(c))
                    || b.contexts.contains(&Ctx::Global)
                    || o.contexts.contains(&Ctx::Global)
            };
            for k in &b.keys {
                if let Some(other) = map
                    .bindings
                    .iter()
                    .find(|o| o.action != b.action && o.keys.contains(k) && overlaps(o))
                {
                    return Err(err(
                        name,
                        format!(
                            "{k} is also the key of {}; give one of them another key",
                            other.name
                        ),
                    ));
                }
            }
        }
        Ok(map)
    }

    /// The action a key means in a context (pane-specific bindings win over global ones).
    pub fn lookup(&self, ctx: Ctx, ev: &KeyEvent) -> Option<Action> {
        let hit = |b: &&Binding| b.keys.iter().any(|k| k.matches(ev));
        self.bindings
            .iter()
            .filter(|b| b.contexts.contains(&ctx))
            .find(hit)
            .or_else(|| {
                self.bindings
                    .iter()
                    .filter(|b| b.contexts.contains(&Ctx::Global))
                    .find(hit)
            })
            .map(|b| b.action)
    }

    pub fn binding(&self, action: Action) -> Option<&Binding> {
        self.bindings.iter().find(|b| b.action == action)
    }

    /// "j/k move  Enter open  / filter …" for the focused pane, from the table.
    pub fn hints(&self, ctx: Ctx) -> Vec<(String, &'static str)> {
        let mut out = Vec::new();
        for b in &self.bindings {
            if !(b.contexts.contains(&ctx) || b.contexts.contains(&Ctx::Global)) {
                continue;
            }
            let Some(hint) = b.hint else { continue };
            // The hint text starts with the default key; show the configured one instead.
            let label = hint.split_once(' ').map(|(_, l)| l).unwrap_or(hint);
            let key = if b.action == Action::Down {
                let up = self
                    .binding(Action::Up)
                    .and_then(|u| u.keys.get(1).or(u.keys.first()));
                let down = b.keys.get(1).or(b.keys.first());
                match (down, up) {
                    (Some(d), Some(u)) => format!("{d}/{u}"),
                    _ => continue,
                }
            } else {
                match b.keys.first() {
                    Some(k) => k.to_string(),
                    None => continue,
                }
            };
            out.push((b.action, key, label));
        }
        // The status bar is narrow: the hints that matter most come first, so a cut
        // never hides help or the action menu.
        const ORDER: [Action; 8] = [
            Action::Down,
            Action::Open,
            Action::Help,
            Action::Menu,
            Action::Filter,
            Action::Pending,
            Action::Close,
            Action::Quit,
        ];
        let rank = |a: &Action| ORDER.iter().position(|o| o == a).unwrap_or(ORDER.len());
        out.sort_by_key(|(a, _, _)| rank(a));
        out.into_iter().map(|(_, k, l)| (k, l)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventKind;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent {
            code,
            modifiers: mods,
            kind: KeyEventKind::Press,
            state: crossterm::event::KeyEventState::NONE,
        }
    }

    #[test]
    fn parses_key_names() {
        assert_eq!(KeyCombo::parse("q").unwrap(), KeyCombo::ch('q'));
        assert_eq!(KeyCombo::parse("ctrl-C").unwrap(), KeyCombo::ctrl('c'));
        assert_eq!(
            KeyCombo::parse("shift-tab").unwrap(),
            KeyCombo::plain(KeyCode::BackTab)
        );
        assert_eq!(
            KeyCombo::parse("PgDn").unwrap(),
            KeyCombo::plain(KeyCode::PageDown)
        );
        assert_eq!(
            KeyCombo::parse("f5").unwrap(),
            KeyCombo::plain(KeyCode::F(5))
        );
        assert!(KeyCombo::parse("hyper-x").is_err());
        assert!(KeyCombo::parse("").is_err());
    }

    #[test]
    fn uppercase_g_matches_with_or_without_shift() {
        let g = KeyCombo::ch('G');
        assert!(g.matches(&ev(KeyCode::Char('G'), KeyModifiers::SHIFT)));
        assert!(g.matches(&ev(KeyCode::Char('G'), KeyModifiers::NONE)));
        assert!(!g.matches(&ev(KeyCode::Char('g'), KeyModifiers::NONE)));
    }

    #[test]
    fn ctrl_c_is_not_c() {
        let m = KeyMap::default();
        assert_eq!(
            m.lookup(Ctx::List, &ev(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            m.lookup(Ctx::List, &ev(KeyCode::Char('c'), KeyModifiers::NONE)),
            Some(Action::Invoke("download"))
        );
    }

    #[test]
    fn overrides_replace_keys_and_keep_ctrl_c() {
        let mut o = BTreeMap::new();
        o.insert("quit".to_string(), "ctrl-q".to_string());
        o.insert("sort".to_string(), "o, O".to_string());
        let m = KeyMap::with_overrides(&o).unwrap();
        let quit = m.binding(Action::Quit).unwrap();
        assert_eq!(quit.keys, vec![KeyCombo::ctrl('q'), KeyCombo::ctrl('c')]);
        assert_eq!(
            m.lookup(Ctx::List, &ev(KeyCode::Char('q'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(
            m.lookup(Ctx::List, &ev(KeyCode::Char('O'), KeyModifiers::SHIFT)),
            Some(Action::Sort)
        );
        let hints = m.hints(Ctx::List);
        assert!(hints.contains(&("o".to_string(), "sort")), "{hints:?}");
    }

    #[test]
    fn bad_overrides_name_the_problem() {
        let mut o = BTreeMap::new();
        o.insert("quitt".to_string(), "q".to_string());
        let e = KeyMap::with_overrides(&o).unwrap_err();
        assert_eq!(e.action, "quitt");
        assert!(e.message.contains("unknown action"), "{e}");
        let mut o = BTreeMap::new();
        o.insert("quit".to_string(), "ctrl-".to_string());
        let e = KeyMap::with_overrides(&o).unwrap_err();
        assert_eq!(e.action, "quit", "{e}");
    }

    #[test]
    fn an_override_that_collides_with_another_key_is_refused() {
        let mut o = BTreeMap::new();
        o.insert("quit".to_string(), "s".to_string());
        let e = KeyMap::with_overrides(&o).unwrap_err();
        assert_eq!(e.action, "quit");
        assert!(e.message.contains("also the key of sort"), "{e}");
        // Moving sort away as well makes it fine.
        o.insert("sort".to_string(), "o".to_string());
        let m = KeyMap::with_overrides(&o).unwrap();
        assert_eq!(
            m.lookup(Ctx::List, &ev(KeyCode::Char('s'), KeyModifiers::NONE)),
            Some(Action::Quit)
        );
    }

    #[test]
    fn every_action_has_a_binding_with_help() {
        let m = KeyMap::default();
        for b in &m.bindings {
            assert!(!b.keys.is_empty(), "{:?}", b.action);
            assert!(!b.help.is_empty());
        }
    }
}
