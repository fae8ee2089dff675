//! SPDY/3.1 send windows. Every stream and the session start with 64 KiB that the peer widens
//! with WINDOW_UPDATE (stream 0: the session) and may reset for all streams with SETTINGS.
//! kubectl's spdystream keeps no windows (it never sends WINDOW_UPDATE and sends past ours),
//! so windows are only enforced once the peer shows it keeps them.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::sync::Notify;

use super::spdy;

/// The send windows: the session's and each open data stream's.
pub(super) struct Flow {
    state: Mutex<Windows>,
    changed: Notify,
}

struct Windows {
    /// Whether the peer keeps windows (see the module doc).
    enforced: bool,
    initial: i64,
    session: i64,
    streams: HashMap<u32, i64>,
}

impl Flow {
    pub(super) fn new() -> Self {
        Self {
            state: Mutex::new(Windows {
                enforced: false,
                initial: spdy::INITIAL_WINDOW,
                session: spdy::INITIAL_WINDOW,
                streams: HashMap::new(),
            }),
            changed: Notify::new(),
        }
    }

    fn windows(&self) -> std::sync::MutexGuard<'_, Windows> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(super) fn open(&self, stream: u32) {
        let mut w = self.windows();
        let initial = w.initial;
        w.streams.insert(stream, initial);
    }

    pub(super) fn close(&self, stream: u32) {
        self.windows().streams.remove(&stream);
        self.changed.notify_waiters();
    }

    /// SETTINGS_INITIAL_WINDOW_SIZE: every open stream's window moves by the change.
    pub(super) fn set_initial(&self, value: u32) {
        let mut w = self.windows();
        let delta = i64::from(value) - w.initial;
        w.initial = i64::from(value);
        w.streams.values_mut().for_each(|window| *window += delta);
        w.enforced = true;
        drop(w);
        self.changed.notify_waiters();
    }

    /// WINDOW_UPDATE: stream 0 is the session.
    pub(super) fn widen(&self, stream: u32, delta: u32) {
        let mut w = self.windows();
        let delta = i64::from(delta);
        if stream == 0 {
            w.session += delta;
        } else if let Some(window) = w.streams.get_mut(&stream) {
            *window += delta;
        }
        w.enforced = true;
        drop(w);
        self.changed.notify_waiters();
    }

    /// Takes up to `want` bytes of window for `stream`, waiting while it is shut; `None` once
    /// the stream is closed.
    pub(super) async fn take(&self, stream: u32, want: usize) -> Option<usize> {
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            {
                let mut w = self.windows();
                let window = *w.streams.get(&stream)?;
                let want = i64::try_from(want).unwrap_or(i64::MAX);
                let allowed = if w.enforced {
                    want.min(window).min(w.session)
                } else {
                    want
                };
                if allowed > 0 {
                    w.session -= allowed;
                    w.streams.insert(stream, window - allowed);
                    return usize::try_from(allowed).ok();
                }
            }
            changed.await;
        }
    }
}
