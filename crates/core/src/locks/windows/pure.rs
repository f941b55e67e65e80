//! The OS-independent half of the Windows probe: path normalization and matching under the
//! roots, the NT handle-table layout, buffer-growth loops, the hang watchdog, Restart Manager
//! attribution and the choice of files to register. Plain std, so it is unit-tested on Linux.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use crate::CancelToken;
use crate::locks::end::Owner;

// ---------------------------------------------------------------------------------------------
// End process: start times and owners
// ---------------------------------------------------------------------------------------------

/// 100 ns intervals from 1601-01-01 (FILETIME's epoch) to 1970-01-01.
const FILETIME_UNIX_EPOCH: u64 = 116_444_736_000_000_000;

/// A FILETIME (`GetProcessTimes`' creation time, 100 ns since 1601) as microseconds since the
/// Unix epoch: the unit macOS uses too, and below 2^53 so the UI's JavaScript numbers carry it
/// exactly (a raw FILETIME would not).
pub(super) fn filetime_to_unix_micros(ft: u64) -> u64 {
    ft.saturating_sub(FILETIME_UNIX_EPOCH) / 10
}

/// The service accounts: LocalSystem, LocalService, NetworkService.
const SERVICE_SIDS: &[&str] = &["S-1-5-18", "S-1-5-19", "S-1-5-20"];

/// Whose process it is, from its token's user SID and this process' (string SIDs): the same
/// SID is this user's, a service account or an unknown owner the system's, else another user's.
pub(super) fn owner_of_sid(target: Option<&str>, me: Option<&str>) -> Owner {
    match target {
        Some(t) if me.is_some_and(|m| m.eq_ignore_ascii_case(t)) => Owner::Me,
        Some(t) if SERVICE_SIDS.iter().any(|s| s.eq_ignore_ascii_case(t)) => Owner::System,
        None => Owner::System,
        Some(_) => Owner::Other,
    }
}

// ---------------------------------------------------------------------------------------------
// UTF-16 and path normalization
// ---------------------------------------------------------------------------------------------

/// The part of a fixed-size UTF-16 buffer before its first NUL (all of it when there is none).
pub(super) fn until_nul(buf: &[u16]) -> &[u16] {
    let end = buf.iter().position(|&c| c == 0).unwrap_or(buf.len());
    &buf[..end]
}

/// A NUL-terminated or fixed-size UTF-16 buffer as a `String` (unpaired surrogates replaced).
pub(super) fn utf16_to_string(buf: &[u16]) -> String {
    String::from_utf16_lossy(until_nul(buf))
}

/// A Windows path in a normalized form: `C:\a\b` or `\\server\share\a`, backslashes only, no
/// `\\?\`, `\??\`, `\\.\` or `\Device\Mup` prefix, no trailing separator; a
/// `\Device\HarddiskVolumeN\...` path is mapped to its drive letter through `devices`
/// (`("\Device\HarddiskVolume3", "C:")` pairs from `QueryDosDeviceW`), and kept as is when
/// no drive maps to it.
pub(super) fn normalize_win_path(raw: &str, devices: &[(String, String)]) -> String {
    let s = raw.replace('/', "\\");
    let strip = |s: &str, prefix: &str| -> Option<String> {
        let head = s.get(..prefix.len())?;
        head.eq_ignore_ascii_case(prefix)
            .then(|| s[prefix.len()..].to_string())
    };
    let mut s = if let Some(rest) = strip(&s, r"\\?\UNC\")
        .or_else(|| strip(&s, r"\??\UNC\"))
        .or_else(|| strip(&s, r"\Device\Mup\"))
    {
        format!(r"\\{rest}")
    } else if let Some(rest) = strip(&s, r"\\?\")
        .or_else(|| strip(&s, r"\??\"))
        .or_else(|| strip(&s, r"\\.\"))
    {
        rest
    } else {
        s
    };
    if s.get(..8)
        .is_some_and(|h| h.eq_ignore_ascii_case(r"\Device\"))
    {
        for (device, drive) in devices {
            if let Some(rest) = strip(&s, device)
                && (rest.is_empty() || rest.starts_with('\\'))
            {
                s = format!("{drive}{rest}");
                break;
            }
        }
    }
    // A bare drive `C:` means its root; a trailing separator is dropped except there.
    if s.len() == 2 && s.ends_with(':') {
        s.push('\\');
    }
    while s.len() > 2 && s.ends_with('\\') && !(s.len() == 3 && s.as_bytes()[1] == b':') {
        s.pop();
    }
    s
}

/// The components of a normalized Windows path, the UNC `\\` kept as a first marker.
fn win_components(norm: &str) -> Vec<&str> {
    let mut out = Vec::new();
    if norm.starts_with(r"\\") {
        out.push(r"\\");
    }
    out.extend(norm.split('\\').filter(|c| !c.is_empty()));
    out
}

/// Case-insensitive equality as NTFS compares names (Unicode upper-casing, an approximation
/// of the volume's upcase table).
fn eq_ignore_case(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
        || a.chars()
            .flat_map(char::to_uppercase)
            .eq(b.chars().flat_map(char::to_uppercase))
}

/// The roots to match against, each with the spellings it can have in a kernel path.
#[derive(Debug, Clone)]
pub(super) struct WinRoots {
    /// (as the caller wrote it, normalized key) pairs; one root can have several keys.
    keys: Vec<(String, String)>,
}

impl WinRoots {
    /// `roots` as given by the caller, each with the extra spellings from `canonical` (e.g.
    /// `std::fs::canonicalize`, which resolves junctions and returns `\\?\C:\...`).
    pub(super) fn new(
        roots: &[String],
        canonical: impl Fn(&str) -> Option<String>,
        devices: &[(String, String)],
    ) -> Self {
        let mut keys = Vec::new();
        for root in roots {
            let shown = normalize_win_path(root, &[]);
            let mut push = |key: String| {
                if !keys
                    .iter()
                    .any(|(s, k): &(String, String)| s == &shown && eq_ignore_case(k, &key))
                {
                    keys.push((shown.clone(), key));
                }
            };
            push(normalize_win_path(root, devices));
            if let Some(c) = canonical(root) {
                push(normalize_win_path(&c, devices));
            }
        }
        Self { keys }
    }

    /// Whether there are no roots at all.
    pub(super) fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// `path` (any spelling) re-expressed under the caller's root it lies in, compared
    /// case-insensitively and component-wise; `None` when it is under no root.
    pub(super) fn rebase(&self, path: &str, devices: &[(String, String)]) -> Option<String> {
        let norm = normalize_win_path(path, devices);
        let comps = win_components(&norm);
        for (shown, key) in &self.keys {
            let kc = win_components(key);
            if kc.is_empty() || comps.len() < kc.len() {
                continue;
            }
            if kc.iter().zip(&comps).all(|(a, b)| eq_ignore_case(a, b)) {
                let rest = &comps[kc.len()..];
                if rest.is_empty() {
                    return Some(shown.clone());
                }
                let sep = if shown.ends_with('\\') { "" } else { "\\" };
                return Some(format!("{shown}{sep}{}", rest.join("\\")));
            }
        }
        None
    }
}

// ---------------------------------------------------------------------------------------------
// Buffer growth
// ---------------------------------------------------------------------------------------------

/// What one call of a "fill this buffer" API said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fill {
    /// Success; this many elements are valid.
    Done(usize),
    /// The buffer is too small; the API asked for this many elements (0: unknown).
    Grow(usize),
    /// Failure with this OS code.
    Fail(i64),
}

/// Why [`fill_growing`] gave up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum GrowError {
    /// The API wanted more than the cap.
    TooLarge(usize),
    /// The API failed with this OS code.
    Os(i64),
}

/// Calls `call` with a buffer of `initial` elements, growing it (at least doubling, at least to
/// what the API asked) while the API says it is too small, up to `max` elements. The API may
/// race (a table that grows between calls): the loop simply retries.
pub(super) fn fill_growing<T: Clone>(
    zero: T,
    initial: usize,
    max: usize,
    mut call: impl FnMut(&mut [T]) -> Fill,
) -> Result<Vec<T>, GrowError> {
    let mut cap = initial.max(1);
    loop {
        let mut buf = vec![zero.clone(); cap];
        match call(&mut buf) {
            Fill::Done(n) => {
                buf.truncate(n.min(cap));
                return Ok(buf);
            }
            Fill::Grow(need) => {
                let next = need.max(cap.saturating_mul(2));
                if next > max {
                    return Err(GrowError::TooLarge(next));
                }
                cap = next;
            }
            Fill::Fail(code) => return Err(GrowError::Os(code)),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// NT handle table (SystemExtendedHandleInformation)
// ---------------------------------------------------------------------------------------------

/// `SystemExtendedHandleInformation`, the handle table with full-width pids (PowerToys #28265).
pub(super) const SYSTEM_EXTENDED_HANDLE_INFORMATION: i32 = 64;

/// One `SYSTEM_HANDLE_TABLE_ENTRY_INFO_EX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct HandleEntry {
    /// `UniqueProcessId`.
    pub(super) pid: usize,
    /// `HandleValue`, valid in the owner process.
    pub(super) handle: usize,
    /// `GrantedAccess`.
    pub(super) access: u32,
    /// `ObjectTypeIndex`: the object type ("File" has a per-boot index).
    pub(super) type_index: u16,
}

/// Size of `SYSTEM_HANDLE_TABLE_ENTRY_INFO_EX` for a pointer width: `Object`,
/// `UniqueProcessId`, `HandleValue` (pointer-sized), `GrantedAccess` (u32),
/// `CreatorBackTraceIndex`, `ObjectTypeIndex` (u16), `HandleAttributes`, `Reserved` (u32).
pub(super) const fn handle_entry_size(ptr: usize) -> usize {
    3 * ptr + 4 + 2 + 2 + 4 + 4
}

fn read_uint(buf: &[u8], at: usize, width: usize) -> Option<u64> {
    let bytes = buf.get(at..at.checked_add(width)?)?;
    let mut v = [0u8; 8];
    v[..width].copy_from_slice(bytes);
    Some(u64::from_le_bytes(v))
}

/// Decodes a `SYSTEM_HANDLE_INFORMATION_EX` buffer (`NumberOfHandles`, `Reserved`, then the
/// entries) written for pointers of `ptr` bytes; `None` when the buffer is shorter than its
/// own count says.
pub(super) fn decode_handle_table(buf: &[u8], ptr: usize) -> Option<Vec<HandleEntry>> {
    let count = usize::try_from(read_uint(buf, 0, ptr)?).ok()?;
    let esize = handle_entry_size(ptr);
    let start = 2 * ptr;
    let end = count.checked_mul(esize)?.checked_add(start)?;
    if end > buf.len() {
        return None;
    }
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let at = start + i * esize;
        out.push(HandleEntry {
            pid: usize::try_from(read_uint(buf, at + ptr, ptr)?).ok()?,
            handle: usize::try_from(read_uint(buf, at + 2 * ptr, ptr)?).ok()?,
            access: u32::try_from(read_uint(buf, at + 3 * ptr, 4)?).ok()?,
            type_index: u16::try_from(read_uint(buf, at + 3 * ptr + 6, 2)?).ok()?,
        });
    }
    Some(out)
}

/// The object-type index of files on this boot, learnt from a file handle this process holds.
pub(super) fn file_type_index(
    entries: &[HandleEntry],
    own_pid: usize,
    own_handle: usize,
) -> Option<u16> {
    entries
        .iter()
        .find(|e| e.pid == own_pid && e.handle == own_handle)
        .map(|e| e.type_index)
}

/// The file handles of every other process, per pid.
pub(super) fn file_handles_by_pid(
    entries: &[HandleEntry],
    file_type: u16,
    own_pid: usize,
) -> BTreeMap<usize, Vec<usize>> {
    let mut out: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for e in entries {
        if e.type_index == file_type && e.pid != own_pid && e.pid != 0 {
            out.entry(e.pid).or_default().push(e.handle);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Hang watchdog
// ---------------------------------------------------------------------------------------------

/// What [`run_guarded`] did with the items.
#[derive(Debug)]
pub(super) struct Guarded<R> {
    /// (item index, result), in index order.
    pub(super) results: Vec<(usize, R)>,
    /// Items whose call did not return within the timeout (their thread was abandoned).
    pub(super) hung: Vec<usize>,
    /// Items never started (too many hangs, or cancelled); `release` was called on them.
    pub(super) skipped: usize,
    /// Whether the run stopped because of the cancel token.
    pub(super) cancelled: bool,
}

/// Per worker: the item it is on and since when, and whether the watchdog gave up on it.
#[derive(Default)]
struct Slot {
    busy: Option<(usize, Instant)>,
    abandoned: bool,
}

/// Runs `work` over every item on `workers` threads; a call that takes longer than `timeout`
/// (a query on a pipe handle that never returns) is abandoned with its thread, which is
/// replaced, up to `max_hung` times; then the remaining items are not started. Threads are
/// never killed (no `TerminateThread`): an abandoned one ends by itself if its call returns.
/// `work` owns the clean-up of the item it is given; `release` cleans up items never started.
pub(super) fn run_guarded<T, R, F>(
    items: Vec<T>,
    workers: usize,
    timeout: Duration,
    max_hung: usize,
    cancel: &CancelToken,
    work: F,
    mut release: impl FnMut(&T),
) -> Guarded<R>
where
    T: Send + Sync + 'static,
    R: Send + 'static,
    F: Fn(&T) -> R + Send + Sync + 'static,
{
    struct Shared<T, F> {
        items: Vec<T>,
        next: AtomicUsize,
        work: F,
    }
    let len = items.len();
    let shared = Arc::new(Shared {
        items,
        next: AtomicUsize::new(0),
        work,
    });
    let (tx, rx) = mpsc::channel::<(usize, R)>();
    let spawn = |shared: &Arc<Shared<T, F>>, tx: &mpsc::Sender<(usize, R)>| {
        let slot = Arc::new(Mutex::new(Slot::default()));
        let (shared, tx, mine) = (Arc::clone(shared), tx.clone(), Arc::clone(&slot));
        let spawned = std::thread::Builder::new()
            .name("gocache-lock-query".into())
            .spawn(move || {
                loop {
                    let i = shared.next.fetch_add(1, Ordering::SeqCst);
                    if i >= shared.items.len() {
                        return;
                    }
                    if let Ok(mut s) = mine.lock() {
                        s.busy = Some((i, Instant::now()));
                    }
                    let r = (shared.work)(&shared.items[i]);
                    let Ok(mut s) = mine.lock() else { return };
                    if s.abandoned {
                        return;
                    }
                    // Sent under the lock: once the watchdog sees the slot idle, the result
                    // is already in the channel.
                    let sent = tx.send((i, r));
                    s.busy = None;
                    if sent.is_err() {
                        return;
                    }
                }
            });
        spawned.ok().map(|_| slot)
    };

    let mut slots: Vec<Arc<Mutex<Slot>>> = (0..workers.max(1))
        .filter_map(|_| spawn(&shared, &tx))
        .collect();
    let mut results = Vec::new();
    let mut hung = Vec::new();
    let mut give_up = slots.is_empty();
    let mut cancelled = false;
    let tick = (timeout / 4).clamp(Duration::from_millis(1), Duration::from_millis(50));
    while !give_up {
        if let Ok(msg) = rx.recv_timeout(tick) {
            results.push(msg);
            while let Ok(msg) = rx.try_recv() {
                results.push(msg);
            }
        }
        if cancel.is_cancelled() {
            cancelled = true;
            break;
        }
        let mut replace = 0;
        let mut all_idle = true;
        for slot in &slots {
            let Ok(mut s) = slot.lock() else { continue };
            if s.abandoned {
                continue;
            }
            if let Some((i, since)) = s.busy {
                all_idle = false;
                if since.elapsed() > timeout {
                    s.abandoned = true;
                    hung.push(i);
                    replace += 1;
                }
            }
        }
        if hung.len() > max_hung {
            break;
        }
        for _ in 0..replace {
            match spawn(&shared, &tx) {
                Some(s) => slots.push(s),
                None => give_up = true,
            }
        }
        // Done when every item was claimed and each claimed one has reported or hung: a
        // worker marks itself busy just after claiming an item, so "all idle" alone can see an
        // item claimed but not yet marked (and would drop it).
        if all_idle
            && replace == 0
            && shared.next.load(Ordering::SeqCst) >= len
            && results.len() + hung.len() >= len
        {
            while let Ok(msg) = rx.try_recv() {
                results.push(msg);
            }
            break;
        }
    }
    // Claim whatever was not started, so no worker starts it later, and release it.
    let first_unclaimed = shared.next.swap(len, Ordering::SeqCst).min(len);
    for item in &shared.items[first_unclaimed..] {
        release(item);
    }
    results.sort_by_key(|(i, _)| *i);
    hung.retain(|i| results.binary_search_by_key(i, |(j, _)| *j).is_err());
    Guarded {
        results,
        hung,
        skipped: len - first_unclaimed,
        cancelled,
    }
}

// ---------------------------------------------------------------------------------------------
// Restart Manager
// ---------------------------------------------------------------------------------------------

/// The application label Restart Manager gives a process: `strAppName`, with the service
/// short name when it is a service.
pub(super) fn rm_app_label(app_name: &[u16], service: &[u16]) -> Option<String> {
    let app = utf16_to_string(app_name).trim().to_string();
    let svc = utf16_to_string(service).trim().to_string();
    match (app.is_empty(), svc.is_empty()) {
        (true, true) => None,
        (false, true) => Some(app),
        (true, false) => Some(format!("service {svc}")),
        (false, false) if eq_ignore_case(&app, &svc) => Some(app),
        (false, false) => Some(format!("{app} (service {svc})")),
    }
}

/// Which registered file each process reported by Restart Manager holds. `query` runs one
/// session over some files and returns what `RmGetList` listed. Files are queried in chunks
/// of `chunk`; only chunks with holders are split file by file, so the cost is
/// `files / chunk` sessions plus `chunk` per chunk that has a holder.
pub(super) fn rm_attribute<P, E>(
    files: &[String],
    chunk: usize,
    mut query: impl FnMut(&[String]) -> Result<Vec<P>, E>,
) -> Result<Vec<(String, P)>, E> {
    let mut out = Vec::new();
    for group in files.chunks(chunk.max(1)) {
        let found = query(group)?;
        if found.is_empty() {
            continue;
        }
        if group.len() == 1 {
            out.extend(found.into_iter().map(|p| (group[0].clone(), p)));
            continue;
        }
        for file in group {
            for p in query(std::slice::from_ref(file))? {
                out.push((file.clone(), p));
            }
        }
    }
    Ok(out)
}

/// The files to register with Restart Manager, in order and without duplicates: the ones the
/// caller named, then the ones already seen held, then the sample; at most `cap`.
pub(super) fn choose_rm_files(
    named: &[String],
    held: &[String],
    sample: &[String],
    cap: usize,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for f in named.iter().chain(held).chain(sample) {
        if out.len() >= cap {
            break;
        }
        if !out.iter().any(|g| eq_ignore_case(g, f)) {
            out.push(f.clone());
        }
    }
    out
}

/// Whether a file is an image Windows locks while it runs or is loaded.
pub(super) fn is_image(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["exe", "dll", "sys"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    })
}

/// A bounded breadth-first walk of the roots (symlinks and junctions not followed): at most
/// `max_visit` entries looked at, at most `max_pick` files returned, images first.
pub(super) fn sample_files(roots: &[PathBuf], max_visit: usize, max_pick: usize) -> Vec<PathBuf> {
    let mut images = Vec::new();
    let mut others = Vec::new();
    let mut queue: std::collections::VecDeque<PathBuf> = roots.iter().cloned().collect();
    let mut visited = 0usize;
    while let Some(dir) = queue.pop_front() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in rd.flatten() {
            visited += 1;
            if visited > max_visit {
                queue.clear();
                break;
            }
            let Ok(ft) = entry.file_type() else { continue };
            let path = entry.path();
            if ft.is_dir() {
                queue.push_back(path);
            } else if ft.is_file() {
                if is_image(&path) {
                    images.push(path);
                } else if others.len() < max_pick {
                    others.push(path);
                }
            }
        }
    }
    images.sort();
    others.sort();
    images.extend(others);
    images.truncate(max_pick);
    images
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<u16> {
        s.encode_utf16().collect()
    }

    #[test]
    fn creation_times_become_unix_microseconds() {
        // 2023-11-14T22:13:20Z = 1_700_000_000 s after the Unix epoch.
        let ft = 116_444_736_000_000_000 + 1_700_000_000 * 10_000_000 + 1_234_567;
        assert_eq!(filetime_to_unix_micros(ft), 1_700_000_000_123_456);
        assert!(
            filetime_to_unix_micros(ft) < (1 << 53),
            "exact in JavaScript"
        );
        assert!(ft > (1 << 53), "a raw FILETIME would not be");
        assert_eq!(filetime_to_unix_micros(0), 0);
        assert_eq!(
            filetime_to_unix_micros(u64::MAX),
            (u64::MAX - 116_444_736_000_000_000) / 10
        );
    }

    #[test]
    fn owners_from_sids() {
        let me = Some("S-1-5-21-1-2-3-1001");
        assert_eq!(owner_of_sid(me, me), Owner::Me);
        assert_eq!(owner_of_sid(Some("s-1-5-21-1-2-3-1001"), me), Owner::Me);
        assert_eq!(owner_of_sid(Some("S-1-5-18"), me), Owner::System);
        assert_eq!(owner_of_sid(Some("S-1-5-19"), me), Owner::System);
        assert_eq!(owner_of_sid(Some("S-1-5-20"), me), Owner::System);
        assert_eq!(owner_of_sid(None, me), Owner::System);
        assert_eq!(owner_of_sid(Some("S-1-5-21-1-2-3-1002"), me), Owner::Other);
        assert_eq!(owner_of_sid(Some("S-1-5-18"), Some("S-1-5-18")), Owner::Me);
        assert_eq!(
            owner_of_sid(Some("S-1-5-21-1-2-3-1002"), None),
            Owner::Other
        );
    }

    #[test]
    fn utf16_buffers_stop_at_nul() {
        let mut buf = [0u16; 8];
        buf[..3].copy_from_slice(&w("go."));
        assert_eq!(utf16_to_string(&buf), "go.");
        assert_eq!(utf16_to_string(&w("gopls.exe")), "gopls.exe");
        assert_eq!(until_nul(&[0, 65]), &[] as &[u16]);
        assert_eq!(utf16_to_string(&[0xD800, 0x41]), "\u{FFFD}A");
    }

    #[test]
    fn prefixes_are_normalized() {
        let dev = vec![(r"\Device\HarddiskVolume3".to_string(), "C:".to_string())];
        let cases = [
            (r"\\?\C:\Users\me\go\pkg\mod", r"C:\Users\me\go\pkg\mod"),
            (r"\??\C:\x\", r"C:\x"),
            (r"\\?\UNC\srv\share\go", r"\\srv\share\go"),
            (r"\??\UNC\srv\share", r"\\srv\share"),
            (r"\Device\Mup\srv\share\a", r"\\srv\share\a"),
            (r"\Device\HarddiskVolume3\Users\me", r"C:\Users\me"),
            (r"\Device\HarddiskVolume3", r"C:\"),
            (r"\Device\HarddiskVolume30\x", r"\Device\HarddiskVolume30\x"),
            (r"\Device\HarddiskVolume9\x", r"\Device\HarddiskVolume9\x"),
            ("C:/Users/me/go/", r"C:\Users\me\go"),
            (r"C:\", r"C:\"),
            ("C:", r"C:\"),
            (r"\\.\C:\pagefile.sys", r"C:\pagefile.sys"),
        ];
        for (raw, want) in cases {
            assert_eq!(normalize_win_path(raw, &dev), want, "{raw}");
        }
    }

    #[test]
    fn rebase_matches_case_insensitively_on_component_boundaries() {
        let dev = vec![(r"\Device\HarddiskVolume3".to_string(), "C:".to_string())];
        let roots = WinRoots::new(
            &[
                r"c:\Users\Me\go\pkg\mod".to_string(),
                r"D:\cache".to_string(),
            ],
            |r| r.starts_with('D').then(|| r"\\?\E:\real\cache".to_string()),
            &dev,
        );
        assert!(!roots.is_empty());
        let hit = |p: &str| roots.rebase(p, &dev);
        assert_eq!(
            hit(r"\\?\C:\USERS\me\GO\pkg\mod\golang.org\x@v1\a.go").as_deref(),
            Some(r"c:\Users\Me\go\pkg\mod\golang.org\x@v1\a.go")
        );
        assert_eq!(
            hit(r"\Device\HarddiskVolume3\users\me\go\pkg\mod").as_deref(),
            Some(r"c:\Users\Me\go\pkg\mod")
        );
        // Through the canonical (junction-resolved) spelling, shown under the caller's root.
        assert_eq!(
            hit(r"\\?\e:\Real\Cache\ab\x-d").as_deref(),
            Some(r"D:\cache\ab\x-d")
        );
        assert_eq!(hit(r"D:\cache").as_deref(), Some(r"D:\cache"));
        // A sibling that shares a string prefix is not under the root.
        assert_eq!(hit(r"C:\Users\me\go\pkg\mod2\x"), None);
        assert_eq!(hit(r"D:\cache-old\x"), None);
        assert_eq!(hit(r"C:\Users\me\go\pkg"), None);
        // Unicode case folding.
        let roots = WinRoots::new(&[r"C:\Ärger".to_string()], |_| None, &[]);
        assert_eq!(
            roots.rebase(r"c:\äRGER\f", &[]).as_deref(),
            Some(r"C:\Ärger\f")
        );
        // A drive root holds everything on the drive.
        let roots = WinRoots::new(&[r"C:\".to_string()], |_| None, &[]);
        assert_eq!(roots.rebase(r"\\?\c:\x\y", &[]).as_deref(), Some(r"C:\x\y"));
        assert_eq!(roots.rebase(r"\\?\d:\x\y", &[]), None);
    }

    #[test]
    fn fill_growing_follows_a_racing_table() {
        // A table that grows by 10 entries every time it is asked.
        let mut size = 25usize;
        let mut calls = 0;
        let got = fill_growing(0u32, 8, 1000, |buf| {
            calls += 1;
            let now = size;
            size += 10;
            if buf.len() < now {
                Fill::Grow(now)
            } else {
                for (i, v) in buf.iter_mut().take(now).enumerate() {
                    *v = u32::try_from(i).unwrap_or(0);
                }
                Fill::Done(now)
            }
        })
        .unwrap();
        assert!(calls >= 2);
        assert_eq!(got.len(), size - 10);
        assert_eq!(got.last().copied(), u32::try_from(got.len() - 1).ok());
        // Unknown need: doubles; over the cap: gives up; failures pass through.
        let mut seen = Vec::new();
        let r = fill_growing(0u8, 4, 64, |buf| {
            seen.push(buf.len());
            Fill::Grow(0)
        });
        assert_eq!(seen, vec![4, 8, 16, 32, 64]);
        assert_eq!(r, Err(GrowError::TooLarge(128)));
        assert_eq!(
            fill_growing(0u8, 4, 64, |_| Fill::Fail(5)),
            Err(GrowError::Os(5))
        );
    }

    fn entry_bytes(ptr: usize, e: &HandleEntry, object: u64) -> Vec<u8> {
        let mut b = Vec::new();
        let put =
            |b: &mut Vec<u8>, v: u64, width: usize| b.extend_from_slice(&v.to_le_bytes()[..width]);
        put(&mut b, object, ptr);
        put(&mut b, e.pid as u64, ptr);
        put(&mut b, e.handle as u64, ptr);
        put(&mut b, u64::from(e.access), 4);
        put(&mut b, 7, 2); // CreatorBackTraceIndex
        put(&mut b, u64::from(e.type_index), 2);
        put(&mut b, 2, 4); // HandleAttributes
        put(&mut b, 0, 4); // Reserved
        b
    }

    #[test]
    fn handle_table_decodes_for_both_pointer_widths() {
        let entries = [
            HandleEntry {
                pid: 4,
                handle: 0x4,
                access: 0x1f_0fff,
                type_index: 7,
            },
            HandleEntry {
                pid: 70_000,
                handle: 0x1a4,
                access: 0x12_0089,
                type_index: 37,
            },
            HandleEntry {
                pid: 1234,
                handle: 0x88,
                access: 0x10_0001,
                type_index: 37,
            },
        ];
        for ptr in [8usize, 4] {
            assert_eq!(handle_entry_size(ptr), if ptr == 8 { 40 } else { 28 });
            let mut buf = Vec::new();
            buf.extend_from_slice(&(entries.len() as u64).to_le_bytes()[..ptr]);
            buf.extend_from_slice(&[0u8; 8][..ptr]);
            for e in &entries {
                buf.extend(entry_bytes(ptr, e, 0xffff_8000_dead_beef));
            }
            assert_eq!(decode_handle_table(&buf, ptr).unwrap(), entries.to_vec());
            // Truncated: the count promises more than the buffer has.
            assert_eq!(decode_handle_table(&buf[..buf.len() - 1], ptr), None);
        }
        let ty = file_type_index(&entries, 1234, 0x88).unwrap();
        assert_eq!(ty, 37);
        let by_pid = file_handles_by_pid(&entries, ty, 1234);
        assert_eq!(
            by_pid.into_iter().collect::<Vec<_>>(),
            vec![(70_000, vec![0x1a4])]
        );
        assert_eq!(file_type_index(&entries, 1234, 0x90), None);
    }

    #[test]
    fn watchdog_abandons_a_hung_call_and_finishes_the_rest() {
        let items: Vec<usize> = (0..40).collect();
        let started = Instant::now();
        let report = run_guarded(
            items,
            2,
            Duration::from_millis(100),
            3,
            &CancelToken::new(),
            |&i| {
                if i == 7 {
                    std::thread::sleep(Duration::from_secs(2));
                }
                i * 3
            },
            |_| panic!("nothing is left unstarted"),
        );
        assert!(
            started.elapsed() < Duration::from_millis(1500),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(report.hung, vec![7]);
        assert_eq!(report.skipped, 0);
        assert!(!report.cancelled);
        let want: Vec<(usize, usize)> = (0..40).filter(|&i| i != 7).map(|i| (i, i * 3)).collect();
        assert_eq!(report.results, want);
    }

    #[test]
    fn watchdog_gives_up_after_too_many_hangs_and_releases_the_rest() {
        let released = Arc::new(AtomicUsize::new(0));
        let r2 = Arc::clone(&released);
        let report = run_guarded(
            (0..100).collect::<Vec<usize>>(),
            1,
            Duration::from_millis(50),
            1,
            &CancelToken::new(),
            |&i| {
                if i == 3 || i == 5 {
                    std::thread::sleep(Duration::from_millis(800));
                }
                i
            },
            move |_| {
                r2.fetch_add(1, Ordering::SeqCst);
            },
        );
        assert_eq!(report.hung, vec![3, 5]);
        assert_eq!(
            report.results.iter().map(|r| r.0).collect::<Vec<_>>(),
            vec![0, 1, 2, 4]
        );
        assert_eq!(report.skipped, 94);
        assert_eq!(released.load(Ordering::SeqCst), 94);
    }

    #[test]
    fn watchdog_stops_on_cancel() {
        let cancel = CancelToken::new();
        let c2 = cancel.clone();
        let report = run_guarded(
            (0..1000).collect::<Vec<usize>>(),
            2,
            Duration::from_secs(5),
            1,
            &cancel,
            move |&i| {
                if i == 10 {
                    c2.cancel();
                }
                std::thread::sleep(Duration::from_millis(2));
                i
            },
            |_| {},
        );
        assert!(report.cancelled);
        assert!(report.skipped > 900, "{}", report.skipped);
        assert!(report.results.len() < 100);
    }

    #[test]
    fn rm_labels() {
        assert_eq!(
            rm_app_label(&w("Visual Studio Code\0junk"), &[0]).as_deref(),
            Some("Visual Studio Code")
        );
        assert_eq!(
            rm_app_label(&w("Windows Search"), &w("WSearch")).as_deref(),
            Some("Windows Search (service WSearch)")
        );
        assert_eq!(
            rm_app_label(&w("WinDefend"), &w("windefend")).as_deref(),
            Some("WinDefend")
        );
        assert_eq!(
            rm_app_label(&[0; 4], &w("svc")).as_deref(),
            Some("service svc")
        );
        assert_eq!(rm_app_label(&[0; 4], &[0; 4]), None);
    }

    #[test]
    fn rm_attribution_splits_only_chunks_with_holders() {
        let files: Vec<String> = (0..10).map(|i| format!(r"C:\c\f{i}")).collect();
        // pid 7 holds f3, pid 9 holds f3 and f8.
        let holders = |f: &str| -> Vec<u32> {
            match f {
                r"C:\c\f3" => vec![7, 9],
                r"C:\c\f8" => vec![9],
                _ => vec![],
            }
        };
        let mut sessions = Vec::new();
        let got = rm_attribute(&files, 4, |group: &[String]| -> Result<Vec<u32>, ()> {
            sessions.push(group.len());
            let mut pids: Vec<u32> = group.iter().flat_map(|f| holders(f)).collect();
            pids.sort_unstable();
            pids.dedup();
            Ok(pids)
        })
        .unwrap();
        assert_eq!(
            got,
            vec![
                (r"C:\c\f3".into(), 7),
                (r"C:\c\f3".into(), 9),
                (r"C:\c\f8".into(), 9)
            ]
        );
        // Chunks [0..4) hit (4 singles), [4..8) miss, [8..10) hit (2 singles).
        assert_eq!(sessions, vec![4, 1, 1, 1, 1, 4, 2, 1, 1]);
        let err = rm_attribute(&files, 4, |_| -> Result<Vec<u32>, i32> { Err(353) });
        assert_eq!(err, Err(353));
    }

    #[test]
    fn rm_files_keep_order_dedupe_and_cap() {
        let s = |v: &[&str]| v.iter().map(|x| (*x).to_string()).collect::<Vec<_>>();
        let got = choose_rm_files(
            &s(&[r"C:\a\x.lock"]),
            &s(&[r"c:\A\X.LOCK", r"C:\a\go.exe"]),
            &s(&[r"C:\a\1", r"C:\a\2", r"C:\a\3"]),
            4,
        );
        assert_eq!(
            got,
            s(&[r"C:\a\x.lock", r"C:\a\go.exe", r"C:\a\1", r"C:\a\2"])
        );
    }

    #[test]
    fn sample_walk_is_bounded_and_prefers_images() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let bin = root.join("golang.org/toolchain@v0.0.1-go1.23.0.windows-amd64/bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::write(bin.join("go.exe"), b"MZ").unwrap();
        std::fs::write(bin.join("x.DLL"), b"MZ").unwrap();
        for i in 0..20 {
            std::fs::write(root.join(format!("f{i:02}.go")), b"package x").unwrap();
        }
        let got = sample_files(&[root.to_path_buf()], 10_000, 5);
        assert_eq!(got.len(), 5);
        assert_eq!(got[0], bin.join("go.exe"));
        assert_eq!(got[1], bin.join("x.DLL"));
        assert!(
            got[2..]
                .iter()
                .all(|p| p.extension().is_some_and(|e| e == "go"))
        );
        // With a tiny visit budget the deep images are never reached.
        let shallow = sample_files(&[root.to_path_buf()], 3, 5);
        assert!(shallow.len() <= 3);
        assert!(!shallow.iter().any(|p| is_image(p)));
    }
}
