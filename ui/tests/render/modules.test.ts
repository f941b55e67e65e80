// Rendering tests of the module view's layout, table semantics and treemap (issue #15, points
// 6, 8 and 9): the table fills the window and is the one thing that scrolls, long paths are
// shortened in the middle, a version filter sizes and sorts by the matching versions, versions
// go by semver, and the treemap has a legend, outlines the selection and drills into versions.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ScanReport } from '../../src/lib/api';
import { compare } from '../../src/lib/semver';
import { expectCleanLog, renderSuite, screenshot, waitForState, type MockConfig, type PageLog } from './harness';

const app = renderSuite();
const ROW = 34;
const LONG = 'github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-openapiv2/internal/descriptor/apiconfig';

/** The app at `width`x`height`, in the module view. */
async function openModules(
  width: number,
  height: number,
  config: MockConfig = {},
  scheme: 'light' | 'dark' = 'light',
  /** Closed after the test (false: the caller closes it, for a page shared by a describe). */
  closeAfter = true,
): Promise<{ page: Page; log: PageLog; report: ScanReport }> {
  const { page, log } = await app.open(config, scheme, { keep: !closeAfter });
  await page.setViewportSize({ width, height });
  await waitForState(page, 'done');
  const report = await page.evaluate(() => (window as unknown as { __mock: { report: ScanReport } }).__mock.report);
  await page.getByTestId('open-modules').click();
  await page.getByTestId('module-view').waitFor();
  await page.getByTestId('module-row').first().waitFor();
  return { page, log, report };
}

/** Where the table's rows are, how much of them the window shows, and what scrolls. */
function layout(page: Page): Promise<{ top: number; visible: number; scrollers: string[]; pageScrolls: boolean }> {
  return page.evaluate(() => {
    const rows = document.querySelector('[data-testid=module-rows]')!.getBoundingClientRect();
    const scrollers: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('*')) {
      const oy = getComputedStyle(el).overflowY;
      if ((oy === 'auto' || oy === 'scroll') && el.scrollHeight > el.clientHeight + 1) scrollers.push(el.dataset.testid ?? el.tagName.toLowerCase());
    }
    const se = document.scrollingElement!;
    return {
      top: rows.top,
      visible: Math.min(rows.bottom, window.innerHeight) - Math.max(rows.top, 0),
      scrollers,
      pageScrolls: se.scrollHeight > window.innerHeight,
    };
  });
}

const rowAttrs = (page: Page, name: string, type = 'module') =>
  page.locator(`[data-testid=module-row][data-row-type=${type}]`).evaluateAll((els, n) => els.map((e) => e.getAttribute(n) ?? ''), name);

describe('layout', () => {
  test('1200x800: the table fills the rest of the window and is the only thing that scrolls', async () => {
    const { page, log } = await openModules(1200, 800);
    const l = await layout(page);
    // Before: about 170 px (5 rows) under the treemap, the page and the table both scrolling.
    expect(l.visible, `${l.visible} px of rows`).toBeGreaterThanOrEqual(8 * ROW);
    expect(l.scrollers).toEqual(['module-rows']);
    expect(l.pageScrolls).toBe(false);
    // The rows reach the bottom of the window (less the view's margin).
    expect(l.top + l.visible).toBeGreaterThan(800 - 24);

    // Hiding the map gives the rows its room; showing it again takes it back.
    const toggle = page.getByTestId('treemap-toggle');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await toggle.click();
    expect(await page.getByTestId('treemap').count()).toBe(0);
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    const hidden = await layout(page);
    expect(hidden.visible).toBeGreaterThanOrEqual(12 * ROW);
    expect(hidden.scrollers).toEqual(['module-rows']);
    await toggle.click();
    await page.getByTestId('treemap').waitFor();
    expectCleanLog(log);
  });

  test('800x600: the table starts above the fold, the map waits behind its button', async () => {
    const { page, log } = await openModules(800, 600);
    const l = await layout(page);
    expect(l.top).toBeLessThan(600 - 3 * ROW);
    expect(l.visible, `${l.visible} px of rows`).toBeGreaterThanOrEqual(3 * ROW);
    expect(l.scrollers).toEqual(['module-rows']);
    expect(l.pageScrolls).toBe(false);
    // A short window starts with the map folded; the button opens it.
    expect(await page.getByTestId('treemap').count()).toBe(0);
    expect(await page.getByTestId('treemap-toggle').getAttribute('aria-expanded')).toBe('false');
    await page.getByTestId('treemap-toggle').click();
    await page.getByTestId('treemap').waitFor();
    expectCleanLog(log);
  });

  test('a long path is shortened in the middle, whole in its tooltip; the name column gets the width', async () => {
    const { page, log } = await openModules(800, 600);
    await page.getByTestId('module-filter').fill('apiconfig');
    const path = page.locator(`[data-testid=module-row][data-module="${LONG}"] .path`);
    await expect.poll(() => path.count()).toBe(1);
    const text = (await path.textContent()) ?? '';
    expect(await path.getAttribute('title')).toBe(LONG);
    expect(text).toContain('…');
    const [head, tail] = text.split('…');
    expect(LONG.startsWith(head) && head.length > 5).toBe(true);
    expect(LONG.endsWith(tail) && tail.length > head.length).toBe(true);
    // It fits its cell: no end ellipsis by CSS on top.
    expect(await path.evaluate((e) => e.scrollWidth <= e.clientWidth + 1)).toBe(true);
    // The name column has the width: more than twice any figure's column, even at 800 px.
    const widths = await page.locator('.thead [role=columnheader]').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
    expect(widths[1]).toBeGreaterThan(2 * Math.max(...widths.slice(2)));
    // Wide enough again, the path is whole.
    await page.setViewportSize({ width: 1600, height: 600 });
    await expect.poll(() => path.textContent()).toBe(LONG);
    expectCleanLog(log);
  });
});

describe('table semantics', () => {
  let page: Page;
  let log: PageLog;
  let report: ScanReport;
  beforeAll(async () => {
    ({ page, log, report } = await openModules(1280, 900, {}, 'light', false));
  });
  afterAll(async () => {
    await page?.context().close();
  });

  test('every header has a tooltip; Download sorts', async () => {
    for (const key of ['name', 'versions', 'size', 'download', 'newest']) {
      const title = await page.getByTestId(`sort-${key}`).getAttribute('title');
      expect(title, key).toBeTruthy();
      expect(title!.length, key).toBeGreaterThan(10);
    }
    await page.getByTestId('sort-download').click();
    expect(await page.locator('[role=columnheader][aria-sort=descending]').textContent()).toContain('Download');
    const downloads = (await rowAttrs(page, 'data-download')).map(Number);
    expect(downloads.length).toBeGreaterThan(5);
    expect(downloads).toEqual([...downloads].sort((a, b) => b - a));
    const byPath = new Map<string, number>();
    for (const m of report.modules) byPath.set(m.path, (byPath.get(m.path) ?? 0) + m.download_bytes);
    expect(downloads[0]).toBe(Math.max(...byPath.values()));
    await page.getByTestId('sort-download').click();
    const asc = (await rowAttrs(page, 'data-download')).map(Number);
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    await page.getByTestId('sort-size').click();
  });

  test('a version filter shows and sorts by the matching versions, not the whole module', async () => {
    await page.getByTestId('module-filter').fill('@v1.1');
    await expect.poll(async () => (await rowAttrs(page, 'data-version', 'version')).every((v) => v.includes('v1.1'))).toBe(true);
    // Each module row's size is the sum of its (matching) version rows, and they sort by it.
    const rows = await page.locator('[data-testid=module-row]').evaluateAll((els) =>
      els.map((e) => ({ type: e.getAttribute('data-row-type'), module: e.getAttribute('data-module')!, bytes: Number(e.getAttribute('data-bytes')) })),
    );
    const sums = new Map<string, number>();
    for (const r of rows) if (r.type === 'version') sums.set(r.module, (sums.get(r.module) ?? 0) + r.bytes);
    const mods = rows.filter((r) => r.type === 'module');
    expect(mods.length).toBeGreaterThan(2);
    // The last module row may have its versions below the window: check the ones complete.
    for (const m of mods.slice(0, -1)) expect(m.bytes, m.module).toBe(sums.get(m.module));
    expect(mods.map((m) => m.bytes)).toEqual(mods.map((m) => m.bytes).sort((a, b) => b - a));
    // At least one of them is smaller than its whole module.
    const whole = new Map(report.module_totals.map((t) => [t.path, t.bytes]));
    expect(mods.some((m) => m.bytes < whole.get(m.module)!)).toBe(true);
    await page.getByTestId('module-filter').fill('');
  });

  test('versions inside a module go by semver, newest first, whatever the sort', async () => {
    await page.getByTestId('module-filter').fill('example.com/semver/order');
    const mod = page.locator('[data-testid=module-row][data-module="example.com/semver/order"]');
    await mod.locator('button.chev').click();
    const expected = ['v1.0.0+incompatible', 'v0.10.0', 'v0.3.0', 'v0.2.0', 'v0.0.0-20240101000000-abcdef123456'];
    await expect.poll(() => rowAttrs(page, 'data-version', 'version')).toEqual(expected);
    expect([...expected].sort((a, b) => compare(b, a))).toEqual(expected);
    for (const key of ['size', 'download', 'newest', 'name']) {
      await page.getByTestId(`sort-${key}`).click();
      expect(await rowAttrs(page, 'data-version', 'version'), key).toEqual(expected);
    }
    await page.getByTestId('sort-size').click();
    await page.getByTestId('module-filter').fill('');
    expectCleanLog(log);
  });
});

describe('treemap', () => {
  test('legend, selection outline, drill-down into versions and the breadcrumb back', async () => {
    const { page, log, report } = await openModules(1280, 900);
    const treemap = page.getByTestId('treemap');
    const legend = page.getByTestId('treemap-legend');
    // Every colour on the map is in the legend.
    const tileColours = new Set(await treemap.locator('g.cell').evaluateAll((gs) => gs.map((g) => [...g.classList].find((c) => /^c(\d|other)$/.test(c))!)));
    const legendColours = await legend.locator('li[data-color]').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-color')!));
    for (const c of tileColours) expect(legendColours, c).toContain(c === 'cother' ? '-1' : c.slice(1));
    expect(await legend.textContent()).toContain('Colours by owner');
    expect(await legend.textContent()).toContain('golang.org');
    expect(await legend.textContent()).toContain('Selected for cleaning');

    // The largest module with several versions.
    const counts = new Map(report.module_totals.map((t) => [t.path, t.versions]));
    const names = await treemap.locator('g.cell').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-name')!));
    const target = names.find((n) => (counts.get(n) ?? 0) >= 3 && n !== 'golang.org/toolchain')!;
    expect(target).toBeTruthy();
    const versions = report.modules.filter((m) => m.path === target);

    // Select one of its versions in the table: its tile is outlined (dashed: some).
    await page.getByTestId('module-filter').fill(target);
    const mod = page.locator(`[data-testid=module-row][data-row-type=module][data-module="${target}"]`);
    await mod.locator('button.chev').click();
    const firstVersion = page.locator(`[data-testid=module-row][data-row-type=version][data-module="${target}"]`).first();
    const picked = (await firstVersion.getAttribute('data-version'))!;
    await firstVersion.getByTestId('module-select').click();
    await page.getByTestId('module-filter').fill('');
    const tile = treemap.locator(`g.cell[data-name="${target}"]`);
    await expect.poll(() => tile.getAttribute('data-selected')).toBe('some');
    expect(await tile.locator('rect.mark').count()).toBe(1);
    expect(await tile.locator('title').textContent()).toContain('some versions selected');
    await screenshot(page, 'modules-treemap-selected-light');

    // A click drills into the module's versions: one tile each, the breadcrumb and the table follow.
    await tile.click();
    await expect.poll(() => treemap.locator('g.cell').count()).toBe(versions.filter((v) => v.bytes > 0).length);
    const versionNames = await treemap.locator('g.cell').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-name')!));
    expect(new Set(versionNames)).toEqual(new Set(versions.filter((v) => v.bytes > 0).map((v) => v.version)));
    expect(await treemap.locator(`g.cell[data-name="${picked}"]`).getAttribute('data-selected')).toBe('all');
    expect(await treemap.locator('g.cell').first().locator('title').textContent()).toContain(`${target}@`);
    const crumbs = page.getByTestId('treemap-crumbs');
    expect(await crumbs.textContent()).toContain(target);
    expect(await page.getByTestId('treemap-caption').textContent()).toContain(`${versions.length} versions`);
    expect(await legend.textContent()).toContain('Colours by major version');
    expect(await page.getByTestId('module-filter').inputValue()).toBe(target);
    expect(await mod.locator('button.chev').getAttribute('aria-expanded')).toBe('true');
    await screenshot(page, 'modules-treemap-drilled-light');

    // A version's tile: the largest folders inside it, from the backend; a folder goes deeper.
    const version = versions.filter((v) => v.bytes > 0).sort((a, b) => b.bytes - a.bytes)[0];
    await treemap.locator(`g.cell[data-name="${version.version}"]`).click();
    await expect.poll(() => treemap.locator('g.cell[data-name="internal"]').count()).toBe(1);
    const folderNames = await treemap.locator('g.cell').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-name')!));
    expect(folderNames.slice(0, 3)).toEqual(['internal', 'testdata', 'cmd']);
    expect(folderNames).toContain('');
    expect(await treemap.locator('g.cell[data-name=""] text.name').textContent()).toBe('(files)');
    expect(await treemap.locator('g.cell[data-name="internal"] title').textContent()).toContain(`${version.version}/internal/`);
    expect(await crumbs.textContent()).toContain(version.version);
    expect(await legend.textContent()).toContain('Inside the version');
    expect(await legend.textContent()).toContain('Loose files');
    expect(await treemap.locator('g.cell[data-name=""] title').textContent()).toContain('Files directly in this folder');
    expect(await page.getByTestId('treemap-caption').textContent()).toContain('5 folders');
    const calls = () => page.evaluate(() => (window as unknown as { __mock: { calls: string[] } }).__mock.calls.filter((c) => c === 'module_folders').length);
    expect(await calls()).toBe(1);
    await treemap.locator('g.cell[data-name="internal"]').click();
    await expect.poll(() => treemap.locator('g.cell[data-name="a"]').count()).toBe(1);
    expect(await crumbs.textContent()).toContain('internal');
    await screenshot(page, 'modules-treemap-folders-light');
    // The loose files have nothing below: a click stays.
    await treemap.locator('g.cell[data-name=""]').click();
    expect(await calls()).toBe(2);
    // Up to the version, then to the module's versions, by the breadcrumb.
    await page.getByTestId('treemap-up-version').click();
    await expect.poll(() => treemap.locator('g.cell[data-name="internal"]').count()).toBe(1);
    await page.getByTestId('treemap-up-module').click();
    await expect.poll(() => treemap.locator(`g.cell[data-name="${version.version}"]`).count()).toBe(1);
    expect(await page.getByTestId('treemap-up-module').count()).toBe(0);

    // The way back: all modules again, the filter the drill-down set cleared.
    await page.getByTestId('treemap-up').click();
    await expect.poll(() => treemap.locator('g.cell').count()).toBe(60);
    expect(await page.getByTestId('module-filter').inputValue()).toBe('');
    expect(await page.getByTestId('treemap-up').count()).toBe(0);

    // From the keyboard: Enter on a tile drills in too; Escape in the filter comes back.
    await treemap.locator('g.cell[tabindex="0"]').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('treemap-up').waitFor();
    await page.getByTestId('module-filter').focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('treemap-up').count()).toBe(0);
    expect(await treemap.locator('g.cell').count()).toBe(60);
    expectCleanLog(log);
  });

  test('a version the backend cannot read says so, and the breadcrumb still goes back', async () => {
    const { page, log, report } = await openModules(1280, 900, { foldersError: 'NotFound' });
    const treemap = page.getByTestId('treemap');
    const counts = new Map(report.module_totals.map((t) => [t.path, t.versions]));
    const names = await treemap.locator('g.cell').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-name')!));
    const target = names.find((n) => (counts.get(n) ?? 0) >= 2 && n !== 'golang.org/toolchain')!;
    await treemap.locator(`g.cell[data-name="${target}"]`).click();
    await page.getByTestId('treemap-up').waitFor();
    await treemap.locator('g.cell').first().click();
    const error = page.getByTestId('treemap-error');
    await error.waitFor();
    expect(await error.getAttribute('role')).toBe('alert');
    expect(await error.textContent()).toContain('Could not read the folders');
    expect(await error.textContent()).toContain('No such file or directory');
    expect(await page.getByTestId('treemap').count()).toBe(0);
    await page.getByTestId('treemap-up-module').click();
    await expect.poll(() => page.getByTestId('treemap').locator('g.cell').count()).toBe(counts.get(target));
    expect(await page.getByTestId('treemap-error').count()).toBe(0);
    expectCleanLog(log);
  });
});

describe('screenshots', () => {
  for (const [w, h] of [
    [1200, 800],
    [800, 600],
  ] as const)
    for (const variant of ['light', 'dark', 'zh-CN'] as const)
      test(`module view ${w}x${h} ${variant}`, async () => {
        const { page, log } = await openModules(w, h, variant === 'zh-CN' ? { locale: 'zh-CN' } : {}, variant === 'dark' ? 'dark' : 'light');
        await page.getByTestId('module-select').nth(1).click();
        await page.locator('[data-row-type=module] button.chev').nth(1).click();
        await screenshot(page, `modules-${w}x${h}-${variant}`);
        const l = await layout(page);
        expect(l.scrollers).toEqual(['module-rows']);
        if (h === 800) {
          // Drilled into the first module with several versions.
          await page.getByTestId('treemap').locator('g.cell').nth(1).click();
          await page.getByTestId('treemap-up').waitFor();
          await screenshot(page, `modules-${w}x${h}-${variant}-drilled`);
        }
        expectCleanLog(log);
      });
});

describe('the selection toolbar', () => {
  /** Where each control of the toolbar is, and the toolbar's height. */
  const toolbar = (page: Page) =>
    page.evaluate(() => {
      const bar = document.querySelector<HTMLElement>('[role=toolbar][data-testid=select-toolbar]')!;
      const controls = [...bar.querySelectorAll<HTMLElement>('button, input')].filter((el) => el.getClientRects().length > 0);
      const r = (el: Element) => el.getBoundingClientRect();
      const name = (el: HTMLElement) =>
        (el.getAttribute('aria-label') ?? el.textContent ?? '').replace(/\s+/g, ' ').trim();
      return {
        height: r(bar).height,
        width: r(bar).width,
        scrollWidth: bar.scrollWidth,
        tallest: Math.max(...controls.map((el) => r(el).height)),
        tops: controls.map((el) => Math.round(r(el).top)),
        rights: controls.map((el) => Math.round(r(el).right)),
        widths: [...bar.children].map((el) => Math.round(r(el).width)),
        barRight: Math.round(r(bar).right),
        names: controls.map((el) => ({ id: el.dataset.testid ?? '', name: name(el) })),
      };
    });

  for (const [w, h] of [
    [800, 600],
    [1200, 800],
  ] as const)
    for (const locale of ['en-US', 'zh-CN'] as const)
      test(`${w}x${h} ${locale}: one row, every action named, with a selection's size on Clean`, async () => {
        const { page, log } = await openModules(w, h, { locale });
        // A selection: the Clean button carries its count and size (its longest label).
        await page.getByTestId('select-keep-latest').click();
        await expect.poll(() => page.getByTestId('clean-selection').getAttribute('data-count')).not.toBe('0');
        const tb = await toolbar(page);
        expect(tb.names.map((n) => n.id)).toEqual([
          'select-unused',
          'select-older',
          'select-older-days',
          'select-keep-latest',
          'select-keep-latest-n',
          'select-none',
          'clean-selection',
        ]);
        for (const n of tb.names) expect(n.name, `${n.id} has an accessible name`).not.toBe('');
        // One row: every control on the same line, the toolbar one control high, nothing cut off.
        expect(Math.max(...tb.tops) - Math.min(...tb.tops), `tops ${tb.tops}, widths ${tb.widths} of ${tb.width}`).toBeLessThanOrEqual(2);
        expect(tb.height).toBeLessThanOrEqual(tb.tallest + 2);
        expect(tb.scrollWidth).toBeLessThanOrEqual(Math.ceil(tb.width));
        for (const r of tb.rights) expect(r).toBeLessThanOrEqual(tb.barRight);
        await screenshot(page, `modules-toolbar-${w}x${h}-${locale}`);
        if (w === 1200) {
          // The map's legend beside it: a long owner ends in an ellipsis, whole in its tooltip.
          const legend = await page.locator('[data-testid=treemap-legend] li[data-color]').evaluateAll((els) =>
            els.map((li) => {
              const n = li.querySelector<HTMLElement>('.name');
              return { title: li.getAttribute('title') ?? '', overflow: n ? getComputedStyle(n).textOverflow : null, right: n ? n.getBoundingClientRect().right : 0, li: li.getBoundingClientRect().right };
            }),
          );
          expect(legend.length).toBeGreaterThan(1);
          for (const l of legend) {
            expect(l.overflow).toBe('ellipsis');
            expect(l.title).not.toBe('');
            expect(l.right).toBeLessThanOrEqual(l.li + 0.5);
          }
        }
        // The secondary actions keep their words for people who hover and for screen readers.
        const none = page.getByTestId('select-none');
        expect(await none.getAttribute('aria-label')).toBe(locale === 'zh-CN' ? '取消选择' : 'Select none');
        expect(await none.getAttribute('title')).toBe(locale === 'zh-CN' ? '取消选择' : 'Select none');
        // Reachable by keyboard: Tab from the first control walks through all of them.
        await page.getByTestId('select-unused').focus();
        const order: string[] = [];
        for (let i = 0; i < 6; i++) {
          await page.keyboard.press('Tab');
          order.push(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid ?? ''));
        }
        expect(order).toEqual(['select-older', 'select-older-days', 'select-keep-latest', 'select-keep-latest-n', 'select-none', 'clean-selection']);
        await page.keyboard.press('Shift+Tab');
        await page.keyboard.press('Enter');
        await expect.poll(() => page.getByTestId('clean-selection').getAttribute('data-count')).toBe('0');
        expectCleanLog(log);
      });
});
