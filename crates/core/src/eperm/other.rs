//! Every OS but macOS: no file flags, SIP or privacy protection to explain an `EPERM`; the
//! ownership explanation stands.

use std::path::Path;

use super::PermFacts;

/// Nothing beyond the owner: `None`.
pub(crate) fn facts(_path: &Path, _eperm: bool) -> Option<PermFacts> {
    None
}
