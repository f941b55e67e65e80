// Rendering tests of issue #18 in the app: "Show in file manager" on the cache cards and the
// module versions (the path sent is the card's / the row's, a failure is said in words), the
// module table's export, and the CI guide page.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import type { ScanReport } from '../../src/lib/api';
import { expectCleanLog, renderSuite, screenshot, waitForState, type MockConfig, type PageLog } from './harness';

const app = renderSuite();

async function open(config: MockConfig = {}, width = 1200, height = 800, scheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; log: PageLog }> {
  const { page, log } = await app.open(config, scheme);
  await page.setViewportSize({ width, height });
  await waitForState(page, 'done');
  return { page, log };
}

type MockWindow = { __mock: { revealCalls: string[]; report: ScanReport; env: { caches: { kind: string; path: string; exists: boolean }[] } } };
/** The paths `reveal_path` was called with. */
const revealCalls = (page: Page): Promise<string[]> => page.evaluate(() => [...(window as unknown as MockWindow).__mock.revealCalls]);
/** The caches env_report names. */
const caches = (page: Page) => page.evaluate(() => (window as unknown as MockWindow).__mock.env.caches.map((c) => ({ kind: c.kind, path: c.path, exists: c.exists })));
/** The scan report's directory of `module@version`. */
const dirOf = (page: Page, module: string, version: string) =>
  page.evaluate(([m, v]) => (window as unknown as MockWindow).__mock.report.modules.find((r) => r.path === m && r.version === v)?.dir, [module, version]);

async function openModules(page: Page): Promise<void> {
  await page.getByTestId('open-modules').click();
  await page.getByTestId('module-view').waitFor();
  await page.getByTestId('module-row').first().waitFor();
}

describe('show in file manager', () => {
  test('every existing cache card reveals its own path', async () => {
    const { page, log } = await open();
    const all = await caches(page);
    const existing = all.filter((c) => c.exists);
    expect(existing.length).toBeGreaterThan(2);
    for (const c of existing) await page.getByTestId(`reveal-cache-${c.kind}`).click();
    await expect.poll(() => revealCalls(page)).toEqual(existing.map((c) => c.path));
    // A cache that does not exist has nothing to show.
    for (const c of all.filter((c) => !c.exists)) expect(await page.getByTestId(`reveal-cache-${c.kind}`).count()).toBe(0);
    expect(await page.getByTestId('reveal-error').count()).toBe(0);
    expectCleanLog(log);
  });

  test('a refused reveal on a card says why, in words', async () => {
    const { page } = await open({ revealError: 'BadArgument' });
    await page.getByTestId('reveal-cache-modcache').click();
    const err = page.getByTestId('cache-card-modcache').getByTestId('reveal-error');
    await expect.poll(() => err.textContent()).toContain("not inside one of Go's caches");
    expect(await err.getAttribute('role')).toBe('alert');
    expect(await err.getAttribute('title')).toContain('BadArgument');
    await screenshot(page, 'reveal-card-error');
  });

  test('a version row reveals the version directory; a failure shows above the table', async () => {
    const { page, log } = await open({ revealError: 'NotFound' });
    await openModules(page);
    await page.getByTestId('expand-all').click();
    const row = page.locator('[data-testid=module-row][data-row-type=version]').first();
    const [module, version] = [await row.getAttribute('data-module'), await row.getAttribute('data-version')];
    const dir = await dirOf(page, module!, version!);
    expect(dir).toContain(`@${version}`);
    await row.hover();
    await row.getByTestId('reveal-version').click();
    await expect.poll(() => revealCalls(page)).toEqual([dir]);
    const err = page.getByTestId('module-view').getByTestId('reveal-error');
    await expect.poll(() => err.textContent()).toContain('no longer exists');
    await screenshot(page, 'reveal-version-error');
    await page.getByTestId('reveal-error-dismiss').click();
    expect(await err.count()).toBe(0);
    expectCleanLog(log);
  });

  test('zh-CN: the failure is in Chinese', async () => {
    const { page } = await open({ revealError: 'Unsupported', language: 'zh-CN' });
    await page.getByTestId('reveal-cache-build').click();
    const err = page.getByTestId('cache-card-build').getByTestId('reveal-error');
    await expect.poll(() => err.textContent()).toContain('文件管理器');
  });
});

type ExportCall = { rows: { module: string; version: string; bytes: number; verify: string | null }[]; format: string; filter: string | null };
const exportCalls = (page: Page): Promise<ExportCall[]> =>
  page.evaluate(() =>
    (window as unknown as { __mock: { exportCalls: ExportCall[] } }).__mock.exportCalls.map((c) => ({
      format: c.format,
      filter: c.filter,
      rows: c.rows.map((r) => ({ module: r.module, version: r.version, bytes: r.bytes, verify: r.verify })),
    })),
  );

/** export_modules' calls without their rows (20,000 of them for the whole scan). */
const exportSummary = (page: Page): Promise<{ format: string; filter: string | null; count: number }[]> =>
  page.evaluate(() =>
    (window as unknown as { __mock: { exportCalls: ExportCall[] } }).__mock.exportCalls.map((c) => ({ format: c.format, filter: c.filter, count: c.rows.length })),
  );

describe('export of the module table', () => {
  test('with a filter: the filtered versions as CSV, then "Saved to" with Show in file manager', async () => {
    const { page, log } = await open();
    await openModules(page);
    await page.getByTestId('module-filter').fill('cobra');
    const shownVersions = await page.evaluate(() => {
      const report = (window as unknown as MockWindow).__mock.report;
      return report.modules.filter((m) => m.path.toLowerCase().includes('cobra')).map((m) => `${m.path}@${m.version}`).sort();
    });
    expect(shownVersions.length).toBeGreaterThan(1);
    await page.getByTestId('export-toggle').click();
    await expect.poll(() => page.getByTestId('export-menu').textContent()).toContain(`${shownVersions.length} versions the filter shows`);
    await screenshot(page, 'export-menu');
    await page.getByTestId('export-csv').click();
    const saved = page.getByTestId('export-saved');
    await saved.waitFor();
    const [call] = await exportCalls(page);
    expect(call.format).toBe('csv');
    expect(call.filter).toBe('cobra');
    expect(call.rows.map((r) => `${r.module}@${r.version}`).sort()).toEqual(shownVersions);
    expect(await saved.textContent()).toContain(`Saved ${shownVersions.length} versions to /home/gopher/Downloads/go-modules-20261206-201500.csv`);
    await page.getByTestId('export-reveal').click();
    await expect.poll(() => revealCalls(page)).toEqual(['export:/home/gopher/Downloads/go-modules-20261206-201500.csv']);
    await screenshot(page, 'export-saved');
    expectCleanLog(log);
  });

  test('without a filter: every version as JSON; a cancelled dialog says nothing', async () => {
    const { page } = await open({ exportCancel: true });
    await openModules(page);
    await page.getByTestId('export-toggle').click();
    expect(await page.getByTestId('export-menu').textContent()).toContain('Every version of this scan');
    await page.getByTestId('export-json').click();
    await expect.poll(async () => (await exportSummary(page)).length).toBe(1);
    const total = await page.evaluate(() => (window as unknown as MockWindow).__mock.report.modules.length);
    expect(await exportSummary(page)).toEqual([{ format: 'json', filter: null, count: total }]);
    await page.waitForTimeout(100);
    expect(await page.getByTestId('export-saved').count()).toBe(0);
    expect(await page.getByTestId('export-error').count()).toBe(0);
  });

  test('a write that fails says so', async () => {
    const { page } = await open({ exportError: 'PermissionDenied' });
    await openModules(page);
    await page.getByTestId('export-toggle').click();
    await page.getByTestId('export-csv').click();
    const err = page.getByTestId('export-error');
    await err.waitFor();
    expect(await err.textContent()).toContain('could not be written');
    expect(await err.textContent()).toContain('PermissionDenied');
  });
});

describe('screenshots of the row action and the export', () => {
  for (const [name, config, width, height, scheme] of [
    ['800-light', {}, 800, 600, 'light'],
    ['1200-dark', {}, 1200, 800, 'dark'],
    ['1200-zh', { language: 'zh-CN' }, 1200, 800, 'light'],
  ] as const) {
    test(name, async () => {
      const { page, log } = await open(config, width, height, scheme);
      await openModules(page);
      await page.getByTestId('expand-all').click();
      const row = page.locator('[data-testid=module-row][data-row-type=version]').first();
      await row.hover();
      const action = row.getByTestId('reveal-version');
      // Shown on hover, inside the row.
      expect(await action.evaluate((e) => getComputedStyle(e.parentElement!).opacity)).toBe('1');
      const [a, r] = [await action.boundingBox(), await row.boundingBox()];
      expect(a!.x + a!.width).toBeLessThanOrEqual(r!.x + r!.width);
      await page.getByTestId('export-toggle').click();
      await screenshot(page, `export-menu-${name}`);
      await page.getByTestId('export-csv').click();
      await page.getByTestId('export-saved').waitFor();
      await row.hover();
      await screenshot(page, `export-saved-${name}`);
      expectCleanLog(log);
    });
  }
});

describe('the CI guide page', () => {
  const doc = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../../docs/ci.md'), 'utf8');
  const docYaml = [...doc.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1]);

  async function openCi(config: MockConfig, width: number, height: number, scheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; log: PageLog }> {
    const opened = await open(config, width, height, scheme);
    await opened.page.getByTestId('open-guides').click();
    await opened.page.locator('[data-testid=guide-tab][data-page=ci]').click();
    await opened.page.locator('[data-testid=guide-page][data-page=ci]').waitFor();
    return opened;
  }

  test('shows docs/ci.md\'s workflows; Copy puts the whole file on the clipboard', async () => {
    const { page, log } = await openCi({}, 1200, 800);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.baseUrl });
    const texts = await page.getByTestId('guide-code-text').allTextContents();
    expect(docYaml).toHaveLength(2);
    expect(texts).toEqual(docYaml);
    expect(await page.getByTestId('guide-code').evaluateAll((els) => els.map((e) => e.getAttribute('data-file')))).toEqual([
      '.github/workflows/go.yml',
      '.gitlab-ci.yml',
    ]);
    await page.getByTestId('guide-code-copy').nth(1).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(docYaml[1]);
    expect(await page.getByTestId('guide-code-copy').nth(1).textContent()).toContain('Copied');
    await screenshot(page, 'guide-ci-1200-light');
    await page.getByTestId('guide-code').first().scrollIntoViewIfNeeded();
    await screenshot(page, 'guide-ci-1200-light-workflow');
    expectCleanLog(log);
  });

  test('screenshots: dark, zh-CN, 800x600', async () => {
    const dark = await openCi({}, 1200, 800, 'dark');
    await screenshot(dark.page, 'guide-ci-1200-dark');
    expectCleanLog(dark.log);
    const zh = await openCi({ language: 'zh-CN' }, 1200, 800);
    expect(await zh.page.locator('[data-testid=guide-tab][data-page=ci]').textContent()).toContain('CI 中的 Go 缓存');
    expect(await zh.page.getByTestId('guide-code-text').allTextContents()).toEqual(docYaml);
    await screenshot(zh.page, 'guide-ci-1200-zh');
    const small = await openCi({}, 800, 600);
    // The workflow scrolls inside its block; the page does not scroll sideways.
    expect(await small.page.evaluate(() => document.scrollingElement!.scrollWidth <= window.innerWidth)).toBe(true);
    await small.page.getByTestId('guide-code').first().scrollIntoViewIfNeeded();
    await screenshot(small.page, 'guide-ci-800');
  });
});
