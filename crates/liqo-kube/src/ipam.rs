//! The IPAM allocator (networking.md §5.2), pure: one binary prefix tree per pool, exact and
//! "any free prefix of this length" acquisitions, shared and exclusive references, release with
//! merging of free siblings, and IPs pre-allocated at the start of a granted network.
//!
//! IPv4 only, as upstream's pools are; a request outside every pool follows the rules of
//! [`Ipam::acquire_network`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

/// The default pools, tried in this order.
pub const DEFAULT_POOLS: [&str; 3] = ["10.0.0.0/8", "192.168.0.0/16", "172.16.0.0/12"];

/// Why an IPAM operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IpamError {
    /// The text is not an IPv4 CIDR.
    #[error("invalid IPv4 CIDR {0:?}")]
    InvalidCidr(String),
    /// An immutable request conflicts with what is acquired.
    #[error("network {0} is not available")]
    Unavailable(Cidr),
    /// An exclusive immutable request outside every pool.
    #[error("network {0} is outside the IPAM pools and cannot be reserved exclusively")]
    OutsidePools(Cidr),
    /// No free prefix of the requested length is left.
    #[error("no free /{0} network left in the IPAM pools")]
    Exhausted(u8),
    /// No free IP is left in a network.
    #[error("no free IP left in network {0}")]
    NoFreeIp(Cidr),
}

/// An IPv4 prefix; the address is always the network address (host bits zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cidr {
    addr: u32,
    len: u8,
}

fn mask(len: u8) -> u32 {
    if len == 0 { 0 } else { u32::MAX << (32 - len) }
}

impl Cidr {
    /// The prefix of `addr`/`len` (host bits cleared). `len` above 32 is clamped.
    pub fn new(addr: Ipv4Addr, len: u8) -> Self {
        let len = len.min(32);
        Self {
            addr: u32::from(addr) & mask(len),
            len,
        }
    }

    /// The network address.
    pub fn addr(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.addr)
    }

    /// The prefix length.
    pub fn prefix_len(&self) -> u8 {
        self.len
    }

    /// Whether `other` lies inside this prefix (or equals it).
    pub fn contains(&self, other: &Cidr) -> bool {
        self.len <= other.len && other.addr & mask(self.len) == self.addr
    }

    /// Whether `ip` lies inside this prefix.
    pub fn contains_ip(&self, ip: Ipv4Addr) -> bool {
        u32::from(ip) & mask(self.len) == self.addr
    }

    fn halves(&self) -> [Cidr; 2] {
        let len = self.len + 1;
        [
            Cidr {
                addr: self.addr,
                len,
            },
            Cidr {
                addr: self.addr | (1 << (32 - len)),
                len,
            },
        ]
    }

    /// The `n`th address of the prefix, if it has that many.
    fn nth(&self, n: u64) -> Option<Ipv4Addr> {
        let size = 1u64 << (32 - self.len);
        (n < size).then(|| Ipv4Addr::from(self.addr + n as u32))
    }
}

impl FromStr for Cidr {
    type Err = IpamError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || IpamError::InvalidCidr(s.to_string());
        let (ip, len) = s.trim().split_once('/').ok_or_else(invalid)?;
        let ip: Ipv4Addr = ip.parse().map_err(|_| invalid())?;
        let len: u8 = len.parse().map_err(|_| invalid())?;
        if len > 32 {
            return Err(invalid());
        }
        Ok(Cidr::new(ip, len))
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr(), self.len)
    }
}

/// A prefix in a pool's tree: `refs` is 0 when free, -1 when exclusive, n > 0 when shared n
/// times. A node may be split into its two halves.
#[derive(Debug, Clone)]
struct Node {
    cidr: Cidr,
    refs: i32,
    children: Option<Box<[Node; 2]>>,
}

const EXCLUSIVE: i32 = -1;

impl Node {
    fn new(cidr: Cidr) -> Self {
        Self {
            cidr,
            refs: 0,
            children: None,
        }
    }

    fn is_split(&self) -> bool {
        self.children.is_some()
    }

    fn split(&mut self) -> &mut [Node; 2] {
        let halves = self.cidr.halves();
        self.children
            .get_or_insert_with(|| Box::new(halves.map(Node::new)))
    }

    fn any_below(&self, pred: &impl Fn(&Node) -> bool) -> bool {
        self.children
            .iter()
            .flat_map(|c| c.iter())
            .any(|c| pred(c) || c.any_below(pred))
    }

    /// *AcquireExact* below this node, which contains `p`.
    fn acquire_exact(&mut self, p: Cidr, exclusive: bool) -> bool {
        if self.cidr == p {
            if exclusive {
                if self.refs != 0 || self.any_below(&|n| n.refs != 0) {
                    return false;
                }
                self.refs = EXCLUSIVE;
            } else {
                if self.refs == EXCLUSIVE || self.any_below(&|n| n.refs == EXCLUSIVE) {
                    return false;
                }
                self.refs += 1;
            }
            return true;
        }
        if self.refs == EXCLUSIVE || (exclusive && self.refs != 0) {
            return false;
        }
        let children = self.split();
        let i = usize::from(!children[0].cidr.contains(&p));
        children[i].acquire_exact(p, exclusive)
    }

    /// *AcquireAny* of length `len` below this node, preferring already-split subtrees.
    fn acquire_any(&mut self, len: u8) -> Option<Cidr> {
        if self.refs != 0 || self.cidr.len > len {
            return None;
        }
        if self.cidr.len == len {
            if self.is_split() {
                return None;
            }
            self.refs = EXCLUSIVE;
            return Some(self.cidr);
        }
        let children = self.split();
        let order = if children[0].is_split() || !children[1].is_split() {
            [0, 1]
        } else {
            [1, 0]
        };
        order.into_iter().find_map(|i| children[i].acquire_any(len))
    }

    /// Drops one reference to `p`; returns whether `p` was acquired. Free sibling leaves merge.
    fn release(&mut self, p: Cidr) -> bool {
        if self.cidr == p {
            if self.refs == 0 {
                return false;
            }
            self.refs = if self.refs == EXCLUSIVE {
                0
            } else {
                self.refs - 1
            };
            self.merge();
            return true;
        }
        let Some(children) = self.children.as_mut() else {
            return false;
        };
        let i = usize::from(!children[0].cidr.contains(&p));
        let released = children[i].release(p);
        self.merge();
        released
    }

    fn merge(&mut self) {
        let mergeable = self
            .children
            .as_ref()
            .is_some_and(|c| c.iter().all(|c| c.refs == 0 && !c.is_split()));
        if mergeable {
            self.children = None;
        }
    }

    fn collect(&self, out: &mut Vec<(Cidr, i32)>) {
        if self.refs != 0 {
            out.push((self.cidr, self.refs));
        }
        for child in self.children.iter().flat_map(|c| c.iter()) {
            child.collect(out);
        }
    }
}

/// A NetworkAcquire request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetworkRequest {
    /// The desired prefix.
    pub cidr: Cidr,
    /// Granted as is or not at all (`ipam.liqo.io/network-not-remapped`).
    pub immutable: bool,
    /// Nothing else may overlap it (not `ipam.liqo.io/network-shared`).
    pub exclusive: bool,
    /// How many IPs, from the first, to reserve in the granted prefix.
    pub pre_allocated: u32,
}

/// The allocator state. Not synchronised: callers hold it behind one lock, as upstream's
/// single global lock.
#[derive(Debug, Clone)]
pub struct Ipam {
    pools: Vec<Node>,
    ips: BTreeMap<Cidr, BTreeSet<Ipv4Addr>>,
}

impl Default for Ipam {
    fn default() -> Self {
        Self::new(
            DEFAULT_POOLS
                .iter()
                .map(|p| p.parse().expect("invariant: the default pools are valid")),
        )
    }
}

impl Ipam {
    /// An empty allocator over `pools`, tried in the given order.
    pub fn new(pools: impl IntoIterator<Item = Cidr>) -> Self {
        Self {
            pools: pools.into_iter().map(Node::new).collect(),
            ips: BTreeMap::new(),
        }
    }

    fn pool_of(&mut self, p: &Cidr) -> Option<&mut Node> {
        self.pools.iter_mut().find(|n| n.cidr.contains(p))
    }

    /// *NetworkAcquire*: grants `req.cidr` or a remapping of it, then pre-allocates IPs.
    ///
    /// - outside the pools, immutable and shared: granted unchanged (implicitly reserved);
    /// - outside the pools, immutable and exclusive: [`IpamError::OutsidePools`];
    /// - immutable: exactly `req.cidr` or [`IpamError::Unavailable`];
    /// - mutable: `req.cidr` exclusively if free, else any free prefix of the same length
    ///   (so a prefix outside the pools is always remapped into them).
    ///
    /// # Errors
    /// As listed above, and [`IpamError::Exhausted`] when no prefix of that length is free.
    pub fn acquire_network(&mut self, req: NetworkRequest) -> Result<Cidr, IpamError> {
        let p = req.cidr;
        let granted = match (self.pool_of(&p), req.immutable) {
            (None, true) if !req.exclusive => return Ok(p),
            (None, true) => return Err(IpamError::OutsidePools(p)),
            (Some(pool), true) => pool
                .acquire_exact(p, req.exclusive)
                .then_some(p)
                .ok_or(IpamError::Unavailable(p))?,
            (pool, false) => {
                let exact = pool.is_some_and(|pool| pool.acquire_exact(p, true));
                if exact { p } else { self.acquire_any(p.len)? }
            }
        };
        let reserved = self.ips.entry(granted).or_default();
        reserved.extend((0..u64::from(req.pre_allocated)).map_while(|n| granted.nth(n)));
        Ok(granted)
    }

    fn acquire_any(&mut self, len: u8) -> Result<Cidr, IpamError> {
        self.pools
            .iter_mut()
            .find_map(|pool| pool.acquire_any(len))
            .ok_or(IpamError::Exhausted(len))
    }

    /// Re-acquires a prefix that was granted before (from a Network's `status.cidr` at
    /// start-up), so that remappings survive restarts. A prefix outside the pools needs nothing.
    ///
    /// # Errors
    /// [`IpamError::Unavailable`] when it conflicts with what was restored before it.
    pub fn restore_network(
        &mut self,
        granted: Cidr,
        exclusive: bool,
        pre_allocated: u32,
    ) -> Result<(), IpamError> {
        let Some(pool) = self.pool_of(&granted) else {
            return Ok(());
        };
        if !pool.acquire_exact(granted, exclusive) {
            return Err(IpamError::Unavailable(granted));
        }
        let reserved = self.ips.entry(granted).or_default();
        reserved.extend((0..u64::from(pre_allocated)).map_while(|n| granted.nth(n)));
        Ok(())
    }

    /// *NetworkRelease*: drops one reference to `granted`; returns whether it was held. Its
    /// IPs go with the last reference; free sibling prefixes merge back.
    pub fn release_network(&mut self, granted: Cidr) -> bool {
        let Some(pool) = self.pool_of(&granted) else {
            return false;
        };
        let released = pool.release(granted);
        if released && !self.is_acquired(granted) {
            self.ips.remove(&granted);
        }
        released
    }

    /// Whether exactly `p` is acquired (shared or exclusive).
    pub fn is_acquired(&self, p: Cidr) -> bool {
        self.acquired().iter().any(|(c, _)| *c == p)
    }

    /// Every acquired prefix with its reference count (-1 = exclusive), in tree order.
    pub fn acquired(&self) -> Vec<(Cidr, i32)> {
        let mut out = Vec::new();
        for pool in &self.pools {
            pool.collect(&mut out);
        }
        out
    }

    /// Acquires `ip` (or the lowest free IP) in the granted `network`.
    ///
    /// # Errors
    /// [`IpamError::Unavailable`] when `ip` is taken or outside `network`;
    /// [`IpamError::NoFreeIp`] when the network is full.
    pub fn acquire_ip(
        &mut self,
        network: Cidr,
        ip: Option<Ipv4Addr>,
    ) -> Result<Ipv4Addr, IpamError> {
        let taken = self.ips.entry(network).or_default();
        let ip = match ip {
            Some(ip) if network.contains_ip(ip) && !taken.contains(&ip) => ip,
            Some(_) => return Err(IpamError::Unavailable(network)),
            None => (0..1u64 << (32 - network.len))
                .filter_map(|n| network.nth(n))
                .find(|ip| !taken.contains(ip))
                .ok_or(IpamError::NoFreeIp(network))?,
        };
        taken.insert(ip);
        Ok(ip)
    }

    /// Releases `ip` in `network`; returns whether it was acquired.
    pub fn release_ip(&mut self, network: Cidr, ip: Ipv4Addr) -> bool {
        self.ips.get_mut(&network).is_some_and(|s| s.remove(&ip))
    }

    /// Whether `ip` is acquired (or pre-allocated) in `network`.
    pub fn is_ip_acquired(&self, network: Cidr, ip: Ipv4Addr) -> bool {
        self.ips.get(&network).is_some_and(|s| s.contains(&ip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Cidr {
        s.parse().unwrap()
    }

    fn req(cidr: &str, immutable: bool, exclusive: bool) -> NetworkRequest {
        NetworkRequest {
            cidr: c(cidr),
            immutable,
            exclusive,
            pre_allocated: 0,
        }
    }

    /// The Helm-installed local Networks of the spec's worked example.
    fn installed() -> Ipam {
        let mut ipam = Ipam::default();
        for (cidr, shared) in [
            ("10.243.0.0/16", true),
            ("10.96.0.0/12", true),
            ("10.70.0.0/16", false),
            ("10.80.0.0/16", false),
        ] {
            let got = ipam.acquire_network(req(cidr, true, !shared)).unwrap();
            assert_eq!(got, c(cidr));
        }
        ipam
    }

    #[test]
    fn cidrs_parse_normalise_and_print() {
        assert_eq!(c("10.243.1.7/16").to_string(), "10.243.0.0/16");
        assert_eq!(c("0.0.0.0/0").to_string(), "0.0.0.0/0");
        assert!(c("10.0.0.0/8").contains(&c("10.70.0.0/16")));
        assert!(!c("10.70.0.0/16").contains(&c("10.0.0.0/8")));
        for bad in ["10.0.0.0", "10.0.0.0/33", "fd00::/8", "x/8"] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
    }

    #[test]
    fn worked_example_remaps_conflicting_remote_cidrs() {
        let mut ipam = installed();
        let pod = ipam
            .acquire_network(req("10.243.0.0/16", false, true))
            .unwrap();
        assert_eq!(pod, c("10.71.0.0/16"));
        let external = ipam
            .acquire_network(req("10.70.0.0/16", false, true))
            .unwrap();
        assert_eq!(external, c("10.68.0.0/16"));
    }

    #[test]
    fn a_remote_cidr_that_conflicts_with_nothing_keeps_its_value() {
        let mut ipam = installed();
        let got = ipam
            .acquire_network(req("10.200.0.0/16", false, true))
            .unwrap();
        assert_eq!(got, c("10.200.0.0/16"));
        let got = ipam
            .acquire_network(req("192.168.5.0/24", false, true))
            .unwrap();
        assert_eq!(got, c("192.168.5.0/24"));
    }

    #[test]
    fn a_remote_cidr_outside_the_pools_is_always_remapped() {
        let mut ipam = installed();
        let got = ipam
            .acquire_network(req("100.64.0.0/16", false, true))
            .unwrap();
        assert!(c("10.0.0.0/8").contains(&got), "{got}");
        assert_ne!(got, c("100.64.0.0/16"));
    }

    #[test]
    fn outside_the_pools_immutable_shared_is_granted_and_exclusive_refused() {
        let mut ipam = Ipam::default();
        assert_eq!(
            ipam.acquire_network(req("100.64.0.0/10", true, false)),
            Ok(c("100.64.0.0/10"))
        );
        assert_eq!(
            ipam.acquire_network(req("100.64.0.0/10", true, true)),
            Err(IpamError::OutsidePools(c("100.64.0.0/10")))
        );
        assert!(
            ipam.acquired().is_empty(),
            "nothing held for outside prefixes"
        );
    }

    #[test]
    fn shared_and_exclusive_references_exclude_each_other() {
        let mut ipam = Ipam::default();
        ipam.acquire_network(req("10.96.0.0/12", true, false))
            .unwrap();
        // Shared again: fine, twice referenced.
        ipam.acquire_network(req("10.96.0.0/12", true, false))
            .unwrap();
        assert_eq!(ipam.acquired(), vec![(c("10.96.0.0/12"), 2)]);
        // Exclusive on it, on an ancestor or a descendant: refused.
        for p in ["10.96.0.0/12", "10.0.0.0/8", "10.97.0.0/16"] {
            assert_eq!(
                ipam.acquire_network(req(p, true, true)),
                Err(IpamError::Unavailable(c(p))),
                "{p}"
            );
        }
        // A shared descendant of a shared prefix is fine; below an exclusive one it is not.
        ipam.acquire_network(req("10.97.0.0/16", true, false))
            .unwrap();
        ipam.acquire_network(req("10.70.0.0/16", true, true))
            .unwrap();
        assert!(
            ipam.acquire_network(req("10.70.1.0/24", true, false))
                .is_err()
        );
        assert!(
            ipam.acquire_network(req("10.64.0.0/12", true, false))
                .is_err()
        );
    }

    #[test]
    fn release_frees_merges_and_the_prefix_is_granted_again() {
        let mut ipam = installed();
        let remapped = ipam
            .acquire_network(req("10.243.0.0/16", false, true))
            .unwrap();
        assert!(ipam.release_network(remapped));
        assert!(!ipam.release_network(remapped), "released once only");
        assert!(!ipam.is_acquired(remapped));
        let again = ipam
            .acquire_network(req("10.243.0.0/16", false, true))
            .unwrap();
        assert_eq!(again, remapped, "same preference, same result");
        // Releasing everything merges the trees back to their roots.
        for (p, refs) in ipam.acquired() {
            for _ in 0..refs.unsigned_abs() {
                ipam.release_network(p);
            }
        }
        assert!(ipam.acquired().is_empty());
        assert!(ipam.pools.iter().all(|p| !p.is_split()));
    }

    #[test]
    fn shared_release_decrements() {
        let mut ipam = Ipam::default();
        for _ in 0..2 {
            ipam.acquire_network(req("10.96.0.0/12", true, false))
                .unwrap();
        }
        assert!(ipam.release_network(c("10.96.0.0/12")));
        assert_eq!(ipam.acquired(), vec![(c("10.96.0.0/12"), 1)]);
    }

    #[test]
    fn restore_reproduces_the_state_so_new_remaps_do_not_collide() {
        let mut first = installed();
        let pod = first
            .acquire_network(req("10.243.0.0/16", false, true))
            .unwrap();
        // A restart: the state is rebuilt from the status values, in any order.
        let mut restored = Ipam::default();
        restored.restore_network(pod, true, 0).unwrap();
        for (cidr, shared) in [
            ("10.80.0.0/16", false),
            ("10.243.0.0/16", true),
            ("10.96.0.0/12", true),
            ("10.70.0.0/16", false),
        ] {
            restored.restore_network(c(cidr), !shared, 0).unwrap();
        }
        let mut a = first.acquired();
        let mut b = restored.acquired();
        a.sort();
        b.sort();
        assert_eq!(a, b);
        let next = restored
            .acquire_network(req("10.70.0.0/16", false, true))
            .unwrap();
        assert_ne!(next, pod);
        assert_eq!(
            restored.restore_network(pod, true, 0),
            Err(IpamError::Unavailable(pod)),
            "a conflicting restore is refused"
        );
        assert!(
            restored
                .restore_network(c("100.64.0.0/10"), false, 0)
                .is_ok()
        );
    }

    #[test]
    fn pre_allocated_ips_are_reserved_from_the_first() {
        let mut ipam = Ipam::default();
        let external = ipam
            .acquire_network(NetworkRequest {
                pre_allocated: 1,
                ..req("10.70.0.0/16", true, true)
            })
            .unwrap();
        assert!(ipam.is_ip_acquired(external, "10.70.0.0".parse().unwrap()));
        let next = ipam.acquire_ip(external, None).unwrap();
        assert_eq!(next, "10.70.0.1".parse::<Ipv4Addr>().unwrap());
        assert!(
            ipam.acquire_ip(external, Some("10.70.0.1".parse().unwrap()))
                .is_err()
        );
        assert!(ipam.release_ip(external, next));
        let mut tiny = Ipam::default();
        let net = tiny
            .acquire_network(NetworkRequest {
                pre_allocated: 9,
                ..req("10.1.1.0/30", true, true)
            })
            .unwrap();
        assert_eq!(
            tiny.acquire_ip(net, None),
            Err(IpamError::NoFreeIp(net)),
            "pre-allocation stops at the prefix size"
        );
    }

    #[test]
    fn any_prefers_already_split_subtrees_then_pools_in_order() {
        let mut ipam = Ipam::default();
        // First /9 of an untouched pool: the leftmost.
        assert_eq!(
            ipam.acquire_network(req("100.0.0.0/9", false, true)),
            Ok(c("10.0.0.0/9"))
        );
        assert_eq!(
            ipam.acquire_network(req("100.0.0.0/9", false, true)),
            Ok(c("10.128.0.0/9"))
        );
        // 10/8 is full and the other pools are too small for a /9.
        assert_eq!(
            ipam.acquire_network(req("100.0.0.0/9", false, true)),
            Err(IpamError::Exhausted(9))
        );
        // A /24 goes to the next pool in order.
        assert_eq!(
            ipam.acquire_network(req("100.0.0.0/24", false, true)),
            Ok(c("192.168.0.0/24"))
        );
        let mut ipam = Ipam::default();
        ipam.acquire_network(req("10.200.0.0/16", true, true))
            .unwrap();
        // The right half holds an allocation, so a new /16 packs next to it.
        assert_eq!(
            ipam.acquire_network(req("100.0.0.0/16", false, true)),
            Ok(c("10.201.0.0/16"))
        );
        assert_eq!(
            ipam.acquire_network(req("100.0.0.0/8", false, true)),
            Err(IpamError::Exhausted(8)),
            "a split root is not free"
        );
    }
}
