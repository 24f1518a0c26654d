//! Start-up benchmark: how long after `certdeck --demo` is started its first frame is on the
//! screen (target: < 100 ms), and when the demo list is fully loaded. The real binary runs in
//! a pseudo-terminal (100x30) with a throwaway HOME; its output is read through a VT100
//! parser. Twenty runs; the median and the slowest are printed.
//!
//! Run: `cargo bench --bench startup` (release).

use std::io::{Read, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const BIN: &str = env!("CARGO_BIN_EXE_certdeck");
const RUNS: usize = 20;

/// (first frame, fully loaded) after the start of one run.
fn one_run() -> (Duration, Duration) {
    let home = tempfile::tempdir().expect("temp dir");
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 30,
            cols: 100,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("openpty");
    let mut cmd = CommandBuilder::new(BIN);
    cmd.arg("--demo");
    cmd.env("HOME", home.path());
    cmd.env("XDG_CONFIG_HOME", home.path().join(".config"));
    cmd.env("XDG_STATE_HOME", home.path().join(".local/state"));
    cmd.env("TERM", "xterm-256color");
    let mut reader = pair.master.try_clone_reader().expect("pty reader");
    let mut writer = pair.master.take_writer().expect("pty writer");
    let start = Instant::now();
    let mut child = pair.slave.spawn_command(cmd).expect("spawn certdeck");
    drop(pair.slave);
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 16384];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut screen = vt100::Parser::new(30, 100, 0);
    let (mut first, mut loaded) = (None, None);
    let deadline = start + Duration::from_secs(60);
    while loaded.is_none() && Instant::now() < deadline {
        let Ok(bytes) = rx.recv_timeout(Duration::from_millis(200)) else {
            continue;
        };
        screen.process(&bytes);
        let text = screen.screen().contents();
        // The title bar and the accounts pane: the first frame.
        if first.is_none() && text.contains("certdeck") && text.contains("Accounts") {
            first = Some(start.elapsed());
        }
        // The account line counts its certificates once every family is in.
        if first.is_some() && text.contains(" certs") && !text.contains("loading") {
            loaded = Some(start.elapsed());
        }
    }
    let _ = writer.write_all(b"q");
    let _ = writer.flush();
    let _ = child.wait();
    drop(pair.master);
    (
        first.expect("a first frame within 60 s"),
        loaded.unwrap_or(Duration::MAX),
    )
}

fn main() {
    let mut firsts = Vec::new();
    let mut loads = Vec::new();
    for _ in 0..RUNS {
        let (f, l) = one_run();
        firsts.push(f);
        loads.push(l);
    }
    firsts.sort();
    loads.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "certdeck --demo, {RUNS} runs: first frame median {:.0} ms, slowest {:.0} ms (target < 100 ms); \
         demo fully loaded median {:.0} ms",
        ms(firsts[RUNS / 2]),
        ms(firsts[RUNS - 1]),
        ms(loads[RUNS / 2]),
    );
}
