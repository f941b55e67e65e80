// A minimal W3C WebDriver client over fetch: just what the end-to-end tests need.
// tauri-driver proxies it to WebKitWebDriver, which launches the app.

import fs from 'node:fs';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/** Pids of running processes whose program (argv[0]) is `application`. */
function running(application) {
  const pids = [];
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const argv0 = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
      if (argv0 === application) pids.push(Number(pid));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}

export class WebDriverError extends Error {
  constructor(method, path, status, value) {
    super(`${method} ${path}: HTTP ${status}: ${value?.error ?? ''} ${value?.message ?? JSON.stringify(value)}`);
    this.status = status;
    this.error = value?.error;
  }
}

/** How long one WebDriver request may take (starting the app included) before it fails. */
const REQUEST_TIMEOUT_MS = 120_000;

async function call(base, method, path, body) {
  let res;
  try {
    res = await fetch(base + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (e) {
    throw new WebDriverError(method, path, 0, { error: e?.name ?? 'fetch failed', message: `no answer: ${e?.message ?? e}` });
  }
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new WebDriverError(method, path, res.status, { message: text.slice(0, 500) });
  }
  if (!res.ok || (json.value && json.value.error)) throw new WebDriverError(method, path, res.status, json.value);
  return json.value;
}

/** Starts the app at `application` through the WebDriver server at `url` (e.g. http://127.0.0.1:4444). */
export async function newSession(url, application) {
  const base = url.replace(/\/$/, '');
  const body = { capabilities: { alwaysMatch: { 'tauri:options': { application } } } };
  // tauri-driver starts a WebKitWebDriver per session and proxies to it; when that one is not
  // listening yet the request fails with "Connection refused" before any app was started (seen
  // once in a run of all the tests): asked again, up to three times. Other failures are not.
  for (let attempt = 1; ; attempt++) {
    try {
      const value = await call(base, 'POST', '/session', body);
      return new Session(base, value.sessionId, application);
    } catch (e) {
      const refused = /connection refused|tcp connect error|ECONNREFUSED/i.test(e.message);
      if (!refused || attempt >= 3 || running(application).length > 0) throw e;
      await new Promise((r) => setTimeout(r, 1000 * attempt));
    }
  }
}

export class Session {
  constructor(base, id, application = null) {
    this.base = base;
    this.id = id;
    this.application = application;
  }

  cmd(method, path, body) {
    return call(this.base, method, `/session/${this.id}${path}`, body);
  }

  /** Runs `script` (a function body) in the page and returns its value. */
  execute(script, ...args) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }

  /** Runs `script` (a function body that calls `arguments[arguments.length - 1](value)`). */
  executeAsync(script, ...args) {
    return this.cmd('POST', '/execute/async', { script, args });
  }

  /** The first element matching `css`, or null. */
  async find(css) {
    try {
      const value = await this.cmd('POST', '/element', { using: 'css selector', value: css });
      return new Element(this, value[ELEMENT]);
    } catch (e) {
      if (e.error === 'no such element') return null;
      throw e;
    }
  }

  /** Polls `probe` (async, truthy when done) every `interval` ms until it holds or `timeout` ms pass. */
  async waitFor(what, probe, { timeout = 20_000, interval = 50 } = {}) {
    const deadline = Date.now() + timeout;
    await this.recordErrors();
    let last;
    for (;;) {
      try {
        last = await probe();
        if (last) return last;
      } catch (e) {
        last = e;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${last}); the page: ${await this.describe()}`);
      }
      await new Promise((r) => setTimeout(r, interval));
    }
  }

  /**
   * What the page shows, for a timeout's message: the view, the scan and clean states, the
   * test ids on the page and the start of its text; a screenshot goes to ARTIFACTS_DIR.
   */
  async describe() {
    let page;
    try {
      page = await this.execute(`
        const ids = [...new Set([...document.querySelectorAll('[data-testid]')].map((e) => e.dataset.testid))];
        return JSON.stringify({
          url: location.href,
          view: document.querySelector('main')?.dataset.view ?? null,
          body: { ...document.body.dataset },
          errors: window.__e2eErrors ?? [],
          testids: ids.slice(0, 60),
          text: (document.body.innerText ?? '').replace(/\\s+/g, ' ').slice(0, 600),
        });`);
    } catch (e) {
      page = `(not readable: ${e.message})`;
    }
    const dir = process.env.ARTIFACTS_DIR;
    if (dir) {
      try {
        fs.mkdirSync(dir, { recursive: true });
        const file = `${dir}/timeout-${Date.now()}.png`;
        fs.writeFileSync(file, await this.screenshot());
        page += ` (screenshot ${file})`;
      } catch {
        // No screenshot: the message says enough.
      }
    }
    return page;
  }

  /** Makes the page keep its uncaught errors (in `window.__e2eErrors`) for `describe`. */
  async recordErrors() {
    try {
      await this.execute(`
        if (window.__e2eErrors) return;
        window.__e2eErrors = [];
        const keep = (what) => window.__e2eErrors.length < 20 && window.__e2eErrors.push(String(what).slice(0, 300));
        window.addEventListener('error', (e) => keep(e.message + ' at ' + e.filename + ':' + e.lineno));
        window.addEventListener('unhandledrejection', (e) => keep('unhandled rejection: ' + (e.reason?.stack ?? e.reason)));
        const error = console.error.bind(console);
        console.error = (...args) => { keep('console.error: ' + args.map((a) => a?.stack ?? a).join(' ')); error(...args); };`);
    } catch {
      // The page is loading: the next wait records them.
    }
  }

  /** Waits for an element to exist and returns it. */
  waitForElement(css, opts) {
    return this.waitFor(`element ${css}`, () => this.find(css), opts);
  }

  /** `document.body.dataset.scanState`. */
  scanState() {
    return this.execute('return document.body.dataset.scanState ?? null');
  }

  /** Waits until the scan state is one of `states`; returns it. */
  waitForScanState(states, opts) {
    const wanted = [].concat(states);
    return this.waitFor(`scanState in ${wanted}`, async () => {
      const s = await this.scanState();
      return wanted.includes(s) ? s : null;
    }, opts);
  }

  /** PNG bytes of the window. */
  async screenshot() {
    return Buffer.from(await this.cmd('GET', '/screenshot'), 'base64');
  }

  /**
   * Ends the session and waits (up to 30 s) until the app process has exited: the app is single
   * instance, so a launch while the last one is still shutting down would hand over to it and
   * exit instead of starting, and the next session would wait for a window that never comes.
   * An app still running after that (a slow exit on a loaded machine) is killed, with a note.
   */
  async close() {
    await call(this.base, 'DELETE', `/session/${this.id}`);
    if (!this.application) return;
    const gone = async (ms) => {
      const deadline = Date.now() + ms;
      while (running(this.application).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      return running(this.application).length === 0;
    };
    if (await gone(30_000)) return;
    const left = running(this.application);
    console.error(`webdriver: the app (pids ${left.join(' ')}) still runs 30 s after its session ended; killing it`);
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Exited meanwhile.
      }
    }
    await gone(5_000);
  }
}

export class Element {
  constructor(session, id) {
    this.session = session;
    this.id = id;
  }

  attribute(name) {
    return this.session.cmd('GET', `/element/${this.id}/attribute/${encodeURIComponent(name)}`);
  }

  text() {
    return this.session.cmd('GET', `/element/${this.id}/text`);
  }

  click() {
    return this.session.cmd('POST', `/element/${this.id}/click`, {});
  }

  /** The first descendant matching `css`, or null. */
  async find(css) {
    try {
      const value = await this.session.cmd('POST', `/element/${this.id}/element`, { using: 'css selector', value: css });
      return new Element(this.session, value[ELEMENT]);
    } catch (e) {
      if (e.error === 'no such element') return null;
      throw e;
    }
  }
}
