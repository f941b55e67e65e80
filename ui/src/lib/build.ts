// The build cache's details for people: the age histogram as bars against Go's 5-day trim, and
// its test-cache and fuzz-cache parts.

import type { BuildScan } from './api';
import { formatBytes, plural } from './format';

export interface AgeBar {
  label: string;
  entries: number;
  bytes: number;
  /** Bar length, percent of the largest bucket (by bytes); at least 1 when bytes > 0. */
  width: number;
  /** The bucket Go's next trim removes (no upper age bound). */
  trimmed: boolean;
}

/** One bar per age bucket, scaled to the largest bucket's bytes. */
export function ageBars(build: Pick<BuildScan, 'age_histogram'>): AgeBar[] {
  const max = Math.max(0, ...build.age_histogram.map((b) => b.bytes));
  return build.age_histogram.map((b) => ({
    label: b.label,
    entries: b.entries,
    bytes: b.bytes,
    width: max > 0 && b.bytes > 0 ? Math.max(1, (b.bytes / max) * 100) : 0,
    trimmed: b.max_age_days == null,
  }));
}

export interface BuildPart {
  key: 'test' | 'fuzz';
  label: string;
  bytes: number;
  detail: string;
}

/**
 * The test-result and fuzz-corpus parts of the build cache. The test part is listed only when
 * the scan reports it (`test_entries`); the fuzz part whenever the scan found a corpus.
 */
export function buildParts(build: BuildScan): BuildPart[] {
  const parts: BuildPart[] = [];
  if (build.test_entries != null) {
    parts.push({
      key: 'test',
      label: 'Test results',
      bytes: build.test_bytes ?? 0,
      detail: build.test_entries > 0 ? plural(build.test_entries, 'entry', 'entries') : 'none cached',
    });
  }
  if (build.fuzz_files > 0 || build.fuzz_bytes > 0) {
    parts.push({ key: 'fuzz', label: 'Fuzz corpus', bytes: build.fuzz_bytes, detail: plural(build.fuzz_files, 'input') });
  }
  return parts;
}

/** `1.2 GiB (3,000 entries)`. */
export function bucketText(b: Pick<AgeBar, 'bytes' | 'entries'>): string {
  return `${formatBytes(b.bytes)} (${plural(b.entries, 'entry', 'entries')})`;
}
