//! Server-side apply of heterogeneous objects, each with the field manager of its writer.

use kube::api::{ApiResource, DeleteParams, DynamicObject, Patch, PatchParams};
use kube::{Api, Client, Resource, ResourceExt};
use serde::Serialize;

/// An object ready to be applied: its API coordinates and its body.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// Group, version, kind and plural.
    pub resource: ApiResource,
    /// The object, with `apiVersion` and `kind` set.
    pub object: DynamicObject,
}

/// Why a manifest could not be built or applied.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// A typed object did not serialize into an object (a bug).
    #[error("failed to serialize {kind} {name}")]
    Serialize {
        /// Kind.
        kind: String,
        /// Name.
        name: String,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
    /// The API server refused the apply.
    #[error("failed to apply {kind} {name}")]
    Apply {
        /// Kind.
        kind: String,
        /// Name.
        name: String,
        /// The cause.
        #[source]
        source: kube::Error,
    },
    /// The API server refused the delete.
    #[error("failed to delete {kind} {name}")]
    Delete {
        /// Kind.
        kind: String,
        /// Name.
        name: String,
        /// The cause.
        #[source]
        source: kube::Error,
    },
}

impl Manifest {
    /// Wraps a typed object.
    ///
    /// # Errors
    /// [`ApplyError::Serialize`] if the object does not serialize to a JSON object.
    pub fn from_typed<K>(object: &K) -> Result<Self, ApplyError>
    where
        K: Resource<DynamicType = ()> + Serialize,
    {
        let resource = ApiResource::erase::<K>(&());
        let mut value = serde_json::to_value(object).map_err(|source| ApplyError::Serialize {
            kind: resource.kind.clone(),
            name: object.name_any(),
            source,
        })?;
        value["apiVersion"] = resource.api_version.clone().into();
        value["kind"] = resource.kind.clone().into();
        let object = serde_json::from_value(value).map_err(|source| ApplyError::Serialize {
            kind: resource.kind.clone(),
            name: object.name_any(),
            source,
        })?;
        Ok(Self { resource, object })
    }

    /// `Kind namespace/name` for messages.
    pub fn describe(&self) -> String {
        match self.object.namespace() {
            Some(ns) => format!("{} {ns}/{}", self.resource.kind, self.object.name_any()),
            None => format!("{} {}", self.resource.kind, self.object.name_any()),
        }
    }

    fn api(&self, client: &Client) -> Api<DynamicObject> {
        match self.object.namespace() {
            Some(ns) => Api::namespaced_with(client.clone(), &ns, &self.resource),
            None => Api::all_with(client.clone(), &self.resource),
        }
    }

    /// Applies the object server-side, taking ownership of its fields for `field_manager`.
    ///
    /// # Errors
    /// [`ApplyError::Apply`] with the server's answer.
    pub async fn apply(
        &self,
        client: &Client,
        field_manager: &str,
    ) -> Result<DynamicObject, ApplyError> {
        let params = PatchParams::apply(field_manager).force();
        self.api(client)
            .patch(
                &self.object.name_any(),
                &params,
                &Patch::Apply(&self.object),
            )
            .await
            .map_err(|source| ApplyError::Apply {
                kind: self.resource.kind.clone(),
                name: self.object.name_any(),
                source,
            })
    }

    /// Deletes the object; absent is fine. Returns whether it existed.
    ///
    /// # Errors
    /// [`ApplyError::Delete`] for any answer but success or NotFound.
    pub async fn delete(&self, client: &Client) -> Result<bool, ApplyError> {
        match self
            .api(client)
            .delete(&self.object.name_any(), &DeleteParams::background())
            .await
        {
            Ok(_) => Ok(true),
            Err(kube::Error::Api(e)) if e.code == 404 => Ok(false),
            Err(source) => Err(ApplyError::Delete {
                kind: self.resource.kind.clone(),
                name: self.object.name_any(),
                source,
            }),
        }
    }
}
