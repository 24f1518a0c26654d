//! Operations the worker follows for us after an action (a request being issued, a domain
//! being validated): the rows they refresh, where they stand, and the announcement — in the
//! status bar and its history — when they settle or the worker stops following them.

use crate::model::AccountIdx;
use crate::provider::op::Op;
use crate::worker::{Command, FollowStep, JobId};

use super::{Severity, State, short_error};

/// One operation being followed.
#[derive(Debug, Clone, PartialEq)]
pub struct Following {
    /// The job that set it going (its `Followed` events carry it).
    pub job: JobId,
    pub account: AccountIdx,
    pub op: Op,
    /// The provider's word for where it stood at the last poll.
    pub status: Option<String>,
}

impl State {
    /// A finished job set these operations going. Returns the words for its status line.
    pub(super) fn follow(&mut self, job: JobId, account: AccountIdx, ops: &[Op]) -> String {
        for op in ops {
            self.following.push(Following {
                job,
                account,
                op: op.clone(),
                status: None,
            });
        }
        match ops {
            [] => String::new(),
            [op] => format!("; watching until it is {}", op.goal),
            [op, ..] => format!("; watching until they are {}", op.goal),
        }
    }

    /// Whether the row at `i` is being followed (the list marks it).
    pub fn is_followed(&self, i: usize) -> bool {
        let Some(c) = self.certs.get(i) else {
            return false;
        };
        self.following
            .iter()
            .any(|f| f.account == c.account && f.op.family == c.family && f.op.id == c.id)
    }

    /// What the announcement calls an operation: the row's common name when it is about a
    /// certificate on the list, else its id (a domain).
    fn followed_name(&self, account: AccountIdx, op: &Op) -> String {
        self.index
            .get(&self.certs, account, op.family, &op.id)
            .and_then(|i| self.certs.get(i))
            .map(|c| match c.common_name.trim() {
                "" => c.id.clone(),
                cn => cn.to_string(),
            })
            .unwrap_or_else(|| op.id.clone())
    }

    /// One step of a followed operation.
    pub(super) fn on_followed(
        &mut self,
        job: JobId,
        account: AccountIdx,
        op: Op,
        step: FollowStep,
    ) -> Vec<Command> {
        let at = self
            .following
            .iter()
            .position(|f| f.job == job && f.account == account && f.op == op);
        let mut cmds = Vec::new();
        if let FollowStep::Pending { status, cert } = step {
            if let Some(c) = cert {
                self.upsert(vec![*c], true);
                self.settle();
            }
            if let Some(f) = at.and_then(|i| self.following.get_mut(i)) {
                f.status = Some(status);
            }
            return cmds;
        }
        // The last step: it is no longer followed, whatever happened.
        let last = at.map(|i| self.following.remove(i));
        let name = self.followed_name(account, &op);
        match step {
            FollowStep::Pending { .. } => {}
            FollowStep::Settled { ok, status, cert } => {
                let about_row = cert.is_some();
                if let Some(c) = cert {
                    self.upsert(vec![*c], true);
                    self.settle();
                }
                // Its detail (now with the issued body) or the views that show it, anew.
                if about_row {
                    cmds.extend(self.load_detail(account, op.family, op.id.clone()));
                } else {
                    cmds.extend(self.refresh_views(account));
                }
                if ok {
                    self.set_status(format!("{}: {name}", op.goal), Severity::Info);
                } else {
                    self.set_status(
                        format!("{name} was not {}: it is {status}", op.goal),
                        Severity::Warning,
                    );
                }
            }
            FollowStep::GaveUp { status, after } => {
                let status = status
                    .or_else(|| last.and_then(|f| f.status))
                    .unwrap_or_else(|| "not settled".into());
                self.set_status(
                    format!(
                        "{name} is still {status} after {} minutes; stopped watching (r refreshes)",
                        (after.as_secs() / 60).max(1)
                    ),
                    Severity::Warning,
                );
            }
            FollowStep::Failed(e) => {
                self.set_status(
                    format!("stopped watching {name}: {}", short_error(&e)),
                    Severity::Warning,
                );
                self.push_error(e, false);
            }
        }
        cmds
    }
}
