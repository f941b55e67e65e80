import { describe, expect, test } from 'vitest';
import { middleEllipsis } from './ellipsis';

const mono = (text: string) => [...text].length * 10;

describe('middleEllipsis', () => {
  const path = 'github.com/aws/aws-sdk-go-v2/service/s3';
  test('a text that fits is unchanged', () => {
    expect(middleEllipsis(path, path.length * 10, mono)).toBe(path);
  });
  test('cuts the middle, keeps both ends, the tail longer', () => {
    const out = middleEllipsis(path, 200, mono);
    expect(mono(out)).toBeLessThanOrEqual(200);
    expect(out).toContain('…');
    expect(out).toBe('github.c…/service/s3');
    const [head, tail] = out.split('…');
    expect(path.startsWith(head)).toBe(true);
    expect(path.endsWith(tail)).toBe(true);
    expect(tail.length).toBeGreaterThan(head.length);
  });
  test('the longest cut that fits, for every width', () => {
    for (let space = 10; space < path.length * 10; space += 7) {
      const out = middleEllipsis(path, space, mono);
      expect(mono(out)).toBeLessThanOrEqual(space);
      // One more character would not fit.
      expect(mono(out) + 10).toBeGreaterThan(space);
    }
  });
  test('nothing but the ellipsis when the room is tiny; characters, not UTF-16 halves', () => {
    expect(middleEllipsis(path, 5, mono)).toBe('…');
    const wide = '例子.com/模块/路径/很长的名字';
    const out = middleEllipsis(wide, 80, mono);
    expect(mono(out)).toBeLessThanOrEqual(80);
    expect(out.startsWith('例子')).toBe(true);
  });
});
