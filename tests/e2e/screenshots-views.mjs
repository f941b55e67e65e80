// Screenshots of the module view and the verify view of the real app at 1200x800 and 800x600,
// in English and Chinese, to look at (issue #15): the module view with a selection (the
// selection toolbar at its longest), the verify view after a project verification whose go.sum
// disagrees with the cache in the usual ways (an edited file in the cache, a go.sum hash that is
// not the cache's, a line for a version that is not downloaded), compared with the proxy.
//
//   tests/e2e/run.sh node tests/e2e/screenshots-views.mjs light
//   GTK_THEME=Adwaita:dark tests/e2e/run.sh node tests/e2e/screenshots-views.mjs dark
//
// Writes artifacts/e2e/views/{modules,verify,verify-evidence}-<w>x<h>-<lang>-<scheme>.png (or to
// SCREENSHOTS_DIR). Changes the fixture (run.sh makes a new one each run), never anything else.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { screenshotTo } from './lib/harness.mjs';
import { newSession } from './lib/webdriver.mjs';

const scheme = process.argv[2] ?? 'light';
assert.ok(['light', 'dark'].includes(scheme), `scheme must be light or dark, not ${scheme}`);
const fixture = JSON.parse(fs.readFileSync(process.env.FIXTURE_JSON, 'utf8'));
const out = process.env.SCREENSHOTS_DIR ?? path.join(process.env.ARTIFACTS_DIR, 'views');
fs.mkdirSync(out, { recursive: true });

/** Go's case escaping of module paths and versions on disk (`A` -> `!a`). */
const escape = (s) => s.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);

// A project whose go.sum disagrees with the cache: a copy of the fixture project.
const project = path.join(path.dirname(fixture.project), 'mismatched-project');
fs.cpSync(fixture.project, project, { recursive: true });
const gomod = fs.readFileSync(path.join(project, 'go.mod'), 'utf8');
const required = fixture.modules.filter((m) => gomod.includes(`\t${m.path} ${m.version}\n`));
assert.ok(required.length >= 2, 'the fixture project requires fewer than 2 modules');
// 1. A file of the first one edited in the cache (the cache is corrupted).
{
  const dir = path.join(fixture.gomodcache, `${escape(required[0].path)}@${escape(required[0].version)}`);
  const name = fs.readdirSync(dir).find((f) => f.endsWith('.go'));
  assert.ok(name, `no .go file in ${dir}`);
  fs.chmodSync(path.join(dir, name), 0o644);
  fs.appendFileSync(path.join(dir, name), '\n// patched in place\n');
}
// 2. go.sum holds another hash for the second one's zip; 3. a line of a version not downloaded.
{
  const sum = path.join(project, 'go.sum');
  const lines = fs.readFileSync(sum, 'utf8').split('\n');
  const m = required[1];
  const i = lines.findIndex((l) => l.startsWith(`${m.path} ${m.version} h1:`));
  assert.ok(i >= 0, `no go.sum line for ${m.path} ${m.version}`);
  lines[i] = `${m.path} ${m.version} h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`;
  lines.splice(lines.length - 1, 0, 'example.com/not-downloaded v1.2.3 h1:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=');
  fs.writeFileSync(sum, lines.join('\n'));
}

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
  // Scrolls the view (its own scroll container, never the window: the app's header stays) so
  // that the element of `css` is at the top.
  const scrollTo = (css) =>
    session.execute(
      `const el = document.querySelector(arguments[0]);
       if (!el) return;
       let p = el.parentElement;
       while (p && !(p.scrollHeight > p.clientHeight && /auto|scroll/.test(getComputedStyle(p).overflowY))) p = p.parentElement;
       if (p) p.scrollTop += el.getBoundingClientRect().top - p.getBoundingClientRect().top - 8;`,
      css,
    );
  // Scrolled into view first: at 800x600 a control can be below the fold.
  const click = async (css) => {
    const el = await session.waitForElement(css);
    await scrollTo(css);
    await el.click();
  };
  // The back button may be scrolled out of view: a script's click.
  const back = async () => {
    await session.waitForElement('[data-testid="back"]');
    await session.execute(`document.querySelector('[data-testid="back"]').click()`);
  };
  const chooseLanguage = async (value) => {
    await click(`[data-testid="lang-select"] option[value="${value}"]`);
    await session.waitFor(`language ${value}`, () =>
      session.execute('return document.querySelector("[data-testid=lang-select]").value === arguments[0]', value),
    );
  };
  const verifyDone = () =>
    session.waitFor('verify done', async () => (await session.execute('return document.body.dataset.verifyState')) === 'done', {
      timeout: 120_000,
      interval: 100,
    });

  for (const lang of ['system', 'zh-CN']) {
    await chooseLanguage(lang);
    const tag = lang === 'system' ? 'en' : lang;
    for (const [w, h] of [
      [1200, 800],
      [800, 600],
    ]) {
      await session.cmd('POST', '/window/rect', { width: w, height: h });
      await session.waitFor(`${w}x${h}`, async () => (await session.execute('return window.innerWidth')) === w);
      const name = `${w}x${h}-${tag}`;

      // The module view with a selection.
      await click('[data-testid="open-modules"]');
      await session.waitForElement('[data-testid="module-row"]');
      await click('[data-testid="select-keep-latest"]');
      await session.waitFor('a selection', async () => (await session.execute('return document.querySelector("[data-testid=clean-selection]").dataset.count')) !== '0');
      await shot(`modules-${name}`);
      await click('[data-testid="select-none"]');
      await back();

      // The verify view: a project verification, compared with the proxy.
      await click('[data-testid="open-verify"]');
      await click('[data-testid="verify-scope-project"]');
      await session.execute(
        `const i = document.querySelector('[data-testid="verify-project"]');
         i.value = arguments[0]; i.dispatchEvent(new Event('input', { bubbles: true }));`,
        project,
      );
      await click('[data-testid="verify-start"]');
      await verifyDone();
      const compare = await session.find('[data-testid="verify-compare-proxy"]');
      if (compare) {
        await compare.click();
        await verifyDone();
      }
      await session.waitForElement('[data-testid="verify-project-result"]');
      await shot(`verify-${name}`);
      await scrollTo('[data-testid="verify-mismatch"]');
      await shot(`verify-evidence-${name}`);
      await scrollTo('[data-testid="verify-unconfirmed"]');
      await shot(`verify-unconfirmed-${name}`);
      await back();
    }
  }
  await chooseLanguage('system');
} finally {
  await session.close().catch(() => {});
}
