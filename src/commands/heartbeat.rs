//! `mcpreg heartbeat`: renew leases.

use super::{Context, Exit, Run};
use crate::args::check_ttl;
use crate::catalog::registration::Renewal;
use crate::cli::Heartbeat;
use crate::error::Result;
use crate::store::Touched;

impl Run for Heartbeat {
    fn run(&self, ctx: &mut Context) -> Result<Exit> {
        check_ttl(self.ttl)?;
        let results = ctx.store.touch(&self.ids, self.ttl, ctx.now)?;
        let mut exit = Exit::Success;
        for (id, touched) in self.ids.iter().zip(results) {
            match touched {
                Touched::Missing => {
                    ctx.ui.warn(format_args!(
                        "heartbeat: no server with id {id:?} is registered"
                    ));
                    exit = Exit::Negative;
                }
                Touched::Renewed(Renewal::NoLease) => {
                    ctx.ui.warn(format_args!(
                        "{id}: has no lease, so there is nothing to renew (give --ttl to add one)"
                    ));
                }
                Touched::Renewed(Renewal::Renewed { expires_at }) => {
                    ctx.ui
                        .note(format_args!("{id}: lease renewed until {expires_at}"));
                }
            }
        }
        Ok(exit)
    }
}
