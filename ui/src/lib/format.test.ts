import { describe, expect, test } from 'vitest';
import { cacheTitle, formatBytes, formatCount, percent, plural, relativeTime, sourceLabel, totalBytes } from './format';

describe('formatBytes', () => {
  test.each([
    [0, '0 B'],
    [1, '1 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [10 * 1024 + 51, '10.0 KiB'],
    [1024 * 1024 - 1, '1.0 MiB'], // would round to "1024.0 KiB"
    [1024 * 1024, '1.0 MiB'],
    [5.25 * 1024 ** 3, '5.3 GiB'],
    [1024 ** 4 * 2, '2.0 TiB'],
    [-2048, '-2.0 KiB'],
  ])('%d bytes is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
  test('non-finite values show a dash', () => {
    expect(formatBytes(Number.NaN)).toBe('—');
  });
});

describe('relativeTime', () => {
  const now = 1_764_460_000;
  test.each([
    [now, 'just now'],
    [now - 59, 'just now'],
    [now - 60, '1 minute ago'],
    [now - 3599, '59 minutes ago'],
    [now - 3600, '1 hour ago'],
    [now - 86399, '23 hours ago'],
    [now - 3 * 86400, '3 days ago'],
    [now - 45 * 86400, '1 month ago'],
    [now - 400 * 86400, '1 year ago'],
    [now - 800 * 86400, '2 years ago'],
    [now + 7200, 'in 2 hours'],
  ])('%d is %s', (t, text) => {
    expect(relativeTime(t, now)).toBe(text);
  });
  test('missing times show a dash', () => {
    expect(relativeTime(null, now)).toBe('—');
    expect(relativeTime(0, now)).toBe('—');
  });
});

describe('labels', () => {
  test('counts and plurals', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(plural(1, 'file')).toBe('1 file');
    expect(plural(2000, 'entry', 'entries')).toBe('2,000 entries');
  });
  test('sources say where the path came from', () => {
    expect(sourceLabel('GOMODCACHE', 'env')).toBe('GOMODCACHE from environment');
    expect(sourceLabel('GOCACHE', 'goenv-file')).toBe('GOCACHE from go env -w file');
    expect(sourceLabel('GOTOOLCHAIN', 'goroot-go.env')).toBe('GOTOOLCHAIN from $GOROOT/go.env');
    expect(sourceLabel('GOMODCACHE', 'default')).toBe('GOMODCACHE default');
  });
  test('titles', () => {
    expect(cacheTitle('modcache')).toBe('Module cache');
    expect(cacheTitle('golangci-lint')).toBe('golangci-lint cache');
    expect(cacheTitle('something-new')).toBe('something-new');
  });
});

describe('totals', () => {
  test('nested caches are not counted twice', () => {
    const caches = [
      { kind: 'modcache', parent: null },
      { kind: 'toolchains', parent: 'modcache' },
      { kind: 'build', parent: null },
      { kind: 'gopls', parent: null },
    ] as const;
    const sizes: Record<string, number> = { modcache: 1000, toolchains: 600, build: 50 };
    expect(totalBytes([...caches], (k) => sizes[k])).toBe(1050);
  });
  test('percent is clamped and safe', () => {
    expect(percent(1, 4)).toBe(25);
    expect(percent(5, 4)).toBe(100);
    expect(percent(1, 0)).toBe(0);
    expect(percent(-1, 10)).toBe(0);
  });
});
