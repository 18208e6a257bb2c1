//! `mcpreg prune`: remove what stopped heartbeating or stopped answering.
//!
//! Idempotent and quiet when there is nothing to do, so cron mails nobody.

use super::{Context, Exit, Run};
use crate::catalog::registration::PruneReason;
use crate::cli::{OutputFormat, Prune};
use crate::error::Result;
use crate::output::escape;
use crate::store::Edit;
use serde::Serialize;

#[derive(Serialize)]
struct Removal {
    id: String,
    reason: String,
}

impl Run for Prune {
    fn run(&self, ctx: &mut Context) -> Result<Exit> {
        let now = ctx.now;
        let reason = |e: &crate::catalog::Entry| e.prune_reason(self.grace, self.down_for, now);
        let removals: Vec<(String, PruneReason)> = if self.dry_run {
            ctx.store
                .list()?
                .iter()
                .filter_map(|e| reason(e).map(|r| (e.id.clone(), r)))
                .collect()
        } else {
            let mut reasons = Vec::new();
            ctx.store.update_many(&mut |e| {
                let r = reason(e)?;
                reasons.push((e.id.clone(), r));
                Some(Edit::Remove)
            })?;
            reasons
        };
        let rows: Vec<Removal> = removals
            .into_iter()
            .map(|(id, r)| Removal {
                id,
                reason: r.to_string(),
            })
            .collect();
        if ctx.out.structured(&rows)? {
            return Ok(Exit::Success);
        }
        let verb = if self.dry_run {
            "would remove"
        } else {
            "removed"
        };
        for row in rows {
            if ctx.out.format == OutputFormat::Ids {
                ctx.out.line(&row.id)?;
            } else if !ctx.ui.quiet {
                ctx.out
                    .line(format_args!("{verb} {} ({})", escape(&row.id), row.reason))?;
            }
        }
        Ok(Exit::Success)
    }
}
