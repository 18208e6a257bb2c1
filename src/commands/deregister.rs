//! `mcpreg deregister`: remove entries.

use super::{Context, Exit, Run};
use crate::cli::Deregister;
use crate::error::Result;

impl Run for Deregister {
    fn run(&self, ctx: &mut Context) -> Result<Exit> {
        let removed = ctx.store.remove(&self.ids)?;
        let mut exit = Exit::Success;
        for (id, was_there) in self.ids.iter().zip(removed) {
            if was_there {
                ctx.ui.note(format_args!("{id}: removed"));
            } else {
                ctx.ui.warn(format_args!(
                    "deregister: no server with id {id:?} is registered"
                ));
                exit = Exit::Negative;
            }
        }
        Ok(exit)
    }
}
