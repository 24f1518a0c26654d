//! The load benchmark: a whole inventory loaded over the real path, from the Sectigo emulator
//! (a child process, so its memory and CPU are not counted) through the real client, the
//! worker and the app state, drawn into an off-screen terminal frame by frame as the console
//! does (settle + draw at most every `tui::FRAME`, keys at once).
//!
//! Two sizes: 14,500 certificates (10,000 SSL + 2,500 S/MIME + 2,000 device) and 145,000
//! (100,000 + 25,000 + 20,000), 5 ms of latency per request, one account with the default
//! concurrency (8) and page size. Each size runs in a fresh console process that reports its
//! wall time to fully loaded, its CPU time, its peak and steady resident memory, the longest
//! `update` of one arriving batch, the longest frame (settle + draw), and the time from a key
//! press (one every 50 ms while the rows arrive) until its frame is drawn.
//!
//! Run: `cargo bench --bench load` (release). `CERTDECK_LOAD_SIZES=10000` runs one size (SSL
//! count); `CERTDECK_LOAD_LATENCY_MS` changes the latency.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command as Proc, Stdio};
use std::time::{Duration, Instant};

const ROLE: &str = "CERTDECK_LOAD_ROLE";

fn main() {
    match std::env::var(ROLE).as_deref() {
        Ok("emulator") => emulator_role(),
        Ok("console") => console_role(),
        _ => orchestrate(),
    }
}

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

// ---- the emulator process ---------------------------------------------------------------------

fn emulator_role() {
    let count = env_num("CERTDECK_LOAD_SSL", 10_000) as usize;
    let latency = env_num("CERTDECK_LOAD_LATENCY_MS", 5);
    let rt = tokio::runtime::Runtime::new().expect("a tokio runtime");
    rt.block_on(async move {
        let t = Instant::now();
        let opts = certdeck::emulator::sectigo::SectigoOptions {
            ssl_count: count,
            latency: Duration::from_millis(latency),
            ..Default::default()
        };
        let emu = certdeck::emulator::sectigo::SectigoEmulator::start(opts)
            .await
            .expect("the emulator starts");
        // Wait for the data, whichever way the emulator seeds it: one request answers.
        let ready = reqwest::Client::new()
            .head(format!("{}/api/ssl/v1", emu.base_url))
            .header("login", &emu.login)
            .header("password", &emu.password)
            .header("customerUri", &emu.customer_uri)
            .send()
            .await
            .expect("the emulator answers");
        assert!(ready.status().is_success(), "{}", ready.status());
        let mut out = std::io::stdout();
        let _ = writeln!(out, "url {}", emu.base_url);
        let _ = writeln!(out, "login {}", emu.login);
        let _ = writeln!(out, "password {}", emu.password);
        let _ = writeln!(out, "customer {}", emu.customer_uri);
        let _ = writeln!(out, "seeded_ms {}", t.elapsed().as_millis());
        let _ = writeln!(out, "ready");
        let _ = out.flush();
        // Serve until the parent closes our stdin.
        let _ = tokio::task::spawn_blocking(|| {
            let mut line = String::new();
            let _ = std::io::stdin().read_line(&mut line);
        })
        .await;
        emu.shutdown().await;
    });
}

// ---- the console process ----------------------------------------------------------------------

/// CPU time of the calling thread (what a piece of work cost, without the time the OS gave
/// to other threads and to the emulator process on the same two cores).
fn thread_cpu() -> Duration {
    #[cfg(target_os = "linux")]
    {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: clock_gettime writes into the struct we own.
        if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) } == 0 {
            return Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32);
        }
    }
    Duration::ZERO
}

/// CPU seconds (user + system) and peak / current resident memory (MB) of this process.
fn usage() -> (f64, f64, f64) {
    let mut cpu = 0.0;
    #[cfg(target_os = "linux")]
    {
        // SAFETY: getrusage writes into the struct we own.
        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) } == 0 {
            let t = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
            cpu = t(ru.ru_utime) + t(ru.ru_stime);
        }
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = |key: &str| {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (cpu, kb("VmHWM:"), kb("VmRSS:"))
}

fn console_role() {
    use certdeck::app::{KeyMap, Msg, State, update};
    use certdeck::tui::Pacer;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    let start = Instant::now();
    let var = |k: &str| std::env::var(k).expect(k);
    let url = var("CERTDECK_LOAD_URL");
    let expected: usize = var("CERTDECK_LOAD_EXPECTED").parse().expect("a number");
    let text = format!(
        "[[accounts]]\nname = \"big\"\nkind = \"sectigo\"\nurl = \"{url}\"\nlogin = \"{}\"\n\
         customer_uri = \"{}\"\n",
        var("CERTDECK_LOAD_LOGIN"),
        var("CERTDECK_LOAD_CUSTOMER")
    );
    let config = certdeck::config::Config::from_str_named(&text, "bench").expect("config");
    let mut given = std::collections::HashMap::new();
    given.insert(
        "big".to_string(),
        secrecy::SecretString::from(var("CERTDECK_LOAD_PASSWORD")),
    );
    let rt = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let report = rt.block_on(async move {
        let prepared = certdeck::session::prepare(&config, &given);
        let (views, slots): (Vec<_>, Vec<_>) =
            prepared.into_iter().map(|p| (p.view, p.slot)).unzip();
        let (cmd_tx, mut evt_rx) = certdeck::worker::spawn(slots, None);
        let mut state = State::new(views, KeyMap::default(), 1_795_000_000, (120, 40));
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("a terminal");
        for cmd in state.start() {
            let _ = cmd_tx.send(cmd);
        }
        let mut pacer = Pacer::new();
        let mut keys = tokio::time::interval(Duration::from_millis(50));
        keys.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut down = true;
        let (mut max_batch, mut max_frame) = (Duration::ZERO, Duration::ZERO);
        let (mut max_batch_cpu, mut max_frame_cpu) = (Duration::ZERO, Duration::ZERO);
        let mut key_waits: Vec<Duration> = Vec::new();
        let (mut batches, mut frames) = (0usize, 0usize);
        // CERTDECK_LOAD_TRACE=1: name the frames whose settling took long, on stderr.
        let trace = std::env::var_os("CERTDECK_LOAD_TRACE").is_some();
        // A key applied but not yet drawn: when it arrived.
        let mut key_pending: Option<Instant> = None;
        loop {
            let mut key_at: Option<Instant> = None;
            if pacer.due(Instant::now(), state.backlog()) {
                let (t, c) = (Instant::now(), thread_cpu());
                let backlog = state.backlog();
                state.settle();
                let settled = thread_cpu().saturating_sub(c);
                if trace && settled > Duration::from_millis(10) {
                    eprintln!(
                        "slow settle: {:.1} ms CPU, {backlog} rows placed among {}",
                        settled.as_secs_f64() * 1e3,
                        state.certs.len()
                    );
                }
                terminal
                    .draw(|f| certdeck::ui::draw(&state, f))
                    .expect("draw");
                max_frame = max_frame.max(t.elapsed());
                max_frame_cpu = max_frame_cpu.max(thread_cpu().saturating_sub(c));
                frames += 1;
                pacer.drawn(Instant::now());
                if let Some(at) = key_pending.take() {
                    key_waits.push(at.elapsed());
                }
            }
            if !state.busy() {
                break;
            }
            let frame_due = pacer.deadline();
            let mut msgs = Vec::new();
            // As the console's loop: keys first, worker events in slices (`tui::drain`).
            tokio::select! {
                biased;
                at = keys.tick() => {
                    key_at = Some(at.into_std());
                    let code = if down { KeyCode::Char('j') } else { KeyCode::Char('k') };
                    down = !down;
                    msgs.push(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
                }
                ev = evt_rx.recv() => {
                    let Some(ev) = ev else { break };
                    msgs = certdeck::tui::drain(ev, &mut evt_rx);
                }
                _ = tokio::time::sleep_until(frame_due.unwrap_or_else(Instant::now).into()),
                    if frame_due.is_some() => {}
            }
            for msg in msgs {
                let rows = matches!(msg, Msg::Worker(certdeck::worker::WorkerEvent::Rows { .. }));
                pacer.note(&msg);
                let (t, c) = (Instant::now(), thread_cpu());
                for cmd in update(&mut state, msg) {
                    let _ = cmd_tx.send(cmd);
                }
                if rows {
                    max_batch = max_batch.max(t.elapsed());
                    max_batch_cpu = max_batch_cpu.max(thread_cpu().saturating_sub(c));
                    batches += 1;
                }
            }
            // The key's frame is the next one, drawn at once (keys are urgent to the pacer).
            if key_at.is_some() {
                key_pending = key_at;
            }
        }
        let wall = start.elapsed();
        let (cpu, peak, _) = usage();
        state.settle();
        let loaded = state.certs.len();
        let complete = state.certs.iter().filter(|c| c.complete).count();
        let failed: Vec<String> = state.errors.iter().map(|e| e.error.to_string()).collect();
        // Steady: the loaded console a moment later, as it sits on the screen.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let (_, _, steady) = usage();
        key_waits.sort();
        let p = |q: f64| {
            key_waits
                .get(((key_waits.len() as f64 * q) as usize).min(key_waits.len().saturating_sub(1)))
                .copied()
                .unwrap_or_default()
        };
        assert!(failed.is_empty(), "the load failed: {failed:?}");
        assert_eq!(loaded, expected, "every certificate is in the list");
        assert_eq!(complete, expected, "every row is complete");
        format!(
            "wall_s {:.2} cpu_s {:.2} peak_mb {:.0} steady_mb {:.0} max_batch_ms {:.2} \
             max_batch_cpu_ms {:.2} max_frame_ms {:.2} max_frame_cpu_ms {:.2} key_p50_ms {:.1} \
             key_p99_ms {:.1} key_max_ms {:.1} keys {} batches {} frames {} rows {}",
            wall.as_secs_f64(),
            cpu,
            peak,
            steady,
            max_batch.as_secs_f64() * 1e3,
            max_batch_cpu.as_secs_f64() * 1e3,
            max_frame.as_secs_f64() * 1e3,
            max_frame_cpu.as_secs_f64() * 1e3,
            p(0.5).as_secs_f64() * 1e3,
            p(0.99).as_secs_f64() * 1e3,
            key_waits.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
            key_waits.len(),
            batches,
            frames,
            loaded
        )
    });
    println!("{report}");
}

// ---- the orchestrator -------------------------------------------------------------------------

fn field(line: &str, key: &str) -> f64 {
    let mut it = line.split_whitespace();
    while let Some(k) = it.next() {
        if k == key {
            return it.next().and_then(|v| v.parse().ok()).unwrap_or(f64::NAN);
        }
    }
    f64::NAN
}

fn orchestrate() {
    let exe = std::env::current_exe().expect("the bench binary");
    let latency = env_num("CERTDECK_LOAD_LATENCY_MS", 5);
    let sizes: Vec<usize> = std::env::var("CERTDECK_LOAD_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000]);
    println!("load benchmark: Sectigo emulator (child process), {latency} ms latency per request");
    let mut results: Vec<(usize, String)> = Vec::new();
    for ssl in sizes {
        // The emulator seeds a quarter as many S/MIME and a fifth as many device certificates.
        let total = ssl + ssl / 4 + ssl / 5;
        let mut emu = Proc::new(&exe)
            .env(ROLE, "emulator")
            .env("CERTDECK_LOAD_SSL", ssl.to_string())
            .env("CERTDECK_LOAD_LATENCY_MS", latency.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the emulator process starts");
        let mut out = BufReader::new(emu.stdout.take().expect("its stdout"));
        let mut info = std::collections::HashMap::new();
        let mut line = String::new();
        while out.read_line(&mut line).unwrap_or(0) > 0 {
            let l = line.trim().to_string();
            line.clear();
            if l == "ready" {
                break;
            }
            if let Some((k, v)) = l.split_once(' ') {
                info.insert(k.to_string(), v.to_string());
            }
        }
        let get = |k: &str| info.get(k).cloned().expect(k);
        let console = Proc::new(&exe)
            .env(ROLE, "console")
            .env("CERTDECK_LOAD_URL", get("url"))
            .env("CERTDECK_LOAD_LOGIN", get("login"))
            .env("CERTDECK_LOAD_PASSWORD", get("password"))
            .env("CERTDECK_LOAD_CUSTOMER", get("customer"))
            .env("CERTDECK_LOAD_EXPECTED", total.to_string())
            .stderr(Stdio::inherit())
            .output()
            .expect("the console process runs");
        drop(emu.stdin.take());
        let _ = emu.wait();
        let text = String::from_utf8_lossy(&console.stdout).trim().to_string();
        if !console.status.success() {
            panic!("the console process failed for {total} certificates");
        }
        println!(
            "{total:>7} certificates ({ssl} SSL): emulator seeded in {} ms; {text}",
            get("seeded_ms")
        );
        results.push((total, text));
    }
    println!();
    println!(
        "| certificates | wall to loaded | console CPU | peak RSS | steady RSS | max batch update (CPU / wall) | max frame (CPU / wall) | key → drawn p99 / max |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (total, r) in &results {
        println!(
            "| {total} | {:.2} s | {:.2} s | {:.0} MB | {:.0} MB | {:.2} / {:.2} ms | {:.2} / {:.2} ms | {:.1} / {:.1} ms |",
            field(r, "wall_s"),
            field(r, "cpu_s"),
            field(r, "peak_mb"),
            field(r, "steady_mb"),
            field(r, "max_batch_cpu_ms"),
            field(r, "max_batch_ms"),
            field(r, "max_frame_cpu_ms"),
            field(r, "max_frame_ms"),
            field(r, "key_p99_ms"),
            field(r, "key_max_ms"),
        );
    }
    if let [(small, a), (big, b)] = results.as_slice() {
        println!(
            "\nconsole CPU ratio {big}/{small}: {:.1} (target ≤ 12)",
            field(b, "cpu_s") / field(a, "cpu_s")
        );
        println!(
            "targets at {big}: wall < 15 s, CPU < 5 s, steady < 150 MB, peak < 250 MB, batch update < 5 ms, key drawn < 50 ms"
        );
    }
}
