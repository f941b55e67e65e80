// Rendering tests of issue #7 §2: the first-run screen, the settings view (round trip through
// the mock's stored settings), the forced theme, the corrupt-settings notice, About, the
// second-instance notice, confirm-before-clean off, and the settings view in Chinese.

import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import type { Settings } from '../../src/lib/api';
import { expectCleanLog, renderSuite, screenshot, waitForClean, waitForState, type MockConfig, type PageLog } from './harness';

const app = renderSuite();

/** A small module cache: these tests are about the settings, not the tables. */
async function open(config: MockConfig = {}, scheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; log: PageLog }> {
  return app.open({ versions: 300, ...config }, scheme);
}

interface MockState {
  /** What is stored: the app's fields and those it does not know (kept untouched). */
  settings: Settings & Record<string, unknown>;
  settingsWrites: (Settings & Record<string, unknown>)[];
  linkCalls: string[];
  calls: string[];
  cleanStates: string[];
}

function mock(page: Page): Promise<MockState> {
  return page.evaluate(() => {
    const m = (window as unknown as { __mock: MockState }).__mock;
    return JSON.parse(
      JSON.stringify({ settings: m.settings, settingsWrites: m.settingsWrites, linkCalls: m.linkCalls, calls: m.calls, cleanStates: m.cleanStates }),
    ) as MockState;
  });
}

const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
const themeAttr = (page: Page) => page.evaluate(() => document.documentElement.dataset.theme ?? null);
const focusedTestId = (page: Page) => page.evaluate(() => document.activeElement?.closest('[data-testid]')?.getAttribute('data-testid') ?? null);
const LIGHT_BG = 'rgb(244, 246, 248)';
const DARK_BG = 'rgb(15, 18, 22)';

describe('first run', () => {
  test('the welcome screen shows once over the dashboard; Start stores welcome_seen', async () => {
    const { page, log } = await open({ welcome: true });
    const welcome = page.getByTestId('welcome');
    await welcome.waitFor();
    // A modal over the dashboard: the cards are painted and the scan runs underneath.
    await page.getByTestId('cache-card-modcache').waitFor();
    await waitForState(page, 'done');
    expect(await welcome.getAttribute('aria-modal')).toBe('true');
    const text = await welcome.innerText();
    expect(text).toContain('Nothing is ever deleted without a preview');
    for (const word of ['Finds every cache', 'Shows the sizes', 'Cleans with a preview', 'Verifies modules', 'Finds lockers', 'Diagnoses errors']) {
      expect(text).toContain(word);
    }
    // Focus is on Start and stays in the dialog.
    expect(await focusedTestId(page)).toBe('welcome-start');
    await page.keyboard.press('Tab');
    expect(await focusedTestId(page)).toBe('welcome-start');
    // The start-up reads the settings once, before the scan.
    expect((await mock(page)).calls.slice(0, 4)).toEqual(['system_locale', 'settings_get', 'env_report', 'scan_start']);
    await screenshot(page, 'welcome-light');

    await page.getByTestId('welcome-start').click();
    await welcome.waitFor({ state: 'detached' });
    await expect.poll(async () => (await mock(page)).settings.welcome_seen).toBe(true);
    const m = await mock(page);
    expect(m.settingsWrites).toHaveLength(1);
    // Everything else was passed back untouched.
    expect(m.settingsWrites[0]).toMatchObject({ welcome_seen: true, theme_extra: 'kept', project_roots: ['/home/gopher/src/work'] });

    // The next launch, with what was stored: no welcome.
    const next = await open({ settings: m.settings });
    await next.page.getByTestId('cache-card-modcache').waitFor();
    await waitForState(next.page, 'done');
    expect(await next.page.getByTestId('welcome').count()).toBe(0);
    expectCleanLog(log);
    expectCleanLog(next.log);
  });
});

describe('settings view', () => {
  test('every setting round-trips through the stored settings, with validation', async () => {
    const { page, log } = await open();
    await waitForState(page, 'done');
    const opener = page.getByTestId('open-settings');
    await opener.click();
    const view = page.getByTestId('settings-view');
    await view.waitFor();
    expect(await opener.getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('settings-theme').inputValue()).toBe('system');
    expect(await page.getByTestId('settings-language').inputValue()).toBe('system');
    expect(await page.getByTestId('settings-older-than').inputValue()).toBe('90');
    expect(await page.getByTestId('settings-keep-latest').inputValue()).toBe('2');
    expect(await page.getByTestId('settings-confirm').isChecked()).toBe(true);
    await screenshot(page, 'settings-light');

    const stored = async () => (await mock(page)).settings;

    await page.getByTestId('settings-theme').selectOption('dark');
    await expect.poll(async () => (await stored()).theme).toBe('dark');

    // Invalid numbers: a clear error, nothing stored.
    const older = page.getByTestId('settings-older-than');
    const writes = (await mock(page)).settingsWrites.length;
    for (const bad of ['0', '4000', '']) {
      await older.fill(bad);
      await older.press('Tab');
      await page.getByTestId('settings-older-than-error').waitFor();
      expect(await older.getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByTestId('settings-older-than-error').innerText()).toContain('Enter a whole number of days from 1 to 3650');
    }
    const keep = page.getByTestId('settings-keep-latest');
    await keep.fill('0');
    await keep.press('Tab');
    expect(await page.getByTestId('settings-keep-latest-error').innerText()).toContain('from 1 to 100');
    expect((await mock(page)).settingsWrites.length).toBe(writes);

    await older.fill('30');
    await older.press('Tab');
    await expect.poll(async () => (await stored()).older_than_days).toBe(30);
    expect(await page.getByTestId('settings-older-than-error').count()).toBe(0);
    await keep.fill('3');
    await keep.press('Tab');
    await expect.poll(async () => (await stored()).keep_latest).toBe(3);

    await page.getByTestId('settings-confirm').uncheck();
    await expect.poll(async () => (await stored()).confirm_before_clean).toBe(false);

    // Project folders: add one by typing, remove the old one.
    await page.getByTestId('settings-root-input').fill('/home/gopher/src/new');
    await page.getByTestId('settings-root-add').click();
    await expect.poll(async () => (await stored()).project_roots).toEqual(['/home/gopher/src/work', '/home/gopher/src/new']);
    await page.locator('[data-testid=settings-root][data-path="/home/gopher/src/work"] [data-testid=settings-root-remove]').click();
    await expect.poll(async () => (await stored()).project_roots).toEqual(['/home/gopher/src/new']);

    await page.getByTestId('settings-language').selectOption('zh-CN');
    await expect.poll(async () => (await stored()).language).toBe('zh-CN');
    await expect.poll(() => page.locator('#sv-title').innerText()).toBe('设置');
    await page.getByTestId('settings-language').selectOption('en');
    await expect.poll(() => page.locator('#sv-title').innerText()).toBe('Settings');
    await expect.poll(async () => (await stored()).language).toBe('en');
    await expect.poll(() => page.getByTestId('settings-status').getAttribute('data-status')).toBe('saved');

    // Unknown fields survive every save.
    expect((await stored()).theme_extra).toBe('kept');

    // Back to the dashboard and in again: the view shows what is stored.
    await page.getByTestId('back').click();
    await page.getByTestId('cache-card-modcache').waitFor();
    await opener.click();
    await view.waitFor();
    expect(await page.getByTestId('settings-theme').inputValue()).toBe('dark');
    expect(await page.getByTestId('settings-language').inputValue()).toBe('en');
    expect(await older.inputValue()).toBe('30');
    expect(await keep.inputValue()).toBe('3');
    expect(await page.getByTestId('settings-confirm').isChecked()).toBe(false);
    expect(await page.getByTestId('settings-root').count()).toBe(1);
    await screenshot(page, 'settings-dark');

    // A new launch with the stored settings: applied from the first frame.
    const next = await open({ settings: await stored() });
    await next.page.getByTestId('cache-card-modcache').waitFor();
    expect(await themeAttr(next.page)).toBe('dark');
    expect(await background(next.page)).toBe(DARK_BG);
    await next.page.getByTestId('open-settings').click();
    expect(await next.page.getByTestId('settings-older-than').inputValue()).toBe('30');
    expect(await next.page.getByTestId('settings-confirm').isChecked()).toBe(false);
    expectCleanLog(log);
    expectCleanLog(next.log);
  });

  test('Deep rescan walks every file again: scan_start with full, back on the dashboard', async () => {
    const { page, log } = await open();
    await waitForState(page, 'done');
    const fulls = () => page.evaluate(() => [...(window as unknown as { __mock: { scanFull: boolean[] } }).__mock.scanFull]);
    expect(await fulls()).toEqual([false]);
    await page.getByTestId('open-settings').click();
    const deep = page.getByTestId('scan-deep');
    expect(await deep.textContent()).toContain('Deep rescan');
    await screenshot(page, 'settings-scan-light');
    await deep.click();
    await page.getByTestId('cache-card-modcache').waitFor();
    await expect.poll(fulls).toEqual([false, true]);
    await waitForState(page, 'done');
    // The next ordinary rescan is incremental again.
    await page.getByTestId('scan-rerun').click();
    await expect.poll(fulls).toEqual([false, true, false]);
    await waitForState(page, 'done');
    expect(log.errors).toEqual([]);
  });

  test('a forced theme wins over the OS; system follows it', async () => {
    const { page, log } = await open();
    await page.getByTestId('open-settings').click();
    const theme = page.getByTestId('settings-theme');
    expect(await themeAttr(page)).toBeNull();
    expect(await background(page)).toBe(LIGHT_BG);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await background(page)).toBe(DARK_BG);

    await theme.selectOption('light');
    await expect.poll(() => themeAttr(page)).toBe('light');
    expect(await background(page)).toBe(LIGHT_BG);
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme)).toBe('light');

    await theme.selectOption('dark');
    await expect.poll(() => themeAttr(page)).toBe('dark');
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await background(page)).toBe(DARK_BG);

    await theme.selectOption('system');
    await expect.poll(() => themeAttr(page)).toBeNull();
    expect(await background(page)).toBe(LIGHT_BG);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await background(page)).toBe(DARK_BG);
    await expect.poll(async () => (await mock(page)).settings.theme).toBe('system');
    expectCleanLog(log);
  });

  test('a corrupt settings file: the defaults, a notice, nothing crashes', async () => {
    const { page, log } = await open({ settingsCorrupt: true });
    // The defaults include the first-run screen.
    await page.getByTestId('welcome-start').click();
    const notice = page.getByTestId('settings-notice');
    await notice.waitFor();
    const text = await notice.innerText();
    expect(text).toContain('Your settings were reset');
    expect(text).toContain('settings.json.bad');
    await waitForState(page, 'done');
    await screenshot(page, 'settings-notice-light');
    await page.getByTestId('settings-notice-review').click();
    await page.getByTestId('settings-view').waitFor();
    expect(await page.getByTestId('settings-older-than').inputValue()).toBe('90');
    expect(await page.getByTestId('settings-keep-latest').inputValue()).toBe('1');
    await page.getByTestId('settings-notice-dismiss').click();
    await notice.waitFor({ state: 'detached' });
    expectCleanLog(log);
  });
});

describe('about and second instance', () => {
  test('About shows the build and opens links by name; a second launch shows a notice', async () => {
    const { page, log } = await open();
    await waitForState(page, 'done');
    const opener = page.getByTestId('open-about');
    expect(await opener.getAttribute('aria-label')).toBe('About Go Cache Doctor');
    await opener.click();
    const dialog = page.getByTestId('about-dialog');
    await dialog.waitFor();
    await page.getByTestId('about-version').waitFor();
    expect(await page.getByTestId('about-version').innerText()).toBe('0.1.0');
    expect(await page.getByTestId('about-commit').innerText()).toBe('ba2fff7c1');
    const text = await dialog.innerText();
    for (const s of ['2026-11-30', 'Release', 'MIT OR Apache-2.0', '2.9.3', 'linux x86_64']) expect(text).toContain(s);
    expect(await page.getByTestId('about-link').count()).toBe(7);
    await screenshot(page, 'about-light');

    await page.locator('[data-testid=about-link][data-link=docs]').click();
    await page.locator('[data-testid=about-link][data-link=changelog]').click();
    await expect.poll(async () => (await mock(page)).linkCalls).toEqual(['docs', 'changelog']);

    // Focus stays inside; Escape closes and gives focus back to the header button.
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => !!document.activeElement?.closest('[data-testid=about-dialog]'))).toBe(true);
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await focusedTestId(page)).toBe('open-about');

    await page.evaluate(() => window.dispatchEvent(new CustomEvent('gocache-doctor:second-instance')));
    const notice = page.getByTestId('second-instance-notice');
    await notice.waitFor();
    expect(await notice.innerText()).toContain('already open');
    expect(await page.locator('[role=status]:has([data-testid=second-instance-notice])').count()).toBe(1);
    await notice.waitFor({ state: 'detached', timeout: 6000 });
    expectCleanLog(log);
  });
});

describe('confirm before clean', () => {
  test('off: a chosen clean runs right after its preview; a card with choices still asks', async () => {
    const { page, log } = await open({ settings: { confirm_before_clean: false }, undoSeconds: 30 });
    await waitForState(page, 'done');
    await page.getByTestId('clean-cache-gopls').click();
    await waitForClean(page, 'holding');
    expect((await mock(page)).cleanStates).toEqual(['planning', 'running', 'holding']);
    // The undo window still applies.
    await page.getByTestId('clean-undo').click();
    await waitForClean(page, 'undone');
    await page.getByTestId('clean-close').click();
    await waitForClean(page, 'idle');

    await page.getByTestId('clean-cache-modcache').click();
    await waitForClean(page, 'confirm');
    await page.keyboard.press('Escape');
    await waitForClean(page, 'idle');
    expectCleanLog(log);
  });
});

describe('in Chinese', () => {
  test('the welcome screen, the settings view and About are in Chinese', async () => {
    const { page, log } = await open({ locale: 'zh-CN', welcome: true });
    const welcome = page.getByTestId('welcome');
    await welcome.waitFor();
    expect(await welcome.innerText()).toContain('未经预览，任何内容都不会被删除');
    await page.getByTestId('welcome-start').click();
    await page.getByTestId('open-settings').click();
    const view = page.getByTestId('settings-view');
    await view.waitFor();
    const text = await view.innerText();
    expect(text).toMatch(/\p{Script=Han}/u);
    for (const english of ['Settings', 'Appearance', 'Theme', 'Cleaning', 'Project folders', 'Ask for confirmation', 'days']) {
      expect(text).not.toContain(english);
    }
    expect(await page.getByTestId('open-settings').innerText()).toBe('设置');
    await screenshot(page, 'settings-zh-CN');
    await page.getByTestId('open-about').click();
    await page.getByTestId('about-version').waitFor();
    expect(await page.getByTestId('about-dialog').innerText()).toContain('版本');
    expectCleanLog(log);
  });
});
