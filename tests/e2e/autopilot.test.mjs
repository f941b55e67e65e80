// End-to-end test of the automatic cleanup in the real app (issue #17): the Settings view's
// panel stores the policy in the settings file the CLI reads, its preview (the core's dry run)
// lists the fixture's versions no project uses, Run now removes exactly those through the
// clean engine, and History marks the run automatic. It deletes fixture content: run it after
// the other files, as clean.test.mjs is (tests/e2e/run.sh). Needs APP_BIN, WEBDRIVER_URL,
// FIXTURE_JSON, ARTIFACTS_DIR, HOME, XDG_DATA_HOME and GOCACHE_DOCTOR_CONFIG_DIR (run.sh).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { after, before, test } from 'node:test';

import { auditLog as auditLogPath, env, fixture as readFixture, projectUsing, screenshot as shot, settingsFile as settingsPath, versionDir as dirIn } from './lib/harness.mjs';
import { newSession } from './lib/webdriver.mjs';

const fixture = readFixture();
const auditLog = auditLogPath();
const settingsFile = settingsPath();
const SCAN_TIMEOUT = 60_000;
const versionDir = (m) => dirIn(fixture.gomodcache, m);

let session;

/**
 * The notifications the desktop's daemon (dunst, started by run.sh) received: those on screen
 * are closed first, which moves them to its history. `[{ summary, body }]`, newest first.
 */
function notifications() {
  execFileSync('dunstctl', ['close-all']);
  const h = JSON.parse(execFileSync('dunstctl', ['history'], { encoding: 'utf8' }));
  return (h.data?.[0] ?? []).map((n) => ({ summary: n.summary?.data ?? '', body: n.body?.data ?? '' }));
}

/** Waits until the daemon received more than `count` notifications; returns them all. */
async function waitForNotification(count, what) {
  return session.waitFor(what, async () => {
    const all = notifications();
    return all.length > count ? all : null;
  }, { timeout: 20_000 });
}

const screenshot = (name) => shot(session, name);

/** Types `value` into the input `css` as the user would (an `input` event). */
async function type(css, value) {
  const el = await session.waitForElement(css);
  await session.execute(
    `const el = arguments[0]; el.value = arguments[1]; el.dispatchEvent(new Event('input', { bubbles: true }));`,
    { 'element-6066-11e4-a52e-4f735466cecf': el.id },
    value,
  );
}

const attr = (css, name) =>
  session.execute(`const el = document.querySelector(arguments[0]); return el ? el.getAttribute(arguments[1]) : null;`, css, name);

before(async () => {
  session = await newSession(env('WEBDRIVER_URL'), env('APP_BIN'));
  assert.equal(await session.waitForScanState(['done', 'error', 'cancelled'], { timeout: SCAN_TIMEOUT }), 'done');
});

after(async () => {
  if (session) await session.close().catch(() => {});
});

test('the panel previews the unused versions of the fixture, Run now removes them, History marks it automatic', async () => {
  // A project that names one fixture version: every other fixture version is unused.
  const [used, ...unused] = fixture.modules;
  assert.ok(unused.length > 0, 'the fixture has a single module version');
  const projects = projectUsing(fixture, 'code-auto', 'example.com/autoapp', used);
  for (const m of fixture.modules) assert.ok(fs.existsSync(versionDir(m)), `fixture version missing: ${versionDir(m)}`);

  await (await session.waitForElement('[data-testid="open-settings"]')).click();
  await session.waitForElement('[data-testid="auto-panel"]');
  assert.equal(await attr('[data-testid="auto-enabled"]', 'type'), 'checkbox');
  assert.equal(await session.execute('return document.querySelector(\'[data-testid="auto-enabled"]\').checked'), false, 'the policy is on by default');

  // The project folder, then "unused for 0 days": every unused version, whatever its age.
  await type('[data-testid="auto-root-input"]', projects);
  await (await session.waitForElement('[data-testid="auto-root-add"]')).click();
  await session.waitForElement(`[data-testid="auto-root"][data-path="${projects}"]`);
  await type('[data-testid="auto-unused-days"]', '0');

  // The preview: the core's dry run lists each unused fixture version, never the used one.
  const items = await session.waitFor(
    'the preview listing every unused fixture version',
    async () => {
      if ((await attr('[data-testid="auto-preview"]', 'data-state')) !== 'done') return null;
      const got = await session.execute(
        `return [...document.querySelectorAll('[data-testid="auto-preview-item"]')].map((e) => ({ path: e.dataset.module, version: e.dataset.version, source: e.dataset.source, reason: e.dataset.reason }))`,
      );
      return unused.every((m) => got.some((g) => g.path === m.path && g.version === m.version)) ? got : null;
    },
    { timeout: 60_000 },
  );
  assert.ok(!items.some((g) => g.path === used.path && g.version === used.version), 'the preview removes the version the project uses');
  for (const g of items) {
    assert.ok(['atime', 'mtime'].includes(g.source), `${g.path}@${g.version}: source ${g.source}`);
    assert.equal(g.reason, 'unused-days');
  }
  // Nothing was removed by the preview.
  for (const m of fixture.modules) assert.ok(fs.existsSync(versionDir(m)), `the preview removed ${versionDir(m)}`);
  // The policy is in the settings file the CLI reads.
  const stored = JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
  assert.equal(stored.autopilot?.unused_days, 0, JSON.stringify(stored));
  assert.ok(stored.project_roots.includes(projects), JSON.stringify(stored));
  await screenshot('autopilot-preview');

  // Run now: the versions are gone, the used one stays, the audit log says automatic.
  const notesBefore = notifications().length;
  const auditBefore = fs.existsSync(auditLog) ? fs.readFileSync(auditLog, 'utf8').split('\n').filter(Boolean).length : 0;
  await (await session.waitForElement('[data-testid="auto-run-now"]')).click();
  const result = await session.waitForElement('[data-testid="auto-run-result"]', { timeout: 60_000 });
  assert.ok(Number(await result.attribute('data-bytes-freed')) > 0, 'Run now freed nothing');
  for (const m of unused) assert.ok(!fs.existsSync(versionDir(m)), `still on disk: ${versionDir(m)}`);
  assert.ok(fs.existsSync(versionDir(used)), 'the used version was removed');
  const lines = fs.readFileSync(auditLog, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  assert.equal(lines.length, auditBefore + 1);
  assert.equal(lines.at(-1).automatic, true);
  const freed = lines.at(-1).bytes_freed;
  await screenshot('autopilot-run');
  // The desktop was told, by a real notification daemon.
  const notes = await waitForNotification(notesBefore, 'the notification of the run');
  const note = notes.find((n) => n.summary === 'Automatic cleanup');
  assert.ok(note, `no "Automatic cleanup" notification: ${JSON.stringify(notes)}`);
  assert.match(note.body, /^Freed [\d.]+ (B|KiB|MiB|GiB) of Go caches your projects do not use\.$/);

  // History marks the run automatic and counts what automatic runs freed.
  await (await session.waitForElement('[data-testid="open-history"]')).click();
  await session.waitForElement('[data-testid="history-entry"]');
  assert.equal(await attr('[data-testid="history-entry"]', 'data-automatic'), 'true');
  assert.ok(await session.find('[data-testid="history-entry"] [data-testid="history-automatic"]'));
  assert.equal(Number(await attr('[data-testid="history-auto-total"]', 'data-bytes')), freed);
  await screenshot('autopilot-history');
});

test('a scan that finds the module cache over its budget notifies once per crossing', async () => {
  await (await session.waitForElement('[data-testid="open-settings"]')).click();
  await session.waitForElement('[data-testid="auto-panel"]');
  // On, with a budget far below what the module cache holds.
  if (!(await session.execute('return document.querySelector(\'[data-testid="auto-enabled"]\').checked'))) {
    await (await session.waitForElement('[data-testid="auto-enabled"]')).click();
  }
  await type('[data-testid="auto-modcache"]', '1 KiB');
  await session.waitFor('the budget stored', async () => {
    const s = JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
    return s.autopilot?.enabled === true && s.autopilot?.modcache_max_bytes === 1024;
  });
  const before = notifications().length;
  // A rescan (Settings' deep rescan goes back to the dashboard and scans).
  await (await session.waitForElement('[data-testid="scan-deep"]')).click();
  await session.waitForScanState(['done'], { timeout: SCAN_TIMEOUT });
  const notes = await waitForNotification(before, 'the over-budget notification');
  const over = notes.filter((n) => n.summary === 'A Go cache is over its budget');
  assert.equal(over.length, 1, JSON.stringify(notes));
  assert.match(over[0].body, /^The module cache holds [\d.]+ (KiB|MiB|GiB), more than its budget of 1\.0 KiB\./);
  // Still over at the next scan: not again.
  await (await session.waitForElement('[data-testid="scan-rerun"]')).click();
  await session.waitForScanState(['done'], { timeout: SCAN_TIMEOUT });
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(notifications().filter((n) => n.summary === 'A Go cache is over its budget').length, 1, 'notified again at a scan without a new crossing');
});

test('the daily runs made while the app was closed are told at its next start, once', async () => {
  await session.close();
  session = null;
  // The daily run (`gocache-doctor auto run --scheduled`) records its clean in the audit log
  // while the app is closed: one line as that run writes it.
  await new Promise((r) => setTimeout(r, 1100));
  const line = { time: Math.floor(Date.now() / 1000), targets: [], bytes_freed: 5 * 1024 * 1024, outcomes: [], automatic: true };
  fs.appendFileSync(auditLog, `${JSON.stringify(line)}\n`);
  const daily = (notes) => notes.filter((n) => n.summary === 'Automatic cleanup' && n.body.startsWith('The daily run'));
  const before = notifications();
  assert.equal(daily(before).length, 0, JSON.stringify(before));

  session = await newSession(env('WEBDRIVER_URL'), env('APP_BIN'));
  const notes = await waitForNotification(before.length, 'the note of the daily run');
  assert.equal(daily(notes).length, 1, JSON.stringify(notes));
  assert.equal(daily(notes)[0].body, 'The daily run freed 5.0 MiB of Go caches your projects do not use.');
  assert.equal(await session.waitForScanState(['done', 'error', 'cancelled'], { timeout: SCAN_TIMEOUT }), 'done');

  // Told once: the next start says nothing more about it.
  await session.close();
  session = await newSession(env('WEBDRIVER_URL'), env('APP_BIN'));
  assert.equal(await session.waitForScanState(['done', 'error', 'cancelled'], { timeout: SCAN_TIMEOUT }), 'done');
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(daily(notifications()).length, 1, 'the same daily run was told again');
});
