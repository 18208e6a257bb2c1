//! `mcpreg man`: the pages committed under `man/`, one per command, each with the
//! EXIT STATUS and FILES sections that clap does not know about.

use super::Exit;
use crate::cli::{Cli, Man};
use crate::error::{Error, Result};
use crate::output::Output;
use clap::CommandFactory;
use std::io::Write;

const EXIT_STATUS: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
Success; \fBfind\fR or \fBscan\fR found something; \fBhealth\fR found every entry healthy.
.TP
\fB1\fR
A negative answer: \fBfind\fR matched nothing, \fBscan\fR found no MCP server (no open port with
\fB--no-identify\fR), \fBhealth\fR found an expired or unhealthy entry,
\fBheartbeat\fR, \fBderegister\fR, \fBshow\fR or \fBhealth\fR named an id that is not registered.
.TP
\fB2\fR
A usage error, or a runtime error: a registry file that does not parse, a lock timeout, an I/O error,
a \fBregister --from\fR or \fBexport -o\fR file that is not what its format requires.
The registry is left untouched.
.TP
\fBrun\fR
Exits with the status of the server it ran (128 + N when signal N ended it).
"#;

const FILES: &str = r".SH FILES
.TP
\fI$XDG_DATA_HOME/mcpreg/registry.json\fR
The default registry (\fI~/.local/share/mcpreg/registry.json\fR when XDG_DATA_HOME is unset).
Created with mode 0600 on the first write, never on a read.
.TP
\fI<registry>.lock\fR
Sidecar lock file, taken with flock(2) by every writer; never renamed or deleted.
Shell scripts may hold it with flock(1) to exclude mcpreg.
.TP
\fI.<registry>.tmp\fR
Temporary file of a write in progress; renamed over the registry, or removed by the next writer.
";

const ENVIRONMENT: &str = r".SH ENVIRONMENT
.TP
\fBMCPREG_REGISTRY\fR, \fBMCPREG_FORMAT\fR, \fBMCPREG_COLOR\fR, \fBMCPREG_LOCK_TIMEOUT\fR
Defaults for \fB--registry\fR, \fB--format\fR, \fB--color\fR and \fB--lock-timeout\fR.
.TP
\fBNO_COLOR\fR
When set and not empty, no colour is used with \fB--color auto\fR.
";

impl Man {
    pub fn generate(&self, out: &mut Output) -> Result<Exit> {
        let top = Cli::command();
        let Some(dir) = &self.out_dir else {
            out.line(String::from_utf8_lossy(&page(top)?).trim_end())?;
            return Ok(Exit::Success);
        };
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let mut pages = vec![("mcpreg".to_owned(), top.clone())];
        for sub in top.get_subcommands() {
            let name = format!("mcpreg-{}", sub.get_name());
            // The version is for the page's title; subcommands have no --version flag.
            let sub = sub.clone().name(name.clone()).bin_name(name.clone());
            pages.push((
                name,
                sub.version(env!("CARGO_PKG_VERSION"))
                    .disable_version_flag(true),
            ));
        }
        for (name, cmd) in pages {
            let path = dir.join(format!("{name}.1"));
            std::fs::File::create(&path)
                .and_then(|mut f| f.write_all(&page(cmd)?))
                .map_err(|e| Error::io(&path, e))?;
        }
        Ok(Exit::Success)
    }
}

fn page(cmd: clap::Command) -> std::io::Result<Vec<u8>> {
    let man = clap_mangen::Man::new(cmd);
    let mut buf = Vec::new();
    man.render_title(&mut buf)?;
    man.render_name_section(&mut buf)?;
    man.render_synopsis_section(&mut buf)?;
    man.render_description_section(&mut buf)?;
    man.render_options_section(&mut buf)?;
    man.render_subcommands_section(&mut buf)?;
    man.render_extra_section(&mut buf)?;
    buf.extend_from_slice(EXIT_STATUS.as_bytes());
    buf.extend_from_slice(ENVIRONMENT.as_bytes());
    buf.extend_from_slice(FILES.as_bytes());
    man.render_version_section(&mut buf)?;
    Ok(buf)
}
