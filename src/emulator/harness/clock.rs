//! The emulator's clock: real, frozen at an instant, or moved on by tests.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};

/// A controllable clock shared by an emulator and its products (cheap to clone: clones read
/// and move the same clock). It is either running (real time passes) or frozen; either way
/// `advance` moves it on at once. Products read their "now" (`now`, `unix`) and the monotonic
/// instant their waits are measured in (`instant`) from it, so a test advances the clock
/// instead of sleeping.
#[derive(Clone)]
pub struct Clock(Arc<Mutex<Inner>>);

struct Inner {
    /// The wall time at span zero.
    base: Timestamp,
    /// The real instant at span zero (the monotonic reading starts there).
    mono0: Instant,
    /// The span accumulated before the current run (or while frozen), advances included.
    elapsed: Duration,
    /// Running since this instant; None while frozen.
    running: Option<Instant>,
}

impl Inner {
    fn span(&self) -> Duration {
        self.elapsed + self.running.map_or(Duration::ZERO, |at| at.elapsed())
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clock")
            .field("now", &self.now())
            .field("frozen", &self.is_frozen())
            .finish()
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::real()
    }
}

impl Clock {
    fn make(base: Timestamp, running: bool) -> Clock {
        let now = Instant::now();
        Clock(Arc::new(Mutex::new(Inner {
            base,
            mono0: now,
            elapsed: Duration::ZERO,
            running: running.then_some(now),
        })))
    }

    /// Real time, running.
    pub fn real() -> Clock {
        Clock::make(Timestamp::now(), true)
    }

    /// Running from `at` (real time passes from there).
    pub fn starting_at(at: Timestamp) -> Clock {
        Clock::make(at, true)
    }

    /// Frozen at `at`: time moves only when advanced (or once `run`).
    pub fn frozen(at: Timestamp) -> Clock {
        Clock::make(at, false)
    }

    /// `starting_at` / `frozen` from Unix seconds (out-of-range values are clamped).
    pub fn at_unix(secs: i64, running: bool) -> Clock {
        let at = Timestamp::from_second(secs).unwrap_or(if secs < 0 {
            Timestamp::MIN
        } else {
            Timestamp::MAX
        });
        Clock::make(at, running)
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The clock's wall time.
    pub fn now(&self) -> Timestamp {
        let inner = self.inner();
        let span = SignedDuration::try_from(inner.span()).unwrap_or(SignedDuration::MAX);
        inner.base.saturating_add(span).unwrap_or(Timestamp::MAX)
    }

    /// The clock's wall time, whole Unix seconds.
    pub fn unix(&self) -> i64 {
        self.now().as_second()
    }

    /// The clock's monotonic reading: a real `Instant` moved on as the clock was (frozen
    /// while the clock is), for the waits of a product's state machine.
    pub fn instant(&self) -> Instant {
        let inner = self.inner();
        inner.mono0 + inner.span()
    }

    /// Moves the clock on by `by` at once (running or frozen).
    pub fn advance(&self, by: Duration) {
        let mut inner = self.inner();
        inner.elapsed = inner.elapsed.saturating_add(by);
    }

    /// Stops the clock where it is.
    pub fn freeze(&self) {
        let mut inner = self.inner();
        if let Some(at) = inner.running.take() {
            inner.elapsed += at.elapsed();
        }
    }

    /// Lets real time pass again from where the clock stands.
    pub fn run(&self) {
        let mut inner = self.inner();
        if inner.running.is_none() {
            inner.running = Some(Instant::now());
        }
    }

    pub fn is_frozen(&self) -> bool {
        self.inner().running.is_none()
    }
}
