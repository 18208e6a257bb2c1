//! `mcpreg list`: every entry, whatever its lease.

use super::{Context, Exit, Run};
use crate::cli::List;
use crate::error::Result;

impl Run for List {
    fn run(&self, ctx: &mut Context) -> Result<Exit> {
        let entries = ctx.store.list()?;
        ctx.out.entries(&entries, ctx.now)?;
        Ok(Exit::Success)
    }
}
