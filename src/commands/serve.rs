//! `mcpreg serve`: the registry as an MCP server for agents.
//!
//! This thread keeps the snapshot: it follows the store's change subscription
//! (the machinery of `watch`) and publishes a fresh copy after every wake; the
//! MCP server runs on a thread of its own and answers from the latest copy. The
//! first of end of input, SIGINT or SIGTERM ends both.

use super::watch::{forward_signals, report_once};
use super::{Context, Exit, Run};
use crate::catalog::Entry;
use crate::cli::Serve;
use crate::error::{Error, Result};
use crate::serve::secrets::Secrets;
use crate::serve::{Registry, Snapshot};
use crate::store::{Event, Wake};
use std::collections::BTreeMap;
use std::sync::{Arc, mpsc};

impl Run for Serve {
    fn run(&self, ctx: &mut Context) -> Result<Exit> {
        let (wake, woken) = mpsc::channel();
        forward_signals(wake.clone())?;
        // Subscribed before the first read: no change falls between the two.
        let _subscription = ctx.store.subscribe(wake.clone())?;
        let (publish, snapshot) =
            tokio::sync::watch::channel::<Snapshot>(Arc::new(ctx.store.list()?));
        let registry = Registry::new(
            snapshot,
            Secrets {
                show: self.show_secrets,
            },
        );
        let server = std::thread::Builder::new()
            .name("mcp".into())
            .spawn(move || {
                let outcome = registry.serve_stdio();
                let _ = wake.send(Wake::Stop);
                outcome
            })
            .map_err(|e| Error::usage("serve", format!("cannot start the server: {e}")))?;
        let mut trouble = None;
        loop {
            match woken.recv() {
                Ok(Wake::Stop) | Err(_) => break,
                Ok(Wake::Trouble(message)) => report_once(ctx, "serve", &mut trouble, message),
                Ok(Wake::Snapshot(entries)) => {
                    trouble = None;
                    publish.send_replace(Arc::new(entries));
                }
                // etcd's stream carries the changes: applied to the last copy,
                // nothing is read again.
                Ok(Wake::Events(events)) => {
                    let next = with_events(&publish.borrow(), events);
                    publish.send_replace(Arc::new(next));
                }
                Ok(Wake::Changed) => match ctx.store.list() {
                    Ok(entries) => {
                        trouble = None;
                        publish.send_replace(Arc::new(entries));
                    }
                    // A broken registry is reported; the last good copy is served.
                    Err(e) => report_once(ctx, "serve", &mut trouble, e.to_string()),
                },
            }
        }
        // A signal leaves the server blocked on its input: the process ends it.
        if server.is_finished()
            && let Ok(Err(why)) = server.join()
        {
            return Err(Error::usage("serve", why));
        }
        Ok(Exit::Success)
    }
}

/// `entries` (sorted by id, as `list` gives them) after the stream's `events`.
fn with_events(entries: &[Entry], events: Vec<Event>) -> Vec<Entry> {
    let mut by_id: BTreeMap<String, Entry> =
        entries.iter().map(|e| (e.id.clone(), e.clone())).collect();
    for event in events {
        match event {
            Event::Put(entry) => {
                by_id.insert(entry.id.clone(), *entry);
            }
            Event::Removed { id, .. } => {
                by_id.remove(&id);
            }
        }
    }
    by_id.into_values().collect()
}
