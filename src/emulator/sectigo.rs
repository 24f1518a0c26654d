//! Sectigo Certificate Manager (SCM) emulator: a server on 127.0.0.1 (the shared
//! `emulator::harness`: latency, faults, clock, request log) that speaks the SCM
//! REST API (digest: shared/reference/sectigo-scm-api.md §1, §2, §18) over seeded, deterministic
//! data whose certificates are real X.509 signed by the demo CA.
//!
//! Routing (`route.rs`, the harness `Product`) is done by hand on the path segments (after an
//! optional `/private` prefix) so that authentication applies uniformly and unknown paths
//! answer the SCM way (404 `{"code":-1,"description":"Unknown error."}`).
//!
//! Served (paths after an optional `/private`):
//! - SSL `/api/ssl/v1`: list/HEAD, details, types, customFields, collect (query and legacy
//!   path form), enroll, approve, decline, revoke (id, serial, manual), renewById,
//!   renew/{renewId}, renew/manual, replace, PUT update, DELETE, `{id}/dcv`, `{id}/dcv/recheck`.
//! - S/MIME `/api/smime/v1|v2` and device `/api/device/v1`: the documented list/HEAD, details,
//!   types, customFields, enroll, collect, approve/decline (device), revoke, renew, replace
//!   (device), update, delete.
//! - DCV `/api/dcv/v1/validation` (+ v2 status), domains `/api/domain/v1`, organizations
//!   `/api/organization/v1`, reports `/api/report/v1/{ssl,client,device}-certificates|domains`.
//!
//! Start-up: `launch` binds and returns at once; a thread of its own makes the demo CA and
//! seeds the data (`data::Db::seed_with`: rows drawn from the seed, signed on every core), and
//! requests that arrive before it is done wait for it. `start` is `launch` + `ready`.
//!
//! Scale (`certdeck emulator --count 100000`: 145,000 certificates): rows are kept compact
//! (DER only, raw digests) in id-sorted tables (`table::IdTable`) so an unfiltered page is a
//! slice and the per-request state machine looks only at rows that changed; reports are
//! written straight into bytes (`util::Obj`).
//!
//! State: SSL Requested → (approve) Approved → Applied → Issued after `set_issue_delay`
//! (default 3 s) once every managed domain of the names has valid DCV; device likewise;
//! S/MIME requested → issued. Issued certificates past `expires` turn Expired. Knobs:
//! `set_auto_approve`, `publish_dcv` (or `POST /__emulator/dcv/publish {"domain"}`), `inject`.

mod data;
mod domain;
mod family;
mod report;
mod route;
mod ssl;
mod ssl_flow;
mod table;
mod util;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use anyhow::Context;
use rand::Rng;
use tokio::sync::watch;

use self::data::Db;
use self::util::{DateFmt, Query};
use crate::emulator::ca::DemoCa;
use crate::emulator::harness::{Clock, Harness, RequestLog, Server};
pub use crate::emulator::harness::{Fault, FaultRule, LoggedRequest};

/// How to seed and run the emulator.
#[derive(Debug, Clone)]
pub struct SectigoOptions {
    /// Number of SSL certificates in the seeded data (demo: 2,000).
    pub ssl_count: usize,
    /// Added to every response (demo: a few tens of milliseconds).
    pub latency: Duration,
    /// Seed for the deterministic demo data.
    pub seed: u64,
    /// "Now" for the demo data, Unix seconds (expiry dates are spread around it).
    pub now: i64,
}

/// The fixed seed of the demo data.
pub const DEMO_SEED: u64 = 0x5EC7_160D_E30C_2025;

/// 2025-12-04T00:00:00Z, the "now" of `SectigoOptions::for_tests`.
pub const TEST_NOW: i64 = 1_764_806_400;

impl Default for SectigoOptions {
    /// 2,000 SSL certificates, 30 ms latency, the fixed demo seed, now = the current time.
    fn default() -> Self {
        SectigoOptions {
            ssl_count: 2000,
            latency: Duration::from_millis(30),
            seed: DEMO_SEED,
            now: wall_clock(),
        }
    }
}

impl SectigoOptions {
    /// How many SSL, S/MIME and device certificates the data holds when seeded.
    pub fn certificate_counts(&self) -> (usize, usize, usize) {
        let (client, device) = data::family_counts(self.ssl_count);
        (self.ssl_count, client, device)
    }

    /// Small (60 SSL certificates), no latency, fixed seed and fixed now (`TEST_NOW`).
    pub fn for_tests() -> Self {
        SectigoOptions {
            ssl_count: 60,
            latency: Duration::ZERO,
            seed: DEMO_SEED,
            now: TEST_NOW,
        }
    }
}

fn wall_clock() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The fixed demo login.
pub const DEMO_LOGIN: &str = "demo-admin";
/// The fixed demo customer URI.
pub const DEMO_CUSTOMER_URI: &str = "certdeck-demo";

/// A running emulator. Dropping it (or `shutdown`) stops the server.
pub struct SectigoEmulator {
    /// e.g. `http://127.0.0.1:41234`
    pub base_url: String,
    pub login: String,
    pub password: String,
    pub customer_uri: String,
    shared: Arc<Shared>,
    server: Server<Shared>,
}

impl std::fmt::Debug for SectigoEmulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SectigoEmulator")
            .field("base_url", &self.base_url)
            .field("login", &self.login)
            .field("password", &"<redacted>")
            .field("customer_uri", &self.customer_uri)
            .finish()
    }
}

/// State shared by all requests.
pub(crate) struct Shared {
    base_url: String,
    login: String,
    password: String,
    customer_uri: String,
    /// The harness's clock: frozen at the options' `now` until the data is ready, running
    /// from then (tests move it on with `SectigoEmulator::advance`).
    clock: Clock,
    data: Mutex<Data>,
    /// Seeding → Ready (or Failed); requests that arrive while seeding wait for it.
    phase: watch::Sender<Phase>,
    /// Set when the emulator is dropped: a seeding still under way stops.
    cancel: AtomicBool,
    /// Made by the seeding thread first (its key generation also starts the crypto library's
    /// entropy source, tens of milliseconds best kept off the caller's thread).
    ca: OnceLock<DemoCa>,
    /// Signalled (with `data` locked) when the CA is made or the seeding fails.
    changed: Condvar,
}

/// A knob setting made before the data was ready, applied as soon as it is.
type Knob = Box<dyn FnOnce(&mut Db) + Send>;

/// The emulator's data, once seeded.
enum Data {
    /// Seeding in the background; knob settings wait here.
    Seeding(Vec<Knob>),
    Ready(Box<Db>),
    Failed,
}

/// Where the seeding is.
#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Seeding,
    Ready,
    Failed(String),
}

impl Shared {
    /// Emulator clock, Unix seconds: the options' `now` plus the time since the data became
    /// ready and the tests' moves (so it reads `now` while seeding).
    fn now(&self) -> i64 {
        self.clock.unix()
    }

    /// The emulator's monotonic clock (moved on with it), for the waits of the CA's state
    /// machine.
    fn instant(&self) -> Instant {
        self.clock.instant()
    }

    fn data(&self) -> MutexGuard<'_, Data> {
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Applies `f` to the data now, or as soon as the seeding is done.
    fn with_db(&self, f: impl FnOnce(&mut Db) + Send + 'static) {
        match &mut *self.data() {
            Data::Ready(db) => f(db),
            Data::Seeding(knobs) => knobs.push(Box::new(f)),
            Data::Failed => {}
        }
    }

    /// Waits until the data is seeded; the seeding error if it failed.
    async fn wait_ready(&self) -> Result<(), String> {
        let mut rx = self.phase.subscribe();
        let phase = match rx.wait_for(|p| *p != Phase::Seeding).await {
            Ok(p) => p.clone(),
            Err(_) => Phase::Failed("the seeding stopped".into()),
        };
        match phase {
            Phase::Failed(e) => Err(e),
            _ => Ok(()),
        }
    }

    /// The demo CA, waiting for the seeding thread to make it; None if the seeding failed.
    fn ca_wait(&self) -> Option<&DemoCa> {
        let mut data = self.data();
        loop {
            if let Some(ca) = self.ca.get() {
                return Some(ca);
            }
            if matches!(*data, Data::Failed) {
                return None;
            }
            data = self.changed.wait(data).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Makes the demo CA, seeds the data (run on its own thread) and makes it ready, knob
    /// settings applied.
    fn seed(&self, opts: &SectigoOptions) {
        let began = Instant::now();
        let result = DemoCa::new_at(opts.now)
            .context("creating the demo CA")
            .and_then(|ca| {
                {
                    let _data = self.data();
                    let _ = self.ca.set(ca);
                }
                self.changed.notify_all();
                tracing::debug!(
                    ms = began.elapsed().as_millis() as u64,
                    "emulator seed: demo CA made"
                );
                let ca = self.ca.get().context("the demo CA went missing")?;
                Db::seed_with(ca, opts.seed, opts.now, opts.ssl_count, &self.cancel)
            });
        match result {
            Ok(mut db) => {
                // The state machine's first look is at every row: do it here, not in the
                // first request.
                if let Some(ca) = self.ca.get() {
                    db.tick(self.now(), self.instant(), ca);
                    db.tick_families(self.now(), self.instant(), ca);
                }
                let mut data = self.data();
                if let Data::Seeding(knobs) = std::mem::replace(&mut *data, Data::Failed) {
                    for k in knobs {
                        k(&mut db);
                    }
                }
                *data = Data::Ready(Box::new(db));
                self.clock.run();
                drop(data);
                self.phase.send_replace(Phase::Ready);
            }
            Err(e) => self.fail(format!("seeding the demo data: {e:#}")),
        }
    }

    /// The seeding failed: requests (and `ready`) get an error from now on.
    fn fail(&self, why: String) {
        tracing::warn!("the Sectigo emulator has no data: {why}");
        *self.data() = Data::Failed;
        self.changed.notify_all();
        self.phase.send_replace(Phase::Failed(why));
    }
}

/// Per-request context for handlers.
pub(crate) struct Ctx<'a> {
    pub q: &'a Query,
    pub body: &'a [u8],
    pub now: i64,
    /// The emulator's monotonic clock at this request (see `Shared::instant`).
    pub at: Instant,
    date_fmt: Option<DateFmt>,
}

impl Ctx<'_> {
    /// The requested `dateFormat`, or the endpoint's default.
    pub(crate) fn date_fmt(&self, default: DateFmt) -> DateFmt {
        self.date_fmt.unwrap_or(default)
    }
}

impl SectigoEmulator {
    /// Seeds the data, makes the demo CA and serves on `127.0.0.1:<free port>`; returns once
    /// the data is ready.
    pub async fn start(opts: SectigoOptions) -> anyhow::Result<SectigoEmulator> {
        let emu = SectigoEmulator::launch(opts).await?;
        emu.ready().await?;
        Ok(emu)
    }

    /// Serves on `127.0.0.1:<free port>` at once (URL and credentials are known), making the
    /// demo CA and seeding the data on a thread of its own. Requests that arrive before the
    /// data is ready wait for it; knob settings made before then apply as soon as it is;
    /// `ready` waits for it, and so do `ca_chain_pem` and `root_pem` for the CA.
    pub async fn launch(opts: SectigoOptions) -> anyhow::Result<SectigoEmulator> {
        SectigoEmulator::launch_with(opts, None).await
    }

    /// `launch`, with the seeding held until `hold` yields (or closes): lets tests make
    /// requests while the data is not ready.
    async fn launch_with(
        opts: SectigoOptions,
        hold: Option<std::sync::mpsc::Receiver<()>>,
    ) -> anyhow::Result<SectigoEmulator> {
        let password: String = {
            let mut rng = rand::rng();
            (0..24)
                .map(|_| {
                    const CHARS: &[u8] =
                        b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
                    CHARS[rng.random_range(0..CHARS.len())] as char
                })
                .collect()
        };
        let clock = Clock::at_unix(opts.now, false);
        let harness = Arc::new(Harness::new(clock.clone()).with_latency(opts.latency));
        let (phase, _) = watch::channel(Phase::Seeding);
        let server = Server::bind_with(harness, |url| {
            Arc::new(Shared {
                base_url: url.to_string(),
                login: DEMO_LOGIN.to_string(),
                password: password.clone(),
                customer_uri: DEMO_CUSTOMER_URI.to_string(),
                clock,
                data: Mutex::new(Data::Seeding(Vec::new())),
                phase,
                cancel: AtomicBool::new(false),
                ca: OnceLock::new(),
                changed: Condvar::new(),
            })
        })
        .await
        .context("starting the Sectigo emulator")?;
        let shared = server.product().clone();
        // Key generation and signing are CPU work: a thread of their own, off the runtime.
        let seeder = shared.clone();
        std::thread::Builder::new()
            .name("scm-emulator-seed".into())
            .spawn(move || {
                if let Some(h) = hold {
                    let _ = h.recv();
                }
                // A panic must not leave the requests waiting for data that never comes.
                let run = std::panic::AssertUnwindSafe(|| seeder.seed(&opts));
                if std::panic::catch_unwind(run).is_err() {
                    seeder.fail("the seeding thread panicked".into());
                }
            })
            .context("starting the emulator's seeding thread")?;
        Ok(SectigoEmulator {
            base_url: server.url().to_string(),
            login: DEMO_LOGIN.to_string(),
            password,
            customer_uri: DEMO_CUSTOMER_URI.to_string(),
            shared,
            server,
        })
    }

    /// Waits until the data is seeded (at once after `start`); the seeding error if it failed.
    pub async fn ready(&self) -> anyhow::Result<()> {
        self.shared.wait_ready().await.map_err(anyhow::Error::msg)
    }

    /// Whether the data is seeded and being served.
    pub fn is_ready(&self) -> bool {
        *self.shared.phase.borrow() == Phase::Ready
    }

    /// Tests: `launch` with the seeding held until the returned sender sends (or is dropped).
    #[cfg(test)]
    pub(crate) async fn launch_held(
        opts: SectigoOptions,
    ) -> anyhow::Result<(SectigoEmulator, std::sync::mpsc::Sender<()>)> {
        let (tx, rx) = std::sync::mpsc::channel();
        Ok((SectigoEmulator::launch_with(opts, Some(rx)).await?, tx))
    }

    /// Adds a fault rule (a `Fault` is one for the next request): rules apply in order
    /// (see `harness::Fault`). `Fault::ExpireSession` refuses the next authorised request's
    /// credentials once (401, −16), as SCM has no sessions.
    pub fn inject(&self, rule: impl Into<FaultRule>) {
        self.harness().inject(rule);
    }

    /// The most recent requests (up to 10,000), oldest first, as "METHOD /path" without the
    /// query string: lets tests check which calls a client made.
    pub fn requests(&self) -> Vec<String> {
        self.log()
            .requests()
            .iter()
            .map(|r| format!("{} {}", r.method, r.path_only()))
            .collect()
    }

    /// The request log (method, path and query, status, time); tests wait on it
    /// (`wait_requests`, `wait_idle`).
    pub fn log(&self) -> &RequestLog {
        self.harness().log()
    }

    /// The remembered requests answered with `status`.
    pub fn seen_with_status(&self, status: u16) -> Vec<LoggedRequest> {
        self.log().seen_with_status(status)
    }

    /// Waits until `n` requests have arrived since the start.
    pub async fn wait_requests(&self, n: u64) {
        self.log().wait_requests(n).await;
    }

    /// Waits until no request is in flight.
    pub async fn wait_idle(&self) {
        self.log().wait_idle().await;
    }

    /// The harness under the emulator: clock, log, faults, latency (it outlives the
    /// emulator: `wait_closed` after a drop).
    pub fn harness(&self) -> &Arc<Harness> {
        self.server.harness()
    }

    /// The emulator's clock (frozen at the options' `now` until the data is ready).
    pub fn clock(&self) -> &Clock {
        self.harness().clock()
    }

    /// Removes all queued faults.
    pub fn clear_faults(&self) {
        self.harness().clear_faults();
    }

    /// The emulator's clock, Unix seconds: the options' `now` plus the time since the data
    /// became ready (the options' `now` while seeding).
    pub fn now(&self) -> i64 {
        self.shared.now()
    }

    /// The demo CA chain above every leaf (issuing CA, then root), PEM. Blocks until the
    /// seeding thread has made the CA (its first step) after `launch`.
    pub fn ca_chain_pem(&self) -> String {
        // Empty only if the seeding failed (`ready` says why).
        self.shared
            .ca_wait()
            .map(DemoCa::chain_pem)
            .unwrap_or_default()
    }

    /// The demo root certificate, PEM (blocks like `ca_chain_pem`).
    pub fn root_pem(&self) -> String {
        self.shared
            .ca_wait()
            .map(|ca| ca.root_pem().to_string())
            .unwrap_or_default()
    }

    /// Move the emulator's clock on by `by`: waiting requests, DCV auto-publish and expiry
    /// see that much more time pass (tests advance the clock instead of sleeping).
    pub fn advance(&self, by: Duration) {
        self.clock().advance(by);
    }

    /// How long an approved SSL request takes to be issued (Applied half-way). Default 3 s.
    pub fn set_issue_delay(&self, delay: Duration) {
        self.shared.with_db(move |db| db.issue_delay = delay);
    }

    /// When on, new SSL enrollments and renewals skip Requested and go straight to the CA.
    pub fn set_auto_approve(&self, on: bool) {
        self.shared.with_db(move |db| db.auto_approve = on);
    }

    /// Marks the DCV instructions of `domain` as followed (DNS record or file published, e-mail
    /// link clicked): the next recheck, status or submit call validates it. Also reachable over
    /// HTTP: `POST /__emulator/dcv/publish` with `{"domain":"..."}` (normal auth headers).
    pub fn publish_dcv(&self, domain: &str) {
        let domain = domain.trim().to_ascii_lowercase();
        self.shared.with_db(move |db| {
            db.published.insert(domain);
        });
    }

    /// Demo: DCV instructions count as followed `delay` after they were first shown (or
    /// checked), as if the admin had published the record; `None` turns this off (default).
    pub fn set_dcv_auto_publish(&self, delay: Option<Duration>) {
        self.shared.with_db(move |db| {
            db.auto_publish = delay;
            if delay.is_none() {
                db.instructed.clear();
            }
        });
    }

    /// Stops the server (and a seeding still under way) and waits until its listener is
    /// closed; open connections are dropped.
    pub async fn shutdown(mut self) {
        self.shared.cancel.store(true, Ordering::Relaxed);
        self.server.shutdown().await;
    }
}

impl Drop for SectigoEmulator {
    fn drop(&mut self) {
        // The server stops with it (its own Drop); a seeding still under way stops too.
        self.shared.cancel.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests;
