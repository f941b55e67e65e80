// End-to-end tests of the real Go Cache Doctor app: tauri-driver launches the built binary
// with the fixture's Go environment; every expected figure is computed here from the disk.
// Run through tests/e2e/run.sh, which sets APP_BIN, WEBDRIVER_URL, FIXTURE_JSON, ARTIFACTS_DIR.

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

/** `du -sb`: apparent bytes, directories and symlinks included, hard links once. */
function duSb(dir) {
  return Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split(/\s/)[0]);
}

/** `du -sB1`: allocated bytes. */
function duSB1(dir) {
  return Number(execFileSync('du', ['-sB1', dir], { encoding: 'utf8' }).split(/\s/)[0]);
}

/** Build cache entries: `<2 hex>/<64 hex>-a` and `-d` names in the shard directories. */
function buildEntriesOnDisk(gocache) {
  let n = 0;
  for (const shard of fs.readdirSync(gocache)) {
    if (!/^[0-9a-f]{2}$/.test(shard)) continue;
    for (const name of fs.readdirSync(path.join(gocache, shard))) if (/^[0-9a-f]{64}-[ad]$/.test(name)) n++;
  }
  return n;
}

/** Undoes Go's `!x` case escaping of module paths. */
const unescape = (s) => s.replace(/!([a-z])/g, (_, c) => c.toUpperCase());

/** Module version dirs (`path@version`) of an extracted module cache, and distinct paths. */
function countModules(gomodcache) {
  const versions = [];
  const walk = (dir, rel) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (r === 'cache') continue; // cache/download, cache/vcs: not extracted modules
      const at = entry.name.indexOf('@');
      if (at >= 0) versions.push(unescape(r.slice(0, r.length - entry.name.length + at)));
      else walk(path.join(dir, entry.name), r);
    }
  };
  walk(gomodcache, '');
  return { versions: versions.length, modules: new Set(versions).size };
}

/** The app's size format: binary units, one decimal (`1.5 KiB`, `12.0 GiB`, `512 B`). */
function humanBytes(bytes) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  if (bytes < 1024) return `${bytes} B`;
  let n = bytes;
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit++;
  }
  if (Number(n.toFixed(1)) >= 1024) {
    n /= 1024;
    unit++;
  }
  return `${n.toFixed(1)} ${units[unit]}`;
}

let session;

async function screenshot(name) {
  // WebKitGTK captures the last painted frame: let the page paint the current DOM first.
  await session.executeAsync(
    'const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done()));',
  );
  fs.mkdirSync(artifacts, { recursive: true });
  fs.writeFileSync(path.join(artifacts, `${name}.png`), await session.screenshot());
}

async function cardBytes(kind) {
  const card = await session.find(`[data-testid="cache-card-${kind}"]`);
  return card ? Number(await card.attribute('data-bytes')) : null;
}

before(async () => {
  session = await newSession(env('WEBDRIVER_URL'), env('APP_BIN'));
});

after(async () => {
  if (session) await session.close().catch(() => {});
});

test('the first scan sizes the module cache exactly like du', async () => {
  const state = await session.waitForScanState(['done', 'error', 'cancelled'], { timeout: SCAN_TIMEOUT });
  await screenshot('dashboard');
  assert.equal(state, 'done');

  const card = await session.waitForElement('[data-testid="cache-card-modcache"]');
  assert.equal(await card.attribute('data-path'), fixture.gomodcache);
  const expected = duSb(fixture.gomodcache);
  assert.equal(Number(await card.attribute('data-bytes')), expected);
  const size = await card.find('[data-testid="cache-size"]');
  assert.equal((await size.text()).trim(), humanBytes(expected));

  assert.equal(await cardBytes('build'), duSb(fixture.gocache));

  // The build card's age chart covers every `<2 hex>/<64 hex>-a|-d` entry on disk (all fresh:
  // the fixture was just built, so none is in Go's trim bucket).
  const entries = buildEntriesOnDisk(fixture.gocache);
  assert.ok(entries > 0, 'the fixture has no build cache entries');
  const ages = await session.execute(`
    return [...document.querySelectorAll('[data-testid="cache-card-build"] [data-testid="age-bucket"]')]
      .map((b) => [Number(b.dataset.entries), Number(b.dataset.bytes), b.classList.contains('trimmed')]);
  `);
  assert.equal(ages.length, 4, `age buckets: ${JSON.stringify(ages)}`);
  assert.equal(ages.reduce((s, [n]) => s + n, 0), entries);
  assert.deepEqual(ages.map(([, , trimmed]) => trimmed), [false, false, false, true]);
  assert.equal(ages[3][0], 0);
  assert.ok(ages[0][0] > 0 && ages[0][1] > 0, 'fresh entries are in the "< 1 day" bucket');
  // And what the caches take on disk, exactly `du -sB1`.
  const disk = await session.execute(
    `return document.querySelector('[data-testid="cache-card-modcache"] [data-testid="cache-disk"]')?.dataset.diskBytes ?? null`,
  );
  assert.equal(Number(disk), duSB1(fixture.gomodcache));
});

test('the module view counts every module version on disk', async () => {
  const onDisk = countModules(fixture.gomodcache);
  assert.equal(onDisk.versions, fixture.modules.length, 'fixture summary and disk disagree');
  assert.ok(onDisk.versions > 0);

  const open = await session.waitForElement('[data-testid="open-modules"]');
  await open.click();
  await session.waitForElement('[data-testid="module-view"]');
  const count = await session.waitForElement('[data-testid="module-count"]');
  assert.equal(Number(await count.attribute('data-modules')), onDisk.modules);
  assert.equal(Number(await count.attribute('data-versions')), onDisk.versions);
  await session.waitForElement('[data-testid="module-row"]');
  await session.waitForElement('[data-testid="treemap"]');
  await screenshot('modules');

  await (await session.waitForElement('[data-testid="back"]')).click();
  await session.waitForElement('[data-testid="cache-card-modcache"]');
});

test('the treemap drills from a module to a version to the folders inside it, sized like du', async () => {
  await (await session.waitForElement('[data-testid="open-modules"]')).click();
  await session.waitForElement('[data-testid="treemap"]');
  const cells = () =>
    session.execute(
      `return [...document.querySelectorAll('[data-testid="treemap"] g.cell')].map((g) => ({ name: g.dataset.name, bytes: Number(g.dataset.bytes) }))`,
    );
  const clickCell = (name) =>
    session.execute(
      `document.querySelector('[data-testid="treemap"] g.cell[data-name="' + arguments[0] + '"]').dispatchEvent(new MouseEvent('click', { bubbles: true }))`,
      name,
    );
  // The largest module with a version that has folders.
  const escape = (s) => s.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
  const withFolders = fixture.modules.find((m) => {
    const dir = path.join(fixture.gomodcache, `${escape(m.path)}@${escape(m.version)}`);
    return fs.existsSync(dir) && fs.readdirSync(dir, { withFileTypes: true }).some((e) => e.isDirectory());
  });
  assert.ok(withFolders, 'the fixture has a module version with a sub-folder');
  await session.execute(
    `const i = document.querySelector('[data-testid="module-filter"]'); i.value = arguments[0]; i.dispatchEvent(new Event('input', { bubbles: true }))`,
    withFolders.path,
  );
  await session.waitFor('the module alone on the map', async () => (await cells()).some((c) => c.name === withFolders.path));
  await clickCell(withFolders.path);
  await session.waitForElement('[data-testid="treemap-up"]');
  await session.waitFor('the version tiles', async () => (await cells()).some((c) => c.name === withFolders.version));
  await clickCell(withFolders.version);
  await session.waitForElement('[data-testid="treemap-up-module"]');
  const dir = path.join(fixture.gomodcache, `${escape(withFolders.path)}@${escape(withFolders.version)}`);
  const expected = new Map();
  let loose = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) expected.set(e.name, duSb(path.join(dir, e.name)));
    else loose += fs.lstatSync(path.join(dir, e.name)).size;
  }
  if (loose > 0) expected.set('', loose);
  const got = await session.waitFor('the folder tiles', async () => {
    const c = await cells();
    return c.length > 0 && c.every((x) => expected.has(x.name)) ? c : null;
  });
  for (const c of got) assert.equal(c.bytes, expected.get(c.name), `${c.name || '(files)'} of ${withFolders.path}@${withFolders.version}`);
  await screenshot('modules-folders');
  await (await session.waitForElement('[data-testid="treemap-up"]')).click();
  await (await session.waitForElement('[data-testid="back"]')).click();
  await session.waitForElement('[data-testid="cache-card-modcache"]');
});

test('re-scan picks up what changed on disk', async () => {
  // The build cache is writable: grow it, re-scan, and expect the new du figure.
  const extra = path.join(fixture.gocache, 'e2e-extra.bin');
  fs.writeFileSync(extra, Buffer.alloc(123_457, 7));
  try {
    const expected = duSb(fixture.gocache);
    assert.notEqual(await cardBytes('build'), expected);
    await (await session.waitForElement('[data-testid="scan-rerun"]')).click();
    await session.waitFor('the build card to show the new size', async () => (await cardBytes('build')) === expected, {
      timeout: SCAN_TIMEOUT,
    });
    assert.equal(await session.waitForScanState(['done', 'error', 'cancelled'], { timeout: SCAN_TIMEOUT }), 'done');
    assert.equal(await cardBytes('modcache'), duSb(fixture.gomodcache));
  } finally {
    fs.rmSync(extra, { force: true });
  }
});

/** Fills `dir` with empty files so that a scan takes a noticeable time (~0.2 s per 40k). */
function makeSlowTree(dir, dirs, files) {
  for (let d = 0; d < dirs; d++) {
    const sub = path.join(dir, String(d).padStart(4, '0'));
    fs.mkdirSync(sub, { recursive: true });
    for (let f = 0; f < files; f++) fs.closeSync(fs.openSync(path.join(sub, `f${f}`), 'w'));
  }
}

test('a running scan shows progress and can be cancelled', async () => {
  // Tens of thousands of small files in the (writable) build cache make the scan last a few
  // hundred milliseconds; the page itself presses Cancel as soon as a cache scan has started.
  const slow = path.join(fixture.gocache, 'e2e-slow');
  makeSlowTree(slow, Number(process.env.E2E_SLOW_DIRS ?? 100), Number(process.env.E2E_SLOW_FILES ?? 400));
  try {
    const seen = await session.executeAsync(`
      const done = arguments[arguments.length - 1];
      const seen = { progress: false, cancel: false, states: [] };
      const check = () => {
        const state = document.body.dataset.scanState;
        if (seen.states[seen.states.length - 1] !== state) seen.states.push(state);
        if (document.querySelector('[data-testid="scan-progress"]')) seen.progress = true;
        const cancel = document.querySelector('[data-testid="scan-cancel"]');
        // Press Cancel once the backend reports a cache scan under way (the progress panel's
        // data-scan-kind names a cache), i.e. after discovery.
        const kind = document.querySelector('[data-testid="scan-panel"]')?.dataset.scanKind ?? '';
        if (cancel && !seen.cancel && kind !== '') {
          seen.kind = kind;
          seen.cancel = true;
          cancel.click();
          observer.disconnect();
          done(seen);
        }
      };
      const observer = new MutationObserver(check);
      observer.observe(document.body, { subtree: true, childList: true, attributes: true });
      setTimeout(() => { observer.disconnect(); done(seen); }, 20000);
      document.querySelector('[data-testid="scan-rerun"]').click();
      check();
    `);
    assert.ok(seen.cancel, `no Cancel button appeared (states: ${seen.states})`);
    assert.ok(seen.progress, 'no progress bar while scanning');
    assert.ok(seen.states.includes('running'), `states seen: ${seen.states}`);
    const state = await session.waitForScanState(['cancelled', 'done', 'error'], { timeout: SCAN_TIMEOUT });
    assert.equal(state, 'cancelled', 'the scan finished before Cancel took effect');
    await session.waitForElement('[data-testid="scan-cancelled"]');
    await screenshot('cancelled');
  } finally {
    fs.rmSync(slow, { recursive: true, force: true });
  }

  // A scan after a cancelled one completes with exact figures again.
  await (await session.waitForElement('[data-testid="scan-rerun"]')).click();
  await session.waitFor('exact build size after re-scan', async () => (await cardBytes('build')) === duSb(fixture.gocache), {
    timeout: SCAN_TIMEOUT,
  });
  assert.equal(await session.waitForScanState(['done'], { timeout: SCAN_TIMEOUT }), 'done');
  assert.equal(await cardBytes('modcache'), duSb(fixture.gomodcache));
});
