//! Whole-screen snapshots of the console (ratatui TestBackend + insta) at 80x24 and 120x40,
//! with a fixed clock. Update with `INSTA_UPDATE=always cargo test --test console` and review
//! the diff.

use certdeck::app::{AccountView, KeyMap, Msg, State, update};
use certdeck::model::{Cert, CertDetail, CertStatus, ProviderKind};
use certdeck::provider::sectigo::Family;
use certdeck::provider::{ErrorKind, ProviderError};
use certdeck::worker::{Command, DetailView, JobOutput, WorkerEvent};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;

/// 2026-01-15 00:00:00 UTC, the clock of the x509 fixtures.
const NOW: i64 = 1_768_435_200;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn accounts() -> Vec<AccountView> {
    vec![
        AccountView::new("corp-scm", ProviderKind::Sectigo, &[Family::Ssl]),
        AccountView {
            read_only: true,
            ..AccountView::new("lab-scm", ProviderKind::Sectigo, &[Family::Ssl])
        },
        AccountView::unavailable("nas01", ProviderKind::Synology, "not supported yet".into()),
    ]
}

fn rows() -> Vec<Cert> {
    let names = [
        ("www.example.test", CertStatus::Issued, Some(137), "OV SSL"),
        ("api.example.test", CertStatus::Issued, Some(12), "OV SSL"),
        ("mail.example.test", CertStatus::Issued, Some(3), "EV SSL"),
        ("vpn.example.test", CertStatus::Expired, Some(-20), "OV SSL"),
        ("old.example.test", CertStatus::Revoked, Some(200), "OV SSL"),
        (
            "new-portal.example.test",
            CertStatus::Requested,
            None,
            "OV Multi-Domain",
        ),
        ("shop.example.test", CertStatus::Approved, None, "EV SSL"),
        (
            "*.apps.example.test",
            CertStatus::Issued,
            Some(400),
            "Wildcard SSL",
        ),
        (
            "intranet.corp.example.test",
            CertStatus::Issued,
            Some(55),
            "OV SSL",
        ),
        ("legacy.example.test", CertStatus::Declined, None, "OV SSL"),
        ("sso.example.test", CertStatus::Applied, None, "OV SSL"),
        ("git.example.test", CertStatus::Issued, Some(700), "OV SSL"),
    ];
    names
        .iter()
        .enumerate()
        .map(|(i, (cn, status, days, profile))| Cert {
            account: i % 2,
            family: Family::Ssl,
            id: (4100 + i).to_string(),
            common_name: cn.to_string(),
            sans: vec![cn.to_string()],
            serial: Some(format!("3A:{i:02X}:7F:10")),
            status: *status,
            status_text: status.label().into(),
            profile: Some((*profile).into()),
            expires: days.map(|d| NOW + d * 86_400 + 3_600),
            complete: true,
            sha256: None,
            origin: certdeck::model::Origin::Unknown,
        })
        .collect()
}

/// A console with two loaded accounts and one unsupported.
fn loaded(size: (u16, u16)) -> State {
    loaded_with(accounts(), size)
}

fn loaded_with(accounts: Vec<AccountView>, size: (u16, u16)) -> State {
    let mut s = State::new(accounts, KeyMap::default(), NOW, size);
    // As the console does: the screen measures how far its panes scroll.
    s.measure = certdeck::ui::measure;
    let cmds = s.start();
    for c in &cmds {
        let Command::List { job, account, .. } = c else {
            panic!("{c:?}")
        };
        let rows: Vec<Cert> = rows()
            .into_iter()
            .filter(|r| r.account == *account)
            .collect();
        let n = rows.len();
        update(
            &mut s,
            Msg::Worker(WorkerEvent::Total {
                job: *job,
                account: *account,
                family: Family::Ssl,
                total: n,
            }),
        );
        update(&mut s, Msg::Worker(WorkerEvent::Rows { job: *job, rows }));
        s.settle();
        update(
            &mut s,
            Msg::Worker(WorkerEvent::Done {
                job: *job,
                result: Ok(JobOutput::Listed {
                    account: *account,
                    family: Family::Ssl,
                    count: n,
                }),
            }),
        );
    }
    assert!(!s.busy());
    s
}

fn render(s: &State) -> String {
    let mut t = Terminal::new(TestBackend::new(s.size.0, s.size.1)).unwrap();
    t.draw(|f| certdeck::ui::draw(s, f)).unwrap();
    if s.size.0 == 0 || s.size.1 == 0 {
        // TestBackend cannot print an empty buffer; drawing it without a panic is the test.
        return String::new();
    }
    t.backend().to_string()
}

fn snap(name: &str, s: &State) {
    let (w, h) = s.size;
    insta::assert_snapshot!(format!("{name}_{w}x{h}"), render(s));
}

#[test]
fn main_screen() {
    for size in SIZES {
        let s = loaded(size);
        snap("main", &s);
    }
}

#[test]
fn an_account_without_tls_checks_is_marked_in_the_accounts_pane() {
    let mut accs = accounts();
    accs[1].tls_unverified = true;
    let s = State::new(accs, KeyMap::default(), NOW, (80, 24));
    let screen = render(&s);
    let lines: Vec<&str> = screen.lines().collect();
    let lab = lines.iter().position(|l| l.contains("lab-scm")).unwrap();
    let mark = lines
        .iter()
        .position(|l| l.contains("! TLS UNVERIFIED"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(mark > lab && mark <= lab + 3, "{screen}");
    assert_eq!(screen.matches("TLS UNVERIFIED").count(), 1, "{screen}");
}

#[test]
fn main_screen_while_loading_shows_progress() {
    for size in SIZES {
        let mut s = State::new(accounts(), KeyMap::default(), NOW, size);
        let cmds = s.start();
        let job = cmds[0].job();
        update(
            &mut s,
            Msg::Worker(WorkerEvent::Total {
                job,
                account: 0,
                family: Family::Ssl,
                total: 2000,
            }),
        );
        update(
            &mut s,
            Msg::Worker(WorkerEvent::Rows {
                job,
                rows: rows().into_iter().filter(|r| r.account == 0).collect(),
            }),
        );
        s.settle();
        update(
            &mut s,
            Msg::Worker(WorkerEvent::Progress {
                job,
                done: 400,
                of: 2000,
                label: "loading".into(),
            }),
        );
        let screen = render(&s);
        // Progress numbers are grouped the same way everywhere.
        assert!(screen.contains("loading 400/2,000"), "{screen}");
        assert!(!screen.contains("2000"), "{screen}");
        snap("loading", &s);
    }
}

#[test]
fn filtered_list() {
    for size in SIZES {
        let mut s = loaded(size);
        update(&mut s, key(KeyCode::Char('/')));
        for c in "EXAMPLE.TEST".chars().take(4) {
            update(&mut s, key(KeyCode::Char(c)));
        }
        update(&mut s, key(KeyCode::Char('x')));
        update(&mut s, key(KeyCode::Backspace));
        for c in "mail".chars() {
            update(&mut s, key(KeyCode::Backspace));
            let _ = c;
        }
        for c in "vpn".chars() {
            update(&mut s, key(KeyCode::Char(c)));
        }
        let screen = render(&s);
        assert!(screen.contains("vpn.example.test"), "{screen}");
        assert!(!screen.contains("www.example.test"), "{screen}");
        snap("filter", &s);
    }
}

fn detail_state(size: (u16, u16)) -> State {
    let mut s = loaded(size);
    // www.example.test is the 6th by expiry; find it by filtering instead of counting.
    update(&mut s, key(KeyCode::Char('/')));
    for c in "www.".chars() {
        update(&mut s, key(KeyCode::Char(c)));
    }
    update(&mut s, key(KeyCode::Enter));
    let cmds = update(&mut s, key(KeyCode::Enter));
    let Command::Detail { job, .. } = cmds[0].clone() else {
        panic!("{cmds:?}")
    };
    let (_, cert) = s.selected_cert().unwrap();
    let cert = cert.clone();
    let pem = std::fs::read("tests/fixtures/x509/leaf-ec.pem").unwrap();
    let x509 = certdeck::x509::parse_bundle(&pem).map_err(|e| e.to_string());
    let detail = CertDetail {
        fields: vec![
            ("Id".into(), cert.id.clone()),
            ("Status".into(), "Issued".into()),
            ("Profile".into(), "OV SSL".into()),
            ("Term".into(), "365 days".into()),
            ("Requester".into(), "ops@example.test".into()),
            ("Requested".into(), "2025-05-30".into()),
            ("Expires".into(), "2026-06-01".into()),
            ("Order number".into(), "7344326".into()),
        ],
        custom_fields: vec![("Cost centre".into(), "IT-42".into())],
        body_pem: Some(String::from_utf8(pem).unwrap()),
        body_note: None,
    };
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Done {
            job,
            result: Ok(JobOutput::Detail {
                account: cert.account,
                family: cert.family,
                cert,
                view: Box::new(DetailView {
                    detail,
                    x509,
                    key_match: None,
                }),
            }),
        }),
    );
    s
}

#[test]
fn detail_view() {
    for size in SIZES {
        let s = detail_state(size);
        let screen = render(&s);
        assert!(screen.contains("Order number"), "{screen}");
        assert!(screen.contains("Certificate"), "{screen}");
        snap("detail", &s);
    }
}

#[test]
fn detail_view_scrolls_to_the_x509_part() {
    let mut s = detail_state((80, 24));
    for _ in 0..14 {
        update(&mut s, key(KeyCode::Char('j')));
    }
    let screen = render(&s);
    assert!(screen.contains("SHA-256"), "{screen}");
    assert!(screen.contains("ECDSA P-256"), "{screen}");
    snap("detail_scrolled", &s);
}

#[test]
fn help_overlay() {
    for size in SIZES {
        let mut s = loaded(size);
        update(&mut s, key(KeyCode::Char('?')));
        let screen = render(&s);
        // Each key with its name in [ui.keys].
        assert!(
            screen.contains("focus the next pane  [next_pane]"),
            "{screen}"
        );
        if size.1 >= 40 {
            assert!(screen.contains("filter the list"), "{screen}");
        }
        snap("help", &s);
    }
}

#[test]
fn error_popup() {
    for size in SIZES {
        let mut s = State::new(accounts(), KeyMap::default(), NOW, size);
        let job = s.start()[0].job();
        update(
            &mut s,
            Msg::Worker(WorkerEvent::Done {
                job,
                result: Err(ProviderError::new(
                    "corp-scm",
                    "list SSL certificates",
                    ErrorKind::Auth,
                    "Unknown user",
                )
                .with_status(401)
                .with_code(-16)),
            }),
        );
        let screen = render(&s);
        assert!(screen.contains("401"), "{screen}");
        assert!(screen.contains("-16"), "{screen}");
        assert!(screen.contains("Unknown user"), "{screen}");
        snap("error", &s);
    }
}

#[test]
fn too_small_note_at_every_small_size_without_panic() {
    for w in 0..=80u16 {
        for h in [0u16, 1, 5, 23, 24] {
            let mut s = loaded((w.max(1), h.max(1)));
            update(&mut s, Msg::Resize(w, h));
            let screen = render(&s);
            if w < 80 || h < 24 {
                if w >= 40 && h >= 3 {
                    assert!(
                        screen.contains("terminal too small (need 80x24)"),
                        "{w}x{h}"
                    );
                }
            } else {
                assert!(!screen.contains("too small"));
            }
        }
    }
    let mut s = loaded((60, 20));
    update(&mut s, Msg::Resize(60, 20));
    insta::assert_snapshot!("too_small_60x20", render(&s));
}

#[test]
fn every_size_from_80x24_up_draws_every_screen_without_panic() {
    for (w, h) in [
        (80, 24),
        (81, 25),
        (99, 30),
        (119, 35),
        (120, 24),
        (200, 60),
        (300, 100),
    ] {
        let mut s = detail_state((w, h));
        render(&s);
        update(&mut s, key(KeyCode::Char('?')));
        render(&s);
        update(&mut s, key(KeyCode::Esc));
        update(&mut s, key(KeyCode::Char('e')));
        render(&s);
    }
}

#[test]
fn no_color_still_writes_status_and_expiry_as_text() {
    let mut s = loaded((100, 30));
    s.no_color = true;
    let mut t = Terminal::new(TestBackend::new(100, 30)).unwrap();
    t.draw(|f| certdeck::ui::draw(&s, f)).unwrap();
    let buf = t.backend().buffer();
    for cell in buf.content() {
        assert_eq!(
            cell.fg,
            ratatui::style::Color::Reset,
            "no colour under NO_COLOR"
        );
        assert_eq!(cell.bg, ratatui::style::Color::Reset);
    }
    let screen = t.backend().to_string();
    assert!(screen.contains("EXPIRED"));
    assert!(screen.contains("Revoked"));
    assert!(screen.contains("3d !"));
}

#[test]
fn detail_values_wrap_under_themselves() {
    use certdeck::ui::wrap_words;
    assert_eq!(wrap_words("a bb ccc", 4), ["a bb", "ccc"]);
    assert_eq!(wrap_words("abcdefghij", 4), ["abcd", "efgh", "ij"]);
    assert_eq!(wrap_words("", 4), [""]);
    assert_eq!(wrap_words("x abcdefgh", 4), ["x", "abcd", "efgh"]);
}

// ---- dialogs ---------------------------------------------------------------------------------

use certdeck::provider::sectigo::actions::{
    CertDcv, CertDcvLogEntry, CustomFieldDef, DcvInstruction, Organization, Profile,
};
use certdeck::provider::sectigo::request::{ScmOutput, ScmRequest};

fn type_str(s: &mut State, text: &str) -> Vec<Command> {
    let mut out = Vec::new();
    for c in text.chars() {
        out.extend(update(s, key(KeyCode::Char(c))));
    }
    out
}

/// A loaded console at 80x24 with `cn` selected (by filtering for it).
fn selecting(cn: &str) -> State {
    let mut s = writable();
    update(&mut s, key(KeyCode::Char('/')));
    type_str(&mut s, cn);
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.selected_cert().unwrap().1.common_name, cn);
    s
}

/// Like `loaded`, with every account writable.
fn writable() -> State {
    let mut s = loaded((80, 24));
    for a in &mut s.accounts {
        a.read_only = false;
    }
    s
}

fn answer(s: &mut State, cmds: &[Command], output: impl Fn(&ScmRequest) -> ScmOutput) {
    for c in cmds {
        if let Command::Act {
            job,
            account,
            request,
            ..
        } = c
        {
            update(
                s,
                Msg::Worker(WorkerEvent::Done {
                    job: *job,
                    result: Ok(JobOutput::Acted {
                        account: *account,
                        request: Box::new(request.clone()),
                        output: Box::new(output(request.get().expect("an SCM request")).into()),
                        follows: Vec::new(),
                    }),
                }),
            );
        }
    }
}

fn enroll_data(r: &ScmRequest) -> ScmOutput {
    match r {
        ScmRequest::Profiles { .. } => ScmOutput::Profiles(vec![
            Profile {
                id: 5101,
                name: "OV SSL".into(),
                description: None,
                terms: vec![365, 730],
                key_types: vec![
                    (
                        "RSA".into(),
                        vec!["2048".into(), "3072".into(), "4096".into()],
                    ),
                    ("EC".into(), vec!["P-256".into(), "P-384".into()]),
                ],
            },
            Profile {
                id: 5102,
                name: "EV SSL".into(),
                description: None,
                terms: vec![365],
                key_types: vec![("RSA".into(), vec!["2048".into()])],
            },
        ]),
        ScmRequest::Organizations => ScmOutput::Organizations(vec![Organization {
            id: 1101,
            name: "Acme Logistics".into(),
            cert_types: vec![],
            departments: vec![],
        }]),
        ScmRequest::CustomFields { .. } => ScmOutput::CustomFields(vec![CustomFieldDef {
            id: Some(1),
            name: "Cost centre".into(),
            mandatory: true,
        }]),
        _ => ScmOutput::Done,
    }
}

#[test]
fn a_bulk_confirmation_names_its_targets_once_under_a_plural_title() {
    // "ap": api.example.test and *.apps.example.test, both issued
    let mut s = writable();
    update(&mut s, key(KeyCode::Char('/')));
    type_str(&mut s, "ap");
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, key(KeyCode::Char(' ')));
    update(&mut s, key(KeyCode::Char(' ')));
    assert_eq!(s.marked.len(), 2);
    update(&mut s, key(KeyCode::Char('R')));
    let screen = render(&s);
    assert!(screen.contains("Revoke 2 certificates "), "{screen}");
    assert!(screen.contains("Revoke 2 certificates:"), "{screen}");
    // reason code (the default), reason, the count typed to confirm
    update(&mut s, key(KeyCode::Tab));
    type_str(&mut s, "key compromise");
    update(&mut s, key(KeyCode::Tab));
    type_str(&mut s, "2");
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
    );
    let screen = render(&s);
    assert!(screen.contains("confirm: "), "{screen}");
    assert!(
        screen.contains("reason: unspecified (0) — key compromise"),
        "{screen}"
    );
    assert_eq!(
        screen.matches("Revoke 2 certificates:").count(),
        1,
        "{screen}"
    );
    assert_eq!(screen.matches("(id 41").count(), 2, "{screen}");
}

#[test]
fn every_dialog_at_80x24() {
    // approve, with its confirmation stage
    let mut s = selecting("new-portal.example.test");
    update(&mut s, key(KeyCode::Char('a')));
    insta::assert_snapshot!("dialog_approve_80x24", render(&s));
    type_str(&mut s, "ok for prod");
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
    );
    let screen = render(&s);
    assert!(screen.contains("with the message: ok for prod"), "{screen}");
    insta::assert_snapshot!("dialog_approve_confirm_80x24", screen);

    let mut s = selecting("new-portal.example.test");
    update(&mut s, key(KeyCode::Char('d')));
    insta::assert_snapshot!("dialog_decline_80x24", render(&s));

    let mut s = selecting("www.example.test");
    update(&mut s, key(KeyCode::Char('R')));
    insta::assert_snapshot!("dialog_revoke_80x24", render(&s));

    let mut s = selecting("www.example.test");
    update(&mut s, key(KeyCode::Char('X')));
    insta::assert_snapshot!("dialog_revoke_serial_80x24", render(&s));

    let mut s = selecting("www.example.test");
    update(&mut s, key(KeyCode::Char('w')));
    insta::assert_snapshot!("dialog_renew_80x24", render(&s));

    let mut s = selecting("www.example.test");
    update(&mut s, key(KeyCode::Char('u')));
    insta::assert_snapshot!("dialog_replace_80x24", render(&s));

    let mut s = selecting("www.example.test");
    update(&mut s, key(KeyCode::Char('M')));
    insta::assert_snapshot!("dialog_mark_renewed_80x24", render(&s));

    let mut s = selecting("www.example.test");
    update(&mut s, key(KeyCode::Char('D')));
    insta::assert_snapshot!("dialog_delete_80x24", render(&s));

    let mut s = selecting("www.example.test");
    update(&mut s, key(KeyCode::Char('c')));
    insta::assert_snapshot!("dialog_download_80x24", render(&s));

    let mut s = selecting("www.example.test");
    let cmds = update(&mut s, key(KeyCode::Char('v')));
    insta::assert_snapshot!("dialog_dcv_loading_80x24", render(&s));
    answer(&mut s, &cmds, |_| {
        ScmOutput::CertDcv(CertDcv {
            error: None,
            log: vec![CertDcvLogEntry {
                domain: "www.example.test".into(),
                status: "Awaiting Validation".into(),
                method: Some("CNAME_CSR_HASH".into()),
                validated: None,
                last_check: Some("2026-01-14 23:00:00".into()),
                next_check: None,
            }],
            instructions: vec![DcvInstruction {
                domain: "www.example.test".into(),
                mode: "CNAME".into(),
                host: Some("_4e380094c3b3b40c69203451d32e78d3.www.example.test.".into()),
                point: Some("7a16100aae509fe98ce5ac6d6f04ac81.151a1eb4b2324f07d2bdcdb6d02452d2.sectigo.com.".into()),
                url: None,
                file_content: None,
                email: None,
            }],
        })
    });
    insta::assert_snapshot!("dialog_dcv_80x24", render(&s));
    // On a wider screen the dialog widens so the CNAME target stays on one line (copyable).
    update(&mut s, Msg::Resize(120, 40));
    let wide = render(&s);
    let target = "7a16100aae509fe98ce5ac6d6f04ac81.151a1eb4b2324f07d2bdcdb6d02452d2.sectigo.com.";
    assert!(
        wide.lines()
            .any(|l| l.contains(&format!("points to   {target}"))),
        "{wide}"
    );
    // The copy picker widens the same way.
    update(&mut s, key(KeyCode::Char('y')));
    let wide = render(&s);
    assert!(
        wide.lines()
            .any(|l| l.contains("CNAME target") && l.contains(target)),
        "{wide}"
    );
    update(&mut s, key(KeyCode::Esc));
    assert!(s.overlay.is_none() && s.dialog.is_some());
    update(&mut s, Msg::Resize(80, 24));
    // `y` offers the records for copying, over the dialog; a number copies one.
    update(&mut s, key(KeyCode::Char('y')));
    insta::assert_snapshot!("copy_dcv_80x24", render(&s));
    update(&mut s, key(KeyCode::Char('2')));
    assert_eq!(s.clipboard.as_deref(), Some(target));
    assert!(
        s.overlay.is_none() && s.dialog.is_some(),
        "back in the DCV view"
    );
    let (msg, _) = s.status.clone().unwrap();
    assert!(msg.contains("copied the CNAME target"), "{msg}");

    let mut s = writable();
    let cmds = update(&mut s, key(KeyCode::Char('n')));
    assert_eq!(
        cmds.len(),
        3,
        "profiles, organizations, custom fields: {cmds:?}"
    );
    insta::assert_snapshot!("dialog_enroll_loading_80x24", render(&s));
    answer(&mut s, &cmds, enroll_data);
    insta::assert_snapshot!("dialog_enroll_80x24", render(&s));
    // The confirmation lists everything that will be sent.
    type_str(&mut s, "api.example.test");
    for _ in 0..5 {
        update(&mut s, key(KeyCode::Down)); // to the DCV method
    }
    update(&mut s, key(KeyCode::Right)); // CNAME
    for _ in 0..4 {
        update(&mut s, key(KeyCode::Down)); // to the first custom field
    }
    type_str(&mut s, "IT-42");
    let ctrl_s = Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    // Nothing goes to SCM before the confirmation: only the key file is checked first.
    let sent = update(&mut s, ctrl_s);
    assert!(
        files_fine(&mut s, sent).is_empty(),
        "nothing sent before confirming"
    );
    let screen = render(&s);
    assert!(screen.contains("domain validation by CNAME"), "{screen}");
    assert!(screen.contains("Cost centre=IT-42"), "{screen}");
    insta::assert_snapshot!("dialog_enroll_confirm_80x24", screen);

    let mut s = writable();
    update(&mut s, key(KeyCode::Char('m')));
    insta::assert_snapshot!("menu_80x24", render(&s));
}

// ---- domain views ------------------------------------------------------------------------

use certdeck::app::Scope;
use certdeck::provider::sectigo::actions::{
    DcvMethod, DcvState, Delegation, DomainDetail, DomainValidation,
};

fn domains_data(r: &ScmRequest) -> ScmOutput {
    match r {
        ScmRequest::Domains => ScmOutput::Domains(vec![
            DomainDetail {
                id: 2001,
                name: "example.test".into(),
                delegation_status: Some("ACTIVE".into()),
                state: Some("ACTIVE".into()),
                validation_status: Some("VALIDATED".into()),
                validation_method: Some("CNAME".into()),
                validated: Some("2025-06-01".into()),
                dcv_expires: Some("2026-06-01".into()),
                delegations: vec![Delegation {
                    org_id: 1101,
                    cert_types: vec!["SSL".into()],
                    privileges: vec!["DOMAIN".into()],
                    status: Some("ACTIVE".into()),
                }],
            },
            DomainDetail {
                id: 2002,
                name: "shop.test".into(),
                delegation_status: Some("REQUESTED".into()),
                state: Some("ACTIVE".into()),
                validation_status: Some("NOT_VALIDATED".into()),
                delegations: vec![Delegation {
                    org_id: 1101,
                    cert_types: vec!["SSL".into()],
                    privileges: vec!["DOMAIN".into(), "SUBDOMAIN".into()],
                    status: Some("REQUESTED".into()),
                }],
                ..Default::default()
            },
        ]),
        ScmRequest::Organizations => enroll_data(r),
        ScmRequest::DcvList { .. } => ScmOutput::DcvList(vec![
            DomainValidation {
                domain: "example.test".into(),
                status: "VALIDATED".into(),
                method: Some("CNAME".into()),
                order_status: Some("NOT_INITIATED".into()),
                order_method: None,
                expires: Some("2026-06-01".into()),
            },
            DomainValidation {
                domain: "shop.test".into(),
                status: "NOT_VALIDATED".into(),
                method: None,
                order_status: Some("NOT_INITIATED".into()),
                order_method: None,
                expires: None,
            },
        ]),
        _ => ScmOutput::Done,
    }
}

/// Select a scope in the accounts pane; answer the loads it sends.
fn to_scope(s: &mut State, want: Scope) {
    update(s, key(KeyCode::Tab));
    while s.scope() != want {
        let cmds = update(s, key(KeyCode::Char('j')));
        answer(s, &cmds, domains_data);
    }
    update(s, key(KeyCode::Enter));
}

#[test]
fn domains_view_and_delegation_approval() {
    let mut s = writable();
    update(&mut s, key(KeyCode::Tab));
    let mut sent = Vec::new();
    while s.scope() != Scope::View(0, "domains") {
        sent = update(&mut s, key(KeyCode::Char('j')));
    }
    assert!(
        sent.iter().any(|c| matches!(
            c,
            Command::Act {
                request: req,
                account: 0,
                ..
            } if matches!(req.get(), Some(ScmRequest::Domains)))),
        "selecting the view loads it: {sent:?}"
    );
    insta::assert_snapshot!("domains_loading_80x24", render(&s));
    answer(&mut s, &sent, domains_data);
    update(&mut s, key(KeyCode::Enter));
    insta::assert_snapshot!("domains_80x24", render(&s));
    // the first domain has nothing pending
    update(&mut s, key(KeyCode::Char('a')));
    assert!(s.dialog.is_none());
    assert!(
        s.status
            .as_ref()
            .unwrap()
            .0
            .contains("no delegation awaiting approval")
    );
    update(&mut s, key(KeyCode::Char('j')));
    update(&mut s, key(KeyCode::Enter));
    insta::assert_snapshot!("domains_detail_80x24", render(&s));
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, key(KeyCode::Char('a')));
    insta::assert_snapshot!("dialog_delegation_80x24", render(&s));
    update(&mut s, key(KeyCode::Tab)); // from the only field to OK
    update(&mut s, key(KeyCode::Enter)); // confirmation stage
    update(&mut s, key(KeyCode::Right));
    let sent = update(&mut s, key(KeyCode::Enter));
    assert!(
        matches!(
        sent.as_slice(),
        [Command::Act {
            request: req,
            ..
        }] if matches!(req.get(), Some(ScmRequest::ApproveDelegation {
                domain_id: 2002,
                org_id: 1101
            }))),
        "{sent:?}"
    );
}

#[test]
fn dcv_view_start_submit_and_filter() {
    let mut s = writable();
    to_scope(&mut s, Scope::View(0, "dcv"));
    let screen = render(&s);
    // The view's own keys are in the status bar, after moving and opening.
    let bar = screen.lines().last().unwrap().to_string();
    assert!(
        bar.contains("Enter open  v validate  f filter by status"),
        "{bar}"
    );
    insta::assert_snapshot!("dcv_80x24", screen);
    update(&mut s, key(KeyCode::Char('j'))); // shop.test
    update(&mut s, key(KeyCode::Char('v')));
    insta::assert_snapshot!("dialog_dcv_domain_80x24", render(&s));
    // Start (CNAME is preselected): Ctrl-S sends from any field
    let sent = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
    );
    let [Command::Act { request, .. }] = sent.as_slice() else {
        panic!("{sent:?}")
    };
    let Some(ScmRequest::DcvStart { domain, method }) = request.get() else {
        panic!("{sent:?}")
    };
    assert_eq!((domain.as_str(), *method), ("shop.test", DcvMethod::Cname));
    answer(&mut s, &sent, |_| {
        ScmOutput::DcvState(Box::new(DcvState {
            instruction: Some(DcvInstruction {
                domain: "shop.test".into(),
                mode: "CNAME".into(),
                host: Some("_abc.shop.test.".into()),
                point: Some("def.sectigo.com.".into()),
                ..Default::default()
            }),
            ..Default::default()
        }))
    });
    let d = s.dialog.as_ref().expect("still open");
    assert_eq!(d.form.ok_label, "Submit");
    assert!(d.form.intro.iter().any(|l| l.contains("_abc.shop.test.")));
    let sent = update(&mut s, key(KeyCode::Enter));
    assert!(
        matches!(
        sent.as_slice(),
        [Command::Act {
            request: req,
            ..
        }] if matches!(req.get(), Some(ScmRequest::DcvSubmit {
                method: DcvMethod::Cname,
                ..
            }))),
        "{sent:?}"
    );
    assert!(s.dialog.is_none());
    // server-side filter
    update(&mut s, key(KeyCode::Char('f')));
    insta::assert_snapshot!("dialog_dcv_filter_80x24", render(&s));
    update(&mut s, key(KeyCode::Right)); // VALIDATED
    update(&mut s, key(KeyCode::Tab));
    type_str(&mut s, "30");
    update(&mut s, key(KeyCode::Enter)); // the last field leads to OK
    let sent = update(&mut s, key(KeyCode::Enter));
    let [Command::Act { request, .. }] = sent.as_slice() else {
        panic!("{sent:?}")
    };
    let Some(ScmRequest::DcvList { filter }) = request.get() else {
        panic!("{sent:?}")
    };
    assert_eq!(filter.dcv_status.as_deref(), Some("VALIDATED"));
    assert_eq!(filter.expires_in_days, Some(30));
}

#[test]
fn audit_log_viewer() {
    let mut s = writable();
    let sent = update(&mut s, key(KeyCode::Char('L')));
    let [Command::ReadAudit { job }] = sent.as_slice() else {
        panic!("{sent:?}")
    };
    let t = |sec: i64| jiff::Timestamp::from_second(NOW + sec).unwrap();
    let entries = vec![
        certdeck::audit::AuditEntry::at(t(10), "corp-scm", "enroll", vec!["4200".into()])
            .with_detail("CN new.example.test; ECDSA P-256 key ./new.example.test.key")
            .ok(),
        certdeck::audit::AuditEntry::at(t(20), "corp-scm", "approve", vec!["4200".into()])
            .with_reason("ok for prod")
            .ok(),
        certdeck::audit::AuditEntry::at(t(30), "lab-scm", "revoke", vec!["4101".into()])
            .refused("this account is read-only in the config"),
    ];
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Done {
            job: *job,
            result: Ok(JobOutput::AuditLog {
                path: "/home/op/.local/state/certdeck/audit.jsonl".into(),
                entries,
            }),
        }),
    );
    let screen = render(&s);
    assert!(screen.contains("approve 4200 — ok for prod"), "{screen}");
    assert!(
        screen.contains("refused: this account is read-only"),
        "{screen}"
    );
    insta::assert_snapshot!("audit_80x24", screen);
    // Enter shows the selected (newest) entry in full; k goes to the one before; Esc back.
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, key(KeyCode::Char('k')));
    let screen = render(&s);
    assert!(screen.contains("Audit entry"), "{screen}");
    assert!(screen.contains("reason    ok for prod"), "{screen}");
    insta::assert_snapshot!("audit_entry_80x24", screen);
    update(&mut s, key(KeyCode::Esc));
    assert!(render(&s).contains("Audit log"));
    update(&mut s, key(KeyCode::Esc));
    assert!(s.overlay.is_none());
}

#[test]
fn detail_scrolling_stops_at_the_end_and_comes_back_at_once() {
    let mut s = detail_state((80, 24));
    update(&mut s, key(KeyCode::Char('G')));
    let bottom = s.detail_scroll;
    assert!(bottom > 0 && bottom < 200, "{bottom}");
    update(&mut s, key(KeyCode::Char('k')));
    assert_eq!(
        s.detail_scroll,
        bottom - 1,
        "one line up from the end is visible at once"
    );
    update(&mut s, key(KeyCode::Char('g')));
    assert_eq!(s.detail_scroll, 0);
}

#[test]
fn the_all_view_names_accounts_that_could_not_be_set_up() {
    let mut accs = accounts();
    accs.push(AccountView::unavailable(
        "dr-scm",
        ProviderKind::Sectigo,
        "no secret: DR_SCM_PASSWORD is not set".into(),
    ));
    let mut s = loaded_with(accs.clone(), (80, 24));
    let screen = render(&s);
    assert!(
        screen.contains("! dr-scm cannot be used (e: error log): no secret: DR_SCM"),
        "{screen}"
    );
    // The list below it keeps every row reachable: the viewport is one row shorter.
    assert_eq!(s.list_height(), 24 - 5 - 1);
    insta::assert_snapshot!("all_view_setup_failure_80x24", screen);
    // A kind this build has no client for is not a failure (nas01 is "not supported yet").
    assert!(!screen.contains("nas01 cannot"), "{screen}");
    // Only the All view shows it.
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, key(KeyCode::Char('j')));
    assert!(!render(&s).contains("! dr-scm"));
    // Three: the first, then a count of the rest.
    accs.push(AccountView::unavailable(
        "old-scm",
        ProviderKind::Sectigo,
        "tls_ca_file: cannot read /etc/old.pem".into(),
    ));
    accs.push(AccountView::unavailable(
        "qa-scm",
        ProviderKind::Sectigo,
        "no secret".into(),
    ));
    let s = loaded_with(accs, (100, 30));
    let screen = render(&s);
    assert!(
        screen.contains("! dr-scm cannot be used: no secret"),
        "{screen}"
    );
    assert!(
        screen.contains("! and 2 more accounts cannot be used (e: error log)"),
        "{screen}"
    );
}

#[test]
fn an_unusable_account_says_why_in_full() {
    let mut s = State::new(
        vec![AccountView::unavailable(
            "corp-scm",
            ProviderKind::Sectigo,
            "no secret: no keyring is reachable (the kernel keyring refused access: this process has no session keyring). Set password_env = \"VAR\" or password_command = \"…\" for account corp-scm".into(),
        )],
        KeyMap::default(),
        NOW,
        (80, 24),
    );
    assert!(s.start().is_empty(), "nothing to load");
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, key(KeyCode::Char('j')));
    update(&mut s, key(KeyCode::Char('j')));
    let screen = render(&s);
    assert!(screen.contains("corp-scm cannot be used"), "{screen}");
    assert!(screen.contains("password_command"), "{screen}");
    insta::assert_snapshot!("unavailable_80x24", screen);
}

#[test]
fn organizations_view_is_a_read_only_list() {
    let mut s = writable();
    to_scope(&mut s, Scope::View(0, "orgs"));
    let screen = render(&s);
    assert!(screen.contains("Acme Logistics"), "{screen}");
    insta::assert_snapshot!("orgs_80x24", screen);
    update(&mut s, key(KeyCode::Char('a')));
    assert!(s.dialog.is_none());
    assert!(s.status.as_ref().unwrap().0.contains("read-only"));
}

#[test]
fn read_only_is_shown_first_in_the_title() {
    let mut s = loaded((80, 24));
    s.read_only = true;
    let screen = render(&s);
    let title = screen.lines().next().unwrap();
    assert!(title.contains(" certdeck READ-ONLY │"), "{title}");
}

// ---- enrolment of client (S/MIME) and device certificates --------------------------------

/// One Sectigo account with SSL, client and device certificates, loaded.
fn families_console() -> State {
    let accounts = vec![AccountView::new(
        "corp-scm",
        ProviderKind::Sectigo,
        &[Family::Ssl, Family::Client, Family::Device],
    )];
    let mut s = State::new(accounts, KeyMap::default(), NOW, (80, 24));
    let cmds = s.start();
    for c in &cmds {
        let Command::List {
            job,
            account,
            family,
        } = c
        else {
            panic!("{c:?}")
        };
        let names: &[(&str, CertStatus, Option<i64>)] = match *family {
            Family::Client => &[
                ("Grace Hopper", CertStatus::Issued, Some(210)),
                ("Alan Turing", CertStatus::Requested, None),
            ],
            Family::Device => &[
                (
                    "door-cam-1.devices.example.test",
                    CertStatus::Issued,
                    Some(300),
                ),
                ("Lobby printer", CertStatus::Requested, None),
            ],
            _ => &[("www.example.test", CertStatus::Issued, Some(137))],
        };
        let rows: Vec<Cert> = names
            .iter()
            .enumerate()
            .map(|(i, (cn, status, days))| Cert {
                account: *account,
                family: *family,
                id: format!("{}{i}", 61 + family.order() as usize),
                common_name: cn.to_string(),
                sans: vec![],
                serial: None,
                status: *status,
                status_text: status.label().into(),
                profile: Some(format!("{} profile", family.label()).into()),
                expires: days.map(|d| NOW + d * 86_400),
                complete: true,
                sha256: None,
                origin: certdeck::model::Origin::Unknown,
            })
            .collect();
        let n = rows.len();
        update(&mut s, Msg::Worker(WorkerEvent::Rows { job: *job, rows }));
        s.settle();
        update(
            &mut s,
            Msg::Worker(WorkerEvent::Done {
                job: *job,
                result: Ok(JobOutput::Listed {
                    account: *account,
                    family: *family,
                    count: n,
                }),
            }),
        );
    }
    assert!(!s.busy());
    s
}

fn family_enroll_data(r: &ScmRequest) -> ScmOutput {
    match r {
        ScmRequest::Profiles {
            family: Family::Client,
            ..
        } => ScmOutput::Profiles(vec![Profile {
            id: 6101,
            name: "Standard S/MIME".into(),
            description: None,
            terms: vec![365, 730],
            key_types: vec![
                ("RSA".into(), vec!["2048".into(), "3072".into()]),
                ("EC".into(), vec!["P-256".into()]),
            ],
        }]),
        ScmRequest::Profiles {
            family: Family::Device,
            ..
        } => ScmOutput::Profiles(vec![Profile {
            id: 6201,
            name: "Device Identity".into(),
            description: None,
            terms: vec![365, 730],
            key_types: vec![("EC".into(), vec!["P-256".into(), "P-384".into()])],
        }]),
        ScmRequest::CustomFields { family } => {
            ScmOutput::CustomFields(vec![if *family == Family::Device {
                CustomFieldDef {
                    id: Some(436),
                    name: "Asset Tag".into(),
                    mandatory: true,
                }
            } else {
                CustomFieldDef {
                    id: Some(357),
                    name: "Employee ID".into(),
                    mandatory: false,
                }
            }])
        }
        _ => enroll_data(r),
    }
}

#[test]
fn enroll_dialogs_of_the_client_and_device_families_at_80x24() {
    let mut s = families_console();
    to_scope(&mut s, Scope::Collection(0, Family::Client));
    let cmds = update(&mut s, key(KeyCode::Char('n')));
    assert!(
        cmds.iter().any(|c| matches!(
        c,
        Command::Act {
            request: req,
            ..
        } if matches!(req.get(), Some(ScmRequest::Profiles {
                family: Family::Client,
                ..
            })))),
        "{cmds:?}"
    );
    answer(&mut s, &cmds, family_enroll_data);
    insta::assert_snapshot!("dialog_enroll_smime_80x24", render(&s));

    // Filled in and OK: the confirmation says what is sent and where the key goes.
    type_str(&mut s, "grace.hopper@example.test");
    update(&mut s, key(KeyCode::Tab));
    type_str(&mut s, "Grace");
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, key(KeyCode::Tab));
    type_str(&mut s, "Hopper");
    update(&mut s, key(KeyCode::Tab));
    type_str(&mut s, "gmh@navy.example.test");
    while s
        .dialog
        .as_ref()
        .is_some_and(|d| d.form.focus != certdeck::app::form::Focus::Ok)
    {
        update(&mut s, key(KeyCode::Tab));
    }
    let sent = update(&mut s, key(KeyCode::Enter));
    assert!(files_fine(&mut s, sent).is_empty());
    insta::assert_snapshot!("dialog_enroll_smime_confirm_80x24", render(&s));

    let mut s = families_console();
    to_scope(&mut s, Scope::Collection(0, Family::Device));
    let cmds = update(&mut s, key(KeyCode::Char('n')));
    answer(&mut s, &cmds, family_enroll_data);
    insta::assert_snapshot!("dialog_enroll_device_80x24", render(&s));
}

#[test]
fn a_status_message_gets_the_whole_bar_and_the_error_log_shows_it_in_full() {
    let long = "enrolled: new request 3001 (private key in ./shop.acme-shop.example.key); it waits in the pending view (p)";
    for size in SIZES {
        let mut s = loaded(size);
        let hints = render(&s);
        let bar = hints.lines().last().unwrap().to_string();
        assert!(bar.contains("quit") || bar.contains("help"), "{bar}");
        // A worker result sets a message; the easiest way from outside is a refused action.
        update(
            &mut s,
            Msg::Worker(WorkerEvent::Done {
                job: 999,
                result: Err(ProviderError::new(
                    "corp-scm",
                    "enroll",
                    ErrorKind::Unsupported,
                    long,
                )),
            }),
        );
        let screen = render(&s);
        let bar = screen.lines().last().unwrap().to_string();
        assert!(bar.contains("enroll: enrolled: new request 3001"), "{bar}");
        assert!(
            !bar.contains(" help "),
            "no key hints while a message shows: {bar}"
        );
        if size.0 < 120 {
            assert!(bar.trim_end().ends_with("…\""), "{bar}");
        }
        update(&mut s, key(KeyCode::Char('e')));
        let screen = render(&s);
        assert!(screen.contains("Status messages"), "{screen}");
        // The whole message, wrapped: the end that the bar cut is there.
        assert!(screen.contains("example.key); it waits in the"), "{screen}");
        assert!(screen.contains(" (p) "), "{screen}");
        snap("status_history", &s);
        // The hints come back when it is cleared.
        update(&mut s, key(KeyCode::Esc));
        let bar = render(&s).lines().last().unwrap().to_string();
        assert!(bar.contains("help"), "{bar}");
    }
}

/// Select the n-th entry of the accounts pane (0 = All) and go back to the list.
fn choose_scope(s: &mut State, n: usize) {
    update(s, key(KeyCode::Char('h')));
    update(s, key(KeyCode::Char('g')));
    for _ in 0..n {
        update(s, key(KeyCode::Char('j')));
    }
    update(s, key(KeyCode::Char('l')));
}

#[test]
fn the_filter_count_total_is_the_scope_total() {
    let mut s = loaded((80, 24));
    choose_scope(&mut s, 2); // corp-scm: 6 of the 12
    assert_eq!(s.scope(), certdeck::app::Scope::Account(0));
    update(&mut s, key(KeyCode::Char('/')));
    type_str(&mut s, "www");
    update(&mut s, key(KeyCode::Enter));
    let screen = render(&s);
    assert!(screen.contains("Certificates 1/6 · /www"), "{screen}");
    assert!(screen.contains("1 of 6 certificates"), "{screen}");
    assert!(!screen.contains("/12"), "{screen}");
}

#[test]
fn a_filter_that_matches_nothing_says_so_in_every_scope() {
    let mut s = loaded((80, 24));
    for scope in [0, 1, 2] {
        choose_scope(&mut s, scope);
        update(&mut s, key(KeyCode::Char('/')));
        type_str(&mut s, "zzz-nothing");
        update(&mut s, key(KeyCode::Enter));
        let screen = render(&s);
        assert!(
            screen.contains("nothing matches the filter (Esc clears it)"),
            "scope {scope}: {screen}"
        );
        assert!(!screen.contains("no requests are waiting"), "{screen}");
        update(&mut s, key(KeyCode::Esc));
    }
}

#[test]
fn only_live_certificates_get_an_expiry_warning() {
    let theme = certdeck::ui::theme::Theme::sixteen();
    let mut c = rows()[0].clone();
    c.expires = Some(NOW + 2 * 86_400 + 60);
    c.status = CertStatus::Issued;
    assert_eq!(certdeck::ui::days_cell(&c, NOW, &theme).0, "2d !");
    for st in [
        CertStatus::Revoked,
        CertStatus::Declined,
        CertStatus::Replaced,
    ] {
        c.status = st;
        assert_eq!(certdeck::ui::days_cell(&c, NOW, &theme).0, "2d", "{st:?}");
    }
    c.expires = Some(NOW - 86_400);
    c.status = CertStatus::Revoked;
    assert_eq!(certdeck::ui::days_cell(&c, NOW, &theme).0, "—");
}

#[test]
fn one_certificate_is_one_cert() {
    let mut s = State::new(
        vec![AccountView::new(
            "solo",
            ProviderKind::Sectigo,
            &[Family::Ssl],
        )],
        KeyMap::default(),
        NOW,
        (80, 24),
    );
    let job = s.start()[0].job();
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Rows {
            job,
            rows: vec![Cert {
                account: 0,
                ..rows()[0].clone()
            }],
        }),
    );
    s.settle();
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Done {
            job,
            result: Ok(JobOutput::Listed {
                account: 0,
                family: Family::Ssl,
                count: 1,
            }),
        }),
    );
    let screen = render(&s);
    assert!(screen.contains("1 cert "), "{screen}");
    assert!(!screen.contains("1 certs"), "{screen}");
}

#[test]
fn the_detail_header_spells_the_status_like_the_list() {
    let mut s = detail_state((120, 40));
    let i = s.selected_cert().unwrap().0;
    s.certs[i].status = CertStatus::Expired;
    s.certs[i].status_text = "expired".into();
    let screen = render(&s);
    assert!(
        screen
            .lines()
            .any(|l| l.contains("││Status ") && l.contains(" Expired ")),
        "{screen}"
    );
    assert!(!screen.contains("expired"), "{screen}");
}

#[test]
fn a_row_without_a_profile_shows_a_dash() {
    let mut s = loaded((80, 24));
    for c in s.certs.iter_mut() {
        c.profile = None;
    }
    let screen = render(&s);
    let row = screen
        .lines()
        .find(|l| l.contains("www.example.test"))
        .unwrap();
    assert!(row.contains(" — "), "{row}");
}

#[test]
fn with_no_accounts_the_console_says_where_the_config_file_goes() {
    for size in SIZES {
        let s = State::new(vec![], KeyMap::default(), NOW, size)
            .with_config_path(Some("/home/ops/.config/certdeck/config.toml".into()));
        let screen = render(&s);
        assert!(
            screen.contains("/home/ops/.config/certdeck/config.toml"),
            "{screen}"
        );
        assert!(screen.contains("config.example.toml"), "{screen}");
        assert!(screen.contains("certdeck --demo"), "{screen}");
        snap("no_accounts", &s);
    }
}

fn with_long_names(size: (u16, u16)) -> State {
    let mut s = loaded(size);
    let mut long = rows()[0].clone();
    long.id = "9999".into();
    long.common_name = "*.acme-logistics-international.example.test".into();
    long.expires = Some(NOW - 400 * 86_400);
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Rows {
            job: 0,
            rows: vec![long],
        }),
    );
    s.settle();
    s
}

/// Columns between the start of "Common name" and "Status" in the list header.
fn cn_column(screen: &str) -> usize {
    let l = screen
        .lines()
        .find(|l| l.contains("Common name"))
        .unwrap_or_else(|| panic!("{screen}"));
    let a = l.find("Common name").unwrap();
    let b = l[a..].find("Status").unwrap();
    l[a..a + b].chars().count()
}

#[test]
fn the_list_gives_the_common_name_the_room_there_is() {
    for scope in [0usize, 2] {
        let mut narrow = with_long_names((80, 24));
        choose_scope(&mut narrow, scope);
        let screen = render(&narrow);
        let cn80 = cn_column(&screen);
        assert!(cn80 > 20, "scope {scope}: {screen}");
        // Account column only when rows of several accounts are listed together.
        assert_eq!(screen.contains("Account "), scope == 0, "{screen}");
        let mut wide = with_long_names((120, 40));
        choose_scope(&mut wide, scope);
        update(&mut wide, key(KeyCode::Char('g')));
        update(&mut wide, key(KeyCode::Enter));
        assert!(wide.detail_open);
        let screen = render(&wide);
        assert!(screen.contains("Detail"), "{screen}");
        let cn120 = cn_column(&screen);
        assert!(cn120 >= cn80, "scope {scope}: {cn120} < {cn80}\n{screen}");
    }
    // One account: no Account column in the All view either.
    let mut s = State::new(
        vec![AccountView::new(
            "solo",
            ProviderKind::Sectigo,
            &[Family::Ssl],
        )],
        KeyMap::default(),
        NOW,
        (80, 24),
    );
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Rows {
            job: 0,
            rows: rows()
                .into_iter()
                .map(|r| Cert { account: 0, ..r })
                .collect(),
        }),
    );
    s.settle();
    let screen = render(&s);
    assert!(!screen.contains("Account "), "{screen}");
    assert!(screen.contains("intranet.corp.example.test"), "{screen}");
}

#[test]
fn text_is_not_cut_where_there_is_room() {
    use certdeck::ui::wrap_words;
    // Subjects break after commas, not inside a word.
    assert_eq!(
        wrap_words("CN=www.orchard-univ.example,O=Orchard University,C=US", 30),
        ["CN=www.orchard-univ.example,", "O=Orchard University,C=US"]
    );
    assert_eq!(wrap_words("points to   x", 20), ["points to   x"]);
    // Help: as wide as the terminal allows (up to 100), descriptions wrap, never cut.
    for size in SIZES {
        let mut s = loaded(size);
        update(&mut s, key(KeyCode::Char('?')));
        let screen = render(&s);
        if size.0 >= 120 {
            assert!(
                screen.contains("the action menu for the selected or marked certificates"),
                "{screen}"
            );
        }
        assert!(!screen.contains("certifi│"), "{screen}");
    }
    // Detail labels are not cut.
    for size in SIZES {
        let mut s = detail_state(size);
        let i = s.selected_cert().unwrap().0;
        if let Some(certdeck::app::DetailState::Loaded(v)) = s.details.get_mut(&i) {
            v.detail
                .fields
                .insert(0, ("Notifications suspended".into(), "no".into()));
        }
        let screen = render(&s);
        assert!(screen.contains("Notifications suspended"), "{screen}");
    }
    // The title keeps sort and filter, dropping the count first.
    let mut s = loaded((80, 24));
    update(&mut s, key(KeyCode::Char('/')));
    type_str(&mut s, "intranet.corp.example");
    update(&mut s, key(KeyCode::Enter));
    let title = render(&s).lines().next().unwrap().to_string();
    assert!(
        title.contains("sort: expiry │ filter: intranet.corp.example"),
        "{title}"
    );
}

/// Play the worker for file checks: every file is fine. Other commands pass through.
fn files_fine(s: &mut State, cmds: Vec<Command>) -> Vec<Command> {
    let mut out = Vec::new();
    for c in cmds {
        if let Command::CheckFiles { job, .. } = c {
            let next = update(
                s,
                Msg::Worker(WorkerEvent::Done {
                    job,
                    result: Ok(JobOutput::FilesChecked { problems: vec![] }),
                }),
            );
            out.extend(files_fine(s, next));
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn the_list_styles_its_header_the_selected_row_and_the_status_column() {
    let mut s = loaded((100, 30));
    update(&mut s, key(KeyCode::Char('j')));
    update(&mut s, key(KeyCode::Char('j')));
    let (_, chosen) = s.selected_cert().unwrap();
    let cn = chosen.common_name.clone();
    let status = chosen.status.label();
    let mut t = Terminal::new(TestBackend::new(100, 30)).unwrap();
    t.draw(|f| certdeck::ui::draw(&s, f)).unwrap();
    let buf = t.backend().buffer().clone();
    let line = |y: u16| -> String { (0..100).map(|x| buf[(x, y)].symbol().to_string()).collect() };
    let header = (0..30).find(|&y| line(y).contains("Common name")).unwrap();
    let x = line(header).find("Common name").unwrap() as u16;
    assert!(
        buf[(x, header)].modifier.contains(Modifier::BOLD),
        "the header is bold"
    );
    // The selected row, and only it, is drawn reversed across the list's width.
    let rows: Vec<u16> = (header + 1..29)
        .filter(|&y| buf[(x, y)].modifier.contains(Modifier::REVERSED))
        .collect();
    assert_eq!(rows.len(), 1, "{rows:?}");
    let y = rows[0];
    assert!(line(y).contains(&cn), "{} does not show {cn}", line(y));
    let sx = line(y).find(status).unwrap() as u16;
    assert!(buf[(sx, y)].modifier.contains(Modifier::REVERSED));
    // Another row's status keeps its own colour (no selection over it).
    let other = (header + 1..29)
        .find(|&r| r != y && line(r).contains("EXPIRED"))
        .unwrap();
    let ex = line(other).find("EXPIRED").unwrap() as u16;
    assert!(!buf[(ex, other)].modifier.contains(Modifier::REVERSED));
    assert_ne!(
        buf[(ex, other)].fg,
        ratatui::style::Color::Reset,
        "EXPIRED is coloured"
    );
}

#[test]
fn a_remapped_quit_key_keeps_its_hint_even_when_the_bar_is_short() {
    let mut o = std::collections::BTreeMap::new();
    o.insert("quit".to_string(), "ctrl-q".to_string());
    for size in SIZES {
        let mut s = loaded(size);
        s.keymap = KeyMap::with_overrides(&o).unwrap();
        let screen = render(&s);
        let bar = screen.lines().last().unwrap_or_default().to_string();
        assert!(bar.contains("Ctrl-q quit"), "{bar}");
        assert!(!bar.contains(" q quit"), "{bar}");
        // Also while something loads (the bar is shared with the spinner).
        let _ = s.start();
        let bar = render(&s).lines().last().unwrap_or_default().to_string();
        assert!(bar.contains("Ctrl-q quit"), "{bar}");
    }
    // The too-small screen names it too.
    let mut s = loaded((60, 20));
    s.keymap = KeyMap::with_overrides(&o).unwrap();
    assert!(render(&s).contains("Ctrl-q quits"));
}

#[test]
fn a_providers_question_shows_dots_for_what_is_typed() {
    use certdeck::provider::host::{Prompt, PromptKind};
    let mut s = loaded((80, 24));
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Prompt {
            prompt: 7,
            account: 0,
            question: Prompt {
                title: "One-time password".into(),
                lines: vec![
                    "The server asks for the 6-digit code from your authenticator app to log in."
                        .into(),
                ],
                kind: PromptKind::Secret,
            },
        }),
    );
    for c in "4928".chars() {
        update(&mut s, key(KeyCode::Char(c)));
    }
    let screen = render(&s);
    assert!(screen.contains("One-time password"), "{screen}");
    assert!(screen.contains("••••"), "{screen}");
    assert!(!screen.contains("4928"), "{screen}");
    let bar = screen.lines().last().unwrap_or_default();
    assert!(bar.contains("Enter send  Esc cancel"), "{bar}");
    assert!(
        !bar.contains("filter"),
        "no list keys while the question is open: {bar}"
    );
    snap("prompt_secret", &s);
}
