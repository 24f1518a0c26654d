//! A provider's question to the person (a one-time password, trusting a new server
//! fingerprint), shown over everything else until it is answered. Typed secrets are shown as
//! dots, never kept in the status history, and wiped once sent.

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use zeroize::Zeroizing;

use crate::model::AccountIdx;
use crate::provider::host::{Answer, Prompt, PromptKind, Reply};
use crate::worker::{Command, PromptId};

use super::State;

/// What has been typed into a secret prompt: redacted in `Debug`, wiped when dropped.
#[derive(Default)]
pub struct Typed(Zeroizing<String>);

impl Typed {
    /// How many characters have been typed (the dots drawn).
    pub fn len(&self) -> usize {
        self.0.chars().count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Typed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Typed(<{} characters>)", self.len())
    }
}

/// A question waiting for its answer.
#[derive(Debug)]
pub struct Asked {
    pub prompt: PromptId,
    pub account: AccountIdx,
    pub question: Prompt,
    pub typed: Typed,
}

impl State {
    /// The question shown now (the oldest), if any.
    pub fn prompt(&self) -> Option<&Asked> {
        self.prompts.front()
    }

    /// A provider asked something: it waits in line behind any earlier question.
    pub(super) fn asked(&mut self, prompt: PromptId, account: AccountIdx, question: Prompt) {
        self.prompts.push_back(Asked {
            prompt,
            account,
            question,
            typed: Typed::default(),
        });
    }

    fn answered(&mut self, answer: Answer) -> Vec<Command> {
        let Some(asked) = self.prompts.pop_front() else {
            return vec![];
        };
        vec![Command::Answer {
            prompt: asked.prompt,
            answer,
        }]
    }

    /// A key while a question is shown: it goes to the question, nothing else.
    pub(super) fn prompt_key(&mut self, key: KeyEvent) -> Vec<Command> {
        let Some(asked) = self.prompts.front_mut() else {
            return vec![];
        };
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        match (asked.question.kind, key.code) {
            (_, KeyCode::Esc) => self.answered(Answer::Cancelled),
            (PromptKind::YesNo, KeyCode::Char('y' | 'Y')) if plain => self.answered(Answer::Yes),
            (PromptKind::YesNo, KeyCode::Char('n' | 'N')) if plain => self.answered(Answer::No),
            (PromptKind::Secret, KeyCode::Enter) if !asked.typed.is_empty() => {
                let text = std::mem::take(&mut asked.typed);
                self.answered(Answer::Text(Reply::new(text.0.as_str())))
            }
            (PromptKind::Secret, KeyCode::Backspace) => {
                asked.typed.0.pop();
                vec![]
            }
            (PromptKind::Secret, KeyCode::Char(c)) if plain && !c.is_control() => {
                asked.typed.0.push(c);
                vec![]
            }
            _ => vec![],
        }
    }

    /// Pasted text goes into a secret prompt (a password manager's paste), controls left out.
    pub(super) fn prompt_paste(&mut self, text: &str) {
        if let Some(asked) = self.prompts.front_mut()
            && asked.question.kind == PromptKind::Secret
        {
            asked
                .typed
                .0
                .extend(text.chars().filter(|c| !c.is_control()));
        }
    }
}
