//! The dialogs opened from an SCM account's domain views: approve or reject a delegation,
//! start and submit a domain's validation, and the DCV list's server-side filters.

use super::dialogs::{Dialog, Purpose};
use super::form::{Field, Form};
use super::{Severity, State};
use crate::model::{AccountIdx, ActionKind};
use crate::provider::actions::DcvMethod;
use crate::worker::Command;

use crate::provider::actions::DomainDetail;
pub use crate::provider::sectigo::views::DCV_STATUS_FILTERS;
use crate::provider::sectigo::views::{DcvView, DomainsView};

/// What the OK button of the domain validation dialog does for a method (before it started):
/// HTTP(S) and CNAME start (show what to publish), TXT and e-mail are submitted directly.
pub(super) fn dcv_method_intro(method: DcvMethod) -> String {
    match method {
        DcvMethod::Txt => {
            "SCM has no start for TXT: Submit asks it for the TXT record to publish, then it checks the record.".into()
        }
        DcvMethod::Email => "Submit sends the validation e-mail to the approver.".into(),
        _ => "Start shows what to publish; Submit asks the CA to check it.".into(),
    }
}
impl State {
    /// A key of a side view opened `opens` (one of the view's declared keys).
    pub(super) fn open_view_action(
        &mut self,
        account: AccountIdx,
        _view: &'static str,
        opens: &'static str,
    ) -> Vec<Command> {
        match opens {
            "approve-delegation" => self.open_delegation_dialog(account, true),
            "reject-delegation" => self.open_delegation_dialog(account, false),
            "dcv-domain" => self.open_dcv_domain_dialog(account),
            "dcv-filter" => {
                self.open_dcv_filter_dialog(account);
                Vec::new()
            }
            _ => {
                self.set_status(format!("{opens}: no such action here"), Severity::Warning);
                Vec::new()
            }
        }
    }

    fn selected_domain(&self, account: AccountIdx) -> Option<DomainDetail> {
        let i = self.selected_view_row(account, "domains")?;
        let v = self.view_of::<DomainsView>(account, "domains")?;
        v.rows.get(i).cloned()
    }

    fn selected_validation_domain(&self, account: AccountIdx) -> Option<String> {
        let i = self.selected_view_row(account, "dcv")?;
        let v = self.view_of::<DcvView>(account, "dcv")?;
        v.rows.get(i).map(|d| d.domain.clone())
    }

    /// `a` / `d` in the domains view: approve or reject a requested delegation.
    pub(super) fn open_delegation_dialog(
        &mut self,
        account: AccountIdx,
        approve: bool,
    ) -> Vec<Command> {
        let mut cmds = Vec::new();
        let Some(d) = self.selected_domain(account) else {
            self.set_status("no domain selected", Severity::Info);
            return cmds;
        };
        let requested: Vec<i64> = d
            .delegations
            .iter()
            .filter(|g| {
                g.status
                    .as_deref()
                    .is_some_and(|s| s.eq_ignore_ascii_case("requested"))
            })
            .map(|g| g.org_id)
            .collect();
        if requested.is_empty() {
            self.set_status(
                format!("{} has no delegation awaiting approval", d.name),
                Severity::Warning,
            );
            return cmds;
        }
        let action = if approve {
            "approve-delegation"
        } else {
            "reject-delegation"
        };
        let kind = if approve {
            ActionKind::Approve
        } else {
            ActionKind::Decline
        };
        if self.refuse_if_read_only(
            account,
            kind.is_mutating(),
            action,
            vec![format!("domain:{}", d.id)],
            None,
            &mut cmds,
        ) {
            return cmds;
        }
        let verb = if approve { "Approve" } else { "Reject" };
        let orgs: Vec<String> = requested
            .iter()
            .map(|o| {
                self.view_of::<DomainsView>(account, "domains")
                    .map(|v| v.org_name(*o))
                    .unwrap_or_else(|| format!("organization {o}"))
            })
            .collect();
        let form = Form::new(format!("{verb} delegation"), verb, true)
            .with_intro(vec![format!(
                "{verb} the delegation of {} (id {})",
                d.name, d.id
            )])
            .with_fields(vec![Field::choice("org", "To", orgs, 0)]);
        self.dialog = Some(Dialog {
            form,
            purpose: Purpose::Delegation {
                account,
                domain_id: d.id,
                domain: d.name.clone(),
                orgs: requested,
                approve,
            },
        });
        cmds
    }

    /// `v` in the DCV view: start and submit validation of the selected domain.
    pub(super) fn open_dcv_domain_dialog(&mut self, account: AccountIdx) -> Vec<Command> {
        let mut cmds = Vec::new();
        let Some(domain) = self.selected_validation_domain(account) else {
            self.set_status("no domain selected", Severity::Info);
            return cmds;
        };
        if self.refuse_if_read_only(
            account,
            ActionKind::Approve.is_mutating(),
            "dcv-start",
            vec![domain.clone()],
            None,
            &mut cmds,
        ) {
            return cmds;
        }
        let methods = DcvMethod::ALL
            .iter()
            .map(|m| m.label().to_string())
            .collect();
        let form = Form::new("Validate domain", "Start", false)
            .with_intro(vec![
                format!("Domain {domain}"),
                dcv_method_intro(DcvMethod::Cname),
            ])
            .with_fields(vec![
                Field::choice("method", "Method", methods, 2),
                Field::text("email", "Approver e-mail", "").with_hint("for e-mail validation"),
            ]);
        self.dialog = Some(Dialog {
            form,
            purpose: Purpose::DcvDomain {
                account,
                domain,
                started: false,
                done: false,
                instruction: None,
            },
        });
        cmds
    }

    /// `f` in the DCV view: the server-side filters.
    pub(super) fn open_dcv_filter_dialog(&mut self, account: AccountIdx) {
        let Some(v) = self.view_of::<DcvView>(account, "dcv") else {
            return;
        };
        let current = v
            .filter
            .dcv_status
            .as_deref()
            .and_then(|s| DCV_STATUS_FILTERS.iter().position(|x| *x == s))
            .unwrap_or(0);
        let days = v
            .filter
            .expires_in_days
            .map(|d| d.to_string())
            .unwrap_or_default();
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
        self.dialog = Some(Dialog {
            form,
            purpose: Purpose::DcvFilter { account },
        });
    }
}
