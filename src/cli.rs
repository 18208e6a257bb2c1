//! The command line, as clap derive definitions: the `///` comments are the help
//! text, the man pages and the completions. README is the contract, ARCHITECTURE.md the layout.
#![allow(
    clippy::doc_markdown,
    reason = "these `///` comments are the --help text and the man pages: backticks would show there"
)]
#![allow(
    clippy::struct_excessive_bools,
    reason = "each bool is a --flag of clap's derive, not a state machine"
)]

use crate::catalog::model::Auth;
use crate::catalog::time;
use crate::catalog::{StatusFilter, TransportKind};
use crate::interop::Target;
pub use crate::output::{ColorChoice, OutputFormat};
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
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
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// Registry location: a file ending .json, .yaml or .yml, or etcd[s]://[USER@]HOST:PORT[,HOST:PORT...]/PREFIX [default: <data dir>/mcpreg/registry.json]
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

    /// How long one request to etcd may take before mcpreg tries the next endpoint or gives up
    #[arg(long, global = true, env = "MCPREG_ETCD_TIMEOUT", value_name = "DUR", value_parser = parse_timeout, default_value = "5s")]
    pub etcd_timeout: Duration,

    /// CA certificate (PEM) that signed the etcd servers' certificates, for etcds:// [env: MCPREG_ETCD_CACERT, else ETCDCTL_CACERT]
    #[arg(long, global = true, value_name = "FILE")]
    pub etcd_cacert: Option<PathBuf>,

    /// Client certificate (PEM) for etcd's --client-cert-auth [env: MCPREG_ETCD_CERT, else ETCDCTL_CERT]
    #[arg(long, global = true, value_name = "FILE", requires = "etcd_key")]
    pub etcd_cert: Option<PathBuf>,

    /// Key (PEM) of the client certificate [env: MCPREG_ETCD_KEY, else ETCDCTL_KEY]
    #[arg(long, global = true, value_name = "FILE", requires = "etcd_cert")]
    pub etcd_key: Option<PathBuf>,

    /// etcd user to authenticate as; the password comes from MCPREG_ETCD_PASSWORD or --etcd-password-file
    #[arg(long, global = true, env = "MCPREG_ETCD_USER", value_name = "USER")]
    pub etcd_user: Option<String>,

    /// File holding the etcd user's password (one line), instead of MCPREG_ETCD_PASSWORD
    #[arg(long, global = true, value_name = "FILE")]
    pub etcd_password_file: Option<PathBuf>,

    /// Print nothing but data and errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Say what is being done, on stderr
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Register(Box<Register>),
    Run(Box<Run>),
    Heartbeat(Heartbeat),
    Deregister(Deregister),
    List(List),
    Show(Show),
    Find(Find),
    Prune(Prune),
    Health(Health),
    Pin(Pin),
    Watch(Watch),
    Export(Export),
    Serve(Serve),
    Sync(Sync),
    Scan(Scan),
    Completions(Completions),
    Man(Man),
}

/// Register a server, or update it: prints its id on stdout.
///
/// Give either --url for an HTTP server or, after `--`, the program and arguments of
/// a stdio server; or --from FILE to register every server of a server.json or a
/// client config. Without --id the id is derived from the name and the endpoint, so
/// running the same line again updates the same entry. With --keepalive it stays in
/// the foreground, heartbeats every ttl/3, registers again if the entry was pruned,
/// and deregisters on SIGINT or SIGTERM.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  mcpreg register --name files --tool read_file='Read a file' --ttl 30s -- /usr/bin/mcp-files /data\n  mcpreg register --name search --url http://127.0.0.1:8080/mcp --tag prod\n  mcpreg register --name search --url http://127.0.0.1:8080/mcp --ttl 30s --keepalive\n  mcpreg register --from server.json\n  mcpreg register --from ~/.cursor/mcp.json --tag cursor\n  mcpreg register --from https://registry.example.com --search weather --updated-since 2026-11-01T00:00:00Z"
)]
pub struct Register {
    #[command(flatten)]
    pub declare: Declare,

    /// Environment for a stdio server, as KEY=VALUE (repeatable)
    #[arg(long = "env", value_name = "KEY=VALUE", conflicts_with = "url")]
    pub env: Vec<String>,

    /// Speak MCP to the server before writing and fill in its tools, resources,
    /// prompts, capabilities and version (flags given by hand win); with --from,
    /// to every server of the file at once
    #[arg(long)]
    pub introspect: bool,

    /// Time limit of the --introspect probe, or of each page read by --from URL
    #[arg(long, value_name = "DUR", value_parser = parse_timeout, default_value = "10s")]
    pub timeout: Duration,

    /// Stay in the foreground: heartbeat every ttl/3, register again if pruned,
    /// deregister on SIGINT or SIGTERM (needs --ttl)
    #[arg(long, requires = "ttl")]
    pub keepalive: bool,

    /// Register every server of a server.json (schema 2025-12-11), of an MCP
    /// client's config file (JSON, JSONC, TOML or YAML; see `export --to`), told
    /// apart by shape, or of a registry API v0.1 at an http(s) URL, every page of it
    /// (--tag, --meta and --ttl apply to each)
    #[arg(long, value_name = "FILE|URL", conflicts_with_all = [
        "name", "id", "description", "server_version", "tools", "resources", "prompts",
        "capabilities", "headers", "auth", "health_url", "env", "keepalive",
        "url", "command",
    ])]
    pub from: Option<PathBuf>,

    /// --from URL: only servers whose name has TEXT (the registry's `search`)
    #[arg(long, value_name = "TEXT", requires = "from")]
    pub search: Option<String>,

    /// --from URL: only servers updated since TIME (RFC 3339, the registry's `updated_since`)
    #[arg(long, value_name = "TIME", requires = "from")]
    pub updated_since: Option<String>,

    /// With --from and --introspect: import a server that cannot be reached
    /// without its tools, with a warning, instead of failing the whole import
    #[arg(long, requires_all = ["from", "introspect"])]
    pub keep_unreachable: bool,

    /// URL of an HTTP server
    #[arg(long, value_name = "URL", required_unless_present_any = ["command", "from"])]
    pub url: Option<String>,

    /// HTTP transport of --url [default: streamable-http; with --introspect, the
    /// one that answers]
    #[arg(long, value_parser = transport_kinds(&HTTP_KINDS), requires = "url")]
    pub transport: Option<TransportKind>,

    /// Program and arguments of a stdio server, after `--`
    #[arg(last = true, value_name = "PROGRAM", conflicts_with = "url")]
    pub command: Vec<String>,
}

/// Start an HTTP MCP server and keep it registered while it runs.
///
/// Starts PROGRAM, probes --url until the server answers MCP (filling in its tools,
/// resources, prompts and version, as --introspect does), registers it with a lease
/// (--ttl, default 30s), heartbeats every ttl/3 while it lives, forwards SIGINT and
/// SIGTERM to it, deregisters when it exits, and exits with its status.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  mcpreg run --name search --ttl 30s --url http://127.0.0.1:8080/mcp -- mcp-search --port 8080\n  mcpreg run --name everything --url http://127.0.0.1:3001/mcp -- npx -y @modelcontextprotocol/server-everything streamableHttp"
)]
pub struct Run {
    #[command(flatten)]
    pub declare: Declare,

    /// URL the server answers MCP at
    #[arg(long, value_name = "URL", required = true)]
    pub url: String,

    /// HTTP transport of --url [default: the one that answers]
    #[arg(long, value_parser = transport_kinds(&HTTP_KINDS))]
    pub transport: Option<TransportKind>,

    /// How long the server may take to answer its first probe before it is stopped
    #[arg(long, value_name = "DUR", value_parser = parse_timeout, default_value = "30s")]
    pub startup_timeout: Duration,

    /// Program and arguments of the server, after `--`
    #[arg(last = true, value_name = "PROGRAM", required = true)]
    pub command: Vec<String>,
}

/// What a server declares: the flags `register` and `run` share.
#[derive(Debug, Args)]
pub struct Declare {
    /// Human name of the server (required unless --from is given)
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

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

    /// HTTP header for an HTTP server, as NAME=VALUE (repeatable)
    #[arg(long = "header", value_name = "NAME=VALUE", requires = "url")]
    pub headers: Vec<String>,

    /// How clients authenticate
    #[arg(long, value_enum, default_value_t = Auth::None)]
    pub auth: Auth,

    /// A plain HTTP health endpoint, kept for other tools
    #[arg(long, value_name = "URL")]
    pub health_url: Option<String>,

    /// Lease: the entry expires unless heartbeated within this long (e.g. 30s, 5m)
    #[arg(long, value_name = "DUR", value_parser = parse_ttl)]
    pub ttl: Option<Duration>,
}

/// `--auth`: the catalog's own type, written by hand as for [`StatusFilter`].
impl ValueEnum for Auth {
    fn value_variants<'a>() -> &'a [Self] {
        &[Auth::None, Auth::Bearer, Auth::Oauth2]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()))
    }
}

/// The transports of a URL.
const HTTP_KINDS: [TransportKind; 2] = [TransportKind::StreamableHttp, TransportKind::Sse];

/// `--transport`: one of the words of `kinds` (clap lists them in the help and
/// the completions), as a [`TransportKind`].
fn transport_kinds(
    kinds: &'static [TransportKind],
) -> impl TypedValueParser<Value = TransportKind> {
    PossibleValuesParser::new(kinds.iter().map(|k| k.as_str()))
        .try_map(|word| word.parse::<TransportKind>())
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
    #[arg(long, value_name = "DUR", value_parser = parse_ttl)]
    pub ttl: Option<Duration>,
}

/// Remove servers; exits 1 if an id is not registered.
#[derive(Debug, Args)]
pub struct Deregister {
    /// Ids to remove
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,
}

/// List every entry, live or expired.
#[derive(Debug, Args)]
pub struct List {}

/// Show one entry in full; exits 1 if it is not registered.
#[derive(Debug, Args)]
pub struct Show {
    /// Id of the entry
    #[arg(value_name = "ID")]
    pub id: String,
}

/// Find servers; every given filter must hold. Exits 1 when nothing matches.
///
/// With --query, the filters select and the query ranks: entries, and their tools,
/// best match first, by relevance to the words (BM25F over tool names, titles and
/// descriptions, and the server's name, description and tags).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  mcpreg find --tool read_file\n  mcpreg find --tag prod --transport stdio --format ids\n  mcpreg find --tool search --one --json\n  mcpreg find --query 'read a text file'\n  mcpreg find --query 'show the commit history' --transport stdio --one --json"
)]
pub struct Find {
    #[command(flatten)]
    pub filters: Filters,

    /// Rank the matches by relevance to this text, best first; entries that hold
    /// none of its words are left out
    #[arg(long, value_name = "TEXT")]
    pub query: Option<String>,

    /// Print at most N entries [default with --query: 10 in a table, all otherwise]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub limit: Option<u64>,

    /// Print one match: the best with --query, otherwise picked at random (simple
    /// load balancing)
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
    #[arg(long, value_parser = transport_kinds(&TransportKind::ALL))]
    pub transport: Option<TransportKind>,

    /// Has this metadata, as KEY=VALUE (repeatable)
    #[arg(long = "meta", value_name = "KEY=VALUE")]
    pub meta: Vec<String>,

    /// Lease status to include
    #[arg(long, value_enum, default_value_t = StatusFilter::Live)]
    pub status: StatusFilter,

    /// Health to include (repeatable) [default: ok and unknown: what is known to
    /// be down, or to offer other tools than were pinned, is left out]
    #[arg(long, value_enum, value_name = "HEALTH")]
    pub health: Vec<HealthFilter>,
}

/// `--format`: output's own type, the words and help a derive would give.
impl ValueEnum for OutputFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &[
            OutputFormat::Table,
            OutputFormat::Json,
            OutputFormat::Yaml,
            OutputFormat::Ids,
        ]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(match self {
            OutputFormat::Table => PossibleValue::new("table").help("Aligned columns for people"),
            OutputFormat::Json => PossibleValue::new("json").help("Full entries as JSON"),
            OutputFormat::Yaml => PossibleValue::new("yaml").help("Full entries as YAML"),
            OutputFormat::Ids => PossibleValue::new("ids").help("One id per line, for shell loops"),
        })
    }
}

/// `--color`: output's own type.
impl ValueEnum for ColorChoice {
    fn value_variants<'a>() -> &'a [Self] {
        &[ColorChoice::Auto, ColorChoice::Always, ColorChoice::Never]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(match self {
            ColorChoice::Auto => "auto",
            ColorChoice::Always => "always",
            ColorChoice::Never => "never",
        }))
    }
}

/// `--status`: the catalog's own type, so that a filter has one name. Written by
/// hand because the catalog knows nothing of clap; the words and their help are
/// what a derive would give.
impl ValueEnum for StatusFilter {
    fn value_variants<'a>() -> &'a [Self] {
        &[StatusFilter::Live, StatusFilter::Expired, StatusFilter::Any]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(match self {
            StatusFilter::Live => PossibleValue::new("live")
                .help("Entries whose lease runs, and entries without a lease"),
            StatusFilter::Expired => PossibleValue::new("expired")
                .help("Entries whose lease has run out but that no prune has removed yet"),
            StatusFilter::Any => PossibleValue::new("any").help("Everything"),
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum HealthFilter {
    /// The last probe answered, with the pinned tools
    Ok,
    /// The last probe failed
    Down,
    /// Never probed
    Unknown,
    /// The last probe answered with tools that differ from the pinned ones
    Changed,
    /// Every health state
    Any,
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

    /// Also write what each server reports (tools, resources, prompts,
    /// capabilities, version) into its entry, where the entry's field was learned
    /// from the server or is empty; fields given by hand stay
    #[arg(long, requires = "probe")]
    pub refresh: bool,

    /// Time limit of each probe
    #[arg(long, value_name = "DUR", value_parser = parse_timeout, default_value = "10s", requires = "probe")]
    pub timeout: Duration,

    /// Probes run at once at most
    #[arg(long, value_name = "N", default_value_t = 64, requires = "probe")]
    pub parallel: usize,
}

/// Accept the tools servers offer now as their pinned set.
///
/// The first probe of a server pins its tools' digests; a later probe that sees
/// a tool added, removed or changed (or text hidden in one) marks the entry
/// `changed`, which find leaves out by default. `pin` accepts what that probe
/// saw, prints it, and makes the entry ok again. Exits 1 if an id is unknown or
/// its tools were never seen by a probe.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  mcpreg health --probe\n  mcpreg show files-b6afe9     # what differs\n  mcpreg pin files-b6afe9"
)]
pub struct Pin {
    /// Ids whose tools to accept
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,
}

/// Print the matching servers, then one event per change as it happens.
///
/// Events: added, updated (with the fields that changed: tools, endpoint, health,
/// lease, declaration), removed, expired (a lease ran out, even with no write) and
/// revived. --format json prints JSON Lines. With --exec, runs a command after each
/// batch of changes instead of printing. Ends on SIGINT or SIGTERM, or when stdout
/// closes.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  mcpreg watch --tool read_file\n  mcpreg watch --tag team-a --exec mcpreg export --to vscode -o .vscode/mcp.json"
)]
pub struct Watch {
    #[command(flatten)]
    pub filters: Filters,

    /// Run this command (no shell: write `sh -c '...'` for one) once at start and
    /// after each batch of changes, never two at once; takes the rest of the line
    #[arg(long, num_args = 1.., allow_hyphen_values = true, value_name = "CMD")]
    pub exec: Vec<String>,

    /// How long changes are gathered into one batch before --exec runs
    #[arg(long, value_name = "DUR", value_parser = parse_duration, default_value = "200ms")]
    pub debounce: Duration,
}

/// Serve the registry to agents as an MCP server, over stdio or HTTP.
///
/// Four read-only tools (search_tools, find_servers, get_server,
/// get_client_config) answer from an in-memory copy of the registry that follows
/// every change. Never writes the registry. The values of `env` and `headers` are
/// answered as "<redacted>" unless --show-secrets. Over stdio it ends at the end of
/// its input; with --http it serves Streamable HTTP at /mcp (both protocol eras)
/// and prints that URL on stdout. Either ends on SIGINT or SIGTERM (exit 0).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  mcpreg serve\n  claude mcp add registry -- mcpreg serve\n  mcpreg register --introspect --name registry -- mcpreg serve\n  mcpreg serve --http 127.0.0.1:7333\n  mcpreg serve --http 0.0.0.0:7333 --token /etc/mcpreg/token --allow-host registry.example.com"
)]
pub struct Serve {
    /// Answer with the values of `env` and `headers` (tokens, keys) instead of
    /// "<redacted>"
    #[arg(long)]
    pub show_secrets: bool,

    /// Serve Streamable HTTP at http://ADDR/mcp instead of stdio; ADDR is IP:PORT
    /// (port 0 picks a free one). Anything but a loopback address needs --token or
    /// --no-auth
    #[arg(long, env = "MCPREG_SERVE_HTTP", value_name = "ADDR")]
    pub http: Option<String>,

    /// Require `Authorization: Bearer TOKEN` on every request, TOKEN being the
    /// contents of FILE (a regular file; surrounding whitespace is ignored)
    #[arg(
        long,
        env = "MCPREG_SERVE_TOKEN_FILE",
        value_name = "FILE",
        requires = "http"
    )]
    pub token: Option<PathBuf>,

    /// Serve a non-loopback address without a token (anyone who can reach it can
    /// read the registry)
    #[arg(
        long,
        env = "MCPREG_SERVE_NO_AUTH",
        requires = "http",
        conflicts_with = "token"
    )]
    pub no_auth: bool,

    /// A host name clients use to reach the server, accepted in `Host` and
    /// `Origin` besides localhost and IP addresses (repeatable; guards against DNS
    /// rebinding)
    #[arg(
        long,
        env = "MCPREG_SERVE_ALLOW_HOST",
        value_name = "NAME",
        value_delimiter = ',',
        requires = "http"
    )]
    pub allow_host: Vec<String>,

    /// Most HTTP connections served at once; more are answered 503
    #[arg(
        long,
        env = "MCPREG_SERVE_MAX_CONNECTIONS",
        value_name = "N",
        default_value_t = 256,
        value_parser = clap::value_parser!(u32).range(1..=65536),
        requires = "http"
    )]
    pub max_connections: u32,

    /// How long a client may take to send its request, or stall reading the answer,
    /// before its connection is closed
    #[arg(long, env = "MCPREG_SERVE_CLIENT_TIMEOUT", value_name = "DUR", value_parser = parse_timeout, default_value = "30s", requires = "http")]
    pub client_timeout: Duration,
}

/// Write the config files of MCP clients, or server.json, from the entries that match.
///
/// Takes every filter of `find` (live entries by default). To stdout, or with -o
/// into a file: an existing client config is merged, keeping the user's other
/// servers and settings and replacing only the entries mcpreg wrote last time
/// (listed under its top-level "_mcpreg" key); the file is replaced atomically.
/// JSON with comments (vscode, zed, gemini-cli, opencode) and TOML (codex) keep
/// the user's text byte for byte outside mcpreg's entries; YAML (goose, continue)
/// loses its comments, so the first rewrite of a file with comments keeps a copy
/// in FILE.mcpreg-backup. Two entries with the same name, or a name the user's own
/// servers use, are written under their ids. What a client cannot express (HTTP
/// servers for claude-desktop, SSE servers for codex and zed) is skipped with a
/// warning naming the entries.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  mcpreg export --to claude-desktop -o ~/.config/Claude/claude_desktop_config.json\n  mcpreg export --to claude-code --tag project -o .mcp.json\n  mcpreg export --to vscode -o .vscode/mcp.json\n  mcpreg export --to cursor -o ~/.cursor/mcp.json\n  mcpreg export --to codex -o ~/.codex/config.toml\n  mcpreg export --to server-json --name files --namespace io.github.me -o server.json"
)]
pub struct Export {
    /// Format to write
    #[arg(long, value_name = "FORMAT", value_parser = export_targets())]
    pub to: Target,

    #[command(flatten)]
    pub filters: Filters,

    /// Write into this file (merging into a client config) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// server-json: namespace of names that are not reverse-DNS already (NS/NAME)
    #[arg(long, value_name = "NS", default_value = crate::interop::DEFAULT_NAMESPACE)]
    pub namespace: String,
}

/// `--to`: the words and help of interop's one list of targets, in its order.
fn export_targets() -> impl TypedValueParser<Value = Target> {
    PossibleValuesParser::new(Target::all().map(|t| PossibleValue::new(t.name()).help(t.shape())))
        .try_map(|word| Target::by_name(&word).ok_or("not an export target"))
}

/// Export the matching servers into every MCP client installed for this user.
///
/// A client counts as installed when its config folder exists at its default place
/// under $HOME (and $XDG_CONFIG_HOME, $CODEX_HOME). Each config is merged as
/// `export -o` merges it: the user's servers and settings stay, mcpreg's entries
/// are replaced. Prints one line per client: written, unchanged, or skipped and
/// why. Exits 2 when a client's config could not be read (the others are still
/// written).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  mcpreg sync\n  mcpreg sync --tag laptop --dry-run\n  mcpreg sync --clients cursor,codex"
)]
pub struct Sync {
    #[command(flatten)]
    pub filters: Filters,

    /// Print a unified diff of each file that would change; write nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Only these clients (comma-separated names of `export --to`)
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    pub clients: Vec<String>,
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
    #[arg(long, value_name = "DUR", value_parser = parse_timeout, default_value = "1s")]
    pub timeout: Duration,

    /// Time limit of each MCP probe in the identification phase
    #[arg(long, value_name = "DUR", value_parser = parse_timeout, default_value = "5s")]
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
    #[arg(long, value_name = "DUR", value_parser = parse_ttl, requires = "register")]
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

/// A duration flag of any kind: humantime syntax, then the range of its kind.
fn parse_checked(s: &str, problem: fn(Duration) -> Option<String>) -> Result<Duration, String> {
    let d = humantime::parse_duration(s).map_err(|e| format!("{e} (examples: 30s, 5m, 1h30m)"))?;
    problem(d).map_or(Ok(d), Err)
}

/// A span such as a grace period or a wait: 0 to ten years.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    parse_checked(s, time::span_problem)
}

/// A time limit: more than zero, at most ten years.
pub fn parse_timeout(s: &str) -> Result<Duration, String> {
    parse_checked(s, time::timeout_problem)
}

/// A lease: whole seconds, 1s to ten years.
pub fn parse_ttl(s: &str) -> Result<Duration, String> {
    parse_checked(s, time::ttl_problem)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Timestamp;
    use crate::catalog::model::Lease;
    use crate::testing::seeded_runner;
    use proptest::prelude::*;

    /// Strings a person (or a fuzzer) might hand a duration flag: numbers of any
    /// size with any unit, several parts, signs and junk.
    fn duration_text() -> impl Strategy<Value = String> {
        let unit = prop::sample::select(vec![
            "", "ns", "us", "ms", "s", "m", "h", "d", "w", "M", "y", "years", "months", "sec", "x",
            ".", "-",
        ]);
        let number = prop_oneof![
            any::<u64>().prop_map(|n| n.to_string()),
            "[0-9]{1,40}",
            Just("18446744073709551615".to_owned()),
            Just("0".to_owned()),
        ];
        prop_oneof![
            prop::collection::vec((number, unit), 1..4).prop_map(|parts| {
                parts
                    .into_iter()
                    .map(|(n, u)| format!("{n}{u}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            }),
            ".{0,24}",
        ]
    }

    #[test]
    fn no_string_given_to_a_duration_flag_panics() {
        let sites: &[&[&str]] = &[
            &["register", "--name", "a", "--ttl"],
            &["heartbeat", "a-1", "--ttl"],
            &["health", "--probe", "--timeout"],
            &["prune", "--grace"],
            &["scan", "127.0.0.1", "--ports", "1", "--register", "--ttl"],
            &["scan", "127.0.0.1", "--ports", "1", "--probe-timeout"],
            &["list", "--lock-timeout"],
        ];
        seeded_runner("duration flags", 512)
            .run(&duration_text(), |text| {
                for site in sites {
                    let mut argv = vec!["mcpreg"];
                    argv.extend_from_slice(site);
                    argv.push(&text);
                    if site[0] == "register" {
                        argv.extend_from_slice(&["--", "/bin/x"]);
                    }
                    let Ok(cli) = Cli::try_parse_from(&argv) else {
                        continue;
                    };
                    // What is accepted must survive the lease arithmetic and the
                    // file format, which is where 9999y used to panic.
                    let ttl = match &cli.command {
                        Command::Register(r) => r.declare.ttl,
                        Command::Heartbeat(h) => h.ttl,
                        Command::Scan(s) => s.ttl,
                        _ => None,
                    };
                    if let Some(ttl) = ttl {
                        let lease = Lease::starting(Timestamp::now(), ttl);
                        let json = serde_json::to_string(&lease).expect("a lease serialises");
                        let back: Lease = serde_json::from_str(&json).expect("and reads back");
                        prop_assert_eq!(back, lease);
                    }
                }
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{e}"));
    }
}
