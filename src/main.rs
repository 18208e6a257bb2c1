//! mcpreg: a registry of MCP servers. `main` parses, runs, and maps the outcome to
//! an exit code; everything else lives in the modules.

mod args;
mod catalog;
mod cli;
mod commands;
mod error;
mod http_agent;
mod interop;
mod mcp;
mod output;
mod process;
mod scan;
mod serve;
mod store;
#[cfg(test)]
mod testing;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    match commands::run(cli::Cli::parse()) {
        Ok(exit) => exit.into(),
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            let code = e.code();
            output::diagnostic(e);
            ExitCode::from(code)
        }
    }
}
