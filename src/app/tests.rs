//! `update` unit tests: keys and worker events in, state and commands out.

use crate::provider::sectigo::Family;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::model::{CertDetail, CertStatus};

pub const NOW: i64 = 1_795_000_000; // 2026-11-17

fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

fn typed(state: &mut State, s: &str) {
    for c in s.chars() {
        update(state, ch(c));
    }
}

fn account(name: &str) -> AccountView {
    AccountView::new(name, ProviderKind::Sectigo, &[Family::Ssl])
}

fn cert(account: usize, id: u32, cn: &str, status: CertStatus, days: Option<i64>) -> Cert {
    Cert {
        account,
        family: Family::Ssl,
        id: id.to_string(),
        common_name: cn.into(),
        sans: vec![format!("alt-{id}.example.net")],
        serial: Some(format!("0A:{:02X}:FF", id % 256)),
        status,
        status_text: status.label().into(),
        profile: Some("OV SSL".into()),
        expires: days.map(|d| NOW + d * 86_400 + 3600),
        complete: true,
        sha256: None,
        origin: crate::model::Origin::Unknown,
    }
}

fn state_with(n: u32) -> State {
    let mut s = State::new(
        vec![account("corp"), account("lab")],
        KeyMap::default(),
        NOW,
        (100, 30),
    );
    let rows = (0..n)
        .map(|i| {
            cert(
                (i % 2) as usize,
                i,
                &format!("host{i:04}.example.com"),
                if i % 5 == 0 {
                    CertStatus::Requested
                } else {
                    CertStatus::Issued
                },
                Some(i as i64 - 3),
            )
        })
        .collect();
    update(&mut s, Msg::Worker(WorkerEvent::Rows { job: 0, rows }));
    s.settle();
    s
}

fn selected_cn(s: &State) -> String {
    s.selected_cert()
        .map(|(_, c)| c.common_name.clone())
        .unwrap_or_default()
}

/// An operation the provider set going: the CA issuing certificate `id`.
fn issue_op(family: Collection, id: &str) -> crate::provider::op::Op {
    crate::provider::op::Op {
        kind: "issue",
        family,
        id: id.into(),
        goal: "issued",
        baseline: None,
    }
}

#[test]
fn start_lists_every_usable_account_and_tracks_jobs() {
    let mut s = State::new(
        vec![
            account("corp"),
            AccountView::unavailable("nas", ProviderKind::Synology, "not supported yet".into()),
        ],
        KeyMap::default(),
        NOW,
        (100, 30),
    );
    let cmds = s.start();
    assert_eq!(cmds.len(), 1);
    let Command::List {
        job,
        account,
        family,
    } = cmds[0].clone()
    else {
        panic!("expected a list command, got {cmds:?}");
    };
    assert_eq!((account, family), (0, Family::Ssl));
    assert!(s.busy());
    assert_eq!(s.accounts[0].families[0].load, LoadState::Loading);
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Total {
            job,
            account: 0,
            family: Family::Ssl,
            total: 2,
        }),
    );
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Rows {
            job,
            rows: vec![cert(0, 1, "a.example.com", CertStatus::Issued, Some(10))],
        }),
    );
    s.settle();
    assert_eq!(s.accounts[0].loaded(), 1);
    assert_eq!(s.accounts[0].families[0].total, Some(2));
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
    assert!(!s.busy());
    assert_eq!(s.accounts[0].families[0].load, LoadState::Loaded);
}

#[test]
fn a_bare_page_row_never_overwrites_a_completed_row() {
    let mut s = state_with(3);
    let mut bare = cert(0, 2, "host0002.example.com", CertStatus::Unknown, None);
    bare.complete = false;
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Rows {
            job: 0,
            rows: vec![bare],
        }),
    );
    s.settle();
    assert_eq!(s.certs.len(), 3);
    let c = s.certs.iter().find(|c| c.id == "2").unwrap();
    assert_eq!(c.status, CertStatus::Issued);
    assert!(c.complete);
}

#[test]
fn filter_matches_cn_sans_and_serial_case_insensitively_and_esc_clears() {
    let mut s = state_with(40);
    update(&mut s, ch('/'));
    assert!(s.filter_editing);
    typed(&mut s, "HOST001");
    assert_eq!(s.view.len(), 10, "host0010..host0019");
    // SAN
    update(&mut s, key(KeyCode::Esc));
    assert!(!s.filter_editing);
    assert_eq!(s.view.len(), 40);
    update(&mut s, ch('/'));
    typed(&mut s, "alt-7.example");
    assert_eq!(s.view.len(), 1);
    assert_eq!(selected_cn(&s), "host0007.example.com");
    // serial, with and without colons
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, ch('/'));
    typed(&mut s, "0a:1b:ff");
    assert_eq!(s.view.len(), 1);
    assert_eq!(selected_cn(&s), "host0027.example.com");
    for _ in 0..8 {
        update(&mut s, key(KeyCode::Backspace));
    }
    typed(&mut s, "0a1bff");
    assert_eq!(s.view.len(), 1);
    // Enter keeps the filter and leaves editing; Esc in the list clears it.
    update(&mut s, key(KeyCode::Enter));
    assert!(!s.filter_editing);
    assert_eq!(s.filter_text(), "0a1bff");
    assert_eq!(s.view.len(), 1);
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(s.filter_text(), "");
    assert_eq!(s.view.len(), 40);
}

#[test]
fn typing_in_the_filter_never_triggers_bindings() {
    let mut s = state_with(5);
    update(&mut s, ch('/'));
    typed(&mut s, "qs?e");
    assert!(!s.quit);
    assert!(s.overlay.is_none());
    assert_eq!(s.filter_text(), "qs?e");
    // but Ctrl-C still quits
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
    );
    assert!(s.quit);
}

#[test]
fn sort_cycles_expiry_cn_status() {
    let mut s = State::new(vec![account("corp")], KeyMap::default(), NOW, (100, 30));
    let rows = vec![
        cert(0, 1, "b.example.com", CertStatus::Issued, Some(5)),
        cert(0, 2, "a.example.com", CertStatus::Issued, Some(50)),
        cert(0, 3, "c.example.com", CertStatus::Requested, None),
        cert(0, 4, "d.example.com", CertStatus::Revoked, Some(-2)),
    ];
    update(&mut s, Msg::Worker(WorkerEvent::Rows { job: 0, rows }));
    s.settle();
    let order = |s: &State| -> Vec<String> {
        s.view
            .iter()
            .map(|&i| s.certs[i as usize].id.clone())
            .collect()
    };
    assert_eq!(s.sort, SortKey::Expiry);
    assert_eq!(order(&s), ["4", "1", "2", "3"]);
    update(&mut s, ch('s'));
    assert_eq!(s.sort, SortKey::CommonName);
    assert_eq!(order(&s), ["2", "1", "3", "4"]);
    update(&mut s, ch('s'));
    assert_eq!(s.sort, SortKey::Status);
    assert_eq!(order(&s)[0], "3", "pending requests first");
    update(&mut s, ch('s'));
    assert_eq!(s.sort, SortKey::Expiry);
}

#[test]
fn sorting_keeps_the_selected_certificate_selected() {
    let mut s = state_with(20);
    update(&mut s, ch('j'));
    update(&mut s, ch('j'));
    let before = selected_cn(&s);
    update(&mut s, ch('s'));
    assert_eq!(selected_cn(&s), before);
}

#[test]
fn movement_keys_and_viewport() {
    let mut s = state_with(100);
    let h = s.list_height();
    assert_eq!(h, 25, "100x30 leaves 25 list rows");
    update(&mut s, ch('j'));
    assert_eq!(s.sel, 1);
    update(&mut s, key(KeyCode::Down));
    assert_eq!(s.sel, 2);
    update(&mut s, ch('k'));
    assert_eq!(s.sel, 1);
    update(&mut s, ch('G'));
    assert_eq!(s.sel, 99);
    assert_eq!(s.list_offset, 100 - h);
    update(&mut s, ch('g'));
    assert_eq!((s.sel, s.list_offset), (0, 0));
    update(&mut s, key(KeyCode::PageDown));
    assert_eq!(s.sel, h);
    assert!(s.sel >= s.list_offset && s.sel < s.list_offset + h);
    update(&mut s, key(KeyCode::PageUp));
    assert_eq!(s.sel, 0);
    update(&mut s, ch('k'));
    assert_eq!(s.sel, 0, "no wrap at the top");
    // a resize keeps the selection on screen
    update(&mut s, ch('G'));
    update(&mut s, Msg::Resize(80, 24));
    let h = s.list_height();
    assert!(s.sel >= s.list_offset && s.sel < s.list_offset + h);
}

#[test]
fn tab_and_h_l_move_focus_between_panes() {
    let mut s = state_with(3);
    assert_eq!(s.focus, Pane::List);
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(s.focus, Pane::Accounts);
    update(&mut s, key(KeyCode::BackTab));
    assert_eq!(s.focus, Pane::List);
    update(&mut s, ch('h'));
    assert_eq!(s.focus, Pane::Accounts);
    update(&mut s, ch('l'));
    assert_eq!(s.focus, Pane::List);
}

#[test]
fn choosing_an_account_narrows_the_list() {
    let mut s = state_with(10);
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(s.focus, Pane::Accounts);
    update(&mut s, ch('j'));
    assert_eq!(s.scope(), Scope::Pending);
    assert_eq!(s.view.len(), 2, "ids 0 and 5 are requests");
    update(&mut s, ch('j'));
    assert_eq!(s.selected_account(), Some(0));
    assert_eq!(s.view.len(), 5);
    assert!(s.view.iter().all(|&i| s.certs[i as usize].account == 0));
    // the account's domain views come next; selecting one asks for its data
    let cmds = update(&mut s, ch('j'));
    assert_eq!(s.scope(), Scope::View(0, "domains"));
    assert_eq!(cmds.len(), 2, "domains and organizations: {cmds:?}");
    let cmds = update(&mut s, ch('j'));
    assert_eq!(s.scope(), Scope::View(0, "dcv"));
    assert_eq!(cmds.len(), 1, "{cmds:?}");
    let cmds = update(&mut s, ch('j'));
    assert_eq!(s.scope(), Scope::View(0, "orgs"));
    assert!(
        matches!(
            cmds.as_slice(),
            [Command::Act {
                request: req,
                ..
            }] if matches!(req.get(), Some(ScmRequest::Organizations))),
        "{cmds:?}"
    );
    update(&mut s, ch('j'));
    assert_eq!(s.scope(), Scope::Account(1));
    assert_eq!(s.view.len(), 5);
    update(&mut s, ch('g'));
    assert_eq!(s.selected_account(), None);
    assert_eq!(s.view.len(), 10);
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.focus, Pane::List);
}

#[test]
fn enter_requests_the_detail_once_and_esc_closes_it() {
    let mut s = state_with(3);
    let cmds = update(&mut s, key(KeyCode::Enter));
    assert_eq!(cmds.len(), 1);
    let Command::Detail { job, id, .. } = cmds[0].clone() else {
        panic!("{cmds:?}")
    };
    let (idx, c) = s.selected_cert().unwrap();
    assert_eq!(id, c.id);
    let c = c.clone();
    assert!(s.detail_open);
    assert_eq!(s.focus, Pane::Detail);
    assert!(matches!(s.details.get(&idx), Some(DetailState::Loading)));
    // a second Enter while loading sends nothing
    update(&mut s, key(KeyCode::Esc));
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    let detail = CertDetail {
        fields: vec![("Id".into(), c.id.clone())],
        ..CertDetail::default()
    };
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Done {
            job,
            result: Ok(JobOutput::Detail {
                account: 0,
                family: Family::Ssl,
                cert: c,
                view: Box::new(DetailView {
                    detail,
                    x509: Ok(vec![]),
                    key_match: None,
                }),
            }),
        }),
    );
    assert!(matches!(s.details.get(&idx), Some(DetailState::Loaded(_))));
    assert!(!s.busy());
    update(&mut s, key(KeyCode::Esc));
    assert!(!s.detail_open);
    assert_eq!(s.focus, Pane::List);
    // cached: no new request
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
}

fn auth_error() -> ProviderError {
    ProviderError::new(
        "corp",
        "list SSL certificates",
        ErrorKind::Auth,
        "Unknown user",
    )
    .with_status(401)
    .with_code(-16)
}

#[test]
fn a_failed_job_pops_up_and_stays_in_the_error_log() {
    let mut s = state_with(0);
    let cmds = s.start();
    let job = cmds[0].job();
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Done {
            job,
            result: Err(auth_error()),
        }),
    );
    assert_eq!(s.errors.len(), 1);
    assert_eq!(s.overlay, Some(Overlay::Error { index: 0 }));
    assert!(matches!(
        s.accounts[0].families[0].load,
        LoadState::Failed(_)
    ));
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(s.overlay, None);
    update(&mut s, ch('e'));
    assert_eq!(s.overlay, Some(Overlay::Errors { selected: 0 }));
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.overlay, Some(Overlay::Error { index: 0 }));
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(s.overlay, None);
}

#[test]
fn accounts_that_cannot_be_set_up_are_in_the_error_log_without_a_popup() {
    let mut s = State::new(
        vec![
            account("corp"),
            AccountView::unavailable(
                "nas",
                ProviderKind::Sectigo,
                "no secret: set CERTDECK_NAS_PASSWORD".into(),
            ),
            AccountView::unavailable("pbx", ProviderKind::Yeastar, "not supported yet".into()),
        ],
        KeyMap::default(),
        NOW,
        (100, 30),
    );
    s.start();
    assert_eq!(s.errors.len(), 1);
    let e = &s.errors[0].error;
    assert_eq!(
        (e.account.as_str(), e.operation.as_str()),
        ("nas", "set up the account")
    );
    assert!(e.message.contains("CERTDECK_NAS_PASSWORD"), "{e}");
    assert_eq!(s.overlay, None);
    let (msg, sev) = s.status.clone().unwrap();
    assert_eq!(sev, Severity::Warning);
    assert!(msg.starts_with("nas cannot be used: no secret"), "{msg}");
}

#[test]
fn an_account_that_keeps_failing_opens_the_error_once() {
    let mut s = state_with(0);
    let unreachable = || {
        ProviderError::new(
            "corp",
            "list SSL certificates",
            ErrorKind::Network,
            "connection refused",
        )
    };
    let cmds = s.start();
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Done {
            job: cmds[0].job(),
            result: Err(unreachable()),
        }),
    );
    assert_eq!(s.overlay, Some(Overlay::Error { index: 0 }));
    update(&mut s, key(KeyCode::Esc));
    // The next reloads fail the same way: logged and said, no popup each time.
    for n in 2..=3 {
        let cmds = s.load_account(0);
        assert_eq!(cmds.len(), 1);
        update(
            &mut s,
            Msg::Worker(WorkerEvent::Done {
                job: cmds[0].job(),
                result: Err(unreachable()),
            }),
        );
        assert_eq!(s.overlay, None);
        assert_eq!(s.errors.len(), n);
        assert!(
            status_text(&s).contains("failing again"),
            "{}",
            status_text(&s)
        );
    }
    // Once it has loaded, a new failure is news again.
    let cmds = s.load_account(0);
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Done {
            job: cmds[0].job(),
            result: Ok(JobOutput::Listed {
                account: 0,
                family: Family::Ssl,
                count: 0,
            }),
        }),
    );
    let cmds = s.load_account(0);
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Done {
            job: cmds[0].job(),
            result: Err(unreachable()),
        }),
    );
    assert_eq!(s.overlay, Some(Overlay::Error { index: 3 }));
}

#[test]
fn keys_keep_working_while_a_job_hangs() {
    let mut s = state_with(10);
    let cmds = s.start();
    assert!(!cmds.is_empty());
    assert!(s.busy());
    update(&mut s, ch('j'));
    update(&mut s, ch('?'));
    assert!(matches!(s.overlay, Some(Overlay::Help { .. })));
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(s.sel, 1);
    update(&mut s, ch('q'));
    assert!(s.quit);
}

#[test]
fn refresh_reloads_the_selected_account_only() {
    let mut s = state_with(4);
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, ch('j')); // pending
    update(&mut s, ch('j')); // corp
    let cmds = update(&mut s, ch('r'));
    assert_eq!(cmds.len(), 1);
    assert!(matches!(cmds[0], Command::List { account: 0, .. }));
    // a second r while loading does nothing new
    assert!(update(&mut s, ch('r')).is_empty());
}

#[test]
fn help_toggles_and_q_in_help_quits() {
    let mut s = state_with(1);
    update(&mut s, ch('?'));
    assert!(matches!(s.overlay, Some(Overlay::Help { scroll: 0 })));
    update(&mut s, ch('j'));
    assert!(matches!(s.overlay, Some(Overlay::Help { scroll: 1 })));
    update(&mut s, ch('?'));
    assert!(s.overlay.is_none());
    update(&mut s, ch('?'));
    update(&mut s, ch('q'));
    assert!(s.quit);
}

#[test]
fn tick_sets_the_clock() {
    let mut s = state_with(1);
    update(&mut s, Msg::Tick(NOW + 60));
    assert_eq!(s.now, NOW + 60);
}

#[test]
fn accounts_with_several_families_list_them_as_scopes() {
    let mut s = State::new(
        vec![
            AccountView::new(
                "corp",
                ProviderKind::Sectigo,
                &[Family::Ssl, Family::Client, Family::Device],
            ),
            account("lab"),
        ],
        KeyMap::default(),
        NOW,
        (100, 30),
    );
    assert_eq!(
        s.scopes(),
        vec![
            Scope::All,
            Scope::Pending,
            Scope::Account(0),
            Scope::Collection(0, Family::Ssl),
            Scope::Collection(0, Family::Client),
            Scope::Collection(0, Family::Device),
            Scope::View(0, "domains"),
            Scope::View(0, "dcv"),
            Scope::View(0, "orgs"),
            Scope::Account(1),
            Scope::View(1, "domains"),
            Scope::View(1, "dcv"),
            Scope::View(1, "orgs"),
        ]
    );
    let cmds = s.start();
    assert_eq!(cmds.len(), 4, "one list job per family");
    let mut client = cert(0, 7, "alice", CertStatus::Issued, Some(30));
    client.family = Family::Client;
    let rows = vec![
        cert(0, 1, "www", CertStatus::Issued, Some(3)),
        client,
        cert(1, 2, "lab", CertStatus::Issued, Some(9)),
    ];
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Rows {
            job: cmds[0].job(),
            rows,
        }),
    );
    s.settle();
    assert_eq!(s.accounts[0].families[0].loaded, 1);
    assert_eq!(s.accounts[0].families[1].loaded, 1);
    update(&mut s, key(KeyCode::Tab));
    for _ in 0..4 {
        update(&mut s, ch('j'));
    }
    assert_eq!(s.scope(), Scope::Collection(0, Family::Client));
    assert_eq!(s.view.len(), 1);
    assert_eq!(selected_cn(&s), "alice");
    // One family failing leaves the others loaded.
    let device_job = cmds[2].job();
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Done {
            job: device_job,
            result: Err(auth_error()),
        }),
    );
    assert!(matches!(
        s.accounts[0].families[2].load,
        LoadState::Failed(_)
    ));
    assert_eq!(s.accounts[0].families[0].load, LoadState::Loading);
}

// ---- action dialogs ----------------------------------------------------------------------

use crate::provider::request::{ActionOutput, ActionRequest};
use crate::provider::sectigo::actions::RevokeReason;
use crate::provider::sectigo::request::ScmRequest;

fn tab(s: &mut State, n: usize) {
    for _ in 0..n {
        update(s, key(KeyCode::Tab));
    }
}

/// Move from the edit stage to OK and press it (validation), then confirm if asked.
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

fn ok_and_confirm(s: &mut State) -> Vec<Command> {
    let mut cmds = Vec::new();
    assert!(
        s.dialog.as_ref().is_some_and(|d| d.form.has_ok()),
        "no form with an OK button is open"
    );
    // Shift-Tab from the first field reaches OK (fields … Cancel OK wraps).
    while s
        .dialog
        .as_ref()
        .is_some_and(|d| d.form.focus != form::Focus::Ok)
    {
        update(s, key(KeyCode::BackTab));
    }
    let sent = update(s, key(KeyCode::Enter));
    cmds.extend(files_fine(s, sent));
    if s.dialog
        .as_ref()
        .is_some_and(|d| d.form.stage == form::Stage::Confirm)
    {
        assert_eq!(
            s.dialog.as_ref().unwrap().form.focus,
            form::Focus::Cancel,
            "confirm starts on Cancel"
        );
        update(s, key(KeyCode::Right));
        cmds.extend(update(s, key(KeyCode::Enter)));
    }
    cmds
}

fn select_id(s: &mut State, id: &str) {
    let pos = s
        .view
        .iter()
        .position(|&i| s.certs[i as usize].id == id)
        .expect("id in view");
    s.sel = pos;
}

#[test]
fn approve_needs_a_message_then_confirmation_then_sends_one_command() {
    let mut s = state_with(10);
    select_id(&mut s, "5"); // a request
    let cmds = update(&mut s, ch('a'));
    assert!(cmds.is_empty());
    assert!(s.dialog.is_some());
    // OK with an empty message: a field error, nothing sent.
    let sent = ok_and_confirm(&mut s);
    assert!(sent.is_empty());
    let d = s.dialog.as_ref().unwrap();
    assert!(
        d.form
            .field("message")
            .unwrap()
            .error
            .as_deref()
            .unwrap()
            .contains("required")
    );
    // Type a message (focus went to the field with the error).
    for c in "looks good".chars() {
        update(&mut s, ch(c));
    }
    let sent = ok_and_confirm(&mut s);
    assert_eq!(sent.len(), 1, "{sent:?}");
    let Command::Act {
        request, account, ..
    } = &sent[0]
    else {
        panic!("{sent:?}")
    };
    assert_eq!(*account, 1);
    assert_eq!(
        request,
        &ScmRequest::Approve {
            family: Family::Ssl,
            id: "5".into(),
            message: "looks good".into()
        }
    );
    assert!(s.dialog.is_none());
    assert!(s.busy());
}

#[test]
fn esc_cancels_and_nothing_is_sent() {
    let mut s = state_with(10);
    select_id(&mut s, "5");
    update(&mut s, ch('a'));
    for c in "x".chars() {
        update(&mut s, ch(c));
    }
    assert!(update(&mut s, key(KeyCode::Esc)).is_empty());
    assert!(s.dialog.is_none());
    assert!(!s.busy());
}

#[test]
fn approving_something_that_is_not_a_request_is_refused_with_a_reason() {
    let mut s = state_with(10);
    select_id(&mut s, "3"); // issued
    assert!(update(&mut s, ch('a')).is_empty());
    assert!(s.dialog.is_none());
    let (msg, _) = s.status.clone().unwrap();
    assert!(msg.contains("only requests awaiting approval"), "{msg}");
}

#[test]
fn bulk_approve_of_marked_requests_sends_one_command_each() {
    let mut s = state_with(20);
    update(&mut s, ch('p')); // pending view: ids 0, 5, 10, 15
    assert_eq!(s.scope(), Scope::Pending);
    assert_eq!(s.view.len(), 4);
    update(&mut s, ch(' '));
    update(&mut s, ch(' '));
    update(&mut s, ch(' '));
    assert_eq!(s.marked.len(), 3);
    update(&mut s, ch('a'));
    assert!(s.dialog.as_ref().unwrap().form.intro[0].contains("3 certificates"));
    for c in "batch ok".chars() {
        update(&mut s, ch(c));
    }
    let sent = ok_and_confirm(&mut s);
    assert_eq!(sent.len(), 3);
    assert!(sent.iter().all(|c| matches!(c, Command::Act { request: req, .. } if matches!(req.get(), Some(ScmRequest::Approve { message, .. }) if message == "batch ok"))));
    assert!(s.marked.is_empty(), "marks are cleared once sent");
}

#[test]
fn revoke_requires_reason_and_the_typed_common_name() {
    let mut s = state_with(10);
    select_id(&mut s, "3");
    update(&mut s, ch('R'));
    let d = s.dialog.as_ref().unwrap();
    assert!(
        d.form.field("by").is_some(),
        "single cert with a serial offers revoke by serial"
    );
    // reason code: move to the code field and pick "superseded (4)"
    tab(&mut s, 1);
    for _ in 0..3 {
        update(&mut s, key(KeyCode::Right));
    }
    tab(&mut s, 1);
    for c in "moved to new host".chars() {
        update(&mut s, ch(c));
    }
    tab(&mut s, 1);
    for c in "host0003.example".chars() {
        update(&mut s, ch(c));
    }
    // wrong confirmation text: refused
    assert!(ok_and_confirm(&mut s).is_empty());
    assert!(
        s.dialog
            .as_ref()
            .unwrap()
            .form
            .field("confirm")
            .unwrap()
            .error
            .is_some()
    );
    for c in ".com".chars() {
        update(&mut s, ch(c));
    }
    let sent = ok_and_confirm(&mut s);
    assert_eq!(sent.len(), 1);
    let Command::Act { request, about, .. } = &sent[0] else {
        panic!()
    };
    // The audit line will name what was revoked: CN, serial and SANs.
    let c = &s.certs[s.index.get(&s.certs, 1, Family::Ssl, "3").unwrap()];
    assert_eq!(
        about,
        &vec![crate::audit::Subject {
            cn: c.common_name.clone(),
            serial: c.serial.clone(),
            sans: c.sans.clone(),
        }]
    );
    assert!(!c.sans.is_empty() && c.serial.is_some());
    assert_eq!(
        request,
        &ScmRequest::Revoke {
            family: Family::Ssl,
            id: "3".into(),
            reason: RevokeReason::Superseded,
            text: "moved to new host".into()
        }
    );
}

#[test]
fn read_only_accounts_refuse_mutations_with_an_audit_line() {
    let mut s = state_with(10);
    s.accounts[1].read_only = true;
    select_id(&mut s, "5"); // account 1
    let cmds = update(&mut s, ch('a'));
    assert!(s.dialog.is_none());
    assert_eq!(cmds.len(), 1);
    let Command::Audit { entry, .. } = &cmds[0] else {
        panic!("{cmds:?}")
    };
    assert_eq!(entry.action, "approve");
    assert_eq!(entry.ids, vec!["5".to_string()]);
    assert!(entry.outcome.starts_with("refused"), "{}", entry.outcome);
    // the whole console read-only refuses too, but downloads are reads and still open
    let mut s = state_with(10);
    s.read_only = true;
    select_id(&mut s, "3");
    let cmds = update(&mut s, ch('R'));
    assert!(matches!(cmds.as_slice(), [Command::Audit { .. }]));
    assert!(update(&mut s, ch('c')).is_empty());
    assert!(
        s.dialog.is_some(),
        "download dialog opens in read-only mode"
    );
}

#[test]
fn download_sends_a_collect_with_the_chosen_format_and_path() {
    let mut s = state_with(10);
    select_id(&mut s, "3");
    update(&mut s, ch('c'));
    // format: x509CO (the account's default) is preselected; bin is the last of six
    for _ in 0..5 {
        update(&mut s, key(KeyCode::Right));
    }
    let path = s.dialog.as_ref().unwrap().form.value("path");
    assert_eq!(path, "./host0003.example.com.p7b");
    let sent = ok_and_confirm(&mut s);
    let [
        Command::Collect {
            format, path, id, ..
        },
    ] = sent.as_slice()
    else {
        panic!("{sent:?}")
    };
    assert_eq!(*format, "bin");
    assert_eq!(id, "3");
    assert_eq!(path.to_str().unwrap(), "./host0003.example.com.p7b");
}

#[test]
fn an_approval_is_followed_until_the_certificate_is_issued_and_that_is_announced() {
    let mut s = state_with(10);
    select_id(&mut s, "5");
    update(&mut s, ch('a'));
    for c in "ok".chars() {
        update(&mut s, ch(c));
    }
    let sent = ok_and_confirm(&mut s);
    let Command::Act { job, request, .. } = sent[0].clone() else {
        panic!()
    };
    let op = issue_op(Family::Ssl, "5");
    let cmds = update(
        &mut s,
        Msg::Worker(WorkerEvent::Done {
            job,
            result: Ok(JobOutput::Acted {
                account: 1,
                request: Box::new(request),
                output: Box::new(crate::provider::sectigo::request::ScmOutput::Done.into()),
                follows: vec![op.clone()],
            }),
        }),
    );
    // The row is refreshed at once; the worker follows the issuance from now on.
    assert!(
        matches!(cmds.as_slice(), [Command::Detail { id, .. }] if id == "5"),
        "{cmds:?}"
    );
    let idx = s.index.get(&s.certs, 1, Family::Ssl, "5").unwrap();
    let cn = s.certs[idx].common_name.clone();
    assert!(s.is_followed(idx));
    assert!(status_text(&s).contains("watching until it is issued"));
    // That refresh answers (still a request).
    let Command::Detail { job: refresh, .. } = cmds[0].clone() else {
        panic!()
    };
    let row = s.certs[idx].clone();
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Done {
            job: refresh,
            result: Ok(JobOutput::Detail {
                account: 1,
                family: Family::Ssl,
                cert: row,
                view: Box::new(DetailView {
                    detail: CertDetail::default(),
                    x509: Ok(vec![]),
                    key_match: None,
                }),
            }),
        }),
    );
    // A poll says Approved: the row shows it, still followed, nothing announced.
    let mut approved = s.certs[idx].clone();
    approved.status = CertStatus::Approved;
    approved.status_text = "Approved".into();
    let step = crate::worker::FollowStep::Pending {
        status: "Approved".into(),
        cert: Some(Box::new(approved.clone())),
    };
    let before = s.status_log.len();
    let cmds = update(
        &mut s,
        Msg::Worker(WorkerEvent::Followed {
            job,
            account: 1,
            op: op.clone(),
            step,
        }),
    );
    assert!(cmds.is_empty());
    assert_eq!(s.certs[idx].status, CertStatus::Approved);
    assert!(s.is_followed(idx));
    assert_eq!(s.status_log.len(), before);
    // Issued: announced in the status bar and its history, its detail (with the body) read.
    let mut issued = approved;
    issued.status = CertStatus::Issued;
    issued.status_text = "Issued".into();
    update(&mut s, Msg::Clock(NOW + 42));
    let cmds = update(
        &mut s,
        Msg::Worker(WorkerEvent::Followed {
            job,
            account: 1,
            op,
            step: crate::worker::FollowStep::Settled {
                ok: true,
                status: "Issued".into(),
                cert: Some(Box::new(issued)),
            },
        }),
    );
    assert!(
        matches!(cmds.as_slice(), [Command::Detail { id, .. }] if id == "5"),
        "{cmds:?}"
    );
    assert!(!s.is_followed(idx), "issued: no longer followed");
    assert_eq!(s.certs[idx].status, CertStatus::Issued);
    let (msg, sev) = s.status.clone().unwrap();
    assert_eq!(
        (msg.as_str(), sev),
        (format!("issued: {cn}").as_str(), Severity::Info)
    );
    let last = s.status_log.back().unwrap();
    assert_eq!(last.text, format!("issued: {cn}"));
    assert_eq!(last.time, NOW + 42, "the history has the time it happened");
}

#[test]
fn a_follow_that_ends_badly_or_gives_up_says_so_without_a_popup() {
    let mut s = state_with(10);
    let idx = s.index.get(&s.certs, 1, Family::Ssl, "5").unwrap();
    let cn = s.certs[idx].common_name.clone();
    let followed = |s: &mut State, id: &str, step| {
        let op = issue_op(Family::Ssl, id);
        s.follow(7, 1, std::slice::from_ref(&op));
        update(
            s,
            Msg::Worker(WorkerEvent::Followed {
                job: 7,
                account: 1,
                op,
                step,
            }),
        )
    };
    // Declined at the CA.
    followed(
        &mut s,
        "5",
        crate::worker::FollowStep::Settled {
            ok: false,
            status: "Declined".into(),
            cert: None,
        },
    );
    let (msg, sev) = s.status.clone().unwrap();
    assert_eq!(sev, Severity::Warning);
    assert_eq!(msg, format!("{cn} was not issued: it is Declined"));
    // The worker stopped after its time.
    followed(
        &mut s,
        "5",
        crate::worker::FollowStep::GaveUp {
            status: Some("Approved".into()),
            after: std::time::Duration::from_secs(15 * 60 + 1),
        },
    );
    let (msg, sev) = s.status.clone().unwrap();
    assert_eq!(sev, Severity::Warning);
    assert!(
        msg.contains("still Approved after 15 minutes") && msg.contains("r refreshes"),
        "{msg}"
    );
    // Polls kept failing: the error is kept, no popup.
    followed(&mut s, "5", crate::worker::FollowStep::Failed(auth_error()));
    assert!(status_text(&s).starts_with(&format!("stopped watching {cn}")));
    assert_eq!(s.errors.len(), 1);
    assert_eq!(s.overlay, None);
    assert!(!s.is_followed(idx));
    assert!(s.following.is_empty());
}

#[test]
fn status_history_keeps_the_time_of_the_event_without_ticks() {
    let mut s = state_with(10);
    select_id(&mut s, "3"); // issued
    // No tick for ten minutes; the loop sends the clock with the key.
    update(&mut s, Msg::Clock(NOW + 600));
    update(&mut s, ch('a')); // refused: not a request
    let last = s.status_log.back().expect("a status line");
    assert_eq!(last.time, NOW + 600);
    // The clock never runs backwards.
    update(&mut s, Msg::Clock(NOW + 10));
    assert_eq!(s.now, NOW + 600);
}

#[test]
fn an_enrolment_loads_the_new_row_with_its_key_file_for_the_match_check() {
    let mut s = state_with(3);
    let job = 99;
    s.jobs.insert(
        job,
        Job {
            kind: JobKind::Enroll,
            label: "enroll".into(),
            progress: None,
        },
    );
    let cmds = update(
        &mut s,
        Msg::Worker(WorkerEvent::Done {
            job,
            result: Ok(JobOutput::Enrolled {
                account: 0,
                family: Family::Ssl,
                enrolled: crate::provider::sectigo::actions::Enrolled {
                    id: "777".into(),
                    renew_id: Some("tok".into()),
                },
                key_path: Some("/tmp/new.key".into()),
                follows: Vec::new(),
            }),
        }),
    );
    let [
        Command::Detail {
            id, key, family, ..
        },
    ] = cmds.as_slice()
    else {
        panic!("{cmds:?}")
    };
    assert_eq!(id, "777");
    assert_eq!(*family, Family::Ssl);
    assert_eq!(key.as_deref(), Some(std::path::Path::new("/tmp/new.key")));
    assert_eq!(
        s.renew_ids.get(&(0, "777".to_string())).map(String::as_str),
        Some("tok")
    );
}

#[test]
fn downloading_a_certificate_that_is_not_issued_yet_is_not_a_failure() {
    let mut s = state_with(10);
    select_id(&mut s, "5"); // a request whose status is not known yet: left to SCM
    let i = s.selected_cert().unwrap().0;
    s.certs[i].status = CertStatus::Unknown;
    update(&mut s, ch('c'));
    let sent = ok_and_confirm(&mut s);
    assert!(
        matches!(sent.as_slice(), [Command::Collect { .. }]),
        "{sent:?}"
    );
    let job = sent[0].job();
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Done {
            job,
            result: Err(ProviderError::new(
                "lab",
                "collect SSL certificate 5",
                ErrorKind::NotReady,
                "Certificate is not collectable.",
            )
            .with_status(400)
            .with_code(-183)),
        }),
    );
    assert!(s.overlay.is_none(), "no error popup");
    let (msg, sev) = s.status.clone().unwrap();
    assert_eq!(sev, Severity::Warning);
    assert!(
        msg.starts_with("not issued yet") && msg.contains("-183"),
        "{msg}"
    );
    assert_eq!(s.errors.len(), 1, "still in the log");
}

#[test]
fn replace_sends_an_enrolment_that_replaces_with_a_local_key() {
    let mut s = state_with(10);
    select_id(&mut s, "3");
    update(&mut s, ch('u'));
    // no reason: refused with a field error
    assert!(ok_and_confirm(&mut s).is_empty());
    assert!(
        s.dialog
            .as_ref()
            .unwrap()
            .form
            .field("reason")
            .unwrap()
            .error
            .is_some()
    );
    for c in "key rotation".chars() {
        update(&mut s, ch(c));
    }
    let sent = ok_and_confirm(&mut s);
    let [Command::Enroll { spec, account, .. }] = sent.as_slice() else {
        panic!("{sent:?}")
    };
    assert_eq!(*account, 1);
    assert_eq!(spec.replaces.as_deref(), Some("3"));
    // The audit line will name the certificate replaced, with its serial.
    let row = s
        .certs
        .iter()
        .find(|c| c.account == 1 && c.id == "3")
        .unwrap();
    assert_eq!(spec.about, vec![crate::audit::Subject::of(row, false)]);
    let Some(ScmRequest::Replace {
        family,
        id,
        request: r,
    }) = spec.request.get().cloned()
    else {
        panic!("{:?}", spec.request)
    };
    assert_eq!((family, id.as_str()), (Family::Ssl, "3"));
    assert_eq!(r.reason, "key rotation");
    assert_eq!(r.common_name.as_deref(), Some("host0003.example.com"));
    assert!(
        r.sans.contains(&"alt-3.example.net".to_string()),
        "{:?}",
        r.sans
    );
    assert!(matches!(
        spec.key,
        crate::worker::KeySource::Generate { .. }
    ));
}

// ---- enrolment of client (S/MIME) and device certificates --------------------------------

use crate::provider::sectigo::actions::{
    ClientEnrollRequest, CustomFieldDef, DeviceEnrollRequest, Organization, Profile,
};
use crate::provider::sectigo::request::ScmOutput;
use crate::worker::{KeyAlg, KeySource};

/// One Sectigo account with SSL, client and device certificates, and one of each loaded.
fn families_state() -> State {
    let mut s = State::new(
        vec![AccountView::new(
            "corp",
            ProviderKind::Sectigo,
            &[Family::Ssl, Family::Client, Family::Device],
        )],
        KeyMap::default(),
        NOW,
        (100, 30),
    );
    let mut rows = vec![cert(0, 1, "www.example.com", CertStatus::Issued, Some(90))];
    for (id, family, cn) in [
        (2, Family::Client, "Grace Hopper"),
        (3, Family::Device, "door-cam-1"),
    ] {
        let mut c = cert(0, id, cn, CertStatus::Issued, Some(90));
        c.family = family;
        rows.push(c);
    }
    update(&mut s, Msg::Worker(WorkerEvent::Rows { job: 0, rows }));
    s.settle();
    s
}

fn select_scope(s: &mut State, want: Scope) {
    s.account_sel = s.scopes().iter().position(|x| *x == want).expect("scope");
    s.refilter();
    // As moving there does: a side view opens (and sends its first reads).
    s.load_scope(want, false);
}

/// What the emulator-like account answers to the enrol dialog's three loads.
fn family_data(request: &ScmRequest) -> ScmOutput {
    match request {
        ScmRequest::Profiles { family, .. } => ScmOutput::Profiles(vec![Profile {
            id: if *family == Family::Client {
                6101
            } else {
                6201
            },
            name: format!("{} profile", family.label()),
            description: None,
            terms: vec![365, 730],
            key_types: vec![("EC".into(), vec!["P-256".into()])],
        }]),
        ScmRequest::Organizations => ScmOutput::Organizations(vec![Organization {
            id: 1101,
            name: "Acme".into(),
            ..Default::default()
        }]),
        ScmRequest::CustomFields { family } => ScmOutput::CustomFields(vec![CustomFieldDef {
            id: Some(1),
            name: if *family == Family::Device {
                "Asset Tag".into()
            } else {
                "Employee ID".into()
            },
            mandatory: *family == Family::Device,
        }]),
        other => panic!("unexpected load {other:?}"),
    }
}

fn answer_loads(s: &mut State, cmds: &[Command], output: impl Fn(&ScmRequest) -> ScmOutput) {
    for c in cmds {
        let Command::Act {
            job,
            account,
            request,
            ..
        } = c
        else {
            panic!("{c:?}")
        };
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

/// Focus a field of the open dialog by key and type into it.
fn fill(s: &mut State, field: &str, text: &str) {
    let d = s.dialog.as_mut().unwrap();
    let i = d
        .form
        .fields
        .iter()
        .position(|f| f.key == field)
        .unwrap_or_else(|| panic!("no field {field}"));
    d.form.focus = form::Focus::Field(i);
    update(
        s,
        Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    );
    typed(s, text);
}

fn error_of(s: &State, field: &str) -> Option<String> {
    s.dialog.as_ref()?.form.field(field)?.error.clone()
}

#[test]
fn n_on_the_client_family_opens_the_smime_dialog_with_its_own_loads() {
    let mut s = families_state();
    select_scope(&mut s, Scope::Collection(0, Family::Client));
    let cmds = update(&mut s, ch('n'));
    let requests: Vec<ScmRequest> = cmds
        .iter()
        .map(|c| match c {
            Command::Act { request, .. } => request.get::<ScmRequest>().cloned().unwrap(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        requests,
        vec![
            ScmRequest::Profiles {
                family: Family::Client,
                org_id: None
            },
            ScmRequest::Organizations,
            ScmRequest::CustomFields {
                family: Family::Client
            },
        ]
    );
    let d = s.dialog.as_ref().unwrap();
    assert_eq!(d.form.title, "Enroll client (S/MIME) certificate");
    answer_loads(&mut s, &cmds, family_data);
    let d = s.dialog.as_ref().unwrap();
    let keys: Vec<&str> = d.form.fields.iter().map(|f| f.key).collect();
    assert_eq!(
        keys,
        [
            "profile",
            "org",
            "term",
            "email",
            "first",
            "middle",
            "last",
            "secondary",
            "phone",
            "key",
            "key_path",
            "csr_path",
            "comments",
            "custom_0"
        ]
    );
    assert_eq!(
        d.form.focus,
        form::Focus::Field(3),
        "typing starts at the e-mail"
    );
    assert_eq!(
        d.form.value("key"),
        "ECDSA P-256",
        "the profile's key types"
    );
    let Some(form::FieldKind::Choice { options, .. }) = d.form.field("key").map(|f| &f.kind) else {
        panic!()
    };
    assert_eq!(
        options,
        &["ECDSA P-256", "Existing key file", "CSR from a file"]
    );

    // The device family's dialog, from a selected device certificate in the account scope.
    let mut s = families_state();
    select_scope(&mut s, Scope::Account(0));
    select_id(&mut s, "3");
    let cmds = update(&mut s, ch('n'));
    assert_eq!(
        s.dialog.as_ref().unwrap().form.title,
        "Enroll device certificate"
    );
    assert!(cmds.iter().any(|c| matches!(
    c,
    Command::Act {
        request: req,
        ..
    } if matches!(req.get(), Some(ScmRequest::CustomFields {
            family: Family::Device
        })))));
    // An SSL certificate selected: the SSL dialog, as before.
    let mut s = families_state();
    select_scope(&mut s, Scope::Account(0));
    select_id(&mut s, "1");
    update(&mut s, ch('n'));
    assert_eq!(
        s.dialog.as_ref().unwrap().form.title,
        "Enroll SSL certificate"
    );
}

#[test]
fn an_answer_for_another_family_does_not_fill_the_dialog() {
    let mut s = families_state();
    select_scope(&mut s, Scope::Collection(0, Family::Client));
    let cmds = update(&mut s, ch('n'));
    // The client dialog's organizations and custom fields arrive; its profiles not yet.
    let (profiles, rest): (Vec<Command>, Vec<Command>) = cmds.into_iter().partition(|c| {
        matches!(
            c,
            Command::Act {
                request: req,
                ..
            } if matches!(req.get(), Some(ScmRequest::Profiles { .. })))
    });
    answer_loads(&mut s, &rest, family_data);
    // A late answer to an SSL dialog closed a moment ago.
    s.jobs.insert(
        900,
        Job {
            kind: JobKind::DialogData,
            label: "profiles".into(),
            progress: None,
        },
    );
    let ssl = vec![Command::Act {
        job: 900,
        account: 0,
        request: ScmRequest::Profiles {
            family: Family::Ssl,
            org_id: None,
        }
        .into(),
        about: Vec::new(),
    }];
    answer_loads(&mut s, &ssl, |_| {
        ScmOutput::Profiles(vec![Profile {
            id: 1,
            name: "OV SSL".into(),
            ..Default::default()
        }])
    });
    let d = s.dialog.as_ref().unwrap();
    assert!(
        d.form.fields.is_empty() && !d.form.ready,
        "the SSL profiles were taken: {:?}",
        d.form.fields
    );
    answer_loads(&mut s, &profiles, family_data);
    assert_eq!(
        s.dialog.as_ref().unwrap().form.value("profile"),
        "Client profile"
    );
}

#[test]
fn the_smime_dialog_says_what_is_wrong_and_sends_a_client_spec() {
    let mut s = families_state();
    select_scope(&mut s, Scope::Collection(0, Family::Client));
    let cmds = update(&mut s, ch('n'));
    answer_loads(&mut s, &cmds, family_data);

    assert!(ok_and_confirm(&mut s).is_empty());
    assert_eq!(
        error_of(&s, "email").as_deref(),
        Some("the e-mail address is required")
    );
    assert_eq!(
        error_of(&s, "first").as_deref(),
        Some("the first name is required")
    );
    assert_eq!(
        error_of(&s, "last").as_deref(),
        Some("the last name is required")
    );
    assert_eq!(
        error_of(&s, "key_path").as_deref(),
        Some("name the file the private key is written to")
    );
    assert_eq!(
        s.dialog.as_ref().unwrap().form.focus,
        form::Focus::Field(3),
        "focus goes to the first field in error"
    );

    fill(&mut s, "email", "ada@localhost");
    fill(&mut s, "first", "Ada");
    fill(&mut s, "last", &"L".repeat(61));
    fill(&mut s, "secondary", "a.lovelace@example.org, nope");
    fill(&mut s, "phone", "+44 20 call me");
    assert!(ok_and_confirm(&mut s).is_empty());
    assert_eq!(
        error_of(&s, "email").as_deref(),
        Some("\"ada@localhost\" is not an e-mail address")
    );
    assert_eq!(
        error_of(&s, "last").as_deref(),
        Some("the full name is 65 characters; SCM allows at most 64")
    );
    assert_eq!(
        error_of(&s, "secondary").as_deref(),
        Some("not e-mail addresses: nope")
    );
    assert_eq!(
        error_of(&s, "phone").as_deref(),
        Some("'c' is not allowed in a phone number (digits, spaces and + - ( ) # x)")
    );
    assert_eq!(error_of(&s, "first"), None);

    // The key file follows the e-mail address until it is edited.
    fill(&mut s, "email", "ada@example.com");
    assert_eq!(
        s.dialog.as_ref().unwrap().form.value("key_path"),
        "./ada_example.com.key"
    );
    fill(&mut s, "last", "Lovelace");
    fill(&mut s, "middle", "King");
    fill(
        &mut s,
        "secondary",
        "a.lovelace@example.org, ADA@example.com",
    );
    fill(&mut s, "phone", "+44 (20) 7946-0000");
    fill(&mut s, "comments", "lab notebook signing");
    fill(&mut s, "custom_0", "E-1815");
    let sent = {
        // OK: the confirmation lists what is sent and where the key goes.
        while s
            .dialog
            .as_ref()
            .is_some_and(|d| d.form.focus != form::Focus::Ok)
        {
            update(&mut s, key(KeyCode::Tab));
        }
        // The key file is checked first (the worker answers), then the confirmation.
        let check = update(&mut s, key(KeyCode::Enter));
        let [Command::CheckFiles { checks, .. }] = check.as_slice() else {
            panic!("{check:?}")
        };
        assert_eq!(checks.len(), 1);
        assert_eq!(
            (checks[0].field, checks[0].new),
            ("key_path", true),
            "{checks:?}"
        );
        assert!(files_fine(&mut s, check).is_empty());
        let d = s.dialog.as_ref().unwrap();
        assert_eq!(d.form.stage, form::Stage::Confirm);
        assert_eq!(d.form.focus, form::Focus::Cancel);
        assert_eq!(
            d.form.summary,
            [
                "Enroll a client (S/MIME) certificate for Ada King Lovelace <ada@example.com>",
                "profile Client profile, term 365 days, organization Acme (1101)",
                "other e-mails: a.lovelace@example.org",
                "phone: +44 (20) 7946-0000",
                "new ECDSA P-256 key, written to ./ada_example.com.key (0600) first",
                "comments: lab notebook signing",
                "custom fields: Employee ID=E-1815",
            ]
        );
        update(&mut s, key(KeyCode::Right));
        update(&mut s, key(KeyCode::Enter))
    };
    let [Command::Enroll { spec, account, .. }] = sent.as_slice() else {
        panic!("{sent:?}")
    };
    assert_eq!(*account, 0);
    assert_eq!(spec.common_name, "Ada King Lovelace");
    assert_eq!(
        spec.key,
        KeySource::Generate {
            alg: KeyAlg::EcdsaP256,
            key_path: "./ada_example.com.key".into()
        }
    );
    assert_eq!(spec.replaces, None);
    assert_eq!(
        spec.request,
        ScmRequest::EnrollClient(ClientEnrollRequest {
            org_id: 1101,
            profile_id: 6101,
            term_days: Some(365),
            csr: String::new(),
            email: "ada@example.com".into(),
            first_name: "Ada".into(),
            middle_name: Some("King".into()),
            last_name: "Lovelace".into(),
            common_name: Some("Ada King Lovelace".into()),
            phone: Some("+44 (20) 7946-0000".into()),
            // The primary address is not repeated among the others.
            secondary_emails: vec!["a.lovelace@example.org".into()],
            custom_fields: vec![("Employee ID".into(), "E-1815".into())],
            comments: Some("lab notebook signing".into()),
        })
    );
    assert!(s.dialog.is_none());
    assert!(s.jobs.values().any(|j| j.kind == JobKind::Enroll));
}

#[test]
fn the_device_dialog_needs_a_name_and_the_mandatory_field_and_sends_a_device_spec() {
    let mut s = families_state();
    select_scope(&mut s, Scope::Collection(0, Family::Device));
    let cmds = update(&mut s, ch('n'));
    answer_loads(&mut s, &cmds, family_data);
    let keys: Vec<&str> = s
        .dialog
        .as_ref()
        .unwrap()
        .form
        .fields
        .iter()
        .map(|f| f.key)
        .collect();
    assert_eq!(
        keys,
        [
            "profile", "org", "term", "cn", "key", "key_path", "csr_path", "comments", "custom_0"
        ]
    );
    assert!(ok_and_confirm(&mut s).is_empty());
    assert_eq!(
        error_of(&s, "cn").as_deref(),
        Some("the device's common name is required")
    );
    assert_eq!(
        error_of(&s, "custom_0").as_deref(),
        Some("Asset Tag is mandatory in this account")
    );
    fill(&mut s, "cn", &"d".repeat(65));
    fill(&mut s, "custom_0", "AT-7");
    assert!(ok_and_confirm(&mut s).is_empty());
    assert_eq!(
        error_of(&s, "cn").as_deref(),
        Some("the common name is too long: 65 characters, at most 64")
    );
    fill(&mut s, "cn", "Lobby printer");
    assert_eq!(
        s.dialog.as_ref().unwrap().form.value("key_path"),
        "./Lobby_printer.key",
        "the key file follows the common name"
    );
    // Choose the second term, and a CSR from a file (then the CSR path is required).
    let d = s.dialog.as_mut().unwrap();
    d.form.focus = form::Focus::Field(2);
    update(&mut s, key(KeyCode::Right));
    let d = s.dialog.as_mut().unwrap();
    d.form.focus = form::Focus::Field(4);
    update(&mut s, key(KeyCode::Right));
    update(&mut s, key(KeyCode::Right));
    assert_eq!(
        s.dialog.as_ref().unwrap().form.value("key"),
        "CSR from a file"
    );
    assert!(ok_and_confirm(&mut s).is_empty());
    assert_eq!(
        error_of(&s, "csr_path").as_deref(),
        Some("name the CSR file (PEM)")
    );
    fill(&mut s, "csr_path", "/tmp/printer.csr");
    let sent = ok_and_confirm(&mut s);
    let [Command::Enroll { spec, .. }] = sent.as_slice() else {
        panic!("{sent:?}")
    };
    assert_eq!(spec.common_name, "Lobby printer");
    assert_eq!(spec.key, KeySource::CsrFile("/tmp/printer.csr".into()));
    assert_eq!(
        spec.request,
        ScmRequest::EnrollDevice(DeviceEnrollRequest {
            org_id: 1101,
            profile_id: 6201,
            term_days: Some(730),
            csr: String::new(),
            custom_fields: vec![("Asset Tag".into(), "AT-7".into())],
            optional_fields: vec![("commonName".into(), "Lobby printer".into())],
            comments: None,
        })
    );
}

#[test]
fn a_new_client_request_is_loaded_into_its_own_family() {
    let mut s = families_state();
    s.jobs.insert(
        77,
        Job {
            kind: JobKind::Enroll,
            label: "enroll".into(),
            progress: None,
        },
    );
    let cmds = update(
        &mut s,
        Msg::Worker(WorkerEvent::Done {
            job: 77,
            result: Ok(JobOutput::Enrolled {
                account: 0,
                family: Family::Client,
                enrolled: crate::provider::sectigo::actions::Enrolled {
                    id: "1207".into(),
                    renew_id: None,
                },
                key_path: Some("/tmp/ada.key".into()),
                follows: vec![issue_op(Family::Client, "1207")],
            }),
        }),
    );
    let [
        Command::Detail {
            id, family, key, ..
        },
    ] = cmds.as_slice()
    else {
        panic!("{cmds:?}")
    };
    assert_eq!((id.as_str(), *family), ("1207", Family::Client));
    assert_eq!(key.as_deref(), Some(std::path::Path::new("/tmp/ada.key")));
    let (msg, sev) = s.status.clone().unwrap();
    assert_eq!(sev, Severity::Info);
    assert!(
        msg.contains("new S/MIME request 1207") && msg.contains("/tmp/ada.key"),
        "{msg}"
    );
    // The detail arrives: the row is in the client family's list, counted there.
    let mut row = cert(0, 1207, "Ada Lovelace", CertStatus::Requested, None);
    row.family = Family::Client;
    let Command::Detail { job, .. } = cmds[0].clone() else {
        panic!()
    };
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Done {
            job,
            result: Ok(JobOutput::Detail {
                account: 0,
                family: Family::Client,
                cert: row,
                view: Box::new(DetailView {
                    detail: CertDetail::default(),
                    x509: Ok(vec![]),
                    key_match: None,
                }),
            }),
        }),
    );
    select_scope(&mut s, Scope::Collection(0, Family::Client));
    assert_eq!(s.view.len(), 2);
    assert!(
        s.view
            .iter()
            .any(|&i| s.certs[i as usize].common_name == "Ada Lovelace")
    );
    assert_eq!(s.accounts[0].families[1].loaded, 2);
    // S/MIME needs no approval: not in the pending view or count, but watched until issued.
    let i = s
        .certs
        .iter()
        .position(|c| c.common_name == "Ada Lovelace")
        .unwrap();
    assert!(s.is_followed(i), "{:?}", s.following);
    assert!(
        msg.contains("it needs no approval, watching until it is issued"),
        "{msg}"
    );
    select_scope(&mut s, Scope::Pending);
    assert!(
        s.view.iter().all(|&j| j as usize != i),
        "an S/MIME request is not pending approval"
    );
    assert_eq!(
        s.pending_count(),
        s.certs
            .iter()
            .filter(|c| c.status == CertStatus::Requested && c.family != Family::Client)
            .count()
    );
}

#[test]
fn code_signing_is_not_enrolled_here() {
    let mut s = State::new(
        vec![AccountView::new(
            "corp",
            ProviderKind::Sectigo,
            &[Family::Ssl, Family::CodeSigning],
        )],
        KeyMap::default(),
        NOW,
        (100, 30),
    );
    select_scope(&mut s, Scope::Collection(0, Family::CodeSigning));
    assert!(update(&mut s, ch('n')).is_empty());
    assert!(s.dialog.is_none());
    let (msg, _) = s.status.clone().unwrap();
    assert!(msg.contains("not code signing"), "{msg}");
}

#[test]
fn y_offers_the_selected_certificates_values_and_enter_copies_one() {
    let mut s = state_with(3);
    let (_, c) = s.selected_cert().unwrap();
    let (cn, id) = (c.common_name.clone(), c.id.clone());
    update(&mut s, ch('y'));
    let Some(Overlay::Copy { items, selected: 0 }) = s.overlay.clone() else {
        panic!("{:?}", s.overlay)
    };
    assert_eq!(items[0], ("common name".to_string(), cn.clone()));
    assert_eq!(items[1], ("id".to_string(), id.clone()));
    // Down then Enter copies the id; nothing goes to the worker.
    assert!(update(&mut s, key(KeyCode::Down)).is_empty());
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    assert_eq!(s.clipboard.as_deref(), Some(id.as_str()));
    assert!(s.overlay.is_none());
    // Esc closes without copying.
    s.clipboard = None;
    update(&mut s, ch('y'));
    update(&mut s, key(KeyCode::Esc));
    assert!(s.overlay.is_none() && s.clipboard.is_none());
}

#[test]
fn a_refresh_recounts_drops_vanished_rows_and_says_when_it_is_done() {
    let mut s = state_with(6); // corp: ids 0, 2, 4; lab: ids 1, 3, 5
    let cmds = update(&mut s, ch('r'));
    assert_eq!(cmds.len(), 2, "{cmds:?}");
    assert_eq!(
        s.status.as_ref().map(|(t, _)| t.as_str()),
        Some("refreshing…")
    );
    assert_eq!(s.accounts[0].families[0].loaded, 0, "counting starts again");
    let rows_of = |ids: &[u32]| -> Vec<Cert> {
        ids.iter()
            .map(|&i| {
                cert(
                    (i % 2) as usize,
                    i,
                    &format!("host{i:04}.example.com"),
                    CertStatus::Issued,
                    Some(30),
                )
            })
            .collect()
    };
    for (cmd, ids) in cmds.iter().zip([&[0u32, 2][..], &[1, 3, 5][..]]) {
        let Command::List {
            job,
            account,
            family,
        } = cmd.clone()
        else {
            panic!("{cmd:?}")
        };
        update(
            &mut s,
            Msg::Worker(WorkerEvent::Rows {
                job,
                rows: rows_of(ids),
            }),
        );
        s.settle();
        update(
            &mut s,
            Msg::Worker(WorkerEvent::Done {
                job,
                result: Ok(JobOutput::Listed {
                    account,
                    family,
                    count: ids.len(),
                }),
            }),
        );
    }
    assert_eq!(s.accounts[0].families[0].loaded, 2);
    assert_eq!(s.accounts[1].families[0].loaded, 3);
    assert_eq!(s.accounts[0].families[0].load, LoadState::Loaded);
    // id 4 is gone from the server: gone from the list too.
    let shown: Vec<String> = s
        .view
        .iter()
        .map(|&i| s.certs[i as usize].common_name.clone())
        .collect();
    assert_eq!(shown.len(), 5, "{shown:?}");
    assert!(!shown.contains(&"host0004.example.com".to_string()));
    let (msg, _) = s.status.clone().unwrap();
    assert_eq!(msg, "refreshed: 5 certificates");
    assert!(!s.busy());
}

// ---- QA fixes: bulk counts, forms kept on failure, DCV flows, audit, sorting ----------------

fn acted(
    job: JobId,
    account: usize,
    request: impl Into<ActionRequest>,
    output: impl Into<ActionOutput>,
) -> Msg {
    Msg::Worker(WorkerEvent::Done {
        job,
        result: Ok(JobOutput::Acted {
            account,
            request: Box::new(request.into()),
            output: Box::new(output.into()),
            follows: Vec::new(),
        }),
    })
}

fn failed(job: JobId, kind: ErrorKind, operation: &str, message: &str) -> Msg {
    Msg::Worker(WorkerEvent::Done {
        job,
        result: Err(ProviderError::new("corp", operation, kind, message)),
    })
}

fn status_text(s: &State) -> String {
    s.status.clone().map(|(t, _)| t).unwrap_or_default()
}

#[test]
fn bulk_actions_report_how_many_when_the_last_one_ends() {
    let mut s = state_with(20);
    update(&mut s, ch('p')); // pending: ids 0, 5, 10, 15
    for _ in 0..3 {
        update(&mut s, ch(' '));
    }
    update(&mut s, ch('d'));
    typed(&mut s, "not needed");
    let sent = ok_and_confirm(&mut s);
    assert_eq!(sent.len(), 3);
    for (n, c) in sent.iter().enumerate() {
        let Command::Act {
            job,
            account,
            request,
            ..
        } = c
        else {
            panic!("{c:?}")
        };
        update(
            &mut s,
            acted(*job, *account, request.clone(), ScmOutput::Done),
        );
        if n < 2 {
            assert!(!status_text(&s).contains("3 requests"));
        }
    }
    assert_eq!(status_text(&s), "declined 3 requests");

    // approve: the count and the watch; one failure is counted, not hidden
    let mut s = state_with(20);
    update(&mut s, ch('p'));
    for _ in 0..3 {
        update(&mut s, ch(' '));
    }
    update(&mut s, ch('a'));
    typed(&mut s, "ok");
    let sent = ok_and_confirm(&mut s);
    for c in &sent {
        let Command::Act {
            job,
            account,
            request,
            ..
        } = c
        else {
            panic!("{c:?}")
        };
        update(
            &mut s,
            acted(*job, *account, request.clone(), ScmOutput::Done),
        );
    }
    assert_eq!(
        status_text(&s),
        "approved 3 requests; watching until they are issued"
    );
    let mut s = state_with(20);
    update(&mut s, ch('p'));
    for _ in 0..3 {
        update(&mut s, ch(' '));
    }
    update(&mut s, ch('a'));
    typed(&mut s, "ok");
    let sent = ok_and_confirm(&mut s);
    for (n, c) in sent.iter().enumerate() {
        let Command::Act {
            job,
            account,
            request,
            ..
        } = c
        else {
            panic!("{c:?}")
        };
        if n == 1 {
            update(
                &mut s,
                failed(*job, ErrorKind::Server, "approve", "HTTP 503"),
            );
        } else {
            update(
                &mut s,
                acted(*job, *account, request.clone(), ScmOutput::Done),
            );
        }
    }
    assert!(
        status_text(&s).starts_with("approved 2 of 3 requests; 1 failed"),
        "{}",
        status_text(&s)
    );
}

#[test]
fn revoke_by_serial_confirms_the_serial_however_it_is_written() {
    let mut s = state_with(4);
    update(&mut s, ch('X'));
    assert!(s.dialog.is_some());
    update(&mut s, key(KeyCode::Tab)); // family → serial
    typed(&mut s, "19:EF:0A");
    tab(&mut s, 2); // → reason
    typed(&mut s, "superseded");
    update(&mut s, key(KeyCode::Tab)); // → confirm
    typed(&mut s, "019ef0a");
    let sent = ok_and_confirm(&mut s);
    assert!(
        matches!(sent.as_slice(), [Command::Act { request: req, .. }] if matches!(req.get(), Some(ScmRequest::RevokeBySerial { serial, .. }) if serial == "19:EF:0A")),
        "{sent:?} {:?}",
        s.dialog.as_ref().map(|d| d
            .form
            .fields
            .iter()
            .map(|f| (f.key, f.error.clone()))
            .collect::<Vec<_>>())
    );
    // a different serial is still refused
    let mut s = state_with(4);
    update(&mut s, ch('X'));
    update(&mut s, key(KeyCode::Tab));
    typed(&mut s, "19:EF:0A");
    tab(&mut s, 2);
    typed(&mut s, "superseded");
    update(&mut s, key(KeyCode::Tab));
    typed(&mut s, "19EF0B");
    assert!(ok_and_confirm(&mut s).is_empty());
    assert!(error_of(&s, "confirm").is_some());
}

#[test]
fn revoke_by_serial_names_the_listed_certificate_before_it_is_sent() {
    let summary_for = |serial: &str| {
        let mut s = state_with(10);
        select_id(&mut s, "4"); // account 0, issued, serial 0A:04:FF
        update(&mut s, ch('X'));
        update(&mut s, key(KeyCode::Tab)); // family → serial
        typed(&mut s, serial);
        tab(&mut s, 2); // → reason
        typed(&mut s, "key compromise");
        update(&mut s, key(KeyCode::Tab)); // → confirm
        typed(&mut s, serial);
        let ctrl_s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        update(&mut s, Msg::Key(ctrl_s));
        let d = s.dialog.as_ref().expect("the confirmation is open");
        assert_eq!(d.form.stage, form::Stage::Confirm);
        d.form.summary.join("\n")
    };
    let listed = summary_for("0a04ff");
    assert!(listed.contains("host0004.example.com (id 4)"), "{listed}");
    let unknown = summary_for("0A:99:99");
    assert!(unknown.contains("not in the list"), "{unknown}");
}

#[test]
fn message_length_errors_read_well() {
    let mut s = state_with(10);
    select_id(&mut s, "5");
    update(&mut s, ch('a'));
    typed(&mut s, &"x".repeat(513));
    assert!(ok_and_confirm(&mut s).is_empty());
    assert_eq!(
        error_of(&s, "message").as_deref(),
        Some("the message is too long: 513 characters, at most 512")
    );
}

#[test]
fn the_replace_key_hints_follow_the_key_choice_and_the_key_file_is_new() {
    let mut s = state_with(10);
    select_id(&mut s, "3");
    update(&mut s, ch('u'));
    let d = s.dialog.as_ref().unwrap();
    assert_eq!(d.form.value("key_path"), "./host0003.example.com.new.key");
    let hint = |s: &State, k: &str| {
        s.dialog
            .as_ref()
            .unwrap()
            .form
            .field(k)
            .unwrap()
            .hint
            .clone()
            .unwrap_or_default()
    };
    assert!(hint(&s, "key_path").contains("written here"));
    // Key: the 6th choice is the existing key file (read, not written), the 7th "CSR from
    // a file"
    let key_at = d.form.fields.iter().position(|f| f.key == "key").unwrap();
    tab(&mut s, key_at);
    for _ in 0..5 {
        update(&mut s, key(KeyCode::Right));
    }
    assert_eq!(
        s.dialog.as_ref().unwrap().form.value("key"),
        "Existing key file"
    );
    assert!(
        hint(&s, "key_path").contains("read"),
        "{}",
        hint(&s, "key_path")
    );
    update(&mut s, key(KeyCode::Right));
    assert_eq!(
        s.dialog.as_ref().unwrap().form.value("key"),
        "CSR from a file"
    );
    assert!(
        !hint(&s, "key_path").contains("written"),
        "{}",
        hint(&s, "key_path")
    );
    assert!(hint(&s, "key_path").contains("not used"));
    assert!(!hint(&s, "csr_path").contains("only with"));
}

#[test]
fn download_names_differ_per_format() {
    let mut s = state_with(10);
    select_id(&mut s, "3");
    update(&mut s, ch('c'));
    let mut names = std::collections::HashSet::new();
    let formats = s.accounts[1].info.exports.len();
    assert_eq!(formats, 6);
    for _ in 0..formats {
        names.insert(s.dialog.as_ref().unwrap().form.value("path"));
        update(&mut s, key(KeyCode::Right));
    }
    assert_eq!(names.len(), formats, "{names:?}");
}

#[test]
fn a_download_that_fails_on_its_file_reopens_the_form_with_the_error_on_the_field() {
    let mut s = state_with(10);
    select_id(&mut s, "3");
    update(&mut s, ch('c'));
    update(&mut s, key(KeyCode::Right)); // x509
    update(&mut s, key(KeyCode::Right)); // x509IO
    let path = s.dialog.as_ref().unwrap().form.value("path");
    let sent = ok_and_confirm(&mut s);
    let [Command::Collect { job, .. }] = sent.as_slice() else {
        panic!("{sent:?}")
    };
    assert!(s.dialog.is_none());
    update(
        &mut s,
        failed(
            *job,
            ErrorKind::Local,
            "save certificate 3",
            "./host0003.example.com.ca.pem already exists; choose another name",
        ),
    );
    let d = s.dialog.as_ref().expect("the form is back");
    assert_eq!(d.form.stage, form::Stage::Edit);
    assert_eq!(d.form.value("path"), path);
    assert_eq!(d.form.value("format").split(' ').next(), Some("x509IO"));
    assert!(error_of(&s, "path").unwrap().contains("already exists"));
    assert!(s.overlay.is_none(), "no popup over the form");
    // a server failure of another kind is an ordinary error (no form)
    update(&mut s, key(KeyCode::Esc));
    let sent = ok_and_confirm_after(&mut s, 'c');
    let job = sent[0].job();
    update(
        &mut s,
        failed(job, ErrorKind::Network, "download", "refused"),
    );
    assert!(s.dialog.is_none());
}

fn ok_and_confirm_after(s: &mut State, c: char) -> Vec<Command> {
    update(s, ch(c));
    ok_and_confirm(s)
}

#[test]
fn a_rejected_replacement_reopens_the_confirmed_form() {
    let mut s = state_with(10);
    select_id(&mut s, "3");
    update(&mut s, ch('u'));
    typed(&mut s, "rotation");
    let sent = ok_and_confirm(&mut s);
    let job = sent[0].job();
    update(
        &mut s,
        failed(
            job,
            ErrorKind::Local,
            "write the private key for host0003.example.com",
            "./host0003.example.com.new.key already exists; choose another name",
        ),
    );
    let d = s.dialog.as_ref().expect("the form is back");
    assert_eq!(d.form.value("reason"), "rotation");
    assert!(error_of(&s, "key_path").unwrap().contains("already exists"));
    let sent = ok_and_confirm(&mut s);
    let job = sent[0].job();
    update(
        &mut s,
        failed(job, ErrorKind::Rejected, "replace", "The CSR is not valid"),
    );
    let d = s.dialog.as_ref().expect("the form is back");
    assert!(
        d.form
            .note
            .as_deref()
            .unwrap()
            .contains("The CSR is not valid")
    );
}

#[test]
fn a_replacement_is_watched_until_issued() {
    let mut s = state_with(10);
    select_id(&mut s, "3");
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Done {
            job: 99,
            result: Ok(JobOutput::Replaced {
                account: 1,
                family: Family::Ssl,
                id: "3".into(),
                key_path: None,
                follows: vec![issue_op(Family::Ssl, "3")],
            }),
        }),
    );
    let i = s.index.get(&s.certs, 1, Family::Ssl, "3").unwrap();
    assert!(s.is_followed(i));
    assert!(status_text(&s).contains("watching until it is issued"));
}

#[test]
fn renewing_by_renew_id_brings_the_new_request_in() {
    let mut s = state_with(10);
    select_id(&mut s, "3");
    let req = ScmRequest::RenewByToken {
        renew_id: "abc".into(),
        csr: None,
    };
    // no id in the answer: the account's lists are read again
    let cmds = update(&mut s, acted(7, 1, req.clone(), ScmOutput::Renewed(None)));
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::List { account: 1, .. })),
        "{cmds:?}"
    );
    assert!(status_text(&s).contains("reloading"), "{}", status_text(&s));
    // with an id: that request is loaded and named
    let new = crate::provider::sectigo::actions::Enrolled {
        id: "4242".into(),
        renew_id: None,
    };
    let s2 = &mut state_with(10);
    select_id(s2, "3");
    let job = s2.new_job(
        JobKind::Action {
            cert: s2.selected_cert().map(|(i, _)| i),
        },
        "renew".into(),
    );
    let cmds = update(s2, acted(job, 1, req, ScmOutput::Renewed(Some(new))));
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::Detail { id, .. } if id == "4242")),
        "{cmds:?}"
    );
    assert!(status_text(s2).contains("4242"));
}

#[test]
fn a_read_only_refusal_of_enrol_names_no_unrelated_certificate() {
    let mut s = state_with(10);
    s.read_only = true;
    select_id(&mut s, "3");
    let cmds = update(&mut s, ch('n'));
    let [Command::Audit { entry, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(entry.action, "enroll");
    assert!(entry.ids.is_empty(), "{:?}", entry.ids);
    assert_eq!(entry.family.as_deref(), Some("ssl"));
    // a refusal on a certificate names it and its family
    let cmds = update(&mut s, ch('R'));
    let [Command::Audit { entry, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(entry.ids, vec!["3".to_string()]);
    assert_eq!(entry.family.as_deref(), Some("ssl"));
}

use crate::provider::sectigo::actions::{DcvInstruction, DcvMethod, DcvState, DomainValidation};

fn dcv_state() -> State {
    let mut s = state_with(2);
    select_scope(&mut s, Scope::View(0, "dcv"));
    let rows = ["kestrel-labs.example", "acme-shop.example", "zeta.example"]
        .iter()
        .zip(["2027-01-05", "2026-12-01", "2026-12-20"])
        .map(|(d, e)| DomainValidation {
            domain: d.to_string(),
            status: "NOT_VALIDATED".into(),
            expires: Some(e.to_string()),
            ..Default::default()
        })
        .collect();
    s.views_take(
        0,
        &ScmRequest::DcvList {
            filter: Default::default(),
        }
        .into(),
        &ScmOutput::DcvList(rows).into(),
        false,
    );
    s.focus = Pane::List;
    s
}

fn dcv_view(s: &State) -> &crate::provider::sectigo::views::DcvView {
    s.view_of(0, "dcv").expect("the DCV view is open")
}

fn selected_dcv(s: &State) -> String {
    let i = s.selected_view_row(0, "dcv").expect("a domain is selected");
    dcv_view(s).rows[i].domain.clone()
}

fn dcv_names(s: &State) -> Vec<String> {
    s.view_rows(0, "dcv")
        .iter()
        .map(|&i| dcv_view(s).rows[i].domain.clone())
        .collect()
}

#[test]
fn a_reloaded_dcv_list_keeps_the_selection_on_its_domain() {
    let mut s = dcv_state();
    // sorted by expiry: acme-shop (12-01), zeta (12-20), kestrel-labs (2027-01-05)
    update(&mut s, ch('G'));
    assert_eq!(selected_dcv(&s), "kestrel-labs.example");
    // The reload (after a submit, say) brings the rows in server order, and kestrel-labs
    // now validated with an earlier expiry: it sorts first.
    let rows = [
        ("zeta.example", "2026-12-20"),
        ("kestrel-labs.example", "2026-11-30"),
        ("acme-shop.example", "2026-12-01"),
    ]
    .iter()
    .map(|(d, e)| DomainValidation {
        domain: d.to_string(),
        status: "NOT_VALIDATED".into(),
        expires: Some(e.to_string()),
        ..Default::default()
    })
    .collect();
    s.views_take(
        0,
        &ScmRequest::DcvList {
            filter: Default::default(),
        }
        .into(),
        &ScmOutput::DcvList(rows).into(),
        false,
    );
    assert_eq!(
        dcv_names(&s),
        ["kestrel-labs.example", "acme-shop.example", "zeta.example"]
    );
    assert_eq!(
        selected_dcv(&s),
        "kestrel-labs.example",
        "the next v or Enter acts on the same domain"
    );
}

#[test]
fn s_sorts_the_dcv_view_for_real() {
    let mut s = dcv_state();
    // the list sort (expiry) applies on load
    assert_eq!(
        dcv_names(&s),
        ["acme-shop.example", "zeta.example", "kestrel-labs.example"]
    );
    s.views.get_mut(&(0, "dcv")).unwrap().sel = 1; // zeta
    update(&mut s, ch('s'));
    assert_eq!(
        dcv_names(&s),
        ["acme-shop.example", "kestrel-labs.example", "zeta.example"]
    );
    assert_eq!(status_text(&s), "domain validations sorted by name");
    assert_eq!(
        selected_dcv(&s),
        "zeta.example",
        "the selection follows its row"
    );
}

#[test]
fn dns_txt_validation_is_submitted_and_shows_the_record_to_publish() {
    let mut s = dcv_state();
    update(&mut s, ch('G')); // kestrel-labs (last by expiry)
    let domain = selected_dcv(&s);
    assert_eq!(domain, "kestrel-labs.example");
    update(&mut s, ch('v'));
    assert_eq!(s.dialog.as_ref().unwrap().form.ok_label, "Start");
    update(&mut s, key(KeyCode::Right)); // CNAME → DNS TXT
    let d = s.dialog.as_ref().unwrap();
    assert_eq!(d.form.value("method"), DcvMethod::Txt.label());
    assert_eq!(d.form.ok_label, "Submit");
    assert!(d.form.intro.iter().any(|l| l.contains("no start for TXT")));
    let sent = ok_and_confirm(&mut s);
    let [Command::Act { job, request, .. }] = sent.as_slice() else {
        panic!("{sent:?}")
    };
    assert!(matches!(
        request.get(),
        Some(ScmRequest::DcvSubmit {
            method: DcvMethod::Txt,
            ..
        })
    ));
    assert!(s.dialog.is_some(), "the dialog waits for the record");
    let st = DcvState {
        status: Some("NOT_VALIDATED".into()),
        order_status: Some("SUBMITTED".into()),
        order_mode: Some("TXT".into()),
        instruction: Some(DcvInstruction {
            domain: domain.clone(),
            mode: "TXT".into(),
            host: Some("_pki-validation.kestrel-labs.example.".into()),
            point: Some("k9ejXhRrc8EY6xDboKmZ".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    update(
        &mut s,
        acted(*job, 0, request.clone(), ScmOutput::DcvState(Box::new(st))),
    );
    let d = s.dialog.as_ref().expect("the record is shown");
    let text = d.form.intro.join("\n");
    assert!(
        text.contains("TXT record  _pki-validation.kestrel-labs.example."),
        "{text}"
    );
    assert!(text.contains("k9ejXhRrc8EY6xDboKmZ"));
    assert!(!text.contains("points to"), "{text}");
    // the list row follows the answer
    let row = &dcv_view(&s)
        .rows
        .iter()
        .find(|r| r.domain == domain)
        .unwrap();
    assert_eq!(row.order_status.as_deref(), Some("SUBMITTED"));
    // Nothing more to send: its one button closes it.
    let d = s.dialog.as_ref().unwrap();
    assert!(!d.form.has_ok(), "{:?}", d.form.ok_label);
    assert_eq!(d.form.focus, form::Focus::Cancel);
    let cmds = update(&mut s, key(KeyCode::Enter));
    assert!(cmds.is_empty(), "{cmds:?}");
    assert!(s.dialog.is_none());
}

#[test]
fn a_started_validation_is_submitted_with_the_method_it_was_started_with() {
    let mut s = dcv_state();
    update(&mut s, ch('G'));
    let domain = selected_dcv(&s);
    update(&mut s, ch('v'));
    // Started with HTTP (two to the left of CNAME).
    update(&mut s, key(KeyCode::Left));
    update(&mut s, key(KeyCode::Left));
    assert_eq!(
        s.dialog.as_ref().unwrap().form.value("method"),
        DcvMethod::Http.label()
    );
    let sent = ok_and_confirm(&mut s);
    let [Command::Act { job, request, .. }] = sent.as_slice() else {
        panic!("{sent:?}")
    };
    assert!(
        matches!(
            request.get(),
            Some(ScmRequest::DcvStart {
                method: DcvMethod::Http,
                ..
            })
        ),
        "{request:?}"
    );
    let st = DcvState {
        instruction: Some(DcvInstruction {
            domain: domain.clone(),
            mode: "HTTP".into(),
            url: Some(format!("http://{domain}/.well-known/pki-validation/A1.txt")),
            file_content: Some("a1b2\nsectigo.com".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    update(
        &mut s,
        acted(*job, 0, request.clone(), ScmOutput::DcvState(Box::new(st))),
    );
    // The method is no longer a choice: the form shows what to publish and Submit.
    let d = s.dialog.as_ref().expect("what to publish is shown");
    assert!(d.form.field("method").is_none(), "{:?}", d.form.fields);
    assert_eq!(d.form.ok_label, "Submit");
    let sent = ok_and_confirm(&mut s);
    let [Command::Act { request, .. }] = sent.as_slice() else {
        panic!("{sent:?}")
    };
    assert!(
        matches!(request.get(), Some(ScmRequest::DcvSubmit { method: DcvMethod::Http, domain: d, .. }) if *d == domain),
        "{request:?}"
    );
}

#[test]
fn a_dcv_status_answer_updates_the_list_row() {
    let mut s = dcv_state();
    update(&mut s, ch('G'));
    let cmds = update(&mut s, key(KeyCode::Enter));
    let [Command::Act { job, request, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    // the user moves on before the answer arrives
    update(&mut s, ch('g'));
    let st = DcvState {
        status: Some("VALIDATED".into()),
        expires: Some("2027-11-17".into()),
        ..Default::default()
    };
    update(
        &mut s,
        acted(*job, 0, request.clone(), ScmOutput::DcvState(Box::new(st))),
    );
    let rows = &dcv_view(&s).rows;
    let k = rows
        .iter()
        .find(|r| r.domain == "kestrel-labs.example")
        .unwrap();
    assert_eq!(k.status, "VALIDATED");
    assert!(
        rows.iter()
            .filter(|r| r.domain != "kestrel-labs.example")
            .all(|r| r.status == "NOT_VALIDATED")
    );
    assert_eq!(
        dcv_view(&s).status.as_ref().unwrap().0,
        "kestrel-labs.example"
    );
}

#[test]
fn status_messages_clear_on_the_next_key_that_acts_and_info_after_15_seconds() {
    let mut s = state_with(10);
    update(&mut s, ch('s'));
    assert_eq!(s.status.as_ref().unwrap().0, "sorted by CN");
    // Time passing below the limit, a resize and an unbound key leave it.
    update(&mut s, Msg::Tick(NOW + INFO_STATUS_SECS - 1));
    update(&mut s, Msg::Resize(120, 40));
    update(&mut s, key(KeyCode::F(12)));
    assert!(s.status.is_some());
    // A key that does something clears it.
    update(&mut s, ch('j'));
    assert_eq!(s.status, None);
    // An Info message also goes after 15 s (time only through Tick) …
    update(&mut s, ch('s'));
    assert!(
        s.wants_ticks(),
        "ticks keep coming while an Info message shows"
    );
    let later = s.now + INFO_STATUS_SECS;
    update(&mut s, Msg::Tick(later));
    assert_eq!(s.status, None);
    // … a warning stays until a key.
    s.set_status("careful", Severity::Warning);
    let later = s.now + 600;
    update(&mut s, Msg::Tick(later));
    assert_eq!(s.status.as_ref().unwrap().0, "careful");
    update(&mut s, ch('k'));
    assert_eq!(s.status, None);
}

#[test]
fn status_history_keeps_the_last_50_messages_with_their_time() {
    let mut s = state_with(3);
    for n in 0..60 {
        update(&mut s, Msg::Tick(NOW + n));
        s.set_status(format!("message {n}"), Severity::Info);
    }
    assert_eq!(s.status_log.len(), STATUS_HISTORY);
    let first = s.status_log.front().unwrap();
    assert_eq!((first.text.as_str(), first.time), ("message 10", NOW + 10));
    assert_eq!(s.status_log.back().unwrap().text, "message 59");
}

#[test]
fn a_list_row_without_a_profile_keeps_the_profile_a_detail_brought() {
    let mut s = state_with(0);
    let mut smime = cert(0, 7, "qa@example.com", CertStatus::Issued, Some(100));
    smime.family = Family::Client;
    smime.profile = None;
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Rows {
            job: 0,
            rows: vec![smime.clone()],
        }),
    );
    s.settle();
    let mut detailed = smime.clone();
    detailed.profile = Some("Sectigo S/MIME".into());
    s.upsert(vec![detailed], false);
    // `r` lists it again without a profile.
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Rows {
            job: 0,
            rows: vec![smime],
        }),
    );
    s.settle();
    assert_eq!(s.certs[0].profile.as_deref(), Some("Sectigo S/MIME"));
}

#[test]
fn replace_is_refused_up_front_for_a_certificate_that_is_not_issued() {
    let mut s = state_with(6);
    typed(&mut s, "/host0005");
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.selected_cert().unwrap().1.status, CertStatus::Requested);
    let cmds = update(&mut s, ch('u'));
    assert!(cmds.is_empty() && s.dialog.is_none(), "{cmds:?}");
    let (msg, _) = s.status.clone().unwrap();
    assert!(
        msg.contains("only issued certificates can be replaced") && msg.contains("Requested"),
        "{msg}"
    );
}

#[test]
fn a_key_file_that_exists_is_reported_on_its_field_before_the_confirmation() {
    let mut s = state_with(10);
    select_id(&mut s, "3");
    update(&mut s, ch('u'));
    typed(&mut s, "rotation");
    while s
        .dialog
        .as_ref()
        .is_some_and(|d| d.form.focus != form::Focus::Ok)
    {
        update(&mut s, key(KeyCode::BackTab));
    }
    let check = update(&mut s, key(KeyCode::Enter));
    let [Command::CheckFiles { job, checks }] = check.as_slice() else {
        panic!("{check:?}")
    };
    assert_eq!(checks[0].field, "key_path");
    {
        let d = s.dialog.as_ref().unwrap();
        assert!(!d.form.ready, "OK waits for the check");
        assert_eq!(d.form.note.as_deref(), Some("checking the files…"));
    }
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Done {
            job: *job,
            result: Ok(JobOutput::FilesChecked {
                problems: vec![(
                    "key_path",
                    "./x.key already exists; choose another name".into(),
                )],
            }),
        }),
    );
    let d = s.dialog.as_ref().unwrap();
    assert_eq!(
        d.form.stage,
        form::Stage::Edit,
        "no confirmation with a bad file"
    );
    assert!(d.form.ready && d.form.note.is_none());
    assert_eq!(
        d.form
            .field("key_path")
            .and_then(|f| f.error.clone())
            .as_deref(),
        Some("./x.key already exists; choose another name")
    );
    assert_eq!(d.form.value("reason"), "rotation", "nothing typed is lost");
}

#[test]
fn the_worker_checks_new_and_existing_files() {
    use crate::worker::{FileCheck, check_files};
    let dir = tempfile::tempdir().unwrap();
    let there = dir.path().join("there.pem");
    std::fs::write(&there, "x").unwrap();
    let problems = check_files(&[
        FileCheck {
            field: "key_path",
            path: there.clone(),
            new: true,
        },
        FileCheck {
            field: "csr_path",
            path: dir.path().join("missing.csr"),
            new: false,
        },
        FileCheck {
            field: "path",
            path: dir.path().join("new.pem"),
            new: true,
        },
        FileCheck {
            field: "csr2",
            path: there,
            new: false,
        },
    ]);
    let fields: Vec<&str> = problems.iter().map(|(f, _)| *f).collect();
    assert_eq!(fields, ["key_path", "csr_path"], "{problems:?}");
    assert!(problems[0].1.contains("already exists"), "{problems:?}");
    assert!(problems[1].1.contains("missing.csr"), "{problems:?}");
}

// ---- rows arriving in batches ---------------------------------------------------------------

/// Rows of a load in the order a server might send them: bare page rows first, then the same
/// rows completed (status and expiry change, so they move), some twice, across two accounts.
fn load_batches() -> Vec<Vec<Cert>> {
    let bare = |i: u32| {
        let mut c = cert(
            (i % 2) as usize,
            i,
            &format!("h{:03}.example.com", (i * 37) % 101),
            CertStatus::Unknown,
            None,
        );
        c.complete = false;
        c.status_text = "".into();
        c.profile = None;
        c
    };
    let done = |i: u32| {
        let status = match i % 4 {
            0 => CertStatus::Requested,
            1 => CertStatus::Expired,
            _ => CertStatus::Issued,
        };
        let mut c = cert(
            (i % 2) as usize,
            i,
            &format!("h{:03}.example.com", (i * 37) % 101),
            status,
            Some(((i * 7919) % 400) as i64 - 30),
        );
        // A report row: no SANs (the page's stay).
        c.sans.clear();
        c
    };
    let mut out = Vec::new();
    for chunk in (0..300u32).collect::<Vec<_>>().chunks(45) {
        out.push(chunk.iter().map(|&i| bare(i)).collect());
    }
    for chunk in (0..300u32).rev().collect::<Vec<_>>().chunks(60) {
        out.push(chunk.iter().map(|&i| done(i)).collect());
    }
    // A late bare row never undoes a completed one; a repeated completion changes nothing.
    out.push(vec![bare(5), done(7), done(8)]);
    out
}

fn ids_in_view(s: &State) -> Vec<String> {
    s.view
        .iter()
        .map(|&i| {
            let c = &s.certs[i as usize];
            format!("{}:{}", c.account, c.id)
        })
        .collect()
}

#[test]
fn rows_placed_frame_by_frame_give_the_same_list_as_one_full_sort() {
    for sort_presses in 0..3 {
        for filter in ["", "h0"] {
            // Frame by frame: settle after every other batch, as the main loop might.
            let mut live = state_with(0);
            for _ in 0..sort_presses {
                update(&mut live, ch('s'));
            }
            if !filter.is_empty() {
                update(&mut live, ch('/'));
                typed(&mut live, filter);
                update(&mut live, key(KeyCode::Enter));
            }
            for (n, batch) in load_batches().into_iter().enumerate() {
                update(
                    &mut live,
                    Msg::Worker(WorkerEvent::Rows {
                        job: 0,
                        rows: batch,
                    }),
                );
                if n % 2 == 1 {
                    live.settle();
                }
            }
            live.settle();
            // Reference: the final rows, sorted and filtered from scratch.
            let mut full = state_with(0);
            for _ in 0..sort_presses {
                update(&mut full, ch('s'));
            }
            for batch in load_batches() {
                full.upsert(batch, true);
            }
            full.filter = Input::new(filter.to_string());
            full.resort();
            assert_eq!(live.sort, full.sort);
            assert_eq!(
                ids_in_view(&live),
                ids_in_view(&full),
                "sort {:?}, filter {filter:?}",
                live.sort
            );
            assert_eq!(live.scope_total, full.scope_total);
            assert_eq!(live.pending_count(), full.pending_count());
            assert_eq!(live.pending_count(), 75, "every fourth of 300 is a request");
            // The SANs of the page rows survive the report rows that carry none.
            assert!(live.certs.iter().all(|c| c.sans.len() == 1));
            assert!(live.certs.iter().all(|c| c.complete));
        }
    }
}

#[test]
fn a_sort_or_filter_change_during_a_load_sees_every_row_placed_so_far() {
    // The whole order is brought up to date only when a change needs it: a new sort key in
    // the middle of the load, the filter cleared later, must still give the full list.
    let mut live = state_with(0);
    update(&mut live, ch('/'));
    typed(&mut live, "h0");
    update(&mut live, key(KeyCode::Enter));
    for (n, batch) in load_batches().into_iter().enumerate() {
        update(
            &mut live,
            Msg::Worker(WorkerEvent::Rows {
                job: 0,
                rows: batch,
            }),
        );
        live.settle();
        if n == 4 {
            update(&mut live, ch('s'));
        }
        if n == 7 {
            update(&mut live, key(KeyCode::Esc));
            assert_eq!(live.filter_text(), "");
        }
    }
    live.settle();
    let mut full = state_with(0);
    update(&mut full, ch('s'));
    for batch in load_batches() {
        full.upsert(batch, true);
    }
    full.resort();
    assert_eq!(ids_in_view(&live).len(), 300);
    assert_eq!(ids_in_view(&live), ids_in_view(&full));
    // And filtering again afterwards narrows the same order.
    update(&mut live, ch('/'));
    typed(&mut live, "h0");
    full.filter = Input::new("h0".to_string());
    full.refilter();
    assert_eq!(ids_in_view(&live), ids_in_view(&full));
}

#[test]
fn the_selection_stays_on_its_certificate_while_rows_arrive() {
    let mut s = state_with(0);
    let mut batches = load_batches().into_iter();
    for _ in 0..3 {
        s.upsert(batches.next().unwrap(), true);
    }
    s.settle();
    // The user moves down: from then on the highlight follows the certificate.
    for _ in 0..20 {
        update(&mut s, ch('j'));
    }
    let (_, chosen) = s.selected_cert().unwrap();
    let chosen = (chosen.account, chosen.id.clone());
    for batch in batches {
        update(
            &mut s,
            Msg::Worker(WorkerEvent::Rows {
                job: 0,
                rows: batch,
            }),
        );
        s.settle();
        let (_, now) = s.selected_cert().unwrap();
        assert_eq!((now.account, now.id.clone()), chosen);
        assert!(s.sel >= s.list_offset && s.sel < s.list_offset + s.list_height());
    }
    assert_eq!(s.view.len(), 300);
}

#[test]
fn while_the_user_has_not_moved_the_list_stays_at_its_top() {
    let mut s = state_with(0);
    for batch in load_batches() {
        update(
            &mut s,
            Msg::Worker(WorkerEvent::Rows {
                job: 0,
                rows: batch,
            }),
        );
        s.settle();
        assert_eq!((s.sel, s.list_offset), (0, 0));
    }
}

#[test]
fn a_key_after_rows_sees_them_placed() {
    let mut s = state_with(0);
    for batch in load_batches() {
        update(
            &mut s,
            Msg::Worker(WorkerEvent::Rows {
                job: 0,
                rows: batch,
            }),
        );
    }
    // No frame was drawn in between: the key itself places the rows first.
    update(&mut s, key(KeyCode::End));
    assert_eq!(s.view.len(), 300);
    assert_eq!(s.sel, 299);
}

// ---- actions as the account declares them -----------------------------------------------

#[test]
fn a_deleted_certificate_leaves_the_list_and_the_tree_counts() {
    let mut s = state_with(10);
    select_id(&mut s, "3"); // account 1, issued
    let loaded = s.accounts[1].families[0].loaded;
    let listed = s.certs.len() - s.hidden.len();
    update(&mut s, ch('D'));
    assert_eq!(
        s.dialog.as_ref().unwrap().form.focus,
        form::Focus::Ok,
        "a form of buttons that confirms starts on its OK (the confirmation starts on Cancel)"
    );
    let sent = ok_and_confirm(&mut s);
    let [Command::Act { job, request, .. }] = sent.as_slice() else {
        panic!("{sent:?}")
    };
    update(&mut s, acted(*job, 1, request.clone(), ScmOutput::Done));
    assert!(status_text(&s).contains("deleted"), "{}", status_text(&s));
    assert_eq!(s.accounts[1].families[0].loaded, loaded - 1);
    assert_eq!(s.certs.len() - s.hidden.len(), listed - 1);
    assert!(
        s.view
            .iter()
            .all(|&i| s.certs[i as usize].id != "3" || s.certs[i as usize].account != 1)
    );
}

#[test]
fn delete_is_offered_only_for_imported_or_discovered_and_download_not_for_revoked() {
    let mut s = state_with(10);
    select_id(&mut s, "3"); // an issued SSL certificate
    let i = s.selected_cert().unwrap().0;
    let why = |s: &State, label: &str| {
        s.menu()
            .into_iter()
            .find(|e| e.label == label)
            .unwrap_or_else(|| panic!("{label} is in the menu"))
            .refusal
    };
    // Requested from the CA: delete is refused in the menu and on its key, with the reason.
    s.certs[i].origin = crate::model::Origin::Requested;
    let refusal = why(&s, "Delete").expect("a requested certificate cannot be deleted");
    assert!(refusal.contains("imported or discovered"), "{refusal}");
    assert!(update(&mut s, ch('D')).is_empty());
    assert!(s.dialog.is_none(), "no delete form opened");
    assert!(
        status_text(&s).contains("imported or discovered"),
        "{}",
        status_text(&s)
    );
    // Imported or discovered: offered; not known yet: left to the server.
    for origin in [
        crate::model::Origin::Imported,
        crate::model::Origin::Discovered,
        crate::model::Origin::Unknown,
    ] {
        s.certs[i].origin = origin;
        assert_eq!(why(&s, "Delete"), None, "{origin:?}");
    }
    update(&mut s, ch('D'));
    assert!(s.dialog.is_some(), "the delete form opens");
    update(&mut s, key(KeyCode::Esc));
    // A revoked certificate is not downloaded (SCM answers -110).
    s.certs[i].status = CertStatus::Revoked;
    let refusal = why(&s, "Download").expect("a revoked certificate has no download");
    assert!(refusal.contains("revoked"), "{refusal}");
    assert!(update(&mut s, ch('c')).is_empty());
    assert!(s.dialog.is_none(), "no download form opened");
}

#[test]
fn the_menu_lists_the_account_s_declared_actions_and_says_why_one_cannot_be_taken() {
    let mut s = state_with(10);
    // Row 0 is a request (id 0), the next an issued certificate.
    let (_, c) = s.selected_cert().unwrap();
    assert_eq!(c.status, CertStatus::Requested, "{}", c.common_name);
    let menu = s.menu();
    let labels: Vec<&str> = menu.iter().map(|e| e.label).collect();
    assert_eq!(labels.first(), Some(&"Approve"));
    assert_eq!(labels.last(), Some(&"Pending requests"));
    let refusal = |s: &State, label: &str| {
        s.menu()
            .into_iter()
            .find(|e| e.label == label)
            .unwrap_or_else(|| panic!("{label} is in the menu"))
            .refusal
    };
    assert_eq!(refusal(&s, "Approve"), None);
    let why = refusal(&s, "Download").expect("a request has nothing to download");
    assert!(why.contains("not issued yet"), "{why}");
    assert!(refusal(&s, "Revoke").unwrap().contains("only issued"));
    // The issued one: approve is refused, download and revoke are not.
    update(&mut s, ch('j'));
    assert_eq!(s.selected_cert().unwrap().1.status, CertStatus::Issued);
    assert!(
        refusal(&s, "Approve")
            .unwrap()
            .contains("awaiting approval")
    );
    assert_eq!(refusal(&s, "Download"), None);
    assert_eq!(refusal(&s, "Revoke"), None);
    // Read-only: every changing action says so; reading ones stay.
    s.read_only = true;
    assert_eq!(refusal(&s, "Revoke").as_deref(), Some("read-only"));
    assert_eq!(
        refusal(&s, "Enroll a new certificate").as_deref(),
        Some("read-only")
    );
    assert_eq!(refusal(&s, "Download"), None);
}

#[test]
fn a_key_is_honoured_only_where_the_certificate_s_state_allows_the_action() {
    let mut s = state_with(10);
    assert_eq!(s.selected_cert().unwrap().1.status, CertStatus::Requested);
    // Download of a request: refused before any dialog opens.
    let cmds = update(&mut s, ch('c'));
    assert!(cmds.is_empty());
    assert!(s.dialog.is_none());
    assert!(
        status_text(&s).contains("not issued yet"),
        "{}",
        status_text(&s)
    );
    // Choosing the dimmed entry in the menu says the same.
    update(&mut s, ch('m'));
    let at = s.menu().iter().position(|e| e.label == "Download").unwrap();
    s.overlay = Some(Overlay::Menu { selected: at });
    update(&mut s, key(KeyCode::Enter));
    assert!(s.dialog.is_none());
    assert!(status_text(&s).contains("not issued yet"));
    // An issued certificate downloads.
    update(&mut s, ch('j'));
    update(&mut s, ch('c'));
    assert!(s.dialog.is_some());
}

#[test]
fn an_account_that_does_not_declare_an_action_is_not_offered_it() {
    // A kind without a client declares nothing: no side views, no actions, keys refused.
    let mut s = State::new(
        vec![AccountView::new(
            "nas",
            ProviderKind::Synology,
            &[Family::Ssl],
        )],
        KeyMap::default(),
        NOW,
        (100, 30),
    );
    let row = cert(0, 1, "nas.example.com", CertStatus::Issued, Some(30));
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Rows {
            job: 0,
            rows: vec![row],
        }),
    );
    s.settle();
    assert!(s.scopes().iter().all(|sc| !matches!(sc, Scope::View(..))));
    let labels: Vec<&str> = s.menu().iter().map(|e| e.label).collect();
    assert_eq!(labels, ["Pending requests"]);
    for k in ['R', 'v', 'c', 'a'] {
        let cmds = update(&mut s, ch(k));
        assert!(cmds.is_empty() && s.dialog.is_none(), "{k}");
        assert!(
            status_text(&s).contains("nas (synology) does not offer"),
            "{k}: {}",
            status_text(&s)
        );
    }
    // A Sectigo account has its side views.
    let s = state_with(0);
    assert!(s.scopes().contains(&Scope::View(0, "dcv")));
}

#[test]
fn after_an_approve_from_the_detail_the_detail_stays_on_that_certificate() {
    let mut s = state_with(20);
    update(&mut s, ch('p')); // pending: ids 0, 5, 10, 15
    update(&mut s, ch('j'));
    let id = s.selected_cert().unwrap().1.id.clone();
    update(&mut s, key(KeyCode::Enter)); // the detail, focused
    assert_eq!(s.focus, Pane::Detail);
    update(&mut s, ch('a'));
    typed(&mut s, "ok");
    let sent = ok_and_confirm(&mut s);
    let Some(Command::Act { job, request, .. }) = sent.first().cloned() else {
        panic!("{sent:?}")
    };
    assert!(matches!(request.get(), Some(ScmRequest::Approve { id: i, .. }) if *i == id));
    update(&mut s, acted(job, 1, request, ScmOutput::Done));
    // The reload brings the row back approved: it leaves the pending view.
    let (i, c) = s.detail_target().unwrap();
    let mut row = c.clone();
    row.status = CertStatus::Approved;
    row.status_text = "Approved".into();
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Rows {
            job: 0,
            rows: vec![row],
        }),
    );
    s.settle();
    assert!(!s.view.contains(&(i as u32)));
    // The pane still shows it, and `a` again is about it (refused), not about the next one.
    assert_eq!(s.detail_target().unwrap().1.id, id);
    update(&mut s, ch('a'));
    assert!(s.dialog.is_none());
    assert!(
        status_text(&s).contains("awaiting approval"),
        "{}",
        status_text(&s)
    );
    // The list cursor stayed at its place.
    assert_eq!(s.sel, 1);
}

#[test]
fn after_an_approve_in_the_list_the_cursor_stays_at_its_index() {
    let mut s = state_with(20);
    update(&mut s, ch('p'));
    update(&mut s, ch('j'));
    update(&mut s, ch('j'));
    let (i, c) = s.selected_cert().unwrap();
    let mut row = c.clone();
    row.status = CertStatus::Approved;
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Rows {
            job: 0,
            rows: vec![row],
        }),
    );
    s.settle();
    assert!(!s.view.contains(&(i as u32)));
    assert_eq!(s.sel, 2, "not back at the top");
}

#[test]
fn moving_with_the_detail_open_cancels_the_detail_the_cursor_left() {
    let mut s = state_with(20);
    let first = update(&mut s, key(KeyCode::Enter));
    let [Command::Detail { job: j0, .. }] = first.as_slice() else {
        panic!("{first:?}")
    };
    update(&mut s, key(KeyCode::BackTab)); // back to the list, detail open beside it
    assert_eq!(s.focus, Pane::List);
    assert!(s.detail_open);
    let mut last = *j0;
    for _ in 0..5 {
        let cmds = update(&mut s, ch('j'));
        assert!(
            matches!(cmds.as_slice(), [Command::Cancel { job }, Command::Detail { .. }] if *job == last),
            "{cmds:?}"
        );
        let Command::Detail { job, .. } = cmds[1] else {
            unreachable!()
        };
        last = job;
    }
    let details = s
        .jobs
        .values()
        .filter(|j| matches!(j.kind, JobKind::Detail { .. }))
        .count();
    assert_eq!(details, 1, "only the row under the cursor loads");
}

#[test]
fn a_refused_request_after_its_key_was_made_is_sent_again_with_that_key() {
    let mut s = state_with(10);
    select_id(&mut s, "3");
    update(&mut s, ch('u'));
    typed(&mut s, "rotation");
    let sent = ok_and_confirm(&mut s);
    let job = sent[0].job();
    let kept = std::path::PathBuf::from("./host0003.example.com.new.key");
    let mut err = ProviderError::new(
        "corp",
        "replace",
        ErrorKind::Rejected,
        "The CSR is not valid; the new private key was kept in ./host0003.example.com.new.key",
    );
    err.kept_key = Some(kept.clone());
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Done {
            job,
            result: Err(err),
        }),
    );
    let d = s.dialog.as_ref().expect("the form is back");
    assert_eq!(d.form.value("key"), "Existing key file");
    assert_eq!(d.form.value("key_path"), "./host0003.example.com.new.key");
    assert!(
        d.form
            .note
            .as_deref()
            .unwrap()
            .contains("again with the key kept in")
    );
    // OK: the file check now wants the key to exist (not to be new), then the request goes
    // out signed by it.
    while s
        .dialog
        .as_ref()
        .is_some_and(|d| d.form.focus != form::Focus::Ok)
    {
        update(&mut s, key(KeyCode::BackTab));
    }
    let sent = update(&mut s, key(KeyCode::Enter));
    let [Command::CheckFiles { checks, .. }] = sent.as_slice() else {
        panic!("{sent:?}")
    };
    assert_eq!(checks.len(), 1);
    assert!(!checks[0].new && checks[0].path == kept);
    let sent = files_fine(&mut s, sent);
    let sent = if sent.is_empty() {
        update(&mut s, key(KeyCode::Right));
        update(&mut s, key(KeyCode::Enter))
    } else {
        sent
    };
    let [Command::Enroll { spec, .. }] = sent.as_slice() else {
        panic!("{sent:?}")
    };
    assert_eq!(spec.key, crate::worker::KeySource::KeyFile(kept));
}

#[test]
fn a_filter_typed_in_the_certificate_list_does_not_narrow_a_side_view() {
    let mut s = state_with(10);
    update(&mut s, ch('/'));
    typed(&mut s, "host000");
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.filter_text(), "host000");
    // To the domains view of the first account, in the accounts pane.
    s.focus = Pane::Accounts;
    while s.scope() != Scope::View(0, "domains") {
        update(&mut s, ch('j'));
    }
    assert_eq!(s.filter_text(), "", "the domains view has its own filter");
    s.focus = Pane::List;
    update(&mut s, ch('/'));
    typed(&mut s, "corp");
    update(&mut s, key(KeyCode::Enter));
    // Back to every certificate: its filter is back, the domains one kept for later.
    s.focus = Pane::Accounts;
    while s.scope() != Scope::All {
        update(&mut s, ch('k'));
    }
    assert_eq!(s.filter_text(), "host000");
    assert!(
        s.view
            .iter()
            .all(|&i| s.certs[i as usize].common_name.contains("host000"))
    );
    while s.scope() != Scope::View(0, "domains") {
        update(&mut s, ch('j'));
    }
    assert_eq!(s.filter_text(), "corp");
}

#[test]
fn a_read_only_account_s_dcv_view_offers_no_recheck() {
    let mut s = state_with(10);
    s.accounts[1].read_only = true;
    select_id(&mut s, "3"); // an issued SSL certificate of account 1
    let cmds = update(&mut s, ch('v'));
    // It opens (it reads), and loads the status.
    assert!(
        matches!(
            cmds.as_slice(),
            [Command::Act {
                request: req,
                ..
            }] if matches!(req.get(), Some(ScmRequest::CertDcv { .. }))),
        "{cmds:?}"
    );
    let d = s.dialog.as_mut().expect("the DCV view opens");
    // One button, Close; no OK to press (nor ^S).
    assert!(!d.form.has_ok(), "{:?}", d.form.ok_label);
    assert_eq!(d.form.cancel_label, "Close");
    assert!(d.form.title.contains("read-only"));
    d.form.ready = true;
    let ctrl_s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(update(&mut s, Msg::Key(ctrl_s)).is_empty());
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(s.dialog.as_ref().unwrap().form.focus, form::Focus::Cancel);
    // Enter closes it: nothing is sent, nothing is refused later, no "cancelled".
    let sent = update(&mut s, key(KeyCode::Enter));
    assert!(sent.is_empty(), "{sent:?}");
    assert!(s.dialog.is_none());
    assert!(
        !status_text(&s).contains("cancelled"),
        "{}",
        status_text(&s)
    );
    // A writable account's request waiting on its validation can be rechecked…
    select_id(&mut s, "0"); // account 0, requested
    update(&mut s, ch('v'));
    assert_eq!(s.dialog.as_ref().unwrap().form.ok_label, "Recheck");
    update(&mut s, key(KeyCode::Esc));
    // …an issued certificate only shows its record.
    select_id(&mut s, "2"); // account 0, issued
    update(&mut s, ch('v'));
    let d = s.dialog.as_ref().expect("the DCV view opens");
    assert!(!d.form.has_ok(), "{:?}", d.form.ok_label);
}

#[test]
fn while_the_terminal_is_too_small_only_quit_acts() {
    let mut s = state_with(10);
    select_id(&mut s, "3");
    update(&mut s, ch('R')); // a revoke dialog, then the terminal shrinks under it
    assert!(s.dialog.is_some());
    update(&mut s, Msg::Resize(60, 20));
    for k in ['x', 'y', '\t'] {
        assert!(update(&mut s, ch(k)).is_empty());
    }
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    assert!(update(&mut s, Msg::Paste("pasted".into())).is_empty());
    let d = s
        .dialog
        .as_ref()
        .expect("the dialog is still there, untouched");
    assert!(
        d.form
            .fields
            .iter()
            .all(|f| !f.value().contains('x') && !f.value().contains("pasted"))
    );
    assert!(!s.quit);
    // Big enough again: the dialog is as it was.
    update(&mut s, Msg::Resize(100, 30));
    assert!(s.dialog.is_some());
    update(&mut s, Msg::Resize(60, 20));
    update(&mut s, ch('q'));
    assert!(s.quit, "q quits, and types into nothing");
}

#[test]
fn the_help_scrolls_to_the_end_and_back_by_key() {
    let mut s = state_with(10);
    s.size = (80, 24);
    // As the console does: the screen measures how far its panes scroll.
    s.measure = crate::ui::measure;
    update(&mut s, ch('?'));
    let max = crate::ui::help_max_scroll(&s);
    assert!(max > 10, "the help is longer than a screen at 80x24");
    let at = |s: &State| match s.overlay {
        Some(Overlay::Help { scroll }) => scroll,
        _ => panic!("the help is closed"),
    };
    update(&mut s, ch('G'));
    assert_eq!(at(&s), max);
    update(&mut s, ch('g'));
    assert_eq!(at(&s), 0);
    update(&mut s, key(KeyCode::End));
    assert_eq!(at(&s), max);
    update(&mut s, key(KeyCode::Home));
    update(&mut s, key(KeyCode::PageDown));
    assert_eq!(at(&s), 10);
    update(&mut s, key(KeyCode::PageUp));
    assert_eq!(at(&s), 0);
}

// ---- questions from providers (one-time passwords, fingerprints) --------------------------

#[test]
fn a_providers_question_takes_every_key_and_its_secret_answer_is_never_kept() {
    use crate::provider::host::{Answer, Prompt, PromptKind, Reply};
    let mut s = state_with(10);
    let sel = s.sel;
    let otp = |title: &str| Prompt {
        title: title.into(),
        lines: vec!["The NAS asks for the code from your authenticator app.".into()],
        kind: PromptKind::Secret,
    };
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Prompt {
            prompt: 900,
            account: 1,
            question: otp("One-time password"),
        }),
    );
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Prompt {
            prompt: 901,
            account: 1,
            question: Prompt {
                title: "New server certificate".into(),
                lines: vec!["SHA-256 AB:CD:…".into()],
                kind: PromptKind::YesNo,
            },
        }),
    );
    assert_eq!(s.prompt().unwrap().prompt, 900, "the oldest is shown first");
    // Typing goes to the question, not to the list or the bindings.
    for c in "49j2q817".chars() {
        assert!(update(&mut s, ch(c)).is_empty());
    }
    update(&mut s, key(KeyCode::Backspace));
    update(&mut s, Msg::Paste("x\n".into()));
    assert_eq!(s.sel, sel);
    assert!(!s.quit);
    let shown = format!("{s:?}");
    assert!(
        !shown.contains("49j2q81"),
        "typed text in the state's debug output"
    );
    let cmds = update(&mut s, key(KeyCode::Enter));
    assert_eq!(
        cmds,
        vec![Command::Answer {
            prompt: 900,
            answer: Answer::Text(Reply::new("49j2q81x")),
        }]
    );
    assert!(
        s.status_log.iter().all(|e| !e.text.contains("49j2q81")),
        "{:?}",
        s.status_log
    );
    // The next question: yes/no.
    assert_eq!(s.prompt().unwrap().prompt, 901);
    assert!(
        update(&mut s, key(KeyCode::Enter)).is_empty(),
        "Enter is not an answer"
    );
    let cmds = update(&mut s, ch('n'));
    assert_eq!(
        cmds,
        vec![Command::Answer {
            prompt: 901,
            answer: Answer::No,
        }]
    );
    // Esc cancels; an empty secret is not sent.
    update(
        &mut s,
        Msg::Worker(WorkerEvent::Prompt {
            prompt: 902,
            account: 1,
            question: otp("One-time password"),
        }),
    );
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    let cmds = update(&mut s, key(KeyCode::Esc));
    assert_eq!(
        cmds,
        vec![Command::Answer {
            prompt: 902,
            answer: Answer::Cancelled,
        }]
    );
    assert!(s.prompt().is_none());
    // Keys work as before.
    update(&mut s, ch('j'));
    assert_eq!(s.sel, sel + 1);
}

#[test]
fn each_side_view_keeps_its_own_sort_order_apart_from_the_certificate_list() {
    let mut s = dcv_state();
    let list_sort = s.sort;
    update(&mut s, ch('s'));
    assert_eq!(s.side_view(0, "dcv").unwrap().sort_label(), "name");
    assert_eq!(s.sort, list_sort, "the certificate list keeps its order");
    // The certificate list sorted elsewhere leaves the view's order alone.
    select_scope(&mut s, Scope::All);
    update(&mut s, ch('s'));
    assert_ne!(s.sort, list_sort);
    select_scope(&mut s, Scope::View(0, "dcv"));
    assert_eq!(s.side_view(0, "dcv").unwrap().sort_label(), "name");
    assert_eq!(
        dcv_names(&s),
        ["acme-shop.example", "kestrel-labs.example", "zeta.example"]
    );
    // A view with one order says so.
    select_scope(&mut s, Scope::View(0, "orgs"));
    s.focus = Pane::List;
    update(&mut s, ch('s'));
    assert_eq!(status_text(&s), "organizations are always listed by name");
}
