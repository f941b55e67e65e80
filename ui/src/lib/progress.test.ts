import { describe, expect, test } from 'vitest';
import type { ProgressEvent } from './api';
import { applyEvent, emptyProgress, progressValue } from './progress';

const events: ProgressEvent[] = [
  { event: 'scanStarted', data: { kind: 'modcache', path: '/m' } },
  {
    event: 'scanProgress',
    data: { kind: 'modcache', entries: 10, bytes: 1000, total_entries: 10, total_bytes: 1000, current: '/m/a' },
  },
  { event: 'scanFinished', data: { kind: 'modcache', bytes: 2000, files: 8 } },
  { event: 'scanStarted', data: { kind: 'build', path: '/b' } },
  {
    event: 'scanProgress',
    data: { kind: 'build', entries: 5, bytes: 50, total_entries: 25, total_bytes: 2050, current: '/b/00/x' },
  },
];

describe('applyEvent', () => {
  test('folds events into per-cache and overall figures', () => {
    const p = events.reduce(applyEvent, emptyProgress());
    expect(p.kind).toBe('build');
    expect(p.current).toBe('/b/00/x');
    expect(p.totalEntries).toBe(25);
    expect(p.totalBytes).toBe(2050);
    expect(p.finishedCount).toBe(1);
    expect(p.perKind.modcache).toEqual({ entries: 10, bytes: 2000, files: 8, finished: true });
    expect(p.perKind.build).toEqual({ entries: 5, bytes: 50, files: 0, finished: false });
  });
  test('does not mutate the previous state', () => {
    const p0 = emptyProgress();
    applyEvent(p0, events[0]);
    expect(p0).toEqual(emptyProgress());
  });
  test('a duplicated finish is counted once', () => {
    const p = [...events.slice(0, 3), events[2]].reduce(applyEvent, emptyProgress());
    expect(p.finishedCount).toBe(1);
  });
});

describe('progressValue', () => {
  test('share of caches finished on a first scan, never 100 while running', () => {
    const p = events.reduce(applyEvent, emptyProgress());
    expect(progressValue(p, 4, null)).toBe(25);
    expect(progressValue({ ...p, finishedCount: 4 }, 4, null)).toBe(99);
    expect(progressValue(emptyProgress(), 0, null)).toBe(0);
  });
  test('bytes against the previous total on a re-scan', () => {
    const p = events.reduce(applyEvent, emptyProgress());
    expect(progressValue(p, 4, 4100)).toBe(50);
    expect(progressValue(p, 4, 1000)).toBe(99);
  });
});
