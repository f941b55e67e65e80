// The automatic cleanup panel's fields (issue #17): the text the user types for each value of
// the policy and back. Only the reading of sizes and numbers lives here; what a policy removes
// is the core's (`auto_preview` answers its dry run), and its ranges are checked again there.

import type { AutoPolicy, DiskFloor } from './api';

/** The core's bounds (crates/core/src/settings.rs MAX_BYTES, MAX_DAYS, MAX_KEEP). */
export const POLICY_LIMITS = { maxBytes: 2 ** 60, maxDays: 36_500, maxKeep: 10_000 } as const;

/** The policy's defaults (the core's `AutoPolicy::default`): off, unused for 90 days. */
export const DEFAULT_POLICY: Readonly<AutoPolicy> = Object.freeze({
  enabled: false,
  modcache_max_bytes: null,
  unused_days: 90,
  keep_latest: null,
  build_max_bytes: null,
  remove_unnamed_toolchains: false,
  free_disk_floor: null,
  scan_code_folders: true,
});

const UNITS: Record<string, number> = {
  '': 1, b: 1,
  k: 1024, kib: 1024, kb: 1e3,
  m: 1024 ** 2, mib: 1024 ** 2, mb: 1e6,
  g: 1024 ** 3, gib: 1024 ** 3, gb: 1e9,
  t: 1024 ** 4, tib: 1024 ** 4, tb: 1e12,
};

/** Why a field's text was refused: the locale key's last part. */
export type FieldProblem = 'size' | 'unit' | 'range' | 'whole' | 'percent';

/** A field read: `value` (null: empty, no limit) or the problem. */
export type Read<T> = { ok: true; value: T | null } | { ok: false; problem: FieldProblem };

/**
 * Reads a size as the CLI's `--modcache-max` does: bytes, or a number with a unit (`K`/`KB`/`KiB`,
 * `M`, `G`, `T`; decimal units are powers of 1000, `i` units and bare letters powers of 1024).
 * Empty text is "no budget".
 */
export function parseSize(text: string): Read<number> {
  const s = text.trim();
  if (s === '') return { ok: true, value: null };
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(s);
  if (!m) return { ok: false, problem: 'size' };
  const mult = UNITS[m[2].toLowerCase()];
  if (mult === undefined) return { ok: false, problem: 'unit' };
  const bytes = Math.round(Number(m[1]) * mult);
  if (!Number.isFinite(bytes) || bytes > POLICY_LIMITS.maxBytes) return { ok: false, problem: 'range' };
  return { ok: true, value: bytes };
}

/** Reads a whole number in `[0, max]`; empty text is "none". */
export function parseCount(text: string | number | null | undefined, max: number): Read<number> {
  const s = String(text ?? '').trim();
  if (s === '') return { ok: true, value: null };
  if (!/^\d+$/.test(s)) return { ok: false, problem: 'whole' };
  const n = Number(s);
  return n <= max ? { ok: true, value: n } : { ok: false, problem: 'range' };
}

/** Reads the free-disk floor: a size, or a percentage like `10%` (above 0, below 100). */
export function parseFloor(text: string): Read<DiskFloor> {
  const s = text.trim();
  if (s.endsWith('%')) {
    const p = Number(s.slice(0, -1).trim());
    if (!Number.isFinite(p) || s.slice(0, -1).trim() === '' || p <= 0 || p >= 100) return { ok: false, problem: 'percent' };
    return { ok: true, value: { percent: p } };
  }
  const r = parseSize(s);
  return r.ok ? { ok: true, value: r.value === null ? null : { bytes: r.value } } : r;
}

/** A byte count as the field shows it: `10 GiB`, `500 MiB`, or bytes when no unit fits exactly. */
export function sizeText(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '';
  for (const [unit, mult] of [['TiB', 1024 ** 4], ['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (bytes >= mult && (bytes * 10) % mult === 0) return `${bytes / mult} ${unit}`;
  }
  return String(bytes);
}

/** The floor as the field shows it. */
export function floorText(f: DiskFloor | null | undefined): string {
  if (!f) return '';
  return 'percent' in f ? `${f.percent}%` : sizeText(f.bytes);
}

/** What the fields hold, as typed. */
export interface PolicyFields {
  enabled: boolean;
  modcache: string;
  unusedDays: string | number | null;
  keepLatest: string | number | null;
  build: string;
  toolchains: boolean;
  floor: string;
  codeFolders: boolean;
}

/** The fields showing `p`. */
export function fieldsOf(p: AutoPolicy | null | undefined): PolicyFields {
  const q = { ...DEFAULT_POLICY, ...(p ?? {}) };
  return {
    enabled: q.enabled,
    modcache: sizeText(q.modcache_max_bytes),
    unusedDays: q.unused_days ?? '',
    keepLatest: q.keep_latest ?? '',
    build: sizeText(q.build_max_bytes),
    toolchains: q.remove_unnamed_toolchains,
    floor: floorText(q.free_disk_floor),
    codeFolders: q.scan_code_folders,
  };
}

/** The problem of each field that could not be read. */
export type FieldProblems = Partial<Record<'modcache' | 'unusedDays' | 'keepLatest' | 'build' | 'floor', FieldProblem>>;

/**
 * The policy the fields describe, or the problem of each field that cannot be read (nothing is
 * stored or previewed then; the text stays as typed).
 */
export function policyOf(f: PolicyFields): { policy: AutoPolicy; problems: FieldProblems } {
  const problems: FieldProblems = {};
  const take = <T,>(key: keyof FieldProblems, r: Read<T>): T | null => {
    if (r.ok) return r.value;
    problems[key] = r.problem;
    return null;
  };
  const policy: AutoPolicy = {
    enabled: f.enabled,
    modcache_max_bytes: take('modcache', parseSize(f.modcache)),
    unused_days: take('unusedDays', parseCount(f.unusedDays, POLICY_LIMITS.maxDays)),
    keep_latest: take('keepLatest', parseCount(f.keepLatest, POLICY_LIMITS.maxKeep)),
    build_max_bytes: take('build', parseSize(f.build)),
    remove_unnamed_toolchains: f.toolchains,
    free_disk_floor: take('floor', parseFloor(f.floor)),
    scan_code_folders: f.codeFolders,
  };
  return { policy, problems };
}
