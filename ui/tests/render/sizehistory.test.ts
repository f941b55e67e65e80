// Issue #16: the dashboard paints the last completed scan at once (muted, with its age) and
// replaces it when the rescan ends; each card shows its growth since last week and last month
// and a small chart of its size; the module view marks the versions new since the previous
// scan. Screenshots at 1200x800 and 800x600, light, dark and zh-CN.

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { expectCleanLog, renderSuite, screenshot, waitForClean, waitForState, type MockConfig, type PageLog } from './harness';

const app = renderSuite();

async function open(config: MockConfig = {}, scheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; log: PageLog }> {
  return app.open({ versions: 2000, sizeHistory: 'some', ...config }, scheme);
}

type Mock = { historyCalls: number; report: { caches: { kind: string; bytes: number }[] } };
const mock = (page: Page): Promise<Mock> =>
  page.evaluate(() => {
    const m = (window as unknown as { __mock: Mock }).__mock;
    return { historyCalls: m.historyCalls, report: m.report };
  });
const finish = (page: Page) => page.evaluate(() => (window as unknown as { __mock: { finish(): void } }).__mock.finish());
const card = (page: Page, kind: string) => page.getByTestId(`cache-card-${kind}`);

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** axe-core (WCAG 2 A/AA and best practice) on the page as it is: one line per failing node. */
async function axe(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  await page.waitForTimeout(250);
  return page.evaluate(async () => {
    type V = { id: string; nodes: { target: string[]; failureSummary: string }[] };
    const a = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: V[] }> } }).axe;
    const r = await a.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }, resultTypes: ['violations'] });
    return r.violations.flatMap((v) => v.nodes.map((n) => `${v.id} at ${n.target.join(' ')}: ${n.failureSummary}`));
  });
}

describe('the last-known figures (issue #16)', { timeout: 60_000 }, () => {
  test('are painted before the scan ends, marked with their age, and replaced when it ends', async () => {
    const { page, log } = await open({ scan: 'manual' });
    await waitForState(page, 'running');
    const modcache = card(page, 'modcache');
    // The last scan's figures (10% below this scan's in the mock), with their age.
    await expect.poll(() => modcache.getByTestId('cache-as-of').count()).toBe(1);
    await expect(modcache.getByTestId('cache-as-of').textContent()).resolves.toContain('As of 2 hours ago');
    const { report } = await mock(page);
    const fresh = report.caches.find((c) => c.kind === 'modcache')!.bytes;
    const stale = Number(await modcache.getAttribute('data-bytes'));
    expect(stale).toBe(Math.round(fresh * 0.9));
    expect(await modcache.getByTestId('cache-size').evaluate((el) => el.classList.contains('stale'))).toBe(true);
    // Every existing cache of the last scan is painted: no card waits for the scan.
    for (const kind of ['modcache', 'toolchains', 'build', 'gopls', 'gobin']) {
      expect(await card(page, kind).getAttribute('data-bytes'), kind).not.toBeNull();
    }
    // The build cache's details and the module cache's parts come from the last scan too.
    expect(await card(page, 'build').getByTestId('build-details').count()).toBe(1);
    expect(await modcache.getByTestId('cache-part-extracted').count()).toBe(1);
    // The module view needs this scan's rows: its button waits.
    expect(await modcache.getByTestId('open-modules').isDisabled()).toBe(true);
    // The header's total is the last scan's too, with its age (not this scan's running count).
    const lastTotal = await page.evaluate(() => (window as unknown as { __mock: { sizeHistory: { last: { total: { bytes: number } } } } }).__mock.sizeHistory.last.total.bytes);
    expect(Number(await page.getByTestId('total-size').getAttribute('data-bytes'))).toBe(lastTotal);
    expect(await page.getByTestId('total-as-of').textContent()).toContain('As of 2 hours ago');
    await screenshot(page, 'sizehistory-stale-light');

    await finish(page);
    await waitForState(page, 'done');
    await expect.poll(async () => Number(await modcache.getAttribute('data-bytes'))).toBe(fresh);
    expect(await page.getByTestId('cache-as-of').count()).toBe(0);
    expect(await page.getByTestId('total-as-of').count()).toBe(0);
    const doneTotal = await page.evaluate(() => (window as unknown as { __mock: { report: { total: { bytes: number } } } }).__mock.report.total.bytes);
    expect(Number(await page.getByTestId('total-size').getAttribute('data-bytes'))).toBe(doneTotal);
    expect(doneTotal).not.toBe(lastTotal);
    expect(await modcache.getByTestId('cache-size').evaluate((el) => el.classList.contains('stale'))).toBe(false);
    // Read at the start and again after the scan (the backend recorded it).
    await expect.poll(async () => (await mock(page)).historyCalls).toBeGreaterThanOrEqual(2);
    expectCleanLog(log);
  });

  test('without a history (the first run) the cards wait for the scan as before', async () => {
    const { page, log } = await open({ scan: 'manual', sizeHistory: 'none' });
    await waitForState(page, 'running');
    await page.waitForTimeout(300);
    expect(await card(page, 'modcache').getAttribute('data-bytes')).toBeNull();
    expect(await page.getByTestId('cache-as-of').count()).toBe(0);
    await finish(page);
    await waitForState(page, 'done');
    expect(await page.getByTestId('cache-growth').count()).toBe(0);
    expect(await page.getByTestId('cache-chart').count()).toBe(0);
    expectCleanLog(log);
  });
});

describe('after the app changed a cache', { timeout: 60_000 }, () => {
  test('the rescan after a clean does not show the figures from before it', async () => {
    const { page, log } = await open({ undoSeconds: 1, purgeDelay: 50 });
    await waitForState(page, 'done');
    // Watch for any last-known figure from now on.
    await page.evaluate(() => {
      const w = window as unknown as { sawAsOf: boolean };
      w.sawAsOf = false;
      new MutationObserver(() => {
        if (document.querySelector('[data-testid="cache-as-of"]')) w.sawAsOf = true;
      }).observe(document.body, { childList: true, subtree: true });
    });
    const scanning = () => page.evaluate(() => document.body.dataset.scanState);
    await page.getByTestId('clean-cache-gopls').click();
    await waitForClean(page, 'confirm');
    await page.getByTestId('clean-confirm').click();
    await waitForClean(page, 'done');
    // The clean's rescan runs, then ends.
    await expect.poll(scanning, { timeout: 10_000 }).toBe('running');
    await waitForState(page, 'done');
    expect(await page.evaluate(() => (window as unknown as { sawAsOf: boolean }).sawAsOf)).toBe(false);
    // A later rescan (nothing changed by the app since) shows them again while it runs.
    await page.getByTestId('scan-rerun').click();
    await expect.poll(() => page.getByTestId('cache-as-of').count(), { timeout: 5_000 }).toBeGreaterThan(0);
    await waitForState(page, 'done');
    expectCleanLog(log);
  });
});

describe('growth and the size chart (issue #16)', { timeout: 60_000 }, () => {
  test('each card says how much it grew or shrank and draws its size over time', async () => {
    const { page, log } = await open();
    await waitForState(page, 'done');
    const text = (kind: string, span: string) => card(page, kind).getByTestId(`cache-growth-${span}`).textContent();
    await expect.poll(() => text('modcache', 'week')).toBe('+1.2 GiB this week');
    expect(await text('modcache', 'month')).toBe('+3.4 GiB this month');
    expect(await text('build', 'week')).toBe('\u2212300.0 MiB this week');
    expect(await card(page, 'build').getByTestId('cache-growth-month').count()).toBe(0);
    expect(await text('gopls', 'week')).toBe('no change this week');
    // Unknown growth and no chart: nothing at all.
    expect(await card(page, 'toolchains').getByTestId('cache-growth').count()).toBe(0);
    expect(await card(page, 'gobin').getByTestId('cache-growth').count()).toBe(0);

    const chart = card(page, 'modcache').getByTestId('cache-chart');
    expect(await chart.getAttribute('role')).toBe('img');
    const label = (await chart.getAttribute('aria-label')) ?? '';
    expect(label).toMatch(/^Module cache size over time: [\d.]+ GiB on .+, [\d.]+ GiB on .+$/);
    expect(await chart.getAttribute('data-points')).toBe('40');
    // Each point's tooltip is its date and size; hovering marks the point.
    const tips = await chart.locator('rect title').allTextContents();
    expect(tips).toHaveLength(40);
    expect(tips[39]).toMatch(/: [\d.]+ GiB$/);
    const box = (await chart.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => chart.locator('circle.hover').count()).toBe(1);
    expect(await card(page, 'build').getByTestId('cache-chart').getAttribute('data-points')).toBe('10');
    expectCleanLog(log);
  });

  test('two scans recorded in the same second draw one point and break nothing', async () => {
    // A fast machine rescanning right after a change records two points in one second: the
    // chart once keyed its dots by time, and the duplicate key threw, which left the
    // dashboard without its cards (a CI run of the e2e tests).
    const { page, log } = await open({ sizeHistory: 'duplicates' });
    await waitForState(page, 'done');
    for (const kind of ['modcache', 'build', 'gopls']) await expect.poll(() => card(page, kind).count()).toBe(1);
    expect(await card(page, 'modcache').getByTestId('open-modules').count()).toBe(1);
    const chart = card(page, 'build').getByTestId('cache-chart');
    // 11 points, two of them at one time: the later one is drawn.
    expect(await chart.getAttribute('data-points')).toBe('10');
    const tips = await chart.locator('rect title').allTextContents();
    expect(tips).toHaveLength(10);
    expectCleanLog(log);
  });

  test('in Chinese', async () => {
    const { page, log } = await open({ locale: 'zh-CN', scan: 'manual' });
    await waitForState(page, 'running');
    const modcache = card(page, 'modcache');
    await expect.poll(() => modcache.getByTestId('cache-as-of').textContent()).toContain('截至2小时前');
    expect(await modcache.getByTestId('cache-growth-week').textContent()).toBe('本周 +1.2 GiB');
    expect(await card(page, 'build').getByTestId('cache-growth-week').textContent()).toBe('本周 \u2212300.0 MiB');
    expect(await modcache.getByTestId('cache-chart').getAttribute('aria-label')).toMatch(/^模块缓存大小变化：/);
    expectCleanLog(log);
  });
});

describe('new since the previous scan (issue #16)', { timeout: 60_000 }, () => {
  test('the module view badges the new versions and can list only them', async () => {
    const { page, log } = await open();
    await waitForState(page, 'done');
    await page.getByTestId('open-modules').click();
    const filter = page.getByTestId('filter-new');
    await expect.poll(() => filter.textContent()).toContain('3 new versions');
    expect(await filter.getAttribute('aria-pressed')).toBe('false');
    // A module with a new version carries the badge on its row.
    await page.getByTestId('module-filter').fill('golang.org/x/tools');
    const tools = page.locator('[data-testid="module-row"][data-module="golang.org/x/tools"][data-row-type="module"]');
    await expect.poll(() => tools.getByTestId('new-badge-module').count()).toBe(1);
    await page.getByTestId('module-filter').fill('');

    await filter.click();
    expect(await filter.getAttribute('aria-pressed')).toBe('true');
    const modules = await page.locator('[data-testid="module-row"][data-row-type="module"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-module')));
    expect(modules.sort()).toEqual(['example.com/semver/order', 'golang.org/x/tools']);
    // Only some of their versions are new: shown expanded, each with its badge.
    const versions = page.locator('[data-testid="module-row"][data-row-type="version"]');
    expect(await versions.count()).toBe(3);
    expect(await page.getByTestId('new-badge').count()).toBe(3);
    expect(await page.getByTestId('module-shown').textContent()).toContain('2 of');
    await screenshot(page, 'sizehistory-modules-new-light');
    expect(await axe(page)).toEqual([]);

    await filter.click();
    await expect.poll(() => page.locator('[data-testid="module-row"][data-row-type="module"]').count()).toBeGreaterThan(2);
    expectCleanLog(log);
  });
});

describe('screenshots (issue #16)', { timeout: 120_000 }, () => {
  for (const [scheme, locale] of [
    ['light', 'en'],
    ['dark', 'en'],
    ['light', 'zh-CN'],
  ] as const) {
    for (const [w, h] of [
      [1200, 800],
      [800, 600],
    ]) {
      test(`${scheme} ${locale} ${w}x${h}: while the rescan runs and after`, async () => {
        const { page, log } = await open({ scan: 'manual', locale: locale === 'en' ? 'en-US' : locale }, scheme);
        await page.setViewportSize({ width: w, height: h });
        await waitForState(page, 'running');
        await expect.poll(() => page.getByTestId('cache-as-of').count()).toBeGreaterThan(0);
        const name = `sizehistory-${scheme}-${locale}-${w}x${h}`;
        await screenshot(page, `${name}-stale`);
        // The chart and growth of the module card, scrolled into view in a small window.
        await card(page, 'build').scrollIntoViewIfNeeded();
        await screenshot(page, `${name}-stale-build`);
        expect(await axe(page)).toEqual([]);
        await finish(page);
        await waitForState(page, 'done');
        await page.locator('main').evaluate((el) => (el.scrollTop = 0));
        await screenshot(page, `${name}-done`);
        // Nothing spills out of a card (the chart and growth line fit its width).
        const overflow = await page.locator('article.card').evaluateAll((cards) =>
          cards.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.getAttribute('data-testid')),
        );
        expect(overflow).toEqual([]);
        expectCleanLog(log);
      });
    }
  }
});
