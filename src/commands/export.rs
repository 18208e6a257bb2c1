//! `mcpreg export`: client configs and server.json from the entries that match.

use super::{Context, Exit, Run};
use crate::catalog::Entry;
use crate::cli::Export;
use crate::error::{Error, Result};
use crate::interop::clients::{self, Client};
use crate::interop::{Target, server_json};
use crate::store::external;

impl Run for Export {
    fn run(&self, ctx: &mut Context) -> Result<Exit> {
        let entries = ctx.store.find(&self.filters.query()?, ctx.now)?;
        let client = match self.to {
            Target::ServerJson => return self.server_json(ctx, &entries),
            Target::Client(client) => client,
        };
        if entries.is_empty() {
            ctx.ui.warn(format_args!(
                "export: no entry matched; writing a config without mcpreg's servers"
            ));
        }
        let at = match &self.output {
            Some(p) => format!("{}: ", p.display()),
            None => String::new(),
        };
        let entries = without_cwd(ctx, client, entries);
        let mut report = None;
        let mut make = |existing: Option<&str>| {
            let export = clients::export(client, &entries, existing)
                .map_err(|why| Error::runtime("--output", format!("{at}{why}")))?;
            let change = external::Change {
                bytes: export.bytes.clone(),
                backup: export.loses_comments,
            };
            report = Some(export);
            Ok(change)
        };
        match &self.output {
            Some(path) => {
                let (_, backup) = external::rewrite_keeping(path, ctx.lock_timeout, &mut make)?;
                if let Some(backup) = backup {
                    ctx.ui.warn(format_args!(
                        "{}: its comments cannot be kept in a rewrite of YAML; the file as it was is in {}",
                        path.display(),
                        backup.display()
                    ));
                }
            }
            None => {
                let change = make(None)?;
                ctx.out.raw(&change.bytes)?;
            }
        }
        if let Some(report) = report {
            for (what, ids) in &report.skipped {
                ctx.ui.warn(format_args!(
                    "export: {} cannot express {what}; skipped: {}",
                    client.name,
                    ids.join(", ")
                ));
            }
            for (name, id) in &report.written {
                ctx.ui.note(format_args!("{id}: written as {name:?}"));
            }
        }
        Ok(Exit::Success)
    }
}

/// For a client that cannot start a server in a folder of its own, each command
/// that has one is written with absolute paths instead, and the user is told
/// which (a path argument that no longer exists stays as it is). Shared by
/// `export` and `sync`.
pub(super) fn without_cwd(ctx: &Context, client: &Client, entries: Vec<Entry>) -> Vec<Entry> {
    let (entries, moved) = crate::interop::without_cwd(client, entries);
    if !moved.is_empty() {
        ctx.ui.warn(format_args!(
            "export: {} has no working folder for a server (cwd); written with absolute paths: {}",
            client.name,
            moved.join(", ")
        ));
    }
    entries
}

impl Export {
    fn server_json(&self, ctx: &mut Context, entries: &[Entry]) -> Result<Exit> {
        if entries.is_empty() {
            ctx.ui
                .warn(format_args!("export: no entry matched; nothing written"));
            return Ok(Exit::Negative);
        }
        let namespace = self.namespace()?;
        let make = |existing: Option<&str>| -> Result<Vec<u8>> {
            // Fields mcpreg does not write are kept from the document of the same name.
            let old = match (existing, &self.output) {
                (Some(text), Some(path)) => {
                    let found = server_json::existing(text).map_err(|bad| Error::Parse {
                        path: path.clone(),
                        line: bad.line,
                        column: bad.column,
                        message: bad.message,
                    })?;
                    for w in &found.warnings {
                        ctx.ui.warn(format_args!("{}: {w}", path.display()));
                    }
                    found.documents
                }
                _ => Vec::new(),
            };
            Ok(crate::interop::server_json_bytes(entries, namespace, &old))
        };
        match &self.output {
            Some(path) => {
                external::rewrite(path, ctx.lock_timeout, make)?;
            }
            None => {
                let bytes = make(None)?;
                ctx.out.raw(&bytes)?;
            }
        }
        Ok(Exit::Success)
    }
}
