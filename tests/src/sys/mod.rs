//! The per-OS parts of the test support: what "executable" means, how to make a tree Go
//! made read-only removable again, and the size oracles (`du -sb` and `du -sB1`, or a walk on Windows).

#[cfg(unix)]
mod unix;
#[cfg(unix)]
pub(crate) use unix::{
    ProcessTree, SYSTEM_PATH, du_bytes, du_disk_bytes, is_executable_file, is_root, kept_env,
    make_dir_writable, make_tree_writable,
};

#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub(crate) use windows::{
    ProcessTree, SYSTEM_PATH, du_bytes, du_disk_bytes, is_executable_file, is_root, kept_env,
    make_dir_writable, make_tree_writable,
};
