//! The one integration-test binary: every test drives the real `mcpreg` binary
//! against real files, real processes and real locks.

mod bad_input;
mod commands;
mod generated;
#[path = "../mcp_fakes/mod.rs"]
mod mcp_fakes;
mod peers;
mod probe;
mod reliability;
mod scan;
mod support;
