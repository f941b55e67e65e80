//! Which filesystem a cache lives on, and whether that is a network or removable one.
//!
//! # Platform behavior
//! * Linux: the mount of the path in `/proc/self/mountinfo` (longest matching mount point)
//!   and its filesystem type ([`mountinfo_lookup`]).
//! * Windows: UNC paths (`\\server\share\...`) are network paths; drive types
//!   ([`windows_drive_class`], `GetDriveTypeW` values) are classified by a pure helper.
//! * macOS: `statfs(2)` of the path (its nearest existing ancestor): `f_fstypename` and
//!   `f_flags` are classified by [`macos_fs_class`] (network types, and any volume without
//!   `MNT_LOCAL`, are network; `MNT_REMOVABLE` volumes and FAT/exFAT are removable).

use std::path::Path;

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "macos")]
mod macos;
#[cfg(not(any(target_os = "linux", target_os = "macos")))]
mod other;
// Make every OS file visible to rustfmt on any host (the sysinfo trick).
#[cfg(any())]
mod linux;
#[cfg(any())]
mod macos;
#[cfg(any())]
mod other;

#[cfg(target_os = "linux")]
use linux as host;
#[cfg(target_os = "macos")]
use macos as host;
#[cfg(not(any(target_os = "linux", target_os = "macos")))]
use other as host;

use serde::Serialize;

/// What kind of storage a filesystem type is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FsClass {
    /// A local disk.
    Local,
    /// A network filesystem (NFS, SMB/CIFS, sshfs, ...).
    Network,
    /// A removable-media filesystem (FAT, exFAT).
    Removable,
}

/// The filesystem a path is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FsInfo {
    /// The filesystem type (`ext4`, `nfs4`, `cifs`, `fuse.sshfs`, `smbfs`, `UNC`, ...).
    pub fstype: String,
    /// Where it is mounted.
    pub mount_point: String,
    /// Its class.
    pub class: FsClass,
}

/// Classifies a filesystem type name as Linux (`/proc/self/mountinfo`) or macOS
/// (`statfs.f_fstypename`) report it.
pub fn classify_fs_type(fstype: &str) -> FsClass {
    let t = fstype.to_ascii_lowercase();
    const NETWORK: [&str; 22] = [
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "sshfs",
        "fuse.sshfs",
        "9p",
        "afs",
        "ceph",
        "glusterfs",
        "fuse.glusterfs",
        "lustre",
        "davfs",
        "fuse.davfs2",
        "webdav",
        "afpfs",
        "fuse.rclone",
        "fuse.s3fs",
        "ncpfs",
    ];
    const REMOVABLE: [&str; 5] = ["vfat", "exfat", "msdos", "fat", "fuseblk.exfat"];
    if NETWORK.contains(&t.as_str())
        || t.starts_with("nfs")
        || t.starts_with("fuse.sshfs")
        || t == "osxfuse"
        || t == "macfuse"
    {
        FsClass::Network
    } else if REMOVABLE.contains(&t.as_str()) {
        FsClass::Removable
    } else {
        FsClass::Local
    }
}

/// `MNT_LOCAL` of `statfs.f_flags` (xnu `bsd/sys/mount.h`): the filesystem is stored
/// locally. Network filesystems (nfs, smbfs, afpfs, webdav, ...) do not set it.
pub const MNT_LOCAL: u32 = 0x0000_1000;
/// `MNT_REMOVABLE` of `statfs.f_flags` (xnu `bsd/sys/mount.h`): storage the user can remove
/// (USB drives, SD cards, disk images of them); set by xnu's `mountfs` from the device.
pub const MNT_REMOVABLE: u32 = 0x0000_0200;

/// macOS: the class of a volume from `statfs`' `f_fstypename` and `f_flags`. A network type
/// name, or no `MNT_LOCAL` flag, is a network filesystem; `MNT_REMOVABLE`, or a FAT/exFAT
/// type (`msdos`, `exfat`: external drives and cards), is removable; anything else (apfs,
/// hfs, ...) is local.
pub fn macos_fs_class(fstypename: &str, flags: u32) -> FsClass {
    match classify_fs_type(fstypename) {
        FsClass::Network => FsClass::Network,
        _ if flags & MNT_LOCAL == 0 => FsClass::Network,
        _ if flags & MNT_REMOVABLE != 0 => FsClass::Removable,
        class => class,
    }
}

/// Windows: a UNC path, or the `GetDriveTypeW` result of its drive (2 = removable,
/// 4 = remote).
pub fn windows_drive_class(path: &str, drive_type: Option<u32>) -> FsClass {
    if path.starts_with("\\\\") && !path.starts_with("\\\\?\\") || path.starts_with("\\\\?\\UNC\\")
    {
        return FsClass::Network;
    }
    match drive_type {
        Some(4) => FsClass::Network,
        Some(2) => FsClass::Removable,
        _ => FsClass::Local,
    }
}

/// Finds the mount holding `path` in the text of `/proc/self/mountinfo`: the longest mount
/// point that is `path` or one of its ancestors.
pub fn mountinfo_lookup(mountinfo: &str, path: &Path) -> Option<FsInfo> {
    let mut best: Option<(usize, FsInfo)> = None;
    for line in mountinfo.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        let Some(mount_point) = fields.get(4).map(|m| unescape_octal(m)) else {
            continue;
        };
        let Some(sep) = fields.iter().position(|f| *f == "-") else {
            continue;
        };
        let Some(fstype) = fields.get(sep + 1) else {
            continue;
        };
        if !path.starts_with(&mount_point) {
            continue;
        }
        let len = mount_point.len();
        if best.as_ref().is_none_or(|(l, _)| len >= *l) {
            best = Some((
                len,
                FsInfo {
                    fstype: (*fstype).to_owned(),
                    class: classify_fs_type(fstype),
                    mount_point,
                },
            ));
        }
    }
    best.map(|(_, i)| i)
}

/// `\040` → space (mountinfo escapes space, tab, newline and backslash).
fn unescape_octal(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'\\'
            && let Some(v) = s
                .get(i + 1..i + 4)
                .and_then(|o| u8::from_str_radix(o, 8).ok())
        {
            out.push(v);
            i += 4;
            continue;
        }
        out.push(c);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The filesystem of `path` (or its nearest existing ancestor) on this machine, when this
/// OS's lookup is implemented (see the module docs).
pub fn fs_of(path: &Path) -> Option<FsInfo> {
    host::fs_of(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MOUNTINFO: &str = "\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
40 22 0:35 / /home rw,relatime shared:2 - ext4 /dev/sda2 rw
41 40 0:36 / /home/u/nfs rw,relatime shared:3 - nfs4 srv:/export rw,vers=4.2
42 40 0:37 / /home/u/my\\040share rw shared:4 - cifs //srv/share rw
43 22 8:17 / /media/u/USB rw,nosuid - vfat /dev/sdb1 rw
44 40 0:38 / /home/u/remote rw - fuse.sshfs u@h:/ rw
";

    #[test]
    fn longest_mount_point_wins() {
        let f = |p: &str| mountinfo_lookup(MOUNTINFO, Path::new(p));
        let nfs = f("/home/u/nfs/go/pkg/mod");
        assert_eq!(nfs.as_ref().map(|i| i.fstype.as_str()), Some("nfs4"));
        assert_eq!(nfs.map(|i| i.class), Some(FsClass::Network));
        assert_eq!(f("/home/u/go").map(|i| i.class), Some(FsClass::Local));
        assert_eq!(
            f("/home/u/my share/go").map(|i| i.fstype),
            Some("cifs".to_owned())
        );
        // A sibling with the same prefix is not inside the mount.
        assert_eq!(f("/home/u/nfsx").map(|i| i.fstype), Some("ext4".to_owned()));
        assert_eq!(
            f("/media/u/USB/go").map(|i| i.class),
            Some(FsClass::Removable)
        );
        assert_eq!(
            f("/home/u/remote/x").map(|i| i.class),
            Some(FsClass::Network)
        );
    }

    #[test]
    fn macos_volumes_by_type_and_flags() {
        // The flags of a boot APFS volume (MNT_LOCAL | MNT_ROOTFS | MNT_DOVOLFS | ...).
        let local = MNT_LOCAL | 0x4000 | 0x8000 | 0x0080_0000;
        assert_eq!(macos_fs_class("apfs", local), FsClass::Local);
        assert_eq!(macos_fs_class("hfs", local), FsClass::Local);
        // Network filesystems: by name, whatever the flags say.
        for t in ["nfs", "smbfs", "afpfs", "webdav", "cifs", "macfuse"] {
            assert_eq!(macos_fs_class(t, 0), FsClass::Network, "{t}");
            assert_eq!(macos_fs_class(t, local), FsClass::Network, "{t}");
        }
        // An unknown type without MNT_LOCAL (a third-party network filesystem).
        assert_eq!(macos_fs_class("ftp", 0), FsClass::Network);
        assert_eq!(macos_fs_class("apfs", MNT_REMOVABLE), FsClass::Network);
        // External drives: MNT_REMOVABLE, whatever their filesystem; FAT/exFAT by name.
        assert_eq!(
            macos_fs_class("apfs", MNT_LOCAL | MNT_REMOVABLE),
            FsClass::Removable
        );
        assert_eq!(
            macos_fs_class("hfs", MNT_LOCAL | MNT_REMOVABLE),
            FsClass::Removable
        );
        assert_eq!(macos_fs_class("msdos", MNT_LOCAL), FsClass::Removable);
        assert_eq!(macos_fs_class("exfat", MNT_LOCAL), FsClass::Removable);
        assert_eq!(MNT_LOCAL, 0x1000);
        assert_eq!(MNT_REMOVABLE, 0x200);
    }

    #[test]
    fn macos_and_windows_classes() {
        assert_eq!(classify_fs_type("smbfs"), FsClass::Network);
        assert_eq!(classify_fs_type("afpfs"), FsClass::Network);
        assert_eq!(classify_fs_type("macfuse"), FsClass::Network);
        assert_eq!(classify_fs_type("msdos"), FsClass::Removable);
        assert_eq!(classify_fs_type("exfat"), FsClass::Removable);
        assert_eq!(classify_fs_type("apfs"), FsClass::Local);
        assert_eq!(
            windows_drive_class(r"\\fileserver\home\u\go\pkg\mod", None),
            FsClass::Network
        );
        assert_eq!(
            windows_drive_class(r"\\?\UNC\fileserver\home", None),
            FsClass::Network
        );
        assert_eq!(
            windows_drive_class(r"\\?\C:\Users", Some(3)),
            FsClass::Local
        );
        assert_eq!(windows_drive_class(r"Z:\go", Some(4)), FsClass::Network);
        assert_eq!(windows_drive_class(r"E:\go", Some(2)), FsClass::Removable);
    }
}
