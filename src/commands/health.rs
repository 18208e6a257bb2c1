//! `mcpreg health`: lease and probe state of entries, as a status page; with
//! `--probe`, speaks MCP to each server first and records what it found.

use super::{Context, Exit, Run};
use crate::catalog::{Entry, HealthStatus, Timestamp, Transport};
use crate::cli::Health;
use crate::error::Result;
use crate::mcp::{self, ProbeOptions, ProbeReport};
use crate::output::cell;
use crate::store::Edit;
use comfy_table::Cell;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Default, Serialize)]
struct Summary {
    total: usize,
    live: usize,
    expired: usize,
    ok: usize,
    down: usize,
    changed: usize,
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
        let mut selected: Vec<Entry> = if self.ids.is_empty() {
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
        if self.probe {
            self.probe_and_record(ctx, &mut selected)?;
        }
        let summary = summarise(&selected, ctx.now);
        if summary.expired > 0 || summary.down > 0 || summary.changed > 0 {
            exit = Exit::Negative;
        }
        render(ctx, &summary, &selected)?;
        Ok(exit)
    }
}

impl Health {
    /// Probes `selected` in parallel without holding any lock, then records each
    /// result in the current entry under the lock, unless the server was
    /// re-registered meanwhile (its result would describe another declaration).
    fn probe_and_record(&self, ctx: &mut Context, selected: &mut [Entry]) -> Result<()> {
        if selected
            .iter()
            .any(|e| matches!(e.declared.transport, Transport::Stdio { .. }))
        {
            ctx.store.check_commands_trusted()?;
        }
        let declared: Vec<&Transport> = selected.iter().map(|e| &e.declared.transport).collect();
        let opts = ProbeOptions {
            timeout: self.timeout,
            ..ProbeOptions::default()
        };
        let results = mcp::probe_many(&declared, &opts, self.parallel);
        let now = Timestamp::now();
        let outcomes: HashMap<String, Result<ProbeReport, String>> = selected
            .iter()
            .zip(results)
            .map(|(e, r)| (e.id.clone(), r.map_err(|e| e.to_string())))
            .collect();
        let probed: HashMap<&str, &Entry> = selected.iter().map(|e| (e.id.as_str(), e)).collect();
        // The verdict goes into the entry as it is now, under the lock: failures
        // count up from the current health, the pins are the current ones.
        let recorded = ctx.store.update_many(&mut |current| {
            let mine = probed.get(current.id.as_str())?;
            let outcome = outcomes.get(&current.id)?;
            if !current.same_registration(mine) {
                return None;
            }
            let mut updated = match (self.refresh, outcome) {
                (true, Ok(report)) => report.refreshed(current, now),
                _ => current.clone(),
            };
            updated.record_probe(
                outcome
                    .as_ref()
                    .map(ProbeReport::probed)
                    .map_err(Clone::clone),
                now,
            );
            Some(Edit::Replace(Box::new(updated)))
        })?;
        let recorded: HashMap<String, Entry> = recorded
            .into_iter()
            .filter_map(|(id, edit)| match edit {
                Edit::Replace(e) => Some((id, *e)),
                Edit::Remove => None,
            })
            .collect();
        for e in selected.iter_mut() {
            match recorded.get(&e.id) {
                Some(now) => e.clone_from(now),
                None => ctx.ui.warn(format_args!(
                    "{}: re-registered or removed while it was probed; result not recorded",
                    e.id
                )),
            }
        }
        Ok(())
    }
}

fn summarise(entries: &[Entry], now: Timestamp) -> Summary {
    let mut summary = Summary {
        total: entries.len(),
        ..Summary::default()
    };
    for e in entries {
        if e.lease_state(now).is_live() {
            summary.live += 1;
        } else {
            summary.expired += 1;
        }
        match e.health.as_ref().map(|h| h.status) {
            Some(HealthStatus::Ok) => summary.ok += 1,
            Some(HealthStatus::Down) => summary.down += 1,
            Some(HealthStatus::Changed) => summary.changed += 1,
            None => summary.unprobed += 1,
        }
    }
    summary
}

fn render(ctx: &mut Context, summary: &Summary, entries: &[Entry]) -> Result<()> {
    if ctx.out.structured(&Report {
        summary,
        servers: entries,
    })? {
        return Ok(());
    }
    if !entries.is_empty() {
        let mut table = ctx
            .out
            .table(&["ID", "NAME", "LEASE", "HEALTH", "PROTOCOL", "CHECKED"]);
        for e in entries {
            let health = e.health.as_ref();
            table.add_row(vec![
                cell(&e.id),
                cell(&e.declared.name),
                ctx.out.lease_cell(e.lease_state(ctx.now)),
                ctx.out.health_cell(e),
                cell(
                    health
                        .and_then(|h| h.protocol_version.as_deref())
                        .unwrap_or("-"),
                ),
                Cell::new(health.map_or("-".into(), |h| h.checked_at.to_string())),
            ]);
        }
        ctx.out.line(table)?;
    }
    let changed = match summary.changed {
        0 => String::new(),
        n => format!(", {n} changed"),
    };
    ctx.out.line(format_args!(
        "{} total, {} live, {} expired, {} ok, {} down{changed}, {} never probed",
        summary.total, summary.live, summary.expired, summary.ok, summary.down, summary.unprobed
    ))
}
