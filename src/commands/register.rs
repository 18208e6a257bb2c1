//! `mcpreg register`: upsert one server and print its id.

use super::record::{introspect, put};
use super::{Context, Exit, Run, lifecycle};
use crate::catalog::Timestamp;
use crate::catalog::registration::Registration;
use crate::cli::Register;
use crate::error::{Error, Result};
use crate::interop;
use crate::mcp::{self, ProbeOptions};
use crate::store::{external, remote};
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
        let signals = if self.keepalive {
            Some(lifecycle::Signals::catch()?)
        } else {
            None
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

/// What is wrong with the servers `--from` names: a usage error, since `--from`
/// pointed at them (a source that cannot be fetched is a runtime error instead).
fn bad_from(from: &Path, why: &str) -> Error {
    Error::usage("--from", format!("{}: {why}", from.display()))
}

/// Servers of one `--from` file probed at once at most (`health --probe`'s default).
const IMPORT_PARALLELISM: usize = 64;

impl Register {
    /// `--from FILE|URL`: every server in it, all checked before any is written.
    fn register_from(&self, ctx: &mut Context, path: &Path) -> Result<Exit> {
        let bad = |why: String| bad_from(path, &why);
        let import = if self.reads_a_registry(path)? {
            self.read_registry(path)?
        } else {
            let text = external::read_text(path)?.ok_or_else(|| bad("no such file".into()))?;
            interop::import(path, &text).map_err(bad)?
        };
        for w in &import.warnings {
            ctx.ui.warn(format_args!("{}: {w}", path.display()));
        }
        let stamp = self.declare.stamp()?;
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
            stamp.apply(r);
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

    /// Every page of a registry API v0.1 under the URL `base`, read before
    /// anything is written: one bad page, an error status or a timeout registers
    /// nothing. A page that cannot be fetched is a runtime error naming its URL
    /// ([`remote::get_page`]); one that says something wrong is `--from`'s.
    fn read_registry(&self, base: &Path) -> Result<interop::Import> {
        /// A page larger than this is not a listing of servers.
        const PAGE_BYTES: u64 = 16 * 1024 * 1024;
        /// A registry that pages forever is broken, not large.
        const MAX_PAGES: usize = 10_000;
        let bad = |why: String| bad_from(base, &why);
        let url = interop::registry_api::servers_url(&base.to_string_lossy());
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
            let text = remote::get_page(&url, &query, page, self.timeout, PAGE_BYTES)?;
            let next = interop::registry_api::read_page(&text, page, &mut import).map_err(bad)?;
            match next {
                None => {
                    if import.registrations.is_empty() {
                        return Err(bad(match import.warnings.last() {
                            Some(w) => format!("no server to register ({w})"),
                            None => "no server to register: the registry listed none".into(),
                        }));
                    }
                    return Ok(import);
                }
                Some(c) if !seen.insert(c.clone()) => {
                    return Err(bad(format!(
                        "page {page}: nextCursor {c:?} came before: the pages loop"
                    )));
                }
                Some(c) => cursor = Some(c),
            }
        }
        Err(bad(format!(
            "more than {MAX_PAGES} pages: not read to the end"
        )))
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
                Ok(r) => out.push(r),
                Err(e) if self.keep_unreachable => {
                    ctx.ui.warn(format_args!(
                        "{}: imported without its tools: {e}",
                        declared.id
                    ));
                    out.push(declared);
                }
                Err(e) => {
                    return Err(Error::runtime(
                        "--introspect",
                        format!(
                            "{}: {e}; nothing was imported (--keep-unreachable imports it without tools)",
                            declared.id
                        ),
                    ));
                }
            }
        }
        Ok(out)
    }
}
