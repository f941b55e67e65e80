// Keeping what the app shows in step with the disk: a rescan when the window comes back into
// focus (the user ran `go mod download` or `go clean` in a terminal) and when the backend's
// watch of the cache roots reports a change (`watch_start`). Debounced, never while a scan,
// a clean or a verification runs (asked again when it ends), and skipped when a scan already
// started after the change.

import type { Clock } from './transient';
import { realClock } from './transient';

/** Why a rescan is asked for. */
export type Reason = 'focus' | 'watch';

/** Timing of the automatic rescans. */
export interface FreshnessOptions {
  /** Wait this long after the last request before rescanning. */
  debounceMs: number;
  /** A focus within this long after a scan started asks for nothing (alt-tab back and forth). */
  focusGapMs: number;
  /** While busy, look again after this long. */
  retryMs: number;
  /**
   * How long before its event a watched change happened (the backend sends one after this
   * much quiet time, `WatchOptions::debounce`).
   */
  watchDelayMs: number;
}

/**
 * The app's timing. `watchDelayMs` is below the backend's 1.5 s on purpose: a change is taken
 * as a little more recent than it was, so a scan that may have missed it is never trusted.
 */
export const DEFAULT_FRESHNESS: FreshnessOptions = { debounceMs: 800, focusGapMs: 5000, retryMs: 1500, watchDelayMs: 1000 };

/**
 * Decides when to rescan. `busy` says whether a scan, a clean or a verification runs (or a
 * dialog about the current figures is open); `lastScanStart` is when the latest scan started
 * (ms, the clock's time; `null` before the first); `rescan` starts one.
 */
export class AutoRescan {
  private timer: unknown = null;
  /** The earliest change not yet seen by a scan (clock ms), or null. */
  private changedAt: number | null = null;

  constructor(
    private readonly busy: () => boolean,
    private readonly lastScanStart: () => number | null,
    private readonly rescan: () => void,
    private readonly options: FreshnessOptions = DEFAULT_FRESHNESS,
    private readonly clock: Clock = realClock,
  ) {}

  /** Asks for a rescan for `reason`. */
  request(reason: Reason): void {
    const now = this.clock.now();
    const last = this.lastScanStart();
    if (reason === 'focus' && last !== null && now - last < this.options.focusGapMs) return;
    const at = reason === 'watch' ? now - this.options.watchDelayMs : now;
    this.changedAt = this.changedAt === null ? at : Math.min(this.changedAt, at);
    this.arm(this.options.debounceMs);
  }

  /** Forgets a pending request and its timer. */
  dispose(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.changedAt = null;
  }

  /** Whether a rescan is waiting (for the debounce or for the app to be idle). */
  get pending(): boolean {
    return this.changedAt !== null;
  }

  private arm(ms: number): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.fire();
    }, ms);
  }

  private fire(): void {
    if (this.changedAt === null) return;
    const last = this.lastScanStart();
    // A scan that started after the change has seen it (e.g. the rescan after the app's own
    // clean, whose deletions the watch reports a moment later).
    if (last !== null && last >= this.changedAt) {
      this.changedAt = null;
      return;
    }
    if (this.busy()) {
      this.arm(this.options.retryMs);
      return;
    }
    this.changedAt = null;
    this.rescan();
  }
}
