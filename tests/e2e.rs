//! End-to-end runs of the real binary: the console with `--demo` in a pseudo-terminal (read
//! back through a VT100 parser), and the command line's answers to bad input.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const BIN: &str = env!("CARGO_BIN_EXE_certdeck");

/// A throwaway HOME so nothing touches the real user's files.
fn sandbox() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

struct Console {
    screen: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    _home: tempfile::TempDir,
}

impl Console {
    fn start(args: &[&str], cols: u16, rows: u16) -> Console {
        let home = sandbox();
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let mut cmd = CommandBuilder::new(BIN);
        cmd.args(args);
        cmd.env("HOME", home.path());
        cmd.env("XDG_CONFIG_HOME", home.path().join(".config"));
        cmd.env("XDG_STATE_HOME", home.path().join(".local/state"));
        cmd.env("XDG_CACHE_HOME", home.path().join(".cache"));
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        let child = pair.slave.spawn_command(cmd).expect("spawn certdeck");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let sink = Arc::clone(&screen);
        std::thread::spawn(move || {
            let _master = pair.master; // keep the pty open while reading
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => sink.lock().unwrap().process(&buf[..n]),
                }
            }
        });
        Console {
            screen,
            writer,
            child,
            _home: home,
        }
    }

    fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Wait until the screen satisfies `pred`, or fail with the last screen.
    fn wait_for(&self, what: &str, timeout: Duration, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.contents();
            if pred(&s) {
                return s;
            }
            if start.elapsed() > timeout {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Wait until every family of the demo account has loaded: the accounts pane then says
    /// "N certs" and the SSL family shows its full count. Waiting for a particular status
    /// word instead is racy, since which rows are on screen depends on how far loading got.
    fn wait_loaded(&self) -> String {
        self.wait_for("the certificate list", Duration::from_secs(120), |s| {
            s.contains(" certs") && s.contains("2,000") && s.contains("Expired")
        })
    }

    fn send(&mut self, bytes: &str) {
        self.writer
            .write_all(bytes.as_bytes())
            .expect("write to pty");
        self.writer.flush().expect("flush pty");
    }

    fn wait_exit(&mut self, timeout: Duration) -> portable_pty::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            if start.elapsed() > timeout {
                let _ = self.child.kill();
                panic!("certdeck did not exit; screen:\n{}", self.contents());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[test]
fn demo_console_lists_filters_and_quits() {
    let mut c = Console::start(&["--demo"], 100, 30);
    // The demo's certificates arrive page by page; the accounts pane says "N certs" once
    // every family has loaded.
    let screen = c.wait_loaded();
    assert!(screen.contains("demo-scm"), "{screen}");
    c.send("/");
    c.wait_for("the filter prompt", Duration::from_secs(5), |s| {
        s.contains("Enter keep")
    });
    c.send("api.");
    let screen = c.wait_for("a filtered list", Duration::from_secs(10), |s| {
        s.contains("filter") || s.contains("/api.")
    });
    // The list narrowed: "N of T certificates" with 0 < N < T, and the rows are api.* hosts
    // (a few match through a SAN, which the list does not show).
    let title = screen.lines().next().unwrap_or_default().to_string();
    let counts: Vec<usize> = title
        .split('│')
        .find(|p| p.contains(" of "))
        .map(|p| {
            p.split_whitespace()
                .filter_map(|w| w.replace(',', "").parse().ok())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(counts.len(), 2, "{title}");
    assert!(counts[0] > 0 && counts[0] < counts[1], "{title}");
    let rows: Vec<&str> = screen
        .lines()
        .filter(|l| l.contains("demo-scm") && l.contains(".example"))
        .collect();
    let matching = rows.iter().filter(|l| l.contains("api.")).count();
    assert!(matching * 2 > rows.len(), "{screen}");
    c.send("\r"); // keep the filter
    c.wait_for("the filter prompt to close", Duration::from_secs(5), |s| {
        !s.contains("Enter keep")
    });
    c.send("q");
    let status = c.wait_exit(Duration::from_secs(10));
    assert!(status.success(), "exit status {status:?}");
}

#[test]
fn demo_console_opens_detail_and_help() {
    let mut c = Console::start(&["--demo"], 120, 40);
    c.wait_loaded();
    // Filter to an issued certificate and open it: the parsed X.509 view shows.
    c.send("/www");
    c.wait_for("the typed filter", Duration::from_secs(5), |s| {
        s.contains("Enter keep") && s.contains("www")
    });
    c.send("\r");
    c.wait_for("the filter kept", Duration::from_secs(5), |s| {
        !s.contains("Enter keep")
    });
    c.send("\r");
    c.wait_for("the detail pane", Duration::from_secs(20), |s| {
        s.contains("Detail") && s.contains("Certificate Manager")
    });
    c.send("?");
    c.wait_for("the help overlay", Duration::from_secs(5), |s| {
        s.contains("Keys")
    });
    c.send("\x1b");
    c.wait_for("the help overlay to close", Duration::from_secs(5), |s| {
        !s.contains("Keys")
    });
    c.send("\x03"); // Ctrl-C quits too
    let status = c.wait_exit(Duration::from_secs(10));
    assert!(status.success(), "exit status {status:?}");
}

#[test]
fn a_too_small_terminal_gets_a_note_not_a_broken_layout() {
    let mut c = Console::start(&["--demo"], 60, 20);
    c.wait_for("the too-small note", Duration::from_secs(30), |s| {
        s.contains("terminal too small (need 80x24)")
    });
    c.send("q");
    assert!(c.wait_exit(Duration::from_secs(10)).success());
}

fn run(args: &[&str], home: &std::path::Path) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_STATE_HOME", home.join(".local/state"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .output()
        .expect("run certdeck")
}

fn write_config(dir: &std::path::Path, text: &str) -> PathBuf {
    let p = dir.join("config.toml");
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn a_bad_config_exits_nonzero_naming_file_line_and_key() {
    let home = sandbox();
    let path = write_config(
        home.path(),
        "[[accounts]]\nname = \"corp\"\nkind = \"sectigo\"\nurl = \"htp:/nowhere\"\nlogin = \"a\"\ncustomer_uri = \"b\"\n",
    );
    let out = run(&["--config", path.to_str().unwrap()], home.path());
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(path.to_str().unwrap()), "{err}");
    assert!(err.contains("line 4"), "{err}");
    assert!(err.contains("url"), "{err}");

    let path = write_config(
        home.path(),
        "[[accounts]]\nname = \"corp\"\nkindd = \"sectigo\"\n",
    );
    let out = run(&["--config", path.to_str().unwrap()], home.path());
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 3") && err.contains("kindd"), "{err}");
}

#[test]
fn a_missing_config_file_is_named() {
    let home = sandbox();
    let out = run(&["--config", "/nonexistent/certdeck.toml"], home.path());
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/certdeck.toml"), "{err}");
}

#[test]
fn info_prints_the_paths() {
    let home = sandbox();
    let out = run(&["info"], home.path());
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("config:") && text.contains("log:") && text.contains("audit:"));
    assert!(text.contains(home.path().to_str().unwrap()), "{text}");
}

#[test]
fn help_mentions_demo_and_no_secret_flags() {
    let home = sandbox();
    let out = run(&["--help"], home.path());
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("--demo"), "{text}");
    assert!(!text.to_lowercase().contains("--password"), "{text}");
}

#[test]
fn secret_set_for_an_unknown_account_names_the_accounts() {
    let home = sandbox();
    let path = write_config(
        home.path(),
        "[[accounts]]\nname = \"corp\"\nkind = \"sectigo\"\nurl = \"https://cert-manager.com\"\nlogin = \"a\"\ncustomer_uri = \"b\"\n",
    );
    let out = run(
        &["--config", path.to_str().unwrap(), "secret", "set", "nope"],
        home.path(),
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nope") && err.contains("corp"), "{err}");
}

#[test]
fn secret_set_refuses_accounts_that_take_no_keyring_secret() {
    let home = sandbox();
    let base = "[[accounts]]\nname = \"corp\"\nkind = \"sectigo\"\nurl = \"https://cert-manager.com\"\nlogin = \"a\"\ncustomer_uri = \"b\"\n";
    for (extra, says) in [
        (
            "client_cert = \"c.pem\"\nclient_key = \"k.pem\"\n",
            "client certificate",
        ),
        ("password_env = \"CORP_PW\"\n", "CORP_PW"),
        (
            "password_command = \"pass show corp\"\n",
            "password_command",
        ),
    ] {
        let path = write_config(home.path(), &format!("{base}{extra}"));
        // Refused before any prompt: stdin is not a terminal and nothing waits for it.
        let out = run(
            &["--config", path.to_str().unwrap(), "secret", "set", "corp"],
            home.path(),
        );
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("corp") && err.contains(says), "{err}");
    }
}

#[test]
fn without_a_terminal_the_console_says_so_instead_of_panicking() {
    let home = sandbox();
    // `run` gives the child no terminal (stdin null, stdout a pipe), like cron.
    let out = run(&["--demo"], home.path());
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs a terminal"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_hang_up_removes_the_demo_temp_dir() {
    // Like an SSH session dropping: the pseudo-terminal goes away under the running console.
    let home = sandbox();
    let tmp = home.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let pty = native_pty_system();
    let pair = pty
        .openpty(PtySize {
            rows: 30,
            cols: 100,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(BIN);
    cmd.arg("--demo");
    cmd.env("HOME", home.path());
    cmd.env("TMPDIR", &tmp);
    cmd.env("TERM", "xterm-256color");
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let mut writer = pair.master.take_writer().unwrap();
    let screen = Arc::new(Mutex::new(vt100::Parser::new(30, 100, 0)));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (sink, stop2) = (Arc::clone(&screen), Arc::clone(&stop));
    // The reader holds a copy of the master side; it must be gone too for the hang-up.
    let read = std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while !stop2.load(std::sync::atomic::Ordering::SeqCst) {
            match reader.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => sink.lock().unwrap().process(&buf[..n]),
            }
        }
    });
    let start = Instant::now();
    while !screen
        .lock()
        .unwrap()
        .screen()
        .contents()
        .contains(" certs")
    {
        assert!(start.elapsed() < Duration::from_secs(120), "never loaded");
        std::thread::sleep(Duration::from_millis(50));
    }
    let entries = || std::fs::read_dir(&tmp).unwrap().count();
    assert_eq!(entries(), 1, "the demo made its temp dir");
    // Let the reader finish: one more key makes the console draw, the reader sees the flag.
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let start = Instant::now();
    for key in [b"j", b"k"].iter().cycle() {
        if read.is_finished() {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "reader still busy"
        );
        writer.write_all(*key).unwrap();
        writer.flush().unwrap();
        std::thread::sleep(Duration::from_millis(100));
    }
    read.join().unwrap();
    drop(writer);
    drop(pair.master); // hang up
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "still running");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(entries(), 0, "the temp dir is gone");
}

#[test]
fn a_key_override_that_collides_is_refused_with_its_line() {
    let home = sandbox();
    let path = write_config(
        home.path(),
        "[ui.keys]\nhelp = \"?\"\nquit = \"s\"\n\n[[accounts]]\nname = \"corp\"\nkind = \"sectigo\"\nurl = \"https://cert-manager.com\"\nlogin = \"a\"\ncustomer_uri = \"b\"\npassword_env = \"NOPE\"\n",
    );
    let out = run(&["--config", path.to_str().unwrap()], home.path());
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 3, column 8, key ui.keys.quit") && err.contains("also the key of sort"),
        "{err}"
    );
}
