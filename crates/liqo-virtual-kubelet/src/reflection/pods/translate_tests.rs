use super::*;
use serde_json::json;

fn local_pod() -> Pod {
    serde_json::from_value(json!({
        "metadata": {"name": "web-1", "namespace": "demo",
            "labels": {"app": "web", "liqo.io/shadowPod": "true", "secret-label": "x"},
            "annotations": {"note": "keep", "skip-me": "x",
                RESTARTS_ANNOTATION: "{\"uid\":\"u1\",\"base\":{}}"}},
        "spec": {
            "nodeName": "liqo-p", "priority": 0, "priorityClassName": "high",
            "serviceAccountName": "web", "nodeSelector": {"liqo.io/type": "virtual-node"},
            "tolerations": [{"key": "virtual-node.liqo.io/not-allowed", "operator": "Exists"}],
            "containers": [{"name": "main", "image": "img", "volumeMounts": [
                {"name": "kube-api-access-abcde", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"},
                {"name": "config", "mountPath": "/etc/demo"}]}],
            "volumes": [
                {"name": "kube-api-access-abcde", "projected": {"defaultMode": 420, "sources": [
                    {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                    {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                    {"downwardAPI": {"items": [{"path": "namespace",
                        "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}]}},
                {"name": "config", "configMap": {"name": "demo"}}],
        },
    }))
    .unwrap()
}

fn offload() -> Offload {
    Offload {
        node_name: "liqo-p".into(),
        home_cluster_id: "c".into(),
        foreign_cluster_id: "p".into(),
        patch: OffloadingPatch {
            labels_not_reflected: Some(vec!["secret-label".into()]),
            annotations_not_reflected: Some(vec!["skip-me".into()]),
            node_selector: Some(BTreeMap::from([("zone".into(), "a".into())])),
            ..OffloadingPatch::default()
        },
        api_server_support: true,
        api_server: Some(ApiServer {
            host: "10.0.0.1".into(),
            port: 6443,
        }),
    }
}

/// `local_pod` as a pod that opted out of the token: no projected volume, automount false.
fn pod_without_token() -> Pod {
    let mut pod = local_pod();
    let spec = pod.spec.as_mut().unwrap();
    spec.automount_service_account_token = Some(false);
    spec.volumes.as_mut().unwrap().remove(0);
    spec.containers[0].volume_mounts.as_mut().unwrap().remove(0);
    pod
}

fn env_of(c: &k8s_openapi::api::core::v1::Container) -> BTreeMap<String, String> {
    c.env
        .iter()
        .flatten()
        .map(|e| (e.name.clone(), e.value.clone().unwrap_or_default()))
        .collect()
}

#[test]
fn the_shadow_pod_carries_filtered_metadata_and_the_origin_labels() {
    let shadow = shadow_pod(&local_pod(), "demo-c", &offload());
    assert_eq!(shadow.metadata.namespace.as_deref(), Some("demo-c"));
    let labels = shadow.metadata.labels.unwrap();
    assert_eq!(labels.get("app").map(String::as_str), Some("web"));
    assert!(!labels.contains_key("liqo.io/shadowPod"));
    assert!(!labels.contains_key("secret-label"));
    assert_eq!(labels[label::OFFLOADING_ORIGIN], "c");
    assert_eq!(labels[label::OFFLOADING_DESTINATION], "p");
    assert_eq!(labels[label::OFFLOADING_NODENAME], "liqo-p");
    let annotations = shadow.metadata.annotations.unwrap();
    assert_eq!(annotations.get("note").map(String::as_str), Some("keep"));
    assert!(!annotations.contains_key("skip-me"));
    assert!(!annotations.contains_key(RESTARTS_ANNOTATION));
}

#[test]
fn an_anti_affinity_preset_reaches_the_remote_spec_beside_the_patch() {
    let mut pod = local_pod();
    pod.annotations_mut()
        .insert("liqo.io/anti-affinity-preset".into(), "hard".into());
    let mut offload = offload();
    offload.patch.affinity = serde_json::from_value(json!({"nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": []}}}))
    .ok();
    let affinity = shadow_pod(&pod, "demo-c", &offload)
        .spec
        .pod
        .unwrap()
        .affinity
        .unwrap();
    assert!(
        affinity.node_affinity.is_some(),
        "the patch's node affinity stays"
    );
    let anti = affinity.pod_anti_affinity.unwrap();
    assert_eq!(
        anti.required_during_scheduling_ignored_during_execution
            .unwrap()[0]
            .topology_key,
        "kubernetes.io/hostname"
    );
    let plain = shadow_pod(&local_pod(), "demo-c", &self::offload())
        .spec
        .pod
        .unwrap();
    assert!(plain.affinity.and_then(|a| a.pod_anti_affinity).is_none());
}

#[test]
fn the_remote_spec_is_unbound_placed_by_the_patch_and_without_local_credentials() {
    let spec = shadow_pod(&local_pod(), "demo-c", &offload())
        .spec
        .pod
        .unwrap();
    assert_eq!(spec.node_name, None);
    assert_eq!(spec.priority, None);
    assert_eq!(spec.priority_class_name, None);
    assert_eq!(spec.service_account_name, None);
    assert_eq!(spec.automount_service_account_token, Some(false));
    assert_eq!(
        spec.tolerations, None,
        "the virtual node's toleration stays local"
    );
    assert_eq!(spec.node_selector.unwrap()["zone"], "a");
}

#[test]
fn the_projected_token_volume_becomes_the_token_secret_at_the_same_path() {
    let spec = shadow_pod(&local_pod(), "demo-c", &offload())
        .spec
        .pod
        .unwrap();
    assert_eq!(spec.automount_service_account_token, Some(false));
    assert_eq!(spec.service_account_name, None);
    let volumes = spec.volumes.unwrap();
    let names: Vec<_> = volumes.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["kube-api-access-abcde", "config"]);
    assert!(volumes[0].projected.is_none());
    let secret = volumes[0].secret.as_ref().unwrap();
    assert_eq!(secret.secret_name.as_deref(), Some("web-1-sa-token"));
    assert_eq!(secret.default_mode, Some(420));
    let items: Vec<_> = secret
        .items
        .iter()
        .flatten()
        .map(|i| (i.key.as_str(), i.path.as_str()))
        .collect();
    assert_eq!(
        items,
        [
            ("token", "token"),
            ("ca.crt", "ca.crt"),
            ("namespace", "namespace")
        ]
    );
    let mounts = spec.containers[0].volume_mounts.clone().unwrap();
    assert_eq!(mounts[0].name, "kube-api-access-abcde");
    assert_eq!(
        mounts[0].mount_path,
        "/var/run/secrets/kubernetes.io/serviceaccount"
    );
}

#[test]
fn every_container_of_a_pod_with_a_token_reaches_the_home_api_server() {
    let mut pod = local_pod();
    let spec = pod.spec.as_mut().unwrap();
    spec.containers[0].env = serde_json::from_value(json!([
        {"name": "KUBERNETES_SERVICE_HOST", "value": "stale"}, {"name": "KEEP", "value": "1"}]))
    .ok();
    let mut second = spec.containers[0].clone();
    second.name = "second".into();
    spec.containers.push(second.clone());
    second.name = "init".into();
    spec.init_containers = Some(vec![second]);
    let remote = shadow_pod(&pod, "demo-c", &offload()).spec.pod.unwrap();
    let all = remote
        .containers
        .iter()
        .chain(remote.init_containers.iter().flatten());
    for c in all {
        let env = env_of(c);
        assert_eq!(env["KUBERNETES_SERVICE_HOST"], "10.0.0.1", "{}", c.name);
        assert_eq!(env["KUBERNETES_SERVICE_PORT"], "6443", "{}", c.name);
        assert_eq!(env["KEEP"], "1", "{}", c.name);
        let hosts = c
            .env
            .iter()
            .flatten()
            .filter(|e| e.name == "KUBERNETES_SERVICE_HOST");
        assert_eq!(hosts.count(), 1, "{}", c.name);
    }
    // No known address: the token still mounted, the env as the pod has it.
    let mut unknown = offload();
    unknown.api_server = None;
    let remote = shadow_pod(&pod, "demo-c", &unknown).spec.pod.unwrap();
    assert_eq!(remote.containers, pod.spec.as_ref().unwrap().containers);
    assert!(remote.volumes.unwrap()[0].secret.is_some());
}

#[test]
fn a_pod_without_the_token_volume_is_offloaded_as_before() {
    let pod = pod_without_token();
    let remote = shadow_pod(&pod, "demo-c", &offload()).spec.pod.unwrap();
    assert_eq!(token_volume(&pod, &offload()).map(|v| v.name.clone()), None);
    assert_eq!(remote.automount_service_account_token, Some(false));
    let names: Vec<_> = remote
        .volumes
        .unwrap()
        .into_iter()
        .map(|v| v.name)
        .collect();
    assert_eq!(names, ["config"]);
    assert_eq!(remote.containers[0].env, None);
    // Automount off with the volume left in (made by hand): dropped, as before.
    let mut by_hand = local_pod();
    by_hand
        .spec
        .as_mut()
        .unwrap()
        .automount_service_account_token = Some(false);
    assert!(token_volume(&by_hand, &offload()).is_none());
    let remote = shadow_pod(&by_hand, "demo-c", &offload()).spec.pod.unwrap();
    let names: Vec<_> = remote
        .volumes
        .unwrap()
        .into_iter()
        .map(|v| v.name)
        .collect();
    assert_eq!(names, ["config"]);
    let mounts: Vec<_> = remote.containers[0]
        .volume_mounts
        .clone()
        .unwrap()
        .into_iter()
        .map(|m| m.name)
        .collect();
    assert_eq!(mounts, ["config"]);
    assert_eq!(remote.containers[0].env, None);
}

#[test]
fn without_api_server_support_the_token_volume_is_dropped_as_before() {
    let mut off = offload();
    off.api_server_support = false;
    let pod = local_pod();
    assert!(token_volume(&pod, &off).is_none());
    let remote = shadow_pod(&pod, "demo-c", &off).spec.pod.unwrap();
    let names: Vec<_> = remote
        .volumes
        .unwrap()
        .into_iter()
        .map(|v| v.name)
        .collect();
    assert_eq!(names, ["config"]);
    assert_eq!(remote.containers[0].env, None);
}

#[test]
fn the_token_secret_name_fits_an_object_name() {
    assert_eq!(token_secret_name("web-1"), "web-1-sa-token");
    let long = token_secret_name(&format!("{}-x", "a".repeat(243)));
    assert!(long.len() <= 253 && long.ends_with("a-sa-token"), "{long}");
}

fn remote_status() -> PodStatus {
    serde_json::from_value(json!({
        "phase": "Running", "podIP": "10.244.0.9", "podIPs": [{"ip": "10.244.0.9"}],
        "hostIP": "10.0.0.2", "qosClass": "Guaranteed",
        "conditions": [{"type": "Ready", "status": "True"}, {"type": "ContainersReady", "status": "True"}],
        "containerStatuses": [{"name": "main", "image": "img", "imageID": "", "ready": true,
            "restartCount": 1}],
    }))
    .unwrap()
}

#[test]
fn the_local_status_reads_the_consumers_view() {
    let ips = IpTranslation::new(&["10.244.0.0/16".into()], &["10.71.0.0/16".into()]);
    let local = PodStatus {
        qos_class: Some("BestEffort".into()),
        ..PodStatus::default()
    };
    let restarts = Restarts {
        uid: "u2".into(),
        base: BTreeMap::from([("main".into(), 3)]),
    };
    let view = StatusView {
        ips: &ips,
        host_ip: "127.0.0.5",
        unavailable: false,
    };
    let st = local_status(&remote_status(), Some(&local), &restarts, view);
    assert_eq!(st.pod_ip.as_deref(), Some("10.71.0.9"));
    assert_eq!(st.pod_ips.unwrap()[0].ip, "10.71.0.9");
    assert_eq!(st.host_ip.as_deref(), Some("127.0.0.5"));
    assert_eq!(
        st.qos_class.as_deref(),
        Some("BestEffort"),
        "the consumer's QoS stays"
    );
    assert_eq!(st.container_statuses.unwrap()[0].restart_count, 4);
    assert_eq!(st.phase.as_deref(), Some("Running"));
}

#[test]
fn an_unavailable_remote_never_reads_ready() {
    let ips = IpTranslation::default();
    let view = StatusView {
        ips: &ips,
        host_ip: "127.0.0.5",
        unavailable: true,
    };
    let st = local_status(&remote_status(), None, &Restarts::default(), view);
    for c in st.conditions.unwrap() {
        assert_eq!(c.status, "False", "{}", c.type_);
    }
}

#[test]
fn restart_counts_grow_across_remote_recreations() {
    let spec = local_pod().spec;
    let first = restarts(None, "u1", spec.as_ref(), None);
    assert_eq!(
        first,
        Restarts {
            uid: "u1".into(),
            base: BTreeMap::new()
        }
    );
    assert_eq!(restarts(Some(&first), "u1", spec.as_ref(), None), first);
    let local: PodStatus = serde_json::from_value(json!({
        "containerStatuses": [{"name": "main", "image": "img", "imageID": "", "ready": true,
            "restartCount": 2}],
    }))
    .unwrap();
    let second = restarts(Some(&first), "u2", spec.as_ref(), Some(&local));
    assert_eq!(second.uid, "u2");
    assert_eq!(second.base["main"], 3);
}

#[test]
fn quick_recreations_each_count_even_without_local_container_statuses() {
    // u1 → u2 → u3 → u4 faster than the twin's status arrives: the local status has no
    // container statuses, each re-creation still adds one.
    let spec = local_pod().spec;
    let mut record = restarts(None, "u1", spec.as_ref(), None);
    for uid in ["u2", "u3", "u4"] {
        record = restarts(
            Some(&record),
            uid,
            spec.as_ref(),
            Some(&PodStatus::default()),
        );
    }
    assert_eq!(record.base["main"], 3);
}

#[test]
fn the_restart_record_round_trips_through_the_annotation() {
    let got = recorded_restarts(&local_pod()).unwrap();
    assert_eq!(got.uid, "u1");
}

#[test]
fn a_terminated_twin_ends_the_local_pod() {
    let st = terminated_status(None, ShadowPodPhase::Succeeded);
    assert_eq!(st.phase.as_deref(), Some("Succeeded"));
    assert_eq!(st.reason.as_deref(), Some(REMOTE_TERMINATED));
    assert_eq!(
        terminated_status(None, ShadowPodPhase::Unknown)
            .phase
            .as_deref(),
        Some("Failed")
    );
}
