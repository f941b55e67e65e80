// Rendering tests of the doctor in the app (issue #6 §1-§3): the Diagnose view, the dashboard's
// environment checks and the guidance pages, in headless Chromium against the IPC mock.

import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { expectCleanLog, renderSuite, screenshot, waitForClean, waitForState, type MockConfig, type PageLog } from './harness';

const app = renderSuite();

async function open(config: MockConfig = {}, scheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; log: PageLog }> {
  const r = await app.open({ versions: 3000, ...config }, scheme);
  await waitForState(r.page, 'done');
  return r;
}

interface DoctorCall {
  cmd: string;
  text?: string;
  os?: string | null;
}
const doctorCalls = (page: Page) =>
  page.evaluate(() => (window as unknown as { __mock: { doctorCalls: DoctorCall[] } }).__mock.doctorCalls.map((c) => ({ ...c })));

/** A real module of the mock's cache, in the text of a real `go mod download` checksum failure. */
async function checksumText(page: Page): Promise<{ text: string; path: string; version: string }> {
  const m = await page.evaluate(() => {
    const r = (window as unknown as { __mock: { report: { modules: { path: string; version: string; toolchain: boolean }[] } } }).__mock.report;
    const x = r.modules.find((v) => !v.toolchain)!;
    return { path: x.path, version: x.version };
  });
  const text = [
    `verifying ${m.path}@${m.version}: checksum mismatch`,
    '\tdownloaded: h1:o85ZTROBKK132h1+zZX20Zr23MYJKy/FasGm8iW7pBA=',
    '\tgo.sum:     h1:X85ZTROBKK132h1+zZX20Zr23MYJKy/FasGm8iW7pBA=',
    '',
    'SECURITY ERROR',
    'This download does NOT match an earlier download recorded in go.sum.',
  ].join('\n');
  return { text, ...m };
}

const finding = (page: Page, id: string) => page.locator(`[data-testid="diagnose-finding"][data-id="${id}"]`);

describe('doctor view', { timeout: 60_000 }, () => {
  for (const scheme of ['light', 'dark'] as const) {
    test(`diagnoses pasted output and cleans the named version through the clean dialog, ${scheme}`, async () => {
      const { page, log } = await open({}, scheme);
      await page.getByTestId('open-doctor').click();
      await page.getByTestId('doctor-view').waitFor();
      expect(await page.getByTestId('open-doctor').getAttribute('aria-pressed')).toBe('true');
      // The paste box has the focus.
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('diagnose-input');
      const { text, path, version } = await checksumText(page);
      await page.getByTestId('diagnose-input').fill(text);
      await page.getByTestId('diagnose-run').click();
      await page.waitForFunction(() => document.body.dataset.doctorState === 'done');
      const f = finding(page, 'checksum-mismatch');
      expect(await f.getAttribute('data-module')).toBe(path);
      expect(await f.getAttribute('data-version')).toBe(version);
      expect(await f.getAttribute('data-severity')).toBe('error');
      expect(await f.getByTestId('diagnose-module').textContent()).toBe(path);
      // Linux: one shell, no tabs; commands with copy buttons.
      expect(await f.getByTestId('diagnose-shell').count()).toBe(0);
      expect(await f.locator('[data-testid="diagnose-command"][data-shell="bash"]').count()).toBe(2);
      await f.getByTestId('diagnose-copy').first().click();
      await f.getByText('Copied').waitFor();
      await screenshot(page, `doctor-findings-${scheme}`);

      // The action opens the clean dialog for exactly that version.
      const action = f.locator(`[data-testid="diagnose-action"][data-action="clean-version:${path}@${version}"]`);
      await action.click();
      await waitForClean(page, 'confirm');
      const dialog = page.getByTestId('clean-dialog');
      expect(await dialog.getAttribute('data-items')).toBe('1');
      expect(await page.getByTestId('clean-preview-item').textContent()).toContain(`${path}@${version}`);
      await page.getByTestId('clean-confirm').click();
      await waitForClean(page, 'holding');
      const calls = await page.evaluate(() => (window as unknown as { __mock: { cleanCalls: { targets: unknown[] }[] } }).__mock.cleanCalls.map((c) => c.targets));
      expect(calls).toEqual([[{ target: 'module-version', path, version }]]);
      // The diagnosis is still there.
      expect(await finding(page, 'checksum-mismatch').count()).toBe(1);
      expectCleanLog(log);
    });
  }

  test('diagnoses on paste, writes commands for another OS with shell tabs and no app actions', async () => {
    const { page, log } = await open();
    await page.getByTestId('open-doctor').click();
    await page.getByTestId('diagnose-input').focus();
    await page.evaluate(() => {
      const ta = document.querySelector<HTMLTextAreaElement>('[data-testid="diagnose-input"]')!;
      const data = new DataTransfer();
      data.setData('text/plain', "rm: cannot remove '/home/gopher/go/pkg/mod/x@v1/go.mod': Permission denied");
      ta.value = data.getData('text/plain');
      ta.dispatchEvent(new Event('input', { bubbles: true }));
      ta.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
    });
    await page.waitForFunction(() => document.body.dataset.doctorState === 'done');
    const f = finding(page, 'permission-denied');
    // fix-ownership shows the command with a copy button; it does not clean anything.
    await f.locator('[data-testid="diagnose-action"][data-action="fix-ownership"]').click();
    const own = f.getByTestId('diagnose-ownership');
    expect(await own.textContent()).toContain('sudo chown -R');
    expect(await own.getByTestId('diagnose-copy').count()).toBe(1);
    expect(await page.evaluate(() => document.body.dataset.cleanState ?? 'idle')).toBe('idle');

    await page.getByTestId('diagnose-os').selectOption('windows');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="diagnose-shell"]').length === 2);
    const calls = await doctorCalls(page);
    expect(calls.filter((c) => c.cmd === 'diagnose_text').map((c) => c.os)).toEqual([null, 'windows']);
    const g = finding(page, 'permission-denied');
    expect(await g.locator('[data-testid="diagnose-shell"][aria-selected="true"]').getAttribute('data-shell')).toBe('powershell');
    expect(await g.getByTestId('diagnose-command').first().textContent()).toContain('takeown');
    await g.locator('[data-testid="diagnose-shell"][data-shell="cmd"]').click();
    expect(await g.getByTestId('diagnose-command').first().getAttribute('data-shell')).toBe('cmd');
    // Arrow keys move between the shell tabs.
    await g.locator('[data-testid="diagnose-shell"][data-shell="cmd"]').press('ArrowLeft');
    expect(await g.locator('[data-testid="diagnose-shell"][aria-selected="true"]').getAttribute('data-shell')).toBe('powershell');
    // Actions act on this machine: not offered for another OS.
    expect(await g.getByTestId('diagnose-action').count()).toBe(0);
    expectCleanLog(log);
  });

  test('unknown output shows the checklist; show-lockers opens the locks view; verify the verify view', async () => {
    const { page, log } = await open();
    await page.getByTestId('open-doctor').click();
    await page.getByTestId('diagnose-input').fill('segmentation fault (core dumped)');
    await page.getByTestId('diagnose-input').press('Control+Enter');
    await page.waitForFunction(() => document.body.dataset.doctorState === 'done');
    const f = finding(page, 'not-recognized');
    expect(await f.getAttribute('data-severity')).toBe('info');
    expect(await f.locator('[data-testid="diagnose-checklist"] li').count()).toBe(3);
    await f.locator('[data-testid="diagnose-action"][data-action="verify"]').click();
    await page.getByTestId('verify-view').waitFor();

    await page.getByTestId('open-doctor').click();
    await page.getByTestId('diagnose-input').fill('remove C:\\Users\\u\\go\\pkg\\mod\\x: The process cannot access the file because it is being used by another process.');
    await page.getByTestId('diagnose-run').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="diagnose-finding"][data-id="file-locked"]') !== null);
    await finding(page, 'file-locked').locator('[data-testid="diagnose-action"][data-action="show-lockers"]').click();
    await page.getByTestId('locks-view').waitFor();
    expectCleanLog(log);
  });

  test('a failing diagnosis says so', async () => {
    const { page } = await open({ diagnoseError: 'Internal' });
    await page.getByTestId('open-doctor').click();
    await page.getByTestId('diagnose-input').fill('x');
    await page.getByTestId('diagnose-run').click();
    expect(await page.getByTestId('diagnose-error').textContent()).toContain('mock Internal');
  });
});

describe('dashboard checks', { timeout: 60_000 }, () => {
  for (const scheme of ['light', 'dark'] as const) {
    test(`lists the environment checks with fixes, without repeating discovery's problems, ${scheme}`, async () => {
      const { page, log } = await open({}, scheme);
      const panel = page.getByTestId('doctor-checks');
      await panel.waitFor();
      const rows = panel.getByTestId('doctor-check');
      const ids = await rows.evaluateAll((els) => els.map((e) => [e.getAttribute('data-id'), e.getAttribute('data-severity')]));
      expect(ids).toEqual([
        ['gosumdb-off', 'error'],
        ['modcache-writable', 'warning'],
      ]);
      const problemIds = await page.getByTestId('problem').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
      expect(problemIds.length).toBeGreaterThan(0);
      for (const [id] of ids) expect(problemIds).not.toContain(id);
      // Discovery's problem with a fix gets a fix row keyed by its id.
      const pf = panel.getByTestId('doctor-problem-fix');
      expect(await pf.evaluateAll((els) => els.map((e) => e.getAttribute('data-problem')))).toEqual(['go-env-mismatch']);
      // The error check is open with its command; the warning opens on click and offers verify.
      expect(await rows.first().getByTestId('diagnose-command').textContent()).toContain('go env -u GOSUMDB');
      await rows.nth(1).locator('summary').click();
      await rows.nth(1).locator('[data-testid="diagnose-action"][data-action="verify"]').waitFor();
      await screenshot(page, `doctor-checks-${scheme}`);
      await rows.nth(1).locator('[data-testid="diagnose-action"][data-action="verify"]').click();
      await page.getByTestId('verify-view').waitFor();
      expectCleanLog(log);
    });
  }
});

describe('guides', { timeout: 60_000 }, () => {
  for (const scheme of ['light', 'dark'] as const) {
    test(`pages for this OS with the real values, switchable to Windows and macOS, ${scheme}`, async () => {
      const { page, log } = await open({}, scheme);
      await page.getByTestId('open-guides').click();
      const view = page.getByTestId('guides-view');
      await view.waitFor();
      await page.waitForFunction(() => document.querySelector('[data-testid="guides-view"]')?.getAttribute('data-real') === 'true');
      expect(await view.getAttribute('data-os')).toBe('linux');
      expect(await page.locator('[data-testid="guide-os"][aria-checked="true"]').getAttribute('data-os')).toBe('linux');
      // Where the caches are: the user's values and their sources.
      const table = page.getByTestId('guide-table');
      expect(await table.textContent()).toContain('/home/gopher/go/pkg/mod');
      await page.locator('[data-testid="guide-tab"][data-page="settings"]').click();
      expect(await page.getByTestId('guide-table').textContent()).toContain('https://goproxy.example,direct');
      expect(await page.getByTestId('guide-table').textContent()).toContain('go env -w (GOENV file)');
      await page.locator('[data-testid="guide-tab"][data-page="clean"]').click();
      const cmds = await page.getByTestId('guide-command').allTextContents();
      expect(cmds).toContain("chmod -R u+w '/home/gopher/go/pkg/mod' && rm -rf '/home/gopher/go/pkg/mod'");
      await screenshot(page, `guides-clean-linux-${scheme}`);

      await page.locator('[data-testid="guide-os"][data-os="windows"]').click();
      expect(await view.getAttribute('data-real')).toBe('false');
      const win = await page.getByTestId('guide-command').allTextContents();
      expect(win).toContain('Remove-Item -Recurse -Force (go env GOMODCACHE)');
      expect(win.join('\n')).not.toContain('/home/gopher');
      await page.locator('[data-testid="guide-shell"][data-shell="cmd"]').nth(2).click();
      expect(await page.getByTestId('guide-command').nth(2).textContent()).toContain('rmdir /S /Q "%USERPROFILE%\\go\\pkg\\mod"');
      await page.locator('[data-testid="guide-tab"][data-page="lockers"]').click();
      expect(await page.getByTestId('guide-page').textContent()).toContain('Resource Monitor');
      await screenshot(page, `guides-lockers-windows-${scheme}`);
      await page.locator('[data-testid="guide-os"][data-os="macos"]').click();
      await page.locator('[data-testid="guide-tab"][data-page="locations"]').click();
      expect(await page.getByTestId('guide-table').textContent()).toContain('$HOME/Library/Caches/go-build');
      // Keyboard: arrows move between pages.
      await page.locator('[data-testid="guide-tab"][data-page="locations"]').press('ArrowDown');
      expect(await page.getByTestId('guide-page').getAttribute('data-page')).toBe('clean');
      expectCleanLog(log);
    });
  }
});
