//! The connection check, pure (networking.md §6.4): the PING/PONG wire format, the latency
//! string, the health state machine with an injected clock, and when to write the status.

use std::time::Duration;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::{SignedDuration, Timestamp};
use liqo_api::consts::name;
use liqo_api::networking::{ConnectionLatency, ConnectionStatus, ConnectionStatusValue};
use serde::{Deserialize, Serialize};

/// UDP port of the connection check, on `0.0.0.0` in the gateway's network namespace.
pub const PING_PORT: u16 = name::CONNECTION_CHECK_PORT;
/// Largest PING/PONG datagram read or written.
pub const PING_BUFFER: usize = 1024;

/// PING or PONG.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum MsgType {
    /// A probe, answered by a PONG.
    #[serde(rename = "PING")]
    Ping,
    /// The answer, echoing the probe's cluster ID and time stamp.
    #[serde(rename = "PONG")]
    Pong,
}

/// One connection-check datagram: a single JSON object.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// In a PING: the cluster ID of the receiver (the pinger's peer), echoed by the PONG.
    #[serde(rename = "clusterID")]
    pub cluster_id: String,
    /// PING or PONG.
    #[serde(rename = "msgType")]
    pub msg_type: MsgType,
    /// When the PING was sent, RFC 3339 with nanoseconds; kept verbatim so a PONG echoes it
    /// unchanged.
    #[serde(rename = "timeStamp")]
    pub time_stamp: String,
}

/// Why a datagram is not a valid message.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// Not the JSON object of §6.4.
    #[error("malformed connection-check message")]
    Json(#[source] serde_json::Error),
    /// The time stamp is not RFC 3339.
    #[error("malformed time stamp {0:?}")]
    TimeStamp(String, #[source] k8s_openapi::jiff::Error),
}

impl Message {
    /// A PING to the peer `cluster_id`, stamped `now`.
    pub fn ping(cluster_id: &str, now: Timestamp) -> Self {
        Self {
            cluster_id: cluster_id.to_string(),
            msg_type: MsgType::Ping,
            time_stamp: format_timestamp(now),
        }
    }

    /// The PONG answering this PING: same cluster ID and time stamp.
    pub fn pong(self) -> Self {
        Self {
            msg_type: MsgType::Pong,
            ..self
        }
    }

    /// Parses a datagram.
    ///
    /// # Errors
    /// [`DecodeError::Json`] if it is not a message.
    pub fn decode(datagram: &[u8]) -> Result<Self, DecodeError> {
        serde_json::from_slice(datagram).map_err(DecodeError::Json)
    }

    /// The datagram.
    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("invariant: a message serializes")
    }

    /// The time stamp, parsed (any UTC offset, any number of fractional digits).
    ///
    /// # Errors
    /// [`DecodeError::TimeStamp`] if it is not RFC 3339.
    pub fn timestamp(&self) -> Result<Timestamp, DecodeError> {
        self.time_stamp
            .parse()
            .map_err(|e| DecodeError::TimeStamp(self.time_stamp.clone(), e))
    }
}

/// RFC 3339 in UTC with nanoseconds as Go's `time.RFC3339Nano` prints them (trailing zeros of
/// the fraction dropped), which Go's `time.Time` JSON decoding parses.
pub fn format_timestamp(t: Timestamp) -> String {
    let s = t.strftime("%Y-%m-%dT%H:%M:%S").to_string();
    let nanos = t.subsec_nanosecond();
    if nanos == 0 {
        format!("{s}Z")
    } else {
        let fraction = format!("{nanos:09}");
        format!("{s}.{}Z", fraction.trim_end_matches('0'))
    }
}

/// `"<n>ms"` if at least a millisecond (truncated), else `"<n>μs"`.
pub fn format_latency(latency: Duration) -> String {
    if latency >= Duration::from_millis(1) {
        format!("{}ms", latency.as_millis())
    } else {
        format!("{}μs", latency.as_micros())
    }
}

/// A state change to report: what `update(value, latency, timestamp)` gets upstream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    /// The new value.
    pub value: ConnectionStatusValue,
    /// The measured round trip (zero with Error).
    pub latency: Option<Duration>,
    /// When the measurement was taken (`None` with Error).
    pub at: Option<Timestamp>,
}

impl Update {
    /// The Connection status this update writes.
    pub fn render_status(&self) -> ConnectionStatus {
        ConnectionStatus {
            value: Some(self.value.clone()),
            latency: Some(ConnectionLatency {
                value: self.latency.map(format_latency),
                timestamp: self.at.map(Time),
            }),
        }
    }
}

/// The status written when pings are disabled: Connected, latency `N/A`.
pub fn render_status_without_ping() -> ConnectionStatus {
    ConnectionStatus {
        value: Some(ConnectionStatusValue::Connected),
        latency: Some(ConnectionLatency {
            value: Some(name::LATENCY_NOT_AVAILABLE.to_string()),
            timestamp: None,
        }),
    }
}

/// The health of the tunnel to one peer, driven by PONGs and a periodic observer.
#[derive(Debug, Clone)]
pub struct Health {
    interval: Duration,
    loss_threshold: u32,
    last_accepted: Timestamp,
    latency: Duration,
    connected: bool,
}

impl Health {
    /// A peer registered at `now` (which counts as the last accepted time stamp).
    pub fn new(now: Timestamp, interval: Duration, loss_threshold: u32) -> Self {
        Self {
            interval,
            loss_threshold,
            last_accepted: now,
            latency: Duration::ZERO,
            connected: false,
        }
    }

    /// Whether the last event was an accepted PONG.
    pub fn is_connected(&self) -> bool {
        self.connected
    }

    /// How often [`Health::observe`] runs: `lossThreshold × interval / 10`.
    pub fn observer_period(&self) -> Duration {
        (self.interval * self.loss_threshold / 10).max(Duration::from_millis(100))
    }

    /// A PONG echoing `sent` arrived at `now`: older than the last accepted one → ignored;
    /// else latency = now − sent and Connected.
    pub fn on_pong(&mut self, sent: Timestamp, now: Timestamp) -> Option<Update> {
        if sent < self.last_accepted {
            return None;
        }
        let latency = to_std(now.duration_since(sent));
        self.last_accepted = sent;
        self.latency = latency;
        self.connected = true;
        Some(Update {
            value: ConnectionStatusValue::Connected,
            latency: Some(latency),
            at: Some(now),
        })
    }

    /// The disconnect observer: Error if `now − (lastAccepted + latency) > interval ×
    /// lossThreshold`, every time it holds (the status writer filters repeats).
    pub fn observe(&mut self, now: Timestamp) -> Option<Update> {
        let deadline = self.interval * self.loss_threshold;
        let reference = self
            .last_accepted
            .checked_add(SignedDuration::try_from(self.latency).unwrap_or(SignedDuration::MAX))
            .unwrap_or(Timestamp::MAX);
        let silent = to_std(now.duration_since(reference));
        if silent <= deadline {
            return None;
        }
        self.connected = false;
        self.latency = Duration::ZERO;
        // Upstream reports `update(Error, 0, zero time)`: latency "0μs", no time stamp.
        Some(Update {
            value: ConnectionStatusValue::Error,
            latency: Some(Duration::ZERO),
            at: None,
        })
    }
}

/// Negative durations (clock steps) count as zero.
fn to_std(d: SignedDuration) -> Duration {
    Duration::try_from(d).unwrap_or(Duration::ZERO)
}

/// Decides when the Connection status is written: on a change of value, or when the last
/// write is older than the update interval.
#[derive(Debug, Clone)]
pub struct StatusGate {
    update_interval: Duration,
    last: Option<(ConnectionStatusValue, Timestamp)>,
}

impl StatusGate {
    /// Nothing written yet.
    pub fn new(update_interval: Duration) -> Self {
        Self {
            update_interval,
            last: None,
        }
    }

    /// Starts from the value already in the Connection (written at an unknown time).
    pub fn seed(&mut self, value: ConnectionStatusValue) {
        self.last = Some((value, Timestamp::UNIX_EPOCH));
    }

    /// Whether `value` must be written at `now`.
    pub fn should_write(&self, value: &ConnectionStatusValue, now: Timestamp) -> bool {
        match &self.last {
            None => true,
            Some((last, at)) => {
                last != value || to_std(now.duration_since(*at)) > self.update_interval
            }
        }
    }

    /// Records a successful write.
    pub fn written(&mut self, value: ConnectionStatusValue, now: Timestamp) {
        self.last = Some((value, now));
    }
}
