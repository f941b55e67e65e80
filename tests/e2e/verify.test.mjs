// End-to-end test of Verify in the real app (issue #4 §6-§7): a file of a fixture version is
// edited on disk, Verify flags that version `dir-modified` naming the file, Repair removes it
// and Go downloads it again from the fixture's file:// proxy, and the automatic re-verification
// finds it intact, with the file's content restored on disk. Runs before clean.test.mjs (which
// deletes the module cache). Run through tests/e2e/run.sh (APP_BIN, WEBDRIVER_URL, FIXTURE_JSON,
// ARTIFACTS_DIR; the app's GOPROXY is the fixture's proxy, GOSUMDB=off).

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
const SCAN_TIMEOUT = 60_000;
const VERIFY_TIMEOUT = 120_000;

/** Go's case escaping of module paths and versions on disk (`A` -> `!a`). */
const escape = (s) => s.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);

/** Files under `dir`, relative, `/`-separated, sorted. */
function files(dir, rel = '') {
  const out = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...files(dir, r));
    else if (e.isFile()) out.push(r);
  }
  return out.sort();
}

let session;

async function screenshot(name) {
  await session.executeAsync(
    'const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done()));',
  );
  fs.mkdirSync(artifacts, { recursive: true });
  fs.writeFileSync(path.join(artifacts, `${name}.png`), await session.screenshot());
}

const verifyState = () => session.execute('return document.body.dataset.verifyState ?? null');

async function waitForVerifyState(states, timeout = VERIFY_TIMEOUT) {
  const wanted = [].concat(states);
  return session.waitFor(`verifyState in ${wanted}`, async () => {
    const s = await verifyState();
    return wanted.includes(s) ? s : null;
  }, { timeout, interval: 100 });
}

/** The `verify-item` row of one version (rendered only when its group is open). */
const itemCss = (m) => `[data-testid="verify-item"][data-module="${m.path}"][data-version="${m.version}"]`;

before(async () => {
  session = await newSession(env('WEBDRIVER_URL'), env('APP_BIN'));
  assert.equal(await session.waitForScanState(['done', 'error', 'cancelled'], { timeout: SCAN_TIMEOUT }), 'done');
});

after(async () => {
  if (session) await session.close().catch(() => {});
});

test('Verify flags an edited file of a module version, Repair downloads it again and it verifies clean', async () => {
  // A version the fixture project requires: its zip is in the file:// proxy.
  const gomod = fs.readFileSync(path.join(fixture.project, 'go.mod'), 'utf8');
  const victim = fixture.modules.find((m) => gomod.includes(`\t${m.path} ${m.version}\n`));
  assert.ok(victim, 'no fixture module is required by the project');
  const dir = path.join(fixture.gomodcache, `${escape(victim.path)}@${escape(victim.version)}`);
  const name = files(dir).find((f) => f.endsWith('.go'));
  assert.ok(name, `no .go file in ${dir}`);
  const file = path.join(dir, name);
  const original = fs.readFileSync(file);
  // Go extracted it read-only; "fix" the dependency in place, as users do.
  assert.equal(fs.statSync(file).mode & 0o222, 0, `${file} is writable before the test`);
  fs.chmodSync(file, 0o644);
  fs.appendFileSync(file, '\n// patched in place\n');
  // `go mod verify` agrees that the tree was modified.
  const verifyOut = (() => {
    try {
      execFileSync('go', ['mod', 'verify'], { cwd: fixture.project, env: { ...process.env, GOFLAGS: '-mod=mod', GOPROXY: 'off' }, stdio: 'pipe' });
      return 'passed';
    } catch (e) {
      return String(e.stdout) + String(e.stderr);
    }
  })();
  assert.match(verifyOut, new RegExp(`${victim.path.replace(/[.]/g, '\\.')} ${victim.version}: dir has been modified`));

  await (await session.waitForElement('[data-testid="open-verify"]')).click();
  await session.waitForElement('[data-testid="verify-view"]');
  assert.equal(await verifyState(), 'idle');
  await (await session.waitForElement('[data-testid="verify-start"]')).click();
  assert.equal(await waitForVerifyState(['done', 'error', 'cancelled']), 'done');

  const summary = await session.waitForElement('[data-testid="verify-summary"]');
  assert.equal(Number(await summary.attribute('data-broken')), 1, await summary.text());
  assert.equal(Number(await summary.attribute('data-checked')), fixture.modules.length);
  const group = await session.waitForElement('[data-testid="verify-group"][data-severity="error"]');
  const item = await group.find(itemCss(victim));
  assert.ok(item, `${victim.path}@${victim.version} is not in the "Broken" group`);
  assert.equal(await item.attribute('data-status'), 'dir-modified');
  const changed = await session.execute(
    `return [...document.querySelectorAll(arguments[0] + ' [data-testid="verify-file"]')].map((e) => e.dataset.name + ':' + e.dataset.change);`,
    itemCss(victim),
  );
  assert.deepEqual(changed, [`${name}:modified`]);
  assert.match(await item.text(), new RegExp(name.replace(/[.]/g, '\\.')));
  await screenshot('verify-flagged');

  await (await item.find('[data-testid="verify-repair"]')).click();
  await waitForVerifyState(['repairing', 'running', 'done', 'error']);
  // The repair, then the automatic re-verification.
  await session.waitFor('the repair and the re-verification', async () => {
    const out = await session.find('[data-testid="verify-repair-output"]');
    return out && (await out.attribute('data-state')) !== 'running' && (await verifyState()) !== 'running' && (await verifyState()) !== 'repairing';
  }, { timeout: VERIFY_TIMEOUT, interval: 100 });
  assert.equal(await verifyState(), 'done');
  const output = await session.waitForElement('[data-testid="verify-repair-output"]');
  assert.equal(await output.attribute('data-state'), 'done', await output.text());
  const command = await (await output.find('[data-testid="verify-repair-command"]')).text();
  assert.match(command, new RegExp(`go mod download -- ${victim.path.replace(/[.]/g, '\\.')}@${victim.version.replace(/[.]/g, '\\.')}`));

  // Clean now: nothing broken, and the version is "Verified" in the "Fine" group.
  const after = await session.waitForElement('[data-testid="verify-summary"]');
  assert.equal(Number(await after.attribute('data-broken')), 0, await after.text());
  assert.equal(await session.find(`[data-testid="verify-group"][data-severity="error"] ${itemCss(victim)}`), null);
  const fine = await session.waitForElement('[data-testid="verify-group"][data-severity="info"]');
  await (await fine.find('[data-testid="verify-group-toggle"]')).click();
  const ok = await session.waitForElement(`[data-testid="verify-group"][data-severity="info"] ${itemCss(victim)}`);
  assert.equal(await ok.attribute('data-status'), 'ok');
  await screenshot('verify-repaired');

  // On disk: the original content, read-only again (extracted by Go).
  assert.deepEqual(fs.readFileSync(file), original);
  assert.equal(fs.statSync(file).mode & 0o222, 0, 'the repaired file is writable');
  execFileSync('go', ['mod', 'verify'], { cwd: fixture.project, env: { ...process.env, GOFLAGS: '-mod=mod', GOPROXY: 'off' }, stdio: 'pipe' });

  // The module view shows the verdict of that version.
  await (await session.waitForElement('[data-testid="back"]')).click();
  await (await session.waitForElement('[data-testid="open-modules"]')).click();
  await session.waitForElement('[data-testid="module-view"]');
  const filter = await session.waitForElement('[data-testid="module-filter"]');
  await session.execute(
    `const el = arguments[0]; el.value = arguments[1]; el.dispatchEvent(new Event('input', { bubbles: true }));`,
    { 'element-6066-11e4-a52e-4f735466cecf': filter.id },
    `${victim.path}@${victim.version}`,
  );
  const badge = await session.waitForElement('[data-testid="module-row"][data-row-type="version"] [data-testid="verify-badge"]');
  assert.equal(await badge.attribute('data-status'), 'ok');
  await (await session.waitForElement('[data-testid="back"]')).click();
  await session.waitForElement('[data-testid="cache-card-modcache"]');
});
