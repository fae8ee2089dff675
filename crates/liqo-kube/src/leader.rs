//! Leader election on a coordination.k8s.io Lease, as client-go's leaderelection does it:
//! optimistic concurrency on the Lease's resourceVersion, renewal at a third of its duration.

use std::time::Duration;

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use k8s_openapi::jiff::{SignedDuration, Timestamp};
use kube::Api;
use kube::api::PostParams;

/// Why leadership could not be taken or kept.
#[derive(Debug, thiserror::Error)]
pub enum LeaderError {
    /// The API server refused a Lease operation.
    #[error("failed to {action} Lease {name}")]
    Api {
        /// What was attempted.
        action: &'static str,
        /// The Lease.
        name: String,
        /// The cause.
        #[source]
        source: kube::Error,
    },
    /// Another holder took the Lease.
    #[error("lost Lease {name} to {holder}")]
    Lost {
        /// The Lease.
        name: String,
        /// The new holder.
        holder: String,
    },
}

/// One candidate for one Lease.
#[derive(Debug, Clone)]
pub struct Elector {
    api: Api<Lease>,
    name: String,
    identity: String,
    duration: Duration,
}

impl Elector {
    /// A candidate named `identity` for the Lease `name` reached through `api`.
    pub fn new(
        api: Api<Lease>,
        name: impl Into<String>,
        identity: impl Into<String>,
        duration: Duration,
    ) -> Self {
        Self {
            api,
            name: name.into(),
            identity: identity.into(),
            duration,
        }
    }

    /// How often [`Elector::renew`] should be called.
    pub fn renew_period(&self) -> Duration {
        self.duration / 3
    }

    /// Waits until this candidate holds the Lease.
    ///
    /// # Errors
    /// [`LeaderError::Api`] on an API failure other than a lost race.
    pub async fn acquire(&self) -> Result<(), LeaderError> {
        loop {
            match self.try_take().await? {
                None => return Ok(()),
                // Held by someone else: a takeover is possible only once their term expires.
                Some(wait) => tokio::time::sleep(wait).await,
            }
        }
    }

    /// Renews the Lease held by this candidate.
    ///
    /// # Errors
    /// [`LeaderError::Lost`] if another candidate holds it now.
    pub async fn renew(&self) -> Result<(), LeaderError> {
        match self.try_take().await? {
            None => Ok(()),
            Some(_) => {
                let lease = self.get().await?;
                let holder = lease
                    .and_then(|l| l.spec)
                    .and_then(|s| s.holder_identity)
                    .unwrap_or_default();
                Err(LeaderError::Lost {
                    name: self.name.clone(),
                    holder,
                })
            }
        }
    }

    /// Gives the Lease up so a standby takes over at once (best effort).
    pub async fn release(&self) {
        if let Ok(Some(mut lease)) = self.get().await
            && lease
                .spec
                .as_ref()
                .and_then(|s| s.holder_identity.as_deref())
                == Some(self.identity.as_str())
        {
            if let Some(spec) = lease.spec.as_mut() {
                spec.holder_identity = None;
                spec.renew_time = None;
            }
            let _ = self
                .api
                .replace(&self.name, &PostParams::default(), &lease)
                .await;
        }
    }

    async fn get(&self) -> Result<Option<Lease>, LeaderError> {
        self.api
            .get_opt(&self.name)
            .await
            .map_err(|source| self.err("read", source))
    }

    /// Takes or renews the Lease; `Some(wait)` when another holder's term has `wait` left.
    async fn try_take(&self) -> Result<Option<Duration>, LeaderError> {
        let now = Timestamp::now();
        let spec = LeaseSpec {
            holder_identity: Some(self.identity.clone()),
            lease_duration_seconds: Some(
                i32::try_from(self.duration.as_secs()).unwrap_or(i32::MAX),
            ),
            renew_time: Some(MicroTime(now)),
            ..Default::default()
        };
        let Some(mut lease) = self.get().await? else {
            let lease = Lease {
                metadata: ObjectMeta {
                    name: Some(self.name.clone()),
                    ..Default::default()
                },
                spec: Some(LeaseSpec {
                    acquire_time: Some(MicroTime(now)),
                    ..spec
                }),
            };
            return match self.api.create(&PostParams::default(), &lease).await {
                Ok(_) => Ok(None),
                Err(kube::Error::Api(e)) if e.code == 409 => Ok(Some(Duration::ZERO)),
                Err(source) => Err(self.err("create", source)),
            };
        };
        let current = lease.spec.clone().unwrap_or_default();
        let holder = current.holder_identity.clone().unwrap_or_default();
        if !holder.is_empty() && holder != self.identity {
            let renewed = current.renew_time.map_or(Timestamp::UNIX_EPOCH, |t| t.0);
            let term = i64::from(current.lease_duration_seconds.unwrap_or(0));
            let expiry = renewed + SignedDuration::from_secs(term);
            if expiry > now {
                let left = expiry.duration_since(now).unsigned_abs();
                return Ok(Some(left.min(self.renew_period())));
            }
        }
        let acquire_time = if holder == self.identity {
            current.acquire_time
        } else {
            Some(MicroTime(now))
        };
        let transitions =
            current.lease_transitions.unwrap_or(0) + i32::from(holder != self.identity);
        lease.spec = Some(LeaseSpec {
            acquire_time,
            lease_transitions: Some(transitions),
            ..spec
        });
        match self
            .api
            .replace(&self.name, &PostParams::default(), &lease)
            .await
        {
            Ok(_) => Ok(None),
            // Someone else wrote first: look again.
            Err(kube::Error::Api(e)) if e.code == 409 => Ok(Some(Duration::ZERO)),
            Err(source) => Err(self.err("update", source)),
        }
    }

    fn err(&self, action: &'static str, source: kube::Error) -> LeaderError {
        LeaderError::Api {
            action,
            name: self.name.clone(),
            source,
        }
    }
}
