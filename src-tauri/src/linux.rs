//! Linux-only start-up settings for WebKitGTK.

/// Variables set for WebKitGTK when the user has not set them (`name`, `value`).
///
/// `WEBKIT_DISABLE_COMPOSITING_MODE=1`: WebKitGTK's accelerated compositing renders through
/// EGL/GL; without a GPU (software Mesa, VMs, Xvfb, remote X) every frame goes through llvmpipe
/// and the first painted dashboard comes 0.2-0.4 s later (BENCHMARKS.md, "App start"). The
/// dashboard has no 3D transforms, video or WebGL to need it. Set it to `0` to keep compositing.
pub const WEBKIT_DEFAULTS: &[(&str, &str)] = &[("WEBKIT_DISABLE_COMPOSITING_MODE", "1")];

/// Sets [`WEBKIT_DEFAULTS`] in the process environment, leaving any variable the user set
/// (even to an empty value) alone. Must run first thing in `main`, before any thread starts.
#[allow(unsafe_code, reason = "set_var before any other thread exists")]
pub fn webkit_defaults() {
    for (name, value) in WEBKIT_DEFAULTS {
        if std::env::var_os(name).is_none() {
            // SAFETY: called at the top of `main`, before Tauri, GTK, the async runtime or any
            // other thread starts, so nothing reads the environment concurrently.
            unsafe { std::env::set_var(name, value) };
        }
    }
}
