//! Managed state: the cancellation token of the scan that is running, if any.

use std::sync::{Mutex, PoisonError};

use gocache_core::CancelToken;

/// Holds the token of the running scan. Starting a scan cancels the previous one; a finished
/// scan clears the slot only if it is still its own (a newer scan may have replaced it).
#[derive(Debug, Default)]
pub struct ScanSlot {
    inner: Mutex<Slot>,
}

#[derive(Debug, Default)]
struct Slot {
    generation: u64,
    token: Option<CancelToken>,
}

impl ScanSlot {
    /// Cancels the running scan (if any) and registers a fresh token for a new one.
    /// Returns the new token and its generation, for [`ScanSlot::finish`].
    pub fn begin(&self) -> (CancelToken, u64) {
        let mut slot = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(previous) = slot.token.take() {
            previous.cancel();
        }
        slot.generation += 1;
        let token = CancelToken::new();
        slot.token = Some(token.clone());
        (token, slot.generation)
    }

    /// Clears the slot if `generation` is still the latest scan.
    pub fn finish(&self, generation: u64) {
        let mut slot = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.generation == generation {
            slot.token = None;
        }
    }

    /// Cancels the running scan. Returns whether one was running.
    pub fn cancel(&self) -> bool {
        let slot = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        match &slot.token {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_scan_cancels_the_running_one() {
        let slot = ScanSlot::default();
        let (first, first_gen) = slot.begin();
        let (second, second_gen) = slot.begin();
        assert!(first.is_cancelled());
        assert!(!second.is_cancelled());
        // The first scan finishing late must not clear the second one's token.
        slot.finish(first_gen);
        assert!(slot.cancel());
        assert!(second.is_cancelled());
        slot.finish(second_gen);
        assert!(!slot.cancel());
    }
}
