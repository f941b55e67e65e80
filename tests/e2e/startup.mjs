// Cold start of the real app to a painted dashboard, over WebDriver.
//
//   tests/e2e/run.sh node tests/e2e/startup.mjs [runs]
//
// Each run starts a new app process (a new WebDriver session) and measures, on the same
// clock, from just before the session request (which spawns the app) to the first frame
// painted after the first cache card (`[data-testid^="cache-card-"]`) appeared; and to the
// end of the first scan. Prints each run and the medians.

import { newSession } from './lib/webdriver.mjs';

const runs = Number(process.argv[2] ?? 5);
const url = process.env.WEBDRIVER_URL;
const app = process.env.APP_BIN;
if (!url || !app) throw new Error('WEBDRIVER_URL and APP_BIN must be set: run through tests/e2e/run.sh');

// Resolves with [Date.now() when the first cache card was seen in the DOM, Date.now() at the
// next frame painted after it (two animation frames later)].
const FIRST_CARD_PAINTED = `
  const done = arguments[arguments.length - 1];
  const painted = () => {
    const dom = Date.now();
    requestAnimationFrame(() => requestAnimationFrame(() => done([dom, Date.now()])));
  };
  const has = () => document.querySelector('[data-testid^="cache-card-"]');
  if (has()) { painted(); return; }
  const observer = new MutationObserver(() => { if (has()) { observer.disconnect(); painted(); } });
  observer.observe(document.documentElement, { subtree: true, childList: true });
`;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const toDom = [];
const toCard = [];
const toScan = [];
for (let i = 0; i < runs; i++) {
  const spawn = Date.now();
  const session = await newSession(url, app);
  const sessionMs = Date.now() - spawn;
  let domAt;
  let cardAt;
  for (;;) {
    try {
      [domAt, cardAt] = await session.executeAsync(FIRST_CARD_PAINTED);
      break;
    } catch (e) {
      // The page may still be loading when the session is ready: retry.
      if (Date.now() - spawn > 30_000) throw e;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  await session.waitForScanState(['done', 'cancelled', 'error'], { timeout: 60_000, interval: 10 });
  const scanMs = Date.now() - spawn;
  await session.close();
  toDom.push(domAt - spawn);
  toCard.push(cardAt - spawn);
  toScan.push(scanMs);
  console.log(
    `run ${i + 1}: session ${sessionMs} ms, first card in DOM ${domAt - spawn} ms, ` +
      `painted ${cardAt - spawn} ms, scan done ${scanMs} ms`,
  );
  await new Promise((r) => setTimeout(r, 500));
}
console.log(
  `median of ${runs}: first card in DOM ${median(toDom)} ms, painted ${median(toCard)} ms, ` +
    `scan done ${median(toScan)} ms`,
);
