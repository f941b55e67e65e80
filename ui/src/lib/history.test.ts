import { describe, expect, test } from 'vitest';
import type { AuditEntry, ItemResult } from './api';
import { isUndone, lastCleanedAt, RESTORED_NOTE } from './history';

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

describe('lastCleanedAt', () => {
  const removed = (path: string) => ({ path, outcome: 'removed' as const, note: null });
  test('the newest clean that removed the root or something inside it', () => {
    const entries = [
      { time: 300, outcomes: [removed('/home/g/.cache/go-build')] },
      { time: 200, outcomes: [removed('/home/g/go/pkg/mod/example.com/a@v1.0.0')] },
      { time: 100, outcomes: [removed('/home/g/go/pkg/mod')] },
    ] as unknown as AuditEntry[];
    expect(lastCleanedAt(entries, '/home/g/go/pkg/mod')).toBe(200);
    expect(lastCleanedAt(entries, '/home/g/.cache/go-build')).toBe(300);
    // A sibling with the same prefix is not inside the root.
    expect(lastCleanedAt(entries, '/home/g/go/pkg/mo')).toBeNull();
    expect(lastCleanedAt(entries, '/home/g/.cache/gopls')).toBeNull();
  });
  test('failed items and undone cleans do not count', () => {
    const entries = [
      { time: 500, outcomes: [{ path: '/c', outcome: 'skipped', note: RESTORED_NOTE }] },
      { time: 400, outcomes: [{ path: '/c', outcome: 'failed', note: null }] },
    ] as unknown as AuditEntry[];
    expect(lastCleanedAt(entries, '/c')).toBeNull();
  });
});
