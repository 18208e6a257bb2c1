//! `mcpreg show`: one entry in full.

use super::{Context, Exit, Run};
use crate::cli::Show;
use crate::error::Result;

impl Run for Show {
    fn run(&self, ctx: &mut Context) -> Result<Exit> {
        match ctx.store.get(&self.id)? {
            Some(entry) => {
                ctx.out.entry(&entry, ctx.now)?;
                Ok(Exit::Success)
            }
            None => {
                ctx.ui.warn(format_args!(
                    "show: no server with id {:?} is registered",
                    self.id
                ));
                Ok(Exit::Negative)
            }
        }
    }
}
