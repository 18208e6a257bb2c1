//! What the commands that follow the store's changes (`watch`, `serve`) share: a
//! signal ends them through the same channel as the changes, and a problem that
//! every wake would repeat is said once.

use super::Context;
use crate::error::{Error, Result};
use crate::process;
use crate::store::Wake;
use std::sync::mpsc;

/// Says each distinct problem once, not once a wake; `who` names the command.
pub(super) fn report_once(ctx: &Context, who: &str, last: &mut Option<String>, message: String) {
    if last.as_deref() != Some(message.as_str()) {
        ctx.ui.warn(format_args!("{who}: {message}"));
        *last = Some(message);
    }
}

/// SIGINT and SIGTERM end the command at once (`watch` stops a running --exec
/// command first); `who` names it.
pub(super) fn forward_signals(who: &str, tx: mpsc::Sender<Wake>) -> Result<()> {
    process::on_stop_signal(move |_| {
        let _ = tx.send(Wake::Stop);
    })
    .map_err(|e| Error::runtime(who, format!("cannot handle SIGINT and SIGTERM: {e}")))
}
