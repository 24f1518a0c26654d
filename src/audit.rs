//! Append-only JSONL audit log of every mutating action.
//!
//! One JSON object per line, one line per *attempt* (including refused and failed ones):
//!
//! ```json
//! {"time":"2026-11-22T03:12:09.518Z","account":"corp-scm","action":"revoke","ids":["1234"],"reason":"key compromise","outcome":"ok","detail":null}
//! ```
//!
//! The file is created with mode 0600 (its directory 0700). Every line is written with a
//! single `write` on a descriptor opened with `O_APPEND`, so several certdeck processes
//! appending at once never interleave, and it is fsync'd before `append` returns.
//!
//! **No secrets.** [`AuditEntry`] has no field meant for a credential, and callers must not
//! put one into `reason` or `detail` (both are free text shown to people reading the log).

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

use crate::logging::{create_private_dir, open_private_append};

/// One audit record. `outcome` is `"ok"`, `"error: …"`, `"unknown: …"` (the request may or
/// may not have taken effect) or `"refused: …"` (not sent: read-only, not confirmed, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// RFC 3339, UTC, millisecond precision (`2026-11-22T03:12:09.518Z`).
    pub time: String,
    pub account: String,
    /// What was attempted, e.g. "approve", "decline", "revoke", "renew", "enroll".
    pub action: String,
    /// The provider's ids of the objects acted on.
    pub ids: Vec<String>,
    /// The certificate family the ids belong to ("ssl", "client", "device", "code-signing"),
    /// so an SSL id and a device id can be told apart. Absent for actions on no certificate
    /// (domains, delegations) and in lines written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    /// The reason the user typed, if the action asks for one.
    #[serde(default)]
    pub reason: Option<String>,
    pub outcome: String,
    /// Anything else worth keeping (HTTP status, provider error code, new request id).
    #[serde(default)]
    pub detail: Option<String>,
    /// What the ids are, for a reader who cannot look them up: name, serial (and the SANs,
    /// for a revocation) of each certificate acted on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<Subject>,
    /// The account's login at the provider (who the provider will say did it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login: Option<String>,
    /// Who ran certdeck: `user@host` of the local session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
}

/// A certificate as the audit log names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    pub cn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sans: Vec<String>,
}

impl Subject {
    /// `cert` by name and serial; with `sans`, its SANs too.
    pub fn of(cert: &crate::model::Cert, sans: bool) -> Subject {
        Subject {
            cn: cert.common_name.clone(),
            serial: cert.serial.clone(),
            sans: if sans { cert.sans.clone() } else { Vec::new() },
        }
    }
}

/// `user@host` of this session (`$USER` or `$LOGNAME`, else the account database's name for
/// the real user id, else `uid<N>`; and the kernel's host name), read once.
pub fn operator() -> &'static str {
    static OPERATOR: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    OPERATOR.get_or_init(|| {
        let user = ["USER", "LOGNAME"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
            .unwrap_or_else(login_of_uid);
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .or_else(|| std::env::var("HOSTNAME").ok())
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "localhost".into());
        format!("{}@{host}", user.trim())
    })
}

/// The name of the real user id in the account database (cron jobs and some `sudo` or
/// container sessions have no `$USER`), else `uid<N>`; `unknown` where there are no uids.
fn login_of_uid() -> String {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: getuid cannot fail; getpwuid_r writes only into `pw` and `buf`, whose
        // sizes are passed, and `out` points at `pw` or is null.
        unsafe {
            let uid = libc::getuid();
            let mut pw: libc::passwd = std::mem::zeroed();
            let mut buf = vec![0 as libc::c_char; 4096];
            let mut out: *mut libc::passwd = std::ptr::null_mut();
            let rc = libc::getpwuid_r(uid, &mut pw, buf.as_mut_ptr(), buf.len(), &mut out);
            if rc == 0 && !out.is_null() && !pw.pw_name.is_null() {
                let name = std::ffi::CStr::from_ptr(pw.pw_name).to_string_lossy();
                if !name.trim().is_empty() {
                    return name.into_owned();
                }
            }
            format!("uid{uid}")
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        "unknown".into()
    }
}

impl AuditEntry {
    /// A new entry stamped with the current time, outcome not yet known (`"unknown: pending"`
    /// until one of [`ok`](Self::ok), [`error`](Self::error), [`unknown`](Self::unknown) or
    /// [`refused`](Self::refused) is applied).
    pub fn new(account: &str, action: &str, ids: Vec<String>) -> AuditEntry {
        AuditEntry::at(jiff::Timestamp::now(), account, action, ids)
    }

    /// Like [`new`](Self::new) with an explicit time (tests, replay).
    pub fn at(time: jiff::Timestamp, account: &str, action: &str, ids: Vec<String>) -> AuditEntry {
        AuditEntry {
            time: format!("{time:.3}"),
            account: account.to_string(),
            action: action.to_string(),
            ids,
            family: None,
            reason: None,
            outcome: "unknown: pending".to_string(),
            detail: None,
            subjects: Vec::new(),
            login: None,
            operator: None,
        }
    }

    pub fn with_subjects(mut self, subjects: Vec<Subject>) -> AuditEntry {
        self.subjects = subjects;
        self
    }

    pub fn with_login(mut self, login: Option<String>) -> AuditEntry {
        self.login = login;
        self
    }

    /// The certificate family of the ids.
    pub fn with_family(mut self, family: crate::model::Collection) -> AuditEntry {
        self.family = Some(family_key(family).to_string());
        self
    }

    pub fn with_reason(mut self, reason: impl Into<String>) -> AuditEntry {
        self.reason = Some(reason.into());
        self
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> AuditEntry {
        self.detail = Some(detail.into());
        self
    }

    /// Outcome "ok".
    pub fn ok(mut self) -> AuditEntry {
        self.outcome = "ok".to_string();
        self
    }

    /// Outcome "error: MESSAGE" (the action certainly did not take effect).
    pub fn error(mut self, message: impl std::fmt::Display) -> AuditEntry {
        self.outcome = format!("error: {message}");
        self
    }

    /// Outcome "unknown: MESSAGE" (the request may have reached the server).
    pub fn unknown(mut self, message: impl std::fmt::Display) -> AuditEntry {
        self.outcome = format!("unknown: {message}");
        self
    }

    /// Outcome "refused: MESSAGE" (certdeck did not send it).
    pub fn refused(mut self, message: impl std::fmt::Display) -> AuditEntry {
        self.outcome = format!("refused: {message}");
        self
    }
}

/// How a family is named in the audit log.
pub fn family_key(family: crate::model::Collection) -> &'static str {
    family.id()
}

/// An open audit log. Cheap to share (`&self` appends); safe across threads and processes.
#[derive(Debug)]
pub struct AuditLog {
    path: PathBuf,
    file: File,
}

impl AuditLog {
    /// Open (creating with mode 0600, and its directory with 0700, if needed) for appending.
    /// An existing file readable by group or others is tightened to 0600.
    pub fn open(path: &Path) -> anyhow::Result<AuditLog> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir).with_context(|| {
                format!("cannot create the audit log directory {}", dir.display())
            })?;
        }
        let file = open_private_append(path)
            .with_context(|| format!("cannot open the audit log {}", path.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let meta = file
                .metadata()
                .with_context(|| format!("cannot stat the audit log {}", path.display()))?;
            if meta.permissions().mode() & 0o077 != 0 {
                file.set_permissions(std::fs::Permissions::from_mode(0o600))
                    .with_context(|| {
                        format!("cannot make the audit log {} private", path.display())
                    })?;
            }
        }
        Ok(AuditLog {
            path: path.to_path_buf(),
            file,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Append one line (a single `write`, then fsync).
    pub fn append(&self, entry: &AuditEntry) -> anyhow::Result<()> {
        let mut line = serde_json::to_vec(entry).context("cannot encode an audit entry")?;
        line.push(b'\n');
        let written = (&self.file)
            .write(&line)
            .with_context(|| format!("cannot write to the audit log {}", self.path.display()))?;
        if written != line.len() {
            anyhow::bail!(
                "short write to the audit log {} ({written} of {} bytes; disk full?)",
                self.path.display(),
                line.len()
            );
        }
        self.file
            .sync_all()
            .with_context(|| format!("cannot sync the audit log {}", self.path.display()))?;
        Ok(())
    }
}

/// Read every entry, in file order. Blank lines are skipped; any other line that is not an
/// entry is an error naming the file and line number.
pub fn read_all(path: &Path) -> anyhow::Result<Vec<AuditEntry>> {
    let file = File::open(path)
        .with_context(|| format!("cannot open the audit log {}", path.display()))?;
    let mut entries = Vec::new();
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("cannot read the audit log {}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let entry: AuditEntry = serde_json::from_str(&line).with_context(|| {
            format!(
                "audit log {}, line {}: not a valid entry",
                path.display(),
                i + 1
            )
        })?;
        entries.push(entry);
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::sectigo::Family;

    #[test]
    fn the_family_is_kept_and_old_lines_without_it_still_read() {
        let e = sample().with_family(Family::Device);
        let line = serde_json::to_string(&e).unwrap();
        assert!(line.contains("\"family\":\"device\""), "{line}");
        let back: AuditEntry = serde_json::from_str(&line).unwrap();
        assert_eq!(back, e);
        let old = r#"{"time":"2026-11-22T03:12:09.518Z","account":"a","action":"approve","ids":["1"],"reason":null,"outcome":"ok","detail":null}"#;
        let back: AuditEntry = serde_json::from_str(old).unwrap();
        assert_eq!(back.family, None);
        assert!(!serde_json::to_string(&back).unwrap().contains("family"));
    }

    fn sample() -> AuditEntry {
        AuditEntry::at(
            "2026-11-22T03:12:09.518Z".parse().unwrap(),
            "corp-scm",
            "revoke",
            vec!["1234".into(), "5678".into()],
        )
        .with_reason("key compromise\nsecond line")
    }

    #[test]
    fn append_then_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let log = AuditLog::open(&path).unwrap();
        let a = sample().ok();
        let b = sample()
            .unknown("connection reset after sending")
            .with_detail("HTTP -");
        let c = AuditEntry::new("nas", "delete", vec![]).refused("account is read-only");
        for e in [&a, &b, &c] {
            log.append(e).unwrap();
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text.lines().count(),
            3,
            "embedded newlines are escaped: {text}"
        );
        assert_eq!(
            text.lines().next().unwrap(),
            r#"{"time":"2026-11-22T03:12:09.518Z","account":"corp-scm","action":"revoke","ids":["1234","5678"],"reason":"key compromise\nsecond line","outcome":"ok","detail":null}"#
        );
        let back = read_all(&path).unwrap();
        assert_eq!(back, vec![a, b, c.clone()]);
        assert_eq!(back[2].outcome, "refused: account is read-only");
        assert!(
            c.time.parse::<jiff::Timestamp>().is_ok(),
            "RFC 3339: {}",
            c.time
        );
        assert!(c.time.ends_with('Z'), "{}", c.time);
    }

    #[test]
    fn without_user_variables_the_operator_is_named_by_the_uid() {
        let name = login_of_uid();
        assert!(!name.is_empty() && name != "unknown", "{name}");
        #[cfg(target_os = "linux")]
        {
            // The same answer as the account database gives for this process's uid.
            let uid = unsafe { libc::getuid() };
            let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
            let listed = passwd.lines().find_map(|l| {
                let f: Vec<&str> = l.split(':').collect();
                (f.len() > 2 && f[2] == uid.to_string()).then(|| f[0].to_string())
            });
            assert_eq!(name, listed.unwrap_or_else(|| format!("uid{uid}")));
        }
    }

    #[test]
    fn reopening_appends_and_keeps_old_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/dir/audit.jsonl");
        AuditLog::open(&path)
            .unwrap()
            .append(&sample().ok())
            .unwrap();
        AuditLog::open(&path)
            .unwrap()
            .append(&sample().error("HTTP 403: not allowed"))
            .unwrap();
        let back = read_all(&path).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[1].outcome, "error: HTTP 403: not allowed");
    }

    #[cfg(unix)]
    #[test]
    fn file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("logs/audit.jsonl");
        AuditLog::open(&path).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir.path().join("logs")), 0o700);
        // An existing world-readable file is tightened.
        let loose = dir.path().join("loose.jsonl");
        std::fs::write(&loose, "").unwrap();
        std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(0o644)).unwrap();
        AuditLog::open(&loose).unwrap();
        assert_eq!(mode(&loose), 0o600);
    }

    #[test]
    fn concurrent_writers_do_not_interleave() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let path = path.clone();
                std::thread::spawn(move || {
                    // Separate descriptors, as separate processes would have.
                    let log = AuditLog::open(&path).unwrap();
                    for i in 0..40 {
                        let e =
                            AuditEntry::new(&format!("acct-{t}"), "approve", vec![i.to_string()])
                                .with_detail("x".repeat(3000 + t * 100))
                                .ok();
                        log.append(&e).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let back = read_all(&path).unwrap();
        assert_eq!(back.len(), 8 * 40);
        for t in 0..8 {
            let ids: Vec<String> = back
                .iter()
                .filter(|e| e.account == format!("acct-{t}"))
                .map(|e| e.ids[0].clone())
                .collect();
            let want: Vec<String> = (0..40).map(|i: i32| i.to_string()).collect();
            assert_eq!(ids, want, "writer {t} lines in order and complete");
        }
    }

    #[test]
    fn read_all_names_the_bad_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let good = serde_json::to_string(&sample().ok()).unwrap();
        std::fs::write(&path, format!("{good}\n\n{{\"time\":\"x\"}}\n")).unwrap();
        let e = read_all(&path).unwrap_err();
        assert!(
            format!("{e:#}").contains(&format!("{}, line 3", path.display())),
            "{e:#}"
        );
        let e = read_all(&dir.path().join("missing.jsonl")).unwrap_err();
        assert!(format!("{e:#}").contains("missing.jsonl"), "{e:#}");
    }

    #[test]
    fn entry_has_only_the_documented_fields() {
        let v = serde_json::to_value(sample().ok()).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        let mut keys = keys;
        keys.sort();
        assert_eq!(
            keys,
            [
                "account", "action", "detail", "ids", "outcome", "reason", "time"
            ]
        );
    }
}
