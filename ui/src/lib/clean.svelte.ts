// The clean flow's store: drives the pure state machine of `clean.ts` with the backend's
// commands, mirrors the state to `body[data-clean-state]` and re-scans when the caches change.

import {
  cleanCancel,
  cleanElevated,
  cleanExecute,
  cleanHolders,
  cleanPlan,
  cleanPurgeNow,
  cleanUndo,
  toApiError,
  type CacheKind,
  type CleanRun,
  type CleanUpdate,
  type Holder,
  type Target,
  type TargetName,
} from './api';
import {
  cardOptions,
  failedTargets,
  initialFlow,
  optionTarget,
  reduce,
  selectionTarget,
  type Action,
  type CleanSource,
  type CleanState,
  type Flow,
} from './clean';
import { prefs } from './prefs.svelte';
import { cacheScan } from './scan.svelte';

export { dialogOpen, isBusy, type CleanState, type Flow } from './clean';

/** Default age for "entries older than" in the build card's dialog. */
export const DEFAULT_BUILD_DAYS = 5;
/** The build cache's default size budget in GiB ("Trim to"). */
export const DEFAULT_BUILD_BUDGET_GIB = 1;

class CleanStore {
  flow = $state.raw<Flow>(initialFlow());
  /** Ticks every 250 ms while an undo window is open (drives the countdown). */
  now = $state(Date.now());
  /** The option chosen in a card's dialog, and the days of `build-older-than`. */
  option = $state<TargetName | null>(null);
  days = $state(DEFAULT_BUILD_DAYS);
  budgetGiB = $state(DEFAULT_BUILD_BUDGET_GIB);
  /**
   * The processes holding what the previewed plan would remove (`clean_holders`), asked when
   * the preview appears and after End process: never holders of other files, never stale.
   */
  holders = $state.raw<Holder[]>([]);
  /** The plan `holders` is about. */
  holdersPlan = $state<string | null>(null);
  /** The pids that held this plan's files since it was shown (so "none any more" is true). */
  seenPids = $state.raw<number[]>([]);
  private holdersSeq = 0;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private rescan: () => void = () => cacheScan.rescan(true);

  /** Tests and embedders may replace what "re-scan" means. */
  setRescan(fn: () => void): void {
    this.rescan = fn;
  }

  private dispatch(a: Action): void {
    const prev = this.flow.state;
    this.flow = reduce(this.flow, a);
    const next = this.flow.state;
    if (typeof document !== 'undefined') document.body.dataset.cleanState = next;
    if (next !== prev) this.onTransition(prev, next);
  }

  private onTransition(prev: CleanState, next: CleanState): void {
    // The items are gone for Go once `clean_execute` answers; the sizes change again when the
    // purge empties quarantines inside cache roots, and when an undo brings items back.
    const removedAny = this.flow.results.some((r) => r.outcome === 'removed');
    const ran = prev === 'running' && removedAny && (next === 'holding' || next === 'purging' || next === 'done');
    const purged = (prev === 'holding' || prev === 'purging') && next === 'done';
    if (ran || purged || next === 'undone') this.rescan();
    if (next === 'holding' || next === 'purging') this.startTicker();
    else this.stopTicker();
  }

  private startTicker(): void {
    this.now = Date.now();
    if (this.ticker || typeof setInterval === 'undefined') return;
    this.ticker = setInterval(() => (this.now = Date.now()), 250);
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  private onEvent = (ev: CleanUpdate): void => this.dispatch({ type: 'event', ev });

  private async plan(targets: Target[], source: CleanSource | null, elevated = false): Promise<void> {
    this.dispatch({ type: 'plan', targets, source, elevated });
    if (this.flow.state !== 'planning') return;
    const seq = this.flow.seq;
    try {
      const { id, plan } = await cleanPlan(targets);
      this.holders = [];
      this.holdersPlan = null;
      this.seenPids = [];
      this.dispatch({ type: 'planned', seq, id, plan });
      if (plan.items.length > 0) void this.refreshHolders();
    } catch (e) {
      this.dispatch({ type: 'failed', seq, error: toApiError(e), stage: 'plan' });
      return;
    }
    // TypeScript narrowed `state` before the await; the flow has moved on since.
    const now = this.flow as Flow;
    if (elevated && now.state === 'running' && now.seq === seq) await this.runElevated();
    else if (now.state === 'confirm' && now.seq === seq && skipsConfirm(now)) await this.confirm();
  }

  /**
   * Asks which processes hold what the previewed plan would remove. A failed probe shows no
   * warning (the clean itself reports what it could not remove).
   */
  async refreshHolders(): Promise<void> {
    const id = this.flow.planId;
    if (!id) return;
    const seq = ++this.holdersSeq;
    try {
      const report = await cleanHolders(id);
      if (seq !== this.holdersSeq || this.flow.planId !== id) return;
      this.holders = report.holders;
      this.seenPids = [...new Set([...this.seenPids, ...report.holders.map((h) => h.pid)])];
      this.holdersPlan = id;
    } catch {
      if (seq === this.holdersSeq) this.holders = [];
    }
  }

  /** Opens the dialog for a cache card with its first (default) target. */
  openCard(kind: CacheKind): void {
    const options = cardOptions(kind);
    if (options.length === 0) return;
    this.option = options[0].value;
    this.days = DEFAULT_BUILD_DAYS;
    this.budgetGiB = DEFAULT_BUILD_BUDGET_GIB;
    void this.plan([optionTarget(this.option, this.days, this.budgetGiB)], { type: 'card', kind });
  }

  /** Opens the dialog for module versions selected in the module view. */
  openSelection(versions: { path: string; version: string }[]): void {
    if (versions.length === 0) return;
    this.option = null;
    void this.plan([selectionTarget(versions)], { type: 'selection', count: versions.length });
  }

  /** Opens the dialog for one module version (the doctor's `clean-version` action). */
  openVersion(path: string, version: string): void {
    this.option = null;
    void this.plan([{ target: 'module-version', path, version }], { type: 'selection', count: 1 });
  }

  /** Another option (or number of days, or size budget) in a card's dialog: a fresh preview. */
  choose(option: TargetName, days = this.days, budgetGiB = this.budgetGiB): void {
    const s = this.flow.state;
    if (s !== 'confirm' && s !== 'planning' && !(s === 'error' && this.flow.error?.stage === 'plan')) return;
    this.option = option;
    this.days = days;
    this.budgetGiB = budgetGiB;
    void this.plan([optionTarget(option, days, budgetGiB)], this.flow.source);
  }

  /** Runs the previewed plan. */
  async confirm(): Promise<void> {
    this.dispatch({ type: 'execute' });
    const f = this.flow;
    if (f.state !== 'running' || !f.planId) return;
    await this.track(cleanExecute(f.planId, this.onEvent), 'execute');
  }

  private async runElevated(): Promise<void> {
    const f = this.flow;
    if (!f.planId) return;
    await this.track(cleanElevated(f.planId, this.onEvent), 'elevated');
  }

  private async track(p: Promise<CleanRun>, stage: 'execute' | 'elevated'): Promise<void> {
    try {
      const run = await p;
      this.dispatch({ type: 'executed', run });
    } catch (e) {
      this.dispatch({ type: 'failed', error: toApiError(e), stage });
      // Some items may be gone already (e.g. cancelled midway): show the real sizes.
      this.rescan();
    }
  }

  /** Stops a running `clean_execute`; the items not started come back as cancelled. */
  async cancelRun(): Promise<void> {
    if (this.flow.state !== 'running') return;
    try {
      await cleanCancel();
    } catch {
      // The run ended meanwhile: its answer arrives anyway.
    }
  }

  async undo(): Promise<void> {
    const f = this.flow;
    if ((f.state !== 'holding' && f.state !== 'purging') || !f.run) return;
    try {
      const report = await cleanUndo(f.run.run_id);
      this.dispatch({ type: 'undone', report });
    } catch (e) {
      this.dispatch({ type: 'failed', error: toApiError(e), stage: 'undo' });
    }
  }

  /** Ends the undo window now. */
  async purgeNow(): Promise<void> {
    const f = this.flow;
    if (f.state !== 'holding' || !f.run) return;
    try {
      await cleanPurgeNow(f.run.run_id);
    } catch (e) {
      this.dispatch({ type: 'failed', error: toApiError(e), stage: 'undo' });
    }
  }

  /** Closes the dialog or the result (not while the backend still works on a run). */
  dismiss(): void {
    this.dispatch({ type: 'dismiss' });
  }

  /** Plans the same targets again (after fixing the cause of a failure). */
  retry(): void {
    const f = this.flow;
    if (f.targets.length === 0) return;
    this.dispatch({ type: 'dismiss' });
    void this.plan(f.targets, f.source);
  }

  /** Cleans the failed items again with administrator rights, on a fresh plan of their targets. */
  elevate(): void {
    const f = this.flow;
    const targets = failedTargets(f.plan, f.targets, f.results);
    if (targets.length === 0) return;
    this.dispatch({ type: 'dismiss' });
    void this.plan(targets, f.source, true);
  }
}

/**
 * With "confirm before clean" off, a previewed clean runs at once (the undo window still
 * applies) — unless there is nothing to clean, or the card offers several things to clean and
 * the user has yet to choose.
 */
function skipsConfirm(f: Flow): boolean {
  if (prefs.confirmBeforeClean || !f.plan || f.plan.items.length === 0) return false;
  return !(f.source?.type === 'card' && cardOptions(f.source.kind).length > 1);
}

/** `index.html` starts the body with `data-clean-state="idle"`. */
export const clean = new CleanStore();
