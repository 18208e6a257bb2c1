//! Checked arguments: what the raw command line of `cli` means in the catalog's
//! types, or a usage error naming the flag.
//!
//! ripgrep's split: `cli` is the low layer, clap's flags as typed, with their help;
//! this is the high one. It turns flags into a `Transport`, a `Registration`, a
//! `Query` or a scan's `Plan`, and refuses what clap cannot check (an empty value,
//! KEY=VALUE without a key, a URL without a host, a lease out of range, a tool
//! given twice, a block that does not parse), so that a command works on checked
//! values and each flag is checked in one place, the same way for every command
//! that takes it. Nothing here touches the registry, a socket or a child: the one
//! look outside is at the current folder, to make a stdio server's command work
//! from every folder.

use crate::catalog::model::{Prompt, Resource, Tool, absolute_in};
use crate::catalog::registration::Registration;
use crate::catalog::{
    Declaration, HealthState, Query, Timestamp, Transport, TransportKind, id, limits,
};
use crate::cli::{Declare, Export, Filters, HealthFilter, Register, Scan, Sync};
use crate::error::{Error, Result};
use crate::interop::clients::{self, Client};
use crate::interop::server_json;
use crate::scan::targets::{Block, Plan, Ports};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// Splits `KEY=VALUE`; the key may not be empty, the value may.
pub fn key_value<'a>(flag: &str, s: &'a str) -> Result<(&'a str, &'a str)> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k, v)),
        _ => Err(Error::usage(flag, format!("{s:?} is not KEY=VALUE"))),
    }
}

/// Values of a repeatable `KEY=VALUE` flag, as a map (a later key wins).
pub fn pairs(flag: &str, values: &[String]) -> Result<BTreeMap<String, String>> {
    values
        .iter()
        .map(|s| key_value(flag, s).map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect()
}

/// Values of a repeatable flag: none empty, duplicates dropped, order kept.
pub fn nonempty(flag: &str, values: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::with_capacity(values.len());
    for v in values {
        if v.is_empty() {
            return Err(Error::usage(flag, "the value cannot be empty"));
        }
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    Ok(out)
}

/// A lease is whole seconds from 1s to ten years (`--ttl`).
pub fn check_ttl(ttl: Option<Duration>) -> Result<()> {
    match ttl.and_then(crate::catalog::time::ttl_problem) {
        Some(why) => Err(Error::usage("--ttl", why)),
        None => Ok(()),
    }
}

/// An absolute http or https URL with a host, as the `http` crate parses it.
pub fn check_url(flag: &str, url: &str) -> Result<()> {
    crate::catalog::model::check_http_url(url)
        .map_err(|why| Error::usage(flag, format!("{url:?} is not a valid URL: {why}")))
}

/// The transport of `--url`, `--transport` and `--header`.
///
/// Without `--transport` it is Streamable HTTP until a probe says otherwise (see
/// `commands::record::introspect`).
pub fn http_transport(
    url: &str,
    kind: Option<TransportKind>,
    headers: &[String],
) -> Result<Transport> {
    check_url("--url", url)?;
    let headers = pairs("--header", headers)?;
    for (name, value) in &headers {
        limits::check_header(name, value).map_err(|why| Error::usage("--header", why))?;
    }
    let kind = kind.unwrap_or(TransportKind::StreamableHttp);
    Ok(Transport::http(kind, url.to_owned(), headers))
}

/// The transport of `-- PROGRAM ARGS...`, made to work from every folder: a
/// program given as a path (it has a `/`) becomes absolute; a bare name stays, to
/// be found on PATH when it runs. When an argument is a relative path that exists
/// in the current folder (`node dist/index.js`, `--repository .`), that folder is
/// recorded as the command's `cwd`, and probes and clients run it there.
fn stdio_transport(
    program: &str,
    args: &[String],
    env: BTreeMap<String, String>,
) -> Result<Transport> {
    let here = std::env::current_dir()
        .map_err(|e| Error::runtime("PROGRAM", format!("cannot tell the current folder: {e}")))?;
    let command = match Path::new(program) {
        p if program.contains('/') && p.is_relative() => {
            absolute_in(&here, p).to_string_lossy().into_owned()
        }
        _ => program.to_owned(),
    };
    let relative_arg_exists = args.iter().any(|a| {
        let p = Path::new(a);
        !a.is_empty() && !a.starts_with('-') && p.is_relative() && here.join(p).exists()
    });
    Ok(Transport::Stdio {
        command,
        args: args.to_vec(),
        env,
        cwd: relative_arg_exists.then(|| here.to_string_lossy().into_owned()),
    })
}

impl Register {
    /// The transport of `--url` or of `-- PROGRAM ARGS...` (with `--env`).
    pub fn transport(&self) -> Result<Transport> {
        match (&self.url, self.command.split_first()) {
            (Some(url), None) => http_transport(url, self.transport, &self.declare.headers),
            (None, Some((program, args))) if !program.is_empty() => {
                stdio_transport(program, args, pairs("--env", &self.env)?)
            }
            (None, Some(_)) => Err(Error::usage("PROGRAM", "the program after `--` is empty")),
            // clap enforces exactly one of the two; keep the message should that change.
            _ => Err(Error::usage(
                "--url",
                "give either --url URL or `-- PROGRAM [ARGS...]`, not both",
            )),
        }
    }

    /// Whether `--from` names a registry API (an http or https URL) rather than
    /// a file; `--search` and `--updated-since`, which only a registry answers,
    /// are checked against that.
    pub fn reads_a_registry(&self, from: &Path) -> Result<bool> {
        let source = from.to_string_lossy();
        let remote = source.starts_with("http://") || source.starts_with("https://");
        if !remote && (self.search.is_some() || self.updated_since.is_some()) {
            return Err(Error::usage(
                if self.search.is_some() {
                    "--search"
                } else {
                    "--updated-since"
                },
                "asks a registry API: give --from an http(s) URL",
            ));
        }
        if let Some(t) = &self.updated_since
            && let Err(e) = Timestamp::parse(t)
        {
            return Err(Error::usage(
                "--from",
                format!(
                    "{}: --updated-since: {t:?} is not an RFC 3339 time: {e}",
                    from.display()
                ),
            ));
        }
        Ok(remote)
    }
}

/// What `--tag`, `--meta` and `--ttl` add to every server `register --from`
/// imports.
pub struct Stamp {
    tags: Vec<String>,
    meta: BTreeMap<String, String>,
    ttl: Option<Duration>,
}

impl Stamp {
    /// The tags are added (each once), the metadata wins over the file's, and a
    /// given ttl replaces the file's.
    pub fn apply(&self, registration: &mut Registration) {
        let declared = &mut registration.declared;
        for t in &self.tags {
            if !declared.tags.contains(t) {
                declared.tags.push(t.clone());
            }
        }
        declared.meta.extend(self.meta.clone());
        if self.ttl.is_some() {
            registration.ttl = self.ttl;
        }
    }
}

impl Scan {
    /// The blocks and the ports of `scan`, within its limits (`--allow-large`,
    /// `--allow-public`).
    pub fn plan(&self) -> Result<Plan> {
        let blocks = self
            .targets
            .iter()
            .map(|t| Block::parse(t).map_err(|e| Error::usage("CIDR", e)))
            .collect::<Result<Vec<_>>>()?;
        let ports = Ports::parse(&self.ports).map_err(|e| Error::usage("--ports", e))?;
        Plan::new(blocks, ports, self.allow_large, self.allow_public)
            .map_err(|e| Error::usage(e.block, e.message))
    }
}

impl Sync {
    /// The clients of `--clients` (all of them without it), in the table's order;
    /// a name that is no client is refused, listing the ones there are.
    pub fn clients(&self) -> Result<Vec<&'static Client>> {
        for name in &self.clients {
            if clients::by_name(name).is_none() {
                let known: Vec<&str> = clients::ALL.iter().map(|c| c.name).collect();
                return Err(Error::usage(
                    "--clients",
                    format!("{name:?} is not a client (one of: {})", known.join(", ")),
                ));
            }
        }
        Ok(clients::ALL
            .iter()
            .copied()
            .filter(|c| self.clients.is_empty() || self.clients.iter().any(|n| n == c.name))
            .collect())
    }
}

impl Export {
    /// `--namespace`, checked as the first half of a server.json name. Only
    /// `--to server-json` uses it, after "no entry matched" (exit 1) is settled.
    pub fn namespace(&self) -> Result<&str> {
        match server_json::name_problem(&format!("{}/x", self.namespace)) {
            Some(why) => Err(Error::usage("--namespace", why)),
            None => Ok(&self.namespace),
        }
    }
}

impl Declare {
    /// The flags of `register --from` that apply to each imported server.
    pub fn stamp(&self) -> Result<Stamp> {
        let tags = nonempty("--tag", &self.tags)?;
        let meta = pairs("--meta", &self.meta)?;
        check_ttl(self.ttl)?;
        Ok(Stamp {
            tags,
            meta,
            ttl: self.ttl,
        })
    }

    /// Checks every flag and builds the declaration; nothing is touched on error.
    pub fn registration(&self, transport: Transport) -> Result<Registration> {
        let name = self.name.as_deref().map(str::trim).unwrap_or_default();
        if name.is_empty() {
            return Err(Error::usage(
                "--name",
                match self.name {
                    None => "required: a server needs a name (or use --from FILE)",
                    Some(_) => "a server needs a non-empty name",
                },
            ));
        }
        let id = match &self.id {
            Some(given) => {
                id::validate(given)
                    .map_err(|why| Error::usage("--id", format!("{given:?}: {why}")))?;
                given.clone()
            }
            None => id::derive(name, &transport),
        };
        let tools = self.tools()?;
        let resources = nonempty("--resource", &self.resources)?
            .into_iter()
            .map(Resource::at)
            .collect::<Vec<_>>();
        let prompts = nonempty("--prompt", &self.prompts)?
            .into_iter()
            .map(Prompt::named)
            .collect::<Vec<_>>();
        let mut capabilities = nonempty("--capability", &self.capabilities)?;
        for (offered, capability) in [
            (!tools.is_empty(), "tools"),
            (!resources.is_empty(), "resources"),
            (!prompts.is_empty(), "prompts"),
        ] {
            if offered {
                capabilities.push(capability.to_owned());
            }
        }
        capabilities.sort();
        capabilities.dedup();
        if let Some(url) = &self.health_url {
            check_url("--health-url", url)?;
        }
        check_ttl(self.ttl)?;
        Ok(Registration {
            id,
            declared: Declaration {
                name: name.to_owned(),
                description: self.description.clone(),
                version: self.server_version.clone(),
                transport,
                tools,
                resources,
                prompts,
                capabilities,
                tags: nonempty("--tag", &self.tags)?,
                meta: pairs("--meta", &self.meta)?,
                auth: self.auth,
                health_url: self.health_url.clone(),
            },
            ttl: self.ttl,
            learned: std::collections::BTreeSet::new(),
            probed: None,
        })
    }

    /// `--tool NAME[=DESC]`: named, each once, within the catalog's name limit.
    fn tools(&self) -> Result<Vec<Tool>> {
        let mut tools: Vec<Tool> = Vec::new();
        for spec in &self.tools {
            let (name, description) = match spec.split_once('=') {
                Some((n, d)) => (n, Some(d.to_owned())),
                None => (spec.as_str(), None),
            };
            if name.is_empty() {
                return Err(Error::usage(
                    "--tool",
                    format!("{spec:?}: a tool needs a name"),
                ));
            }
            if tools.iter().any(|t| t.name == name) {
                return Err(Error::usage("--tool", format!("{name:?} is given twice")));
            }
            if name.len() > limits::MAX_NAME_BYTES {
                return Err(Error::usage(
                    "--tool",
                    format!(
                        "a name of {} bytes; at most {} are allowed",
                        name.len(),
                        limits::MAX_NAME_BYTES
                    ),
                ));
            }
            tools.push(Tool::named(name, description));
        }
        Ok(tools)
    }
}

impl Filters {
    /// The query of `find`, `watch`, `export`, `sync` and `serve`'s `find_servers`.
    pub fn query(&self) -> Result<Query> {
        Ok(Query {
            tools: self.tools.clone(),
            resources: self.resources.clone(),
            prompts: self.prompts.clone(),
            capabilities: self.capabilities.clone(),
            tags: self.tags.clone(),
            name: self.name.clone(),
            transport: self.transport,
            meta: self
                .meta
                .iter()
                .map(|m| key_value("--meta", m).map(|(k, v)| (k.to_owned(), v.to_owned())))
                .collect::<Result<_>>()?,
            status: self.status,
            health: self
                .health
                .iter()
                .flat_map(|h| health_states(*h))
                .copied()
                .collect(),
        })
    }
}

/// The health states one `--health` word admits.
fn health_states(filter: HealthFilter) -> &'static [HealthState] {
    match filter {
        HealthFilter::Ok => &[HealthState::Ok],
        HealthFilter::Down => &[HealthState::Down],
        HealthFilter::Unknown => &[HealthState::Unknown],
        HealthFilter::Changed => &[HealthState::Changed],
        HealthFilter::Any => &[
            HealthState::Ok,
            HealthState::Down,
            HealthState::Unknown,
            HealthState::Changed,
        ],
    }
}
