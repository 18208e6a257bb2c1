//! What to scan: CIDR blocks and single addresses, port SPECs, the limits of
//! README "Scanning", and the flat index space the sweep walks (block, address, port).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Probes one block may need before `--allow-large` is required.
pub const MAX_PROBES_PER_BLOCK: u128 = 65_536;

/// A CIDR block (a single address is a /32 or a /128), host bits cleared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    network: IpAddr,
    prefix: u8,
}

impl Block {
    /// `10.1.0.0/24`, `127.0.0.1`, `::1/128`, `[::1]`, `fd00::/120`. Host bits
    /// below the prefix are cleared, as nmap does (`10.1.2.3/24` is `10.1.2.0/24`).
    pub fn parse(text: &str) -> Result<Block, String> {
        let s = text.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr = addr
            .strip_prefix('[')
            .and_then(|a| a.strip_suffix(']'))
            .unwrap_or(addr);
        let ip: IpAddr = addr.parse().map_err(|_| {
            format!(
                "{text:?} is not an IP address or CIDR block (examples: 127.0.0.1, 10.1.0.0/24, ::1/128)"
            )
        })?;
        let bits = bits_of(ip);
        let prefix = match prefix {
            None => bits,
            Some("") => return Err(format!("{text:?}: the prefix length after '/' is missing")),
            Some(p) => match p.parse::<u8>() {
                Ok(n) if n <= bits => n,
                Ok(n) => {
                    return Err(format!(
                        "{text:?}: prefix length {n} is more than the {bits} bits of an {} address",
                        if ip.is_ipv4() { "IPv4" } else { "IPv6" }
                    ));
                }
                Err(_) => {
                    return Err(format!(
                        "{text:?}: the prefix length {p:?} is not a number from 0 to {bits}"
                    ));
                }
            },
        };
        Ok(Block {
            network: from_bits(ip, to_bits(ip) & mask(bits, prefix)),
            prefix,
        })
    }

    /// How many addresses the block holds.
    pub fn len(&self) -> u128 {
        let host_bits = u32::from(bits_of(self.network) - self.prefix);
        if host_bits >= 128 {
            u128::MAX // ::/0; never scanned, only refused
        } else {
            1u128 << host_bits
        }
    }

    /// The `i`th address of the block; `i < len()`.
    pub fn nth(&self, i: u128) -> IpAddr {
        from_bits(self.network, to_bits(self.network) + i)
    }

    /// Whether every address of the block is inside `range`.
    fn within(&self, range: &Block) -> bool {
        self.network.is_ipv4() == range.network.is_ipv4()
            && self.prefix >= range.prefix
            && to_bits(self.network) & mask(bits_of(range.network), range.prefix)
                == to_bits(range.network)
    }

    /// Inside loopback, RFC 1918 private, link-local or ULA space (an
    /// IPv4-mapped IPv6 block counts as its IPv4 block).
    pub fn is_local(&self) -> bool {
        if let IpAddr::V6(v6) = self.network
            && self.prefix >= 96
            && let Some(v4) = v6.to_ipv4_mapped()
        {
            return Block {
                network: IpAddr::V4(v4),
                prefix: self.prefix - 96,
            }
            .is_local();
        }
        LOCAL_RANGES
            .iter()
            .any(|(net, prefix)| self.within(&Block::parse(&format!("{net}/{prefix}")).unwrap()))
    }
}

impl fmt::Display for Block {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// Loopback, RFC 1918, link-local (v4, v6), ULA.
const LOCAL_RANGES: [(&str, u8); 8] = [
    ("127.0.0.0", 8),
    ("10.0.0.0", 8),
    ("172.16.0.0", 12),
    ("192.168.0.0", 16),
    ("169.254.0.0", 16),
    ("::1", 128),
    ("fe80::", 10),
    ("fc00::", 7),
];

fn bits_of(ip: IpAddr) -> u8 {
    if ip.is_ipv4() { 32 } else { 128 }
}

fn to_bits(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(v4) => u128::from(u32::from(v4)),
        IpAddr::V6(v6) => u128::from(v6),
    }
}

fn from_bits(like: IpAddr, bits: u128) -> IpAddr {
    match like {
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::from(u32::try_from(bits).unwrap_or(u32::MAX))),
        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::from(bits)),
    }
}

/// The network mask of `prefix` for addresses of `bits` bits, as a u128.
fn mask(bits: u8, prefix: u8) -> u128 {
    let all: u128 = if bits == 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    };
    let host_bits = u32::from(bits - prefix);
    if host_bits >= 128 {
        0
    } else {
        all & !((1u128 << host_bits) - 1)
    }
}

/// A port SPEC: `8080`, `8080-8090`, `3000,8080-8082`; kept as sorted,
/// merged, inclusive ranges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ports {
    ranges: Vec<(u16, u16)>,
    /// `starts[i]`: how many ports come before `ranges[i]`.
    starts: Vec<u32>,
    count: u32,
}

impl Ports {
    pub fn parse(spec: &str) -> Result<Ports, String> {
        let port = |s: &str| -> Result<u16, String> {
            let s = s.trim();
            match s.parse::<u64>() {
                Ok(0) => Err(format!(
                    "port 0 cannot be scanned (ports go from 1 to 65535) in {spec:?}"
                )),
                Ok(n) => {
                    u16::try_from(n).map_err(|_| format!("port {n} is above 65535 in {spec:?}"))
                }
                Err(_) if s.is_empty() => Err(format!(
                    "{spec:?} has an empty item (examples: 8080, 8080-8090, 3000,8080-8082)"
                )),
                Err(_) => Err(format!(
                    "{s:?} is not a port number in {spec:?} (examples: 8080, 8080-8090, 3000,8080-8082)"
                )),
            }
        };
        let mut ranges = Vec::new();
        for item in spec.split(',') {
            let (lo, hi) = match item.split_once('-') {
                Some((a, b)) => (port(a)?, port(b)?),
                None => {
                    let p = port(item)?;
                    (p, p)
                }
            };
            if lo > hi {
                return Err(format!(
                    "the range {lo}-{hi} is reversed in {spec:?} (did you mean {hi}-{lo}?)"
                ));
            }
            ranges.push((lo, hi));
        }
        ranges.sort_unstable();
        let mut merged: Vec<(u16, u16)> = Vec::with_capacity(ranges.len());
        for (lo, hi) in ranges {
            match merged.last_mut() {
                Some(last) if u32::from(lo) <= u32::from(last.1) + 1 => last.1 = last.1.max(hi),
                _ => merged.push((lo, hi)),
            }
        }
        let mut starts = Vec::with_capacity(merged.len());
        let mut count = 0u32;
        for (lo, hi) in &merged {
            starts.push(count);
            count += u32::from(hi - lo) + 1;
        }
        Ok(Ports {
            ranges: merged,
            starts,
            count,
        })
    }

    pub fn count(&self) -> u32 {
        self.count
    }

    /// The `i`th port in ascending order; `i < count()`.
    pub fn nth(&self, i: u32) -> u16 {
        let r = self.starts.partition_point(|&s| s <= i) - 1;
        let offset = u16::try_from(i - self.starts[r]).unwrap_or(u16::MAX);
        self.ranges[r].0 + offset
    }
}

/// A limit of README "Scanning" that a block breaks, naming the block and the flag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LimitError {
    pub block: String,
    pub message: String,
}

/// Everything one scan sends a SYN to: blocks × ports, walked by one index.
#[derive(Clone, Debug)]
pub struct Plan {
    blocks: Vec<Block>,
    ports: Ports,
    /// `starts[i]`: how many probes come before `blocks[i]`.
    starts: Vec<u64>,
    total: u64,
}

impl Plan {
    /// Checks the limits (probes per block, address ranges) and builds the plan.
    pub fn new(
        blocks: Vec<Block>,
        ports: Ports,
        allow_large: bool,
        allow_public: bool,
    ) -> Result<Plan, LimitError> {
        let mut starts = Vec::with_capacity(blocks.len());
        let mut total: u128 = 0;
        for block in &blocks {
            if !allow_public && !block.is_local() {
                return Err(LimitError {
                    block: block.to_string(),
                    message: "outside the loopback, private (RFC 1918), link-local and ULA ranges; pass --allow-public to scan it".into(),
                });
            }
            let probes = block.len().saturating_mul(u128::from(ports.count()));
            if !allow_large && probes > MAX_PROBES_PER_BLOCK {
                return Err(LimitError {
                    block: block.to_string(),
                    message: format!(
                        "{probes} probes ({} x {}) are more than {MAX_PROBES_PER_BLOCK} per block; pass --allow-large to scan it anyway",
                        plural(block.len(), "address", "addresses"),
                        plural(ports.count().into(), "port", "ports"),
                    ),
                });
            }
            starts.push(u64::try_from(total).unwrap_or(u64::MAX));
            total = total.saturating_add(probes);
            if total > u128::from(u64::MAX >> 1) {
                return Err(LimitError {
                    block: block.to_string(),
                    message: "too many probes to run, even with --allow-large".into(),
                });
            }
        }
        Ok(Plan {
            blocks,
            ports,
            starts,
            total: u64::try_from(total).unwrap_or(u64::MAX),
        })
    }

    /// How many connects the scan makes.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// How many addresses the blocks hold (overlaps counted twice).
    pub fn addresses(&self) -> u128 {
        self.blocks.iter().map(Block::len).sum()
    }

    pub fn ports(&self) -> &Ports {
        &self.ports
    }

    /// The `i`th probe; `i < total()`. Ports vary fastest.
    pub fn target(&self, i: u64) -> SocketAddr {
        let b = self.starts.partition_point(|&s| s <= i) - 1;
        let within = i - self.starts[b];
        let n = u64::from(self.ports.count());
        let ip = self.blocks[b].nth(u128::from(within / n));
        let port = self.ports.nth(u32::try_from(within % n).unwrap_or(0));
        SocketAddr::new(ip, port)
    }
}

/// `1 port`, `2 ports`.
pub fn plural(n: u128, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(s: &str) -> Block {
        Block::parse(s).unwrap()
    }

    #[test]
    fn blocks_parse_v4_v6_and_single_addresses() {
        assert_eq!(block("127.0.0.1").to_string(), "127.0.0.1/32");
        assert_eq!(block("127.0.0.1").len(), 1);
        assert_eq!(block("10.1.2.3/24").to_string(), "10.1.2.0/24");
        assert_eq!(block("10.1.2.3/24").len(), 256);
        assert_eq!(block("127.77.0.0/16").len(), 65_536);
        assert_eq!(block("::1/128").to_string(), "::1/128");
        assert_eq!(block("::1/128").len(), 1);
        assert_eq!(block("::1").nth(0), "::1".parse::<IpAddr>().unwrap());
        assert_eq!(block("[::1]").to_string(), "::1/128");
        assert_eq!(block("fd00::1/120").to_string(), "fd00::/120");
        assert_eq!(block("fd00::/120").len(), 256);
        assert_eq!(
            block("fd00::/120").nth(255),
            "fd00::ff".parse::<IpAddr>().unwrap()
        );
        assert_eq!(block("0.0.0.0/0").len(), 1 << 32);
        assert_eq!(block("::/0").len(), u128::MAX);
        assert_eq!(
            block("127.0.0.0/30").nth(3),
            "127.0.0.3".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn malformed_blocks_are_explained() {
        let err = |s: &str| Block::parse(s).unwrap_err();
        assert!(err("10.0.0/24").contains("not an IP address or CIDR block"));
        assert!(err("example.com").contains("not an IP address"));
        assert!(err("10.0.0.0/33").contains("prefix length 33 is more than the 32 bits"));
        assert!(err("::1/129").contains("more than the 128 bits of an IPv6"));
        assert!(err("10.0.0.0/").contains("prefix length after '/' is missing"));
        assert!(err("10.0.0.0/x").contains("is not a number from 0 to 32"));
        assert!(err("10.0.0.0/-1").contains("is not a number"));
        assert!(err("").contains("not an IP address"));
    }

    #[test]
    fn ports_parse_lists_and_ranges() {
        let p = Ports::parse("8080").unwrap();
        assert_eq!((p.count(), p.nth(0)), (1, 8080));
        let p = Ports::parse("8080-8090").unwrap();
        assert_eq!((p.count(), p.nth(0), p.nth(10)), (11, 8080, 8090));
        let p = Ports::parse("3000,8080-8082").unwrap();
        let all: Vec<u16> = (0..p.count()).map(|i| p.nth(i)).collect();
        assert_eq!(all, [3000, 8080, 8081, 8082]);
        // Overlaps and neighbours merge; order does not matter.
        let p = Ports::parse("10-12, 5 ,11-20,21,1").unwrap();
        let all: Vec<u16> = (0..p.count()).map(|i| p.nth(i)).collect();
        assert_eq!(all, [1, 5, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
        let p = Ports::parse("1-65535").unwrap();
        assert_eq!((p.count(), p.nth(65_534)), (65_535, 65_535));
    }

    #[test]
    fn bad_ports_are_explained() {
        let err = |s: &str| Ports::parse(s).unwrap_err();
        assert!(err("0").contains("port 0 cannot be scanned"));
        assert!(err("0-10").contains("port 0"));
        assert!(err("65536").contains("port 65536 is above 65535"));
        assert!(err("80-70000").contains("port 70000 is above 65535"));
        assert!(err("99999999999999999999").contains("not a port number"));
        assert!(err("8090-8080").contains("8090-8080 is reversed"));
        assert!(err("8090-8080").contains("did you mean 8080-8090"));
        assert!(err("80,,81").contains("empty item"));
        assert!(err("").contains("empty item"));
        assert!(err("http").contains("\"http\" is not a port number"));
        assert!(err("1-2-3").contains("not a port number"));
    }

    fn plan(blocks: &[&str], ports: &str, large: bool, public: bool) -> Result<Plan, LimitError> {
        Plan::new(
            blocks.iter().map(|b| block(b)).collect(),
            Ports::parse(ports).unwrap(),
            large,
            public,
        )
    }

    #[test]
    fn limits_per_block_and_by_range() {
        // At the limit: a /16 x 1 port, one address x every port.
        assert_eq!(
            plan(&["127.77.0.0/16"], "80", false, false)
                .unwrap()
                .total(),
            65_536
        );
        assert_eq!(
            plan(&["127.0.0.1"], "1-65535", false, false)
                .unwrap()
                .total(),
            65_535
        );
        // The limit is per block: two /16s are fine.
        assert_eq!(
            plan(&["127.1.0.0/16", "127.2.0.0/16"], "80", false, false)
                .unwrap()
                .total(),
            131_072
        );
        let e = plan(&["127.77.0.0/16"], "80-81", false, false).unwrap_err();
        assert_eq!(e.block, "127.77.0.0/16");
        assert!(e.message.contains("131072 probes"), "{}", e.message);
        assert!(e.message.contains("--allow-large"));
        assert_eq!(
            plan(&["127.77.0.0/16"], "80-81", true, false)
                .unwrap()
                .total(),
            131_072
        );
        let e = plan(&["fd00::/64"], "80", false, false).unwrap_err();
        assert!(e.message.contains("--allow-large"), "{}", e.message);

        for local in [
            "127.0.0.1",
            "10.0.0.0/24",
            "172.16.0.0/16",
            "172.31.255.0/24",
            "192.168.1.0/24",
            "169.254.0.0/16",
            "::1/128",
            "fe80::/112",
            "fd12:3456::/112",
            "::ffff:127.0.0.1",
            "::ffff:192.168.0.0/120",
        ] {
            assert!(block(local).is_local(), "{local}");
        }
        for public in [
            "8.8.8.8",
            "172.32.0.0/24",
            "172.0.0.0/8",
            "192.169.0.0/24",
            "0.0.0.0/0",
            "0.0.0.0",
            "2001:db8::1",
            "::2",
            "::",
            "::ffff:8.8.8.8",
            "fec0::/112",
        ] {
            assert!(!block(public).is_local(), "{public}");
        }
        let e = plan(&["127.0.0.1", "192.0.2.0/24"], "80", false, false).unwrap_err();
        assert_eq!(e.block, "192.0.2.0/24");
        assert!(e.message.contains("--allow-public"), "{}", e.message);
        assert!(plan(&["192.0.2.0/24"], "80", false, true).is_ok());
    }

    #[test]
    fn the_index_walks_blocks_then_addresses_then_ports() {
        let p = plan(
            &["127.0.0.1", "127.0.1.0/31", "::1"],
            "3000,8080-8081",
            false,
            false,
        )
        .unwrap();
        assert_eq!(p.total(), 12);
        let all: Vec<String> = (0..p.total()).map(|i| p.target(i).to_string()).collect();
        assert_eq!(
            all,
            [
                "127.0.0.1:3000",
                "127.0.0.1:8080",
                "127.0.0.1:8081",
                "127.0.1.0:3000",
                "127.0.1.0:8080",
                "127.0.1.0:8081",
                "127.0.1.1:3000",
                "127.0.1.1:8080",
                "127.0.1.1:8081",
                "[::1]:3000",
                "[::1]:8080",
                "[::1]:8081",
            ]
        );
    }
}
