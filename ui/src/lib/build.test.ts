import { afterEach, describe, expect, test } from 'vitest';
import type { BuildScan } from './api';
import { ageBars, bucketText, buildParts } from './build';
import { setLocale } from './i18n';

const base: BuildScan = {
  path: '/c',
  entries: 10,
  action_entries: 5,
  output_entries: 5,
  bytes: 1000,
  age_histogram: [
    { label: '< 1 day', max_age_days: 1, entries: 4, bytes: 400 },
    { label: '1-2 days', max_age_days: 2, entries: 0, bytes: 0 },
    { label: '2-5 days', max_age_days: 5.04, entries: 1, bytes: 2 },
    { label: 'older than 5 days (Go trims)', max_age_days: null, entries: 5, bytes: 200 },
  ],
  trimmable_entries: 5,
  trimmable_bytes: 200,
  fuzz_bytes: 0,
  fuzz_files: 0,
  last_trim: null,
  testexpire: null,
  exe_entries: 0,
  exe_bytes: 0,
};

describe('ageBars', () => {
  test('scales to the largest bucket and marks the trimmed one', () => {
    const bars = ageBars(base);
    expect(bars.map((b) => b.width)).toEqual([100, 0, 1, 50]);
    expect(bars.map((b) => b.trimmed)).toEqual([false, false, false, true]);
    expect(bars[3]).toMatchObject({ entries: 5, bytes: 200 });
  });

  test('an empty cache has no bars', () => {
    const empty = ageBars({ age_histogram: base.age_histogram.map((b) => ({ ...b, bytes: 0, entries: 0 })) });
    expect(empty.every((b) => b.width === 0)).toBe(true);
  });

  test('bucket text', () => {
    expect(bucketText({ bytes: 1536, entries: 1 })).toBe('1.5 KiB (1 entry)');
  });
});

describe('buildParts', () => {
  test('no test part from an older core, no fuzz part without a corpus', () => {
    expect(buildParts(base)).toEqual([]);
  });

  test('test and fuzz parts when reported', () => {
    const parts = buildParts({ ...base, test_entries: 3, test_bytes: 4096, fuzz_bytes: 2048, fuzz_files: 7 });
    expect(parts).toEqual([
      { key: 'test', label: 'Test results', bytes: 4096, detail: '3 entries' },
      { key: 'fuzz', label: 'Fuzz corpus', bytes: 2048, detail: '7 inputs' },
    ]);
    expect(buildParts({ ...base, test_entries: 0, test_bytes: 0 })[0].detail).toBe('none cached');
  });

  test('the programs go run and go tool cached are a part of their own', () => {
    expect(buildParts({ ...base, exe_entries: 2, exe_bytes: 9000 })).toEqual([
      { key: 'exe', label: 'go run / go tool programs', bytes: 9000, detail: '2 programs' },
    ]);
  });
});

describe('in Simplified Chinese', () => {
  afterEach(() => setLocale('en'));

  test('bucket labels: the core\'s English labels are translated, unknown ones kept', () => {
    expect(ageBars(base).map((b) => b.label)).toEqual(['< 1 day', '1-2 days', '2-5 days', '> 5 days']);
    setLocale('zh-CN');
    expect(ageBars(base).map((b) => b.label)).toEqual(['< 1 天', '1–2 天', '2–5 天', '> 5 天']);
    expect(ageBars(base).map((b) => b.id)).toEqual(base.age_histogram.map((b) => b.label));
    const odd = { age_histogram: [{ label: '5-9 days', max_age_days: 9, entries: 1, bytes: 1 }] };
    expect(ageBars(odd)[0].label).toBe('5-9 days');
  });

  test('texts and parts', () => {
    setLocale('zh-CN');
    expect(bucketText({ bytes: 1536, entries: 3000 })).toBe('1.5 KiB（3,000 个条目）');
    const parts = buildParts({ ...base, test_entries: 3, test_bytes: 4096, fuzz_bytes: 2048, fuzz_files: 7 });
    expect(parts.map((p) => [p.label, p.detail])).toEqual([
      ['测试结果', '3 个条目'],
      ['模糊测试语料', '7 个输入'],
    ]);
    expect(buildParts({ ...base, test_entries: 0, test_bytes: 0 })[0].detail).toBe('无缓存');
  });
});
