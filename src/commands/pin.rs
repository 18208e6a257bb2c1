//! `mcpreg pin`: accept the tools a server offers now as the pinned set.

use super::{Context, Exit, Run};
use crate::catalog::Timestamp;
use crate::catalog::registration::Pinned;
use crate::cli::Pin;
use crate::error::Result;
use crate::output::escape;
use crate::store::Edit;
use std::collections::HashMap;

impl Run for Pin {
    fn run(&self, ctx: &mut Context) -> Result<Exit> {
        let now = Timestamp::now();
        let mut outcomes: HashMap<String, Pinned> = HashMap::new();
        ctx.store.update_many(&mut |current| {
            if !self.ids.contains(&current.id) {
                return None;
            }
            let mut updated = current.clone();
            let outcome = updated.pin_seen(now);
            let changed = matches!(outcome, Pinned::Accepted(_));
            outcomes.insert(current.id.clone(), outcome);
            changed.then(|| Edit::Replace(Box::new(updated)))
        })?;
        let mut exit = Exit::Success;
        for id in &self.ids {
            match outcomes.get(id) {
                None => {
                    ctx.ui
                        .warn(format_args!("pin: no server with id {id:?} is registered"));
                    exit = Exit::Negative;
                }
                Some(Pinned::NeverProbed) => {
                    ctx.ui.warn(format_args!(
                        "pin: {id}: no probe has seen its tools yet; run `mcpreg health --probe {id}` first"
                    ));
                    exit = Exit::Negative;
                }
                Some(Pinned::Unchanged) => {
                    ctx.out.line(format_args!(
                        "{id}: its tools match the pinned ones; nothing to accept"
                    ))?;
                }
                Some(Pinned::Accepted(changes)) => {
                    let what: Vec<String> = changes.iter().map(ToString::to_string).collect();
                    // The changes quote the server's tool names and texts.
                    ctx.out
                        .line(escape(&format!("{id}: pinned: {}", what.join("; "))))?;
                }
            }
        }
        Ok(exit)
    }
}
