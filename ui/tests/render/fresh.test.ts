// Issue #15 points 7, 10, 11 and 12: what is shown follows the disk without a click (the
// backend's watch, window focus), transient messages go away by themselves, small windows,
// and the wording and rendering fixes (Guides' code, one Back button, the welcome, "Empty:
// cleaned at", found projects in Verify).

import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { expectCleanLog, renderSuite, screenshot, waitForClean, waitForState, waitForVerify, type PageLog } from './harness';

const app = renderSuite();

/** Opens the app; `clock`: with Playwright's fake clock, whose `fastForward` stands in for waiting. */
async function open(
  config: Record<string, unknown> = {},
  scheme: 'light' | 'dark' = 'light',
  clock = false,
): Promise<{ page: Page; log: PageLog }> {
  return app.open({ versions: 2000, ...config }, scheme, { clock });
}

type Mock = { calls: string[]; states: string[]; watchStarts: number };
const mock = (page: Page): Promise<Mock> =>
  page.evaluate(() => {
    const m = (window as unknown as { __mock: Mock }).__mock;
    return { calls: [...m.calls], states: [...m.states], watchStarts: m.watchStarts };
  });
const scans = async (page: Page) => (await mock(page)).calls.filter((c) => c === 'scan_start').length;
const fsChange = (page: Page, kinds: string[]) =>
  page.evaluate((k) => (window as unknown as { __mock: { fsChange(k: string[]): boolean } }).__mock.fsChange(k), kinds);

describe('the dashboard follows the disk (issue #15 point 7)', { timeout: 60_000 }, () => {
  test('a change the backend watch reports rescans without a click; not while a verification runs', async () => {
    const { page, log } = await open({ verify: 'manual' }, 'light', true);
    await waitForState(page, 'done');
    // The watch starts once the first scan has found the roots.
    await expect.poll(async () => (await mock(page)).watchStarts).toBe(1);
    expect(await scans(page)).toBe(1);

    // `go mod download` in a terminal: the watch reports the module cache. (That a report of
    // changes the last scan already saw rescans nothing is a matter of timing, tested with a
    // fake clock in src/lib/freshness.test.ts: here, on a loaded machine, the first scan can
    // take longer than the watch's quiet time and make such a report look new.) A while after
    // the scan, so the change is surely newer than it.
    await page.clock.fastForward(3000);
    expect(await fsChange(page, ['modcache'])).toBe(true);
    await expect.poll(() => scans(page), { timeout: 10_000 }).toBe(2);
    await waitForState(page, 'done');
    // The same roots: the watch is not restarted.
    expect((await mock(page)).watchStarts).toBe(1);

    // While a verification runs, a change waits for it to end.
    await page.getByTestId('open-verify').click();
    await page.getByTestId('verify-start').click();
    await waitForVerify(page, 'running');
    await page.clock.fastForward(1500);
    await fsChange(page, ['build']);
    await page.clock.fastForward(3000);
    expect(await scans(page)).toBe(2);
    await page.evaluate(() => (window as unknown as { __mock: { finishVerify(): void } }).__mock.finishVerify());
    await waitForVerify(page, 'done');
    await expect.poll(() => scans(page), { timeout: 10_000 }).toBe(3);
    expectCleanLog(log);
  });

  test('coming back to the window rescans, but not right after a scan', async () => {
    const { page, log } = await open({}, 'light', true);
    await waitForState(page, 'done');
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await page.clock.fastForward(1500);
    expect(await scans(page)).toBe(1);
    // Later (the user was in a terminal), focus rescans.
    await page.clock.fastForward(4000);
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await expect.poll(() => scans(page), { timeout: 10_000 }).toBe(2);
    expectCleanLog(log);
  });
});

describe('transient messages (issue #15 point 10)', { timeout: 90_000 }, () => {
  test('a clean that freed space says so for a while, longer while hovered, and stays in History', async () => {
    const { page, log } = await open({ undoSeconds: 1, purgeDelay: 50 }, 'light', true);
    await waitForState(page, 'done');
    await page.getByTestId('clean-cache-gopls').click();
    await waitForClean(page, 'confirm');
    await page.getByTestId('clean-confirm').click();
    await waitForClean(page, 'done');
    const toast = page.getByTestId('clean-toast');
    expect(await toast.getAttribute('data-transient')).toBe('true');
    // In the page's flow above the view, not over it: the cards start below it.
    const [t, grid] = await Promise.all([toast.boundingBox(), page.locator('.grid').boundingBox()]);
    expect(t && grid && t.y + t.height <= grid.y).toBe(true);
    await screenshot(page, 'fresh-toast-done');

    // Hovered, it stays.
    await toast.hover();
    await page.clock.fastForward(9000);
    expect(await toast.count()).toBe(1);
    // Left alone, it goes.
    await page.mouse.move(5, 790);
    await page.clock.fastForward(12_000);
    await expect.poll(() => toast.count(), { timeout: 5000 }).toBe(0);
    await waitForClean(page, 'idle');

    // History still has it.
    await page.getByTestId('open-history').click();
    await expect.poll(() => page.getByTestId('history-view').textContent()).toContain('gopls');
    expectCleanLog(log);
  });

  test('"exited when asked to stop" goes by itself', async () => {
    const { page, log } = await open({ locks: 'some' }, 'light', true);
    await waitForState(page, 'done');
    await page.getByTestId('open-locks').click();
    const row = page.locator('[data-testid="locks-view"] [data-testid="locks-holder"][data-pid="7007"]');
    await row.waitFor();
    await row.getByTestId('locks-end').click();
    await page.getByTestId('locks-end-accept').click();
    const result = page.locator('[data-testid="locks-view"] [data-testid="locks-end-result"]');
    await result.waitFor();
    expect(await result.textContent()).toContain('exited when asked to stop');
    expect(await result.getAttribute('data-transient')).toBe('true');
    await page.mouse.move(5, 790);
    await page.clock.fastForward(12_000);
    await expect.poll(() => result.count(), { timeout: 5000 }).toBe(0);
    // Gone from the view, kept in the History.
    await page.getByTestId('back').click();
    await page.getByTestId('open-history').click();
    const ended = page.locator('[data-testid=history-ended][data-pid="7007"]');
    await ended.waitFor();
    expect(await ended.getAttribute('data-how')).toBe('exited');
    expect(await ended.textContent()).toMatch(/Ended \S+ \(pid 7007\)/);
    expect(await ended.textContent()).toContain('exited when asked to stop');
    // The summary counts the cleans only.
    const cleans = await page.getByTestId('history-entry').count();
    expect(await page.getByTestId('history-view').locator('.title .muted').textContent()).toContain(`${cleans} clean`);
    await screenshot(page, 'fresh-history-ended');
    expectCleanLog(log);
  });

  test('a clean with failures stays until closed', async () => {
    const { page } = await open({ undoSeconds: 1, purgeDelay: 50, cleanFail: 'permission' }, 'light', true);
    await waitForState(page, 'done');
    await page.getByTestId('clean-cache-gopls').click();
    await waitForClean(page, 'confirm');
    await page.getByTestId('clean-confirm').click();
    await waitForClean(page, 'done');
    const toast = page.getByTestId('clean-toast');
    expect(await toast.getAttribute('data-transient')).toBe('false');
    await page.mouse.move(5, 790);
    await page.clock.fastForward(9000);
    expect(await toast.count()).toBe(1);
  });
});

describe('small windows (issue #15 point 11)', { timeout: 90_000 }, () => {
  for (const locale of ['en-US', 'zh-CN']) {
    test(`the header fits at 800x600 (${locale}), light and dark`, async () => {
      const { page, log } = await open({ locale });
      await page.setViewportSize({ width: 800, height: 600 });
      await waitForState(page, 'done');
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.waitForTimeout(400); // the colours' transitions
        const problems = await page.evaluate(() => {
          const out: string[] = [];
          const tools = document.querySelector('[data-testid="open-doctor"]')!.getBoundingClientRect();
          for (const id of ['lang-select', 'open-about', 'open-settings']) {
            const r = document.querySelector(`[data-testid="${id}"]`)!.getBoundingClientRect();
            if (Math.abs(tools.top + tools.height / 2 - (r.top + r.height / 2)) > 6) out.push(`${id} is not on the tools' row`);
            if (r.right > window.innerWidth) out.push(`${id} is cut off at the right`);
          }
          // The chosen language's name fits the menu (a select does not report its own overflow:
          // measure the text in the select's font).
          const select = document.querySelector<HTMLSelectElement>('[data-testid="lang-select"]')!;
          const style = getComputedStyle(select);
          const ctx = document.createElement('canvas').getContext('2d')!;
          ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
          const text = select.options[select.selectedIndex].text;
          const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 16;
          if (ctx.measureText(text).width > room) out.push(`the language menu cuts "${text}"`);
          for (const b of document.querySelectorAll<HTMLElement>('header.top button'))
            if (b.scrollWidth > b.clientWidth + 1) out.push(`"${b.textContent?.trim()}" is clipped`);
          return out;
        });
        expect(problems, `${locale} ${scheme}`).toEqual([]);
        await screenshot(page, `fresh-800x600-header-${locale}-${scheme}`);
      }
      expectCleanLog(log);
    });
  }

  test('a view opens at its top, not where the previous one was scrolled', async () => {
    const { page } = await open();
    await page.setViewportSize({ width: 800, height: 600 });
    await waitForState(page, 'done');
    const main = page.locator('main');
    await main.evaluate((m) => (m.scrollTop = m.scrollHeight));
    expect(await main.evaluate((m) => m.scrollTop)).toBeGreaterThan(100);
    await page.getByTestId('open-modules').click();
    await page.getByTestId('module-view').waitFor();
    expect(await main.evaluate((m) => m.scrollTop)).toBe(0);
    // The cache's path is shortened in the middle (both ends stay), the full path its tooltip.
    const path = page.getByTestId('module-view-path');
    const full = (await path.getAttribute('data-full'))!;
    expect(await path.getAttribute('title')).toBe(full);
    await expect.poll(() => path.textContent()).toContain('…');
    const shown = (await path.textContent())!;
    const [head, tail] = shown.split('…');
    expect(full.startsWith(head) && full.endsWith(tail) && head.length > 0 && tail.length > 0).toBe(true);
    expect(await path.evaluate((e) => e.scrollWidth <= e.clientWidth + 1)).toBe(true);
    await screenshot(page, 'fresh-800x600-modules-top');
    await page.getByTestId('back').click();
    await main.evaluate((m) => (m.scrollTop = m.scrollHeight));
    await page.getByTestId('open-guides').click();
    await page.getByTestId('guides-view').waitFor();
    expect(await main.evaluate((m) => m.scrollTop)).toBe(0);
  });
});

describe('wording and rendering (issue #15 point 12)', { timeout: 90_000 }, () => {
  for (const [w, h, scheme, locale] of [
    [1200, 800, 'light', 'en-US'],
    [800, 600, 'dark', 'en-US'],
    [800, 600, 'light', 'zh-CN'],
  ] as const) {
    test(`Guides show code as code and keep variable names whole (${w}x${h} ${scheme} ${locale})`, async () => {
      const { page, log } = await open({ locale }, scheme);
      await page.setViewportSize({ width: w, height: h });
      await waitForState(page, 'done');
      await page.getByTestId('open-guides').click();
      const guide = page.getByTestId('guide-page');
      await guide.waitFor();
      await expect.poll(() => page.getByTestId('guide-table').count()).toBe(1);
      expect(await guide.textContent()).not.toContain('`');
      expect(await guide.locator('code.inline').count()).toBeGreaterThan(0);
      // Each variable name is on one line.
      const broken = await guide.locator('td.ident').evaluateAll((cells) =>
        cells.filter((c) => {
          const range = document.createRange();
          range.selectNodeContents(c);
          const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
          return lines.size > 1;
        }).map((c) => c.textContent),
      );
      expect(broken).toEqual([]);
      expect(await guide.locator('td.ident').count()).toBeGreaterThan(3);
      await screenshot(page, `fresh-guides-${w}x${h}-${scheme}-${locale}`);
      // The dashboard's notes show the backend's `go env -w` as code too.
      await page.getByTestId('back').click();
      const notes = page.getByTestId('problems');
      await notes.waitFor();
      expect(await notes.textContent()).not.toContain('`');
      expect(await notes.locator('code.inline').count()).toBeGreaterThan(0);
      expectCleanLog(log);
    });
  }

  test('every view has the same Back button', async () => {
    const { page } = await open();
    await waitForState(page, 'done');
    const names = new Set<string>();
    for (const open of ['open-modules', 'open-history', 'open-verify', 'open-locks', 'open-doctor', 'open-guides', 'open-settings']) {
      await page.getByTestId(open).click();
      const back = page.getByTestId('back');
      await back.waitFor();
      names.add(`${await back.getAttribute('aria-label')} | ${(await back.textContent())?.trim()}`);
      await back.click();
      await page.getByTestId('open-modules').waitFor();
    }
    expect([...names]).toEqual(['Back to dashboard | Dashboard']);
  });

  test('the welcome says the first scan finished once it has', async () => {
    const { page } = await open({ welcome: true, scan: 'manual' });
    const line = page.getByTestId('welcome-scan');
    await expect.poll(() => line.textContent()).toContain('already running');
    await page.evaluate(() => (window as unknown as { __mock: { finish(): void } }).__mock.finish());
    await waitForState(page, 'done');
    await expect.poll(() => line.textContent()).toContain('has finished');
    await screenshot(page, 'fresh-welcome-scanned');
  });

  test('a cache the app cleaned away says when, not "Not created yet"', async () => {
    const { page, log } = await open({ undoSeconds: 1, purgeDelay: 50 }, 'light', true);
    await waitForState(page, 'done');
    await page.getByTestId('clean-cache-gopls').click();
    await waitForClean(page, 'confirm');
    await page.getByTestId('clean-confirm').click();
    await waitForClean(page, 'done');
    const size = page.getByTestId('cache-card-gopls').getByTestId('cache-size');
    await expect.poll(() => size.textContent(), { timeout: 10_000 }).toMatch(/^Empty: cleaned at \d\d:\d\d/);
    // A cache that was never there still says so.
    expect(await page.getByTestId('cache-card-golangci-lint').getByTestId('cache-size').textContent()).toContain('Not created yet');
    await page.getByTestId('cache-card-gopls').scrollIntoViewIfNeeded();
    await screenshot(page, 'fresh-cleaned-empty');
    expectCleanLog(log);
  });

  test('"Unused by my projects": the result is brought into view and its projects are offered in Verify', async () => {
    const { page, log } = await open({ settings: { project_roots: ['/home/gopher/src'] } });
    await page.setViewportSize({ width: 800, height: 600 });
    await waitForState(page, 'done');
    await page.getByTestId('open-modules').click();
    await page.getByTestId('select-unused').click();
    await page.getByTestId('unused-run').click();
    const message = page.getByTestId('select-message');
    await message.waitFor();
    await expect
      .poll(() =>
        message.evaluate((e) => {
          const r = e.getBoundingClientRect();
          return r.top >= 0 && r.bottom <= window.innerHeight;
        }),
      )
      .toBe(true);
    // The panel folds once it has run, so the selected rows get the room.
    expect(await page.locator('#unused-panel').count()).toBe(0);
    expect(await page.getByTestId('select-unused').getAttribute('aria-expanded')).toBe('false');
    const table = await page.getByTestId('module-rows').boundingBox();
    expect(table!.height).toBeGreaterThan(150);
    await screenshot(page, 'fresh-800x600-unused-result');
    await page.getByTestId('back').click();
    await page.getByTestId('open-verify').click();
    await page.getByTestId('verify-scope-project').check();
    const offered = await page.locator('#vv-roots option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(offered).toEqual(['/home/gopher/src/api', '/home/gopher/src/cli', '/home/gopher/src/web', '/home/gopher/src']);
    expectCleanLog(log);
  });

  test('the processes view says what it checked in plain words', async () => {
    const { page } = await open({ locks: 'some' });
    await waitForState(page, 'done');
    await page.getByTestId('open-locks').click();
    const foot = page.locator('[data-testid="locks-view"] .foot');
    await foot.waitFor();
    const text = (await foot.textContent()) ?? '';
    expect(text).toMatch(/^Checked which programs use \d+ cache folders, in \d+ ms\.$/);
    expect(text).not.toMatch(/procfs|libproc|Restart Manager/);
  });
});
