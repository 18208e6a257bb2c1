//! `mcpreg scan`: sweep blocks for open ports, find the MCP servers among
//! them, and optionally register what it finds.

use super::{Context, Exit, Run};
use crate::args::check_ttl;
use crate::catalog::registration::Registration;
use crate::catalog::{Timestamp, Transport, TransportKind};
use crate::cli::{OutputFormat, Scan};
use crate::error::{Error, Result};
use crate::mcp::ProbeOptions;
use crate::output::cell;
use crate::scan::identify::{self, Found, Identified};
use crate::scan::sweep::{self, Progress};
use crate::scan::targets::{Plan, plural};
use crate::scan::{ProgressLine, fraction};
use comfy_table::Cell;
use serde::Serialize;
use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// MCP probes in flight at most (each holds a thread and a connection).
const MAX_PROBES: usize = 64;
/// Bytes one MCP probe may read: tool lists are small, hostile servers are not.
const PROBE_BYTES: u64 = 4 * 1024 * 1024;

impl Run for Scan {
    fn run(&self, ctx: &mut Context) -> Result<Exit> {
        let plan = self.plan()?;
        check_ttl(self.ttl)?;
        if self.dry_run {
            return dry_run(ctx, &plan);
        }

        let limit = sweep::raise_fd_limit();
        let most = usize::try_from(limit)
            .unwrap_or(usize::MAX)
            .saturating_sub(sweep::FD_MARGIN)
            .max(1);
        let window = match self.concurrency {
            Some(n) if n as usize > most => {
                ctx.ui.warn(format_args!(
                    "scan: --concurrency {n} is more than the open-file limit ({limit}) allows; using {most}"
                ));
                most
            }
            Some(n) => n as usize,
            None => most,
        };
        let loops = std::thread::available_parallelism().map_or(1, usize::from);
        let progress = Arc::new(Progress::default());
        let started = Instant::now();
        let open = {
            let p = progress.clone();
            let total = plan.total();
            let _line = ProgressLine::start(ctx.ui.quiet, move || {
                format!(
                    "scan: {} probes, {} open",
                    fraction(p.done.load(Ordering::Relaxed), total),
                    p.open.load(Ordering::Relaxed)
                )
            });
            sweep::sweep(
                &plan,
                &sweep::Options {
                    timeout: self.timeout,
                    window,
                    loops,
                },
                &progress,
            )
            .map_err(|e| Error::runtime("scan", format!("the TCP sweep failed: {e}")))?
        };
        ctx.ui.note(format_args!(
            "scan: {} probes in {:.3}s ({loops} loops, window {window}): {} open",
            plan.total(),
            started.elapsed().as_secs_f64(),
            open.len()
        ));

        if self.no_identify {
            render_open(ctx, &open)?;
            return Ok(if open.is_empty() {
                Exit::Negative
            } else {
                Exit::Success
            });
        }

        let done = Arc::new(AtomicU64::new(0));
        let identified = {
            let d = done.clone();
            let total = open.len() as u64;
            let _line = ProgressLine::start(ctx.ui.quiet, move || {
                format!(
                    "scan: identifying {} open ports",
                    fraction(d.load(Ordering::Relaxed), total)
                )
            });
            let opts = ProbeOptions {
                timeout: self.probe_timeout,
                max_bytes: PROBE_BYTES,
            };
            identify::identify(&open, &opts, window.min(MAX_PROBES), &done)
        };

        let mut rows: Vec<Row> = Vec::new();
        let mut found_any = false;
        for item in &identified {
            match &item.found {
                Ok(found) => {
                    found_any = true;
                    let id = if self.register {
                        Some(self.register_one(ctx, item.addr, found)?)
                    } else {
                        None
                    };
                    rows.push(Row::mcp(item, found, id));
                }
                Err(e) if self.all => rows.push(Row::other(item.addr, e.to_string())),
                Err(_) => {}
            }
        }
        render(ctx, &rows)?;
        Ok(if found_any {
            Exit::Success
        } else {
            Exit::Negative
        })
    }
}

impl Scan {
    /// Upserts one server found: its own name, its URL, what it offers, and
    /// the probe as its health. An entry already under that id keeps what was
    /// declared by hand (description, tags, metadata, auth, health URL,
    /// headers, and its ttl unless --ttl is given). Returns the id.
    fn register_one(&self, ctx: &mut Context, addr: SocketAddr, found: &Found) -> Result<String> {
        let transport = Transport::http(found.report.transport, found.url.clone(), BTreeMap::new());
        let name = found
            .report
            .server_name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map_or_else(
                || format!("mcp-{}-{}", addr.ip(), addr.port()),
                str::to_owned,
            );
        let mut declared = Registration {
            ttl: self.ttl,
            ..Registration::bare(&name, transport)
        };
        found.report.fill(&mut declared);
        let now = Timestamp::now();
        let put = ctx.store.upsert(&declared.id, &mut |current| {
            let mut r = declared.clone();
            if let Some(old) = current {
                r.declared.description.clone_from(&old.declared.description);
                r.declared.tags.clone_from(&old.declared.tags);
                r.declared.meta.clone_from(&old.declared.meta);
                r.declared.auth = old.declared.auth;
                r.declared.health_url.clone_from(&old.declared.health_url);
                if old.declared.transport.kind() == r.declared.transport.kind()
                    && old.declared.transport.endpoint() == r.declared.transport.endpoint()
                {
                    r.declared.transport = old.declared.transport.clone();
                }
                if r.ttl.is_none() {
                    r.ttl = old.lease.map(|l| l.ttl());
                }
            }
            r.apply(current, now)
        })?;
        ctx.ui
            .note(format_args!("scan: registered {}: {put:?}", declared.id));
        Ok(declared.id)
    }
}

#[derive(Serialize)]
struct DryRun {
    probes: u64,
    addresses: u128,
    ports: u32,
}

fn dry_run(ctx: &mut Context, plan: &Plan) -> Result<Exit> {
    let count = DryRun {
        probes: plan.total(),
        addresses: plan.addresses(),
        ports: plan.ports().count(),
    };
    if !ctx.out.structured(&count)? {
        ctx.out.line(format_args!(
            "{} probes ({} x {}); nothing sent",
            count.probes,
            plural(count.addresses, "address", "addresses"),
            plural(count.ports.into(), "port", "ports")
        ))?;
    }
    Ok(Exit::Success)
}

#[derive(Serialize)]
struct OpenPort {
    address: IpAddr,
    port: u16,
}

fn render_open(ctx: &mut Context, open: &[SocketAddr]) -> Result<()> {
    let rows: Vec<OpenPort> = open
        .iter()
        .map(|a| OpenPort {
            address: a.ip(),
            port: a.port(),
        })
        .collect();
    if ctx.out.structured(&rows)? {
        return Ok(());
    }
    if ctx.out.format == OutputFormat::Ids {
        for a in open {
            ctx.out.line(a)?;
        }
        return Ok(());
    }
    if open.is_empty() {
        return Ok(());
    }
    let mut table = ctx.out.table(&["ADDRESS", "PORT", "STATE"]);
    for a in open {
        table.add_row(vec![
            Cell::new(a.ip()),
            Cell::new(a.port()),
            Cell::new("open"),
        ]);
    }
    ctx.out.line(table)
}

/// One open port in the output: an MCP server, or (with --all) why not.
#[derive(Serialize)]
struct Row {
    address: IpAddr,
    port: u16,
    mcp: bool,
    url: Option<String>,
    path: Option<&'static str>,
    transport: Option<TransportKind>,
    protocol_version: Option<String>,
    server_name: Option<String>,
    server_version: Option<String>,
    tools: Vec<String>,
    /// The id it was registered under (--register).
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    /// Why it is not MCP (--all).
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

impl Row {
    fn mcp(item: &Identified, found: &Found, id: Option<String>) -> Row {
        let r = &found.report;
        Row {
            address: item.addr.ip(),
            port: item.addr.port(),
            mcp: true,
            url: Some(found.url.clone()),
            path: Some(found.path),
            transport: Some(r.transport),
            protocol_version: Some(r.protocol_version.clone()),
            server_name: r.server_name.clone(),
            server_version: r.server_version.clone(),
            tools: r.tools.iter().map(|t| t.name.clone()).collect(),
            id,
            error: None,
        }
    }

    fn other(addr: SocketAddr, error: String) -> Row {
        Row {
            address: addr.ip(),
            port: addr.port(),
            mcp: false,
            url: None,
            path: None,
            transport: None,
            protocol_version: None,
            server_name: None,
            server_version: None,
            tools: Vec::new(),
            id: None,
            error: Some(error),
        }
    }
}

fn render(ctx: &mut Context, rows: &[Row]) -> Result<()> {
    if ctx.out.structured(rows)? {
        return Ok(());
    }
    if ctx.out.format == OutputFormat::Ids {
        // The id when registered, else the URL: what a script uses next.
        for r in rows.iter().filter(|r| r.mcp) {
            ctx.out
                .line(r.id.as_deref().or(r.url.as_deref()).unwrap_or_default())?;
        }
        return Ok(());
    }
    if rows.is_empty() {
        return Ok(());
    }
    let dash = |s: Option<&str>| cell(s.unwrap_or("-"));
    let mut table = ctx.out.table(&[
        "ADDRESS",
        "PORT",
        "PATH",
        "TRANSPORT",
        "PROTOCOL",
        "SERVER",
        "TOOLS",
    ]);
    for r in rows {
        table.add_row(vec![
            Cell::new(r.address),
            Cell::new(r.port),
            dash(r.path),
            dash(r.transport.map(TransportKind::as_str)),
            dash(r.protocol_version.as_deref()),
            if r.mcp {
                dash(r.server_name.as_deref())
            } else {
                cell(format!(
                    "not MCP: {}",
                    r.error.as_deref().unwrap_or("unknown")
                ))
            },
            if r.mcp {
                Cell::new(r.tools.len())
            } else {
                Cell::new("-")
            },
        ]);
    }
    ctx.out.line(table)
}
