// Generated from the Rust types of the IPC by ts-rs (src-tauri/src/bindings_tests.rs); do not
// edit. Regenerate with `make bindings`; `cargo test -p gocache-doctor-app --lib bindings`
// fails when this file is stale. docs/contract.md says what each command does.

/**
 * One bar of the build cache age histogram.
 */
export type AgeBucket = {
/**
 * Human label (`< 1 day`, ...).
 */
label: string,
/**
 * Upper bound (exclusive) of the age of the entries in this bucket, in days; `None` for
 * the last bucket: entries older than 5 days + 1 hour, which Go's next trim removes.
 */
max_age_days: number | null,
/**
 * Entries (`-a`/`-d` files and `-d` directories) in the bucket.
 */
entries: number,
/**
 * Their apparent bytes (a `-d` directory with its content).
 */
bytes: number, };

/**
 * `app_info`'s answer.
 */
export type AppInfo = {
/**
 * The product name.
 */
name: string,
/**
 * The app's version (`0.1.0`).
 */
version: string,
/**
 * The commit it was built from (`ba2fff7c1`), or `unknown`.
 */
commit: string,
/**
 * The commit's date (`2026-11-30`), or `unknown`.
 */
date: string,
/**
 * `debug` or `release`.
 */
profile: string,
/**
 * The SPDX license expression.
 */
license: string,
/**
 * The Tauri version the app runs on.
 */
tauri: string,
/**
 * The OS and CPU it was built for (`linux x86_64`).
 */
target: string,
/**
 * Link names and their URLs, in the order to show them.
 */
links: Array<[string, string]>, };

/**
 * One clean, as recorded.
 */
export type AuditEntry = {
/**
 * When it ran, Unix seconds.
 */
time: number,
/**
 * What was asked.
 */
targets: Array<Target>,
/**
 * Bytes freed.
 */
bytes_freed: number,
/**
 * One result per plan item.
 */
outcomes: Array<ItemResult>,
/**
 * Set on the entry of a process the user ended (Processes view, `locks --end`) instead of
 * a clean: `targets` and `outcomes` are then empty and `bytes_freed` is 0. Absent from
 * clean entries, so older readers see an empty clean.
 */
ended?: EndOutcome,
/**
 * `Some(true)` on the entry of a clean that `auto run` made (issue #17), so History and
 * `auto status` can tell automatic runs apart. Absent from other entries, so older lines
 * load and older readers see a plain clean.
 */
automatic?: boolean, };

/**
 * What happens to one module version, and why.
 */
export type AutoDecision = {
/**
 * Module path.
 */
path: string,
/**
 * Version.
 */
version: string,
/**
 * Bytes it holds (extracted tree plus download files).
 */
bytes: number,
/**
 * Its last use, Unix seconds (`None` when in use or unknown).
 */
last_use: number | null,
/**
 * Where `last_use` comes from (`in-use`, `atime`, `mtime`).
 */
source: LastUseSource,
/**
 * Whether it goes.
 */
remove: boolean,
/**
 * Why.
 */
reason: Reason, };

/**
 * One automatic run, from the audit log.
 */
export type AutoLastRun = {
/**
 * When it ran, Unix seconds.
 */
time: number,
/**
 * Bytes it freed.
 */
bytes_freed: number, };

/**
 * The automatic cleanup policy (issue #17), shared by the app and `gocache-doctor auto run`.
 * Every field has a default, so settings files written before it existed still load.
 *
 * What a run removes (see `crate::autopilot` for the exact rules): module versions no project
 * uses (never one a project's go.mod, go.sum, go.work or vendor/modules.txt names), not among
 * the newest `keep_latest` of their module, either unused for `unused_days` or, least recently
 * used first, until the module cache fits `modcache_max_bytes`; build-cache entries least
 * recently used first until it fits `build_max_bytes`; with `remove_unnamed_toolchains`, the
 * downloaded toolchains no project names.
 */
export type AutoPolicy = {
/**
 * Whether the scheduled run applies the policy (off by default). `auto run` applies it
 * when asked whatever this says.
 */
enabled: boolean,
/**
 * The module cache's budget in bytes; `None`: no budget.
 */
modcache_max_bytes: number | null,
/**
 * Unused module versions not used for this many days go (default 90, like Cargo's three
 * months for downloaded data); `None`: no age rule.
 */
unused_days: number | null,
/**
 * The newest N versions of each module (Go's semver order) are always kept; `None`: none
 * kept for that reason.
 */
keep_latest: number | null,
/**
 * The build cache's budget in bytes (least recently used entries go first, by Go's own
 * mtime semantics); `None`: no budget (Go trims entries unused for 5 days itself).
 */
build_max_bytes: number | null,
/**
 * Remove downloaded toolchains (`golang.org/toolchain@*`) that no project names in a
 * `toolchain` or `go` line and `GOTOOLCHAIN` does not name.
 */
remove_unnamed_toolchains: boolean,
/**
 * When the free space of a cache's file system is below this floor, that cache's budget
 * tightens by the shortfall; `None`: no floor.
 */
free_disk_floor: DiskFloor | null,
/**
 * Also look for go.mod files under the usual code folders (`~/go/src`, `~/src`,
 * `~/code`, `~/projects`, `~/dev`, `~/work`) besides [`Settings::project_roots`].
 */
scan_code_folders: boolean,
/**
 * Why the stored policy could not be read (never stored; the stored value is kept as it
 * is until the policy is saved again). A policy with this set removes nothing.
 */
invalid?: string | null, };

/**
 * The result of [`run`].
 */
export type AutoRun = {
/**
 * When it ran, Unix seconds.
 */
time: number,
/**
 * Whether nothing was removed on purpose.
 */
dry_run: boolean,
/**
 * The policy applied.
 */
policy: AutoPolicy,
/**
 * The project directories read.
 */
projects: Array<string>,
/**
 * Per cache.
 */
caches: Array<CacheRun>,
/**
 * Every module version's decision: removals first, least recently used first.
 */
decisions: Array<AutoDecision>,
/**
 * The clean plan run (or, for a dry run, that would run); `None` when nothing was planned.
 */
plan: Plan | null,
/**
 * One result per plan item (empty for a dry run).
 */
results: Array<ItemResult>,
/**
 * Bytes freed.
 */
bytes_freed: number,
/**
 * Problems that did not stop the run.
 */
warnings: Array<string>, };

/**
 * Build cache (GOCACHE) details.
 */
export type BuildScan = {
/**
 * The cache root.
 */
path: string,
/**
 * `<2 hex>/<64 hex>-a` and `-d` entries.
 */
entries: number,
/**
 * `-a` (action) entries.
 */
action_entries: number,
/**
 * `-d` (output) entries.
 */
output_entries: number,
/**
 * Apparent bytes of all entries.
 */
bytes: number,
/**
 * Entries by age (mtime, which Go bumps at most once an hour on use).
 */
age_histogram: Array<AgeBucket>,
/**
 * Entries unused for more than 5 days + 1 hour (what `go` trims next).
 */
trimmable_entries: number,
/**
 * Their bytes.
 */
trimmable_bytes: number,
/**
 * Apparent bytes of `fuzz/` (never trimmed by Go).
 */
fuzz_bytes: number,
/**
 * Files in `fuzz/`.
 */
fuzz_files: number,
/**
 * Cached `go test` results: `-d` files holding a passing test run's output (ending in
 * `ok  \t<import path>\t<time>`), one per distinct output, i.e. about one per package and
 * test configuration (flags, inputs) whose result Go can replay as `(cached)`. Included in
 * `output_entries`. Found by reading the first and last 512 bytes of `-d` files of
 * 11 B..=64 KiB, so `go test -v` outputs larger than 64 KiB are not counted. Results
 * invalidated by `go clean -testcache` are still counted (Go deletes nothing). `None`
 * unless [`Options::test_results`] was set.
 */
test_entries?: number | null,
/**
 * Test-inputs logs: `-d` files starting with `# test log` (the environment variables and
 * files a test consulted, which Go rechecks before it replays a cached result); one per
 * distinct log, so packages whose tests read nothing share one. Included in
 * `output_entries`. `None` unless [`Options::test_results`] was set.
 */
test_input_entries?: number | null,
/**
 * Apparent bytes of the `test_entries` and `test_input_entries` files. The `-a` action
 * files pointing at them (175 bytes each, two per output and test run) are not included:
 * telling them apart would mean reading every `-a` file. `None` unless
 * [`Options::test_results`] was set.
 */
test_bytes?: number | null,
/**
 * Executables that `go run` and `go tool` cached (Go 1.24 and later): `-d` directories
 * holding one program each, counted in `output_entries`.
 */
exe_entries: number,
/**
 * Their apparent bytes, the programs included (in `bytes`).
 */
exe_bytes: number,
/**
 * Last trim (`trim.txt`), Unix seconds.
 */
last_trim: number | null,
/**
 * Test results older than this are ignored (`testexpire.txt`, converted to seconds).
 */
testexpire: number | null, };

/**
 * What the build cache check found.
 */
export type BuildSummary = {
/**
 * The build cache root.
 */
path: string,
/**
 * `-a` entries examined.
 */
action_entries: number,
/**
 * `-d` entries examined.
 */
output_entries: number,
/**
 * `-d` entries whose content does not match their name (Go may use them: it only checks
 * the size).
 */
corrupt_outputs: number,
/**
 * `-a` entries that are not 175 bytes in Go's format (Go treats them as misses).
 */
malformed_actions: number,
/**
 * `-a` entries whose output is missing or of another size (misses for Go; normal after
 * partial trims).
 */
dangling_actions: number, };

/**
 * One cache found on this machine.
 */
export type Cache = {
/**
 * What kind of cache this is.
 */
kind: CacheKind,
/**
 * Its root directory (absolute).
 */
path: string,
/**
 * The variable that located it (`GOMODCACHE`, `GOCACHE`, `GOPLSCACHE`, ...).
 */
var: string,
/**
 * Where that variable's value came from.
 */
source: Source,
/**
 * Whether the directory exists now.
 */
exists: boolean,
/**
 * Whether the app may offer to clean it (false for GOBIN).
 */
cleanable: boolean,
/**
 * The cache this one lives inside (toolchains live in the module cache).
 */
parent: CacheKind | null, };

/**
 * One cache's history: its growth and its chart.
 */
export type CacheHistory = {
/**
 * The cache kind.
 */
kind: CacheKind,
/**
 * The cache root.
 */
path: string,
/**
 * Bytes gained (negative: lost) from the point at or before a week ago ([`WEEK`]) to the
 * latest point; `None` when the history does not reach back that far, or has nothing
 * newer than that.
 */
week: number | null,
/**
 * The same from about a month ago ([`MONTH`]).
 */
month: number | null,
/**
 * The size over the last quarter, oldest first, at most [`MAX_SERIES`] points.
 */
series: Array<SizePoint>, };

/**
 * How many processes hold files in one cache (the badge on a cache card).
 */
export type CacheHolders = {
/**
 * The cache.
 */
kind: CacheKind | null,
/**
 * Its root.
 */
path: string,
/**
 * Distinct processes holding something in it.
 */
holders: number, };

/**
 * The kinds of cache Go Cache Doctor knows.
 */
export type CacheKind = "modcache" | "toolchains" | "build" | "gopls" | "gopls-index" | "golangci-lint" | "staticcheck" | "telemetry" | "gobin";

/**
 * What a run did (or would do) to one cache.
 */
export type CacheRun = {
/**
 * `modcache` or `build`.
 */
kind: CacheKind,
/**
 * Its root.
 */
path: string,
/**
 * Size before, bytes (`du -sb`).
 */
bytes_before: number,
/**
 * Size after: before minus what was removed (a dry run: minus what would be).
 */
bytes_after: number,
/**
 * The budget applied (after the free-disk floor), bytes.
 */
budget: number | null,
/**
 * Whether the free-disk floor tightened the budget.
 */
tightened: boolean,
/**
 * Free space of its file system, bytes (when it could be read).
 */
free_bytes: number | null,
/**
 * The free-disk floor on that file system, bytes.
 */
floor_bytes: number | null,
/**
 * Why nothing was done to it (a process works in it, no project, ...).
 */
skipped: string | null,
/**
 * The processes holding files in it (`go (pid 42, user ann): cwd`).
 */
holders: Array<string>, };

/**
 * The sizes of one cache.
 */
export type CacheScan = {
/**
 * The cache kind.
 */
kind: CacheKind,
/**
 * The cache root.
 */
path: string,
/**
 * Apparent size (= `du -sb path`).
 */
bytes: number,
/**
 * Allocated size (= `du -sB1 path`).
 */
disk_bytes: number,
/**
 * Regular files.
 */
files: number,
/**
 * Directories, the root included.
 */
dirs: number,
/**
 * Symbolic links.
 */
symlinks: number,
/**
 * Entries that could not be read (plus module directories with an invalid `!` escape).
 */
unreadable: number,
/**
 * The first unreadable paths.
 */
unreadable_paths: Array<string>,
/**
 * Newest modification time, Unix seconds. For a build cache rescanned with the scan index
 * it can be older than the disk's (see `scan/buildindex.rs`), never newer.
 */
newest_mtime: number | null,
/**
 * Why the cache could not be scanned at all, if it could not.
 */
error: string | null,
/**
 * The cache this one lives in (toolchains: the module cache), whose figures already
 * include this one's; [`Report::total`] counts it once, there.
 */
inside: CacheKind | null, };

/**
 * Details of a failure or skip.
 */
export type CauseDetail = {
/**
 * The entry the error is about.
 */
path: string,
/**
 * What happened.
 */
message: string,
/**
 * For permission errors: who owns the offending entry.
 */
owner: Owner | null,
/**
 * For permission errors on macOS: what stands in the way when it is not (only) the owner
 * (file flags, SIP, privacy protection; [`crate::eperm`]); `None` on other OSes and in
 * audit lines written before it existed.
 */
perm_cause?: PermCause | null,
/**
 * The exact command (for this OS) or action that fixes it.
 */
fix: string | null,
/**
 * For locked files: the process holding them, when known (hook for the locks issue).
 */
holder: string | null,
/**
 * How many further entries failed the same way or otherwise.
 */
more: number, };

/**
 * The classified cause of a skip or failure.
 */
export type CauseKind = "permission" | "locked" | "read-only-fs" | "path-too-long" | "vanished" | "not-present" | "covered" | "in-use" | "cancelled" | "other";

/**
 * `doctor_checks`' answer.
 */
export type Checks = {
/**
 * The checks' own findings (risky settings, cache states), without those of `discovery`.
 */
findings: Array<DoctorFinding>,
/**
 * The findings that stand for discovery's problems (the dashboard already lists the
 * problems themselves): the problem's id and the doctor's finding with its fixes.
 */
discovery: Array<DiscoveryFinding>, };

/**
 * [`CleanSession::history`]'s answer.
 */
export type CleanHistory = {
/**
 * Newest first.
 */
entries: Array<AuditEntry>,
/**
 * Lines of the log that could not be read.
 */
bad_lines: number, };

/**
 * [`CleanSession::execute`] / [`CleanSession::elevated`]'s answer.
 */
export type CleanRun = {
/**
 * The run, for [`CleanSession::undo`] and [`CleanSession::purge_now`].
 */
run_id: string,
/**
 * The plan it ran.
 */
plan_id: string,
/**
 * One result per plan item (quarantined items are `removed`: gone for Go).
 */
results: Array<ItemResult>,
/**
 * Bytes held in quarantine, freed by the purge.
 */
quarantined_bytes: number,
/**
 * When the undo window ends (Unix ms); `None` when nothing is held.
 */
undo_deadline_ms: number | null,
/**
 * Where the run is.
 */
state: RunState, };

/**
 * Progress and outcome of a clean, as the app sends them on `clean_execute`'s channel.
 */
export type CleanUpdate = { "event": "itemStarted", "data": {
/**
 * Index in the plan's items.
 */
index: number,
/**
 * Its label.
 */
label: string, } } | { "event": "itemFinished", "data": {
/**
 * Index in the plan's items.
 */
index: number,
/**
 * How it ended.
 */
outcome: Outcome, } } | { "event": "purgeStarted", "data": {
/**
 * The run.
 */
run_id: string,
/**
 * Items to purge.
 */
total: number, } } | { "event": "purged", "data": {
/**
 * Items purged so far.
 */
done: number,
/**
 * Items to purge.
 */
total: number,
/**
 * Bytes freed so far.
 */
bytes: number, } } | { "event": "purgeFinished", "data": {
/**
 * The run.
 */
run_id: string,
/**
 * One result per plan item.
 */
results: Array<ItemResult>,
/**
 * Bytes freed.
 */
bytes_freed: number, } } | { "event": "undone", "data": UndoReport };

/**
 * How the CLI is (or would be) put on `PATH`.
 */
export type CliPathMethod = "package" | "copy" | "symlink" | "userPath";

/**
 * What [`status`], [`install`] or [`uninstall`] found or did.
 */
export type CliPathOutcome = "installed" | "updated" | "alreadyInstalled" | "byPackage" | "notInstalled" | "removed";

/**
 * The answer of [`status`], [`install`] and [`uninstall`]: what was done, where, and what the
 * user still has to do.
 */
export type CliPathReport = {
/**
 * What happened.
 */
outcome: CliPathOutcome,
/**
 * How the CLI is put on `PATH` on this system.
 */
method: CliPathMethod,
/**
 * The CLI inside the app (the installer's copy).
 */
cli: string,
/**
 * The copy, the link, or the directory added to `Path` (Windows).
 */
location: string,
/**
 * Whether the directory of [`Self::location`] is on the app's `PATH` (false: the user has
 * to add it, e.g. `~/.local/bin` on macOS).
 */
on_path: boolean,
/**
 * Terminals that are already open do not see the change: open a new one.
 */
new_terminal: boolean, };

/**
 * A command failure. `code` is stable and machine-readable (the UI branches on it);
 * `message` is for people.
 */
export type CommandError = {
/**
 * `Cancelled`, `PermissionDenied`, `NotFound`, `Io`, `BadRoot`, `GoCommand`, `Internal`, ...
 */
code: ErrorCode,
/**
 * What happened, in words.
 */
message: string, };

/**
 * The result of [`diagnose`].
 */
export type Diagnosis = {
/**
 * Findings in the order their messages appear in the text (at least one).
 */
findings: Array<DoctorFinding>, };

/**
 * A discovery problem and the doctor's finding for it.
 */
export type DiscoveryFinding = {
/**
 * The discovery problem's id (`gocache-off`, `gomodcache-relative`, `go-env-mismatch`, ...).
 */
problem: string,
/**
 * The doctor's finding for it (`gomodcache-not-absolute` for `gomodcache-relative`, ...).
 */
finding: DoctorFinding, };

/**
 * The free-disk floor: an amount of bytes or a percentage of the file system's size.
 */
export type DiskFloor = { "bytes": number } | { "percent": number };

/**
 * One diagnosed problem.
 */
export type DoctorFinding = {
/**
 * Stable id (`checksum-mismatch`, `permission-denied`, ...; see [`IDS`]).
 */
id: string,
/**
 * A finer cause within the id, when the id has several (`permission-denied`:
 * `read-only-cache` or `other-owner`; `proxy-unreachable`: `dns`, `tls`, ...).
 */
variant: string | null,
/**
 * How bad it is.
 */
severity: Severity,
/**
 * The module path named by the text (unescaped), or the package path when only a
 * package is named; `None` when the text names none that Go accepts.
 */
module: string | null,
/**
 * The version named by the text: a valid module version or query, or a revision or
 * toolchain name of plain characters; `None` otherwise.
 */
version: string | null,
/**
 * The file or directory named by the text (or the variable's value for settings).
 */
path: string | null,
/**
 * What happened and why, in plain language.
 */
explanation: string,
/**
 * Commands for the target OS's shells and app actions, most direct first.
 */
fixes: Array<Fix>, };

/**
 * The re-download step of a repair.
 */
export type Download = {
/**
 * The command line, as a user would type it.
 */
command: string,
/**
 * The directory it ran in.
 */
dir: string,
/**
 * Its stdout and stderr.
 */
output: string,
/**
 * Whether it exited 0.
 */
success: boolean, };

/**
 * How a process ended.
 */
export type EndHow = "exited" | "killed" | "already-gone";

/**
 * The result of [`end_process`]; also what the audit log records of it
 * ([`crate::clean::audit::Entry::ended`]).
 */
export type EndOutcome = {
/**
 * The process id.
 */
pid: number,
/**
 * Its name, as the lock scan that confirmed it a holder saw it (`gopls`, `go.exe`).
 */
name?: string,
/**
 * How it ended.
 */
how: EndHow,
/**
 * How long it took.
 */
elapsed_ms: number, };

/**
 * Everything discovery found: the variables, the caches and the problems.
 */
export type EnvReport = {
/**
 * The OS whose rules were applied.
 */
os: OsKind,
/**
 * The `go` binary, when one was found.
 */
go: GoInfo | null,
/**
 * Resolved variables, by name.
 */
vars: { [key in string]: Var },
/**
 * Caches, in a stable order (module cache first).
 */
caches: Array<Cache>,
/**
 * Problems, most severe first.
 */
problems: Array<Problem>,
/**
 * Go's telemetry settings; `None` when there is no user configuration directory (Go then
 * keeps telemetry off).
 */
telemetry: Telemetry | null,
/**
 * What the login-shell import did ([`crate::shellenv`]); `None` when the environment was
 * not built by [`crate::shellenv::import`] (tests, literal environments).
 */
shell_env: ShellEnvReport | null, };

/**
 * Every machine-readable error code a front end can receive, serialized as the variant's name
 * (`"PermissionDenied"`): the `code` of the app's command errors (`{"code", "message"}`), which
 * the UI branches on through the generated TypeScript union `ErrorCode`
 * (ui/src/lib/bindings), so a code misspelt on either side fails to compile.
 */
export type ErrorCode = "Io" | "PermissionDenied" | "NotFound" | "Cancelled" | "BadRoot" | "GoCommand" | "BadEscape" | "Parse" | "NotReported" | "InvalidModule" | "RefusedSystem" | "RefusedSelf" | "RefusedOtherUser" | "RefusedProtected" | "NotAHolder" | "ProcessChanged" | "Unidentified" | "ScanFailed" | "StillRunning" | "Unsupported" | "BadArgument" | "BadSettings" | "ElevationDenied" | "ElevationUnavailable" | "Internal" | "NotUndoable" | "UnknownPlan" | "UnknownRun" | "Conflict";

/**
 * The file formats.
 */
export type ExportFormat = "csv" | "json";

/**
 * One module version as exported.
 */
export type ExportRow = {
/**
 * Module path (`github.com/BurntSushi/toml`).
 */
module: string,
/**
 * Version (`v1.4.0`).
 */
version: string,
/**
 * Regular files in the extracted directory.
 */
files: number,
/**
 * Apparent bytes of the extracted directory.
 */
bytes: number,
/**
 * Allocated bytes of the extracted directory.
 */
disk_bytes: number,
/**
 * Bytes of the version's download files (`cache/download/.../@v/`).
 */
download_bytes: number,
/**
 * Newest modification time in the directory, Unix seconds.
 */
newest_mtime: number | null,
/**
 * Whether it is a downloaded Go toolchain.
 */
toolchain: boolean,
/**
 * The last verification's verdict, when one ran.
 */
verify: VerifyStatus | null, };

/**
 * Bytes, allocated bytes and regular files: the figures of a whole.
 */
export type Figures = {
/**
 * Apparent size (`du -sb`).
 */
bytes: number,
/**
 * Allocated size (`du -sB1`).
 */
disk_bytes: number,
/**
 * Regular files.
 */
files: number, };

/**
 * One changed file of a `dir-modified` version.
 */
export type FileChange = {
/**
 * Path inside the module (`/` separators, without the `module@version/` prefix).
 */
name: string,
/**
 * What changed.
 */
change: FileChangeKind, };

/**
 * How a file of an extracted tree differs from the zip.
 */
export type FileChangeKind = "modified" | "added" | "removed";

/**
 * One way to fix a finding.
 */
export type Fix = {
/**
 * A command to copy, or an app action.
 */
kind: FixKind,
/**
 * The shell of a command; `None` for actions.
 */
shell: Shell | null,
/**
 * The command line, or the action string.
 */
text: string, };

/**
 * Whether a fix is a command to copy or an action the app runs.
 */
export type FixKind = "command" | "action";

/**
 * One entry directly inside the folder asked about: a folder with everything under it, or
 * the loose files of that folder counted together.
 */
export type FolderSize = {
/**
 * The folder's name (one path element); empty for the loose files.
 */
name: string,
/**
 * Whether it is a folder (false: the files directly inside the folder asked about).
 */
dir: boolean,
/**
 * Apparent size of everything in it, as `du -sb` counts (directories included).
 */
bytes: number,
/**
 * Regular files in it.
 */
files: number, };

/**
 * The `go` binary found on this machine, if any.
 */
export type GoInfo = {
/**
 * Path of the `go` binary.
 */
path: string,
/**
 * `go env GOVERSION`, e.g. `go1.23.5`.
 */
version: string | null,
/**
 * `go env GOROOT`.
 */
goroot: string | null, };

/**
 * `guide_context`'s answer: what the guidance pages fill in for the current OS.
 */
export type GuideContext = {
/**
 * This machine's OS.
 */
os: OsKind,
/**
 * The `go` binary, when found.
 */
go: GoInfo | null,
/**
 * The resolved variables with their sources (as `env_report`).
 */
vars: { [key in string]: Var },
/**
 * The discovered caches.
 */
caches: Array<Cache>,
/**
 * The user's home directory (`$HOME`, `%USERPROFILE%`).
 */
home: string | null,
/**
 * The user's login name (`$USER`, `%USERNAME%`).
 */
user: string | null, };

/**
 * One path a process holds.
 */
export type HeldPath = {
/**
 * The cache it is in (the innermost one: toolchains inside the module cache).
 */
cache: CacheKind | null,
/**
 * For the module cache: `module@version` (unescaped, e.g.
 * `github.com/BurntSushi/toml@v1.2.0`), or just the module path for `@v/list`.
 */
module: string | null,
/**
 * The path.
 */
path: string,
/**
 * How it is held.
 */
kind: HoldKind, };

/**
 * How a process holds a path.
 */
export type HoldKind = "open-file" | "cwd" | "root" | "exe" | "mmap" | "flock" | "deleted-open";

/**
 * A process holding files in the caches.
 */
export type Holder = {
/**
 * Process id.
 */
pid: number,
/**
 * When the process started, an opaque number in the OS' own unit (Linux: clock ticks
 * after boot, `/proc/PID/stat` field 22; macOS and Windows: microseconds since the Unix
 * epoch). Pass it back with the pid to [`super::end_process`] ([`super::ProcessIdentity`]);
 * `None` when it could not be read.
 */
start_time: number | null,
/**
 * Short process name.
 */
name: string,
/**
 * Executable path, when readable.
 */
exe: string | null,
/**
 * User name, when known.
 */
user: string | null,
/**
 * Numeric user id (Unix).
 */
uid: number | null,
/**
 * Whether it runs as the user running Go Cache Doctor (ending it needs no elevation).
 */
is_current_user: boolean | null,
/**
 * Every way it holds something, sorted.
 */
kinds: Array<HoldKind>,
/**
 * The caches it holds files in, sorted.
 */
caches: Array<CacheKind>,
/**
 * The module versions (`module@version`) it holds files of, sorted.
 */
modules: Array<string>,
/**
 * The paths held, sorted by cache, module, path.
 */
paths: Array<HeldPath>,
/**
 * The Go tool it is (`go`, `gopls`, `compile`, `dlv`, `golangci-lint`, ...), if any.
 */
tool: string | null,
/**
 * Go tool, IDE, antivirus or other.
 */
category: HolderCategory,
/**
 * A friendly application name (Windows Restart Manager's, or a known product's).
 */
app_name: string | null,
/**
 * What to do about it.
 */
advice: string,
/**
 * Its command line, when readable.
 */
cmdline: Array<string>, };

/**
 * The broad kind of a holder.
 */
export type HolderCategory = "go-tool" | "ide" | "antivirus" | "other";

/**
 * The result of one plan item.
 */
export type ItemResult = {
/**
 * The item's path ([`PlanItem::path`]).
 */
path: string,
/**
 * The item's label.
 */
label: string,
/**
 * How it ended.
 */
outcome: Outcome,
/**
 * Why it was skipped or failed; `None` when removed.
 */
cause: CauseKind | null,
/**
 * Details of the cause.
 */
detail: CauseDetail | null,
/**
 * Bytes freed (or, before the purge, bytes that will be freed).
 */
bytes: number,
/**
 * Whether it was deleted in place because it could not be quarantined.
 */
in_place: boolean,
/**
 * A note for people (why it was deleted in place, ...).
 */
note: string | null, };

/**
 * A language of the user-facing texts.
 */
export type Lang = "en" | "zh-CN";

/**
 * What the dashboard needs of the last complete scan, to paint it before the next one ends.
 */
export type LastScan = {
/**
 * The format version ([`FORMAT`]).
 */
v: number,
/**
 * When the scan ended, Unix seconds.
 */
time: number,
/**
 * Its caches, as [`Report::caches`] (unreadable paths left out).
 */
caches: Array<CacheScan>,
/**
 * Its total, as [`Report::total`].
 */
total: Figures,
/**
 * As [`Report::modcache_parts`].
 */
modcache_parts: ModcacheParts | null,
/**
 * As [`Report::build`].
 */
build: BuildScan | null,
/**
 * Module paths (the length of [`Report::module_totals`]).
 */
module_count: number,
/**
 * Extracted module versions (the length of [`Report::modules`]).
 */
version_count: number,
/**
 * `path@version` of the versions that were not in the scan before this one, at most
 * [`MAX_NEW_MODULES`]; empty when there was no earlier scan to compare with.
 */
new_modules: Array<string>,
/**
 * How many versions were new (may exceed the length of `new_modules`).
 */
new_module_count: number, };

/**
 * Where a last-use time comes from.
 */
export type LastUseSource = "in-use" | "atime" | "mtime";

/**
 * Everything found under a set of roots.
 */
export type LocksReport = {
/**
 * The holders, Go tools first, then by name and pid.
 */
holders: Array<Holder>,
/**
 * Per root: how many holders.
 */
caches: Array<CacheHolders>,
/**
 * Processes that could not be inspected (other users', without privileges).
 */
inaccessible: number,
/**
 * Non-fatal problems from the probe.
 */
warnings: Array<string>,
/**
 * The probe used (`procfs`, `libproc`, ...).
 */
probe: string,
/**
 * How long the probe took.
 */
elapsed_ms: number, };

/**
 * One go.sum line the cache disagrees with (or whose cache copy is damaged).
 */
export type Mismatch = {
/**
 * Module path.
 */
path: string,
/**
 * Version.
 */
version: string,
/**
 * Whether it is the `/go.mod` line.
 */
go_mod: boolean,
/**
 * Line number in go.sum.
 */
line: number,
/**
 * The hash go.sum holds.
 */
gosum_hash: string,
/**
 * The hash of the cache's copy (`.ziphash`, or the `.mod` file's hash).
 */
cache_hash: string | null,
/**
 * The likely cause.
 */
cause: MismatchCause,
/**
 * What the proxy serves for this line, when compared.
 */
proxy: ProxyCheck | null,
/**
 * A paragraph for people: what happened and what to do (the English of
 * `explanation_msg`).
 */
explanation: string,
/**
 * The facts behind the cause, one sentence each (the English of `evidence_msgs`).
 */
evidence: Array<string>,
/**
 * `explanation` as a message, for the app to show in the user's language.
 */
explanation_msg: VerifyMsg,
/**
 * `evidence` as messages.
 */
evidence_msgs: Array<VerifyMsg>, };

/**
 * The likely cause of a mismatch.
 */
export type MismatchCause = "cache-corrupted" | "retagged" | "settings" | "gosum-wrong" | "cache-other";

/**
 * The module cache split into parts; each part's bytes, allocated bytes and files add up to
 * the cache's [`CacheReport::bytes`], [`CacheReport::disk_bytes`] and [`CacheReport::files`].
 * The one definition of each part, shown by the dashboard, the module view and the CLI.
 */
export type ModcacheParts = {
/**
 * Apparent bytes of the extracted module trees (`<module>@<version>/` and everything in
 * them, toolchains included): the sum of the [`ModuleRow::bytes`] (a file hard-linked
 * into several trees counted once here, once per tree in the rows).
 */
extracted_bytes: number,
/**
 * Allocated bytes of the extracted module trees.
 */
extracted_disk_bytes: number,
/**
 * Regular files in the extracted module trees.
 */
extracted_files: number,
/**
 * `cache/download/**` except the sumdb part: every downloaded version's zip, hashes,
 * `go.mod` and `.info` (versions never extracted included), `list` and lock files.
 */
download_bytes: number,
/**
 * Allocated bytes of the download part.
 */
download_disk_bytes: number,
/**
 * Regular files of the download part.
 */
download_files: number,
/**
 * `cache/vcs/**` (VCS checkouts for direct mode).
 */
vcs_bytes: number,
/**
 * Allocated bytes of the VCS checkouts.
 */
vcs_disk_bytes: number,
/**
 * Regular files of the VCS checkouts.
 */
vcs_files: number,
/**
 * `cache/download/sumdb/**`.
 */
sumdb_bytes: number,
/**
 * Allocated bytes of the sumdb part.
 */
sumdb_disk_bytes: number,
/**
 * Regular files of the sumdb part.
 */
sumdb_files: number,
/**
 * Everything else: the root and the directories holding the module trees
 * (`github.com/`, ...), other files outside `cache/`, `cache/` itself and anything else
 * in it, plus a quarantine waiting for its purge.
 */
other_bytes: number,
/**
 * Allocated bytes of the other part.
 */
other_disk_bytes: number,
/**
 * Regular files of the other part.
 */
other_files: number, };

/**
 * A module version by path and version (both unescaped).
 */
export type ModuleRef = {
/**
 * Module path, e.g. `github.com/BurntSushi/toml`.
 */
path: string,
/**
 * Version, e.g. `v1.2.0`.
 */
version: string,
/**
 * Remove only the extracted tree and the zip, keeping `.mod` and `.info` (a project
 * still needs the version's `go.mod` for its module graph).
 */
keep_mod_files?: boolean, };

/**
 * All extracted versions of one module path.
 */
export type ModuleTotal = {
/**
 * Module path, unescaped.
 */
path: string,
/**
 * Number of extracted versions.
 */
versions: number,
/**
 * Sum of the versions' `bytes`.
 */
bytes: number,
/**
 * Sum of the versions' `disk_bytes`.
 */
disk_bytes: number,
/**
 * Sum of the versions' `download_bytes`.
 */
download_bytes: number,
/**
 * Sum of the versions' `files`.
 */
files: number, };

/**
 * One extracted module version (`<GOMODCACHE>/<escpath>@<escver>/`).
 */
export type ModuleVersion = {
/**
 * Module path, unescaped (`github.com/BurntSushi/toml`). Left escaped when the directory
 * name is not a valid escape (that directory is then also counted as unreadable).
 */
path: string,
/**
 * Version, unescaped.
 */
version: string,
/**
 * The extracted directory.
 */
dir: string,
/**
 * `du -sb dir`.
 */
bytes: number,
/**
 * `du -sB1 dir`.
 */
disk_bytes: number,
/**
 * Regular files in the directory.
 */
files: number,
/**
 * Apparent size of the version's files in `cache/download/<escpath>/@v/`: `.zip`,
 * `.ziphash`, `.mod`, `.info`, `.partial` and Go's `*.tmp` (what a clean of the version
 * removes; not `.lock`, which stays).
 */
download_bytes: number,
/**
 * Newest modification time in the directory, Unix seconds.
 */
newest_mtime: number | null,
/**
 * Whether this is a downloaded Go toolchain (`golang.org/toolchain`).
 */
toolchain: boolean,
/**
 * Whether the go command downloaded it for itself (a toolchain or Go's telemetry
 * configuration, `projects::is_gos_own`): never "unused by projects". `Some(true)`, or
 * absent.
 */
gos_own?: boolean, };

/**
 * A go.sum line whose version is not in the module cache, so the cache cannot confirm it.
 */
export type NotInCache = {
/**
 * Module path.
 */
path: string,
/**
 * Version.
 */
version: string,
/**
 * Whether it is the `/go.mod` line.
 */
go_mod: boolean,
/**
 * Line number in go.sum.
 */
line: number,
/**
 * The hash go.sum holds.
 */
gosum_hash: string,
/**
 * The comparison with the proxy, when asked for ([`super::Options::compare_proxy`]).
 */
proxy: ProxyCheck | null, };

/**
 * The operating-system families whose Go defaults differ.
 */
export type OsKind = "linux" | "macos" | "windows";

/**
 * How an item ended.
 */
export type Outcome = "removed" | "skipped" | "failed";

/**
 * The owner of the entry a permission failure is about.
 */
export type Owner = {
/**
 * Numeric user id (Unix).
 */
uid: number | null,
/**
 * User name, when it can be resolved.
 */
name: string | null,
/**
 * Whether it is the user running the clean.
 */
is_current_user: boolean, };

/**
 * Why a permission failure happened, beyond "someone else owns it".
 */
export type PermCause = "user-immutable" | "system-immutable" | "sip-restricted" | "privacy-denied" | "ownership";

/**
 * Exactly what a clean will do. [`execute`] takes this same object, so the preview and the
 * execution cannot disagree.
 */
export type Plan = {
/**
 * When the plan was made, Unix seconds.
 */
created: number,
/**
 * The targets it was made from.
 */
targets: Array<Target>,
/**
 * What will be removed, in order.
 */
items: Array<PlanItem>,
/**
 * What will not, and why.
 */
skipped: Array<SkippedTarget>,
/**
 * Things to know before confirming (e.g. the running toolchain lives in the cache).
 */
warnings: Array<string>,
/**
 * Sum of the items' bytes.
 */
total_bytes: number,
/**
 * Sum of the items' allocated bytes.
 */
total_disk_bytes: number,
/**
 * Sum of the items' files.
 */
total_files: number, };

/**
 * How an item is removed.
 */
export type PlanAction = { "kind": "root" } | { "kind": "tree" } | { "kind": "entries",
/**
 * The entries.
 */
entries: Array<PlanEntry>, } | { "kind": "module-version",
/**
 * Module path (unescaped).
 */
module: string,
/**
 * Version (unescaped).
 */
version: string,
/**
 * Module path as stored on disk (`!`-escaped).
 */
escpath: string,
/**
 * Version as stored on disk.
 */
escver: string,
/**
 * Keep `.mod` and `.info`.
 */
keep_mod_files?: boolean, } | { "kind": "test-expire" };

/**
 * One path of a multi-entry item, with its size.
 */
export type PlanEntry = {
/**
 * The entry.
 */
path: string,
/**
 * Apparent bytes (`du -sb`).
 */
bytes: number,
/**
 * Allocated bytes (`du -sB1`).
 */
disk_bytes: number,
/**
 * Regular files.
 */
files: number, };

/**
 * One thing the plan will remove.
 */
export type PlanItem = {
/**
 * The cache it belongs to.
 */
cache: CacheKind,
/**
 * That cache's root.
 */
root: string,
/**
 * What goes (for a module version, its extracted directory).
 */
path: string,
/**
 * A label for people (`module cache`, `example.com/m@v1.0.0`, ...).
 */
label: string,
/**
 * How it is removed.
 */
action: PlanAction,
/**
 * Apparent bytes freed (`du -sb`).
 */
bytes: number,
/**
 * Allocated bytes freed (`du -sB1`).
 */
disk_bytes: number,
/**
 * Regular files removed.
 */
files: number, };

/**
 * [`CleanSession::plan`]'s answer.
 */
export type PlannedClean = {
/**
 * The id [`CleanSession::execute`] takes.
 */
id: string,
/**
 * What will be removed.
 */
plan: Plan, };

/**
 * Something wrong or noteworthy found during discovery.
 */
export type Problem = {
/**
 * Stable identifier (`gocache-off`, `gomodcache-relative`, `go-env-mismatch`, ...).
 */
id: string,
/**
 * How bad it is.
 */
severity: Severity,
/**
 * A sentence for people: what is wrong and what to do.
 */
message: string,
/**
 * The variable concerned, if any.
 */
var?: string, };

/**
 * One progress event from a long operation.
 */
export type ProgressEvent = { "event": "scanStarted", "data": {
/**
 * Cache kind (`modcache`, `build`, ...).
 */
kind: CacheKind,
/**
 * Cache root.
 */
path: string, } } | { "event": "scanProgress", "data": {
/**
 * Cache kind being scanned.
 */
kind: CacheKind,
/**
 * Entries (files, dirs, symlinks) seen so far in this cache.
 */
entries: number,
/**
 * Apparent bytes seen so far in this cache.
 */
bytes: number,
/**
 * Entries seen so far across all caches of this scan.
 */
total_entries: number,
/**
 * Apparent bytes seen so far across all caches of this scan.
 */
total_bytes: number,
/**
 * A recently visited path, to show the user where the walk is.
 */
current: string, } } | { "event": "scanFinished", "data": {
/**
 * Cache kind.
 */
kind: CacheKind,
/**
 * Apparent size in bytes.
 */
bytes: number,
/**
 * Number of regular files.
 */
files: number, } };

/**
 * The go.sum comparison of [`verify_project`].
 */
export type ProjectReport = {
/**
 * The project directory.
 */
dir: string,
/**
 * The go.sum read.
 */
gosum: string,
/**
 * go.sum lines compared.
 */
lines: number,
/**
 * Lines that agree with an intact cache copy.
 */
matched: number,
/**
 * Lines whose version is not in the cache: the cache cannot confirm them (Go downloads
 * the version when a build needs it, and fails if the proxy serves other content).
 */
not_in_cache: Array<NotInCache>,
/**
 * Module versions whose zip and tree were verified as `go mod verify` does (the build
 * list, and every version with a zip line in go.sum), when in the cache.
 */
versions_checked: number,
/**
 * Where the set of versions came from: `go list -m all` (the build list `go mod verify`
 * checks), or why every version go.sum names was checked instead (the English of
 * `version_set_msg`).
 */
version_set: string,
/**
 * `version_set` as a message.
 */
version_set_msg: VerifyMsg,
/**
 * Whether the lines the cache cannot confirm were compared with the proxy.
 */
proxy_compared: boolean,
/**
 * Disagreements, in go.sum order.
 */
mismatches: Array<Mismatch>,
/**
 * The settings that matter for checksums, as `NAME=value (source)` (the English of
 * `settings_msgs`).
 */
settings: Array<string>,
/**
 * `settings` as messages.
 */
settings_msgs: Array<VerifyMsg>, };

/**
 * The comparison of one go.sum line with the proxy.
 */
export type ProxyCheck = {
/**
 * The verdict.
 */
verdict: ProxyVerdict,
/**
 * The `h1:` of what the proxy serves, when fetched.
 */
proxy_hash: string | null,
/**
 * The proxy asked (credentials hidden), when one was.
 */
proxy: string | null,
/**
 * Whether Go also checked the content against the checksum database (an `https` proxy
 * with GOSUMDB on and the module not in GONOSUMDB/GOPRIVATE).
 */
sumdb_checked: boolean,
/**
 * A sentence for people: what was compared, or why nothing could be (the English of
 * `note_msg`).
 */
note: string,
/**
 * `note` as a message, for the app to show in the user's language.
 */
note_msg: VerifyMsg, };

/**
 * What the proxy said about one go.sum line.
 */
export type ProxyVerdict = "same" | "differs" | "not-found" | "cannot-check";

/**
 * Why a module version goes or stays.
 */
export type Reason = "in-use" | "latest" | "recent" | "toolchain" | "no-projects" | "unused-days" | "over-budget" | "unnamed-toolchain" | "gos-own";

/**
 * What [`repair`] did.
 */
export type RepairReport = {
/**
 * The versions asked for (`path@version`).
 */
versions: Array<string>,
/**
 * The clean results, one per removed (or failed) version.
 */
removed: Array<ItemResult>,
/**
 * Versions the clean plan left out, and why.
 */
skipped: Array<SkippedTarget>,
/**
 * The re-download, when Go is installed and `download` was asked.
 */
download: Download | null,
/**
 * Why no re-download ran, when it did not (the English of `note_msg`).
 */
note: string | null,
/**
 * `note` as a message, for the app to show in the user's language.
 */
note_msg: VerifyMsg | null,
/**
 * Why the audit entry could not be written, when it could not.
 */
audit_error: string | null, };

/**
 * Progress of a repair (`{"event", "data"}` on the app's `verify_repair` channel).
 */
export type RepairUpdate = { "event": "repairStarted", "data": {
/**
 * `path@version` of each version.
 */
versions: Array<string>,
/**
 * Whether `go mod download` will run afterwards (Go was found).
 */
download: boolean, } } | { "event": "repairFinished", "data": {
/**
 * Versions the clean engine removed.
 */
removed: number,
/**
 * Whether the re-download succeeded (`None` when it did not run).
 */
download_success: boolean | null, } };

/**
 * The state of a run as [`CleanSession::execute`] returns it.
 */
export type RunState = "holding" | "purging" | "done";

/**
 * The result of [`scan`].
 */
export type ScanReport = {
/**
 * One entry per scanned cache, in the order given.
 */
caches: Array<CacheScan>,
/**
 * Every scanned cache counted once: the sum of the caches that do not live inside another
 * ([`CacheReport::inside`]), so toolchains are counted in the module cache only. The
 * header's total and the CLI's total line.
 */
total: Figures,
/**
 * Module versions of the module cache, largest first.
 */
modules: Array<ModuleVersion>,
/**
 * Per module path, largest first.
 */
module_totals: Array<ModuleTotal>,
/**
 * The module cache by part; `None` when it was not scanned.
 */
modcache_parts: ModcacheParts | null,
/**
 * Build cache details; `None` when it was not scanned.
 */
build: BuildScan | null,
/**
 * Wall time of the scan.
 */
elapsed_ms: number,
/**
 * Whether the scan was cancelled (totals are then partial).
 */
cancelled: boolean, };

/**
 * What [`install`] did.
 */
export type ScheduleInstallReport = {
/**
 * What triggers the runs now.
 */
mechanism: ScheduleMechanism,
/**
 * The files written.
 */
files: Array<string>,
/**
 * The crontab lines added (`@daily` and `@reboot`), if any.
 */
cron_lines: Array<string>,
/**
 * The scheduler's own name of the entry: the launchd service (`gui/<uid>/<label>`) or
 * the Task Scheduler task.
 */
entry: string | null,
/**
 * When the runs happen, in words.
 */
schedule: string,
/**
 * Things the user should know (e.g. that nothing triggers the files).
 */
notes: Array<string>, };

/**
 * What triggers the scheduled runs.
 */
export type ScheduleMechanism = "systemd_user" | "cron" | "files_only" | "launch_agent" | "task_scheduler";

/**
 * What [`status`] found.
 */
export type ScheduleStatus = {
/**
 * Whether a schedule is installed.
 */
installed: boolean,
/**
 * What triggers the runs, when installed.
 */
mechanism: ScheduleMechanism | null,
/**
 * The scheduler this OS uses, in words (also when not installed).
 */
scheduler: string,
/**
 * The schedule's files that exist.
 */
files: Array<string>,
/**
 * Our crontab lines, when there are any.
 */
cron_lines: Array<string>,
/**
 * The scheduler's own name of the entry, when registered (see [`InstallReport::entry`]).
 */
entry: string | null,
/**
 * When the runs happen, in words.
 */
schedule: string,
/**
 * The next run: as the scheduler reports it (systemd, Task Scheduler), else computed from
 * the daily trigger in local time (cron, launchd); `None` when nothing triggers a run.
 */
next_run: string | null,
/**
 * The last automatic runs, newest first (at most 10).
 */
last_runs: Array<AutoLastRun>,
/**
 * Bytes freed by all automatic runs in the audit log.
 */
total_freed: number,
/**
 * Things the user should know.
 */
notes: Array<string>, };

/**
 * What [`uninstall`] removed.
 */
export type ScheduleUninstallReport = {
/**
 * The files and links removed.
 */
removed: Array<string>,
/**
 * Whether our crontab lines were removed.
 */
cron_line_removed: boolean,
/**
 * The scheduler entry removed (the launchd service, the Task Scheduler task), if any.
 */
unregistered: string | null,
/**
 * Things the user should know.
 */
notes: Array<string>, };

/**
 * One way of selecting module versions.
 */
export type SelectCriteria = { "kind": "unused",
/**
 * Directories holding Go projects.
 */
roots: Array<string>, } | { "kind": "older-than",
/**
 * Age in days.
 */
days: number, } | { "kind": "keep-latest",
/**
 * Versions kept per module.
 */
n: number, };

/**
 * A selected module version.
 */
export type SelectedVersion = {
/**
 * Module path.
 */
path: string,
/**
 * Version.
 */
version: string, };

/**
 * What [`select_modules`] selected.
 */
export type Selection = {
/**
 * The versions, sorted by path then version.
 */
versions: Array<SelectedVersion>,
/**
 * Projects read (for `unused`).
 */
projects: number,
/**
 * Their directories (for `unused`), as the app offers them to Verify's project field.
 */
project_dirs: Array<string>,
/**
 * Problems that did not stop the selection.
 */
warnings: Array<string>, };

/**
 * The app's settings.
 */
export type Settings = {
/**
 * Directories holding the user's Go projects ("select unused").
 */
project_roots: Array<string>,
/**
 * "Select older than" default, in days.
 */
older_than_days: number,
/**
 * "Keep latest N" default.
 */
keep_latest: number,
/**
 * The UI language the user chose (`en`, `zh-CN`); `None` follows the OS.
 */
language: Lang | null,
/**
 * The colour theme: follow the OS, or always light or dark.
 */
theme: Theme,
/**
 * Whether a clean asks for confirmation (with its preview) before it runs. When off, the
 * preview is still computed and the undo window still applies.
 */
confirm_before_clean: boolean,
/**
 * Whether the first-run welcome screen was seen (it is shown once).
 */
welcome_seen: boolean,
/**
 * Whether the app shows its tray icon (menu bar on macOS) with the total size of the Go
 * caches and "Clean now" (off by default; absent in files written before it existed).
 */
tray_icon: boolean,
/**
 * The automatic cleanup policy (`gocache-doctor auto run`; off by default); `None` when
 * the file has none (the defaults apply: [`Settings::policy`]). A save without it keeps
 * the stored one, so a writer that does not know the policy never resets it. A value this
 * version cannot read is kept as it is in the file and reported when the policy is used
 * ([`AutoPolicy::invalid`]), instead of making the whole file corrupt. The app reads it
 * here and stores it only through its own command (its `settings_set` keeps the stored
 * one), so saving another setting never overwrites a policy the app could not read.
 */
autopilot?: AutoPolicy,
/**
 * Something the user should know about the settings file (never stored).
 */
notice: string | null, };

/**
 * How bad a [`Problem`] is.
 */
export type Severity = "error" | "warning" | "info";

/**
 * A shell a command fix is written for.
 */
export type Shell = "bash" | "powershell" | "cmd";

/**
 * A variable the process environment and the login shell disagree on. Values are redacted
 * ([`crate::redact::var_value`]): they are for display only.
 */
export type ShellEnvDisagreement = {
/**
 * The variable.
 */
name: string,
/**
 * Its value in the process environment (`None`: unset or empty).
 */
process_value: string | null,
/**
 * Its value in the login shell (`None`: unset or empty); the value now in use.
 */
shell_value: string | null, };

/**
 * A failed import, for display.
 */
export type ShellEnvFailure = {
/**
 * [`ResolveError::code`].
 */
code: string,
/**
 * [`ResolveError`]'s message (redacted).
 */
message: string, };

/**
 * What the login-shell import did, attached to the merged [`EnvMap`] and reported by
 * discovery as `shell_env`.
 */
export type ShellEnvReport = {
/**
 * Whether the login shell was run.
 */
attempted: boolean,
/**
 * Why it was (or was not) run ([`Decision::reason`]).
 */
reason: string,
/**
 * The shell, e.g. `/bin/zsh`, when one was chosen.
 */
shell: string | null,
/**
 * Its arguments (`-l`, `-i`).
 */
args: Array<string>,
/**
 * How long it took, in milliseconds.
 */
elapsed_ms: number,
/**
 * The variables whose (non-empty) values the environment took from the shell, sorted.
 */
imported: Array<string>,
/**
 * The variables on which the process environment and the login shell disagree.
 */
disagreements: Array<ShellEnvDisagreement>,
/**
 * Why the import failed, when it did (the process environment is then used unchanged).
 */
error: ShellEnvFailure | null,
/**
 * A value of [`MODE_VAR`] that is not `on`, `off` or `auto`.
 */
bad_mode: string | null, };

/**
 * What the dashboard shows before (and after) a scan: the last complete scan, and each of
 * its caches' growth and chart.
 */
export type SizeHistory = {
/**
 * The last complete scan; `None` before the first (or when its file is unusable).
 */
last: LastScan | null,
/**
 * One entry per cache of the last scan (or, without one, of the latest point).
 */
caches: Array<CacheHistory>,
/**
 * Lines of the history file that could not be read (skipped).
 */
bad_lines: number,
/**
 * Lines of a newer release's format (skipped; the file is then only appended to).
 */
newer_lines: number, };

/**
 * One point of a cache's chart.
 */
export type SizePoint = {
/**
 * When, Unix seconds.
 */
time: number,
/**
 * Apparent size then.
 */
bytes: number, };

/**
 * A requested target (or part of one) that the plan leaves out, and why.
 */
export type SkippedTarget = {
/**
 * The target's label.
 */
target: string,
/**
 * The path concerned, if any.
 */
path: string | null,
/**
 * Why (`not-present`, `covered`, `in-use`).
 */
cause: CauseKind,
/**
 * A sentence for people.
 */
reason: string, };

/**
 * Where a resolved value came from.
 */
export type Source = "env" | "goenv-file" | "goroot-go.env" | "default" | "login-shell";

/**
 * What the user asked to clean.
 */
export type Target = { "target": "modcache" } | { "target": "toolchains" } | { "target": "vcs" } | { "target": "build" } | { "target": "test" } | { "target": "fuzz" } | { "target": "gopls" } | { "target": "gopls-index" } | { "target": "golangci-lint" } | { "target": "staticcheck" } | { "target": "module",
/**
 * The module path (unescaped).
 */
path: string, } | { "target": "module-version",
/**
 * The module path (unescaped).
 */
path: string,
/**
 * The version (unescaped).
 */
version: string, } | { "target": "module-versions",
/**
 * The versions.
 */
versions: Array<ModuleRef>, } | { "target": "build-older-than",
/**
 * Age in days.
 */
days: number, } | { "target": "build-budget",
/**
 * The budget in bytes.
 */
max_bytes: number, };

/**
 * Go's telemetry settings (`go env GOTELEMETRY GOTELEMETRYDIR`).
 */
export type Telemetry = {
/**
 * GOTELEMETRYDIR: `os.UserConfigDir()/go/telemetry`, holding `mode`, `local/` (counter
 * files and reports) and `upload/` (uploaded reports).
 */
dir: string,
/**
 * The mode (`go env GOTELEMETRY`).
 */
mode: TelemetryMode,
/**
 * Whether `go env` reported these values (else they were read from the mode file, as
 * golang.org/x/telemetry does).
 */
from_go: boolean, };

/**
 * Go's telemetry mode, as `go telemetry` prints it.
 */
export type TelemetryMode = "on" | "local" | "off";

/**
 * The colour theme.
 */
export type Theme = "system" | "light" | "dark";

/**
 * Whether the tray icon is shown, and why not when it is wanted but is not.
 */
export type TrayStatus = {
/**
 * The `tray_icon` setting.
 */
wanted: boolean,
/**
 * Whether the icon is there now.
 */
shown: boolean,
/**
 * The package to install first (Linux without libayatana-appindicator3); `None` when
 * nothing is missing.
 */
missing_package: string | null,
/**
 * Why creating the icon failed, as the tray library said.
 */
error: string | null, };

/**
 * One entry Undo could not move back.
 */
export type UndoFailure = {
/**
 * Where it should have gone back to.
 */
path: string,
/**
 * Why it could not.
 */
error: string, };

/**
 * [`CleanSession::undo`]'s answer (also the `undone` update).
 */
export type UndoReport = {
/**
 * The run.
 */
run_id: string,
/**
 * Entries moved back.
 */
restored: number,
/**
 * Entries Go had re-created meanwhile (their quarantined copy was purged).
 */
superseded: number,
/**
 * Items whose purge had already started (they finished purging).
 */
already_purged: number,
/**
 * Entries that could not go back (they stay in quarantine, purged at the next start).
 */
failures: Array<UndoFailure>, };

/**
 * One resolved variable.
 */
export type Var = {
/**
 * The effective value (may be empty, e.g. GOPATH when `~/go` is GOROOT).
 */
value: string,
/**
 * Where it came from.
 */
source: Source, };

/**
 * Progress of a verification, serialized `{"event", "data"}` like scan progress.
 */
export type VerifyEvent = { "event": "verifyStarted", "data": {
/**
 * Module versions to check.
 */
versions: number,
/**
 * Build-cache entries to check.
 */
build_entries: number,
/**
 * Bytes to hash in total.
 */
total_bytes: number, } } | { "event": "verifyProgress", "data": {
/**
 * Bytes hashed so far.
 */
bytes: number,
/**
 * Bytes to hash in total.
 */
total_bytes: number,
/**
 * Module versions finished.
 */
versions_done: number,
/**
 * Module versions to check.
 */
versions: number,
/**
 * Broken versions found so far.
 */
broken: number,
/**
 * A version recently finished.
 */
current: string, } } | { "event": "verifyFinished", "data": {
/**
 * Bytes hashed.
 */
bytes: number,
/**
 * Broken versions.
 */
broken: number,
/**
 * Whether it was cancelled.
 */
cancelled: boolean, } };

/**
 * One finding on a module version.
 */
export type VerifyFinding = {
/**
 * What kind.
 */
status: VerifyStatus,
/**
 * A sentence for people, with the evidence (the English of `msg`).
 */
message: string,
/**
 * `message` as a message, for the app to show in the user's language.
 */
msg: VerifyMsg, };

/**
 * The verification of one module version.
 */
export type VerifyModule = {
/**
 * Module path (unescaped).
 */
path: string,
/**
 * Version (unescaped).
 */
version: string,
/**
 * The most serious finding ([`Status::Ok`] when none).
 */
status: VerifyStatus,
/**
 * For `dir-modified`: the files modified, added or removed (empty when the zip is not
 * there, or not intact, to compare with).
 */
files: Array<FileChange>,
/**
 * Every finding, most serious first.
 */
findings: Array<VerifyFinding>,
/**
 * The extracted tree, when present.
 */
dir: string | null,
/**
 * `.ziphash`, when present and valid.
 */
ziphash: string | null,
/**
 * Bytes read to check this version.
 */
bytes_hashed: number, };

/**
 * A sentence for people: a message id of [`ENGLISH`] and the values of its placeholders.
 */
export type VerifyMsg = {
/**
 * The message id (`explain.retagged`, `evidence.sumdb-in-use`, `proxy.direct`, ...).
 */
id: string,
/**
 * The values of the placeholders (module labels, hashes, paths, line numbers, the
 * setting a value came from): facts, never words to translate.
 */
args: { [key in string]: string }, };

/**
 * [`VerifySession::start`]'s options (the app's `verify_start` argument).
 */
export type VerifyOptions = {
/**
 * Project mode: compare this project's go.sum with the cache and check only the versions
 * it names (the build cache is not checked). `None`: the whole module and build cache.
 */
project: string | null,
/**
 * Project mode: also compare the go.sum lines the cache cannot confirm with what the
 * proxy serves (GOPROXY; the network for an `http(s)` proxy).
 */
compare_proxy: boolean, };

/**
 * A problem not tied to one module version (build cache entries, unreadable directories,
 * names Go could not have written).
 */
export type VerifyProblem = {
/**
 * Stable identifier (`build-output-corrupt`, `build-action-malformed`,
 * `build-action-dangling`, `bad-escape`, `unreadable`, `special-file`).
 */
id: string,
/**
 * How bad it is.
 */
severity: Severity,
/**
 * The entry concerned.
 */
path: string | null,
/**
 * A sentence for people (the English of `msg`).
 */
message: string,
/**
 * `message` as a message, for the app to show in the user's language.
 */
msg: VerifyMsg, };

/**
 * The result of [`verify_cache`] or [`verify_project`]. Serialized for `verify --json`.
 */
export type VerifyReport = {
/**
 * One row per module version examined, most serious first, then by path and version.
 */
modules: Array<VerifyModule>,
/**
 * Problems not tied to a module version.
 */
problems: Array<VerifyProblem>,
/**
 * Module versions examined.
 */
checked: number,
/**
 * Module versions with a broken status ([`Status::is_broken`]).
 */
broken: number,
/**
 * The module cache examined.
 */
modcache: string | null,
/**
 * The build cache check, when run.
 */
build: BuildSummary | null,
/**
 * Project mode: the go.sum comparison.
 */
project: ProjectReport | null,
/**
 * FIFOs, sockets and devices found in the caches: never opened (reading a FIFO blocks),
 * each also listed as a `special-file` problem. In an extracted tree one also makes the
 * version `dir-modified` (module zips hold regular files only).
 */
special_files: number,
/**
 * Bytes read and hashed.
 */
bytes_hashed: number,
/**
 * Wall time in milliseconds.
 */
elapsed_ms: number,
/**
 * Whether the run was cancelled (the results are partial).
 */
cancelled: boolean, };

/**
 * The verdict on one module version. Several can apply; [`ModuleResult::status`] is the most
 * serious one and [`ModuleResult::findings`] lists them all.
 */
export type VerifyStatus = "ok" | "dir-modified" | "zip-modified" | "ziphash-invalid" | "partial" | "missing-ziphash" | "unreadable" | "writable-files" | "leftovers" | "list-inconsistent" | "download-only";

/**
 * What is inside one folder of a module version, largest first.
 */
export type VersionFolders = {
/**
 * Module path, unescaped.
 */
module: string,
/**
 * Version, unescaped.
 */
version: string,
/**
 * The folder inside the version, `/`-separated; empty for the version's own directory.
 */
sub: string,
/**
 * The folder on disk.
 */
dir: string,
/**
 * Its folders, then its loose files as one entry (when it has any), largest first.
 */
entries: Array<FolderSize>,
/**
 * The sum of `entries`' sizes.
 */
bytes: number,
/**
 * Entries that could not be read (skipped, counted).
 */
unreadable: number, };

/**
 * Something changed under the watched roots (one per debounced burst).
 */
export type WatchEvent = {
/**
 * The kinds of cache that changed, each once, in [`CacheKind::ALL`]'s order.
 */
kinds: Array<CacheKind>, };
