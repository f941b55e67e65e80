//! Lock probe for other (scaffold: the locks issue #5 fills it in).

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
