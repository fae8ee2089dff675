//! The wait `peer` adds after the ResourceSlice (upstream stops at the slice): the VirtualNode
//! the consumer's controllers make for it, then its Node Ready.

use std::time::Duration;

use k8s_openapi::api::core::v1::Node;
use kube::{Api, Client};
use liqo_api::offloading::VirtualNode;
use liqo_kube::offloading::node::{is_ready, ready_status};

use crate::printer::Printer;

/// Waits, within `timeout`, for VirtualNode `ns/name` and then for its Node to be Ready,
/// printing a step for each.
pub async fn await_virtual_node(
    client: &Client,
    printer: &Printer,
    ns: &str,
    name: &str,
    timeout: Duration,
) -> anyhow::Result<()> {
    let deadline = crate::flags::deadline(timeout);
    let left = || deadline.saturating_duration_since(tokio::time::Instant::now());
    let spinner = printer.spinner(format!("Waiting for virtual node {name} to be created"));
    let vns: Api<VirtualNode> = Api::namespaced(client.clone(), ns);
    let created = liqo_kube::wait::object(
        vns,
        name,
        &format!("VirtualNode {ns}/{name} to exist"),
        left(),
        |vn| vn.is_some(),
        |_| "no VirtualNode yet (the ResourceSlice's Identity and kubeconfig come first; is the liqo-controller-manager running?)".into(),
    )
    .await;
    if let Err(e) = created {
        let message = format!("Failed waiting for virtual node {name} to be created: {e}");
        spinner.fail(&message);
        return Err(crate::exit::Reported(message).into());
    }
    spinner.success(format!("Virtual node {name} created"));
    let spinner = printer.spinner(format!("Waiting for node {name} to be ready"));
    let nodes: Api<Node> = Api::all(client.clone());
    let ready = liqo_kube::wait::object(
        nodes,
        name,
        &format!("Node {name} to be Ready"),
        left(),
        |n| n.is_some_and(is_ready),
        |n| match n {
            None => "no Node yet (the virtual kubelet registers it; is its pod running?)".into(),
            Some(n) => format!("Ready={}", ready_status(n).unwrap_or("not reported")),
        },
    )
    .await;
    match ready {
        Ok(_) => {
            spinner.success(format!("Node {name} is ready"));
            Ok(())
        }
        Err(e) => {
            let message = format!("Failed waiting for node {name} to be ready: {e}");
            spinner.fail(&message);
            Err(crate::exit::Reported(message).into())
        }
    }
}
