// Formatting for people: binary sizes, counts, relative times, labels.

import type { Cache, CacheKind, Source } from './api';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** Binary units with one decimal: `0 B`, `1023 B`, `1.5 KiB`, `12.0 GiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  const sign = bytes < 0 ? '-' : '';
  let n = Math.abs(bytes);
  if (n < 1024) return `${sign}${Math.round(n)} B`;
  let unit = 0;
  while (n >= 1024 && unit < UNITS.length - 1) {
    n /= 1024;
    unit++;
  }
  // 1048575 B is 1023.999 KiB, which rounds to "1024.0 KiB": show it as the next unit.
  if (Number(n.toFixed(1)) >= 1024 && unit < UNITS.length - 1) {
    n /= 1024;
    unit++;
  }
  return `${sign}${n.toFixed(1)} ${UNITS[unit]}`;
}

const countFormat = new Intl.NumberFormat('en-US');

/** `12345` → `12,345`. */
export function formatCount(n: number): string {
  return countFormat.format(n);
}

/** `1 file`, `2 files`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

const STEPS: [limit: number, seconds: number, unit: string][] = [
  [60 * 60, 60, 'minute'],
  [24 * 60 * 60, 60 * 60, 'hour'],
  [30 * 24 * 60 * 60, 24 * 60 * 60, 'day'],
  [365 * 24 * 60 * 60, 30 * 24 * 60 * 60, 'month'],
  [Infinity, 365 * 24 * 60 * 60, 'year'],
];

/**
 * `3 days ago`, `just now`, `in 2 hours` for a Unix time in seconds, relative to `nowSec`.
 * Rounds down, like people do ("23 hours ago" until a full day has passed).
 */
export function relativeTime(unixSec: number | null | undefined, nowSec = Date.now() / 1000): string {
  if (unixSec == null || !Number.isFinite(unixSec) || unixSec <= 0) return '—';
  const diff = nowSec - unixSec;
  const abs = Math.abs(diff);
  if (abs < 60) return 'just now';
  for (const [limit, seconds, unit] of STEPS) {
    if (abs < limit) {
      const n = Math.floor(abs / seconds);
      const text = `${n} ${unit}${n === 1 ? '' : 's'}`;
      return diff >= 0 ? `${text} ago` : `in ${text}`;
    }
  }
  return '—';
}

/** A full date for tooltips. */
export function absoluteTime(unixSec: number | null | undefined): string {
  if (unixSec == null || unixSec <= 0) return '';
  return new Date(unixSec * 1000).toLocaleString();
}

/** Where a cache's location came from, e.g. `GOMODCACHE from environment`. */
export function sourceLabel(varName: string, source: Source): string {
  switch (source) {
    case 'env':
      return `${varName} from environment`;
    case 'goenv-file':
      return `${varName} from go env -w file`;
    case 'goroot-go.env':
      return `${varName} from $GOROOT/go.env`;
    case 'default':
      return `${varName} default`;
  }
}

const TITLES: Record<CacheKind, string> = {
  modcache: 'Module cache',
  toolchains: 'Downloaded toolchains',
  build: 'Build cache',
  gopls: 'gopls cache',
  'golangci-lint': 'golangci-lint cache',
  staticcheck: 'staticcheck cache',
  gobin: 'Installed binaries (GOBIN)',
};

/** A human title for a cache kind; unknown kinds are shown as they are. */
export function cacheTitle(kind: string): string {
  return (TITLES as Record<string, string>)[kind] ?? kind;
}

/** Caches nested in another (toolchains in the module cache) must not be counted twice. */
export function totalBytes(caches: Pick<Cache, 'kind' | 'parent'>[], bytesOf: (kind: string) => number | undefined): number {
  let sum = 0;
  for (const c of caches) {
    if (c.parent) continue;
    sum += bytesOf(c.kind) ?? 0;
  }
  return sum;
}

/** Share of `part` in `whole` as a percentage clamped to [0, 100]. */
export function percent(part: number, whole: number): number {
  if (!(whole > 0) || !(part > 0)) return 0;
  return Math.min(100, (part / whole) * 100);
}
