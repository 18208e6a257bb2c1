//! Issue 11, the file side: a hostile local user who can write the registry's folder
//! (or plant files where `export -o` and `register --from` look), and hostile file
//! contents. Each case is refused with exit 2 and leaves everything untouched.
//! "Another user" is uid 65534 through setpriv(1) when the tests run as root;
//! otherwise those tests print why they skip.

use crate::support::{Reg, Run, finish, mcpreg};
use std::fs;
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const NOBODY: &str = "65534";

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Runs `argv` as uid/gid 65534 (another user); None, with the reason printed,
/// where that is impossible.
fn as_other_user(argv: &[&str]) -> Option<()> {
    if !is_root() {
        eprintln!("skipped: simulating another user needs root (setpriv --reuid)");
        return None;
    }
    let status = Command::new("setpriv")
        .args(["--reuid", NOBODY, "--regid", NOBODY, "--clear-groups"])
        .args(argv)
        .status();
    match status {
        Ok(s) if s.success() => Some(()),
        other => {
            eprintln!("skipped: setpriv {argv:?} did not run: {other:?}");
            None
        }
    }
}

/// A folder anyone may write, as a shared /tmp or project folder is (no sticky bit).
fn open_to_all(dir: &Path) {
    fs::set_permissions(dir, fs::Permissions::from_mode(0o777)).unwrap();
}

fn mode_of(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

/// Files of `dir` whose names say they are temp files.
fn temp_files(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
}

/// Runs `cmd` to its end, killing it (and failing) if it has not ended after a
/// minute: far beyond what a refusal takes even in a loaded debug build, and
/// what "hangs forever" needs to be caught. Memory is capped at 2 GiB so a
/// command reading /dev/zero fails instead of calling the OOM killer.
#[track_caller]
fn run_bounded(mut cmd: Command, what: &str) -> Run {
    // SAFETY: setrlimit is async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            let cap = libc::rlimit {
                rlim_cur: 2 << 30,
                rlim_max: 2 << 30,
            };
            libc::setrlimit(libc::RLIMIT_AS, &raw const cap);
            Ok(())
        });
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn mcpreg");
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after 60s (hangs)");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let run = finish(out);
    assert_ne!(run.code, 101, "{what} panicked: {}", run.stderr);
    run
}

fn stdio_args(name: &str) -> Vec<String> {
    ["register", "--name", name, "--", "/bin/true"]
        .map(String::from)
        .to_vec()
}

// §1: planted temp and lock files

#[test]
fn a_temp_file_symlink_planted_by_another_user_is_not_followed() {
    let reg = Reg::new();
    reg.register("a", &[]);
    let victim_dir = tempfile::tempdir().unwrap();
    let victim = victim_dir.path().join("victim");
    fs::write(&victim, "precious\n").unwrap();
    open_to_all(reg.folder());
    let planted = reg.folder().join(".registry.json.tmp");
    let (v, p) = (victim.to_str().unwrap(), planted.to_str().unwrap());
    if as_other_user(&["ln", "-s", v, p]).is_none() {
        return;
    }
    reg.register("b", &[]);
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n");
    assert!(
        fs::symlink_metadata(&reg.path)
            .unwrap()
            .file_type()
            .is_file()
    );
    assert_eq!(reg.ids().len(), 2);

    // export -o stages its temp file the same way.
    let config = reg.folder().join("mcp.json");
    let planted = reg.folder().join(".mcp.json.tmp");
    if as_other_user(&["ln", "-s", v, planted.to_str().unwrap()]).is_none() {
        return;
    }
    let out = config.to_str().unwrap();
    reg.run(&["export", "--to", "cursor", "-o", out]).ok();
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n");
    assert!(fs::read_to_string(&config).unwrap().contains("mcpServers"));
}

#[test]
fn a_planted_lock_symlink_or_fifo_is_refused_and_creates_nothing() {
    let reg = Reg::new();
    reg.register("a", &[]);
    let before = reg.bytes();
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("created-by-mcpreg");
    let lock = reg.folder().join("registry.json.lock");
    fs::remove_file(&lock).unwrap();
    std::os::unix::fs::symlink(&target, &lock).unwrap();
    let args = stdio_args("b");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    reg.run(&args).code(2).stderr_has("registry.json.lock");
    assert!(!target.exists(), "mcpreg created a file through the link");
    assert_eq!(reg.bytes(), before);

    fs::remove_file(&lock).unwrap();
    mkfifo(&lock);
    let run = run_bounded(reg.cmd(&args), "register with a FIFO as lock");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
    assert_eq!(reg.bytes(), before);
}

#[test]
fn a_write_that_fails_removes_its_temp_file_and_keeps_the_registry() {
    let reg = Reg::new();
    reg.register("a", &[]);
    let before = reg.bytes();
    // A long description (names are capped at 256 bytes) makes the write large.
    let long = "x".repeat(3000);
    let mut cmd = reg.cmd(&[
        "register",
        "--name",
        "big",
        "--description",
        &long,
        "--",
        "/bin/true",
    ]);
    // A full disk, as far as this process can tell: writes past 2 KB fail with
    // EFBIG (SIGXFSZ ignored, so the write returns an error instead of killing).
    // SAFETY: signal and setrlimit are async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let cap = libc::rlimit {
                rlim_cur: 2048,
                rlim_max: 2048,
            };
            libc::setrlimit(libc::RLIMIT_FSIZE, &raw const cap);
            Ok(())
        });
    }
    let run = finish(cmd.output().unwrap()).code(2);
    assert!(run.stderr.contains("File too large"), "{}", run.stderr);
    assert_eq!(reg.bytes(), before);
    assert_eq!(temp_files(reg.folder()), Vec::<String>::new());
}

// §2: what is not a regular file is neither read nor replaced

/// A character device with /dev/null's numbers and mode 0666, where mknod works.
fn char_device(path: &Path) -> Option<()> {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    let made = unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, 3)) };
    if made != 0 {
        eprintln!(
            "skipped: mknod needs CAP_MKNOD: {}",
            std::io::Error::last_os_error()
        );
        return None;
    }
    fs::set_permissions(path, fs::Permissions::from_mode(0o666)).unwrap();
    Some(())
}

#[test]
fn export_onto_a_device_a_fifo_or_a_folder_is_refused_untouched() {
    let reg = Reg::new();
    reg.register("a", &[]);
    let device = reg.folder().join("dn");
    if char_device(&device).is_some() {
        let out = device.to_str().unwrap();
        reg.run(&["export", "--to", "cursor", "-o", out])
            .code(2)
            .stderr_has("a character device, not a regular file");
        let meta = fs::symlink_metadata(&device).unwrap();
        assert!(meta.file_type().is_char_device(), "the device was replaced");
        assert_eq!(mode_of(&device), 0o666);
        // Through a symlink too.
        let link = reg.folder().join("link.json");
        std::os::unix::fs::symlink(&device, &link).unwrap();
        reg.run(&["export", "--to", "cursor", "-o", link.to_str().unwrap()])
            .code(2);
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
    let fifo = reg.folder().join("fifo.json");
    mkfifo(&fifo);
    let out = fifo.to_str().unwrap();
    let run = run_bounded(
        reg.cmd(&["export", "--to", "vscode", "-o", out]),
        "export -o FIFO",
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("a FIFO, not a regular file"),
        "{}",
        run.stderr
    );
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    let folder = reg.folder().join("folder.json");
    fs::create_dir(&folder).unwrap();
    reg.run(&["export", "--to", "vscode", "-o", folder.to_str().unwrap()])
        .code(2)
        .stderr_has("a folder, not a regular file");
    assert_eq!(temp_files(reg.folder()), Vec::<String>::new());
}

#[test]
fn a_registry_that_is_a_fifo_a_device_or_dev_zero_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let zero = dir.path().join("z.json");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let fifo = dir.path().join("f.yaml");
    mkfifo(&fifo);
    for path in [&zero, &fifo] {
        let at = path.to_str().unwrap();
        for args in [&["list"][..], &["register", "--name", "a", "--", "/bin/a"]] {
            let mut cmd = mcpreg();
            cmd.arg("-r").arg(at).args(args);
            let run = run_bounded(cmd, &format!("-r {at} {args:?}"));
            assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
            assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
        }
    }
    assert!(
        fs::symlink_metadata(&zero)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
}

#[test]
fn register_from_dev_zero_or_a_fifo_is_refused_at_once() {
    let reg = Reg::new();
    let fifo = reg.folder().join("server.json");
    mkfifo(&fifo);
    for from in ["/dev/zero", fifo.to_str().unwrap()] {
        let run = run_bounded(reg.cmd(&["register", "--from", from]), from);
        assert_eq!(run.code, 2, "{from}: {}", run.stderr);
        assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
    }
    assert!(!reg.path.exists());
}

#[test]
fn a_replaced_file_is_never_left_readable_by_others() {
    let reg = Reg::new();
    reg.register("a", &["--env", "TOKEN=secret"]);
    fs::set_permissions(&reg.path, fs::Permissions::from_mode(0o644)).unwrap();
    reg.register("b", &[]);
    assert_eq!(mode_of(&reg.path), 0o600, "the registry kept mode 0644");

    let config = reg.folder().join("mcp.json");
    fs::write(&config, "{\"mcpServers\": {}}\n").unwrap();
    fs::set_permissions(&config, fs::Permissions::from_mode(0o666)).unwrap();
    let out = config.to_str().unwrap();
    reg.run(&["export", "--to", "cursor", "-o", out]).ok();
    assert_eq!(mode_of(&config), 0o600, "the config kept mode 0666");
    // A narrower mode is kept.
    fs::set_permissions(&config, fs::Permissions::from_mode(0o400)).unwrap();
    reg.register("c", &[]);
    reg.run(&["export", "--to", "cursor", "-o", out]).ok();
    assert_eq!(mode_of(&config), 0o400);
}

#[test]
fn a_symlinked_registry_is_written_through_and_both_names_share_one_lock() {
    let real_dir = tempfile::tempdir().unwrap();
    let real = real_dir.path().join("real.json");
    let reg = Reg::named("link.json");
    std::os::unix::fs::symlink(&real, &reg.path).unwrap();
    reg.register("a", &[]);
    assert!(
        fs::symlink_metadata(&reg.path)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(real.is_file(), "the write did not reach the link's target");
    let mut by_real = mcpreg();
    by_real.arg("-r").arg(&real).args(stdio_args("b"));
    finish(by_real.output().unwrap()).ok();
    assert_eq!(reg.ids().len(), 2);
    assert!(
        fs::symlink_metadata(&reg.path)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(real_dir.path().join("real.json.lock").is_file());
    assert!(
        !reg.folder().join("link.json.lock").exists(),
        "the link locked a lock file of its own"
    );

    // flock(1) on the real file's lock holds off a writer that uses the link.
    let lock = real_dir.path().join("real.json.lock");
    let mut holder = Command::new("flock")
        .arg(&lock)
        .args(["-c", "echo held; sleep 30"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("flock(1)");
    let mut held = [0u8; 5];
    holder.stdout.take().unwrap().read_exact(&mut held).unwrap();
    let args = stdio_args("c");
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    args.splice(0..0, ["--lock-timeout", "200ms"]);
    reg.run(&args).code(2).stderr_has("real.json.lock");
    let _ = holder.kill();
    let _ = holder.wait();

    // export -o through a symlink writes the target and keeps the link.
    let target = real_dir.path().join("cursor.json");
    fs::write(
        &target,
        "{\"mcpServers\": {\"mine\": {\"command\": \"x\"}}}\n",
    )
    .unwrap();
    let link = reg.folder().join("cursor.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    reg.run(&["export", "--to", "cursor", "-o", link.to_str().unwrap()])
        .ok();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let text = fs::read_to_string(&target).unwrap();
    assert!(
        text.contains("\"mine\"") && text.contains("\"a\""),
        "{text}"
    );
}

#[test]
fn the_stdio_trust_check_looks_at_the_real_file_and_folder_behind_a_link() {
    // The link sits in a private folder; the file it names, in a folder anyone
    // can write: someone else could have planted the commands.
    let shared = tempfile::tempdir().unwrap();
    open_to_all(shared.path());
    let real = shared.path().join("real.json");
    let reg = Reg::named("link.json");
    std::os::unix::fs::symlink(&real, &reg.path).unwrap();
    reg.register("a", &[]);
    reg.run(&["health", "--probe"])
        .code(2)
        .stderr_has("refusing to run commands from its folder")
        .stderr_has("writable by group or others");
}

// §3: durations

/// A TCP listener on loopback that counts the connections it accepts.
struct Listener {
    port: u16,
    accepted: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Listener {
    fn start() -> Self {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = accepted.clone();
        std::thread::spawn(move || {
            for stream in l.incoming() {
                if stream.is_ok() {
                    count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
            }
        });
        Listener { port, accepted }
    }
}

fn durations_out_of_range_are_refused_naming_the_flag(reg: &Reg) {
    let id = reg.register("a", &["--ttl", "30s"]);
    let before = reg.snapshot();
    for ttl in ["9999y", "18446744073709551615s", "0s", "1500ms", "10y 1s"] {
        let run = reg.run(&["register", "--name", "b", "--ttl", ttl, "--", "/bin/b"]);
        assert_ne!(run.code, 101, "--ttl {ttl} panicked: {}", run.stderr);
        run.code(2).stderr_has("--ttl");
        reg.run(&["heartbeat", &id, "--ttl", ttl])
            .code(2)
            .stderr_has("--ttl");
    }
    reg.run(&["heartbeat", &id, "--ttl", "8000y"])
        .code(2)
        .stderr_has("--ttl");
    reg.run(&["health", "--probe", "--timeout", "0s"])
        .code(2)
        .stderr_has("--timeout");
    reg.run(&["--lock-timeout", "99999y", "list"])
        .code(2)
        .stderr_has("--lock-timeout");
    assert_eq!(
        reg.snapshot(),
        before,
        "a refused duration changed the registry"
    );
    // The edges are accepted.
    reg.run(&["heartbeat", &id, "--ttl", "10y"]).ok();
    assert_eq!(reg.entry(&id)["lease"]["ttl_s"], 315_576_000);
    reg.run(&["heartbeat", &id, "--ttl", "1s"]).ok();

    // scan checks its flags before it sends anything.
    let listener = Listener::start();
    let port = listener.port.to_string();
    for (flag, value) in [
        ("--ttl", "9999y"),
        ("--probe-timeout", "0s"),
        ("--timeout", "0s"),
    ] {
        let mut args = vec!["scan", "127.0.0.1", "--ports", &port, flag, value];
        if flag == "--ttl" {
            args.push("--register");
        }
        let run = reg.run(&args);
        assert_ne!(
            run.code, 101,
            "scan {flag} {value} panicked: {}",
            run.stderr
        );
        run.code(2).stderr_has(flag);
    }
    assert_eq!(
        listener.accepted.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "scan connected before refusing its flags"
    );
}

/// A registry file with one entry whose lease is `ttl_s`.
fn with_ttl(name: &str, ttl_s: &str) -> String {
    let entry = format!(
        r#"{{"id": "a-1", "name": "a", "transport": {{"type": "stdio", "command": "/bin/a"}}, "registered_at": "2026-11-21T10:00:00Z", "updated_at": "2026-11-21T10:00:00Z", "lease": {{"ttl_s": {ttl_s}, "expires_at": "2099-11-21T10:00:30Z"}}}}"#
    );
    if name.ends_with(".json") {
        format!("{{\n  \"schema\": 1,\n  \"servers\": [\n    {entry}\n  ]\n}}\n")
    } else {
        format!(
            "schema: 1\nservers:\n- id: a-1\n  name: a\n  transport: {{type: stdio, command: /bin/a}}\n  registered_at: 2026-11-21T10:00:00Z\n  updated_at: 2026-11-21T10:00:00Z\n  lease: {{ttl_s: {ttl_s}, expires_at: 2099-11-21T10:00:30Z}}\n"
        )
    }
}

#[test]
fn a_ttl_out_of_range_in_a_registry_file_is_refused_naming_the_entry() {
    for name in ["registry.json", "registry.yaml"] {
        for ttl in ["0", "18446744073709551615", "315576001"] {
            let text = with_ttl(name, ttl);
            let reg = Reg::with_text(name, &text);
            for args in [&["list"][..], &["heartbeat", "a-1"], &["show", "a-1"]] {
                let run = reg.run(args);
                assert_ne!(run.code, 101, "{name} ttl_s {ttl}: panicked");
                let run = run.code(2).stderr_has("ttl_s");
                assert!(run.stderr.contains(&format!("{name}:")), "{}", run.stderr);
            }
            assert_eq!(reg.bytes().unwrap(), text.as_bytes());
        }
    }
}

#[test]
fn a_ttl_out_of_range_in_server_json_meta_is_refused() {
    let reg = Reg::new();
    let id = reg.register("a", &["--ttl", "30s"]);
    let exported = reg.run(&["export", "--to", "server-json"]).ok().stdout;
    let file = reg.folder().join("server.json");
    for ttl in ["0", "18446744073709551615"] {
        let text = exported.replace("\"ttl_s\": 30", &format!("\"ttl_s\": {ttl}"));
        assert_ne!(text, exported, "the export has no ttl_s to change");
        fs::write(&file, &text).unwrap();
        let before = reg.bytes();
        reg.run(&["register", "--from", file.to_str().unwrap()])
            .code(2)
            .stderr_has("ttl_s");
        assert_eq!(reg.bytes(), before, "{id}: changed by a refused import");
    }
}

#[test]
fn a_ttl_out_of_range_in_an_etcd_value_is_refused() {
    let Some(reg) = Reg::etcd() else {
        eprintln!("skipped: no etcd");
        return;
    };
    let id = reg.register("a", &["--ttl", "30s"]);
    let mut entry = reg.entry(&id);
    entry["lease"]["ttl_s"] = serde_json::json!(u64::MAX);
    etcd_put(reg.location(), &id, &entry.to_string());
    reg.run(&["list"]).code(2).stderr_has("ttl_s");
    reg.run(&["heartbeat", &id]).code(2).stderr_has("ttl_s");
}

/// Writes `value` under the key of `id` through etcd's JSON gateway.
fn etcd_put(location: &str, id: &str, value: &str) {
    use base64::Engine;
    let rest = location.strip_prefix("etcd://").unwrap();
    let (host, prefix) = rest.split_at(rest.find('/').unwrap());
    let b64 = base64::engine::general_purpose::STANDARD;
    let body = serde_json::json!({
        "key": b64.encode(format!("{prefix}/servers/{id}")),
        "value": b64.encode(value),
    });
    ureq::post(format!("http://{host}/v3/kv/put"))
        .header("content-type", "application/json")
        .send(body.to_string())
        .expect("etcd put");
}

// §4: bounded reads

#[test]
fn registries_imports_and_configs_above_the_size_cap_are_refused() {
    let reg = Reg::new();
    reg.register("a", &["--description", &"d".repeat(400)]);
    let before = reg.bytes();
    let config = reg.folder().join("mcp.json");
    fs::write(
        &config,
        format!("{{\"mcpServers\": {{}}, \"pad\": \"{}\"}}", "p".repeat(600)),
    )
    .unwrap();
    let small = |args: &[&str]| {
        let mut cmd = reg.cmd(args);
        cmd.env("MCPREG_MAX_FILE_BYTES", "300");
        finish(cmd.output().unwrap())
    };
    for args in [&["list"][..], &["register", "--name", "b", "--", "/bin/b"]] {
        small(args)
            .code(2)
            .stderr_has("registry.json: is larger than the 300 bytes")
            .stderr_has("MCPREG_MAX_FILE_BYTES");
    }
    let from = config.to_str().unwrap();
    let mut cmd = mcpreg();
    cmd.arg("-r")
        .arg(reg.folder().join("other.json"))
        .args(["register", "--from", from])
        .env("MCPREG_MAX_FILE_BYTES", "300");
    finish(cmd.output().unwrap())
        .code(2)
        .stderr_has("mcp.json: is larger than");
    assert_eq!(reg.bytes(), before);
    // The default cap reads them all.
    reg.run(&["register", "--from", from])
        .code(2)
        .stderr_has("no server");
    reg.run(&["export", "--to", "cursor", "-o", from]).ok();
    let tiny = Reg::with_text("tiny.json", "{\"schema\": 1, \"servers\": []}\n");
    let mut cmd = tiny.cmd(&["list"]);
    cmd.env("MCPREG_MAX_FILE_BYTES", "300");
    finish(cmd.output().unwrap()).ok();
    let mut bad = reg.cmd(&["list"]);
    bad.env("MCPREG_MAX_FILE_BYTES", "lots");
    finish(bad.output().unwrap())
        .code(2)
        .stderr_has("MCPREG_MAX_FILE_BYTES");
}

#[test]
fn a_yaml_registry_nested_100000_levels_is_refused_before_parsing() {
    let flow = format!(
        "schema: 1\nservers: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let compact = format!("schema: 1\nservers:\n{}x\n", "- ".repeat(100_000));
    for text in [flow, compact] {
        let reg = Reg::with_text("registry.yaml", &text);
        for args in [&["list"][..], &["register", "--name", "b", "--", "/bin/b"]] {
            let run = run_bounded(reg.cmd(args), "deep YAML");
            assert_eq!(run.code, 2, "{}", run.stderr);
            assert!(
                run.stderr.contains("nested more than 128 levels"),
                "{}",
                run.stderr
            );
        }
        assert_eq!(reg.bytes().unwrap(), text.as_bytes());
    }
    // Ordinary depth still reads.
    let reg = Reg::named("ok.yaml");
    reg.register("a", &["--tool", "t=d", "--meta", "k=v"]);
    assert_eq!(reg.ids().len(), 1);
}

// §7: duplicate keys

const ENTRY: &str = r#"{"id": "fs-1", "name": "fs", "transport": {"type": "stdio", "command": "/bin/fs"}, "registered_at": "2026-11-21T10:00:00Z", "updated_at": "2026-11-21T10:00:00Z"}"#;

#[test]
fn duplicate_keys_anywhere_are_a_parse_error_naming_key_and_line() {
    let nested = ENTRY.replace(
        "\"name\": \"fs\"",
        "\"name\": \"fs\", \"meta\": {\"k\": \"1\", \"k\": \"2\"}",
    );
    let cases: Vec<(&str, String, &str, usize)> = vec![
        (
            "registry.json",
            format!("{{\n\"schema\": 1,\n\"servers\": [\n{ENTRY}\n],\n\"servers\": []\n}}\n"),
            "\"servers\"",
            6,
        ),
        (
            "registry.json",
            format!("{{\n\"schema\": 1,\n\"servers\": [\n{ENTRY}\n],\n\"schema\": 1\n}}\n"),
            "\"schema\"",
            6,
        ),
        (
            "registry.json",
            format!("{{\n\"schema\": 1,\n\"servers\": [\n{nested}\n]\n}}\n"),
            "\"k\"",
            4,
        ),
        (
            "registry.yaml",
            "schema: 1\nservers: []\nextra: 1\nservers: []\n".to_owned(),
            "\"servers\"",
            4,
        ),
        (
            "registry.yaml",
            "schema: 1\nservers:\n- id: fs-1\n  name: fs\n  transport: {type: stdio, command: /bin/fs}\n  registered_at: 2026-11-21T10:00:00Z\n  updated_at: 2026-11-21T10:00:00Z\n  meta:\n    k: '1'\n    k: '2'\n".to_owned(),
            "\"k\"",
            10,
        ),
    ];
    for (name, text, key, line) in cases {
        let reg = Reg::with_text(name, &text);
        for args in [
            &["list"][..],
            &["register", "--name", "new", "--", "/bin/new"],
        ] {
            reg.run(args)
                .code(2)
                .stderr_has(&format!("duplicate key {key}"))
                .stderr_has(&format!("{name}:{line}:"));
        }
        assert_eq!(
            reg.bytes().unwrap(),
            text.as_bytes(),
            "{name} was rewritten"
        );
    }
}

#[test]
fn duplicate_keys_in_an_import_or_an_export_target_are_refused() {
    let reg = Reg::new();
    reg.register("a", &[]);
    let file = reg.folder().join("mcp.json");
    let text =
        "{\n  \"mcpServers\": {\"x\": {\"command\": \"/bin/x\"}},\n  \"mcpServers\": {}\n}\n";
    fs::write(&file, text).unwrap();
    let at = file.to_str().unwrap();
    reg.run(&["register", "--from", at])
        .code(2)
        .stderr_has("mcp.json:3:")
        .stderr_has("duplicate key \"mcpServers\"");
    reg.run(&["export", "--to", "cursor", "-o", at])
        .code(2)
        .stderr_has("duplicate key \"mcpServers\"");
    assert_eq!(fs::read_to_string(&file).unwrap(), text);
    assert_eq!(reg.ids().len(), 1);
}

on_both_backends!(durations_out_of_range_are_refused_naming_the_flag);
