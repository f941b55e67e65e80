//! Progress reporting: a sink trait the caller implements, plus a throttle.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;

/// One progress event from a long operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", content = "data", rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ProgressEvent {
    /// A scan of one cache started.
    ScanStarted {
        /// Cache kind (`modcache`, `build`, ...).
        #[cfg_attr(feature = "ts", ts(as = "crate::discover::CacheKind"))]
        kind: String,
        /// Cache root.
        path: String,
    },
    /// Running totals of a scan in progress (throttled to about 10 per second).
    ScanProgress {
        /// Cache kind being scanned.
        #[cfg_attr(feature = "ts", ts(as = "crate::discover::CacheKind"))]
        kind: String,
        /// Entries (files, dirs, symlinks) seen so far in this cache.
        entries: u64,
        /// Apparent bytes seen so far in this cache.
        bytes: u64,
        /// Entries seen so far across all caches of this scan.
        total_entries: u64,
        /// Apparent bytes seen so far across all caches of this scan.
        total_bytes: u64,
        /// A recently visited path, to show the user where the walk is.
        current: String,
    },
    /// A scan of one cache finished.
    ScanFinished {
        /// Cache kind.
        #[cfg_attr(feature = "ts", ts(as = "crate::discover::CacheKind"))]
        kind: String,
        /// Apparent size in bytes.
        bytes: u64,
        /// Number of regular files.
        files: u64,
    },
}

/// A sink for [`ProgressEvent`]s. Implementations must be cheap and thread-safe: scans call
/// it from worker threads (already throttled by [`Throttle`]).
pub trait Progress: Send + Sync {
    /// Receives one event.
    fn emit(&self, event: ProgressEvent);
}

/// A [`Progress`] that drops every event.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn emit(&self, _event: ProgressEvent) {}
}

impl<F> Progress for F
where
    F: Fn(ProgressEvent) + Send + Sync,
{
    fn emit(&self, event: ProgressEvent) {
        self(event)
    }
}

/// Lets at most one event through per interval (default 100 ms, about 10 per second).
#[derive(Debug)]
pub struct Throttle {
    interval: Duration,
    last: Mutex<Option<Instant>>,
}

impl Default for Throttle {
    fn default() -> Self {
        Self::new(Duration::from_millis(100))
    }
}

impl Throttle {
    /// A throttle that opens at most once per `interval`.
    pub fn new(interval: Duration) -> Self {
        Self {
            interval,
            last: Mutex::new(None),
        }
    }

    /// Returns true (and restarts the interval) when an event may be sent now.
    /// Never blocks: a contended lock counts as "not now".
    pub fn ready(&self) -> bool {
        let Ok(mut last) = self.last.try_lock() else {
            return false;
        };
        let now = Instant::now();
        match *last {
            Some(t) if now.duration_since(t) < self.interval => false,
            _ => {
                *last = Some(now);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_lets_first_through_then_waits() {
        let t = Throttle::new(Duration::from_millis(50));
        assert!(t.ready());
        assert!(!t.ready());
        std::thread::sleep(Duration::from_millis(60));
        assert!(t.ready());
    }

    #[test]
    fn events_serialize_tagged() {
        let e = ProgressEvent::ScanFinished {
            kind: "build".into(),
            bytes: 3,
            files: 1,
        };
        let v = serde_json::to_value(&e).unwrap_or_default();
        assert_eq!(v["event"], "scanFinished");
        assert_eq!(v["data"]["bytes"], 3);
    }
}
