// The verify flow's store: runs `verify_start` / `verify_repair`, keeps the last report (the
// module view shows its verdicts), mirrors the state to `body[data-verify-state]`, and verifies
// again after a repair.

import {
  toApiError,
  verifyCancel,
  verifyRepair,
  verifyStart,
  type ApiError,
  type RepairReport,
  type VerifyEvent,
  type VerifyReport,
  type VerifyStatus,
} from './api';
import { cacheScan } from './scan.svelte';
import {
  applyVerifyEvent,
  emptyVerifyProgress,
  statusByVersion,
  type VerifyProgress,
  type VerifyState,
  type VersionRef,
} from './verify';

const clock = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

class VerifyStore {
  state = $state<VerifyState>('idle');
  progress = $state.raw<VerifyProgress>(emptyVerifyProgress());
  /** Ticks while running (drives the ETA between events). */
  now = $state(clock());
  report = $state.raw<VerifyReport | null>(null);
  error = $state.raw<(ApiError & { stage: 'verify' | 'repair' }) | null>(null);
  /** The project of the last (or running) verification; null = the whole cache. */
  project = $state<string | null>(null);
  cancelRequested = $state(false);
  /** The last repair: what was asked, and the answer once it came. */
  repair = $state.raw<{ versions: VersionRef[]; download: boolean | null; report: RepairReport | null } | null>(null);
  /** Verdicts of the last verification, by `path@version` (empty before one). */
  statuses = $state.raw<Map<string, VerifyStatus>>(new Map());
  private seq = 0;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private rescan: () => void = () => cacheScan.rescan(true);

  constructor() {
    if (typeof document !== 'undefined') document.body.dataset.verifyState = 'idle';
  }

  /** Tests and embedders may replace what "re-scan" means. */
  setRescan(fn: () => void): void {
    this.rescan = fn;
  }

  private set(state: VerifyState): void {
    this.state = state;
    if (typeof document !== 'undefined') document.body.dataset.verifyState = state;
    if (state === 'running') this.startTicker();
    else this.stopTicker();
  }

  private startTicker(): void {
    this.now = clock();
    if (this.ticker || typeof setInterval === 'undefined') return;
    this.ticker = setInterval(() => (this.now = clock()), 500);
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  get busy(): boolean {
    return this.state === 'running' || this.state === 'repairing';
  }

  /**
   * Verifies the whole cache (`project` null) or one project's go.sum against it; with
   * `compareProxy`, the go.sum lines the cache cannot confirm are compared with the proxy too.
   */
  async start(project: string | null, compareProxy = false): Promise<void> {
    if (this.state === 'repairing') return;
    await this.run(project, compareProxy);
  }

  private async run(project: string | null, compareProxy = false): Promise<void> {
    const seq = ++this.seq;
    this.project = project;
    this.error = null;
    this.cancelRequested = false;
    this.progress = emptyVerifyProgress();
    this.set('running');
    const onEvent = (e: VerifyEvent): void => {
      if (seq === this.seq) this.progress = applyVerifyEvent(this.progress, e, clock());
    };
    try {
      const report = await verifyStart(project, onEvent, compareProxy);
      if (seq !== this.seq) return;
      this.report = report;
      // A cancelled run only knows some versions: keep the others' earlier verdicts.
      // So does a project's (it checks only the versions its go.sum names).
      const fresh = statusByVersion(report);
      this.statuses = report.cancelled || project ? new Map([...this.statuses, ...fresh]) : fresh;
      this.set(report.cancelled ? 'cancelled' : 'done');
    } catch (e) {
      if (seq !== this.seq) return;
      this.error = { ...toApiError(e), stage: 'verify' };
      this.set('error');
    }
  }

  async cancel(): Promise<void> {
    if (this.state !== 'running') return;
    this.cancelRequested = true;
    try {
      await verifyCancel();
    } catch {
      // It finished meanwhile: its answer arrives anyway.
    }
  }

  /**
   * Removes `versions` and downloads them again, then verifies again (the same project, if
   * any). The repair's answer stays on screen above the new results.
   */
  async repairVersions(versions: VersionRef[]): Promise<void> {
    if (versions.length === 0 || this.busy) return;
    this.error = null;
    this.repair = { versions, download: null, report: null };
    this.set('repairing');
    const project = this.project;
    try {
      const report = await verifyRepair(versions, project, (e) => {
        if (e.event === 'repairStarted' && this.repair) this.repair = { ...this.repair, download: e.data.download };
      });
      this.repair = { versions, download: report.download !== null, report };
    } catch (e) {
      this.error = { ...toApiError(e), stage: 'repair' };
      this.set('error');
      this.rescan();
      return;
    }
    // The module cache changed on disk: sizes and the module list too.
    this.rescan();
    await this.run(project);
  }

  /** Back to the start screen (keeps the verdicts for the module view). */
  reset(): void {
    if (this.busy) return;
    this.repair = null;
    this.error = null;
    this.set('idle');
  }
}

/** `index.html` starts the body with `data-verify-state="idle"`. */
export const verify = new VerifyStore();
