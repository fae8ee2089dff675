//! `unauthenticate` (authentication.md §9.2): removes the consumer's control-plane Identity
//! and the provider's Tenant, and what the handshake left that upstream keeps: the nonce
//! Secrets, the provider's certificate cache and the CSRs it was issued through.

use std::time::Duration;

use anyhow::{Context as _, bail};
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::api::rbac::v1::RoleBinding;
use kube::api::{ApiResource, DeleteParams, ListParams};
use kube::{Api, Client, ResourceExt};
use liqo_api::authentication::{Identity, Renew, ResourceSlice, Tenant};
use liqo_api::consts::{label, name};
use liqo_kube::auth::identity::controlplane_name;
use liqo_kube::tenant_namespace;

use crate::peers::Peers;

/// Removes the authentication of `peers.local` (consumer) with `peers.remote` (provider);
/// with `wait`, returns once the Identity and the Tenant are gone. Refuses while the
/// consumer still has ResourceSlices for the provider.
pub async fn unauthenticate(peers: &Peers, wait: bool) -> anyhow::Result<()> {
    let (local, remote) = (&peers.local.client, &peers.remote.client);
    let (lp, rp) = (&peers.local.printer, &peers.remote.printer);
    let spinner = lp.spinner("Checking for leftover ResourceSlices");
    let selector = format!(
        "{}=true,{}={}",
        label::REPLICATION,
        label::REMOTE_ID,
        peers.remote.id
    );
    let slices = Api::<ResourceSlice>::all(local.clone())
        .list(&ListParams::default().labels(&selector))
        .await?;
    if !slices.items.is_empty() {
        spinner.fail("resourceslices are still present on consumer cluster");
        let names: Vec<String> = slices.items.iter().map(ResourceExt::name_any).collect();
        bail!(
            "resourceslices {} still use cluster {}: delete them first",
            names.join(", "),
            peers.remote.id
        );
    }
    spinner.success("No leftover resourceslices on consumer cluster");

    if let Some(ns) = tenant_namespace::lookup(local, &peers.remote.id)
        .await?
        .map(|n| n.name_any())
    {
        let spinner = lp.spinner("Deleting identity control plane");
        // Its kubeconfig Secret goes with it.
        let kinds = [erase::<Identity>(), erase::<Secret>(), erase::<Renew>()];
        let name = controlplane_name(&peers.remote.id);
        let existed = delete::<Identity>(local, &ns, &name, &kinds, wait).await?;
        delete_secret(local, &ns, name::SIGNED_NONCE_SECRET).await?;
        spinner.success(if existed {
            "Identity control plane correctly deleted"
        } else {
            "Identity control plane already deleted"
        });
    } else {
        lp.success("Identity control plane already deleted");
    }
    if let Some(ns) = tenant_namespace::lookup(remote, &peers.local.id)
        .await?
        .map(|n| n.name_any())
    {
        let spinner = rp.spinner("Deleting tenant");
        // Its RoleBindings go with it (the ClusterRoleBinding by its finalizer).
        let kinds = [erase::<Tenant>(), erase::<RoleBinding>()];
        let existed = delete::<Tenant>(remote, &ns, &peers.local.id, &kinds, wait).await?;
        // The consumer's Renew (its replica) goes with the Tenant.
        let name = controlplane_name(&peers.remote.id);
        match delete::<Renew>(remote, &ns, &name, &[erase::<Renew>()], wait).await {
            Ok(_) => {}
            // A peering user may not touch replicas: say what stays, as for the CSRs.
            Err(e) if crate::exit::is_forbidden(&e) => {
                rp.warn(format!(
                    "Renew {ns}/{name} kept: the user may not delete Renews (an administrator of the provider can)"
                ));
            }
            Err(e) => return Err(e),
        }
        // A fresh nonce for any later authentication.
        delete_secret(remote, &ns, name::NONCE_SECRET).await?;
        // The Tenant is gone (or going, without --wait, and a deleting Tenant issues nothing).
        let kept = delete_certificate_cache(remote, &ns, &peers.local.id).await?;
        if let Some(kept) = kept {
            rp.warn(kept);
        }
        spinner.success(if existed {
            "Tenant correctly deleted"
        } else {
            "Tenant already deleted"
        });
    } else {
        rp.success("Tenant already deleted");
    }
    Ok(())
}

/// Deletes `name` in `namespace`; with `wait`, until it and what it owns among `kinds` are
/// gone (finalizers run; the command's timeout bounds the wait). Whether it existed.
async fn delete<K>(
    client: &Client,
    namespace: &str,
    name: &str,
    kinds: &[ApiResource],
    wait: bool,
) -> anyhow::Result<bool>
where
    K: liqo_kube::reconcile::NamespacedObject,
{
    let timeout = wait.then_some(Duration::MAX);
    let deleted = liqo_kube::wait::deleted_with_dependents::<K>;
    Ok(deleted(client, namespace, name, kinds, timeout).await?)
}

fn erase<K: kube::Resource<DynamicType = ()>>() -> ApiResource {
    ApiResource::erase::<K>(&())
}

/// Deletes the consumer's certificate caches in the provider's tenant namespace
/// (`liqo-remote-certificate`, and `liqo-remote-certificate-<slice>` of ResourceSlices, whose
/// absence was checked first) and the CSRs that issued them: a later authentication then gets a
/// fresh certificate. The certificates already issued stay valid until they expire (Kubernetes
/// cannot revoke them) but their RBAC is gone with the Tenant. Returns what was kept, if the
/// user may not delete CSRs (a peering user): the kube-controller-manager's cleaner removes
/// issued CSRs after an hour.
async fn delete_certificate_cache(
    client: &Client,
    namespace: &str,
    consumer: &str,
) -> anyhow::Result<Option<String>> {
    use k8s_openapi::api::certificates::v1::CertificateSigningRequest;
    let secrets: Api<Secret> = Api::namespaced(client.clone(), namespace);
    let selector = format!("{}={consumer}", label::REMOTE_CLUSTER_ID);
    let caches: Vec<Secret> = secrets
        .list(&ListParams::default().labels(&selector))
        .await
        .with_context(|| format!("failed to list the certificate caches in {namespace}"))?
        .items
        .into_iter()
        .filter(|s| is_certificate_cache(&s.name_any()))
        .collect();
    let requests: Vec<Vec<u8>> = caches
        .iter()
        .filter_map(|s| s.data.as_ref()?.get(name::CERTIFICATE_CACHE_CSR_KEY))
        .map(|b| b.0.clone())
        .collect();
    for cache in &caches {
        delete_secret(client, namespace, &cache.name_any()).await?;
    }
    if requests.is_empty() {
        return Ok(None);
    }
    let csrs: Api<CertificateSigningRequest> = Api::all(client.clone());
    let ours = format!("{}={}", label::REMOTE_TENANT_CSR, label::TRUE);
    let listed = match csrs.list(&ListParams::default().labels(&ours)).await {
        Ok(list) => list.items,
        Err(kube::Error::Api(e)) if e.code == 403 => {
            return Ok(Some(format!(
                "CSRs of cluster {consumer} kept: the user may not list CertificateSigningRequests (the CSR cleaner removes them)"
            )));
        }
        Err(e) => return Err(e).context("failed to list the CertificateSigningRequests"),
    };
    // Only the CSRs that issued a cached certificate: a pending one may be another run's.
    let used = listed.iter().filter(|c| {
        requests.contains(&c.spec.request.0)
            && c.status
                .as_ref()
                .and_then(|s| s.certificate.as_ref())
                .is_some_and(|c| !c.0.is_empty())
    });
    for csr in used {
        match csrs.delete(&csr.name_any(), &DeleteParams::default()).await {
            Ok(_) => {}
            Err(kube::Error::Api(e)) if e.code == 404 => {}
            Err(kube::Error::Api(e)) if e.code == 403 => {
                return Ok(Some(format!(
                    "CSR {} of cluster {consumer} kept: the user may not delete CertificateSigningRequests (the CSR cleaner removes it)",
                    csr.name_any()
                )));
            }
            Err(e) => {
                return Err(e).with_context(|| format!("failed to delete CSR {}", csr.name_any()));
            }
        }
    }
    Ok(None)
}

/// `liqo-remote-certificate` (control plane) or `liqo-remote-certificate-<slice>`.
fn is_certificate_cache(secret: &str) -> bool {
    let base = name::REMOTE_CERTIFICATE_SECRET;
    secret == base
        || secret
            .strip_prefix(base)
            .is_some_and(|rest| rest.len() > 1 && rest.starts_with('-'))
}

async fn delete_secret(client: &Client, namespace: &str, name: &str) -> anyhow::Result<()> {
    match Api::<Secret>::namespaced(client.clone(), namespace)
        .delete(name, &DeleteParams::default())
        .await
    {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(e)) if e.code == 404 => Ok(()),
        Err(e) => Err(e).with_context(|| format!("failed to delete Secret {namespace}/{name}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_caches_are_the_control_plane_one_and_the_slices_ones() {
        assert!(is_certificate_cache("liqo-remote-certificate"));
        assert!(is_certificate_cache("liqo-remote-certificate-slice-a"));
        assert!(!is_certificate_cache("liqo-remote-certificate-"));
        assert!(!is_certificate_cache("liqo-remote-certificates"));
        assert!(!is_certificate_cache("kubeconfig-controlplane-p"));
    }
}
