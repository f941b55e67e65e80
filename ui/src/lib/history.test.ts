import { describe, expect, test } from 'vitest';
import type { ItemResult } from './api';
import { isUndone, RESTORED_NOTE } from './history';

const item = (outcome: ItemResult['outcome'], note: string | null = null): ItemResult => ({
  path: '/m/x@v1.0.0',
  label: 'x@v1.0.0',
  outcome,
  cause: null,
  detail: null,
  bytes: 0,
  in_place: false,
  note,
});

describe('isUndone', () => {
  test('every item restored by Undo', () => {
    expect(isUndone([item('skipped', RESTORED_NOTE)])).toBe(true);
    expect(isUndone([item('skipped', RESTORED_NOTE), item('skipped', RESTORED_NOTE)])).toBe(true);
  });
  test('a partly undone clean (one purged first) is not "Undone"', () => {
    expect(isUndone([item('skipped', RESTORED_NOTE), item('removed')])).toBe(false);
  });
  test('a plain skip or an Undo failure note is not "Undone"', () => {
    expect(isUndone([item('skipped')])).toBe(false);
    expect(isUndone([item('removed', 'Undo could not put it back (EACCES); it stays in quarantine')])).toBe(false);
  });
  test('an entry with no outcomes', () => {
    expect(isUndone([])).toBe(false);
  });
});
