//! Windows: a name's exact form is its UTF-16 code units (`windows_wide_hex`).

use std::ffi::OsString;
use std::os::windows::ffi::{OsStrExt as _, OsStringExt as _};
use std::path::Path;

use super::{hex_digit, unhex};

/// The exact fields for `p`: `(unix_bytes_hex, windows_wide_hex)`, the code units as 4 hex
/// digits each.
pub(super) fn exact(p: &Path) -> (Option<String>, Option<String>) {
    let mut s = String::new();
    for u in p.as_os_str().encode_wide() {
        for shift in [12u16, 8, 4, 0] {
            s.push(hex_digit(u8::try_from((u >> shift) & 15).unwrap_or(0)));
        }
    }
    (None, Some(s))
}

/// The name from its exact fields: this OS's `windows_wide_hex`; `None` when absent or
/// malformed.
pub(super) fn from_exact(_unix: Option<&str>, windows: Option<&str>) -> Option<OsString> {
    let bytes = unhex(windows?)?;
    if bytes.len() % 2 != 0 {
        return None;
    }
    let wide: Vec<u16> = bytes
        .chunks(2)
        .map(|c| (u16::from(c[0]) << 8) | u16::from(c[1]))
        .collect();
    Some(OsString::from_wide(&wide))
}
