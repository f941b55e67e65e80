// Rendering tests of the clean flow (issue #3 §8): the built app in headless Chromium against the
// Tauri IPC mock, whose clean commands change its env and scan report like a real clean.

import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import type { ScanReport, Settings } from '../../src/lib/api';
import { formatBytes } from '../../src/lib/format';
import { expectCleanLog, renderSuite, screenshot, waitForClean, waitForState, type MockConfig, type PageLog } from './harness';

const app = renderSuite();

async function open(config: MockConfig = {}, scheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; log: PageLog }> {
  const r = await app.open(config, scheme);
  await waitForState(r.page, 'done');
  return r;
}

interface MockView {
  report: ScanReport;
  calls: string[];
  cleanStates: string[];
  cleanCalls: { cmd: string; planId: string; targets: { target: string }[] }[];
  /** What was stored: the app's fields and those it does not know (kept untouched). */
  settingsWrites: (Settings & Record<string, unknown>)[];
  history: { bytes_freed: number }[];
}

/** The mock's records; the 20,000-row report only when asked (it is slow to serialize). */
async function mock(page: Page, withReport = false): Promise<MockView> {
  const json = await page.evaluate((withReport) => {
    const m = (window as unknown as { __mock: MockView }).__mock;
    // One JSON string crosses the protocol much faster than 20,000 objects.
    return JSON.stringify({
      report: withReport ? m.report : null,
      calls: m.calls,
      cleanStates: m.cleanStates,
      cleanCalls: m.cleanCalls,
      settingsWrites: m.settingsWrites,
      history: m.history,
    });
  }, withReport);
  return JSON.parse(json) as MockView;
}

const cleanState = (page: Page) => page.evaluate(() => document.body.dataset.cleanState);

// The clean flows take several scans of the 20,000-version mock each: give them room on 2 cores.
describe('clean a cache card', { timeout: 90_000 }, () => {
  test('dialog: options, live preview, Esc and focus return, focus trap, confirm → undo window → purge → result', async () => {
    const { page, log } = await open({ undoSeconds: 1, purgeDelay: 150 });
    const { report } = await mock(page, true);
    const modcache = report.caches.find((c) => c.kind === 'modcache')!;
    expect(await cleanState(page)).toBe('idle');
    // Every cleanable, existing card has the button; gobin is not cleaned.
    for (const kind of ['modcache', 'toolchains', 'build', 'gopls']) {
      expect(await page.getByTestId(`clean-cache-${kind}`).count(), kind).toBe(1);
    }
    expect(await page.getByTestId('clean-cache-gobin').count()).toBe(0);

    const button = page.getByTestId('clean-cache-modcache');
    await button.click();
    const dialog = page.getByTestId('clean-dialog');
    await dialog.waitFor();
    expect(await dialog.getAttribute('role')).toBe('dialog');
    expect(await dialog.getAttribute('aria-modal')).toBe('true');
    await waitForClean(page, 'confirm');
    expect(await dialog.getAttribute('data-items')).toBe('1');
    expect(await dialog.getAttribute('data-bytes')).toBe(String(modcache.bytes));
    expect(await dialog.getByTestId('clean-option').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual([
      'modcache',
      'toolchains',
      'vcs',
    ]);
    expect(await dialog.getByTestId('clean-summary').textContent()).toContain(formatBytes(modcache.bytes));
    expect(await dialog.getByTestId('clean-preview-item').first().textContent()).toContain('module cache');

    // Esc closes and gives the focus back to the card's button.
    await page.keyboard.press('Escape');
    await waitForClean(page, 'idle');
    expect(await dialog.count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('clean-cache-modcache');

    // Another option re-plans: the toolchains, with the backend's warning.
    await button.click();
    await waitForClean(page, 'confirm');
    await dialog.locator('input[value=toolchains]').check();
    await expect.poll(() => dialog.getAttribute('data-items')).toBe('3');
    await waitForClean(page, 'confirm');
    const toolchainBytes = report.modules.filter((m) => m.toolchain).reduce((s, m) => s + m.bytes + m.download_bytes, 0);
    expect(await dialog.getAttribute('data-bytes')).toBe(String(toolchainBytes));
    expect(await dialog.getByTestId('clean-preview-item').count()).toBe(3);
    expect(await dialog.getByTestId('clean-warnings').textContent()).toContain('not from the module cache');

    // Tab never leaves the dialog.
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => !!document.activeElement?.closest('[data-testid=clean-dialog]'))).toBe(true);
    }
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => !!document.activeElement?.closest('[data-testid=clean-dialog]'))).toBe(true);

    // Back to the whole cache, and clean it.
    await dialog.locator('input[value=modcache]').check();
    await expect.poll(() => dialog.getAttribute('data-items')).toBe('1');
    await waitForClean(page, 'confirm');
    await page.getByTestId('clean-confirm').click();
    const toast = page.getByTestId('clean-toast');
    await expect.poll(() => toast.getAttribute('data-state')).toBe('holding');
    expect(await dialog.count()).toBe(0);
    expect(await toast.textContent()).toContain(`Removed ${formatBytes(modcache.bytes)} (1 item) — gone for Go.`);
    expect(await toast.getByTestId('clean-countdown').textContent()).toMatch(/Freeing disk space in [01] s/);
    expect(await toast.getByTestId('clean-undo').count()).toBe(1);
    // The re-scan shows the module cache gone (the mock removed it like a real clean).
    await expect.poll(() => page.getByTestId('cache-card-modcache').getAttribute('data-bytes')).toBe('0');
    expect(await page.getByTestId('clean-cache-modcache').count()).toBe(0);
    // The purge, then the result.
    await expect.poll(() => toast.getAttribute('data-state'), { timeout: 5000 }).toBe('purging');
    expect(await toast.getByTestId('clean-purge-progress').getAttribute('role')).toBe('progressbar');
    await waitForClean(page, 'done');
    const result = page.getByTestId('clean-result');
    expect(await result.getAttribute('data-bytes-freed')).toBe(String(modcache.bytes));
    expect(await result.getAttribute('data-removed')).toBe('1');
    expect(await result.getAttribute('data-failed')).toBe('0');
    expect(await result.textContent()).toContain(`Freed ${formatBytes(modcache.bytes)}`);
    const m = await mock(page);
    expect(m.cleanStates).toEqual(['planning', 'confirm', 'idle', 'planning', 'confirm', 'planning', 'confirm', 'planning', 'confirm', 'running', 'holding', 'purging', 'done']);
    expect(m.cleanCalls.map((c) => c.targets)).toEqual([[{ target: 'modcache' }]]);
    await page.getByTestId('clean-close').click();
    await waitForClean(page, 'idle');
    expect(await toast.count()).toBe(0);
    expectCleanLog(log);
  });

  test('Undo during the undo window puts the cache back', async () => {
    const { page, log } = await open({ undoSeconds: 30 });
    const before = await page.getByTestId('cache-card-gopls').getAttribute('data-bytes');
    await page.getByTestId('clean-cache-gopls').click();
    await waitForClean(page, 'confirm');
    // One target only: no options to choose from.
    expect(await page.getByTestId('clean-option').count()).toBe(0);
    await page.getByTestId('clean-confirm').click();
    await waitForClean(page, 'holding');
    await expect.poll(() => page.getByTestId('cache-card-gopls').getAttribute('data-bytes')).toBe('0');
    // Cleaning other caches waits until this run is finished.
    expect(await page.getByTestId('clean-cache-build').isDisabled()).toBe(true);
    const seconds = Number(await page.getByTestId('clean-countdown').getAttribute('data-seconds'));
    expect(seconds).toBeGreaterThan(20);
    expect(seconds).toBeLessThanOrEqual(30);
    await page.getByTestId('clean-undo').click();
    await waitForClean(page, 'undone');
    expect(await page.getByTestId('clean-toast').getAttribute('data-state')).toBe('undone');
    expect(await page.getByTestId('clean-undone').textContent()).toContain('Restored 1 item');
    await waitForState(page, 'done');
    await expect.poll(() => page.getByTestId('cache-card-gopls').getAttribute('data-bytes')).toBe(before);
    expect((await mock(page)).calls).toContain('clean_undo');
    expectCleanLog(log);
  });

  test('the build card offers its five targets; "older than" and "trim to" re-plan with the days or GiB typed', async () => {
    const { page } = await open();
    await page.getByTestId('clean-cache-build').click();
    await waitForClean(page, 'confirm');
    const dialog = page.getByTestId('clean-dialog');
    expect(await dialog.getByTestId('clean-option').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual([
      'build',
      'build-older-than',
      'build-budget',
      'test',
      'fuzz',
    ]);
    // The whole build cache shows its scanned size, like the card; the hint shows the command
    // as code, not with backticks.
    const build = await page.evaluate(() => (window as unknown as { __mock: { report: { caches: { kind: string; bytes: number }[] } } }).__mock.report.caches.find((c) => c.kind === 'build')!.bytes);
    const whole = dialog.locator('label.option', { has: page.locator('input[value=build]') });
    expect((await whole.getByTestId('clean-option-size').textContent())!.trim()).toBe(
      (await page.getByTestId('cache-card-build').getByTestId('cache-size').textContent())!.trim(),
    );
    expect(await dialog.locator('input[value=build]').getAttribute('data-bytes')).toBe(String(build));
    const budgetOption = dialog.locator('label.option', { has: page.locator('input[value=build-budget]') });
    expect(await budgetOption.textContent()).not.toContain('`');
    expect(await budgetOption.locator('code').textContent()).toBe('gocache-doctor clean --build --max-size');
    await dialog.locator('input[value=build-older-than]').check();
    await waitForClean(page, 'confirm');
    // Default 5 days: only the "older than 5 days" bucket.
    await expect.poll(() => dialog.getAttribute('data-bytes')).toBe('512000000');
    await dialog.getByTestId('clean-days').fill('1');
    // Everything older than a day: 2-5 days and > 5 days buckets (1-2 days is empty).
    await expect.poll(() => dialog.getAttribute('data-bytes')).toBe(String(822_882_113 + 512_000_000));
    // A size budget: the plan asks the backend for `build-budget` with the GiB typed, in bytes,
    // and the preview is the oldest entries until the rest fits.
    await dialog.getByTestId('clean-budget').fill('0.5');
    await expect
      .poll(() => page.evaluate(() => JSON.stringify((window as unknown as { __mock: { lastPlanTargets?: unknown } }).__mock.lastPlanTargets ?? null)))
      .toBe(JSON.stringify([{ target: 'build-budget', max_bytes: 536_870_912 }]));
    await expect.poll(() => dialog.locator('input[value=build-budget]').isChecked()).toBe(true);
    const budgeted = await page.evaluate(() => {
      type Build = { bytes: number; age_histogram: { bytes: number }[] };
      const b = (window as unknown as { __mock: { report: { build: Build } } }).__mock.report.build;
      let rest = b.bytes;
      let freed = 0;
      for (const x of [...b.age_histogram].reverse()) {
        if (rest <= 536_870_912) break;
        rest -= x.bytes;
        freed += x.bytes;
      }
      return freed;
    });
    expect(budgeted).toBeGreaterThan(0);
    await expect.poll(() => dialog.getAttribute('data-bytes')).toBe(String(budgeted));
    await dialog.locator('input[value=test]').check();
    await expect.poll(() => dialog.getByTestId('clean-summary').textContent()).toContain('Cached test results will be invalidated');
    await page.getByTestId('clean-dismiss').click();
    await waitForClean(page, 'idle');
  });

  test('a failed permission item shows the owner, the fix command to copy, and Clean as administrator', async () => {
    const { page, log } = await open({ cleanFail: 'permission' });
    await page.getByTestId('clean-cache-modcache').click();
    await waitForClean(page, 'confirm');
    await page.getByTestId('clean-confirm').click();
    // Nothing was quarantined: no undo window, straight to the result.
    await waitForClean(page, 'done');
    const result = page.getByTestId('clean-result');
    expect(await result.getAttribute('data-failed')).toBe('1');
    expect(await result.getAttribute('data-removed')).toBe('0');
    expect(await result.getAttribute('data-bytes-freed')).toBe('0');
    const item = result.getByTestId('clean-result-item');
    expect(await item.getAttribute('data-cause')).toBe('permission');
    expect(await item.textContent()).toContain('Permission denied');
    expect(await item.textContent()).toContain('Some files belong to root, not to you');
    expect(await item.getByTestId('clean-owner').textContent()).toBe('root (uid 0)');
    expect(await item.textContent()).toContain('and 17 more entries failed the same way');
    expect(await item.getByTestId('clean-fix').textContent()).toBe('sudo chown -R "$(id -un)" /home/gopher/go/pkg/mod');
    await item.getByTestId('copy-fix').click();
    await expect.poll(() => item.getByTestId('copy-fix').textContent()).toContain('Copied');
    // The fix text does not overflow the toast.
    const overflow = await page.getByTestId('clean-toast').evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await result.getByTestId('clean-retry').count()).toBe(1);

    // Elevated clean: a fresh plan of the failed item's target, run by clean_elevated.
    await result.getByTestId('clean-elevated').click();
    await waitForClean(page, 'done');
    await expect.poll(() => page.getByTestId('clean-result').getAttribute('data-removed')).toBe('1');
    expect(await page.getByTestId('clean-result').getAttribute('data-failed')).toBe('0');
    expect(await page.getByTestId('clean-result').textContent()).toContain('as administrator');
    const m = await mock(page);
    expect(m.cleanCalls.map((c) => [c.cmd, c.targets])).toEqual([
      ['clean_execute', [{ target: 'modcache' }]],
      ['clean_elevated', [{ target: 'modcache' }]],
    ]);
    expect(m.cleanCalls[1].planId).not.toBe(m.cleanCalls[0].planId);
    await expect.poll(() => page.getByTestId('cache-card-modcache').getAttribute('data-bytes')).toBe('0');
    expectCleanLog(log);
  });

  test('Retry re-plans the same targets in the dialog', async () => {
    const { page } = await open({ cleanFail: 'permission' });
    await page.getByTestId('clean-cache-gopls').click();
    await waitForClean(page, 'confirm');
    await page.getByTestId('clean-confirm').click();
    await waitForClean(page, 'done');
    await page.getByTestId('clean-retry').click();
    await waitForClean(page, 'confirm');
    expect(await page.getByTestId('clean-dialog').textContent()).toContain('Clean gopls cache');
    const calls = (await mock(page)).calls.filter((c) => c === 'clean_plan');
    expect(calls.length).toBe(2);
  });

  test('command errors are shown in plain words with what to do', async () => {
    const { page, log } = await open({ planError: 'BadRoot' });
    await page.getByTestId('clean-cache-gopls').click();
    await waitForClean(page, 'error');
    const err = page.getByTestId('clean-error');
    expect(await err.getAttribute('data-code')).toBe('BadRoot');
    expect(await err.getAttribute('role')).toBe('alert');
    expect(await err.textContent()).toContain('The app refused to clean this folder.');
    expect(await err.textContent()).toContain('does not look like a Go cache');
    // Asking again gives the same refusal: no Try again, no Clean, and the way out says Close.
    expect(await page.getByTestId('clean-replan').count()).toBe(0);
    expect(await page.getByTestId('clean-confirm').count()).toBe(0);
    expect((await page.getByTestId('clean-dismiss').textContent())?.trim()).toBe('Close');
    await page.getByTestId('clean-dismiss').click();
    await waitForClean(page, 'idle');
    expectCleanLog(log);
  });

  test('in a small window the title and the buttons stay in sight; the options and the error scroll between them', async () => {
    const { page, log } = await open({ planError: 'BadRoot' });
    await page.setViewportSize({ width: 800, height: 600 });
    // The build cache offers the most options: with the error below them they outgrow 600 px.
    await page.getByTestId('clean-cache-build').click();
    await waitForClean(page, 'error');
    const boxes = await page.getByTestId('clean-dialog').evaluate((dialog) => {
      const r = (el: Element | null) => {
        const b = el!.getBoundingClientRect();
        return { top: b.top, bottom: b.bottom };
      };
      const scroll = dialog.querySelector('.scroll')!;
      return {
        dialog: r(dialog),
        title: r(dialog.querySelector('#clean-title')),
        close: r(dialog.querySelector('[data-testid="clean-dismiss"]')),
        dialogScrolls: dialog.scrollHeight > dialog.clientHeight + 1,
        scrollOverflows: scroll.scrollHeight > scroll.clientHeight + 1,
        viewport: window.innerHeight,
      };
    });
    expect(boxes.scrollOverflows, JSON.stringify(boxes)).toBe(true);
    expect(boxes.dialogScrolls, JSON.stringify(boxes)).toBe(false);
    expect(boxes.dialog.bottom).toBeLessThanOrEqual(boxes.viewport);
    for (const part of [boxes.title, boxes.close]) {
      expect(part.top, JSON.stringify(boxes)).toBeGreaterThanOrEqual(boxes.dialog.top);
      expect(part.bottom, JSON.stringify(boxes)).toBeLessThanOrEqual(boxes.dialog.bottom);
    }
    // The error is reached by scrolling the middle.
    await page.getByTestId('clean-error').scrollIntoViewIfNeeded();
    await screenshot(page, 'clean-dialog-error-800x600');
    await page.getByTestId('clean-dismiss').click();
    await waitForClean(page, 'idle');
    expectCleanLog(log);
  });

  test('an error that may pass offers Try again', async () => {
    const { page, log } = await open({ planError: 'Io' });
    await page.getByTestId('clean-cache-gopls').click();
    await waitForClean(page, 'error');
    expect(await page.getByTestId('clean-error').getAttribute('data-code')).toBe('Io');
    expect((await page.getByTestId('clean-dismiss').textContent())?.trim()).toBe('Cancel');
    await page.getByTestId('clean-replan').click();
    await waitForClean(page, 'error');
    await page.getByTestId('clean-dismiss').click();
    await waitForClean(page, 'idle');
    expectCleanLog(log);
  });

  for (const scheme of ['light', 'dark'] as const) {
    test(`screenshots of the dialog and the result, ${scheme}`, async () => {
      const { page } = await open({ cleanFail: 'permission' }, scheme);
      await page.getByTestId('clean-cache-build').click();
      await waitForClean(page, 'confirm');
      await page.getByTestId('clean-dialog').locator('input[value=build-older-than]').check();
      await waitForClean(page, 'confirm');
      await expect.poll(() => page.getByTestId('clean-preview-item').count()).toBe(1);
      await screenshot(page, `clean-dialog-${scheme}`);
      await page.getByTestId('clean-confirm').click();
      await waitForClean(page, 'done');
      // Nothing was removed: no re-scan, the dashboard keeps its figures behind the result.
      expect(await page.evaluate(() => document.body.dataset.scanState)).toBe('done');
      await screenshot(page, `clean-result-${scheme}`);
    });
  }
});

describe('module view selection', { timeout: 90_000 }, () => {
  const count = (page: Page) => page.getByTestId('clean-selection').getAttribute('data-count');

  test('checkboxes, shift-click ranges, the header checkbox over the filter, select none', async () => {
    const { page, log } = await open();
    await page.getByTestId('open-modules').click();
    await page.getByTestId('module-view').waitFor();
    const rows = page.getByTestId('module-row');
    const boxes = page.getByTestId('module-select');
    expect(await count(page)).toBe('0');
    expect(await page.getByTestId('clean-selection').isDisabled()).toBe(true);

    // One module row selects all its versions.
    const firstModule = await rows.first().getAttribute('data-module');
    const { report } = await mock(page, true);
    const versionsOf = (p: string | null) => report.modules.filter((m) => m.path === p);
    await boxes.first().click();
    expect(await count(page)).toBe(String(versionsOf(firstModule).length));
    expect(await rows.first().getAttribute('data-selected')).toBe('all');
    expect(await rows.first().getAttribute('aria-selected')).toBe('true');
    // Marked by more than colour: the tick and a bar on the left edge.
    expect(await boxes.first().isChecked()).toBe(true);
    expect(await rows.first().evaluate((el) => getComputedStyle(el).boxShadow)).toContain('inset');

    // Shift-click the 4th row: rows 1..4 are selected.
    await boxes.nth(3).click({ modifiers: ['Shift'] });
    const firstFour = await rows.evaluateAll((els) => els.slice(0, 4).map((e) => e.getAttribute('data-module')));
    const expected = firstFour.reduce((s, p) => s + versionsOf(p).length, 0);
    expect(await count(page)).toBe(String(expected));
    expect(await rows.nth(2).getAttribute('data-selected')).toBe('all');
    const bytes = report.modules.filter((m) => firstFour.includes(m.path)).reduce((s, m) => s + m.bytes + m.download_bytes, 0);
    expect(await page.getByTestId('clean-selection').textContent()).toContain(`Clean ${expected} selected (${formatBytes(bytes)})`);
    await screenshot(page, 'modules-selection-light');

    // Expanding shows the versions ticked; unticking one makes the module partly selected.
    await rows.first().locator('button.chev').click();
    expect(await rows.nth(1).getAttribute('data-row-type')).toBe('version');
    expect(await rows.nth(1).getAttribute('data-selected')).toBe('all');
    await boxes.nth(1).click();
    expect(await count(page)).toBe(String(expected - 1));
    if (versionsOf(firstModule).length > 1) expect(await rows.first().getAttribute('data-selected')).toBe('some');

    await page.getByTestId('select-none').click();
    expect(await count(page)).toBe('0');

    // The header checkbox selects what the filter shows, only that.
    await page.getByTestId('module-filter').fill('golang.org/x/');
    const filtered = report.modules.filter((m) => m.path.includes('golang.org/x/')).length;
    await page.getByTestId('module-select-all').click();
    expect(await count(page)).toBe(String(filtered));
    await page.getByTestId('module-select-all').click();
    expect(await count(page)).toBe('0');
    expectCleanLog(log);
  });

  test('older than N days and keep latest N use select_modules and the saved defaults', async () => {
    const { page } = await open();
    await page.getByTestId('open-modules').click();
    // Defaults come from settings_get.
    await expect.poll(() => page.getByTestId('select-older-days').inputValue()).toBe('90');
    expect(await page.getByTestId('select-keep-latest-n').inputValue()).toBe('2');
    const { report } = await mock(page, true);
    const NOW = Math.floor(Date.now() / 1000);
    await page.getByTestId('select-older-days').fill('200');
    await page.getByTestId('select-older').click();
    await page.getByTestId('select-message').waitFor();
    const older = report.modules.filter((m) => (m.newest_mtime ?? 0) < NOW - 200 * 86400).length;
    expect(Math.abs(Number(await count(page)) - older)).toBeLessThanOrEqual(2); // the clock moved a little
    expect(await page.getByTestId('select-message').textContent()).toContain('not used for more than 200 days');
    expect((await mock(page)).settingsWrites.at(-1)?.older_than_days).toBe(200);

    await page.getByTestId('select-keep-latest-n').fill('1');
    await page.getByTestId('select-keep-latest').click();
    await expect.poll(() => page.getByTestId('select-message').textContent()).toContain('all but the latest 1');
    const modules = new Set(report.modules.map((m) => m.path)).size;
    expect(await count(page)).toBe(String(report.modules.length - modules));
  });

  test('select unused: remembered roots, add (picker and typed), remove, then clean the selection', async () => {
    const { page, log } = await open({ undoSeconds: 30 });
    await page.getByTestId('open-modules').click();
    await page.getByTestId('select-unused').click();
    const panel = page.getByTestId('unused-panel');
    await expect.poll(() => panel.getByTestId('project-root').count()).toBe(1);
    expect(await panel.getByTestId('project-root').getAttribute('data-path')).toBe('/home/gopher/src/work');
    await panel.getByTestId('root-pick').click();
    await expect.poll(() => panel.getByTestId('project-root').count()).toBe(2);
    await panel.getByTestId('root-input').fill('/home/gopher/src/broken');
    await panel.getByTestId('root-input').press('Enter');
    await expect.poll(() => panel.getByTestId('project-root').count()).toBe(3);
    await panel.getByTestId('root-remove').first().click();
    await expect.poll(() => panel.getByTestId('project-root').evaluateAll((els) => els.map((e) => e.getAttribute('data-path')))).toEqual([
      '/home/gopher/src/picked',
      '/home/gopher/src/broken',
    ]);
    let m = await mock(page, true);
    // Every change was saved; unknown settings fields are passed back untouched.
    expect(m.settingsWrites.at(-1)?.project_roots).toEqual(['/home/gopher/src/picked', '/home/gopher/src/broken']);
    expect(m.settingsWrites.at(-1)?.theme_extra).toBe('kept');

    await panel.getByTestId('unused-run').click();
    await page.getByTestId('select-message').waitFor();
    const unused = m.report.modules.filter((x) => !x.toolchain && x.path.length % 2 === 1);
    expect(await count(page)).toBe(String(unused.length));
    expect(await page.getByTestId('select-message').textContent()).toContain('none of 6 projects uses');
    expect(await page.getByTestId('select-message').textContent()).toContain('parse error');

    // Clean the selection through the same dialog.
    await page.getByTestId('clean-selection').click();
    await waitForClean(page, 'confirm');
    const dialog = page.getByTestId('clean-dialog');
    expect(await dialog.getAttribute('data-items')).toBe(String(unused.length));
    expect(await dialog.textContent()).toContain(`Clean ${unused.length.toLocaleString('en-US')} selected versions`);
    // The preview is capped, the rest summed up.
    expect(await dialog.getByTestId('clean-preview-item').count()).toBe(Math.min(200, unused.length));
    if (unused.length > 200) expect(await dialog.getByTestId('clean-preview-more').textContent()).toBe(`and ${(unused.length - 200).toLocaleString('en-US')} more`);
    await page.getByTestId('clean-confirm').click();
    await waitForClean(page, 'holding');
    // The module view stays; after the re-scan the cleaned versions are gone and unselected.
    expect(await page.getByTestId('module-view').count()).toBe(1);
    const left = m.report.modules.length - unused.length;
    await expect.poll(() => page.getByTestId('module-count').getAttribute('data-versions'), { timeout: 15_000 }).toBe(String(left));
    await expect.poll(() => count(page)).toBe('0');
    m = await mock(page);
    expect(m.cleanCalls[0].targets[0].target).toBe('module-versions');
    expectCleanLog(log);
  });
});

describe('history view', { timeout: 60_000 }, () => {
  for (const scheme of ['light', 'dark'] as const) {
    test(`lists the audit log newest first with failed items, ${scheme}`, async () => {
      const { page, log } = await open({}, scheme);
      await page.getByTestId('open-history').click();
      const view = page.getByTestId('history-view');
      await view.waitFor();
      const entries = view.getByTestId('history-entry');
      await expect.poll(() => entries.count()).toBe(2);
      const { history } = await mock(page);
      expect(await entries.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-bytes-freed'))))).toEqual(history.map((h) => h.bytes_freed));
      const times = await entries.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-time'))));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(await entries.first().textContent()).toContain('3 hours ago');
      expect(await entries.first().textContent()).toContain('build cache entries older than 5 days');
      expect(await entries.first().textContent()).toContain(formatBytes(512_000_000));
      const failed = entries.nth(1).getByTestId('history-failed');
      expect(await failed.textContent()).toContain('1 failed item');
      await failed.locator('summary').click();
      expect(await failed.textContent()).toContain('Permission denied');
      expect(await failed.textContent()).toContain('sudo chown -R');
      await screenshot(page, `history-${scheme}`);
      await page.getByTestId('back').click();
      await page.getByTestId('cache-card-modcache').waitFor();
      expectCleanLog(log);
    });
  }

  test('a clean appears at the top; an empty log says so', async () => {
    const { page } = await open({ history: 'empty', undoSeconds: 0 });
    await page.getByTestId('open-history').click();
    await page.getByTestId('history-empty').waitFor();
    expect(await page.getByTestId('history-empty').textContent()).toContain('No cleans yet.');
    await page.getByTestId('back').click();
    await page.getByTestId('clean-cache-gopls').click();
    await waitForClean(page, 'confirm');
    await page.getByTestId('clean-confirm').click();
    await waitForClean(page, 'done');
    await page.getByTestId('open-history').click();
    await expect.poll(() => page.getByTestId('history-entry').count()).toBe(1);
    expect(await page.getByTestId('history-entry').textContent()).toContain('gopls cache');
    expect(await page.getByTestId('history-entry').textContent()).toContain('just now');
  });
});
