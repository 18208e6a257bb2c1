//! `mcpreg serve`: the registry as an MCP server for agents.
//!
//! This thread keeps the snapshot: it follows the store's change subscription
//! (the machinery of `watch`) and publishes a fresh copy after every wake; the
//! MCP server (stdio, or the HTTP listener with --http) runs on a thread of its
//! own and answers from the latest copy. The first of end of input (stdio),
//! SIGINT or SIGTERM ends both.

use super::follow::{forward_signals, report_once};
use super::{Context, Exit, Run};
use crate::catalog::Entry;
use crate::cli::Serve;
use crate::error::{Error, Result};
use crate::serve::secrets::Secrets;
use crate::serve::{Registry, Snapshot, http};
use crate::store::{self, Event, LastRead, Wake};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, mpsc};

impl Run for Serve {
    fn run(&self, ctx: &mut Context) -> Result<Exit> {
        let (wake, woken) = mpsc::channel();
        forward_signals("serve", wake.clone())?;
        // Subscribed before the first read: no change falls between the two.
        let _subscription = ctx.store.subscribe(wake.clone())?;
        // Each read shares what did not change with the one before it.
        let mut last = ctx.store.reread(&LastRead::default())?;
        let (publish, snapshot) = tokio::sync::watch::channel(Snapshot::new(last.entries.clone()));
        let registry = Registry::new(
            snapshot,
            Secrets {
                show: self.show_secrets,
            },
        );
        let face = self.face(ctx)?;
        let server = std::thread::Builder::new()
            .name("mcp".into())
            .spawn(move || {
                let outcome = match face {
                    Face::Stdio => registry.serve_stdio(),
                    Face::Http(listener, options) => registry.serve_http(listener, options),
                };
                let _ = wake.send(Wake::Stop);
                outcome
            })
            .map_err(|e| Error::runtime("serve", format!("cannot start the server: {e}")))?;
        let mut trouble = None;
        let mut next = None;
        loop {
            let read = match next.take().map_or_else(|| woken.recv(), Ok) {
                Ok(Wake::Stop) | Err(_) => break,
                Ok(Wake::Trouble(message)) => {
                    report_once(ctx, "serve", &mut trouble, message);
                    continue;
                }
                Ok(Wake::Snapshot(entries)) => Ok(last.shared(entries)),
                // etcd's stream carries the changes: applied to the last copy,
                // nothing is read again.
                Ok(Wake::Events(events)) => Ok(with_events(&last, events)),
                Ok(Wake::Changed) => {
                    // One write wakes us more than once (the rename is two
                    // events): one read answers every wake that came so far.
                    next = std::iter::from_fn(|| woken.try_recv().ok())
                        .find(|w| !matches!(w, Wake::Changed));
                    ctx.store.reread(&last)
                }
            };
            match read {
                Ok(read) => {
                    trouble = None;
                    last = read;
                    publish.send_replace(Snapshot::new(last.entries.clone()));
                }
                // A broken registry is reported; the last good copy is served.
                Err(e) => report_once(ctx, "serve", &mut trouble, e.to_string()),
            }
        }
        // A signal leaves the server blocked on its input: the process ends it.
        if server.is_finished()
            && let Ok(Err(why)) = server.join()
        {
            return Err(Error::runtime("serve", why));
        }
        Ok(Exit::Success)
    }
}

/// Where the server speaks.
enum Face {
    Stdio,
    Http(std::net::TcpListener, http::Options),
}

impl Serve {
    /// stdio, or the HTTP listener bound and announced on stdout. A non-loopback
    /// address is refused unless a token guards it or --no-auth says it need not.
    fn face(&self, ctx: &mut Context) -> Result<Face> {
        let Some(addr) = &self.http else {
            return Ok(Face::Stdio);
        };
        let addr: SocketAddr = addr.parse().map_err(|_| {
            Error::usage(
                "--http",
                format!("{addr:?} is not IP:PORT (e.g. 127.0.0.1:7333 or [::1]:7333)"),
            )
        })?;
        if !addr.ip().is_loopback() && self.token.is_none() && !self.no_auth {
            return Err(Error::usage(
                "--http",
                format!(
                    "{addr} is not a loopback address: give --token FILE so only holders of the token are served, or --no-auth to serve anyone who can reach it"
                ),
            ));
        }
        let token = match &self.token {
            None => None,
            Some(path) => Some(token_of(&store::read_secret_file(path, "--token")?, path)?),
        };
        let options = http::Options {
            token,
            allow_hosts: self.allow_host.clone(),
            max_connections: usize::try_from(self.max_connections).unwrap_or(usize::MAX),
            client_timeout: self.client_timeout,
        };
        let listener = http::bind(addr)
            .map_err(|e| Error::runtime("--http", format!("cannot listen on {addr}: {e}")))?;
        let bound = listener
            .local_addr()
            .map_err(|e| Error::runtime("--http", format!("cannot listen on {addr}: {e}")))?;
        ctx.out.line(format!("http://{bound}{}", http::MCP_PATH))?;
        ctx.out.flush()?;
        Ok(Face::Http(listener, options))
    }
}

/// The token a --token file holds: its text without surrounding whitespace,
/// one word of visible ASCII, as a bearer token must be.
fn token_of(bytes: &[u8], path: &std::path::Path) -> Result<Vec<u8>> {
    let token = bytes.trim_ascii();
    if token.is_empty() || !token.iter().all(u8::is_ascii_graphic) {
        return Err(Error::usage(
            "--token",
            format!(
                "{}: must hold one token of visible ASCII characters (no spaces)",
                path.display()
            ),
        ));
    }
    Ok(token.to_vec())
}

/// `last` after the stream's `events`; the entries they leave alone are shared.
fn with_events(last: &LastRead, events: Vec<Event>) -> LastRead {
    let mut by_id: BTreeMap<String, Arc<Entry>> = last
        .entries
        .iter()
        .map(|e| (e.id.clone(), e.clone()))
        .collect();
    for event in events {
        match event {
            Event::Put(entry) => {
                by_id.insert(entry.id.clone(), Arc::new(*entry));
            }
            Event::Removed { id, .. } => {
                by_id.remove(&id);
            }
        }
    }
    LastRead::of(by_id.into_values().collect())
}
