use super::*;

fn err(text: &str) -> ConfigError {
    Config::from_str_named(text, "/home/a/.config/certdeck/config.toml").unwrap_err()
}

const GOOD: &str = r#"read_only = true

[ui.keys]
quit = "ctrl-q"

[[accounts]]
name = "corp-scm"
kind = "sectigo"
url = "https://cert-manager.com"
login = "api-user"
customer_uri = "example"
password_env = "CERTDECK_CORP_SCM_PASSWORD"

[[accounts]]
name = "nas"
kind = "synology"
url = "https://nas.example:5001"
password_command = "pass show certdeck/nas"
read_only = true
concurrency = 2
page_size = 50
timeout_secs = 10
"#;

#[test]
fn tls_trust_settings_parse_and_clash() {
    let base = GOOD.replace(
        "password_env = \"CERTDECK_CORP_SCM_PASSWORD\"\n",
        "password_env = \"CERTDECK_CORP_SCM_PASSWORD\"\nTLS\n",
    );
    let with = |tls: &str| base.replace("TLS", tls);
    let c = Config::from_str_named(&with("tls_pin_sha256 = \"AB:CD\""), "t").unwrap_err();
    let p = &c.problems[0];
    assert_eq!(p.key.as_deref(), Some("accounts[0].tls_pin_sha256"), "{c}");
    assert_eq!(p.line, Some(13), "{c}");
    assert!(p.message.contains("32"), "{c}");

    let pin = "ab".repeat(32);
    let c = Config::from_str_named(&with(&format!("tls_pin_sha256 = \"{pin}\"")), "t").unwrap();
    assert_eq!(c.accounts[0].tls, TlsSetting::Pin([0xab; 32]));
    let c = Config::from_str_named(&with("tls_skip_verify = true"), "t").unwrap();
    assert_eq!(c.accounts[0].tls, TlsSetting::SkipVerify);
    let c = Config::from_str_named(&with("tls_skip_verify = false"), "t").unwrap();
    assert_eq!(c.accounts[0].tls, TlsSetting::System);

    let e = Config::from_str_named(
        &with("tls_ca_file = \"ca.pem\"\ntls_skip_verify = true"),
        "t",
    )
    .unwrap_err();
    assert_eq!(e.problems.len(), 1, "{e}");
    assert!(
        e.problems[0]
            .message
            .contains("tls_ca_file and tls_skip_verify are both set"),
        "{e}"
    );
    assert_eq!(
        e.problems[0].key.as_deref(),
        Some("accounts[0].tls_skip_verify")
    );

    let e = Config::from_str_named(
        &with("tls_ca_file = \"ca.pem\"").replace("https://cert-manager.com", "http://scm.lan"),
        "t",
    )
    .unwrap_err();
    assert!(
        e.problems[0].message.contains("applies to https:// URLs"),
        "{e}"
    );
}

#[test]
fn a_relative_ca_file_is_found_next_to_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let text = GOOD.replace(
        "password_env = \"CERTDECK_CORP_SCM_PASSWORD\"\n",
        "password_env = \"CERTDECK_CORP_SCM_PASSWORD\"\ntls_ca_file = \"certs/corp-ca.pem\"\n",
    );
    std::fs::write(&path, text).unwrap();
    let c = Config::load(&path).unwrap();
    assert_eq!(
        c.accounts[0].tls,
        TlsSetting::CaFile(dir.path().join("certs/corp-ca.pem"))
    );
}

#[test]
fn good_config_parses_with_defaults() {
    let c = Config::from_str_named(GOOD, "t").unwrap();
    assert!(c.read_only);
    assert_eq!(c.ui.keys.get("quit").map(String::as_str), Some("ctrl-q"));
    assert_eq!(c.accounts.len(), 2);
    let a = &c.accounts[0];
    assert_eq!(a.name, "corp-scm");
    assert_eq!(a.kind, ProviderKind::Sectigo);
    let ProviderKeys::Sectigo(scm) = &a.keys else {
        panic!("{:?}", a.keys)
    };
    assert_eq!(scm.login, "api-user");
    assert_eq!(scm.customer_uri, "example");
    assert_eq!(scm.client_cert, None);
    assert_eq!(
        a.secret,
        SecretSource::Env("CERTDECK_CORP_SCM_PASSWORD".into())
    );
    assert!(!a.read_only);
    assert_eq!(a.concurrency, DEFAULT_CONCURRENCY);
    assert_eq!(a.page_size, DEFAULT_PAGE_SIZE);
    assert_eq!(a.timeout_secs, DEFAULT_TIMEOUT_SECS);
    let b = &c.accounts[1];
    assert_eq!(b.kind, ProviderKind::Synology);
    assert_eq!(
        b.secret,
        SecretSource::Command("pass show certdeck/nas".into())
    );
    assert!(b.read_only);
    assert_eq!((b.concurrency, b.page_size, b.timeout_secs), (2, 50, 10));
}

#[test]
fn empty_text_is_an_empty_config() {
    let c = Config::from_str_named("", "t").unwrap();
    assert_eq!(c, Config::default());
    let c = Config::from_str_named("# only a comment\n", "t").unwrap();
    assert!(c.accounts.is_empty());
}

#[test]
fn neither_secret_key_means_keyring() {
    let c = Config::from_str_named("[[accounts]]\nname='x'\nkind='iis'\nurl='http://h'\n", "t")
        .unwrap();
    assert_eq!(c.accounts[0].secret, SecretSource::Keyring);
    assert_eq!(c.accounts[0].kind, ProviderKind::Iis);
}

#[test]
fn bad_url_names_file_line_column_and_key() {
    let text = GOOD.replace("https://nas.example:5001", "htp:/x");
    let e = err(&text);
    assert_eq!(e.problems.len(), 1);
    let msg = e.to_string();
    assert_eq!(
        msg,
        "config error in /home/a/.config/certdeck/config.toml, line 17, column 7, \
         key accounts[1].url: \"htp:/x\" is not an http(s) URL"
    );
}

#[test]
fn url_without_host_or_with_other_scheme_is_rejected() {
    for bad in ["ftp://h/", "https://", "not a url", "file:///etc/passwd"] {
        let text = format!("[[accounts]]\nname='x'\nkind='iis'\nurl='{bad}'\n");
        let e = err(&text);
        assert_eq!(
            e.problems[0].key.as_deref(),
            Some("accounts[0].url"),
            "{bad}"
        );
        assert_eq!(e.problems[0].line, Some(4));
    }
}

#[test]
fn unknown_key_is_an_error_with_its_line_and_path() {
    let text = GOOD.replace("password_env =", "pasword_env =");
    let e = err(&text);
    let p = &e.problems[0];
    assert_eq!(p.line, Some(12), "{e}");
    assert_eq!(p.key.as_deref(), Some("accounts[0].pasword_env"), "{e}");
    assert!(p.message.contains("unknown field `pasword_env`"), "{e}");
}

#[test]
fn unknown_top_level_and_ui_keys_are_errors() {
    let e = err("read_olny = true\n");
    assert_eq!(e.problems[0].key.as_deref(), Some("read_olny"), "{e}");
    assert_eq!(e.problems[0].line, Some(1));
    let e = err("[ui]\ntheme = 'dark'\n");
    assert_eq!(e.problems[0].key.as_deref(), Some("ui.theme"), "{e}");
    assert_eq!(e.problems[0].line, Some(2));
}

#[test]
fn wrong_type_names_the_key() {
    let e = err(&GOOD.replace("concurrency = 2", "concurrency = \"2\""));
    let p = &e.problems[0];
    assert_eq!(p.key.as_deref(), Some("accounts[1].concurrency"), "{e}");
    assert_eq!(p.line, Some(20), "{e}");
    let e = err("read_only = 1\n");
    assert_eq!(e.problems[0].key.as_deref(), Some("read_only"), "{e}");
}

#[test]
fn missing_required_field_names_it() {
    let e = err("[[accounts]]\nkind='iis'\nurl='http://h'\n");
    let p = &e.problems[0];
    assert_eq!(p.key.as_deref(), Some("accounts[0].name"), "{e}");
    assert!(p.message.contains("missing field `name`"), "{e}");
    assert!(p.line.is_some());
}

#[test]
fn single_bracket_accounts_gets_a_hint() {
    let e = err("[accounts]\nname='x'\n");
    assert_eq!(e.problems[0].key.as_deref(), Some("accounts"), "{e}");
    assert!(e.to_string().contains("[[accounts]]"), "{e}");
}

#[test]
fn syntax_error_has_line_and_column() {
    let e = err("read_only = false\n[[accounts]]\nname = \"x\n");
    let p = &e.problems[0];
    assert_eq!(p.line, Some(3), "{e}");
    assert_eq!(p.key.as_deref(), Some("accounts[0].name"), "{e}");
    assert!(p.column.is_some());
    assert!(p.message.starts_with("invalid TOML"), "{e}");
    assert!(!e.to_string().contains('\n'), "one line: {e}");
}

#[test]
fn semantic_checks_report_every_problem() {
    let text = r#"
[[accounts]]
name = "a"
kind = "digicert"
url = "https://x"

[[accounts]]
name = "a"
kind = "sectigo"
url = "https://y"
password_env = "V"
password_command = "echo"
concurrency = 0
page_size = 501
timeout_secs = -1
"#;
    let e = err(text);
    let keys: Vec<(&str, usize)> = e
        .problems
        .iter()
        .map(|p| (p.key.as_deref().unwrap(), p.line.unwrap()))
        .collect();
    assert_eq!(
        keys,
        vec![
            ("accounts[0].kind", 4),
            ("accounts[1].name", 8),
            ("accounts[1].login", 7),
            ("accounts[1].customer_uri", 7),
            ("accounts[1].password_command", 12),
            ("accounts[1].concurrency", 13),
            ("accounts[1].page_size", 14),
            ("accounts[1].timeout_secs", 15),
        ],
        "{e}"
    );
    let msg = e.to_string();
    assert_eq!(msg.lines().count(), 8);
    assert!(msg.contains(
        "\"digicert\" is not a known kind; use one of sectigo, synology, iis, ncloud, yeastar"
    ));
    assert!(msg.contains("already the name of accounts[0]"));
    assert!(msg.contains("password_env and password_command are both set"));
    assert!(msg.contains("501 is out of range; page_size must be 1..=500"));
}

#[test]
fn empty_name_and_empty_values_are_rejected() {
    let e = err("[[accounts]]\nname=''\nkind='iis'\nurl='http://h'\npassword_env=''\n");
    let keys: Vec<_> = e.problems.iter().map(|p| p.key.clone().unwrap()).collect();
    assert_eq!(
        keys,
        ["accounts[0].name", "accounts[0].password_env"],
        "{e}"
    );
    let e = err("[[accounts]]\nname='x'\nkind='iis'\nurl='http://h'\npassword_command='  '\n");
    assert_eq!(
        e.problems[0].key.as_deref(),
        Some("accounts[0].password_command")
    );
}

#[test]
fn customer_uri_only_for_sectigo() {
    let e = err("[[accounts]]\nname='x'\nkind='ncloud'\nurl='https://h'\ncustomer_uri='c'\n");
    assert_eq!(
        e.problems[0].key.as_deref(),
        Some("accounts[0].customer_uri")
    );
    assert_eq!(e.problems[0].line, Some(5));
}

#[test]
fn all_five_kinds_are_accepted() {
    for k in ProviderKind::ALL {
        let extra = if k == ProviderKind::Sectigo {
            "login='l'\ncustomer_uri='c'\n"
        } else {
            ""
        };
        let text = format!("[[accounts]]\nname='x'\nkind='{k}'\nurl='https://h'\n{extra}");
        let c = Config::from_str_named(&text, "t").unwrap();
        assert_eq!(c.accounts[0].kind, k);
    }
}

#[test]
fn inline_array_of_accounts_paths() {
    let text = "accounts = [ { name = 'a', kind = 'iis', url = 'http://h' }, { name = 'b', kind = 'iis', url = 'http://h', bogus = 1 } ]\n";
    let e = err(text);
    assert_eq!(
        e.problems[0].key.as_deref(),
        Some("accounts[1].bogus"),
        "{e}"
    );
}

#[test]
fn load_missing_file_names_path_and_example() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("nope.toml");
    let e = Config::load(&p).unwrap_err().to_string();
    assert!(e.contains(&p.display().to_string()), "{e}");
    assert!(e.contains("config.example.toml"), "{e}");
    let e = Config::load_or_default(Some(&p)).unwrap_err().to_string();
    assert!(e.contains("does not exist"), "{e}");
}

#[test]
fn load_reads_file_and_names_it_in_errors() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("c.toml");
    std::fs::write(&p, GOOD).unwrap();
    let (c, note) = Config::load_or_default(Some(&p)).unwrap();
    assert_eq!(c.path.as_deref(), Some(p.as_path()));
    assert_eq!(c.accounts.len(), 2);
    assert!(note.is_none());
    std::fs::write(&p, "[[accounts]]\nname='x'\nkind='iis'\nurl='nope'\n").unwrap();
    let e = Config::load(&p).unwrap_err();
    let ce = e.downcast_ref::<ConfigError>().expect("a ConfigError");
    assert_eq!(ce.file, p.display().to_string());
    assert!(
        e.to_string()
            .starts_with(&format!("config error in {}, line 4", p.display()))
    );
}

#[test]
fn example_config_is_valid_and_covers_every_kind() {
    let c = Config::from_str_named(
        include_str!("../../config.example.toml"),
        "config.example.toml",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(!c.accounts.is_empty());
    assert_eq!(c.accounts[0].kind, ProviderKind::Sectigo);
    // The other kinds are commented-out example sections ("# [[accounts]]" up to the next
    // blank line); uncommented, they must be valid too.
    let mut in_example = false;
    let uncommented: Vec<&str> = include_str!("../../config.example.toml")
        .lines()
        .map(|l| {
            if l == "# [[accounts]]" {
                in_example = true;
            } else if l.trim().is_empty() {
                in_example = false;
            }
            if in_example {
                l.strip_prefix("# ").unwrap_or(l)
            } else {
                l
            }
        })
        .collect();
    let all = Config::from_str_named(&uncommented.join("\n"), "uncommented example")
        .unwrap_or_else(|e| panic!("{e}"));
    for k in ProviderKind::ALL {
        assert!(all.accounts.iter().any(|a| a.kind == k), "no {k} example");
    }
    assert_eq!(all.accounts.len(), 5);
}

#[test]
fn truncated_and_odd_input_never_panics() {
    let text = GOOD
        .replace("corp-scm", "körp-scm ✓")
        .replace("api-user", "ü\"ser");
    for end in (0..=text.len()).filter(|i| text.is_char_boundary(*i)) {
        let _ = Config::from_str_named(&text[..end], "t");
    }
    for junk in [
        "\u{0}",
        "[[",
        "accounts = 3",
        "[ui]\nkeys = 1",
        "= 1",
        "\u{feff}x = 1",
    ] {
        let e = Config::from_str_named(junk, "t").unwrap_err();
        assert!(e.problems[0].line.is_some(), "{junk:?}: {e}");
    }
}

#[test]
fn a_key_of_another_kind_names_the_kinds_that_take_it() {
    let e = err("[[accounts]]\nname='x'\nkind='iis'\nurl='https://h'\nclient_key='k.pem'\n");
    let p = &e.problems[0];
    assert_eq!(p.key.as_deref(), Some("accounts[0].client_key"), "{e}");
    assert_eq!(p.line, Some(5), "{e}");
    assert!(p.message.contains("\"sectigo\""), "{e}");
    assert!(p.message.contains("not of \"iis\""), "{e}");
    // A key no kind takes lists what this kind does take.
    let e = err(
        "[[accounts]]\nname='x'\nkind='sectigo'\nurl='https://h'\nlogin='l'\ncustomer_uri='c'\nlogn='l'\n",
    );
    let p = &e.problems[0];
    assert_eq!(p.key.as_deref(), Some("accounts[0].logn"), "{e}");
    assert!(p.message.contains("unknown field `logn`"), "{e}");
    assert!(p.message.contains("customer_uri"), "{e}");
}

#[test]
fn a_provider_key_of_the_wrong_type_names_it() {
    let e = err(&GOOD.replace("login = \"api-user\"", "login = 7"));
    assert_eq!(e.problems.len(), 1, "{e}");
    let p = &e.problems[0];
    assert_eq!(p.key.as_deref(), Some("accounts[0].login"), "{e}");
    assert_eq!(p.line, Some(10), "{e}");
    assert!(p.message.contains("login must be"), "{e}");
    assert!(p.message.ends_with("not an integer"), "{e}");
}

#[test]
fn kind_is_required() {
    let e = err("[[accounts]]\nname='x'\nurl='https://h'\n");
    let p = &e.problems[0];
    assert_eq!(p.key.as_deref(), Some("accounts[0].kind"), "{e}");
    assert!(p.message.contains("missing field `kind`"), "{e}");
    assert!(p.message.contains("sectigo"), "{e}");
    // Without a kind, a typo is still found; a key some kind takes cannot be judged.
    let e = err("[[accounts]]\nname='x'\nkindd='iis'\nurl='https://h'\nlogin='l'\n");
    let keys: Vec<_> = e.problems.iter().map(|p| p.key.clone().unwrap()).collect();
    assert_eq!(keys, ["accounts[0].kind", "accounts[0].kindd"], "{e}");
    assert_eq!(e.problems[1].line, Some(3), "{e}");
    assert!(
        e.problems[1]
            .message
            .contains("every account takes name, kind"),
        "{e}"
    );
}
