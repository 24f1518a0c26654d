//! Writing files the user asked for (private keys, downloaded certificates) safely:
//!
//! - never over an existing file (`O_EXCL`; an existing symlink counts as existing),
//! - never into a folder that does not exist (a typo should not create directories),
//! - the mode is set when the file is created (0600 for keys, so a key is never readable by
//!   others, not even for a moment) and then made exact (the umask cannot widen or narrow it),
//! - written fully and fsync'd (the file, then its folder) before success is reported,
//! - on any failure the partial file is removed: there are no half-written files.
//!
//! Every error names the path.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Mode for private keys.
pub const KEY_MODE: u32 = 0o600;
/// Mode for certificates and other public material.
pub const CERT_MODE: u32 = 0o644;

/// `~/…` → the home directory, a relative path → under the current directory; an absolute
/// path is returned as is. Blank input is an error.
pub fn expand_path(p: impl AsRef<Path>) -> io::Result<PathBuf> {
    let p = p.as_ref();
    let text = p.to_string_lossy();
    if text.trim().is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "no file name given",
        ));
    }
    if text == "~" || text.starts_with("~/") {
        let home = home_dir().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!(
                    "cannot expand {}: the home directory is not known (HOME is not set)",
                    p.display()
                ),
            )
        })?;
        let rest = text.strip_prefix('~').unwrap_or("").trim_start_matches('/');
        return Ok(if rest.is_empty() {
            home
        } else {
            home.join(rest)
        });
    }
    if p.is_absolute() {
        return Ok(p.to_path_buf());
    }
    // "./name" and "name" are the same file; drop the "." parts so messages read cleanly.
    let p: PathBuf = p
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect();
    let p = p.as_path();
    let cwd = std::env::current_dir().map_err(|e| {
        io::Error::new(
            e.kind(),
            format!(
                "cannot resolve the relative path {}: the current directory is unknown ({e})",
                p.display()
            ),
        )
    })?;
    Ok(cwd.join(p))
}

fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .or_else(|| directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf()))
}

/// The folder a new file goes into (`.` for a bare file name).
fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Checks, without creating anything, that `path` could be written by [`write_new_file`]:
/// its folder exists and nothing is at `path` yet. Used to fail fast before slow work (key
/// generation, a download); `write_new_file` checks again atomically.
pub fn check_new_path(path: &Path) -> io::Result<()> {
    if path.file_name().is_none() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not a file name", path.display()),
        ));
    }
    let parent = parent_of(path);
    match fs::metadata(parent) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(io::Error::new(
                io::ErrorKind::NotADirectory,
                format!(
                    "cannot write {}: {} is not a folder",
                    path.display(),
                    parent.display()
                ),
            ));
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!(
                    "cannot write {}: the folder {} does not exist",
                    path.display(),
                    parent.display()
                ),
            ));
        }
        Err(e) => {
            return Err(io::Error::new(
                e.kind(),
                format!(
                    "cannot write {}: cannot read the folder {} ({e})",
                    path.display(),
                    parent.display()
                ),
            ));
        }
    }
    // symlink_metadata: a dangling symlink is "something there" too.
    match fs::symlink_metadata(path) {
        Ok(_) => Err(already_exists(path)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io::Error::new(
            e.kind(),
            format!("cannot write {}: {e}", path.display()),
        )),
    }
}

fn already_exists(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!(
            "{} already exists; choose another name (certdeck never overwrites files)",
            path.display()
        ),
    )
}

/// Creates `path` (which must not exist, in a folder that must exist) with `mode`, writes all
/// of `bytes`, fsyncs the file and its folder. On failure nothing is left behind.
pub fn write_new_file(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    create_new_with(path, mode, |file| {
        file.write_all(bytes)?;
        file.sync_all()
    })
}

/// The machinery of [`write_new_file`], with the writing step given as a closure (tests make
/// it fail half-way).
fn create_new_with(
    path: &Path,
    mode: u32,
    body: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    check_new_path(path)?;
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // The initial mode is already restrictive; the umask can only remove bits.
        opts.mode(mode & 0o777);
    }
    let mut file = match opts.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Err(already_exists(path)),
        Err(e) => {
            return Err(io::Error::new(
                e.kind(),
                format!("cannot create {}: {e}", path.display()),
            ));
        }
    };
    let written = exact_mode(&file, mode).and_then(|()| body(&mut file));
    if let Err(e) = written {
        drop(file);
        let cleanup = fs::remove_file(path);
        let note = match cleanup {
            Ok(()) => String::new(),
            Err(r) => format!("; the partial file could not be removed either ({r})"),
        };
        return Err(io::Error::new(
            e.kind(),
            format!("cannot write {}: {e}{note}", path.display()),
        ));
    }
    drop(file);
    // Make the new directory entry durable too; a failure here does not undo the write.
    if let Ok(dir) = File::open(parent_of(path)) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// The umask may have removed bits from the creation mode; set exactly what was asked.
fn exact_mode(file: &File, mode: u32) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(mode & 0o777))
    }
    #[cfg(not(unix))]
    {
        let _ = (file, mode);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn mode_of(p: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn writes_a_new_file_with_the_mode() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("a.key");
        write_new_file(&key, b"secret", KEY_MODE).unwrap();
        assert_eq!(fs::read(&key).unwrap(), b"secret");
        let cert = dir.path().join("a.pem");
        write_new_file(&cert, b"cert", CERT_MODE).unwrap();
        #[cfg(unix)]
        {
            assert_eq!(mode_of(&key), 0o600);
            assert_eq!(mode_of(&cert), 0o644);
        }
    }

    #[test]
    fn never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.pem");
        fs::write(&p, b"old").unwrap();
        let e = write_new_file(&p, b"new", CERT_MODE).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        let msg = e.to_string();
        assert!(msg.contains(&p.display().to_string()), "{msg}");
        assert!(msg.contains("already exists; choose another name"), "{msg}");
        assert_eq!(fs::read(&p).unwrap(), b"old");
    }

    #[cfg(unix)]
    #[test]
    fn a_dangling_symlink_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere.key");
        let link = dir.path().join("link.key");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let e = write_new_file(&link, b"k", KEY_MODE).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert!(!target.exists());
    }

    #[test]
    fn a_missing_folder_is_refused_not_created() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("no/such/dir/x.pem");
        let e = write_new_file(&p, b"x", CERT_MODE).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        assert!(e.to_string().contains("does not exist"), "{e}");
        assert!(e.to_string().contains("x.pem"), "{e}");
        assert!(!dir.path().join("no").exists());
        // A file where the folder should be.
        let f = dir.path().join("file");
        fs::write(&f, b"").unwrap();
        let e = write_new_file(&f.join("x.pem"), b"x", CERT_MODE).unwrap_err();
        assert!(e.to_string().contains("is not a folder"), "{e}");
    }

    #[test]
    fn a_failed_write_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.key");
        let e = create_new_with(&p, KEY_MODE, |f| {
            f.write_all(b"-----BEGIN PRIVATE KEY-----\nhalf")?;
            Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"))
        })
        .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::StorageFull);
        let msg = e.to_string();
        assert!(msg.contains("x.key") && msg.contains("disk full"), "{msg}");
        assert!(!p.exists(), "the partial file is removed");
        // And the name is free again.
        write_new_file(&p, b"whole", KEY_MODE).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"whole");
    }

    #[test]
    fn expands_home_and_relative_paths() {
        let abs = if cfg!(windows) {
            "C:\\x\\y.pem"
        } else {
            "/x/y.pem"
        };
        assert_eq!(expand_path(abs).unwrap(), PathBuf::from(abs));
        let rel = expand_path("certs/y.pem").unwrap();
        assert!(rel.is_absolute());
        assert!(rel.ends_with("certs/y.pem"));
        assert_eq!(rel, std::env::current_dir().unwrap().join("certs/y.pem"));
        if let Some(home) = home_dir() {
            assert_eq!(expand_path("~/k.key").unwrap(), home.join("k.key"));
            assert_eq!(expand_path("~").unwrap(), home);
        }
        assert!(expand_path("  ").is_err());
        // `~user` is not expanded (taken literally, relative).
        assert!(expand_path("~bob/x").unwrap().ends_with("~bob/x"));
    }
}
