//! The terminal loop: it only reads events, calls `update`, sends commands and draws.

use std::time::{Duration, Instant};

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste, EventStream};
use futures::StreamExt;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use crate::app::{self, Msg, State};
use crate::ui;
use crate::worker::{Command, WorkerEvent};

/// How often a screen changed only by arriving data is drawn again: rows of a large load
/// arrive in hundreds of batches a second, and settling the list and drawing it once per
/// frame instead of once per batch keeps the load linear. Keys are drawn at once.
pub const FRAME: Duration = Duration::from_millis(33);

/// When to draw: at once after a key (or a resize or paste), at most every [`FRAME`] while
/// only worker events and ticks changed the state.
#[derive(Debug)]
pub struct Pacer {
    last_draw: Option<Instant>,
    dirty: bool,
    urgent: bool,
}

impl Default for Pacer {
    fn default() -> Self {
        Pacer::new()
    }
}

impl Pacer {
    pub fn new() -> Pacer {
        Pacer {
            last_draw: None,
            dirty: true,
            urgent: true,
        }
    }

    /// A message was applied.
    pub fn note(&mut self, msg: &Msg) {
        self.dirty = true;
        if matches!(msg, Msg::Key(_) | Msg::Paste(_) | Msg::Resize(..)) {
            self.urgent = true;
        }
    }

    /// Whether to draw now, with `backlog` rows applied but not yet placed in the list
    /// (`State::backlog`): a large backlog is settled at once, so that no frame (and no key
    /// that has to wait for one) ever places more than about [`BACKLOG_ROWS`] rows.
    pub fn due(&self, now: Instant, backlog: usize) -> bool {
        self.dirty
            && (self.urgent
                || backlog >= BACKLOG_ROWS
                || self
                    .last_draw
                    .is_none_or(|t| now.duration_since(t) >= FRAME))
    }

    /// When the pending (non-urgent) frame is due, if one is pending.
    pub fn deadline(&self) -> Option<Instant> {
        if !self.dirty {
            return None;
        }
        Some(self.last_draw.map_or_else(Instant::now, |t| t + FRAME))
    }

    /// A frame was drawn.
    pub fn drawn(&mut self, now: Instant) {
        self.last_draw = Some(now);
        self.dirty = false;
        self.urgent = false;
    }
}

/// A frame is drawn early once this many rows wait to be placed.
pub const BACKLOG_ROWS: usize = 4_000;

/// At most this many rows (and 512 events) are taken from the worker between two looks at
/// the keyboard: a key waits for one such slice, not for a whole report's worth of rows.
pub const DRAIN_ROWS: usize = 2_000;

/// `first` and the worker events already waiting after it, up to [`DRAIN_ROWS`] rows.
pub fn drain(first: WorkerEvent, rx: &mut mpsc::UnboundedReceiver<WorkerEvent>) -> Vec<Msg> {
    let rows = |ev: &WorkerEvent| match ev {
        WorkerEvent::Rows { rows, .. } => rows.len(),
        _ => 0,
    };
    let mut taken = rows(&first);
    let mut msgs = vec![Msg::Worker(first)];
    while msgs.len() < 512 && taken < DRAIN_ROWS {
        match rx.try_recv() {
            Ok(ev) => {
                taken += rows(&ev);
                msgs.push(Msg::Worker(ev));
            }
            Err(_) => break,
        }
    }
    msgs
}

/// Settle the list and draw one frame, wrapped in synchronized-update escapes so that a
/// terminal (or tmux) that supports them shows it whole, never half drawn.
fn draw_frame(terminal: &mut ratatui::DefaultTerminal, state: &mut State) -> anyhow::Result<()> {
    use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
    state.settle();
    let _ = crossterm::queue!(std::io::stdout(), BeginSynchronizedUpdate);
    let drawn = terminal.draw(|f| ui::draw(state, f));
    let _ = crossterm::execute!(std::io::stdout(), EndSynchronizedUpdate);
    drawn?;
    Ok(())
}

/// The terminal events that are ready now (at most 1,024), without waiting for more. Polled
/// with this task's own waker (not a no-op one, as `now_or_never` would: crossterm keeps the
/// waker of a poll that found nothing, and would wake nobody when the next key comes).
async fn ready_events(events: &mut EventStream, msgs: &mut Vec<Msg>) -> anyhow::Result<()> {
    use std::task::Poll;
    for _ in 0..1024 {
        let next = std::future::poll_fn(|cx| Poll::Ready(events.poll_next_unpin(cx))).await;
        match next {
            Poll::Pending => break,
            Poll::Ready(next) => match next {
                Some(Ok(ev)) => msgs.extend(Msg::from_event(ev)),
                Some(Err(e)) => return Err(anyhow::anyhow!("reading the terminal failed: {e}")),
                None => break,
            },
        }
    }
    Ok(())
}

/// Unix seconds now (the only clock read; `update` gets time through `Msg::Tick` and
/// `Msg::Clock`).
pub fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// Take over the terminal, run until the user quits, and give the terminal back — also on
/// error; on panic ratatui's hook restores it before the message is printed.
pub async fn run(
    state: State,
    cmd_tx: mpsc::UnboundedSender<Command>,
    evt_rx: mpsc::UnboundedReceiver<WorkerEvent>,
) -> anyhow::Result<()> {
    let default_hook = std::panic::take_hook();
    let mut terminal =
        ratatui::try_init().map_err(|e| anyhow::anyhow!("cannot take over the terminal: {e}"))?;
    // Our own panic hook instead of ratatui's: its restore() reports a failure with
    // eprintln!, which panics again (and aborts) when the terminal is gone.
    std::panic::set_hook(Box::new(move |info| {
        let _ = ratatui::try_restore();
        default_hook(info);
    }));
    let _ = crossterm::execute!(std::io::stdout(), EnableBracketedPaste);
    let result = event_loop(&mut terminal, state, cmd_tx, evt_rx).await;
    let _ = crossterm::execute!(std::io::stdout(), DisableBracketedPaste);
    // Not `ratatui::restore`: after a hang-up the terminal is gone, and its eprintln! of the
    // failure would panic (stderr is that terminal) and abort before temp dirs are removed.
    if let Err(e) = ratatui::try_restore() {
        tracing::info!("the terminal could not be restored (gone?): {e}");
    }
    // Dropping a Terminal whose cursor is hidden shows it again, and reports a failure with
    // eprintln! — a panic, then an abort, when the terminal has hung up. Show the cursor
    // here; if that fails the terminal is gone and there is nothing left to tidy.
    if terminal.show_cursor().is_err() {
        std::mem::forget(terminal);
    }
    result
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    mut state: State,
    cmd_tx: mpsc::UnboundedSender<Command>,
    mut evt_rx: mpsc::UnboundedReceiver<WorkerEvent>,
) -> anyhow::Result<()> {
    let size = terminal.size()?;
    app::update(&mut state, Msg::Resize(size.width, size.height));
    for cmd in state.start() {
        let _ = cmd_tx.send(cmd);
    }
    let mut events = EventStream::new();
    let mut spinner = tokio::time::interval(Duration::from_millis(120));
    let mut clock = tokio::time::interval(Duration::from_secs(30));
    let mut pacer = Pacer::new();
    // A hang-up (closed SSH session) or a kill asks for a clean exit: the terminal is given
    // back and temp dirs (demo mode) are removed.
    let mut hangup = signal(SignalKind::hangup())?;
    let mut terminate = signal(SignalKind::terminate())?;
    while !state.quit {
        if pacer.due(Instant::now(), state.backlog()) {
            draw_frame(terminal, &mut state)?;
            pacer.drawn(Instant::now());
        }
        let frame_due = pacer.deadline();
        let mut msgs = Vec::new();
        tokio::select! {
            // Keys first, then ticks and signals: rows streaming in never keep them waiting.
            biased;
            ev = events.next() => match ev {
                Some(Ok(ev)) => {
                    msgs.extend(Msg::from_event(ev));
                    // Every key already typed is handled before the next frame: a held key
                    // or a burst is drawn once, not once per key.
                    ready_events(&mut events, &mut msgs).await?;
                }
                Some(Err(e)) => return Err(anyhow::anyhow!("reading the terminal failed: {e}")),
                None => break,
            },
            _ = spinner.tick(), if state.wants_ticks() => msgs.push(Msg::Tick(now())),
            _ = clock.tick() => msgs.push(Msg::Tick(now())),
            _ = hangup.recv() => {
                tracing::info!("hang-up: closing");
                break;
            }
            _ = terminate.recv() => {
                tracing::info!("terminated: closing");
                break;
            }
            ev = evt_rx.recv() => {
                if let Some(ev) = ev {
                    msgs = drain(ev, &mut evt_rx);
                }
            },
            // A frame held back while data streams in.
            _ = tokio::time::sleep_until(frame_due.unwrap_or_else(Instant::now).into()),
                if frame_due.is_some() => {}
        }
        // What these messages record carries the time they happened, ticks or no ticks.
        let wall = now();
        if wall != state.now && !msgs.is_empty() {
            msgs.insert(0, Msg::Clock(wall));
        }
        for msg in msgs {
            if state.quit {
                break;
            }
            pacer.note(&msg);
            for cmd in app::update(&mut state, msg) {
                let _ = cmd_tx.send(cmd);
            }
        }
        if let Some(text) = state.clipboard.take() {
            // OSC 52: the terminal (through SSH and tmux) puts it on the local clipboard.
            let _ = crossterm::execute!(
                std::io::stdout(),
                crossterm::clipboard::CopyToClipboard::to_clipboard_from(text)
            );
        }
    }
    Ok(())
}
