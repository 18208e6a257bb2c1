//! The one integration-test binary: every test drives the real `mcpreg` binary
//! against real files, real processes, real locks and real etcd servers.

// A test is one story told end to end: split, its steps would need names that say
// less than the story; helpers and constants sit next to the step that uses them;
// the files it names are the ones it wrote; its time budgets are small positive
// seconds.
#![allow(
    clippy::too_many_lines,
    clippy::items_after_statements,
    clippy::case_sensitive_file_extension_comparisons,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]

#[macro_use]
mod support;

mod bad_input;
mod choosing;
mod clients;
mod commands;
mod etcd;
mod export;
mod generated;
mod hostile_files;
mod hostile_servers;
mod lifecycle;
#[path = "../mcp_fakes/mod.rs"]
mod mcp_fakes;
mod peers;
mod probe;
mod refusals;
mod registry_api;
mod reliability;
mod scan;
mod search;
mod serve;
mod serve_http;
mod truth;
mod watch;
