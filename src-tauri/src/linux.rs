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

/// Whether the single-instance plugin may start with this process's
/// `DBUS_SESSION_BUS_ADDRESS` ([`session_bus_address_usable`]).
pub fn single_instance_usable() -> bool {
    session_bus_address_usable(std::env::var("DBUS_SESSION_BUS_ADDRESS").ok().as_deref())
}

/// Whether the single-instance plugin may start: on Linux it registers a name on the D-Bus
/// session bus, and it panics on a `DBUS_SESSION_BUS_ADDRESS` it cannot parse (seen with
/// `disabled:` under WSL). A missing variable is fine (the plugin falls back to
/// `$XDG_RUNTIME_DIR/bus` and carries on without a bus); a value is usable when every
/// `;`-separated address uses a transport zbus knows.
pub fn session_bus_address_usable(address: Option<&str>) -> bool {
    const TRANSPORTS: &[&str] = &[
        "unix",
        "tcp",
        "nonce-tcp",
        "unixexec",
        "launchd",
        "autolaunch",
        "vsock",
    ];
    let Some(address) = address else {
        return true;
    };
    let parts: Vec<&str> = address
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    !parts.is_empty()
        && parts.iter().all(|p| {
            p.split_once(':')
                .is_some_and(|(transport, _)| TRANSPORTS.contains(&transport))
        })
}

/// The package the tray icon needs on Debian and Ubuntu.
pub const TRAY_PACKAGE: &str = "libayatana-appindicator3-1";

/// The libraries tray-icon (libappindicator-sys, with its default `backcompat`) tries, in its
/// order: it panics when none loads, on the main thread, where the panic cannot be caught.
const TRAY_LIBRARIES: &[&str] = &[
    "libayatana-appindicator3.so.1",
    "libappindicator3.so.1",
    "libayatana-appindicator3.so",
    "libappindicator3.so",
];

/// The package to install for the tray icon when none of its libraries can be loaded
/// ([`TRAY_PACKAGE`]); `None` when the tray can be created. Asked once per launch.
pub fn tray_missing_package() -> Option<&'static str> {
    static LOADABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let loadable = *LOADABLE.get_or_init(|| TRAY_LIBRARIES.iter().any(|name| library_loads(name)));
    (!loadable).then_some(TRAY_PACKAGE)
}

/// Whether the shared library `name` loads (it is unloaded again when it does).
#[allow(
    unsafe_code,
    reason = "dlopen of the library tray-icon would load anyway"
)]
fn library_loads(name: &str) -> bool {
    // SAFETY: the library is the one tray-icon loads when the tray is created (the same
    // names, in the same order); its initialisers run either way. Nothing of it is called.
    unsafe { libloading::Library::new(name) }.is_ok()
}

#[cfg(test)]
mod tests {
    use super::session_bus_address_usable;

    #[test]
    fn the_tray_library_is_found_when_a_name_loads() {
        assert!(!super::library_loads(
            "libgocache-doctor-no-such-library.so.1"
        ));
        // libc is always there: the check itself works.
        assert!(super::library_loads("libc.so.6"));
        let installed = [
            "/usr/lib/x86_64-linux-gnu",
            "/usr/lib/aarch64-linux-gnu",
            "/usr/lib",
        ]
        .iter()
        .any(|d| {
            std::path::Path::new(d)
                .join(super::TRAY_LIBRARIES[0])
                .exists()
        });
        if installed {
            assert_eq!(super::tray_missing_package(), None);
        }
    }

    #[test]
    fn session_bus_addresses() {
        assert!(session_bus_address_usable(None));
        assert!(session_bus_address_usable(Some(
            "unix:path=/run/user/1000/bus"
        )));
        assert!(session_bus_address_usable(Some(
            "unix:abstract=/tmp/dbus-x,guid=1;tcp:host=localhost,port=1"
        )));
        assert!(!session_bus_address_usable(Some("disabled:")));
        assert!(!session_bus_address_usable(Some("")));
        assert!(!session_bus_address_usable(Some("garbage")));
        assert!(!session_bus_address_usable(Some("unix:path=/x;disabled:")));
    }
}
