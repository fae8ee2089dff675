//! Cases of the matrix about the clusters reached: which ones, whether Liqo is there, whether
//! they answer and accept the credentials, and tenant namespaces squatted in advance.

use super::fixtures::{Fixtures, flag, kc, rkc, server};
use super::{Case, case, exact, prefix};

/// The same cluster twice, Liqo or a namespace missing, the remote cluster not given.
pub fn cluster_cases(fx: &Fixtures) -> Vec<Case> {
    let Fixtures { alias, .. } = fx;
    vec![
        // Which clusters.
        case(
            "same cluster on both sides",
            &[&kc("alpha"), "authenticate", &rkc("alpha")],
            1,
            exact(format!(
                "ERRO: local and remote clusters must be different: the local and remote kubeconfigs both reach {}",
                server("alpha")
            )),
        ),
        case(
            "same cluster through two addresses",
            &[
                &kc("alpha"),
                "network",
                "connect",
                &flag("remote-kubeconfig", alias),
            ],
            1,
            exact(
                "ERRO: local and remote clusters must be different: both have cluster ID \"alpha-id\" (the same cluster through two contexts?)",
            ),
        ),
        case(
            "Liqo not installed remotely",
            &[&kc("alpha"), "authenticate", &rkc("bare")],
            1,
            exact(format!(
                "ERRO: Liqo is not installed in the remote cluster ({}): namespace \"liqo\" does not exist; run `liqoctl install` there first, or pass the namespace Liqo is installed in",
                server("bare")
            )),
        ),
        case(
            "Liqo not installed locally",
            &[
                &kc("bare"),
                "network",
                "reset",
                "--skip-confirm",
                &rkc("alpha"),
            ],
            1,
            prefix(format!(
                "ERRO: Liqo is not installed in the local cluster ({}): namespace \"liqo\" does not exist",
                server("bare")
            )),
        ),
        case(
            "missing Liqo namespace via -n",
            &[&kc("alpha"), "authenticate", &rkc("beta"), "-n", "nosuch"],
            1,
            prefix(format!(
                "ERRO: Liqo is not installed in the local cluster ({}): namespace \"nosuch\" does not exist",
                server("alpha")
            )),
        ),
        case(
            "remote Liqo namespace without Liqo",
            &[
                &kc("alpha"),
                "network",
                "connect",
                &rkc("beta"),
                "--remote-liqo-namespace=default",
            ],
            1,
            exact(format!(
                "ERRO: Liqo is not installed in the remote cluster ({}) in namespace \"default\": the namespace exists but has no ConfigMap liqo-clusterid-configmap; run `liqoctl install` there first",
                server("beta")
            )),
        ),
        case(
            "missing Liqo namespace via --liqo-namespace on reset",
            &[
                &kc("alpha"),
                "network",
                "reset",
                "--skip-confirm",
                &rkc("beta"),
                "--liqo-namespace=nosuch",
            ],
            1,
            prefix(format!(
                "ERRO: Liqo is not installed in the local cluster ({}): namespace \"nosuch\" does not exist",
                server("alpha")
            )),
        ),
        case(
            "missing tenant namespace via -n on connect",
            &[
                &kc("alpha"),
                "network",
                "connect",
                &rkc("beta"),
                "-n",
                "nosuch",
            ],
            1,
            exact("ERRO: local cluster: namespace nosuch (given by --namespace) does not exist"),
        ),
        case(
            "missing remote tenant namespace on connect",
            &[
                &kc("alpha"),
                "network",
                "connect",
                &rkc("beta"),
                "--remote-namespace=nosuch",
            ],
            1,
            exact(
                "ERRO: remote cluster: namespace nosuch (given by --remote-namespace) does not exist",
            ),
        ),
        case(
            "missing --remote-kubeconfig on authenticate",
            &[&kc("alpha"), "authenticate"],
            1,
            exact(
                "ERRO: the remote cluster is not set: pass --remote-kubeconfig (and --remote-context if needed)",
            ),
        ),
        case(
            "missing --remote-kubeconfig on disconnect",
            &[&kc("alpha"), "network", "disconnect", "--skip-confirm"],
            1,
            exact(
                "ERRO: the remote cluster is not set: pass --remote-kubeconfig (and --remote-context if needed)",
            ),
        ),
    ]
}

/// Unreachable servers, unknown CAs, rejected credentials (401) and missing rights (403).
pub fn transport_cases(fx: &Fixtures) -> Vec<Case> {
    let Fixtures {
        closed,
        other_ca,
        foreign_cert,
        bad_token,
        nobody,
        ..
    } = fx;
    let forbidden_cm = "Forbidden: configmaps \"liqo-clusterid-configmap\" is forbidden: User \"system:serviceaccount:default:nobody\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"liqo\"";
    vec![
        // Transport and credentials.
        case(
            "remote server unreachable",
            &[
                &kc("beta"),
                "authenticate",
                &flag("remote-kubeconfig", closed),
            ],
            1,
            exact(format!(
                "ERRO: cannot reach the remote cluster at https://127.0.0.1:1 (--remote-kubeconfig {closed}): connection refused"
            )),
        ),
        case(
            "local server unreachable",
            &[&flag("kubeconfig", closed), "install"],
            1,
            exact(format!(
                "ERRO: cannot reach the local cluster at https://127.0.0.1:1 (--kubeconfig {closed}): connection refused"
            )),
        ),
        case(
            "local server unreachable, on version",
            &[&flag("kubeconfig", closed), "version"],
            1,
            exact(format!(
                "WARN: cannot reach the local cluster at https://127.0.0.1:1 (--kubeconfig {closed}): connection refused"
            )),
        ),
        case(
            "remote server from an unknown CA",
            &[
                &kc("beta"),
                "network",
                "connect",
                &flag("remote-kubeconfig", other_ca),
            ],
            1,
            exact(format!(
                "ERRO: TLS handshake with the remote cluster at {} failed (--remote-kubeconfig {other_ca}): invalid peer certificate: UnknownIssuer: the server's certificate is not signed by the kubeconfig's certificate-authority",
                server("alpha")
            )),
        ),
        case(
            "local server from an unknown CA",
            &[&flag("kubeconfig", other_ca), "uninstall", "--skip-confirm"],
            1,
            prefix(format!(
                "ERRO: TLS handshake with the local cluster at {} failed (--kubeconfig {other_ca}): invalid peer certificate: UnknownIssuer",
                server("alpha")
            )),
        ),
        case(
            "remote client certificate from another CA (401)",
            &[
                &kc("beta"),
                "authenticate",
                &flag("remote-kubeconfig", foreign_cert),
            ],
            1,
            exact(format!(
                "ERRO: the remote cluster at {} rejected the credentials of user \"alpha\" in --remote-kubeconfig {foreign_cert} (401 Unauthorized): check --remote-user or renew the credentials",
                server("alpha")
            )),
        ),
        case(
            "local bad token (401)",
            &[
                &flag("kubeconfig", bad_token),
                "network",
                "disconnect",
                "--skip-confirm",
                &rkc("beta"),
            ],
            1,
            exact(format!(
                "ERRO: the local cluster at {} rejected the credentials of user \"stranger\" in --kubeconfig {bad_token} (401 Unauthorized): check --user or renew the credentials",
                server("alpha")
            )),
        ),
        case(
            "remote user without rights (403)",
            &[
                &kc("beta"),
                "authenticate",
                &flag("remote-kubeconfig", nobody),
            ],
            1,
            exact(format!(
                "ERRO: cannot read the remote cluster ID (ConfigMap liqo/liqo-clusterid-configmap) at {}: {forbidden_cm}",
                server("alpha")
            )),
        ),
        case(
            "local user without rights (403), on install",
            &[&flag("kubeconfig", nobody), "install"],
            1,
            exact(format!(
                "ERRO: failed to read the cluster identity (ConfigMap liqo/liqo-clusterid-configmap): {forbidden_cm}"
            )),
        ),
        case(
            "local user without rights (403), on uninstall",
            &[&flag("kubeconfig", nobody), "uninstall", "--skip-confirm"],
            1,
            prefix(
                "ERRO: failed to list ForeignClusters: Forbidden: foreignclusters.core.liqo.io is forbidden: User \"system:serviceaccount:default:nobody\" cannot list resource \"foreignclusters\"",
            ),
        ),
    ]
}

/// Cases run after the tenant namespaces are squatted (see `fixtures::squat`): alpha's tenant
/// namespace for beta exists without labels, beta's for alpha is labelled for a third cluster.
pub fn squat_cases() -> Vec<Case> {
    let unlabelled = "ERRO: local cluster: namespace liqo-tenant-beta-id exists but is not the tenant namespace of cluster beta-id: label liqo.io/remote-cluster-id is missing (expected \"beta-id\"), label liqo.io/tenant-namespace is missing (expected \"true\")";
    let foreign = "ERRO: local cluster: namespace liqo-tenant-alpha-id exists but is not the tenant namespace of cluster alpha-id: label liqo.io/remote-cluster-id is \"gamma-id\" (expected \"alpha-id\")";
    vec![
        case(
            "tenant namespace squatted by an unlabelled namespace, on authenticate",
            &[&kc("alpha"), "authenticate", &rkc("beta")],
            1,
            exact(unlabelled),
        ),
        case(
            "tenant namespace squatted by an unlabelled namespace, on connect",
            &[&kc("alpha"), "network", "connect", &rkc("beta")],
            1,
            exact(unlabelled),
        ),
        case(
            "tenant namespace labelled for another cluster, on authenticate",
            &[&kc("beta"), "authenticate", &rkc("alpha")],
            1,
            exact(foreign),
        ),
        case(
            "tenant namespace labelled for another cluster, on connect",
            &[&kc("beta"), "network", "connect", &rkc("alpha")],
            1,
            exact(foreign),
        ),
    ]
}
