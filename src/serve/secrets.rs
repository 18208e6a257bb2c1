//! Secrets stay secret: entries hold tokens in `env` and `headers`, and what
//! `serve` answers goes to an agent's context, often to a model provider.

use crate::catalog::{Entry, Transport};
use crate::interop::Target;
use std::collections::BTreeMap;

/// What an answer shows in place of a secret value.
pub const REDACTED: &str = "<redacted>";

#[derive(Clone, Copy, Debug)]
pub struct Secrets {
    /// `--show-secrets`: answer with the values themselves.
    pub show: bool,
}

impl Secrets {
    /// The entry as an answer shows it.
    pub fn answer(self, e: &Entry) -> Entry {
        self.replaced(e, |_| REDACTED.to_owned())
    }

    /// The entry as a client config for `to` shows it: each secret a placeholder
    /// the client fills in from its environment where it has such a syntax (the
    /// client's `env_ref`; the others have none mcpreg knows to be read).
    pub fn config(self, e: &Entry, to: Target) -> Entry {
        let env_ref = match to {
            Target::Client(client) => client.env_ref,
            Target::ServerJson => None,
        };
        self.replaced(e, |name| match env_ref {
            Some((before, after)) => format!("{before}{}{after}", env_name(name)),
            None => REDACTED.to_owned(),
        })
    }

    fn replaced(self, e: &Entry, placeholder: impl Fn(&str) -> String) -> Entry {
        let mut e = e.clone();
        if self.show {
            return e;
        }
        let hide = |map: &mut BTreeMap<String, String>| {
            for (k, v) in map.iter_mut() {
                *v = placeholder(k);
            }
        };
        match &mut e.declared.transport {
            Transport::Stdio { env, .. } => hide(env),
            Transport::StreamableHttp { headers, .. } | Transport::Sse { headers, .. } => {
                hide(headers);
            }
        }
        e
    }
}

/// An environment variable name for a key: `Authorization` -> `AUTHORIZATION`,
/// `X-Api-Key` -> `X_API_KEY`.
fn env_name(key: &str) -> String {
    key.chars()
        .map(|c| match c {
            'a'..='z' => c.to_ascii_uppercase(),
            'A'..='Z' | '0'..='9' | '_' => c,
            _ => '_',
        })
        .collect()
}
