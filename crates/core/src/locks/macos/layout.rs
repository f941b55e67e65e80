//! The OS-independent half of the macOS probe: the byte layouts of the libproc structs libc
//! lacks (`<sys/proc_info.h>`: `proc_fileinfo`, `vnode_fdinfowithpath`, `proc_regioninfo`,
//! `proc_regionwithpathinfo`), their decoding, the region walk, and matching paths under the
//! roots. Plain std, so it is unit-tested on every OS.

use std::path::{Component, Path, PathBuf};

/// `MAXPATHLEN`: the size of `vip_path`.
pub(super) const MAXPATHLEN: usize = 1024;
/// `proc_pidfdinfo` flavor: `vnode_fdinfowithpath` (not in libc).
pub(super) const PROC_PIDFDVNODEPATHINFO: i32 = 2;
/// `proc_pidinfo` flavor: one region (any) at or after an address, with its vnode path.
pub(super) const PROC_PIDREGIONPATHINFO: i32 = 8;
/// `proc_pidinfo` flavor: the next *vnode-backed* region (private, stable since 10.15).
pub(super) const PROC_PIDREGIONPATHINFO2: i32 = 22;
/// `proc_fdinfo.proc_fdtype` of a file or directory.
pub(super) const PROX_FDTYPE_VNODE: u32 = 1;

/// `proc_pidinfo` flavor `PROC_PIDT_SHORTBSDINFO` (xnu `bsd/sys/proc_info.h`). Unlike
/// `PROC_PIDTBSDINFO` it needs no same-user check (`proc_pidinfo` in `bsd/kern/proc_info.c`
/// sets `NO_CHECK_SAME_USER` for it), so it answers for other users' processes, and it
/// answers for zombies (`findzomb`).
pub(super) const PROC_PIDT_SHORTBSDINFO: i32 = 13;
/// `SZOMB` (xnu `bsd/sys/proc.h`): the `p_stat` (`pbsi_status`) of a process that has exited
/// and not been reaped by its parent.
pub(super) const SZOMB: u32 = 5;
/// `MAXCOMLEN`: the size of `pbsi_comm`.
const MAXCOMLEN: usize = 16;

/// `struct proc_bsdshortinfo`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct ProcBsdShortInfo {
    pub(super) pbsi_pid: u32,
    pub(super) pbsi_ppid: u32,
    pub(super) pbsi_pgid: u32,
    pub(super) pbsi_status: u32,
    pub(super) pbsi_comm: [u8; MAXCOMLEN],
    pub(super) pbsi_flags: u32,
    pub(super) pbsi_uid: u32,
    pub(super) pbsi_gid: u32,
    pub(super) pbsi_ruid: u32,
    pub(super) pbsi_rgid: u32,
    pub(super) pbsi_svuid: u32,
    pub(super) pbsi_svgid: u32,
    pub(super) pbsi_rfu: u32,
}

/// `struct proc_bsdshortinfo`.
pub(super) const PROC_BSDSHORTINFO_SIZE: usize = size_of::<ProcBsdShortInfo>();
const _: () = assert!(PROC_BSDSHORTINFO_SIZE == 64);

/// What a `PROC_PIDT_SHORTBSDINFO` answer says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ShortInfo {
    /// `pbsi_status` (`p_stat`).
    pub(super) status: u32,
    /// `pbsi_comm`.
    pub(super) comm: String,
    /// `pbsi_uid` (effective).
    pub(super) uid: u32,
}

/// Decodes a `proc_bsdshortinfo` (`None` when the answer is short).
pub(super) fn decode_short_info(buf: &[u8]) -> Option<ShortInfo> {
    if buf.len() < PROC_BSDSHORTINFO_SIZE {
        return None;
    }
    let comm_at = std::mem::offset_of!(ProcBsdShortInfo, pbsi_comm);
    Some(ShortInfo {
        status: u32_at(buf, std::mem::offset_of!(ProcBsdShortInfo, pbsi_status))?,
        comm: c_name(buf.get(comm_at..comm_at + MAXCOMLEN)?),
        uid: u32_at(buf, std::mem::offset_of!(ProcBsdShortInfo, pbsi_uid))?,
    })
}

/// Whether a process counts as gone although `kill(pid, 0)` succeeded: xnu's `kill()` succeeds
/// on a zombie (`bsd/kern/kern_sig.c`), so its `PROC_PIDT_SHORTBSDINFO` status decides. No
/// answer (the process was reaped meanwhile, or the call failed) is not a zombie: the next
/// `kill(pid, 0)` tells.
pub(super) fn is_zombie(short: Option<&ShortInfo>) -> bool {
    short.is_some_and(|s| s.status == SZOMB)
}

/// A process' name and uid: from `PROC_PIDTBSDINFO` (`full`: name, uid) when it answered,
/// else from `PROC_PIDT_SHORTBSDINFO` (`short`, asked only then), which answers for other
/// users' processes where `PROC_PIDTBSDINFO` gives `EPERM`. An empty full name is completed
/// from the short one.
pub(super) fn identity(
    full: Option<(String, u32)>,
    short: impl FnOnce() -> Option<ShortInfo>,
) -> (String, Option<u32>) {
    match full {
        Some((name, uid)) if !name.is_empty() => (name, Some(uid)),
        Some((_, uid)) => (short().map(|s| s.comm).unwrap_or_default(), Some(uid)),
        None => match short() {
            Some(s) => (s.comm, Some(s.uid)),
            None => (String::new(), None),
        },
    }
}

/// The meaning of `proc_pidinfo`'s return `r`, given the `errno` after a call made with
/// `errno` cleared to 0. libproc's `proc_pidinfo` returns 0, not -1, when the `__proc_info`
/// system call fails (`libproc.c`: `if ((retval = __proc_info(...)) == -1) return 0;`), and a
/// successful answer can also be 0 bytes (`PROC_PIDLISTFDS` of a process with no files), so 0
/// is a failure only when the call set `errno`.
pub(super) fn pidinfo_answer(r: i32, errno: i32) -> Result<usize, i32> {
    match usize::try_from(r) {
        Ok(n) if n > 0 || errno == 0 => Ok(n),
        _ if errno != 0 => Err(errno),
        // A negative return without an errno: not a libproc answer.
        _ => Err(EIO),
    }
}

/// The meaning of `proc_listallpids`' return `n`. It is 0, not -1, on failure
/// (`libproc.c`: `proc_listpids` returns 0 when `__proc_info` fails, and `proc_listallpids`'
/// `numpids == -1` test never holds), and a system always has processes (launchd and this
/// one), so 0 is a failure too; `errno` says which (`EIO` when none was set).
pub(super) fn pid_count_answer(n: i32, errno: i32) -> Result<usize, i32> {
    match usize::try_from(n) {
        Ok(n) if n > 0 => Ok(n),
        _ if errno != 0 => Err(errno),
        _ => Err(EIO),
    }
}

/// `EIO`, the same on every Unix.
const EIO: i32 = 5;

/// `struct proc_fileinfo`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct ProcFileinfo {
    pub(super) fi_openflags: u32,
    pub(super) fi_status: u32,
    pub(super) fi_offset: i64,
    pub(super) fi_type: i32,
    pub(super) fi_guardflags: u32,
}

/// `struct proc_regioninfo`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct ProcRegioninfo {
    pub(super) pri_protection: u32,
    pub(super) pri_max_protection: u32,
    pub(super) pri_inheritance: u32,
    pub(super) pri_flags: u32,
    pub(super) pri_offset: u64,
    pub(super) pri_behavior: u32,
    pub(super) pri_user_wired_count: u32,
    pub(super) pri_user_tag: u32,
    pub(super) pri_pages_resident: u32,
    pub(super) pri_pages_shared_now_private: u32,
    pub(super) pri_pages_swapped_out: u32,
    pub(super) pri_pages_dirtied: u32,
    pub(super) pri_ref_count: u32,
    pub(super) pri_shadow_depth: u32,
    pub(super) pri_share_mode: u32,
    pub(super) pri_private_pages_resident: u32,
    pub(super) pri_shared_pages_resident: u32,
    pub(super) pri_obj_id: u32,
    pub(super) pri_depth: u32,
    pub(super) pri_address: u64,
    pub(super) pri_size: u64,
}

/// `struct proc_fdinfo` (libc has it on macOS only).
pub(super) const PROC_FDINFO_SIZE: usize = 8;
/// `struct proc_fileinfo`.
pub(super) const PROC_FILEINFO_SIZE: usize = size_of::<ProcFileinfo>();
/// `struct vinfo_stat` (136) + `vi_type`, `vi_pad` + `fsid_t`: `struct vnode_info`.
pub(super) const VNODE_INFO_SIZE: usize = 152;
/// `struct vnode_info_path`: a `vnode_info` then the path.
pub(super) const VNODE_INFO_PATH_SIZE: usize = VNODE_INFO_SIZE + MAXPATHLEN;
/// `struct vnode_fdinfowithpath`: a `proc_fileinfo` then a `vnode_info_path`.
pub(super) const VNODE_FDINFOWITHPATH_SIZE: usize = PROC_FILEINFO_SIZE + VNODE_INFO_PATH_SIZE;
/// `struct proc_vnodepathinfo`: the cwd's then the root's `vnode_info_path`.
pub(super) const PROC_VNODEPATHINFO_SIZE: usize = 2 * VNODE_INFO_PATH_SIZE;
/// `struct proc_regioninfo`.
pub(super) const PROC_REGIONINFO_SIZE: usize = size_of::<ProcRegioninfo>();
/// `struct proc_regionwithpathinfo`: a `proc_regioninfo` then a `vnode_info_path`.
pub(super) const PROC_REGIONWITHPATHINFO_SIZE: usize = PROC_REGIONINFO_SIZE + VNODE_INFO_PATH_SIZE;

const _: () = assert!(PROC_FILEINFO_SIZE == 24);
const _: () = assert!(PROC_REGIONINFO_SIZE == 96);
const _: () = assert!(std::mem::offset_of!(ProcRegioninfo, pri_address) == 80);
const _: () = assert!(VNODE_FDINFOWITHPATH_SIZE == 1200);
const _: () = assert!(PROC_VNODEPATHINFO_SIZE == 2352);
const _: () = assert!(PROC_REGIONWITHPATHINFO_SIZE == 1272);

/// `S_IFMT` and `S_IFREG` of `vst_mode`.
const S_IFMT: u16 = 0o170_000;
const S_IFREG: u16 = 0o100_000;

fn u16_at(buf: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_ne_bytes(buf.get(at..at + 2)?.try_into().ok()?))
}
fn u32_at(buf: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(buf.get(at..at + 4)?.try_into().ok()?))
}
fn u64_at(buf: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_ne_bytes(buf.get(at..at + 8)?.try_into().ok()?))
}

/// A C string from a fixed buffer (up to the first NUL) as a path; `None` when empty.
pub(super) fn c_path(bytes: &[u8]) -> Option<PathBuf> {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let bytes = &bytes[..end];
    if bytes.is_empty() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Some(PathBuf::from(std::ffi::OsStr::from_bytes(bytes)))
    }
    #[cfg(not(unix))]
    {
        Some(PathBuf::from(String::from_utf8_lossy(bytes).into_owned()))
    }
}

/// A process' start time from `proc_bsdinfo`'s `pbi_start_tvsec`/`pbi_start_tvusec`, in
/// microseconds since the Unix epoch (the unit Windows uses too; below 2^53, so the UI's
/// JavaScript numbers carry it exactly).
pub(crate) fn start_micros(sec: u64, usec: u64) -> u64 {
    sec.saturating_mul(1_000_000).saturating_add(usec)
}

/// A C string from a fixed buffer as text (process names).
pub(super) fn c_name(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

/// The `(proc_fd, proc_fdtype)` pairs of a `PROC_PIDLISTFDS` answer of `len` bytes.
pub(super) fn decode_fdinfos(buf: &[u8]) -> Vec<(i32, u32)> {
    buf.chunks_exact(PROC_FDINFO_SIZE)
        .filter_map(|c| {
            let fd = i32::from_ne_bytes(c[..4].try_into().ok()?);
            Some((fd, u32_at(c, 4)?))
        })
        .collect()
}

/// What a `vnode_info_path` says: the path, and whether it is a regular file with no links
/// left (deleted while open).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct VnodePath {
    pub(super) path: PathBuf,
    pub(super) unlinked: bool,
}

/// Decodes the `vnode_info_path` starting at `at`.
fn vnode_info_path(buf: &[u8], at: usize) -> Option<VnodePath> {
    let path = c_path(buf.get(at + VNODE_INFO_SIZE..at + VNODE_INFO_PATH_SIZE)?)?;
    // vinfo_stat: vst_dev u32 @0, vst_mode u16 @4, vst_nlink u16 @6.
    let mode = u16_at(buf, at + 4)?;
    let nlink = u16_at(buf, at + 6)?;
    Some(VnodePath {
        path,
        unlinked: mode & S_IFMT == S_IFREG && nlink == 0,
    })
}

/// The vnode of a `vnode_fdinfowithpath` (`PROC_PIDFDVNODEPATHINFO`).
pub(super) fn decode_fd_vnode(buf: &[u8]) -> Option<VnodePath> {
    if buf.len() < VNODE_FDINFOWITHPATH_SIZE {
        return None;
    }
    vnode_info_path(buf, PROC_FILEINFO_SIZE)
}

/// The working directory and root directory paths of a `proc_vnodepathinfo`.
pub(super) fn decode_cwd_root(buf: &[u8]) -> (Option<PathBuf>, Option<PathBuf>) {
    if buf.len() < PROC_VNODEPATHINFO_SIZE {
        return (None, None);
    }
    (
        vnode_info_path(buf, 0).map(|v| v.path),
        vnode_info_path(buf, VNODE_INFO_PATH_SIZE).map(|v| v.path),
    )
}

/// One region of a `proc_regionwithpathinfo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Region {
    pub(super) address: u64,
    pub(super) size: u64,
    pub(super) path: Option<PathBuf>,
}

/// Decodes a `proc_regionwithpathinfo`.
pub(super) fn decode_region(buf: &[u8]) -> Option<Region> {
    if buf.len() < PROC_REGIONWITHPATHINFO_SIZE {
        return None;
    }
    Some(Region {
        address: u64_at(buf, std::mem::offset_of!(ProcRegioninfo, pri_address))?,
        size: u64_at(buf, std::mem::offset_of!(ProcRegioninfo, pri_size))?,
        path: vnode_info_path(buf, PROC_REGIONINFO_SIZE).map(|v| v.path),
    })
}

/// Walks the regions of a process: `next(address)` returns the region at or after it
/// (`PROC_PIDREGIONPATHINFO2`: the next *vnode-backed* region). When `next` fails,
/// `any(address)` (`PROC_PIDREGIONPATHINFO`: the next region of any kind) is asked instead,
/// and the walk goes on past the region it names. Stops when both fail, on a region that
/// would not advance, or after `max` regions. Returns the distinct mapped paths in first-seen
/// order.
///
/// Why the second question (xnu `bsd/kern/proc_info.c`, `proc_pidregionpathinfo2`, and
/// `osfmk/vm/bsd_vm.c`, `fill_procregioninfo_onlymappedvnodes`): `PROC_PIDREGIONPATHINFO2`
/// answers `EINVAL` both at the end of the map *and* for a vnode-backed region whose vnode
/// cannot be taken (`vnode_getwithvid` fails: recycled, being reclaimed), without saying how
/// big that region is, so stopping on its `EINVAL` (as libproc's `check_process_text` does)
/// misses every mapping after it. `PROC_PIDREGIONPATHINFO` (`fill_procregioninfo`) answers
/// `EINVAL` only when no entry lies at or after the address (it steps over unmapped gaps with
/// `vme_next`), so it tells the end apart from a bad region and gives the region's extent.
pub(super) fn walk_regions(
    max: usize,
    mut next: impl FnMut(u64) -> Option<Region>,
    mut any: impl FnMut(u64) -> Option<Region>,
) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    let mut addr = 0u64;
    for _ in 0..max {
        let Some(r) = next(addr).or_else(|| any(addr)) else {
            break;
        };
        if let Some(p) = r.path
            && !out.contains(&p)
        {
            out.push(p);
        }
        match r.address.checked_add(r.size) {
            Some(end) if end > addr && r.size > 0 => addr = end,
            _ => break,
        }
    }
    out
}

/// The roots to match kernel paths against. The kernel reports resolved paths
/// (`/private/var/...` for `/var/...`), so each root is also tried in its canonical form;
/// matches are shown under the root as the caller wrote it.
#[derive(Debug, Clone)]
pub(super) struct MacRoots {
    /// (as the caller wrote it, a spelling to match).
    keys: Vec<(PathBuf, PathBuf)>,
}

impl MacRoots {
    /// `roots` and their `canonical` forms (e.g. `std::fs::canonicalize`).
    pub(super) fn new(roots: &[PathBuf], canonical: impl Fn(&Path) -> Option<PathBuf>) -> Self {
        let mut keys = Vec::new();
        for r in roots {
            keys.push((r.clone(), r.clone()));
            if let Some(c) = canonical(r)
                && &c != r
            {
                keys.push((r.clone(), c));
            }
        }
        Self { keys }
    }

    /// Whether there are no roots.
    pub(super) fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// `path` re-expressed under the caller's root it lies in. Exact component-wise first;
    /// then, because APFS and HFS+ volumes are case-insensitive by default, ignoring case
    /// (on a case-sensitive volume this can name a sibling that differs only in case).
    pub(super) fn rebase(&self, path: &Path) -> Option<PathBuf> {
        for (shown, key) in &self.keys {
            if let Ok(rest) = path.strip_prefix(key) {
                return Some(join_rest(shown, rest));
            }
        }
        let lower = |c: Component<'_>| c.as_os_str().to_string_lossy().to_lowercase();
        for (shown, key) in &self.keys {
            let n = key.components().count();
            let mut pc = path.components();
            if pc
                .by_ref()
                .take(n)
                .map(lower)
                .eq(key.components().map(lower))
                && path.components().count() >= n
            {
                return Some(join_rest(shown, pc.as_path()));
            }
        }
        None
    }
}

fn join_rest(shown: &Path, rest: &Path) -> PathBuf {
    if rest.as_os_str().is_empty() {
        shown.to_path_buf()
    } else {
        shown.join(rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_times_are_microseconds_since_the_epoch() {
        assert_eq!(start_micros(1_700_000_000, 123_456), 1_700_000_000_123_456);
        assert_eq!(start_micros(0, 5), 5);
        assert_eq!(start_micros(u64::MAX, 1), u64::MAX);
        assert!(start_micros(4_000_000_000, 999_999) < (1 << 53));
    }

    /// A `vnode_info_path` with the given mode, link count and path.
    fn vip(mode: u16, nlink: u16, path: &str) -> Vec<u8> {
        let mut b = vec![0u8; VNODE_INFO_PATH_SIZE];
        b[0..4].copy_from_slice(&0x0100_0004u32.to_ne_bytes());
        b[4..6].copy_from_slice(&mode.to_ne_bytes());
        b[6..8].copy_from_slice(&nlink.to_ne_bytes());
        b[8..16].copy_from_slice(&123_456u64.to_ne_bytes());
        b[VNODE_INFO_SIZE..VNODE_INFO_SIZE + path.len()].copy_from_slice(path.as_bytes());
        b
    }

    #[test]
    fn fd_list_decodes() {
        let mut buf = Vec::new();
        for (fd, ty) in [(0i32, 1u32), (3, 2), (7, 1), (12, 6)] {
            buf.extend_from_slice(&fd.to_ne_bytes());
            buf.extend_from_slice(&ty.to_ne_bytes());
        }
        buf.extend_from_slice(&[9, 9, 9]); // a partial trailing entry is ignored
        let got = decode_fdinfos(&buf);
        assert_eq!(got, vec![(0, 1), (3, 2), (7, 1), (12, 6)]);
        let vnodes: Vec<i32> = got
            .iter()
            .filter(|f| f.1 == PROX_FDTYPE_VNODE)
            .map(|f| f.0)
            .collect();
        assert_eq!(vnodes, vec![0, 7]);
    }

    #[test]
    fn fd_vnode_path_and_deleted_flag_decode() {
        let mut buf = vec![0xAAu8; PROC_FILEINFO_SIZE];
        buf.extend(vip(
            0o100_644,
            1,
            "/Users/me/go/pkg/mod/cache/download/x/@v/v1.0.0.lock",
        ));
        assert_eq!(buf.len(), VNODE_FDINFOWITHPATH_SIZE);
        let v = decode_fd_vnode(&buf).unwrap();
        assert_eq!(
            v.path,
            PathBuf::from("/Users/me/go/pkg/mod/cache/download/x/@v/v1.0.0.lock")
        );
        assert!(!v.unlinked);
        // Unlinked regular file.
        buf[PROC_FILEINFO_SIZE + 6..PROC_FILEINFO_SIZE + 8].copy_from_slice(&0u16.to_ne_bytes());
        assert!(decode_fd_vnode(&buf).unwrap().unlinked);
        // A directory with nlink 0 reported is not "deleted-open".
        let mut dir = vec![0u8; PROC_FILEINFO_SIZE];
        dir.extend(vip(0o040_755, 0, "/tmp/x"));
        assert!(!decode_fd_vnode(&dir).unwrap().unlinked);
        // Empty path, short buffer.
        let mut empty = vec![0u8; PROC_FILEINFO_SIZE];
        empty.extend(vip(0o100_644, 1, ""));
        assert_eq!(decode_fd_vnode(&empty), None);
        assert_eq!(decode_fd_vnode(&buf[..1199]), None);
        // A path filling all of MAXPATHLEN without a NUL.
        let long = "a".repeat(MAXPATHLEN);
        let mut full = vec![0u8; PROC_FILEINFO_SIZE];
        full.extend(vip(0o100_644, 1, &long));
        assert_eq!(decode_fd_vnode(&full).unwrap().path, PathBuf::from(long));
    }

    #[test]
    fn cwd_and_root_decode() {
        let mut buf = vip(
            0o040_755,
            3,
            "/Users/me/go/pkg/mod/golang.org/x/tools@v0.1.0",
        );
        buf.extend(vip(0o040_755, 20, "/"));
        assert_eq!(buf.len(), PROC_VNODEPATHINFO_SIZE);
        let (cwd, root) = decode_cwd_root(&buf);
        assert_eq!(
            cwd,
            Some(PathBuf::from(
                "/Users/me/go/pkg/mod/golang.org/x/tools@v0.1.0"
            ))
        );
        assert_eq!(root, Some(PathBuf::from("/")));
        assert_eq!(decode_cwd_root(&buf[..100]), (None, None));
    }

    fn region_bytes(address: u64, size: u64, path: &str) -> Vec<u8> {
        let info = ProcRegioninfo {
            pri_address: address,
            pri_size: size,
            pri_protection: 1,
            pri_offset: 4096,
            ..ProcRegioninfo::default()
        };
        let mut b = Vec::new();
        b.extend_from_slice(&info.pri_protection.to_ne_bytes());
        b.extend_from_slice(&[0u8; 12]);
        b.extend_from_slice(&info.pri_offset.to_ne_bytes());
        b.extend_from_slice(&[0u8; 56]);
        b.extend_from_slice(&info.pri_address.to_ne_bytes());
        b.extend_from_slice(&info.pri_size.to_ne_bytes());
        assert_eq!(b.len(), PROC_REGIONINFO_SIZE);
        b.extend(vip(0o100_644, 1, path));
        b
    }

    #[test]
    fn regions_decode_and_walk_to_the_end() {
        let b = region_bytes(
            0x1_0000_0000,
            0x4000,
            "/Users/me/Library/Caches/go-build/ab/abc-d",
        );
        let r = decode_region(&b).unwrap();
        assert_eq!(r.address, 0x1_0000_0000);
        assert_eq!(r.size, 0x4000);
        assert_eq!(
            r.path.as_deref(),
            Some(Path::new("/Users/me/Library/Caches/go-build/ab/abc-d"))
        );
        assert_eq!(decode_region(&b[..PROC_REGIONWITHPATHINFO_SIZE - 1]), None);

        // Four regions, one anonymous, the first file mapped twice.
        let map = [
            (0x1000u64, 0x1000u64, "/c/a.so"),
            (0x3000, 0x1000, ""),
            (0x5000, 0x2000, "/c/a.so"),
            (0x9000, 0x1000, "/c/b"),
        ];
        let mut asked = Vec::new();
        let got = walk_regions(
            100,
            |addr| {
                asked.push(addr);
                map.iter()
                    .find(|(a, s, _)| a + s > addr)
                    .and_then(|(a, s, p)| decode_region(&region_bytes(*a, *s, p)))
            },
            |_| None,
        );
        assert_eq!(got, vec![PathBuf::from("/c/a.so"), PathBuf::from("/c/b")]);
        assert_eq!(asked, vec![0, 0x2000, 0x4000, 0x7000, 0xA000]);
        // A zero-size region or the cap stops the walk.
        let mut n = 0;
        let stuck = walk_regions(
            100,
            |_| {
                n += 1;
                Some(Region {
                    address: 0,
                    size: 0,
                    path: None,
                })
            },
            |_| None,
        );
        assert!(stuck.is_empty());
        assert_eq!(n, 1);
        let mut m = 0u64;
        let capped = walk_regions(
            5,
            |a| {
                m += 1;
                Some(Region {
                    address: a,
                    size: 1,
                    path: Some(PathBuf::from(format!("/r{a}"))),
                })
            },
            |_| None,
        );
        assert_eq!(capped.len(), 5);
        assert_eq!(m, 5);
    }

    /// A map with a gap and a vnode region the vnode-only flavor cannot answer for (its
    /// `EINVAL`): the walk asks the any-region flavor there and goes on to the later files.
    #[test]
    fn region_walk_goes_past_a_region_the_vnode_flavor_refuses() {
        // (address, size, path): 0x3000..0x5000 is unmapped; 0x5000 is anonymous; 0x6000's
        // vnode cannot be taken (PROC_PIDREGIONPATHINFO2 answers EINVAL from 0x5000 on,
        // PROC_PIDREGIONPATHINFO answers it without a path).
        let map = [
            (0x1000u64, 0x2000u64, Some("/c/a.so")),
            (0x5000, 0x1000, None),
            (0x6000, 0x1000, None),
            (0x8000, 0x1000, Some("/c/b")),
            (0xA000, 0x1000, Some("/c/c")),
        ];
        let region = |(a, s, p): &(u64, u64, Option<&str>)| Region {
            address: *a,
            size: *s,
            path: p.map(PathBuf::from),
        };
        let mut fallbacks = Vec::new();
        let got = walk_regions(
            100,
            |addr| {
                let r = map.iter().find(|(a, s, p)| a + s > addr && p.is_some())?;
                // The vnode of 0x6000 blocks every answer before it.
                (addr >= 0x7000 || r.0 < 0x5000).then(|| region(r))
            },
            |addr| {
                fallbacks.push(addr);
                map.iter().find(|(a, s, _)| a + s > addr).map(region)
            },
        );
        assert_eq!(
            got,
            vec![
                PathBuf::from("/c/a.so"),
                PathBuf::from("/c/b"),
                PathBuf::from("/c/c")
            ]
        );
        // From 0x3000 (a gap: the any-region flavor names 0x5000) and 0x6000; the end of the
        // map (0xB000) ends the walk only when the any-region flavor has nothing either.
        assert_eq!(fallbacks, vec![0x3000, 0x6000, 0xB000]);
        // Without the fallback the walk would have stopped after the first file.
        assert_eq!(
            walk_regions(
                100,
                |addr| {
                    let r = map.iter().find(|(a, s, p)| a + s > addr && p.is_some())?;
                    (addr >= 0x7000 || r.0 < 0x5000).then(|| region(r))
                },
                |_| None,
            ),
            vec![PathBuf::from("/c/a.so")]
        );
    }

    fn short_bytes(status: u32, comm: &[u8], uid: u32) -> Vec<u8> {
        let mut b = vec![0u8; PROC_BSDSHORTINFO_SIZE];
        b[0..4].copy_from_slice(&4242u32.to_ne_bytes());
        b[12..16].copy_from_slice(&status.to_ne_bytes());
        b[16..16 + comm.len()].copy_from_slice(comm);
        b[36..40].copy_from_slice(&uid.to_ne_bytes());
        b[44..48].copy_from_slice(&7u32.to_ne_bytes());
        b
    }

    #[test]
    fn short_info_decodes_and_a_zombie_is_gone() {
        assert_eq!(std::mem::offset_of!(ProcBsdShortInfo, pbsi_status), 12);
        assert_eq!(std::mem::offset_of!(ProcBsdShortInfo, pbsi_comm), 16);
        assert_eq!(std::mem::offset_of!(ProcBsdShortInfo, pbsi_uid), 36);
        let zombie = decode_short_info(&short_bytes(SZOMB, b"gopls", 501)).unwrap();
        assert_eq!(
            zombie,
            ShortInfo {
                status: 5,
                comm: "gopls".to_owned(),
                uid: 501
            }
        );
        assert!(is_zombie(Some(&zombie)));
        // SRUN (2) and SSTOP (4) are alive; no answer is not a zombie.
        let running = decode_short_info(&short_bytes(2, b"go", 0)).unwrap();
        assert!(!is_zombie(Some(&running)));
        assert!(!is_zombie(
            decode_short_info(&short_bytes(4, b"go", 0)).as_ref()
        ));
        assert!(!is_zombie(None));
        // A full 16-byte name has no NUL; a short answer decodes to nothing.
        let long = decode_short_info(&short_bytes(2, b"0123456789abcdef", 1)).unwrap();
        assert_eq!(long.comm, "0123456789abcdef");
        assert_eq!(
            decode_short_info(&short_bytes(2, b"go", 0)[..PROC_BSDSHORTINFO_SIZE - 1]),
            None
        );
    }

    #[test]
    fn other_users_processes_get_name_and_uid_from_the_short_info() {
        let short = || decode_short_info(&short_bytes(2, b"gopls", 502));
        // PROC_PIDTBSDINFO answered: its name and uid, the short info not asked.
        assert_eq!(
            identity(Some(("go".to_owned(), 501)), || -> Option<ShortInfo> {
                panic!("not asked")
            }),
            ("go".to_owned(), Some(501))
        );
        // EPERM (another user's process): the short info's.
        assert_eq!(identity(None, short), ("gopls".to_owned(), Some(502)));
        // An empty full name is completed, the full uid kept.
        assert_eq!(
            identity(Some((String::new(), 501)), short),
            ("gopls".to_owned(), Some(501))
        );
        assert_eq!(identity(None, || None), (String::new(), None));
    }

    #[test]
    fn zero_answers_are_errors_only_with_an_errno() {
        // PROC_PIDLISTFDS of a process with no fds: 0 bytes, errno untouched (cleared before).
        assert_eq!(pidinfo_answer(0, 0), Ok(0));
        // libproc's failure: 0 with errno set (a stale errno is cleared before the call).
        assert_eq!(pidinfo_answer(0, 1), Err(1));
        assert_eq!(pidinfo_answer(0, 3), Err(3));
        assert_eq!(pidinfo_answer(1272, 0), Ok(1272));
        // A positive answer wins over any errno left by an inner call.
        assert_eq!(pidinfo_answer(8, 22), Ok(8));
        assert_eq!(pidinfo_answer(-1, 0), Err(5));
        assert_eq!(pidinfo_answer(-1, 1), Err(1));
        // proc_listallpids: 0 is a failure, never "no processes".
        assert_eq!(pid_count_answer(0, 0), Err(5));
        assert_eq!(pid_count_answer(0, 12), Err(12));
        assert_eq!(pid_count_answer(-1, 1), Err(1));
        assert_eq!(pid_count_answer(517, 0), Ok(517));
        assert_eq!(pid_count_answer(517, 4), Ok(517));
    }

    #[test]
    fn names_stop_at_nul() {
        assert_eq!(c_name(b"gopls\0\0garbage"), "gopls");
        assert_eq!(c_name(b"go"), "go");
        assert_eq!(c_path(b"\0x"), None);
    }

    #[cfg(unix)]
    #[test]
    fn roots_match_canonical_and_case_insensitive_spellings() {
        let roots = MacRoots::new(
            &[
                PathBuf::from("/var/folders/x/go/pkg/mod"),
                PathBuf::from("/Users/Me/Library/Caches/go-build"),
            ],
            |p| {
                let rest = p.strip_prefix("/var").ok()?;
                Some(Path::new("/private/var").join(rest))
            },
        );
        assert!(!roots.is_empty());
        let r = |p: &str| roots.rebase(Path::new(p));
        assert_eq!(
            r("/private/var/folders/x/go/pkg/mod/golang.org/x@v1/a.go"),
            Some(PathBuf::from(
                "/var/folders/x/go/pkg/mod/golang.org/x@v1/a.go"
            ))
        );
        assert_eq!(
            r("/var/folders/x/go/pkg/mod"),
            Some(PathBuf::from("/var/folders/x/go/pkg/mod"))
        );
        assert_eq!(
            r("/users/me/library/caches/GO-BUILD/ab/x-d"),
            Some(PathBuf::from("/Users/Me/Library/Caches/go-build/ab/x-d"))
        );
        assert_eq!(r("/var/folders/x/go/pkg/mod2/x"), None);
        assert_eq!(r("/var/folders/x/go/pkg"), None);
        assert_eq!(r("/Users/Me/Library/Caches"), None);
    }
}
