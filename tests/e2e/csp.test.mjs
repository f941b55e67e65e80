// End-to-end test of the app's Content Security Policy (issue #12 item 14) in the real app:
// an attacker who gets markup into the page (a module path, a pasted log, a file name shown
// unescaped somewhere) cannot run a script or restyle the page with it. Injected through
// WebDriver: a script element with inline text, an inline event handler, an inline <style> and
// a style="" attribute from markup. None may take effect; each must be reported as a CSP
// violation. A control shows that what the UI itself does (styles set through the CSSOM, as
// Svelte's style: directives do) still works. Run through tests/e2e/run.sh (APP_BIN,
// WEBDRIVER_URL); alone: tests/e2e/run.sh node --test tests/e2e/csp.test.mjs

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';

import { newSession } from './lib/webdriver.mjs';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run tests/e2e/run.sh`);
  return value;
};
const SCAN_TIMEOUT = 60_000;

let session = null;
afterEach(async () => {
  if (session) await session.close().catch(() => {});
  session = null;
});

test('injected inline script, event handler, <style> and style="" do not take effect', async () => {
  session = await newSession(env('WEBDRIVER_URL'), env('APP_BIN'));
  assert.equal(await session.waitForScanState(['done', 'error', 'cancelled'], { timeout: SCAN_TIMEOUT }), 'done');

  // The app rendered with its stylesheet and its CSSOM-set styles under the CSP: the cache
  // card's share bar has its width from Svelte's style: directive.
  const rendered = await session.execute(`
    const card = document.querySelector('[data-testid="cache-card-modcache"]');
    const fill = card && card.querySelector('.fill');
    return {
      card: !!card,
      cardDisplay: card ? getComputedStyle(card).display : null,
      fillWidth: fill ? fill.style.width : null,
    };
  `);
  assert.ok(rendered.card, 'the module cache card is shown');
  assert.notEqual(rendered.cardDisplay, 'inline', 'the stylesheet applies');
  assert.match(rendered.fillWidth ?? '', /%$/, 'style: directives (CSSOM) work under the CSP');

  const r = await session.executeAsync(`
    const done = arguments[arguments.length - 1];
    const violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      violations.push(e.effectiveDirective || e.violatedDirective);
    });
    const host = document.createElement('div');
    host.id = 'csp-probe';
    document.body.appendChild(host);
    // 1. A script element with inline text (what an injected <script> becomes when a page
    //    inserts it through the DOM: innerHTML alone never runs scripts).
    const script = document.createElement('script');
    script.textContent = 'window.__cspInlineScript = 1;';
    document.body.appendChild(script);
    // 2. Markup: an inline event handler, an inline <style> and a style="" attribute.
    host.innerHTML =
      '<img src="data:," onerror="window.__cspHandler = 1">' +
      '<style>#csp-probe .by-style-element { color: rgb(1, 2, 3); }</style>' +
      '<span class="by-style-element">a</span>' +
      '<span class="by-style-attribute" style="color: rgb(4, 5, 6)">b</span>' +
      '<span class="by-cssom">c</span>';
    // Control: the CSSOM (what the UI uses) is not governed by the CSP.
    host.querySelector('.by-cssom').style.color = 'rgb(7, 8, 9)';
    setTimeout(() => {
      const color = (sel) => getComputedStyle(host.querySelector(sel)).color;
      done({
        inlineScript: window.__cspInlineScript ?? null,
        handler: window.__cspHandler ?? null,
        styleElement: color('.by-style-element'),
        styleAttribute: color('.by-style-attribute'),
        cssom: color('.by-cssom'),
        violations,
      });
    }, 1000);
  `);
  assert.equal(r.inlineScript, null, 'an inline script ran');
  assert.equal(r.handler, null, 'an inline event handler ran');
  assert.notEqual(r.styleElement, 'rgb(1, 2, 3)', 'an inline <style> applied');
  assert.notEqual(r.styleAttribute, 'rgb(4, 5, 6)', 'a style="" attribute from markup applied');
  assert.equal(r.cssom, 'rgb(7, 8, 9)', 'the control: CSSOM styles apply');
  // Each blocked injection was reported as a violation of the script or style policy.
  const scripts = r.violations.filter((v) => v.startsWith('script-src')).length;
  const styles = r.violations.filter((v) => v.startsWith('style-src')).length;
  assert.ok(scripts >= 2, `script violations: ${JSON.stringify(r.violations)}`);
  assert.ok(styles >= 2, `style violations: ${JSON.stringify(r.violations)}`);
});
