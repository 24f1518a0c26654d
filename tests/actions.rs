//! The worker executing actions, enrolments and downloads: the real worker (`worker::spawn`)
//! with real SCM clients against the in-tree emulator over loopback, a temporary audit log and
//! temporary files.

use certdeck::provider::sectigo::Family;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use certdeck::audit::{self, AuditEntry, AuditLog};
use certdeck::emulator::sectigo::{Fault, SectigoEmulator, SectigoOptions};
use certdeck::model::{Cert, CertStatus, Collection};
use certdeck::provider::op::{FollowPlan, Op};
use certdeck::provider::sectigo::actions::{DcvFilter, EnrollRequest, Enrolled, RevokeReason};
use certdeck::provider::sectigo::request::{ScmOutput, ScmRequest};
use certdeck::provider::sectigo::{RetryPolicy, SectigoClient, SectigoSettings, enrolment};
use certdeck::provider::{ErrorKind, Provider, ProviderError};
use certdeck::worker::{
    self, AccountSlot, Command, EnrollSpec, FollowStep, JobId, JobOutput, KeyAlg, KeySource,
    WorkerEvent,
};
use certdeck::{keygen, x509};
use secrecy::SecretString;
use tokio::sync::mpsc;

const RW: usize = 0;
const RO: usize = 1;

fn client(emu: &SectigoEmulator, name: &str, read_only: bool) -> SectigoClient {
    let mut s = SectigoSettings::new(
        name,
        emu.base_url.clone(),
        emu.login.clone(),
        SecretString::from(emu.password.clone()),
        emu.customer_uri.clone(),
    );
    s.timeout = Duration::from_secs(10);
    s.read_only = read_only;
    SectigoClient::new(s)
        .expect("client builds")
        .with_retry(RetryPolicy {
            attempts: 3,
            base_delay: Duration::from_millis(5),
            max_retry_after: Duration::from_millis(20),
        })
}

/// A worker with two accounts on one emulator: #0 read-write ("scm-rw"), #1 read-only
/// ("scm-ro"), and an audit log in a temp dir.
struct Rig {
    emu: SectigoEmulator,
    dir: tempfile::TempDir,
    audit_path: PathBuf,
    tx: mpsc::UnboundedSender<Command>,
    rx: mpsc::UnboundedReceiver<WorkerEvent>,
    next: JobId,
    /// Rows reported by list jobs.
    rows: HashMap<String, Cert>,
    /// Steps of the operations the worker follows, in order.
    followed: Vec<(Op, FollowStep)>,
}

impl Rig {
    async fn start(ssl_count: usize) -> Rig {
        let emu = SectigoEmulator::start(SectigoOptions {
            ssl_count,
            ..SectigoOptions::for_tests()
        })
        .await
        .expect("emulator starts");
        emu.set_issue_delay(Duration::from_millis(300));
        let dir = tempfile::tempdir().unwrap();
        let audit_path = dir.path().join("logs/audit.jsonl");
        let log = AuditLog::open(&audit_path).unwrap();
        let slots = vec![
            AccountSlot {
                name: "scm-rw".into(),
                provider: Some(Arc::new(client(&emu, "scm-rw", false))),
                unavailable: None,
            },
            AccountSlot {
                name: "scm-ro".into(),
                provider: Some(Arc::new(client(&emu, "scm-ro", true))),
                unavailable: None,
            },
        ];
        // Followed operations are polled every 20 ms (the CA's clock is moved on instead).
        let plan = FollowPlan {
            fast: Duration::from_millis(20),
            fast_for: Duration::from_secs(60),
            slow: Duration::from_millis(20),
            give_up: Duration::from_secs(60),
            max_failures: 3,
        };
        let (tx, rx) = worker::spawn_with(slots, Some(log), plan);
        Rig {
            emu,
            dir,
            audit_path,
            tx,
            rx,
            next: 1,
            rows: HashMap::new(),
            followed: Vec::new(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn job(&mut self) -> JobId {
        self.next += 1;
        self.next
    }

    /// Send commands (made with fresh job ids) and wait for all of them; results in order.
    async fn run_all(
        &mut self,
        make: Vec<Box<dyn FnOnce(JobId) -> Command>>,
    ) -> Vec<Result<JobOutput, ProviderError>> {
        let mut ids = Vec::new();
        for m in make {
            let job = self.job();
            ids.push(job);
            self.tx.send(m(job)).unwrap();
        }
        let mut done: HashMap<JobId, Result<JobOutput, ProviderError>> = HashMap::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        while ids.iter().any(|j| !done.contains_key(j)) {
            let left = deadline.saturating_duration_since(Instant::now());
            let ev = tokio::time::timeout(left, self.rx.recv())
                .await
                .expect("the worker answers in time")
                .expect("the worker is running");
            match ev {
                WorkerEvent::Done { job, result } => {
                    done.insert(job, result);
                }
                WorkerEvent::Rows { rows, .. } => {
                    // A later row may leave out what an earlier one brought (the report
                    // row has no SANs): keep it, as the app does.
                    for mut r in rows {
                        if let Some(old) = self.rows.get(&r.id) {
                            r.keep_from(old);
                        }
                        self.rows.insert(r.id.clone(), r);
                    }
                }
                WorkerEvent::Followed { op, step, .. } => self.followed.push((op, step)),
                WorkerEvent::Progress { .. }
                | WorkerEvent::Total { .. }
                | WorkerEvent::Prompt { .. } => {}
            }
        }
        ids.iter().map(|j| done.remove(j).unwrap()).collect()
    }

    /// Wait for the last step of the followed operation on `id` (settled, given up, failed),
    /// moving the CA's clock on meanwhile; the steps seen before it come too.
    async fn settled(&mut self, id: &str) -> (FollowStep, Vec<FollowStep>) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let steps: Vec<FollowStep> = self
                .followed
                .iter()
                .filter(|(op, _)| op.id == id)
                .map(|(_, s)| s.clone())
                .collect();
            if let Some(last) = steps
                .iter()
                .find(|s| !matches!(s, FollowStep::Pending { .. }))
            {
                return (last.clone(), steps);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            let ev = tokio::time::timeout(left, self.rx.recv())
                .await
                .unwrap_or_else(|_| panic!("{id} did not settle: {steps:?}"))
                .expect("the worker is running");
            if let WorkerEvent::Followed { op, step, .. } = ev {
                self.followed.push((op, step));
            }
            self.emu.advance(Duration::from_millis(100));
        }
    }

    async fn run(
        &mut self,
        make: impl FnOnce(JobId) -> Command + 'static,
    ) -> Result<JobOutput, ProviderError> {
        self.run_all(vec![Box::new(make)]).await.remove(0)
    }

    async fn act(
        &mut self,
        account: usize,
        request: ScmRequest,
    ) -> Result<ScmOutput, ProviderError> {
        let r = self
            .run(move |job| Command::Act {
                job,
                account,
                request: request.into(),
                about: Vec::new(),
            })
            .await?;
        match r {
            JobOutput::Acted { output, .. } => {
                Ok(output.get::<ScmOutput>().cloned().expect("an SCM answer"))
            }
            other => panic!("not an Acted answer: {other:?}"),
        }
    }

    async fn list(&mut self) {
        let r = self
            .run(|job| Command::List {
                job,
                account: RW,
                family: Family::Ssl,
            })
            .await;
        assert!(matches!(r, Ok(JobOutput::Listed { .. })), "{r:?}");
    }

    async fn detail(&mut self, id: &str) -> (Cert, certdeck::model::CertDetail) {
        let id = id.to_string();
        match self
            .run(move |job| Command::Detail {
                job,
                account: RW,
                family: Family::Ssl,
                id,
                key: None,
            })
            .await
        {
            Ok(JobOutput::Detail { cert, view, .. }) => (cert, view.detail),
            other => panic!("detail failed: {other:?}"),
        }
    }

    async fn status(&mut self, id: &str) -> CertStatus {
        self.detail(id).await.0.status
    }

    /// Poll the detail until the certificate has `want` (the emulator issues after a delay).
    async fn wait_for(&mut self, id: &str, want: CertStatus) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let s = self.status(id).await;
            if s == want {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{id} stayed {s:?}, wanted {want:?}"
            );
            // The CA's clock moves on instead of the test sleeping.
            self.emu.advance(Duration::from_millis(100));
        }
    }

    async fn enroll(
        &mut self,
        account: usize,
        common_name: &str,
        key: KeySource,
        request: EnrollRequest,
    ) -> Result<JobOutput, ProviderError> {
        let spec = Box::new(enrolment::ssl(common_name, key, request));
        self.run(move |job| Command::Enroll { job, account, spec })
            .await
    }

    async fn collect(&mut self, id: &str, path: &Path) -> Result<JobOutput, ProviderError> {
        let (id, path) = (id.to_string(), path.to_path_buf());
        self.run(move |job| Command::Collect {
            job,
            account: RW,
            family: Family::Ssl,
            id,
            format: "x509CO",
            path,
        })
        .await
    }

    /// Every audit line; checks each one's shape and that no secret is in the file.
    fn audit(&self) -> Vec<AuditEntry> {
        let text = std::fs::read_to_string(&self.audit_path).unwrap_or_default();
        assert!(
            !text.contains(&self.emu.password),
            "the audit log contains the password"
        );
        assert!(
            !text.contains("PRIVATE KEY"),
            "the audit log contains a key"
        );
        let entries = audit::read_all(&self.audit_path).unwrap();
        assert_eq!(entries.len(), text.lines().count(), "one entry per line");
        for e in &entries {
            assert!(e.account == "scm-rw" || e.account == "scm-ro", "{e:?}");
            assert!(!e.action.is_empty() && !e.ids.is_empty(), "{e:?}");
            assert!(
                e.outcome == "ok"
                    || e.outcome.starts_with("error: ")
                    || e.outcome.starts_with("unknown: ")
                    || e.outcome.starts_with("refused: "),
                "{e:?}"
            );
            assert!(e.time.parse::<jiff::Timestamp>().is_ok(), "{e:?}");
            // Who did it: the local operator, and the login the provider knows.
            assert!(
                e.operator.as_deref().is_some_and(|o| o.contains('@')),
                "{e:?}"
            );
            assert_eq!(e.login.as_deref(), Some(self.emu.login.as_str()), "{e:?}");
        }
        entries
    }

    /// An enrolment request for a new host under a domain the seeded data has issued
    /// certificates for (so DCV is already done), with the profile, organization and
    /// mandatory custom fields the account needs.
    async fn enroll_inputs(&mut self, label: &str) -> (EnrollRequest, String) {
        if self.rows.is_empty() {
            self.list().await;
        }
        let profiles = match self
            .act(
                RW,
                ScmRequest::Profiles {
                    family: Family::Ssl,
                    org_id: None,
                },
            )
            .await
            .unwrap()
        {
            ScmOutput::Profiles(p) => p,
            other => panic!("{other:?}"),
        };
        let ov = profiles
            .iter()
            .find(|p| p.name == "OV SSL")
            .or_else(|| {
                profiles
                    .iter()
                    .find(|p| !p.name.contains("Wildcard") && !p.name.contains("EV"))
            })
            .expect("a single-name profile")
            .clone();
        let custom = match self
            .act(
                RW,
                ScmRequest::CustomFields {
                    family: Family::Ssl,
                },
            )
            .await
            .unwrap()
        {
            ScmOutput::CustomFields(c) => c
                .into_iter()
                .filter(|f| f.mandatory)
                .map(|f| (f.name, "from-actions-test".to_string()))
                .collect(),
            other => panic!("{other:?}"),
        };
        let issued = self
            .rows
            .values()
            .find(|r| r.status == CertStatus::Issued && !r.common_name.starts_with('*'))
            .expect("an issued certificate")
            .clone();
        let (_, d) = self.detail(&issued.id).await;
        let org_id: i64 = d
            .fields
            .iter()
            .find(|(l, _)| l == "Organization id")
            .map(|(_, v)| v.parse().unwrap())
            .expect("organization id");
        let parent = issued
            .common_name
            .split_once('.')
            .map(|x| x.1.to_string())
            .unwrap_or(issued.common_name.clone());
        let host = format!("{label}.{parent}");
        let req = EnrollRequest {
            org_id,
            profile_id: ov.id,
            term_days: ov.terms[0],
            sans: vec![host.clone()],
            comments: Some("enrolled by the actions test".into()),
            custom_fields: custom,
            ..Default::default()
        };
        (req, host)
    }
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn enrolled(r: Result<JobOutput, ProviderError>) -> (Enrolled, Option<PathBuf>) {
    match r {
        Ok(JobOutput::Enrolled {
            enrolled, key_path, ..
        }) => (enrolled, key_path),
        other => panic!("enrolment failed: {other:?}"),
    }
}

fn approve(id: &str, message: &str) -> ScmRequest {
    ScmRequest::Approve {
        family: Family::Ssl,
        id: id.to_string(),
        message: message.to_string(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_key_enrol_approve_collect_and_revoke() {
    let mut rig = Rig::start(20).await;
    let (req, host) = rig.enroll_inputs("certdeck-actions").await;
    let key_path = rig.path("new.key");

    let (en, kp) = enrolled(
        rig.enroll(
            RW,
            &host,
            KeySource::Generate {
                alg: KeyAlg::EcdsaP256,
                key_path: key_path.clone(),
            },
            req,
        )
        .await,
    );
    assert_eq!(kp.as_deref(), Some(key_path.as_path()));
    let key_pem = std::fs::read_to_string(&key_path).expect("the key was written");
    assert!(key_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    rcgen::KeyPair::from_pem(&key_pem).expect("the key parses");
    #[cfg(unix)]
    assert_eq!(mode(&key_path), 0o600);
    let (cert, _) = rig.detail(&en.id).await;
    assert_eq!(cert.status, CertStatus::Requested);
    assert_eq!(cert.common_name, host);

    // Not issued yet: the download error passes through and no file is made.
    let early = rig.path("early.pem");
    let e = rig.collect(&en.id, &early).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotReady, "{e}");
    assert!(!early.exists());

    let out = rig
        .act(RW, approve(&en.id, "approved by the actions test"))
        .await
        .expect("approve");
    assert_eq!(out, ScmOutput::Done);
    // The worker follows the issuance by itself, with reads only, until the CA has issued.
    let (last, _) = rig.settled(&en.id).await;
    let FollowStep::Settled {
        ok: true,
        status,
        cert: Some(row),
    } = last
    else {
        panic!("not issued: {last:?}")
    };
    assert_eq!(
        (status.as_str(), row.status),
        ("Issued", CertStatus::Issued)
    );
    let actions: Vec<String> = rig.audit().into_iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        ["enroll", "download", "approve"],
        "polls are not audited"
    );
    // Issued, its body seen: the row carries the leaf's SHA-256 (what "installed on"
    // matches by), the same the X.509 view prints.
    let (row, _) = rig.detail(&en.id).await;
    let fp = row.sha256.expect("the issued row has its fingerprint");
    assert_ne!(*fp, [0u8; 32]);

    let cert_path = rig.path("issued.pem");
    match rig.collect(&en.id, &cert_path).await {
        Ok(JobOutput::Collected {
            path, bytes, id, ..
        }) => {
            assert_eq!(
                (path.as_path(), id.as_str()),
                (cert_path.as_path(), en.id.as_str())
            );
            assert_eq!(bytes as u64, std::fs::metadata(&cert_path).unwrap().len());
        }
        other => panic!("collect failed: {other:?}"),
    }
    #[cfg(unix)]
    assert_eq!(mode(&cert_path), 0o644);
    let body = std::fs::read(&cert_path).unwrap();
    let leaf = &certdeck::x509::parse_bundle(&body).expect("the download parses")[0];
    assert_eq!(
        hex::encode(*fp),
        leaf.sha256,
        "the row's fingerprint is the leaf's"
    );
    let views = x509::parse_bundle(&body).expect("a PEM certificate");
    assert_eq!(views.len(), 1, "x509CO is the certificate only");
    assert_eq!(x509::key_matches(&views[0], &key_pem), Ok(true));

    // The same name again is refused and the file is left alone.
    let e = rig.collect(&en.id, &cert_path).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Local);
    assert!(
        e.message.contains("already exists; choose another name"),
        "{e}"
    );
    assert!(e.message.contains("issued.pem"), "{e}");
    assert_eq!(std::fs::read(&cert_path).unwrap(), body);

    rig.act(
        RW,
        ScmRequest::Revoke {
            family: Family::Ssl,
            id: en.id.clone(),
            reason: RevokeReason::KeyCompromise,
            text: "key left on a laptop".into(),
        },
    )
    .await
    .expect("revoke");
    let (cert, d) = rig.detail(&en.id).await;
    assert_eq!(cert.status, CertStatus::Revoked);
    assert!(
        d.fields
            .iter()
            .any(|(l, v)| l == "Revocation reason" && v == "key compromise (1)"),
        "{:?}",
        d.fields
    );

    // Enrolling to the same key file again is refused before anything is sent.
    let before = std::fs::read(&key_path).unwrap();
    let (req2, _) = rig.enroll_inputs("certdeck-actions-2").await;
    let e = rig
        .enroll(
            RW,
            &host,
            KeySource::Generate {
                alg: KeyAlg::EcdsaP256,
                key_path: key_path.clone(),
            },
            req2,
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Local);
    assert!(e.message.contains("already exists"), "{e}");
    assert_eq!(
        std::fs::read(&key_path).unwrap(),
        before,
        "the key is untouched"
    );

    // The server refuses an enrolment after the key was written: the key is kept and the
    // error says where.
    let (mut bad_req, bad_host) = rig.enroll_inputs("certdeck-actions-3").await;
    bad_req.term_days = 7;
    let kept = rig.path("kept.key");
    let e = rig
        .enroll(
            RW,
            &bad_host,
            KeySource::Generate {
                alg: KeyAlg::EcdsaP384,
                key_path: kept.clone(),
            },
            bad_req,
        )
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.code), (ErrorKind::Rejected, Some(-36)), "{e}");
    assert!(
        e.message.contains(&format!(
            "the new private key was kept in {}",
            kept.display()
        )),
        "{e}"
    );
    assert!(
        std::fs::read_to_string(&kept)
            .unwrap()
            .contains("PRIVATE KEY")
    );
    assert_eq!(
        e.kept_key.as_deref(),
        Some(kept.as_path()),
        "marked for the form"
    );

    // One line per mutating attempt and per download (refusals included); other reads are
    // not audited.
    let (downloads, log): (Vec<AuditEntry>, Vec<AuditEntry>) = rig
        .audit()
        .into_iter()
        .partition(|e| e.action == "download");
    let outcomes: Vec<&str> = downloads
        .iter()
        .map(|e| e.outcome.split(':').next().unwrap())
        .collect();
    assert_eq!(outcomes, ["error", "ok", "refused"], "{downloads:#?}");
    for d in &downloads {
        assert_eq!(d.ids, vec![en.id.clone()]);
        assert_eq!(d.family.as_deref(), Some("ssl"));
    }
    let d1 = downloads[1].detail.as_deref().unwrap();
    assert!(
        d1.contains("format x509CO") && d1.contains("issued.pem"),
        "{d1}"
    );
    assert!(downloads[2].outcome.contains("already exists"));
    assert!(
        log.iter().all(|e| e.family.as_deref() == Some("ssl")),
        "{log:#?}"
    );
    let summary: Vec<(&str, &str)> = log
        .iter()
        .map(|e| (e.action.as_str(), e.outcome.as_str()))
        .collect();
    assert_eq!(summary.len(), 5, "{log:#?}");
    assert_eq!(
        summary[..3],
        [("enroll", "ok"), ("approve", "ok"), ("revoke", "ok")]
    );
    assert_eq!(log[0].ids, vec![en.id.clone()]);
    let d0 = log[0].detail.as_deref().unwrap();
    assert!(
        d0.contains(&host) && d0.contains("new.key") && d0.contains("ECDSA P-256"),
        "{d0}"
    );
    assert_eq!(
        log[1].reason.as_deref(),
        Some("approved by the actions test")
    );
    assert_eq!(log[2].ids, vec![en.id.clone()]);
    assert_eq!(
        log[2].reason.as_deref(),
        Some("key compromise (1): key left on a laptop")
    );
    assert_eq!(log[3].action, "enroll");
    assert!(log[3].outcome.starts_with("refused: "), "{:?}", log[3]);
    assert!(log[3].outcome.contains("already exists"), "{:?}", log[3]);
    assert_eq!(log[4].ids, vec![bad_host.clone()]);
    assert!(log[4].outcome.starts_with("error: "), "{:?}", log[4]);
    let d4 = log[4].detail.as_deref().unwrap();
    assert!(
        d4.starts_with("HTTP 400, code -36; ") && d4.contains("kept.key"),
        "{d4}"
    );
    // Sent again with that key: a CSR signed by it, no new key, the file untouched.
    let key_before = std::fs::read(&kept).unwrap();
    let (good_req, good_host) = rig.enroll_inputs("certdeck-actions-4").await;
    let again = rig
        .enroll(RW, &good_host, KeySource::KeyFile(kept.clone()), good_req)
        .await;
    assert!(again.is_ok(), "{again:?}");
    assert_eq!(std::fs::read(&kept).unwrap(), key_before);
    let bad_key = rig.path("not-a-key.pem");
    std::fs::write(&bad_key, "hello").unwrap();
    let (req, host) = rig.enroll_inputs("certdeck-actions-5").await;
    let e = rig
        .enroll(RW, &host, KeySource::KeyFile(bad_key), req)
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Local);
    assert!(e.message.contains("holds no PEM private key"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_approve_decline_revoke_by_serial_renew_and_delete() {
    let mut rig = Rig::start(30).await;
    let (req, host) = rig.enroll_inputs("bulk").await;

    // Four pending requests through Act(Enroll) with CSRs made here.
    let mut ids = Vec::new();
    for i in 0..4 {
        let name = format!("n{i}.{host}");
        let (_, csr) = keygen::generate(KeyAlg::EcdsaP256, &name, &[]).unwrap();
        let r = EnrollRequest {
            csr,
            sans: vec![name],
            ..req.clone()
        };
        match rig.act(RW, ScmRequest::Enroll(r)).await.unwrap() {
            ScmOutput::Enrolled(e) => ids.push(e.id),
            other => panic!("{other:?}"),
        }
    }

    // Bulk approve: three commands in flight at once, three answers, three lines.
    let make: Vec<Box<dyn FnOnce(JobId) -> Command>> = ids[..3]
        .iter()
        .map(|id| {
            let request = approve(id, "bulk approval");
            Box::new(move |job| Command::Act {
                job,
                account: RW,
                request: request.into(),
                about: Vec::new(),
            }) as Box<dyn FnOnce(JobId) -> Command>
        })
        .collect();
    for r in rig.run_all(make).await {
        assert!(matches!(r, Ok(JobOutput::Acted { .. })), "{r:?}");
    }
    for id in &ids[..3] {
        rig.wait_for(id, CertStatus::Issued).await;
    }

    rig.act(
        RW,
        ScmRequest::Decline {
            family: Family::Ssl,
            id: ids[3].clone(),
            message: "duplicate request".into(),
        },
    )
    .await
    .expect("decline");
    assert_eq!(rig.status(&ids[3]).await, CertStatus::Declined);

    // Seeded issued certificates for the rest.
    let issued: Vec<Cert> = rig
        .rows
        .values()
        .filter(|r| r.status == CertStatus::Issued && r.serial.is_some())
        .cloned()
        .collect();
    assert!(issued.len() >= 2);
    let by_serial = issued[0].clone();
    rig.act(
        RW,
        ScmRequest::RevokeBySerial {
            family: Family::Ssl,
            serial: by_serial.serial.clone().unwrap(),
            reason: RevokeReason::CessationOfOperation,
            text: "decommissioned".into(),
        },
    )
    .await
    .expect("revoke by serial");
    assert_eq!(rig.status(&by_serial.id).await, CertStatus::Revoked);

    let old = issued[1].clone();
    let new_id = match rig
        .act(
            RW,
            ScmRequest::Renew {
                family: Family::Ssl,
                id: old.id.clone(),
            },
        )
        .await
        .expect("renewById")
    {
        ScmOutput::Renewed(Some(e)) => e.id,
        other => panic!("renewById names the new id: {other:?}"),
    };
    assert_ne!(new_id, old.id);
    assert_eq!(rig.detail(&new_id).await.0.common_name, old.common_name);

    // Deleting a certificate that was enrolled (not imported or discovered) is refused by
    // SCM: shown and audited. (Seeded rows may be imported ones, which SCM lets you delete.)
    let e = rig
        .act(
            RW,
            ScmRequest::Delete {
                family: Family::Ssl,
                id: ids[0].clone(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Rejected, "{e}");
    assert!(e.code.is_some());

    let log = rig.audit();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "enroll",
            "enroll",
            "enroll",
            "enroll",
            "approve",
            "approve",
            "approve",
            "decline",
            "revoke-by-serial",
            "renew",
            "delete"
        ]
    );
    let mut approved: Vec<String> = log[4..7].iter().map(|e| e.ids[0].clone()).collect();
    approved.sort();
    let mut want = ids[..3].to_vec();
    want.sort();
    assert_eq!(approved, want);
    assert!(log[..10].iter().all(|e| e.outcome == "ok"), "{log:#?}");
    assert!(
        log[4..7]
            .iter()
            .all(|e| e.reason.as_deref() == Some("bulk approval"))
    );
    assert_eq!(log[7].reason.as_deref(), Some("duplicate request"));
    assert_eq!(
        log[8].ids,
        [format!("serial:{}", by_serial.serial.as_deref().unwrap())]
    );
    assert_eq!(
        log[8].reason.as_deref(),
        Some("cessation of operation (5): decommissioned")
    );
    assert_eq!(
        log[9].detail.as_deref(),
        Some(format!("new id {new_id}").as_str())
    );
    assert!(log[10].outcome.starts_with("error: "), "{:?}", log[10]);
    let detail = log[10].detail.as_deref().unwrap();
    assert!(detail.starts_with("HTTP 400, code "), "{detail}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csr_file_enrolment_waits_for_dcv_until_published() {
    let mut rig = Rig::start(10).await;
    let (mut req, _) = rig.enroll_inputs("unused").await;
    let todo = match rig
        .act(
            RW,
            ScmRequest::DcvList {
                filter: DcvFilter::default(),
            },
        )
        .await
        .unwrap()
    {
        ScmOutput::DcvList(list) => {
            list.into_iter()
                .find(|v| !v.status.eq_ignore_ascii_case("validated"))
                .expect("an unvalidated domain")
                .domain
        }
        other => panic!("{other:?}"),
    };
    let host = format!("www.{todo}");
    req.sans = vec![host.clone()];
    req.dcv_mode = Some("CNAME".into());

    // The CSR comes from a file this time (made here, key kept by the "user").
    let (_key, csr) = keygen::generate(KeyAlg::EcdsaP384, &host, &[]).unwrap();
    let csr_path = rig.path("www.csr");
    std::fs::write(&csr_path, &csr).unwrap();
    let (en, kp) = enrolled(
        rig.enroll(RW, &host, KeySource::CsrFile(csr_path), req)
            .await,
    );
    assert_eq!(kp, None);

    let dcv = match rig
        .act(RW, ScmRequest::CertDcv { id: en.id.clone() })
        .await
        .unwrap()
    {
        ScmOutput::CertDcv(d) => d,
        other => panic!("{other:?}"),
    };
    let ins = dcv
        .instructions
        .iter()
        .find(|i| i.domain == todo)
        .expect("instructions for the domain");
    assert_eq!(ins.mode, "CNAME");
    assert!(ins.host.as_deref().unwrap().ends_with(&format!(".{todo}.")));
    rig.act(RW, approve(&en.id, "ok")).await.unwrap();

    let validated = |d: &ScmOutput| match d {
        ScmOutput::CertDcv(d) => d
            .log
            .iter()
            .any(|l| l.domain == todo && l.status.eq_ignore_ascii_case("validated")),
        other => panic!("{other:?}"),
    };
    // Before publishing: the recheck is accepted, nothing validates, nothing issues.
    rig.act(RW, ScmRequest::DcvRecheck { id: en.id.clone() })
        .await
        .expect("recheck");
    let d = rig
        .act(RW, ScmRequest::CertDcv { id: en.id.clone() })
        .await
        .unwrap();
    assert!(!validated(&d), "{d:?}");
    // However long the CA waits (its clock moved on a minute), nothing issues.
    rig.emu.advance(Duration::from_secs(60));
    assert_ne!(rig.status(&en.id).await, CertStatus::Issued);

    rig.emu.publish_dcv(&todo);
    rig.act(RW, ScmRequest::DcvRecheck { id: en.id.clone() })
        .await
        .expect("recheck");
    let d = rig
        .act(RW, ScmRequest::CertDcv { id: en.id.clone() })
        .await
        .unwrap();
    assert!(validated(&d), "{d:?}");
    rig.wait_for(&en.id, CertStatus::Issued).await;

    let log = rig.audit();
    let actions: Vec<(&str, &str)> = log
        .iter()
        .map(|e| (e.action.as_str(), e.outcome.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("enroll", "ok"),
            ("approve", "ok"),
            ("dcv-recheck", "ok"),
            ("dcv-recheck", "ok")
        ]
    );
    assert!(
        log[0].detail.as_deref().unwrap().contains("www.csr"),
        "{:?}",
        log[0]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submitted_domain_validation_is_followed_until_the_domain_validates() {
    let mut rig = Rig::start(10).await;
    let domain = match rig
        .act(
            RW,
            ScmRequest::DcvList {
                filter: DcvFilter::default(),
            },
        )
        .await
        .unwrap()
    {
        ScmOutput::DcvList(v) => {
            v.into_iter()
                .find(|d| !d.status.eq_ignore_ascii_case("validated"))
                .expect("an unvalidated domain")
                .domain
        }
        other => panic!("{other:?}"),
    };
    let r = rig
        .run({
            let domain = domain.clone();
            move |job| Command::Act {
                job,
                account: RW,
                request: ScmRequest::DcvSubmit {
                    domain,
                    method: certdeck::provider::sectigo::actions::DcvMethod::Cname,
                    email: None,
                }
                .into(),
                about: Vec::new(),
            }
        })
        .await;
    let Ok(JobOutput::Acted { follows, .. }) = r else {
        panic!("{r:?}")
    };
    assert_eq!(follows.len(), 1, "{follows:?}");
    assert_eq!(
        (follows[0].id.as_str(), follows[0].goal),
        (domain.as_str(), "validated")
    );
    // Not published: the polls find it submitted, not validated.
    rig.emu.advance(Duration::from_secs(60));
    let deadline = Instant::now() + Duration::from_secs(30);
    while !rig.followed.iter().any(|(op, _)| op.id == domain) {
        assert!(Instant::now() < deadline, "no poll of {domain}");
        if let Ok(Some(WorkerEvent::Followed { op, step, .. })) =
            tokio::time::timeout(Duration::from_secs(1), rig.rx.recv()).await
        {
            rig.followed.push((op, step));
        }
    }
    assert!(
        matches!(&rig.followed[0].1, FollowStep::Pending { status, .. } if status.contains("SUBMITTED")),
        "{:?}",
        rig.followed
    );
    // Published: the CA validates it on its next look, and the follow ends there.
    rig.emu.publish_dcv(&domain);
    let (last, _) = rig.settled(&domain).await;
    assert!(
        matches!(&last, FollowStep::Settled { ok: true, status, cert: None } if status == "VALIDATED"),
        "{last:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rsa_2048_key_enrols_and_matches_its_certificate() {
    let mut rig = Rig::start(10).await;
    rig.emu.set_auto_approve(true);
    let (req, host) = rig.enroll_inputs("rsa").await;
    let key_path = rig.path("rsa.key");
    let (en, _) = enrolled(
        rig.enroll(
            RW,
            &host,
            KeySource::Generate {
                alg: KeyAlg::Rsa2048,
                key_path: key_path.clone(),
            },
            req,
        )
        .await,
    );
    rig.wait_for(&en.id, CertStatus::Issued).await;
    let cert_path = rig.path("rsa.pem");
    rig.collect(&en.id, &cert_path).await.expect("collect");
    let key_pem = std::fs::read_to_string(&key_path).unwrap();
    let views = x509::parse_bundle(&std::fs::read(&cert_path).unwrap()).unwrap();
    assert_eq!(x509::key_matches(&views[0], &key_pem), Ok(true));
    assert!(views[0].key_type.contains("RSA"), "{}", views[0].key_type);
    assert_eq!(views[0].key_bits, Some(2048));
    assert_eq!(views[0].common_name.as_deref(), Some(host.as_str()));
    let log: Vec<AuditEntry> = rig
        .audit()
        .into_iter()
        .filter(|e| e.action != "download")
        .collect();
    assert_eq!(log.len(), 1, "{log:#?}");
    assert_eq!(
        (log[0].action.as_str(), log[0].outcome.as_str()),
        ("enroll", "ok")
    );
    assert_eq!(log[0].ids, vec![en.id.clone()]);
    assert!(
        log[0].detail.as_deref().unwrap().contains("RSA 2048"),
        "{:?}",
        log[0]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_accounts_and_missing_audit_logs_refuse_before_http() {
    let mut rig = Rig::start(5).await;
    rig.list().await;
    let id = rig.rows.keys().next().unwrap().clone();
    let (req, host) = rig.enroll_inputs("ro").await;

    // A queued fault fails whatever request reaches the server next (401 is not retried).
    rig.emu.inject(Fault::Status(401));
    let e = rig
        .act(RO, approve(&id, "should not go"))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Local, "{e}");
    assert!(e.message.contains("read-only"), "{e}");
    let key_path = rig.path("ro.key");
    let e = rig
        .enroll(
            RO,
            &host,
            KeySource::Generate {
                alg: KeyAlg::EcdsaP256,
                key_path: key_path.clone(),
            },
            req,
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Local, "{e}");
    assert!(!key_path.exists(), "no key is made for a refused enrolment");
    // The provider refuses on its own too (no worker gate in between).
    let ro = client(&rig.emu, "scm-ro", true);
    let e = ro
        .act(
            &ScmRequest::Delete {
                family: Family::Ssl,
                id: id.clone(),
            }
            .into(),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Local);
    assert!(e.message.contains("read-only"), "{e}");
    // Reads still work on a read-only account; this one takes the queued fault, which proves
    // nothing above reached the server.
    let e = rig
        .act(
            RO,
            ScmRequest::Count {
                family: Family::Ssl,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Auth, "{e}");
    match rig
        .act(
            RO,
            ScmRequest::Count {
                family: Family::Ssl,
            },
        )
        .await
        .unwrap()
    {
        ScmOutput::Count(n) => assert_eq!(n, 5),
        other => panic!("{other:?}"),
    }

    // Something the app refused itself is recorded through the worker as is.
    let entry = AuditEntry::new("scm-ro", "revoke", vec![id.clone()])
        .with_reason("superseded (4): test")
        .refused("account is read-only");
    let r = rig.run(move |job| Command::Audit { job, entry }).await;
    assert_eq!(r, Ok(JobOutput::Audited));

    let log = rig.audit();
    let lines: Vec<(&str, &str, &str)> = log
        .iter()
        .map(|e| (e.account.as_str(), e.action.as_str(), e.outcome.as_str()))
        .collect();
    assert_eq!(
        lines,
        [
            (
                "scm-ro",
                "approve",
                "refused: account scm-ro is read-only: approve was not sent"
            ),
            (
                "scm-ro",
                "enroll",
                "refused: account scm-ro is read-only: enroll was not sent"
            ),
            ("scm-ro", "revoke", "refused: account is read-only"),
        ]
    );
    assert_eq!(log[0].ids, vec![id.clone()]);
    assert_eq!(log[0].reason.as_deref(), Some("should not go"));

    // A worker without an audit log reads, but refuses every change.
    let (tx, mut rx) = worker::spawn(
        vec![AccountSlot {
            name: "scm-rw".into(),
            provider: Some(Arc::new(client(&rig.emu, "scm-rw", false))),
            unavailable: None,
        }],
        None,
    );
    let ask = |job, request: ScmRequest| Command::Act {
        job,
        account: 0,
        request: request.into(),
        about: Vec::new(),
    };
    tx.send(ask(1, approve(&id, "unaudited"))).unwrap();
    tx.send(ask(
        2,
        ScmRequest::Count {
            family: Family::Ssl,
        },
    ))
    .unwrap();
    let mut results = HashMap::new();
    while results.len() < 2 {
        if let Some(WorkerEvent::Done { job, result }) = rx.recv().await {
            results.insert(job, result);
        }
    }
    let e = results.remove(&1).unwrap().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Local);
    assert!(e.message.contains("no audit log"), "{e}");
    assert!(results.remove(&2).unwrap().is_ok());
    assert_eq!(
        rig.status(&id).await,
        rig.rows[&id].status,
        "nothing changed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replace_with_a_new_local_key_reissues_from_that_key() {
    let mut rig = Rig::start(10).await;
    rig.emu.set_auto_approve(true);
    let (req, host) = rig.enroll_inputs("replace").await;
    let first_key = rig.path("first.key");
    let (en, _) = enrolled(
        rig.enroll(
            RW,
            &host,
            KeySource::Generate {
                alg: KeyAlg::EcdsaP256,
                key_path: first_key.clone(),
            },
            req,
        )
        .await,
    );
    rig.wait_for(&en.id, CertStatus::Issued).await;
    let new_key = rig.path("second.key");
    let spec = Box::new(enrolment::replace(
        Family::Ssl,
        &en.id,
        &host,
        KeySource::Generate {
            alg: KeyAlg::EcdsaP384,
            key_path: new_key.clone(),
        },
        certdeck::provider::sectigo::actions::ReplaceRequest {
            reason: "key rotation".into(),
            common_name: Some(host.clone()),
            sans: vec![host.clone()],
            ..Default::default()
        },
    ));
    let out = rig
        .run(move |job| Command::Enroll {
            job,
            account: RW,
            spec,
        })
        .await
        .expect("replace");
    let JobOutput::Replaced { id, key_path, .. } = out else {
        panic!("{out:?}")
    };
    assert_eq!(id, en.id);
    assert_eq!(key_path.as_deref(), Some(new_key.as_path()));
    assert_eq!(mode(&new_key), 0o600);
    rig.wait_for(&en.id, CertStatus::Issued).await;
    let cert_path = rig.path("replaced.pem");
    rig.collect(&en.id, &cert_path).await.expect("collect");
    let views = x509::parse_bundle(&std::fs::read(&cert_path).unwrap()).unwrap();
    let new_pem = std::fs::read_to_string(&new_key).unwrap();
    let old_pem = std::fs::read_to_string(&first_key).unwrap();
    assert_eq!(x509::key_matches(&views[0], &new_pem), Ok(true));
    assert_eq!(x509::key_matches(&views[0], &old_pem), Ok(false));
    let log = rig.audit();
    assert_eq!(log.last().unwrap().action, "download");
    let last = log.iter().rev().find(|e| e.action != "download").unwrap();
    assert_eq!(
        (last.action.as_str(), last.outcome.as_str()),
        ("replace", "ok")
    );
    assert_eq!(last.ids, vec![en.id.clone()]);
    assert_eq!(last.reason.as_deref(), Some("key rotation"));
    // Named by what the new CSR asks for (the console adds the replaced row's serial).
    assert_eq!(last.subjects.len(), 1, "{:?}", last.subjects);
    assert_eq!(last.subjects[0].cn, host);
}

// ---- client (S/MIME) and device enrolment ----------------------------------------------------

use certdeck::provider::sectigo::actions::{ClientEnrollRequest, DeviceEnrollRequest, Profile};

impl Rig {
    /// A family's first profile, the first organization and the mandatory custom fields
    /// (filled in), as the enrol dialog would load them.
    async fn family_inputs(&mut self, family: Collection) -> (Profile, i64, Vec<(String, String)>) {
        let profile = match self
            .act(
                RW,
                ScmRequest::Profiles {
                    family,
                    org_id: None,
                },
            )
            .await
            .unwrap()
        {
            ScmOutput::Profiles(p) => p.into_iter().next().expect("a profile"),
            other => panic!("{other:?}"),
        };
        let org = match self.act(RW, ScmRequest::Organizations).await.unwrap() {
            ScmOutput::Organizations(o) => o.first().expect("an organization").id,
            other => panic!("{other:?}"),
        };
        let custom = match self
            .act(RW, ScmRequest::CustomFields { family })
            .await
            .unwrap()
        {
            ScmOutput::CustomFields(c) => c
                .into_iter()
                .filter(|f| f.mandatory)
                .map(|f| (f.name, "from-actions-test".to_string()))
                .collect(),
            other => panic!("{other:?}"),
        };
        (profile, org, custom)
    }

    async fn enroll_kind(&mut self, spec: EnrollSpec) -> Result<JobOutput, ProviderError> {
        let spec = Box::new(spec);
        self.run(move |job| Command::Enroll {
            job,
            account: RW,
            spec,
        })
        .await
    }

    /// A certificate of any family, with the key-match check against `key`.
    async fn family_detail(
        &mut self,
        family: Collection,
        id: &str,
        key: Option<PathBuf>,
    ) -> (Cert, Box<worker::DetailView>) {
        let id = id.to_string();
        match self
            .run(move |job| Command::Detail {
                job,
                account: RW,
                family,
                id,
                key,
            })
            .await
        {
            Ok(JobOutput::Detail { cert, view, .. }) => (cert, view),
            other => panic!("detail failed: {other:?}"),
        }
    }
}

fn enrolled_in(
    family: Collection,
    r: Result<JobOutput, ProviderError>,
) -> (Enrolled, Option<PathBuf>) {
    match r {
        Ok(JobOutput::Enrolled {
            family: f,
            enrolled,
            key_path,
            ..
        }) => {
            assert_eq!(f, family, "the new request's family");
            (enrolled, key_path)
        }
        other => panic!("enrolment failed: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smime_enrolment_with_a_local_key_is_issued_for_that_key_and_audited() {
    let mut rig = Rig::start(5).await;
    let (profile, org_id, custom) = rig.family_inputs(Family::Client).await;
    let key_path = rig.path("ada.key");
    let request = ClientEnrollRequest {
        org_id,
        profile_id: profile.id,
        term_days: profile.terms.first().copied(),
        email: "ada.lovelace@analytical.example".into(),
        first_name: "Ada".into(),
        middle_name: None,
        last_name: "Lovelace".into(),
        common_name: Some("Ada Lovelace".into()),
        phone: Some("+44 (20) 7946-0000".into()),
        secondary_emails: vec!["countess@analytical.example".into()],
        custom_fields: custom,
        comments: Some("enrolled by the actions test".into()),
        ..Default::default()
    };
    let (en, kp) = enrolled_in(
        Family::Client,
        rig.enroll_kind(enrolment::client(
            "Ada Lovelace",
            KeySource::Generate {
                alg: KeyAlg::EcdsaP256,
                key_path: key_path.clone(),
            },
            request,
        ))
        .await,
    );
    assert_eq!(kp.as_deref(), Some(key_path.as_path()));
    let key_pem = std::fs::read_to_string(&key_path).expect("the key was written");
    rcgen::KeyPair::from_pem(&key_pem).expect("the key parses");
    #[cfg(unix)]
    assert_eq!(mode(&key_path), 0o600);

    // The request is in SCM under the client family; once issued it is for this key and
    // names both addresses.
    let (cert, _) = rig.family_detail(Family::Client, &en.id, None).await;
    assert_eq!(cert.family, Family::Client);
    assert_eq!(cert.common_name, "Ada Lovelace");
    assert_eq!(
        cert.sans,
        [
            "ada.lovelace@analytical.example",
            "countess@analytical.example"
        ]
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    let view = loop {
        let (cert, view) = rig
            .family_detail(Family::Client, &en.id, Some(key_path.clone()))
            .await;
        if cert.status == CertStatus::Issued {
            break view;
        }
        assert_eq!(
            cert.status,
            CertStatus::Requested,
            "S/MIME needs no approval"
        );
        assert!(Instant::now() < deadline, "not issued in time");
        rig.emu.advance(Duration::from_millis(100));
    };
    assert_eq!(
        view.key_match
            .as_ref()
            .map(|(p, r)| (p.as_path(), r.clone())),
        Some((key_path.as_path(), Ok(true)))
    );
    let leaf = &view.x509.as_ref().expect("the body parses")[0];
    assert_eq!(leaf.common_name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(
        leaf.sans,
        [
            x509::San::Email("ada.lovelace@analytical.example".into()),
            x509::San::Email("countess@analytical.example".into()),
        ]
    );

    let log: Vec<AuditEntry> = rig
        .audit()
        .into_iter()
        .filter(|e| e.action != "download")
        .collect();
    assert_eq!(log.len(), 1, "{log:#?}");
    let line = &log[0];
    assert_eq!(
        (line.action.as_str(), line.outcome.as_str()),
        ("enroll", "ok")
    );
    assert_eq!(line.ids, vec![en.id.clone()]);
    let d = line.detail.as_deref().unwrap();
    assert!(
        d.contains("ada.lovelace@analytical.example")
            && d.contains("Ada Lovelace")
            && d.contains("ada.key")
            && d.contains("ECDSA P-256"),
        "{d}"
    );
    // The line names what was asked for: the person and their addresses.
    assert_eq!(line.subjects.len(), 1, "{:?}", line.subjects);
    assert_eq!(line.subjects[0].cn, "Ada Lovelace");
    assert_eq!(
        line.subjects[0].sans,
        [
            "ada.lovelace@analytical.example",
            "countess@analytical.example"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_enrolment_with_a_local_key_waits_for_approval_and_is_audited() {
    let mut rig = Rig::start(5).await;
    let (profile, org_id, custom) = rig.family_inputs(Family::Device).await;
    assert!(
        !custom.is_empty(),
        "the device family has a mandatory field"
    );
    let cn = "door-cam-7.devices.example";
    let request = |custom: Vec<(String, String)>| DeviceEnrollRequest {
        org_id,
        profile_id: profile.id,
        term_days: profile.terms.first().copied(),
        custom_fields: custom,
        optional_fields: vec![("commonName".into(), cn.into())],
        comments: Some("enrolled by the actions test".into()),
        ..Default::default()
    };

    // Without the mandatory custom field SCM refuses; the key made for it is kept.
    let kept = rig.path("refused.key");
    let e = rig
        .enroll_kind(enrolment::device(
            cn,
            KeySource::Generate {
                alg: KeyAlg::EcdsaP256,
                key_path: kept.clone(),
            },
            request(vec![]),
        ))
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.code), (ErrorKind::Rejected, Some(-62)), "{e}");
    assert!(e.message.contains("refused.key"), "{e}");
    assert!(kept.exists());

    let key_path = rig.path("door-cam-7.key");
    let (en, kp) = enrolled_in(
        Family::Device,
        rig.enroll_kind(enrolment::device(
            cn,
            KeySource::Generate {
                alg: KeyAlg::EcdsaP384,
                key_path: key_path.clone(),
            },
            request(custom),
        ))
        .await,
    );
    assert_eq!(kp.as_deref(), Some(key_path.as_path()));
    rcgen::KeyPair::from_pem(&std::fs::read_to_string(&key_path).unwrap()).expect("the key parses");
    #[cfg(unix)]
    assert_eq!(mode(&key_path), 0o600);
    let (cert, _) = rig.family_detail(Family::Device, &en.id, None).await;
    assert_eq!(cert.family, Family::Device);
    assert_eq!(cert.common_name, cn);
    assert_eq!(
        cert.status,
        CertStatus::Requested,
        "devices wait for approval"
    );

    let log = rig.audit();
    let summary: Vec<(&str, &str)> = log
        .iter()
        .map(|e| (e.action.as_str(), e.outcome.as_str()))
        .collect();
    assert_eq!(summary.len(), 2, "{log:#?}");
    assert_eq!(summary[1], ("enroll", "ok"));
    assert!(summary[0].1.starts_with("error: "), "{:?}", log[0]);
    assert_eq!(
        log[0].ids,
        vec![cn.to_string()],
        "a refused one is named by its CN"
    );
    assert_eq!(log[1].ids, vec![en.id.clone()]);
    let d = log[1].detail.as_deref().unwrap();
    assert!(
        d.contains(cn) && d.contains("door-cam-7.key") && d.contains("ECDSA P-384"),
        "{d}"
    );
}
