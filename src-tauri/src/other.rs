//! Start-up settings on the OSes other than Linux: none are needed.

/// Nothing to set: WebKitGTK's defaults are a Linux matter (`linux.rs` there).
pub fn webkit_defaults() {}

/// The single-instance plugin always starts (it needs no D-Bus outside Linux).
pub fn single_instance_usable() -> bool {
    true
}

/// The tray icon needs nothing to be installed outside Linux.
pub fn tray_missing_package() -> Option<&'static str> {
    None
}
