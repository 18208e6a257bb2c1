//! `mcpreg completions SHELL`: the scripts committed under `completions/`.

use super::Exit;
use crate::cli::{Cli, Completions};
use crate::error::Result;
use crate::output::Output;
use clap::CommandFactory;

impl Completions {
    pub fn generate(&self, out: &mut Output) -> Result<Exit> {
        let mut buf = Vec::new();
        clap_complete::generate(self.shell, &mut Cli::command(), "mcpreg", &mut buf);
        out.line(String::from_utf8_lossy(&buf).trim_end())?;
        Ok(Exit::Success)
    }
}
