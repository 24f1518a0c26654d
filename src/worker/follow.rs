//! Following a long-running operation (a request being issued, a domain being validated)
//! by polling its provider with backoff until it settles.

use super::*;

/// Follow one operation until it settles, by the plan: each poll is a read within the
/// account's limits; every step goes to the app. A poll that fails is tried again at the
/// next step, up to the plan's limit of failures in a row.
pub(super) async fn follow(
    ctx: Arc<Ctx>,
    tx: mpsc::UnboundedSender<WorkerEvent>,
    job: JobId,
    account: AccountIdx,
    op: Op,
) {
    let send = |step: FollowStep| {
        let _ = tx.send(WorkerEvent::Followed {
            job,
            account,
            op: op.clone(),
            step,
        });
    };
    let provider = match provider_for(&ctx.accounts, account, "follow an operation") {
        Ok(p) => p,
        Err(e) => return send(FollowStep::Failed(e)),
    };
    let start = tokio::time::Instant::now();
    let (mut failures, mut last) = (0u32, None::<String>);
    loop {
        let Some(wait) = ctx.plan.next_wait(start.elapsed()) else {
            return send(FollowStep::GaveUp {
                status: last,
                after: start.elapsed(),
            });
        };
        tokio::time::sleep(wait).await;
        let polled = {
            let _hold = ctx.read_hold(account).await;
            provider.poll(&op).await
        };
        match polled {
            Ok(OpState::Pending { status, cert }) => {
                failures = 0;
                last = Some(status.clone());
                send(FollowStep::Pending {
                    status,
                    cert: cert.map(Box::new),
                });
            }
            Ok(OpState::Settled { ok, status, cert }) => {
                return send(FollowStep::Settled {
                    ok,
                    status,
                    cert: cert.map(Box::new),
                });
            }
            Err(e) => {
                failures += 1;
                tracing::info!(account = %provider.account(), op = %op.kind, id = %op.id,
                    error = %e, "a poll failed");
                if failures >= ctx.plan.max_failures.max(1) {
                    return send(FollowStep::Failed(e));
                }
            }
        }
    }
}
