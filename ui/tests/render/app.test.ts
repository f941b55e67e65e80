// Rendering tests: the built app in headless Chromium against a mock of the Tauri backend.

import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { EnvReport, ScanReport } from '../../src/lib/api';
import { formatBytes } from '../../src/lib/format';
import { checkPrerequisites, launch, openApp, screenshot, startServer, waitForState, type PageLog } from './harness';

let server: Server;
let baseUrl: string;
let browser: Browser;
const opened: Page[] = [];

beforeAll(async () => {
  checkPrerequisites();
  ({ server, url: baseUrl } = await startServer());
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

// Pages of one test are closed after it, so idle pages do not compete for the 2 cores.
afterEach(async () => {
  for (const page of opened.splice(0)) await page.context().close();
});

async function open(config = {}, scheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; log: PageLog }> {
  const r = await openApp(browser, baseUrl, config, scheme);
  opened.push(r.page);
  return r;
}

function mockData(page: Page): Promise<{ env: EnvReport; report: ScanReport; calls: string[]; states: string[] }> {
  return page.evaluate(() => {
    const m = (window as unknown as { __mock: { env: EnvReport; report: ScanReport; calls: string[]; states: string[] } }).__mock;
    return { env: m.env, report: m.report, calls: [...m.calls], states: [...m.states] };
  });
}

function expectCleanLog(log: PageLog): void {
  expect(log.errors, 'console errors / CSP violations').toEqual([]);
  expect(log.foreignRequests, 'requests leaving the app').toEqual([]);
}

describe('dashboard', () => {
  test('scans at launch and shows one card per cache with the scanned sizes', async () => {
    const { page, log } = await open();
    await waitForState(page, 'done');
    const { env, report, calls, states } = await mockData(page);
    expect(calls.slice(0, 2)).toEqual(['env_report', 'scan_start']);
    expect(states).toEqual(['running', 'done']);

    for (const cache of env.caches) {
      const card = page.getByTestId(`cache-card-${cache.kind}`);
      await expect.poll(() => card.count()).toBe(1);
      expect(await card.getAttribute('data-path')).toBe(cache.path);
      const scan = report.caches.find((c) => c.kind === cache.kind);
      if (scan) {
        expect(await card.getAttribute('data-bytes')).toBe(String(scan.bytes));
        expect((await card.getByTestId('cache-size').textContent())?.trim()).toBe(formatBytes(scan.bytes));
        expect(await card.getByTestId('cache-files').textContent()).toContain(scan.files.toLocaleString('en-US'));
      } else {
        expect(cache.exists).toBe(false);
        expect(await card.getAttribute('data-bytes')).toBeNull();
        expect(await card.getByTestId('cache-size').textContent()).toContain('Not created yet');
      }
    }
    // Toolchains live inside the module cache: the total must not count them twice.
    const total = report.caches.filter((c) => c.kind !== 'toolchains').reduce((s, c) => s + c.bytes, 0);
    expect(await page.getByTestId('total-size').textContent()).toBe(formatBytes(total));
    // Where each path came from.
    expect(await page.getByTestId('cache-card-build').textContent()).toContain('GOCACHE from environment');
    expect(await page.getByTestId('cache-card-gobin').textContent()).toContain('GOBIN from go env -w file');
    expect(await page.getByTestId('cache-card-modcache').textContent()).toContain('GOMODCACHE default');
    expect(await page.getByTestId('go-version').textContent()).toContain('go1.23.5');
    expectCleanLog(log);
  });

  test('lists every discovery problem with its severity', async () => {
    const { page } = await open();
    await waitForState(page, 'done');
    const { env } = await mockData(page);
    const problems = page.getByTestId('problems').getByTestId('problem');
    expect(await problems.count()).toBe(env.problems.length);
    for (const [i, p] of env.problems.entries()) {
      expect(await problems.nth(i).getAttribute('data-severity')).toBe(p.severity);
      expect(await problems.nth(i).textContent()).toContain(p.message);
    }
  });

  test('shows live progress, and cancel sends scan_cancel and ends in the cancelled state', async () => {
    const { page, log } = await open({ scan: 'manual' });
    await waitForState(page, 'running');
    const bar = page.getByTestId('scan-progress');
    await bar.waitFor();
    expect(await bar.getAttribute('role')).toBe('progressbar');
    const now = Number(await bar.getAttribute('aria-valuenow'));
    expect(now).toBeGreaterThanOrEqual(0);
    expect(now).toBeLessThan(100);
    // Entries and bytes so far, and the current path.
    await expect.poll(() => page.getByTestId('scan-counts').textContent()).toMatch(/[1-9][\d,]* entries, [\d.]+ [KMG]iB so far/);
    expect(await page.locator('section[aria-label="Scan progress"]').textContent()).toContain('/home/gopher/go/pkg/mod');
    await screenshot(page, 'dashboard-scanning-light');

    await page.getByTestId('scan-cancel').click();
    await waitForState(page, 'cancelled');
    const { calls, states } = await mockData(page);
    expect(calls).toContain('scan_cancel');
    expect(states).toEqual(['running', 'cancelled']);
    expect(await page.getByTestId('scan-progress').count()).toBe(0);
    expect(await page.getByTestId('scan-cancelled').textContent()).toContain('partial');
    expect(await page.getByTestId('cache-card-modcache').getAttribute('data-bytes')).toBe('1234567890');

    // Re-run: running again, then finishing completes it.
    await page.getByTestId('scan-rerun').click();
    await waitForState(page, 'running');
    await page.evaluate(() => (window as unknown as { __mock: { finish(): void } }).__mock.finish());
    await waitForState(page, 'done');
    expectCleanLog(log);
  });

  test('a scan error says what happened and Try again recovers', async () => {
    const { page } = await open({ scan: 'error' });
    await waitForState(page, 'error');
    const err = page.getByTestId('scan-error');
    expect(await err.textContent()).toContain('Permission denied');
    expect(await err.getAttribute('role')).toBe('alert');
    expect(await err.textContent()).toContain('that you can read it');
    await screenshot(page, 'dashboard-error-light');
    await page.evaluate(() => {
      (window as unknown as { __mock: { config: { scan: string } } }).__mock.config.scan = 'auto';
    });
    await page.getByTestId('scan-retry').click();
    await waitForState(page, 'done');
    expect(await page.getByTestId('scan-error').count()).toBe(0);
  });

  test('says so when Go is not installed', async () => {
    const { page } = await open({ goMissing: true });
    await waitForState(page, 'done');
    expect(await page.getByTestId('go-version').textContent()).toContain("Go not found — using Go's default locations");
  });
});

describe('module view', () => {
  let page: Page;
  let report: ScanReport;
  let log: PageLog;

  beforeAll(async () => {
    ({ page, log } = await openApp(browser, baseUrl));
    await waitForState(page, 'done');
    ({ report } = await mockData(page));
    await page.getByTestId('open-modules').click();
    await page.getByTestId('module-view').waitFor();
  });
  afterAll(async () => {
    await page?.context().close();
  });

  const rows = () => page.getByTestId('module-row');
  const attrs = (name: string) => rows().evaluateAll((els, n) => els.map((e) => e.getAttribute(n) ?? ''), name);

  test('shows module and version counts', async () => {
    const count = page.getByTestId('module-count');
    const modules = new Set(report.modules.map((m) => m.path)).size;
    expect(report.modules.length).toBe(20_000);
    expect(await count.getAttribute('data-modules')).toBe(String(modules));
    expect(await count.getAttribute('data-versions')).toBe('20000');
    expect(await count.textContent()).toContain(`${modules.toLocaleString('en-US')} modules`);
    expect(await count.textContent()).toContain('20,000 versions');
  });

  test('virtualizes: the DOM holds a window of rows, even with all 20,000 versions expanded', async () => {
    expect(await rows().count()).toBeGreaterThan(5);
    expect(await rows().count()).toBeLessThan(80);
    await page.getByTestId('expand-all').click();
    expect(await rows().count()).toBeLessThan(80);
    // Scroll to the very end: the last rows are rendered, still only a window of them.
    const viewport = page.getByTestId('module-rows');
    const height = await viewport.evaluate((el) => el.scrollHeight);
    const modules = new Set(report.modules.map((m) => m.path)).size;
    expect(height).toBe((modules + 20_000) * 34);
    await viewport.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect.poll(async () => (await attrs('aria-rowindex')).map(Number).pop()).toBe(modules + 20_000 + 1);
    expect(await rows().count()).toBeLessThan(80);
    await page.getByTestId('expand-all').click();
    await viewport.evaluate((el) => (el.scrollTop = 0));
  });

  test('sorts by size, name, versions and newest', async () => {
    // Default: size, largest first.
    const bytes = (await attrs('data-bytes')).map(Number);
    expect(bytes).toEqual([...bytes].sort((a, b) => b - a));
    const largest = [...report.module_totals].sort((a, b) => b.bytes - a.bytes)[0];
    expect((await attrs('data-module'))[0]).toBe(largest.path);

    await page.getByTestId('sort-name').click();
    const names = await attrs('data-module');
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' })));
    const first = [...new Set(report.modules.map((m) => m.path))].sort((a, b) =>
      a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' }),
    )[0];
    expect(names[0]).toBe(first);
    await page.getByTestId('sort-name').click();
    const desc = await attrs('data-module');
    expect(desc[0]).not.toBe(first);
    expect(desc).toEqual([...desc].sort((a, b) => b.localeCompare(a, 'en', { numeric: true, sensitivity: 'base' })));

    await page.getByTestId('sort-versions').click();
    const versionCount = new Map(report.module_totals.map((t) => [t.path, t.versions]));
    const counts = (await attrs('data-module')).map((p) => versionCount.get(p) ?? -1);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(counts[0]).toBe(Math.max(...versionCount.values()));

    await page.getByTestId('sort-newest').click();
    const newest = new Map<string, number>();
    for (const m of report.modules) newest.set(m.path, Math.max(newest.get(m.path) ?? 0, m.newest_mtime ?? 0));
    const times = (await attrs('data-module')).map((p) => newest.get(p) ?? -1);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(await page.locator('[role=columnheader][aria-sort=descending]').textContent()).toContain('Newest');

    await page.getByTestId('sort-size').click();
  });

  test('filtering narrows the rows and the treemap', async () => {
    const filter = page.getByTestId('module-filter');
    const rectsBefore = await page.getByTestId('treemap').locator('rect').count();
    expect(rectsBefore).toBeGreaterThan(20);
    await filter.fill('golang.org/x/');
    await expect.poll(async () => (await attrs('data-module')).every((p) => p.includes('golang.org/x/'))).toBe(true);
    const expected = new Set(report.modules.filter((m) => m.path.includes('golang.org/x/')).map((m) => m.path)).size;
    expect(await page.getByTestId('module-shown').textContent()).toContain(`${expected.toLocaleString('en-US')} of`);

    await filter.fill('golang.org/toolchain');
    await expect.poll(() => rows().count()).toBe(1);
    // Toolchain versions are marked.
    await rows().first().locator('button.chev').click();
    await expect.poll(() => rows().count()).toBe(4);
    expect(await page.locator('[data-row-type=version] .badge').count()).toBe(3);
    expect(await page.locator('[data-row-type=version] .badge').first().textContent()).toBe('toolchain');
    expect(await page.getByTestId('treemap').locator('rect').count()).toBe(1);

    // A version query keeps only the matching versions.
    const v = report.modules.find((m) => m.path === 'golang.org/x/tools');
    await filter.fill(`golang.org/x/tools@${v?.version}`);
    await expect.poll(() => attrs('data-version')).toEqual(['', v?.version]);

    await filter.fill('no-such-module-anywhere');
    await expect.poll(() => rows().count()).toBe(0);
    await filter.fill('');
    await expect.poll(() => rows().count()).toBeGreaterThan(5);
  });

  test('the treemap draws the largest modules with labels and size tooltips', async () => {
    const treemap = page.getByTestId('treemap');
    const titles = await treemap.locator('title').allTextContents();
    const largest = [...report.module_totals].sort((a, b) => b.bytes - a.bytes)[0];
    expect(titles).toContain(`${largest.path} — ${formatBytes(largest.bytes)}`);
    // The 60 largest modules, no more; the caption says how much they cover.
    expect(titles.length).toBe(60);
    expect(await page.getByTestId('treemap-caption').textContent()).toContain(
      `The 60 largest of ${new Set(report.modules.map((m) => m.path)).size.toLocaleString('en-US')} modules`,
    );
    expect(await treemap.locator('text.name').count()).toBeGreaterThan(3);
    // Labels stay inside their rect.
    const overflow = await treemap.locator('g').evaluateAll((gs) =>
      gs.flatMap((g) => {
        const rect = g.querySelector('rect')?.getBoundingClientRect();
        if (!rect) return [];
        return [...g.querySelectorAll('text')]
          .filter((t) => {
            const b = t.getBoundingClientRect();
            return b.right > rect.right + 0.5 || b.bottom > rect.bottom + 0.5;
          })
          .map((t) => t.textContent);
      }),
    );
    expect(overflow).toEqual([]);
  });

  test('back returns to the dashboard', async () => {
    await page.getByTestId('back').click();
    await page.getByTestId('cache-card-modcache').waitFor();
    expect(await page.getByTestId('module-view').count()).toBe(0);
    expectCleanLog(log);
  });
});

describe('screenshots', () => {
  for (const scheme of ['light', 'dark'] as const) {
    test(`dashboard and module view, ${scheme}`, async () => {
      const { page, log } = await open({}, scheme);
      await waitForState(page, 'done');
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(bg).toBe(scheme === 'light' ? 'rgb(244, 246, 248)' : 'rgb(15, 18, 22)');
      await screenshot(page, `dashboard-${scheme}`);
      await page.getByTestId('open-modules').click();
      await page.getByTestId('treemap').waitFor();
      await page.locator('[data-row-type=module] button.chev').nth(1).click();
      await screenshot(page, `modules-${scheme}`);
      expectCleanLog(log);
    });
  }
});
