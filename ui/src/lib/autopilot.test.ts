import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, fieldsOf, parseCount, parseFloor, parseSize, policyOf, sizeText } from './autopilot';

describe('the automatic cleanup fields', () => {
  it('reads sizes as the CLI does: binary for i-units and bare letters, decimal for B units', () => {
    expect(parseSize('')).toEqual({ ok: true, value: null });
    expect(parseSize('10 GiB')).toEqual({ ok: true, value: 10 * 1024 ** 3 });
    expect(parseSize('2G')).toEqual({ ok: true, value: 2 * 1024 ** 3 });
    expect(parseSize('500MB')).toEqual({ ok: true, value: 500_000_000 });
    expect(parseSize(' 1048576 ')).toEqual({ ok: true, value: 1048576 });
    expect(parseSize('1.5 KiB')).toEqual({ ok: true, value: 1536 });
    expect(parseSize('ten')).toEqual({ ok: false, problem: 'size' });
    expect(parseSize('-1 GiB')).toEqual({ ok: false, problem: 'size' });
    expect(parseSize('5 XB')).toEqual({ ok: false, problem: 'unit' });
    expect(parseSize('2000 PiB')).toEqual({ ok: false, problem: 'unit' });
    expect(parseSize('2000000 TiB')).toEqual({ ok: false, problem: 'range' });
  });

  it('reads counts and the floor', () => {
    expect(parseCount('', 10)).toEqual({ ok: true, value: null });
    expect(parseCount('0', 10)).toEqual({ ok: true, value: 0 });
    expect(parseCount(7, 10)).toEqual({ ok: true, value: 7 });
    expect(parseCount('1.5', 10)).toEqual({ ok: false, problem: 'whole' });
    expect(parseCount('11', 10)).toEqual({ ok: false, problem: 'range' });
    expect(parseFloor('10%')).toEqual({ ok: true, value: { percent: 10 } });
    expect(parseFloor('20 GiB')).toEqual({ ok: true, value: { bytes: 20 * 1024 ** 3 } });
    expect(parseFloor('')).toEqual({ ok: true, value: null });
    for (const bad of ['0%', '100%', '%', 'x%']) expect(parseFloor(bad)).toEqual({ ok: false, problem: 'percent' });
  });

  it('shows a stored policy in the fields and reads the same policy back', () => {
    expect(sizeText(10 * 1024 ** 3)).toBe('10 GiB');
    expect(sizeText(1536)).toBe('1.5 KiB');
    expect(sizeText(1000)).toBe('1000');
    const p = { ...DEFAULT_POLICY, modcache_max_bytes: 10 * 1024 ** 3, keep_latest: 2, free_disk_floor: { percent: 5 } };
    const f = fieldsOf(p);
    expect(f).toMatchObject({ modcache: '10 GiB', unusedDays: 90, keepLatest: 2, floor: '5%', enabled: false });
    expect(policyOf(f)).toEqual({ policy: p, problems: {} });
    expect(policyOf(fieldsOf(null)).policy).toEqual(DEFAULT_POLICY);
    const bad = policyOf({ ...f, modcache: 'lots', keepLatest: '-1' });
    expect(bad.problems).toEqual({ modcache: 'size', keepLatest: 'whole' });
  });
});
