//! Scale benchmarks: 150,000 certificates in the state.
//! - drawing one frame of the list (target: < 1 ms, release build)
//! - applying one filter keystroke (target: < 10 ms, release build)
//!
//! Run: `cargo bench --bench render`

use certdeck::provider::sectigo::Family;
use std::time::{Duration, Instant};

use certdeck::app::{KeyMap, Msg, State, update};
use certdeck::model::{AccountIdx, Cert, CertStatus, ProviderKind};
use certdeck::worker::WorkerEvent;
use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const NOW: i64 = 1_795_000_000;
const N: u32 = 150_000;

fn big_state(width: u16, height: u16) -> State {
    let accounts = (0..4)
        .map(|i| {
            certdeck::app::AccountView::new(
                format!("account-{i}"),
                ProviderKind::Sectigo,
                &[Family::Ssl],
            )
        })
        .collect();
    let mut s = State::new(accounts, KeyMap::default(), NOW, (width, height));
    let statuses = [
        CertStatus::Issued,
        CertStatus::Issued,
        CertStatus::Issued,
        CertStatus::Requested,
        CertStatus::Revoked,
        CertStatus::Expired,
    ];
    let rows: Vec<Cert> = (0..N)
        .map(|i| {
            let dept = ["web", "api", "mail", "vpn", "intranet", "shop"][(i % 6) as usize];
            let status = statuses[(i % 6) as usize];
            Cert {
                account: (i % 4) as AccountIdx,
                family: Family::Ssl,
                id: (100_000 + i).to_string(),
                common_name: format!("{dept}{i}.region{}.example.com", i % 97),
                sans: vec![
                    format!("{dept}{i}.example.net"),
                    format!("alt{i}.example.org"),
                ],
                serial: Some(format!(
                    "{:02X}:{:02X}:{:02X}:{:02X}",
                    i >> 24,
                    (i >> 16) & 0xff,
                    (i >> 8) & 0xff,
                    i & 0xff
                )),
                status,
                status_text: status.label().into(),
                profile: Some("OV SSL".into()),
                expires: Some(NOW - 30 * 86_400 + (i as i64 * 7919 % 760) * 86_400),
                complete: true,
                sha256: None,
                origin: certdeck::model::Origin::Unknown,
            }
        })
        .collect();
    update(&mut s, Msg::Worker(WorkerEvent::Rows { job: 0, rows }));
    s.settle();
    assert_eq!(s.view.len(), N as usize);
    s
}

fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn bench_draw(c: &mut Criterion) {
    for (w, h) in [(80u16, 24u16), (200, 60)] {
        let mut state = big_state(w, h);
        // Somewhere in the middle of the list, as after scrolling.
        for _ in 0..3 {
            update(&mut state, key(KeyCode::PageDown));
        }
        let mut term = Terminal::new(TestBackend::new(w, h)).expect("test backend");
        c.bench_function(&format!("draw list frame, 150k certs, {w}x{h}"), |b| {
            b.iter(|| {
                term.draw(|f| certdeck::ui::draw(&state, f)).expect("draw");
            })
        });
    }
}

fn bench_filter(c: &mut Criterion) {
    let mut state = big_state(120, 40);
    // The first keystroke scans all 150k rows (the worst case for narrowing);
    // Backspace rebuilds the view from the full sorted list.
    c.bench_function("filter keystroke, 150k certs: type first char", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            update(&mut state, key(KeyCode::Char('/')));
            for _ in 0..iters {
                let t = Instant::now();
                update(&mut state, key(KeyCode::Char('9')));
                total += t.elapsed();
                update(&mut state, key(KeyCode::Backspace));
            }
            update(&mut state, key(KeyCode::Esc));
            total
        })
    });
    c.bench_function(
        "filter keystroke, 150k certs: backspace (full refilter)",
        |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                update(&mut state, key(KeyCode::Char('/')));
                update(&mut state, key(KeyCode::Char('a')));
                update(&mut state, key(KeyCode::Char('p')));
                for _ in 0..iters {
                    update(&mut state, key(KeyCode::Char('i')));
                    let t = Instant::now();
                    update(&mut state, key(KeyCode::Backspace));
                    total += t.elapsed();
                }
                update(&mut state, key(KeyCode::Esc));
                total
            })
        },
    );
    c.bench_function("sort change, 150k certs", |b| {
        b.iter(|| update(&mut state, key(KeyCode::Char('s'))))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = bench_draw, bench_filter
}
criterion_main!(benches);
