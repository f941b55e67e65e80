//! Unix: a name's exact form is its bytes (`unix_bytes_hex`).

use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt as _, OsStringExt as _};
use std::path::Path;

use super::{hex_digit, unhex};

/// The exact fields for `p`: `(unix_bytes_hex, windows_wide_hex)`, the bytes in lowercase hex.
pub(super) fn exact(p: &Path) -> (Option<String>, Option<String>) {
    let mut s = String::new();
    for b in p.as_os_str().as_bytes() {
        s.push(hex_digit(b >> 4));
        s.push(hex_digit(*b));
    }
    (Some(s), None)
}

/// The name from its exact fields: this OS's `unix_bytes_hex`; `None` when absent or malformed.
pub(super) fn from_exact(unix: Option<&str>, _windows: Option<&str>) -> Option<OsString> {
    Some(OsString::from_vec(unhex(unix?)?))
}
