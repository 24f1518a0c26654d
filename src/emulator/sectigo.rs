//! Sectigo Certificate Manager (SCM) emulator: an axum server on 127.0.0.1 that speaks the SCM
//! REST API (digest: shared/reference/sectigo-scm-api.md §1, §2, §18) over seeded, deterministic
//! data whose certificates are real X.509 signed by the demo CA.
//!
//! Routing is done by hand on the path segments (after an optional `/private` prefix) so that
//! authentication, latency and fault injection apply uniformly and unknown paths answer the SCM
//! way (404 `{"code":-1,"description":"Unknown error."}`).
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
mod ssl;
mod ssl_flow;
mod table;
mod util;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use rand::Rng;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

use self::data::Db;
use self::util::{DateFmt, Query};
use crate::emulator::ca::DemoCa;

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

/// Fault knobs for tests: each applies to the next matching request(s), in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Reply to the next JSON response with a body that is not valid JSON (status 200 kept).
    MalformedJson,
    /// Reply to the next request with this HTTP status and an SCM error body
    /// (401 → −16 "Unknown user"; 429 and 503 also carry `Retry-After: 1`).
    Status(u16),
    /// Answer the next request with headers, then break the connection before the body.
    Drop,
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
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
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
    latency: Duration,
    /// When the data became ready: the emulator clock runs from then.
    started: OnceLock<Instant>,
    /// How far tests have moved the clock on (`SectigoEmulator::advance`), in milliseconds.
    skew_ms: std::sync::atomic::AtomicU64,
    now0: i64,
    faults: Mutex<VecDeque<Fault>>,
    /// The most recent requests, "METHOD /path" (no query), oldest first; capped.
    seen: Mutex<VecDeque<String>>,
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

/// How many requests `SectigoEmulator::requests` remembers.
const SEEN_CAP: usize = 10_000;

impl Shared {
    /// Emulator clock: the options' `now` plus the time since the data became ready (so it
    /// reads `now` while seeding).
    fn now(&self) -> i64 {
        self.now0
            + self
                .started
                .get()
                .map_or(0, |s| (s.elapsed() + self.skew()).as_secs() as i64)
    }

    /// How far the clock was moved on.
    fn skew(&self) -> Duration {
        Duration::from_millis(self.skew_ms.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// The emulator's monotonic clock (real time plus the tests' moves), for the waits of
    /// the CA's state machine.
    fn instant(&self) -> Instant {
        Instant::now() + self.skew()
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
                    db.tick(self.now0, Instant::now(), ca);
                    db.tick_families(self.now0, Instant::now(), ca);
                }
                let mut data = self.data();
                if let Data::Seeding(knobs) = std::mem::replace(&mut *data, Data::Failed) {
                    for k in knobs {
                        k(&mut db);
                    }
                }
                *data = Data::Ready(Box::new(db));
                let _ = self.started.set(Instant::now());
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

    fn faults(&self) -> MutexGuard<'_, VecDeque<Fault>> {
        self.faults.lock().unwrap_or_else(|e| e.into_inner())
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
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding 127.0.0.1:0 for the Sectigo emulator")?;
        let addr = listener
            .local_addr()
            .context("reading the emulator's address")?;
        let base_url = format!("http://{addr}");
        let (phase, _) = watch::channel(Phase::Seeding);
        let shared = Arc::new(Shared {
            base_url: base_url.clone(),
            login: DEMO_LOGIN.to_string(),
            password: password.clone(),
            customer_uri: DEMO_CUSTOMER_URI.to_string(),
            latency: opts.latency,
            started: OnceLock::new(),
            skew_ms: std::sync::atomic::AtomicU64::new(0),
            now0: opts.now,
            faults: Mutex::new(VecDeque::new()),
            seen: Mutex::new(VecDeque::new()),
            data: Mutex::new(Data::Seeding(Vec::new())),
            phase,
            cancel: AtomicBool::new(false),
            ca: OnceLock::new(),
            changed: Condvar::new(),
        });
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

        let app = axum::Router::new()
            .fallback(handle)
            .with_state(shared.clone());
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = stop_rx.await;
            });
            if let Err(e) = serve.await {
                tracing::warn!("sectigo emulator stopped with an error: {e}");
            }
        });
        Ok(SectigoEmulator {
            base_url,
            login: DEMO_LOGIN.to_string(),
            password,
            customer_uri: DEMO_CUSTOMER_URI.to_string(),
            shared,
            stop: Some(stop_tx),
            task: Some(task),
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

    /// Queues a fault for the next matching request.
    pub fn inject(&self, fault: Fault) {
        self.shared.faults().push_back(fault);
    }

    /// The most recent requests (up to 10,000), oldest first, as "METHOD /path" without the
    /// query string: lets tests check which calls a client made.
    pub fn requests(&self) -> Vec<String> {
        let seen = self.shared.seen.lock().unwrap_or_else(|e| e.into_inner());
        seen.iter().cloned().collect()
    }

    /// Removes all queued faults.
    pub fn clear_faults(&self) {
        self.shared.faults().clear();
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
        self.shared
            .skew_ms
            .fetch_add(by.as_millis() as u64, std::sync::atomic::Ordering::Relaxed);
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

    /// Stops the server (and a seeding still under way) and waits (up to 5 s) for it to finish.
    pub async fn shutdown(mut self) {
        self.shared.cancel.store(true, Ordering::Relaxed);
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(5), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

impl Drop for SectigoEmulator {
    fn drop(&mut self) {
        // Graceful: stop accepting, close idle connections, then the task ends on its own.
        self.shared.cancel.store(true, Ordering::Relaxed);
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

// ---------------------------------------------------------------------------------------------

async fn handle(
    State(sh): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    {
        let mut seen = sh.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() >= SEEN_CAP {
            seen.pop_front();
        }
        seen.push_back(format!("{method} {}", uri.path()));
    }
    if !sh.latency.is_zero() {
        tokio::time::sleep(sh.latency).await;
    }
    let pre = {
        let mut f = sh.faults();
        match f.front() {
            Some(Fault::Status(_)) | Some(Fault::Drop) => f.pop_front(),
            _ => None,
        }
    };
    match pre {
        Some(Fault::Status(code)) => return status_fault(code),
        Some(Fault::Drop) => return dropped_connection(),
        _ => {}
    }

    let raw_path = uri.path();
    let (private, path) = match raw_path.strip_prefix("/private") {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => (true, rest),
        _ => (false, raw_path),
    };
    if !authorised(&sh, &headers, private) {
        return util::error(StatusCode::UNAUTHORIZED, -16, "Unknown user");
    }
    let segs: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(util::percent_decode)
        .collect();
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    let q = Query::parse(uri.query());
    let date_fmt = match q.get_ci("dateFormat") {
        None => None,
        Some(v) => match DateFmt::parse(v) {
            Some(f) => Some(f),
            None => return util::invalid_field("dateFormat").into_response(),
        },
    };
    // Requests that arrive while the data is being seeded wait for it.
    if let Err(e) = sh.wait_ready().await {
        tracing::warn!("sectigo emulator request without data: {e}");
        return util::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            -2,
            "Internal error. Please contact Support for details.",
        );
    }
    let ctx = Ctx {
        q: &q,
        body: &body,
        now: sh.now(),
        at: sh.instant(),
        date_fmt,
    };
    let resp = route(&sh, &method, &segs, &ctx);
    maybe_malformed(&sh, resp).await
}

fn authorised(sh: &Shared, headers: &HeaderMap, private: bool) -> bool {
    let h = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let login_ok = h("login") == Some(sh.login.as_str());
    let customer_ok = h("customerUri") == Some(sh.customer_uri.as_str());
    if private {
        login_ok && customer_ok
    } else {
        login_ok && customer_ok && h("password") == Some(sh.password.as_str())
    }
}

fn route(sh: &Shared, method: &Method, segs: &[&str], ctx: &Ctx) -> Response {
    route_inner(sh, method, segs, ctx).unwrap_or_else(util::ApiError::into_response)
}

fn route_inner(sh: &Shared, method: &Method, segs: &[&str], ctx: &Ctx) -> util::Res {
    let mut data = sh.data();
    let Data::Ready(db) = &mut *data else {
        return Err(util::ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: -2,
            description: "Internal error. Please contact Support for details.".into(),
        });
    };
    let db = &mut **db;
    let Some(ca) = sh.ca.get() else {
        return Err(util::ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: -2,
            description: "Internal error. Please contact Support for details.".into(),
        });
    };
    db.tick(ctx.now, ctx.at, ca);
    db.tick_families(ctx.now, ctx.at, ca);
    use family::Family::{Client, Device};
    match (method.as_str(), segs) {
        // Emulator knob: "the DCV instructions for this domain were followed".
        ("POST", ["__emulator", "dcv", "publish"]) => {
            let b = util::body_json(ctx.body)?;
            let d = util::req_str(&b, "domain")?;
            db.published.insert(d.trim().to_ascii_lowercase());
            Ok(util::empty(StatusCode::NO_CONTENT))
        }
        // SSL workflows
        ("POST", ["api", "ssl", "v1", "enroll"]) => ssl_flow::enroll(db, ctx),
        ("POST", ["api", "ssl", "v1", "approve", id]) => ssl_flow::approve(db, ctx, id),
        ("POST", ["api", "ssl", "v1", "decline", id]) => ssl_flow::decline(db, ctx, id),
        ("POST", ["api", "ssl", "v1", "revoke", "manual"]) => ssl_flow::revoke_manual(db, ctx),
        ("POST", ["api", "ssl", "v1", "revoke", "serial", serial]) => {
            ssl_flow::revoke_serial(db, ctx, serial)
        }
        ("POST", ["api", "ssl", "v1", "revoke", id]) => ssl_flow::revoke(db, ctx, id),
        ("POST", ["api", "ssl", "v1", "renewById", id]) => ssl_flow::renew_by_id(db, ctx, id),
        ("POST", ["api", "ssl", "v1", "renew", "manual", id]) => {
            ssl_flow::renew_manual(db, ctx, id)
        }
        ("POST", ["api", "ssl", "v1", "renew", token]) => ssl_flow::renew_by_token(db, ctx, token),
        ("POST", ["api", "ssl", "v1", "replace", id]) => ssl_flow::replace(db, ctx, id),
        ("PUT", ["api", "ssl", "v1"]) => ssl_flow::update(db, ctx),
        ("DELETE", ["api", "ssl", "v1", id]) => ssl_flow::delete(db, id),
        ("GET", ["api", "ssl", "v1", id, "dcv"]) => ssl_flow::dcv(db, ctx, id),
        ("POST", ["api", "ssl", "v1", id, "dcv", "recheck"]) => ssl_flow::dcv_recheck(db, ctx, id),
        ("GET", ["api", "ssl", "v1"]) => ssl::list(db, ctx),
        ("HEAD", ["api", "ssl", "v1"]) => ssl::count(db, ctx),
        ("GET", ["api", "ssl", "v1", "types"]) => ssl::types(db, ctx),
        ("GET", ["api", "ssl", "v1", "customFields"]) => ssl::custom_fields(db),
        ("GET", ["api", "ssl", "v1", "collect", id]) => ssl::collect(db, ca, ctx, id, None),
        ("GET", ["api", "ssl", "v1", "collect", id, fmt]) => {
            ssl::collect(db, ca, ctx, id, Some(fmt))
        }
        ("GET", ["api", "ssl", "v1", id]) => ssl::details(db, ctx, id),
        // Client (S/MIME) certificates: v1 and v2 side by side, as documented
        ("GET", ["api", "smime", "v1", "types"]) => family::types(db, ctx, Client),
        ("GET", ["api", "smime", "v1", "customFields"]) => family::custom_fields(Client),
        ("GET", ["api", "smime", "v2"]) => family::list(db, ctx, Client),
        ("HEAD", ["api", "smime", "v2"]) => family::count(db, ctx, Client),
        ("GET", ["api", "smime", "v2", "byPersonId", pid]) => {
            family::by_person(db, ctx, Some(pid), None)
        }
        ("GET", ["api", "smime", "v2", "byPersonEmail", email]) => {
            family::by_person(db, ctx, None, Some(email))
        }
        ("GET", ["api", "smime", "v2", "collect", "order", b]) => {
            family::collect(db, ca, ctx, Client, "order", b)
        }
        ("GET", ["api", "smime", "v2", "collect", id]) => {
            family::collect(db, ca, ctx, Client, "id", id)
        }
        ("POST", ["api", "smime", "v1", "enroll"]) => family::enroll(db, ctx, Client),
        ("POST", ["api", "smime", "v1", "renew", id]) => family::renew(db, ctx, Client, "id", id),
        ("POST", ["api", "smime", "v2", "renew", by @ ("order" | "serial"), x]) => {
            family::renew(db, ctx, Client, by, x)
        }
        ("POST", ["api", "smime", "v1", "revoke"]) => family::revoke(db, ctx, Client, "email", ""),
        ("POST", ["api", "smime", "v1", "revoke", "manual"]) => {
            family::revoke(db, ctx, Client, "manual", "")
        }
        ("POST", ["api", "smime", "v1", "revoke", by @ ("order" | "serial"), x]) => {
            family::revoke(db, ctx, Client, by, x)
        }
        ("POST", ["api", "smime", "v1", "revoke", id]) => family::revoke(db, ctx, Client, "id", id),
        ("GET", ["api", "smime", "v1", id]) => family::details(db, ctx, Client, id),
        ("PUT", ["api", "smime", "v1", id]) => family::update(db, ctx, Client, id),
        ("DELETE", ["api", "smime", "v1", id]) => family::delete(db, Client, id),
        // Device certificates
        ("GET", ["api", "device", "v1", "types"]) => family::types(db, ctx, Device),
        ("GET", ["api", "device", "v1", "customFields"]) => family::custom_fields(Device),
        ("GET", ["api", "device", "v1"]) => family::list(db, ctx, Device),
        ("HEAD", ["api", "device", "v1"]) => family::count(db, ctx, Device),
        ("POST", ["api", "device", "v1", "enroll"]) => family::enroll(db, ctx, Device),
        ("GET", ["api", "device", "v1", "collect", id]) => {
            family::collect(db, ca, ctx, Device, "id", id)
        }
        ("POST", ["api", "device", "v1", "approve", id]) => family::decide(db, ctx, id, true),
        ("POST", ["api", "device", "v1", "decline", id]) => family::decide(db, ctx, id, false),
        ("POST", ["api", "device", "v1", "revoke", "manual"]) => {
            family::revoke(db, ctx, Device, "manual", "")
        }
        ("POST", ["api", "device", "v1", "revoke", "order", id]) => {
            family::revoke(db, ctx, Device, "id", id)
        }
        ("POST", ["api", "device", "v1", "revoke", "serial", s]) => {
            family::revoke(db, ctx, Device, "serial", s)
        }
        ("POST", ["api", "device", "v1", "renew", "order", id]) => {
            family::renew(db, ctx, Device, "id", id)
        }
        ("POST", ["api", "device", "v1", "renew", "serial", s]) => {
            family::renew(db, ctx, Device, "serial", s)
        }
        ("POST", ["api", "device", "v1", "replace", "order", id]) => family::replace(db, ctx, id),
        ("GET", ["api", "device", "v1", id]) => family::details(db, ctx, Device, id),
        ("PUT", ["api", "device", "v1", id]) => family::update(db, ctx, Device, id),
        ("DELETE", ["api", "device", "v1", id]) => family::delete(db, Device, id),
        // Reports v1
        ("POST", ["api", "report", "v1", "ssl-certificates"]) => report::ssl(db, ctx),
        ("POST", ["api", "report", "v1", "client-certificates"]) => report::client(db, ctx),
        ("POST", ["api", "report", "v1", "device-certificates"]) => report::device(db, ctx),
        ("POST", ["api", "report", "v1", "domains"]) => report::domains(db, ctx),
        // Domain control validation
        ("GET", ["api", "dcv", "v1", "validation"]) => domain::dcv_list(db, ctx),
        ("POST", ["api", "dcv", "v2", "validation", "status"]) => domain::dcv_status(db, ctx, true),
        ("POST", ["api", "dcv", "v1", "validation", "status"]) => {
            domain::dcv_status(db, ctx, false)
        }
        ("POST", ["api", "dcv", "v1", "validation", "sync"]) => domain::dcv_sync(db, ctx),
        ("POST", ["api", "dcv", "v1", "validation", "clear"]) => domain::dcv_clear(db, ctx),
        ("POST", ["api", "dcv", "v1", "validation", "delete"]) => domain::dcv_delete(db, ctx),
        ("POST", ["api", "dcv", "v1", "validation", "start", "domain", m]) => {
            domain::dcv_start(db, ctx, m)
        }
        ("POST", ["api", "dcv", "v1", "validation", "submit", "domain", m]) => {
            domain::dcv_submit(db, ctx, m)
        }
        (
            "POST",
            [
                "api",
                "dcv",
                "v1",
                "validation",
                "submit-bulk",
                "domain",
                "email",
            ],
        ) => domain::dcv_submit_bulk_email(db, ctx),
        // Domains
        ("GET", ["api", "domain", "v1"]) => domain::domain_list(db, ctx),
        ("GET", ["api", "domain", "v1", "count"]) => domain::domain_count(db, ctx),
        ("POST", ["api", "domain", "v1"]) => domain::domain_create(db, ctx, &sh.base_url),
        ("POST", ["api", "domain", "v1", "delegation"]) => {
            domain::delegation(db, ctx, None, "bulk")
        }
        ("GET", ["api", "domain", "v1", id]) => domain::domain_get(db, ctx, id),
        ("DELETE", ["api", "domain", "v1", id]) => domain::domain_delete(db, id),
        ("PUT", ["api", "domain", "v1", id, what]) => domain::domain_put(db, ctx, id, what),
        ("POST", ["api", "domain", "v1", id, "delegation"]) => {
            domain::delegation(db, ctx, Some(id), "add")
        }
        ("DELETE", ["api", "domain", "v1", id, "delegation"]) => {
            domain::delegation(db, ctx, Some(id), "remove")
        }
        (
            "POST",
            [
                "api",
                "domain",
                "v1",
                id,
                "delegation",
                action @ ("approve" | "reject"),
            ],
        ) => domain::delegation(db, ctx, Some(id), action),
        // Organizations
        ("GET", ["api", "organization", "v1"]) => domain::org_list(db),
        ("GET", ["api", "organization", "v1", id]) => domain::org_get(db, id),
        _ => Ok(util::not_found()),
    }
}

fn status_fault(code: u16) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut r = match code {
        401 => util::error(status, -16, "Unknown user"),
        500 => util::error(
            status,
            -2,
            "Internal error. Please contact Support for details.",
        ),
        503 => util::error(
            status,
            -195,
            "CA is not available now. Please try again later.",
        ),
        _ => util::error(status, -1, "Unknown error."),
    };
    if code == 429 || code == 503 {
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    r
}

fn dropped_connection() -> Response {
    let stream = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "emulator fault: connection dropped",
        ))
    });
    let mut r = Response::new(Body::from_stream(stream));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(util::CT_JSON_UTF8),
    );
    r
}

async fn maybe_malformed(sh: &Shared, resp: Response) -> Response {
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !is_json {
        return resp;
    }
    {
        let mut f = sh.faults();
        if f.front() != Some(&Fault::MalformedJson) {
            return resp;
        }
        f.pop_front();
    }
    let (mut parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    // Cut the document short and add junk: never valid JSON.
    let mut broken = bytes[..bytes.len() / 2].to_vec();
    broken.extend_from_slice(b"<html>502 Bad Gateway");
    parts.status = StatusCode::OK;
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(broken))
}

#[cfg(test)]
mod tests;
