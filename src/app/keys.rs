//! Key bindings are data: one table of (keys, action, description, context) feeds the key
//! dispatch, the help overlay and the status-bar hints. Users can override keys from config.
//! The default keys of the console's own actions are data too: `assets/keys.toml`, embedded,
//! in the `[ui.keys]` form and read with the same parser as the user's overrides.

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

/// The default keys of the console's own actions, by their `[ui.keys]` name: a config
/// fragment holding only `[ui.keys]`, read like the user's config.
const DEFAULT_KEYS: &str = include_str!("../../assets/keys.toml");

/// `"key"` or `"key1, key2"`, as `[ui.keys]` writes them (the user's overrides and the
/// defaults alike).
fn parse_key_list(spec: &str) -> Result<Vec<KeyCombo>, String> {
    spec.split(',')
        .map(|part| KeyCombo::parse(part).map_err(|e| format!("{spec:?}: {e}")))
        .collect()
}

/// A key table in the config's `[ui.keys]` form, through the config parser and then
/// [`parse_key_list`].
fn parse_key_table(text: &str, name: &str) -> Result<BTreeMap<String, Vec<KeyCombo>>, String> {
    let config = crate::config::Config::from_str_named(text, name).map_err(|e| e.to_string())?;
    config
        .ui
        .keys
        .iter()
        .map(|(action, spec)| {
            parse_key_list(spec)
                .map(|keys| (action.clone(), keys))
                .map_err(|e| format!("{name}: [ui.keys] {action}: {e}"))
        })
        .collect()
}

/// [`DEFAULT_KEYS`], parsed once. The file is part of the build and a test parses it, so a
/// failure here is a defect of the build, not something a user can cause.
fn default_keys() -> &'static BTreeMap<String, Vec<KeyCombo>> {
    static KEYS: std::sync::LazyLock<BTreeMap<String, Vec<KeyCombo>>> =
        std::sync::LazyLock::new(|| {
            parse_key_table(DEFAULT_KEYS, "assets/keys.toml").unwrap_or_else(|e| panic!("{e}"))
        });
    &KEYS
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
        // The keys come from assets/keys.toml, by the action's [ui.keys] name.
        let b = |action, name: &'static str, help, hint, contexts| Binding {
            action,
            name,
            keys: default_keys().get(name).cloned().unwrap_or_default(),
            help,
            hint,
            contexts,
        };
        let mut bindings = vec![
            b(Action::Up, "up", "move up", None, PANES),
            b(Action::Down, "down", "move down", Some("j/k move"), PANES),
            b(Action::PageUp, "page_up", "page up", None, PANES),
            b(Action::PageDown, "page_down", "page down", None, PANES),
            b(Action::Top, "top", "go to the first row", None, PANES),
            b(Action::Bottom, "bottom", "go to the last row", None, PANES),
            b(
                Action::Open,
                "open",
                "open: account → list, certificate → detail",
                Some("Enter open"),
                LISTS,
            ),
            b(
                Action::Filter,
                "filter",
                "filter the list by CN, SANs or serial (Esc clears)",
                Some("/ filter"),
                LISTS,
            ),
            b(
                Action::Sort,
                "sort",
                "cycle the sort: expiry, CN, status",
                Some("s sort"),
                LISTS,
            ),
            b(
                Action::Refresh,
                "refresh",
                "reload the selected account",
                Some("r refresh"),
                LISTS,
            ),
            b(
                Action::Mark,
                "mark",
                "mark or unmark the certificate for a bulk action",
                Some("Space mark"),
                LIST,
            ),
            b(
                Action::Pending,
                "pending",
                "show every request awaiting approval (again: all)",
                Some("p pending"),
                LISTS,
            ),
            b(
                Action::Menu,
                "menu",
                "the action menu for the selected or marked certificates",
                Some("m actions"),
                LISTS_DETAIL,
            ),
            b(
                Action::ServerFilter,
                "server_filter",
                "a side view's server-side filters (where the view has them)",
                None,
                LISTS_DETAIL,
            ),
            b(
                Action::Copy,
                "copy",
                "copy a value (name, serial, fingerprint, DCV record) to the clipboard",
                None,
                LISTS_DETAIL,
            ),
            b(
                Action::Close,
                "close",
                "close the popup or detail, clear the filter",
                Some("Esc back"),
                &[Ctx::Global],
            ),
            b(
                Action::NextPane,
                "next_pane",
                "focus the next pane",
                None,
                ALL,
            ),
            b(
                Action::PrevPane,
                "prev_pane",
                "focus the previous pane",
                None,
                ALL,
            ),
            b(
                Action::FocusLeft,
                "focus_left",
                "focus the pane to the left",
                None,
                ALL,
            ),
            b(
                Action::FocusRight,
                "focus_right",
                "focus the pane to the right",
                None,
                ALL,
            ),
            b(
                Action::ErrorLog,
                "errors",
                "show the error log and recent status messages",
                Some("e errors"),
                ALL,
            ),
            b(
                Action::AuditLog,
                "audit_log",
                "show the audit log (every action and its outcome)",
                Some("L audit"),
                ALL,
            ),
            b(Action::Help, "help", "show this help", Some("? help"), ALL),
            b(Action::Quit, "quit", "quit", Some("q quit"), ALL),
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
            let mut keys = parse_key_list(spec).map_err(|e| err(name, e))?;
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
    fn the_embedded_default_keys_are_the_built_in_ones() {
        use KeyCode::*;
        let (p, c, ctrl) = (KeyCombo::plain, KeyCombo::ch, KeyCombo::ctrl);
        // The table as it was written in code before it moved to assets/keys.toml.
        let before: BTreeMap<String, Vec<KeyCombo>> = [
            ("up", vec![p(Up), c('k')]),
            ("down", vec![p(Down), c('j')]),
            ("page_up", vec![p(PageUp), ctrl('b')]),
            ("page_down", vec![p(PageDown), ctrl('f')]),
            ("top", vec![c('g'), p(Home)]),
            ("bottom", vec![c('G'), p(End)]),
            ("open", vec![p(Enter)]),
            ("filter", vec![c('/')]),
            ("sort", vec![c('s')]),
            ("refresh", vec![c('r')]),
            ("mark", vec![c(' ')]),
            ("pending", vec![c('p')]),
            ("menu", vec![c('m'), c(':')]),
            ("server_filter", vec![c('f')]),
            ("copy", vec![c('y')]),
            ("close", vec![p(Esc)]),
            ("next_pane", vec![p(Tab)]),
            ("prev_pane", vec![p(BackTab)]),
            ("focus_left", vec![p(Left), c('h')]),
            ("focus_right", vec![p(Right), c('l')]),
            ("errors", vec![c('e')]),
            ("audit_log", vec![c('L')]),
            ("help", vec![c('?'), p(F(1))]),
            ("quit", vec![c('q'), ctrl('c')]),
        ]
        .into_iter()
        .map(|(n, k)| (n.to_string(), k))
        .collect();
        let parsed = parse_key_table(DEFAULT_KEYS, "assets/keys.toml").unwrap();
        assert_eq!(parsed, before);
        // Every console action takes its keys from the file, and the file names no other.
        let m = KeyMap::default();
        for (name, keys) in &before {
            let b = m.bindings.iter().find(|b| b.name == name);
            assert_eq!(b.map(|b| &b.keys), Some(keys), "{name}");
        }
        let own = m
            .bindings
            .iter()
            .filter(|b| !matches!(b.action, Action::Invoke(_)))
            .count();
        assert_eq!(own, before.len());
    }

    #[test]
    fn a_bad_key_table_names_the_entry() {
        let e = parse_key_table("[ui.keys]\nquit = \"q, hyper-x\"\n", "t").unwrap_err();
        assert!(e.contains("[ui.keys] quit"), "{e}");
        assert!(e.contains("unknown key name"), "{e}");
        let e = parse_key_table("[ui.keys]\nquit = 1\n", "t").unwrap_err();
        assert!(e.starts_with("config error in t, line 2"), "{e}");
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
