//! Durations as a user types them: Go-style flag values parsed ([`parse`]) and printed
//! (`1ms`, `1.5s`, `120s`) for timeout messages.

use std::time::Duration;

/// A Go duration (`time.ParseDuration`): a sequence of `<number><unit>` with units ns,
/// us/µs/μs, ms, s, m, h (`2s`, `1m30s`, `500ms`, `1.5h`); a bare `0` is zero. The flag parser
/// of the components that take upstream's Go flags (virtual kubelet, gateway).
///
/// # Errors
/// A message naming the malformed duration.
pub fn parse(s: &str) -> Result<Duration, String> {
    let err = || format!("invalid duration {s:?} (expected e.g. 2s, 500ms, 5m, 1h30m)");
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    if s.is_empty() {
        return Err(err());
    }
    let mut rest = s;
    let mut total = 0f64;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(err)?;
        let number: f64 = rest[..number_len].parse().map_err(|_| err())?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let seconds = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return Err(err()),
        };
        total += number * seconds;
        rest = &rest[unit_len..];
    }
    Duration::try_from_secs_f64(total).map_err(|_| err())
}

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
    fn go_durations_parse() {
        for (text, expected) in [
            ("2s", Duration::from_secs(2)),
            ("500ms", Duration::from_millis(500)),
            ("5m", Duration::from_secs(300)),
            ("1m30s", Duration::from_secs(90)),
            ("1h30m", Duration::from_secs(5400)),
            ("1.5s", Duration::from_millis(1500)),
            ("250us", Duration::from_micros(250)),
            ("250µs", Duration::from_micros(250)),
            ("250μs", Duration::from_micros(250)),
            ("0", Duration::ZERO),
        ] {
            assert_eq!(parse(text), Ok(expected), "{text}");
        }
        for bad in ["", "2", "10", "s", "2x", "-1s", "1..2s"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse("forty").unwrap_err(),
            "invalid duration \"forty\" (expected e.g. 2s, 500ms, 5m, 1h30m)"
        );
    }

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
