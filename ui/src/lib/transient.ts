// Transient messages (a clean's "Freed 14.3 MiB", an ended process's "exited when asked to
// stop"): they go away by themselves after a while, but not while the pointer is over them or
// keyboard focus is inside them (WCAG 2.2.1: the user can take as long as needed). What they
// said stays in History. Errors and results that need an action are not transient.

/** How long a transient message stays (paused while hovered or focused). */
export const TRANSIENT_MS = 7000;

/** The timers a [`DismissTimer`] uses (the unit tests pass a fake clock). */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Calls `onExpire` once `ms` of unpaused time have passed since `start`. `pause` stops the
 * count (hover, focus), `resume` goes on with what was left, but never with less than
 * `minAfterPause` (a message does not vanish the instant the pointer leaves it).
 */
export class DismissTimer {
  private handle: unknown = null;
  private left: number;
  private since = 0;
  private pauses = 0;
  private done = false;

  constructor(
    ms: number,
    private readonly onExpire: () => void,
    private readonly clock: Clock = realClock,
    private readonly minAfterPause = 2000,
  ) {
    this.left = ms;
  }

  /** Starts counting (no-op once expired or stopped). */
  start(): void {
    if (this.done || this.handle !== null || this.pauses > 0) return;
    this.since = this.clock.now();
    this.handle = this.clock.setTimeout(() => {
      this.handle = null;
      this.done = true;
      this.onExpire();
    }, this.left);
  }

  /** Stops the count until every pause has been resumed (hover and focus nest). */
  pause(): void {
    this.pauses++;
    if (this.handle === null) return;
    this.clock.clearTimeout(this.handle);
    this.handle = null;
    this.left = Math.max(0, this.left - (this.clock.now() - this.since));
  }

  /** Ends one pause; the count goes on when none is left. */
  resume(): void {
    if (this.pauses === 0) return;
    this.pauses--;
    if (this.pauses > 0) return;
    this.left = Math.max(this.left, this.minAfterPause);
    this.start();
  }

  /** Never expires from now on. */
  stop(): void {
    this.done = true;
    if (this.handle !== null) this.clock.clearTimeout(this.handle);
    this.handle = null;
  }

  /** Whether the count is paused. */
  get paused(): boolean {
    return this.pauses > 0;
  }
}

/**
 * A Svelte action: dismisses the message (`onExpire`) after [`TRANSIENT_MS`], paused while
 * the pointer is over `node` or focus is inside it. Pass `enabled: false` for a message that
 * must stay (an error, a result that needs an action).
 */
export function transient(
  node: HTMLElement,
  params: { onExpire: () => void; enabled?: boolean; ms?: number },
): { update(p: { onExpire: () => void; enabled?: boolean; ms?: number }): void; destroy(): void } {
  let timer: DismissTimer | null = null;
  let current = params;
  const pause = () => timer?.pause();
  const resume = () => timer?.resume();
  const onFocusOut = (e: FocusEvent) => {
    if (!node.contains(e.relatedTarget as Node | null)) resume();
  };
  const onFocusIn = (e: FocusEvent) => {
    if (!node.contains(e.relatedTarget as Node | null)) pause();
  };
  function arm(): void {
    timer?.stop();
    timer = null;
    if (current.enabled === false) return;
    timer = new DismissTimer(current.ms ?? TRANSIENT_MS, () => current.onExpire());
    if (node.matches(':hover')) timer.pause();
    if (node.contains(document.activeElement)) timer.pause();
    timer.start();
  }
  node.addEventListener('mouseenter', pause);
  node.addEventListener('mouseleave', resume);
  node.addEventListener('focusin', onFocusIn);
  node.addEventListener('focusout', onFocusOut);
  node.dataset.transient = current.enabled === false ? 'false' : 'true';
  arm();
  return {
    update(p) {
      const was = current.enabled !== false;
      current = p;
      node.dataset.transient = p.enabled === false ? 'false' : 'true';
      if (was !== (p.enabled !== false)) arm();
    },
    destroy() {
      timer?.stop();
      node.removeEventListener('mouseenter', pause);
      node.removeEventListener('mouseleave', resume);
      node.removeEventListener('focusin', onFocusIn);
      node.removeEventListener('focusout', onFocusOut);
    },
  };
}
