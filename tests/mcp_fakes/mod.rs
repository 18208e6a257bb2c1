//! Fake MCP servers for tests, good and hostile.
//!
//! Plain source files with no dependencies beyond `serde_json`, included by
//! the integration-test binary (`mod mcp_fakes;` in `tests/cli.rs`) and by
//! the unit tests of `src/mcp/` (`#[path = ".."] mod fakes;`).
//!
//! - [`http`]: HTTP servers as threads of the test process on 127.0.0.1
//!   (hand-written minimal HTTP/1.1, one request per connection): good
//!   Streamable HTTP servers of both eras, a legacy HTTP+SSE server, and
//!   hostile ones. `FakeHttp::start(kind)`; `.url()`; `.requests()` tells
//!   what the server saw; dropping it stops it.
//! - [`stdio`]: a stdio server is a Python 3 script (python3 is on every
//!   machine of this project) written to a temp file at first use;
//!   `stdio::command(Behaviour::GoodOld)` gives the argv to run. Behaviours:
//!   good (both eras), ignores SIGTERM, floods stderr, never answers,
//!   notifications first, invalid JSON, exits at once, endless line,
//!   spawns a grandchild. With `MCPREG_FAKE_PIDFILE=<path>` in its
//!   environment the script writes its pid there, so a test can check that
//!   no process is left behind; with `MCPREG_FAKE_TOOLS_FILE=<path>` it offers
//!   the tools in that file, read at start (one name a line, or a JSON list of
//!   whole definitions), so a test can change what the server offers between
//!   two probes.
//! - [`brain`]: what a good server answers, shared by the HTTP fakes.
#![allow(dead_code)]

pub mod brain;
pub mod http;
pub mod stdio;
