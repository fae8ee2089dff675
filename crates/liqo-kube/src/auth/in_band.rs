//! In-band authentication: the consumer reaches the provider's API server through the
//! provider's API-server proxy across the tunnel, at the proxy's IP as the consumer sees it
//! (remapped when the clusters' CIDRs overlap). Pure.

use std::net::Ipv4Addr;

use liqo_api::networking::Configuration;

/// Port of the provider's API-server proxy.
pub const PROXY_PORT: u16 = liqo_api::consts::name::API_SERVER_PROXY_PORT;

/// Translates `ip` from the provider's pod (else external) CIDR into the remapped CIDR of the
/// consumer's Configuration for the provider; unchanged when it is in neither.
///
/// # Errors
/// When the Configuration has no remapped status yet.
pub fn remap(ip: Ipv4Addr, configuration: &Configuration) -> Result<Ipv4Addr, String> {
    let original = configuration
        .spec
        .remote
        .as_ref()
        .and_then(|r| r.cidr.clone())
        .unwrap_or_default();
    let Some(remapped) = configuration
        .status
        .as_ref()
        .and_then(|s| s.remote.as_ref())
        .and_then(|r| r.cidr.clone())
    else {
        return Err("configuration not remapped yet".into());
    };
    for (from, to) in [
        (original.pod, remapped.pod),
        (original.external, remapped.external),
    ] {
        let (Some(from), Some(to)) = (
            from.and_then(|v| v.first().cloned()),
            to.and_then(|v| v.first().cloned()),
        ) else {
            continue;
        };
        if let (Some((net, len)), Some((target, _))) = (parse_cidr(&from), parse_cidr(&to)) {
            let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
            if u32::from(ip) & mask == u32::from(net) & mask {
                return Ok(Ipv4Addr::from(
                    (u32::from(target) & mask) | (u32::from(ip) & !mask),
                ));
            }
        }
    }
    Ok(ip)
}

fn parse_cidr(cidr: &str) -> Option<(Ipv4Addr, u32)> {
    let (ip, len) = cidr.split_once('/')?;
    let len: u32 = len.parse().ok()?;
    (len <= 32).then_some((ip.parse().ok()?, len))
}

/// `http://<ip>:8118`.
pub fn proxy_url(ip: Ipv4Addr) -> String {
    format!("http://{ip}:{PROXY_PORT}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use liqo_api::networking::{
        ClusterConfig, ClusterConfigCidr, ConfigurationSpec, ConfigurationStatus,
    };

    fn configuration(remapped: bool) -> Configuration {
        let cidr = |pod: &str, ext: &str| ClusterConfig {
            cidr: Some(ClusterConfigCidr {
                pod: Some(vec![pod.into()]),
                external: Some(vec![ext.into()]),
            }),
        };
        let mut c = Configuration::new(
            "p",
            ConfigurationSpec {
                remote: Some(cidr("10.244.0.0/16", "10.70.0.0/16")),
                ..Default::default()
            },
        );
        if remapped {
            c.status = Some(ConfigurationStatus {
                remote: Some(cidr("10.71.0.0/16", "10.72.0.0/16")),
                ..Default::default()
            });
        }
        c
    }

    #[test]
    fn proxy_addresses_move_into_the_remapped_cidrs() {
        let c = configuration(true);
        assert_eq!(
            remap("10.244.3.7".parse().unwrap(), &c),
            Ok("10.71.3.7".parse().unwrap())
        );
        assert_eq!(
            remap("10.70.0.9".parse().unwrap(), &c),
            Ok("10.72.0.9".parse().unwrap())
        );
        assert_eq!(
            remap("192.168.1.1".parse().unwrap(), &c),
            Ok("192.168.1.1".parse().unwrap())
        );
        assert_eq!(
            remap("10.244.3.7".parse().unwrap(), &configuration(false)),
            Err("configuration not remapped yet".into())
        );
        assert_eq!(
            proxy_url("10.71.3.7".parse().unwrap()),
            "http://10.71.3.7:8118"
        );
    }
}
