// The size history as the dashboard shows it (`size_history`, core `history`): the last
// completed scan's figures painted before the rescan ends, each cache's growth since about a
// week and a month ago, and a small chart of its size.

import type { CacheHistory, CacheKind, CacheScan, SizeHistory, SizePoint } from './api';
import { formatBytes } from './format';
import { t } from './i18n';

/** The last completed scan's figures of the cache `kind` at `path` (a moved cache has none). */
export function lastKnownScan(history: SizeHistory | null, kind: CacheKind, path: string): CacheScan | undefined {
  return history?.last?.caches.find((c) => c.kind === kind && c.path === path);
}

/** The growth and chart of the cache `kind` at `path`. */
export function cacheHistory(history: SizeHistory | null, kind: CacheKind, path: string): CacheHistory | undefined {
  return history?.caches.find((c) => c.kind === kind && c.path === path);
}

/** `+1.2 GiB`, `−300.0 MiB` (a true minus sign). */
export function signedBytes(delta: number): string {
  return delta > 0 ? `+${formatBytes(delta)}` : `\u2212${formatBytes(-delta)}`;
}

/** One growth figure as people read it, or null when it is unknown. */
export interface GrowthItem {
  span: 'week' | 'month';
  delta: number;
  text: string;
}

/** The known growth figures of a cache: "+1.2 GiB this week", "no change this month". */
export function growthItems(h: CacheHistory | undefined): GrowthItem[] {
  if (!h) return [];
  const out: GrowthItem[] = [];
  for (const span of ['week', 'month'] as const) {
    const delta = h[span];
    if (delta == null) continue;
    out.push({
      span,
      delta,
      text: delta === 0 ? t(`app.card.growth.${span}Same`) : t(`app.card.growth.${span}`, { delta: signedBytes(delta) }),
    });
  }
  return out;
}

/** A point of the chart, in the SVG's coordinates. */
export interface ChartDot {
  x: number;
  y: number;
  /** Where the point's hover area starts and how wide it is. */
  hitX: number;
  hitWidth: number;
  point: SizePoint;
}

/**
 * The chart of `points` (oldest first) in a `width` x `height` box: a polyline and its dots.
 * Points of one time (two scans recorded in the same second) are one dot: the later one.
 */
export function sparkline(all: SizePoint[], width: number, height: number, pad = 2): { line: string; dots: ChartDot[] } {
  const points = all.filter((p, i) => i === all.length - 1 || all[i + 1].time !== p.time);
  if (points.length < 2) return { line: '', dots: [] };
  const t0 = points[0].time;
  const t1 = points[points.length - 1].time;
  const min = Math.min(...points.map((p) => p.bytes));
  const max = Math.max(...points.map((p) => p.bytes));
  const x = (time: number) => pad + (t1 > t0 ? ((time - t0) / (t1 - t0)) * (width - 2 * pad) : (width - 2 * pad) / 2);
  // A flat history is a line through the middle.
  const y = (bytes: number) => (max > min ? pad + (1 - (bytes - min) / (max - min)) * (height - 2 * pad) : height / 2);
  const xs = points.map((p) => x(p.time));
  const dots = points.map((point, i) => {
    const left = i === 0 ? 0 : (xs[i - 1] + xs[i]) / 2;
    const right = i === points.length - 1 ? width : (xs[i] + xs[i + 1]) / 2;
    return { x: xs[i], y: y(point.bytes), hitX: left, hitWidth: Math.max(right - left, 0), point };
  });
  const line = dots.map((d) => `${d.x.toFixed(1)},${d.y.toFixed(1)}`).join(' ');
  return { line, dots };
}
