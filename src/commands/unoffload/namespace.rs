//! `liqoctl unoffload namespace <ns>…` (spec offloading.md §8.7, §9; cli.md): deletes
//! NamespaceOffloading `<ns>/offloading` (after confirmation, unless `--skip-confirm`) and
//! waits until the controller has released it: the remote namespaces are gone from every
//! provider. A namespace that is not offloaded is fine (nothing to do).

use std::time::Duration;

use anyhow::{Context as _, bail};
use k8s_openapi::api::core::v1::Namespace;
use kube::Api;
use kube::api::DeleteParams;
use liqo_api::offloading::NamespaceOffloading;

use crate::commands::offload::namespace::{NAME, bounded, dns_label};
use crate::ctx::Ctx;
use crate::exit::{ExitStatus, Reported};
use crate::flags::{deadline, parse_timeout};

/// Unoffload namespaces: deletes their NamespaceOffloading and waits until their remote
/// namespaces (and the offloaded pods in them) are deleted.
#[derive(Debug, clap::Args)]
pub struct UnoffloadNamespaceArgs {
    /// The namespaces to unoffload.
    #[arg(required = true, value_name = "NAMESPACE")]
    namespaces: Vec<String>,
    /// Wait until the remote namespaces are gone.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    wait: bool,
    /// Bound on the whole command.
    #[arg(long, default_value = "120s", value_parser = parse_timeout)]
    timeout: Duration,
}

impl UnoffloadNamespaceArgs {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        let Self {
            namespaces,
            wait,
            timeout,
        } = self;
        if let Some(bad) = namespaces.iter().find(|ns| !dns_label(ns)) {
            bail!("namespace {bad:?} is not a valid namespace name (a DNS-1123 label)");
        }
        if !crate::confirm::destructive(ctx, "unoffload namespace")? {
            return Ok(ExitStatus::Failure);
        }
        let client = ctx.local().await?.client;
        let until = deadline(timeout);
        let checks = async {
            for ns in &namespaces {
                let found = Api::<Namespace>::all(client.clone())
                    .get_opt(ns)
                    .await
                    .with_context(|| format!("unable to read namespace {ns:?}"))?;
                if found.is_none() {
                    bail!("namespace {ns:?} not found");
                }
            }
            Ok(())
        };
        bounded(until, timeout, "checking the namespaces", checks).await?;
        for ns in &namespaces {
            let api: Api<NamespaceOffloading> = Api::namespaced(client.clone(), ns);
            let spinner = ctx
                .printer
                .spinner(format!("Disabling offloading of namespace {ns:?}"));
            let what = format!("disabling offloading of namespace {ns:?}");
            let delete = async {
                match api.delete(NAME, &DeleteParams::background()).await {
                    Ok(_) => Ok(true),
                    Err(kube::Error::Api(s)) if s.code == 404 => Ok(false),
                    Err(e) => Err(anyhow::Error::new(e)),
                }
            };
            let deleted = bounded(until, timeout, &what, delete)
                .await
                .with_context(|| format!("Unable to unoffload namespace {ns:?}"))?;
            if !deleted {
                spinner.success(format!("Namespace {ns:?} is not offloaded: nothing to do"));
                continue;
            }
            spinner.success(format!("Offloading of namespace {ns:?} disabled"));
            if wait {
                await_gone(ctx, api, ns, until, timeout).await?;
            }
        }
        Ok(ExitStatus::Success)
    }
}

async fn await_gone(
    ctx: &Ctx,
    api: Api<NamespaceOffloading>,
    ns: &str,
    until: tokio::time::Instant,
    timeout: Duration,
) -> anyhow::Result<()> {
    let spinner = ctx.printer.spinner(format!(
        "Waiting for unoffloading of namespace {ns:?} to complete"
    ));
    let left = until.saturating_duration_since(tokio::time::Instant::now());
    let what = format!(
        "NamespaceOffloading {ns}/{NAME} to be deleted (--timeout {})",
        liqo_kube::duration::approx(timeout)
    );
    let describe = |o: Option<&NamespaceOffloading>| match o {
        None => "gone".to_owned(),
        Some(o) => {
            let phase = o
                .status
                .as_ref()
                .and_then(|s| s.offloading_phase.clone())
                .and_then(|p| serde_json::to_value(p).ok())
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_else(|| "none".into());
            let finalizers = o.metadata.finalizers.clone().unwrap_or_default();
            format!(
                "phase {phase}, finalizers {finalizers:?} (the providers have not yet deleted the remote namespace)"
            )
        }
    };
    let gone = |o: Option<&NamespaceOffloading>| o.is_none();
    let left = left.max(Duration::from_millis(1));
    match liqo_kube::wait::object(api, NAME, &what, left, gone, describe).await {
        Ok(_) => {
            spinner.success(format!("Unoffloading of namespace {ns:?} completed"));
            Ok(())
        }
        Err(e) => {
            let err = anyhow::Error::new(e);
            spinner.fail(format!(
                "Failed waiting for unoffloading of namespace {ns:?} to complete: {}",
                crate::exit::one_line(&err)
            ));
            Err(Reported(format!("unoffloading of namespace {ns:?} did not complete")).into())
        }
    }
}
