// Rendering tests of issue #15 §4, §5 and the clean dialog's options (§12): the dashboard, the
// header, the module view and the clean preview show the core's figures (one definition each)
// and agree for the same report; lock warnings name only the holders of what the previewed plan
// removes, with what a held file means on the OS; options show their size and are disabled when
// there is nothing in them. Screenshots at 1200x800 and 800x600, light, dark and zh-CN.

import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import type { ScanReport } from '../../src/lib/api';
import { expectCleanLog, renderSuite, screenshot, waitForClean, waitForState, type MockConfig, type PageLog } from './harness';

const app = renderSuite();

async function open(config: MockConfig = {}, scheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; log: PageLog }> {
  const r = await app.open({ versions: 2000, ...config }, scheme);
  await waitForState(r.page, 'done');
  return r;
}

/** The mock's scan report (the figures the backend answered) and its locks calls. */
async function mock(page: Page): Promise<{ report: ScanReport; locksCalls: { cmd: string; planId?: string }[] }> {
  const json = await page.evaluate(() => {
    const m = (window as unknown as { __mock: { report: ScanReport; locksCalls: unknown[] } }).__mock;
    return JSON.stringify({ report: m.report, locksCalls: m.locksCalls });
  });
  return JSON.parse(json);
}

const num = async (page: Page, selector: string, attr: string): Promise<number> => Number(await page.locator(selector).first().getAttribute(attr));

describe('one definition of each figure', { timeout: 90_000 }, () => {
  test('the header, the cards, the module view and the clean preview show the same figures', async () => {
    const { page, log } = await open();
    const { report } = await mock(page);
    const cache = (k: string) => report.caches.find((c) => c.kind === k)!;
    const parts = report.modcache_parts!;

    // The header: the core's total (toolchains counted once, in the module cache).
    expect(await num(page, '[data-testid="total-size"]', 'data-bytes')).toBe(report.total.bytes);
    expect(await num(page, '[data-testid="total-files"]', 'data-files')).toBe(report.total.files);
    const top = report.caches.filter((c) => c.kind !== 'toolchains');
    expect(report.total.files).toBe(top.reduce((s, c) => s + c.files, 0));
    expect(await page.getByTestId('total-files').getAttribute('title')).toContain('counted once');

    // The toolchains card: its figures, stated in a tooltip.
    const tc = page.getByTestId('cache-card-toolchains');
    expect(Number(await tc.getAttribute('data-bytes'))).toBe(cache('toolchains').bytes);
    expect(Number(await tc.getByTestId('cache-files').getAttribute('data-files'))).toBe(cache('toolchains').files);
    expect(await tc.getByTestId('cache-size').getAttribute('title')).toContain('download files');

    // The module cache's parts, each with what it counts.
    const mc = page.getByTestId('cache-card-modcache');
    const extracted = mc.getByTestId('cache-part-extracted');
    expect(Number(await extracted.getAttribute('data-bytes'))).toBe(parts.extracted_bytes);
    expect(await extracted.getAttribute('title')).toContain('module@version');
    expect(Number(await mc.getByTestId('cache-part-vcs').getAttribute('data-bytes'))).toBe(parts.vcs_bytes);
    await page.setViewportSize({ width: 1200, height: 800 });
    await tc.scrollIntoViewIfNeeded();
    await screenshot(page, 'figures-dashboard-1200-light');
    await page.setViewportSize({ width: 800, height: 600 });
    await tc.scrollIntoViewIfNeeded();
    await screenshot(page, 'figures-dashboard-800-light');
    await page.setViewportSize({ width: 1200, height: 800 });

    // The toolchains' clean preview: the card's figures.
    await tc.getByTestId('clean-cache-toolchains').click();
    await waitForClean(page, 'confirm');
    const dialog = page.getByTestId('clean-dialog');
    expect(Number(await dialog.getAttribute('data-bytes'))).toBe(cache('toolchains').bytes);
    expect(Number(await dialog.getAttribute('data-files'))).toBe(cache('toolchains').files);
    await page.getByTestId('clean-dismiss').click();
    await waitForClean(page, 'idle');

    // The module view's "extracted": the dashboard's Extracted.
    await page.getByTestId('open-modules').click();
    const shown = page.getByTestId('module-extracted');
    await shown.waitFor();
    expect(Number(await shown.getAttribute('data-bytes'))).toBe(parts.extracted_bytes);
    expect(await shown.getAttribute('title')).toContain('Extracted');
    expectCleanLog(log);
  });

  test('the clean dialog shows each option’s size and disables options with nothing in them', async () => {
    const { page, log } = await open({ noVcs: true });
    const { report } = await mock(page);
    await page.getByTestId('clean-cache-modcache').click();
    await waitForClean(page, 'confirm');
    const option = (v: string) => page.locator(`[data-testid="clean-option"][value="${v}"]`);
    expect(Number(await option('modcache').getAttribute('data-bytes'))).toBe(report.caches.find((c) => c.kind === 'modcache')!.bytes);
    expect(Number(await option('toolchains').getAttribute('data-bytes'))).toBe(report.caches.find((c) => c.kind === 'toolchains')!.bytes);
    // No VCS checkouts: the option is disabled and says why.
    expect(await option('vcs').isDisabled()).toBe(true);
    const label = page.locator('label.option', { has: option('vcs') });
    expect(await label.getAttribute('title')).toContain('No VCS checkouts');
    expect(await label.textContent()).toContain('No VCS checkouts');
    for (const [w, h] of [
      [1200, 800],
      [800, 600],
    ]) {
      await page.setViewportSize({ width: w, height: h });
      await screenshot(page, `figures-clean-dialog-${w}-light`);
    }
    await page.getByTestId('clean-dismiss').click();

    // With checkouts, the option is offered with its size.
    const other = await open();
    const r2 = (await mock(other.page)).report;
    await other.page.getByTestId('clean-cache-modcache').click();
    await waitForClean(other.page, 'confirm');
    const vcs = other.page.locator('[data-testid="clean-option"][value="vcs"]');
    expect(await vcs.isDisabled()).toBe(false);
    expect(Number(await vcs.getAttribute('data-bytes'))).toBe(r2.modcache_parts!.vcs_bytes);
    expectCleanLog(log);
    expectCleanLog(other.log);
  });

  for (const [scheme, language] of [
    ['dark', null],
    ['light', 'zh-CN'],
  ] as const) {
    test(`screenshots: dashboard and clean dialog, ${scheme}${language ? ' ' + language : ''}`, async () => {
      const { page, log } = await open({ locks: 'some', ...(language ? { language } : {}) }, scheme);
      const name = `${scheme}${language ? '-' + language : ''}`;
      for (const [w, h] of [
        [1200, 800],
        [800, 600],
      ]) {
        await page.setViewportSize({ width: w, height: h });
        await page.getByTestId('cache-card-toolchains').scrollIntoViewIfNeeded();
        await screenshot(page, `figures-dashboard-${w}-${name}`);
      }
      await page.setViewportSize({ width: 1200, height: 800 });
      await page.getByTestId('clean-cache-modcache').click();
      await waitForClean(page, 'confirm');
      await page.locator('[data-testid="clean-dialog"] [data-testid="clean-holders"]').waitFor();
      for (const [w, h] of [
        [1200, 800],
        [800, 600],
      ]) {
        await page.setViewportSize({ width: w, height: h });
        await screenshot(page, `figures-clean-dialog-${w}-${name}`);
      }
      expectCleanLog(log);
    });
  }
});

describe('lock warnings scoped to the plan', { timeout: 90_000 }, () => {
  test('cleaning one version does not name holders of other modules; the note says what happens on Linux', async () => {
    const { page, log } = await open({ locks: 'some' });
    // The whole module cache: its four holders, with what an open file means on Linux.
    await page.getByTestId('clean-cache-modcache').click();
    await waitForClean(page, 'confirm');
    const holders = page.locator('[data-testid="clean-dialog"] [data-testid="clean-holders"]');
    await holders.waitFor();
    expect(await holders.getAttribute('data-count')).toBe('4');
    const note = await page.getByTestId('clean-holders-note').textContent();
    expect(note).toContain('An open file does not stop the clean');
    expect(note).not.toContain('may fail');
    await page.getByTestId('clean-dismiss').click();
    await waitForClean(page, 'idle');

    // One version that no process holds: no warning, although the cache has holders.
    await page.getByTestId('open-modules').click();
    await page.getByTestId('module-view').waitFor();
    await page.getByTestId('module-select').first().click();
    await page.getByTestId('clean-selection').click();
    await waitForClean(page, 'confirm');
    // Asked for this plan (the second preview of this page), and it named nobody.
    await expect.poll(async () => (await mock(page)).locksCalls.filter((c) => c.cmd === 'clean_holders').length).toBe(2);
    await page.waitForTimeout(200);
    expect(await page.locator('[data-testid="clean-dialog"] [data-testid="clean-holders"]').count()).toBe(0);
    expectCleanLog(log);
  });

  test('on Windows the note says an open file blocks the clean', async () => {
    const { page, log } = await open({ locks: 'some', os: 'windows' });
    await page.getByTestId('clean-cache-build').click();
    await waitForClean(page, 'confirm');
    await page.locator('[data-testid="clean-dialog"] [data-testid="clean-holders"]').waitFor();
    expect(await page.getByTestId('clean-holders-note').textContent()).toContain('Windows does not let a file in use be moved or deleted');
    expectCleanLog(log);
  });
});
