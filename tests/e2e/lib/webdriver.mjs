// A minimal W3C WebDriver client over fetch: just what the end-to-end tests need.
// tauri-driver proxies it to WebKitWebDriver, which launches the app.

import { execFileSync } from 'node:child_process';
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

/**
 * How long one WebDriver request may take (starting the app included) before it fails;
 * E2E_REQUEST_TIMEOUT_MS overrides it (to try the harness's own timeout paths).
 */
const REQUEST_TIMEOUT_MS = Number(process.env.E2E_REQUEST_TIMEOUT_MS) || 120_000;

async function call(base, method, path, body, abort = null) {
  let res;
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  try {
    res = await fetch(base + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: abort ? AbortSignal.any([timeout, abort]) : timeout,
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

/**
 * The D-Bus name the app's single-instance plugin holds while it runs (tauri.conf.json's
 * identifier + ".SingleInstance"): a launch that finds it owned hands over to the owner and exits.
 */
export const SINGLE_INSTANCE_NAME = 'dev.gocachedoctor.desktop.SingleInstance';

/** Whether the single-instance name has an owner on the session bus (false without a bus). */
export function singleInstanceOwned() {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) return false;
  try {
    const out = execFileSync('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus',
      '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', `string:${SINGLE_INSTANCE_NAME}`],
    { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
    return /boolean true/.test(out);
  } catch {
    return false;
  }
}

/**
 * Waits (up to `ms`) until no app process runs and the single-instance name is free: the bus
 * daemon drops a dead process's name only once it notices the closed connection, and a launch
 * before that would hand over to nobody and exit. True when both are clear.
 */
async function appGone(application, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (running(application).length === 0 && !singleInstanceOwned()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts the app at `application` through the WebDriver server at `url` (e.g. http://127.0.0.1:4444).
 * `argv0` is the app's program as it runs (default `application`; a launcher script that execs
 * the app passes the app's path): watched while the session starts.
 */
export async function newSession(url, application, { argv0 = application } = {}) {
  const base = url.replace(/\/$/, '');
  const body = { capabilities: { alwaysMatch: { 'tauri:options': { application } } } };
  for (let attempt = 1; ; attempt++) {
    // A launch while the last app still runs, or still holds its bus name, would hand over to it.
    if (!(await appGone(argv0, 10_000))) {
      console.error(`webdriver: before a new session: app pids [${running(argv0).join(' ')}], bus name owned: ${singleInstanceOwned()}`);
    }
    const watch = watchLaunch(argv0);
    try {
      const value = await call(base, 'POST', '/session', body, watch.signal);
      return new Session(base, value.sessionId, argv0);
    } catch (e) {
      const state = `app pids [${running(argv0).join(' ')}], seen [${[...watch.seen].join(' ')}], bus name owned: ${singleInstanceOwned()}`;
      // tauri-driver starts a WebKitWebDriver per session and proxies to it; when that one is
      // not listening yet the request fails with "Connection refused" before any app was started
      // (seen once in a run of all the tests). An app that started and exited before its window
      // connected (watchLaunch) leaves the request waiting for nothing. Both are asked again, up
      // to three times; other failures are not.
      const refused = /connection refused|tcp connect error|ECONNREFUSED/i.test(e.message) && running(argv0).length === 0;
      const exited = watch.exited();
      // An app that runs but whose window never connected within the request's time: what its
      // threads were doing is kept (stderr, and ARTIFACTS_DIR), then it is ended and, once,
      // started again, so one stuck launch does not fail the run unseen or unexplained.
      const stuck = !refused && !exited && e.error === 'TimeoutError' && running(argv0).length > 0;
      if (stuck) {
        const threads = running(argv0).map(threadsOf).join('\n');
        console.error(`webdriver: the app did not connect within ${REQUEST_TIMEOUT_MS / 1000} s (${state}); its threads:\n${threads}`);
        if (process.env.ARTIFACTS_DIR) {
          fs.mkdirSync(process.env.ARTIFACTS_DIR, { recursive: true });
          fs.writeFileSync(`${process.env.ARTIFACTS_DIR}/stuck-launch-${Date.now()}.txt`, `${state}\n${threads}\n`);
        }
        for (const pid of running(argv0)) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // Exited meanwhile.
          }
        }
      }
      if ((!refused && !exited && !(stuck && attempt === 1)) || attempt >= 3) {
        e.message += ` (${state})`;
        throw e;
      }
      const why = exited ? 'the app exited before its window connected' : stuck ? 'the app was stuck, killed' : 'refused';
      console.error(`webdriver: session attempt ${attempt} failed (${why}; ${state}): ${e.message}`);
      await new Promise((r) => setTimeout(r, 1000 * attempt));
    } finally {
      watch.stop();
    }
  }
}

/** Each thread of process `pid`: its id, name, state and the kernel function it waits in. */
function threadsOf(pid) {
  const read = (f) => {
    try {
      return fs.readFileSync(f, 'utf8').trim();
    } catch {
      return '?';
    }
  };
  let tids = [];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return `${pid}: gone`;
  }
  return tids.map((tid) => {
    const dir = `/proc/${pid}/task/${tid}`;
    const state = read(`${dir}/stat`).replace(/^.*\) /, '').split(' ')[0];
    return `${pid}/${tid} ${read(`${dir}/comm`)} ${state} ${read(`${dir}/wchan`)}`;
  }).join('\n');
}

/**
 * Watches a launch of `argv0`: `signal` aborts once an app process was seen and then none has
 * run for 3 s (the app gave up, or handed over to another instance, before WebKitWebDriver
 * connected to it); `exited()` says whether that happened.
 */
function watchLaunch(argv0) {
  const controller = new AbortController();
  const seen = new Set();
  let goneSince = null;
  let exited = false;
  const timer = setInterval(() => {
    const now = running(argv0);
    for (const pid of now) seen.add(pid);
    if (seen.size === 0 || now.length > 0) {
      goneSince = null;
      return;
    }
    goneSince ??= Date.now();
    if (Date.now() - goneSince > 3000 && !exited) {
      exited = true;
      controller.abort(new Error('the app exited before its window connected'));
    }
  }, 100);
  return { signal: controller.signal, seen, exited: () => exited, stop: () => clearInterval(timer) };
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
   * Ends the session and waits (up to 30 s) until the app process has exited and the bus has
   * dropped its single-instance name: the app is single instance, so a launch while the last one
   * is still shutting down would hand over to it and exit instead of starting, and the next
   * session would wait for a window that never comes. An app still running after that (a slow
   * exit on a loaded machine) is killed, with a note. Waits even when ending the session failed.
   */
  async close() {
    let failed = null;
    try {
      await call(this.base, 'DELETE', `/session/${this.id}`);
    } catch (e) {
      // Still wait for the app below: the next launch must not find it running.
      failed = e;
    }
    if (this.application) {
      if (!(await appGone(this.application, 30_000))) {
        const left = running(this.application);
        console.error(`webdriver: the app (pids [${left.join(' ')}]) still runs 30 s after its session ended, or its bus name is still owned (${singleInstanceOwned()}); killing it`);
        for (const pid of left) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // Exited meanwhile.
          }
        }
        await appGone(this.application, 5_000);
      }
    }
    if (failed) throw failed;
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
