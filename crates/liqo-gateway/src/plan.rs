//! Routes and NAT towards the peer, planned from its Configuration, pure (networking.md §5.3,
//! §11.4).
//!
//! For each pair of the peer's real CIDR S (`spec.remote.cidr`) and this cluster's view of it R
//! (`status.remote.cidr`, index-aligned):
//! - packets addressed to R by anything but the tunnel are marked before NAT, so that after a
//!   DNAT R → S they are routed by mark into a dedicated table (S via the peer's tunnel IP)
//!   even when S overlaps a local CIDR; replies to remapped peers are marked the same way;
//! - if R ≠ S, DNAT R → S (prefix, host bits kept) for outgoing packets, and SNAT S → R for
//!   packets coming out of the tunnel. Inside the tunnel addresses are always real.
//!
//! Everything lives in one nftables table and one routing table owned by the gateway, both
//! replaced as a whole, so a restarted gateway converges whatever its predecessor left.

use std::fmt::{self, Write as _};
use std::net::Ipv4Addr;
use std::str::FromStr;

use liqo_api::consts::condition::configuration::TYPE_NETWORK_CIDRS_CONFIGURED;
use liqo_api::networking::{ClusterConfigCidr, Configuration};

/// The routing table holding the routes to the peer.
pub const ROUTE_TABLE: u32 = 1818;
/// Priority of the policy rule sending marked packets to [`ROUTE_TABLE`].
pub const RULE_PRIORITY: u32 = 1800;
/// The mark (and mask) of packets bound for the peer.
pub const FWMARK: u32 = 0x1818;
/// The nftables table (family `ip`) owned by the gateway.
pub const NFT_TABLE: &str = "liqo-gateway";

/// An IPv4 network in CIDR notation, host bits cleared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ipv4Cidr {
    addr: Ipv4Addr,
    prefix: u8,
}

/// A malformed CIDR.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid IPv4 CIDR {0:?}")]
pub struct CidrError(pub String);

impl Ipv4Cidr {
    /// The network `addr/prefix` (host bits cleared).
    pub fn new(addr: Ipv4Addr, prefix: u8) -> Option<Self> {
        if prefix > 32 {
            return None;
        }
        let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
        Some(Self {
            addr: Ipv4Addr::from(u32::from(addr) & mask),
            prefix,
        })
    }

    /// The prefix length.
    pub fn prefix(&self) -> u8 {
        self.prefix
    }
}

impl FromStr for Ipv4Cidr {
    type Err = CidrError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || CidrError(s.to_string());
        let (addr, prefix) = s.trim().split_once('/').unwrap_or((s.trim(), "32"));
        let addr: Ipv4Addr = addr.parse().map_err(|_| err())?;
        let prefix: u8 = prefix.parse().map_err(|_| err())?;
        Self::new(addr, prefix).ok_or_else(err)
    }
}

impl fmt::Display for Ipv4Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// One of the peer's networks: as the peer has it (`real`, S) and as this cluster addresses
/// it (`remapped`, R).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Remap {
    /// S: the peer's real CIDR, carried inside the tunnel.
    pub real: Ipv4Cidr,
    /// R: the local view of it; equal to S when not remapped.
    pub remapped: Ipv4Cidr,
}

impl FromStr for Remap {
    type Err = CidrError;

    /// `S` (not remapped) or `S=R`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (real, remapped) = s.split_once('=').unwrap_or((s, s));
        let remap = Self {
            real: real.parse()?,
            remapped: remapped.parse()?,
        };
        if remap.real.prefix != remap.remapped.prefix {
            return Err(CidrError(s.to_string()));
        }
        Ok(remap)
    }
}

/// Why a Configuration cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// A CIDR does not parse.
    #[error(transparent)]
    Cidr(#[from] CidrError),
    /// Spec and status lists differ in length.
    #[error("{kind} CIDRs of spec ({spec}) and status ({status}) are not index-aligned")]
    Misaligned {
        /// `pod` or `external`.
        kind: &'static str,
        /// Entries in spec.
        spec: usize,
        /// Entries in status.
        status: usize,
    },
    /// A pair with different prefix lengths cannot be prefix-NATed.
    #[error("remapping {real} to {remapped} changes the prefix length")]
    PrefixLength {
        /// S.
        real: String,
        /// R.
        remapped: String,
    },
}

/// Everything the gateway installs towards the peer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// The peer's networks.
    pub remaps: Vec<Remap>,
    /// This cluster's addresses the peer reaches at an alias (the API-server proxy's).
    pub ip_mappings: Vec<crate::ip_mapping::IpMapping>,
    /// Where packets from sources the peer cannot route back to go, see [`UnknownSource`].
    pub unknown_source: Option<UnknownSource>,
}

/// Packets entering the tunnel from a source outside this cluster's pod and external CIDRs
/// (a node's own address, a host-network pod) get the first address of the external CIDR as
/// their source, which the IPAM reserves for this (networking.md §1): the peer routes the
/// external CIDR back through the tunnel, so the replies return. The tunnel's own link-local
/// addresses (the connection check) are left alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownSource {
    /// This cluster's pod and external CIDRs: sources the peer already routes back.
    pub known: Vec<Ipv4Cidr>,
    /// The first address of the external CIDR.
    pub to: Ipv4Addr,
}

/// The unknown-source rule of `local` (this cluster's CIDRs), `None` without an external CIDR.
///
/// # Errors
/// A CIDR that does not parse.
fn unknown_source(local: &ClusterConfigCidr) -> Result<Option<UnknownSource>, PlanError> {
    let parse = |list: &Option<Vec<String>>| -> Result<Vec<Ipv4Cidr>, PlanError> {
        Ok(list
            .iter()
            .flatten()
            .map(|c| c.parse())
            .collect::<Result<_, _>>()?)
    };
    let external = parse(&local.external)?;
    let Some(first) = external.first() else {
        return Ok(None);
    };
    let to = first.addr;
    let mut known = parse(&local.pod)?;
    known.extend(external);
    Ok(Some(UnknownSource { known, to }))
}

/// Whether the Configuration's remapping is complete and current: condition
/// `NetworkCIDRsConfigured` True for this generation.
pub fn is_ready(cfg: &Configuration) -> bool {
    let generation = cfg.metadata.generation;
    cfg.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
        .any(|c| {
            c.type_ == TYPE_NETWORK_CIDRS_CONFIGURED
                && c.status == "True"
                && (generation.is_none() || c.observed_generation == generation)
        })
}

/// The plan of a ready Configuration, `None` while it is not ready.
///
/// # Errors
/// [`PlanError`] for malformed or misaligned CIDRs.
pub fn plan_configuration(cfg: &Configuration) -> Result<Option<Plan>, PlanError> {
    if !is_ready(cfg) {
        return Ok(None);
    }
    let spec = cfg.spec.remote.as_ref().and_then(|r| r.cidr.as_ref());
    let status = cfg
        .status
        .as_ref()
        .and_then(|s| s.remote.as_ref())
        .and_then(|r| r.cidr.as_ref());
    let empty = ClusterConfigCidr::default();
    let (spec, status) = (spec.unwrap_or(&empty), status.unwrap_or(&empty));
    let mut remaps = Vec::new();
    for (kind, real, remapped) in [
        ("pod", &spec.pod, &status.pod),
        ("external", &spec.external, &status.external),
    ] {
        let (real, remapped) = (
            real.as_deref().unwrap_or_default(),
            remapped.as_deref().unwrap_or_default(),
        );
        if real.len() != remapped.len() {
            return Err(PlanError::Misaligned {
                kind,
                spec: real.len(),
                status: remapped.len(),
            });
        }
        for (s, r) in real.iter().zip(remapped) {
            let remap = Remap {
                real: s.parse()?,
                remapped: r.parse()?,
            };
            if remap.real.prefix != remap.remapped.prefix {
                return Err(PlanError::PrefixLength {
                    real: s.clone(),
                    remapped: r.clone(),
                });
            }
            if !remaps.contains(&remap) {
                remaps.push(remap);
            }
        }
    }
    let local = cfg.spec.local.as_ref().and_then(|l| l.cidr.as_ref());
    Ok(Some(Plan {
        remaps,
        ip_mappings: Vec::new(),
        unknown_source: local.map(unknown_source).transpose()?.flatten(),
    }))
}

impl Plan {
    /// The nftables script that replaces the gateway's table atomically (`nft -f`).
    pub fn render_nft(&self, tunnel: &str) -> String {
        let all = &self.remaps;
        let nat: Vec<&Remap> = all.iter().filter(|m| m.real != m.remapped).collect();
        let mark = format!("meta mark set meta mark | {FWMARK:#x}");
        let dnat = |m: &Remap| {
            let (r, s) = (m.remapped, m.real);
            format!("ip daddr {r} dnat ip prefix to ip daddr map {{ {r} : {s} }}")
        };
        let snat = |m: &Remap| {
            let (r, s) = (m.remapped, m.real);
            format!(
                "iifname \"{tunnel}\" ip saddr {s} snat ip prefix to ip saddr map {{ {s} : {r} }}"
            )
        };
        let mut chains: Vec<(&str, &str, Vec<String>)> = vec![
            (
                "mark-to-peer",
                "type filter hook prerouting priority mangle",
                all.iter()
                    .map(|m| format!("iifname != \"{tunnel}\" ip daddr {} {mark}", m.remapped))
                    .collect(),
            ),
            (
                "mark-local-to-peer",
                "type route hook output priority mangle",
                all.iter()
                    .map(|m| format!("ip daddr {} {mark}", m.remapped))
                    .collect(),
            ),
            (
                "outgoing",
                "type nat hook prerouting priority dstnat",
                nat.iter()
                    .map(|m| format!("iifname != \"{tunnel}\" {}", dnat(m)))
                    .collect(),
            ),
            (
                "outgoing-local",
                "type nat hook output priority -100",
                nat.iter().map(|m| dnat(m)).collect(),
            ),
            (
                "incoming",
                "type nat hook postrouting priority srcnat",
                nat.iter().map(|m| snat(m)).collect(),
            ),
            (
                "incoming-local",
                "type nat hook input priority 100",
                nat.iter().map(|m| snat(m)).collect(),
            ),
        ];
        chains.extend(crate::ip_mapping::chains(&self.ip_mappings, tunnel));
        let unknown = self.unknown_source.iter().map(|u| {
            let known: Vec<String> = u.known.iter().map(ToString::to_string).collect();
            format!(
                "oifname \"{tunnel}\" ip saddr != {{ {}, 169.254.0.0/16 }} snat to {}",
                known.join(", "),
                u.to
            )
        });
        chains.push((
            "unknown-source",
            "type nat hook postrouting priority srcnat",
            unknown.collect(),
        ));
        // Declaring the table before deleting it makes the delete succeed on a first run.
        let mut s = format!("table ip {NFT_TABLE} {{}}\ndelete table ip {NFT_TABLE}\n");
        let _ = writeln!(s, "table ip {NFT_TABLE} {{");
        for (name, hook, rules) in chains {
            let _ = writeln!(s, "  chain {name} {{\n    {hook}; policy accept;");
            for rule in rules {
                let _ = writeln!(s, "    {rule}");
            }
            let _ = writeln!(s, "  }}");
        }
        let _ = writeln!(s, "}}");
        s
    }

    /// The `ip` invocations (arguments) that install the routes, after the routing table was
    /// flushed: each real CIDR via the peer's tunnel address.
    pub fn render_routes(&self, tunnel: &str, peer: Ipv4Addr) -> Vec<Vec<String>> {
        let mut seen = Vec::new();
        let mut out = Vec::new();
        for m in &self.remaps {
            if seen.contains(&m.real) {
                continue;
            }
            seen.push(m.real);
            out.push(
                [
                    "route",
                    "replace",
                    &m.real.to_string(),
                    "via",
                    &peer.to_string(),
                    "dev",
                    tunnel,
                    "onlink",
                    "table",
                    &ROUTE_TABLE.to_string(),
                ]
                .map(String::from)
                .to_vec(),
            );
        }
        out
    }
}

/// The policy rule sending marked packets to [`ROUTE_TABLE`] (arguments of `ip rule add`).
pub fn render_rule() -> Vec<String> {
    [
        "rule",
        "add",
        "pref",
        &RULE_PRIORITY.to_string(),
        "fwmark",
        &format!("{FWMARK:#x}/{FWMARK:#x}"),
        "lookup",
        &ROUTE_TABLE.to_string(),
    ]
    .map(String::from)
    .to_vec()
}
