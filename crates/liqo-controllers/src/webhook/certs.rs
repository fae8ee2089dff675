//! The webhooks' serving certificate: generated once per installation and kept in a Secret
//! of the Liqo namespace (replicas and restarts share it), and its CA kept in the webhook
//! configurations' `caBundle`.

use std::collections::BTreeMap;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use futures::StreamExt;
use k8s_openapi::ByteString;
use k8s_openapi::api::admissionregistration::v1::{
    MutatingWebhookConfiguration, ValidatingWebhookConfiguration,
};
use k8s_openapi::api::core::v1::Secret;
use kube::api::{Patch, PatchParams, PostParams};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, Client, Resource};
use liqo_kube::install::webhooks::{WEBHOOK_CERT_SECRET, WEBHOOK_CONFIGURATION, WEBHOOK_SERVICE};
use liqo_kube::serve::cert::{self, ServingPki};
use serde_json::{Value, json};

/// Field manager of the `caBundle` fields (only those: install owns the rest).
const FIELD_MANAGER: &str = "liqo.io/webhook-certificate";
const CA_KEY: &str = "ca.crt";
const CERT_KEY: &str = "tls.crt";
const KEY_KEY: &str = "tls.key";
/// Pause before re-watching a configuration after an error (absent CRD-less clusters, RBAC).
const RETRY: Duration = Duration::from_secs(5);

/// The stored serving material, created if missing. Two replicas starting together both
/// try to create the Secret; the loser reads the winner's.
///
/// # Errors
/// When the Secret cannot be read or created, or holds incomplete material.
pub async fn ensure(client: &Client, namespace: &str) -> anyhow::Result<ServingPki> {
    let api: Api<Secret> = Api::namespaced(client.clone(), namespace);
    if let Some(secret) = api.get_opt(WEBHOOK_CERT_SECRET).await? {
        return parse(&secret);
    }
    let names = cert::service_names(WEBHOOK_SERVICE, namespace);
    let pki = cert::generate(&format!("{WEBHOOK_SERVICE}-ca"), &names)?;
    match api
        .create(&PostParams::default(), &render(namespace, &pki))
        .await
    {
        Ok(_) => {
            tracing::info!(
                secret = WEBHOOK_CERT_SECRET,
                "generated the webhook serving certificate"
            );
            Ok(pki)
        }
        Err(kube::Error::Api(e)) if e.code == 409 => parse(&api.get(WEBHOOK_CERT_SECRET).await?),
        Err(e) => Err(e.into()),
    }
}

fn render(namespace: &str, pki: &ServingPki) -> Secret {
    let bytes = |s: &str| ByteString(s.as_bytes().to_vec());
    Secret {
        metadata: kube::api::ObjectMeta {
            name: Some(WEBHOOK_CERT_SECRET.into()),
            namespace: Some(namespace.into()),
            labels: Some(liqo_kube::install::common_labels()),
            ..Default::default()
        },
        type_: Some("kubernetes.io/tls".into()),
        data: Some(BTreeMap::from([
            (CA_KEY.into(), bytes(&pki.ca_pem)),
            (CERT_KEY.into(), bytes(&pki.cert_pem)),
            (KEY_KEY.into(), bytes(&pki.key_pem)),
        ])),
        ..Default::default()
    }
}

fn parse(secret: &Secret) -> anyhow::Result<ServingPki> {
    let field = |key: &str| -> anyhow::Result<String> {
        let value = secret
            .data
            .as_ref()
            .and_then(|d| d.get(key))
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "Secret {WEBHOOK_CERT_SECRET} has no {key}: delete it to regenerate"
                )
            })?;
        Ok(String::from_utf8(value.0.clone())?)
    };
    Ok(ServingPki {
        ca_pem: field(CA_KEY)?,
        cert_pem: field(CERT_KEY)?,
        key_pem: field(KEY_KEY)?,
    })
}

/// Keeps `ca_pem` in every webhook of both configurations, applying it whenever a
/// configuration appears or changes without it (install re-applies them without a bundle).
pub async fn keep_ca_bundle(client: Client, ca_pem: String) {
    let bundle = STANDARD.encode(ca_pem.as_bytes());
    tokio::join!(
        keep::<MutatingWebhookConfiguration>(client.clone(), bundle.clone()),
        keep::<ValidatingWebhookConfiguration>(client, bundle),
    );
}

async fn keep<K>(client: Client, bundle: String)
where
    K: Resource<DynamicType = ()>
        + Clone
        + std::fmt::Debug
        + serde::de::DeserializeOwned
        + serde::Serialize
        + Send
        + 'static,
{
    let api: Api<K> = Api::all(client);
    let config =
        watcher::Config::default().fields(&format!("metadata.name={WEBHOOK_CONFIGURATION}"));
    loop {
        let mut stream = watcher(api.clone(), config.clone())
            .applied_objects()
            .boxed();
        while let Some(event) = stream.next().await {
            let object = match event {
                Ok(object) => object,
                Err(e) => {
                    tracing::debug!(error = %e, kind = %K::kind(&()), "webhook configuration watch failed");
                    break;
                }
            };
            let Some(patch) =
                ca_bundle_patch::<K>(&serde_json::to_value(&object).unwrap_or_default(), &bundle)
            else {
                continue;
            };
            let params = PatchParams::apply(FIELD_MANAGER).force();
            match api
                .patch(WEBHOOK_CONFIGURATION, &params, &Patch::Apply(&patch))
                .await
            {
                Ok(_) => tracing::info!(kind = %K::kind(&()), "applied the webhook CA bundle"),
                Err(e) => {
                    tracing::warn!(kind = %K::kind(&()), error = %e, "failed to apply the webhook CA bundle")
                }
            }
        }
        tokio::time::sleep(RETRY).await;
    }
}

/// The apply patch setting `bundle` in every webhook of `config`, or `None` when all have it.
fn ca_bundle_patch<K: Resource<DynamicType = ()>>(config: &Value, bundle: &str) -> Option<Value> {
    let hooks = config.get("webhooks")?.as_array()?;
    if hooks
        .iter()
        .all(|h| h["clientConfig"]["caBundle"] == bundle)
    {
        return None;
    }
    let webhooks: Vec<Value> = hooks
        .iter()
        .map(|h| json!({"name": h["name"], "clientConfig": {"caBundle": bundle}}))
        .collect();
    Some(json!({
        "apiVersion": K::api_version(&()), "kind": K::kind(&()),
        "metadata": {"name": WEBHOOK_CONFIGURATION},
        "webhooks": webhooks,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundle_is_applied_to_every_webhook_until_all_carry_it() {
        let config = json!({"webhooks": [
            {"name": "a", "clientConfig": {"caBundle": "old"}},
            {"name": "b", "clientConfig": {}}]});
        let patch = ca_bundle_patch::<MutatingWebhookConfiguration>(&config, "new").unwrap();
        assert_eq!(patch["kind"], "MutatingWebhookConfiguration");
        assert_eq!(patch["apiVersion"], "admissionregistration.k8s.io/v1");
        assert_eq!(
            patch["webhooks"],
            json!([{"name": "a", "clientConfig": {"caBundle": "new"}},
                   {"name": "b", "clientConfig": {"caBundle": "new"}}])
        );
        let done = json!({"webhooks": [{"name": "a", "clientConfig": {"caBundle": "new"}}]});
        assert!(ca_bundle_patch::<ValidatingWebhookConfiguration>(&done, "new").is_none());
    }

    #[test]
    fn the_secret_round_trips_and_is_typed_tls() {
        let pki = ServingPki {
            ca_pem: "CA".into(),
            cert_pem: "CERT".into(),
            key_pem: "KEY".into(),
        };
        let secret = render("liqo", &pki);
        assert_eq!(secret.type_.as_deref(), Some("kubernetes.io/tls"));
        assert_eq!(parse(&secret).unwrap(), pki);
        let mut broken = secret;
        broken.data.as_mut().unwrap().remove(KEY_KEY);
        let err = parse(&broken).unwrap_err().to_string();
        assert!(err.contains("tls.key") && !err.contains("KEY"), "{err}");
    }
}
