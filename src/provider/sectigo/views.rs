//! SCM's side views: domains with their delegations, domain control validation (with the
//! list's server-side filters and each domain's status), and organizations with their
//! departments. The console draws them, filters and keeps their selection; what the rows are,
//! how they load and sort and what their detail says is here.

use std::any::Any;
use std::cmp::Ordering;

use super::forms::dcv;
use crate::model::AccountIdx;
use crate::provider::sectigo::actions::{
    DcvFilter, DcvState, DomainDetail, DomainValidation, Organization,
};
use crate::provider::sectigo::request::{ScmOutput, ScmRequest};
use crate::provider::view::{
    Column, DetailLine, SideView, Taken, Tone, ViewAction, ViewCell, ViewKey, ViewRead,
};

/// The side view `id` of an SCM account, empty (it loads when first shown).
pub fn open(id: &str) -> Option<Box<dyn SideView>> {
    match id {
        "domains" => Some(Box::new(DomainsView::default())),
        "dcv" => Some(Box::new(DcvView::default())),
        "orgs" => Some(Box::new(OrgsView::default())),
        _ => None,
    }
}

/// The DCV list's `dcvStatus` filter values the filter dialog offers, "(any)" first.
pub const DCV_STATUS_FILTERS: [&str; 4] = ["(any)", "VALIDATED", "NOT_VALIDATED", "EXPIRED"];

/// The sort orders of the domain views (the certificate list's, by another name for CN).
const DATED_SORTS: &[&str] = &["expiry", "name", "status"];

/// How SCM's status words are coloured.
pub fn status_tone(s: &str) -> Tone {
    let n = s.to_ascii_lowercase().replace(['_', ' '], "");
    match n.as_str() {
        "validated" | "active" => Tone::Ok,
        "notvalidated" | "requested" | "awaitingsubmission" | "submitted" | "notinitiated" => {
            Tone::Warning
        }
        "expired" | "rejected" | "suspended" => Tone::Danger,
        _ => Tone::Plain,
    }
}

/// Unknown dates last; dates are `YYYY-MM-DD`, so text order is date order.
fn by_date(a: &Option<String>, b: &Option<String>) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => x.cmp(y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

fn by_name(a: &str, b: &str) -> Ordering {
    a.to_lowercase().cmp(&b.to_lowercase())
}

fn same_domain(a: &str, b: &str) -> bool {
    a.trim_end_matches('.')
        .eq_ignore_ascii_case(b.trim_end_matches('.'))
}

/// The domain a DCV answer is about.
fn dcv_domain(request: &ScmRequest) -> Option<&str> {
    match request {
        ScmRequest::DcvStatus { domain }
        | ScmRequest::DcvStart { domain, .. }
        | ScmRequest::DcvSubmit { domain, .. } => Some(domain),
        _ => None,
    }
}

fn is_requested(status: &Option<String>) -> bool {
    status
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case("requested"))
}

/// "Name (id)" of an organization or department of `orgs`.
pub fn org_name(orgs: &[Organization], org_id: i64) -> String {
    for o in orgs {
        if o.id == org_id {
            return format!("{} ({org_id})", o.name);
        }
        if let Some(d) = o.departments.iter().find(|d| d.id == org_id) {
            return format!("{} / {} ({org_id})", o.name, d.name);
        }
    }
    format!("organization {org_id}")
}

/// A detail line for each value the server sent.
fn push_known(out: &mut Vec<DetailLine>, fields: &[(&str, &Option<String>)]) {
    for (label, value) in fields {
        if let Some(v) = value {
            out.push(DetailLine::Field(label.to_string(), v.clone()));
        }
    }
}

/// Domains with their delegations (and the organizations, to name them).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DomainsView {
    pub rows: Vec<DomainDetail>,
    pub orgs: Vec<Organization>,
}

impl DomainsView {
    pub fn org_name(&self, org_id: i64) -> String {
        org_name(&self.orgs, org_id)
    }
}

impl SideView for DomainsView {
    fn title(&self) -> &'static str {
        "Domains"
    }

    fn what(&self) -> &'static str {
        "domains"
    }

    fn nouns(&self) -> (&'static str, &'static str) {
        ("domain", "domains")
    }

    fn columns(&self) -> &'static [Column] {
        &[
            Column {
                title: "Domain",
                cap: 0,
            },
            Column {
                title: "Delegation",
                cap: 10,
            },
            Column {
                title: "Validation",
                cap: 13,
            },
            Column {
                title: "DCV expires",
                cap: 11,
            },
        ]
    }

    fn loads(&self) -> Vec<ViewRead> {
        vec![
            ViewRead {
                request: ScmRequest::Domains.into(),
                label: ScmRequest::Domains.audit_name().into(),
            },
            ViewRead {
                request: ScmRequest::Organizations.into(),
                label: ScmRequest::Organizations.audit_name().into(),
            },
        ]
    }

    fn take(
        &mut self,
        request: &crate::provider::request::ActionRequest,
        output: &crate::provider::request::ActionOutput,
    ) -> Taken {
        let Some((request, output)) = crate::provider::sectigo::request::scm_pair(request, output)
        else {
            return Taken::Ignored;
        };
        match output {
            ScmOutput::Domains(rows) => {
                self.rows = rows.clone();
                Taken::Rows
            }
            ScmOutput::Organizations(orgs) => {
                self.orgs = orgs.clone();
                Taken::Updated
            }
            ScmOutput::DcvState(st) => {
                let Some(domain) = dcv_domain(request) else {
                    return Taken::Ignored;
                };
                for row in self
                    .rows
                    .iter_mut()
                    .filter(|r| same_domain(&r.name, domain))
                {
                    if st.status.is_some() {
                        row.validation_status = st.status.clone();
                    }
                    if st.expires.is_some() {
                        row.dcv_expires = st.expires.clone();
                    }
                }
                Taken::Updated
            }
            _ => Taken::Ignored,
        }
    }

    fn stale_after(&self, request: &crate::provider::request::ActionRequest) -> bool {
        let Some(request) = crate::provider::sectigo::request::scm(request) else {
            return false;
        };
        matches!(
            request,
            ScmRequest::ApproveDelegation { .. } | ScmRequest::RejectDelegation { .. }
        )
    }

    fn len(&self) -> usize {
        self.rows.len()
    }

    fn key(&self, i: usize) -> String {
        self.rows[i].id.to_string()
    }

    fn search_text(&self, i: usize) -> String {
        self.rows[i].name.clone()
    }

    fn cells(&self, i: usize) -> Vec<ViewCell> {
        let d = &self.rows[i];
        let pending = d
            .delegations
            .iter()
            .filter(|g| is_requested(&g.status))
            .count();
        let deleg = if pending > 0 {
            ViewCell::toned(format!("{pending} pending"), Tone::Warning)
        } else {
            ViewCell::plain(d.delegation_status.clone().unwrap_or_default())
        };
        let val = d.validation_status.clone().unwrap_or_else(|| "—".into());
        let tone = status_tone(&val);
        vec![
            ViewCell::plain(d.name.clone()),
            deleg,
            ViewCell::toned(val, tone),
            ViewCell::plain(d.dcv_expires.clone().unwrap_or_default()),
        ]
    }

    fn sorts(&self) -> &'static [&'static str] {
        DATED_SORTS
    }

    fn sort(&mut self, by: usize) {
        self.rows.sort_by(|x, y| {
            let first = match by {
                0 => by_date(&x.dcv_expires, &y.dcv_expires),
                2 => x.validation_status.cmp(&y.validation_status),
                _ => Ordering::Equal,
            };
            first.then_with(|| by_name(&x.name, &y.name))
        });
    }

    fn empty_text(&self) -> &'static str {
        "no domains (or none match the filter)"
    }

    fn detail(&self, i: usize) -> Vec<DetailLine> {
        let d = &self.rows[i];
        let mut out = vec![
            DetailLine::Title(d.name.clone()),
            DetailLine::Field("Id".into(), d.id.to_string()),
        ];
        let fields = [
            ("State", &d.state),
            ("Delegation", &d.delegation_status),
            ("Validation", &d.validation_status),
            ("Method", &d.validation_method),
            ("Validated", &d.validated),
            ("DCV expires", &d.dcv_expires),
        ];
        push_known(&mut out, &fields);
        out.push(DetailLine::Section("Delegations".into()));
        for g in &d.delegations {
            let status = g.status.clone().unwrap_or_default();
            let tone = status_tone(&status);
            out.push(DetailLine::Pair(
                format!("{} ", self.org_name(g.org_id)),
                status,
                tone,
            ));
            out.push(DetailLine::Text(
                format!(
                    "  {} · {}",
                    g.cert_types.join(", "),
                    g.privileges.join(", ")
                ),
                Tone::Muted,
            ));
        }
        out.push(DetailLine::Blank);
        out.push(DetailLine::Text(
            "a approves, d rejects a pending delegation".into(),
            Tone::Muted,
        ));
        out
    }

    fn hint(&self) -> &'static str {
        "in the domains view: a approves, d rejects a pending delegation"
    }

    fn keys(&self) -> &'static [ViewKey] {
        &[
            ViewKey {
                action: "approve",
                opens: "approve-delegation",
                label: "approve",
            },
            ViewKey {
                action: "decline",
                opens: "reject-delegation",
                label: "reject",
            },
        ]
    }

    fn form(
        &self,
        opens: &str,
        account: AccountIdx,
        row: Option<usize>,
    ) -> Result<ViewAction, String> {
        let approve = match opens {
            "approve-delegation" => true,
            "reject-delegation" => false,
            _ => return Err(format!("{opens}: no such action here")),
        };
        let d = row
            .and_then(|i| self.rows.get(i))
            .ok_or_else(|| "no domain selected".to_string())?;
        let orgs: Vec<(i64, String)> = d
            .delegations
            .iter()
            .filter(|g| is_requested(&g.status))
            .map(|g| (g.org_id, self.org_name(g.org_id)))
            .collect();
        if orgs.is_empty() {
            return Err(format!("{} has no delegation awaiting approval", d.name));
        }
        Ok(ViewAction {
            opening: dcv::delegation(account, d.id, d.name.clone(), orgs, approve),
            changes: true,
            audit: if approve {
                "approve-delegation"
            } else {
                "reject-delegation"
            },
            about: vec![format!("domain:{}", d.id)],
        })
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// Domain validations, with the list's server-side filters and the last status fetched.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DcvView {
    pub rows: Vec<DomainValidation>,
    pub filter: DcvFilter,
    /// The last status fetched, for the detail pane: (domain, state).
    pub status: Option<(String, DcvState)>,
}

impl SideView for DcvView {
    fn title(&self) -> &'static str {
        "Domain validation"
    }

    fn what(&self) -> &'static str {
        "domain validations"
    }

    fn nouns(&self) -> (&'static str, &'static str) {
        ("domain", "domains")
    }

    fn columns(&self) -> &'static [Column] {
        &[
            Column {
                title: "Domain",
                cap: 0,
            },
            Column {
                title: "Status",
                cap: 13,
            },
            Column {
                title: "Method",
                cap: 14,
            },
            Column {
                title: "Expires",
                cap: 11,
            },
        ]
    }

    fn loads(&self) -> Vec<ViewRead> {
        vec![ViewRead {
            request: ScmRequest::DcvList {
                filter: self.filter.clone(),
            }
            .into(),
            label: "domain validations".into(),
        }]
    }

    fn take(
        &mut self,
        request: &crate::provider::request::ActionRequest,
        output: &crate::provider::request::ActionOutput,
    ) -> Taken {
        let Some((request, output)) = crate::provider::sectigo::request::scm_pair(request, output)
        else {
            return Taken::Ignored;
        };
        match output {
            ScmOutput::DcvList(rows) => {
                self.rows = rows.clone();
                Taken::Rows
            }
            ScmOutput::DcvState(st) => {
                let Some(domain) = dcv_domain(request) else {
                    return Taken::Ignored;
                };
                for row in self
                    .rows
                    .iter_mut()
                    .filter(|r| same_domain(&r.domain, domain))
                {
                    if let Some(s) = &st.status {
                        row.status = s.clone();
                    }
                    if st.order_status.is_some() {
                        row.order_status = st.order_status.clone();
                    }
                    if st.order_mode.is_some() {
                        row.order_method = st.order_mode.clone();
                    }
                    if st.expires.is_some() {
                        row.expires = st.expires.clone();
                    }
                }
                self.status = Some((domain.to_string(), (**st).clone()));
                Taken::Updated
            }
            _ => Taken::Ignored,
        }
    }

    fn stale_after(&self, request: &crate::provider::request::ActionRequest) -> bool {
        let Some(request) = crate::provider::sectigo::request::scm(request) else {
            return false;
        };
        matches!(request, ScmRequest::DcvSubmit { .. })
    }

    fn len(&self) -> usize {
        self.rows.len()
    }

    fn key(&self, i: usize) -> String {
        self.rows[i].domain.clone()
    }

    fn search_text(&self, i: usize) -> String {
        self.rows[i].domain.clone()
    }

    fn cells(&self, i: usize) -> Vec<ViewCell> {
        let d = &self.rows[i];
        vec![
            ViewCell::plain(d.domain.clone()),
            ViewCell::toned(d.status.clone(), status_tone(&d.status)),
            ViewCell::plain(d.method.clone().unwrap_or_else(|| "—".into())),
            ViewCell::plain(d.expires.clone().unwrap_or_default()),
        ]
    }

    fn sorts(&self) -> &'static [&'static str] {
        DATED_SORTS
    }

    fn sort(&mut self, by: usize) {
        self.rows.sort_by(|x, y| {
            let first = match by {
                0 => by_date(&x.expires, &y.expires),
                2 => x.status.cmp(&y.status),
                _ => Ordering::Equal,
            };
            first.then_with(|| by_name(&x.domain, &y.domain))
        });
    }

    fn subtitle(&self) -> String {
        let mut out = String::new();
        if let Some(s) = &self.filter.dcv_status {
            out.push_str(&format!(" · {s}"));
        }
        if let Some(d) = self.filter.expires_in_days {
            out.push_str(&format!(" · expires in {d}d"));
        }
        out
    }

    fn empty_text(&self) -> &'static str {
        "no domain validations match (f changes the filters)"
    }

    fn detail(&self, i: usize) -> Vec<DetailLine> {
        let d = &self.rows[i];
        let mut out = vec![
            DetailLine::Title(d.domain.clone()),
            DetailLine::Field("Status".into(), d.status.clone()),
        ];
        let fields = [
            ("Method", &d.method),
            ("Order status", &d.order_status),
            ("Order method", &d.order_method),
            ("Expires", &d.expires),
        ];
        push_known(&mut out, &fields);
        if let Some((domain, st)) = &self.status
            && *domain == d.domain
        {
            out.push(DetailLine::Section("Status".into()));
            for l in dcv::state_lines(st) {
                out.push(DetailLine::Text(l, Tone::Plain));
            }
        }
        out.push(DetailLine::Blank);
        out.push(DetailLine::Text(
            "v starts and submits validation; f filters the list".into(),
            Tone::Muted,
        ));
        out
    }

    fn hint(&self) -> &'static str {
        "in the DCV view: v validates the domain, f filters, Enter shows its status"
    }

    fn keys(&self) -> &'static [ViewKey] {
        &[
            ViewKey {
                action: "dcv",
                opens: "dcv-domain",
                label: "validate",
            },
            ViewKey {
                action: "server_filter",
                opens: "dcv-filter",
                label: "filter by status",
            },
        ]
    }

    fn form(
        &self,
        opens: &str,
        account: AccountIdx,
        row: Option<usize>,
    ) -> Result<ViewAction, String> {
        match opens {
            "dcv-domain" => {
                let d = row
                    .and_then(|i| self.rows.get(i))
                    .ok_or_else(|| "no domain selected".to_string())?;
                Ok(ViewAction {
                    opening: dcv::domain_dcv(account, d.domain.clone()),
                    changes: true,
                    audit: "dcv-start",
                    about: vec![d.domain.clone()],
                })
            }
            "dcv-filter" => Ok(ViewAction {
                opening: dcv::dcv_filter(
                    account,
                    self.filter.dcv_status.as_deref(),
                    self.filter.expires_in_days,
                ),
                changes: false,
                audit: "dcv-filter",
                about: Vec::new(),
            }),
            _ => Err(format!("{opens}: no such action here")),
        }
    }

    fn refilter(&mut self, values: &[(&'static str, String)]) {
        for (field, value) in values {
            match *field {
                "status" => {
                    self.filter.dcv_status = (value != DCV_STATUS_FILTERS[0]).then(|| value.clone())
                }
                "days" => self.filter.expires_in_days = value.parse::<i64>().ok(),
                _ => {}
            }
        }
    }

    fn open(&self, i: usize) -> Vec<ViewRead> {
        let domain = self.rows[i].domain.clone();
        vec![ViewRead {
            label: format!("DCV status of {domain}"),
            request: ScmRequest::DcvStatus { domain }.into(),
        }]
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// Organizations and their departments, read-only.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrgsView {
    pub rows: Vec<Organization>,
}

impl SideView for OrgsView {
    fn title(&self) -> &'static str {
        "Organizations"
    }

    fn what(&self) -> &'static str {
        "organizations"
    }

    fn nouns(&self) -> (&'static str, &'static str) {
        ("organization", "organizations")
    }

    fn columns(&self) -> &'static [Column] {
        &[
            Column {
                title: "Organization",
                cap: 0,
            },
            Column {
                title: "Id",
                cap: 10,
            },
            Column {
                title: "Departments",
                cap: 11,
            },
        ]
    }

    fn loads(&self) -> Vec<ViewRead> {
        vec![ViewRead {
            request: ScmRequest::Organizations.into(),
            label: "organizations".into(),
        }]
    }

    fn take(
        &mut self,
        _request: &crate::provider::request::ActionRequest,
        output: &crate::provider::request::ActionOutput,
    ) -> Taken {
        let Some(output) = crate::provider::sectigo::request::scm_out(output) else {
            return Taken::Ignored;
        };
        match output {
            ScmOutput::Organizations(rows) => {
                self.rows = rows.clone();
                Taken::Rows
            }
            _ => Taken::Ignored,
        }
    }

    fn stale_after(&self, _request: &crate::provider::request::ActionRequest) -> bool {
        false
    }

    fn len(&self) -> usize {
        self.rows.len()
    }

    fn key(&self, i: usize) -> String {
        self.rows[i].id.to_string()
    }

    fn search_text(&self, i: usize) -> String {
        self.rows[i].name.clone()
    }

    fn cells(&self, i: usize) -> Vec<ViewCell> {
        let o = &self.rows[i];
        vec![
            ViewCell::plain(o.name.clone()),
            ViewCell::plain(o.id.to_string()),
            ViewCell::plain(o.departments.len().to_string()),
        ]
    }

    fn sorts(&self) -> &'static [&'static str] {
        &["name"]
    }

    fn sort(&mut self, _by: usize) {
        self.rows.sort_by(|x, y| by_name(&x.name, &y.name));
    }

    fn empty_text(&self) -> &'static str {
        "no organizations (or none match the filter)"
    }

    fn detail(&self, i: usize) -> Vec<DetailLine> {
        let o = &self.rows[i];
        let mut out = vec![
            DetailLine::Title(o.name.clone()),
            DetailLine::Field("Id".into(), o.id.to_string()),
        ];
        if !o.cert_types.is_empty() {
            out.push(DetailLine::Field(
                "Certificate types".into(),
                o.cert_types.join(", "),
            ));
        }
        out.push(DetailLine::Section("Departments".into()));
        if o.departments.is_empty() {
            out.push(DetailLine::Text("none".into(), Tone::Muted));
        }
        for d in &o.departments {
            out.push(DetailLine::Field(d.id.to_string(), d.name.clone()));
        }
        out
    }

    fn hint(&self) -> &'static str {
        "the organizations list is read-only"
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}
