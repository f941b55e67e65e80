// End-to-end tests of cleaning in the real app (issue #3 §8-§9): the user clicks, the files on
// disk change, and Go still accepts the cache. Runs after app.test.mjs (it deletes fixture
// content). Run through tests/e2e/run.sh, which sets APP_BIN, WEBDRIVER_URL, FIXTURE_JSON,
// ARTIFACTS_DIR, XDG_DATA_HOME and GOCACHE_DOCTOR_UNDO_SECONDS.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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
const auditLog = path.join(env('XDG_DATA_HOME'), 'gocache-doctor', 'audit.jsonl');
const undoSeconds = Number(env('GOCACHE_DOCTOR_UNDO_SECONDS'));
const SCAN_TIMEOUT = 60_000;
const PURGE_TIMEOUT = (undoSeconds + 60) * 1000;

/** `du -sb`: apparent bytes, directories and symlinks included, hard links once. */
function duSb(dir) {
  return Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split(/\s/)[0]);
}

/** Go's case escaping of module paths and versions on disk (`A` -> `!a`). */
const escape = (s) => s.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);

/** Every entry under `dir` with its type, mode and size, sorted: a tree's fingerprint. */
function listing(dir) {
  const out = [];
  const walk = (d, rel) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      const st = fs.lstatSync(path.join(d, e.name));
      out.push(`${r} ${e.isDirectory() ? 'd' : e.isSymbolicLink() ? 'l' : 'f'} ${(st.mode & 0o777).toString(8)} ${e.isDirectory() ? 0 : st.size}`);
      if (e.isDirectory()) walk(path.join(d, e.name), r);
    }
  };
  walk(dir, '');
  return out.sort();
}

/** Quarantine leftovers next to or inside a cache root. */
function trashLeftovers(root) {
  const parent = path.dirname(root);
  const beside = fs.readdirSync(parent).filter((n) => n.startsWith('.gocache-doctor-trash'));
  const inside = fs.existsSync(root) ? fs.readdirSync(root).filter((n) => n.startsWith('.gocache-doctor-trash')) : [];
  return [...beside, ...inside];
}

function auditLines() {
  if (!fs.existsSync(auditLog)) return [];
  return fs
    .readFileSync(auditLog, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
}

/** `go build ./...` of the fixture project with the fixture's file:// proxy, then `go mod verify`. */
function goBuildFromProxy() {
  const goEnv = { ...process.env, GOFLAGS: '-mod=mod', GOPROXY: `file://${fixture.proxy}`, GOSUMDB: 'off' };
  execFileSync('go', ['build', './...'], { cwd: fixture.project, env: goEnv, stdio: 'pipe' });
  execFileSync('go', ['mod', 'verify'], { cwd: fixture.project, env: { ...goEnv, GOPROXY: 'off' }, stdio: 'pipe' });
}

let session;

async function screenshot(name) {
  await session.executeAsync(
    'const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done()));',
  );
  fs.mkdirSync(artifacts, { recursive: true });
  fs.writeFileSync(path.join(artifacts, `${name}.png`), await session.screenshot());
}

const cleanState = () => session.execute('return document.body.dataset.cleanState ?? null');

async function waitForCleanState(states, timeout = 30_000) {
  const wanted = [].concat(states);
  return session.waitFor(`cleanState in ${wanted}`, async () => {
    const s = await cleanState();
    return wanted.includes(s) ? s : null;
  }, { timeout });
}

async function cardBytes(kind) {
  const card = await session.find(`[data-testid="cache-card-${kind}"]`);
  return card ? Number(await card.attribute('data-bytes')) : null;
}

/** Opens the clean dialog of a card, picks `option` if the card offers several, waits for the preview. */
async function openCleanDialog(kind, option) {
  // The app rescans by itself after changes outside it (the previous test's `go build`), which
  // re-renders the cards: a click that lands in that moment can be lost. Click again then, at
  // most twice, and say so with what the page showed (a lost click every time fails the test).
  let dialog = null;
  for (let attempt = 1; !dialog; attempt++) {
    const button = await session.waitFor(`an enabled clean-cache-${kind} button`, async () => {
      const b = await session.find(`[data-testid="clean-cache-${kind}"]`);
      return b && (await b.attribute('disabled')) === null ? b : null;
    });
    await button.click();
    try {
      dialog = await session.waitForElement('[data-testid="clean-dialog"]', { timeout: attempt < 3 ? 6_000 : 20_000 });
    } catch (e) {
      if (attempt >= 3) throw e;
      const state = await session.execute('return JSON.stringify({ scan: document.body.dataset.scanState, clean: document.body.dataset.cleanState })');
      console.error(`e2e: the click on clean-cache-${kind} opened no dialog (attempt ${attempt}, ${state}); clicking again`);
      await screenshot(`clean-open-missed-${attempt}`);
    }
  }
  if (option) {
    const radio = await session.find(`[data-testid="clean-option"][value="${option}"]`);
    if (radio) await radio.click();
  }
  await waitForCleanState('confirm');
  return dialog;
}

before(async () => {
  session = await newSession(env('WEBDRIVER_URL'), env('APP_BIN'));
  assert.equal(await session.waitForScanState(['done', 'error', 'cancelled'], { timeout: SCAN_TIMEOUT }), 'done');
});

after(async () => {
  if (session) await session.close().catch(() => {});
});

test('cleaning one selected module version removes exactly that version', async () => {
  // A version the project needs (the one its go.mod requires), so that Go must fetch it again.
  const gomod = fs.readFileSync(path.join(fixture.project, 'go.mod'), 'utf8');
  const victim = fixture.modules.find((m) => gomod.includes(`\t${m.path} ${m.version}\n`));
  assert.ok(victim, 'no fixture module is required by the project');
  const victimDir = path.join(fixture.gomodcache, `${escape(victim.path)}@${escape(victim.version)}`);
  const others = fixture.modules
    .filter((m) => m !== victim)
    .map((m) => path.join(fixture.gomodcache, `${escape(m.path)}@${escape(m.version)}`));
  assert.ok(fs.existsSync(victimDir), `fixture version missing: ${victimDir}`);
  // What goes: the extracted dir and the version's download files (zip, mod, info, ...).
  const dl = path.join(fixture.gomodcache, 'cache', 'download', escape(victim.path), '@v');
  const dlFiles = fs.readdirSync(dl).filter((n) => n.startsWith(`${escape(victim.version)}.`) && n !== `${escape(victim.version)}.lock`);
  assert.ok(dlFiles.some((n) => n.endsWith('.zip')), `no zip for ${victim.path}@${victim.version}`);
  const victimBytes = duSb(victimDir) + dlFiles.reduce((s, n) => s + fs.lstatSync(path.join(dl, n)).size, 0);

  await (await session.waitForElement('[data-testid="open-modules"]')).click();
  await session.waitForElement('[data-testid="module-view"]');
  const filter = await session.waitForElement('[data-testid="module-filter"]');
  await session.execute(
    `const el = arguments[0]; el.value = arguments[1]; el.dispatchEvent(new Event('input', { bubbles: true }));`,
    { 'element-6066-11e4-a52e-4f735466cecf': filter.id },
    `${victim.path}@${victim.version}`,
  );
  // The filter keeps the module's row and the one matching version row.
  await session.waitFor('one version row after filtering', async () =>
    (await session.execute('return document.querySelectorAll(\'[data-testid="module-row"][data-row-type="version"]\').length')) === 1,
  );
  await (await session.waitForElement('[data-testid="module-row"][data-row-type="version"] [data-testid="module-select"]')).click();
  const cleanSel = await session.waitForElement('[data-testid="clean-selection"]');
  assert.equal(Number(await cleanSel.attribute('data-count')), 1);
  await cleanSel.click();
  const dialog = await session.waitForElement('[data-testid="clean-dialog"]');
  await waitForCleanState('confirm');
  assert.equal(Number(await dialog.attribute('data-items')), 1);
  assert.equal(Number(await dialog.attribute('data-bytes')), victimBytes, 'the preview sizes the version and its downloads like du');
  await screenshot('clean-dialog-version');
  await (await session.waitForElement('[data-testid="clean-confirm"]')).click();

  await waitForCleanState(['holding', 'purging', 'done']);
  assert.ok(!fs.existsSync(victimDir), 'the version is still on disk after the clean');
  for (const o of others) assert.ok(fs.existsSync(o), `another version went too: ${o}`);
  assert.equal(await waitForCleanState(['done'], PURGE_TIMEOUT), 'done');
  const result = await session.waitForElement('[data-testid="clean-result"]');
  assert.equal(Number(await result.attribute('data-removed')), 1);
  assert.equal(Number(await result.attribute('data-failed')), 0);
  assert.deepEqual(trashLeftovers(fixture.gomodcache), [], 'the quarantine was not purged');
  for (const o of others) assert.ok(fs.existsSync(o), `another version went during the purge: ${o}`);
  // The download files of that version went with it (Go re-downloads it on demand).
  for (const n of dlFiles) assert.ok(!fs.existsSync(path.join(dl, n)), `${n} is still there`);

  // Go accepts the cache without that version: the project builds, downloading it again.
  goBuildFromProxy();
  assert.ok(fs.existsSync(victimDir), 'go did not download the cleaned version again');

  const back = await session.find('[data-testid="back"]');
  if (back) await back.click();
  await session.waitForElement('[data-testid="cache-card-modcache"]');
});

test('Undo after "Clean cache" puts the whole module cache back as it was', async () => {
  await (await session.waitForElement('[data-testid="scan-rerun"]')).click();
  await session.waitForScanState(['done'], { timeout: SCAN_TIMEOUT });
  const before = listing(fixture.gomodcache);
  const bytes = duSb(fixture.gomodcache);
  await session.waitFor('the card to show the current size', async () => (await cardBytes('modcache')) === bytes, {
    timeout: SCAN_TIMEOUT,
  });

  const dialog = await openCleanDialog('modcache', 'modcache');
  assert.equal(Number(await dialog.attribute('data-bytes')), bytes, 'the preview total is not du -sb of the cache');
  await screenshot('clean-dialog');
  await (await session.waitForElement('[data-testid="clean-confirm"]')).click();

  await waitForCleanState(['holding']);
  assert.ok(!fs.existsSync(fixture.gomodcache), 'the module cache is still in place while Undo is offered');
  const toast = await session.waitForElement('[data-testid="clean-toast"]');
  assert.equal(await toast.attribute('data-state'), 'holding');
  await screenshot('clean-undo-offered');
  await (await session.waitForElement('[data-testid="clean-undo"]')).click();

  assert.equal(await waitForCleanState(['undone', 'done', 'error'], PURGE_TIMEOUT), 'undone');
  assert.deepEqual(listing(fixture.gomodcache), before, 'Undo did not restore the exact tree');
  assert.deepEqual(trashLeftovers(fixture.gomodcache), []);
  await session.waitFor('the card to show the restored size', async () => (await cardBytes('modcache')) === bytes, {
    timeout: SCAN_TIMEOUT,
  });
  // Go accepts the restored cache: `go mod verify` checks every fixture module against go.sum.
  execFileSync('go', ['mod', 'verify'], {
    cwd: fixture.project,
    env: { ...process.env, GOFLAGS: '-mod=mod', GOPROXY: 'off' },
    stdio: 'pipe',
  });
});

test('"Clean cache" on the module cache frees it all and Go rebuilds from the proxy', async () => {
  const bytes = duSb(fixture.gomodcache);
  const logBefore = auditLines().length;

  const dialog = await openCleanDialog('modcache', 'modcache');
  assert.equal(Number(await dialog.attribute('data-bytes')), bytes);
  await (await session.waitForElement('[data-testid="clean-confirm"]')).click();

  await waitForCleanState(['holding', 'purging', 'done']);
  assert.ok(!fs.existsSync(fixture.gomodcache), 'the module cache is still there');
  assert.equal(await waitForCleanState(['done', 'error'], PURGE_TIMEOUT), 'done');
  const result = await session.waitForElement('[data-testid="clean-result"]');
  assert.equal(Number(await result.attribute('data-failed')), 0);
  assert.equal(Number(await result.attribute('data-bytes-freed')), bytes);
  assert.deepEqual(trashLeftovers(fixture.gomodcache), [], 'quarantine left behind after the purge');
  await session.waitFor('the module cache card to drop to zero', async () => (await cardBytes('modcache')) === 0, {
    timeout: SCAN_TIMEOUT,
  });
  await screenshot('clean-done');

  // One audit line per clean, the last one with the bytes freed.
  const lines = auditLines();
  assert.ok(lines.length > logBefore, 'no audit line for the clean');
  assert.equal(lines[lines.length - 1].bytes_freed, bytes);

  // The history view lists the cleans, newest first, and apart from them the processes ended
  // from the Processes view (locks.test.mjs ends one: an audit line with `ended`).
  await (await session.waitForElement('[data-testid="open-history"]')).click();
  await session.waitForElement('[data-testid="history-view"]');
  const cleans = lines.filter((l) => !l.ended).length;
  const ended = lines.length - cleans;
  const freed = await session.waitFor('history entries', async () => {
    const v = await session.execute(
      'return [...document.querySelectorAll(\'[data-testid="history-entry"]\')].map((e) => Number(e.dataset.bytesFreed))',
    );
    return v.length >= cleans ? v : null;
  });
  assert.equal(freed[0], bytes);
  assert.equal(
    await session.execute('return document.querySelectorAll(\'[data-testid="history-ended"]\').length'),
    ended,
    'every ended process of the audit log is listed',
  );
  await screenshot('history');

  // Go accepts what is left: the project builds again, downloading from the file:// proxy.
  goBuildFromProxy();
});
