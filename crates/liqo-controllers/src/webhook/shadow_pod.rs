//! The provider's ShadowPod webhooks (offloading.md §7 step 8, §2.7): the mutating hook
//! stamps the requesting user as `liqo.io/creator-user`; the validating hook checks the
//! origin against the twin namespace and the request against the user's Quota (liqo#3137:
//! ShadowPods that ended free their share). Updates are checked too, where upstream checks
//! creations only: the origin and creator labels cannot change (else a consumer could charge
//! another user's Quota), and a changed pod spec is measured against the creator's Quota again.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, PodSpec};
use kube::api::ListParams;
use kube::{Api, ResourceExt};
use liqo_api::consts::label;
use liqo_api::offloading::{LimitsEnforcement, QuotaSpec, ShadowPod, ShadowPodPhase};
use serde_json::json;

use super::caches::Caches;
use super::review::{AdmissionRequest, AdmissionResponse, add, pointer_segment};
use liqo_kube::quantity;

/// The mutating hook: `liqo.io/creator-user=<requesting user>`.
pub fn mutate(request: &AdmissionRequest) -> AdmissionResponse {
    let user = &request.user_info.username;
    let has_labels = request
        .object
        .as_ref()
        .and_then(|o| o.pointer("/metadata/labels"))
        .is_some_and(serde_json::Value::is_object);
    let op = if has_labels {
        add(
            &format!("/metadata/labels/{}", pointer_segment(label::CREATOR_USER)),
            json!(user),
        )
    } else {
        add("/metadata/labels", json!({label::CREATOR_USER: user}))
    };
    AdmissionResponse::patch(&request.uid, &[op])
}

/// The validating hook.
pub async fn validate(caches: &Caches, request: &AdmissionRequest) -> AdmissionResponse {
    match check(caches, request).await {
        Ok(()) => AdmissionResponse::allow(&request.uid),
        Err(Refusal(code, message)) => AdmissionResponse::deny(&request.uid, code, &message),
    }
}

/// A refusal: HTTP code and message.
#[derive(Debug, PartialEq, Eq)]
struct Refusal(u16, String);

fn forbidden(message: impl Into<String>) -> Refusal {
    Refusal(403, message.into())
}

fn internal(what: &str, e: &kube::Error) -> Refusal {
    tracing::warn!(error = %e, "{what}");
    Refusal(500, what.to_string())
}

async fn check(caches: &Caches, request: &AdmissionRequest) -> Result<(), Refusal> {
    let shadow: ShadowPod = request
        .object
        .clone()
        .and_then(|o| serde_json::from_value(o).ok())
        .ok_or_else(|| Refusal(400, "the request carries no ShadowPod".into()))?;
    let mut user = request.user_info.username.clone();
    if request.operation == "UPDATE" {
        let old: ShadowPod = request
            .old_object
            .clone()
            .and_then(|o| serde_json::from_value(o).ok())
            .ok_or_else(|| Refusal(400, "the update carries no previous ShadowPod".into()))?;
        check_update(&old, &shadow).map_err(forbidden)?;
        if old.spec.pod == shadow.spec.pod {
            return Ok(());
        }
        // The Quota charged is the creator's, whoever makes the change.
        user = old
            .labels()
            .get(label::CREATOR_USER)
            .cloned()
            .unwrap_or(user);
    }
    let namespace = request.namespace.clone().unwrap_or_default();
    let cluster = caches
        .namespace_label(&namespace, label::REMOTE_CLUSTER_ID)
        .await
        .map_err(|e| internal("failed getting the namespace", &e))?;
    check_origin(
        shadow.labels().get(label::OFFLOADING_ORIGIN),
        cluster.as_deref(),
    )?;

    let user = &user;
    let quota = caches
        .quota_of(user)
        .await
        .map_err(|e| internal("failed getting quota", &e))?
        .ok_or_else(|| forbidden("failed getting quota"))?;
    if quota.spec.cordoned == Some(true) {
        return Err(forbidden("user is cordoned"));
    }
    if quota.spec.limits_enforcement.unwrap_or_default() == LimitsEnforcement::None {
        return Ok(());
    }
    let selector = format!("{}={user}", label::CREATOR_USER);
    let others = Api::<ShadowPod>::all(caches.client().clone())
        .list(&ListParams::default().labels(&selector))
        .await
        .map_err(|e| internal("failed listing the user's ShadowPods", &e))?;
    let running: Vec<PodSpec> = others
        .items
        .iter()
        .filter(|s| {
            !(s.name_any() == shadow.name_any() && s.namespace() == Some(namespace.clone()))
        })
        .filter(|s| !is_terminal(s))
        .filter_map(|s| s.spec.pod.clone())
        .collect();
    check_quota(&quota.spec, &shadow.spec.pod.unwrap_or_default(), &running).map_err(forbidden)
}

/// What an update may not change: the labels that say whose ShadowPod it is.
fn check_update(old: &ShadowPod, new: &ShadowPod) -> Result<(), String> {
    for key in [label::OFFLOADING_ORIGIN, label::CREATOR_USER] {
        let (was, is) = (old.labels().get(key), new.labels().get(key));
        if was != is {
            return Err(format!(
                "label {key} cannot be changed ({} → {})",
                was.map_or("unset", String::as_str),
                is.map_or("unset", String::as_str)
            ));
        }
    }
    Ok(())
}

/// The origin label must be present and name the cluster the twin namespace belongs to.
fn check_origin(origin: Option<&String>, cluster: Option<&str>) -> Result<(), Refusal> {
    let Some(origin) = origin else {
        return Err(forbidden(format!(
            "missing label {}",
            label::OFFLOADING_ORIGIN
        )));
    };
    if Some(origin.as_str()) != cluster {
        return Err(forbidden(format!(
            "label {} ({origin}) differs from the namespace's {} ({})",
            label::OFFLOADING_ORIGIN,
            label::REMOTE_CLUSTER_ID,
            cluster.unwrap_or("none")
        )));
    }
    Ok(())
}

/// A ShadowPod whose pod ended no longer holds quota.
fn is_terminal(shadow: &ShadowPod) -> bool {
    matches!(
        shadow.status.as_ref().map(|s| s.phase),
        Some(ShadowPodPhase::Succeeded | ShadowPodPhase::Failed)
    )
}

/// Whether `new` fits in `quota` next to `running`: requests always (Soft and Hard), limits
/// too with Hard; only the resources the Quota names are counted.
fn check_quota(quota: &QuotaSpec, new: &PodSpec, running: &[PodSpec]) -> Result<(), String> {
    let mut kinds: Vec<(&str, ResourcesOf)> = vec![("requests", requests)];
    match quota.limits_enforcement.unwrap_or_default() {
        LimitsEnforcement::None => return Ok(()),
        LimitsEnforcement::Soft => {}
        LimitsEnforcement::Hard => kinds.push(("limits", limits)),
    }
    for (kind, of) in kinds {
        let used = total(running.iter().chain(std::iter::once(new)), of);
        for (resource, limit) in &quota.resources {
            let Some(limit) = quantity::nanos(&limit.0) else {
                continue;
            };
            if used.get(resource).copied().unwrap_or(0) > limit {
                return Err(format!(
                    "{resource} quota exceeded: the {kind} of the user's ShadowPods would exceed {}",
                    quota.resources[resource].0
                ));
            }
        }
    }
    Ok(())
}

type Resources = BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>;
type ResourcesOf = fn(&Container) -> Option<&Resources>;

fn requests(c: &Container) -> Option<&Resources> {
    c.resources.as_ref()?.requests.as_ref()
}

fn limits(c: &Container) -> Option<&Resources> {
    c.resources.as_ref()?.limits.as_ref()
}

/// Per resource, the sum over every container of `pods` (in nano-units).
fn total<'a>(pods: impl Iterator<Item = &'a PodSpec>, of: ResourcesOf) -> BTreeMap<String, i128> {
    let mut sums = BTreeMap::new();
    for container in pods.flat_map(|p| &p.containers) {
        for (resource, value) in of(container).into_iter().flatten() {
            *sums.entry(resource.clone()).or_insert(0) += quantity::nanos(&value.0).unwrap_or(0);
        }
    }
    sums
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn spec(requests: Value, limits: Value) -> PodSpec {
        serde_json::from_value(json!({"containers": [{"name": "c",
            "resources": {"requests": requests, "limits": limits}}]}))
        .unwrap()
    }

    fn quota(enforcement: LimitsEnforcement) -> QuotaSpec {
        serde_json::from_value(
            json!({"user": "u", "limitsEnforcement": enforcement.as_str(),
            "resources": {"cpu": "1", "memory": "1Gi"}}),
        )
        .unwrap()
    }

    #[test]
    fn updates_keep_the_origin_and_the_creator() {
        let with = |labels: Value| -> ShadowPod {
            serde_json::from_value(json!({
                "apiVersion": "offloading.liqo.io/v1beta1", "kind": "ShadowPod",
                "metadata": {"name": "s", "labels": labels}, "spec": {}
            }))
            .unwrap()
        };
        let old = with(json!({"offloading.liqo.io/origin": "c", "liqo.io/creator-user": "u"}));
        let relabelled = with(
            json!({"offloading.liqo.io/origin": "c", "liqo.io/creator-user": "u", "app": "x"}),
        );
        assert!(check_update(&old, &relabelled).is_ok());
        let stolen = with(json!({"offloading.liqo.io/origin": "c", "liqo.io/creator-user": "v"}));
        assert_eq!(
            check_update(&old, &stolen).unwrap_err(),
            "label liqo.io/creator-user cannot be changed (u → v)"
        );
        let dropped = with(json!({"liqo.io/creator-user": "u"}));
        assert!(
            check_update(&old, &dropped)
                .unwrap_err()
                .contains("(c → unset)")
        );
    }

    #[test]
    fn the_origin_must_match_the_twin_namespace() {
        let c = "cons".to_string();
        assert!(check_origin(Some(&c), Some("cons")).is_ok());
        let missing = check_origin(None, Some("cons")).unwrap_err();
        assert_eq!(missing.0, 403);
        assert!(
            missing.1.contains("offloading.liqo.io/origin"),
            "{missing:?}"
        );
        assert!(check_origin(Some(&c), Some("other")).is_err());
        assert!(check_origin(Some(&c), None).is_err());
    }

    #[test]
    fn requests_count_with_soft_and_hard_limits_only_with_hard() {
        let running = [spec(json!({"cpu": "600m"}), json!({"cpu": "600m"}))];
        let fits = spec(
            json!({"cpu": "400m", "memory": "1Gi"}),
            json!({"cpu": "400m"}),
        );
        let over = spec(json!({"cpu": "500m"}), json!({}));
        let over_limits = spec(json!({"cpu": "100m"}), json!({"cpu": "2"}));
        for enforcement in [LimitsEnforcement::Soft, LimitsEnforcement::Hard] {
            let q = quota(enforcement);
            assert!(check_quota(&q, &fits, &running).is_ok(), "{enforcement:?}");
            let err = check_quota(&q, &over, &running).unwrap_err();
            assert!(err.contains("cpu quota exceeded"), "{err}");
        }
        assert!(check_quota(&quota(LimitsEnforcement::Soft), &over_limits, &running).is_ok());
        let err = check_quota(&quota(LimitsEnforcement::Hard), &over_limits, &running).unwrap_err();
        assert!(err.contains("limits"), "{err}");
        let huge = spec(json!({"cpu": "64"}), json!({}));
        assert!(check_quota(&quota(LimitsEnforcement::None), &huge, &running).is_ok());
    }

    #[test]
    fn ended_shadow_pods_free_their_quota() {
        let ended: ShadowPod = serde_json::from_value(json!({
            "apiVersion": "offloading.liqo.io/v1beta1", "kind": "ShadowPod",
            "metadata": {"name": "a"}, "spec": {}, "status": {"phase": "Succeeded"}}))
        .unwrap();
        assert!(is_terminal(&ended));
        let mut running = ended.clone();
        running.status.as_mut().unwrap().phase = ShadowPodPhase::Running;
        assert!(!is_terminal(&running));
        running.status = None;
        assert!(!is_terminal(&running));
    }

    #[test]
    fn the_creator_user_is_added_with_or_without_labels() {
        let request = |object: Value| AdmissionRequest {
            uid: "x".into(),
            operation: "CREATE".into(),
            namespace: Some("n".into()),
            user_info: super::super::review::UserInfo {
                username: "cons-a1b2".into(),
            },
            object: Some(object),
            old_object: None,
        };
        let with = mutate(&request(json!({"metadata": {"labels": {"app": "x"}}})));
        assert_eq!(
            with.patch_ops(),
            vec![
                json!({"op": "add", "path": "/metadata/labels/liqo.io~1creator-user", "value": "cons-a1b2"})
            ]
        );
        let without = mutate(&request(json!({"metadata": {}})));
        assert_eq!(
            without.patch_ops()[0]["value"],
            json!({"liqo.io/creator-user": "cons-a1b2"})
        );
    }
}
