use super::*;
use crate::provider::request::testing::{Done, LIST, Probe};
use crate::provider::request::{ActionOutput, ActionRequest};

fn entry() -> AuditEntry {
    AuditEntry::new("corp", "approve", vec!["1234".into()]).with_reason("ok by me")
}

#[test]
fn outcomes_follow_the_error_kind() {
    let ok: Result<(), ProviderError> = Ok(());
    assert_eq!(with_outcome(entry(), &ok).outcome, "ok");
    let err = |kind| -> Result<(), ProviderError> {
        Err(ProviderError::new("corp", "approve", kind, "why"))
    };
    assert_eq!(
        with_outcome(entry(), &err(ErrorKind::Local)).outcome,
        "refused: why"
    );
    assert_eq!(
        with_outcome(entry(), &err(ErrorKind::UnknownOutcome)).outcome,
        "unknown: why"
    );
    let e = err(ErrorKind::Rejected).map_err(|e| e.with_status(400).with_code(-1112));
    let a = with_outcome(entry(), &e);
    assert_eq!(a.outcome, "error: why");
    assert_eq!(a.detail.as_deref(), Some("HTTP 400, code -1112"));
}

#[test]
fn a_failed_audit_write_is_never_silent() {
    let path = std::path::Path::new("/var/log/certdeck/audit.jsonl");
    // Written: the provider's result as is.
    let r: Result<u8, ProviderError> = settle(&entry().ok(), path, Ok(7), Ok(()));
    assert_eq!(r, Ok(7));
    // Success on the server, audit failed: an error that says both.
    let done = entry().with_detail("new id 99").ok();
    let e = settle(&done, path, Ok(7), Err("disk full".into())).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Local);
    for part in [
        "approve of 1234 (new id 99) SUCCEEDED",
        "/var/log/certdeck/audit.jsonl",
        "disk full",
    ] {
        assert!(e.message.contains(part), "{part}: {}", e.message);
    }
    // Failure on the server, audit failed too: the provider's error, extended.
    let failed = Err::<u8, _>(
        ProviderError::new("corp", "approve", ErrorKind::Rejected, "already approved")
            .with_code(-1112),
    );
    let e = settle(&entry(), path, failed, Err("disk full".into())).unwrap_err();
    assert_eq!((e.kind, e.code), (ErrorKind::Rejected, Some(-1112)));
    assert!(e.message.starts_with("already approved; "), "{}", e.message);
    assert!(e.message.contains("disk full"), "{}", e.message);
}

/// A provider whose details and approvals wait at a gate the test opens, counting how
/// many are in flight at once.
struct Gated {
    gate: tokio::sync::Semaphore,
    in_flight: std::sync::Mutex<(usize, usize)>,
}

impl Gated {
    async fn pass(&self) {
        {
            let mut f = self.in_flight.lock().unwrap();
            f.0 += 1;
            f.1 = f.1.max(f.0);
        }
        // Counted out also when the call is dropped half-way (cancelled).
        struct Out<'a>(&'a std::sync::Mutex<(usize, usize)>);
        impl Drop for Out<'_> {
            fn drop(&mut self) {
                self.0.lock().unwrap().0 -= 1;
            }
        }
        let _out = Out(&self.in_flight);
        let _ = self.gate.acquire().await.map(|p| p.forget());
    }
    fn started(&self) -> (usize, usize) {
        *self.in_flight.lock().unwrap()
    }
}

#[async_trait::async_trait]
impl Provider for Gated {
    fn account(&self) -> &str {
        "gated"
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            approve: true,
            ..Capabilities::read_only()
        }
    }
    fn families(&self) -> Vec<Collection> {
        vec![LIST]
    }
    fn info(&self) -> crate::model::spec::AccountInfo {
        crate::model::spec::AccountInfo::NONE
    }
    fn concurrency(&self) -> usize {
        2
    }
    async fn list(&self, _: Collection, _: ListSink) -> Result<usize, ProviderError> {
        Ok(0)
    }
    async fn detail(&self, _: Collection, id: &str) -> Result<(Cert, CertDetail), ProviderError> {
        self.pass().await;
        Err(ProviderError::new(
            "gated",
            "detail",
            ErrorKind::NotFound,
            id,
        ))
    }
    async fn collect(&self, _: Collection, _: &str, _: &str) -> Result<Vec<u8>, ProviderError> {
        Ok(Vec::new())
    }
    async fn act(&self, _: &ActionRequest) -> Result<ActionOutput, ProviderError> {
        self.pass().await;
        Ok(ActionOutput::new(Done))
    }
}

/// Let every task that can run, run (a current-thread runtime: nothing runs meanwhile).
async fn idle() {
    for _ in 0..200 {
        tokio::task::yield_now().await;
    }
}

#[tokio::test(flavor = "current_thread")]
async fn changes_to_one_account_go_one_at_a_time_and_reads_up_to_its_concurrency() {
    let dir = tempfile::tempdir().unwrap();
    let audit = AuditLog::open(&dir.path().join("audit.jsonl")).unwrap();
    let p = Arc::new(Gated {
        gate: tokio::sync::Semaphore::new(0),
        in_flight: Default::default(),
    });
    let slot = AccountSlot {
        name: "gated".into(),
        provider: Some(p.clone()),
        unavailable: None,
    };
    let (tx, mut rx) = spawn(vec![slot], Some(audit));
    for job in 0..3 {
        tx.send(Command::Act {
            job,
            account: 0,
            request: ActionRequest::new(Probe(ActionKind::Approve, job.to_string())),
            about: Vec::new(),
        })
        .unwrap();
    }
    idle().await;
    assert_eq!(p.started(), (1, 1), "one approval at a time");
    p.gate.add_permits(3);
    let mut done = 0;
    while done < 3 {
        if let Some(WorkerEvent::Done { result, .. }) = rx.recv().await {
            assert!(result.is_ok(), "{result:?}");
            done += 1;
        }
    }
    assert_eq!(p.started(), (0, 1), "never two at once");
    // Reads: up to the account's concurrency (2) at once.
    for job in 10..14 {
        tx.send(Command::Detail {
            job,
            account: 0,
            family: LIST,
            id: job.to_string(),
            key: None,
        })
        .unwrap();
    }
    idle().await;
    assert_eq!(p.started().0, 2);
    p.gate.add_permits(4);
    let mut done = 0;
    while done < 4 {
        if let Some(WorkerEvent::Done { .. }) = rx.recv().await {
            done += 1;
        }
    }
    assert_eq!(p.started(), (0, 2));
    // A cancelled read ends where it is, sends nothing, and frees its place.
    for job in 20..22 {
        tx.send(Command::Detail {
            job,
            account: 0,
            family: LIST,
            id: job.to_string(),
            key: None,
        })
        .unwrap();
    }
    idle().await;
    assert_eq!(p.started().0, 2);
    tx.send(Command::Cancel { job: 20 }).unwrap();
    tx.send(Command::Detail {
        job: 22,
        account: 0,
        family: LIST,
        id: "22".into(),
        key: None,
    })
    .unwrap();
    idle().await;
    assert_eq!(p.started().0, 2, "20 left, 22 took its place");
    p.gate.add_permits(2);
    let mut ended = Vec::new();
    while ended.len() < 2 {
        if let Some(WorkerEvent::Done { job, .. }) = rx.recv().await {
            ended.push(job);
        }
    }
    ended.sort();
    assert_eq!(ended, [21, 22]);
    idle().await;
    assert!(rx.try_recv().is_err(), "nothing from the cancelled job");
}

#[test]
fn capabilities_gate_by_kind() {
    let ro = Capabilities::read_only();
    assert!(allows(&ro, ActionKind::Collect));
    assert!(!allows(&ro, ActionKind::Approve));
    assert!(!allows(&ro, ActionKind::Enroll));
}

/// A provider that needs a one-time password before it lists anything.
#[derive(Default)]
struct AsksOtp {
    host: std::sync::OnceLock<Arc<dyn crate::provider::host::Host>>,
}

#[async_trait::async_trait]
impl Provider for AsksOtp {
    fn account(&self) -> &str {
        "nas"
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities::read_only()
    }
    fn families(&self) -> Vec<Collection> {
        vec![LIST]
    }
    fn info(&self) -> crate::model::spec::AccountInfo {
        crate::model::spec::AccountInfo::NONE
    }
    fn attach(&self, host: Arc<dyn crate::provider::host::Host>) {
        let _ = self.host.set(host);
    }
    async fn list(&self, _: Collection, _: ListSink) -> Result<usize, ProviderError> {
        use crate::provider::host::{Answer, Prompt, PromptKind};
        let host = self.host.get().expect("the worker attached a host");
        let answer = host
            .ask(Prompt {
                title: "One-time password".into(),
                lines: vec!["nas asks for a code".into()],
                kind: PromptKind::Secret,
            })
            .await;
        match answer {
            Answer::Text(code) if code.expose() == "123456" => Ok(7),
            Answer::Text(_) => Err(ProviderError::new(
                "nas",
                "log in",
                ErrorKind::Auth,
                "wrong code",
            )),
            _ => Err(ProviderError::new(
                "nas",
                "log in",
                ErrorKind::Auth,
                "no code given",
            )),
        }
    }
    async fn detail(&self, _: Collection, id: &str) -> Result<(Cert, CertDetail), ProviderError> {
        Err(ProviderError::new("nas", "detail", ErrorKind::NotFound, id))
    }
    async fn collect(&self, _: Collection, _: &str, _: &str) -> Result<Vec<u8>, ProviderError> {
        Ok(Vec::new())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_provider_asks_the_person_and_waits_for_the_answer() {
    use crate::provider::host::{Answer, Reply};
    let slot = AccountSlot {
        name: "nas".into(),
        provider: Some(Arc::new(AsksOtp::default())),
        unavailable: None,
    };
    let (tx, mut rx) = spawn(vec![slot], None);
    let list = |job| Command::List {
        job,
        account: 0,
        family: LIST,
    };
    tx.send(list(1)).unwrap();
    let Some(WorkerEvent::Prompt {
        prompt,
        account: 0,
        question,
    }) = rx.recv().await
    else {
        panic!("no question")
    };
    assert_eq!(question.title, "One-time password");
    idle().await;
    assert!(rx.try_recv().is_err(), "the list waits for the answer");
    tx.send(Command::Answer {
        prompt,
        answer: Answer::Text(Reply::new("123456")),
    })
    .unwrap();
    match rx.recv().await {
        Some(WorkerEvent::Done {
            job: 1,
            result: Ok(JobOutput::Listed { count: 7, .. }),
        }) => {}
        other => panic!("{other:?}"),
    }
    // Cancelled: the provider hears it, and says so.
    tx.send(list(2)).unwrap();
    let Some(WorkerEvent::Prompt { prompt, .. }) = rx.recv().await else {
        panic!("no question")
    };
    tx.send(Command::Answer {
        prompt,
        answer: Answer::Cancelled,
    })
    .unwrap();
    match rx.recv().await {
        Some(WorkerEvent::Done {
            job: 2,
            result: Err(e),
        }) => assert_eq!(e.message, "no code given"),
        other => panic!("{other:?}"),
    }
    // An answer to a question nobody waits for is dropped.
    tx.send(Command::Answer {
        prompt,
        answer: Answer::Yes,
    })
    .unwrap();
    idle().await;
    assert!(rx.try_recv().is_err());
}
