// The UI's translations: both languages carry the same keys with the same placeholders, every
// key the code asks for exists, the Chinese texts are translated, and no component template
// prints English that bypasses `t(...)`.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'svelte/compiler';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCALES, MESSAGES, type Messages } from '../locales';
import { asLocale, hasKey, locale, localeFromTags, setLocale, t } from './i18n';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..');

function flatten(m: Messages, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(m)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const PLURAL = /_(zero|one|two|few|many|other)$/;
/** A key without its plural suffix: Chinese has only `_other` where English has `_one` too. */
const base = (key: string) => key.replace(PLURAL, '');
const placeholders = (text: string) => [...text.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1]).sort();

const flat = Object.fromEntries(LOCALES.map((l) => [l, flatten(MESSAGES[l])])) as Record<string, Map<string, string>>;

/** Placeholders per base key (the union over its plural forms). */
function placeholdersByBase(m: Map<string, string>): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const [k, v] of m) {
    const set = out.get(base(k)) ?? new Set<string>();
    for (const p of placeholders(v)) if (p !== 'count') set.add(p);
    out.set(base(k), set);
  }
  return new Map([...out].map(([k, s]) => [k, [...s].sort()]));
}

describe('catalogs', () => {
  it('have the same keys and placeholders in every language', () => {
    const en = placeholdersByBase(flat.en);
    for (const l of LOCALES) {
      const other = placeholdersByBase(flat[l]);
      expect([...other.keys()].sort(), `keys of ${l}`).toEqual([...en.keys()].sort());
      for (const [k, ph] of en) expect(other.get(k), `placeholders of ${l}:${k}`).toEqual(ph);
    }
  });

  it('have no empty texts, and English plurals have both forms', () => {
    for (const l of LOCALES) for (const [k, v] of flat[l]) expect(v.trim(), `${l}:${k}`).not.toBe('');
    for (const k of flat.en.keys()) {
      if (k.endsWith('_one')) expect(flat.en.has(k.replace(/_one$/, '_other')), k).toBe(true);
      if (k.endsWith('_other')) expect(flat.en.has(k.replace(/_other$/, '_one')), k).toBe(true);
    }
  });

  it('are translated: a Chinese text that reads as English is a copy someone forgot', () => {
    const copies: string[] = [];
    for (const [k, zh] of flat['zh-CN']) {
      const hasHan = /\p{Script=Han}/u.test(zh);
      // Words of ordinary prose (not env vars, commands or units), outside placeholders.
      const words = zh.replace(/\{\{[^}]*\}\}/g, '').match(/\b[A-Za-z][a-z]{3,}\b/g) ?? [];
      if (!hasHan && words.length >= 2) copies.push(`${k}: ${zh}`);
    }
    expect(copies).toEqual([]);
  });
});

/** Every `.ts` and `.svelte` source file under src (tests excluded). */
function sources(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'locales' ? [] : sources(p);
    return /\.(ts|svelte)$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [p] : [];
  });
}

describe('keys in the code', () => {
  it('every literal key passed to t() exists in English', () => {
    const missing: string[] = [];
    for (const file of sources()) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([a-z][\w-]*(?:\.[\w-]+)+)'/g)) {
        const key = m[1];
        if (!flat.en.has(key) && !flat.en.has(`${key}_one`) && !flat.en.has(`${key}_other`)) {
          missing.push(`${relative(SRC, file)}: ${key}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});

// Literal texts a template may print as they are: names and tokens that are the same in every
// language. Anything else goes through t().
const VERBATIM = new Set(['Go Cache Doctor', 'go', 'go.sum', 'go.mod', 'GOPATH', 'GOMODCACHE', 'GOCACHE', 'GOPROXY', 'English', '简体中文']);
/** Attributes people read or hear. */
const READ_ATTRS = new Set(['title', 'aria-label', 'aria-description', 'placeholder', 'alt', 'label', 'aria-roledescription', 'aria-valuetext']);
/** Elements whose text is code, not prose. */
const CODE_ELEMENTS = new Set(['code', 'kbd', 'pre', 'samp', 'svg', 'style', 'script']);
/** Prose: a word with at least two lower-case letters (not `GOCACHE`, not `KiB`). */
const PROSE = /[A-Za-z]*[a-z]{2,}[A-Za-z]*/;

type Node = { type: string; [k: string]: unknown };

function hardCoded(file: string): string[] {
  const ast = parse(readFileSync(file, 'utf8'), { modern: true }) as unknown as { fragment: Node };
  const found: string[] = [];
  const text = (nodes: unknown): string =>
    Array.isArray(nodes) ? nodes.filter((n: Node) => n.type === 'Text').map((n: Node) => String(n.data)).join(' ') : '';
  const report = (what: string) => {
    const s = what.replace(/\s+/g, ' ').trim();
    if (s && PROSE.test(s) && !VERBATIM.has(s)) found.push(s);
  };
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (!value || typeof value !== 'object') return;
    const node = value as Node;
    if (node.type === 'Text') return report(String(node.data));
    if (node.type === 'Attribute') {
      if (READ_ATTRS.has(String(node.name))) report(text(node.value));
      return;
    }
    if ((node.type === 'RegularElement' || node.type === 'SvelteElement') && CODE_ELEMENTS.has(String(node.name))) return;
    for (const [k, v] of Object.entries(node)) {
      if (k !== 'start' && k !== 'end' && k !== 'metadata') walk(v);
    }
  };
  walk(ast.fragment);
  return found;
}

const components = sources().filter((f) => f.endsWith('.svelte'));

describe('component templates print no untranslated text', () => {
  it.each(components.map((f) => [relative(SRC, f), f]))('%s', (_name, file) => {
    expect(hardCoded(file)).toEqual([]);
  });
});

describe('t and the language', () => {
  afterEach(() => setLocale('en'));

  it('switches language and falls back to English for a missing key', () => {
    expect(locale()).toBe('en');
    expect(hasKey('common.actions.cancel')).toBe(true);
    const en = t('common.actions.cancel');
    setLocale('zh-CN');
    expect(locale()).toBe('zh-CN');
    const zh = t('common.actions.cancel');
    expect(zh).not.toBe(en);
    expect(zh).toMatch(/\p{Script=Han}/u);
    expect(t('common.no.such.key')).toBe('common.no.such.key');
  });

  it('fills values and plurals', () => {
    expect(t('common.count.files', { count: 1 })).toBe('1 file');
    expect(t('common.count.files', { count: 12345 })).toBe('12,345 files');
    setLocale('zh-CN');
    expect(t('common.count.files', { count: 12345 })).toBe('12,345 个文件');
  });

  it('reads the OS language the way the core does', () => {
    expect(localeFromTags(['zh-CN'])).toBe('zh-CN');
    expect(localeFromTags(['zh_CN.UTF-8'])).toBe('zh-CN');
    expect(localeFromTags(['zh-Hans-HK'])).toBe('zh-CN');
    expect(localeFromTags(['zh-SG'])).toBe('zh-CN');
    expect(localeFromTags(['zh'])).toBe('zh-CN');
    expect(localeFromTags(['zh-TW'])).toBe('en');
    expect(localeFromTags(['zh-Hant'])).toBe('en');
    expect(localeFromTags(['en-US', 'zh-CN'])).toBe('en');
    expect(localeFromTags(['C', 'zh-CN'])).toBe('zh-CN');
    expect(localeFromTags([])).toBe('en');
    expect(asLocale('zh-CN')).toBe('zh-CN');
    expect(asLocale('fr')).toBeNull();
    expect(asLocale(null)).toBeNull();
  });
});
