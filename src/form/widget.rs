//! A small form engine for dialogs: text inputs and choices, per-field validation messages,
//! Cancel/OK buttons, and a confirmation stage for mutations (focus starts on Cancel).

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

#[derive(Debug, Clone)]
pub enum FieldKind {
    Text(Input),
    /// One of `options`; `Left`/`Right` (or `Space`) change it.
    Choice {
        options: Vec<String>,
        selected: usize,
    },
}

#[derive(Debug, Clone)]
pub struct Field {
    /// Stable key the dialog logic uses to find the field.
    pub key: &'static str,
    pub label: String,
    pub kind: FieldKind,
    /// A hint under the field.
    pub hint: Option<String>,
    /// The validation message, shown in place of the hint.
    pub error: Option<String>,
}

impl Field {
    pub fn text(key: &'static str, label: impl Into<String>, value: impl Into<String>) -> Field {
        Field {
            key,
            label: label.into(),
            kind: FieldKind::Text(Input::new(value.into())),
            hint: None,
            error: None,
        }
    }

    pub fn choice(
        key: &'static str,
        label: impl Into<String>,
        options: Vec<String>,
        selected: usize,
    ) -> Field {
        Field {
            key,
            label: label.into(),
            kind: FieldKind::Choice {
                selected: selected.min(options.len().saturating_sub(1)),
                options,
            },
            hint: None,
            error: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Field {
        self.hint = Some(hint.into());
        self
    }

    /// The text (trimmed), or the chosen option.
    pub fn value(&self) -> String {
        match &self.kind {
            FieldKind::Text(i) => i.value().trim().to_string(),
            FieldKind::Choice { options, selected } => {
                options.get(*selected).cloned().unwrap_or_default()
            }
        }
    }

    pub fn selected(&self) -> usize {
        match &self.kind {
            FieldKind::Choice { selected, .. } => *selected,
            FieldKind::Text(_) => 0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Edit,
    /// The summary is shown; OK sends.
    Confirm,
}

/// Where the focus is: a field, or one of the buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Field(usize),
    Cancel,
    Ok,
}

#[derive(Debug, Clone)]
pub struct Form {
    pub title: String,
    /// Context lines above the fields (what the action applies to).
    pub intro: Vec<String>,
    pub fields: Vec<Field>,
    pub focus: Focus,
    pub stage: Stage,
    /// The label of the OK button ("Approve", "Revoke" …).
    pub ok_label: String,
    /// "Cancel" for forms that send something, "Close" for views.
    pub cancel_label: String,
    /// Mutations pass a confirmation stage; reads and downloads do not.
    pub confirm: bool,
    /// Lines of the confirmation stage.
    pub summary: Vec<String>,
    /// A form-level message (e.g. "loading profiles…" or why OK is refused).
    pub note: Option<String>,
    /// Whether OK is possible at all (e.g. still loading).
    pub ready: bool,
}

/// What a key did to the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormEvent {
    None,
    /// A field's value changed (dependent fields may need updating).
    Changed(&'static str),
    Cancel,
    /// OK pressed in the edit stage: validate, then `to_confirm` or `submit`.
    Submit,
    /// OK pressed in the confirmation stage: send it.
    Confirmed,
}

impl Form {
    pub fn new(title: impl Into<String>, ok_label: impl Into<String>, confirm: bool) -> Form {
        Form {
            title: title.into(),
            intro: Vec::new(),
            fields: Vec::new(),
            focus: Focus::Cancel,
            stage: Stage::Edit,
            ok_label: ok_label.into(),
            cancel_label: "Cancel".into(),
            confirm,
            summary: Vec::new(),
            note: None,
            ready: true,
        }
    }

    /// A form that only shows something: its one button closes it (no OK, no ^S).
    pub fn view_only(mut self) -> Form {
        self.ok_label.clear();
        self.cancel_label = "Close".into();
        self.focus = Focus::Cancel;
        self
    }

    /// A view with something to do (OK): the other button closes it, sending nothing.
    pub fn closing(mut self) -> Form {
        self.cancel_label = "Close".into();
        self
    }

    /// Whether the form has an OK button (view-only forms have none).
    pub fn has_ok(&self) -> bool {
        !self.ok_label.is_empty()
    }

    pub fn with_intro(mut self, lines: Vec<String>) -> Form {
        self.intro = lines;
        self
    }

    pub fn with_fields(mut self, fields: Vec<Field>) -> Form {
        self.fields = fields;
        // Start on the first field to type into. With none: a form that confirms starts on
        // its OK (the confirmation then starts on Cancel), one that does not on Cancel.
        self.focus = match (self.fields.is_empty(), self.confirm && self.has_ok()) {
            (false, _) => Focus::Field(0),
            (true, true) => Focus::Ok,
            (true, false) => Focus::Cancel,
        };
        self
    }

    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    pub fn field_mut(&mut self, key: &str) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.key == key)
    }

    pub fn value(&self, key: &str) -> String {
        self.field(key).map(|f| f.value()).unwrap_or_default()
    }

    pub fn set_error(&mut self, key: &str, msg: impl Into<String>) {
        if let Some(f) = self.field_mut(key) {
            f.error = Some(msg.into());
        }
    }

    pub fn clear_errors(&mut self) {
        for f in &mut self.fields {
            f.error = None;
        }
        self.note = None;
    }

    pub fn has_errors(&self) -> bool {
        self.fields.iter().any(|f| f.error.is_some())
    }

    /// Move to the confirmation stage with these summary lines; focus starts on Cancel.
    pub fn to_confirm(&mut self, summary: Vec<String>) {
        self.summary = summary;
        self.stage = Stage::Confirm;
        self.focus = Focus::Cancel;
    }

    /// Whether keys go into a text field (so letters are text, not commands).
    pub fn typing(&self) -> bool {
        matches!(self.focus, Focus::Field(i)
            if matches!(self.fields.get(i).map(|f| &f.kind), Some(FieldKind::Text(_))))
    }

    /// Tab order. While editing, the fields lead to OK and then Cancel, so moving on from the
    /// last field never lands on Cancel (one Enter too many must not throw the form away).
    /// The confirmation has only Cancel (where it starts) and OK.
    fn order(&self) -> Vec<Focus> {
        match self.stage {
            Stage::Edit => (0..self.fields.len())
                .map(Focus::Field)
                .chain(self.has_ok().then_some(Focus::Ok))
                .chain([Focus::Cancel])
                .collect(),
            Stage::Confirm => vec![Focus::Cancel, Focus::Ok],
        }
    }

    fn step(&mut self, dir: isize) {
        let order = self.order();
        let i = order.iter().position(|f| *f == self.focus).unwrap_or(0) as isize;
        let n = order.len() as isize;
        self.focus = order[((i + dir).rem_euclid(n)) as usize];
    }

    pub fn on_key(&mut self, key: KeyEvent) -> FormEvent {
        match key.code {
            KeyCode::Esc => {
                return if self.stage == Stage::Confirm {
                    // Back to editing, nothing sent.
                    self.stage = Stage::Edit;
                    self.focus = Focus::Ok;
                    FormEvent::None
                } else {
                    FormEvent::Cancel
                };
            }
            KeyCode::Tab | KeyCode::Down => {
                self.step(1);
                return FormEvent::None;
            }
            KeyCode::BackTab | KeyCode::Up => {
                self.step(-1);
                return FormEvent::None;
            }
            // Send from any field (the checks and, for changes, the confirmation still come).
            KeyCode::Char('s')
                if key.modifiers.contains(KeyModifiers::CONTROL) && self.stage == Stage::Edit =>
            {
                if !self.ready || !self.has_ok() {
                    return FormEvent::None;
                }
                self.focus = Focus::Ok;
                return FormEvent::Submit;
            }
            _ => {}
        }
        match self.focus {
            Focus::Cancel => match key.code {
                KeyCode::Enter | KeyCode::Char(' ') => FormEvent::Cancel,
                KeyCode::Right | KeyCode::Char('l') if self.has_ok() => {
                    self.focus = Focus::Ok;
                    FormEvent::None
                }
                _ => FormEvent::None,
            },
            Focus::Ok => match key.code {
                KeyCode::Enter | KeyCode::Char(' ') => {
                    if !self.ready || !self.has_ok() {
                        return FormEvent::None;
                    }
                    if self.stage == Stage::Confirm {
                        FormEvent::Confirmed
                    } else {
                        FormEvent::Submit
                    }
                }
                KeyCode::Left | KeyCode::Char('h') => {
                    self.focus = Focus::Cancel;
                    FormEvent::None
                }
                _ => FormEvent::None,
            },
            Focus::Field(i) => {
                let Some(field) = self.fields.get_mut(i) else {
                    return FormEvent::None;
                };
                let key_name = field.key;
                match &mut field.kind {
                    FieldKind::Choice { options, selected } => {
                        let n = options.len().max(1);
                        match key.code {
                            KeyCode::Right | KeyCode::Char(' ') | KeyCode::Char('l') => {
                                *selected = (*selected + 1) % n;
                                field.error = None;
                                FormEvent::Changed(key_name)
                            }
                            KeyCode::Left | KeyCode::Char('h') => {
                                *selected = (*selected + n - 1) % n;
                                field.error = None;
                                FormEvent::Changed(key_name)
                            }
                            KeyCode::Enter => {
                                self.step(1);
                                FormEvent::None
                            }
                            _ => FormEvent::None,
                        }
                    }
                    FieldKind::Text(input) => {
                        if key.code == KeyCode::Enter {
                            self.step(1);
                            return FormEvent::None;
                        }
                        if key.modifiers.contains(KeyModifiers::CONTROL)
                            && key.code == KeyCode::Char('u')
                        {
                            input.reset();
                            field.error = None;
                            return FormEvent::Changed(key_name);
                        }
                        let before = input.value().to_string();
                        input.handle_event(&Event::Key(key));
                        if input.value() != before {
                            field.error = None;
                            FormEvent::Changed(key_name)
                        } else {
                            FormEvent::None
                        }
                    }
                }
            }
        }
    }

    /// Pasted text goes into the focused text field (control characters dropped).
    pub fn paste(&mut self, text: &str) -> FormEvent {
        if let Focus::Field(i) = self.focus
            && let Some(field) = self.fields.get_mut(i)
            && let FieldKind::Text(input) = &mut field.kind
        {
            let clean: String = text.chars().filter(|c| !c.is_control()).collect();
            let value = format!("{}{}", input.value(), clean);
            *input = Input::new(value);
            field.error = None;
            return FormEvent::Changed(field.key);
        }
        FormEvent::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    fn form() -> Form {
        Form::new("Approve", "Approve", true).with_fields(vec![
            Field::text("message", "Message", ""),
            Field::choice("mode", "Mode", vec!["a".into(), "b".into()], 0),
        ])
    }

    #[test]
    fn typing_goes_into_the_focused_field_and_tab_moves() {
        let mut f = form();
        for c in "ok go".chars() {
            f.on_key(k(KeyCode::Char(c)));
        }
        assert_eq!(f.value("message"), "ok go");
        f.on_key(k(KeyCode::Tab));
        assert_eq!(f.focus, Focus::Field(1));
        assert_eq!(f.on_key(k(KeyCode::Right)), FormEvent::Changed("mode"));
        assert_eq!(f.value("mode"), "b");
        f.on_key(k(KeyCode::Right));
        assert_eq!(f.value("mode"), "a", "wraps");
        f.on_key(k(KeyCode::Tab));
        assert_eq!(f.focus, Focus::Ok, "the last field leads to OK, not Cancel");
        f.on_key(k(KeyCode::Tab));
        assert_eq!(f.focus, Focus::Cancel);
        f.on_key(k(KeyCode::Tab));
        assert_eq!(f.focus, Focus::Field(0), "wraps");
        f.on_key(k(KeyCode::BackTab));
        assert_eq!(f.focus, Focus::Cancel);
    }

    #[test]
    fn enter_walks_the_fields_to_ok_and_ctrl_s_sends_from_anywhere() {
        let mut f = form();
        f.on_key(k(KeyCode::Enter));
        assert_eq!(f.focus, Focus::Field(1));
        f.on_key(k(KeyCode::Enter));
        assert_eq!(f.focus, Focus::Ok);
        assert_eq!(f.on_key(k(KeyCode::Enter)), FormEvent::Submit);

        let mut f = form();
        let ctrl_s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert_eq!(f.on_key(ctrl_s), FormEvent::Submit);
        assert_eq!(f.value("message"), "", "not typed into the field");
        f.ready = false;
        assert_eq!(f.on_key(ctrl_s), FormEvent::None);
        // In the confirmation it does not confirm: that takes moving to OK on purpose.
        f.ready = true;
        f.to_confirm(vec!["Approve 1 request".into()]);
        assert_eq!(f.on_key(ctrl_s), FormEvent::None);
        assert_eq!(f.focus, Focus::Cancel);
    }

    #[test]
    fn confirmation_starts_on_cancel_and_esc_goes_back() {
        let mut f = form();
        f.to_confirm(vec!["Approve 1 request".into()]);
        assert_eq!(f.focus, Focus::Cancel);
        assert_eq!(f.on_key(k(KeyCode::Enter)), FormEvent::Cancel);
        f.on_key(k(KeyCode::Right));
        assert_eq!(f.on_key(k(KeyCode::Enter)), FormEvent::Confirmed);
        f.on_key(k(KeyCode::Esc));
        assert_eq!(f.stage, Stage::Edit);
        assert_eq!(f.on_key(k(KeyCode::Esc)), FormEvent::Cancel);
    }

    #[test]
    fn ok_does_nothing_until_ready() {
        let mut f = form();
        f.ready = false;
        f.focus = Focus::Ok;
        assert_eq!(f.on_key(k(KeyCode::Enter)), FormEvent::None);
    }

    #[test]
    fn paste_drops_control_characters() {
        let mut f = form();
        f.paste("line1\nline2\x1b[31m");
        assert_eq!(f.value("message"), "line1line2[31m");
    }
}
