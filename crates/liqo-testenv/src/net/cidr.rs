//! IPv4 CIDRs: parsing and host addresses (pure).

use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

/// An IPv4 network, `addr/prefix` with `addr` its first address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv4Cidr {
    network: Ipv4Addr,
    prefix: u8,
}

impl Ipv4Cidr {
    /// The network's first address.
    pub fn network(&self) -> Ipv4Addr {
        self.network
    }

    /// The prefix length.
    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    fn mask(prefix: u8) -> u32 {
        u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0)
    }

    /// The `n`th address after the network address (`host(1)` is the first usable one), if
    /// it is inside the network and not its broadcast address.
    pub fn host(&self, n: u32) -> Option<Ipv4Addr> {
        let size = 1u64 << (32 - u32::from(self.prefix));
        (n > 0 && u64::from(n) < size - 1).then(|| Ipv4Addr::from(u32::from(self.network) + n))
    }

    /// Whether the two networks share an address.
    pub fn overlaps(&self, other: &Self) -> bool {
        let shorter = self.prefix.min(other.prefix);
        let mask = Self::mask(shorter);
        u32::from(self.network) & mask == u32::from(other.network) & mask
    }
}

impl FromStr for Ipv4Cidr {
    type Err = String;

    /// Parses `a.b.c.d/n`; host bits are cleared (`10.1.2.3/16` is `10.1.0.0/16`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("{s:?} is not an IPv4 CIDR (a.b.c.d/n)");
        let (addr, prefix) = s.split_once('/').ok_or_else(bad)?;
        let addr: Ipv4Addr = addr.parse().map_err(|_| bad())?;
        let prefix: u8 = prefix.parse().map_err(|_| bad())?;
        if prefix > 32 {
            return Err(bad());
        }
        Ok(Self {
            network: Ipv4Addr::from(u32::from(addr) & Self::mask(prefix)),
            prefix,
        })
    }
}

impl fmt::Display for Ipv4Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsing_clears_host_bits_and_rejects_garbage() {
        let c: Ipv4Cidr = "10.243.7.9/16".parse().unwrap();
        assert_eq!(c.to_string(), "10.243.0.0/16");
        assert_eq!(c.prefix(), 16);
        for bad in ["10.0.0.0", "10.0.0.0/33", "x/8", "10.0.0/8", "::1/64"] {
            assert!(bad.parse::<Ipv4Cidr>().is_err(), "{bad}");
        }
        assert_eq!("0.0.0.0/0".parse::<Ipv4Cidr>().unwrap().prefix(), 0);
    }

    #[test]
    fn hosts_stay_inside_the_network() {
        let c: Ipv4Cidr = "10.244.0.0/16".parse().unwrap();
        assert_eq!(c.host(1), Some(Ipv4Addr::new(10, 244, 0, 1)));
        assert_eq!(c.host(300), Some(Ipv4Addr::new(10, 244, 1, 44)));
        assert_eq!(c.host(0), None);
        assert_eq!(c.host(65535), None, "broadcast");
        let small: Ipv4Cidr = "192.168.1.0/30".parse().unwrap();
        assert_eq!(small.host(2), Some(Ipv4Addr::new(192, 168, 1, 2)));
        assert_eq!(small.host(3), None);
    }

    #[test]
    fn overlap_is_symmetric_and_prefix_aware() {
        let p = |s: &str| s.parse::<Ipv4Cidr>().unwrap();
        assert!(p("172.31.0.0/16").overlaps(&p("172.31.9.0/24")));
        assert!(p("172.31.9.0/24").overlaps(&p("172.31.0.0/16")));
        assert!(!p("172.31.9.0/24").overlaps(&p("172.31.10.0/24")));
        assert!(p("0.0.0.0/0").overlaps(&p("1.2.3.4/32")));
    }
}
