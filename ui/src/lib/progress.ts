// Live scan progress: folding progress events into running figures, and the bar's value.

import type { CacheKind, ProgressEvent } from './api';
import { percent } from './format';

/** Live figures of one cache during a scan. */
export interface KindProgress {
  entries: number;
  bytes: number;
  files: number;
  finished: boolean;
}

export interface LiveProgress {
  kind: CacheKind | null;
  current: string;
  totalEntries: number;
  totalBytes: number;
  perKind: Partial<Record<CacheKind, KindProgress>>;
  finishedCount: number;
}

export function emptyProgress(): LiveProgress {
  return { kind: null, current: '', totalEntries: 0, totalBytes: 0, perKind: {}, finishedCount: 0 };
}

/** Applies one progress event to the live figures (pure, for tests). */
export function applyEvent(p: LiveProgress, e: ProgressEvent): LiveProgress {
  switch (e.event) {
    case 'scanStarted':
      return {
        ...p,
        kind: e.data.kind,
        current: e.data.path,
        perKind: { ...p.perKind, [e.data.kind]: { entries: 0, bytes: 0, files: 0, finished: false } },
      };
    case 'scanProgress': {
      const prev = p.perKind[e.data.kind];
      return {
        ...p,
        kind: e.data.kind,
        current: e.data.current || p.current,
        totalEntries: Math.max(p.totalEntries, e.data.total_entries),
        totalBytes: Math.max(p.totalBytes, e.data.total_bytes),
        perKind: {
          ...p.perKind,
          [e.data.kind]: { entries: e.data.entries, bytes: e.data.bytes, files: prev?.files ?? 0, finished: false },
        },
      };
    }
    case 'scanFinished': {
      const prev = p.perKind[e.data.kind];
      return {
        ...p,
        perKind: {
          ...p.perKind,
          [e.data.kind]: { entries: prev?.entries ?? 0, bytes: e.data.bytes, files: e.data.files, finished: true },
        },
        finishedCount: p.finishedCount + (prev?.finished ? 0 : 1),
      };
    }
    default:
      return p;
  }
}

/**
 * The progress bar's value (0–99 while running): bytes against the previous scan's total when
 * there was one, else the share of caches finished.
 */
export function progressValue(p: LiveProgress, cachesToScan: number, previousTotalBytes: number | null): number {
  let v: number;
  if (previousTotalBytes && previousTotalBytes > 0) v = percent(p.totalBytes, previousTotalBytes);
  else v = percent(p.finishedCount, Math.max(1, cachesToScan));
  return Math.min(99, Math.round(v));
}
