//! Logging. (Temporary stub on main; the real module is on the config branch.)
use std::path::{Path, PathBuf};

pub struct Paths {
    pub config: Option<PathBuf>,
    pub log_dir: PathBuf,
    pub log_file: PathBuf,
    pub audit_file: PathBuf,
}
impl Paths {
    pub fn in_dir(dir: &Path) -> Paths {
        Paths {
            config: None,
            log_dir: dir.into(),
            log_file: dir.join("certdeck.log"),
            audit_file: dir.join("audit.jsonl"),
        }
    }
    pub fn platform() -> anyhow::Result<Paths> {
        Ok(Paths::in_dir(Path::new("/tmp")))
    }
}
pub fn init(_paths: &Paths) -> anyhow::Result<tracing_appender::non_blocking::WorkerGuard> {
    let (_w, g) = tracing_appender::non_blocking(std::io::sink());
    Ok(g)
}
