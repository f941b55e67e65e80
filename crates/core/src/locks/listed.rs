//! Ending a holder the app listed: the app's rule is that a process is ended only when the
//! caller names it by the pid **and** the start time a lock scan reported for it (issue #12);
//! without the start time it is refused as [`EndError::Unidentified`] (after the checks that
//! need no scan, so PID 1 or this process are still refused as such).

use super::{EndError, EndOptions, EndOutcome, LockProbe, ProcessIdentity, end_process, preflight};
use crate::discover::Report;

/// Ends `pid` started at `start_time` (both from a lock scan's report) if it still holds files
/// in the caches of the report `discover` returns; `discover` runs only when a start time is
/// given.
///
/// # Errors
/// [`EndError::Unidentified`] without a start time (or [`preflight`]'s refusal:
/// `RefusedSystem`, `RefusedSelf`, ...); then [`end_process`]'s errors.
pub fn end_listed(
    pid: u32,
    start_time: Option<u64>,
    discover: impl FnOnce() -> Report,
    probe: &dyn LockProbe,
    opts: &EndOptions,
) -> Result<EndOutcome, EndError> {
    let Some(start_time) = start_time else {
        preflight(pid, opts)?;
        return Err(EndError::Unidentified(pid));
    };
    let roots = super::holders::cache_roots(&discover());
    end_process(ProcessIdentity { pid, start_time }, &roots, probe, opts)
}
