// The cache scan: the discovered caches (the env report), the scan of them (running / done /
// cancelled / error) and its live progress. Components read it; only `run`, `rescan` and `cancel`
// change it.

import { envReport, scanCancel, scanStart, sizeHistory, toApiError, type ApiError, type EnvReport, type ScanReport, type SizeHistory } from './api';
import { applyEvent, emptyProgress, type LiveProgress } from './progress';
import { mark } from './startup';

export { progressValue, type KindProgress, type LiveProgress } from './progress';

export type ScanState = 'idle' | 'running' | 'done' | 'cancelled' | 'error';

/**
 * Resolves once the current DOM has been painted (two animation frames), or after 100 ms when
 * the page does not get frames (a hidden window).
 */
export function afterNextPaint(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestAnimationFrame === 'undefined') {
      resolve();
      return;
    }
    const timer = setTimeout(resolve, 100);
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        clearTimeout(timer);
        resolve();
      }),
    );
  });
}

/** The discovered caches and their scan: `cacheScan`. */
class CacheScan {
  env = $state.raw<EnvReport | null>(null);
  /** The last scan's result; kept raw (no deep proxies) because it may hold 20k module rows. */
  report = $state.raw<ScanReport | null>(null);
  scanState = $state<ScanState>('idle');
  error = $state.raw<ApiError | null>(null);
  progress = $state.raw<LiveProgress>(emptyProgress());
  cancelRequested = $state(false);
  previousTotalBytes: number | null = null;
  /** When the latest scan started (`Date.now()`), or null before the first (lib/freshness.ts). */
  lastStart: number | null = null;
  /**
   * The size history (`size_history`): the last completed scan, which the dashboard paints
   * until this window's scan ends, each cache's growth and chart, and the module versions the
   * last scan found new. Read at the first run and again after each completed scan.
   */
  history = $state.raw<SizeHistory | null>(null);
  /** The app changed a cache since the history's last scan: its figures are not shown. */
  historyOutdated = $state(false);
  /** The next scan is a deep one (every file walked, the index rewritten): `deepRescan`. */
  private fullNext = false;
  /** Whether the scan running now (or the last one) was a deep rescan. */
  lastFull = $state(false);
  /** A rescan was asked for while a scan ran: run another one when it ends. */
  private again = false;

  /** Answers of an older `size_history` call are dropped (a newer one was asked for). */
  private historySeq = 0;

  /** Changes the app made to the caches (`rescan(true)`), counted. */
  private changes = 0;

  /**
   * Reads the size history; without it the cards simply wait for the scan. `scanStartedAt`:
   * the change count when the scan just recorded started; if no change came since, the history
   * is up to date again.
   */
  async loadHistory(scanStartedAt?: number): Promise<void> {
    const seq = ++this.historySeq;
    try {
      const h = await sizeHistory();
      if (seq === this.historySeq) {
        this.history = h;
        if (scanStartedAt === this.changes) this.historyOutdated = false;
      }
    } catch {
      // No history to show: the scan's figures come as before.
    }
  }

  private setState(s: ScanState): void {
    this.scanState = s;
    if (typeof document !== 'undefined') document.body.dataset.scanState = s;
  }

  /**
   * Scans again because the caches changed (a clean, an undo): now, or right after the running
   * scan ends, since that one's figures may predate the change. `byApp`: the app itself changed
   * them, so the last scan's figures are known to be out of date and are not shown meanwhile.
   */
  rescan(byApp = false): void {
    if (byApp) {
      this.changes++;
      this.historyOutdated = true;
    }
    if (this.scanState === 'running') {
      this.again = true;
      return;
    }
    void this.run();
  }

  /**
   * Walks every file again and rewrites the scan index ("Deep rescan"): for a cache changed in
   * ways an incremental rescan cannot see (a file edited by hand inside a version directory).
   * Runs after the current scan when one is running.
   */
  deepRescan(): void {
    this.fullNext = true;
    this.rescan();
  }

  /** Discovers again, then scans every existing cache. Does nothing while a scan runs. */
  async run(): Promise<void> {
    if (this.scanState === 'running') return;
    // The last scan's figures, read alongside discovery: the cards show them at once.
    if (!this.history) void this.loadHistory();
    await this.runOnce();
    while (this.again) {
      this.again = false;
      await this.runOnce();
    }
  }

  private async runOnce(): Promise<void> {
    this.lastStart = Date.now();
    const changesAtStart = this.changes;
    if (this.report) this.previousTotalBytes = this.report.caches.reduce((s, c) => s + c.bytes, 0);
    this.report = null;
    this.error = null;
    this.cancelRequested = false;
    this.progress = emptyProgress();
    this.setState('running');
    try {
      mark('env_report_call');
      this.env = await envReport();
      mark('env_report_done');
    } catch (e) {
      this.error = toApiError(e);
      this.setState('error');
      return;
    }
    // Cancel pressed while discovery was still running: do not start the scan at all.
    if (this.cancelRequested) {
      this.setState('cancelled');
      return;
    }
    // Let WebKit paint the cards before the scan's threads compete with it for the CPU
    // (measured: bench/startup.sh, BENCHMARKS.md "App start").
    await afterNextPaint();
    if (this.cancelRequested) {
      this.setState('cancelled');
      return;
    }
    let cancelResent = false;
    try {
      const full = this.fullNext;
      this.fullNext = false;
      this.lastFull = full;
      const report = await scanStart((ev) => {
        this.progress = applyEvent(this.progress, ev);
        // Cancel pressed between `scan_start` being sent and the backend registering the scan:
        // the first `scan_cancel` found nothing to stop, so send it again now the scan runs.
        if (this.cancelRequested && !cancelResent) {
          cancelResent = true;
          scanCancel().catch(() => {});
        }
      }, full);
      this.report = report;
      this.setState(report.cancelled ? 'cancelled' : 'done');
      // The backend recorded this scan: its growth, chart point and new versions.
      if (!report.cancelled) void this.loadHistory(changesAtStart);
    } catch (e) {
      const err = toApiError(e);
      if (err.code === 'Cancelled') {
        this.setState('cancelled');
      } else {
        this.error = err;
        this.setState('error');
      }
    }
  }

  /** Asks the backend to stop; the state changes when `scan_start` resolves. */
  async cancel(): Promise<void> {
    if (this.scanState !== 'running' || this.cancelRequested) return;
    this.cancelRequested = true;
    this.again = false;
    try {
      await scanCancel();
    } catch (e) {
      this.cancelRequested = false;
      this.error = toApiError(e);
    }
  }
}

/** The one cache scan of the window: what App, the clean flow and verify read and re-run. */
export const cacheScan = new CacheScan();
