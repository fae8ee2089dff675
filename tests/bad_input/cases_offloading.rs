//! Cases of the matrix about the offloading commands (create resourceslice|virtualnode,
//! delete virtualnode, cordon|uncordon|drain|activate): flag values are refused before the
//! cluster is read, a missing tenant namespace or Tenant is named, and nothing is written.

use super::fixtures::kc;
use super::{Case, case, exact, prefix};

/// On alpha, which has Liqo but is authenticated with nobody.
pub fn offloading_cases() -> Vec<Case> {
    let rs = |extra: &[&str]| {
        let mut args = vec![
            kc("alpha"),
            "create".into(),
            "resourceslice".into(),
            "s1".into(),
            "--remote-cluster-id=beta-id".into(),
        ];
        args.extend(extra.iter().map(ToString::to_string));
        args
    };
    let vn = |extra: &[&str]| {
        let mut args = vec![
            kc("alpha"),
            "create".into(),
            "virtualnode".into(),
            "n1".into(),
            "--remote-cluster-id=beta-id".into(),
        ];
        args.extend(extra.iter().map(ToString::to_string));
        args
    };
    let owned = |name, args: Vec<String>, code, first| Case {
        name,
        args,
        env: Vec::new(),
        code,
        first_line: first,
    };
    vec![
        owned(
            "create resourceslice --cpu not a quantity",
            rs(&["--cpu", "abc"]),
            1,
            exact("ERRO: invalid --cpu \"abc\": it is not a quantity such as 2, 500m, 4Gi or 1e3"),
        ),
        owned(
            "create resourceslice --memory negative",
            rs(&["--memory", "-1Gi"]),
            1,
            exact("ERRO: invalid --memory \"-1Gi\": it must not be negative"),
        ),
        owned(
            "create resourceslice --pods fractional",
            rs(&["--pods", "1.5"]),
            1,
            exact("ERRO: invalid --pods \"1.5\": it must be a whole number"),
        ),
        owned(
            "create resourceslice --resource without a value",
            rs(&["--resource", "nvidia.com/gpu"]),
            1,
            prefix("ERRO: invalid --resource \"nvidia.com/gpu\": use name=quantity"),
        ),
        owned(
            "create resourceslice unknown --class",
            rs(&["--class", "gold"]),
            1,
            prefix(
                "ERRO: --class \"gold\" is not served by this Liqo: only the built-in class \"default\" is",
            ),
        ),
        case(
            "create resourceslice invalid name",
            &[
                &kc("alpha"),
                "create",
                "rs",
                "Bad_Name",
                "--remote-cluster-id=beta-id",
            ],
            1,
            prefix("ERRO: invalid ResourceSlice name \"Bad_Name\""),
        ),
        owned(
            "create resourceslice without tenant namespace",
            rs(&["--cpu", "1"]),
            1,
            prefix("ERRO: tenant namespace not found for cluster \"beta-id\""),
        ),
        owned(
            "create resourceslice -o yaml without tenant namespace",
            rs(&["-o", "yaml"]),
            1,
            prefix("ERRO: tenant namespace not found for cluster \"beta-id\""),
        ),
        case(
            "create resourceslice without --remote-cluster-id",
            &[&kc("alpha"), "create", "resourceslice", "s1"],
            2,
            prefix("error: the following required arguments were not provided"),
        ),
        owned(
            "create resourceslice --timeout 0s",
            rs(&["--timeout", "0s"]),
            2,
            prefix("error: invalid value '0s' for '--timeout <TIMEOUT>'"),
        ),
        owned(
            "create virtualnode with both sources",
            vn(&["--kubeconfig-secret-name=k", "--resource-slice-name=s"]),
            1,
            exact(
                "ERRO: only one of --kubeconfig-secret-name and --resource-slice-name can be specified at the same time",
            ),
        ),
        owned(
            "create virtualnode with no source",
            vn(&[]),
            1,
            exact(
                "ERRO: exactly one of --kubeconfig-secret-name and --resource-slice-name must be specified",
            ),
        ),
        owned(
            "create virtualnode bad --vk-options-template",
            vn(&["--kubeconfig-secret-name=k", "--vk-options-template=nope"]),
            1,
            prefix("ERRO: --vk-options-template is not a valid namespaced name"),
        ),
        owned(
            "create virtualnode bad --memory",
            vn(&["--kubeconfig-secret-name=k", "--memory=4GB"]),
            1,
            prefix("ERRO: invalid --memory \"4GB\": unit \"GB\""),
        ),
        owned(
            "create virtualnode without tenant namespace",
            vn(&["--kubeconfig-secret-name=k"]),
            1,
            prefix("ERRO: tenant namespace not found for cluster \"beta-id\""),
        ),
        case(
            "delete virtualnode with neither cluster nor namespace",
            &[&kc("alpha"), "delete", "virtualnode", "n1"],
            1,
            prefix("ERRO: give --remote-cluster-id"),
        ),
        case(
            "delete resourceslice without tenant namespace",
            &[
                &kc("alpha"),
                "delete",
                "resourceslice",
                "s1",
                "--remote-cluster-id=beta-id",
            ],
            1,
            prefix("ERRO: tenant namespace not found for cluster \"beta-id\""),
        ),
        case(
            "cordon tenant without tenant namespace",
            &[
                &kc("alpha"),
                "cordon",
                "tenant",
                "beta-id",
                "--skip-confirm",
            ],
            1,
            prefix(
                "ERRO: Unable to cordon tenant \"beta-id\": tenant namespace not found for cluster \"beta-id\"",
            ),
        ),
        case(
            "cordon tenant without confirmation off a terminal",
            &[&kc("alpha"), "cordon", "tenant", "beta-id"],
            1,
            exact("WARN: cordon tenant is a potentially destructive command."),
        ),
        case(
            "cordon resourceslice without tenant namespace",
            &[
                &kc("alpha"),
                "cordon",
                "resourceslice",
                "s1",
                "--remote-cluster-id=beta-id",
                "--skip-confirm",
            ],
            1,
            prefix("ERRO: Unable to cordon ResourceSlice \"s1\": tenant namespace not found"),
        ),
        case(
            "activate tenant without tenant namespace",
            &[&kc("alpha"), "activate", "tenant", "beta-id"],
            1,
            prefix("ERRO: Unable to activate tenant \"beta-id\": tenant namespace not found"),
        ),
    ]
}

/// On beta after the squat: `liqo-tenant-alpha-id` is labelled as gamma-id's tenant namespace,
/// with nothing in it.
pub fn offloading_squat_cases() -> Vec<Case> {
    vec![
        case(
            "drain tenant with a tenant namespace but no Tenant",
            &[&kc("beta"), "drain", "tenant", "gamma-id", "--skip-confirm"],
            1,
            exact(
                "ERRO: Unable to drain tenant \"gamma-id\": no Tenant for cluster \"gamma-id\" in namespace \"liqo-tenant-alpha-id\" (is it a consumer of this cluster?)",
            ),
        ),
        case(
            "uncordon resourceslice that does not exist",
            &[
                &kc("beta"),
                "uncordon",
                "rs",
                "s1",
                "--remote-cluster-id=gamma-id",
                "--skip-confirm",
            ],
            1,
            exact(
                "ERRO: Unable to uncordon ResourceSlice \"s1\": ResourceSlice \"s1\" not found in namespace \"liqo-tenant-alpha-id\"",
            ),
        ),
        case(
            "create virtualnode from a missing slice",
            &[
                &kc("beta"),
                "create",
                "vn",
                "n1",
                "--remote-cluster-id=gamma-id",
                "--resource-slice-name=missing",
            ],
            1,
            prefix("ERRO: unable to get resourceslice liqo-tenant-alpha-id/missing: NotFound"),
        ),
        case(
            "create virtualnode with a missing VkOptionsTemplate",
            &[
                &kc("beta"),
                "create",
                "vn",
                "n1",
                "--remote-cluster-id=gamma-id",
                "--kubeconfig-secret-name=k",
                "--vk-options-template=liqo/nope",
            ],
            1,
            prefix("ERRO: unable to get the VkOptionsTemplate liqo/nope: NotFound"),
        ),
        case(
            "get kubeconfig of a missing identity",
            &[
                &kc("beta"),
                "get",
                "kubeconfig",
                "s1",
                "--remote-cluster-id=gamma-id",
            ],
            1,
            prefix("ERRO: unable to get identity: no Identity \"s1\" in liqo-tenant-alpha-id"),
        ),
        case(
            "create resourceslice -o yaml prints and writes nothing",
            &[
                &kc("beta"),
                "create",
                "resourceslice",
                "s1",
                "--remote-cluster-id=gamma-id",
                "--cpu=1",
                "-o",
                "yaml",
            ],
            0,
            exact(""),
        ),
    ]
}
