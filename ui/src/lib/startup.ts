// Start-up milestones for the cold-start benchmark (tests/e2e/startup.sh). Cheap: a few numbers;
// the backend only acts on them when GOCACHE_DOCTOR_STARTUP_PROBE is set, in a build with the
// app's `test-hooks` feature (a shipped build never reads it).

import { startupProbe } from './api';

/** Unix milliseconds, on the same clock as the backend's SystemTime. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

const marks: Record<string, number> = {};

/** Records milestone `name` once (the first time only). */
export function mark(name: string): void {
  if (!(name in marks)) marks[name] = nowMs();
}

/** The page's own milestones from the Performance API, as Unix milliseconds. */
function pageMarks(): Record<string, number> {
  const out: Record<string, number> = { navigation_start: performance.timeOrigin };
  const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  if (nav) {
    out.response_end = performance.timeOrigin + nav.responseEnd;
    if (nav.domContentLoadedEventEnd > 0) out.dom_content_loaded = performance.timeOrigin + nav.domContentLoadedEventEnd;
  }
  for (const p of performance.getEntriesByType('paint')) {
    out[p.name.replace(/-/g, '_')] = performance.timeOrigin + p.startTime;
  }
  return out;
}

let reported = false;

/**
 * Called when the first cache card is in the DOM: waits for the frame that shows it to be
 * painted (two animation frames), then reports every milestone to the backend once.
 */
export function reportFirstPaint(): void {
  if (reported) return;
  reported = true;
  mark('cards_in_dom');
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      mark('painted');
      startupProbe({ ...pageMarks(), ...marks }).catch(() => {
        // Best effort: an old backend without the command, or a browser without Tauri.
      });
    }),
  );
}
