// The clean history's view of one audit entry.

import type { ItemResult } from './api';

/** The note the app's Undo puts on each item it brought back (src-tauri commands/clean.rs). */
export const RESTORED_NOTE = 'restored by Undo';

/** Whether Undo brought back every item of the entry: the clean was undone, nothing removed. */
export function isUndone(outcomes: Pick<ItemResult, 'outcome' | 'note'>[]): boolean {
  return outcomes.length > 0 && outcomes.every((o) => o.outcome === 'skipped' && o.note === RESTORED_NOTE);
}
