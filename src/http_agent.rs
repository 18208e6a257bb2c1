//! The blocking HTTP agent shared by the MCP probe, the etcd backend and the
//! reader of a remote registry (`register --from URL`).
//!
//! ureq resolves host names on a helper thread whenever a timeout is set, even a
//! host written as an IP address: `health --probe` over fifty loopback servers
//! started five such threads per probe, more than the probes themselves. Hosts
//! written as addresses are taken as they are; names still go to ureq's resolver.

use std::net::{IpAddr, SocketAddr};
use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

/// An agent with `config` that resolves IP literals without a thread.
pub fn agent(config: Config) -> ureq::Agent {
    ureq::Agent::with_parts(
        config,
        DefaultConnector::default(),
        LiteralsFirst::default(),
    )
}

/// The body of a GET of `url` with `query`, bounded in time and bytes: the whole
/// answer of a success, or a message that says what went wrong.
pub fn get_text(
    url: &str,
    query: &[(&str, &str)],
    timeout: std::time::Duration,
    max_bytes: u64,
) -> Result<String, String> {
    let agent = agent(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .user_agent(format!("mcpreg/{}", env!("CARGO_PKG_VERSION")))
            .build(),
    );
    let mut request = agent.get(url).header("Accept", "application/json");
    for (k, v) in query {
        request = request.query(*k, *v);
    }
    let response = request.call().map_err(|e| match e {
        ureq::Error::Timeout(_) => {
            format!("no answer within {}", humantime::format_duration(timeout))
        }
        e => e.to_string(),
    })?;
    let status = response.status();
    let text = response
        .into_body()
        .with_config()
        .limit(max_bytes)
        .read_to_string()
        .map_err(|e| match e {
            ureq::Error::BodyExceedsLimit(_) => {
                format!("{url} answered more than {max_bytes} bytes; refused")
            }
            e => format!("reading the answer of {url}: {e}"),
        })?;
    if !status.is_success() {
        let first: String = text.chars().take(200).filter(|c| !c.is_control()).collect();
        return Err(format!("HTTP {status}: {first}"));
    }
    Ok(text)
}

#[derive(Debug, Default)]
struct LiteralsFirst(DefaultResolver);

impl Resolver for LiteralsFirst {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        match literal(uri) {
            Some(addr) => {
                let mut addrs = self.empty();
                addrs.push(addr);
                Ok(addrs)
            }
            None => self.0.resolve(uri, config, timeout),
        }
    }
}

/// The socket address of a URI whose host is an IP address.
fn literal(uri: &Uri) -> Option<SocketAddr> {
    let authority = uri.authority()?;
    let host = authority.host();
    let ip: IpAddr = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
        .parse()
        .ok()?;
    let port = authority.port_u16().or(match uri.scheme_str() {
        Some("http") => Some(80),
        Some("https") => Some(443),
        _ => None,
    })?;
    Some(SocketAddr::new(ip, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_literals_resolve_to_themselves_and_names_do_not() {
        let addr = |s: &str| literal(&s.parse().unwrap());
        assert_eq!(
            addr("http://127.0.0.1:8080/mcp"),
            Some("127.0.0.1:8080".parse().unwrap())
        );
        assert_eq!(addr("http://[::1]/x"), Some("[::1]:80".parse().unwrap()));
        assert_eq!(
            addr("https://10.0.0.1/"),
            Some("10.0.0.1:443".parse().unwrap())
        );
        assert_eq!(addr("http://localhost:8080/"), None);
    }
}
