//! Domain control validation: a certificate's DCV status (with a recheck), a domain's
//! validation (start, then submit), approving or rejecting a domain's delegation, and the
//! DCV list's server-side filters; and how SCM's DCV answers read on screen.

use super::super::views::DCV_STATUS_FILTERS;
use crate::form::{Field, Flow, Focus, Form, FormCx, Load, Opening, Sent, Submission, Target};
use crate::model::{AccountIdx, Cert, CertStatus};
use crate::provider::sectigo::actions::{CertDcv, DcvInstruction, DcvMethod, DcvState};
use crate::provider::sectigo::request::{ScmOutput, ScmRequest};

// ---- a certificate's DCV --------------------------------------------------------------

/// A certificate's DCV status; OK asks SCM to check again (not offered when read-only).
#[derive(Debug, Clone, PartialEq)]
pub struct CertDcvView {
    target: Target,
    /// Nothing to send from here (read-only, or no request waiting on its validation).
    read_only: bool,
    dcv: Option<CertDcv>,
}

pub fn cert_dcv(cx: &FormCx) -> Result<Opening, String> {
    let t = cx
        .target()
        .cloned()
        .ok_or_else(|| "no certificate selected".to_string())?;
    // A recheck is for a request still waiting on its validation; an issued, expired or
    // revoked certificate only shows its record. Read-only offers no change at all.
    let waiting = matches!(
        t.status,
        CertStatus::Requested | CertStatus::Approved | CertStatus::Applied | CertStatus::Unknown
    );
    let mut form = if cx.read_only {
        Form::new("Domain control validation (read-only)", "", false).view_only()
    } else if !waiting {
        Form::new("Domain control validation", "", false).view_only()
    } else {
        Form::new("Domain control validation", "Recheck", false).closing()
    }
    .with_intro(vec![format!("{} (id {})", t.cn, t.id)]);
    form.ready = false;
    form.note = Some("loading DCV status…".into());
    let loads = vec![status_load(&t)];
    Ok(Opening {
        form,
        flow: Box::new(CertDcvView {
            target: t,
            read_only: cx.read_only || !waiting,
            dcv: None,
        }),
        loads,
    })
}

fn status_load(t: &Target) -> Load {
    Load {
        request: ScmRequest::CertDcv { id: t.id.clone() }.into(),
        label: format!("DCV of {}", t.cn),
    }
}

impl Flow for CertDcvView {
    fn submit(&self, _f: &Form, _certs: &[Cert]) -> Sent {
        if self.read_only {
            return Sent::default();
        }
        let t = &self.target;
        Sent {
            stay_open: Some("asking SCM…".into()),
            ..Sent::one(Submission::Act {
                account: t.account,
                cert: Some(t.cert),
                request: ScmRequest::DcvRecheck { id: t.id.clone() }.into(),
                label: format!("DCV recheck {}", t.cn),
            })
        }
    }

    fn loaded(
        &mut self,
        form: &mut Form,
        account: AccountIdx,
        request: &crate::provider::request::ActionRequest,
        output: &crate::provider::request::ActionOutput,
    ) {
        let Some((request, output)) = crate::provider::sectigo::request::scm_pair(request, output)
        else {
            return;
        };
        let (ScmRequest::CertDcv { id }, ScmOutput::CertDcv(v)) = (request, output) else {
            return;
        };
        if account != self.target.account || *id != self.target.id {
            return;
        }
        self.dcv = Some(v.clone());
        form.ready = true;
        form.note = None;
        form.intro.truncate(1);
        form.intro.extend(cert_dcv_lines(v));
    }

    fn answered(
        &mut self,
        _form: &mut Form,
        account: AccountIdx,
        request: &crate::provider::request::ActionRequest,
        _output: &crate::provider::request::ActionOutput,
    ) -> Vec<Load> {
        let Some(request) = crate::provider::sectigo::request::scm(request) else {
            return Vec::new();
        };
        match request {
            // The recheck was taken: show the new state.
            ScmRequest::DcvRecheck { id }
                if account == self.target.account && *id == self.target.id =>
            {
                vec![status_load(&self.target)]
            }
            _ => Vec::new(),
        }
    }

    fn copy_items(&self) -> Vec<(String, String)> {
        self.dcv
            .as_ref()
            .map(|v| copy_items(&v.instructions.iter().collect::<Vec<_>>()))
            .unwrap_or_default()
    }

    fn is_view(&self) -> bool {
        true
    }
}

// ---- a domain's validation --------------------------------------------------------------

/// Start (what to publish) then submit the validation of a domain.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainDcv {
    account: AccountIdx,
    domain: String,
    /// The method it was started with: from then on it is submitted with that one.
    started: Option<DcvMethod>,
    /// The answer is shown (the TXT record to publish): OK closes.
    done: bool,
    /// What to publish, once started (offered by `y` for copying).
    instruction: Option<DcvInstruction>,
}

/// E-mail and TXT validation have no "start" step in SCM: they are submitted directly (the
/// TXT answer carries the record to publish).
fn submits_directly(method: DcvMethod) -> bool {
    matches!(method, DcvMethod::Email | DcvMethod::Txt)
}

/// What the OK button does for a method (before it started).
fn method_intro(method: DcvMethod) -> String {
    match method {
        DcvMethod::Txt => "SCM has no start for TXT: Submit asks it for the TXT record to publish, then it checks the record.".into(),
        DcvMethod::Email => "Submit sends the validation e-mail to the approver.".into(),
        _ => "Start shows what to publish; Submit asks the CA to check it.".into(),
    }
}

/// The validation form for `domain` (the DCV view's row).
pub fn domain_dcv(account: AccountIdx, domain: String) -> Opening {
    let methods = DcvMethod::ALL
        .iter()
        .map(|m| m.label().to_string())
        .collect();
    let form = Form::new("Validate domain", "Start", false)
        .with_intro(vec![
            format!("Domain {domain}"),
            method_intro(DcvMethod::Cname),
        ])
        .with_fields(vec![
            Field::choice("method", "Method", methods, 2),
            Field::text("email", "Approver e-mail", "").with_hint("for e-mail validation"),
        ]);
    Opening::new(
        form,
        DomainDcv {
            account,
            domain,
            started: None,
            done: false,
            instruction: None,
        },
    )
}

fn method_of(f: &Form) -> DcvMethod {
    DcvMethod::ALL[f.field("method").map(|x| x.selected()).unwrap_or(2)]
}

impl Flow for DomainDcv {
    fn on_change(&mut self, form: &mut Form, field: &'static str) {
        if field != "method" || self.started.is_some() {
            return;
        }
        let method = method_of(form);
        form.ok_label = if submits_directly(method) {
            "Submit"
        } else {
            "Start"
        }
        .into();
        if let Some(line) = form.intro.get_mut(1) {
            *line = method_intro(method);
        }
    }

    fn validate(&self, f: &mut Form) {
        let email = f.value("email");
        let method = self.started.unwrap_or_else(|| method_of(f));
        if method == DcvMethod::Email && !crate::form::check::looks_like_email(&email) {
            f.set_error("email", "e-mail validation needs the approver's address");
        }
    }

    fn submit(&self, f: &Form, _certs: &[Cert]) -> Sent {
        if self.done {
            // The TXT record is shown; OK just closes.
            return Sent::default();
        }
        let method = self.started.unwrap_or_else(|| method_of(f));
        let (account, domain) = (self.account, self.domain.clone());
        if self.started.is_none() && !submits_directly(method) {
            return Sent {
                stay_open: Some("asking SCM…".into()),
                ..Sent::one(Submission::Load(
                    account,
                    Load {
                        request: ScmRequest::DcvStart {
                            domain: domain.clone(),
                            method,
                        }
                        .into(),
                        label: format!("start DCV of {domain}"),
                    },
                ))
            };
        }
        let email = Some(f.value("email")).filter(|e| !e.is_empty());
        Sent {
            // A TXT submit is answered with the record to publish: the form shows it.
            stay_open: (method == DcvMethod::Txt).then(|| "asking SCM…".into()),
            ..Sent::one(Submission::Act {
                account,
                cert: None,
                label: format!("submit DCV of {domain}"),
                request: ScmRequest::DcvSubmit {
                    domain,
                    method,
                    email,
                }
                .into(),
            })
        }
    }

    fn loaded(
        &mut self,
        form: &mut Form,
        account: AccountIdx,
        request: &crate::provider::request::ActionRequest,
        output: &crate::provider::request::ActionOutput,
    ) {
        let Some((request, output)) = crate::provider::sectigo::request::scm_pair(request, output)
        else {
            return;
        };
        let (ScmRequest::DcvStart { domain, method }, ScmOutput::DcvState(st)) = (request, output)
        else {
            return;
        };
        if account != self.account || *domain != self.domain {
            return;
        }
        // Started with this method: it is no longer a choice.
        self.started = Some(*method);
        form.fields.clear();
        form.focus = Focus::Ok;
        self.instruction = st.instruction.clone();
        form.ok_label = "Submit".into();
        form.cancel_label = "Close".into();
        form.intro = vec![format!("Domain {domain}")];
        form.intro.extend(state_lines(st));
        form.intro.push(String::new());
        form.intro
            .push("Publish this (y copies it), then Submit asks the CA to check it.".into());
        form.ready = true;
        form.note = None;
    }

    /// A submit was answered: the form (still open for TXT) shows what to publish — the
    /// TXT record SCM returns with the submit — and OK then closes it.
    fn answered(
        &mut self,
        form: &mut Form,
        account: AccountIdx,
        request: &crate::provider::request::ActionRequest,
        output: &crate::provider::request::ActionOutput,
    ) -> Vec<Load> {
        let Some((request, output)) = crate::provider::sectigo::request::scm_pair(request, output)
        else {
            return Vec::new();
        };
        let (ScmRequest::DcvSubmit { domain, .. }, ScmOutput::DcvState(st)) = (request, output)
        else {
            return Vec::new();
        };
        if account != self.account || *domain != self.domain {
            return Vec::new();
        }
        self.done = true;
        self.instruction = st.instruction.clone();
        form.intro = vec![format!("Domain {domain} — submitted")];
        form.intro.extend(state_lines(st));
        form.intro.push(String::new());
        form.intro.push(if self.instruction.is_some() {
            "Publish this TXT record (y copies it); the CA checks it until it finds it.".into()
        } else {
            "SCM returned no record to publish; Enter on the domain shows its status.".into()
        });
        // Nothing more to send: one button closes it.
        form.fields.clear();
        form.ok_label.clear();
        form.cancel_label = "Close".into();
        form.focus = Focus::Cancel;
        form.ready = true;
        form.note = None;
        Vec::new()
    }

    fn copy_items(&self) -> Vec<(String, String)> {
        copy_items(&self.instruction.iter().collect::<Vec<_>>())
    }

    fn is_view(&self) -> bool {
        self.started.is_some() || self.done
    }
}

// ---- delegations ------------------------------------------------------------------------

/// Approve or reject a requested delegation of a domain to one of `orgs`.
#[derive(Debug, Clone, PartialEq)]
pub struct Delegation {
    account: AccountIdx,
    domain_id: i64,
    domain: String,
    /// The organizations it awaits approval for, in the choice's order.
    orgs: Vec<i64>,
    approve: bool,
}

/// The delegation form for a domain; `orgs` are (id, name) of those awaiting approval.
pub fn delegation(
    account: AccountIdx,
    domain_id: i64,
    domain: String,
    orgs: Vec<(i64, String)>,
    approve: bool,
) -> Opening {
    let verb = if approve { "Approve" } else { "Reject" };
    let form = Form::new(format!("{verb} delegation"), verb, true)
        .with_intro(vec![format!(
            "{verb} the delegation of {domain} (id {domain_id})"
        )])
        .with_fields(vec![
            Field::choice(
                "org",
                "Organization",
                orgs.iter().map(|(_, n)| n.clone()).collect(),
                0,
            )
            .with_hint(if orgs.len() == 1 {
                "the organization the domain is to be delegated to"
            } else {
                "the domain awaits approval for each of these; ←→ chooses one"
            }),
        ]);
    Opening::new(
        form,
        Delegation {
            account,
            domain_id,
            domain,
            orgs: orgs.into_iter().map(|(id, _)| id).collect(),
            approve,
        },
    )
}

impl Flow for Delegation {
    fn summary(&self, f: &Form, _certs: &[Cert]) -> Vec<String> {
        vec![format!(
            "{} the delegation of {} to {}",
            if self.approve { "Approve" } else { "Reject" },
            self.domain,
            f.value("org")
        )]
    }

    fn submit(&self, f: &Form, _certs: &[Cert]) -> Sent {
        let (domain_id, org_id) = (
            self.domain_id,
            self.orgs
                .get(f.field("org").map(|x| x.selected()).unwrap_or(0))
                .copied()
                .unwrap_or_default(),
        );
        let (request, verb) = if self.approve {
            (
                ScmRequest::ApproveDelegation { domain_id, org_id },
                "approve",
            )
        } else {
            (ScmRequest::RejectDelegation { domain_id, org_id }, "reject")
        };
        Sent::one(Submission::Act {
            account: self.account,
            cert: None,
            request: request.into(),
            label: format!("{verb} delegation of {}", self.domain),
        })
    }
}

// ---- the DCV list's filters -------------------------------------------------------------

/// The DCV list's server-side filters: a DCV status, and expiring within some days.
#[derive(Debug, Clone, PartialEq)]
pub struct DcvFilterForm {
    account: AccountIdx,
}

/// The filter form, showing the filters in force.
pub fn dcv_filter(account: AccountIdx, status: Option<&str>, days: Option<i64>) -> Opening {
    let current = status
        .and_then(|s| DCV_STATUS_FILTERS.iter().position(|x| *x == s))
        .unwrap_or(0);
    let days = days.map(|d| d.to_string()).unwrap_or_default();
    let form = Form::new("Filter domain validations", "Apply", false).with_fields(vec![
        Field::choice(
            "status",
            "DCV status",
            DCV_STATUS_FILTERS.iter().map(|s| s.to_string()).collect(),
            current,
        ),
        Field::text("days", "Expires in days", days)
            .with_hint("only validations that expire within this many days; empty: any"),
    ]);
    Opening::new(form, DcvFilterForm { account })
}

impl Flow for DcvFilterForm {
    fn validate(&self, f: &mut Form) {
        let days = f.value("days");
        if !days.is_empty() && !days.parse::<u32>().is_ok_and(|d| d > 0) {
            f.set_error("days", format!("{days:?} is not a number of days"));
        }
    }

    fn submit(&self, f: &Form, _certs: &[Cert]) -> Sent {
        Sent::one(Submission::Refilter {
            account: self.account,
            view: "dcv",
            values: vec![("status", f.value("status")), ("days", f.value("days"))],
        })
    }
}

// ---- how DCV answers read ---------------------------------------------------------------

/// What to publish for one DCV instruction: DNS record and value, file URL and content, or
/// the approver's address.
fn instruction_lines(i: &DcvInstruction) -> Vec<String> {
    let mut out = Vec::new();
    if let (Some(h), Some(p)) = (&i.host, &i.point) {
        if is_txt(i) {
            out.push(format!("  TXT record  {h}"));
            out.push(format!("  value       {p}"));
        } else {
            out.push(format!("  DNS record  {h}"));
            out.push(format!("  points to   {p}"));
        }
    }
    if let Some(u) = &i.url {
        out.push(format!("  file URL    {u}"));
    }
    if let Some(c) = &i.file_content {
        // The file holds these lines, one per line (first line, then second line).
        for (n, line) in c.lines().enumerate() {
            let label = if n == 0 { "content" } else { "" };
            out.push(format!("  {label:<11} {line}"));
        }
    }
    if let Some(e) = &i.email {
        out.push(format!("  approver    {e}"));
    }
    out
}

/// Whether an instruction is a DNS TXT record (by its mode, or the `_pki-validation` name).
fn is_txt(i: &DcvInstruction) -> bool {
    i.mode.eq_ignore_ascii_case("TXT")
        || i.mode.eq_ignore_ascii_case("DNSTXT_RANDOM_VALUE")
        || (i.mode.is_empty()
            && i.host
                .as_deref()
                .is_some_and(|h| h.starts_with("_pki-validation.")))
}

/// The values of instructions worth copying (to paste into a DNS console, say).
fn copy_items(instructions: &[&DcvInstruction]) -> Vec<(String, String)> {
    let several = instructions.len() > 1;
    let mut out = Vec::new();
    for i in instructions {
        let of = if several {
            format!(" of {}", i.domain)
        } else {
            String::new()
        };
        let value_label = if is_txt(i) {
            "TXT record value"
        } else {
            "CNAME target"
        };
        for (label, value) in [
            ("DNS record name", &i.host),
            (value_label, &i.point),
            ("file URL", &i.url),
            ("file content", &i.file_content),
            ("approver e-mail", &i.email),
        ] {
            if let Some(v) = value.as_ref().filter(|v| !v.is_empty()) {
                out.push((format!("{label}{of}"), v.clone()));
            }
        }
    }
    out
}

/// What a domain's DCV state says, for forms and the DCV view's detail.
pub fn state_lines(st: &DcvState) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(i) = &st.instruction {
        out.extend(instruction_lines(i));
    }
    for (k, v) in &st.fields {
        if !out.iter().any(|l| l.contains(v.as_str())) {
            out.push(format!("{k}: {v}"));
        }
    }
    out
}

fn cert_dcv_lines(v: &CertDcv) -> Vec<String> {
    let mut out = Vec::new();
    if let Some((code, msg)) = &v.error {
        out.push(format!("SCM reports: {msg} (code {code})"));
    }
    for e in &v.log {
        out.push(format!(
            "{}: {}{}{}",
            e.domain,
            e.status,
            e.method
                .as_deref()
                .map(|m| format!(" via {m}"))
                .unwrap_or_default(),
            e.last_check
                .as_deref()
                .map(|c| format!(", last check {c}"))
                .unwrap_or_default()
        ));
    }
    for i in &v.instructions {
        out.push(String::new());
        out.push(format!("{} — {}", i.domain, i.mode));
        out.extend(instruction_lines(i));
    }
    if !v.instructions.is_empty() {
        out.push(String::new());
        out.push("y copies a record to the clipboard".into());
    }
    if v.log.is_empty() && v.instructions.is_empty() {
        out.push("no DCV information for this certificate".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_file_content_keeps_its_two_lines_shown_and_copied() {
        let i = DcvInstruction {
            domain: "hanbit-iot.example".into(),
            mode: "HTTP".into(),
            url: Some("http://hanbit-iot.example/.well-known/pki-validation/AB.txt".into()),
            file_content: Some("2154777fe7f1\nsectigo.com".into()),
            ..Default::default()
        };
        let lines = instruction_lines(&i);
        assert!(lines.iter().all(|l| !l.contains('\n')), "{lines:?}");
        assert!(
            lines
                .iter()
                .any(|l| l.ends_with("content     2154777fe7f1")),
            "{lines:?}"
        );
        assert!(lines.iter().any(|l| l.trim() == "sectigo.com"), "{lines:?}");
        let items = copy_items(&[&i]);
        let content = items.iter().find(|(l, _)| l == "file content").unwrap();
        assert_eq!(content.1, "2154777fe7f1\nsectigo.com");
    }

    #[test]
    fn a_txt_record_is_labelled_as_one() {
        let i = DcvInstruction {
            domain: "kestrel-labs.example".into(),
            mode: "TXT".into(),
            host: Some("_pki-validation.kestrel-labs.example.".into()),
            point: Some("k9ejX".into()),
            ..Default::default()
        };
        assert_eq!(
            instruction_lines(&i),
            [
                "  TXT record  _pki-validation.kestrel-labs.example.",
                "  value       k9ejX"
            ]
        );
        assert_eq!(copy_items(&[&i])[1].0, "TXT record value");
    }
}
