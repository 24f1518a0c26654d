//! Questions a provider asks the person at the console while it works: a one-time password
//! for a login, whether to trust a server's new certificate fingerprint. The provider awaits
//! [`Host::ask`]; the worker turns it into a `WorkerEvent::Prompt`, the app shows it, and the
//! person's answer comes back as a `Command::Answer`.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};

/// What kind of answer a prompt wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    /// Typed text never shown nor kept (a one-time password): the field shows dots.
    Secret,
    /// Yes or no (trust this fingerprint?).
    YesNo,
}

/// One question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    /// The popup's title ("One-time password").
    pub title: String,
    /// What the person needs to know to answer (which account, which server, why).
    pub lines: Vec<String>,
    pub kind: PromptKind,
}

/// Typed text, kept as a secret: redacted in `Debug`, never printed.
#[derive(Clone)]
pub struct Reply(Arc<SecretString>);

impl Reply {
    pub fn new(text: impl Into<String>) -> Reply {
        Reply(Arc::new(SecretString::from(text.into())))
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Reply(<redacted>)")
    }
}

impl PartialEq for Reply {
    fn eq(&self, other: &Reply) -> bool {
        self.expose() == other.expose()
    }
}

/// The person's answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Text(Reply),
    Yes,
    No,
    /// Closed without answering (Esc), or nobody there to ask (the console has gone).
    Cancelled,
}

/// Where a provider's questions go.
#[async_trait]
pub trait Host: Send + Sync {
    async fn ask(&self, prompt: Prompt) -> Answer;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_never_shows_in_debug_output() {
        let r = Answer::Text(Reply::new("492817"));
        let shown = format!("{r:?}");
        assert!(!shown.contains("492817"), "{shown}");
        assert_eq!(r, Answer::Text(Reply::new("492817")));
    }
}
