//! The actions an account declares ([`AccountInfo`](crate::model::spec::AccountInfo)) as the
//! console offers them: the action menu, and the checks every action passes before anything
//! opens — is it offered by the account, does each target's state allow it.

use super::dialogs::Target;
use super::{Action, State};
use crate::model::AccountIdx;
use crate::model::spec::{ActionSpec, Targets};

/// One entry of the action menu.
#[derive(Debug, Clone, PartialEq)]
pub struct MenuEntry {
    pub action: Action,
    pub label: &'static str,
    /// Why it cannot be chosen now (drawn dimmed; choosing it says this).
    pub refusal: Option<String>,
}

impl State {
    /// The account whose actions the menu offers: the marked or selected certificates' (when
    /// they are all of one account), else the account new things are made in.
    pub(super) fn menu_account(&self, targets: &[Target]) -> Option<AccountIdx> {
        match targets.first() {
            Some(t) if targets.iter().all(|o| o.account == t.account) => Some(t.account),
            Some(_) => None,
            None => self.action_account(),
        }
    }

    /// The action menu: the account's actions in its order, each with the reason it cannot
    /// be taken now (read-only, nothing selected, a certificate's state), then the pending
    /// view.
    pub fn menu(&self) -> Vec<MenuEntry> {
        let targets = self.targets();
        let mut out = Vec::new();
        if let Some(acc) = self
            .menu_account(&targets)
            .and_then(|a| self.accounts.get(a))
        {
            for spec in acc.info.actions {
                out.push(MenuEntry {
                    action: Action::Invoke(spec.id),
                    label: spec.label,
                    refusal: self.refusal(acc.read_only, spec, &targets),
                });
            }
        }
        out.push(MenuEntry {
            action: Action::Pending,
            label: "Pending requests",
            refusal: None,
        });
        out
    }

    /// Why `spec` cannot be taken on `targets` now, for the menu (the action itself says
    /// the same when chosen).
    fn refusal(
        &self,
        account_read_only: bool,
        spec: &ActionSpec,
        targets: &[Target],
    ) -> Option<String> {
        if spec.effect.changes() && (self.read_only || account_read_only) {
            return Some("read-only".into());
        }
        if spec.targets != Targets::Account {
            if targets.is_empty() {
                return Some("no certificate selected".into());
            }
            if spec.targets == Targets::One && targets.len() > 1 {
                return Some("takes one certificate".into());
            }
        }
        self.guard_refusal(spec, targets)
    }

    /// The first target whose state does not allow `spec`, in the spec's words.
    pub(super) fn guard_refusal(&self, spec: &ActionSpec, targets: &[Target]) -> Option<String> {
        if spec.targets == Targets::Account {
            return None;
        }
        targets
            .iter()
            .filter_map(|t| self.certs.get(t.cert))
            .find_map(|c| spec.refusal(c))
    }

    /// The declaration of action `id` by `account`, or why it is not offered there.
    pub(super) fn offered(
        &self,
        account: AccountIdx,
        id: &str,
    ) -> Result<&'static ActionSpec, String> {
        let Some(acc) = self.accounts.get(account) else {
            return Err("no usable account".into());
        };
        acc.info.action(id).ok_or_else(|| {
            format!(
                "{} ({}) does not offer {}",
                acc.name,
                acc.kind.as_str(),
                id.replace('_', " ")
            )
        })
    }
}
