// End-to-end test of the optional tray icon in the real app (issue #17), through a tray host
// on the private session bus of run.sh: sni.py owns org.kde.StatusNotifierWatcher, as a
// desktop's tray does, and the app's indicator (libayatana-appindicator3) registers with it.
// Over D-Bus the test reads what a tray shows (the item's label, its menu through
// com.canonical.dbusmenu) and clicks the menu as a tray host does: "Clean now" runs the
// automatic cleanup (the audit log gets an automatic entry, the unused fixture versions go),
// then the label follows the rescan; with the policy off Clean now opens its panel; turning
// the setting off removes the item. It deletes fixture content: run.sh runs it last, in its
// own run. Needs APP_BIN, WEBDRIVER_URL, FIXTURE_JSON, ARTIFACTS_DIR, HOME, XDG_DATA_HOME,
// GOCACHE_DOCTOR_CONFIG_DIR and DBUS_SESSION_BUS_ADDRESS (run.sh), libayatana-appindicator3-1,
// python3-dbus and python3-gi (scripts/setup.sh).

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { auditLines, env, fixture as readFixture, projectUsing, screenshot as shot, settingsFile as settingsPath, versionDir as dirIn } from './lib/harness.mjs';
import { newSession } from './lib/webdriver.mjs';

const fixture = readFixture();
env('DBUS_SESSION_BUS_ADDRESS');
const settingsFile = settingsPath();
const SNI = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sni.py');
// python3-dbus and python3-gi are Debian's: the system's Python, not one on PATH (pyenv).
const PYTHON = '/usr/bin/python3';
const SCAN_TIMEOUT = 60_000;

const versionDir = (m) => dirIn(fixture.gomodcache, m);

let session;
let watcher;
const registrations = path.join(fs.mkdtempSync(path.join(env('HOME'), 'sni-')), 'registrations.jsonl');

/** The tray host's view of the registered items (sni.py items). */
const items = () => JSON.parse(execFileSync(PYTHON, [SNI, 'items'], { encoding: 'utf8' }));
/** The one registered item whose object still answers, or null. */
const liveItem = () => items().find((i) => i.alive) ?? null;
const attr = (css, name) =>
  session.execute(`const el = document.querySelector(arguments[0]); return el ? el.getAttribute(arguments[1]) : null;`, css, name);
const text = (css) => session.execute(`const el = document.querySelector(arguments[0]); return el ? el.textContent.trim() : null;`, css);

const screenshot = (name) => shot(session, name);

/** Clicks the menu item labelled `label` of `item` as a tray host does. */
function click(item, label) {
  const entry = item.menu_items.find((m) => m.label === label);
  assert.ok(entry, `no menu item "${label}": ${JSON.stringify(item.menu_items)}`);
  execFileSync(PYTHON, [SNI, 'click', item.service, item.menu, String(entry.id)]);
}

async function openPanel() {
  // The Settings button toggles its view: only when it is not open.
  if (!(await session.find('[data-testid="auto-tray-toggle"]'))) await (await session.waitForElement('[data-testid="open-settings"]')).click();
  await session.waitForElement('[data-testid="auto-tray-toggle"]');
}

async function toDashboard() {
  const back = await session.find('[data-testid="back"]');
  if (back) await back.click();
  await session.waitFor('the dashboard', async () => !(await session.find('[data-testid="back"]')));
}

/** The dashboard's total, as it shows it, once the scan is done. */
async function dashboardTotal() {
  await toDashboard();
  await session.waitForScanState(['done'], { timeout: SCAN_TIMEOUT });
  return text('[data-testid="total-size"]');
}

before(async () => {
  // The policy, as autopilot.test.mjs sets it up: a project that names one fixture version,
  // every other one unused for 0 days goes; every fixture version on disk first.
  const [used, ...unused] = fixture.modules;
  assert.ok(unused.length > 0, 'the fixture has a single module version');
  const projects = projectUsing(fixture, 'code-tray', 'example.com/trayapp', used);
  const stored = fs.existsSync(settingsFile) ? JSON.parse(fs.readFileSync(settingsFile, 'utf8')) : {};
  fs.writeFileSync(
    settingsFile,
    JSON.stringify({ ...stored, tray_icon: false, project_roots: [projects], autopilot: { enabled: true, unused_days: 0, keep_latest: null } }),
  );

  // The tray host, before the app: on the bus as a desktop's would be.
  watcher = spawn(PYTHON, [SNI, 'watcher', registrations], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    watcher.once('error', reject);
    watcher.once('exit', (code) => reject(new Error(`sni.py watcher exited (${code})`)));
    watcher.stdout.once('data', resolve);
  });

  session = await newSession(env('WEBDRIVER_URL'), env('APP_BIN'));
  assert.equal(await session.waitForScanState(['done', 'error', 'cancelled'], { timeout: SCAN_TIMEOUT }), 'done');
});

after(async () => {
  if (session) await session.close().catch(() => {});
  watcher?.kill();
});

test('the tray icon is off by default; turned on, it registers with the tray and shows the dashboard total', async () => {
  assert.equal(items().length, 0, 'an item registered with the setting off');
  await openPanel();
  assert.equal(await session.execute('return document.querySelector(\'[data-testid="auto-tray-toggle"]\').checked'), false);
  await (await session.waitForElement('[data-testid="auto-tray-toggle"]')).click();
  await session.waitForElement('[data-testid="auto-tray"][data-shown="true"]');
  assert.ok(await session.find('[data-testid="auto-tray-shown"]'), 'the panel does not say the icon is shown');
  assert.equal(JSON.parse(fs.readFileSync(settingsFile, 'utf8')).tray_icon, true);
  await session.execute(`document.querySelector('[data-testid="auto-tray"]').scrollIntoView({ block: 'center' })`);
  await screenshot('tray-setting-on');

  const item = await session.waitFor('the app registered with the tray', async () => liveItem(), { timeout: 20_000 });
  const logged = fs.readFileSync(registrations, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  assert.ok(logged.some((r) => r.item === item.item), `registrations: ${JSON.stringify(logged)}`);
  assert.equal(item.status, 'Active');
  const total = await dashboardTotal();
  assert.match(total, /^[\d.]+ (B|KiB|MiB|GiB)$/);
  assert.equal(item.label, total, 'the tray label is not the total the dashboard shows');
  assert.deepEqual(
    item.menu_items.filter((m) => m.type !== 'separator').map((m) => m.label),
    ['Open Go Cache Doctor', 'Clean now', 'Quit'],
  );
});

test('Clean now runs the automatic cleanup; the label follows the rescan', async () => {
  const [used, ...unused] = fixture.modules;
  const before = auditLines().length;
  const item = liveItem();
  assert.ok(item, 'no tray item');
  const labelBefore = item.label;
  click(item, 'Clean now');
  const entry = await session.waitFor('the automatic entry in the audit log', async () => {
    const lines = auditLines();
    return lines.length > before ? lines.at(-1) : null;
  }, { timeout: 60_000 });
  assert.equal(entry.automatic, true);
  assert.ok(entry.bytes_freed > 0, JSON.stringify(entry));
  for (const m of unused) assert.ok(!fs.existsSync(versionDir(m)), `still on disk: ${versionDir(m)}`);
  assert.ok(fs.existsSync(versionDir(used)), 'the used version was removed');

  // The page rescans after the run; the label is the new total, as the dashboard shows it.
  const label = await session.waitFor('the label after the rescan', async () => {
    const now = liveItem()?.label;
    return now && now !== labelBefore ? now : null;
  }, { timeout: SCAN_TIMEOUT });
  assert.equal(label, await dashboardTotal());
  // History marks the run automatic.
  await (await session.waitForElement('[data-testid="open-history"]')).click();
  await session.waitForElement('[data-testid="history-entry"]');
  assert.equal(await attr('[data-testid="history-entry"]', 'data-automatic'), 'true');
});

test('with the policy off, Clean now says so and opens the Automatic cleanup panel', async () => {
  await openPanel();
  await (await session.waitForElement('[data-testid="auto-enabled"]')).click();
  await session.waitFor('the policy stored off', async () => JSON.parse(fs.readFileSync(settingsFile, 'utf8')).autopilot?.enabled === false);
  const item = await session.waitFor('the menu saying the policy is off', async () => {
    const i = liveItem();
    return i?.menu_items.some((m) => m.label.startsWith('Clean now: automatic cleanup is off')) ? i : null;
  });
  const before = auditLines().length;
  await toDashboard();
  await session.waitForScanState(['done'], { timeout: SCAN_TIMEOUT });
  assert.equal(await session.find('[data-testid="auto-panel"]'), null);
  click(item, item.menu_items.find((m) => m.label.startsWith('Clean now')).label);
  await session.waitForElement('[data-testid="auto-panel"]');
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(auditLines().length, before, 'Clean now ran with the policy off');
  await screenshot('tray-clean-now-policy-off');
});

test('turned off, the item is gone at once; on again, it is back', async () => {
  await openPanel();
  await (await session.waitForElement('[data-testid="auto-tray-toggle"]')).click();
  await session.waitForElement('[data-testid="auto-tray"][data-shown="false"]');
  assert.equal(JSON.parse(fs.readFileSync(settingsFile, 'utf8')).tray_icon, false);
  // Gone from the tray: the item is Passive (what a tray host hides), or gone from the bus.
  await session.waitFor('the item gone', async () => (items().some((i) => i.alive && i.status !== 'Passive') ? null : true), {
    timeout: 10_000,
  });
  // On again: the same item is back, with the dashboard's total.
  await (await session.waitForElement('[data-testid="auto-tray-toggle"]')).click();
  await session.waitForElement('[data-testid="auto-tray"][data-shown="true"]');
  const back = await session.waitFor('the item back', async () => {
    const i = liveItem();
    return i?.status === 'Active' ? i : null;
  });
  assert.equal(back.label, await dashboardTotal());
  assert.equal(items().filter((i) => i.alive).length, 1, JSON.stringify(items()));
});
