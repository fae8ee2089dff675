//! The gateway templates `connect` renders its gateways from (networking.md §7.2 steps 7–8):
//! found, served, and able to honour the Service flags, checked before anything is written.

use anyhow::{Context as _, anyhow, bail};
use kube::Api;
use kube::api::DynamicObject;
use liqo_api::networking::ServiceType;
use liqo_kube::network::gateway::{self, ServerParams, TemplateRef};

use super::{ConnectOptions, Net};
use crate::interrupt;

impl ConnectOptions {
    /// Steps 7–8, run before anything is written so that a bad template leaves nothing
    /// half-made (upstream checks after the Configurations are set up); the success lines are
    /// printed later, in the spec's place.
    pub(super) async fn check_templates(
        &self,
        local: &Net<'_>,
        remote: &Net<'_>,
    ) -> anyhow::Result<Templates> {
        let server_ns = or_default(&self.server_template.namespace, &remote.liqo_namespace);
        let server_name = self.server_template.name.clone();
        let client_ns = or_default(&self.client_template.namespace, &local.liqo_namespace);
        let client_name = self.client_template.name.clone();
        let server = async {
            interrupt::step(
                remote.scope,
                &format!("Checking gateway server template \"{server_name}/{server_ns}\""),
            );
            let (template, object) = template(
                remote,
                &self.server_template.type_,
                &server_name,
                &server_ns,
            )
            .await?;
            if !self.skip_validation {
                check_server_service(&object, &self.server_params(template.clone()))?;
            }
            anyhow::Ok(template)
        };
        let server = server.await.map_err(|e| {
            fail(
                remote,
                format!(
                    "An error occurred while checking gateway server template \"{server_name}/{server_ns}\": {}",
                    crate::exit::one_line(&e)
                ),
            )
        })?;
        interrupt::step(
            local.scope,
            &format!("Checking gateway client template \"{client_name}/{client_ns}\""),
        );
        let client = template(local, &self.client_template.type_, &client_name, &client_ns)
            .await
            .map_err(|e| {
                fail(
                    local,
                    format!(
                        "An error occurred while checking gateway client template \"{client_name}/{client_ns}\": {}",
                        crate::exit::one_line(&e)
                    ),
                )
            })?
            .0;
        Ok(Templates { server, client })
    }

    /// The lines of steps 7–8 (absent with --skip-validation).
    pub(super) fn report_templates(&self, local: &Net<'_>, remote: &Net<'_>, t: &Templates) {
        if self.skip_validation {
            return;
        }
        let (s, c) = (&t.server, &t.client);
        remote.printer.success(format!(
            "Gateway server template \"{}/{}\" correctly checked",
            s.name, s.namespace
        ));
        local.printer.success(format!(
            "Gateway client template \"{}/{}\" correctly checked",
            c.name, c.namespace
        ));
    }
}

/// The gateway templates, checked.
pub(super) struct Templates {
    pub server: TemplateRef,
    pub client: TemplateRef,
}

/// Prints a failure line; the error returned prints nothing more.
fn fail(side: &Net<'_>, message: String) -> anyhow::Error {
    side.printer.error(&message);
    crate::exit::Reported(message).into()
}

fn or_default(flag: &str, default: &str) -> String {
    if flag.is_empty() {
        default.to_string()
    } else {
        flag.to_string()
    }
}

/// A template resource `group/version/resource`: its reference (kind from discovery) and body.
async fn template(
    side: &Net<'_>,
    type_: &str,
    name: &str,
    ns: &str,
) -> anyhow::Result<(TemplateRef, DynamicObject)> {
    let (group, version, resource) = gateway::parse_type(type_).map_err(anyhow::Error::msg)?;
    let gv = kube::core::GroupVersion::gv(&group, &version);
    let api_group = kube::discovery::oneshot::pinned_group(&side.client, &gv)
        .await
        .with_context(|| {
            format!("API group {group}/{version} is not served: is Liqo installed?")
        })?;
    let (ar, _) = api_group
        .recommended_resources()
        .into_iter()
        .find(|(ar, _)| ar.plural == resource)
        .ok_or_else(|| anyhow!("resource {resource} is not served in {group}/{version}"))?;
    let api: Api<DynamicObject> = Api::namespaced_with(side.client.clone(), ns, &ar);
    let object = api
        .get_opt(name)
        .await
        .with_context(|| format!("failed to read {} {ns}/{name}", ar.kind))?
        .ok_or_else(|| anyhow!("{} {ns}/{name} not found", ar.kind))?;
    let reference = TemplateRef {
        api_version: ar.api_version.clone(),
        kind: ar.kind.clone(),
        name: name.into(),
        namespace: ns.into(),
    };
    Ok((reference, object))
}

/// Step 7's checks: a requested node port or load-balancer IP must be used by the template.
fn check_server_service(template: &DynamicObject, params: &ServerParams) -> anyhow::Result<()> {
    let service = &template.data["spec"]["template"]["spec"]["service"]["spec"];
    let has = |v: &serde_json::Value, key: &str| {
        v.get(key).is_some() || v.get(format!("?{key}")).is_some()
    };
    if params.service_type == ServiceType::NodePort
        && params.node_port.is_some()
        && !has(&service["ports"][0], "nodePort")
    {
        bail!(
            "the template's service has no nodePort field in its first port, so --gw-server-service-nodeport cannot be honoured"
        );
    }
    if params.service_type == ServiceType::LoadBalancer
        && params.load_balancer_ip.is_some()
        && !has(service, "loadBalancerIP")
    {
        bail!(
            "the template's service has no loadBalancerIP field, so --gw-server-service-loadbalancerip cannot be honoured"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use kube::api::{ApiResource, GroupVersionKind};

    use super::*;

    fn template_with(service_spec: serde_json::Value) -> DynamicObject {
        let ar = ApiResource::from_gvk(&GroupVersionKind::gvk(
            "networking.liqo.io",
            "v1beta1",
            "WgGatewayServerTemplate",
        ));
        let mut o = DynamicObject::new("t", &ar);
        o.data = serde_json::json!({"spec": {"template": {"spec": {"service": {"spec": service_spec}}}}});
        o
    }

    fn params(service_type: ServiceType, node_port: Option<i32>, lb: Option<&str>) -> ServerParams {
        ServerParams {
            service_type,
            port: 51840,
            node_port,
            load_balancer_ip: lb.map(String::from),
            mtu: 1340,
            template: TemplateRef {
                api_version: String::new(),
                kind: String::new(),
                name: String::new(),
                namespace: String::new(),
            },
        }
    }

    #[test]
    fn template_checks_need_the_fields_the_flags_set() {
        let with = template_with(
            serde_json::json!({"?loadBalancerIP": "x", "ports": [{"?nodePort": "y"}]}),
        );
        let without = template_with(serde_json::json!({"ports": [{"port": 1}]}));
        for t in [&with, &without] {
            assert!(
                check_server_service(t, &params(ServiceType::LoadBalancer, None, None)).is_ok()
            );
        }
        assert!(
            check_server_service(&with, &params(ServiceType::NodePort, Some(30000), None)).is_ok()
        );
        assert!(
            check_server_service(&without, &params(ServiceType::NodePort, Some(30000), None))
                .is_err()
        );
        assert!(
            check_server_service(
                &with,
                &params(ServiceType::LoadBalancer, None, Some("1.2.3.4"))
            )
            .is_ok()
        );
        assert!(
            check_server_service(
                &without,
                &params(ServiceType::LoadBalancer, None, Some("1.2.3.4"))
            )
            .is_err()
        );
    }
}
