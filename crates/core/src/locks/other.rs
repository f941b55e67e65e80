//! The OSes other than Linux, macOS and Windows: no lock probe yet (scaffold: the locks issue
//! #5 fills it in), and no End process.

use std::path::PathBuf;

use super::{LockProbe, ProbeResult};
use crate::CancelToken;

/// The other [`LockProbe`].
pub(crate) struct Probe;

impl LockProbe for Probe {
    fn name(&self) -> &'static str {
        "other"
    }

    fn probe(&self, _roots: &[PathBuf], cancel: &CancelToken) -> crate::Result<ProbeResult> {
        cancel.check()?;
        Ok(ProbeResult {
            warnings: vec!["finding lock holders is not implemented on this OS yet".into()],
            ..ProbeResult::default()
        })
    }
}

/// Ending processes: not available here.
pub(crate) mod end {
    use super::super::end::{OpenError, ProcessRef};

    /// Always fails: ending processes is not supported on this system.
    pub(crate) fn open(_pid: u32) -> Result<Box<dyn ProcessRef>, OpenError> {
        Err(OpenError::Io(std::io::Error::new(
            std::io::ErrorKind::Unsupported,
            "ending processes is not supported on this system",
        )))
    }

    /// Never elevated.
    pub(crate) fn is_elevated() -> bool {
        false
    }
}
