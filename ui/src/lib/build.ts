// The build cache's details for people: the age histogram as bars against Go's 5-day trim, and
// its test-cache and fuzz-cache parts.

import type { BuildScan } from './api';
import { formatBytes } from './format';
import { t } from './i18n';

export interface AgeBar {
  /** The backend's label (English, stable: a key for lists). */
  id: string;
  /** The label to show, in the UI's language. */
  label: string;
  entries: number;
  bytes: number;
  /** Bar length, percent of the largest bucket (by bytes); at least 1 when bytes > 0. */
  width: number;
  /** The bucket Go's next trim removes (no upper age bound). */
  trimmed: boolean;
}

/** The core's bucket labels (`scan/build.rs`) and their catalog keys. */
const AGE_KEYS: Record<string, string> = {
  '< 1 day': 'app.build.age.under1Day',
  '1-2 days': 'app.build.age.days1to2',
  '2-5 days': 'app.build.age.days2to5',
};

/** A bucket's label in the UI's language: `> 5 days` for the trimmed one; unknown labels as they are. */
export function ageLabel(b: { label: string; max_age_days: number | null }): string {
  if (b.max_age_days == null) return t('app.build.age.trimmed');
  const key = AGE_KEYS[b.label];
  return key ? t(key) : b.label;
}

/** One bar per age bucket, scaled to the largest bucket's bytes. */
export function ageBars(build: Pick<BuildScan, 'age_histogram'>): AgeBar[] {
  const max = Math.max(0, ...build.age_histogram.map((b) => b.bytes));
  return build.age_histogram.map((b) => ({
    id: b.label,
    label: ageLabel(b),
    entries: b.entries,
    bytes: b.bytes,
    width: max > 0 && b.bytes > 0 ? Math.max(1, (b.bytes / max) * 100) : 0,
    trimmed: b.max_age_days == null,
  }));
}

export interface BuildPart {
  key: 'test' | 'exe' | 'fuzz';
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
      label: t('app.build.parts.test'),
      bytes: build.test_bytes ?? 0,
      detail: build.test_entries > 0 ? t('app.build.parts.entries', { count: build.test_entries }) : t('app.build.parts.noneCached'),
    });
  }
  if (build.exe_entries > 0) {
    parts.push({
      key: 'exe',
      label: t('app.build.parts.exe'),
      bytes: build.exe_bytes,
      detail: t('app.build.parts.programs', { count: build.exe_entries }),
    });
  }
  if (build.fuzz_files > 0 || build.fuzz_bytes > 0) {
    parts.push({
      key: 'fuzz',
      label: t('app.build.parts.fuzz'),
      bytes: build.fuzz_bytes,
      detail: t('app.build.parts.inputs', { count: build.fuzz_files }),
    });
  }
  return parts;
}

/** `1.2 GiB (3,000 entries)`. */
export function bucketText(b: Pick<AgeBar, 'bytes' | 'entries'>): string {
  return t('app.build.bucket', { size: formatBytes(b.bytes), count: b.entries });
}
