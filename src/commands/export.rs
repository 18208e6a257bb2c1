//! `mcpreg export`: client configs and server.json from the entries that match.

use super::{Context, Exit, Run};
use crate::catalog::Entry;
use crate::cli::Export;
use crate::error::{Error, Result};
use crate::interop::clients::{self, Client};
use crate::interop::{client_of, server_json, server_json_bytes, without_cwd};
use crate::store::external;
use serde_json::Value;

impl Run for Export {
    fn run(&self, ctx: &mut Context) -> Result<Exit> {
        let entries = ctx.store.find(&self.filters.query()?, ctx.now)?;
        let Some(client) = client_of(self.to) else {
            return self.server_json(ctx, &entries);
        };
        if entries.is_empty() {
            ctx.ui.warn(format_args!(
                "export: no entry matched; writing a config without mcpreg's servers"
            ));
        }
        let entries = self.without_cwd(ctx, client, entries);
        let mut report = None;
        let mut make = |existing: Option<&str>| {
            let export = clients::export(client, &entries, existing).map_err(|why| {
                let at = match &self.output {
                    Some(p) => format!("{}: ", p.display()),
                    None => String::new(),
                };
                Error::usage("--output", format!("{at}{why}"))
            })?;
            let bytes = export.bytes.clone();
            report = Some(export);
            Ok(bytes)
        };
        match &self.output {
            Some(path) => external::rewrite(path, ctx.lock_timeout, &mut make)?,
            None => {
                let bytes = make(None)?;
                ctx.out.raw(&bytes)?;
            }
        }
        if let Some(report) = report {
            if !report.skipped.is_empty() {
                ctx.ui.warn(format_args!(
                    "export: {} cannot run HTTP servers from its config; skipped: {}",
                    client.name(),
                    report.skipped.join(", ")
                ));
            }
            for (name, id) in &report.written {
                ctx.ui.note(format_args!("{id}: written as {name:?}"));
            }
        }
        Ok(Exit::Success)
    }
}

impl Export {
    /// For a client that cannot start a server in a folder of its own, each
    /// command that has one is written with absolute paths instead, and the user
    /// is told which (a path argument that no longer exists stays as it is).
    fn without_cwd(&self, ctx: &Context, client: Client, entries: Vec<Entry>) -> Vec<Entry> {
        let (entries, moved) = without_cwd(client, entries);
        if !moved.is_empty() {
            ctx.ui.warn(format_args!(
                "export: {} has no working folder for a server (cwd); written with absolute paths: {}",
                client.name(),
                moved.join(", ")
            ));
        }
        entries
    }

    fn server_json(&self, ctx: &mut Context, entries: &[Entry]) -> Result<Exit> {
        if entries.is_empty() {
            ctx.ui
                .warn(format_args!("export: no entry matched; nothing written"));
            return Ok(Exit::Negative);
        }
        if let Some(why) = server_json::name_problem(&format!("{}/x", self.namespace)) {
            return Err(Error::usage("--namespace", why));
        }
        let make = |existing: Option<&str>| -> Result<Vec<u8>> {
            // Fields mcpreg does not write are kept from the document of the same name.
            let old: Vec<server_json::Document> = match existing.map(str::trim) {
                None | Some("") => Vec::new(),
                Some(text) => match serde_json::from_str::<Value>(text) {
                    Ok(Value::Object(_)) => serde_json::from_str(text)
                        .map(|d| vec![d])
                        .unwrap_or_default(),
                    Ok(Value::Array(_)) => serde_json::from_str(text).unwrap_or_default(),
                    _ => {
                        return Err(Error::usage(
                            "--output",
                            "the file is not a server.json (JSON object or array); not overwritten",
                        ));
                    }
                },
            };
            Ok(server_json_bytes(entries, &self.namespace, &old))
        };
        match &self.output {
            Some(path) => external::rewrite(path, ctx.lock_timeout, make)?,
            None => {
                let bytes = make(None)?;
                ctx.out.raw(&bytes)?;
            }
        }
        Ok(Exit::Success)
    }
}
