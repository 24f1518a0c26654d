//! The worker's side of [`Host`]: a provider's question becomes a `WorkerEvent::Prompt`, and
//! the task that asked waits until the app sends the person's `Command::Answer`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use tokio::sync::oneshot;

use crate::provider::host::{Answer, Host, Prompt};

use super::*;

/// The questions waiting for an answer, shared by every account's host.
#[derive(Default)]
pub(super) struct Prompts {
    next: AtomicU64,
    waiting: Mutex<HashMap<PromptId, oneshot::Sender<Answer>>>,
}

impl Prompts {
    /// Deliver an answer; one for a question nobody waits for any more is dropped.
    pub(super) fn answer(&self, prompt: PromptId, answer: Answer) {
        let waiter = self
            .waiting
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&prompt);
        if let Some(w) = waiter {
            let _ = w.send(answer);
        }
    }
}

/// One account's host.
pub(super) struct WorkerHost {
    pub(super) account: AccountIdx,
    pub(super) prompts: Arc<Prompts>,
    pub(super) tx: mpsc::UnboundedSender<WorkerEvent>,
}

#[async_trait]
impl Host for WorkerHost {
    async fn ask(&self, question: Prompt) -> Answer {
        // Numbered from the top of the range, so a prompt id is never mistaken for a job id.
        let prompt = u64::MAX - self.prompts.next.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        self.prompts
            .waiting
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(prompt, tx);
        let asked = self.tx.send(WorkerEvent::Prompt {
            prompt,
            account: self.account,
            question,
        });
        if asked.is_err() {
            // Nobody at the console any more.
            self.prompts.answer(prompt, Answer::Cancelled);
        }
        rx.await.unwrap_or(Answer::Cancelled)
    }
}
