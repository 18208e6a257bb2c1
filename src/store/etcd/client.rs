//! One conversation with an etcd cluster over its v3 JSON gateway: which endpoints,
//! over http or https (with the operator's CA and client certificate), as which
//! user, and the retry rules shared by every request.
//!
//! Authentication follows etcdctl: a token from `/v3/auth/authenticate`, sent in the
//! `Authorization` header of every request, fetched again once when etcd says it is
//! invalid or expired (simple tokens expire after `--auth-token-ttl` of disuse).
//! The password never appears in a message, and neither does a password written
//! into the registry URL (which is refused).

use crate::error::{Error, Result};
use serde_json::{Value, json};
use std::cell::{Cell, RefCell};
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Pause between two rounds over the endpoints while none answers.
const RETRY_PAUSE: Duration = Duration::from_millis(100);
/// The most a certificate, key or password file may hold.
const SECRET_FILE_LIMIT: u64 = 1024 * 1024;
/// The most one answer from etcd may hold.
const ANSWER_LIMIT: u64 = 64 * 1024 * 1024;

/// How to reach etcd securely: certificates and credentials, from flags or the
/// environment (`MCPREG_ETCD_*` first, then etcdctl's `ETCDCTL_*`).
#[derive(Clone, Debug, Default)]
pub struct Access {
    /// Certificates came from our own flags or `MCPREG_ETCD_*` (not only from
    /// etcdctl's environment): then a plain etcd:// registry is a mistake.
    pub tls_asked: bool,
    pub cacert: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    pub user: Option<String>,
    /// Where the password comes from; never the password itself in a flag.
    pub password: Password,
}

#[derive(Clone, Default)]
pub enum Password {
    #[default]
    None,
    /// From `MCPREG_ETCD_PASSWORD`.
    Given(String),
    /// From --etcd-password-file.
    File(PathBuf),
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Password::None => f.write_str("None"),
            Password::Given(_) => f.write_str("Given(<redacted>)"),
            Password::File(p) => write!(f, "File({p:?})"),
        }
    }
}

/// `etcd[s]://[USER@]HOST:PORT[,HOST:PORT...][/PREFIX]`, parsed.
#[derive(Debug, PartialEq)]
pub struct Location {
    /// The location as it may be shown: without credentials.
    pub shown: String,
    pub endpoints: Vec<String>,
    pub prefix: String,
    pub user: Option<String>,
}

impl Location {
    pub fn parse(location: &str) -> Result<Location> {
        let (tls, rest) = if let Some(rest) = location.strip_prefix("etcds://") {
            (true, rest)
        } else if let Some(rest) = location.strip_prefix("etcd://") {
            (false, rest)
        } else {
            return Err(Error::usage(
                "--registry",
                format!(
                    "{}: an etcd registry is etcd://HOST:PORT[,HOST:PORT...]/PREFIX (etcds:// for TLS)",
                    redact(location)
                ),
            ));
        };
        let scheme = if tls { "etcds" } else { "etcd" };
        let (authority, prefix) = match rest.find('/') {
            Some(i) => (&rest[..i], rest[i..].trim_end_matches('/')),
            None => (rest, ""),
        };
        let (user, hosts) = match authority.rsplit_once('@') {
            Some((userinfo, hosts)) => (Some(userinfo), hosts),
            None => (None, authority),
        };
        let shown_user = user.map(|u| match u.split_once(':') {
            Some((name, _)) => format!("{name}:***@"),
            None => format!("{u}@"),
        });
        let shown = format!(
            "{scheme}://{}{hosts}{prefix}",
            shown_user.as_deref().unwrap_or("")
        );
        let bad = |why: String| Error::usage("--registry", format!("{shown}: {why}"));
        let user = match user {
            Some(u) if u.contains(':') => {
                return Err(bad(
                    "a password in the registry URL would show in `ps` and in shell history; \
                     give it in MCPREG_ETCD_PASSWORD or --etcd-password-file"
                        .into(),
                ));
            }
            Some("") => return Err(bad("the user name before @ is empty".into())),
            Some(u) => Some(u.to_owned()),
            None => None,
        };
        let endpoints = hosts
            .split(',')
            .map(|h| {
                let port_ok = h.rsplit_once(':').is_some_and(|(host, port)| {
                    !host.is_empty() && port.parse::<u16>().is_ok_and(|p| p > 0)
                });
                if port_ok {
                    Ok(format!("{}://{h}", if tls { "https" } else { "http" }))
                } else {
                    Err(bad(format!("{h:?} is not HOST:PORT")))
                }
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Location {
            shown,
            endpoints,
            prefix: if prefix.is_empty() {
                "/mcpreg".into()
            } else {
                prefix.into()
            },
            user,
        })
    }
}

/// The location with any password in it replaced by `***`, for messages about a
/// location that did not parse.
pub fn redact(location: &str) -> String {
    let Some((scheme, rest)) = location.split_once("://") else {
        return location.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rsplit_once('@') {
        Some((userinfo, _)) => {
            let name = userinfo.split_once(':').map_or(userinfo, |(n, _)| n);
            let masked = if userinfo.contains(':') {
                format!("{name}:***")
            } else {
                name.to_owned()
            };
            format!("{scheme}://{masked}{}", &rest[userinfo.len()..])
        }
        None => location.to_owned(),
    }
}

/// An error etcd answered with, as the gateway reports gRPC statuses.
enum Refusal {
    /// Try the next endpoint (connection failure, no leader).
    Transient(String),
    /// The token was refused: authenticate again.
    Token(String),
    Final(Error),
}

/// A user name and password, checked by etcd for a token.
#[derive(Clone)]
struct Credentials {
    user: String,
    password: String,
}

#[derive(Clone)]
pub struct Client {
    pub shown: String,
    pub endpoints: Vec<String>,
    pub prefix: String,
    agent: ureq::Agent,
    /// The same TLS settings, without an overall timeout: for watch streams.
    stream_agent: ureq::Agent,
    /// The endpoint that answered last; tried first next time.
    current: Cell<usize>,
    timeout: Duration,
    credentials: Option<Credentials>,
    token: RefCell<Option<String>>,
}

impl Client {
    pub fn new(location: &str, access: &Access, timeout: Duration) -> Result<Client> {
        let parsed = Location::parse(location)?;
        if access.tls_asked && parsed.endpoints.iter().any(|e| e.starts_with("http://")) {
            return Err(Error::usage(
                "--etcd-cacert",
                format!(
                    "{}: certificates were given for a plain-text registry; spell it etcds:// for TLS",
                    parsed.shown
                ),
            ));
        }
        let tls = tls_config(access)?;
        let base = |overall: Option<Duration>| {
            crate::http_agent::agent(
                ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .max_redirects(0)
                    .proxy(None)
                    .timeout_global(overall)
                    .timeout_connect(Some(timeout))
                    .tls_config(tls.clone())
                    .user_agent(format!("mcpreg/{}", env!("CARGO_PKG_VERSION")))
                    .build(),
            )
        };
        let user = access.user.clone().or(parsed.user.clone());
        let credentials = match (&user, &access.password) {
            (None, Password::None) => None,
            (None, _) => {
                return Err(Error::usage(
                    "--etcd-user",
                    "a password was given but no user (--etcd-user or MCPREG_ETCD_USER)",
                ));
            }
            (Some(user), Password::None) => {
                return Err(Error::usage(
                    "--etcd-user",
                    format!(
                        "user {user} has no password: set MCPREG_ETCD_PASSWORD or give --etcd-password-file"
                    ),
                ));
            }
            (Some(user), Password::Given(p)) => Some(Credentials {
                user: user.clone(),
                password: p.clone(),
            }),
            (Some(user), Password::File(path)) => {
                let text = read_secret_file(path, "--etcd-password-file")?;
                let password = String::from_utf8(text).map_err(|_| {
                    Error::usage(
                        "--etcd-password-file",
                        format!("{}: is not UTF-8 text", path.display()),
                    )
                })?;
                Some(Credentials {
                    user: user.clone(),
                    // One line, as `echo secret > file` writes it.
                    password: password.trim_end_matches(['\n', '\r']).to_owned(),
                })
            }
        };
        Ok(Client {
            shown: parsed.shown,
            endpoints: parsed.endpoints,
            prefix: parsed.prefix,
            agent: base(Some(timeout)),
            stream_agent: base(None),
            current: Cell::new(0),
            timeout,
            credentials,
            token: RefCell::new(None),
        })
    }

    pub fn failure(&self, at: &str, message: impl Into<String>) -> Error {
        Error::Etcd {
            at: at.to_owned(),
            message: message.into(),
        }
    }

    /// POSTs `body` to `path`, trying each endpoint from the last good one until
    /// one answers. A connection failure, or a member that is between leaders
    /// (HTTP 503), moves on to the next endpoint, round after round, until the
    /// timeout; any other error is final. Retrying is safe: every write is a
    /// compare-and-swap, a delete, or a lease grant that expires unused.
    pub fn call(&self, path: &str, body: &Value) -> Result<Value> {
        let payload = body.to_string();
        let deadline = Instant::now() + self.timeout;
        let n = self.endpoints.len();
        let mut authenticated_again = false;
        loop {
            let mut failures = Vec::new();
            let mut retry_now = false;
            for k in 0..n {
                let i = (self.current.get() + k) % n;
                let endpoint = &self.endpoints[i];
                let reply = self
                    .token(endpoint)
                    .and_then(|token| self.call_one(endpoint, path, &payload, token.as_deref()));
                match reply {
                    Ok(value) => {
                        self.current.set(i);
                        return Ok(value);
                    }
                    Err(Refusal::Transient(why)) => failures.push(format!("{endpoint}: {why}")),
                    Err(Refusal::Token(why)) if !authenticated_again => {
                        // Once per request: a token refused right after it was
                        // issued is a configuration problem, not an expiry.
                        authenticated_again = true;
                        *self.token.borrow_mut() = None;
                        failures.push(format!("{endpoint}: {why}"));
                        retry_now = true;
                        break;
                    }
                    Err(Refusal::Token(why)) => {
                        return Err(self.failure(&format!("{endpoint}{path}"), why));
                    }
                    Err(Refusal::Final(e)) => return Err(e),
                }
            }
            if retry_now {
                continue;
            }
            if Instant::now() + RETRY_PAUSE >= deadline {
                return Err(self.failure(
                    &self.shown,
                    format!("no etcd endpoint answered ({})", failures.join("; ")),
                ));
            }
            std::thread::sleep(RETRY_PAUSE);
        }
    }

    /// The token to send, fetched first if there is none yet.
    fn token(&self, endpoint: &str) -> std::result::Result<Option<String>, Refusal> {
        let Some(credentials) = &self.credentials else {
            return Ok(None);
        };
        if let Some(token) = self.token.borrow().as_ref() {
            return Ok(Some(token.clone()));
        }
        let body = json!({ "name": credentials.user, "password": credentials.password });
        let at = format!("{endpoint}/v3/auth/authenticate");
        let answer = self
            .call_one(endpoint, "/v3/auth/authenticate", &body.to_string(), None)
            .map_err(|refusal| match refusal {
                // Wrong user or password: said without either's secret part.
                Refusal::Final(Error::Etcd { message, .. })
                    if message.contains("authentication failed") =>
                {
                    Refusal::Final(self.failure(
                        &self.shown,
                        format!("user {} could not log in: {message}", credentials.user),
                    ))
                }
                Refusal::Token(why) => Refusal::Final(self.failure(&at, why)),
                other => other,
            })?;
        let token = answer["token"].as_str().map(str::to_owned).ok_or_else(|| {
            Refusal::Final(self.failure(&at, "etcd answered without a token (is auth enabled?)"))
        })?;
        *self.token.borrow_mut() = Some(token.clone());
        Ok(Some(token))
    }

    /// The token for a watch stream on `endpoint`.
    fn stream_token(&self, endpoint: &str) -> std::result::Result<Option<String>, String> {
        self.token(endpoint).map_err(|refusal| match refusal {
            Refusal::Transient(why) | Refusal::Token(why) => why,
            Refusal::Final(e) => e.to_string(),
        })
    }

    pub fn stream_request(
        &self,
        endpoint: &str,
        path: &str,
        payload: &str,
    ) -> std::result::Result<ureq::http::Response<ureq::Body>, String> {
        let mut request = self
            .stream_agent
            .post(format!("{endpoint}{path}"))
            .header("Content-Type", "application/json");
        let token = self.stream_token(endpoint)?;
        if let Some(token) = &token {
            request = request.header("Authorization", token);
        }
        let response = request
            .send(payload.as_bytes())
            .map_err(|e| format!("etcd watch on {endpoint}: {e}"))?;
        if !response.status().is_success() {
            if response.status().as_u16() == 401 {
                *self.token.borrow_mut() = None;
            }
            return Err(format!(
                "etcd watch on {endpoint}: HTTP {}",
                response.status().as_u16()
            ));
        }
        Ok(response)
    }

    /// One request to one endpoint.
    fn call_one(
        &self,
        endpoint: &str,
        path: &str,
        payload: &str,
        token: Option<&str>,
    ) -> std::result::Result<Value, Refusal> {
        let url = format!("{endpoint}{path}");
        let mut request = self
            .agent
            .post(&url)
            .header("Content-Type", "application/json");
        if let Some(token) = token {
            request = request.header("Authorization", token);
        }
        let response = match request.send(payload.as_bytes()) {
            Ok(r) => r,
            Err(e @ (ureq::Error::Rustls(_) | ureq::Error::Tls(_) | ureq::Error::Pem(_))) => {
                return Err(Refusal::Final(self.failure(
                    endpoint,
                    format!("TLS: {e} (check --etcd-cacert, --etcd-cert and --etcd-key)"),
                )));
            }
            Err(ureq::Error::Io(e)) if is_tls_failure(&e) => {
                return Err(Refusal::Final(self.failure(
                    endpoint,
                    format!("TLS: {e} (check --etcd-cacert, --etcd-cert and --etcd-key)"),
                )));
            }
            Err(e) => return Err(Refusal::Transient(e.to_string())),
        };
        let status = response.status();
        let text = response
            .into_body()
            .with_config()
            .limit(ANSWER_LIMIT)
            .read_to_string()
            .map_err(|e| {
                Refusal::Final(self.failure(
                    &url,
                    match e {
                        ureq::Error::BodyExceedsLimit(_) => {
                            format!("an answer over {ANSWER_LIMIT} bytes; refused")
                        }
                        e => format!("reading the answer: {e}"),
                    },
                ))
            })?;
        if text.contains("CommonName of client") {
            return Err(Refusal::Final(self.failure(
                endpoint,
                "etcd refuses client certificates with a CommonName (CN) on its JSON gateway: \
                 use a client certificate without a CN, and --etcd-user for the user",
            )));
        }
        let value: Value = serde_json::from_str(&text).map_err(|e| {
            Refusal::Final(self.failure(&url, format!("not JSON ({e}): {}", snippet(&text))))
        })?;
        if status.is_success() {
            return Ok(value);
        }
        let message = value["message"]
            .as_str()
            .or(value["error"].as_str())
            .unwrap_or(&text)
            .to_owned();
        let failure = format!("HTTP {}: {message}", status.as_u16());
        if status.as_u16() == 503 {
            return Err(Refusal::Transient(failure));
        }
        if message.contains("invalid auth token") || message.contains("auth token is expired") {
            return Err(Refusal::Token(failure));
        }
        if message.contains("permission denied") || message.contains("user name is empty") {
            let user = self
                .credentials
                .as_ref()
                .map_or("(no user: give --etcd-user)".to_owned(), |c| c.user.clone());
            return Err(Refusal::Final(self.failure(
                &self.shown,
                format!(
                    "permission denied: etcd user {user} may not read and write keys under {}/ \
                     (grant a role with readwrite on that prefix; {message})",
                    self.prefix
                ),
            )));
        }
        Err(Refusal::Final(self.failure(&url, failure)))
    }
}

/// rustls reports a refused certificate as an I/O error of kind `InvalidData`.
fn is_tls_failure(e: &std::io::Error) -> bool {
    let text = e.to_string();
    e.kind() == std::io::ErrorKind::InvalidData
        || text.contains("certificate")
        || text.contains("handshake")
}

fn tls_config(access: &Access) -> Result<ureq::tls::TlsConfig> {
    use ureq::tls::{ClientCert, PrivateKey, RootCerts, TlsConfig};
    let mut builder = TlsConfig::builder();
    if let Some(path) = &access.cacert {
        let certs = certificates(path, "--etcd-cacert")?;
        builder = builder.root_certs(RootCerts::new_with_certs(&certs));
    }
    match (&access.cert, &access.key) {
        (Some(cert), Some(key)) => {
            let chain = certificates(cert, "--etcd-cert")?;
            let key_pem = read_secret_file(key, "--etcd-key")?;
            let key = PrivateKey::from_pem(&key_pem).map_err(|e| {
                Error::usage(
                    "--etcd-key",
                    format!("{}: not a PEM private key ({e})", key.display()),
                )
            })?;
            builder = builder.client_cert(Some(ClientCert::new_with_certs(&chain, key)));
        }
        (None, None) => {}
        (Some(_), None) => {
            return Err(Error::usage(
                "--etcd-cert",
                "a client certificate needs its key: give --etcd-key too",
            ));
        }
        (None, Some(_)) => {
            return Err(Error::usage(
                "--etcd-key",
                "a client key needs its certificate: give --etcd-cert too",
            ));
        }
    }
    Ok(builder.build())
}

/// The certificates of a PEM file given with `flag`; at least one.
fn certificates(path: &Path, flag: &str) -> Result<Vec<ureq::tls::Certificate<'static>>> {
    let pem = read_secret_file(path, flag)?;
    let certs: Vec<_> = ureq::tls::parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
            _ => None,
        })
        .collect();
    if certs.is_empty() {
        return Err(Error::usage(
            flag,
            format!("{}: holds no PEM certificate", path.display()),
        ));
    }
    Ok(certs)
}

/// A certificate, key or password file: a regular file, read up to a bound.
pub fn read_secret_file(path: &Path, flag: &str) -> Result<Vec<u8>> {
    let bad = |why: String| Error::usage(flag, format!("{}: {why}", path.display()));
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| bad(e.to_string()))?;
    let meta = file.metadata().map_err(|e| bad(e.to_string()))?;
    if !meta.is_file() {
        return Err(bad("is not a regular file".into()));
    }
    let mut bytes = Vec::new();
    file.take(SECRET_FILE_LIMIT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| bad(e.to_string()))?;
    if bytes.len() as u64 > SECRET_FILE_LIMIT {
        return Err(bad(format!("is larger than {SECRET_FILE_LIMIT} bytes")));
    }
    Ok(bytes)
}

fn snippet(text: &str) -> String {
    text.chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_name_endpoints_a_prefix_and_a_user() {
        let l = Location::parse("etcd://127.0.0.1:2379,[::1]:2380/team/a/").unwrap();
        assert_eq!(l.endpoints, ["http://127.0.0.1:2379", "http://[::1]:2380"]);
        assert_eq!(l.prefix, "/team/a");
        let s = Location::parse("etcds://ops@h:2379").unwrap();
        assert_eq!(s.endpoints, ["https://h:2379"]);
        assert_eq!(s.prefix, "/mcpreg");
        assert_eq!(s.user.as_deref(), Some("ops"));
        for bad in [
            "etcd://",
            "etcd://host",
            "etcd://host:0/x",
            "etcd://:2379",
            "etcd://h:1,/x",
            "etcd://@h:1/x",
            "http://h:1/x",
        ] {
            assert!(Location::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn a_password_in_the_url_is_refused_and_never_echoed() {
        let err = Location::parse("etcd://ops:hunter2@h:2379/p")
            .err()
            .unwrap()
            .to_string();
        assert!(!err.contains("hunter2"), "{err}");
        assert!(err.contains("etcd://ops:***@h:2379/p"), "{err}");
        let err = Location::parse("etcd://ops:hunter2@nohost/p")
            .err()
            .unwrap()
            .to_string();
        assert!(!err.contains("hunter2"), "{err}");
        assert_eq!(redact("ftp://a:b@c/d"), "ftp://a:***@c/d");
        assert!(!redact("etcdx://u:secret@h/p").contains("secret"));
    }
}
