//! The command line, as clap derive definitions: the `///` comments are the help
//! text, the man pages and the completions. DESIGN.md §1 is the contract.

use crate::catalog::StatusFilter;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;

/// A registry of MCP servers: register, heartbeat, find, prune.
///
/// Servers (or the scripts that start them) register with a name, a stdio command
/// or a URL, what they offer, and an optional lease kept alive by heartbeats. Agents
/// and developers find live servers by tool, tag or capability; cron prunes the dead.
#[derive(Debug, Parser)]
#[command(name = "mcpreg", version, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// Registry location: a file ending .json, .yaml or .yml [default: <data dir>/mcpreg/registry.json]
    #[arg(
        short,
        long,
        global = true,
        env = "MCPREG_REGISTRY",
        value_name = "PATH"
    )]
    pub registry: Option<String>,

    /// Output format
    #[arg(short, long, global = true, env = "MCPREG_FORMAT", value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,

    /// Shorthand for --format json
    #[arg(long, global = true, conflicts_with = "yaml")]
    pub json: bool,

    /// Shorthand for --format yaml
    #[arg(long, global = true)]
    pub yaml: bool,

    /// When to colour tables (NO_COLOR in the environment means never)
    #[arg(long, global = true, env = "MCPREG_COLOR", value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// How long a writer waits for the registry lock before giving up
    #[arg(long, global = true, env = "MCPREG_LOCK_TIMEOUT", value_name = "DUR", value_parser = parse_duration, default_value = "10s")]
    pub lock_timeout: Duration,

    /// Print nothing but data and errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Say what is being done, on stderr
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Aligned columns for people
    Table,
    /// Full entries as JSON
    Json,
    /// Full entries as YAML
    Yaml,
    /// One id per line, for shell loops
    Ids,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Register(Box<Register>),
    Heartbeat(Heartbeat),
    Deregister(Deregister),
    List(List),
    Show(Show),
    Find(Find),
    Prune(Prune),
    Health(Health),
    Scan(Scan),
    Completions(Completions),
    Man(Man),
}

/// Register a server, or update it: prints its id on stdout.
///
/// Give either --url for an HTTP server or, after `--`, the program and arguments of
/// a stdio server. Without --id the id is derived from the name and the endpoint, so
/// running the same line again updates the same entry.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  mcpreg register --name files --tool read_file='Read a file' --ttl 30s -- /usr/bin/mcp-files /data\n  mcpreg register --name search --url http://127.0.0.1:8080/mcp --tag prod"
)]
pub struct Register {
    /// Human name of the server
    #[arg(long, value_name = "NAME")]
    pub name: String,

    /// Id to use instead of the derived one (letters, digits, '.', '_', '-')
    #[arg(long)]
    pub id: Option<String>,

    /// One line on what the server is for
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,

    /// Server version
    #[arg(long = "version", value_name = "VERSION")]
    pub server_version: Option<String>,

    /// A tool the server offers, with an optional description (repeatable)
    #[arg(long = "tool", value_name = "NAME[=DESC]")]
    pub tools: Vec<String>,

    /// A resource URI or URI template the server offers (repeatable)
    #[arg(long = "resource", value_name = "URI")]
    pub resources: Vec<String>,

    /// A prompt the server offers (repeatable)
    #[arg(long = "prompt", value_name = "NAME")]
    pub prompts: Vec<String>,

    /// An MCP capability, such as logging or completions (repeatable; tools,
    /// resources and prompts are added when any are given)
    #[arg(long = "capability", value_name = "CAP")]
    pub capabilities: Vec<String>,

    /// A free-form tag (repeatable)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,

    /// Metadata as KEY=VALUE (repeatable)
    #[arg(long = "meta", value_name = "KEY=VALUE")]
    pub meta: Vec<String>,

    /// Environment for a stdio server, as KEY=VALUE (repeatable)
    #[arg(long = "env", value_name = "KEY=VALUE", conflicts_with = "url")]
    pub env: Vec<String>,

    /// HTTP header for an HTTP server, as NAME=VALUE (repeatable)
    #[arg(long = "header", value_name = "NAME=VALUE", requires = "url")]
    pub headers: Vec<String>,

    /// How clients authenticate
    #[arg(long, value_enum, default_value_t = AuthKind::None)]
    pub auth: AuthKind,

    /// A plain HTTP health endpoint, kept for other tools
    #[arg(long, value_name = "URL")]
    pub health_url: Option<String>,

    /// Lease: the entry expires unless heartbeated within this long (e.g. 30s, 5m)
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub ttl: Option<Duration>,

    /// Speak MCP to the server before writing and fill in its tools, resources,
    /// prompts, capabilities and version (flags given by hand win)
    #[arg(long)]
    pub introspect: bool,

    /// Time limit of the --introspect probe
    #[arg(long, value_name = "DUR", value_parser = parse_duration, default_value = "10s", requires = "introspect")]
    pub timeout: Duration,

    /// URL of an HTTP server
    #[arg(long, value_name = "URL", required_unless_present = "command")]
    pub url: Option<String>,

    /// HTTP transport of --url
    #[arg(long, value_enum, default_value_t = HttpTransport::StreamableHttp, requires = "url")]
    pub transport: HttpTransport,

    /// Program and arguments of a stdio server, after `--`
    #[arg(last = true, value_name = "PROGRAM", conflicts_with = "url")]
    pub command: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AuthKind {
    None,
    Bearer,
    Oauth2,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum HttpTransport {
    StreamableHttp,
    Sse,
}

/// Renew the leases of servers; exits 1 if an id is not registered.
///
/// Revives an entry whose lease expired but that prune has not removed yet.
#[derive(Debug, Args)]
pub struct Heartbeat {
    /// Ids to renew
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,

    /// New ttl [default: the ttl registered]
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub ttl: Option<Duration>,
}

/// Remove servers; exits 1 if an id is not registered.
#[derive(Debug, Args)]
pub struct Deregister {
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,
}

/// List every entry, live or expired.
#[derive(Debug, Args)]
pub struct List {}

/// Show one entry in full; exits 1 if it is not registered.
#[derive(Debug, Args)]
pub struct Show {
    #[arg(value_name = "ID")]
    pub id: String,
}

/// Find servers; every given filter must hold. Exits 1 when nothing matches.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  mcpreg find --tool read_file\n  mcpreg find --tag prod --transport stdio --format ids\n  mcpreg find --tool search --one --json"
)]
pub struct Find {
    #[command(flatten)]
    pub filters: Filters,

    /// Print one match, picked at random (simple load balancing)
    #[arg(long)]
    pub one: bool,
}

/// The filters of `find`, shared with the commands that select entries the same way.
#[derive(Debug, Args, Clone)]
pub struct Filters {
    /// Offers this tool (repeatable: all must be offered)
    #[arg(long = "tool", value_name = "NAME")]
    pub tools: Vec<String>,

    /// Offers this resource URI (repeatable)
    #[arg(long = "resource", value_name = "URI")]
    pub resources: Vec<String>,

    /// Offers this prompt (repeatable)
    #[arg(long = "prompt", value_name = "NAME")]
    pub prompts: Vec<String>,

    /// Has this capability (repeatable)
    #[arg(long = "capability", value_name = "CAP")]
    pub capabilities: Vec<String>,

    /// Carries this tag (repeatable: all must be carried)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,

    /// Has exactly this name
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Uses this transport
    #[arg(long, value_enum)]
    pub transport: Option<TransportFilter>,

    /// Has this metadata, as KEY=VALUE (repeatable)
    #[arg(long = "meta", value_name = "KEY=VALUE")]
    pub meta: Vec<String>,

    /// Lease status to include
    #[arg(long, value_enum, default_value_t = StatusFilter::Live)]
    pub status: StatusFilter,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TransportFilter {
    Stdio,
    StreamableHttp,
    Sse,
}

/// Remove entries whose lease expired, or whose probes keep failing.
///
/// Safe to run from cron every minute: prints one line per removal and nothing
/// otherwise.
#[derive(Debug, Args)]
#[command(after_help = "crontab:\n  * * * * * mcpreg prune --grace 1m")]
pub struct Prune {
    /// Keep expired entries this long after their lease ran out
    #[arg(long, value_name = "DUR", value_parser = parse_duration, default_value = "0s")]
    pub grace: Duration,

    /// Also remove entries whose probes have failed for longer than this
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub down_for: Option<Duration>,

    /// Print what would be removed, remove nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// Lease and health state of entries, with a summary; exits 1 if any is expired or down.
///
/// With --probe, speaks MCP to every selected server in parallel (stdio and HTTP,
/// both protocol eras), records the result in its entry, and reports on that.
#[derive(Debug, Args)]
pub struct Health {
    /// Ids to report on [default: all]
    #[arg(value_name = "ID")]
    pub ids: Vec<String>,

    /// Probe each server over MCP and record the result
    #[arg(long)]
    pub probe: bool,

    /// Time limit of each probe
    #[arg(long, value_name = "DUR", value_parser = parse_duration, default_value = "10s", requires = "probe")]
    pub timeout: Duration,

    /// Probes run at once at most
    #[arg(long, value_name = "N", default_value_t = 64, requires = "probe")]
    pub parallel: usize,
}

/// Find MCP servers on a network: a TCP sweep, then the MCP probe on open ports.
///
/// Connects to every PORT of every address in the blocks given (many connects in
/// flight, one event loop per core), then speaks MCP over HTTP to each open port at
/// /mcp, / and /sse. Prints one row per MCP server found; exits 0 when it found one,
/// 1 when none. Blocks over 65536 probes, or outside loopback, private (RFC 1918),
/// link-local and ULA ranges, need --allow-large or --allow-public.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  mcpreg scan 127.0.0.1 --ports 3000,8080-8090\n  mcpreg scan 127.0.0.0/24 ::1 --ports 8000-8100 --register --ttl 5m\n  mcpreg scan 127.0.0.1 --ports 1-65535 --no-identify --json"
)]
pub struct Scan {
    /// CIDR blocks or single addresses, IPv4 or IPv6 (127.0.0.1, 10.1.0.0/24, ::1/128)
    #[arg(required = true, value_name = "CIDR")]
    pub targets: Vec<String>,

    /// Ports to try: 8080, 8080-8090, 3000,8080-8082
    #[arg(short, long, value_name = "SPEC")]
    pub ports: String,

    /// Time a TCP connect may take before the port counts as filtered
    #[arg(long, value_name = "DUR", value_parser = parse_duration, default_value = "1s")]
    pub timeout: Duration,

    /// Time limit of each MCP probe in the identification phase
    #[arg(long, value_name = "DUR", value_parser = parse_duration, default_value = "5s")]
    pub probe_timeout: Duration,

    /// TCP connects in flight at most [default: the open-file limit, raised to its
    /// hard limit, minus a margin]; MCP probes run at most 64 at once
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub concurrency: Option<u32>,

    /// List open ports only: skip the MCP probe
    #[arg(long, conflicts_with_all = ["all", "register"])]
    pub no_identify: bool,

    /// Also list open ports that are not MCP servers, with the reason
    #[arg(long)]
    pub all: bool,

    /// Register every MCP server found, with the tools, resources and prompts it
    /// offers (fields of an entry already registered by hand are kept)
    #[arg(long)]
    pub register: bool,

    /// Lease of the servers --register writes [default: none, they never expire]
    #[arg(long, value_name = "DUR", value_parser = parse_duration, requires = "register")]
    pub ttl: Option<Duration>,

    /// Allow blocks of more than 65536 probes (addresses x ports)
    #[arg(long)]
    pub allow_large: bool,

    /// Allow addresses outside loopback, private (RFC 1918), link-local and ULA ranges
    #[arg(long)]
    pub allow_public: bool,

    /// Print how many connects the scan would make, and send nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// Print a shell completion script.
#[derive(Debug, Args)]
pub struct Completions {
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Write the man pages: one for mcpreg and one per command.
#[derive(Debug, Args)]
pub struct Man {
    /// Folder to write the pages into [default: print mcpreg(1) on stdout]
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

pub fn parse_duration(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s).map_err(|e| format!("{e} (examples: 30s, 5m, 1h30m)"))
}
