import { describe, expect, test } from 'vitest';
import { compare, isPseudo, isValid, sortCompare } from './semver';

describe('semver (Go rules, as crates/core/src/semver.rs)', () => {
  test('validity', () => {
    for (const v of ['v1', 'v1.2', 'v1.2.3', 'v1.2.3-rc.1', 'v2.0.0+incompatible', 'v0.0.0-20191109021931-daa7c04131f5'])
      expect(isValid(v), v).toBe(true);
    for (const v of ['1.2.3', 'v01.0.0', 'v1.0.0-01', 'v1.0.0-!r!c1', 'v1.2.3.4', 'v1.2.3-', 'v1.2.3+', 'bogus', ''])
      expect(isValid(v), v).toBe(false);
  });

  test('the same order as the core test (ordering_follows_semver)', () => {
    const v = ['v1.10.0', 'v1.2.0', 'v1.2.0-rc.1', 'v1.2.0-beta', 'v1.2.0-rc.10', 'v1.2.0-rc.2', 'v0.0.0-20200101000000-abcdef123456', 'bogus'];
    expect(v.sort(sortCompare)).toEqual([
      'bogus',
      'v0.0.0-20200101000000-abcdef123456',
      'v1.2.0-beta',
      'v1.2.0-rc.1',
      'v1.2.0-rc.2',
      'v1.2.0-rc.10',
      'v1.2.0',
      'v1.10.0',
    ]);
  });

  test('numbers compare as numbers, v0.3.0 above v0.2.0, short forms equal their long forms', () => {
    expect(compare('v0.3.0', 'v0.2.0')).toBe(1);
    expect(compare('v0.10.0', 'v0.9.9')).toBe(1);
    expect(compare('v1.2', 'v1.2.0')).toBe(0);
    expect(compare('v1', 'v1.0.0')).toBe(0);
    expect(compare('v1.0.0', 'v1.0.0-rc.1')).toBe(1);
    expect(compare('v12345678901234567890.0.0', 'v9.0.0')).toBe(1);
  });

  test('+incompatible and other build metadata are ignored; sortCompare breaks the tie', () => {
    expect(compare('v2.0.0+incompatible', 'v2.0.0')).toBe(0);
    expect(compare('v3.1.0+incompatible', 'v2.9.0')).toBe(1);
    expect(['v2.0.0+incompatible', 'v2.0.0'].sort(sortCompare)).toEqual(['v2.0.0', 'v2.0.0+incompatible']);
  });

  test('pseudo-versions: pre-releases ordered by time, below the release they build on', () => {
    const older = 'v0.0.0-20191109021931-daa7c04131f5';
    const newer = 'v0.0.0-20240101000000-abcdef123456';
    expect(compare(newer, older)).toBe(1);
    // vX.Y.(Z+1)-0.timestamp-hash: after vX.Y.Z, before vX.Y.(Z+1).
    const after = 'v1.2.4-0.20200101000000-abcdef123456';
    expect(compare(after, 'v1.2.3')).toBe(1);
    expect(compare(after, 'v1.2.4')).toBe(-1);
    // vX.Y.Z-pre.0.timestamp-hash: after vX.Y.Z-pre.
    expect(compare('v1.2.4-rc.1.0.20200101000000-abcdef123456', 'v1.2.4-rc.1')).toBe(1);
    expect(compare('v2.0.0-20200101000000-abcdef123456+incompatible', 'v1.9.0')).toBe(1);
    expect(isPseudo(older)).toBe(true);
    expect(isPseudo(after)).toBe(true);
    expect(isPseudo('v1.2.4-rc.1.0.20200101000000-abcdef123456')).toBe(true);
    expect(isPseudo('v1.2.3-rc.1')).toBe(false);
  });

  test('toolchain versions order by their Go release', () => {
    const list = ['v0.0.1-go1.23.1.linux-amd64', 'v0.0.1-go1.22.0.linux-amd64', 'v0.0.1-go1.23.0.linux-amd64'];
    expect(list.sort(sortCompare)).toEqual(['v0.0.1-go1.22.0.linux-amd64', 'v0.0.1-go1.23.0.linux-amd64', 'v0.0.1-go1.23.1.linux-amd64']);
  });
});
