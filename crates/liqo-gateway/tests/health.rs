//! The connection check without sockets: wire format, latency strings, the health state
//! machine on an injected clock, and when the status is written.

use std::time::Duration;

use k8s_openapi::jiff::{SignedDuration, Timestamp};
use liqo_api::networking::ConnectionStatusValue;
use liqo_gateway::health::{
    Health, Message, MsgType, PING_BUFFER, StatusGate, format_latency, format_timestamp,
    render_status_without_ping,
};
use serde_json::{Value, json};

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn plus(t: Timestamp, ms: i64) -> Timestamp {
    t.checked_add(SignedDuration::from_millis(ms)).unwrap()
}

#[test]
fn ping_carries_the_peer_id_and_an_rfc3339_nanosecond_stamp() {
    let now = at("2025-03-04T05:06:07.123456789Z");
    let datagram = Message::ping("cluster-b", now).encode();
    assert!(datagram.len() <= PING_BUFFER);
    let json: Value = serde_json::from_slice(&datagram).unwrap();
    assert_eq!(
        json,
        json!({"clusterID": "cluster-b", "msgType": "PING", "timeStamp": "2025-03-04T05:06:07.123456789Z"})
    );
}

#[test]
fn time_stamps_print_like_go_rfc3339nano() {
    // Go's time.RFC3339Nano drops trailing zeros of the fraction, and the fraction when zero.
    assert_eq!(
        format_timestamp(at("2025-03-04T05:06:07.5Z")),
        "2025-03-04T05:06:07.5Z"
    );
    assert_eq!(
        format_timestamp(at("2025-03-04T05:06:07.000001Z")),
        "2025-03-04T05:06:07.000001Z"
    );
    assert_eq!(
        format_timestamp(at("2025-03-04T05:06:07Z")),
        "2025-03-04T05:06:07Z"
    );
    // Every stamp matches the shape Go's time.Parse(time.RFC3339, ..) accepts.
    let go_shape = |s: &str| {
        let (date_time, zone) = s.split_at(s.len() - 1);
        zone == "Z"
            && date_time.len() >= 19
            && date_time.as_bytes()[10] == b'T'
            && date_time[19..].strip_prefix('.').is_none_or(|f| {
                !f.is_empty() && f.len() <= 9 && f.bytes().all(|b| b.is_ascii_digit())
            })
    };
    for _ in 0..100 {
        let t = Timestamp::now();
        let s = format_timestamp(t);
        assert!(go_shape(&s), "{s}");
        assert_eq!(s.parse::<Timestamp>().unwrap(), t, "nanoseconds survive");
    }
}

#[test]
fn a_pong_echoes_a_go_ping_verbatim() {
    // As a Go gateway sends it: local offset, nine digits.
    let go_ping = br#"{"clusterID":"rust-cluster","msgType":"PING","timeStamp":"2025-03-04T07:06:07.120000000+02:00"}"#;
    let ping = Message::decode(go_ping).unwrap();
    assert_eq!(ping.msg_type, MsgType::Ping);
    assert_eq!(
        ping.timestamp().unwrap(),
        at("2025-03-04T05:06:07.12Z"),
        "offsets are honoured"
    );
    let pong: Value = serde_json::from_slice(&ping.pong().encode()).unwrap();
    assert_eq!(
        pong,
        json!({"clusterID": "rust-cluster", "msgType": "PONG", "timeStamp": "2025-03-04T07:06:07.120000000+02:00"})
    );
}

#[test]
fn malformed_datagrams_are_rejected() {
    assert!(Message::decode(b"not json").is_err());
    assert!(Message::decode(br#"{"clusterID":"x","msgType":"HELLO","timeStamp":"x"}"#).is_err());
    let bad_time =
        Message::decode(br#"{"clusterID":"x","msgType":"PONG","timeStamp":"yesterday"}"#).unwrap();
    assert!(bad_time.timestamp().is_err());
}

#[test]
fn latency_is_truncated_milliseconds_or_microseconds() {
    assert_eq!(format_latency(Duration::ZERO), "0μs");
    assert_eq!(format_latency(Duration::from_nanos(999)), "0μs");
    assert_eq!(format_latency(Duration::from_micros(999)), "999μs");
    assert_eq!(format_latency(Duration::from_millis(1)), "1ms");
    assert_eq!(format_latency(Duration::from_micros(1999)), "1ms");
    assert_eq!(format_latency(Duration::from_millis(2500)), "2500ms");
}

#[test]
fn first_pong_connects_with_round_trip_latency() {
    let t0 = at("2025-01-01T00:00:00Z");
    let mut health = Health::new(t0, Duration::from_secs(2), 5);
    assert!(!health.is_connected());
    assert_eq!(health.observer_period(), Duration::from_secs(1));
    let sent = plus(t0, 2000);
    let update = health.on_pong(sent, plus(sent, 3)).unwrap();
    assert_eq!(update.value, ConnectionStatusValue::Connected);
    assert_eq!(update.latency, Some(Duration::from_millis(3)));
    assert_eq!(update.at, Some(plus(sent, 3)));
    assert!(health.is_connected());
    let status = serde_json::to_value(update.render_status()).unwrap();
    assert_eq!(
        status,
        json!({"value": "Connected", "latency": {"value": "3ms", "timestamp": "2025-01-01T00:00:02Z"}}),
        "metav1.Time has second precision"
    );
}

#[test]
fn a_pong_older_than_the_last_accepted_is_dropped() {
    let t0 = at("2025-01-01T00:00:00Z");
    let mut health = Health::new(t0, Duration::from_secs(2), 5);
    assert!(
        health.on_pong(plus(t0, -1), t0).is_none(),
        "sent before registration"
    );
    assert!(health.on_pong(plus(t0, 4000), plus(t0, 4001)).is_some());
    assert!(
        health.on_pong(plus(t0, 2000), plus(t0, 4100)).is_none(),
        "reordered"
    );
    assert!(
        health.on_pong(plus(t0, 4000), plus(t0, 4200)).is_some(),
        "equal is accepted"
    );
}

#[test]
fn silence_longer_than_interval_times_threshold_is_an_error() {
    let t0 = at("2025-01-01T00:00:00Z");
    let mut health = Health::new(t0, Duration::from_secs(2), 5);
    // Connecting: no answer since registration.
    assert!(
        health.observe(plus(t0, 10_000)).is_none(),
        "exactly 10 s is not yet lost"
    );
    let error = health.observe(plus(t0, 10_001)).unwrap();
    assert_eq!(error.value, ConnectionStatusValue::Error);
    assert_eq!(error.at, None);
    let status = serde_json::to_value(error.render_status()).unwrap();
    assert_eq!(
        status,
        json!({"value": "Error", "latency": {"value": "0μs"}})
    );

    // Connected, then silent: the deadline counts from the last stamp plus its latency.
    let sent = plus(t0, 20_000);
    health.on_pong(sent, plus(sent, 500)).unwrap();
    assert!(health.observe(plus(sent, 10_500)).is_none());
    assert_eq!(
        health.observe(plus(sent, 10_501)).unwrap().value,
        ConnectionStatusValue::Error
    );
    assert!(!health.is_connected());
    // It keeps reporting Error while silent (the gate filters the writes).
    assert!(health.observe(plus(sent, 12_000)).is_some());
    // And recovers on the next answer.
    let again = plus(sent, 15_000);
    assert_eq!(
        health.on_pong(again, plus(again, 1)).unwrap().value,
        ConnectionStatusValue::Connected
    );
}

#[test]
fn status_is_written_on_change_or_when_stale() {
    let t0 = at("2025-01-01T00:00:00Z");
    let mut gate = StatusGate::new(Duration::from_secs(10));
    let connected = ConnectionStatusValue::Connected;
    assert!(gate.should_write(&connected, t0), "nothing written yet");
    gate.written(connected.clone(), t0);
    assert!(!gate.should_write(&connected, plus(t0, 9_000)));
    assert!(!gate.should_write(&connected, plus(t0, 10_000)));
    assert!(gate.should_write(&connected, plus(t0, 10_001)), "stale");
    assert!(
        gate.should_write(&ConnectionStatusValue::Error, plus(t0, 1)),
        "changed"
    );

    let mut seeded = StatusGate::new(Duration::from_secs(10));
    seeded.seed(ConnectionStatusValue::Connecting);
    assert!(!seeded.should_write(&ConnectionStatusValue::Connecting, Timestamp::UNIX_EPOCH));
    assert!(seeded.should_write(&ConnectionStatusValue::Connected, Timestamp::UNIX_EPOCH));
}

#[test]
fn without_pings_the_status_is_connected_with_latency_not_available() {
    let status = serde_json::to_value(render_status_without_ping()).unwrap();
    assert_eq!(
        status,
        json!({"value": "Connected", "latency": {"value": "N/A"}})
    );
}
