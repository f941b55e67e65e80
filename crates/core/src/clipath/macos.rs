//! macOS: a symbolic link to the app bundle's `Contents/MacOS/gocache-doctor`, in
//! `/usr/local/bin` when that directory is writable (it is on the default `PATH`), else in
//! `~/.local/bin` (the report says when that is not on `PATH`). A link follows the app's
//! updates; only a link to an app bundle's CLI is ever replaced or removed.

use std::fs;
use std::path::{Path, PathBuf};

use super::{
    CLI_NAME, CliPathError, CliPathMethod, CliPathOutcome, CliPathReport, Context, Existing, Plan,
    classify_link, dir_on_path, io_at, plan_install,
};

const SYSTEM_BIN: &str = "/usr/local/bin";

fn writable(dir: &Path) -> bool {
    rustix::fs::access(dir, rustix::fs::Access::WRITE_OK).is_ok()
}

/// The places a link may be, the preferred first.
fn candidates(ctx: &Context) -> Vec<PathBuf> {
    let mut v = vec![Path::new(SYSTEM_BIN).join(CLI_NAME)];
    if let Some(home) = &ctx.home {
        v.push(home.join(".local").join("bin").join(CLI_NAME));
    }
    v
}

fn existing(dest: &Path, cli: &Path) -> Existing {
    let exists = fs::symlink_metadata(dest).is_ok();
    let link = fs::read_link(dest).ok();
    classify_link(exists, link.as_deref(), cli)
}

fn report(
    ctx: &Context,
    outcome: CliPathOutcome,
    cli: PathBuf,
    location: PathBuf,
) -> CliPathReport {
    let on_path = location
        .parent()
        .is_some_and(|d| dir_on_path(ctx.path_var.as_ref(), d) || d == Path::new(SYSTEM_BIN));
    CliPathReport {
        outcome,
        method: CliPathMethod::Symlink,
        cli,
        location,
        on_path,
        new_terminal: !on_path,
    }
}

/// The first of `all` that is already our link to `cli`.
fn linked(all: &[PathBuf], cli: &Path) -> Option<PathBuf> {
    all.iter()
        .find(|dest| existing(dest, cli) == Existing::Current)
        .cloned()
}

pub(super) fn status(ctx: &Context) -> Result<CliPathReport, CliPathError> {
    let cli = ctx.existing_bundled_cli()?;
    let all = candidates(ctx);
    if let Some(dest) = linked(&all, &cli) {
        return Ok(report(ctx, CliPathOutcome::AlreadyInstalled, cli, dest));
    }
    let dest = all.into_iter().next().unwrap_or_default();
    Ok(report(ctx, CliPathOutcome::NotInstalled, cli, dest))
}

pub(super) fn install(ctx: &Context) -> Result<CliPathReport, CliPathError> {
    let cli = ctx.existing_bundled_cli()?;
    let all = candidates(ctx);
    // Already linked in either place: nothing to do.
    if let Some(dest) = linked(&all, &cli) {
        return Ok(report(ctx, CliPathOutcome::AlreadyInstalled, cli, dest));
    }
    // The first place that is writable and not taken by an unrelated file.
    let mut conflict = None;
    for dest in &all {
        let dir = dest.parent().unwrap_or(Path::new("/"));
        let in_home = dir != Path::new(SYSTEM_BIN);
        if !in_home && !writable(dir) {
            continue;
        }
        match plan_install(existing(dest, &cli)) {
            Plan::Refuse => {
                conflict.get_or_insert_with(|| dest.clone());
            }
            Plan::Keep => {
                return Ok(report(
                    ctx,
                    CliPathOutcome::AlreadyInstalled,
                    cli,
                    dest.clone(),
                ));
            }
            plan @ (Plan::Create | Plan::Replace) => {
                fs::create_dir_all(dir).map_err(io_at(dir))?;
                // A link made beside it and renamed into place replaces only our old link.
                let tmp = dir.join(format!(".{CLI_NAME}.{}", std::process::id()));
                let _ = fs::remove_file(&tmp);
                std::os::unix::fs::symlink(&cli, &tmp).map_err(io_at(&tmp))?;
                if plan == Plan::Create && fs::symlink_metadata(dest).is_ok() {
                    let _ = fs::remove_file(&tmp);
                    return Err(CliPathError::Conflict(dest.clone()));
                }
                fs::rename(&tmp, dest).map_err(io_at(dest))?;
                let outcome = if plan == Plan::Create {
                    CliPathOutcome::Installed
                } else {
                    CliPathOutcome::Updated
                };
                return Ok(report(ctx, outcome, cli, dest.clone()));
            }
        }
    }
    Err(match conflict {
        Some(dest) => CliPathError::Conflict(dest),
        None => CliPathError::NoHome,
    })
}

pub(super) fn uninstall(ctx: &Context) -> Result<CliPathReport, CliPathError> {
    let cli = ctx.existing_bundled_cli()?;
    let mut removed = None;
    for dest in candidates(ctx) {
        match existing(&dest, &cli) {
            Existing::Current | Existing::Ours => {
                fs::remove_file(&dest).map_err(io_at(&dest))?;
                removed.get_or_insert(dest);
            }
            Existing::Missing | Existing::Unrelated => {}
        }
    }
    let (outcome, location) = match removed {
        Some(dest) => (CliPathOutcome::Removed, dest),
        None => (
            CliPathOutcome::NotInstalled,
            Path::new(SYSTEM_BIN).join(CLI_NAME),
        ),
    };
    let mut r = report(ctx, outcome, cli, location);
    r.new_terminal = false;
    Ok(r)
}
