// The UI's translations: one JSON file per area and language (`en/<area>.json`,
// `zh-CN/<area>.json`), read by i18next (lib/i18n.ts). A key is `<area>.<path>`, e.g.
// `clean.dialog.title`. English is the source and the fallback; `lib/i18n.test.ts` checks that
// both languages have the same keys and placeholders.

import enApp from './en/app.json';
import enClean from './en/clean.json';
import enCommon from './en/common.json';
import enDoctor from './en/doctor.json';
import enGuides from './en/guides.json';
import enLocks from './en/locks.json';
import enModules from './en/modules.json';
import enSettings from './en/settings.json';
import enVerify from './en/verify.json';
import zhApp from './zh-CN/app.json';
import zhClean from './zh-CN/clean.json';
import zhCommon from './zh-CN/common.json';
import zhDoctor from './zh-CN/doctor.json';
import zhGuides from './zh-CN/guides.json';
import zhLocks from './zh-CN/locks.json';
import zhModules from './zh-CN/modules.json';
import zhSettings from './zh-CN/settings.json';
import zhVerify from './zh-CN/verify.json';

/** The languages of the UI, as BCP-47 tags (the backend's `Lang` serializes to the same). */
export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/** Each language's name in itself, for the language menu. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', 'zh-CN': '简体中文' };

/** The areas (top-level key segments), one JSON file each. */
export const AREAS = ['common', 'app', 'modules', 'clean', 'verify', 'locks', 'doctor', 'guides', 'settings'] as const;

export type Messages = { [key: string]: string | Messages };

/** All messages by language, shaped `{ <area>: { ... } }`. */
export const MESSAGES: Record<Locale, Messages> = {
  en: {
    common: enCommon,
    app: enApp,
    modules: enModules,
    clean: enClean,
    verify: enVerify,
    locks: enLocks,
    doctor: enDoctor,
    guides: enGuides,
    settings: enSettings,
  },
  'zh-CN': {
    common: zhCommon,
    app: zhApp,
    modules: zhModules,
    clean: zhClean,
    verify: zhVerify,
    locks: zhLocks,
    doctor: zhDoctor,
    guides: zhGuides,
    settings: zhSettings,
  },
};
