// The UI's language: i18next over the JSON catalogs in `src/locales` (one file per area and
// language). Components and view models call `t('<area>.<key>', { values })`; English is the
// fallback for a key missing in another language.
//
// Reactivity: `t` and `locale` read the current language through a source. In the app that
// source is a Svelte `$state` (lib/i18n.svelte.ts installs it), so every template expression
// that calls `t` re-renders when the language changes; in unit tests (plain Node) it is a
// plain variable.
//
// Placeholders use i18next's `{{name}}`; plurals its `_one` / `_other` suffixes with `count`
// (Chinese has only `_other`).

import i18next, { type TOptions } from 'i18next';
import { LOCALES, MESSAGES, type Locale } from '../locales';

export { LOCALES, LOCALE_NAMES, type Locale } from '../locales';

const i18n = i18next.createInstance();
void i18n.init({
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: [...LOCALES],
  // zh-CN must stay zh-CN (not fall to a `zh` catalog that does not exist).
  load: 'currentOnly',
  resources: Object.fromEntries(LOCALES.map((l) => [l, { translation: MESSAGES[l] }])),
  initAsync: false,
  // Svelte escapes what templates print; escaping here would show `&amp;`.
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** Where the current language lives (a `$state` in the app, a variable in tests). */
export interface LocaleSource {
  get(): Locale;
  set(locale: Locale): void;
}

let plain: Locale = 'en';
let source: LocaleSource = {
  get: () => plain,
  set: (l) => {
    plain = l;
  },
};

/** Makes `source` hold the current language from now on (it takes the current value). */
export function useLocaleSource(next: LocaleSource): void {
  next.set(source.get());
  source = next;
}

/** The current language. */
export function locale(): Locale {
  return source.get();
}

/** Switches the UI to `l` (and the document's `lang`, for screen readers and fonts). */
export function setLocale(l: Locale): void {
  source.set(l);
  if (typeof document !== 'undefined') document.documentElement.lang = l;
}

/** The text of `key` in the current language, with `options`' values filled in. */
export function t(key: string, options?: TOptions): string {
  return i18n.t(key, { ...options, lng: source.get() }) as string;
}

/** Whether `key` has a text (in the current language or the English fallback). */
export function hasKey(key: string): boolean {
  return i18n.exists(key, { lng: source.get() });
}

/**
 * The UI language for the OS's preferred languages (BCP-47 tags, best first, e.g.
 * `navigator.languages` or the backend's `system_locale`): Simplified Chinese for `zh`,
 * `zh-CN`, `zh-SG`, `zh-Hans-*`; English for everything else, Traditional Chinese
 * (`zh-TW`, `zh-HK`, `zh-MO`, `zh-Hant-*`) included. Mirrors the core's `Lang::from_bcp47`.
 * POSIX names (`zh_CN.UTF-8`) are accepted.
 */
export function localeFromTags(tags: readonly string[]): Locale {
  for (const raw of tags) {
    const tag = raw.split(/[.@]/)[0].trim().toLowerCase().replace(/_/g, '-');
    if (!tag || tag === 'c' || tag === 'posix') continue;
    const [lang, ...rest] = tag.split('-');
    if (lang !== 'zh') return 'en';
    if (rest.includes('hans')) return 'zh-CN';
    if (rest.includes('hant')) return 'en';
    return ['tw', 'hk', 'mo'].includes(rest[0] ?? '') ? 'en' : 'zh-CN';
  }
  return 'en';
}

/** `value` when it is a supported language tag, else null. */
export function asLocale(value: unknown): Locale | null {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value) ? (value as Locale) : null;
}
