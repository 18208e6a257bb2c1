//! `mcpreg register`: upsert one server and print its id.

use super::{Context, Exit, Run, check_ttl, key_value, lifecycle};
use crate::catalog::model::{Auth, Prompt, Resource, Tool};
use crate::catalog::registration::Registration;
use crate::catalog::{Timestamp, Transport, id};
use crate::cli::{AuthKind, Declare, HttpTransport, Register};
use crate::error::{Error, Result};
use crate::interop;
use crate::mcp::{self, ProbeOptions};
use crate::store::external;
use std::collections::BTreeMap;
use std::path::Path;

impl Run for Register {
    fn run(&self, ctx: &mut Context) -> Result<Exit> {
        if let Some(path) = &self.from {
            return self.register_from(ctx, path);
        }
        let mut registration = self.declare.registration(self.transport()?)?;
        if self.introspect {
            // Before the lock: a probe is slow, and a failed one writes nothing.
            let opts = ProbeOptions {
                timeout: self.timeout,
                ..ProbeOptions::default()
            };
            let report =
                mcp::probe(&(&registration.transport).into(), &opts).map_err(|source| {
                    Error::Probe {
                        endpoint: registration.transport.endpoint(),
                        source,
                    }
                })?;
            report.fill(&mut registration);
        }
        // Signals are caught from before the entry exists, so none can end the
        // process between registering and the loop that deregisters.
        let signals = match self.keepalive {
            true => Some(lifecycle::Signals::catch()?),
            false => None,
        };
        put(ctx, &registration)?;
        match signals {
            Some(signals) => {
                ctx.out.flush()?;
                lifecycle::keep_alive(ctx, &registration, &signals, None)
            }
            None => Ok(Exit::Success),
        }
    }
}

/// Writes one registration and prints its id.
pub fn put(ctx: &mut Context, registration: &Registration) -> Result<()> {
    let now = Timestamp::now();
    let put = ctx.store.upsert(&registration.id, &mut |current| {
        registration.apply(current, now)
    })?;
    ctx.ui.note(format_args!("{}: {put:?}", registration.id));
    ctx.out.line(&registration.id)
}

impl Register {
    /// `--from FILE|URL`: every server in it, all checked before any is written.
    fn register_from(&self, ctx: &mut Context, path: &Path) -> Result<Exit> {
        let bad = |why: String| Error::usage("--from", format!("{}: {why}", path.display()));
        let source = path.to_string_lossy();
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
        let import = if remote {
            self.read_registry(&source).map_err(bad)?
        } else {
            let text = external::read_text(path)?.ok_or_else(|| bad("no such file".into()))?;
            interop::import(path, &text).map_err(bad)?
        };
        for w in &import.warnings {
            ctx.ui.warn(format_args!("{}: {w}", path.display()));
        }
        let tags = nonempty("--tag", &self.declare.tags)?;
        let meta = pairs("--meta", &self.declare.meta)?;
        check_ttl(self.declare.ttl)?;
        let mut registrations = import.registrations;
        let mut seen = std::collections::BTreeSet::new();
        for r in &mut registrations {
            if !seen.insert(r.id.clone()) {
                return Err(bad(format!(
                    "two servers in the file get the id {:?} (same name and endpoint)",
                    r.id
                )));
            }
            for t in &tags {
                if !r.tags.contains(t) {
                    r.tags.push(t.clone());
                }
            }
            r.meta.extend(meta.clone());
            if self.declare.ttl.is_some() {
                r.ttl = self.declare.ttl;
            }
        }
        let now = Timestamp::now();
        let ids: Vec<String> = registrations.iter().map(|r| r.id.clone()).collect();
        let puts = ctx
            .store
            .upsert_many(&ids, &mut |i, current| registrations[i].apply(current, now))?;
        ctx.ui.note(format_args!(
            "{}: {} server(s) from a {}",
            path.display(),
            ids.len(),
            import.kind
        ));
        for (id, put) in ids.iter().zip(puts) {
            ctx.ui.note(format_args!("{id}: {put:?}"));
            ctx.out.line(id)?;
        }
        Ok(Exit::Success)
    }

    /// Every page of a registry API v0.1 under `base`, read before anything is
    /// written: one bad page, an error status or a timeout registers nothing.
    fn read_registry(&self, base: &str) -> std::result::Result<interop::Import, String> {
        /// A page larger than this is not a listing of servers.
        const PAGE_BYTES: u64 = 16 * 1024 * 1024;
        /// A registry that pages forever is broken, not large.
        const MAX_PAGES: usize = 10_000;
        if let Some(t) = &self.updated_since {
            Timestamp::parse(t)
                .map_err(|e| format!("--updated-since: {t:?} is not an RFC 3339 time: {e}"))?;
        }
        let url = interop::registry_api::servers_url(base);
        let mut import = interop::Import {
            kind: "registry API v0.1".into(),
            ..interop::Import::default()
        };
        let mut cursor: Option<String> = None;
        let mut seen = std::collections::BTreeSet::new();
        for page in 1..=MAX_PAGES {
            let mut query: Vec<(&str, &str)> = vec![("version", "latest")];
            if let Some(s) = &self.search {
                query.push(("search", s));
            }
            if let Some(t) = &self.updated_since {
                query.push(("updated_since", t));
            }
            if let Some(c) = &cursor {
                query.push(("cursor", c));
            }
            let text = crate::http_agent::get_text(&url, &query, self.timeout, PAGE_BYTES)
                .map_err(|why| format!("page {page}: {why}"))?;
            let next = interop::registry_api::read_page(&text, page, &mut import)?;
            match next {
                None => {
                    if import.registrations.is_empty() {
                        return Err(match import.warnings.last() {
                            Some(w) => format!("no server to register ({w})"),
                            None => "no server to register: the registry listed none".into(),
                        });
                    }
                    return Ok(import);
                }
                Some(c) if !seen.insert(c.clone()) => {
                    return Err(format!(
                        "page {page}: nextCursor {c:?} came before: the pages loop"
                    ));
                }
                Some(c) => cursor = Some(c),
            }
        }
        Err(format!("more than {MAX_PAGES} pages: not read to the end"))
    }

    fn transport(&self) -> Result<Transport> {
        match (&self.url, self.command.split_first()) {
            (Some(url), None) => http_transport(url, self.transport, &self.declare.headers),
            (None, Some((program, args))) if !program.is_empty() => Ok(Transport::Stdio {
                command: program.clone(),
                args: args.to_vec(),
                env: pairs("--env", &self.env)?,
            }),
            (None, Some(_)) => Err(Error::usage("PROGRAM", "the program after `--` is empty")),
            // clap enforces exactly one of the two; keep the message should that change.
            _ => Err(Error::usage(
                "--url",
                "give either --url URL or `-- PROGRAM [ARGS...]`, not both",
            )),
        }
    }
}

/// The transport of `--url`, `--transport` and `--header`.
pub fn http_transport(url: &str, kind: HttpTransport, headers: &[String]) -> Result<Transport> {
    check_url("--url", url)?;
    let headers = pairs("--header", headers)?;
    Ok(match kind {
        HttpTransport::StreamableHttp => Transport::StreamableHttp {
            url: url.to_owned(),
            headers,
        },
        HttpTransport::Sse => Transport::Sse {
            url: url.to_owned(),
            headers,
        },
    })
}

impl Declare {
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
            .map(|uri| Resource { uri, name: None })
            .collect::<Vec<_>>();
        let prompts = nonempty("--prompt", &self.prompts)?
            .into_iter()
            .map(|name| Prompt {
                name,
                description: None,
            })
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
            auth: match self.auth {
                AuthKind::None => Auth::None,
                AuthKind::Bearer => Auth::Bearer,
                AuthKind::Oauth2 => Auth::Oauth2,
            },
            health_url: self.health_url.clone(),
            ttl: self.ttl,
            probed: None,
        })
    }

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
            tools.push(Tool {
                name: name.to_owned(),
                description,
            });
        }
        Ok(tools)
    }
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

pub fn pairs(flag: &str, values: &[String]) -> Result<BTreeMap<String, String>> {
    values
        .iter()
        .map(|s| key_value(flag, s).map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect()
}

/// An absolute http or https URL with a host, as the `http` crate parses it.
pub fn check_url(flag: &str, url: &str) -> Result<()> {
    crate::catalog::model::check_http_url(url)
        .map_err(|why| Error::usage(flag, format!("{url:?} is not a valid URL: {why}")))
}
