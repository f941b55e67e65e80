//! Tests only root can run (a second real user, `chown`, `setpriv`), made loud when they
//! cannot run.
//!
//! A root-only test starts with [`require_root`]; one that, as root, finds something it needs
//! missing (`setpriv`, a failed `useradd`) calls [`cannot_run`]. Either then:
//!
//! * with [`REQUIRE_ROOT_VAR`] set to `1` (`make test-rust` exports it whenever `id -u` is 0,
//!   as on CI, which runs as root), FAILS the test: a root-only test silently passing on CI
//!   would hide the attack it exists to check;
//! * otherwise prints why it skips and, when [`SKIP_LOG_VAR`] names a file, appends one line
//!   (`test name: reason`) to it; `make test-rust` counts those lines and ends with a
//!   prominent summary ("N root-only tests were SKIPPED").
//!
//! On Windows nobody is root (the root-only tests are Unix scenarios): see [`is_root`].

use std::io::Write as _;

/// `GOCACHE_DOCTOR_REQUIRE_ROOT`: when `1`, a root-only test that cannot run fails instead of
/// skipping.
pub const REQUIRE_ROOT_VAR: &str = "GOCACHE_DOCTOR_REQUIRE_ROOT";

/// `GOCACHE_DOCTOR_SKIP_LOG`: a file every skipped root-only test appends a line to.
pub const SKIP_LOG_VAR: &str = "GOCACHE_DOCTOR_SKIP_LOG";

/// What a root-only test does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// It runs.
    Run,
    /// It returns early, saying why (not root, and root is not required).
    Skip,
    /// It fails: root is required (CI) and this test cannot run.
    Fail,
}

/// The decision for a test that needs root: `root` whether the process is root, `required`
/// whether [`REQUIRE_ROOT_VAR`] asks for every root-only test to run.
#[must_use]
pub const fn decide(root: bool, required: bool) -> Decision {
    match (root, required) {
        (true, _) => Decision::Run,
        (false, false) => Decision::Skip,
        (false, true) => Decision::Fail,
    }
}

/// Whether the test process runs as root (`id -u` is 0; never on Windows).
#[must_use]
pub fn is_root() -> bool {
    crate::sys::is_root()
}

/// Whether [`REQUIRE_ROOT_VAR`] is `1`.
#[must_use]
pub fn required() -> bool {
    std::env::var(REQUIRE_ROOT_VAR).is_ok_and(|v| v.trim() == "1")
}

/// For a test that needs root: `true` when it can run. Not root: fails the test when root is
/// [`required`], else records the skip (`why`: what root is needed for) and returns `false`.
///
/// # Panics
///
/// When the process is not root and [`REQUIRE_ROOT_VAR`] is `1`.
#[must_use]
pub fn require_root(why: &str) -> bool {
    match decide(is_root(), required()) {
        Decision::Run => true,
        Decision::Skip | Decision::Fail => {
            cannot_run(&format!("not root, and root is needed {why}"));
            false
        }
    }
}

/// A root-only test that cannot run (`why`): fails the test when root is [`required`], else
/// prints why it skips and appends that to the [`SKIP_LOG_VAR`] file. The caller returns
/// right after.
///
/// # Panics
///
/// When [`REQUIRE_ROOT_VAR`] is `1`.
#[allow(clippy::print_stderr, reason = "a skipped test says why")]
pub fn cannot_run(why: &str) {
    let test = std::thread::current()
        .name()
        .unwrap_or("(unnamed test)")
        .to_owned();
    assert!(
        !required(),
        "{test}: this root-only test cannot run ({why}), and {REQUIRE_ROOT_VAR}=1 asks every \
         root-only test to run"
    );
    eprintln!("SKIPPED root-only test {test}: {why}");
    if let Some(log) = std::env::var_os(SKIP_LOG_VAR).filter(|v| !v.is_empty()) {
        let line = format!("{test}: {}\n", why.replace('\n', " "));
        let appended = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .and_then(|mut f| f.write_all(line.as_bytes()));
        if let Err(e) = appended {
            eprintln!("could not record the skip in {}: {e}", log.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_runs_a_skip_is_allowed_only_when_root_is_not_required() {
        assert_eq!(decide(true, false), Decision::Run);
        assert_eq!(decide(true, true), Decision::Run);
        assert_eq!(decide(false, false), Decision::Skip);
        assert_eq!(decide(false, true), Decision::Fail);
    }
}
