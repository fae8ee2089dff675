//! Durations printed as a user types them (`1ms`, `1.5s`, `120s`), for timeout messages.

use std::time::Duration;

/// A duration as Go prints short ones: `1ms`, `250µs`, `3s`, `1.5s`.
pub fn human(d: Duration) -> String {
    if d >= Duration::from_secs(1) {
        if d.subsec_nanos() == 0 {
            format!("{}s", d.as_secs())
        } else {
            let text = format!("{:.3}", d.as_secs_f64());
            format!("{}s", text.trim_end_matches('0').trim_end_matches('.'))
        }
    } else if d >= Duration::from_millis(1) && d.subsec_nanos().is_multiple_of(1_000_000) {
        format!("{}ms", d.as_millis())
    } else if d >= Duration::from_micros(1) && d.subsec_nanos().is_multiple_of(1_000) {
        format!("{}µs", d.as_micros())
    } else {
        format!("{}ns", d.as_nanos())
    }
}

/// A measured or remaining duration, rounded: whole seconds from 1 s on, milliseconds below
/// (`1ms`, not the `0s` a whole-second rounding gives), [`human`] under a millisecond.
pub fn approx(d: Duration) -> String {
    if d >= Duration::from_micros(999_500) {
        format!("{}s", d.as_secs_f64().round())
    } else if d >= Duration::from_nanos(999_500) {
        format!("{}ms", (d.as_secs_f64() * 1000.0).round())
    } else {
        human(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_typed() {
        assert_eq!(human(Duration::from_millis(1)), "1ms");
        assert_eq!(human(Duration::from_secs(3)), "3s");
        assert_eq!(human(Duration::from_millis(1500)), "1.5s");
        assert_eq!(human(Duration::from_micros(250)), "250µs");
        assert_eq!(human(Duration::from_nanos(7)), "7ns");
        assert_eq!(human(Duration::from_secs(120)), "120s");
    }

    #[test]
    fn remaining_times_round_to_what_was_asked() {
        assert_eq!(approx(Duration::from_millis(2_953)), "3s");
        assert_eq!(approx(Duration::from_millis(1)), "1ms");
        assert_eq!(approx(Duration::from_micros(999_700)), "1s");
        assert_eq!(approx(Duration::from_micros(1_400)), "1ms");
        assert_eq!(approx(Duration::from_micros(250)), "250µs");
    }
}
