//! The one integration-test binary: every test drives the real `mcpreg` binary
//! against real files, real processes and real locks.

mod bad_input;
mod commands;
mod generated;
mod reliability;
mod support;
