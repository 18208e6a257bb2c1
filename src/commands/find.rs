//! `mcpreg find`: the servers that match every filter given, ranked by `--query`.

use super::{Context, Exit, Run};
use crate::catalog::search::Search;
use crate::catalog::{HealthState, HealthStatus};
use crate::cli::{Find, OutputFormat};
use crate::error::{Error, Result};
use std::hash::{BuildHasher, RandomState};

/// Entries a table shows for a `--query` without `--limit`: a person reads the top.
const TABLE_LIMIT: usize = 10;

impl Run for Find {
    fn run(&self, ctx: &mut Context) -> Result<Exit> {
        let mut query = self.filters.query()?;
        let limit = self.limit.map(|n| usize::try_from(n).unwrap_or(usize::MAX));
        if let Some(text) = &self.query {
            let search = Search::parse(text).map_err(|e| Error::usage("--query", e.to_string()))?;
            ctx.ui
                .note(format!("ranking by the terms {:?}", search.terms()));
            if self.one && !query.health.is_empty() {
                // The best server to call is never one known to be down, even under
                // `--health down` or `any` (the default leaves down out already).
                query.health.retain(|&h| h != HealthState::Down);
                if query.health.is_empty() {
                    return Ok(Exit::Negative);
                }
            }
            let limit = match (self.one, limit, ctx.out.format) {
                (true, _, _) => Some(1),
                (false, None, OutputFormat::Table) => Some(TABLE_LIMIT),
                (false, limit, _) => limit,
            };
            let ranked = ctx.store.search(&query, &search, ctx.now, limit)?;
            if ranked.is_empty() {
                return Ok(Exit::Negative);
            }
            if self.one {
                ctx.out.ranked_one(&ranked[0], ctx.now)?;
            } else {
                ctx.out.ranked(&ranked, ctx.now)?;
            }
            return Ok(Exit::Success);
        }
        let mut found = ctx.store.find(&query, ctx.now)?;
        if self.one {
            // Even under `--health down` or `any`: one server to call is never one
            // known to be down.
            found.retain(|e| {
                e.health
                    .as_ref()
                    .is_none_or(|h| h.status != HealthStatus::Down)
            });
        }
        if found.is_empty() {
            return Ok(Exit::Negative);
        }
        if self.one {
            // RandomState is seeded per process: enough to spread clients over servers.
            let pick = RandomState::new().hash_one(std::process::id()) % found.len() as u64;
            let one = found.swap_remove(usize::try_from(pick).unwrap_or(0));
            // Scripts get the entry itself, not an array of one.
            if !ctx.out.structured(&one)? {
                ctx.out.entries(std::slice::from_ref(&one), ctx.now)?;
            }
            return Ok(Exit::Success);
        }
        if let Some(limit) = limit {
            found.truncate(limit);
        }
        ctx.out.entries(&found, ctx.now)?;
        Ok(Exit::Success)
    }
}
