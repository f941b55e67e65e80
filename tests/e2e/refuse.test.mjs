// End-to-end: a clean of a directory that is no Go cache is refused (issue #12). The real app is
// started with a misdirected cache variable (through a launcher script that sets it and execs
// the app, so the rest of run.sh's environment stays): GOMODCACHE naming a directory without
// Go's markers (no cache/download) that holds another program's files, then GOCACHE naming
// XDG_CACHE_HOME (a base directory, never a cache itself). The user clicks Clean on the card; the
// dialog must show the refusal (BadRoot, with the core's reason), offer no Clean button, and
// every canary file must be intact afterwards, byte for byte. Run through tests/e2e/run.sh.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, test } from 'node:test';

import { newSession } from './lib/webdriver.mjs';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run tests/e2e/run.sh`);
  return value;
};
const artifacts = env('ARTIFACTS_DIR');
const appBin = env('APP_BIN');
const SCAN_TIMEOUT = 60_000;

let session = null;

afterEach(async () => {
  if (session) await session.close().catch(() => {});
  session = null;
});

/** Every entry under `dir` with its type, mode and content (files) or target (links), sorted. */
function snapshot(dir) {
  const out = [];
  const walk = (d, rel) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      const p = path.join(d, e.name);
      const st = fs.lstatSync(p);
      const what = st.isDirectory()
        ? 'd'
        : st.isSymbolicLink()
          ? `l -> ${fs.readlinkSync(p)}`
          : st.isFile()
            ? `f ${fs.readFileSync(p).toString('base64')}`
            : 'other'; // a socket (at-spi's, in XDG_CACHE_HOME)
      out.push(`${r} ${(st.mode & 0o7777).toString(8)} ${what}`);
      if (e.isDirectory()) walk(p, r);
    }
  };
  walk(dir, '');
  return out.sort();
}

/** Another program's files in `dir`: a few files, a read-only one, a nested tree and a link. */
function canaries(dir) {
  fs.mkdirSync(path.join(dir, 'other-app', 'deep'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'precious.txt'), 'not a cache: keep me\n');
  fs.writeFileSync(path.join(dir, 'other-app', 'state.db'), Buffer.from([0, 1, 2, 254, 255]));
  fs.writeFileSync(path.join(dir, 'other-app', 'deep', 'notes.md'), '# mine\n');
  fs.chmodSync(path.join(dir, 'other-app', 'deep', 'notes.md'), 0o444);
  fs.symlinkSync('../precious.txt', path.join(dir, 'other-app', 'link'));
}

/**
 * The app with `vars` added to run.sh's environment: a launcher script that exports them and
 * execs the app (WebKitWebDriver starts the script; the app keeps its own path as argv[0], which
 * the session's close waits for).
 */
async function appWith(name, vars) {
  const q = (s) => `'${String(s).replaceAll("'", `'\\''`)}'`;
  const launcher = path.join(env('HOME'), `launch-${name}.sh`);
  const exports = Object.entries(vars).map(([k, v]) => `export ${k}=${q(v)}\n`).join('');
  fs.writeFileSync(launcher, `#!/bin/sh\n${exports}exec ${q(appBin)} "$@"\n`, { mode: 0o755 });
  session = await newSession(env('WEBDRIVER_URL'), launcher, { argv0: appBin });
  return session;
}

async function screenshot(name) {
  fs.mkdirSync(artifacts, { recursive: true });
  fs.writeFileSync(path.join(artifacts, `${name}.png`), await session.screenshot());
}

/** Records every `cleanState` the page goes through (in `window.__cleanStates`) from now on. */
async function recordCleanStates() {
  await session.execute(`
    window.__cleanStates = [];
    if (!window.__cleanStatesObserver) {
      window.__cleanStatesObserver = new MutationObserver((records) => {
        for (const r of records) window.__cleanStates.push(r.oldValue);
        window.__cleanStates.push(document.body.dataset.cleanState ?? null);
      });
      window.__cleanStatesObserver.observe(document.body, {
        attributes: true,
        attributeOldValue: true,
        attributeFilter: ['data-clean-state'],
      });
    }`);
}

/** Waits until a preview started after the last `recordCleanStates` has finished (`error` or `confirm`). */
async function previewFinished() {
  return session.waitFor('a new preview to finish', async () => {
    const [states, now] = await session.execute('return [window.__cleanStates, document.body.dataset.cleanState ?? null]');
    return states.includes('planning') && (now === 'error' || now === 'confirm') ? now : null;
  }, { timeout: 30_000 });
}

/** What the dialog shows the user: its state, the error's code and text, whether it offers Clean. */
async function refusal() {
  return session.execute(`
    const err = document.querySelector('[data-testid="clean-error"]');
    return {
      state: document.body.dataset.cleanState ?? null,
      code: err?.dataset.code ?? null,
      text: err?.textContent.replace(/\\s+/g, ' ').trim() ?? '',
      confirm: document.querySelector('[data-testid="clean-confirm"]') !== null,
    };`);
}

/**
 * Clicks the card's Clean button, then picks every option the dialog offers in turn; returns
 * what the dialog showed for each (`{ option, state, code, text, confirm }`).
 */
async function cleanEveryOption(kind) {
  const button = await session.waitFor(`an enabled clean-cache-${kind} button`, async () => {
    const b = await session.find(`[data-testid="clean-cache-${kind}"]`);
    return b && (await b.attribute('disabled')) === null ? b : null;
  });
  await recordCleanStates();
  await button.click();
  await session.waitForElement('[data-testid="clean-dialog"]');
  await previewFinished();
  const first = await session.execute('return document.querySelector(\'[data-testid="clean-option"]:checked\')?.value ?? null');
  const seen = [{ option: first, ...(await refusal()) }];
  const others = await session.execute(
    'return [...document.querySelectorAll(\'[data-testid="clean-option"]:not(:checked):not(:disabled)\')].map((r) => r.value)',
  );
  for (const option of others) {
    await recordCleanStates();
    await (await session.waitForElement(`[data-testid="clean-option"][value="${option}"]`)).click();
    await previewFinished();
    seen.push({ option, ...(await refusal()) });
  }
  return seen;
}

/** Every option was refused with BadRoot and `reason`, and no Clean button was offered. */
function assertAllRefused(seen, reason) {
  assert.ok(seen.length >= 1, 'no option was tried');
  for (const s of seen) {
    const what = JSON.stringify(s);
    assert.equal(s.state, 'error', `the clean was offered: ${what}`);
    assert.equal(s.code, 'BadRoot', what);
    assert.match(s.text, /The app refused to clean this folder/, what);
    assert.match(s.text, reason, what);
    assert.equal(s.confirm, false, `a Clean button is offered after the refusal: ${what}`);
  }
}

test('a GOMODCACHE without cache/download is not cleaned: the dialog refuses, the files stay', async (t) => {
  const dir = path.join(env('HOME'), 'not-a-modcache');
  fs.rmSync(dir, { recursive: true, force: true });
  canaries(dir);
  const before = snapshot(dir);

  await appWith('not-a-modcache', { GOMODCACHE: dir });
  await session.waitForScanState(['done', 'error'], { timeout: SCAN_TIMEOUT });
  const card = await session.waitForElement('[data-testid="cache-card-modcache"]');
  assert.equal(await card.attribute('data-path'), dir, 'the card is the misdirected GOMODCACHE');

  const seen = await cleanEveryOption('modcache');
  t.diagnostic(`options tried: ${seen.map((x) => x.option).join(', ')}`);
  await screenshot('refuse-not-a-modcache');
  assert.ok(seen.some((x) => x.option === 'modcache'), `the whole-cache option was not tried: ${JSON.stringify(seen)}`);
  assertAllRefused(seen, /does not look like a module cache \(.*has no cache\/download directory/);

  assert.deepEqual(snapshot(dir), before, 'the directory changed');
  assert.deepEqual(fs.readdirSync(path.dirname(dir)).filter((n) => n.startsWith('.gocache-doctor-trash')), []);
});

test('GOCACHE set to XDG_CACHE_HOME is not cleaned: the dialog refuses, the files stay', async (t) => {
  const xdgCache = env('XDG_CACHE_HOME');
  fs.mkdirSync(xdgCache, { recursive: true });
  const mine = path.join(xdgCache, 'e2e-refuse');
  fs.rmSync(mine, { recursive: true, force: true });
  canaries(mine);
  // Go's build-cache marker at the top: the base-directory rule alone must refuse it.
  const readme = path.join(xdgCache, 'README');
  const hadReadme = fs.existsSync(readme);
  if (!hadReadme) fs.writeFileSync(readme, 'This directory holds cached build artifacts from the Go build system.\n');
  const before = snapshot(mine);
  const readmeBefore = fs.readFileSync(readme, 'utf8');
  const namesBefore = fs.readdirSync(xdgCache);

  try {
    await appWith('xdg-cache-as-gocache', { GOCACHE: xdgCache });
    await session.waitForScanState(['done', 'error'], { timeout: SCAN_TIMEOUT });
    const card = await session.waitForElement('[data-testid="cache-card-build"]');
    assert.equal(await card.attribute('data-path'), xdgCache, 'the card is the misdirected GOCACHE');

    const seen = await cleanEveryOption('build');
    t.diagnostic(`options tried: ${seen.map((x) => x.option).join(', ')}`);
    await screenshot('refuse-xdg-cache-home');
    assert.ok(seen.length >= 3, `the dialog offered fewer options than expected: ${JSON.stringify(seen)}`);
    assertAllRefused(seen, /is a user or system base directory, never a cache itself/);

    // Nothing of what was there went (the app's own files, WebKit's cache, may appear), and the
    // canaries and the README are unchanged byte for byte.
    const namesAfter = fs.readdirSync(xdgCache);
    for (const n of namesBefore) assert.ok(namesAfter.includes(n), `${n} is gone from XDG_CACHE_HOME`);
    // "Test results only" writes testexpire.txt into a build cache; a trim writes trim.txt.
    for (const n of ['testexpire.txt', 'trim.txt']) assert.ok(!namesAfter.includes(n), `${n} was written into XDG_CACHE_HOME`);
    assert.deepEqual(snapshot(mine), before, 'the canary tree changed');
    assert.equal(fs.readFileSync(readme, 'utf8'), readmeBefore);
    assert.deepEqual(fs.readdirSync(path.dirname(xdgCache)).filter((n) => n.startsWith('.gocache-doctor-trash')), []);
  } finally {
    fs.rmSync(mine, { recursive: true, force: true });
    if (!hadReadme) fs.rmSync(readme, { force: true });
  }
});
