//! `mcpreg health`: lease and probe state of entries, as a status page.

use super::{Context, Exit, Run};
use crate::catalog::{Entry, HealthStatus};
use crate::cli::Health;
use crate::error::Result;
use comfy_table::Cell;
use serde::Serialize;

#[derive(Default, Serialize)]
struct Summary {
    total: usize,
    live: usize,
    expired: usize,
    ok: usize,
    down: usize,
    unprobed: usize,
}

#[derive(Serialize)]
struct Report<'a> {
    summary: &'a Summary,
    servers: &'a [Entry],
}

impl Run for Health {
    fn run(&self, ctx: &mut Context) -> Result<Exit> {
        let all = ctx.store.list()?;
        let mut exit = Exit::Success;
        let selected: Vec<Entry> = if self.ids.is_empty() {
            all
        } else {
            for id in &self.ids {
                if !all.iter().any(|e| &e.id == id) {
                    ctx.ui.warn(format_args!(
                        "health: no server with id {id:?} is registered"
                    ));
                    exit = Exit::Negative;
                }
            }
            all.into_iter()
                .filter(|e| self.ids.contains(&e.id))
                .collect()
        };
        let mut summary = Summary {
            total: selected.len(),
            ..Summary::default()
        };
        for e in &selected {
            if e.lease_state(ctx.now).is_live() {
                summary.live += 1;
            } else {
                summary.expired += 1;
            }
            match e.health.as_ref().map(|h| h.status) {
                Some(HealthStatus::Ok) => summary.ok += 1,
                Some(HealthStatus::Down) => summary.down += 1,
                None => summary.unprobed += 1,
            }
        }
        if summary.expired > 0 || summary.down > 0 {
            exit = Exit::Negative;
        }
        if ctx.out.structured(&Report {
            summary: &summary,
            servers: &selected,
        })? {
            return Ok(exit);
        }
        if !selected.is_empty() {
            let mut table = ctx.out.table(&["ID", "NAME", "LEASE", "HEALTH", "CHECKED"]);
            for e in &selected {
                table.add_row(vec![
                    Cell::new(&e.id),
                    Cell::new(&e.name),
                    ctx.out.lease_cell(e.lease_state(ctx.now)),
                    ctx.out.health_cell(e),
                    Cell::new(
                        e.health
                            .as_ref()
                            .map_or("-".into(), |h| h.checked_at.to_string()),
                    ),
                ]);
            }
            ctx.out.line(table)?;
        }
        ctx.out.line(format_args!(
            "{} total, {} live, {} expired, {} ok, {} down, {} never probed",
            summary.total,
            summary.live,
            summary.expired,
            summary.ok,
            summary.down,
            summary.unprobed
        ))?;
        Ok(exit)
    }
}
