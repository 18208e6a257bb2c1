//! One file per subcommand, each a short function over the catalog and a store.
//!
//! Commands never open files or sockets, nor spawn or signal processes, themselves
//! (the one exception: `man --out-dir` writes its pages where it is told). They get
//! a `Context` holding the store, the output and the clock, reach files, sockets and
//! children through `store`, `mcp`, `scan`, `serve` and `process`, and return an
//! `Exit` (0 found or done, 1 a negative answer) or an error (exit 2). Their flags
//! are checked by `crate::args`, which turns them into the catalog's values. Besides
//! the subcommands, `record` (probe and write one server), `lifecycle` (stay
//! registered while it lives) and `follow` (end on a signal, say a problem once) are
//! steps that several of them share.

mod completions;
mod deregister;
mod export;
mod find;
mod follow;
mod health;
mod heartbeat;
mod lifecycle;
mod list;
mod man;
mod pin;
mod prune;
mod record;
mod register;
mod run;
mod scan;
mod serve;
mod show;
mod sync;
mod watch;

use crate::catalog::Timestamp;
use crate::cli::{Cli, Command, OutputFormat};
use crate::error::Result;
use crate::output::{Output, Ui};
use crate::store::{self, Store};

/// The process exit status: ripgrep's convention.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Success; something was found.
    Success,
    /// A negative answer: nothing matched, an id is unknown, a server is unhealthy.
    Negative,
    /// Usage or runtime error.
    Error,
    /// `run`: the exit status of the server it ran (128 + N for signal N).
    Child(u8),
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> Self {
        std::process::ExitCode::from(match e {
            Exit::Success => 0,
            Exit::Negative => 1,
            Exit::Error => crate::error::EXIT_CODE,
            Exit::Child(code) => code,
        })
    }
}

pub struct Context {
    pub store: Box<dyn Store>,
    pub out: Output,
    pub ui: Ui,
    pub now: Timestamp,
    /// How long a writer of a file waits for its lock (`--lock-timeout`).
    pub lock_timeout: std::time::Duration,
}

trait Run {
    fn run(&self, ctx: &mut Context) -> Result<Exit>;
}

pub fn run(cli: Cli) -> Result<Exit> {
    let g = &cli.global;
    let format = match (g.json, g.yaml) {
        (true, _) => OutputFormat::Json,
        (_, true) => OutputFormat::Yaml,
        _ => g.format,
    };
    let mut out = Output::new(format, g.color);
    // Generators need no registry: a bad MCPREG_REGISTRY must not break them.
    let exit = match &cli.command {
        Command::Completions(c) => c.generate(&mut out)?,
        Command::Man(m) => m.generate(&mut out)?,
        command => {
            let store = store::open(
                g.registry.as_deref(),
                &store::Options {
                    timeout: g.lock_timeout,
                    etcd_timeout: g.etcd_timeout,
                    etcd: etcd_access(g),
                },
            )?;
            let mut ctx = Context {
                store,
                out,
                ui: Ui {
                    quiet: g.quiet,
                    verbose: g.verbose,
                },
                now: Timestamp::now(),
                lock_timeout: g.lock_timeout,
            };
            let exit = match command {
                Command::Register(c) => c.run(&mut ctx),
                Command::Run(c) => c.run(&mut ctx),
                Command::Heartbeat(c) => c.run(&mut ctx),
                Command::Deregister(c) => c.run(&mut ctx),
                Command::List(c) => c.run(&mut ctx),
                Command::Show(c) => c.run(&mut ctx),
                Command::Find(c) => c.run(&mut ctx),
                Command::Prune(c) => c.run(&mut ctx),
                Command::Health(c) => c.run(&mut ctx),
                Command::Pin(c) => c.run(&mut ctx),
                Command::Watch(c) => c.run(&mut ctx),
                Command::Export(c) => c.run(&mut ctx),
                Command::Serve(c) => c.run(&mut ctx),
                Command::Sync(c) => c.run(&mut ctx),
                Command::Scan(c) => c.run(&mut ctx),
                Command::Completions(_) | Command::Man(_) => unreachable!("handled above"),
            }?;
            out = ctx.out;
            exit
        }
    };
    out.flush()?;
    Ok(exit)
}

/// TLS files and credentials for etcd: flags first, then `MCPREG_ETCD_*`, then
/// etcdctl's own ETCDCTL_* so an operator's environment just works.
fn etcd_access(g: &crate::cli::Global) -> store::EtcdAccess {
    let env_path = |ours: &str, etcdctl: &str| {
        [ours, etcdctl]
            .iter()
            .find_map(|name| std::env::var_os(name).filter(|v| !v.is_empty()))
            .map(std::path::PathBuf::from)
    };
    let password = match (&g.etcd_password_file, std::env::var("MCPREG_ETCD_PASSWORD")) {
        (Some(file), _) => store::EtcdPassword::File(file.clone()),
        (None, Ok(p)) if !p.is_empty() => store::EtcdPassword::Given(p),
        _ => store::EtcdPassword::None,
    };
    let ours = [&g.etcd_cacert, &g.etcd_cert, &g.etcd_key]
        .iter()
        .any(|f| f.is_some())
        || ["MCPREG_ETCD_CACERT", "MCPREG_ETCD_CERT", "MCPREG_ETCD_KEY"]
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|v| !v.is_empty()));
    store::EtcdAccess {
        tls_asked: ours,
        cacert: g
            .etcd_cacert
            .clone()
            .or_else(|| env_path("MCPREG_ETCD_CACERT", "ETCDCTL_CACERT")),
        cert: g
            .etcd_cert
            .clone()
            .or_else(|| env_path("MCPREG_ETCD_CERT", "ETCDCTL_CERT")),
        key: g
            .etcd_key
            .clone()
            .or_else(|| env_path("MCPREG_ETCD_KEY", "ETCDCTL_KEY")),
        user: g.etcd_user.clone(),
        password,
    }
}
