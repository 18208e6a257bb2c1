//! The blocking HTTP agent shared by the MCP probe and the etcd backend.
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
