// README screenshots of the real app: the dashboard and the module view, after the first scan.
//
//   FIXTURE_ARGS="--modules 40 --versions 3 --files 20 --toolchain" \
//     tests/e2e/run.sh node tests/e2e/screenshots.mjs light
//   GTK_THEME=Adwaita:dark FIXTURE_ARGS=... tests/e2e/run.sh node tests/e2e/screenshots.mjs dark
//
// WebKitGTK follows the GTK theme for prefers-color-scheme, so GTK_THEME=Adwaita:dark gives the
// dark theme; the script checks that the page really is in the scheme asked for. Writes
// docs/screenshots/{dashboard,modules,settings,about,dashboard-zh}-<scheme>.png (or to
// SCREENSHOTS_DIR).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { screenshotTo } from './lib/harness.mjs';
import { newSession } from './lib/webdriver.mjs';

const scheme = process.argv[2] ?? 'light';
assert.ok(['light', 'dark'].includes(scheme), `scheme must be light or dark, not ${scheme}`);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = process.env.SCREENSHOTS_DIR ?? path.join(root, 'docs/screenshots');
fs.mkdirSync(out, { recursive: true });

const session = await newSession(process.env.WEBDRIVER_URL, process.env.APP_BIN);
try {
  assert.equal(await session.waitForScanState(['done', 'error', 'cancelled'], { timeout: 60_000 }), 'done');
  const dark = await session.execute("return matchMedia('(prefers-color-scheme: dark)').matches");
  assert.equal(dark, scheme === 'dark', `the page is not in the ${scheme} scheme (set GTK_THEME=Adwaita:dark for dark)`);

  const shot = async (name) => {
    const file = path.join(out, `${name}-${scheme}.png`);
    await screenshotTo(session, file);
    console.log(`${file}: ${fs.statSync(file).size} bytes`);
  };

  await shot('dashboard');
  await (await session.waitForElement('[data-testid="open-modules"]')).click();
  await session.waitForElement('[data-testid="treemap"]');
  // Expand the second-largest module to show its versions.
  await session.execute(`document.querySelectorAll('[data-row-type=module] button.chev')[1]?.click()`);
  await shot('modules');
  await (await session.waitForElement('[data-testid="back"]')).click();

  // Settings and About.
  await (await session.waitForElement('[data-testid="open-settings"]')).click();
  await session.waitForElement('[data-testid="settings-view"]');
  await shot('settings');
  await (await session.waitForElement('[data-testid="open-about"]')).click();
  await session.waitForElement('[data-testid="about-version"]');
  await shot('about');
  await (await session.waitForElement('[data-testid="about-dialog"] .foot button')).click();
  await session.waitFor('About closed', async () => (await session.find('[data-testid="about-dialog"]')) === null);
  await (await session.waitForElement('[data-testid="open-settings"]')).click();

  // The dashboard in Chinese, then back to the system language.
  const choose = async (value) => {
    await (await session.waitForElement(`[data-testid="lang-select"] option[value="${value}"]`)).click();
    await session.waitFor(`language ${value}`, () =>
      session.execute('return document.querySelector("[data-testid=lang-select]").value === arguments[0]', value),
    );
  };
  await choose('zh-CN');
  await session.waitForElement('[data-testid="cache-card-modcache"]');
  await shot('dashboard-zh');
  await choose('system');
} finally {
  await session.close().catch(() => {});
}
