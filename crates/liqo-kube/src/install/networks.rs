//! The local Networks an installation preinstalls in the Liqo namespace (networking.md §2,
//! §10): the pod and service CIDRs (shared, never remapped), the external CIDR (its first IP
//! pre-allocated) and the internal CIDR. The Network controller grants them as they are.

use std::collections::BTreeMap;

use liqo_api::consts::{annotation, label};
use liqo_api::ipam::{Network, NetworkSpec};

use super::{InstallParams, meta};
use crate::apply::{ApplyError, Manifest};

/// Name of the (first) pod-cidr Network; further pod CIDRs get `pod-cidr-<i>`.
pub const POD_CIDR_NETWORK: &str = "pod-cidr";
/// Name of the service-cidr Network.
pub const SERVICE_CIDR_NETWORK: &str = "service-cidr";
/// Name of the external-cidr Network.
pub const EXTERNAL_CIDR_NETWORK: &str = "external-cidr";
/// Name of the internal-cidr Network.
pub const INTERNAL_CIDR_NETWORK: &str = "internal-cidr";
/// IPs reserved at the start of the external CIDR (traffic whose source is unknown).
const EXTERNAL_PRE_ALLOCATED: u32 = 1;

fn network(
    params: &InstallParams,
    name: &str,
    cidr: &str,
    network_type: &str,
    shared: bool,
    pre_allocated: Option<u32>,
) -> Network {
    let mut labels = vec![
        (label::IPAM_NETWORK_TYPE, network_type),
        (label::IPAM_NETWORK_NOT_REMAPPED, label::TRUE),
    ];
    if shared {
        labels.push((label::IPAM_NETWORK_SHARED, label::TRUE));
    }
    let mut metadata = meta(name, Some(&params.namespace), &labels);
    metadata.annotations = Some(BTreeMap::from([(
        annotation::PREINSTALLED.to_string(),
        label::TRUE.to_string(),
    )]));
    Network {
        metadata,
        spec: NetworkSpec {
            cidr: cidr.to_string(),
            pre_allocated,
        },
        status: None,
    }
}

/// The preinstalled Networks of an installation.
pub(super) fn render(params: &InstallParams) -> Result<Vec<Manifest>, ApplyError> {
    let mut networks: Vec<Network> = params
        .pod_cidrs
        .iter()
        .enumerate()
        .map(|(i, cidr)| {
            let name = match i {
                0 => POD_CIDR_NETWORK.to_string(),
                i => format!("{POD_CIDR_NETWORK}-{i}"),
            };
            let pod = label::IPAM_NETWORK_TYPE_POD_CIDR;
            network(params, &name, cidr, pod, true, None)
        })
        .collect();
    let fixed = [
        (
            SERVICE_CIDR_NETWORK,
            &params.service_cidr,
            label::IPAM_NETWORK_TYPE_SERVICE_CIDR,
            true,
            None,
        ),
        (
            EXTERNAL_CIDR_NETWORK,
            &params.external_cidr,
            label::IPAM_NETWORK_TYPE_EXTERNAL_CIDR,
            false,
            Some(EXTERNAL_PRE_ALLOCATED),
        ),
        (
            INTERNAL_CIDR_NETWORK,
            &params.internal_cidr,
            label::IPAM_NETWORK_TYPE_INTERNAL_CIDR,
            false,
            None,
        ),
    ];
    for (name, cidr, network_type, shared, pre_allocated) in fixed {
        networks.push(network(
            params,
            name,
            cidr,
            network_type,
            shared,
            pre_allocated,
        ));
    }
    networks.iter().map(Manifest::from_typed).collect()
}
