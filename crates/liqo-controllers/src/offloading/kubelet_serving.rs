//! Approves the virtual kubelets' serving-certificate CSRs (signer
//! `kubernetes.io/kubelet-serving`), which nothing in a cluster approves by itself: each
//! virtual kubelet serves the kubelet HTTPS API of its virtual Node with a certificate that
//! kube-controller-manager signs once the CSR is approved.
//!
//! Only CSRs requested by a ServiceAccount of a tenant namespace (`liqo-tenant-*`) are this
//! controller's: real kubelets' CSRs belong to the cluster's own approver and are never
//! touched. A tenant requester's CSR is approved when it asks for what kube-controller-manager
//! signs for a kubelet (CN `system:node:<n>`, O `system:nodes`, IP/DNS SANs, serving usages)
//! and `<n>` is a VirtualNode of the requester's namespace whose virtual kubelet runs as the
//! requester, its IP SANs are addresses of that ServiceAccount's pods (the virtual kubelet's)
//! and its DNS SANs only the Node name — so a tenant's token cannot get the cluster CA to vouch
//! for any other address; otherwise it is denied with the failed check as message, and a
//! Warning Event.

use std::collections::BTreeSet;
use std::net::IpAddr;
use std::sync::Arc;

use k8s_openapi::api::certificates::v1::CertificateSigningRequest;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{ListParams, Patch, PatchParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::events::EventType;
use kube::runtime::watcher;
use kube::{Api, ResourceExt};
use liqo_api::consts::name;
use liqo_api::offloading::VirtualNode;
use liqo_kube::reconcile::{ReconcileError, ResultExt};
use serde_json::json;
use tracing::instrument;
use x509_parser::certification_request::X509CertificationRequest;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::FromDer;
use x509_parser::x509::AttributeTypeAndValue;

use crate::context::Context;

/// Controller name (metrics, logs).
pub const NAME: &str = "kubeletserving";
const FIELD_MANAGER: &str = "liqo.io/kubelet-serving";
/// The signer of kubelet serving certificates (kube-controller-manager's).
pub const SIGNER: &str = "kubernetes.io/kubelet-serving";
/// Reason of the Approved condition (and of the Normal Event).
pub const REASON_APPROVED: &str = "LiqoVirtualKubeletServing";
/// Reason of the Denied condition (and of the Warning Event).
pub const REASON_DENIED: &str = "LiqoVirtualKubeletServingInvalid";
const SA_USER_PREFIX: &str = "system:serviceaccount:";
const NODE_CN_PREFIX: &str = "system:node:";
const NODES_GROUP: &str = "system:nodes";
const SERVER_AUTH: &str = "server auth";
/// The usage sets kube-controller-manager's kubelet-serving signer accepts (RSA keys, others):
/// any other set would be approved and then fail to be signed.
const USAGE_SETS: [&[&str]; 2] = [
    &["digital signature", "key encipherment", SERVER_AUTH],
    &["digital signature", SERVER_AUTH],
];

/// A ServiceAccount of a tenant namespace that asked for a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requester {
    /// Its namespace (`liqo-tenant-*`).
    pub namespace: String,
    /// Its name.
    pub service_account: String,
}

/// What a CSR asks for: the Node and its subject alternative names.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Requested {
    /// The Node (`system:node:<node>`).
    pub node: String,
    /// IP SANs.
    pub ips: Vec<IpAddr>,
    /// DNS SANs.
    pub dns: Vec<String>,
}

/// What to do with a CSR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Approve, with this message.
    Approve(String),
    /// Deny, with the failed check as message.
    Deny(String),
}

/// The tenant ServiceAccount that requested `csr`, if the CSR is this controller's to decide:
/// signer [`SIGNER`], neither approved, denied nor issued, requested by a ServiceAccount of a
/// `liqo-tenant-*` namespace. Anything else is someone else's business.
pub fn requester(csr: &CertificateSigningRequest) -> Option<Requester> {
    if csr.spec.signer_name != SIGNER {
        return None;
    }
    if let Some(status) = &csr.status {
        let decided = status.conditions.iter().flatten().any(|c| {
            // Failed too: the signer gave up on an approved request.
            matches!(c.type_.as_str(), "Approved" | "Denied" | "Failed")
        });
        if decided || status.certificate.as_ref().is_some_and(|c| !c.0.is_empty()) {
            return None;
        }
    }
    let user = csr.spec.username.as_deref()?.strip_prefix(SA_USER_PREFIX)?;
    let (namespace, service_account) = user.split_once(':')?;
    let tenant = namespace
        .strip_prefix(name::TENANT_NAMESPACE_PREFIX)
        .is_some_and(|rest| !rest.is_empty());
    (tenant && !service_account.is_empty()).then(|| Requester {
        namespace: namespace.to_owned(),
        service_account: service_account.to_owned(),
    })
}

/// The Node and SANs `csr` asks a serving certificate for, once its request and usages pass
/// the kubelet-serving checks; else the failed check.
///
/// # Errors
/// The message naming the failed check.
pub fn requested(csr: &CertificateSigningRequest) -> Result<Requested, String> {
    check_usages(csr.spec.usages.as_deref().unwrap_or_default())?;
    let (_, pem) = x509_parser::pem::parse_x509_pem(&csr.spec.request.0)
        .map_err(|e| format!("spec.request is not PEM: {e}"))?;
    if !pem.label.ends_with("CERTIFICATE REQUEST") {
        return Err(format!(
            "spec.request is a PEM {}, not a CERTIFICATE REQUEST",
            pem.label
        ));
    }
    let (_, request) = X509CertificationRequest::from_der(&pem.contents)
        .map_err(|e| format!("spec.request is not a certificate request: {e}"))?;
    let subject = &request.certification_request_info.subject;
    let organizations: Vec<&str> = subject.iter_organization().map(text).collect();
    if organizations != [NODES_GROUP] {
        return Err(format!(
            "O must be exactly {NODES_GROUP}, not {organizations:?}"
        ));
    }
    let common_names: Vec<&str> = subject.iter_common_name().map(text).collect();
    let node = match common_names.as_slice() {
        [cn] => cn.strip_prefix(NODE_CN_PREFIX).filter(|n| !n.is_empty()),
        _ => None,
    };
    let Some(node) = node else {
        return Err(format!(
            "CN must be {NODE_CN_PREFIX}<node name>, not {common_names:?}"
        ));
    };
    let (ips, dns) = check_sans(request.requested_extensions().into_iter().flatten())?;
    Ok(Requested {
        node: node.to_owned(),
        ips,
        dns,
    })
}

/// An attribute's text; `?` when it is not a string (and so matches nothing expected).
fn text<'a>(attribute: &AttributeTypeAndValue<'a>) -> &'a str {
    attribute.as_str().unwrap_or("?")
}

fn check_usages(usages: &[String]) -> Result<(), String> {
    let asked: BTreeSet<&str> = usages.iter().map(String::as_str).collect();
    let accepted = USAGE_SETS
        .iter()
        .any(|set| set.iter().copied().collect::<BTreeSet<_>>() == asked);
    if accepted {
        return Ok(());
    }
    Err(format!(
        "usages {usages:?} are not {:?} or {:?}",
        USAGE_SETS[0], USAGE_SETS[1]
    ))
}

/// Only IP and DNS SANs, at least one (the signer refuses a serving certificate without):
/// `(IPs, DNS names)`.
fn check_sans<'a>(
    extensions: impl Iterator<Item = &'a ParsedExtension<'a>>,
) -> Result<(Vec<IpAddr>, Vec<String>), String> {
    let (mut ips, mut dns) = (Vec::new(), Vec::new());
    for extension in extensions {
        match extension {
            ParsedExtension::SubjectAlternativeName(san) => {
                for general_name in &san.general_names {
                    match general_name {
                        GeneralName::IPAddress(bytes) => ips.push(ip_of(bytes)?),
                        GeneralName::DNSName(name) => dns.push((*name).to_owned()),
                        GeneralName::RFC822Name(e) => {
                            return Err(format!("email SAN {e} is not allowed"));
                        }
                        GeneralName::URI(u) => return Err(format!("URI SAN {u} is not allowed")),
                        other => return Err(format!("SAN {other} is not an IP or DNS name")),
                    }
                }
            }
            ParsedExtension::ParseError { error } => {
                return Err(format!("a requested extension does not parse: {error}"));
            }
            _ => {}
        }
    }
    if ips.is_empty() && dns.is_empty() {
        return Err("no IP or DNS SAN".into());
    }
    Ok((ips, dns))
}

fn ip_of(bytes: &[u8]) -> Result<IpAddr, String> {
    match bytes.len() {
        4 => Ok(IpAddr::from(
            <[u8; 4]>::try_from(bytes).expect("invariant: 4 bytes"),
        )),
        16 => Ok(IpAddr::from(
            <[u8; 16]>::try_from(bytes).expect("invariant: 16 bytes"),
        )),
        n => Err(format!("an IP SAN of {n} bytes is no address")),
    }
}

/// Every IP SAN is an address of the requester's pods and every DNS SAN is the Node name.
///
/// # Errors
/// The first SAN that is neither, naming the requester.
pub fn check_sans_belong(
    requester: &Requester,
    requested: &Requested,
    pod_ips: &[IpAddr],
) -> Result<(), String> {
    let sa = format!("{}/{}", requester.namespace, requester.service_account);
    if let Some(ip) = requested.ips.iter().find(|ip| !pod_ips.contains(ip)) {
        return Err(format!(
            "IP SAN {ip} is not an address of a pod of ServiceAccount {sa} (pods have {pod_ips:?})"
        ));
    }
    if let Some(name) = requested.dns.iter().find(|n| **n != requested.node) {
        return Err(format!(
            "DNS SAN {name} is not the Node name {}",
            requested.node
        ));
    }
    Ok(())
}

/// The ServiceAccount the virtual kubelet of `vn` runs as: its Deployment template's, else
/// the one the VirtualNode controller makes (named like the VirtualNode).
pub fn virtual_kubelet_service_account(vn: &VirtualNode) -> String {
    vn.spec
        .template
        .as_ref()
        .and_then(|t| t.spec.as_ref()?.template.spec.as_ref())
        .and_then(|p| p.service_account_name.clone())
        .filter(|sa| !sa.is_empty())
        .unwrap_or_else(|| vn.name_any())
}

/// Approve when `vn` (the VirtualNode named `node` in the requester's namespace, if any) runs
/// its virtual kubelet as the requester; its Node is named like it.
pub fn check_virtual_node(requester: &Requester, node: &str, vn: Option<&VirtualNode>) -> Decision {
    let ns = &requester.namespace;
    let Some(vn) = vn else {
        return Decision::Deny(format!(
            "CN {NODE_CN_PREFIX}{node} matches no VirtualNode in {ns}"
        ));
    };
    let sa = virtual_kubelet_service_account(vn);
    if sa != requester.service_account {
        return Decision::Deny(format!(
            "VirtualNode {ns}/{node} runs its virtual kubelet as ServiceAccount {sa}, not {}",
            requester.service_account
        ));
    }
    Decision::Approve(format!(
        "serving certificate of the virtual kubelet of VirtualNode {ns}/{node}"
    ))
}

/// Runs the controller until the stream ends.
pub async fn run(ctx: Arc<Context>) {
    // Only this signer's CSRs: the API server filters on it.
    let config = watcher::Config::default().fields(&format!("spec.signerName={SIGNER}"));
    let controller = Controller::new(
        Api::<CertificateSigningRequest>::all(ctx.client.clone()),
        config,
    );
    ctx.drive(NAME, controller.run(reconcile, error_policy, ctx.clone()))
        .await;
}

fn error_policy(
    csr: Arc<CertificateSigningRequest>,
    error: &ReconcileError,
    ctx: Arc<Context>,
) -> Action {
    ctx.retry(NAME, &*csr, error)
}

#[instrument(skip_all, fields(name = %csr.name_any()))]
async fn reconcile(
    csr: Arc<CertificateSigningRequest>,
    ctx: Arc<Context>,
) -> Result<Action, ReconcileError> {
    // 1. Not ours, or decided already: nothing to do until it changes.
    let Some(requester) = requester(&csr) else {
        return Ok(Action::await_change());
    };
    // 2. The request itself, then the VirtualNode it names and the requester's pods (read,
    // not cached: no lag).
    let decision = match requested(&csr) {
        Err(why) => Decision::Deny(why),
        Ok(wanted) => {
            let ns = &requester.namespace;
            let node = &wanted.node;
            let vn = Api::<VirtualNode>::namespaced(ctx.client.clone(), ns)
                .get_opt(node)
                .await
                .api(format!("read VirtualNode {ns}/{node}"))?;
            match check_virtual_node(&requester, node, vn.as_ref()) {
                Decision::Approve(message) => {
                    let ips = pod_ips(&ctx, &requester).await?;
                    match check_sans_belong(&requester, &wanted, &ips) {
                        Ok(()) => Decision::Approve(message),
                        Err(why) => Decision::Deny(why),
                    }
                }
                deny => deny,
            }
        }
    };
    // 3. Written once: a decided CSR is ignored from then on.
    write_decision(&ctx, &csr, &decision).await?;
    Ok(Action::await_change())
}

/// The addresses of the requester's running (not terminal) pods.
async fn pod_ips(ctx: &Context, requester: &Requester) -> Result<Vec<IpAddr>, ReconcileError> {
    let ns = &requester.namespace;
    let sa = &requester.service_account;
    let lp = ListParams::default().fields(&format!("spec.serviceAccountName={sa}"));
    let pods = Api::<Pod>::namespaced(ctx.client.clone(), ns)
        .list(&lp)
        .await
        .api(format!("list the pods of ServiceAccount {ns}/{sa}"))?;
    Ok(pods
        .items
        .iter()
        .filter_map(|p| p.status.as_ref())
        .filter(|st| !matches!(st.phase.as_deref(), Some("Succeeded" | "Failed")))
        .flat_map(|st| st.pod_ips.iter().flatten().map(|ip| ip.ip.clone()))
        .filter_map(|ip| ip.parse().ok())
        .collect())
}

/// Adds the Approved or Denied condition through the approval subresource, pinned to the read
/// resourceVersion so a concurrent decision is not overwritten.
async fn write_decision(
    ctx: &Context,
    csr: &CertificateSigningRequest,
    decision: &Decision,
) -> Result<(), ReconcileError> {
    let (type_, reason, message, event_type) = match decision {
        Decision::Approve(m) => ("Approved", REASON_APPROVED, m, EventType::Normal),
        Decision::Deny(m) => ("Denied", REASON_DENIED, m, EventType::Warning),
    };
    let name = csr.name_any();
    // A merge patch replaces the list: keep what is there (nothing decisive, see `requester`).
    let mut conditions = csr
        .status
        .as_ref()
        .and_then(|s| s.conditions.clone())
        .unwrap_or_default();
    conditions.push(
        serde_json::from_value(json!({
            "type": type_, "status": "True", "reason": reason, "message": message,
        }))
        .expect("invariant: a well-formed condition"),
    );
    let patch = json!({
        "metadata": {"resourceVersion": csr.resource_version()},
        "status": {"conditions": conditions},
    });
    let params = PatchParams {
        field_manager: Some(FIELD_MANAGER.to_owned()),
        ..PatchParams::default()
    };
    Api::<CertificateSigningRequest>::all(ctx.client.clone())
        .patch_approval(&name, &params, &Patch::Merge(&patch))
        .await
        .api(format!("{} CSR {name}", type_.to_lowercase()))?;
    tracing::info!(decision = type_, %message, "kubelet serving CSR decided");
    let note = format!("{type_}: {message}");
    ctx.event(csr, event_type, reason, note).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use k8s_openapi::ByteString;
    use k8s_openapi::api::certificates::v1::CertificateSigningRequestSpec;
    use liqo_api::offloading::VirtualNodeSpec;
    use rcgen::{CertificateParams, DnType, KeyPair, SanType};

    use super::*;

    const NS: &str = "liqo-tenant-provider";
    const VN: &str = "liqo-provider";

    /// A CSR PEM with `cn`, `o` and `sans`.
    fn request(cn: &str, o: &str, sans: Vec<SanType>) -> Vec<u8> {
        let mut params = CertificateParams::default();
        params.distinguished_name.push(DnType::CommonName, cn);
        params.distinguished_name.push(DnType::OrganizationName, o);
        params.subject_alt_names = sans;
        let key = KeyPair::generate().unwrap();
        let pem = params.serialize_request(&key).unwrap().pem().unwrap();
        pem.into_bytes()
    }

    /// The virtual kubelet pod's address.
    fn vk_ip() -> IpAddr {
        "10.0.0.7".parse().unwrap()
    }

    fn ip() -> SanType {
        SanType::IpAddress(vk_ip())
    }

    fn csr(request: Vec<u8>, user: &str, usages: &[&str]) -> CertificateSigningRequest {
        let mut csr = CertificateSigningRequest {
            spec: CertificateSigningRequestSpec {
                request: ByteString(request),
                signer_name: SIGNER.into(),
                usages: Some(usages.iter().map(ToString::to_string).collect()),
                username: Some(user.into()),
                ..Default::default()
            },
            ..Default::default()
        };
        csr.metadata.name = Some("csr-1".into());
        csr
    }

    fn vk_user() -> String {
        format!("system:serviceaccount:{NS}:{VN}")
    }

    fn valid() -> CertificateSigningRequest {
        let pem = request(&format!("system:node:{VN}"), "system:nodes", vec![ip()]);
        csr(pem, &vk_user(), &["digital signature", "server auth"])
    }

    fn virtual_node() -> VirtualNode {
        let mut vn = VirtualNode::new(VN, VirtualNodeSpec::default());
        vn.metadata.namespace = Some(NS.into());
        vn
    }

    /// What the reconcile decides, with `vns` the VirtualNodes of the cluster.
    fn decide(csr: &CertificateSigningRequest, vns: &[VirtualNode]) -> Option<Decision> {
        let requester = requester(csr)?;
        Some(match requested(csr) {
            Err(why) => Decision::Deny(why),
            Ok(wanted) => {
                let node = &wanted.node;
                let vn = vns.iter().find(|vn| {
                    vn.name_any() == *node && vn.namespace().as_ref() == Some(&requester.namespace)
                });
                match check_virtual_node(&requester, node, vn) {
                    Decision::Approve(m) => {
                        match check_sans_belong(&requester, &wanted, &[vk_ip()]) {
                            Ok(()) => Decision::Approve(m),
                            Err(why) => Decision::Deny(why),
                        }
                    }
                    deny => deny,
                }
            }
        })
    }

    fn denial(csr: &CertificateSigningRequest) -> String {
        match decide(csr, &[virtual_node()]) {
            Some(Decision::Deny(why)) => why,
            other => panic!("not denied: {other:?}"),
        }
    }

    #[test]
    fn a_virtual_kubelets_request_is_approved() {
        let decision = decide(&valid(), &[virtual_node()]);
        assert!(
            matches!(decision, Some(Decision::Approve(_))),
            "{decision:?}"
        );
        let dns = SanType::DnsName(VN.try_into().unwrap());
        let pem = request(
            &format!("system:node:{VN}"),
            "system:nodes",
            vec![ip(), dns],
        );
        let rsa = ["key encipherment", "digital signature", "server auth"];
        let decision = decide(&csr(pem, &vk_user(), &rsa), &[virtual_node()]);
        assert!(
            matches!(decision, Some(Decision::Approve(_))),
            "{decision:?}"
        );
    }

    #[test]
    fn other_signers_and_decided_csrs_are_ignored() {
        let mut other = valid();
        other.spec.signer_name = "kubernetes.io/kube-apiserver-client".into();
        assert_eq!(requester(&other), None);
        let mut decided = valid();
        decided.status = Some(
            serde_json::from_value(json!({"conditions": [{"type": "Approved", "status": "True"}]}))
                .unwrap(),
        );
        assert_eq!(requester(&decided), None);
    }

    #[test]
    fn requests_of_anyone_but_a_tenant_service_account_are_ignored() {
        for user in [
            "system:node:worker-1",
            "kubernetes-admin",
            "system:serviceaccount:kube-system:node-bootstrapper",
            "system:serviceaccount:liqo-tenant-:x",
            "system:serviceaccount:liqo-tenant-provider",
        ] {
            let mut c = valid();
            c.spec.username = Some(user.into());
            assert_eq!(requester(&c), None, "{user}");
        }
        let mut anonymous = valid();
        anonymous.spec.username = None;
        assert_eq!(requester(&anonymous), None);
    }

    #[test]
    fn a_wrong_organization_is_denied() {
        let pem = request(&format!("system:node:{VN}"), "system:masters", vec![ip()]);
        let why = denial(&csr(pem, &vk_user(), &["digital signature", "server auth"]));
        assert!(why.contains("O must be exactly system:nodes"), "{why}");
    }

    #[test]
    fn a_cn_naming_no_virtual_node_is_denied() {
        let pem = request("system:node:elsewhere", "system:nodes", vec![ip()]);
        let why = denial(&csr(pem, &vk_user(), &["digital signature", "server auth"]));
        assert_eq!(
            why,
            format!("CN system:node:elsewhere matches no VirtualNode in {NS}")
        );
        let pem = request("worker-1", "system:nodes", vec![ip()]);
        let why = denial(&csr(pem, &vk_user(), &["digital signature", "server auth"]));
        assert!(
            why.starts_with("CN must be system:node:<node name>"),
            "{why}"
        );
    }

    #[test]
    fn another_service_account_of_the_tenant_is_denied() {
        let mut c = valid();
        c.spec.username = Some(format!("system:serviceaccount:{NS}:default"));
        let why = denial(&c);
        assert!(
            why.contains("as ServiceAccount liqo-provider, not default"),
            "{why}"
        );
    }

    #[test]
    fn an_email_san_is_denied() {
        let email = SanType::Rfc822Name("vk@example.com".try_into().unwrap());
        let pem = request(
            &format!("system:node:{VN}"),
            "system:nodes",
            vec![ip(), email],
        );
        let why = denial(&csr(pem, &vk_user(), &["digital signature", "server auth"]));
        assert_eq!(why, "email SAN vk@example.com is not allowed");
        let pem = request(&format!("system:node:{VN}"), "system:nodes", vec![]);
        let why = denial(&csr(pem, &vk_user(), &["digital signature", "server auth"]));
        assert_eq!(why, "no IP or DNS SAN");
    }

    #[test]
    fn client_auth_and_incomplete_usages_are_denied() {
        let mut c = valid();
        c.spec.usages = Some(
            ["digital signature", "server auth", "client auth"]
                .map(String::from)
                .to_vec(),
        );
        assert!(denial(&c).starts_with("usages"), "{}", denial(&c));
        c.spec.usages = Some(vec!["server auth".into()]);
        assert!(denial(&c).starts_with("usages"), "{}", denial(&c));
    }
}

#[cfg(test)]
mod san_tests {
    use super::*;

    #[test]
    fn sans_must_be_the_requesters_pod_addresses_and_its_node_name() {
        let requester = Requester {
            namespace: "liqo-tenant-p".into(),
            service_account: "liqo-p".into(),
        };
        let wanted = |ips: &[&str], dns: &[&str]| Requested {
            node: "liqo-p".into(),
            ips: ips.iter().map(|i| i.parse().unwrap()).collect(),
            dns: dns.iter().map(ToString::to_string).collect(),
        };
        let pods: Vec<IpAddr> = vec!["198.18.0.9".parse().unwrap()];
        assert!(
            check_sans_belong(&requester, &wanted(&["198.18.0.9"], &["liqo-p"]), &pods).is_ok()
        );
        let why = check_sans_belong(&requester, &wanted(&["10.96.0.1"], &[]), &pods).unwrap_err();
        assert!(
            why.starts_with(
                "IP SAN 10.96.0.1 is not an address of a pod of ServiceAccount liqo-tenant-p/liqo-p"
            ),
            "{why}"
        );
        let why = check_sans_belong(
            &requester,
            &wanted(&["198.18.0.9"], &["kubernetes.default"]),
            &pods,
        )
        .unwrap_err();
        assert_eq!(
            why,
            "DNS SAN kubernetes.default is not the Node name liqo-p"
        );
    }
}
