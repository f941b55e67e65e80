// Accessibility and polish (issue #7 §3): axe-core (WCAG 2 A/AA) on every view in both themes
// and in Chinese, keyboard order with a visible focus, and layouts from 900x600 to 4K (the module
// table's speed with 20,000 versions is in perf.test.ts). Headless Chromium against the IPC mock,
// one page per test.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { expectCleanLog, renderSuite, screenshot, waitForClean, waitForState, waitForVerify, type MockConfig, type PageLog } from './harness';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const app = renderSuite();

async function open(config: MockConfig & Record<string, unknown> = {}): Promise<{ page: Page; log: PageLog }> {
  const r = await app.open(config);
  await waitForState(r.page, 'done');
  return r;
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary: string }[];
}

/**
 * Runs axe-core (WCAG 2 A and AA) on the page as it is; returns one readable line per failing
 * node. The app's CSP (`default-src 'self'`) blocks an inline <script>, so the source is
 * evaluated through the DevTools protocol, which the CSP does not govern.
 */
async function axe(page: Page, label: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  // Let transitions end: axe measures the colours as painted. A theme switch's colour
  // transitions can outlast a fixed wait on a loaded machine (a dark-theme red was once measured
  // on a still-white background): wait until no animation runs.
  await page.waitForTimeout(250);
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'), null, { timeout: 10_000 });
  const violations = await page.evaluate(async () => {
    const a = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const r = await a.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
  return violations.flatMap((v) =>
    v.nodes.map((n) => `[${label}] ${v.id} (${v.impact}): ${v.help}\n    at ${n.target.join(' ')}\n    ${n.failureSummary.replace(/\n/g, '\n    ')}`),
  );
}

/** Visits every view and runs axe on each; `scheme` is applied with emulateMedia first. */
async function auditViews(page: Page, scheme: 'light' | 'dark'): Promise<string[]> {
  const out: string[] = [];
  await page.emulateMedia({ colorScheme: scheme });
  out.push(...(await axe(page, `dashboard ${scheme}`)));
  await screenshot(page, `a11y-dashboard-${scheme}`);

  // Module view with a selection, then the clean dialog.
  await page.getByTestId('open-modules').click();
  await page.getByTestId('module-view').waitFor();
  await page.getByTestId('module-select').nth(1).click();
  await page.getByTestId('module-select').nth(3).click();
  await page.locator('[data-testid="module-row"] button.chev').first().click();
  out.push(...(await axe(page, `modules ${scheme}`)));
  await page.getByTestId('clean-selection').click();
  await waitForClean(page, 'confirm');
  out.push(...(await axe(page, `clean dialog ${scheme}`)));
  // Clean it: the toast with Undo, then Undo (the mock restores it).
  await page.getByTestId('clean-confirm').click();
  await waitForClean(page, 'holding');
  out.push(...(await axe(page, `clean toast ${scheme}`)));
  await page.getByTestId('clean-undo').click();
  await waitForClean(page, 'undone');
  await page.getByTestId('clean-close').click();
  await waitForClean(page, 'idle');
  await waitForState(page, 'done');
  await page.getByTestId('back').click();

  await page.getByTestId('open-history').click();
  await page.getByTestId('history-view').waitFor();
  out.push(...(await axe(page, `history ${scheme}`)));

  await page.getByTestId('open-verify').click();
  await page.getByTestId('verify-view').waitFor();
  if ((await page.evaluate(() => document.body.dataset.verifyState)) !== 'done') {
    await page.getByTestId('verify-start').click();
    await waitForVerify(page, 'done');
  }
  out.push(...(await axe(page, `verify ${scheme}`)));

  await page.getByTestId('open-locks').click();
  await page.getByTestId('locks-view').waitFor();
  await page.getByTestId('locks-holder').first().waitFor();
  out.push(...(await axe(page, `processes ${scheme}`)));
  await page.getByTestId('locks-view').getByTestId('locks-end').first().click();
  await page.getByTestId('locks-end-confirm').waitFor();
  out.push(...(await axe(page, `end process dialog ${scheme}`)));
  await page.keyboard.press('Escape');
  await page.getByTestId('locks-end-confirm').waitFor({ state: 'detached' });

  await page.getByTestId('open-doctor').click();
  await page.getByTestId('doctor-view').waitFor();
  if ((await page.getByTestId('diagnose-finding').count()) === 0) {
    const path = await page.evaluate(() => {
      const r = (window as unknown as { __mock: { report: { modules: { path: string; version: string; toolchain: boolean }[] } } }).__mock.report;
      const x = r.modules.find((v) => !v.toolchain)!;
      return `${x.path}@${x.version}`;
    });
    await page.getByTestId('diagnose-input').fill(`verifying ${path}: checksum mismatch\n\tdownloaded: h1:o85Z=\n\tgo.sum:     h1:X85Z=\n\nSECURITY ERROR\n`);
    await page.getByTestId('diagnose-run').click();
    await page.getByTestId('diagnose-finding').first().waitFor();
  }
  out.push(...(await axe(page, `diagnose ${scheme}`)));

  await page.getByTestId('open-guides').click();
  await page.getByTestId('guides-view').waitFor();
  out.push(...(await axe(page, `guides ${scheme}`)));

  await page.getByTestId('open-settings').click();
  await page.getByTestId('settings-view').waitFor();
  out.push(...(await axe(page, `settings ${scheme}`)));
  await page.getByTestId('open-about').click();
  await page.getByTestId('about-dialog').waitFor();
  await page.getByTestId('about-version').waitFor();
  out.push(...(await axe(page, `about ${scheme}`)));
  await page.keyboard.press('Escape');
  await page.getByTestId('about-dialog').waitFor({ state: 'detached' });
  await page.getByTestId('open-settings').click(); // back to the dashboard
  await page.getByTestId('open-modules').waitFor();
  return out;
}

describe('accessibility', { timeout: 120_000 }, () => {
  test('axe-core finds no WCAG 2 A/AA violation on any view, light and dark, English and Chinese', async () => {
    const { page, log } = await open({ versions: 3000, locks: 'some', undoSeconds: 120 });
    const found = [...(await auditViews(page, 'light')), ...(await auditViews(page, 'dark'))];
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByTestId('lang-select').selectOption('zh-CN');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    found.push(...(await axe(page, 'dashboard zh-CN light')));
    await page.emulateMedia({ colorScheme: 'dark' });
    found.push(...(await axe(page, 'dashboard zh-CN dark')));
    // The first-run welcome screen, in both themes.
    const first = await open({ welcome: true });
    await first.page.getByTestId('welcome').waitFor();
    for (const scheme of ['light', 'dark'] as const) {
      await first.page.emulateMedia({ colorScheme: scheme });
      found.push(...(await axe(first.page, `welcome ${scheme}`)));
    }
    if (found.length) console.error(`axe-core violations:\n${found.join('\n')}`);
    expect(found, found.join('\n')).toEqual([]);
    expectCleanLog(log);
  });
});

/** Where the focus is, and how it shows. */
interface Focused {
  id: string;
  ring: string;
  visible: boolean;
}

/**
 * The focused element and whether its focus ring shows: an outline of at least 1 px (or a box
 * shadow), or, for an SVG tile, a stroke on its shape.
 */
const focused = (page: Page): Promise<Focused> =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | SVGElement | null;
    if (!el || el === document.body) return { id: 'body', ring: '', visible: false };
    const cs = getComputedStyle(el);
    const shape = el instanceof SVGElement ? el.querySelector('rect') : null;
    const stroke = shape ? getComputedStyle(shape) : null;
    const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 1;
    const shadow = cs.boxShadow !== 'none' && cs.boxShadow !== '';
    const stroked = !!stroke && stroke.stroke !== 'none' && parseFloat(stroke.strokeWidth) >= 2;
    const label = el.getAttribute('aria-label');
    const id = el.dataset.testid ?? `${el.tagName.toLowerCase()}${label ? `[${label}]` : ''}${el.getAttribute('role') ? `(${el.getAttribute('role')})` : ''}`;
    return { id, ring: `${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}${stroked ? ` stroke ${stroke!.stroke}` : ''}`, visible: outline || shadow || stroked };
  });

/** Presses Tab up to `max` times, until the focus leaves the page; what got the focus. */
async function tabThrough(page: Page, max: number): Promise<Focused[]> {
  const seen: Focused[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f.id === 'body') break;
    seen.push(f);
  }
  return seen;
}

/** Asserts `want` appear in this order among the focused ids (others may come between). */
function expectInOrder(seen: Focused[], want: string[]): void {
  const ids = seen.map((f) => f.id);
  let at = -1;
  for (const w of want) {
    const next = ids.findIndex((id, i) => i > at && (id === w || id.startsWith(w)));
    expect(next, `${w} after ${ids[at] ?? 'the start'} in the Tab order:\n${ids.join('\n')}`).toBeGreaterThan(at);
    at = next;
  }
  const hidden = seen.filter((f) => !f.visible);
  expect(hidden, `focused without a visible focus ring: ${hidden.map((f) => `${f.id} (${f.ring})`).join(', ')}`).toEqual([]);
}

describe('keyboard', { timeout: 60_000 }, () => {
  for (const scheme of ['light', 'dark'] as const) {
    test(`Tab reaches the main actions in order with a visible focus ring, ${scheme}`, async () => {
      const { page, log } = await open({ versions: 3000, locks: 'some' });
      await page.emulateMedia({ colorScheme: scheme });
      // Dashboard: the header's actions, then each card's.
      const dash = await tabThrough(page, 80);
      expectInOrder(dash, [
        'scan-rerun',
        'open-doctor',
        'open-guides',
        'open-verify',
        'open-locks',
        'open-history',
        'lang-select',
        'open-modules',
        'verify-cache',
        'clean-cache-modcache',
        'clean-cache-toolchains',
        'clean-cache-build',
      ]);
      expect(dash.filter((f) => f.id === 'locks-badge').length, 'the "processes hold files" badges').toBeGreaterThan(0);

      // Module view, from the keyboard only: Enter opens it and a tile of the treemap filters.
      await page.getByTestId('open-modules').focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('module-view').waitFor();
      await page.getByTestId('module-select').nth(2).check();
      await page.getByTestId('back').focus();
      const mods = await tabThrough(page, 24);
      expectInOrder(mods, [
        'treemap-toggle',
        'g(button)',
        'module-filter',
        'expand-all',
        'select-unused',
        'select-older',
        'select-older-days',
        'select-keep-latest',
        'select-keep-latest-n',
        'select-none',
        'clean-selection',
        'module-select-all',
        'sort-name',
        'sort-versions',
        'sort-size',
        'sort-download',
        'sort-newest',
        'module-select',
        'button[Expand',
      ]);
      expect(mods.filter((f) => f.id === 'g(button)').length, 'the treemap is one Tab stop').toBe(1);
      await screenshot(page, `a11y-focus-modules-${scheme}`);
      // The treemap's tiles (after the map's Hide button): arrows move, Enter drills into the
      // tile's module and filters the table by it.
      await page.getByTestId('back').focus();
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid)).toBe('treemap-toggle');
      await page.keyboard.press('Tab');
      await page.keyboard.press('ArrowRight');
      const second = await page.evaluate(() => document.activeElement?.querySelector('title')?.textContent?.split(' — ')[0] ?? '');
      expect(second).not.toBe('');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getByTestId('module-filter').inputValue()).toBe(second);
      await screenshot(page, `a11y-focus-treemap-${scheme}`);
      expectCleanLog(log);
    });
  }
});

/** Horizontal overflow of the page, and header parts cut off, overlapping or outside the window. */
async function layoutProblems(page: Page, label: string): Promise<string[]> {
  const problems = await page.evaluate(() => {
    const out: string[] = [];
    const se = document.scrollingElement!;
    if (se.scrollWidth > window.innerWidth) out.push(`page scrolls sideways: ${se.scrollWidth} > ${window.innerWidth}`);
    const header = document.querySelector('header.top');
    if (!header) return [...out, 'no header'];
    const hr = header.getBoundingClientRect();
    if (hr.left < 0 || hr.right > window.innerWidth + 0.5) out.push(`header outside the window: ${hr.left}..${hr.right}`);
    // The header's controls and texts: inside the header and the window, not on top of each other.
    const parts = [...header.querySelectorAll<HTMLElement>('button, select, input, a, h1, [data-testid="total-size"], [data-testid="go-version"]')].filter(
      (e) => e.getClientRects().length > 0,
    );
    const name = (e: Element) => (e as HTMLElement).dataset.testid ?? e.tagName.toLowerCase();
    for (const e of parts) {
      const r = e.getBoundingClientRect();
      if (r.left < hr.left - 0.5 || r.right > hr.right + 0.5 || r.top < hr.top - 0.5 || r.bottom > hr.bottom + 0.5) out.push(`${name(e)} sticks out of the header`);
      if (r.right > window.innerWidth + 0.5) out.push(`${name(e)} is cut by the window`);
    }
    for (let i = 0; i < parts.length; i++)
      for (let j = i + 1; j < parts.length; j++) {
        if (parts[i].contains(parts[j]) || parts[j].contains(parts[i])) continue;
        const a = parts[i].getBoundingClientRect();
        const b = parts[j].getBoundingClientRect();
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 1 && h > 1) out.push(`${name(parts[i])} overlaps ${name(parts[j])}`);
      }
    // Two rows at most: the language menu stays on the tools' row.
    const tools = header.querySelector('[data-testid="open-doctor"]')?.getBoundingClientRect();
    for (const id of ['lang-select', 'open-about']) {
      const r = header.querySelector(`[data-testid="${id}"]`)?.getBoundingClientRect();
      if (tools && r && Math.abs(tools.top + tools.height / 2 - (r.top + r.height / 2)) > 6)
        out.push(`${id} wrapped to a row of its own (${Math.round(hr.height)} px header)`);
    }
    // Text cut short in the header's buttons and the views' titles.
    for (const e of document.querySelectorAll<HTMLElement>('header.top button, main h2, main .bar button'))
      if (e.getClientRects().length > 0 && e.clientWidth > 1 && e.scrollWidth > e.clientWidth + 1) out.push(`${name(e)} "${e.textContent?.trim()}" is clipped`);
    return out;
  });
  return problems.map((p) => `[${label}] ${p}`);
}

describe('layouts', { timeout: 90_000 }, () => {
  for (const [w, h] of [
    [900, 600],
    [3840, 2160],
  ] as const) {
    test(`dashboard, module view and verify hold at ${w}x${h}`, async () => {
      const { page, log } = await open({ versions: 3000 });
      await page.setViewportSize({ width: w, height: h });
      const found: string[] = [];
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        found.push(...(await layoutProblems(page, `dashboard ${w}x${h} ${scheme}`)));
        await screenshot(page, `layout-${w}x${h}-dashboard-${scheme}`);
        await page.getByTestId('open-modules').click();
        await page.getByTestId('module-view').waitFor();
        await page.getByTestId('module-row').first().waitFor();
        found.push(...(await layoutProblems(page, `modules ${w}x${h} ${scheme}`)));
        // The table keeps room for rows (the page scrolls in a short window).
        const rowsHeight = await page.getByTestId('module-rows').evaluate((e) => e.clientHeight);
        if (rowsHeight < 5 * 34) found.push(`[modules ${w}x${h} ${scheme}] the table shows ${rowsHeight} px of rows`);
        await screenshot(page, `layout-${w}x${h}-modules-${scheme}`);
        await page.getByTestId('back').click();
        await page.getByTestId('open-verify').click();
        await page.getByTestId('verify-view').waitFor();
        if ((await page.evaluate(() => document.body.dataset.verifyState)) !== 'done') {
          await page.getByTestId('verify-start').click();
          await waitForVerify(page, 'done');
        }
        found.push(...(await layoutProblems(page, `verify ${w}x${h} ${scheme}`)));
        await screenshot(page, `layout-${w}x${h}-verify-${scheme}`);
        await page.getByTestId('open-verify').click();
        await page.getByTestId('open-modules').waitFor();
      }
      expect(found, found.join('\n')).toEqual([]);
      expectCleanLog(log);
    });
  }
});
