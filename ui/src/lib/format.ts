// Formatting for people: binary sizes, counts, relative times, labels, in the UI's language
// (`locale()`; English output is en-US).

import type { Cache, Problem, Source } from './api';
import { hasKey, locale, localeFromTags, t, type Locale } from './i18n';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** The Intl tag of a UI language: English numbers are en-US. */
function intlTag(l: Locale): string {
  return l === 'en' ? 'en-US' : l;
}

const numberFormats = new Map<string, Intl.NumberFormat>();
/** A cached `Intl.NumberFormat` for the current language (sizes are formatted by the thousand). */
function numberFormat(kind: 'count' | 'int' | 'decimal'): Intl.NumberFormat {
  const tag = intlTag(locale());
  const key = `${tag}|${kind}`;
  let f = numberFormats.get(key);
  if (!f) {
    const options: Intl.NumberFormatOptions =
      kind === 'count'
        ? {}
        : kind === 'int'
          ? { useGrouping: false, maximumFractionDigits: 0 }
          : { useGrouping: false, minimumFractionDigits: 1, maximumFractionDigits: 1 };
    f = new Intl.NumberFormat(tag, options);
    numberFormats.set(key, f);
  }
  return f;
}

/** Binary units with one decimal: `0 B`, `1023 B`, `1.5 KiB`, `12.0 GiB` (digits of the UI's language). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  const sign = bytes < 0 ? '-' : '';
  let n = Math.abs(bytes);
  if (n < 1024) return `${sign}${numberFormat('int').format(Math.round(n))} B`;
  let unit = 0;
  while (n >= 1024 && unit < UNITS.length - 1) {
    n /= 1024;
    unit++;
  }
  // 1048575 B is 1023.999 KiB, which rounds to "1024.0 KiB": show it as the next unit.
  if (Number(n.toFixed(1)) >= 1024 && unit < UNITS.length - 1) {
    n /= 1024;
    unit++;
  }
  return `${sign}${numberFormat('decimal').format(Number(n.toFixed(1)))} ${UNITS[unit]}`;
}

/** `12345` → `12,345` (grouped the way the UI's language groups digits). */
export function formatCount(n: number): string {
  return numberFormat('count').format(n);
}

/**
 * `1 file`, `2 files`: English only. Prose shown to people uses a plural key instead
 * (`t('…', { count })`); this stays for code that has not moved yet.
 */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

const STEPS: [limit: number, seconds: number, unit: Intl.RelativeTimeFormatUnit][] = [
  [60 * 60, 60, 'minute'],
  [24 * 60 * 60, 60 * 60, 'hour'],
  [30 * 24 * 60 * 60, 24 * 60 * 60, 'day'],
  [365 * 24 * 60 * 60, 30 * 24 * 60 * 60, 'month'],
  [Infinity, 365 * 24 * 60 * 60, 'year'],
];

const relativeFormats = new Map<string, Intl.RelativeTimeFormat>();
function relativeFormat(): Intl.RelativeTimeFormat {
  const tag = intlTag(locale());
  let f = relativeFormats.get(tag);
  if (!f) {
    f = new Intl.RelativeTimeFormat(tag, { numeric: 'always' });
    relativeFormats.set(tag, f);
  }
  return f;
}

/**
 * `3 days ago`, `just now`, `in 2 hours` (`3天前`, `刚刚`, `2小时后`) for a Unix time in
 * seconds, relative to `nowSec`. Rounds down, like people do ("23 hours ago" until a full day
 * has passed).
 */
export function relativeTime(unixSec: number | null | undefined, nowSec = Date.now() / 1000): string {
  if (unixSec == null || !Number.isFinite(unixSec) || unixSec <= 0) return '—';
  const diff = nowSec - unixSec;
  const abs = Math.abs(diff);
  if (abs < 60) return t('app.format.justNow');
  for (const [limit, seconds, unit] of STEPS) {
    if (abs < limit) {
      const n = Math.floor(abs / seconds);
      return relativeFormat().format(diff >= 0 ? -n : n, unit);
    }
  }
  return '—';
}

/**
 * The Intl tag for dates in the UI's language: the OS's own variant of that language when it
 * has one (`en-GB` date order for a British English system), else the language itself.
 */
function dateTag(): string {
  const l = locale();
  const tags = typeof navigator !== 'undefined' ? (navigator.languages ?? [navigator.language]) : [];
  const own = tags.find((tag) => (l === 'en' ? /^en\b/i.test(tag) : localeFromTags([tag]) === l));
  return own ?? intlTag(l);
}

/** A full date for tooltips, in the UI's language. */
export function absoluteTime(unixSec: number | null | undefined): string {
  if (unixSec == null || unixSec <= 0) return '';
  return new Date(unixSec * 1000).toLocaleString(dateTag());
}

/** `10:42` for a time of today, `Dec 5, 10:42` for another day (the UI's language). */
export function shortTime(unixSec: number, now = new Date()): string {
  const d = new Date(unixSec * 1000);
  const sameDay = d.toDateString() === now.toDateString();
  const time: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' };
  return sameDay ? d.toLocaleTimeString(dateTag(), time) : d.toLocaleString(dateTag(), { month: 'short', day: 'numeric', ...time });
}

/** Where a cache's location came from, e.g. `GOMODCACHE from environment`. */
export function sourceLabel(varName: string, source: Source): string {
  switch (source) {
    case 'env':
      return t('app.source.env', { var: varName });
    case 'goenv-file':
      return t('app.source.goenvFile', { var: varName });
    case 'goroot-go.env':
      return t('app.source.gorootGoEnv', { var: varName });
    case 'default':
      return t('app.source.default', { var: varName });
    case 'login-shell':
      return t('app.source.loginShell', { var: varName });
  }
}

/** The catalog keys of the cache kinds' titles (`app.cacheTitle.<kind>`). */
const TITLED = new Set(['modcache', 'toolchains', 'build', 'gopls', 'gopls-index', 'golangci-lint', 'staticcheck', 'telemetry', 'gobin']);

/** A human title for a cache kind; unknown kinds are shown as they are. */
export function cacheTitle(kind: string): string {
  return TITLED.has(kind) ? t(`app.cacheTitle.${kind}`) : kind;
}

/** A piece of a text with emphasis: `<b>…</b>` in a catalog text marks the strong part. */
export interface Emphasis {
  text: string;
  strong: boolean;
}

/**
 * Splits a translated text on its `<b>…</b>` marks, so a template can put the strong part in
 * `<strong>` while the sentence stays one catalog entry (word order differs between languages).
 */
export function emphasis(text: string): Emphasis[] {
  const out: Emphasis[] = [];
  for (const [i, part] of text.split(/<\/?b>/).entries()) if (part) out.push({ text: part, strong: i % 2 === 1 });
  return out;
}

/** Caches nested in another (toolchains in the module cache) must not be counted twice. */
export function totalBytes(caches: Pick<Cache, 'kind' | 'parent'>[], bytesOf: (kind: string) => number | undefined): number {
  let sum = 0;
  for (const c of caches) {
    if (c.parent) continue;
    sum += bytesOf(c.kind) ?? 0;
  }
  return sum;
}

/** Share of `part` in `whole` as a percentage clamped to [0, 100]. */
export function percent(part: number, whole: number): number {
  if (!(whole > 0) || !(part > 0)) return 0;
  return Math.min(100, (part / whole) * 100);
}

/** The variable a discovery problem is about when the backend did not name it, by id prefix. */
const PROBLEM_VARS: [prefix: string, varName: string][] = [
  ['gomodcache-', 'GOMODCACHE'],
  ['gocache-', 'GOCACHE'],
  ['gopath-', 'GOPATH'],
  ['goenv-', 'GOENV'],
  ['env-file-', 'GOENV'],
];

/**
 * The UI's own title and summary of a discovery problem (`app.problems.id.<id>`), in the UI's
 * language with the problem's variable filled in; null for an id the UI does not know (then
 * the backend's English message is all there is).
 */
export function problemText(p: Pick<Problem, 'id' | 'var'>): { title: string; summary: string } | null {
  const key = `app.problems.id.${p.id}`;
  if (!hasKey(`${key}.title`)) return null;
  const varName = p.var ?? PROBLEM_VARS.find(([prefix]) => p.id.startsWith(prefix))?.[1] ?? '';
  return { title: t(`${key}.title`, { var: varName }), summary: t(`${key}.summary`, { var: varName }) };
}

/** A piece of text, or of `code` (written between backticks in the catalogs). */
export interface Span {
  text: string;
  code: boolean;
}

/**
 * Splits catalog text on backticks into plain and code spans, so `go env -w` is shown as code
 * and not with its backticks. An unpaired backtick is kept as text.
 */
export function codeSpans(text: string): Span[] {
  const parts = text.split('`');
  if (parts.length % 2 === 0) return [{ text, code: false }];
  return parts.map((p, i) => ({ text: p, code: i % 2 === 1 })).filter((s) => s.text !== '');
}

/**
 * A path cut after each separator (`/`, `\`), for a `<wbr>` between the pieces: a long path
 * wraps at its separators instead of in the middle of a name.
 */
export function pathPieces(path: string): string[] {
  const pieces = path.match(/[^/\\]*[/\\]?/g)?.filter((p) => p !== '') ?? [];
  return pieces.length > 0 ? pieces : [path];
}

/** An identifier (an environment variable's name, or a list of them): never broken. */
export function isIdentifier(text: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*(, ?[A-Za-z_][A-Za-z0-9_]*)*$/.test(text);
}
