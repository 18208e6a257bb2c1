//! `mcpreg sync`: `export -o` into the config of every installed client.

use super::{Context, Exit, Run};
use crate::cli::Sync;
use crate::error::{Error, Result};
use crate::interop::clients::{self, Client, Dirs};
use crate::store::external;
use std::fmt::Write as _;

impl Run for Sync {
    fn run(&self, ctx: &mut Context) -> Result<Exit> {
        let dirs = Dirs::from_env().ok_or_else(|| {
            Error::usage("HOME", "not set: the clients' configs are found under it")
        })?;
        let chosen = self.clients()?;
        let entries = ctx.store.find(&self.filters.query()?, ctx.now)?;
        let mut failed = false;
        for client in chosen {
            let folder = (client.installed)(&dirs);
            let path = (client.file)(&dirs);
            if !folder.is_dir() {
                ctx.out.line(format_args!(
                    "{}: skipped: not installed ({} does not exist)",
                    client.name,
                    folder.display()
                ))?;
                continue;
            }
            let entries = super::export::without_cwd(ctx, client, entries.clone());
            let outcome = if self.dry_run {
                self.preview(ctx, client, &entries, &path)
            } else {
                external::ensure_folder(&path).and_then(|()| write(ctx, client, &entries, &path))
            };
            match outcome {
                Ok(line) => ctx.out.line(format_args!("{}: {line}", client.name))?,
                Err(e) => {
                    failed = true;
                    ctx.out
                        .line(format_args!("{}: skipped: {e}", client.name))?;
                }
            }
        }
        Ok(if failed { Exit::Error } else { Exit::Success })
    }
}

impl Sync {
    /// `--dry-run`: the diff of what a sync would write, on stdout.
    fn preview(
        &self,
        ctx: &mut Context,
        client: &Client,
        entries: &[crate::catalog::Entry],
        path: &std::path::Path,
    ) -> Result<String> {
        let old = external::read_text(path)?;
        let export = clients::export(client, entries, old.as_deref()).map_err(|message| {
            Error::Registry {
                path: path.to_owned(),
                message,
            }
        })?;
        let new = String::from_utf8_lossy(&export.bytes);
        let old = old.unwrap_or_default();
        if old == new {
            return Ok(format!("unchanged {}", path.display()));
        }
        let name = path.display().to_string();
        let diff = similar::TextDiff::from_lines(old.as_str(), &new);
        let text = diff
            .unified_diff()
            .context_radius(3)
            .header(&name, &name)
            .to_string();
        ctx.out.raw(text.as_bytes())?;
        Ok(format!(
            "would write {}{}",
            path.display(),
            left_out(&export)
        ))
    }
}

/// `export -o` into one client's config; the line that says what happened.
fn write(
    ctx: &mut Context,
    client: &Client,
    entries: &[crate::catalog::Entry],
    path: &std::path::Path,
) -> Result<String> {
    let mut report = None;
    let (changed, backup) = external::rewrite_keeping(path, ctx.lock_timeout, |existing| {
        let export =
            clients::export(client, entries, existing).map_err(|message| Error::Registry {
                path: path.to_owned(),
                message,
            })?;
        let change = external::Change {
            bytes: export.bytes.clone(),
            backup: export.loses_comments,
        };
        report = Some(export);
        Ok(change)
    })?;
    if let Some(backup) = backup {
        ctx.ui.warn(format_args!(
            "{}: its comments cannot be kept in a rewrite of YAML; the file as it was is in {}",
            path.display(),
            backup.display()
        ));
    }
    let left = report.as_ref().map(left_out).unwrap_or_default();
    Ok(if changed {
        format!("written {}{left}", path.display())
    } else {
        format!("unchanged {}{left}", path.display())
    })
}

/// `; left out: SSE servers (a-1, b-2)` for what the client cannot express.
fn left_out(export: &clients::Export) -> String {
    export
        .skipped
        .iter()
        .fold(String::new(), |mut out, (what, ids)| {
            let _ = write!(out, "; left out {what}: {}", ids.join(", "));
            out
        })
}
