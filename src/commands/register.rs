//! `mcpreg register`: upsert one server and print its id.

use super::{Context, Exit, Run, check_ttl, key_value};
use crate::catalog::model::{Auth, Prompt, Resource, Tool};
use crate::catalog::registration::Registration;
use crate::catalog::{Timestamp, Transport, id};
use crate::cli::{AuthKind, HttpTransport, Register};
use crate::error::{Error, Result};
use crate::mcp::{self, ProbeOptions};
use std::collections::BTreeMap;

impl Run for Register {
    fn run(&self, ctx: &mut Context) -> Result<Exit> {
        let mut registration = self.registration()?;
        if self.introspect {
            // Before the lock: a probe is slow, and a failed one writes nothing.
            self.introspect(&mut registration)?;
        }
        let now = Timestamp::now();
        let put = ctx.store.upsert(&registration.id, &mut |current| {
            registration.apply(current, now)
        })?;
        ctx.ui.note(format_args!("{}: {put:?}", registration.id));
        ctx.out.line(&registration.id)?;
        Ok(Exit::Success)
    }
}

impl Register {
    /// Fills in what the server says it offers, where no flag said it already.
    fn introspect(&self, registration: &mut Registration) -> Result<()> {
        let opts = ProbeOptions {
            timeout: self.timeout,
            ..ProbeOptions::default()
        };
        let report = mcp::probe(&(&registration.transport).into(), &opts).map_err(|source| {
            Error::Probe {
                endpoint: registration.transport.endpoint(),
                source,
            }
        })?;
        report.fill(registration);
        Ok(())
    }

    /// Checks every flag and builds the declaration; nothing is touched on error.
    fn registration(&self) -> Result<Registration> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(Error::usage("--name", "a server needs a non-empty name"));
        }
        let transport = self.transport()?;
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

    fn transport(&self) -> Result<Transport> {
        match (&self.url, self.command.split_first()) {
            (Some(url), None) => {
                check_url("--url", url)?;
                let headers = pairs("--header", &self.headers)?;
                Ok(match self.transport {
                    HttpTransport::StreamableHttp => Transport::StreamableHttp {
                        url: url.clone(),
                        headers,
                    },
                    HttpTransport::Sse => Transport::Sse {
                        url: url.clone(),
                        headers,
                    },
                })
            }
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
fn nonempty(flag: &str, values: &[String]) -> Result<Vec<String>> {
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

fn pairs(flag: &str, values: &[String]) -> Result<BTreeMap<String, String>> {
    values
        .iter()
        .map(|s| key_value(flag, s).map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect()
}

/// An absolute http or https URL with a host, as the `http` crate parses it.
fn check_url(flag: &str, url: &str) -> Result<()> {
    let bad = |why: &str| Error::usage(flag, format!("{url:?} is not a valid URL: {why}"));
    let uri: ureq::http::Uri = url
        .parse()
        .map_err(|e: ureq::http::uri::InvalidUri| bad(&e.to_string()))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        Some(other) => return Err(bad(&format!("scheme {other:?} is not http or https"))),
        None => return Err(bad("it has no http:// or https:// scheme")),
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(bad("it has no host"));
    }
    Ok(())
}
