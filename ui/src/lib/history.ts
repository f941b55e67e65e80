// The clean history's view of one audit entry.

import type { AuditEntry, ItemResult } from './api';

/** The note the app's Undo puts on each item it brought back (src-tauri commands/clean.rs). */
export const RESTORED_NOTE = 'restored by Undo';

/** Whether Undo brought back every item of the entry: the clean was undone, nothing removed. */
export function isUndone(outcomes: Pick<ItemResult, 'outcome' | 'note'>[]): boolean {
  return outcomes.length > 0 && outcomes.every((o) => o.outcome === 'skipped' && o.note === RESTORED_NOTE);
}

/**
 * When a clean last removed `root` or something inside it (Unix seconds), from the clean
 * history (newest first or in any order), or null: a cache that is gone because the app
 * cleaned it says so instead of "Not created yet".
 */
export function lastCleanedAt(entries: Pick<AuditEntry, 'time' | 'outcomes'>[], root: string): number | null {
  const under = (p: string) => p === root || p.startsWith(root.endsWith('/') || root.endsWith('\\') ? root : root + (root.includes('\\') ? '\\' : '/'));
  let latest: number | null = null;
  for (const e of entries) {
    if (isUndone(e.outcomes)) continue;
    if (e.outcomes.some((o) => o.outcome === 'removed' && under(o.path)) && (latest === null || e.time > latest)) latest = e.time;
  }
  return latest;
}
