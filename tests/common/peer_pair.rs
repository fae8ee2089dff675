//! One pair of clusters on a test network shared by the cases of a `liqoctl peer` test file
//! (tests/peer.rs, tests/peer_failures.rs), one case at a time: each case locks the pair,
//! peers, and undoes its peering with `liqoctl unpeer`, which leaves both clusters as before
//! any peering but for the tenant namespaces (kept: `--delete-namespaces` would add seconds of
//! namespace deletion to every case); a case that failed before undoing is undone by the next.
//! Included with `#[path = "common/peer_pair.rs"] mod peer_pair;` beside `common`, `converge`
//! and `flows`.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Output;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use kube::api::{DynamicObject, ListParams};
use kube::discovery::{Discovery, verbs};
use kube::{Api, Client, ResourceExt};
use liqo_testenv::Env;

use crate::common::{kubeconfig, remote_kubeconfig};
use crate::{converge, flows};

/// The pair's cluster names and IDs: consumer `c`, provider `p`.
pub struct Spec {
    pub c: &'static str,
    pub p: &'static str,
    pub c_id: &'static str,
    pub p_id: &'static str,
}

/// The pod CIDRs of the consumer and the provider (distinct: no NAT on the tunnel).
const POD_CIDRS: [&str; 2] = ["10.243.0.0/16", "10.244.0.0/16"];

static ENV: OnceLock<Env> = OnceLock::new();
/// The cases share the pair: one at a time.
static SEQ: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
/// Both clusters' state before any peering.
static PRISTINE: OnceLock<(BTreeSet<String>, BTreeSet<String>)> = OnceLock::new();
/// A case that did not undo its peering (it failed): the next one undoes it first.
static DIRTY: AtomicBool = AtomicBool::new(false);

/// The pair's environment; only after [`Pair::lock`].
pub fn env() -> &'static Env {
    ENV.get()
        .expect("invariant: the env is started by Pair::lock")
}

/// The shared pair, held by one case.
pub struct Pair {
    pub spec: &'static Spec,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

impl Pair {
    /// Waits for the pair, starting it (and taking the pristine state) on first use, and
    /// undoes what a failed case left.
    pub async fn lock(spec: &'static Spec) -> Self {
        let turn = SEQ.lock().await;
        tokio::task::spawn_blocking(move || {
            ENV.get_or_init(|| common_env(spec));
        })
        .await
        .expect("env thread");
        let pair = Self { spec, _turn: turn };
        if PRISTINE.get().is_none() {
            let (c, p) = pair.clients();
            let state = (converge::state(&c).await, converge::state(&p).await);
            PRISTINE.get_or_init(|| state);
        }
        if DIRTY.swap(true, Ordering::SeqCst) {
            pair.recover().await;
        }
        pair
    }

    /// Both clusters' state before any peering.
    pub fn pristine(&self) -> &'static (BTreeSet<String>, BTreeSet<String>) {
        PRISTINE.get().expect("taken at lock")
    }

    pub fn clients(&self) -> (Client, Client) {
        (
            env().cluster(self.spec.c).client(),
            env().cluster(self.spec.p).client(),
        )
    }

    pub fn server(&self, cluster: &str) -> String {
        env().cluster(cluster).server().to_string()
    }

    /// liqoctl with `local`'s kubeconfig, `args`, then `remote`'s as the remote one.
    pub async fn liqoctl(&self, local: &str, remote: &str, args: &[&str]) -> Output {
        let mut all = vec![kubeconfig(env().cluster(local).kubeconfig())];
        all.extend(args.iter().map(|a| (*a).to_string()));
        all.push(remote_kubeconfig(env().cluster(remote).kubeconfig()));
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        flows::run(&all).await
    }

    /// `peer` consumer → provider with `extra` flags.
    pub async fn peer(&self, extra: &[&str]) -> Output {
        let mut args = vec!["peer", "--timeout=120s"];
        args.extend(extra);
        self.liqoctl(self.spec.c, self.spec.p, &args).await
    }

    /// `peer` provider → consumer (the reverse direction).
    pub async fn peer_reverse(&self, extra: &[&str]) -> Output {
        let mut args = vec!["peer", "--timeout=120s"];
        args.extend(extra);
        self.liqoctl(self.spec.p, self.spec.c, &args).await
    }

    /// What a failed case may have left (either direction, half made), undone by the same
    /// commands, each allowed to find nothing to do.
    async fn recover(&self) {
        let Spec { c, p, .. } = *self.spec;
        self.liqoctl(p, c, &["unpeer", "--timeout=90s"]).await;
        self.liqoctl(c, p, &["unpeer", "--timeout=90s"]).await;
    }

    /// Undoes consumer → provider (the slice and its virtual node, the authentication, the
    /// network, the ForeignClusters) and waits until it is gone.
    pub async fn undo(&self) {
        let Spec { c, p, .. } = *self.spec;
        let out = self.liqoctl(c, p, &["unpeer", "--timeout=90s"]).await;
        flows::ok("unpeer", &out);
    }

    /// Undoes provider → consumer, leaving the network, which the other direction uses, to
    /// [`Pair::undo`].
    pub async fn undo_reverse(&self) {
        let Spec { c, p, .. } = *self.spec;
        let out = self.liqoctl(p, c, &["unpeer", "--timeout=90s"]).await;
        flows::ok("reverse unpeer", &out);
    }

    /// [`Pair::undo`], then both clusters as before any peering but for the tenant namespaces,
    /// which unpeer keeps (holding only what Kubernetes puts in every namespace).
    pub async fn undo_and_check(&self) {
        self.undo().await;
        let (c, p) = self.clients();
        let pristine = self.pristine();
        for (name, client, before, peer) in [
            (self.spec.c, &c, &pristine.0, self.spec.p_id),
            (self.spec.p, &p, &pristine.1, self.spec.c_id),
        ] {
            let now = converge::state(client).await;
            let tenant = flows::tenant_ns(peer);
            flows::assert_diff(name, before, &now, &[], &[&tenant]);
        }
        self.done();
    }

    /// The case undid its peering: the next one need not.
    pub fn done(&self) {
        DIRTY.store(false, Ordering::SeqCst);
    }

    /// `group/Kind ns/name → resourceVersion` on both clusters of every Liqo object and of
    /// the Kubernetes kinds peer writes; a Connection by generation (its gateway refreshes the
    /// latency in its status every few seconds).
    pub async fn versions(&self) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
        let (c, p) = self.clients();
        (versions_of(&c).await, versions_of(&p).await)
    }

    /// Every object with the same version before and after, none added or removed.
    pub fn assert_unchanged(
        &self,
        before: &(BTreeMap<String, String>, BTreeMap<String, String>),
        after: &(BTreeMap<String, String>, BTreeMap<String, String>),
    ) {
        for (name, b, a) in [
            (self.spec.c, &before.0, &after.0),
            (self.spec.p, &before.1, &after.1),
        ] {
            let changed: Vec<String> = b
                .keys()
                .chain(a.keys())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .filter(|k| b.get(*k) != a.get(*k))
                .map(|k| format!("{k}: {:?} → {:?}", b.get(k), a.get(k)))
                .collect();
            assert!(
                changed.is_empty(),
                "{name}: the re-run rewrote {changed:#?}"
            );
        }
    }
}

fn common_env(spec: &Spec) -> Env {
    crate::common::installed_network_env(&[
        (spec.c, spec.c_id, POD_CIDRS[0]),
        (spec.p, spec.p_id, POD_CIDRS[1]),
    ])
}

/// The Kubernetes kinds peer (and the controllers it drives) write, besides Liqo's.
const WRITTEN_KINDS: [&str; 10] = [
    "Namespace",
    "Secret",
    "ConfigMap",
    "ServiceAccount",
    "Role",
    "RoleBinding",
    "ClusterRole",
    "ClusterRoleBinding",
    "Service",
    "Deployment",
];

async fn versions_of(client: &Client) -> BTreeMap<String, String> {
    let discovery = Discovery::new(client.clone())
        .run()
        .await
        .expect("discovery");
    let mut out = BTreeMap::new();
    for group in discovery.groups() {
        let liqo = group.name().ends_with("liqo.io");
        for (ar, caps) in group.recommended_resources() {
            if !caps.supports_operation(verbs::LIST)
                || !(liqo || WRITTEN_KINDS.contains(&ar.kind.as_str()))
            {
                continue;
            }
            let api: Api<DynamicObject> = Api::all_with(client.clone(), &ar);
            for o in api.list(&ListParams::default()).await.expect("list").items {
                let key = format!(
                    "{}/{} {}/{}",
                    ar.group,
                    ar.kind,
                    o.namespace().unwrap_or_default(),
                    o.name_any()
                );
                let version = if ar.kind == "Connection" {
                    format!("generation {:?}", o.metadata.generation)
                } else {
                    o.resource_version().unwrap_or_default()
                };
                out.insert(key, version);
            }
        }
    }
    out
}
