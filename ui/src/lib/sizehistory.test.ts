import { describe, expect, test } from 'vitest';
import type { CacheHistory, SizeHistory } from './api';
import { setLocale } from './i18n';
import { cacheHistory, growthItems, lastKnownScan, signedBytes, sparkline } from './sizehistory';

const GIB = 1024 ** 3;
const h = (week: number | null, month: number | null): CacheHistory => ({ kind: 'modcache', path: '/m', week, month, series: [] });

describe('growthItems', () => {
  test('growing, shrinking, unchanged, unknown', async () => {
    await setLocale('en');
    expect(growthItems(h(1.2 * GIB, -300 * 1024 ** 2)).map((g) => g.text)).toEqual(['+1.2 GiB this week', '\u2212300.0 MiB this month']);
    expect(growthItems(h(0, null)).map((g) => g.text)).toEqual(['no change this week']);
    expect(growthItems(h(null, null))).toEqual([]);
    expect(growthItems(undefined)).toEqual([]);
  });
  test('in Chinese', async () => {
    await setLocale('zh-CN');
    expect(growthItems(h(GIB, 0)).map((g) => g.text)).toEqual(['本周 +1.0 GiB', '本月无变化']);
    await setLocale('en');
  });
  test('signedBytes', () => {
    expect(signedBytes(2048)).toBe('+2.0 KiB');
    expect(signedBytes(-5)).toBe('\u22125 B');
  });
});

describe('sparkline', () => {
  test('scales time to x and size to y (higher is larger)', () => {
    const { line, dots } = sparkline(
      [
        { time: 0, bytes: 100 },
        { time: 50, bytes: 300 },
        { time: 100, bytes: 200 },
      ],
      104,
      24,
    );
    expect(dots.map((d) => d.x)).toEqual([2, 52, 102]);
    expect(dots.map((d) => d.y)).toEqual([22, 2, 12]);
    expect(line).toBe('2.0,22.0 52.0,2.0 102.0,12.0');
    // Hover areas tile the width without gaps.
    expect(dots[0].hitX).toBe(0);
    expect(dots[1].hitX).toBe(dots[0].hitX + dots[0].hitWidth);
    expect(dots[2].hitX + dots[2].hitWidth).toBe(104);
  });
  test('a flat history is a line through the middle; one point is no chart', () => {
    const { dots } = sparkline([{ time: 0, bytes: 5 }, { time: 10, bytes: 5 }], 100, 20);
    expect(dots.map((d) => d.y)).toEqual([10, 10]);
    expect(sparkline([{ time: 0, bytes: 5 }], 100, 20)).toEqual({ line: '', dots: [] });
  });
  test('points of one time (two scans in one second) are one dot, the later one', () => {
    const { dots } = sparkline(
      [{ time: 0, bytes: 1 }, { time: 10, bytes: 2 }, { time: 10, bytes: 3 }, { time: 20, bytes: 4 }],
      100,
      20,
    );
    expect(dots.map((d) => [d.point.time, d.point.bytes])).toEqual([[0, 1], [10, 3], [20, 4]]);
    expect(sparkline([{ time: 5, bytes: 1 }, { time: 5, bytes: 2 }], 100, 20).dots).toEqual([]);
  });
});

describe('lookups', () => {
  const history: SizeHistory = {
    last: {
      v: 1, time: 10, total: { bytes: 1, disk_bytes: 1, files: 1 }, modcache_parts: null, build: null, module_count: 0, version_count: 0,
      new_modules: [], new_module_count: 0,
      caches: [{ kind: 'modcache', path: '/m', bytes: 1, disk_bytes: 1, files: 1, dirs: 1, symlinks: 0, unreadable: 0, unreadable_paths: [], newest_mtime: null, error: null, inside: null }],
    },
    caches: [h(1, 2)],
    bad_lines: 0,
    newer_lines: 0,
  };
  test('by kind and path: a moved cache has no last-known figures', () => {
    expect(lastKnownScan(history, 'modcache', '/m')?.bytes).toBe(1);
    expect(lastKnownScan(history, 'modcache', '/elsewhere')).toBeUndefined();
    expect(lastKnownScan(null, 'modcache', '/m')).toBeUndefined();
    expect(cacheHistory(history, 'modcache', '/m')?.week).toBe(1);
    expect(cacheHistory(history, 'build', '/m')).toBeUndefined();
  });
});
