import { describe, expect, test } from 'vitest';
import { buildTreemap, CHAR_WIDTH, colorFor, fitText, labelFor, largest, ownerOf } from './treemap';

const items = Array.from({ length: 200 }, (_, i) => ({ path: `github.com/o${i % 9}/m${i}`, bytes: (200 - i) * 1000 }));

describe('buildTreemap', () => {
  const rects = buildTreemap(items, 800, 220, 60);
  test('lays out the largest items only, tiling the whole box', () => {
    expect(rects).toHaveLength(60);
    expect(new Set(rects.map((r) => r.name))).toEqual(new Set(largest(items, 60).map((i) => i.path)));
    for (const r of rects) {
      expect(r.x).toBeGreaterThanOrEqual(0);
      expect(r.y).toBeGreaterThanOrEqual(0);
      expect(r.x + r.width).toBeLessThanOrEqual(800);
      expect(r.y + r.height).toBeLessThanOrEqual(220);
    }
    // Area follows size: the largest rect is the biggest.
    const areas = rects.map((r) => ({ name: r.name, area: r.width * r.height }));
    areas.sort((a, b) => b.area - a.area);
    expect(areas[0].name).toBe('github.com/o0/m0');
  });
  test('rects do not overlap', () => {
    for (let i = 0; i < rects.length; i++)
      for (let j = i + 1; j < rects.length; j++) {
        const a = rects[i];
        const b = rects[j];
        const overlapX = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
        const overlapY = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
        expect(overlapX <= 0 || overlapY <= 0).toBe(true);
      }
  });
  test('labels fit their rect', () => {
    for (const r of rects) {
      if (!r.label) continue;
      expect(r.label.length * CHAR_WIDTH + 10).toBeLessThanOrEqual(r.width);
      expect(r.height).toBeGreaterThanOrEqual(20);
    }
    expect(rects.filter((r) => r.label).length).toBeGreaterThan(5);
  });
  test('empty input, zero sizes and a zero box give nothing', () => {
    expect(buildTreemap([], 800, 200)).toEqual([]);
    // A tiny item beside a huge one still gets a tile one can see and click.
    const tiny = buildTreemap([{ path: 'v1.5.1', bytes: 157_000_000 }, { path: 'v2.11.0', bytes: 4200 }], 780, 115);
    expect(tiny.map((r) => r.name)).toEqual(['v1.5.1', 'v2.11.0']);
    expect(tiny[1].bytes).toBe(4200);
    expect(tiny[1].width).toBeGreaterThanOrEqual(4);
    expect(tiny[1].height).toBeGreaterThanOrEqual(4);
    expect(buildTreemap([{ path: 'a', bytes: 0 }], 800, 200)).toEqual([]);
    expect(buildTreemap(items, 0, 200)).toEqual([]);
  });
});

describe('labels and colours', () => {
  test('labels shorten: full path, then without host, then last element, then cut', () => {
    const name = 'github.com/BurntSushi/toml';
    expect(labelFor(name, 400, 40)).toBe(name);
    expect(labelFor(name, 16 * CHAR_WIDTH + 10, 40)).toBe('BurntSushi/toml');
    expect(labelFor(name, 6 * CHAR_WIDTH + 10, 40)).toBe('toml');
    expect(labelFor('golang.org/x/verylongname', 5 * CHAR_WIDTH + 10, 40)).toBe('very…');
    expect(labelFor('golang.org/x/verylongname', 270, 40, (t) => t.length * 20)).toBe('verylongname');
    expect(labelFor(name, 400, 12)).toBe('');
    expect(labelFor(name, 20, 40)).toBe('');
    expect(fitText('abcdef', 4 * CHAR_WIDTH)).toBe('abc…');
    expect(fitText('abc', 3 * CHAR_WIDTH)).toBe('abc');
    expect(fitText('abcdef', 2 * CHAR_WIDTH)).toBe('');
  });
  test('one colour per owner', () => {
    expect(ownerOf('github.com/spf13/cobra')).toBe('github.com/spf13');
    expect(ownerOf('golang.org/x/tools')).toBe('golang.org');
    expect(colorFor('github.com/spf13/cobra')).toBe(colorFor('github.com/spf13/viper'));
    expect(colorFor('golang.org/x/tools')).toBe(colorFor('golang.org/x/net'));
    const slots = new Set(Array.from({ length: 50 }, (_, i) => colorFor(`github.com/owner${i}/x`)));
    expect(slots.size).toBeGreaterThan(4);
    for (const s of slots) expect(s >= 0 && s < 8).toBe(true);
  });
});
