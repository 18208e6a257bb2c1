//! Recording a server: the steps `register` and `run` share.
//!
//! A probe settles what is recorded (the transport that answered, and the id that
//! follows it), outside any lock; one upsert then writes the registration.

use super::Context;
use crate::catalog::registration::Registration;
use crate::catalog::{Timestamp, id};
use crate::error::{Error, Result};
use crate::mcp::{self, ProbeOptions};

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
    let probed = if transport_given {
        mcp::probe_declared(declared, opts)
    } else {
        mcp::probe(declared, opts)
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
