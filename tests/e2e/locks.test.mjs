// End-to-end test of Locks in the real app (issue #5 §5-§6): a child process holds a file of
// the fixture's module cache open; the module cache card's badge counts it, the Locks view lists
// it as an open file, and End process (after its confirmation) ends it and its row goes away.
// Runs with app.test.mjs and verify.test.mjs, before clean.test.mjs (which deletes the module
// cache). Run through tests/e2e/run.sh (APP_BIN, WEBDRIVER_URL, FIXTURE_JSON, ARTIFACTS_DIR).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { newSession } from './lib/webdriver.mjs';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run tests/e2e/run.sh`);
  return value;
};
const fixture = JSON.parse(fs.readFileSync(env('FIXTURE_JSON'), 'utf8'));
const artifacts = env('ARTIFACTS_DIR');
const SCAN_TIMEOUT = 60_000;

/** Go's case escaping of module paths and versions on disk (`A` -> `!a`). */
const escape = (s) => s.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);

let session;
let child;

async function screenshot(name) {
  await session.executeAsync(
    'const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done()));',
  );
  fs.mkdirSync(artifacts, { recursive: true });
  fs.writeFileSync(path.join(artifacts, `${name}.png`), await session.screenshot());
}

/** Whether `pid` still exists (signal 0 checks without signalling). */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    if (e.code === 'ESRCH') return false;
    throw e;
  }
}

before(async () => {
  session = await newSession(env('WEBDRIVER_URL'), env('APP_BIN'));
  assert.equal(await session.waitForScanState(['done', 'error', 'cancelled'], { timeout: SCAN_TIMEOUT }), 'done');
});

after(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (session) await session.close().catch(() => {});
});

test('a process holding a file in the module cache gets a badge, is listed and End process ends it', async () => {
  // A file of an extracted fixture version, held open by a child process.
  const m = fixture.modules[0];
  const dir = path.join(fixture.gomodcache, `${escape(m.path)}@${escape(m.version)}`);
  const name = fs.readdirSync(dir).find((f) => f.endsWith('.go') || f === 'go.mod');
  assert.ok(name, `no file to hold in ${dir}`);
  const file = path.join(dir, name);
  child = spawn('python3', ['-c', "import sys, time\nf = open(sys.argv[1], 'rb')\nprint('ready', flush=True)\ntime.sleep(600)", file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => String(d).includes('ready') && resolve());
    child.on('error', reject);
    child.on('exit', () => reject(new Error('the holder exited before it was ready')));
  });
  const pid = child.pid;
  assert.ok(alive(pid));

  // Badges are refreshed after scans: scan again instead of waiting for the periodic refresh.
  await (await session.waitForElement('[data-testid="scan-rerun"]')).click();
  await session.waitForScanState('running', { timeout: 5000 }).catch(() => {});
  assert.equal(await session.waitForScanState(['done', 'error', 'cancelled'], { timeout: SCAN_TIMEOUT }), 'done');
  const badge = await session.waitForElement('[data-testid="cache-card-modcache"] [data-testid="locks-badge"]', { timeout: 20_000 });
  assert.ok(Number(await badge.attribute('data-count')) >= 1, await badge.text());
  assert.match(await badge.text(), /process(es)? holds? files here/);
  await screenshot('locks-badge');

  // The Locks view (through the badge) lists the child as an open file in the module cache.
  await badge.click();
  await session.waitForElement('[data-testid="locks-view"]');
  const rowCss = `[data-testid="locks-view"] [data-testid="locks-holder"][data-pid="${pid}"]`;
  const row = await session.waitForElement(rowCss, { timeout: 15_000 });
  const kinds = await session.execute(
    `return [...document.querySelectorAll(arguments[0] + ' [data-testid="locks-kind"]')].map((e) => e.dataset.kind);`,
    rowCss,
  );
  assert.ok(kinds.includes('open-file'), `kinds: ${kinds}`);
  assert.equal(await row.attribute('data-category'), 'other');
  const text = await row.text();
  assert.match(text, /python3/);
  assert.ok(text.includes(`${m.path}@${m.version}`), `the module version is not named in: ${text}`);
  await screenshot('locks-view');

  // End process, confirmed.
  await (await row.find('[data-testid="locks-end"]')).click();
  const confirm = await session.waitForElement('[data-testid="locks-end-confirm"]');
  assert.equal(Number(await confirm.attribute('data-pid')), pid);
  assert.match(await confirm.text(), new RegExp(`python3 \\(pid ${pid}\\)`));
  await (await session.waitForElement('[data-testid="locks-end-accept"]')).click();
  const how = await exited;
  assert.equal(how.signal, 'SIGTERM', `the child ended with ${JSON.stringify(how)}`);
  await session.waitFor('the child to be gone', () => !alive(pid), { timeout: 5000 });
  const result = await session.waitForElement('[data-testid="locks-view"] [data-testid="locks-end-result"]');
  assert.equal(Number(await result.attribute('data-pid')), pid);
  assert.equal(await result.attribute('data-how'), 'exited');
  await session.waitFor('the row to go', async () => (await session.find(rowCss)) === null, { timeout: 15_000 });
  await screenshot('locks-ended');
  // The end is a line of the audit log (the History), with the process' name and how it ended.
  const audit = path.join(process.env.GOCACHE_DOCTOR_DATA_DIR, 'audit.jsonl');
  const ended = fs
    .readFileSync(audit, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l))
    .filter((e) => e.ended?.pid === pid);
  assert.equal(ended.length, 1, `audit lines for pid ${pid}: ${JSON.stringify(ended)}`);
  assert.equal(ended[0].ended.how, 'exited');
  assert.equal(ended[0].ended.name, 'python3');

  await (await session.waitForElement('[data-testid="back"]')).click();
  await session.waitForElement('[data-testid="cache-card-modcache"]');
});
