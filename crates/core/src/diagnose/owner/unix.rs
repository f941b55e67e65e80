//! Unix owners: `st_uid`, `geteuid`, `getpwuid_r`.
#![allow(unsafe_code, reason = "geteuid and getpwuid_r are libc calls")]

use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// The effective user id of this process.
pub(crate) fn current_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// The owner of `path` (not following a final symlink).
pub(crate) fn owner_uid(path: &Path) -> Option<u32> {
    std::fs::symlink_metadata(path).ok().map(|m| m.uid())
}

/// The login name of `uid`, when the user database knows it.
pub(crate) fn user_name(uid: u32) -> Option<String> {
    let mut buf = vec![0_u8; 4096];
    // SAFETY: passwd is plain old data; an all-zero value is valid before getpwuid_r fills it.
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call: `pwd` and `result` are live locals, `buf`
    // is a live buffer of the length passed.
    let rc = unsafe {
        libc::getpwuid_r(
            uid,
            &mut pwd,
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut result,
        )
    };
    if rc != 0 || result.is_null() || pwd.pw_name.is_null() {
        return None;
    }
    // SAFETY: on success pw_name points to a NUL-terminated string inside `buf`, alive here.
    let name = unsafe { std::ffi::CStr::from_ptr(pwd.pw_name) };
    Some(name.to_string_lossy().into_owned())
}
