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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// Without a start time nothing is discovered and nothing is signalled: PID 1 and this
    /// process keep their own refusals (the app's test ends a real child with its listed
    /// start time and sees `Unidentified` without it).
    #[test]
    fn without_a_start_time_the_refusals_come_first_and_nothing_is_discovered() {
        let probe = crate::locks::system_probe();
        let opts = EndOptions {
            timeout: Duration::ZERO,
            allow_elevated: false,
            audit_log: None,
        };
        let never = || -> Report { panic!("discovered without a start time") };
        let err = end_listed(1, None, never, probe.as_ref(), &opts).unwrap_err();
        assert_eq!(err.code(), "RefusedSystem", "{err}");
        let me = std::process::id();
        let err = end_listed(me, None, never, probe.as_ref(), &opts).unwrap_err();
        assert_eq!(err.code(), "RefusedSelf", "{err}");
    }
}
