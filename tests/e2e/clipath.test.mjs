// End-to-end test of Settings' "Install the command-line tool" (issue #18) in the real app:
// the app's directory (target/debug, where the CLI is built next to it, as every installer
// puts it) is not on PATH, so the action copies the CLI to ~/.local/bin of run.sh's private
// HOME; the copy runs; Remove from PATH deletes it; a foreign ~/.local/bin/gocache-doctor is
// refused and left alone. Needs APP_BIN, WEBDRIVER_URL, HOME and ARTIFACTS_DIR (run.sh).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { newSession } from './lib/webdriver.mjs';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run tests/e2e/run.sh`);
  return value;
};
const dest = path.join(env('HOME'), '.local', 'bin', 'gocache-doctor');
const bundled = path.join(path.dirname(env('APP_BIN')), 'gocache-doctor');
const artifacts = env('ARTIFACTS_DIR');

let session;
const text = (css) => session.execute(`const el = document.querySelector(arguments[0]); return el ? el.textContent.trim() : null;`, css);
const attr = (css, name) =>
  session.execute(`const el = document.querySelector(arguments[0]); return el ? el.getAttribute(arguments[1]) : null;`, css, name);
const outcome = () => attr('[data-testid="cli-path-outcome"]', 'data-outcome');

before(async () => {
  assert.ok(fs.existsSync(bundled), `${bundled}: build the CLI next to the app (cargo build -p gocache-doctor)`);
  session = await newSession(env('WEBDRIVER_URL'), env('APP_BIN'));
  await (await session.waitForElement('[data-testid="open-settings"]')).click();
  await session.waitForElement('[data-testid="cli-path"]');
});

after(async () => {
  if (session) await session.close().catch(() => {});
  fs.rmSync(dest, { force: true });
});

test('Install the command-line tool copies it to ~/.local/bin; Remove from PATH undoes it', async () => {
  fs.rmSync(dest, { force: true });
  await session.waitFor('the status', async () => (await outcome()) === 'notInstalled');
  await (await session.waitForElement('[data-testid="cli-path-install"]')).click();
  await session.waitFor('installed', async () => (await outcome()) === 'installed');
  assert.match(await text('[data-testid="cli-path-outcome"]'), new RegExp(dest.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  assert.equal(execFileSync(dest, ['--version'], { encoding: 'utf8' }).trim().split(' ')[0], 'gocache-doctor');
  assert.equal(fs.statSync(dest).mode & 0o777, 0o755);
  // The card in view and painted before the screenshot.
  await session.executeAsync(
    `document.querySelector('[data-testid="cli-path"]').scrollIntoView({ block: 'center' });
     const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done()));`,
  );
  fs.mkdirSync(artifacts, { recursive: true });
  fs.writeFileSync(path.join(artifacts, 'cli-path-installed.png'), await session.screenshot());

  await (await session.waitForElement('[data-testid="cli-path-uninstall"]')).click();
  await session.waitFor('removed', async () => (await outcome()) === 'removed');
  assert.equal(fs.existsSync(dest), false);
});

test('a foreign gocache-doctor in ~/.local/bin is refused and left alone', async () => {
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.writeFileSync(dest, '#!/bin/sh\necho mine\n');
  await (await session.waitForElement('[data-testid="cli-path-install"]')).click();
  await session.waitForElement('[data-testid="cli-path-error"]');
  assert.match(await text('[data-testid="cli-path-error"]'), /left alone/);
  assert.equal(fs.readFileSync(dest, 'utf8'), '#!/bin/sh\necho mine\n');
});
