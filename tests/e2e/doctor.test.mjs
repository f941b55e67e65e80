// End-to-end test of the doctor in the real app (issue #6 §1): paste a real checksum-mismatch
// output (tests/corpus, captured from a real `go mod download`) naming a version of the fixture,
// see the diagnosis name it, click its clean action, confirm in the clean dialog, and see that
// version's directory gone on disk. The version is downloaded again afterwards from the fixture's
// proxy, so that the later tests (locks, verify) find the fixture whole. Run through
// tests/e2e/run.sh (APP_BIN, WEBDRIVER_URL, FIXTURE_JSON, ARTIFACTS_DIR).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import { newSession } from './lib/webdriver.mjs';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run tests/e2e/run.sh`);
  return value;
};
const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = JSON.parse(fs.readFileSync(env('FIXTURE_JSON'), 'utf8'));
const artifacts = env('ARTIFACTS_DIR');
const SCAN_TIMEOUT = 60_000;
const PURGE_TIMEOUT = (Number(process.env.GOCACHE_DOCTOR_UNDO_SECONDS ?? 10) + 60) * 1000;
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/** Go's case escaping of module paths and versions on disk (`A` -> `!a`). */
const escape = (s) => s.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);

/** The output part of a corpus file (after its `# ---` header). */
function corpus(name) {
  const text = fs.readFileSync(path.join(here, '..', 'corpus', 'linux', name), 'utf8');
  return text.slice(text.indexOf('# ---\n') + '# ---\n'.length);
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

before(async () => {
  session = await newSession(env('WEBDRIVER_URL'), env('APP_BIN'));
  assert.equal(await session.waitForScanState(['done', 'error', 'cancelled'], { timeout: SCAN_TIMEOUT }), 'done');
});

after(async () => {
  if (session) await session.close().catch(() => {});
});

test('a pasted checksum mismatch names the module, and its fix cleans that version', async () => {
  // Not the version locks.test.mjs holds (modules[0]) nor the one verify.test.mjs corrupts (the
  // first the project requires): the last fixture module.
  const victim = fixture.modules[fixture.modules.length - 1];
  assert.ok(fixture.modules.length >= 3 && victim !== fixture.modules[0], 'the fixture has too few modules');
  const victimDir = path.join(fixture.gomodcache, `${escape(victim.path)}@${escape(victim.version)}`);
  const others = fixture.modules
    .filter((m) => m !== victim)
    .map((m) => path.join(fixture.gomodcache, `${escape(m.path)}@${escape(m.version)}`));
  assert.ok(fs.existsSync(victimDir), `fixture version missing: ${victimDir}`);

  // A real `go mod download` failure, about the fixture's version instead of the captured one.
  const original = corpus('checksum-mismatch-zip.txt');
  assert.match(original, /verifying example\.com\/BurntSushi\/Toml@v1\.0\.0: checksum mismatch/);
  const text = original.replaceAll('example.com/BurntSushi/Toml@v1.0.0', `${victim.path}@${victim.version}`);

  await (await session.waitForElement('[data-testid="open-doctor"]')).click();
  await session.waitForElement('[data-testid="doctor-view"]');
  const input = await session.waitForElement('[data-testid="diagnose-input"]');
  await session.execute(
    `const el = arguments[0]; el.value = arguments[1]; el.dispatchEvent(new Event('input', { bubbles: true }));`,
    { [ELEMENT]: input.id },
    text,
  );
  await (await session.waitForElement('[data-testid="diagnose-run"]')).click();
  await session.waitFor('the diagnosis', async () =>
    (await session.execute('return document.body.dataset.doctorState ?? null')) === 'done' ? true : null,
  );
  const finding = await session.waitForElement('[data-testid="diagnose-finding"][data-id="checksum-mismatch"]');
  assert.equal(await finding.attribute('data-module'), victim.path);
  assert.equal(await finding.attribute('data-version'), victim.version);
  assert.equal(await finding.attribute('data-severity'), 'error');
  const moduleText = await session.execute(
    'return document.querySelector(\'[data-testid="diagnose-finding"] [data-testid="diagnose-module"]\').textContent',
  );
  assert.equal(moduleText, victim.path);
  await screenshot('doctor-diagnosis');

  const action = `clean-version:${victim.path}@${victim.version}`;
  await (await session.waitForElement(`[data-testid="diagnose-action"][data-action="${action}"]`)).click();
  const dialog = await session.waitForElement('[data-testid="clean-dialog"]');
  await waitForCleanState('confirm');
  assert.equal(Number(await dialog.attribute('data-items')), 1);
  const label = await session.execute('return document.querySelector(\'[data-testid="clean-preview-item"]\').textContent');
  assert.ok(label.includes(`${victim.path}@${victim.version}`), `preview: ${label}`);
  await (await session.waitForElement('[data-testid="clean-confirm"]')).click();

  await waitForCleanState(['holding', 'purging', 'done']);
  assert.ok(!fs.existsSync(victimDir), 'the version is still on disk after the clean');
  for (const o of others) assert.ok(fs.existsSync(o), `another version went too: ${o}`);
  assert.equal(await waitForCleanState(['done'], PURGE_TIMEOUT), 'done');
  assert.ok(!fs.existsSync(victimDir), 'the version came back');
  // The diagnosis is still shown after the clean.
  assert.ok(await session.find('[data-testid="diagnose-finding"][data-id="checksum-mismatch"]'));

  // Put the fixture back for the next tests: Go downloads the version again from the proxy.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gocache-doctor-e2e-'));
  try {
    execFileSync('go', ['mod', 'download', `${victim.path}@${victim.version}`], {
      cwd: tmp,
      env: { ...process.env, GOFLAGS: '-mod=mod', GOPROXY: `file://${fixture.proxy}`, GOSUMDB: 'off' },
      stdio: 'pipe',
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  assert.ok(fs.existsSync(victimDir), 'go did not download the cleaned version again');
  const back = await session.find('[data-testid="back"]');
  if (back) await back.click();
  await session.waitForElement('[data-testid="cache-card-modcache"]');
});
