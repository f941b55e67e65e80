//! The elevated run: the app's own binary, started with administrator rights, deletes a kept
//! plan in place (no undo) and reports back through a file ([`crate::clean::elevate`]).

use super::{CleanRun, CleanSession, SessionError, UpdateSink};
use crate::clean::elevate;
use crate::os::OsKind;

/// What to do when elevation is not available on this OS.
fn elevation_hint() -> &'static str {
    if crate::os::current().kind() == OsKind::Linux {
        "Elevation needs pkexec and a polkit agent (install the `pkexec` package); otherwise \
         run the fix command shown in a terminal."
    } else {
        "Run the fix command shown in a terminal instead."
    }
}

impl CleanSession {
    /// Runs plan `plan_id` with administrator rights: the configured binary, elevated,
    /// deletes in place (no undo) and reports back through a file. The final results go to
    /// `sink` as `purgeFinished` and into the audit log.
    ///
    /// # Errors
    /// `UnknownPlan`; `ElevationUnavailable` (no elevation program, no polkit agent, ...);
    /// `ElevationDenied` (the user refused); `BadRoot` when the elevated process refused the
    /// plan.
    pub fn elevated(&self, plan_id: &str, sink: &UpdateSink) -> Result<CleanRun, SessionError> {
        let plan = self.plan_by_id(plan_id)?;
        let unavailable = SessionError::ElevationUnavailable;
        let tmp = tempfile::Builder::new()
            .prefix("gocache-doctor-elevated-")
            .tempdir()
            .map_err(|e| unavailable(format!("cannot create a temporary directory: {e}")))?;
        // The request's own directory is private from its creation (0700; on Windows a
        // protected DACL given to CreateDirectoryW), never opened up in between.
        let dir = tmp.path().join("request");
        elevate::create_private_dir(&dir)
            .map_err(|e| unavailable(format!("cannot create {}: {e}", dir.display())))?;
        let request = dir.join("request.json");
        let report = dir.join("report.json");
        // A request only its user can have written: 0600 in the 0700 directory, with the
        // cache variables only (the elevated half takes nothing else from it).
        let mut req = elevate::Request::new((*plan).clone(), &self.env());
        req.lock_timeout_secs = self.config().lock_timeout.as_secs();
        elevate::write_request(&request, &req)
            .map_err(|e| unavailable(format!("cannot write {}: {e}", request.display())))?;
        let exe = match &self.config().exe {
            Some(p) => p.clone(),
            None => std::env::current_exe()
                .map_err(|e| unavailable(format!("cannot find the app's own binary: {e}")))?,
        };
        let elevator = &self.config().elevator;
        let inv = elevate::invocation(elevator, &exe, &request, &report).map_err(unavailable)?;
        let output = inv.command().output().map_err(|e| {
            unavailable(format!(
                "cannot start {}: {e}. {}",
                inv.program.to_string_lossy(),
                elevation_hint()
            ))
        })?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        let Ok(out) = elevate::read_report(&report) else {
            let code = output.status.code();
            let why = match code {
                Some(c) => format!("exit code {c}"),
                None => "killed".into(),
            };
            let detail = stderr.trim();
            return Err(match elevate::classify_failure(elevator, code, &stderr) {
                elevate::Failure::Denied => SessionError::ElevationDenied,
                elevate::Failure::Unavailable => unavailable(format!(
                    "the elevated clean did not run ({why}{}{detail}). {}",
                    if detail.is_empty() { "" } else { ": " },
                    elevation_hint()
                )),
            });
        };
        if let Some(e) = out.error {
            return Err(SessionError::ElevatedRefused(e));
        }
        Ok(self.finished_run(plan_id, &plan.targets, out.results, out.bytes_freed, sink))
    }
}
