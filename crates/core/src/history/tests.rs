//! Size history: compaction boundaries, corruption, newer formats, growth and series math, and
//! recording real scans of a real (synthetic) module cache.

use std::path::Path;

use super::*;
use crate::NoProgress;
use crate::discover::{CacheKind, Options as DiscoverOptions, discover};
use crate::scan::{Options as ScanOptions, scan};
use crate::testkit::{add_module_version, synth_caches};

const NOW: i64 = 1_800_000_000;
const MOD: &str = "/home/u/go/pkg/mod";

fn point(time: i64, bytes: u64) -> Point {
    Point {
        v: FORMAT,
        time,
        caches: vec![CachePoint {
            kind: CacheKind::Modcache,
            path: MOD.into(),
            bytes,
            disk_bytes: bytes,
            files: 1,
            versions: Some(1),
        }],
        total: Some(Figures {
            bytes,
            disk_bytes: bytes,
            files: 1,
        }),
    }
}

fn times(points: &[Point]) -> Vec<i64> {
    points.iter().map(|p| p.time).collect()
}

#[test]
fn the_last_week_is_kept_whole_the_boundary_included() {
    let pts: Vec<Point> = [NOW - WEEK, NOW - WEEK + 1, NOW - 10, NOW - 5, NOW]
        .into_iter()
        .map(|t| point(t, 1))
        .collect();
    assert_eq!(times(&compact(&pts, NOW)), times(&pts));
}

#[test]
fn older_than_a_week_keeps_the_last_point_of_each_day() {
    // NOW is not a day boundary: build points inside one UTC day 10 days ago.
    let day = (NOW - 10 * DAY).div_euclid(DAY) * DAY;
    let pts = vec![
        point(day + 10, 1),
        point(day + 3_600, 2),
        point(day + DAY - 1, 3), // the last second of that day
        point(day + DAY, 4),     // the next day
        point(NOW - WEEK - 1, 5),
        point(NOW - WEEK, 6),
    ];
    let kept = compact(&pts, NOW);
    assert_eq!(
        times(&kept),
        vec![day + DAY - 1, day + DAY, NOW - WEEK - 1, NOW - WEEK]
    );
    // The last of the day keeps its own figures.
    assert_eq!(kept[0].caches[0].bytes, 3);
}

#[test]
fn older_than_a_quarter_keeps_the_last_point_of_each_week() {
    let week = (NOW - QUARTER - 3 * WEEK).div_euclid(WEEK) * WEEK;
    let pts = vec![
        point(week + DAY, 1),
        point(week + 3 * DAY, 2),
        point(week + WEEK - 1, 3),
        point(week + WEEK + DAY, 4), // the next week
        point(NOW - QUARTER - 1, 5), // weekly
        point(NOW - QUARTER, 6),     // still daily: the boundary belongs to the quarter
    ];
    let kept = compact(&pts, NOW);
    let t = times(&kept);
    assert!(t.contains(&(week + WEEK - 1)), "{t:?}");
    assert!(
        !t.contains(&(week + DAY)) && !t.contains(&(week + 3 * DAY)),
        "{t:?}"
    );
    assert!(t.contains(&(NOW - QUARTER)), "{t:?}");
    // One point per week among those older than a quarter.
    let weeks: Vec<i64> = kept
        .iter()
        .filter(|p| NOW - p.time > QUARTER)
        .map(|p| p.time.div_euclid(WEEK))
        .collect();
    let mut distinct = weeks.clone();
    distinct.dedup();
    assert_eq!(weeks, distinct);
}

#[test]
fn compacting_again_later_equals_compacting_once() {
    // A point every 5 hours over 200 days.
    let pts: Vec<Point> = (0..200 * 24 / 5)
        .map(|i| point(NOW - 200 * DAY + i * 5 * 3_600, i as u64))
        .collect();
    let once = compact(&pts, NOW + 40 * DAY);
    let twice = compact(&compact(&pts, NOW), NOW + 40 * DAY);
    let only_once: Vec<i64> = times(&once)
        .into_iter()
        .filter(|t| !times(&twice).contains(t))
        .collect();
    let only_twice: Vec<i64> = times(&twice)
        .into_iter()
        .filter(|t| !times(&once).contains(t))
        .collect();
    assert!(
        only_once.is_empty() && only_twice.is_empty(),
        "{only_once:?} {only_twice:?} (now {})",
        NOW + 40 * DAY
    );
    assert!(once == twice);
    assert!(compact(&once, NOW + 40 * DAY) == once, "idempotent");
    assert!(
        once.len() < pts.len() / 4,
        "{} of {}",
        once.len(),
        pts.len()
    );
    assert!(once.last() == pts.last(), "the newest point always stays");
}

#[test]
fn a_week_of_very_frequent_scans_is_bounded() {
    // A scan every 2 minutes for a week: 5040 points.
    let pts: Vec<Point> = (0..WEEK / 120)
        .map(|i| point(NOW - WEEK + 1 + i * 120, i as u64))
        .collect();
    let kept = compact(&pts, NOW);
    assert!(kept.len() <= MAX_RECENT, "{}", kept.len());
    // The last day stays whole (720 points), older days are hourly.
    let last_day = kept.iter().filter(|p| NOW - p.time <= DAY).count();
    assert_eq!(last_day, pts.iter().filter(|p| NOW - p.time <= DAY).count());
    assert_eq!(kept.last(), pts.last());
}

#[test]
fn the_file_never_exceeds_max_points() {
    // One point a week for 60 years.
    let pts: Vec<Point> = (0..60 * 52)
        .map(|i| point(NOW - i * WEEK, 1))
        .rev()
        .collect();
    let kept = compact(&pts, NOW);
    assert_eq!(kept.len(), MAX_POINTS);
    assert_eq!(kept.last(), pts.last());
}

fn write_lines(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.join("\n")).unwrap();
}

fn line(p: &Point) -> String {
    serde_json::to_string(p).unwrap()
}

#[test]
fn a_truncated_last_line_and_garbage_are_skipped_never_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(HISTORY_FILE);
    let a = line(&point(NOW - 100, 1));
    let b = line(&point(NOW - 50, 2));
    let cut = &b[..b.len() / 2];
    write_lines(
        &path,
        &[
            a.clone(),
            "garbage {".into(),
            "\u{0}\u{1}binary".into(),
            "{\"v\":1,\"time\":\"not a number\"}".into(),
            b.clone(),
            cut.into(),
        ],
    );
    let h = read(&path).unwrap();
    assert_eq!(times(&h.points), vec![NOW - 100, NOW - 50]);
    assert_eq!(h.bad_lines, 4);
    // An append after the cut line starts on a line of its own.
    append(&path, &point(NOW, 3)).unwrap();
    let h = read(&path).unwrap();
    assert_eq!(times(&h.points), vec![NOW - 100, NOW - 50, NOW]);
    assert_eq!(h.bad_lines, 4);
}

#[test]
fn a_missing_file_is_an_empty_history_and_an_unreadable_one_an_error() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        read(&dir.path().join("none.jsonl")).unwrap(),
        History::default()
    );
    // A directory where the file should be cannot be read.
    let err = read(dir.path()).unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err:?}");
}

/// A scan of the synthetic caches (module cache and build cache) in `caches`.
fn real_scan(env: &crate::env::EnvMap) -> Report {
    let d = discover(
        env,
        &DiscoverOptions {
            run_go: false,
            ..Default::default()
        },
    );
    scan(
        &d.caches,
        &ScanOptions::default(),
        &NoProgress,
        &crate::CancelToken::new(),
    )
}

#[test]
fn recording_drops_garbage_keeps_every_point_and_rewrites_atomically() {
    let caches = synth_caches();
    let data = tempfile::tempdir().unwrap();
    let path = data.path().join(HISTORY_FILE);
    write_lines(
        &path,
        &[
            line(&point(NOW - 100, 1)),
            "garbage".into(),
            line(&point(NOW - 50, 2)),
        ],
    );
    let report = real_scan(&caches.env);
    let rec = record(data.path(), &report, NOW, true).unwrap();
    assert!(rec.compacted, "the garbage line is dropped by a rewrite");
    let h = read(&path).unwrap();
    assert_eq!(h.bad_lines, 0);
    assert_eq!(times(&h.points), vec![NOW - 100, NOW - 50, NOW]);
    let modcache = report
        .caches
        .iter()
        .find(|c| c.kind == CacheKind::Modcache)
        .unwrap();
    let p = h.points[2]
        .cache(CacheKind::Modcache, &modcache.path)
        .unwrap();
    assert_eq!(p.bytes, modcache.bytes);
    assert_eq!(p.versions, Some(4));
    assert_eq!(h.points[2].total, Some(report.total));
    // No temporary file is left next to it.
    let names: Vec<String> = std::fs::read_dir(data.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with(".gocache-doctor-")),
        "{names:?}"
    );
}

#[test]
fn a_file_with_newer_lines_is_only_appended_to() {
    let caches = synth_caches();
    let data = tempfile::tempdir().unwrap();
    let path = data.path().join(HISTORY_FILE);
    let newer = "{\"v\":2,\"time\":1,\"whatever\":[1,2,3]}".to_owned();
    // Old enough points that a compaction would remove some of them.
    let old = (0..5)
        .map(|i| line(&point(NOW - 30 * DAY + i * 60, i as u64)))
        .collect::<Vec<_>>();
    let mut lines = old.clone();
    lines.push(newer.clone());
    lines.push("garbage".into());
    write_lines(&path, &lines);
    let before = std::fs::read(&path).unwrap();
    let rec = record(data.path(), &real_scan(&caches.env), NOW, true).unwrap();
    assert!(rec.newer_format && !rec.compacted, "{rec:?}");
    let after = std::fs::read(&path).unwrap();
    assert!(after.starts_with(&before), "nothing rewritten");
    let h = read(&path).unwrap();
    assert_eq!(h.newer_lines, 1);
    assert_eq!(h.points.len(), 6);
    let o = overview(data.path(), NOW).unwrap();
    assert_eq!(o.newer_lines, 1);
}

#[test]
fn a_cancelled_scan_records_nothing() {
    let caches = synth_caches();
    let data = tempfile::tempdir().unwrap();
    let mut report = real_scan(&caches.env);
    report.cancelled = true;
    assert_eq!(
        record(data.path(), &report, NOW, true).unwrap(),
        Recorded::default()
    );
    assert!(!data.path().join(HISTORY_FILE).exists());
    assert!(overview(data.path(), NOW).unwrap().last.is_none());
}

#[test]
fn growth_compares_with_the_nearest_point_at_or_before_the_time() {
    let pts = vec![
        point(NOW - 40 * DAY, 100),
        point(NOW - MONTH, 150), // exactly a month ago: the month's base
        point(NOW - 20 * DAY, 900),
        point(NOW - WEEK - 1, 1_000), // the week's base
        point(NOW - 3 * DAY, 5_000),
        point(NOW - 60, 400),
    ];
    let g = |ago| growth(&pts, CacheKind::Modcache, MOD, NOW, ago);
    assert_eq!(g(WEEK), Some(400 - 1_000), "shrinking is negative");
    assert_eq!(g(MONTH), Some(400 - 150));
    // Not reaching back: a year.
    assert_eq!(g(365 * DAY), None);
    // Another path or kind has no history.
    assert_eq!(growth(&pts, CacheKind::Modcache, "/other", NOW, WEEK), None);
    assert_eq!(growth(&pts, CacheKind::Build, MOD, NOW, WEEK), None);
    // Nothing newer than a week ago: unknown, not zero.
    assert_eq!(growth(&pts[..4], CacheKind::Modcache, MOD, NOW, WEEK), None);
    // Only a recent history: unknown.
    assert_eq!(growth(&pts[4..], CacheKind::Modcache, MOD, NOW, WEEK), None);
}

#[test]
fn growth_does_not_overflow() {
    let pts = vec![point(NOW - 2 * WEEK, u64::MAX), point(NOW, 0)];
    assert_eq!(growth(&pts, CacheKind::Modcache, MOD, NOW, WEEK), None);
    let pts = vec![point(NOW - 2 * WEEK, 0), point(NOW, 1 << 62)];
    assert_eq!(
        growth(&pts, CacheKind::Modcache, MOD, NOW, WEEK),
        Some(1 << 62)
    );
}

#[test]
fn the_series_covers_a_quarter_in_at_most_max_series_points() {
    let pts: Vec<Point> = (0..2_000)
        .map(|i| point(NOW - 200 * DAY + i * 8_640, i as u64))
        .collect();
    let s = series(&pts, CacheKind::Modcache, MOD, NOW);
    assert!(
        s.len() <= MAX_SERIES && s.len() > MAX_SERIES / 2,
        "{}",
        s.len()
    );
    assert!(s.iter().all(|p| p.time >= NOW - SERIES_SPAN));
    assert!(s.windows(2).all(|w| w[0].time < w[1].time));
    assert_eq!(s.last().unwrap().time, pts.last().unwrap().time);
    // Few points: all of them.
    let s = series(&pts[1_990..], CacheKind::Modcache, MOD, NOW);
    assert_eq!(s.len(), 10);
}

#[test]
fn two_scans_recorded_in_one_second_are_one_point_of_the_series() {
    // A fast machine rescans right after a change: two points share a time. The chart keys
    // its dots by time, so the series has one point per second, the later one.
    let pts = vec![
        point(NOW - 20, 1),
        point(NOW - 10, 2),
        point(NOW - 10, 3),
        point(NOW, 4),
    ];
    let s = series(&pts, CacheKind::Modcache, MOD, NOW);
    let got: Vec<(i64, u64)> = s.iter().map(|p| (p.time, p.bytes)).collect();
    assert_eq!(got, vec![(NOW - 20, 1), (NOW - 10, 3), (NOW, 4)]);
}

#[test]
fn the_last_scan_names_the_versions_new_since_the_previous_one() {
    let caches = synth_caches();
    let data = tempfile::tempdir().unwrap();
    let first = real_scan(&caches.env);
    assert_eq!(
        record(data.path(), &first, NOW - DAY, true)
            .unwrap()
            .new_modules,
        0
    );
    let o = overview(data.path(), NOW - DAY).unwrap();
    let last = o.last.unwrap();
    assert_eq!(last.time, NOW - DAY);
    assert_eq!(last.version_count, 4);
    assert!(last.new_modules.is_empty(), "no baseline: nothing is new");
    assert_eq!(last.caches, first.caches);
    assert_eq!(last.build, first.build);

    add_module_version(&caches.modcache, "example.com/c", "v2.0.0", 0);
    add_module_version(&caches.modcache, "example.com/!b", "v0.2.0", 0);
    let second = real_scan(&caches.env);
    let rec = record(data.path(), &second, NOW, true).unwrap();
    assert_eq!(rec.new_modules, 2);
    let o = overview(data.path(), NOW).unwrap();
    let mut new = o.last.as_ref().unwrap().new_modules.clone();
    new.sort();
    assert_eq!(new, vec!["example.com/B@v0.2.0", "example.com/c@v2.0.0"]);
    // Each cache has its chart; the module cache grew by what was added, since a day ago only.
    let m = o
        .caches
        .iter()
        .find(|c| c.kind == CacheKind::Modcache)
        .unwrap();
    assert_eq!(m.series.len(), 2);
    assert_eq!(m.week, None, "the history does not reach back a week");
    let mb = |r: &Report| {
        r.caches
            .iter()
            .find(|c| c.kind == CacheKind::Modcache)
            .unwrap()
            .bytes
    };
    assert!(mb(&second) > mb(&first));
    assert_eq!(
        growth(
            &read(&data.path().join(HISTORY_FILE)).unwrap().points,
            CacheKind::Modcache,
            &m.path,
            NOW,
            DAY
        ),
        Some(i64::try_from(mb(&second) - mb(&first)).unwrap())
    );

    // A third scan with nothing added: nothing new.
    record(data.path(), &real_scan(&caches.env), NOW + 60, true).unwrap();
    let o = overview(data.path(), NOW + 60).unwrap();
    assert!(o.last.unwrap().new_modules.is_empty());
}

#[test]
fn a_partial_scan_records_its_caches_but_not_the_last_scan() {
    let caches = synth_caches();
    let data = tempfile::tempdir().unwrap();
    record(data.path(), &real_scan(&caches.env), NOW - 60, true).unwrap();
    let mut partial = real_scan(&caches.env);
    partial.caches.retain(|c| c.kind == CacheKind::Build);
    record(data.path(), &partial, NOW, false).unwrap();
    let h = read(&data.path().join(HISTORY_FILE)).unwrap();
    assert_eq!(h.points.len(), 2);
    assert_eq!(h.points[1].total, None);
    assert_eq!(h.points[1].caches.len(), 1);
    assert_eq!(
        overview(data.path(), NOW).unwrap().last.unwrap().time,
        NOW - 60
    );
}

#[test]
fn unusable_last_scan_and_key_files_are_ignored_and_replaced() {
    let caches = synth_caches();
    let data = tempfile::tempdir().unwrap();
    std::fs::write(data.path().join(last::LAST_SCAN_FILE), b"{\"v\":1,\"ti").unwrap();
    std::fs::write(data.path().join(last::MODULE_KEYS_FILE), b"GCDKEYS\0junk").unwrap();
    assert!(overview(data.path(), NOW).unwrap().last.is_none());
    // A corrupt baseline marks nothing as new and is replaced.
    assert_eq!(
        record(data.path(), &real_scan(&caches.env), NOW, true)
            .unwrap()
            .new_modules,
        0
    );
    assert_eq!(
        last::read_keys(&data.path().join(last::MODULE_KEYS_FILE))
            .unwrap()
            .len(),
        4
    );
    // A newer release's last scan is not used.
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(data.path().join(last::LAST_SCAN_FILE)).unwrap())
            .unwrap();
    v["v"] = 2.into();
    std::fs::write(
        data.path().join(last::LAST_SCAN_FILE),
        serde_json::to_vec(&v).unwrap(),
    )
    .unwrap();
    assert!(overview(data.path(), NOW).unwrap().last.is_none());
}

#[test]
fn a_hundred_thousand_versions_are_compared_quickly() {
    use crate::scan::ModuleRow;
    let data = tempfile::tempdir().unwrap();
    let row = |i: usize| ModuleRow {
        path: format!("example.com/m{}", i / 10),
        version: format!("v1.0.{}", i % 10),
        dir: String::new(),
        bytes: 1,
        disk_bytes: 1,
        files: 1,
        download_bytes: 0,
        newest_mtime: None,
        toolchain: false,
        gos_own: None,
    };
    let caches = synth_caches();
    let mut report = real_scan(&caches.env);
    report.modules = (0..100_000).map(row).collect();
    record(data.path(), &report, NOW - 60, true).unwrap();
    report.modules.push(row(100_000));
    let start = std::time::Instant::now();
    let rec = record(data.path(), &report, NOW, true).unwrap();
    assert_eq!(rec.new_modules, 1);
    let size = std::fs::metadata(data.path().join(last::MODULE_KEYS_FILE))
        .unwrap()
        .len();
    assert_eq!(size, 20 + 8 * 100_001);
    // Generous for a debug build on a loaded machine; measured about 0.1 s.
    assert!(start.elapsed().as_secs() < 10, "{:?}", start.elapsed());
}

#[test]
fn the_data_dir_prefers_a_non_empty_override() {
    let os = Some(std::path::PathBuf::from("/home/u/.local/share"));
    assert_eq!(
        dir_from(Some("/tmp/d".into()), os.clone()),
        Some("/tmp/d".into())
    );
    assert_eq!(
        dir_from(Some("".into()), os.clone()),
        Some("/home/u/.local/share/gocache-doctor".into())
    );
    assert_eq!(dir_from(None, None), None);
}

#[test]
fn concurrent_recorders_lose_no_point() {
    // Every record compacts (two points of one old day each time), and none may drop another
    // recorder's point between its read and its rewrite.
    let caches = synth_caches();
    let data = tempfile::tempdir().unwrap();
    let report = real_scan(&caches.env);
    let old_day = (NOW - 20 * DAY).div_euclid(DAY) * DAY;
    std::thread::scope(|s| {
        for t in 0..4_i64 {
            let (dir, report) = (data.path(), &report);
            s.spawn(move || {
                for i in 0..10_i64 {
                    let path = dir.join(HISTORY_FILE);
                    // Two points of the old day: the next compaction keeps one.
                    append(&path, &point(old_day + 1, 1)).unwrap();
                    record(dir, report, NOW + t * 100 + i, true).unwrap();
                }
            });
        }
    });
    let h = read(&data.path().join(HISTORY_FILE)).unwrap();
    let recent = h.points.iter().filter(|p| p.time >= NOW).count();
    assert_eq!(recent, 40, "{} points", h.points.len());
    assert_eq!(h.bad_lines, 0);
}
