// Rendering tests of issue #17 in the app: the Settings view's "Automatic cleanup" panel (the
// policy's fields stored through auto_policy_set, inline errors that store nothing, the live
// preview of the dry run, cancel, Run now, the daily schedule), History's automatic runs, and
// the panel in Chinese. Screenshots at 1200x800 and 800x600, light and dark.

import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import type { AutoPolicy } from '../../src/lib/api';
import { expectCleanLog, renderSuite, screenshot, waitForState, type MockConfig, type PageLog } from './harness';

const app = renderSuite();

async function open(config: MockConfig = {}, scheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; log: PageLog }> {
  const r = await app.open({ versions: 300, ...config }, scheme);
  await waitForState(r.page, 'done');
  await r.page.getByTestId('open-settings').click();
  await r.page.getByTestId('auto-panel').waitFor();
  return r;
}

const policies = (page: Page): Promise<AutoPolicy[]> =>
  page.evaluate(() => JSON.parse(JSON.stringify((window as unknown as { __mock: { autoPolicies: AutoPolicy[] } }).__mock.autoPolicies)) as AutoPolicy[]);

/** The settings the mock backend stores. */
const storedSettings = (page: Page): Promise<Record<string, unknown>> =>
  page.evaluate(() => JSON.parse(JSON.stringify((window as unknown as { __mock: { settings: Record<string, unknown> } }).__mock.settings)) as Record<string, unknown>);

const previewState = (page: Page) => page.getByTestId('auto-preview').getAttribute('data-state');

/** Screenshots of the panel at both sizes. */
async function shoot(page: Page, name: string): Promise<void> {
  for (const [w, h] of [[1200, 800], [800, 600]] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.getByTestId('auto-panel').scrollIntoViewIfNeeded();
    // Nothing of the panel is wider than the window.
    const overflow = await page.evaluate(() => {
      const p = document.querySelector('[data-testid="auto-panel"]') as HTMLElement;
      return p.scrollWidth - p.clientWidth;
    });
    expect(overflow, `${name} ${w}x${h}: the panel overflows sideways`).toBeLessThanOrEqual(1);
    await screenshot(page, `${name}-${w}x${h}`);
    await page.getByTestId('auto-run-now').scrollIntoViewIfNeeded();
    await screenshot(page, `${name}-preview-${w}x${h}`);
  }
}

describe('automatic cleanup panel', () => {
  test('off by default; edits are stored, bad input is refused inline and stores nothing; the preview follows', async () => {
    const { page, log } = await open();
    const panel = page.getByTestId('auto-panel');
    expect(await page.getByTestId('auto-enabled').isChecked()).toBe(false);
    expect(await page.getByTestId('auto-unused-days').inputValue()).toBe('90');
    expect(await page.getByTestId('auto-modcache').inputValue()).toBe('');
    // The preview of the defaults: unused for 90 days.
    await expect.poll(() => previewState(page)).toBe('done');
    const items = page.getByTestId('auto-preview-item');
    const first = await items.count();
    expect(first).toBeGreaterThan(0);
    expect(await items.first().getAttribute('data-reason')).toBe('unused-days');
    expect(['atime', 'mtime']).toContain(await items.first().getAttribute('data-source'));
    expect(await items.first().innerText()).toMatch(/last used .* · unused for longer than the age limit/);
    expect(await page.getByTestId('auto-preview-kept').innerText()).toContain('40 in use');
    await shoot(page, 'autopilot-light');

    // A size that is not one: an inline error, nothing stored, the preview waits.
    const before = (await policies(page)).length;
    await page.getByTestId('auto-modcache').fill('ten gigs');
    await page.getByTestId('auto-modcache-error').waitFor();
    expect(await page.getByTestId('auto-modcache-error').innerText()).toContain('Enter a size such as 10 GiB');
    expect(await page.getByTestId('auto-modcache').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => previewState(page)).toBe('blocked');
    await page.waitForTimeout(600);
    expect((await policies(page)).length).toBe(before);
    expect(await page.getByTestId('auto-modcache').inputValue()).toBe('ten gigs');
    await page.getByTestId('auto-modcache').fill('5 XB');
    expect(await page.getByTestId('auto-modcache-error').innerText()).toContain('Unknown unit');
    await page.getByTestId('auto-floor').fill('150%');
    expect(await page.getByTestId('auto-floor-error').innerText()).toContain('percentage above 0 and below 100');

    // Valid values: stored as the core's policy (bytes), and the preview is recomputed.
    await page.getByTestId('auto-modcache').fill('1 MiB');
    await page.getByTestId('auto-floor').fill('10%');
    await page.getByTestId('auto-unused-days').fill('');
    await page.getByTestId('auto-enabled').check();
    await expect
      .poll(async () => (await policies(page)).at(-1))
      .toMatchObject({ enabled: true, modcache_max_bytes: 1024 * 1024, unused_days: null, free_disk_floor: { percent: 10 } });
    await expect.poll(() => previewState(page)).toBe('done');
    await expect.poll(async () => items.first().getAttribute('data-reason')).toBe('over-budget');
    expect(await page.getByTestId('settings-status').getAttribute('data-status')).toBe('saved');

    // A value the core refuses (more than 100 years): its sentence, inline.
    await page.getByTestId('auto-unused-days').fill('99999');
    await expect.poll(() => page.getByTestId('auto-unused-days-error').isVisible()).toBe(true);
    expect(await page.getByTestId('auto-unused-days-error').innerText()).toContain('at most 36500');
    await page.getByTestId('auto-unused-days').fill('30');
    await expect.poll(async () => (await policies(page)).at(-1)?.unused_days).toBe(30);
    expect(await panel.innerText()).not.toContain('mock:');
    expectCleanLog(log);
  });

  test('a policy that cannot be saved says why, keeps what was typed and blocks Run now', async () => {
    const { page, log } = await open({ autoSaveError: true });
    await expect.poll(() => previewState(page)).toBe('done');
    await page.getByTestId('auto-modcache').fill('2 GiB');
    const error = page.getByTestId('auto-save-error');
    await error.waitFor();
    expect(await error.innerText()).toContain('The policy was not saved: cannot save the settings');
    expect(await page.getByTestId('auto-modcache').inputValue()).toBe('2 GiB');
    expect(await page.getByTestId('auto-run-now').isDisabled()).toBe(true);
    expect(await page.getByTestId('settings-status').getAttribute('data-status')).toBe('failed');
    expectCleanLog(log);
  });

  test('a slow preview shows its progress and can be cancelled', async () => {
    const { page, log } = await open({ autoPreviewDelay: 60_000 });
    await expect.poll(() => previewState(page)).toBe('running');
    expect(await page.getByTestId('auto-preview').getAttribute('aria-busy')).toBe('true');
    await page.getByTestId('auto-preview-cancel').click();
    await expect.poll(() => previewState(page)).toBe('cancelled');
    await page.getByTestId('auto-preview-cancelled').waitFor();
    expect(await page.getByTestId('auto-preview-refresh').isEnabled()).toBe(true);
    expectCleanLog(log);
  });

  test('Run now cleans with the stored policy; History marks the run automatic with the total', async () => {
    const { page, log } = await open({}, 'dark');
    await expect.poll(() => previewState(page)).toBe('done');
    const would = Number(await page.getByTestId('auto-preview-summary').getAttribute('data-bytes'));
    expect(would).toBeGreaterThan(0);
    await shoot(page, 'autopilot-dark');
    await page.getByTestId('auto-run-now').click();
    const result = page.getByTestId('auto-run-result');
    await result.waitFor();
    expect(Number(await result.getAttribute('data-bytes-freed'))).toBe(would);
    expect(await result.innerText()).toMatch(/^Freed /);
    // The versions are gone: the refreshed preview has nothing left to remove.
    await expect.poll(async () => page.getByTestId('auto-preview-summary').getAttribute('data-count')).toBe('0');

    await page.getByTestId('open-history').click();
    const entry = page.getByTestId('history-entry').first();
    await entry.waitFor();
    expect(await entry.getAttribute('data-automatic')).toBe('true');
    expect(await entry.getByTestId('history-automatic').innerText()).toContain('Automatic');
    expect(Number(await page.getByTestId('history-auto-total').getAttribute('data-bytes'))).toBe(would);
    expect(await page.getByTestId('history-entry').nth(1).getAttribute('data-automatic')).toBe('false');
    expectCleanLog(log);
  });

  test('the tray switch is off by default, stores tray_icon and says when the tray library is missing', async () => {
    const { page, log } = await open({ trayMissing: true });
    const toggle = page.getByTestId('auto-tray-toggle');
    expect(await toggle.isChecked()).toBe(false);
    expect(await page.getByTestId('auto-tray-missing').count()).toBe(0);
    await toggle.check();
    await expect.poll(async () => (await storedSettings(page)).tray_icon).toBe(true);
    const missing = page.getByTestId('auto-tray-missing');
    await missing.waitFor();
    expect(await missing.textContent()).toContain('The tray needs libayatana-appindicator3-1');
    await page.getByTestId('auto-tray').scrollIntoViewIfNeeded();
    await screenshot(page, 'auto-tray-missing-1200x800');
    await toggle.uncheck();
    await expect.poll(async () => (await storedSettings(page)).tray_icon).toBe(false);
    await expect.poll(() => missing.count()).toBe(0);
    expectCleanLog(log);
  });

  test('with the tray library the switch says the icon is shown', async () => {
    const { page, log } = await open({}, 'dark');
    await page.getByTestId('auto-tray-toggle').check();
    await page.getByTestId('auto-tray-shown').waitFor();
    expect(await page.getByTestId('auto-tray').getAttribute('data-shown')).toBe('true');
    await page.getByTestId('auto-tray').scrollIntoViewIfNeeded();
    await screenshot(page, 'auto-tray-shown-dark-1200x800');
    expectCleanLog(log);
  });

  test('the daily schedule: state, mechanism and next run; Install and Remove', async () => {
    const { page, log } = await open({ autoInstalled: true });
    const row = page.getByTestId('auto-schedule');
    await expect.poll(() => row.getAttribute('data-installed')).toBe('true');
    expect(await page.getByTestId('auto-schedule-state').innerText()).toContain('a systemd user timer');
    expect(await page.getByTestId('auto-schedule-next').innerText()).toContain('Next run: Mon 2026-12-07');
    expect(await row.innerText()).toContain('The policy is off');
    await page.getByTestId('auto-schedule-remove').click();
    await expect.poll(() => row.getAttribute('data-installed')).toBe('false');
    expect(await page.getByTestId('auto-schedule-state').innerText()).toContain('Not installed');
    await page.getByTestId('auto-schedule-install').click();
    await expect.poll(() => row.getAttribute('data-installed')).toBe('true');
    expectCleanLog(log);
  });

  test('History shows what automatic runs freed so far', async () => {
    const r = await app.open({ versions: 300, history: 'auto' });
    const { page, log } = r;
    await waitForState(page, 'done');
    await page.getByTestId('open-history').click();
    await page.getByTestId('history-entry').first().waitFor();
    expect(await page.getByTestId('history-automatic').count()).toBe(2);
    const total = page.getByTestId('history-auto-total');
    expect(Number(await total.getAttribute('data-bytes'))).toBe(1_000_000_000);
    expect(await total.innerText()).toContain('Automatic runs freed');
    await screenshot(page, 'history-automatic');
    expectCleanLog(log);
  });
});

describe('in Chinese', () => {
  test('the panel and its preview are in Chinese', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const { page, log } = await open({ locale: 'zh-CN', autoInstalled: true }, scheme);
      await expect.poll(() => previewState(page)).toBe('done');
      await expect.poll(() => page.getByTestId('auto-schedule').getAttribute('data-installed')).toBe('true');
      const text = await page.getByTestId('auto-panel').innerText();
      expect(text).toContain('自动清理');
      expect(text).toContain('立即运行');
      for (const english of ['Automatic', 'budget', 'Remove', 'days', 'last used', 'Kept', 'Install', 'Daily', 'Next run', 'policy']) {
        expect(text, english).not.toContain(english);
      }
      await page.getByTestId('auto-modcache').fill('x');
      expect(await page.getByTestId('auto-modcache-error').innerText()).toMatch(/\p{Script=Han}/u);
      await page.getByTestId('auto-modcache').fill('');
      await shoot(page, `autopilot-zh-CN-${scheme}`);
      expectCleanLog(log);
    }
  });
});
