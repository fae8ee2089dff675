//! Node predicates read by the CLI (`Waiting for node <n> to be Ready`) and the controllers.

use k8s_openapi::api::core::v1::Node;

/// The status of the Node's `Ready` condition (`True`, `False`, `Unknown`), if it has one.
pub fn ready_status(node: &Node) -> Option<&str> {
    node.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "Ready")
        .map(|c| c.status.as_str())
}

/// Whether the Node is `Ready=True`.
pub fn is_ready(node: &Node) -> bool {
    ready_status(node) == Some("True")
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::{NodeCondition, NodeStatus};

    use super::*;

    fn node(conditions: &[(&str, &str)]) -> Node {
        Node {
            status: Some(NodeStatus {
                conditions: Some(
                    conditions
                        .iter()
                        .map(|(t, s)| NodeCondition {
                            type_: (*t).into(),
                            status: (*s).into(),
                            ..Default::default()
                        })
                        .collect(),
                ),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn ready_means_the_ready_condition_is_true() {
        assert!(is_ready(&node(&[
            ("MemoryPressure", "False"),
            ("Ready", "True")
        ])));
        assert!(!is_ready(&node(&[("Ready", "Unknown")])));
        assert!(!is_ready(&node(&[("MemoryPressure", "True")])));
        assert!(!is_ready(&Node::default()));
        assert_eq!(ready_status(&node(&[("Ready", "False")])), Some("False"));
    }
}
