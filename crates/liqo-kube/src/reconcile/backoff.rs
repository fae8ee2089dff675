//! Per-object retry backoff: fast for transient failures, slow for refusals, reset on success.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// Exponential backoff keyed by object (`kind/ns/name`).
#[derive(Debug)]
pub struct Backoff {
    first: Duration,
    max: Duration,
    /// Delay for errors that are not transient (they need someone to change something).
    permanent: Duration,
    failures: Mutex<HashMap<String, u32>>,
}

impl Default for Backoff {
    /// 200 ms doubling to 1 min for transient errors; 5 min for the others.
    fn default() -> Self {
        Self::new(
            Duration::from_millis(200),
            Duration::from_secs(60),
            Duration::from_secs(300),
        )
    }
}

impl Backoff {
    /// A backoff starting at `first`, capped at `max`; non-transient failures wait `permanent`.
    pub fn new(first: Duration, max: Duration, permanent: Duration) -> Self {
        Self {
            first,
            max,
            permanent,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Records a failure of `key` and returns how long to wait before retrying it.
    pub fn fail(&self, key: &str, transient: bool) -> Duration {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let n = failures.entry(key.to_owned()).or_insert(0);
        *n = n.saturating_add(1);
        if !transient {
            return self.permanent;
        }
        let factor = 2u32.saturating_pow((*n - 1).min(20));
        self.first.saturating_mul(factor).min(self.max)
    }

    /// Forgets the failures of `key` (it reconciled).
    pub fn succeed(&self, key: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        failures.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_the_cap_and_resets_on_success() {
        let b = Backoff::new(
            Duration::from_millis(100),
            Duration::from_millis(500),
            Duration::from_secs(9),
        );
        let waits: Vec<_> = (0..5).map(|_| b.fail("a", true).as_millis()).collect();
        assert_eq!(waits, [100, 200, 400, 500, 500]);
        assert_eq!(b.fail("b", true).as_millis(), 100, "keys are independent");
        b.succeed("a");
        assert_eq!(b.fail("a", true).as_millis(), 100);
        assert_eq!(b.fail("a", false), Duration::from_secs(9));
    }
}
