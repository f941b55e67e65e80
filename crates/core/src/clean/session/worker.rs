//! The background half of a run: the undo window, then the purge; and Undo, which stops
//! either and puts back what is held.

use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use super::{CleanUpdate, UndoFailure, UndoReply, UpdateSink, record};
use crate::CancelToken;
use crate::clean::{CleanEvent, ItemResult, Outcome, PurgeReport, Quarantine, Target, finish};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    Holding,
    Purging,
    Done,
    Undone,
}

#[derive(Debug)]
struct RunInner {
    phase: Phase,
    purge_now: bool,
    undo_requested: bool,
    undo_reply: Option<UndoReply>,
}

/// A run in its undo window or purge; the worker thread owns the quarantine.
#[derive(Debug)]
pub(super) struct Run {
    inner: Mutex<RunInner>,
    cond: Condvar,
    /// Stops the purge between items (set by Undo).
    stop: CancelToken,
}

impl Run {
    pub(super) fn new(phase: Phase) -> Self {
        Self {
            inner: Mutex::new(RunInner {
                phase,
                purge_now: false,
                undo_requested: false,
                undo_reply: None,
            }),
            cond: Condvar::new(),
            stop: CancelToken::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, RunInner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wait<'a>(&self, g: MutexGuard<'a, RunInner>) -> MutexGuard<'a, RunInner> {
        self.cond.wait(g).unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the run is done or undone.
    pub(super) fn is_over(&self) -> bool {
        matches!(self.lock().phase, Phase::Done | Phase::Undone)
    }

    /// Ends the undo window now.
    pub(super) fn purge_now(&self) {
        self.lock().purge_now = true;
        self.cond.notify_all();
    }

    /// Asks the worker to undo and waits for its reply; `None` when the run is over (a
    /// second Undo while the first runs gets the same reply).
    pub(super) fn undo(&self) -> Option<UndoReply> {
        let mut g = self.lock();
        if matches!(g.phase, Phase::Done | Phase::Undone) {
            return None;
        }
        if !g.undo_requested {
            g.undo_requested = true;
            self.stop.cancel();
            self.cond.notify_all();
        }
        while g.undo_reply.is_none() {
            g = self.wait(g);
        }
        g.undo_reply.clone()
    }
}

/// The worker thread's data.
pub(super) struct Worker {
    pub(super) audit_log: Option<PathBuf>,
    pub(super) run: Arc<Run>,
    pub(super) run_id: String,
    pub(super) targets: Vec<Target>,
    pub(super) results: Vec<ItemResult>,
    pub(super) sink: UpdateSink,
}

impl Worker {
    /// Holds `quarantine` until `deadline` (or Purge now, or Undo), then purges it.
    pub(super) fn run(self, quarantine: Quarantine, deadline: Instant) {
        let mut g = self.run.lock();
        while !g.undo_requested && !g.purge_now {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            g = self
                .run
                .cond
                .wait_timeout(g, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        if g.undo_requested {
            drop(g);
            self.undo(quarantine, &PurgeReport::default());
            return;
        }
        g.phase = Phase::Purging;
        drop(g);
        let total = quarantine.items().len();
        (self.sink)(CleanUpdate::PurgeStarted {
            run_id: self.run_id.clone(),
            total,
        });
        let events = Arc::clone(&self.sink);
        let progress = move |e: CleanEvent| {
            if let CleanEvent::Purged { done, total, bytes } = e {
                events(CleanUpdate::Purged { done, total, bytes });
            }
        };
        let (purged, rest) = quarantine.purge_until(&progress, &self.run.stop);
        if !rest.is_empty() {
            self.undo(rest, &purged);
            return;
        }
        let (results, freed) = finish(self.results.clone(), &purged);
        record(self.audit_log.as_ref(), &self.targets, &results, freed);
        // The update goes out before the run is marked done, so a caller that Undo or the
        // window's end wakes has it already.
        (self.sink)(CleanUpdate::PurgeFinished {
            run_id: self.run_id.clone(),
            results,
            bytes_freed: freed,
        });
        let mut g = self.run.lock();
        g.phase = Phase::Done;
        if g.undo_requested {
            // Undo came while the last items were purging: nothing was left to put back.
            g.undo_reply = Some(UndoReply {
                run_id: self.run_id.clone(),
                restored: 0,
                superseded: 0,
                already_purged: purged.items.len(),
                failures: Vec::new(),
            });
        }
        self.run.cond.notify_all();
    }

    /// Puts `held` back; `purged` is what the purge already deleted.
    fn undo(&self, held: Quarantine, purged: &PurgeReport) {
        let items = held.items();
        let rep = held.undo(&CancelToken::new());
        let failures: Vec<UndoFailure> = rep
            .failures
            .iter()
            .map(|(path, error)| UndoFailure {
                path: path.clone(),
                error: error.clone(),
            })
            .collect();
        let (mut results, _) = finish(self.results.clone(), purged);
        rewrite_undone(&mut results, &items, &failures);
        let freed = results
            .iter()
            .filter(|r| r.outcome == Outcome::Removed)
            .map(|r| r.bytes)
            .sum();
        record(self.audit_log.as_ref(), &self.targets, &results, freed);
        let reply = UndoReply {
            run_id: self.run_id.clone(),
            restored: rep.restored,
            superseded: rep.superseded,
            already_purged: purged.items.len(),
            failures,
        };
        // The update first: `Run::undo` returns as soon as the reply is set.
        (self.sink)(CleanUpdate::Undone(reply.clone()));
        let mut g = self.run.lock();
        g.phase = Phase::Undone;
        g.undo_reply = Some(reply);
        self.run.cond.notify_all();
    }
}

/// The results after Undo: the items at `items` that went back are `skipped` ("restored by
/// Undo"); those that could not keep their outcome with a note saying so.
fn rewrite_undone(results: &mut [ItemResult], items: &[usize], failures: &[UndoFailure]) {
    for &i in items {
        let Some(r) = results.get_mut(i) else {
            continue;
        };
        match failures.iter().find(|f| f.path.starts_with(&r.path)) {
            Some(f) => {
                r.note = Some(format!(
                    "Undo could not put it back ({}); it stays in quarantine and is purged at \
                     the next start",
                    f.error
                ));
            }
            None => {
                r.outcome = Outcome::Skipped;
                r.cause = None;
                r.detail = None;
                r.bytes = 0;
                r.note = Some("restored by Undo".into());
            }
        }
    }
}
