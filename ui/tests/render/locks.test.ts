// Rendering tests of the Locks view, the cache-card badges and the clean integration (issue #5
// §3/§5): the built app in headless Chromium against the Tauri IPC mock (tests/render/mock-ipc.ts).

import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { expectCleanLog, renderSuite, screenshot, waitForClean, waitForState, type MockConfig, type PageLog } from './harness';

const app = renderSuite();

/** Opens the app; `clock`: with Playwright's fake clock, whose `fastForward` stands in for waiting. */
async function open(config: MockConfig = {}, scheme: 'light' | 'dark' = 'light', clock = false): Promise<{ page: Page; log: PageLog }> {
  const r = await app.open({ versions: 2000, locks: 'some', ...config }, scheme, { clock });
  await waitForState(r.page, 'done');
  return r;
}

interface LocksMock {
  locksCalls: { cmd: string; pid?: number; at?: number }[];
  locksStats: { inflight: number; maxInflight: number };
}
const mock = (page: Page) =>
  page.evaluate(() => {
    const m = (window as unknown as { __mock: LocksMock }).__mock;
    return { calls: m.locksCalls.map((c) => ({ ...c })), stats: { ...m.locksStats } };
  });
const listCalls = async (page: Page) => (await mock(page)).calls.filter((c) => c.cmd === 'locks_list').length;

const holderRow = (page: Page, pid: number) => page.locator(`[data-testid="locks-view"] [data-testid="locks-holder"][data-pid="${pid}"]`);

describe('locks', { timeout: 60_000 }, () => {
  test('cards show a badge per cache after the scan; it opens the Locks view', async () => {
    const { page, log } = await open();
    const badge = page.locator('[data-testid="cache-card-modcache"] [data-testid="locks-badge"]');
    await badge.waitFor();
    // go, gopls, VS Code and the backup agent hold files in the module cache.
    expect(await badge.getAttribute('data-count')).toBe('4');
    expect(await badge.textContent()).toContain('4 processes hold files here');
    expect(await page.locator('[data-testid="cache-card-build"] [data-testid="locks-badge"]').getAttribute('data-count')).toBe('1');
    expect(await page.locator('[data-testid="cache-card-gopls"] [data-testid="locks-badge"]').textContent()).toContain(
      '1 process holds files here',
    );
    // The installed binaries' card (nothing held there) has none.
    expect(await page.locator('[data-testid="cache-card-gobin"]').count()).toBe(1);
    expect(await page.locator('[data-testid="cache-card-gobin"] [data-testid="locks-badge"]').count()).toBe(0);
    await badge.click();
    await page.getByTestId('locks-view').waitFor();
    expect(await page.getByTestId('open-locks').getAttribute('aria-pressed')).toBe('true');
    expectCleanLog(log);
  });

  for (const scheme of ['light', 'dark'] as const) {
    test(`the Locks view lists holders by process with kinds, grouped paths and advice, ${scheme}`, async () => {
      const { page, log } = await open({}, scheme);
      await page.getByTestId('open-locks').click();
      const view = page.getByTestId('locks-view');
      await view.waitFor();
      await expect.poll(() => view.getAttribute('data-holders')).toBe('5');
      const rows = view.getByTestId('locks-holder');
      // The core's order: Go tools first, then IDEs, then others.
      expect(await rows.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-pid')}:${e.getAttribute('data-tool')}:${e.getAttribute('data-category')}`))).toEqual([
        '4242:go:go-tool',
        '5120:gopls:go-tool',
        '6001::ide',
        '7007::other',
        '812::other',
      ]);
      const go = holderRow(page, 4242);
      expect(await go.getByTestId('locks-kind').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-kind')}=${e.textContent?.trim()}`))).toEqual([
        'open-file=Open file',
        'flock=Lock',
      ]);
      expect(await go.textContent()).toContain('github.com/BurntSushi/toml@v1.2.0');
      expect(await go.textContent()).toContain('cache/download/github.com/!burnt!sushi/toml/@v/v1.2.0.lock');
      expect(await go.getByTestId('locks-advice').textContent()).toContain("holds a module version's lock");
      // VS Code is named by product, its cwd labelled.
      const code = holderRow(page, 6001);
      expect(await code.textContent()).toContain('Visual Studio Code');
      expect(await code.getByTestId('locks-kind').textContent()).toBe('Working directory');
      // gopls holds 11 paths in two caches: folded, grouped by cache and version.
      const gopls = holderRow(page, 5120);
      const details = gopls.locator('details.paths');
      expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
      await details.locator('summary').click();
      expect(await gopls.getByTestId('locks-cache-group').evaluateAll((els) => els.map((e) => e.getAttribute('data-cache')))).toEqual([
        'modcache',
        'gopls',
      ]);
      expect(await gopls.locator('[data-testid="locks-cache-group"][data-cache="modcache"] .module').count()).toBe(9);
      // The deleted-but-open file is labelled.
      expect(await holderRow(page, 7007).locator('[data-testid="locks-kind"][data-kind="deleted-open"]').textContent()).toBe('Deleted, still open');
      expect(await holderRow(page, 812).textContent()).toContain('another user');
      const note = page.getByTestId('locks-inaccessible');
      expect(await note.getAttribute('data-count')).toBe('2');
      expect(await note.textContent()).toContain('2 processes could not be inspected; run as administrator to see them');
      await details.locator('summary').click();
      await page.evaluate(() => document.querySelector('main')?.scrollTo(0, 0));
      await page.waitForTimeout(150);
      await screenshot(page, `locks-${scheme}`);
      expectCleanLog(log);
    });
  }

  test('auto-refresh every few seconds while open, pausable, never overlapping', async () => {
    // Each probe takes longer than half the period: a second timer or click must not overlap.
    const { page, log } = await open({ locksDelay: 1200 }, 'light', true);
    await page.getByTestId('open-locks').click();
    await page.getByTestId('locks-view').waitFor();
    const before = await listCalls(page);
    // Clicking Refresh while one runs does not start a second request.
    await page.getByTestId('locks-refresh').click({ force: true });
    await page.getByTestId('locks-refresh').click({ force: true });
    await expect.poll(() => listCalls(page), { timeout: 12_000, interval: 200 }).toBeGreaterThanOrEqual(before + 2);
    expect((await mock(page)).stats.maxInflight).toBe(1);
    // Paused: no more requests.
    await page.getByTestId('locks-pause').click();
    expect(await page.getByTestId('locks-pause').getAttribute('aria-pressed')).toBe('true');
    await page.clock.fastForward(1500); // let a running request finish
    const paused = await listCalls(page);
    await page.clock.fastForward(4000);
    expect(await listCalls(page)).toBe(paused);
    // Resume refreshes at once; leaving the view slows down to the badges' period.
    await page.getByTestId('locks-pause').click();
    await expect.poll(() => listCalls(page)).toBe(paused + 1);
    await page.getByTestId('back').click();
    await page.clock.fastForward(1500);
    const left = await listCalls(page);
    await page.clock.fastForward(4000);
    expect(await listCalls(page)).toBe(left);
    expect((await mock(page)).stats.maxInflight).toBe(1);
    expectCleanLog(log);
  });

  test('End process asks first, names the process, then the row goes; refusals in plain words', async () => {
    const { page, log } = await open();
    await page.getByTestId('open-locks').click();
    await holderRow(page, 7007).waitFor();
    // Cancel leaves it running.
    await holderRow(page, 7007).getByTestId('locks-end').click();
    const dialog = page.getByTestId('locks-end-confirm');
    await dialog.waitFor();
    expect(await dialog.getAttribute('role')).toBe('alertdialog');
    expect(await dialog.textContent()).toContain('End python3 (pid 7007)?');
    expect(await dialog.textContent()).toContain('Close the program, or end it here');
    // Focus starts on Cancel (the safe choice); Esc closes.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('locks-end-cancel');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect((await mock(page)).calls.filter((c) => c.cmd === 'locks_end')).toEqual([]);

    await holderRow(page, 7007).getByTestId('locks-end').click();
    await page.getByTestId('locks-end-accept').click();
    const result = page.locator('[data-testid="locks-view"] [data-testid="locks-end-result"]');
    await result.waitFor();
    expect(await result.getAttribute('data-how')).toBe('exited');
    expect(await result.textContent()).toContain('python3 (pid 7007) exited when asked to stop.');
    // The pid goes with the start time the list showed, so a reused pid is refused by the core.
    expect((await mock(page)).calls.filter((c) => c.cmd === 'locks_end')).toEqual([
      { cmd: 'locks_end', pid: 7007, startTime: 107007 },
    ]);
    await holderRow(page, 7007).waitFor({ state: 'detached' });
    expect(await page.getByTestId('locks-view').getAttribute('data-holders')).toBe('4');

    // Another user's process: refused, with what to do.
    await holderRow(page, 812).getByTestId('locks-end').click();
    await page.getByTestId('locks-end-accept').click();
    await expect.poll(() => result.getAttribute('data-code')).toBe('RefusedOtherUser');
    expect(await result.getAttribute('role')).toBe('alert');
    expect(await result.textContent()).toContain('belongs to another user');
    expect(await result.textContent()).toContain('Run Go Cache Doctor as administrator');
    expect(await holderRow(page, 812).count()).toBe(1);
    expectCleanLog(log);
  });

  test('empty state and a failing probe', async () => {
    const { page, log } = await open({ locks: 'none' });
    await page.getByTestId('open-locks').click();
    const empty = page.getByTestId('locks-empty');
    await empty.waitFor();
    expect(await empty.textContent()).toContain('No process holds files in your Go caches');
    expect(await page.getByTestId('locks-inaccessible').count()).toBe(0);
    expect(await page.getByTestId('locks-badge').count()).toBe(0);
    expectCleanLog(log);

    const failing = await open({ locks: 'error' });
    await failing.page.getByTestId('open-locks').click();
    const err = failing.page.getByTestId('locks-error');
    await err.waitFor();
    expect(await err.getAttribute('data-code')).toBe('Io');
    expect(await err.textContent()).toContain('Could not list the processes');
  });

  test('the clean dialog names the holders of its cache with End process', async () => {
    const { page, log } = await open();
    await page.getByTestId('clean-cache-modcache').click();
    await waitForClean(page, 'confirm');
    const holders = page.locator('[data-testid="clean-dialog"] [data-testid="clean-holders"]');
    await holders.waitFor();
    expect(await holders.getAttribute('data-count')).toBe('4');
    expect(await holders.getByTestId('locks-holder').evaluateAll((els) => els.map((e) => e.getAttribute('data-pid')))).toEqual([
      '4242',
      '5120',
      '6001',
      '812',
    ]);
    expect(await holders.textContent()).toContain('4 running programs use files this clean removes');
    await screenshot(page, 'locks-clean-dialog-light');
    await holders.locator('[data-testid="locks-holder"][data-pid="6001"] [data-testid="locks-end"]').click();
    const confirm = page.getByTestId('locks-end-confirm');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('End code (pid 6001)?');
    await page.getByTestId('locks-end-accept').click();
    await confirm.waitFor({ state: 'detached' });
    await expect.poll(() => holders.getAttribute('data-count')).toBe('3');
    expect(await holders.getByTestId('locks-end-result').getAttribute('data-how')).toBe('exited');
    // The clean dialog is still open and usable.
    expect(await page.evaluate(() => document.body.dataset.cleanState)).toBe('confirm');
    // The build cache's dialog names only its own holder.
    await page.getByTestId('clean-dismiss').click();
    await page.getByTestId('clean-cache-build').click();
    await waitForClean(page, 'confirm');
    await expect.poll(() => page.locator('[data-testid="clean-holders"] [data-testid="locks-holder"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-pid')))).toEqual(['7007']);
    expectCleanLog(log);
  });

  test('a clean that failed as locked shows the holders and links to the Locks view', async () => {
    const { page, log } = await open({ cleanFail: 'locked', undoSeconds: 0 });
    await page.getByTestId('clean-cache-modcache').click();
    await waitForClean(page, 'confirm');
    await page.getByTestId('clean-confirm').click();
    await waitForClean(page, 'done');
    const result = page.getByTestId('clean-result');
    expect(await result.getAttribute('data-failed')).toBe('1');
    expect(await result.locator('[data-testid="clean-result-item"]').getAttribute('data-cause')).toBe('locked');
    expect(await result.getByTestId('clean-holder').textContent()).toContain('go (pid 4242, user gopher): open-file, flock');
    const holders = result.getByTestId('clean-result-holders');
    await expect.poll(() => holders.getAttribute('data-count')).toBe('4');
    expect(await holders.locator('[data-testid="locks-holder"]').first().getAttribute('data-pid')).toBe('4242');
    await screenshot(page, 'locks-clean-result-light');
    await holders.getByTestId('clean-show-locks').click();
    await page.getByTestId('locks-view').waitFor();
    await holderRow(page, 4242).waitFor();
    expectCleanLog(log);
  });
});
