//! Secrets from the OS keyring, an environment variable or a command.
//!
//! Everything here is blocking and is meant to run before the screen is taken over (a
//! `password_command` such as `pass show …` may prompt on the terminal through gpg).
//!
//! The keyring is keyring-core with the Linux kernel keyutils store (service "certdeck",
//! user = account name). keyutils needs a session keyring; processes started without one
//! (cron, systemd services, containers, some SSH setups) join a fresh one first, which still
//! reaches keys stored from a login session through the per-user persistent keyring. With the
//! `secret-service` feature and a D-Bus session bus, the desktop Secret Service is used instead
//! (falling back to keyutils when it turns out to be unusable).
//!
//! No secret ever appears in a [`SecretError`], in a log line, or in Debug output: secrets
//! travel only as [`SecretString`], and a failing command's output is never shown.

use std::ffi::OsString;
use std::fmt;
use std::process::{Command, Stdio};

use secrecy::zeroize::Zeroize;
use secrecy::{ExposeSecret, SecretString};

use crate::config::{AccountConfig, SecretSource};

/// The keyring service name; the user is the account name.
pub const KEYRING_SERVICE: &str = "certdeck";

/// Why a secret could not be had. The messages name the account and what to do; they never
/// contain a secret or a command's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretError {
    /// `sh` could not be started.
    CommandSpawn { account: String, reason: String },
    /// The command ran but exited unsuccessfully (`status` as "exit status: 1" / "signal: 9").
    CommandFailed { account: String, status: String },
    /// The command succeeded but printed nothing (after trimming).
    CommandEmpty { account: String },
    /// The command printed bytes that are not UTF-8.
    CommandNotUtf8 { account: String },
    /// `password_env` names a variable that is not set.
    EnvMissing { account: String, var: String },
    /// `password_env` names a variable that is set but empty.
    EnvEmpty { account: String, var: String },
    /// `password_env` names a variable whose value is not valid Unicode.
    EnvNotUnicode { account: String, var: String },
    /// No keyring could be reached at all.
    KeyringUnreachable { account: String, reason: String },
    /// The keyring works but holds no secret for this account.
    KeyringNoEntry { account: String },
    /// Any other keyring failure.
    Keyring { account: String, reason: String },
    /// An empty secret was offered to [`store`].
    EmptySecret { account: String },
}

const ALTERNATIVES: &str = "set password_env = \"VAR\" (an environment variable holding the \
     secret) or password_command = \"…\" (a command printing it, e.g. \"pass show certdeck/NAME\") \
     in the account's [[accounts]] section of the config";

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretError::CommandSpawn { account, reason } => write!(
                f,
                "account {account:?}: could not run its password_command with sh: {reason}"
            ),
            SecretError::CommandFailed { account, status } => write!(
                f,
                "account {account:?}: password_command failed ({status}); its output is not \
                 shown — run the command yourself to see what went wrong"
            ),
            SecretError::CommandEmpty { account } => write!(
                f,
                "account {account:?}: password_command succeeded but printed nothing on stdout"
            ),
            SecretError::CommandNotUtf8 { account } => write!(
                f,
                "account {account:?}: password_command printed something that is not UTF-8 text"
            ),
            SecretError::EnvMissing { account, var } => write!(
                f,
                "account {account:?}: environment variable {var} (password_env) is not set"
            ),
            SecretError::EnvEmpty { account, var } => write!(
                f,
                "account {account:?}: environment variable {var} (password_env) is empty"
            ),
            SecretError::EnvNotUnicode { account, var } => write!(
                f,
                "account {account:?}: environment variable {var} (password_env) is not valid \
                 Unicode"
            ),
            SecretError::KeyringUnreachable { account, reason } => write!(
                f,
                "account {account:?}: no keyring is reachable ({reason}); instead, \
                 {ALTERNATIVES}"
            ),
            SecretError::KeyringNoEntry { account } => write!(
                f,
                "account {account:?}: no secret is stored in the keyring (service \
                 \"{KEYRING_SERVICE}\", user {account:?}); run `certdeck secret set {account}`, \
                 or {ALTERNATIVES}"
            ),
            SecretError::Keyring { account, reason } => {
                write!(f, "account {account:?}: keyring error: {reason}")
            }
            SecretError::EmptySecret { account } => {
                write!(f, "account {account:?}: refusing to store an empty secret")
            }
        }
    }
}

impl std::error::Error for SecretError {}

/// Get the account's secret from where its config says. Blocking; call it before the screen
/// is taken over (the command may prompt on the terminal).
pub fn resolve(account: &AccountConfig) -> Result<SecretString, SecretError> {
    match &account.secret {
        SecretSource::Command(cmd) => from_command(&account.name, cmd),
        SecretSource::Env(var) => from_env(&account.name, var, |v| std::env::var_os(v)),
        SecretSource::Keyring => keyring::get(&account.name),
    }
}

/// Store a secret in the keyring for `certdeck secret set NAME`.
pub fn store(account_name: &str, secret: &SecretString) -> Result<(), SecretError> {
    if secret.expose_secret().is_empty() {
        return Err(SecretError::EmptySecret {
            account: account_name.to_string(),
        });
    }
    keyring::set(account_name, secret)
}

/// Remove the account's secret from the keyring. `Ok(false)` when there was none.
pub fn delete(account_name: &str) -> Result<bool, SecretError> {
    keyring::delete(account_name)
}

/// Read a secret from the terminal without echo. Refuses an empty value.
pub fn prompt_secret(prompt: &str) -> anyhow::Result<SecretString> {
    let mut value = rpassword::prompt_password(prompt)
        .map_err(|e| anyhow::anyhow!("cannot read a secret from the terminal: {e}"))?;
    let stripped = value.trim_end_matches(['\r', '\n']);
    if stripped.is_empty() {
        value.zeroize();
        anyhow::bail!("no secret entered; nothing stored");
    }
    let secret = SecretString::from(stripped.to_string());
    value.zeroize();
    Ok(secret)
}

fn from_command(account: &str, cmd: &str) -> Result<SecretString, SecretError> {
    let output = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::inherit())
        .stderr(Stdio::inherit())
        .stdout(Stdio::piped())
        .output()
        .map_err(|e| SecretError::CommandSpawn {
            account: account.to_string(),
            reason: e.to_string(),
        })?;
    let mut stdout = output.stdout;
    if !output.status.success() {
        stdout.zeroize();
        return Err(SecretError::CommandFailed {
            account: account.to_string(),
            status: output.status.to_string(),
        });
    }
    let mut text = match String::from_utf8(stdout) {
        Ok(t) => t,
        Err(e) => {
            e.into_bytes().zeroize();
            return Err(SecretError::CommandNotUtf8 {
                account: account.to_string(),
            });
        }
    };
    let trimmed = text.trim();
    if trimmed.is_empty() {
        text.zeroize();
        return Err(SecretError::CommandEmpty {
            account: account.to_string(),
        });
    }
    let secret = SecretString::from(trimmed.to_string());
    text.zeroize();
    Ok(secret)
}

fn from_env(
    account: &str,
    var: &str,
    lookup: impl Fn(&str) -> Option<OsString>,
) -> Result<SecretString, SecretError> {
    let err_fields = || (account.to_string(), var.to_string());
    match lookup(var) {
        None => {
            let (account, var) = err_fields();
            Err(SecretError::EnvMissing { account, var })
        }
        Some(v) if v.is_empty() => {
            let (account, var) = err_fields();
            Err(SecretError::EnvEmpty { account, var })
        }
        Some(v) => match v.into_string() {
            Ok(s) => Ok(SecretString::from(s)),
            Err(raw) => {
                #[cfg(unix)]
                std::os::unix::ffi::OsStringExt::into_vec(raw).zeroize();
                #[cfg(not(unix))]
                drop(raw);
                let (account, var) = err_fields();
                Err(SecretError::EnvNotUnicode { account, var })
            }
        },
    }
}

#[cfg(target_os = "linux")]
mod keyring {
    //! keyring-core glue. One process-wide lock: the stores are not safe for concurrent
    //! access to one credential, and joining a session keyring must happen once.

    use std::sync::Mutex;

    use keyring_core::{Entry, Error as KError};
    use secrecy::{ExposeSecret, SecretString};

    use super::{KEYRING_SERVICE, SecretError};

    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    enum Backend {
        Keyutils,
        #[cfg(feature = "secret-service")]
        SecretService,
    }

    struct State {
        backend: Option<Backend>,
        /// Whether this process has joined a fresh session keyring.
        joined: bool,
        /// Why joining failed, if it did.
        join_error: Option<String>,
    }

    static STATE: Mutex<State> = Mutex::new(State {
        backend: None,
        joined: false,
        join_error: None,
    });

    pub(super) fn get(account: &str) -> Result<SecretString, SecretError> {
        run(account, |e| e.get_password()).map(SecretString::from)
    }

    pub(super) fn set(account: &str, secret: &SecretString) -> Result<(), SecretError> {
        run(account, |e| e.set_password(secret.expose_secret()))
    }

    pub(super) fn delete(account: &str) -> Result<bool, SecretError> {
        match run(account, |e| e.delete_credential()) {
            Ok(()) => Ok(true),
            Err(SecretError::KeyringNoEntry { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    fn run<T>(
        account: &str,
        op: impl Fn(&Entry) -> keyring_core::Result<T>,
    ) -> Result<T, SecretError> {
        let mut st = STATE.lock().unwrap_or_else(|p| p.into_inner());
        let backend = match st.backend {
            Some(b) => b,
            None => {
                let b = choose_backend();
                st.backend = Some(b);
                b
            }
        };
        if backend == Backend::Keyutils && !st.joined && !has_own_session_keyring() {
            join_session(&mut st);
        }
        let attempt = || Entry::new(KEYRING_SERVICE, account).and_then(|e| op(&e));
        let mut result = attempt();

        #[cfg(feature = "secret-service")]
        if backend == Backend::SecretService
            && matches!(
                result,
                Err(KError::PlatformFailure(_) | KError::NoStorageAccess(_))
            )
        {
            tracing::warn!(
                "Secret Service unusable; falling back to the kernel keyring (keyutils)"
            );
            install_keyutils();
            st.backend = Some(Backend::Keyutils);
            if !st.joined && !has_own_session_keyring() {
                join_session(&mut st);
            }
            result = attempt();
        }

        if matches!(result, Err(KError::NoStorageAccess(_))) && !st.joined {
            join_session(&mut st);
            if st.joined {
                result = attempt();
            }
        }
        result.map_err(|e| describe(account, e, &st))
    }

    fn describe(account: &str, e: KError, st: &State) -> SecretError {
        let account = account.to_string();
        match e {
            KError::NoEntry => SecretError::KeyringNoEntry { account },
            KError::NoStorageAccess(err) => {
                let mut reason = format!("the kernel keyring refused access ({err})");
                if let Some(j) = &st.join_error {
                    reason.push_str(&format!("; joining a new session keyring failed: {j}"));
                } else if st.joined {
                    reason.push_str(" even after joining a new session keyring");
                }
                reason.push_str(
                    "; this happens under cron, in containers whose seccomp profile blocks \
                     keyctl, and in some SSH setups",
                );
                SecretError::KeyringUnreachable { account, reason }
            }
            KError::NoDefaultStore => SecretError::KeyringUnreachable {
                account,
                reason: "no keyring store could be set up".into(),
            },
            // Never use Display/Debug of variants that carry secret bytes.
            KError::BadEncoding(_) => SecretError::Keyring {
                account,
                reason: "the stored secret is not valid UTF-8".into(),
            },
            KError::BadDataFormat(_, _) => SecretError::Keyring {
                account,
                reason: "the stored secret is malformed".into(),
            },
            KError::Ambiguous(items) => SecretError::Keyring {
                account,
                reason: format!("{} matching credentials found", items.len()),
            },
            KError::PlatformFailure(err) => SecretError::Keyring {
                account,
                reason: format!("platform failure: {err}"),
            },
            other => SecretError::Keyring {
                account,
                reason: other.to_string(),
            },
        }
    }

    fn install_keyutils() {
        // `set_default_store` takes Arc<dyn CredentialStore>, hence the closure.
        let _ =
            linux_keyutils_keyring_store::Store::new().map(|s| keyring_core::set_default_store(s));
    }

    fn choose_backend() -> Backend {
        #[cfg(feature = "secret-service")]
        if session_bus_present() {
            match zbus_secret_service_keyring_store::Store::new() {
                Ok(s) => {
                    keyring_core::set_default_store(s);
                    return Backend::SecretService;
                }
                Err(e) => tracing::warn!("Secret Service store not available: {e}"),
            }
        }
        install_keyutils();
        Backend::Keyutils
    }

    #[cfg(feature = "secret-service")]
    fn session_bus_present() -> bool {
        if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|v| !v.is_empty()) {
            return true;
        }
        std::env::var_os("XDG_RUNTIME_DIR")
            .map(|d| std::path::Path::new(&d).join("bus").exists())
            .unwrap_or(false)
    }

    const KEYCTL_JOIN_SESSION_KEYRING: libc::c_long = 1;
    const KEYCTL_DESCRIBE: libc::c_long = 6;
    const KEY_SPEC_SESSION_KEYRING: libc::c_long = -3;

    /// False when the process's session keyring is only the per-user default one
    /// (`_uid_ses.N`), i.e. nothing (pam_keyinit) gave it a session keyring of its own.
    fn has_own_session_keyring() -> bool {
        let mut buf = [0u8; 512];
        // SAFETY: KEYCTL_DESCRIBE writes at most `buf.len()` bytes into `buf`.
        let n = unsafe {
            libc::syscall(
                libc::SYS_keyctl,
                KEYCTL_DESCRIBE,
                KEY_SPEC_SESSION_KEYRING,
                buf.as_mut_ptr(),
                buf.len(),
            )
        };
        if n <= 0 {
            // Cannot tell; let the first operation decide.
            return true;
        }
        let len = (n as usize).min(buf.len());
        let text = String::from_utf8_lossy(&buf[..len]);
        let description = text.trim_end_matches('\0').rsplit(';').next().unwrap_or("");
        !description.starts_with("_uid_ses.")
    }

    fn join_session(st: &mut State) {
        // SAFETY: KEYCTL_JOIN_SESSION_KEYRING with a null name creates an anonymous session
        // keyring for this process; it takes no pointers we own.
        let r = unsafe {
            libc::syscall(
                libc::SYS_keyctl,
                KEYCTL_JOIN_SESSION_KEYRING,
                std::ptr::null::<libc::c_char>(),
            )
        };
        if r < 0 {
            let err = std::io::Error::last_os_error();
            tracing::warn!("joining a session keyring failed: {err}");
            st.join_error = Some(err.to_string());
        } else {
            tracing::info!("joined a new session keyring");
            st.joined = true;
            st.join_error = None;
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod keyring {
    use secrecy::SecretString;

    use super::SecretError;

    fn unreachable(account: &str) -> SecretError {
        SecretError::KeyringUnreachable {
            account: account.to_string(),
            reason: "this build has no keyring store for this operating system".into(),
        }
    }

    pub(super) fn get(account: &str) -> Result<SecretString, SecretError> {
        Err(unreachable(account))
    }

    pub(super) fn set(account: &str, _secret: &SecretString) -> Result<(), SecretError> {
        Err(unreachable(account))
    }

    pub(super) fn delete(account: &str) -> Result<bool, SecretError> {
        Err(unreachable(account))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ProviderKind;

    fn account(secret: SecretSource) -> AccountConfig {
        AccountConfig {
            name: "corp-scm".into(),
            kind: ProviderKind::Sectigo,
            url: "https://h".into(),
            read_only: false,
            secret,
            keys: crate::provider::registry::ProviderKeys::Planned { login: None },
            concurrency: 8,
            page_size: 200,
            timeout_secs: 30,
            tls: Default::default(),
        }
    }

    #[test]
    fn command_output_is_trimmed() {
        let s = resolve(&account(SecretSource::Command(
            "printf ' s3cret \\n'".into(),
        )))
        .unwrap();
        assert_eq!(s.expose_secret(), "s3cret");
    }

    #[test]
    fn failing_command_names_account_and_status_but_not_output() {
        let e = resolve(&account(SecretSource::Command(
            "printf 'leaked-output'; exit 3".into(),
        )))
        .unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("\"corp-scm\""), "{msg}");
        assert!(msg.contains("exit status: 3"), "{msg}");
        assert!(!msg.contains("leaked-output"), "{msg}");
        assert!(!format!("{e:?}").contains("leaked-output"));
    }

    #[test]
    fn empty_command_output_is_an_error() {
        let e = resolve(&account(SecretSource::Command("printf '  \\n'".into()))).unwrap_err();
        assert_eq!(
            e,
            SecretError::CommandEmpty {
                account: "corp-scm".into()
            }
        );
    }

    #[test]
    fn non_utf8_command_output_is_an_error() {
        let e = resolve(&account(SecretSource::Command(
            "printf '\\377\\376'".into(),
        )))
        .unwrap_err();
        assert!(matches!(e, SecretError::CommandNotUtf8 { .. }), "{e}");
    }

    #[test]
    fn command_that_is_killed_reports_the_signal() {
        let e = resolve(&account(SecretSource::Command("kill -9 $$".into()))).unwrap_err();
        assert!(e.to_string().contains("signal: 9"), "{e}");
    }

    #[test]
    fn env_source_reads_the_real_environment() {
        let path = std::env::var("PATH").expect("PATH is set in the test environment");
        let s = resolve(&account(SecretSource::Env("PATH".into()))).unwrap();
        assert_eq!(s.expose_secret(), path);
    }

    #[test]
    fn missing_env_var_is_named() {
        let var = "CERTDECK_TEST_VARIABLE_THAT_IS_NEVER_SET_7f3a";
        let e = resolve(&account(SecretSource::Env(var.into()))).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("account \"corp-scm\": environment variable {var} (password_env) is not set")
        );
    }

    #[test]
    fn empty_and_non_unicode_env_values_are_errors() {
        let e = from_env("a", "V", |_| Some(OsString::new())).unwrap_err();
        assert_eq!(
            e.to_string(),
            "account \"a\": environment variable V (password_env) is empty"
        );
        use std::os::unix::ffi::OsStringExt;
        let e = from_env("a", "V", |_| Some(OsString::from_vec(vec![0xff, 0x41]))).unwrap_err();
        assert!(matches!(e, SecretError::EnvNotUnicode { .. }));
        let s = from_env("a", "V", |v| {
            assert_eq!(v, "V");
            Some(" keep spaces ".into())
        })
        .unwrap();
        assert_eq!(s.expose_secret(), " keep spaces ");
    }

    #[test]
    fn debug_of_a_resolved_secret_does_not_reveal_it() {
        let s = resolve(&account(SecretSource::Command("echo hunter2-xyz".into()))).unwrap();
        assert_eq!(s.expose_secret(), "hunter2-xyz");
        let dbg = format!("{s:?}");
        assert!(!dbg.contains("hunter2"), "{dbg}");
        let wrapped = format!("{:?}", Some(&s));
        assert!(!wrapped.contains("hunter2"), "{wrapped}");
    }

    #[test]
    fn keyring_messages_name_the_alternatives() {
        let e = SecretError::KeyringUnreachable {
            account: "a".into(),
            reason: "r".into(),
        };
        let m = e.to_string();
        assert!(m.contains("no keyring is reachable (r)"), "{m}");
        assert!(m.contains("password_env = \"VAR\""), "{m}");
        assert!(m.contains("password_command = \""), "{m}");
        let m = SecretError::KeyringNoEntry {
            account: "a".into(),
        }
        .to_string();
        assert!(m.contains("no secret is stored"), "{m}");
        assert!(m.contains("certdeck secret set a"), "{m}");
        assert!(m.contains("password_command"), "{m}");
    }

    #[test]
    fn store_refuses_an_empty_secret() {
        let e = store("a", &SecretString::from(String::new())).unwrap_err();
        assert_eq!(
            e,
            SecretError::EmptySecret {
                account: "a".into()
            }
        );
    }

    /// A real round trip through the kernel keyring (joins a session keyring when the test
    /// process has none). Where keyutils is blocked entirely (e.g. a container's seccomp
    /// profile), the test checks that the error is the documented "unreachable" one instead.
    #[cfg(target_os = "linux")]
    #[test]
    fn keyring_round_trip() {
        let name = format!("certdeck-unit-test-{}", std::process::id());
        let acc = AccountConfig {
            name: name.clone(),
            ..account(SecretSource::Keyring)
        };
        match store(&name, &SecretString::from("kr-s3cret".to_string())) {
            Ok(()) => {
                let got = resolve(&acc).unwrap();
                assert_eq!(got.expose_secret(), "kr-s3cret");
                assert!(delete(&name).unwrap());
                assert!(!delete(&name).unwrap());
                let e = resolve(&acc).unwrap_err();
                assert_eq!(e, SecretError::KeyringNoEntry { account: name });
            }
            Err(e @ SecretError::KeyringUnreachable { .. }) => {
                eprintln!("keyutils not usable here: {e}");
                assert!(e.to_string().contains("password_command"));
            }
            Err(e) => panic!("unexpected keyring error: {e}"),
        }
    }
}
