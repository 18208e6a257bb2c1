//! `mcpreg register`: upsert one server and print its id.

use super::{Context, Exit, Run, check_ttl, key_value, lifecycle};
use crate::catalog::model::absolute_in;
use crate::catalog::model::{Auth, Prompt, Resource, Tool};
use crate::catalog::registration::Registration;
use crate::catalog::{Declaration, Timestamp, Transport, TransportKind, id, limits};
use crate::cli::{AuthKind, Declare, Register};
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
            let report = introspect(&mut registration, self.transport.is_some(), &opts)?;
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

/// Servers of one `--from` file probed at once at most (`health --probe`'s default).
const IMPORT_PARALLELISM: usize = 64;

/// Probes the server of `registration` and settles its transport: without an
/// explicit `--transport`, the HTTP transport that answered is the one recorded
/// (the id follows it); with one, a server reachable only over the other is an
/// error on `--transport`. Returns the report for `fill`.
pub fn introspect(
    registration: &mut Registration,
    transport_given: bool,
    opts: &ProbeOptions,
) -> Result<mcp::ProbeReport> {
    let declared = &registration.declared.transport;
    let probed = match transport_given {
        true => mcp::probe_declared(declared, opts),
        false => mcp::probe(declared, opts),
    };
    let report = match probed {
        Ok(report) => report,
        Err(mcp::ProbeError::WrongTransport { answered, declared }) => {
            return Err(Error::usage(
                "--transport",
                format!(
                    "{} answers over {answered}, not {declared}; leave out --transport to record what answers",
                    registration.declared.transport.endpoint(),
                ),
            ));
        }
        Err(source) => {
            return Err(Error::Probe {
                endpoint: declared.endpoint(),
                source,
            });
        }
    };
    let answered = report.answered(declared);
    if answered.kind() != declared.kind() {
        if registration.id == id::derive(&registration.declared.name, declared) {
            registration.id = id::derive(&registration.declared.name, &answered);
        }
        registration.declared.transport = answered;
    }
    Ok(report)
}

/// Writes one registration and prints its id.
pub fn put(ctx: &mut Context, registration: &Registration) -> Result<()> {
    registration
        .check_limits()
        .map_err(|why| Error::usage(&registration.id, why))?;
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
            r.check_limits()
                .map_err(|why| bad(format!("server {:?}: {why}", r.declared.name)))?;
            for t in &tags {
                if !r.declared.tags.contains(t) {
                    r.declared.tags.push(t.clone());
                }
            }
            r.declared.meta.extend(meta.clone());
            if self.declare.ttl.is_some() {
                r.ttl = self.declare.ttl;
            }
        }
        if self.introspect {
            registrations = self.introspect_all(ctx, registrations)?;
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

    /// `--from FILE --introspect`: probes every imported server at once, before
    /// anything is written, with the rules of `register --introspect` (the
    /// transport that answers is recorded). One that cannot be reached fails the
    /// import, or with `--keep-unreachable` is kept as declared, with a warning.
    fn introspect_all(
        &self,
        ctx: &Context,
        registrations: Vec<Registration>,
    ) -> Result<Vec<Registration>> {
        let opts = ProbeOptions {
            timeout: self.timeout,
            ..ProbeOptions::default()
        };
        let probed = mcp::parallel_map(&registrations, IMPORT_PARALLELISM, |r| {
            let mut r = r.clone();
            let report = introspect(&mut r, false, &opts)?;
            report.fill(&mut r);
            Ok::<_, Error>(r)
        });
        let mut out = Vec::with_capacity(registrations.len());
        for (declared, result) in registrations.into_iter().zip(probed) {
            match result {
                Some(Ok(r)) => out.push(r),
                Some(Err(e)) if self.keep_unreachable => {
                    ctx.ui.warn(format_args!(
                        "{}: imported without its tools: {e}",
                        declared.id
                    ));
                    out.push(declared);
                }
                Some(Err(e)) => {
                    return Err(Error::usage(
                        "--introspect",
                        format!(
                            "{}: {e}; nothing was imported (--keep-unreachable imports it without tools)",
                            declared.id
                        ),
                    ));
                }
                None => return Err(Error::usage("--introspect", "a probe thread failed")),
            }
        }
        Ok(out)
    }

    fn transport(&self) -> Result<Transport> {
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
        .map_err(|e| Error::usage("PROGRAM", format!("cannot tell the current folder: {e}")))?;
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

/// The transport of `--url`, `--transport` and `--header`.
///
/// Without `--transport` it is Streamable HTTP until a probe says otherwise (see
/// [`introspect`]).
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
                auth: match self.auth {
                    AuthKind::None => Auth::None,
                    AuthKind::Bearer => Auth::Bearer,
                    AuthKind::Oauth2 => Auth::Oauth2,
                },
                health_url: self.health_url.clone(),
            },
            ttl: self.ttl,
            learned: Default::default(),
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
