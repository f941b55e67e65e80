//! Cooperative cancellation shared between a caller and a long-running operation.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// A cheap, clonable cancellation flag. The caller keeps one clone and calls
/// [`CancelToken::cancel`]; the operation polls [`CancelToken::is_cancelled`].
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A fresh, not-cancelled token.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks every holder of this token to stop as soon as it can.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether [`CancelToken::cancel`] has been called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// Returns [`crate::Error::Cancelled`] when cancelled, for use with `?`.
    ///
    /// # Errors
    /// [`crate::Error::Cancelled`] once [`CancelToken::cancel`] was called.
    pub fn check(&self) -> crate::Result<()> {
        if self.is_cancelled() {
            Err(crate::Error::Cancelled)
        } else {
            Ok(())
        }
    }
}

/// The token of the one operation of a kind that runs at a time (the app's scan, its
/// verification). Starting one cancels the previous one; a finished operation clears the slot
/// only if it is still its own (a newer one may have replaced it).
#[derive(Debug, Default)]
pub struct CancelSlot {
    inner: Mutex<Slot>,
}

#[derive(Debug, Default)]
struct Slot {
    generation: u64,
    token: Option<CancelToken>,
}

impl CancelSlot {
    /// Cancels the running operation (if any) and registers a fresh token for a new one.
    /// Returns the new token and its generation, for [`CancelSlot::finish`].
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

    /// Clears the slot if `generation` is still the latest operation.
    pub fn finish(&self, generation: u64) {
        let mut slot = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.generation == generation {
            slot.token = None;
        }
    }

    /// Cancels the running operation. Returns whether one was running.
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
    fn a_new_operation_cancels_the_running_one() {
        let slot = CancelSlot::default();
        let (first, first_gen) = slot.begin();
        let (second, second_gen) = slot.begin();
        assert!(first.is_cancelled());
        assert!(!second.is_cancelled());
        // The first operation finishing late must not clear the second one's token.
        slot.finish(first_gen);
        assert!(slot.cancel());
        assert!(second.is_cancelled());
        slot.finish(second_gen);
        assert!(!slot.cancel());
    }

    #[test]
    fn clones_share_the_flag() {
        let a = CancelToken::new();
        let b = a.clone();
        assert!(!b.is_cancelled());
        assert!(b.check().is_ok());
        a.cancel();
        assert!(b.is_cancelled());
        assert!(matches!(b.check(), Err(crate::Error::Cancelled)));
    }
}
