import { describe, expect, it } from 'vitest';
import { DismissTimer, type Clock } from './transient';

/** A clock that only moves when told. */
function fakeClock(): Clock & { advance(ms: number): void } {
  let now = 0;
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

describe('DismissTimer', () => {
  it('expires once after its time', () => {
    const clock = fakeClock();
    let expired = 0;
    const t = new DismissTimer(7000, () => expired++, clock);
    t.start();
    clock.advance(6999);
    expect(expired).toBe(0);
    clock.advance(1);
    expect(expired).toBe(1);
    t.start();
    clock.advance(20_000);
    expect(expired).toBe(1);
  });

  it('does not count while hovered or focused, and goes on with what was left', () => {
    const clock = fakeClock();
    let expired = 0;
    const t = new DismissTimer(7000, () => expired++, clock);
    t.start();
    clock.advance(4000);
    t.pause(); // pointer over it
    t.pause(); // and focus inside it
    clock.advance(60_000);
    expect(expired).toBe(0);
    t.resume(); // focus left, pointer still over it
    clock.advance(60_000);
    expect(expired).toBe(0);
    t.resume();
    clock.advance(2999);
    expect(expired).toBe(0);
    clock.advance(1);
    expect(expired).toBe(1);
  });

  it('gives at least the minimum after a pause ends late in the count', () => {
    const clock = fakeClock();
    let expired = 0;
    const t = new DismissTimer(7000, () => expired++, clock, 2000);
    t.start();
    clock.advance(6900);
    t.pause();
    clock.advance(1000);
    t.resume();
    clock.advance(1999);
    expect(expired).toBe(0);
    clock.advance(1);
    expect(expired).toBe(1);
  });

  it('paused before it starts, it waits for the resume; stopped, it never expires', () => {
    const clock = fakeClock();
    let expired = 0;
    const t = new DismissTimer(1000, () => expired++, clock);
    t.pause();
    t.start();
    clock.advance(5000);
    expect(expired).toBe(0);
    expect(t.paused).toBe(true);
    t.resume();
    clock.advance(2000);
    expect(expired).toBe(1);

    const s = new DismissTimer(1000, () => expired++, clock);
    s.start();
    s.stop();
    clock.advance(5000);
    expect(expired).toBe(1);
  });

  it('a resume without a pause changes nothing', () => {
    const clock = fakeClock();
    let expired = 0;
    const t = new DismissTimer(1000, () => expired++, clock);
    t.start();
    t.resume();
    clock.advance(999);
    expect(expired).toBe(0);
    clock.advance(1);
    expect(expired).toBe(1);
  });
});
