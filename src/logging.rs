//! Logging to a file with tracing; never to the terminal (the console owns the screen).
//!
//! The level comes from the `CERTDECK_LOG` environment variable (an `EnvFilter` directive such
//! as `debug` or `certdeck=debug,reqwest=info`); the default is `info`. Log lines never carry
//! secrets: callers log account names, operations and statuses, never credentials.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use tracing_subscriber::EnvFilter;

/// The environment variable holding the log filter.
pub const LOG_ENV: &str = "CERTDECK_LOG";
/// The log file is moved to `<name>.1` at start-up when it is larger than this.
pub const ROTATE_BYTES: u64 = 10 * 1024 * 1024;

const LOG_FILE_NAME: &str = "certdeck.log";
const AUDIT_FILE_NAME: &str = "audit.jsonl";

/// Where certdeck keeps its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// The default config file (`~/.config/certdeck/config.toml`); `None` if no home is known.
    pub config: Option<PathBuf>,
    /// Directory of the log and audit files (created 0700).
    pub log_dir: PathBuf,
    /// `log_dir/certdeck.log`.
    pub log_file: PathBuf,
    /// `log_dir/audit.jsonl` (see [`crate::audit`]).
    pub audit_file: PathBuf,
}

impl Paths {
    /// The platform locations: on Linux the state dir (`$XDG_STATE_HOME/certdeck`, usually
    /// `~/.local/state/certdeck`); where the platform has no state dir (macOS, Windows), the
    /// local data dir. Errors when no home directory can be determined.
    pub fn discover() -> anyhow::Result<Paths> {
        let dirs = directories::ProjectDirs::from("", "", "certdeck").context(
            "cannot determine the home directory (is $HOME set?), so there is no place for \
             the log and audit files",
        )?;
        let log_dir = dirs
            .state_dir()
            .unwrap_or_else(|| dirs.data_local_dir())
            .to_path_buf();
        Ok(Paths {
            config: Some(dirs.config_dir().join("config.toml")),
            ..Paths::files_in(log_dir)
        })
    }

    /// Everything under one directory (tests, demo mode): `dir/config.toml`,
    /// `dir/certdeck.log`, `dir/audit.jsonl`.
    pub fn in_dir(dir: &Path) -> Paths {
        Paths {
            config: Some(dir.join("config.toml")),
            ..Paths::files_in(dir.to_path_buf())
        }
    }

    fn files_in(log_dir: PathBuf) -> Paths {
        Paths {
            config: None,
            log_file: log_dir.join(LOG_FILE_NAME),
            audit_file: log_dir.join(AUDIT_FILE_NAME),
            log_dir,
        }
    }
}

/// Create `dir` (and missing parents) with mode 0700.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Open `path` for appending, creating it with mode 0600.
pub(crate) fn open_private_append(path: &Path) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    opts.open(path)
}

/// Send tracing output to `paths.log_file` (only there) for the rest of the process. Keep the
/// returned guard alive until exit: dropping it flushes the last lines.
///
/// Errors when the directory or file cannot be created, or when a global tracing subscriber
/// was already installed.
pub fn init(paths: &Paths) -> anyhow::Result<tracing_appender::non_blocking::WorkerGuard> {
    let (subscriber, guard, warning) = build(paths, std::env::var(LOG_ENV).ok())?;
    tracing::subscriber::set_global_default(subscriber)
        .context("a tracing subscriber is already installed")?;
    if let Some(w) = warning {
        tracing::warn!("{w}");
    }
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        log = %paths.log_file.display(),
        "certdeck starting"
    );
    Ok(guard)
}

type FileSubscriber = tracing_subscriber::fmt::Subscriber<
    tracing_subscriber::fmt::format::DefaultFields,
    tracing_subscriber::fmt::format::Format,
    EnvFilter,
    tracing_appender::non_blocking::NonBlocking,
>;

/// The subscriber `init` installs, plus a warning about a bad `CERTDECK_LOG` value.
fn build(
    paths: &Paths,
    filter_text: Option<String>,
) -> anyhow::Result<(
    FileSubscriber,
    tracing_appender::non_blocking::WorkerGuard,
    Option<String>,
)> {
    create_private_dir(&paths.log_dir)
        .with_context(|| format!("cannot create log directory {}", paths.log_dir.display()))?;
    rotate_if_large(&paths.log_file);
    let file = open_private_append(&paths.log_file)
        .with_context(|| format!("cannot open log file {}", paths.log_file.display()))?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    let (filter, warning) = filter_from(filter_text.as_deref());
    let subscriber = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .finish();
    Ok((subscriber, guard, warning))
}

fn filter_from(text: Option<&str>) -> (EnvFilter, Option<String>) {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => (EnvFilter::new("info"), None),
        Some(t) => match EnvFilter::try_new(t) {
            Ok(f) => (f, None),
            Err(e) => (
                EnvFilter::new("info"),
                Some(format!(
                    "{LOG_ENV}={t:?} is not a valid filter ({e}); using info"
                )),
            ),
        },
    }
}

fn rotate_if_large(file: &Path) {
    if let Ok(meta) = std::fs::metadata(file)
        && meta.len() > ROTATE_BYTES
    {
        let mut old = file.as_os_str().to_owned();
        old.push(".1");
        let _ = std::fs::rename(file, PathBuf::from(old));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(unix)]
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn in_dir_puts_everything_in_the_directory() {
        let p = Paths::in_dir(Path::new("/tmp/x"));
        assert_eq!(p.config.as_deref(), Some(Path::new("/tmp/x/config.toml")));
        assert_eq!(p.log_dir, Path::new("/tmp/x"));
        assert_eq!(p.log_file, Path::new("/tmp/x/certdeck.log"));
        assert_eq!(p.audit_file, Path::new("/tmp/x/audit.jsonl"));
    }

    #[test]
    fn discover_uses_a_certdeck_directory() {
        // HOME is set in the test environment, so this must succeed.
        let p = Paths::discover().unwrap();
        assert!(p.log_dir.ends_with("certdeck"), "{p:?}");
        assert_eq!(p.log_file, p.log_dir.join("certdeck.log"));
        assert!(p.config.unwrap().ends_with("certdeck/config.toml"));
    }

    #[test]
    fn log_lines_go_to_the_file_without_colour_and_respect_the_filter() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::in_dir(&dir.path().join("state/certdeck"));
        let (subscriber, guard, warning) = build(&paths, Some("warn".into())).unwrap();
        assert!(warning.is_none());
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!("not-shown-at-warn");
            tracing::warn!(account = "corp-scm", "hello-log");
        });
        drop(guard); // flush
        let text = std::fs::read_to_string(&paths.log_file).unwrap();
        assert!(text.contains("hello-log"), "{text}");
        assert!(text.contains("account=\"corp-scm\""), "{text}");
        assert!(!text.contains("not-shown-at-warn"), "{text}");
        assert!(!text.contains('\x1b'), "no ANSI escapes: {text:?}");
        #[cfg(unix)]
        {
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&paths.log_dir), 0o700);
            assert_eq!(mode(&dir.path().join("state")), 0o700);
            assert_eq!(mode(&paths.log_file), 0o600);
        }
    }

    #[test]
    fn bad_filter_falls_back_to_info_with_a_warning() {
        let (_, w) = filter_from(Some("certdeck=loud"));
        let w = w.unwrap();
        assert!(w.contains("CERTDECK_LOG=\"certdeck=loud\""), "{w}");
        assert!(filter_from(Some("  ")).1.is_none());
        assert!(filter_from(None).1.is_none());
    }

    #[test]
    fn large_log_is_rotated_and_existing_lines_are_kept_otherwise() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::in_dir(dir.path());
        std::fs::write(&paths.log_file, "old line\n").unwrap();
        let (subscriber, guard, _) = build(&paths, None).unwrap();
        tracing::subscriber::with_default(subscriber, || tracing::info!("new line"));
        drop(guard);
        let text = std::fs::read_to_string(&paths.log_file).unwrap();
        assert!(
            text.starts_with("old line\n") && text.contains("new line"),
            "{text}"
        );

        let big = vec![b'x'; ROTATE_BYTES as usize + 1];
        std::fs::write(&paths.log_file, &big).unwrap();
        let (_s, guard, _) = build(&paths, None).unwrap();
        drop(guard);
        assert_eq!(std::fs::metadata(&paths.log_file).unwrap().len(), 0);
        let rotated = dir.path().join("certdeck.log.1");
        assert_eq!(std::fs::metadata(rotated).unwrap().len(), big.len() as u64);
    }

    #[test]
    fn unwritable_log_dir_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a-file");
        std::fs::write(&file, "").unwrap();
        // A directory cannot be created below a regular file.
        let paths = Paths::in_dir(&file.join("sub"));
        let e = build(&paths, None).err().unwrap();
        assert!(
            format!("{e:#}").contains("cannot create log directory"),
            "{e:#}"
        );
        // `init` fails the same way, before touching the global subscriber.
        let e = init(&paths).err().unwrap();
        assert!(
            format!("{e:#}").contains(&file.display().to_string()),
            "{e:#}"
        );
    }
}
