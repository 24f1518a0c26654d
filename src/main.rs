//! certdeck: command line. Loads config and secrets before the screen is taken over, then
//! hands off to the console (or runs a one-shot command).

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use secrecy::SecretString;

use certdeck::app::{KeyMap, State};
use certdeck::config::{Config, SecretSource};
use certdeck::demo::Demo;
use certdeck::emulator::sectigo::{SectigoEmulator, SectigoOptions};
use certdeck::logging::{self, Paths};
use certdeck::{secrets, session, tui, ui, worker};

#[derive(Parser, Debug)]
#[command(
    name = "certdeck",
    version,
    about = "A full-screen terminal console for certificates in Sectigo Certificate Manager, Synology, IIS, NAVER Cloud and Yeastar",
    long_about = "A full-screen terminal console for certificates in Sectigo Certificate Manager, \
Synology, IIS, NAVER Cloud and Yeastar.\n\n\
Without a subcommand it opens the console for the accounts in the config file \
(~/.config/certdeck/config.toml on Linux, or --config). Secrets come from the OS keyring \
(`certdeck secret set ACCOUNT`), an environment variable or a command named in the config — \
never from the command line.\n\n\
Try it without any account: certdeck --demo",
    after_help = "Press ? inside the console for the keys."
)]
struct Cli {
    /// Config file to use instead of the platform default.
    #[arg(long, value_name = "PATH", global = true)]
    config: Option<PathBuf>,

    /// Open the console on built-in demo data (a local Sectigo emulator; nothing is written
    /// outside a temp dir).
    #[arg(long, conflicts_with = "config")]
    demo: bool,

    /// Refuse every mutating action, whatever the config says.
    #[arg(long)]
    read_only: bool,

    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Manage account secrets in the OS keyring.
    Secret {
        #[command(subcommand)]
        action: SecretCmd,
    },
    /// Run the provider emulators without the console; once their data is seeded, print their
    /// URLs and credentials and serve until Ctrl-C (for curl or other tools).
    Emulator {
        /// Number of SSL certificates to seed (plus a quarter as many S/MIME and a fifth as
        /// many device certificates).
        #[arg(long, default_value_t = 2000)]
        count: usize,
        /// Added latency per request, in milliseconds.
        #[arg(long, default_value_t = 30)]
        latency_ms: u64,
    },
    /// Print the config, log and audit file paths.
    Info,
}

#[derive(Subcommand, Debug)]
enum SecretCmd {
    /// Store the secret (password, API key) of ACCOUNT in the OS keyring; prompts without echo.
    Set {
        /// The account name, as in the config file.
        account: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("certdeck: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Not eprintln!: it panics when stderr is gone (a closed SSH session).
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "certdeck: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// The config to use: --config (must exist), else the platform default if it exists, else none.
fn load_config(cli: &Cli) -> anyhow::Result<Config> {
    if let Some(path) = &cli.config {
        return Config::load(path);
    }
    match Config::default_path() {
        Some(p) if p.exists() => Config::load(&p),
        _ => Ok(Config::default()),
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Some(Cmd::Info) => info(&cli),
        Some(Cmd::Secret {
            action: SecretCmd::Set { account },
        }) => secret_set(&cli, account),
        Some(Cmd::Emulator { count, latency_ms }) => emulator(*count, *latency_ms).await,
        None if cli.demo => {
            let demo = Demo::start(SectigoOptions::default()).await?;
            let paths = Paths::in_dir(&demo.dir());
            let mut config = demo.config.clone();
            config.read_only |= cli.read_only;
            let note = format!(
                "demo: a local Sectigo emulator; config, log and audit log in {} (L shows the audit log)",
                demo.dir().display()
            );
            console(config, &paths, &demo.secrets, Some(note)).await
        }
        None => {
            let mut config = load_config(&cli)?;
            config.read_only |= cli.read_only;
            let paths = Paths::discover()?;
            // With no accounts the list pane says where the config file goes.
            console(config, &paths, &HashMap::new(), None).await
        }
    }
}

async fn console(
    config: Config,
    paths: &Paths,
    given: &HashMap<String, SecretString>,
    note: Option<String>,
) -> anyhow::Result<()> {
    // Everything that can fail or prompt happens before the screen is taken over.
    let keymap = KeyMap::with_overrides(&config.ui.keys).map_err(|e| {
        let file = config
            .path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "config".into());
        let at = config
            .ui
            .key_positions
            .get(&e.action)
            .map(|(line, col)| format!(", line {line}, column {col}"))
            .unwrap_or_default();
        anyhow::anyhow!(
            "config error in {file}{at}, key ui.keys.{}: {}",
            e.action,
            e.message
        )
    })?;
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        anyhow::bail!(
            "the console needs a terminal (stdin and stdout are not both a TTY); in scripts \
             use `certdeck info`, and in cron or CI there is nothing to show"
        );
    }
    let _guard = logging::init(paths)?;
    // Every mutation is audited; without the log the console would have to refuse them all.
    let audit = certdeck::audit::AuditLog::open(&paths.audit_file)?;
    tracing::info!(accounts = config.accounts.len(), "starting console");
    let prepared = tokio::task::block_in_place(|| session::prepare(&config, given));
    let (views, slots): (Vec<_>, Vec<_>) = prepared.into_iter().map(|p| (p.view, p.slot)).unzip();
    let (cmd_tx, evt_rx) = worker::spawn(slots, Some(audit));
    let mut state = State::new(views, keymap, tui::now(), (80, 24))
        .with_config_path(config.path.clone().or_else(Config::default_path));
    state.no_color = ui::theme::no_color_from_env();
    state.read_only = config.read_only;
    state.measure = ui::measure;
    if let Some(note) = note {
        state.notify(note, certdeck::app::Severity::Info);
    }
    let result = tui::run(state, cmd_tx, evt_rx).await;
    tracing::info!("console closed");
    result
}

fn info(cli: &Cli) -> anyhow::Result<()> {
    let paths = Paths::discover()?;
    let config = cli.config.clone().or_else(Config::default_path);
    match config {
        Some(p) => println!(
            "config: {}{}",
            p.display(),
            if p.exists() { "" } else { " (not present)" }
        ),
        None => println!("config: (no platform config dir)"),
    }
    println!("log:    {}", paths.log_file.display());
    println!("audit:  {}", paths.audit_file.display());
    Ok(())
}

fn secret_set(cli: &Cli, account: &str) -> anyhow::Result<()> {
    let config = load_config(cli)?;
    if !config.accounts.iter().any(|a| a.name == account) {
        let names: Vec<&str> = config.accounts.iter().map(|a| a.name.as_str()).collect();
        let file = config
            .path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "the config".into());
        if names.is_empty() {
            bail!("no account named {account:?}: {file} has no accounts");
        }
        bail!(
            "no account named {account:?} in {file} (accounts: {})",
            names.join(", ")
        );
    }
    if let Some(acc) = config.accounts.iter().find(|a| a.name == account) {
        if let Some(why) = acc.keys.no_secret() {
            bail!("account {account:?} {why}; nothing to store");
        }
        match &acc.secret {
            SecretSource::Env(var) => bail!(
                "account {account:?} takes its secret from the environment variable {var} \
                 (password_env), not the keyring; remove password_env to use the keyring"
            ),
            SecretSource::Command(_) => bail!(
                "account {account:?} takes its secret from password_command, not the keyring; \
                 remove password_command to use the keyring"
            ),
            SecretSource::Keyring => {}
        }
    }
    let secret = secrets::prompt_secret(&format!("Secret for {account}: "))?;
    secrets::store(account, &secret)
        .with_context(|| format!("storing the secret of {account} in the keyring"))?;
    println!("stored the secret of {account} in the keyring");
    Ok(())
}

async fn emulator(count: usize, latency_ms: u64) -> anyhow::Result<()> {
    let opts = SectigoOptions {
        ssl_count: count,
        latency: Duration::from_millis(latency_ms),
        ..SectigoOptions::default()
    };
    let (ssl, smime, device) = opts.certificate_counts();
    let began = std::time::Instant::now();
    let scm = SectigoEmulator::launch(opts).await?;
    // URL and credentials only once the data is there, so scripts can wait for them.
    println!(
        "Sectigo Certificate Manager emulator: seeding {ssl} SSL, {smime} S/MIME and {device} device certificates…"
    );
    let seeded = tokio::select! {
        r = scm.ready() => Some(r),
        r = tokio::signal::ctrl_c() => {
            r.context("waiting for Ctrl-C")?;
            None
        }
    };
    match seeded {
        Some(r) => r?,
        None => {
            scm.shutdown().await;
            return Ok(());
        }
    }
    println!("ready in {:.1} s", began.elapsed().as_secs_f64());
    println!("  url:         {}", scm.base_url);
    println!("  login:       {}", scm.login);
    println!("  password:    {}", scm.password);
    println!("  customerUri: {}", scm.customer_uri);
    println!(
        "  try:         curl -s -H 'login: {}' -H 'password: {}' -H 'customerUri: {}' '{}/api/ssl/v1?size=5'",
        scm.login, scm.password, scm.customer_uri, scm.base_url
    );
    println!("serving until Ctrl-C");
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    scm.shutdown().await;
    Ok(())
}
