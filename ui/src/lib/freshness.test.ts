import { describe, expect, it } from 'vitest';
import { AutoRescan, type FreshnessOptions } from './freshness';
import type { Clock } from './transient';

function fakeClock(start = 100_000): Clock & { advance(ms: number): void; now(): number } {
  let now = start;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 1;
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout(h) {
      timers = timers.filter((t) => t.id !== h);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        now = due.at;
        timers = timers.filter((t) => t !== due);
        due.fn();
      }
      now = end;
    },
  };
}

const OPTS: FreshnessOptions = { debounceMs: 800, focusGapMs: 5000, retryMs: 1500, watchDelayMs: 1500 };

function setup() {
  const clock = fakeClock();
  const s = { busy: false, lastStart: null as number | null, scans: 0 };
  const auto = new AutoRescan(
    () => s.busy,
    () => s.lastStart,
    () => {
      s.scans++;
      s.lastStart = clock.now();
    },
    OPTS,
    clock,
  );
  return { clock, s, auto };
}

describe('AutoRescan', () => {
  it('debounces a burst of requests into one rescan', () => {
    const { clock, s, auto } = setup();
    auto.request('watch');
    clock.advance(300);
    auto.request('focus');
    clock.advance(300);
    auto.request('watch');
    clock.advance(799);
    expect(s.scans).toBe(0);
    clock.advance(1);
    expect(s.scans).toBe(1);
    expect(auto.pending).toBe(false);
  });

  it('waits while busy and rescans once it is idle', () => {
    const { clock, s, auto } = setup();
    s.busy = true;
    auto.request('watch');
    clock.advance(10_000);
    expect(s.scans).toBe(0);
    expect(auto.pending).toBe(true);
    s.busy = false;
    clock.advance(1500);
    expect(s.scans).toBe(1);
  });

  it('ignores a focus right after a scan started, not a watched change', () => {
    const { clock, s, auto } = setup();
    s.lastStart = clock.now();
    clock.advance(1000);
    auto.request('focus');
    clock.advance(5000);
    expect(s.scans).toBe(0);
    auto.request('focus');
    clock.advance(800);
    expect(s.scans).toBe(1);
  });

  it('skips the rescan when a scan started after the change (the app cleaned itself)', () => {
    const { clock, s, auto } = setup();
    // The app's clean ends and its rescan starts; the watch reports the clean's deletions
    // after its 1.5 s of quiet.
    s.lastStart = clock.now();
    clock.advance(1500);
    auto.request('watch');
    clock.advance(5000);
    expect(s.scans).toBe(0);
    // A later change outside the app is rescanned.
    clock.advance(3000);
    auto.request('watch');
    clock.advance(800);
    expect(s.scans).toBe(1);
  });

  it('dispose drops a pending rescan', () => {
    const { clock, s, auto } = setup();
    auto.request('watch');
    auto.dispose();
    clock.advance(10_000);
    expect(s.scans).toBe(0);
  });
});
