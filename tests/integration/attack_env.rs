//! Issue #12 §15: the per-kind markers of `gocache_core::markers` hold for caches the real Go
//! toolchain made (and still after `go clean -cache`), and refuse the directories around them
//! that a misdirected variable would name (`GOPLSCACHE=$HOME/.cache`, `GOMODCACHE=$GOPATH/pkg`,
//! a project).

use gocache_core::discover::{self, CacheKind, Options};
use gocache_core::env::EnvMap;
use gocache_core::markers::looks_like;
use gocache_tests::fixture::{Spec, TempFixture};

#[test]
fn real_go_caches_show_their_markers_and_their_surroundings_do_not() {
    let fx = TempFixture::new(&Spec {
        modules: 2,
        versions: 1,
        files_per_version: 1,
        build_cache: true,
        toolchain: true,
    })
    .unwrap_or_else(|e| panic!("fixture: {e}"));
    let fx = fx.fixture();

    // Discovery in the fixture's environment finds them where the markers hold.
    let env = EnvMap::from_pairs(fx.go_env());
    let opts = Options {
        run_go: false,
        search_install_locations: false,
        ..Options::default()
    };
    let report = discover::discover(&env, &opts);
    for kind in [CacheKind::Modcache, CacheKind::Toolchains, CacheKind::Build] {
        let c = report
            .cache(kind)
            .unwrap_or_else(|| panic!("{kind:?} not discovered: {report:?}"));
        assert_eq!(
            looks_like(kind, &c.path),
            Ok(()),
            "{kind:?} {}",
            c.path.display()
        );
    }
    assert_eq!(looks_like(CacheKind::Modcache, &fx.gomodcache), Ok(()));
    assert_eq!(looks_like(CacheKind::Build, &fx.gocache), Ok(()));

    // `go clean -cache` keeps README and trim.txt: still a build cache.
    crate::run_ok(fx.go_command(["clean", "-cache"]));
    assert_eq!(looks_like(CacheKind::Build, &fx.gocache), Ok(()));

    // What surrounds them is no cache of any kind.
    let gopath_pkg = fx.gomodcache.parent().unwrap_or(&fx.gomodcache);
    for dir in [&fx.root, &fx.gopath, &gopath_pkg.to_path_buf(), &fx.project] {
        for kind in CacheKind::ALL {
            assert!(
                looks_like(kind, dir).is_err(),
                "{kind:?} accepted {}",
                dir.display()
            );
        }
    }
    // One kind's cache is not another's: the build cache is no module cache or gopls cache,
    // the module cache is no build cache (it is removed whole, Go's is cleaned entry by entry).
    assert!(looks_like(CacheKind::Modcache, &fx.gocache).is_err());
    assert!(looks_like(CacheKind::Gopls, &fx.gocache).is_err());
    assert!(looks_like(CacheKind::Staticcheck, &fx.gocache).is_err());
    assert!(looks_like(CacheKind::Build, &fx.gomodcache).is_err());
    assert!(looks_like(CacheKind::Gopls, &fx.gomodcache).is_err());
}
