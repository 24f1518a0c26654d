//! The domain views of a Sectigo account: domains with their delegations (approve or reject a
//! pending delegation) and domain control validation (list with server-side filters, status,
//! start and submit per method).

use super::{JobKind, Scope, Severity, State};
use crate::model::AccountIdx;
use crate::provider::actions::{DcvFilter, DcvState, DomainDetail, DomainValidation, Organization};
use crate::provider::request::{ActionOutput, ActionRequest};
use crate::worker::Command;

/// Domains of one account.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DomainsView {
    pub rows: Vec<DomainDetail>,
    pub orgs: Vec<Organization>,
    pub loading: bool,
    pub loaded: bool,
    pub sel: usize,
}

/// Domain validations of one account.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DcvView {
    pub rows: Vec<DomainValidation>,
    pub filter: DcvFilter,
    pub loading: bool,
    pub loaded: bool,
    pub sel: usize,
    /// The last status fetched, for the detail pane: (domain, state).
    pub status: Option<(String, DcvState)>,
}

/// Organizations (and their departments) of one account, read-only.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrgsView {
    pub rows: Vec<Organization>,
    pub loading: bool,
    pub loaded: bool,
    pub sel: usize,
}

impl State {
    /// "Name (id)" of an organization or department, from the organizations list.
    pub fn org_name(&self, account: AccountIdx, org_id: i64) -> String {
        let orgs = self
            .domains
            .get(&account)
            .map(|v| v.orgs.as_slice())
            .unwrap_or(&[]);
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

    /// Rows of the domains view that match the text filter, as indices into `rows`.
    pub fn domain_rows(&self, account: AccountIdx) -> Vec<usize> {
        let needle = self.filter.value().to_lowercase();
        self.domains
            .get(&account)
            .map(|v| {
                v.rows
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| needle.is_empty() || d.name.to_lowercase().contains(&needle))
                    .map(|(i, _)| i)
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn dcv_rows(&self, account: AccountIdx) -> Vec<usize> {
        let needle = self.filter.value().to_lowercase();
        self.dcv_views
            .get(&account)
            .map(|v| {
                v.rows
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| needle.is_empty() || d.domain.to_lowercase().contains(&needle))
                    .map(|(i, _)| i)
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn org_rows(&self, account: AccountIdx) -> Vec<usize> {
        let needle = self.filter.value().to_lowercase();
        self.orgs
            .get(&account)
            .map(|v| {
                v.rows
                    .iter()
                    .enumerate()
                    .filter(|(_, o)| needle.is_empty() || o.name.to_lowercase().contains(&needle))
                    .map(|(i, _)| i)
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn selected_org(&self, account: AccountIdx) -> Option<&Organization> {
        let v = self.orgs.get(&account)?;
        let rows = self.org_rows(account);
        v.rows.get(*rows.get(v.sel)?)
    }

    pub fn selected_domain(&self, account: AccountIdx) -> Option<&DomainDetail> {
        let v = self.domains.get(&account)?;
        let rows = self.domain_rows(account);
        v.rows.get(*rows.get(v.sel)?)
    }

    pub fn selected_validation(&self, account: AccountIdx) -> Option<&DomainValidation> {
        let v = self.dcv_views.get(&account)?;
        let rows = self.dcv_rows(account);
        v.rows.get(*rows.get(v.sel)?)
    }

    /// Read again every side view of the account that has been loaded (something they show
    /// has changed, e.g. a followed operation settled).
    pub(super) fn refresh_views(&mut self, account: AccountIdx) -> Vec<Command> {
        let mut scopes = Vec::new();
        if self.domains.get(&account).is_some_and(|v| v.loaded) {
            scopes.push(Scope::Domains(account));
        }
        if self.dcv_views.get(&account).is_some_and(|v| v.loaded) {
            scopes.push(Scope::Dcv(account));
        }
        if self.orgs.get(&account).is_some_and(|v| v.loaded) {
            scopes.push(Scope::Orgs(account));
        }
        scopes
            .into_iter()
            .flat_map(|s| self.load_scope(s, true))
            .collect()
    }

    /// Load a domain view's data if it has none (or `force`).
    pub(super) fn load_scope(&mut self, scope: Scope, force: bool) -> Vec<Command> {
        let mut cmds = Vec::new();
        match scope {
            Scope::Domains(a) => {
                let v = self.domains.entry(a).or_default();
                if v.loading || (v.loaded && !force) {
                    return cmds;
                }
                v.loading = true;
                for request in [ActionRequest::Domains, ActionRequest::Organizations] {
                    let job = self.new_job(JobKind::Scope(scope), request.audit_name().into());
                    cmds.push(Command::Act {
                        job,
                        account: a,
                        request,
                        about: Vec::new(),
                    });
                }
            }
            Scope::Orgs(a) => {
                let v = self.orgs.entry(a).or_default();
                if v.loading || (v.loaded && !force) {
                    return cmds;
                }
                v.loading = true;
                let job = self.new_job(JobKind::Scope(scope), "organizations".into());
                cmds.push(Command::Act {
                    job,
                    account: a,
                    request: ActionRequest::Organizations,
                    about: Vec::new(),
                });
            }
            Scope::Dcv(a) => {
                let v = self.dcv_views.entry(a).or_default();
                if v.loading || (v.loaded && !force) {
                    return cmds;
                }
                v.loading = true;
                let filter = v.filter.clone();
                let job = self.new_job(JobKind::Scope(scope), "domain validations".into());
                cmds.push(Command::Act {
                    job,
                    account: a,
                    request: ActionRequest::DcvList { filter },
                    about: Vec::new(),
                });
            }
            _ => {}
        }
        cmds
    }

    /// A domain-view read finished.
    /// `s` in a domain view: the next sort order (shared with the certificate list: expiry,
    /// name, status), applied to the view's rows; the selected row stays selected.
    pub(super) fn sort_scope_key(&mut self, scope: Scope) {
        let what = match scope {
            Scope::Domains(_) => "domains",
            Scope::Dcv(_) => "domain validations",
            Scope::Orgs(_) => {
                self.sort_scope(scope);
                self.set_status(
                    "organizations are listed by name (they have no expiry or status)",
                    Severity::Info,
                );
                return;
            }
            _ => return,
        };
        self.sort = self.sort.next();
        self.resort();
        self.sort_scope(scope);
        let by = match self.sort {
            super::SortKey::CommonName => "name",
            k => k.label(),
        };
        self.set_status(format!("{what} sorted by {by}"), Severity::Info);
    }

    /// Put a domain view's rows in the current sort order, keeping the selection.
    pub(super) fn sort_scope(&mut self, scope: Scope) {
        use super::SortKey;
        use std::cmp::Ordering;
        let key = self.sort;
        // Unknown dates last; dates are `YYYY-MM-DD`, so text order is date order.
        let by_date = |a: &Option<String>, b: &Option<String>| match (a, b) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        let by_name = |a: &str, b: &str| a.to_lowercase().cmp(&b.to_lowercase());
        match scope {
            Scope::Domains(a) => {
                let keep = self.selected_domain(a).map(|d| d.id);
                let Some(v) = self.domains.get_mut(&a) else {
                    return;
                };
                v.rows.sort_by(|x, y| {
                    let first = match key {
                        SortKey::CommonName => Ordering::Equal,
                        SortKey::Expiry => by_date(&x.dcv_expires, &y.dcv_expires),
                        SortKey::Status => x.validation_status.cmp(&y.validation_status),
                    };
                    first.then_with(|| by_name(&x.name, &y.name))
                });
                if let Some(id) = keep {
                    let rows = self.domain_rows(a);
                    if let Some(v) = self.domains.get_mut(&a)
                        && let Some(p) = rows.iter().position(|&i| v.rows[i].id == id)
                    {
                        v.sel = p;
                    }
                }
            }
            Scope::Dcv(a) => {
                let keep = self.selected_validation(a).map(|d| d.domain.clone());
                let Some(v) = self.dcv_views.get_mut(&a) else {
                    return;
                };
                v.rows.sort_by(|x, y| {
                    let first = match key {
                        SortKey::CommonName => Ordering::Equal,
                        SortKey::Expiry => by_date(&x.expires, &y.expires),
                        SortKey::Status => x.status.cmp(&y.status),
                    };
                    first.then_with(|| by_name(&x.domain, &y.domain))
                });
                if let Some(name) = keep {
                    let rows = self.dcv_rows(a);
                    if let Some(v) = self.dcv_views.get_mut(&a)
                        && let Some(p) = rows.iter().position(|&i| v.rows[i].domain == name)
                    {
                        v.sel = p;
                    }
                }
            }
            Scope::Orgs(a) => {
                if let Some(v) = self.orgs.get_mut(&a) {
                    v.rows.sort_by(|x, y| by_name(&x.name, &y.name));
                }
            }
            _ => {}
        }
    }

    /// A DCV answer (status, start, submit) for `domain`: its row in the DCV list (and the
    /// domains list) shows the new state at once, without waiting for a reload.
    pub(super) fn apply_dcv_state(&mut self, account: AccountIdx, domain: &str, st: &DcvState) {
        let same = |d: &str| d.trim_end_matches('.').eq_ignore_ascii_case(domain);
        if let Some(v) = self.dcv_views.get_mut(&account) {
            for row in v.rows.iter_mut().filter(|r| same(&r.domain)) {
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
        }
        if let Some(v) = self.domains.get_mut(&account) {
            for row in v.rows.iter_mut().filter(|r| same(&r.name)) {
                if st.status.is_some() {
                    row.validation_status = st.status.clone();
                }
                if st.expires.is_some() {
                    row.dcv_expires = st.expires.clone();
                }
            }
        }
    }

    pub(super) fn scope_data(
        &mut self,
        scope: Scope,
        request: &ActionRequest,
        output: ActionOutput,
    ) {
        match (scope, output) {
            (Scope::Domains(a), ActionOutput::Domains(rows)) => {
                // The selection follows its domain across the reload, not its row number.
                let keep = self.selected_domain(a).map(|d| d.id);
                let v = self.domains.entry(a).or_default();
                v.rows = rows;
                v.loading = false;
                v.loaded = true;
                v.sel = v.sel.min(v.rows.len().saturating_sub(1));
                if let Some(id) = keep {
                    let visible = self.domain_rows(a);
                    if let Some(v) = self.domains.get_mut(&a)
                        && let Some(p) = visible.iter().position(|&i| v.rows[i].id == id)
                    {
                        v.sel = p;
                    }
                }
                self.sort_scope(scope);
            }
            (Scope::Domains(a), ActionOutput::Organizations(orgs)) => {
                self.domains.entry(a).or_default().orgs = orgs;
            }
            (Scope::Orgs(a), ActionOutput::Organizations(rows)) => {
                let v = self.orgs.entry(a).or_default();
                v.rows = rows;
                v.loading = false;
                v.loaded = true;
                v.sel = v.sel.min(v.rows.len().saturating_sub(1));
                self.sort_scope(scope);
            }
            (Scope::Dcv(a), ActionOutput::DcvList(rows)) => {
                // The selection follows its domain across the reload, not its row number.
                let keep = self.selected_validation(a).map(|d| d.domain.clone());
                let v = self.dcv_views.entry(a).or_default();
                v.rows = rows;
                v.loading = false;
                v.loaded = true;
                v.sel = v.sel.min(v.rows.len().saturating_sub(1));
                if let Some(name) = keep {
                    let visible = self.dcv_rows(a);
                    if let Some(v) = self.dcv_views.get_mut(&a)
                        && let Some(p) = visible.iter().position(|&i| v.rows[i].domain == name)
                    {
                        v.sel = p;
                    }
                }
                self.sort_scope(scope);
            }
            (Scope::Dcv(a), ActionOutput::DcvState(st)) => {
                let domain = match request {
                    ActionRequest::DcvStatus { domain }
                    | ActionRequest::DcvStart { domain, .. }
                    | ActionRequest::DcvSubmit { domain, .. } => domain.clone(),
                    _ => self
                        .selected_validation(a)
                        .map(|d| d.domain.clone())
                        .unwrap_or_default(),
                };
                self.apply_dcv_state(a, &domain, &st);
                self.dcv_views.entry(a).or_default().status = Some((domain, *st));
            }
            _ => {}
        }
    }

    pub(super) fn scope_failed(&mut self, scope: Scope) {
        match scope {
            Scope::Domains(a) => self.domains.entry(a).or_default().loading = false,
            Scope::Dcv(a) => self.dcv_views.entry(a).or_default().loading = false,
            Scope::Orgs(a) => self.orgs.entry(a).or_default().loading = false,
            _ => {}
        }
    }

    /// Movement inside a domain view.
    pub(super) fn move_scope_row(&mut self, scope: Scope, delta: isize) {
        let n = match scope {
            Scope::Domains(a) => self.domain_rows(a).len(),
            Scope::Dcv(a) => self.dcv_rows(a).len(),
            Scope::Orgs(a) => self.org_rows(a).len(),
            _ => return,
        };
        let sel = match scope {
            Scope::Domains(a) => &mut self.domains.entry(a).or_default().sel,
            Scope::Dcv(a) => &mut self.dcv_views.entry(a).or_default().sel,
            Scope::Orgs(a) => &mut self.orgs.entry(a).or_default().sel,
            _ => return,
        };
        if n == 0 {
            *sel = 0;
            return;
        }
        *sel = (*sel as isize + delta).clamp(0, n as isize - 1) as usize;
        self.detail_scroll = 0;
    }

    /// Enter in a domain view: open the detail pane (DCV: fetch the domain's status).
    pub(super) fn open_scope_row(&mut self, scope: Scope) -> Vec<Command> {
        self.detail_open = true;
        self.focus = super::Pane::Detail;
        self.detail_scroll = 0;
        let Scope::Dcv(a) = scope else {
            return vec![];
        };
        let Some(domain) = self.selected_validation(a).map(|d| d.domain.clone()) else {
            return vec![];
        };
        let job = self.new_job(JobKind::Scope(scope), format!("DCV status of {domain}"));
        vec![Command::Act {
            job,
            account: a,
            request: ActionRequest::DcvStatus { domain },
            about: Vec::new(),
        }]
    }
}
