//! Cases of the matrix about what the user typed: kubeconfig files, contexts and users, flag
//! values.

use super::fixtures::{Fixtures, flag, kc, path, rkc};
use super::{Case, case, exact, prefix};

/// Kubeconfig files and the entries they define, on both sides.
pub fn kubeconfig_cases(fx: &Fixtures) -> Vec<Case> {
    let Fixtures {
        missing,
        dir,
        empty,
        not_yaml,
        configmap,
        ..
    } = fx;
    vec![
        // Kubeconfig files, remote side.
        case(
            "remote kubeconfig missing",
            &[
                &kc("alpha"),
                "authenticate",
                &flag("remote-kubeconfig", missing),
            ],
            1,
            exact(format!(
                "ERRO: cannot read --remote-kubeconfig {missing}: no such file"
            )),
        ),
        case(
            "remote kubeconfig is a directory",
            &[
                &kc("alpha"),
                "network",
                "connect",
                &flag("remote-kubeconfig", dir),
            ],
            1,
            exact(format!(
                "ERRO: cannot read --remote-kubeconfig {dir}: it is a directory, not a kubeconfig file"
            )),
        ),
        case(
            "remote kubeconfig empty",
            &[
                &kc("alpha"),
                "authenticate",
                &flag("remote-kubeconfig", empty),
            ],
            1,
            exact(format!(
                "ERRO: --remote-kubeconfig {empty} is empty: it is not a kubeconfig"
            )),
        ),
        case(
            "remote kubeconfig not YAML",
            &[
                &kc("alpha"),
                "network",
                "connect",
                &flag("remote-kubeconfig", not_yaml),
            ],
            1,
            prefix(format!(
                "ERRO: --remote-kubeconfig {not_yaml} is not a kubeconfig: invalid YAML"
            )),
        ),
        case(
            "remote kubeconfig is a ConfigMap",
            &[
                &kc("alpha"),
                "network",
                "disconnect",
                "--skip-confirm",
                &flag("remote-kubeconfig", configmap),
            ],
            1,
            exact(format!(
                "ERRO: --remote-kubeconfig {configmap} is not a kubeconfig: it is a ConfigMap, not a Config"
            )),
        ),
        case(
            "unknown remote context",
            &[
                &kc("alpha"),
                "authenticate",
                &rkc("beta"),
                "--remote-context=nope",
            ],
            1,
            exact(format!(
                "ERRO: --remote-context \"nope\" is not defined in --remote-kubeconfig {} (contexts: beta)",
                path("beta")
            )),
        ),
        case(
            "unknown remote user",
            &[
                &kc("alpha"),
                "network",
                "connect",
                &rkc("beta"),
                "--remote-user=nope",
            ],
            1,
            exact(format!(
                "ERRO: --remote-user \"nope\" is not defined in --remote-kubeconfig {} (users: beta)",
                path("beta")
            )),
        ),
        // Kubeconfig files, local side.
        case(
            "local kubeconfig missing",
            &[&flag("kubeconfig", missing), "authenticate", &rkc("beta")],
            1,
            exact(format!(
                "ERRO: cannot read --kubeconfig {missing}: no such file"
            )),
        ),
        case(
            "local kubeconfig is a directory",
            &[&flag("kubeconfig", dir), "install"],
            1,
            exact(format!(
                "ERRO: cannot read --kubeconfig {dir}: it is a directory, not a kubeconfig file"
            )),
        ),
        case(
            "local kubeconfig empty",
            &[&flag("kubeconfig", empty), "uninstall", "--skip-confirm"],
            1,
            exact(format!(
                "ERRO: --kubeconfig {empty} is empty: it is not a kubeconfig"
            )),
        ),
        case(
            "unknown local context",
            &[&kc("alpha"), "install", "--context=nope"],
            1,
            exact(format!(
                "ERRO: --context \"nope\" is not defined in --kubeconfig {} (contexts: alpha)",
                path("alpha")
            )),
        ),
        case(
            "local kubeconfig not a kubeconfig, on version",
            &[&flag("kubeconfig", not_yaml), "version"],
            1,
            prefix(format!(
                "WARN: --kubeconfig {not_yaml} is not a kubeconfig: invalid YAML"
            )),
        ),
        Case {
            env: vec![("KUBECONFIG", missing.clone())],
            ..case(
                "KUBECONFIG missing",
                &["network", "reset", "--skip-confirm", &rkc("beta")],
                1,
                exact(format!(
                    "ERRO: cannot read KUBECONFIG={missing}: no such file"
                )),
            )
        },
    ]
}

/// Timeouts and enum values: clap's usage errors (exit 2), plus values checked by the commands.
pub fn flag_cases(fx: &Fixtures) -> Vec<Case> {
    let Fixtures { missing, .. } = fx;
    vec![
        // Timeouts: clap's usage errors, exit 2.
        case(
            "negative timeout as a separate argument",
            &[
                &kc("alpha"),
                "network",
                "connect",
                &rkc("beta"),
                "--timeout",
                "-1s",
            ],
            2,
            timeout_err("-1s", "it must be positive, such as 90s or 2m"),
        ),
        case(
            "negative timeout on authenticate",
            &[
                &kc("alpha"),
                "authenticate",
                &rkc("beta"),
                "--timeout",
                "-1s",
            ],
            2,
            timeout_err("-1s", "it must be positive, such as 90s or 2m"),
        ),
        case(
            "zero timeout",
            &[&kc("alpha"), "authenticate", &rkc("beta"), "--timeout=0s"],
            2,
            timeout_err("0s", "it must be greater than zero"),
        ),
        case(
            "unknown timeout unit",
            &[&kc("alpha"), "install", "--timeout=5x"],
            2,
            timeout_err("5x", "unit \"x\" is not one of ns, us, µs, ms, s, m, h"),
        ),
        case(
            "absurd timeout on uninstall",
            &[
                &kc("alpha"),
                "uninstall",
                "--skip-confirm",
                "--timeout=1000000h",
            ],
            2,
            timeout_err("1000000h", "it exceeds the maximum of one year (8760h)"),
        ),
        case(
            "absurd timeout on reset",
            &[
                &kc("alpha"),
                "network",
                "reset",
                "--skip-confirm",
                &rkc("beta"),
                "--timeout",
                "1000000h",
            ],
            2,
            timeout_err("1000000h", "it exceeds the maximum of one year (8760h)"),
        ),
        // Other flag values.
        case(
            "bad service type",
            &[
                &kc("alpha"),
                "network",
                "connect",
                &rkc("beta"),
                "--gw-server-service-type=Bogus",
            ],
            2,
            prefix("error: invalid value 'Bogus' for '--gw-server-service-type"),
        ),
        case(
            "API server URL over plain http",
            &[
                &kc("alpha"),
                "install",
                "--api-server-url=http://api.example:6443",
            ],
            2,
            prefix(
                "error: invalid value 'http://api.example:6443' for '--api-server-url <API_SERVER_URL>': invalid API server URL \"http://api.example:6443\": the API server is reached over https, not http",
            ),
        ),
        case(
            "bad output format",
            &[&kc("alpha"), "install", "--dry-run", "-o", "xml"],
            2,
            prefix("error: invalid value 'xml' for '--output <OUTPUT>'"),
        ),
        case(
            "unknown gateway server template",
            &[
                &kc("alpha"),
                "network",
                "connect",
                &rkc("beta"),
                "--gw-server-template-name=missing",
            ],
            1,
            prefix(
                "ERRO: (remote) An error occurred while checking gateway server template \"missing/liqo\"",
            ),
        ),
        case(
            "in-band authentication without a network",
            &[&kc("alpha"), "authenticate", &rkc("beta"), "--in-band"],
            1,
            prefix("ERRO: no IP found"),
        ),
        case(
            "remote kubeconfig missing, on version",
            &[&kc("alpha"), "version", &flag("remote-kubeconfig", missing)],
            1,
            exact(format!(
                "WARN: (remote) cannot read --remote-kubeconfig {missing}: no such file"
            )),
        ),
    ]
}

fn timeout_err(value: &str, why: &str) -> super::Expect {
    exact(format!(
        "error: invalid value '{value}' for '--timeout <TIMEOUT>': invalid timeout \"{value}\": {why}"
    ))
}
