//! A keyed work queue: a key queued while it waits is queued once, a key being worked on is
//! worked on by one worker at a time (queued again, it runs once more after), failures come
//! back after a growing delay. The reflectors' workers drain it.

use std::collections::{HashMap, HashSet, VecDeque};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Notify;

/// The first retry delay; it doubles per consecutive failure of a key up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(200);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// A local object: namespace and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    /// The local namespace.
    pub ns: String,
    /// The object's name.
    pub name: String,
}

impl Key {
    /// `ns/name`.
    pub fn new(ns: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            ns: ns.into(),
            name: name.into(),
        }
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.ns, self.name)
    }
}

#[derive(Debug, Default)]
struct State {
    pending: VecDeque<Key>,
    queued: HashSet<Key>,
    running: HashSet<Key>,
    /// Queued while running: goes back to the queue when its worker is done.
    again: HashSet<Key>,
    failures: HashMap<Key, u32>,
}

/// The queue, cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Queue {
    state: Arc<Mutex<State>>,
    ready: Arc<Notify>,
}

impl Queue {
    /// Queues `key` (once, however often it is added before a worker takes it).
    pub fn add(&self, key: Key) {
        let mut st = self.lock();
        if st.running.contains(&key) {
            st.again.insert(key);
            return;
        }
        if st.queued.insert(key.clone()) {
            st.pending.push_back(key);
            drop(st);
            self.ready.notify_one();
        }
    }

    /// Queues `key` again after its backoff delay (a failed attempt).
    pub fn retry(&self, key: Key) {
        let delay = {
            let mut st = self.lock();
            let n = st.failures.entry(key.clone()).or_insert(0);
            *n = n.saturating_add(1);
            backoff(*n)
        };
        let queue = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            queue.add(key);
        });
    }

    /// Runs `workers` workers calling `work` for each key until the future is dropped; a key
    /// whose `work` fails is retried with backoff, one that succeeds has its backoff reset.
    pub async fn run<F, Fut>(&self, workers: usize, work: F)
    where
        F: Fn(Key) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), String>> + Send,
    {
        let work = Arc::new(work);
        let tasks = (0..workers.max(1)).map(|_| {
            let (queue, work) = (self.clone(), work.clone());
            async move {
                loop {
                    let key = queue.next().await;
                    let result = work(key.clone()).await;
                    queue.done(&key, result.is_ok());
                    if let Err(e) = result {
                        tracing::warn!(key = %key, error = %e, "reflection failed, retrying");
                        queue.retry(key);
                    }
                }
            }
        });
        futures::future::join_all(tasks).await;
    }

    async fn next(&self) -> Key {
        loop {
            // Registered before the check, so an add between check and wait is not lost.
            let notified = self.ready.notified();
            {
                let mut st = self.lock();
                if let Some(key) = st.pending.pop_front() {
                    st.queued.remove(&key);
                    st.running.insert(key.clone());
                    if !st.pending.is_empty() {
                        self.ready.notify_one();
                    }
                    return key;
                }
            }
            notified.await;
        }
    }

    fn done(&self, key: &Key, ok: bool) {
        let again = {
            let mut st = self.lock();
            st.running.remove(key);
            if ok {
                st.failures.remove(key);
            }
            st.again.remove(key)
        };
        if again {
            self.add(key.clone());
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A worker that panicked mid-update leaves sets that are still consistent enough.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn backoff(failures: u32) -> Duration {
    let factor = 1u32 << failures.saturating_sub(1).min(8);
    (FIRST_BACKOFF * factor).min(MAX_BACKOFF)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1), Duration::from_millis(200));
        assert_eq!(backoff(2), Duration::from_millis(400));
        assert_eq!(backoff(20), MAX_BACKOFF);
    }

    #[tokio::test]
    async fn a_key_added_twice_before_it_runs_runs_once() {
        let queue = Queue::default();
        queue.add(Key::new("a", "x"));
        queue.add(Key::new("a", "x"));
        queue.add(Key::new("a", "y"));
        let count = Arc::new(AtomicUsize::new(0));
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let c = count.clone();
        let runner = queue.clone();
        let task = tokio::spawn(async move {
            runner
                .run(2, move |key| {
                    c.fetch_add(1, Ordering::SeqCst);
                    let tx = tx.clone();
                    async move {
                        let _ = tx.send(key);
                        Ok(())
                    }
                })
                .await;
        });
        let mut seen = vec![rx.recv().await.unwrap().name, rx.recv().await.unwrap().name];
        seen.sort();
        assert_eq!(seen, ["x", "y"]);
        // Nothing else arrives: the duplicate was folded.
        assert!(
            tokio::time::timeout(Duration::from_millis(100), rx.recv())
                .await
                .is_err()
        );
        assert_eq!(count.load(Ordering::SeqCst), 2);
        task.abort();
    }

    #[tokio::test]
    async fn a_failing_key_is_retried() {
        let queue = Queue::default();
        queue.add(Key::new("a", "x"));
        let count = Arc::new(AtomicUsize::new(0));
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let c = count.clone();
        let runner = queue.clone();
        let task = tokio::spawn(async move {
            runner
                .run(1, move |_key| {
                    let n = c.fetch_add(1, Ordering::SeqCst);
                    let tx = tx.clone();
                    async move {
                        let _ = tx.send(n);
                        if n == 0 {
                            Err("first attempt fails".into())
                        } else {
                            Ok(())
                        }
                    }
                })
                .await;
        });
        assert_eq!(rx.recv().await, Some(0));
        assert_eq!(rx.recv().await, Some(1));
        task.abort();
    }
}
