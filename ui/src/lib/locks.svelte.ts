// The locks store: the last `locks_list` report (the cards' badges, the Locks view, the clean
// dialog's holders), refreshed every few seconds while the Locks view is open and now and then
// otherwise, never two requests at once; and End process with its confirmation. Mirrors its
// state to `body[data-locks-state]`.

import { locksEnd, locksList, toApiError, type ApiError, type EndOutcome, type Holder, type LocksReport } from './api';
import type { LocksState } from './locks';

/** Refresh period while the Locks view is open (the probe takes ~20 ms). */
export const VIEW_REFRESH_MS = 3000;
/** Refresh period of the cards' badges otherwise. */
export const BACKGROUND_REFRESH_MS = 15000;

/** The last End process: its answer or its refusal. */
export interface EndResult {
  pid: number;
  name: string;
  outcome: EndOutcome | null;
  error: ApiError | null;
}

class LocksStore {
  report = $state.raw<LocksReport | null>(null);
  state = $state<LocksState>('idle');
  error = $state.raw<ApiError | null>(null);
  /** Auto-refresh of the Locks view paused by the user. */
  paused = $state(false);
  /** Completed refreshes (a test hook, and "updated" in the view). */
  refreshes = $state(0);
  updatedAt = $state<number | null>(null);
  /** The holder whose End process awaits confirmation. */
  confirming = $state.raw<Holder | null>(null);
  /** The pid being ended right now. */
  ending = $state<number | null>(null);
  lastEnd = $state.raw<EndResult | null>(null);

  private inflight: Promise<void> | null = null;
  private viewing = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private openView: () => void = () => {};

  constructor() {
    if (typeof document !== 'undefined') document.body.dataset.locksState = 'idle';
  }

  private set(state: LocksState): void {
    this.state = state;
    if (typeof document !== 'undefined') document.body.dataset.locksState = state;
  }

  /**
   * Asks the backend for the holders. While a request runs, a second call waits for it; with
   * `fresh`, it then asks once more (after End process, the running answer may predate it).
   */
  async refresh(fresh = false): Promise<void> {
    if (this.inflight) {
      await this.inflight;
      if (!fresh) return;
      if (this.inflight) return this.inflight;
    }
    this.inflight = this.load();
    try {
      await this.inflight;
    } finally {
      this.inflight = null;
      this.schedule();
    }
  }

  private async load(): Promise<void> {
    this.set('loading');
    try {
      this.report = await locksList();
      this.error = null;
      this.updatedAt = Date.now();
      this.refreshes++;
      this.set('done');
    } catch (e) {
      this.error = toApiError(e);
      this.set('error');
    }
  }

  /** The next refresh: every few seconds in the view (unless paused), else now and then. */
  private schedule(): void {
    if (typeof setTimeout === 'undefined') return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.viewing && this.paused) return;
    const wait = this.viewing ? VIEW_REFRESH_MS : BACKGROUND_REFRESH_MS;
    this.timer = setTimeout(() => {
      this.timer = null;
      const hidden = typeof document !== 'undefined' && document.visibilityState === 'hidden';
      if (hidden && !this.viewing) this.schedule();
      else void this.refresh();
    }, wait);
  }

  /** The Locks view opened (`true`) or closed: refresh now and switch the period. */
  setViewing(on: boolean): void {
    this.viewing = on;
    if (on) void this.refresh();
    else this.schedule();
  }

  togglePause(): void {
    this.paused = !this.paused;
    if (!this.paused) void this.refresh();
    else this.schedule();
  }

  /** The app registers how to open the Locks view (the badges' and the clean result's links). */
  setOpener(fn: () => void): void {
    this.openView = fn;
  }

  show(): void {
    this.openView();
  }

  /** Opens the confirmation of End process for `holder`. */
  askEnd(holder: Holder): void {
    if (this.ending !== null) return;
    this.confirming = holder;
  }

  cancelEnd(): void {
    if (this.ending !== null) return;
    this.confirming = null;
  }

  /** Ends the confirmed process, records the answer and refreshes. */
  async confirmEnd(): Promise<void> {
    const h = this.confirming;
    if (!h || this.ending !== null) return;
    this.ending = h.pid;
    let result: EndResult;
    try {
      result = { pid: h.pid, name: h.name, outcome: await locksEnd(h.pid, h.start_time), error: null };
    } catch (e) {
      result = { pid: h.pid, name: h.name, outcome: null, error: toApiError(e) };
    }
    this.lastEnd = result;
    this.ending = null;
    this.confirming = null;
    await this.refresh(true);
  }

  dismissEnd(): void {
    this.lastEnd = null;
  }
}

/** `index.html` does not set `data-locks-state`; the store sets `idle` when it loads. */
export const locks = new LocksStore();
