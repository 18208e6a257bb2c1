//! The catalog: the one model of the registry that every command shares.
//!
//! Entries, leases and health (`model`), what a registration declares (`declaration`,
//! the part an entry and a registration share) and what that is made of (`transport`,
//! `primitives`: the tools, resources and prompts), the filters of `find` (`query`), how
//! ids are derived and checked (`id`), and the time stamps they carry (`time`). It
//! knows nothing of files, etcd or sockets; the stores and the MCP client speak in its
//! types.

pub mod changes;
pub mod declaration;
pub mod id;
pub mod limits;
pub mod model;
pub mod pins;
pub mod primitives;
pub mod query;
pub mod registration;
pub mod search;
pub mod time;
pub mod transport;

pub use declaration::Declaration;
pub use model::{Entry, HealthStatus, LeaseState};
pub use query::{EntryView, HealthState, Query, StatusFilter};
pub use time::Timestamp;
pub use transport::{Transport, TransportKind};
