// Rendering tests of Verify in the app (issue #4 §6) and of the clean history's "Undone" entries:
// the built app in headless Chromium against the Tauri IPC mock (tests/render/mock-ipc.ts).

import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { expectCleanLog, renderSuite, screenshot, waitForState, waitForVerify, type MockConfig, type PageLog } from './harness';

const app = renderSuite();

async function open(config: MockConfig = {}, scheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; log: PageLog }> {
  const r = await app.open({ versions: 3000, ...config }, scheme);
  await waitForState(r.page, 'done');
  return r;
}

interface VerifyCall {
  cmd: string;
  project?: string | null;
  ids?: string[];
  versions?: { path: string; version: string }[];
}

const calls = (page: Page) =>
  page.evaluate(() => (window as unknown as { __mock: { verifyCalls: VerifyCall[] } }).__mock.verifyCalls.map((c) => ({ ...c })));
const states = (page: Page) => page.evaluate(() => [...(window as unknown as { __mock: { verifyStates: string[] } }).__mock.verifyStates]);

async function openVerify(page: Page): Promise<void> {
  await page.getByTestId('open-verify').click();
  await page.getByTestId('verify-view').waitFor();
}

const item = (page: Page, status: string) => page.locator(`[data-testid="verify-item"][data-status="${status}"]`);

describe('verify view', { timeout: 60_000 }, () => {
  for (const scheme of ['light', 'dark'] as const) {
    test(`verifies, groups by severity, names the changed files and repairs, ${scheme}`, async () => {
      const { page, log } = await open({}, scheme);
      expect(await page.evaluate(() => document.body.dataset.verifyState)).toBe('idle');
      // Also reachable from the module cache's card.
      expect(await page.getByTestId('verify-cache').count()).toBe(1);
      await openVerify(page);
      expect(await page.getByTestId('open-verify').getAttribute('aria-pressed')).toBe('true');
      // The start button has the focus: Enter starts.
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('verify-start');
      await page.keyboard.press('Enter');
      await waitForVerify(page, 'done');
      expect(await states(page)).toEqual(['idle', 'running', 'done']);

      const groups = page.getByTestId('verify-group');
      expect(await groups.evaluateAll((els) => els.map((e) => e.getAttribute('data-severity')))).toEqual(['error', 'warning', 'info']);
      const error = page.locator('[data-testid="verify-group"][data-severity="error"]');
      expect(await error.getAttribute('data-count')).toBe('4'); // 3 versions + 1 build cache entry
      expect(await error.getByTestId('verify-problem').getAttribute('data-id')).toBe('build-output-corrupt');
      // The problem's badge names its kind in words, not its id.
      expect(await error.locator('[data-testid="verify-problem"] .badge').textContent()).toBe('Damaged build output');
      expect(await error.getByTestId('verify-problem-message').textContent()).toContain('content hashes to 77e0c2d4');
      const summary = page.getByTestId('verify-summary');
      expect(await summary.getAttribute('data-broken')).toBe('3');
      expect(await summary.textContent()).toContain('3 broken, 1 corrupt build cache entry');

      // The broken versions are expanded (few of them): the changed files, with words for the change.
      const dir = item(page, 'dir-modified');
      const files = dir.getByTestId('verify-file');
      expect(await files.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-name')}:${e.getAttribute('data-change')}`))).toEqual([
        'decode.go:modified',
        'internal/patch_test.go:added',
        'LICENSE:removed',
      ]);
      expect(await dir.textContent()).toContain('deleted');
      // Its findings come from the app's catalog (the core's message), in English here.
      const dirFindings = await dir.getByTestId('verify-finding').allTextContents();
      expect(dirFindings[0]).toMatch(/^dir has been modified: \S+ hashes to h1:9fq3\S+, not h1:Zk2v\S+; compared with the zip: 1 modified, 1 added, 1 removed: decode\.go \(modified\), /);
      expect(dirFindings.join('\n')).not.toContain("the core's English");
      expect(await dir.textContent()).toContain('someone (an editor, a script');
      expect(await dir.getByTestId('verify-item-status').textContent()).toContain('Files changed');
      // The "fine" group starts closed; its toggle is a real button.
      const info = page.locator('[data-testid="verify-group"][data-severity="info"]');
      expect(await info.getByTestId('verify-item').count()).toBe(0);
      const toggle = info.getByTestId('verify-group-toggle');
      await toggle.focus();
      await page.keyboard.press('Enter');
      expect(await toggle.getAttribute('aria-expanded')).toBe('true');
      await expect.poll(() => info.getByTestId('verify-item').count()).toBe(200);
      expect(await info.textContent()).toContain('Show more');
      await toggle.click();
      // An item opens and closes from the keyboard.
      const warn = item(page, 'leftovers').getByTestId('verify-item-toggle');
      expect(await warn.getAttribute('aria-expanded')).toBe('false');
      await warn.focus();
      await page.keyboard.press('Enter');
      expect(await warn.getAttribute('aria-expanded')).toBe('true');
      expect(await item(page, 'leftovers').textContent()).toContain('zip3311.tmp');

      await page.evaluate(() => document.querySelector('main')?.scrollTo(0, 0));
      await page.waitForTimeout(200);
      await screenshot(page, `verify-${scheme}`);

      // The module view shows the verdicts.
      const dirModule = await dir.getAttribute('data-module');
      const dirVersion = await dir.getAttribute('data-version');
      await page.getByTestId('back').click();
      await page.getByTestId('open-modules').click();
      await page.getByTestId('module-view').waitFor();
      await page.getByTestId('module-filter').fill(`${dirModule}@${dirVersion}`);
      const badge = page.locator(`[data-testid="module-row"][data-version="${dirVersion}"] [data-testid="verify-badge"]`);
      await expect.poll(() => badge.getAttribute('data-status')).toBe('dir-modified');
      expect(await badge.textContent()).toContain('Files changed');
      expect(
        await page.locator(`[data-testid="module-row"][data-row-type="module"] [data-testid="verify-badge-module"]`).first().getAttribute('data-status'),
      ).toBe('dir-modified');
      await screenshot(page, `verify-badges-${scheme}`);
      await page.getByTestId('back').click();

      // Repair one version: the command and its output, then a fresh verification.
      await openVerify(page);
      await item(page, 'dir-modified').getByTestId('verify-repair').click();
      await waitForVerify(page, 'repairing');
      await waitForVerify(page, 'done');
      const out = page.getByTestId('verify-repair-output');
      expect(await out.getAttribute('data-state')).toBe('done');
      expect(await out.getByTestId('verify-repair-command').textContent()).toContain(`go mod download -- ${dirModule}@${dirVersion}`);
      expect(await out.textContent()).toContain(`go: downloading ${dirModule} ${dirVersion}`);
      expect(await item(page, 'dir-modified').count()).toBe(0);
      expect(await summary.getAttribute('data-broken')).toBe('2');
      let c = await calls(page);
      expect(c.map((x) => x.cmd)).toEqual(['verify_start', 'verify_repair', 'verify_start']);
      expect(c[1].ids).toEqual([`${dirModule}@${dirVersion}`]);
      expect(c[1].versions).toEqual([{ path: dirModule, version: dirVersion }]);
      expect(c[1].project).toBeNull();

      // Repair all broken.
      const all = page.locator('[data-testid="verify-repair"][data-scope="all"]');
      expect(await all.textContent()).toContain('Repair all broken (2)');
      await all.click();
      await waitForVerify(page, 'repairing');
      await waitForVerify(page, 'done');
      expect(await summary.getAttribute('data-broken')).toBe('0');
      expect(await all.count()).toBe(0);
      c = await calls(page);
      expect(c[3].versions).toHaveLength(2);
      await screenshot(page, `verify-repaired-${scheme}`);
      expectCleanLog(log);
    });
  }

  test('progress in bytes hashed with an ETA, and cancel', async () => {
    const { page, log } = await open({ verify: 'manual' });
    await openVerify(page);
    await page.getByTestId('verify-start').click();
    await waitForVerify(page, 'running');
    const bar = page.getByTestId('verify-progress');
    await expect.poll(() => bar.getAttribute('aria-valuenow')).toBe('40');
    expect(await bar.getAttribute('role')).toBe('progressbar');
    const total = Number(await bar.getAttribute('data-total-bytes'));
    expect(total).toBeGreaterThan(0);
    expect(Number(await bar.getAttribute('data-bytes'))).toBe(Math.floor(total * 0.4));
    expect(await page.getByTestId('verify-counts').textContent()).toMatch(/hashed · .* of .* versions/);
    // The average rate so far: with the mock holding at 40%, the estimate appears after half a
    // second and then grows (1.5 times the time spent).
    await expect.poll(() => page.getByTestId('verify-eta').textContent(), { timeout: 8000 }).toMatch(/40% · about \d+ s left/);
    expect(await page.getByTestId('verify-start').isDisabled()).toBe(true);
    await screenshot(page, 'verify-progress');
    await page.getByTestId('verify-cancel').click();
    await waitForVerify(page, 'cancelled');
    const summary = page.getByTestId('verify-summary');
    expect(await summary.getAttribute('data-cancelled')).toBe('true');
    expect(await summary.textContent()).toContain('Cancelled after checking');
    expect((await calls(page)).map((x) => x.cmd)).toEqual(['verify_start', 'verify_cancel']);
    expectCleanLog(log);
  });

  test('project mode explains a go.sum mismatch; remembered roots are offered', async () => {
    const { page, log } = await open();
    await openVerify(page);
    await page.getByTestId('verify-scope-project').check();
    expect(await page.getByTestId('verify-start').isDisabled()).toBe(true);
    await expect.poll(() => page.locator('#vv-roots option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value))).toEqual([
      '/home/gopher/src/work',
    ]);
    await page.getByTestId('verify-project').fill('/home/gopher/src/retag-app');
    await page.getByTestId('verify-start').click();
    await waitForVerify(page, 'done');
    const mm = page.getByTestId('verify-mismatch');
    expect(await mm.getAttribute('data-cause')).toBe('retagged');
    expect(await mm.textContent()).toContain('The version changed upstream');
    expect(await mm.textContent()).toContain('moved the tag');
    // The explanation and the evidence are the core's messages, rendered from the app's catalog.
    expect(await mm.textContent()).toContain('was most likely retagged upstream (its tag moved to another commit)');
    expect(await mm.textContent()).toContain('the checksum database was in use');
    expect(await mm.textContent()).not.toContain("the core's English");
    expect(await page.getByTestId('verify-project-result').textContent()).toContain('80 lines compared');
    expect((await calls(page))[0].project).toBe('/home/gopher/src/retag-app');
    // The folder picker fills the field.
    await page.getByTestId('verify-pick').click();
    await expect.poll(() => page.getByTestId('verify-project').inputValue()).toBe('/home/gopher/src/picked');
    // Repair in project mode downloads in the project (its go.sum checks the download).
    await page.locator('[data-testid="verify-repair"][data-scope="all"]').click();
    await waitForVerify(page, 'done');
    const c = await calls(page);
    expect(c[1]).toMatchObject({ cmd: 'verify_repair', project: '/home/gopher/src/retag-app' });
    expect(c[2]).toMatchObject({ cmd: 'verify_start', project: '/home/gopher/src/retag-app' });
    await screenshot(page, 'verify-project');
    expectCleanLog(log);
  });

  /**
   * Runs of four or more English words: an English sentence. Go's own messages in quotes
   * ("checksum mismatch") and code-like tokens (paths, hashes, flags, NAME=value, go.sum) are
   * not prose; `go mod tidy` is three words.
   */
  const englishProse = (text: string): string[] =>
    text
      .replace(/"[^"]*"|“[^”]*”/g, '|')
      .replace(/\S*[/@=.:_\-\d]\S*/g, '|')
      .match(/(?:\b[A-Za-z]{2,}\b[ ,]+){3,}\b[A-Za-z]{2,}\b/g) ?? [];

  for (const [scheme, locale] of [['light', 'en-US'], ['dark', 'zh-CN']] as const) {
    test(`project mode explains every kind of go.sum mismatch in the UI's language, ${scheme} ${locale}`, async () => {
      const { page, log } = await open({ locale }, scheme);
      const zh = locale === 'zh-CN';
      await openVerify(page);
      await page.getByTestId('verify-scope-project').check();
      await page.getByTestId('verify-project').fill('/home/gopher/src/mixed-app');
      await page.getByTestId('verify-start').click();
      await waitForVerify(page, 'done');
      const mm = page.getByTestId('verify-mismatch');
      expect(await mm.evaluateAll((els) => els.map((e) => e.getAttribute('data-cause')))).toEqual([
        'retagged',
        'settings',
        'cache-corrupted',
        'gosum-wrong',
      ]);
      await page.getByTestId('verify-compare-proxy').click();
      await waitForVerify(page, 'done');
      await page.locator('[data-testid="verify-project-result"] details summary').click();
      // Every sentence of the project result: explanations, evidence, the proxy's answer, which
      // versions were verified, the settings.
      const texts = await page
        .locator(
          '[data-testid="verify-mismatch-explanation"], [data-testid="verify-mismatch-evidence"] li, [data-testid="verify-unconfirmed-note"], [data-testid="verify-project-set"], [data-testid="verify-project-result"] details li',
        )
        .allTextContents();
      expect(texts.length).toBe(4 + 3 + 4 + 2 + 3 + 1 + 1 + 2);
      for (const text of texts) {
        expect(text, 'a fallback to the core\'s English').not.toContain("the core's English");
        if (zh) {
          if (!/^GO[A-Z]+=/.test(text)) expect(text, 'Chinese').toMatch(/\p{Script=Han}/u);
          expect(englishProse(text), text).toEqual([]);
        }
      }
      const all = texts.join('\n');
      if (zh) {
        expect(all).toContain('多半是上游重新打了这个版本的标签');
        expect(all).toContain('GOSUMDB=off（go env -w 写入的文件）');
        expect(all).toContain('GOPROXY=https://proxy.golang.org,direct（Go 的默认值）');
        // The module finding: its verdict and meaning, not the core's English sentence.
        expect(all).toContain('文件已改动');
        expect(all).not.toContain('hashes to');
      } else {
        expect(all).toContain('was most likely retagged upstream');
        expect(all).toContain("GOSUMDB=off (the go env -w file): downloads are not checked against the checksum database");
        expect(all).toContain("GOPROXY=https://proxy.golang.org,direct (Go's default)");
        expect(all).toContain('dir has been modified: ');
        expect(all).toContain('the proxy and the checksum database agree on another hash');
      }
      for (const [w, h] of [[1200, 800], [800, 600]] as const) {
        await page.setViewportSize({ width: w, height: h });
        await mm.nth(1).scrollIntoViewIfNeeded();
        await screenshot(page, `verify-project-mixed-${scheme}-${locale}-${w}x${h}`);
      }
      expectCleanLog(log);
    });
  }

  test('the cache verification in zh-CN: the broken versions\' findings, a build cache problem and the repair note are Chinese', async () => {
    const { page, log } = await open({ locale: 'zh-CN', goMissing: true }, 'dark');
    await openVerify(page);
    await page.getByTestId('verify-start').click();
    await waitForVerify(page, 'done');
    const error = page.locator('[data-testid="verify-group"][data-severity="error"]');
    // Three broken versions, expanded: dir-modified (and writable files), zip-modified, partial.
    const findings = await error.getByTestId('verify-finding').allTextContents();
    expect(findings).toHaveLength(4);
    const problem = error.getByTestId('verify-problem');
    expect(await problem.getAttribute('data-id')).toBe('build-output-corrupt');
    expect(await problem.locator('.badge').textContent()).toBe('构建输出已损坏');
    const problemText = (await problem.getByTestId('verify-problem-message').textContent()) ?? '';
    await page.locator('[data-testid="verify-repair"][data-scope="all"]').click();
    await waitForVerify(page, 'repairing');
    await waitForVerify(page, 'done');
    const note = (await page.getByTestId('verify-repair-note').textContent()) ?? '';
    for (const text of [...findings, problemText, note]) {
      expect(text, "a fallback to the core's English").not.toContain("the core's English");
      expect(text, 'Chinese').toMatch(/\p{Script=Han}/u);
      expect(englishProse(text), text).toEqual([]);
    }
    const all = findings.join('\n');
    // Go's own words stay as go prints them, quoted; the changed files without English change words.
    expect(all).toContain('目录已被修改（"dir has been modified"）');
    expect(all).toContain('与 zip 相比：1 个修改、1 个新增、1 个删除：decode.go, internal/patch_test.go, LICENSE');
    expect(all).toContain('zip 已被修改（"zip has been modified"）');
    expect(all).not.toContain('(modified)');
    expect(problemText).toContain('内容的哈希是 77e0c2d4');
    expect(note).toContain('这台机器上没有安装 Go');
    await screenshot(page, 'verify-cache-zh-CN');
    expectCleanLog(log);
  });

  for (const [scheme, locale] of [['light', 'en-US'], ['dark', 'en-US'], ['light', 'zh-CN']] as const) {
    test(`a go.sum line the cache cannot confirm is a finding, compared with the proxy on request, ${scheme} ${locale}`, async () => {
      const { page, log } = await open({ locale }, scheme);
      await openVerify(page);
      await page.getByTestId('verify-scope-project').check();
      await page.getByTestId('verify-project').fill('/home/gopher/src/app');
      await page.getByTestId('verify-start').click();
      await waitForVerify(page, 'done');
      const zh = locale === 'zh-CN';
      // Not "nothing is broken" alone: the summary names the unconfirmed line.
      expect(await page.getByTestId('verify-view').textContent()).toContain(zh ? '1 行 go.sum 无法确认' : '1 go.sum line cannot be confirmed');
      const box = page.getByTestId('verify-unconfirmed');
      expect(await box.getAttribute('data-count')).toBe('1');
      const line = page.getByTestId('verify-unconfirmed-line');
      expect(await line.getAttribute('data-module')).toBe('golang.org/x/text');
      expect(await line.getAttribute('data-verdict')).toBe('none');
      expect(await line.textContent()).toContain(zh ? '尚未比较' : 'not compared yet');
      expect(await page.getByTestId('verify-project-set').textContent()).toContain('go list -m all');
      for (const [w, h] of [[1200, 800], [800, 600]] as const) {
        await page.setViewportSize({ width: w, height: h });
        await box.scrollIntoViewIfNeeded();
        await screenshot(page, `verify-unconfirmed-${scheme}-${locale}-${w}x${h}`);
      }
      await page.getByTestId('verify-compare-proxy').click();
      await waitForVerify(page, 'done');
      await expect.poll(async () => page.getByTestId('verify-unconfirmed-line').getAttribute('data-verdict')).toBe('same');
      expect(await page.getByTestId('verify-unconfirmed-line').textContent()).toContain(zh ? '代理一致' : 'the proxy agrees');
      // Compared once: no button to compare again.
      expect(await page.getByTestId('verify-compare-proxy').count()).toBe(0);
      const c = await calls(page);
      expect(c[c.length - 1]).toMatchObject({ cmd: 'verify_start', project: '/home/gopher/src/app', compareProxy: true });
      await screenshot(page, `verify-unconfirmed-compared-${scheme}-${locale}`);
      expectCleanLog(log);
    });
  }

  test('a failed verification says what happened and what to do', async () => {
    const { page } = await open({ verifyError: 'NotFound' });
    await openVerify(page);
    await page.getByTestId('verify-start').click();
    await waitForVerify(page, 'error');
    const err = page.getByTestId('verify-error');
    expect(await err.getAttribute('role')).toBe('alert');
    expect(await err.textContent()).toContain('The verification failed.');
    expect(await err.textContent()).toContain('holds a go.sum file');
    expect(await err.textContent()).toContain('NotFound');
  });
});

describe('history', { timeout: 60_000 }, () => {
  test('a clean Undo put entirely back shows as "Undone"', async () => {
    const { page } = await open({ history: 'undone' });
    await page.getByTestId('open-history').click();
    const entry = page.getByTestId('history-entry');
    await expect.poll(() => entry.count()).toBe(1);
    expect(await entry.getAttribute('data-undone')).toBe('true');
    expect(await entry.getByTestId('history-undone').textContent()).toContain('Undone');
    expect(await entry.textContent()).not.toContain('removed');
    expect(await entry.textContent()).not.toContain('skipped');
  });
});
