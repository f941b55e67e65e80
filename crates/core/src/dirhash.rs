//! Go's `h1:` directory hash (`golang.org/x/mod/sumdb/dirhash` `Hash1`, spec §4.1): the hash
//! in `go.sum`, in `.ziphash` files and behind `go mod verify`.
//!
//! `Hash1` sorts the file names byte-wise, writes one line `"<sha256 hex>  <name>\n"` per file
//! into an outer SHA-256 and encodes that with standard base64: `h1:<base64>`. The names are
//! `<module>@<version>/<path with / separators>` for an extracted tree ([`hash_dir`]), the
//! entry names exactly as stored for a zip ([`hash_zip`]) and just `go.mod` for a module's
//! go.mod ([`hash_gomod`]).
//!
//! Every reader streams file contents through SHA-256 in fixed-size chunks; a zip is read with
//! hard limits ([`ZipLimits`], Go's own 500 MiB module limit by default), so a hostile zip
//! cannot make this use unbounded memory or time.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::CancelToken;
use crate::os::host::{Host, System as _};

/// A SHA-256 digest.
pub type Sha = [u8; 32];

/// One file's name (as hashed) and content digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSum {
    /// The name fed to `Hash1` (`module@version/dir/file.go`, a zip entry name, `go.mod`).
    pub name: String,
    /// SHA-256 of the content.
    pub sha: Sha,
    /// Content length in bytes.
    pub size: u64,
}

/// Why a hash could not be computed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HashError {
    /// Reading a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// A file name contains a newline, which `Hash1` rejects.
    #[error("file name {0:?} contains a newline")]
    Newline(String),
    /// The zip is unreadable or breaks a limit.
    #[error("{}: {message}", path.display())]
    BadZip {
        /// The zip.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Cancelled through the [`CancelToken`].
    #[error("cancelled")]
    Cancelled,
}

/// Limits applied while reading a zip. The defaults are Go's module zip limits
/// (`golang.org/x/mod/zip`: 500 MiB uncompressed in total) plus an entry-count cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZipLimits {
    /// Maximum number of entries.
    pub max_entries: usize,
    /// Maximum total uncompressed bytes (declared and actually read).
    pub max_total_bytes: u64,
    /// Maximum length of one entry name.
    pub max_name_len: usize,
}

impl Default for ZipLimits {
    fn default() -> Self {
        Self {
            max_entries: 1_000_000,
            max_total_bytes: 500 << 20,
            max_name_len: 4096,
        }
    }
}

const CHUNK: usize = 256 * 1024;

/// Lowercase hex of a digest.
pub fn hex(sha: &Sha) -> String {
    const H: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(64);
    for b in sha {
        s.push(char::from(H[usize::from(b >> 4)]));
        s.push(char::from(H[usize::from(b & 15)]));
    }
    s
}

/// Parses 64 lowercase or uppercase hex digits.
pub fn parse_hex(s: &str) -> Option<Sha> {
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in s.as_bytes().chunks(2).enumerate() {
        let hi = char::from(*pair.first()?).to_digit(16)?;
        let lo = char::from(*pair.get(1)?).to_digit(16)?;
        *out.get_mut(i)? = u8::try_from(hi * 16 + lo).ok()?;
    }
    Some(out)
}

/// Standard base64 with `=` padding (Go's `base64.StdEncoding`).
fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for c in data.chunks(3) {
        let b = [
            c.first().copied().unwrap_or(0),
            c.get(1).copied().unwrap_or(0),
            c.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= c.len() {
                let idx = usize::try_from((n >> shift) & 63).unwrap_or(0);
                out.push(char::from(A[idx]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `Hash1` over already-digested files: sorts by name (byte-wise, like Go's `slices.Sort`)
/// and returns `h1:<base64>`.
///
/// # Errors
/// [`HashError::Newline`] when a name contains `\n`.
pub fn hash1(files: &[FileSum]) -> Result<String, HashError> {
    let mut refs: Vec<&FileSum> = files.iter().collect();
    refs.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    let mut outer = Sha256::new();
    for f in refs {
        if f.name.contains('\n') {
            return Err(HashError::Newline(f.name.clone()));
        }
        outer.update(hex(&f.sha).as_bytes());
        outer.update(b"  ");
        outer.update(f.name.as_bytes());
        outer.update(b"\n");
    }
    Ok(format!("h1:{}", base64(&outer.finalize())))
}

/// SHA-256 of bytes.
pub fn sha256(data: &[u8]) -> Sha {
    Sha256::digest(data).into()
}

/// The `h1:` hash of a module's `go.mod` (Go's `goModSum`: `Hash1(["go.mod"], content)`), as
/// in `<path> <version>/go.mod h1:...` lines of go.sum.
pub fn hash_gomod(content: &[u8]) -> String {
    let f = FileSum {
        name: "go.mod".into(),
        sha: sha256(content),
        size: content.len() as u64,
    };
    hash1(std::slice::from_ref(&f)).unwrap_or_default()
}

/// Streams `r` through SHA-256, calling `on_bytes` per chunk and stopping after `limit` bytes
/// (returns `Ok(None)` when the limit was exceeded).
fn digest_reader(
    r: &mut dyn Read,
    limit: u64,
    on_bytes: &dyn Fn(u64),
    cancel: &CancelToken,
) -> io::Result<Option<(Sha, u64)>> {
    thread_local! {
        // One read buffer per thread: a fresh 256 KiB allocation per small file costs more
        // than hashing it.
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUF.with_borrow_mut(|buf| {
        if buf.len() < CHUNK {
            buf.resize(CHUNK, 0);
        }
        let mut h = Sha256::new();
        let mut total = 0u64;
        loop {
            if cancel.is_cancelled() {
                return Err(io::Error::new(io::ErrorKind::Interrupted, "cancelled"));
            }
            let n = match r.read(buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            total += n as u64;
            if total > limit {
                return Ok(None);
            }
            h.update(buf.get(..n).unwrap_or_default());
            on_bytes(n as u64);
        }
        Ok(Some((h.finalize().into(), total)))
    })
}

/// The kind of a file that is neither a regular file, a directory nor a symlink: reading one
/// can block forever (a FIFO with no writer), fail (a socket) or never end (a device), so the
/// cache checks never open them ([`open_regular`]) and count them instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Special {
    /// A named pipe (`mkfifo`).
    Fifo,
    /// A Unix domain socket.
    Socket,
    /// A block or character device.
    Device,
    /// Anything else that is not a regular file.
    Other,
}

impl Special {
    /// The kind of `ft`, or `None` for a regular file, a directory or a symlink.
    pub fn of(ft: std::fs::FileType) -> Option<Self> {
        if ft.is_file() || ft.is_dir() || ft.is_symlink() {
            return None;
        }
        Some(Host::special_kind(ft))
    }

    /// A word for people (`FIFO`, `socket`, `device`, `special file`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fifo => "FIFO",
            Self::Socket => "socket",
            Self::Device => "device",
            Self::Other => "special file",
        }
    }
}

/// Opens `path` for reading only if it is a regular file, without blocking and without
/// following a symlink in its last component: on Unix with `O_NONBLOCK | O_NOFOLLOW` (opening
/// a FIFO with no writer would otherwise block forever, and no cancellation could stop it),
/// then checks the type of what was opened (`fstat`), so a file swapped for a FIFO, socket or
/// device after it was listed is refused too.
///
/// Where the OS allows it (Linux, a file this user owns) the read leaves the file's access
/// time alone: a module version's last use is read from its download files' access times
/// (`autopilot::lastuse`), and a verify that hashes every `.zip` must not make every version
/// look used today.
///
/// # Errors
/// Opening fails (a symlink gives `ELOOP` on Unix), or what was opened is not a regular file
/// ([`io::ErrorKind::InvalidInput`], naming its kind).
pub fn open_regular(path: &Path) -> io::Result<File> {
    let open = |keep_atime: bool| {
        let mut oo = std::fs::OpenOptions::new();
        oo.read(true);
        Host::open_nonblocking_nofollow(&mut oo, keep_atime);
        oo.open(path)
    };
    // O_NOATIME is refused (EPERM) on a file another user owns: open it the usual way then.
    let f = match open(true) {
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => open(false)?,
        other => other?,
    };
    let ft = f.metadata()?.file_type();
    if !ft.is_file() {
        let kind = Special::of(ft).map_or("directory", Special::as_str);
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("not a regular file ({kind}): not read"),
        ));
    }
    Ok(f)
}

/// Reads a whole regular file ([`open_regular`]) of at most `limit` bytes.
///
/// # Errors
/// As [`open_regular`]; reading fails; the file is longer than `limit`
/// ([`io::ErrorKind::InvalidData`]).
pub fn read_regular(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let f = open_regular(path)?;
    let mut buf = Vec::new();
    f.take(limit.saturating_add(1)).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("longer than {limit} bytes"),
        ));
    }
    Ok(buf)
}

/// SHA-256 of a regular file's content ([`open_regular`]: FIFOs, sockets and devices are
/// refused, never opened for reading), streamed, calling `on_bytes` per chunk read.
///
/// # Errors
/// Opening or reading the file; `Interrupted` when cancelled.
pub fn sha256_file(path: &Path, on_bytes: &dyn Fn(u64), cancel: &CancelToken) -> io::Result<Sha> {
    let mut f = open_regular(path)?;
    match digest_reader(&mut f, u64::MAX, on_bytes, cancel)? {
        Some((sha, _)) => Ok(sha),
        None => Ok(unreachable_limit().0),
    }
}

/// One regular file (or symlink) of an extracted tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirFile {
    /// Path relative to the tree, with `/` separators.
    pub rel: String,
    /// The file on disk.
    pub path: PathBuf,
    /// Size in bytes (of the link itself for a symlink).
    pub size: u64,
    /// Whether it is a symlink (module zips never contain any).
    pub symlink: bool,
    /// Whether anyone may write it (Go extracts files read-only, 0444).
    pub writable: bool,
    /// A FIFO, socket or device: never opened; digested as a marker ([`digest_dir_files`]).
    pub special: Option<Special>,
}

/// Lists the files of `dir` like Go's `dirhash.DirFiles`: every non-directory entry, walked
/// without following symlinks, with `/`-separated relative names, sorted.
///
/// # Errors
/// [`HashError::Io`] when a directory cannot be read.
pub fn dir_files(dir: &Path) -> Result<Vec<DirFile>, HashError> {
    let mut out = Vec::new();
    // walkdir: symlinks are listed, not followed (only the root is, as read_dir would).
    for e in walkdir::WalkDir::new(dir) {
        let e = e.map_err(|err| HashError::Io {
            path: err.path().unwrap_or(dir).to_path_buf(),
            source: err.into(),
        })?;
        if e.depth() == 0 {
            if !e.file_type().is_dir() {
                return Err(HashError::Io {
                    path: dir.to_path_buf(),
                    source: io::Error::from(io::ErrorKind::NotADirectory),
                });
            }
            continue;
        }
        if e.file_type().is_dir() {
            continue;
        }
        let md = e.metadata().map_err(|err| HashError::Io {
            path: e.path().to_path_buf(),
            source: err.into(),
        })?;
        let rel: Vec<String> = e
            .path()
            .strip_prefix(dir)
            .unwrap_or(e.path())
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        out.push(DirFile {
            rel: rel.join("/"),
            path: e.into_path(),
            size: md.len(),
            symlink: md.file_type().is_symlink(),
            writable: !md.permissions().readonly(),
            special: Special::of(md.file_type()),
        });
    }
    out.sort_by(|a, b| a.rel.as_bytes().cmp(b.rel.as_bytes()));
    Ok(out)
}

/// Digests the files listed by [`dir_files`] under `prefix/` (e.g. `module@version`).
///
/// A symlink is never followed (it could point out of the cache): it is digested as the text
/// `symlink -> <target>`, so a tree holding one never matches a module hash. Go would follow
/// it; module zips cannot contain symlinks, so either way the tree is not what Go extracted.
/// A FIFO, socket or device is never opened (a FIFO would block): it is digested as the text
/// `special file <kind>`, so the tree does not match either (module zips hold regular files
/// only). A regular file is opened with [`open_regular`], so one swapped for a FIFO after it
/// was listed is an error, not a hang.
///
/// # Errors
/// [`HashError::Io`] when a file cannot be read; [`HashError::Cancelled`].
pub fn digest_dir_files(
    files: &[DirFile],
    prefix: &str,
    on_bytes: &dyn Fn(u64),
    cancel: &CancelToken,
) -> Result<Vec<FileSum>, HashError> {
    let mut out = Vec::with_capacity(files.len());
    for f in files {
        let io_err = |source| HashError::Io {
            path: f.path.clone(),
            source,
        };
        let (sha, size) = if f.symlink {
            let target = std::fs::read_link(&f.path).map_err(io_err)?;
            let text = format!("symlink -> {}", target.display());
            (sha256(text.as_bytes()), f.size)
        } else if let Some(kind) = f.special {
            let text = format!("special file {}", kind.as_str());
            (sha256(text.as_bytes()), 0)
        } else {
            let mut file = open_regular(&f.path).map_err(io_err)?;
            match digest_reader(&mut file, u64::MAX, on_bytes, cancel) {
                Ok(Some(r)) => r,
                Ok(None) => unreachable_limit(),
                Err(e) if cancel.is_cancelled() => {
                    let _ = e;
                    return Err(HashError::Cancelled);
                }
                Err(e) => return Err(io_err(e)),
            }
        };
        out.push(FileSum {
            name: format!("{prefix}/{}", f.rel),
            sha,
            size,
        });
    }
    Ok(out)
}

/// `u64::MAX` cannot be exceeded; kept as a function so the match stays total without panics.
fn unreachable_limit() -> (Sha, u64) {
    ([0; 32], u64::MAX)
}

/// Go's `dirhash.HashDir(dir, prefix, Hash1)`: the `h1:` of an extracted module tree, plus
/// the per-file digests (names `prefix/rel`).
///
/// # Errors
/// As [`dir_files`] and [`digest_dir_files`].
pub fn hash_dir(
    dir: &Path,
    prefix: &str,
    cancel: &CancelToken,
) -> Result<(String, Vec<FileSum>), HashError> {
    let files = dir_files(dir)?;
    let sums = digest_dir_files(&files, prefix, &|_| {}, cancel)?;
    Ok((hash1(&sums)?, sums))
}

/// Go's `dirhash.HashZip(zip, Hash1)`: the `h1:` of a zip's entries (names exactly as stored,
/// metadata, order and compression ignored), plus the per-entry digests. Reads with `limits`.
///
/// # Errors
/// [`HashError::BadZip`] for an unreadable zip, a CRC mismatch or a broken limit;
/// [`HashError::Io`] when the file cannot be opened; [`HashError::Cancelled`].
pub fn hash_zip(
    path: &Path,
    limits: &ZipLimits,
    on_bytes: &dyn Fn(u64),
    cancel: &CancelToken,
) -> Result<(String, Vec<FileSum>), HashError> {
    let file = open_regular(path).map_err(|source| HashError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let reported = std::cell::Cell::new(0u64);
    let counting = Counting {
        inner: file,
        read: 0,
        size,
        reported: &reported,
        on_bytes,
    };
    let sums = digest_zip(io::BufReader::new(counting), limits, &|_| {}, cancel);
    // Progress counts the zip file's bytes, each exactly once.
    on_bytes(size.saturating_sub(reported.get()));
    let sums = sums.map_err(|e| match e {
        ZipReadError::Cancelled => HashError::Cancelled,
        ZipReadError::Bad(message) => HashError::BadZip {
            path: path.to_path_buf(),
            message,
        },
    })?;
    Ok((hash1(&sums)?, sums))
}

/// A reader that reports the bytes read from a file (up to its size) to a progress callback.
struct Counting<'a> {
    inner: File,
    read: u64,
    size: u64,
    reported: &'a std::cell::Cell<u64>,
    on_bytes: &'a dyn Fn(u64),
}

impl Read for Counting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        let upto = self.read.min(self.size);
        let done = self.reported.get();
        if upto > done {
            (self.on_bytes)(upto - done);
            self.reported.set(upto);
        }
        Ok(n)
    }
}

impl io::Seek for Counting<'_> {
    fn seek(&mut self, pos: io::SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// Why [`digest_zip`] failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZipReadError {
    /// The zip is malformed or breaks a limit.
    Bad(String),
    /// Cancelled.
    Cancelled,
}

/// Digests every entry of a zip read from `r` (any `Read + Seek`), within `limits`.
///
/// # Errors
/// [`ZipReadError::Bad`] for a malformed zip, a CRC mismatch or a broken limit.
pub fn digest_zip<R: Read + io::Seek>(
    r: R,
    limits: &ZipLimits,
    on_bytes: &dyn Fn(u64),
    cancel: &CancelToken,
) -> Result<Vec<FileSum>, ZipReadError> {
    let mut z = zip::ZipArchive::new(r).map_err(|e| ZipReadError::Bad(e.to_string()))?;
    if z.len() > limits.max_entries {
        return Err(ZipReadError::Bad(format!(
            "{} entries, more than the limit of {}",
            z.len(),
            limits.max_entries
        )));
    }
    let mut declared = 0u64;
    for i in 0..z.len() {
        let f = z
            .by_index_raw(i)
            .map_err(|e| ZipReadError::Bad(e.to_string()))?;
        declared = declared.saturating_add(f.size());
        if declared > limits.max_total_bytes {
            return Err(ZipReadError::Bad(format!(
                "uncompressed size exceeds {} bytes",
                limits.max_total_bytes
            )));
        }
    }
    let mut out = Vec::with_capacity(z.len());
    let mut remaining = limits.max_total_bytes;
    for i in 0..z.len() {
        if cancel.is_cancelled() {
            return Err(ZipReadError::Cancelled);
        }
        let mut f = z
            .by_index(i)
            .map_err(|e| ZipReadError::Bad(e.to_string()))?;
        let name_bytes = f.name_raw();
        if name_bytes.len() > limits.max_name_len {
            return Err(ZipReadError::Bad(format!(
                "entry name of {} bytes, more than the limit of {}",
                name_bytes.len(),
                limits.max_name_len
            )));
        }
        let name = String::from_utf8_lossy(name_bytes).into_owned();
        let (sha, size) = match digest_reader(&mut f, remaining, on_bytes, cancel) {
            Ok(Some(r)) => r,
            Ok(None) => {
                return Err(ZipReadError::Bad(format!(
                    "entry {name:?}: uncompressed data exceeds {} bytes",
                    limits.max_total_bytes
                )));
            }
            Err(_) if cancel.is_cancelled() => return Err(ZipReadError::Cancelled),
            Err(e) => return Err(ZipReadError::Bad(format!("entry {name:?}: {e}"))),
        };
        remaining = remaining.saturating_sub(size);
        out.push(FileSum { name, sha, size });
    }
    Ok(out)
}

/// Reads a `.ziphash` file's text the way Go's `checkMod` does: trimmed, and it must start
/// with `h1:`. Returns `None` for anything else.
pub fn parse_ziphash(text: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(text).ok()?.trim();
    if s.starts_with("h1:") && !s.contains(char::is_whitespace) {
        Some(s.to_owned())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    #[cfg(unix)]
    use std::process::Command;

    /// A file listed as regular, then swapped for a FIFO before it is read (the race a
    /// listing cannot close): the digest fails at once instead of blocking on the FIFO, and
    /// symlinks are not followed by `open_regular`.
    #[cfg(unix)]
    #[test]
    fn a_file_swapped_for_a_fifo_after_listing_is_refused_not_read() {
        let t = tempfile::tempdir().unwrap();
        let f = t.path().join("a.go");
        std::fs::write(&f, "package a\n").unwrap();
        let files = dir_files(t.path()).unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].special, None);
        std::fs::remove_file(&f).unwrap();
        assert!(Command::new("mkfifo").arg(&f).status().unwrap().success());
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let r = digest_dir_files(&files, "m@v1", &|_| {}, &CancelToken::new());
            let _ = tx.send(r.map(|_| ()).map_err(|e| e.to_string()));
        });
        let r = rx
            .recv_timeout(std::time::Duration::from_secs(30))
            .expect("digest_dir_files blocked on a FIFO");
        let err = r.unwrap_err();
        assert!(err.contains("not a regular file (FIFO)"), "{err}");
        // Listed again, the FIFO is special and digested as a marker, never opened.
        let files = dir_files(t.path()).unwrap();
        assert_eq!(files[0].special, Some(Special::Fifo));
        let sums = digest_dir_files(&files, "m@v1", &|_| {}, &CancelToken::new()).unwrap();
        assert_eq!(sums[0].sha, sha256(b"special file FIFO"));
        // A symlink to a regular file is not followed.
        let link = t.path().join("link");
        std::os::unix::fs::symlink(t.path().join("target"), &link).unwrap();
        std::fs::write(t.path().join("target"), "x").unwrap();
        assert!(open_regular(&link).is_err());
        assert_eq!(read_regular(&t.path().join("target"), 1).unwrap(), b"x");
        assert!(read_regular(&t.path().join("target"), 0).is_err());
    }

    fn sum(name: &str, data: &[u8]) -> FileSum {
        FileSum {
            name: name.into(),
            sha: sha256(data),
            size: data.len() as u64,
        }
    }

    /// Lowercase hex of SHA-256 from the `sha2` crate, formatted plainly.
    fn reference_sha256_hex(data: &[u8]) -> String {
        sha2::Sha256::digest(data)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Standard base64 with `=` padding, written out from RFC 4648 as a bit stream (not the
    /// module's three-byte grouping).
    fn reference_base64(data: &[u8]) -> String {
        let alphabet: Vec<char> = ('A'..='Z')
            .chain('a'..='z')
            .chain('0'..='9')
            .chain(['+', '/'])
            .collect();
        let bits: Vec<u8> = data
            .iter()
            .flat_map(|byte| (0..8).rev().map(move |i| (byte >> i) & 1))
            .collect();
        let mut out: String = bits
            .chunks(6)
            .map(|six| {
                let v = (0..6).fold(0_usize, |v, i| {
                    (v << 1) | usize::from(six.get(i).copied().unwrap_or(0))
                });
                alphabet[v]
            })
            .collect();
        while !out.len().is_multiple_of(4) {
            out.push('=');
        }
        out
    }

    /// Go's `dirhash.Hash1` (golang.org/x/mod/sumdb/dirhash) from its definition, with none
    /// of this module's code: the lines `"<hex sha256(file)>  <name>\n"` sorted by name,
    /// SHA-256 of their concatenation, `"h1:"` + base64.
    fn reference_hash1(files: &[(&str, &[u8])]) -> String {
        let mut files = files.to_vec();
        files.sort_by_key(|(name, _)| name.as_bytes().to_vec());
        let summary: String = files
            .iter()
            .map(|(name, data)| format!("{}  {name}\n", reference_sha256_hex(data)))
            .collect();
        format!(
            "h1:{}",
            reference_base64(&sha2::Sha256::digest(summary.as_bytes()))
        )
    }

    #[test]
    fn the_reference_base64_follows_rfc_4648() {
        // RFC 4648 section 10.
        for (raw, enc) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(reference_base64(raw.as_bytes()), enc, "{raw}");
            assert_eq!(base64(raw.as_bytes()), enc, "{raw}");
        }
        // FIPS 180-2's "abc" example.
        assert_eq!(
            reference_sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    /// `sha256sum` of `summary`, then `base64`, through coreutils: an independent path.
    #[cfg(unix)]
    fn coreutils_h1(summary: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("summary");
        std::fs::write(&p, summary).unwrap();
        let out = Command::new("sh")
            .arg("-c")
            .arg("sha256sum \"$1\" | cut -d' ' -f1 | xxd -r -p | base64")
            .arg("sh")
            .arg(&p)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        format!("h1:{}", String::from_utf8_lossy(&out.stdout).trim())
    }

    #[cfg(unix)]
    fn coreutils_sha256_hex(data: &[u8]) -> String {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, data).unwrap();
        let out = Command::new("sha256sum").arg(&p).output().unwrap();
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn empty_gomod_is_gos_constant() {
        // Go's emptyGoModHash constant (modfetch/fetch.go).
        assert_eq!(
            hash_gomod(b""),
            "h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY="
        );
    }

    #[test]
    fn abc_xyz_matches_an_independent_computation() {
        let files = [sum("xyz", b"data for xyz"), sum("abc", b"data for abc")];
        let got = hash1(&files).unwrap();
        assert_eq!(
            got,
            reference_hash1(&[("xyz", b"data for xyz"), ("abc", b"data for abc")])
        );
        // And through coreutils where they exist.
        #[cfg(unix)]
        {
            let summary = format!(
                "{}  abc\n{}  xyz\n",
                coreutils_sha256_hex(b"data for abc"),
                coreutils_sha256_hex(b"data for xyz")
            );
            assert_eq!(got, coreutils_h1(&summary));
        }
        // The value stated in the spec (§4.5), computed there by an independent Python
        // implementation of Go's algorithm.
        assert_eq!(got, "h1:EP6WfDoQTSk9klnxcjriWJOGztueJUywHNmWeq+efB8=");
    }

    #[test]
    fn prefixed_dir_and_zip_agree() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().join("m");
        std::fs::create_dir_all(d.join("sub")).unwrap();
        std::fs::write(d.join("xyz"), "data for xyz").unwrap();
        std::fs::write(d.join("abc"), "data for abc").unwrap();
        std::fs::write(d.join("sub/k"), "k").unwrap();
        let cancel = CancelToken::new();
        let (h, sums) = hash_dir(&d, "prefix", &cancel).unwrap();
        let names: Vec<&str> = sums.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["prefix/abc", "prefix/sub/k", "prefix/xyz"]);

        let zp = tmp.path().join("m.zip");
        let mut w = zip::ZipWriter::new(File::create(&zp).unwrap());
        for (n, data, method) in [
            (
                "prefix/xyz",
                "data for xyz",
                zip::CompressionMethod::Deflated,
            ),
            ("prefix/sub/k", "k", zip::CompressionMethod::Stored),
            (
                "prefix/abc",
                "data for abc",
                zip::CompressionMethod::Deflated,
            ),
        ] {
            let o = zip::write::SimpleFileOptions::default().compression_method(method);
            w.start_file(n, o).unwrap();
            w.write_all(data.as_bytes()).unwrap();
        }
        w.finish().unwrap();
        let (hz, _) = hash_zip(&zp, &ZipLimits::default(), &|_| {}, &cancel).unwrap();
        assert_eq!(h, hz);

        // Without sub/k: the spec's TestHashDir value for prefix/.
        std::fs::remove_file(d.join("sub/k")).unwrap();
        let (h2, _) = hash_dir(&d, "prefix", &cancel).unwrap();
        assert_eq!(h2, "h1:rLyfpGMAgqOnGE2aKOY5Xb6cOc0/YQhPjHBHBwkblhs=");
        assert_eq!(
            h2,
            reference_hash1(&[
                ("prefix/xyz", b"data for xyz"),
                ("prefix/abc", b"data for abc")
            ])
        );
    }

    #[test]
    fn zip_limits_are_enforced() {
        let tmp = tempfile::tempdir().unwrap();
        let zp = tmp.path().join("big.zip");
        let mut w = zip::ZipWriter::new(File::create(&zp).unwrap());
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for i in 0..3 {
            w.start_file(format!("m@v1/{i}"), o).unwrap();
            w.write_all(&vec![0u8; 100_000]).unwrap();
        }
        w.finish().unwrap();
        let c = CancelToken::new();
        let small = ZipLimits {
            max_total_bytes: 250_000,
            ..ZipLimits::default()
        };
        assert!(matches!(
            hash_zip(&zp, &small, &|_| {}, &c),
            Err(HashError::BadZip { .. })
        ));
        let few = ZipLimits {
            max_entries: 2,
            ..ZipLimits::default()
        };
        assert!(matches!(
            hash_zip(&zp, &few, &|_| {}, &c),
            Err(HashError::BadZip { .. })
        ));
        assert!(hash_zip(&zp, &ZipLimits::default(), &|_| {}, &c).is_ok());
    }

    #[test]
    fn newline_names_are_rejected() {
        assert!(matches!(
            hash1(&[sum("a\nb", b"")]),
            Err(HashError::Newline(_))
        ));
    }

    #[test]
    fn ziphash_parsing_follows_check_mod() {
        assert_eq!(parse_ziphash(b" h1:abc=\n").as_deref(), Some("h1:abc="));
        assert_eq!(parse_ziphash(b"h2:abc="), None);
        assert_eq!(parse_ziphash(b""), None);
        assert_eq!(parse_ziphash(b"h1:a b"), None);
        assert_eq!(parse_ziphash(&[0xff, 0xfe]), None);
    }

    #[test]
    fn hex_round_trips() {
        let s = sha256(b"x");
        assert_eq!(parse_hex(&hex(&s)), Some(s));
        assert_eq!(hex(&s), reference_sha256_hex(b"x"));
        #[cfg(unix)]
        assert_eq!(hex(&s), coreutils_sha256_hex(b"x"));
        assert_eq!(parse_hex("zz"), None);
    }
}
