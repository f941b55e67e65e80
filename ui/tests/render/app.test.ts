// Rendering tests: the built app in headless Chromium against a mock of the Tauri backend.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EnvReport, ScanReport } from '../../src/lib/api';
import { formatBytes } from '../../src/lib/format';
import { expectCleanLog, renderSuite, screenshot, waitForState, type PageLog } from './harness';

const app = renderSuite();

// Pages of one test are closed after it, so idle pages do not compete for the 2 cores.

async function open(config = {}, scheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; log: PageLog }> {
  return app.open(config, scheme);
}

function mockData(page: Page): Promise<{ env: EnvReport; report: ScanReport; calls: string[]; states: string[] }> {
  return page.evaluate(() => {
    const m = (window as unknown as { __mock: { env: EnvReport; report: ScanReport; calls: string[]; states: string[] } }).__mock;
    return { env: m.env, report: m.report, calls: [...m.calls], states: [...m.states] };
  });
}

describe('dashboard', () => {
  test('scans at launch and shows one card per cache with the scanned sizes', async () => {
    const { page, log } = await open();
    await waitForState(page, 'done');
    const { env, report, calls, states } = await mockData(page);
    // The language is read before the first frame (lib/i18n.svelte.ts), then the scan starts.
    expect(calls.slice(0, 4)).toEqual(['system_locale', 'settings_get', 'env_report', 'scan_start']);
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
        // A cache that does not exist holds nothing (the end-to-end clean tests rely on it).
        expect(await card.getAttribute('data-bytes')).toBe('0');
        expect(await card.getByTestId(`clean-cache-${cache.kind}`).count()).toBe(0);
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
    // gopls' module index can be cleaned (gopls rebuilds it); Go's telemetry data is shown
    // with its mode and never offered for cleaning.
    const index = page.getByTestId('cache-card-gopls-index');
    expect(await index.getByTestId('cache-about').textContent()).toContain('gopls rebuilds it');
    expect(await index.getByTestId('clean-cache-gopls-index').count()).toBe(1);
    const telemetry = page.getByTestId('cache-card-telemetry');
    expect(await telemetry.getByTestId('cache-about').getAttribute('data-mode')).toBe(env.telemetry?.mode);
    expect(await telemetry.getByTestId('cache-about').textContent()).toContain('telemetry local: collected, never uploaded');
    expect(await telemetry.textContent()).toContain('not cleaned');
    expect(await telemetry.getByTestId('clean-cache-telemetry').count()).toBe(0);
    expectCleanLog(log);
  });

  test('the gopls module index and telemetry cards, light, dark and zh-CN, wide and small', async () => {
    for (const [name, config, scheme, size] of [
      ['light', {}, 'light', { width: 1200, height: 800 }],
      ['dark', {}, 'dark', { width: 1200, height: 800 }],
      ['zh-CN', { locale: 'zh-CN' }, 'light', { width: 800, height: 600 }],
      ['small', {}, 'light', { width: 800, height: 600 }],
    ] as const) {
      const { page, log } = await open(config, scheme);
      await page.setViewportSize(size);
      await waitForState(page, 'done');
      const telemetry = page.getByTestId('cache-card-telemetry');
      await telemetry.scrollIntoViewIfNeeded();
      const about = await telemetry.getByTestId('cache-about').textContent();
      expect(about).toContain(name === 'zh-CN' ? '遥测仅本地' : 'telemetry local');
      // The description wraps inside the card: nothing overflows it.
      const overflow = await telemetry.evaluate((el) => el.scrollWidth > el.clientWidth);
      expect(overflow).toBe(false);
      await screenshot(page, `dashboard-index-telemetry-${name}`);
      expectCleanLog(log);
    }
  });

  test('lists every discovery problem with its severity', async () => {
    const { page } = await open();
    await waitForState(page, 'done');
    const { env } = await mockData(page);
    const problems = page.getByTestId('problems').getByTestId('problem');
    expect(await problems.count()).toBe(env.problems.length);
    for (const [i, p] of env.problems.entries()) {
      expect(await problems.nth(i).getAttribute('data-severity')).toBe(p.severity);
      // Backticked spans of the backend's text are shown as code, without the backticks.
      expect(await problems.nth(i).textContent()).toContain(p.message.replaceAll('`', ''));
      const spans = [...p.message.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
      expect(await problems.nth(i).locator('code').allTextContents()).toEqual(expect.arrayContaining(spans));
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
    // The scan starts once the dashboard has been painted: wait for the second scan_start.
    await expect
      .poll(async () => (await mockData(page)).calls.filter((c) => c === 'scan_start').length)
      .toBe(2);
    await page.evaluate(() => (window as unknown as { __mock: { finish(): void } }).__mock.finish());
    await waitForState(page, 'done');
    expectCleanLog(log);
  });

  test('the progress panel names the cache being scanned in data-scan-kind', async () => {
    const { page } = await open({ scan: 'manual' });
    await waitForState(page, 'running');
    const panel = page.getByTestId('scan-panel');
    // The manual mock holds the scan inside the first cache (the module cache).
    await expect.poll(() => panel.getAttribute('data-scan-kind')).toBe('modcache');
    expect(await panel.locator('strong').first().textContent()).toBe('Scanning Module cache…');
    await page.evaluate(() => (window as unknown as { __mock: { finish(): void } }).__mock.finish());
    await waitForState(page, 'done');
    expect(await page.getByTestId('scan-panel').count()).toBe(0);
  });

  test('Cancel while discovery is still running cancels: no scan starts', async () => {
    const { page, log } = await open({ env: 'manual' });
    await waitForState(page, 'running');
    // env_report is held: the panel is up, no cache scan yet.
    const panel = page.getByTestId('scan-panel');
    await panel.waitFor();
    expect(await panel.getAttribute('data-scan-kind')).toBe('');
    await page.getByTestId('scan-cancel').click();
    await expect.poll(() => page.getByTestId('scan-cancel').isDisabled()).toBe(true);
    await page.evaluate(() => (window as unknown as { __mock: { releaseEnv(): void } }).__mock.releaseEnv());
    await waitForState(page, 'cancelled');
    // The cards are there (discovery finished), but nothing was scanned.
    await page.getByTestId('cache-card-modcache').waitFor();
    expect(await page.getByTestId('cache-card-modcache').getAttribute('data-bytes')).toBeNull();
    await page.waitForTimeout(200);
    const { calls, states } = await mockData(page);
    expect(calls).not.toContain('scan_start');
    expect(states).toEqual(['running', 'cancelled']);
    expect(await page.getByTestId('scan-cancelled').textContent()).toContain('before any cache was sized');

    // Scan again works normally afterwards.
    await page.evaluate(() => {
      (window as unknown as { __mock: { config: { env: string } } }).__mock.config.env = 'auto';
    });
    await page.getByTestId('scan-rerun').click();
    await waitForState(page, 'done');
    expect(await page.getByTestId('cache-card-modcache').getAttribute('data-bytes')).not.toBeNull();
    expectCleanLog(log);
  });

  test('the build card charts entry ages against the 5-day trim and lists test and fuzz parts', async () => {
    const { page, log } = await open();
    await waitForState(page, 'done');
    const { report } = await mockData(page);
    const build = report.build!;
    const card = page.getByTestId('cache-card-build');
    const buckets = card.getByTestId('age-bucket');
    expect(await buckets.count()).toBe(build.age_histogram.length);
    const largest = Math.max(...build.age_histogram.map((b) => b.bytes));
    for (const [i, b] of build.age_histogram.entries()) {
      const row = buckets.nth(i);
      expect(await row.getAttribute('data-bytes')).toBe(String(b.bytes));
      expect(await row.getAttribute('data-entries')).toBe(String(b.entries));
      expect(await row.textContent()).toContain(formatBytes(b.bytes));
      // Bar lengths are proportional to bytes (the largest bucket fills its track).
      const [bar, track] = await row.evaluate((el) => [
        (el.querySelector('.bar') as HTMLElement).getBoundingClientRect().width,
        (el.querySelector('.track') as HTMLElement).getBoundingClientRect().width,
      ]);
      expect(bar / track).toBeCloseTo(b.bytes === 0 ? 0 : Math.max(0.01, b.bytes / largest), 2);
    }
    // The bucket Go trims stands out, and the card says how much the next trim frees.
    const trimmed = buckets.nth(build.age_histogram.length - 1);
    expect(await trimmed.getAttribute('class')).toContain('trimmed');
    expect(await card.getByTestId('build-trimmable').textContent()).toContain(formatBytes(build.trimmable_bytes));
    // Test results and fuzz corpus.
    const test = card.getByTestId('build-part-test');
    expect(await test.getAttribute('data-bytes')).toBe(String(build.test_bytes));
    expect(await test.textContent()).toContain(`${build.test_entries} entries`);
    const fuzz = card.getByTestId('build-part-fuzz');
    expect(await fuzz.getAttribute('data-bytes')).toBe(String(build.fuzz_bytes));
    expect(await fuzz.textContent()).toContain(`${build.fuzz_files} inputs`);
    // The programs `go run` / `go tool` cached.
    const exe = card.getByTestId('build-part-exe');
    expect(await exe.getAttribute('data-bytes')).toBe(String(build.exe_bytes));
    expect(await exe.textContent()).toContain(`${build.exe_entries} programs`);
    // Every scanned card also says what it takes on disk.
    for (const c of report.caches) {
      const disk = page.getByTestId(`cache-card-${c.kind}`).getByTestId('cache-disk');
      expect(await disk.getAttribute('data-disk-bytes')).toBe(String(c.disk_bytes));
      expect(await disk.textContent()).toContain(`${formatBytes(c.disk_bytes)} on disk`);
    }
    expectCleanLog(log);
  });

  test('a report without test_entries (older core) shows no test part', async () => {
    const { page } = await open({ oldCore: true });
    await waitForState(page, 'done');
    const card = page.getByTestId('cache-card-build');
    await card.getByTestId('build-age').waitFor();
    expect(await card.getByTestId('build-part-test').count()).toBe(0);
    expect(await card.getByTestId('build-part-fuzz').count()).toBe(1);
  });

  test('reports the first painted card to startup_probe once, with ordered milestones', async () => {
    const { page } = await open();
    await waitForState(page, 'done');
    const probes = await page.evaluate(() => (window as unknown as { __mock: { probes: Record<string, number>[] } }).__mock.probes);
    expect(probes.length).toBe(1);
    const m = probes[0];
    for (const k of ['navigation_start', 'script', 'mounted', 'env_report_call', 'env_report_done', 'cards_in_dom', 'painted']) {
      expect(typeof m[k], k).toBe('number');
    }
    expect(m.navigation_start).toBeLessThanOrEqual(m.script);
    expect(m.script).toBeLessThanOrEqual(m.env_report_done);
    expect(m.env_report_done).toBeLessThanOrEqual(m.cards_in_dom);
    expect(m.cards_in_dom).toBeLessThan(m.painted);
    // Unix milliseconds, the backend's clock.
    expect(Math.abs(m.painted - Date.now())).toBeLessThan(60_000);
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

  test('follows a Chinese system: dashboard, problems and cards in Simplified Chinese', async () => {
    const { page, log } = await open({ locale: 'zh-CN' });
    await waitForState(page, 'done');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(await page.getByTestId('scan-rerun').textContent()).toContain('重新扫描');
    const modcache = page.getByTestId('cache-card-modcache');
    expect(await modcache.locator('h2').textContent()).toBe('模块缓存');
    expect(await modcache.textContent()).toContain('GOMODCACHE 默认位置');
    expect(await modcache.getByTestId('cache-disk').textContent()).toContain('磁盘占用');
    expect(await page.getByTestId('cache-card-build').getByTestId('build-age').textContent()).toContain('> 5 天');
    // A known problem id gets the UI's own title; the backend's English text stays as the detail.
    const { env } = await mockData(page);
    const mismatch = env.problems.find((p) => p.id === 'go-env-mismatch')!;
    const problem = page.locator(`[data-testid=problem][data-id=go-env-mismatch]`);
    expect(await problem.getByTestId('problem-title').textContent()).toBe(`go env 给出的 ${mismatch.var} 不一致`);
    expect(await problem.getByTestId('problem-detail').textContent()).toBe(mismatch.message.replaceAll('`', ''));
    // An id the UI does not know shows the backend's message.
    const unknown = page.locator(`[data-testid=problem][data-id=gobin-goenv]`);
    expect(await unknown.getByTestId('problem-title').count()).toBe(0);
    expect(await unknown.textContent()).toContain('警告');
    await page.getByTestId('open-modules').click();
    await page.getByTestId('module-view').waitFor();
    expect(await page.getByTestId('module-count').textContent()).toContain('20,000 个版本');
    expect(await page.locator('[role=columnheader][aria-sort=descending]').textContent()).toContain('大小');
    expectCleanLog(log);
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
    ({ page, log } = await app.open({}, 'light', { keep: true }));
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
    // The last test scrolled back to the top: wait for the virtual list to render the top rows
    // (reading before that raced with the scroll under load).
    await expect.poll(async () => (await attrs('aria-rowindex')).map(Number)[0]).toBe(2);
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
