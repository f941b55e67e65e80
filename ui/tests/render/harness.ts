// Shared set-up of the rendering tests: a static server for ui/dist (with the app's CSP) and a
// headless Chromium page with the Tauri IPC mock injected before the app runs.

import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import ts from 'typescript';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
/** The built UI: ui/dist, or UI_DIST (a helper's own build, `vite build --outDir ...`). */
export const DIST = process.env.UI_DIST ? resolve(process.env.UI_DIST) : resolve(here, '../../dist');
export const ARTIFACTS = resolve(here, '../../../artifacts/ui');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const MOCK = join(here, 'mock-ipc.ts');

let mockScript: string | undefined;
/**
 * The IPC mock as the script the page runs: mock-ipc.ts with its types stripped (they are
 * checked by `npm run build`'s svelte-check). It only imports types, so what remains is the
 * plain script (TypeScript adds `export {}` to keep it a module; a classic script cannot
 * hold that).
 */
function mockScriptText(): string {
  if (mockScript === undefined) {
    const out = ts.transpileModule(readFileSync(MOCK, 'utf8'), {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
      fileName: MOCK,
    }).outputText;
    mockScript = out.replace(/^export \{\};?\s*$/m, '');
    if (/^\s*(import|export)\b/m.test(mockScript)) throw new Error(`${MOCK} must import types only`);
  }
  return mockScript;
}

/**
 * The CSP the app ships with, read from src-tauri/tauri.conf.json so the rendering tests run
 * the UI under exactly that policy (no 'unsafe-inline' anywhere: a style or script the UI
 * needed inline would show up as a CSP violation in every test's console check).
 */
export const CSP: string = JSON.parse(readFileSync(resolve(here, '../../../src-tauri/tauri.conf.json'), 'utf8')).app.security.csp;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** Fails with instructions when a prerequisite is missing. */
function checkPrerequisites(): void {
  if (!existsSync(CHROMIUM)) {
    const msg =
      `\n\nRendering tests need Chromium at ${CHROMIUM} (not found).\n` +
      `Install it with:  apt-get install -y chromium   (or set CHROMIUM_PATH)\n\n`;
    console.error(msg);
    throw new Error(msg);
  }
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error(`ui/dist is missing: run \`npm run build\` first (\`npm test\` does).`);
  }
}

/** Serves ui/dist on 127.0.0.1 (random port) with the app's CSP header. */
async function startServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let path = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '');
    if (path === '/' || path === '') path = '/index.html';
    const file = join(DIST, path);
    if (!file.startsWith(DIST) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': CSP,
      'Cache-Control': 'no-store',
    });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/` };
}

async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface MockConfig {
  scan?: 'auto' | 'manual' | 'error';
  env?: 'auto' | 'manual';
  goMissing?: boolean;
  oldCore?: boolean;
  versions?: number;
  /** `permission`: the first item of each clean fails, owned by root; `locked`: it fails held by a go command. */
  cleanFail?: 'permission' | 'locked';
  /** Holders `locks_list` reports (`none` by default); `error`: it fails. */
  locks?: 'some' | 'none' | 'error';
  /** Milliseconds each `locks_list` takes (default 20). */
  locksDelay?: number;
  undoSeconds?: number;
  history?: 'some' | 'empty' | 'undone' | 'auto';
  /** `manual`: verify_start holds at 40% until verify_cancel or `__mock.finishVerify()`. */
  verify?: 'auto' | 'manual';
  /** An error code verify_start fails with. */
  verifyError?: string;
  repairDelay?: number;
  pickDir?: string | null;
  planError?: string;
  /** An error code module_folders fails with. */
  foldersError?: string;
  /** An error code diagnose_text fails with. */
  diagnoseError?: string;
  planDelay?: number;
  itemDelay?: number;
  purgeDelay?: number;
  /** A first run: the stored settings have `welcome_seen: false` (the welcome screen shows). */
  welcome?: boolean;
  /** The tray's library is missing (Linux without libayatana-appindicator3-1). */
  trayMissing?: boolean;
  /** Stored settings fields to override (e.g. `{ theme: 'dark' }`). */
  settings?: Record<string, unknown>;
  /** The settings file was corrupt: the first settings_get answers the defaults with a notice. */
  settingsCorrupt?: boolean;
  /** What system_locale answers (default `en-US`). */
  locale?: string;
  /** The saved settings' language. */
  language?: string | null;
  /** The module cache has no VCS checkouts (cache/vcs absent). */
  noVcs?: boolean;
  /** The OS env_report names (default `linux`). */
  os?: 'linux' | 'macos' | 'windows';
  /** What size_history answers: `some` = a last scan 2 hours old with growth, charts and new versions (default: none). */
  sizeHistory?: 'some' | 'duplicates' | 'none';
  /** Milliseconds auto_preview takes (default 30). */
  autoPreviewDelay?: number;
  /** The daily run is installed. */
  autoInstalled?: boolean;
  /** auto_policy_set fails (the settings directory is not writable). */
  autoSaveError?: boolean;
  /** An error code reveal_path fails with (`NotFound`, `BadArgument`, `Unsupported`, ...). */
  revealError?: string;
  /** export_modules: the user cancels the save dialog. */
  exportCancel?: boolean;
  /** An error code export_modules fails with. */
  exportError?: string;
}

/** Waits until body[data-clean-state] is `state`. */
export async function waitForClean(page: Page, state: string): Promise<void> {
  await page.waitForFunction((s) => document.body.dataset.cleanState === s, state, { timeout: 15_000 });
}

/** Waits until body[data-verify-state] is `state`. */
export async function waitForVerify(page: Page, state: string): Promise<void> {
  await page.waitForFunction((s) => document.body.dataset.verifyState === s, state, { timeout: 15_000 });
}

/** What went wrong in the page: console errors, page errors, CSP reports, foreign requests. */
export interface PageLog {
  errors: string[];
  foreignRequests: string[];
}

async function openApp(
  browser: Browser,
  baseUrl: string,
  config: MockConfig = {},
  colorScheme: 'light' | 'dark' = 'light',
  { clock = false }: { clock?: boolean } = {},
): Promise<{ page: Page; log: PageLog }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme });
  // Playwright's fake clock: time flows as usual, and `page.clock.fastForward(ms)` jumps ahead
  // firing what falls due, so a test of a 10 s timer need not wait 10 s.
  if (clock) await context.clock.install();
  const page = await context.newPage();
  const log: PageLog = { errors: [], foreignRequests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') log.errors.push(m.text());
  });
  page.on('pageerror', (e) => log.errors.push(String(e)));
  page.on('request', (r) => {
    if (!r.url().startsWith(baseUrl) && !r.url().startsWith('data:')) log.foreignRequests.push(r.url());
  });
  await page.addInitScript(`window.__MOCK_CONFIG__ = ${JSON.stringify(config)};`);
  await page.addInitScript({ content: mockScriptText() });
  await page.goto(baseUrl);
  return { page, log };
}

/** What the tests of one file share: the UI server and the browser, and the pages to close. */
export interface Suite {
  /** The server's address (valid once the file's tests run). */
  readonly baseUrl: string;
  /**
   * The app in a new page ([`openApp`]); closed after the test, unless `keep` (the caller closes
   * it, e.g. a page shared by a describe).
   */
  open(
    config?: MockConfig,
    colorScheme?: 'light' | 'dark',
    options?: { clock?: boolean; keep?: boolean },
  ): Promise<{ page: Page; log: PageLog }>;
}

/**
 * Sets up a test file: checks the prerequisites, serves ui/dist and launches Chromium before its
 * tests, closes each test's pages after it, and the browser and server after the file.
 */
export function renderSuite(): Suite {
  let server: Server | undefined;
  let browser: Browser | undefined;
  let baseUrl = '';
  const opened: Page[] = [];
  beforeAll(async () => {
    checkPrerequisites();
    ({ server, url: baseUrl } = await startServer());
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    const s = server;
    if (s) await new Promise((r) => s.close(r));
  });
  afterEach(async () => {
    for (const page of opened.splice(0)) await page.context().close();
  });
  return {
    get baseUrl() {
      return baseUrl;
    },
    async open(config = {}, colorScheme = 'light', { clock = false, keep = false } = {}) {
      if (!browser) throw new Error('renderSuite: open() before the browser started');
      const r = await openApp(browser, baseUrl, config, colorScheme, { clock });
      if (!keep) opened.push(r.page);
      return r;
    },
  };
}

/** The page logged no console error or CSP violation and requested nothing outside the app. */
export function expectCleanLog(log: PageLog): void {
  expect(log.errors, 'console errors / CSP violations').toEqual([]);
  expect(log.foreignRequests, 'requests leaving the app').toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Waits until body[data-scan-state] is `state`. */
export async function waitForState(page: Page, state: string): Promise<void> {
  await page.waitForFunction((s) => document.body.dataset.scanState === s, state, { timeout: 15_000 });
}
