//! `mcpreg find`: the servers that match every filter given.

use super::{Context, Exit, Run};
use crate::catalog::HealthStatus;
use crate::cli::Find;
use crate::error::Result;
use std::hash::{BuildHasher, RandomState};

impl Run for Find {
    fn run(&self, ctx: &mut Context) -> Result<Exit> {
        let mut found = ctx.store.find(&self.filters.query()?, ctx.now)?;
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
        ctx.out.entries(&found, ctx.now)?;
        Ok(Exit::Success)
    }
}
