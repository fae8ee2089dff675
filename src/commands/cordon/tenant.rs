//! Provider-side administration of a consumer's Tenant (spec offloading.md §8.8): `cordon`,
//! `uncordon`, `drain` and `activate tenant` move `spec.tenantCondition` between `Active`,
//! `Cordoned` and `Drained`, each only from the states it is defined for. The tenant controller
//! reacts (cordon annotations on the consumer's slices, `Resources` conditions).

use std::time::Duration;

use anyhow::{Context as _, bail};
use kube::api::{ListParams, Patch, PatchParams};
use kube::{Api, Client, ResourceExt};
use liqo_api::authentication::{Tenant, TenantCondition};
use liqo_api::consts::{field_manager, label};

use crate::ctx::Ctx;
use crate::exit::ExitStatus;
use crate::flags::parse_timeout;
use crate::flows::offload::tenant_namespace_of;

/// What is done to the Tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantVerb {
    /// `Active` → `Cordoned`.
    Cordon,
    /// `Cordoned` → `Active`.
    Uncordon,
    /// `Active`/`Cordoned` → `Drained`.
    Drain,
    /// `Cordoned`/`Drained` → `Active`.
    Activate,
}

impl TenantVerb {
    /// The command word.
    pub fn word(self) -> &'static str {
        match self {
            TenantVerb::Cordon => "cordon",
            TenantVerb::Uncordon => "uncordon",
            TenantVerb::Drain => "drain",
            TenantVerb::Activate => "activate",
        }
    }

    fn done(self) -> &'static str {
        match self {
            TenantVerb::Cordon => "cordoned",
            TenantVerb::Uncordon => "uncordoned",
            TenantVerb::Drain => "drained",
            TenantVerb::Activate => "activated",
        }
    }
}

fn state(c: TenantCondition) -> &'static str {
    match c {
        TenantCondition::Active => "Active",
        TenantCondition::Cordoned => "Cordoned",
        TenantCondition::Drained => "Drained",
    }
}

/// The condition `verb` moves `current` to: `Ok(None)` when the Tenant is already there,
/// an error naming the allowed states when `verb` does not apply to `current`.
pub fn transition(
    verb: TenantVerb,
    current: TenantCondition,
) -> Result<Option<TenantCondition>, String> {
    use TenantCondition::{Active, Cordoned, Drained};
    let (target, allowed): (TenantCondition, &[TenantCondition]) = match verb {
        TenantVerb::Cordon => (Cordoned, &[Active]),
        TenantVerb::Uncordon => (Active, &[Cordoned]),
        TenantVerb::Drain => (Drained, &[Active, Cordoned]),
        TenantVerb::Activate => (Active, &[Cordoned, Drained]),
    };
    if current == target {
        return Ok(None);
    }
    if allowed.contains(&current) {
        return Ok(Some(target));
    }
    let hint = match (verb, current) {
        (TenantVerb::Cordon, Drained) => {
            "; it is drained already (activate tenant makes it Active)"
        }
        (TenantVerb::Uncordon, Drained) => "; use activate tenant to end a drain",
        _ => "",
    };
    Err(format!(
        "the tenant is {}: {} tenant applies only to a tenant that is {}{hint}",
        state(current),
        verb.word(),
        allowed
            .iter()
            .map(|c| state(*c))
            .collect::<Vec<_>>()
            .join(" or ")
    ))
}

/// Arguments shared by the four tenant commands.
#[derive(Debug, clap::Args)]
pub struct TenantArgs {
    /// The consumer's cluster ID (the Tenant's).
    cluster_id: String,
    /// Bound on the whole command.
    #[arg(long, default_value = "120s", value_parser = parse_timeout)]
    timeout: Duration,
}

impl TenantArgs {
    /// Runs `verb` on the Tenant of the consumer `cluster_id`; `confirm` asks first.
    pub async fn run(
        self,
        ctx: &Ctx,
        verb: TenantVerb,
        confirm: bool,
    ) -> anyhow::Result<ExitStatus> {
        if confirm && !crate::confirm::destructive(ctx, &format!("{} tenant", verb.word()))? {
            return Ok(ExitStatus::Failure);
        }
        let Self {
            cluster_id,
            timeout,
        } = self;
        let client = ctx.local().await?.client;
        let work = change(&client, &cluster_id, verb);
        let changed = match tokio::time::timeout(timeout, work).await {
            Ok(result) => result
                .with_context(|| format!("Unable to {} tenant {cluster_id:?}", verb.word()))?,
            Err(_) => bail!(
                "Unable to {} tenant {cluster_id:?}: timed out after {}",
                verb.word(),
                liqo_kube::duration::approx(timeout)
            ),
        };
        if changed {
            ctx.printer
                .success(format_args!("Tenant {cluster_id:?} {}", verb.done()));
        } else {
            ctx.printer.success(format_args!(
                "Tenant {cluster_id:?} already {}",
                verb.done()
            ));
        }
        Ok(ExitStatus::Success)
    }
}

/// The Tenant of `cluster_id` in its tenant namespace: named after the cluster ID (as this
/// Liqo and upstream's CLI write it), else the one labelled with it.
async fn find(client: &Client, cluster_id: &str) -> anyhow::Result<(Api<Tenant>, Tenant)> {
    let ns = tenant_namespace_of(client, cluster_id).await?;
    let api: Api<Tenant> = Api::namespaced(client.clone(), &ns);
    if let Some(t) = api
        .get_opt(cluster_id)
        .await
        .context("cannot read the Tenant")?
    {
        return Ok((api, t));
    }
    let labelled = api
        .list(&ListParams::default().labels(&format!("{}={cluster_id}", label::REMOTE_CLUSTER_ID)))
        .await
        .context("cannot list Tenants")?;
    match labelled.items.into_iter().next() {
        Some(t) => Ok((api, t)),
        None => bail!(
            "no Tenant for cluster {cluster_id:?} in namespace {ns:?} (is it a consumer of this cluster?)"
        ),
    }
}

/// Moves the Tenant; `false` when it was already in the target state. The patch carries the
/// read resourceVersion, so a concurrent change is re-read rather than overwritten.
async fn change(client: &Client, cluster_id: &str, verb: TenantVerb) -> anyhow::Result<bool> {
    loop {
        let (api, tenant) = find(client, cluster_id).await?;
        let current = tenant.spec.tenant_condition.unwrap_or_default();
        let Some(target) = transition(verb, current).map_err(anyhow::Error::msg)? else {
            return Ok(false);
        };
        let patch = serde_json::json!({
            "metadata": {"resourceVersion": tenant.resource_version()},
            "spec": {"tenantCondition": state(target)},
        });
        let params = PatchParams {
            field_manager: Some(field_manager::LIQOCTL.into()),
            ..PatchParams::default()
        };
        match api
            .patch(&tenant.name_any(), &params, &Patch::Merge(&patch))
            .await
        {
            Ok(_) => return Ok(true),
            Err(kube::Error::Api(s)) if s.code == 409 => continue,
            Err(e) => return Err(anyhow::Error::new(e).context("cannot update the Tenant")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TenantCondition::{Active, Cordoned, Drained};

    #[test]
    fn each_verb_moves_only_from_its_states() {
        assert_eq!(transition(TenantVerb::Cordon, Active), Ok(Some(Cordoned)));
        assert_eq!(transition(TenantVerb::Cordon, Cordoned), Ok(None));
        assert!(
            transition(TenantVerb::Cordon, Drained)
                .unwrap_err()
                .starts_with(
                    "the tenant is Drained: cordon tenant applies only to a tenant that is Active"
                )
        );
        assert_eq!(transition(TenantVerb::Uncordon, Cordoned), Ok(Some(Active)));
        assert_eq!(transition(TenantVerb::Uncordon, Active), Ok(None));
        assert!(
            transition(TenantVerb::Uncordon, Drained)
                .unwrap_err()
                .contains("use activate tenant")
        );
        assert_eq!(transition(TenantVerb::Drain, Active), Ok(Some(Drained)));
        assert_eq!(transition(TenantVerb::Drain, Cordoned), Ok(Some(Drained)));
        assert_eq!(transition(TenantVerb::Drain, Drained), Ok(None));
        assert_eq!(transition(TenantVerb::Activate, Drained), Ok(Some(Active)));
        assert_eq!(transition(TenantVerb::Activate, Cordoned), Ok(Some(Active)));
        assert_eq!(transition(TenantVerb::Activate, Active), Ok(None));
    }
}
