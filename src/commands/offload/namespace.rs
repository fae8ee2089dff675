//! `liqoctl offload namespace <ns>…` (spec offloading.md §7 step 1, §8.7; cli.md): applies
//! NamespaceOffloading `<ns>/offloading` and waits until the controller reports a final
//! phase. `Ready` is success; `NoClusterSelected` is final too (upstream ends its wait there)
//! and also exits 0, with a warning saying that nothing was offloaded; `SomeFailed` and
//! `AllFailed` fail. Running it again with the same flags changes nothing.

use std::time::Duration;

use anyhow::{Context as _, bail};
use k8s_openapi::api::core::v1::{Namespace, NodeSelector};
use kube::api::{Patch, PatchParams};
use kube::{Api, Resource, ResourceExt};
use liqo_api::consts::field_manager;
use liqo_api::offloading::{
    NamespaceMappingStrategy, NamespaceOffloading, NamespaceOffloadingSpec,
    NamespaceOffloadingStatus, OffloadingPhase, PodOffloadingStrategy,
};

use super::selector::parse_term;
use crate::commands::generate::{Format, print_object};
use crate::ctx::Ctx;
use crate::exit::{ExitStatus, Reported};
use crate::flags::RemoteClusterArgs;
use crate::flags::{deadline, parse_timeout};
use crate::journal;
use crate::printer::Scope;

/// The only name a NamespaceOffloading may have.
pub const NAME: &str = "offloading";

/// How the remote namespaces are named (the upstream value names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[allow(clippy::enum_variant_names)]
pub enum MappingStrategy {
    /// The local name.
    #[value(name = "EnforceSameName")]
    EnforceSameName,
    /// `<namespace>-<local cluster ID>`.
    #[value(name = "DefaultName")]
    DefaultName,
    /// The name given with --remote-namespace-name.
    #[value(name = "SelectedName")]
    SelectedName,
}

/// Where the namespace's pods may run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PodStrategy {
    /// Only in the local cluster (the remote namespaces exist, e.g. for services).
    #[value(name = "Local")]
    Local,
    /// Only in the selected providers.
    #[value(name = "Remote")]
    Remote,
    /// Both.
    #[value(name = "LocalAndRemote")]
    LocalAndRemote,
}

/// Offload namespaces to the providers selected by their virtual nodes: creates the
/// NamespaceOffloading `offloading` in each namespace and waits for the remote namespaces.
#[derive(Debug, clap::Args)]
pub struct OffloadNamespaceArgs {
    /// The namespaces to offload.
    #[arg(required = true, value_name = "NAMESPACE")]
    namespaces: Vec<String>,
    /// How the remote namespaces are named (immutable once offloaded).
    #[arg(long, value_enum, default_value = "DefaultName")]
    namespace_mapping_strategy: MappingStrategy,
    /// The remote namespace name; only with --namespace-mapping-strategy=SelectedName, and
    /// required then.
    #[arg(long)]
    remote_namespace_name: Option<String>,
    /// Where the pods of the namespaces may run.
    #[arg(long, value_enum, default_value = "LocalAndRemote")]
    pod_offloading_strategy: PodStrategy,
    /// Selects the target clusters by the labels of their virtual nodes, in label-selector
    /// syntax (`region=eu,tier in (a,b)`). Repeat it for alternatives (ORed); none selects
    /// every cluster.
    #[arg(long = "selector", value_name = "SELECTOR")]
    selectors: Vec<String>,
    /// Print the NamespaceOffloadings instead of applying them (the cluster is not contacted).
    #[arg(short = 'o', long, value_enum)]
    output: Option<Format>,
    /// Wait until the offloading has a final phase.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    wait: bool,
    /// Bound on the whole command.
    #[arg(long, default_value = "20s", value_parser = parse_timeout)]
    timeout: Duration,
}

/// The validated request.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The namespaces, in the given order, without duplicates.
    pub namespaces: Vec<String>,
    /// The spec every NamespaceOffloading gets.
    pub spec: NamespaceOffloadingSpec,
}

impl OffloadNamespaceArgs {
    /// Checks the flags and builds the spec, before anything touches a cluster.
    ///
    /// # Errors
    /// The first line names the flag or argument at fault.
    pub fn plan(&self) -> anyhow::Result<Plan> {
        let mut namespaces: Vec<String> = Vec::new();
        for ns in &self.namespaces {
            if !dns_label(ns) {
                bail!("namespace {ns:?} is not a valid namespace name (a DNS-1123 label)");
            }
            if !namespaces.contains(ns) {
                namespaces.push(ns.clone());
            }
        }
        let strategy = self.namespace_mapping_strategy;
        let remote = match (strategy, self.remote_namespace_name.as_deref()) {
            (MappingStrategy::SelectedName, None) => bail!(
                "--remote-namespace-name is required with --namespace-mapping-strategy=SelectedName"
            ),
            (MappingStrategy::SelectedName, Some(name)) if !dns_label(name) => bail!(
                "--remote-namespace-name {name:?} is not a valid namespace name (a DNS-1123 label)"
            ),
            (MappingStrategy::SelectedName, Some(_)) if namespaces.len() > 1 => bail!(
                "--remote-namespace-name names one remote namespace: offload one namespace at a time with it"
            ),
            (MappingStrategy::SelectedName, Some(name)) => Some(name.to_owned()),
            (_, Some(_)) => bail!(
                "--remote-namespace-name can only be used with --namespace-mapping-strategy=SelectedName"
            ),
            (_, None) => None,
        };
        let terms = self
            .selectors
            .iter()
            .map(|s| parse_term(s).map_err(|e| anyhow::anyhow!("--selector {s:?}: {e}")))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let spec = NamespaceOffloadingSpec {
            namespace_mapping_strategy: Some(match strategy {
                MappingStrategy::EnforceSameName => NamespaceMappingStrategy::EnforceSameName,
                MappingStrategy::DefaultName => NamespaceMappingStrategy::DefaultName,
                MappingStrategy::SelectedName => NamespaceMappingStrategy::SelectedName,
            }),
            remote_namespace_name: remote,
            pod_offloading_strategy: Some(match self.pod_offloading_strategy {
                PodStrategy::Local => PodOffloadingStrategy::Local,
                PodStrategy::Remote => PodOffloadingStrategy::Remote,
                PodStrategy::LocalAndRemote => PodOffloadingStrategy::LocalAndRemote,
            }),
            cluster_selector: Some(NodeSelector {
                node_selector_terms: terms,
            }),
        };
        Ok(Plan { namespaces, spec })
    }

    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        let plan = self.plan()?;
        let Self {
            output,
            wait,
            timeout,
            ..
        } = self;
        if let Some(format) = output {
            for ns in &plan.namespaces {
                print_object(ctx, &render(ns, &plan.spec), format)?;
                if matches!(format, Format::Yaml) {
                    ctx.printer.data("---\n");
                }
            }
            return Ok(ExitStatus::Success);
        }
        let client = ctx.local().await?.client;
        let until = deadline(timeout);
        // Every namespace is checked before the first is written: a bad one among several
        // leaves nothing half done.
        let checks = async {
            for ns in &plan.namespaces {
                let api: Api<NamespaceOffloading> = Api::namespaced(client.clone(), ns);
                check_namespace(&client, ns).await?;
                check_existing(&api, ns, &plan.spec).await?;
            }
            Ok(())
        };
        bounded(until, timeout, "checking the namespaces", checks).await?;
        // A failure or an interrupt from here on says what this run created and how to undo it.
        let mut undo = vec!["unoffload", "namespace"];
        undo.extend(plan.namespaces.iter().map(String::as_str));
        journal::begin(journal::Undo::new(
            &ctx.global.local,
            &RemoteClusterArgs::default(),
            &undo,
            &["--skip-confirm".to_owned()],
        ));
        let mut status = ExitStatus::Success;
        for ns in &plan.namespaces {
            let api: Api<NamespaceOffloading> = Api::namespaced(client.clone(), ns);
            let spinner = ctx
                .printer
                .spinner(format!("Enabling offloading of namespace {ns:?}"));
            let what = format!("enabling offloading of namespace {ns:?}");
            let changed = bounded(until, timeout, &what, apply(&api, ns, &plan.spec))
                .await
                .with_context(|| format!("Unable to offload namespace {ns:?}"))?;
            spinner.success(if changed {
                format!("Offloading of namespace {ns:?} enabled")
            } else {
                format!("Offloading of namespace {ns:?} already enabled, unchanged")
            });
            if wait && !await_final(ctx, api, ns, until, timeout).await? {
                status = ExitStatus::Failure;
            }
        }
        Ok(status)
    }
}

/// `work`, unless the command's `--timeout` (ending at `until`) runs out first.
///
/// # Errors
/// `work`'s error, or the timeout naming `what` was being done.
pub async fn bounded<T>(
    until: tokio::time::Instant,
    timeout: Duration,
    what: &str,
    work: impl Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    match tokio::time::timeout_at(until, work).await {
        Ok(result) => result,
        Err(_) => bail!(
            "timed out after {} (--timeout) while {what}",
            liqo_kube::duration::approx(timeout)
        ),
    }
}

/// Whether `s` is a DNS-1123 label (a valid namespace name).
pub fn dns_label(s: &str) -> bool {
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    !s.is_empty()
        && s.len() <= 63
        && edge(s.chars().next())
        && edge(s.chars().last())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The NamespaceOffloading of `ns`, printed the Kubernetes way (`status: {}`).
pub fn render(ns: &str, spec: &NamespaceOffloadingSpec) -> NamespaceOffloading {
    let mut nso = NamespaceOffloading::new(NAME, spec.clone());
    nso.metadata.namespace = Some(ns.to_owned());
    nso.status = Some(NamespaceOffloadingStatus::default());
    nso
}

async fn check_namespace(client: &kube::Client, ns: &str) -> anyhow::Result<()> {
    let found = Api::<Namespace>::all(client.clone())
        .get_opt(ns)
        .await
        .with_context(|| format!("unable to read namespace {ns:?}"))?;
    match found {
        None => bail!("namespace {ns:?} not found: create it first, then offload it"),
        Some(n) if n.meta().deletion_timestamp.is_some() => {
            bail!("namespace {ns:?} is being deleted")
        }
        Some(_) => Ok(()),
    }
}

/// Refuses what the API would refuse less clearly: a different naming on an offloaded
/// namespace (immutable), or an offloading being removed.
async fn check_existing(
    api: &Api<NamespaceOffloading>,
    ns: &str,
    spec: &NamespaceOffloadingSpec,
) -> anyhow::Result<()> {
    let Some(existing) = api
        .get_opt(NAME)
        .await
        .with_context(|| format!("unable to read NamespaceOffloading {ns}/{NAME}"))?
    else {
        return Ok(());
    };
    if existing.meta().deletion_timestamp.is_some() {
        bail!(
            "namespace {ns:?} is being unoffloaded: wait for `liqoctl unoffload namespace {ns}` to complete, then offload it again"
        );
    }
    let strategy = |s: &NamespaceOffloadingSpec| s.namespace_mapping_strategy.unwrap_or_default();
    let (old, new) = (&existing.spec, spec);
    if strategy(old) != strategy(new) {
        bail!(
            "--namespace-mapping-strategy: namespace {ns:?} is already offloaded with {:?}, which cannot change; unoffload it first",
            strategy(old)
        );
    }
    if strategy(old) == NamespaceMappingStrategy::SelectedName
        && old.remote_namespace_name != new.remote_namespace_name
    {
        bail!(
            "--remote-namespace-name: namespace {ns:?} is already offloaded as {:?}, which cannot change; unoffload it first",
            old.remote_namespace_name.clone().unwrap_or_default()
        );
    }
    Ok(())
}

/// Server-side apply of the spec (journaled when it created the object); `Ok(true)` when the
/// object was created or changed.
async fn apply(
    api: &Api<NamespaceOffloading>,
    ns: &str,
    spec: &NamespaceOffloadingSpec,
) -> anyhow::Result<bool> {
    let before = api.get_opt(NAME).await?.map(|o| o.resource_version());
    let body = serde_json::json!({
        "apiVersion": NamespaceOffloading::api_version(&()),
        "kind": NamespaceOffloading::kind(&()),
        "metadata": {"name": NAME, "namespace": ns},
        "spec": spec,
    });
    let params = PatchParams::apply(field_manager::LIQOCTL).force();
    let after = api.patch(NAME, &params, &Patch::Apply(&body)).await?;
    if before.is_none() {
        journal::created(Scope::Local, &after);
    }
    Ok(before != Some(after.resource_version()))
}

fn phase_of(nso: &NamespaceOffloading) -> Option<OffloadingPhase> {
    let status = nso.status.as_ref()?;
    // A phase computed for an older spec says nothing about this one.
    (status.observed_generation == nso.metadata.generation)
        .then(|| status.offloading_phase.clone())
        .flatten()
}

fn phase_name(phase: &OffloadingPhase) -> String {
    serde_json::to_value(phase)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{phase:?}"))
}

/// Whether `phase` ends the wait (upstream ends it on every phase but InProgress).
pub fn is_final(phase: &OffloadingPhase) -> bool {
    matches!(
        phase,
        OffloadingPhase::Ready
            | OffloadingPhase::NoClusterSelected
            | OffloadingPhase::SomeFailed
            | OffloadingPhase::AllFailed
    )
}

/// Waits for a final phase and reports it; `Ok(false)` when the offloading failed.
async fn await_final(
    ctx: &Ctx,
    api: Api<NamespaceOffloading>,
    ns: &str,
    until: tokio::time::Instant,
    timeout: Duration,
) -> anyhow::Result<bool> {
    let text = format!("Waiting for offloading of namespace {ns:?} to complete");
    let spinner = ctx.printer.spinner(&text);
    let left = until.saturating_duration_since(tokio::time::Instant::now());
    let what = format!(
        "offloading of namespace {ns:?} to complete (phase Ready, NoClusterSelected, SomeFailed or AllFailed; --timeout {})",
        liqo_kube::duration::approx(timeout)
    );
    let describe = |o: Option<&NamespaceOffloading>| match o {
        None => "no NamespaceOffloading seen yet".to_owned(),
        Some(o) => match (
            phase_of(o),
            o.status.as_ref().and_then(|s| s.offloading_phase.clone()),
        ) {
            (Some(p), _) => format!("phase {}", phase_name(&p)),
            (None, Some(p)) => format!("phase {} for an older generation", phase_name(&p)),
            (None, None) => "no phase yet (is the Liqo controller manager running?)".to_owned(),
        },
    };
    let done = |o: Option<&NamespaceOffloading>| o.and_then(phase_of).is_some_and(|p| is_final(&p));
    let reached = liqo_kube::wait::object(
        api,
        NAME,
        &what,
        left.max(Duration::from_millis(1)),
        done,
        describe,
    )
    .await;
    let nso = match reached {
        Ok(Some(nso)) => nso,
        Ok(None) => unreachable!("invariant: the wait ends on a present object"),
        Err(e) => {
            let err = anyhow::Error::new(e);
            spinner.fail(format!(
                "Failed waiting for offloading of namespace {ns:?} to complete: {}",
                crate::exit::one_line(&err)
            ));
            return Err(
                Reported(format!("offloading of namespace {ns:?} did not complete")).into(),
            );
        }
    };
    let phase = phase_of(&nso).expect("invariant: a final phase was observed");
    match phase {
        OffloadingPhase::Ready => {
            let remote = nso
                .status
                .as_ref()
                .and_then(|s| s.remote_namespace_name.clone())
                .unwrap_or_default();
            spinner.success(format!("Offloading of namespace {ns:?} completed: remote namespace {remote:?} ready in every selected cluster"));
            Ok(true)
        }
        OffloadingPhase::NoClusterSelected => {
            spinner.warn(format!(
                "Offloading completed, but no cluster was selected: namespace {ns:?} is not extended to any cluster (no virtual node matches the selector)"
            ));
            Ok(true)
        }
        other => {
            spinner.fail(format!(
                "Failed offloading namespace {ns:?}: the offloading is in {:?} state (see `kubectl get namespaceoffloading -n {ns} {NAME} -o yaml`)",
                phase_name(&other)
            ));
            Ok(false)
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: OffloadNamespaceArgs,
    }

    fn plan(args: &[&str]) -> anyhow::Result<Plan> {
        let cli = Cli::try_parse_from(std::iter::once("offload").chain(args.iter().copied()))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        cli.args.plan()
    }

    #[test]
    fn defaults_follow_upstream() {
        let p = plan(&["demo"]).unwrap();
        assert_eq!(p.namespaces, ["demo"]);
        assert_eq!(
            p.spec.namespace_mapping_strategy,
            Some(NamespaceMappingStrategy::DefaultName)
        );
        assert_eq!(
            p.spec.pod_offloading_strategy,
            Some(PodOffloadingStrategy::LocalAndRemote)
        );
        assert_eq!(p.spec.remote_namespace_name, None);
        assert!(
            p.spec
                .cluster_selector
                .unwrap()
                .node_selector_terms
                .is_empty()
        );
        let cli = Cli::try_parse_from(["offload", "demo"]).unwrap();
        assert!(cli.args.wait);
        assert_eq!(cli.args.timeout, Duration::from_secs(20));
        let cli = Cli::try_parse_from(["offload", "demo", "--wait=false"]).unwrap();
        assert!(!cli.args.wait);
    }

    #[test]
    fn selected_name_needs_its_remote_name_and_nothing_else_takes_one() {
        let p = plan(&[
            "demo",
            "--namespace-mapping-strategy",
            "SelectedName",
            "--remote-namespace-name",
            "far",
        ])
        .unwrap();
        assert_eq!(p.spec.remote_namespace_name.as_deref(), Some("far"));
        for (args, first) in [
            (
                &["demo", "--namespace-mapping-strategy", "SelectedName"][..],
                "--remote-namespace-name is required",
            ),
            (
                &["demo", "--remote-namespace-name", "far"][..],
                "--remote-namespace-name can only be used",
            ),
            (
                &[
                    "a",
                    "b",
                    "--namespace-mapping-strategy",
                    "SelectedName",
                    "--remote-namespace-name",
                    "far",
                ][..],
                "--remote-namespace-name names one",
            ),
            (
                &[
                    "demo",
                    "--namespace-mapping-strategy",
                    "SelectedName",
                    "--remote-namespace-name",
                    "Far",
                ][..],
                "--remote-namespace-name \"Far\"",
            ),
            (&["Demo"][..], "namespace \"Demo\""),
            (
                &["demo", "--selector", "tier in (a"][..],
                "--selector \"tier in (a\"",
            ),
        ] {
            let err = plan(args).unwrap_err().to_string();
            assert!(err.starts_with(first), "{args:?}: {err}");
        }
        let err = plan(&["demo", "--namespace-mapping-strategy", "Same"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("--namespace-mapping-strategy"), "{err}");
    }

    #[test]
    fn each_selector_is_one_alternative_term() {
        let p = plan(&[
            "demo",
            "a",
            "demo",
            "--selector",
            "region=eu",
            "--selector",
            "tier in (x,y),!old",
        ])
        .unwrap();
        assert_eq!(p.namespaces, ["demo", "a"]);
        let terms = p.spec.cluster_selector.unwrap().node_selector_terms;
        assert_eq!(terms.len(), 2);
        assert_eq!(terms[1].match_expressions.as_ref().unwrap().len(), 2);
    }

    #[test]
    fn rendered_object_is_the_applied_one() {
        let p = plan(&["demo", "--pod-offloading-strategy", "Remote"]).unwrap();
        let nso = render("demo", &p.spec);
        let yaml = serde_norway::to_string(&nso).unwrap();
        assert!(
            yaml.starts_with("apiVersion: offloading.liqo.io/v1beta1\nkind: NamespaceOffloading\n"),
            "{yaml}"
        );
        assert!(
            yaml.contains("name: offloading\n  namespace: demo\n"),
            "{yaml}"
        );
        assert!(yaml.contains("podOffloadingStrategy: Remote"), "{yaml}");
        assert!(yaml.ends_with("status: {}\n"), "{yaml}");
    }

    #[test]
    fn every_phase_but_in_progress_and_terminating_ends_the_wait() {
        assert!(is_final(&OffloadingPhase::Ready));
        assert!(is_final(&OffloadingPhase::NoClusterSelected));
        assert!(is_final(&OffloadingPhase::AllFailed));
        assert!(!is_final(&OffloadingPhase::InProgress));
        assert!(!is_final(&OffloadingPhase::Terminating));
    }
}
