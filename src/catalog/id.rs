//! Entry ids: derived so that running the same `register` line twice updates one
//! entry, and validated so that an id is always safe as a file name, an etcd key
//! segment and a shell word.

use super::transport::Transport;
use std::hash::Hasher;

const MAX_ID_LEN: usize = 128;
const MAX_SLUG_LEN: usize = 40;

/// `slug(name)-hhhhhh`, where the hash covers the transport's identity (type plus
/// URL, or command plus arguments) but not its environment or headers: changing a
/// token must update the entry, not fork it.
pub fn derive(name: &str, transport: &Transport) -> String {
    let mut hasher = Fnv1a::new();
    hasher.write(transport.kind().as_str().as_bytes());
    match transport {
        Transport::Stdio {
            command, args, cwd, ..
        } => {
            for word in std::iter::once(command).chain(args) {
                hasher.write(&[0]);
                hasher.write(word.as_bytes());
            }
            // Only a command that runs in a folder of its own hashes that folder,
            // so every id derived before `cwd` existed is derived the same today,
            // and `node dist/index.js` from two projects gets two ids.
            if let Some(cwd) = cwd {
                hasher.write(&[1]);
                hasher.write(cwd.as_bytes());
            }
        }
        Transport::StreamableHttp { url, .. } | Transport::Sse { url, .. } => {
            hasher.write(&[0]);
            hasher.write(url.as_bytes());
        }
    }
    format!("{}-{:06x}", slug(name), hasher.finish() & 0xff_ffff)
}

fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= MAX_SLUG_LEN {
            break;
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "server".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// Checks an id given by hand (`--id`) or read from a peer.
///
/// Allowed: ASCII letters, digits, `.`, `_`, `-`, starting with a letter or digit,
/// at most 128 bytes. Nothing that a shell, a path or an etcd key would read twice.
pub fn validate(id: &str) -> Result<(), String> {
    let Some(first) = id.chars().next() else {
        return Err("an id cannot be empty".into());
    };
    if id.len() > MAX_ID_LEN {
        return Err(format!("an id is at most {MAX_ID_LEN} bytes"));
    }
    if !first.is_ascii_alphanumeric() {
        return Err("an id starts with a letter or a digit".into());
    }
    if let Some(bad) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Err(format!(
            "{bad:?} is not allowed in an id (use letters, digits, '.', '_' and '-')"
        ));
    }
    Ok(())
}

/// 64-bit FNV-1a: tiny, and unlike std's hashers its output is fixed forever,
/// which a derived id needs across versions and machines. It is also several times
/// faster than std's `SipHash` on short keys, which is why `find --query` keys its
/// table of words with it.
pub struct Fnv1a(u64);

impl Fnv1a {
    pub fn new() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a::new()
    }
}

impl Hasher for Fnv1a {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn stdio(command: &str, args: &[&str]) -> Transport {
        Transport::Stdio {
            command: command.into(),
            args: args.iter().map(|s| (*s).to_owned()).collect(),
            env: BTreeMap::new(),
            cwd: None,
        }
    }

    #[test]
    fn derived_ids_are_stable_and_valid() {
        let id = derive("File System!", &stdio("/bin/fs", &["/data"]));
        assert_eq!(id, derive("File System!", &stdio("/bin/fs", &["/data"])));
        assert!(id.starts_with("file-system-"), "{id}");
        assert_eq!(id.len(), "file-system-".len() + 6);
        validate(&id).unwrap();
        // Pinned: a change here would fork every registered entry on upgrade.
        assert_eq!(derive("x", &stdio("a", &[])), "x-df916d");
    }

    #[test]
    fn a_working_folder_changes_the_id_and_none_keeps_the_old_one() {
        let plain = stdio("node", &["dist/index.js"]);
        let in_folder = |cwd: &str| {
            let mut t = plain.clone();
            if let Transport::Stdio { cwd: c, .. } = &mut t {
                *c = Some(cwd.into());
            }
            derive("app", &t)
        };
        assert_eq!(
            derive("app", &plain),
            derive("app", &stdio("node", &["dist/index.js"]))
        );
        assert_ne!(in_folder("/srv/a"), in_folder("/srv/b"));
        assert_ne!(in_folder("/srv/a"), derive("app", &plain));
    }

    #[test]
    fn endpoint_changes_the_id_but_environment_does_not() {
        let a = derive("fs", &stdio("/bin/fs", &["/a"]));
        let b = derive("fs", &stdio("/bin/fs", &["/b"]));
        let joined = derive("fs", &stdio("/bin/fs /a", &[]));
        assert_ne!(a, b);
        assert_ne!(a, joined);
        let mut with_env = stdio("/bin/fs", &["/a"]);
        if let Transport::Stdio { env, .. } = &mut with_env {
            env.insert("TOKEN".into(), "x".into());
        }
        assert_eq!(a, derive("fs", &with_env));
    }

    #[test]
    fn unusable_names_still_give_a_valid_id() {
        let id = derive("!!!", &stdio("x", &[]));
        assert!(id.starts_with("server-"));
        let long = derive(&"a".repeat(500), &stdio("x", &[]));
        validate(&long).unwrap();
    }

    #[test]
    fn ids_that_would_break_a_path_or_a_shell_are_refused() {
        for bad in [
            "", "../x", "a/b", "a b", "$(rm)", "-rf", ".hidden", "a;b", "é",
        ] {
            assert!(validate(bad).is_err(), "{bad:?} accepted");
        }
        validate("filesystem-3fa2c1").unwrap();
        validate("A.b_c-1").unwrap();
    }
}
