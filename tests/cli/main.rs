//! The one integration-test binary: every test drives the real `mcpreg` binary
//! against real files, real processes, real locks and real etcd servers.

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
