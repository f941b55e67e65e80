//! Linux and the other Unix systems but macOS: nothing to do when the app's directory is on
//! `PATH` (the .deb's `/usr/bin`); otherwise (the AppImage, whose mount path changes on every
//! launch) a copy of the CLI in `~/.local/bin`, recorded by its SHA-256 so that a later
//! install may replace and [`uninstall`] may remove it, and nothing else.

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{
    CLI_NAME, CliPathError, CliPathMethod, CliPathOutcome, CliPathReport, Context, Existing, Plan,
    classify_copy, dir_on_path, io_at, plan_install,
};

/// The record of the copy this app wrote: its SHA-256 in hex.
const RECORD: &str = "cli-on-path.sha256";

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The bundled CLI's bytes, or [`CliPathError::NotBundled`].
fn bundled(ctx: &Context) -> Result<(PathBuf, Vec<u8>), CliPathError> {
    let cli = ctx.bundled_cli();
    match fs::read(&cli) {
        Ok(bytes) => Ok((cli, bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(CliPathError::NotBundled(cli)),
        Err(e) => Err(io_at(&cli)(e)),
    }
}

/// The installer put the app's directory on `PATH` (not an AppImage's mount).
fn by_package(ctx: &Context) -> bool {
    !ctx.appimage && dir_on_path(ctx.path_var.as_ref(), &ctx.app_dir)
}

fn bin_dir(ctx: &Context) -> Result<PathBuf, CliPathError> {
    Ok(ctx
        .home
        .as_ref()
        .ok_or(CliPathError::NoHome)?
        .join(".local")
        .join("bin"))
}

/// What is at `dest`, compared with the bundled bytes and the recorded hash.
fn existing(ctx: &Context, dest: &Path, cli_bytes: &[u8]) -> Result<Existing, CliPathError> {
    let meta = match fs::symlink_metadata(dest) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(classify_copy(false, false, false, false));
        }
        Err(e) => return Err(io_at(dest)(e)),
    };
    if !meta.file_type().is_file() {
        return Ok(classify_copy(true, false, false, false));
    }
    let bytes = fs::read(dest).map_err(io_at(dest))?;
    let record = fs::read_to_string(ctx.state_dir.join(RECORD)).unwrap_or_default();
    let recorded = !record.trim().is_empty() && record.trim() == sha256_hex(&bytes);
    Ok(classify_copy(true, true, bytes == cli_bytes, recorded))
}

fn report(
    ctx: &Context,
    outcome: CliPathOutcome,
    cli: PathBuf,
    location: PathBuf,
) -> CliPathReport {
    let method = if outcome == CliPathOutcome::ByPackage {
        CliPathMethod::Package
    } else {
        CliPathMethod::Copy
    };
    let on_path = location
        .parent()
        .is_some_and(|d| dir_on_path(ctx.path_var.as_ref(), d));
    CliPathReport {
        outcome,
        method,
        cli,
        location,
        on_path,
        // A shell finds a new file in a directory already on its PATH; one that is not (yet)
        // needs the directory added and a new terminal (a new login for ~/.profile's rule).
        new_terminal: !on_path,
    }
}

pub(super) fn status(ctx: &Context) -> Result<CliPathReport, CliPathError> {
    let (cli, bytes) = bundled(ctx)?;
    if by_package(ctx) {
        return Ok(report(ctx, CliPathOutcome::ByPackage, cli.clone(), cli));
    }
    let dest = bin_dir(ctx)?.join(CLI_NAME);
    let outcome = match existing(ctx, &dest, &bytes)? {
        Existing::Current => CliPathOutcome::AlreadyInstalled,
        _ => CliPathOutcome::NotInstalled,
    };
    Ok(report(ctx, outcome, cli, dest))
}

pub(super) fn install(ctx: &Context) -> Result<CliPathReport, CliPathError> {
    let (cli, bytes) = bundled(ctx)?;
    if by_package(ctx) {
        return Ok(report(ctx, CliPathOutcome::ByPackage, cli.clone(), cli));
    }
    let dir = bin_dir(ctx)?;
    let dest = dir.join(CLI_NAME);
    let plan = plan_install(existing(ctx, &dest, &bytes)?);
    let outcome = match plan {
        Plan::Refuse => return Err(CliPathError::Conflict(dest)),
        Plan::Keep => CliPathOutcome::AlreadyInstalled,
        Plan::Create | Plan::Replace => {
            fs::create_dir_all(&dir).map_err(io_at(&dir))?;
            // Written beside it, then renamed into place: never a half-written CLI on PATH.
            let mut tmp = tempfile::Builder::new()
                .prefix(".gocache-doctor.")
                .tempfile_in(&dir)
                .map_err(io_at(&dir))?;
            tmp.write_all(&bytes).map_err(io_at(tmp.path()))?;
            tmp.as_file()
                .set_permissions(fs::Permissions::from_mode(0o755))
                .map_err(io_at(tmp.path()))?;
            tmp.as_file().sync_all().map_err(io_at(tmp.path()))?;
            if plan == Plan::Create {
                // Fails rather than replace a file that appeared meanwhile.
                tmp.persist_noclobber(&dest)
                    .map_err(|e| io_at(&dest)(e.error))?;
            } else {
                tmp.persist(&dest).map_err(|e| io_at(&dest)(e.error))?;
            }
            if plan == Plan::Create {
                CliPathOutcome::Installed
            } else {
                CliPathOutcome::Updated
            }
        }
    };
    fs::create_dir_all(&ctx.state_dir).map_err(io_at(&ctx.state_dir))?;
    let record = ctx.state_dir.join(RECORD);
    fs::write(&record, sha256_hex(&bytes)).map_err(io_at(&record))?;
    Ok(report(ctx, outcome, cli, dest))
}

pub(super) fn uninstall(ctx: &Context) -> Result<CliPathReport, CliPathError> {
    let (cli, bytes) = bundled(ctx)?;
    if by_package(ctx) {
        return Ok(report(ctx, CliPathOutcome::ByPackage, cli.clone(), cli));
    }
    let dest = bin_dir(ctx)?.join(CLI_NAME);
    let outcome = match existing(ctx, &dest, &bytes)? {
        Existing::Missing => CliPathOutcome::NotInstalled,
        Existing::Unrelated => return Err(CliPathError::Conflict(dest)),
        Existing::Current | Existing::Ours => {
            fs::remove_file(&dest).map_err(io_at(&dest))?;
            let record = ctx.state_dir.join(RECORD);
            match fs::remove_file(&record) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io_at(&record)(e)),
            }
            CliPathOutcome::Removed
        }
    };
    let mut r = report(ctx, outcome, cli, dest);
    r.new_terminal = false;
    Ok(r)
}
