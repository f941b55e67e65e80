//! Windows: the directory holding `gocache-doctor.exe` (the app's install directory) in the
//! user's `Path` (`HKCU\Environment`, written as `REG_EXPAND_SZ`, at most once, no
//! administrator rights), then `WM_SETTINGCHANGE` "Environment" broadcast so that Explorer,
//! and the terminals it starts afterwards, read the new value. [`uninstall`] removes that entry
//! and nothing else.

#![allow(
    unsafe_code,
    reason = "the registry and WM_SETTINGCHANGE are Win32 calls (windows-sys)"
)]

use std::path::{Path, PathBuf};

use windows_sys::Win32::Foundation::{ERROR_FILE_NOT_FOUND, ERROR_MORE_DATA};
use windows_sys::Win32::System::Registry::{
    HKEY_CURRENT_USER, REG_EXPAND_SZ, REG_SZ, RRF_NOEXPAND, RRF_RT_REG_EXPAND_SZ, RRF_RT_REG_SZ,
    RegDeleteKeyValueW, RegGetValueW, RegSetKeyValueW,
};
use windows_sys::Win32::UI::WindowsAndMessaging::{
    HWND_BROADCAST, SMTO_ABORTIFHUNG, SendMessageTimeoutW, WM_SETTINGCHANGE,
};

use super::{
    CliPathError, CliPathMethod, CliPathOutcome, CliPathReport, Context, dir_on_path,
    user_path_with, user_path_without,
};

const KEY: &str = "Environment";
const VALUE: &str = "Path";

fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().chain(std::iter::once(0)).collect()
}

/// The user's `Path` as stored (unexpanded) and its type; `None` when there is no value.
pub(super) fn read_user_path() -> Result<Option<(String, u32)>, CliPathError> {
    let key = wide(KEY);
    let value = wide(VALUE);
    let mut buf = vec![0_u16; 4096];
    loop {
        let mut bytes = (buf.len() * 2) as u32;
        let mut kind = 0_u32;
        // SAFETY: `key` and `value` are NUL-terminated and outlive the call; `buf` is a live
        // buffer of `bytes` bytes; `kind` is a live local.
        let status = unsafe {
            RegGetValueW(
                HKEY_CURRENT_USER,
                key.as_ptr(),
                value.as_ptr(),
                RRF_RT_REG_SZ | RRF_RT_REG_EXPAND_SZ | RRF_NOEXPAND,
                &mut kind,
                buf.as_mut_ptr().cast(),
                &mut bytes,
            )
        };
        match status {
            0 => {
                let units = buf.get(..(bytes as usize) / 2).unwrap_or(&[]);
                let s =
                    String::from_utf16(units).map_err(|e| CliPathError::Registry(e.to_string()))?;
                return Ok(Some((s.trim_end_matches('\0').to_owned(), kind)));
            }
            ERROR_FILE_NOT_FOUND => return Ok(None),
            // ERROR_MORE_DATA: `bytes` is the size needed.
            ERROR_MORE_DATA if (bytes as usize) / 2 > buf.len() => {
                buf.resize((bytes as usize) / 2 + 1, 0)
            }
            e => return Err(CliPathError::Registry(format!("RegGetValueW: error {e}"))),
        }
    }
}

/// Writes the user's `Path` with the given type, or deletes the value (`None`).
pub(super) fn write_user_path(value: Option<(&str, u32)>) -> Result<(), CliPathError> {
    let key = wide(KEY);
    let name = wide(VALUE);
    let status = match value {
        Some((text, kind)) => {
            let data = wide(text);
            // SAFETY: `key`, `name` and `data` are NUL-terminated and outlive the call; the
            // size passed is `data`'s in bytes, its NUL included.
            unsafe {
                RegSetKeyValueW(
                    HKEY_CURRENT_USER,
                    key.as_ptr(),
                    name.as_ptr(),
                    kind,
                    data.as_ptr().cast(),
                    (data.len() * 2) as u32,
                )
            }
        }
        // SAFETY: `key` and `name` are NUL-terminated and outlive the call.
        None => match unsafe { RegDeleteKeyValueW(HKEY_CURRENT_USER, key.as_ptr(), name.as_ptr()) }
        {
            ERROR_FILE_NOT_FOUND => 0,
            s => s,
        },
    };
    if status != 0 {
        return Err(CliPathError::Registry(format!("write: error {status}")));
    }
    Ok(())
}

/// Tells running programs (Explorer first) that the user's environment changed.
fn broadcast() {
    let what = wide(KEY);
    let mut result = 0_usize;
    // SAFETY: `what` is NUL-terminated and outlives the call (SendMessageTimeout returns after
    // every window handled it or timed out); `result` is a live local.
    unsafe {
        SendMessageTimeoutW(
            HWND_BROADCAST,
            WM_SETTINGCHANGE,
            0,
            what.as_ptr() as isize,
            SMTO_ABORTIFHUNG,
            5000,
            &mut result,
        );
    }
}

/// The app's directory as written in `Path` (no `\\?\` prefix).
fn dir_text(ctx: &Context) -> String {
    let dir = crate::os::simplified(ctx.app_dir.clone());
    dir.to_string_lossy().into_owned()
}

fn report(
    outcome: CliPathOutcome,
    method: CliPathMethod,
    cli: PathBuf,
    dir: &str,
) -> CliPathReport {
    CliPathReport {
        outcome,
        method,
        cli,
        location: PathBuf::from(dir),
        on_path: !matches!(
            outcome,
            CliPathOutcome::NotInstalled | CliPathOutcome::Removed
        ),
        new_terminal: matches!(outcome, CliPathOutcome::Installed | CliPathOutcome::Removed),
    }
}

/// In the user's `Path` already, or on this process' `PATH` from elsewhere (the machine's
/// `Path`, set by an installer).
fn current(ctx: &Context, dir: &str) -> Result<Option<CliPathOutcome>, CliPathError> {
    let user = read_user_path()?.map(|(v, _)| v).unwrap_or_default();
    if user_path_with(&user, dir).is_none() {
        return Ok(Some(CliPathOutcome::AlreadyInstalled));
    }
    if dir_on_path(ctx.path_var.as_ref(), Path::new(dir)) {
        return Ok(Some(CliPathOutcome::ByPackage));
    }
    Ok(None)
}

fn method_of(outcome: CliPathOutcome) -> CliPathMethod {
    if outcome == CliPathOutcome::ByPackage {
        CliPathMethod::Package
    } else {
        CliPathMethod::UserPath
    }
}

pub(super) fn status(ctx: &Context) -> Result<CliPathReport, CliPathError> {
    let cli = ctx.existing_bundled_cli()?;
    let dir = dir_text(ctx);
    let outcome = current(ctx, &dir)?.unwrap_or(CliPathOutcome::NotInstalled);
    Ok(report(outcome, method_of(outcome), cli, &dir))
}

pub(super) fn install(ctx: &Context) -> Result<CliPathReport, CliPathError> {
    let cli = ctx.existing_bundled_cli()?;
    let dir = dir_text(ctx);
    if let Some(outcome) = current(ctx, &dir)? {
        return Ok(report(outcome, method_of(outcome), cli, &dir));
    }
    let old = read_user_path()?;
    let old_text = old.as_ref().map(|(v, _)| v.as_str()).unwrap_or("");
    if let Some(new) = user_path_with(old_text, &dir) {
        // REG_EXPAND_SZ keeps entries like %USERPROFILE%\go\bin working; a REG_SZ value
        // stays REG_SZ only when it has no `%` to expand.
        let kind = match old {
            Some((_, k)) if k == REG_SZ && !new.contains('%') => REG_SZ,
            _ => REG_EXPAND_SZ,
        };
        write_user_path(Some((&new, kind)))?;
        broadcast();
    }
    Ok(report(
        CliPathOutcome::Installed,
        CliPathMethod::UserPath,
        cli,
        &dir,
    ))
}

pub(super) fn uninstall(ctx: &Context) -> Result<CliPathReport, CliPathError> {
    let cli = ctx.existing_bundled_cli()?;
    let dir = dir_text(ctx);
    let old = read_user_path()?;
    let outcome = match &old {
        Some((text, kind)) => match user_path_without(text, &dir) {
            Some(new) if new.is_empty() => {
                write_user_path(None)?;
                CliPathOutcome::Removed
            }
            Some(new) => {
                write_user_path(Some((&new, *kind)))?;
                CliPathOutcome::Removed
            }
            None => CliPathOutcome::NotInstalled,
        },
        None => CliPathOutcome::NotInstalled,
    };
    if outcome == CliPathOutcome::Removed {
        broadcast();
    }
    Ok(report(outcome, CliPathMethod::UserPath, cli, &dir))
}
