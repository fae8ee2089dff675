//! `liqoctl info` and `liqoctl info peer [ids…]` (cli.md §6): what the local Liqo installation
//! and its peerings look like, as boxes on stdout, `-o json|yaml`, or one field with `--get`.
//! Collection problems become warnings; only a missing installation, unknown peers and bad
//! queries fail the command.

mod local;
mod peer;
mod peer_view;
mod query;
mod render;
mod status;

use std::collections::BTreeMap;

use anyhow::Context as _;
use k8s_openapi::api::core::v1::Namespace;
use kube::api::{ApiResource, DynamicObject, ListParams};
use kube::{Api, Client, ResourceExt};
use liqo_api::consts::label;
use liqo_api::core::ForeignCluster;
use serde_json::Value;

use crate::ctx::Ctx;
use crate::exit::ExitStatus;
use crate::printer::Printer;
use query::Format;
use render::Section;

/// Show the local Liqo installation, its health, its network (with -v) and its peerings.
#[derive(Debug, clap::Args)]
pub struct InfoArgs {
    #[command(subcommand)]
    command: Option<InfoCommand>,
    /// The namespace Liqo is installed in.
    #[arg(short = 'n', long = "namespace", global = true,
          default_value = liqo_kube::install::LIQO_NAMESPACE)]
    namespace: String,
    /// Print the data as json or yaml instead of boxes.
    #[arg(short = 'o', long, global = true, value_enum)]
    output: Option<Format>,
    /// Print one field, by dot path (e.g. local.clusterid, network.podcidrs; `clusterid` is
    /// short for local.clusterid; with `info peer`, start with the cluster ID).
    #[arg(short = 'g', long = "get", global = true, value_name = "PATH")]
    get: Option<String>,
}

#[derive(Debug, clap::Subcommand)]
enum InfoCommand {
    /// Show the peerings with the given clusters (all when none): peer info, network,
    /// authentication and offloading.
    Peer(PeerArgs),
}

#[derive(Debug, clap::Args)]
struct PeerArgs {
    /// Cluster IDs of the peers to show.
    cluster_ids: Vec<String>,
}

/// One `info` run: the cluster, Liqo's namespace and the warnings collected on the way.
pub(super) struct Collector {
    client: Client,
    /// The kubeconfig's API server URL, for messages and as a fallback address.
    server: String,
    namespace: String,
    warnings: Vec<String>,
}

impl Collector {
    /// Records a collection problem: a warning, the command goes on.
    fn warn(&mut self, what: impl std::fmt::Display, err: impl Into<anyhow::Error>) {
        let err = err.into();
        // Lists of a kind the cluster does not serve answer 404 with a plain-text body.
        let unserved = err.chain().any(|cause| {
            matches!(cause.downcast_ref::<kube::Error>(), Some(kube::Error::Api(s)) if s.code == 404)
        });
        let why = if unserved {
            "the API is not served by this cluster (its CRD is not installed)".to_string()
        } else {
            crate::exit::one_line(&err)
        };
        self.warnings.push(format!("{what}: {why}"));
    }
}

impl InfoArgs {
    pub async fn run(self, ctx: &Ctx) -> anyhow::Result<ExitStatus> {
        let Self {
            command,
            namespace,
            output,
            get,
        } = self;
        let cluster = ctx.local().await?;
        ensure_installed(&cluster.client, &namespace).await?;
        let mut collector = Collector {
            server: cluster.server(),
            client: cluster.client,
            namespace,
            warnings: Vec::new(),
        };
        // `--get` implies verbose: every field can be asked for.
        let verbose = ctx.global.verbose > 0 || get.is_some();
        let report = match command {
            None => local::collect(&mut collector, verbose).await,
            Some(InfoCommand::Peer(PeerArgs { cluster_ids })) => {
                peer::collect(&mut collector, &cluster_ids).await?
            }
        };
        for warning in &collector.warnings {
            ctx.printer.warn(warning);
        }
        let text = report.text(get.as_deref(), output, &ctx.printer)?;
        ctx.printer.data(text);
        Ok(ExitStatus::Success)
    }
}

/// What a run collected: the data map (sorted keys) and its boxes.
pub(super) struct Report {
    /// `info peer`'s (cluster ID → checkers) rather than `info`'s (checker → data).
    peers: bool,
    data: Value,
    /// Per cluster (one group for `info`), the boxes: title and content.
    groups: Vec<Vec<(&'static str, Section)>>,
}

impl Report {
    /// What stdout gets: the field `--get` selects, the data in `-o`'s format, or the boxes.
    fn text(
        &self,
        get: Option<&str>,
        output: Option<Format>,
        printer: &Printer,
    ) -> anyhow::Result<String> {
        if let Some(path) = get {
            let selected = if self.peers {
                query::select_peer(&self.data, path)?
            } else {
                query::select_local(&self.data, path)?
            };
            return query::render_selected(selected, output);
        }
        if output.is_some() {
            return query::render(&self.data, output);
        }
        if self.groups.is_empty() {
            // `info peer` on a cluster without peerings: nothing to box.
            printer.info("No active peerings");
        }
        Ok(self.human(printer.color()))
    }

    fn human(&self, color: bool) -> String {
        self.groups
            .iter()
            .map(|boxes| {
                boxes
                    .iter()
                    .map(|(title, section)| render::render_box(title, section, color))
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            // Two blank lines between clusters.
            .join("\n\n")
    }
}

/// Fails unless Liqo's namespace exists.
async fn ensure_installed(client: &Client, namespace: &str) -> anyhow::Result<()> {
    let found = Api::<Namespace>::all(client.clone())
        .get_opt(namespace)
        .await
        .with_context(|| {
            format!("failed to check whether Liqo is installed in namespace {namespace}")
        })?;
    if found.is_none() {
        anyhow::bail!(
            "Liqo is not installed in the current cluster!\n\n\
             Namespace {namespace:?} does not exist. You can install Liqo with `liqoctl install`\n\
             (see `liqoctl install --help`), or pass the namespace it is installed in with -n."
        );
    }
    Ok(())
}

/// The ForeignClusters, by cluster ID (the oldest when several claim one), optionally only
/// those labelled with one of `ids`. Objects this version cannot read become warnings.
async fn observe_foreign_clusters(
    collector: &mut Collector,
    ids: &[String],
) -> Result<BTreeMap<String, ForeignCluster>, kube::Error> {
    let resource = ApiResource::erase::<ForeignCluster>(&());
    let api = Api::<DynamicObject>::all_with(collector.client.clone(), &resource);
    let mut params = ListParams::default();
    if !ids.is_empty() {
        params = params.labels(&format!(
            "{} in ({})",
            label::REMOTE_CLUSTER_ID,
            ids.join(",")
        ));
    }
    let mut items = api.list(&params).await?.items;
    items.sort_by_key(|o| o.creation_timestamp().map(|t| t.0));
    let mut clusters = BTreeMap::new();
    for object in items {
        let name = object.name_any();
        match object.try_parse::<ForeignCluster>() {
            Ok(fc) => {
                clusters.entry(fc.spec.cluster_id.clone()).or_insert(fc);
            }
            Err(e) => collector.warn(format!("unable to read ForeignCluster {name}"), e),
        }
    }
    Ok(clusters)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn report(peers: bool, groups: usize) -> Report {
        let mut section = Section::default();
        section.entry("Role", "Provider");
        Report {
            peers,
            data: json!({"p1": {"info": {"role": "Provider"}}}),
            groups: (0..groups)
                .map(|_| vec![("Peer cluster info", section.clone())])
                .collect(),
        }
    }

    #[test]
    fn clusters_are_two_blank_lines_apart_and_queries_pick_fields() {
        let printer = Printer::new(true, false);
        let text = report(true, 2).text(None, None, &printer).unwrap();
        assert_eq!(text.matches("┌─ Peer cluster info ").count(), 2);
        assert!(text.contains("┘\n\n\n┌─"), "{text}");
        let role = report(true, 1).text(Some("info.role"), None, &printer);
        assert_eq!(role.unwrap(), "Provider\n");
        let json = report(true, 1).text(None, Some(Format::Json), &printer);
        assert!(json.unwrap().starts_with("{\n  \"p1\": {"));
        let err = report(false, 1)
            .text(Some("nope"), None, &printer)
            .unwrap_err();
        assert_eq!(err.to_string(), r#"invalid query "nope": "nope" not found"#);
    }
}
