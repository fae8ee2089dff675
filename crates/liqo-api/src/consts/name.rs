//! Default names, name prefixes, data keys and default numbers of Liqo's objects.

// --- Installation ---------------------------------------------------------------------------

/// Default Liqo namespace.
pub const LIQO_NAMESPACE: &str = "liqo";
/// The cluster-ID ConfigMap created by the chart (found by label
/// [`APP_NAME_CLUSTER_ID_CONFIGMAP`](super::label::APP_NAME_CLUSTER_ID_CONFIGMAP), not by name).
pub const CLUSTER_ID_CONFIGMAP: &str = "liqo-clusterid-configmap";
/// Key of the cluster ID in that ConfigMap.
pub const CLUSTER_ID_KEY: &str = "CLUSTER_ID";
/// The cluster's authentication key pair, in the Liqo namespace.
pub const AUTHENTICATION_KEYS_SECRET: &str = "authentication-keys";
/// Key of the PEM `PRIVATE KEY` (PKCS#8), in the keys Secrets.
pub const PRIVATE_KEY_KEY: &str = "privateKey";
/// Key of the PEM `PUBLIC KEY` (PKIX) or raw WireGuard key, in the keys Secrets.
pub const PUBLIC_KEY_KEY: &str = "publicKey";
/// Helm release of Liqo.
pub const HELM_RELEASE: &str = "liqo";
/// The controller-manager's container.
pub const CONTROLLER_MANAGER_CONTAINER: &str = "controller-manager";
/// The default VkOptionsTemplate, in the Liqo namespace.
pub const VK_OPTIONS_TEMPLATE: &str = "virtual-kubelet-default";
/// The default gateway server template, in the Liqo namespace.
pub const GATEWAY_SERVER_TEMPLATE: &str = "wireguard-server";
/// The default gateway client template, in the Liqo namespace.
pub const GATEWAY_CLIENT_TEMPLATE: &str = "wireguard-client";
/// Resource (group/version/resource) of the default server template.
pub const GATEWAY_SERVER_TEMPLATE_TYPE: &str =
    "networking.liqo.io/v1beta1/wggatewayservertemplates";
/// Resource (group/version/resource) of the default client template.
pub const GATEWAY_CLIENT_TEMPLATE_TYPE: &str =
    "networking.liqo.io/v1beta1/wggatewayclienttemplates";
/// Resource of the default GatewayServer children.
pub const GATEWAY_SERVER_RESOURCES: &str = "networking.liqo.io/v1beta1/wggatewayservers";
/// Resource of the default GatewayClient children.
pub const GATEWAY_CLIENT_RESOURCES: &str = "networking.liqo.io/v1beta1/wggatewayclients";

// --- Tenancy and authentication -------------------------------------------------------------

/// Prefix of tenant namespaces: `liqo-tenant-<remote cluster ID>`.
pub const TENANT_NAMESPACE_PREFIX: &str = "liqo-tenant-";
/// The nonce Secret, in the provider's tenant namespace.
pub const NONCE_SECRET: &str = "liqo-nonce";
/// Key of the nonce (in both nonce Secrets).
pub const NONCE_KEY: &str = "nonce";
/// The signed-nonce Secret, in the consumer's tenant namespace.
pub const SIGNED_NONCE_SECRET: &str = "liqo-signed-nonce";
/// Key of the signature in the signed-nonce Secret.
pub const SIGNED_NONCE_KEY: &str = "signedNonce";
/// The control-plane certificate cache; `<this>-<rs>` for a ResourceSlice's.
pub const REMOTE_CERTIFICATE_SECRET: &str = "liqo-remote-certificate";
/// Key of the CSR in the certificate cache.
pub const CERTIFICATE_CACHE_CSR_KEY: &str = "csr";
/// Key of the certificate in the certificate cache.
pub const CERTIFICATE_CACHE_CERTIFICATE_KEY: &str = "certificate";
/// `generateName` of the identity provider's CertificateSigningRequests.
pub const CSR_GENERATE_NAME: &str = "liqo-identity-";
/// Signer of the identity provider's CSRs.
pub const CSR_SIGNER: &str = "kubernetes.io/kube-apiserver-client";
/// Organization (`O`) of control-plane and peering-user certificates.
pub const LIQO_ORGANIZATION: &str = "liqo.io";
/// Prefix of ControlPlane Identities: `controlplane-<provider ID>`.
pub const CONTROL_PLANE_IDENTITY_PREFIX: &str = "controlplane-";
/// Prefix of ResourceSlice Identities: `resourceslice-<slice name>`.
pub const RESOURCE_SLICE_IDENTITY_PREFIX: &str = "resourceslice-";
/// Prefix of kubeconfig Secrets: `kubeconfig-<identity name>`.
pub const KUBECONFIG_SECRET_PREFIX: &str = "kubeconfig-";
/// Key of the kubeconfig in kubeconfig Secrets.
pub const KUBECONFIG_KEY: &str = "kubeconfig";
/// The (current) context of generated kubeconfigs.
pub const KUBECONFIG_CONTEXT: &str = "default-context";
/// Prefix of the bindings of tenant roles: `liqo-binding-<cluster role>[-<consumer ID>]`.
pub const BINDING_PREFIX: &str = "liqo-binding-";
/// ClusterRole bound to a consumer in the provider's tenant namespace.
pub const REMOTE_CONTROLPLANE_CLUSTER_ROLE: &str = "liqo-remote-controlplane";
/// Prefix of peering users and their CSR: `liqo-peer-user-<consumer ID>`.
pub const PEERING_USER_PREFIX: &str = "liqo-peer-user-";
/// Class of the built-in ResourceSlice class (`""` means the same).
pub const DEFAULT_RESOURCE_SLICE_CLASS: &str = "default";

// --- Networking -----------------------------------------------------------------------------

/// Prefix of a gateway's Deployment, Service, keys Secret and Connection: `gw-<gateway name>`.
pub const GATEWAY_PREFIX: &str = "gw-";
/// ClusterRole bound to each gateway's ServiceAccount.
pub const GATEWAY_CLUSTER_ROLE: &str = "liqo-gateway";
/// Volume of the gateway pod holding the keys Secret.
pub const WIREGUARD_CONFIG_VOLUME: &str = "wireguard-config";
/// Where the keys are mounted in the wireguard container.
pub const WIREGUARD_KEYS_DIR: &str = "/etc/wireguard/keys";
/// Name of the (first) tunnel interface; `liqo-tunnel<i>` for tunnel `i ≥ 1`.
pub const TUNNEL_INTERFACE: &str = "liqo-tunnel";
/// The API-server proxy's IP object, in the Liqo namespace.
pub const API_SERVER_PROXY_IP: &str = "api-server-proxy";
/// Port of the API-server proxy (HTTP CONNECT).
pub const API_SERVER_PROXY_PORT: u16 = 8118;
/// Deployment and Service of the API-server proxy, in the Liqo namespace.
pub const API_SERVER_PROXY: &str = "liqo-proxy";
/// Default tunnel MTU.
pub const DEFAULT_MTU: u32 = 1340;
/// Default UDP port of the gateway server.
pub const DEFAULT_GATEWAY_PORT: u16 = 51840;
/// UDP port of the connection check (ping) inside the tunnel.
pub const CONNECTION_CHECK_PORT: u16 = 12345;
/// Inner address of the server end of tunnel 0.
pub const TUNNEL_SERVER_ADDRESS: &str = "169.254.18.1/30";
/// Inner address of the client end of tunnel 0.
pub const TUNNEL_CLIENT_ADDRESS: &str = "169.254.18.2/30";
/// Default external CIDR.
pub const DEFAULT_EXTERNAL_CIDR: &str = "10.70.0.0/16";
/// Default internal CIDR.
pub const DEFAULT_INTERNAL_CIDR: &str = "10.80.0.0/16";
/// Latency of a Connection without a measurement.
pub const LATENCY_NOT_AVAILABLE: &str = "N/A";

// --- Offloading -----------------------------------------------------------------------------

/// The only accepted name of a NamespaceOffloading.
pub const NAMESPACE_OFFLOADING: &str = "offloading";
/// Prefix of virtual-kubelet Deployments: `vk-<virtual node>`.
pub const VIRTUAL_KUBELET_PREFIX: &str = "vk-";
/// Prefix of virtual nodes' ClusterRoleBindings: `liqo-node-<virtual node>`.
pub const VIRTUAL_NODE_BINDING_PREFIX: &str = "liqo-node-";
/// ClusterRole of the virtual kubelet in the consumer.
pub const VIRTUAL_KUBELET_LOCAL_CLUSTER_ROLE: &str = "liqo-virtual-kubelet-local";
/// ClusterRole of the virtual kubelet in the provider's twin namespaces.
pub const VIRTUAL_KUBELET_REMOTE_CLUSTER_ROLE: &str = "liqo-virtual-kubelet-remote";
/// The virtual kubelet's container.
pub const VIRTUAL_KUBELET_CONTAINER: &str = "virtual-kubelet";
/// Lease electing the reflecting virtual kubelet of a provider, in the tenant namespace.
pub const VIRTUAL_KUBELET_LEADER_ELECTION_LEASE: &str = "virtual-kubelet-leader-election";
/// Key of the taint of every virtual Node (value `true`, effect `NoExecute`).
pub const VIRTUAL_NODE_TAINT_KEY: &str = "virtual-node.liqo.io/not-allowed";
/// Runtime class that opts a pod out of the Liqo pod webhook.
pub const LIQO_RUNTIME_CLASS: &str = "liqo";
