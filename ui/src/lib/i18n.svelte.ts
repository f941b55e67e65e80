// The app's language state: a Svelte `$state` installed as i18n's locale source, so templates
// that call `t(...)` follow a language switch; the choice is read from and saved to the settings
// (`language`: a tag, or null to follow the OS) through the settings store (lib/prefs.svelte.ts).

import { systemLocale } from './api';
import { asLocale, localeFromTags, setLocale, useLocaleSource, type Locale } from './i18n';
import { prefs } from './prefs.svelte';

let current = $state<Locale>('en');
useLocaleSource({
  get: () => current,
  set: (l) => {
    current = l;
  },
});

/** The user's choice: a language, or null to follow the OS. */
let chosen = $state<Locale | null>(null);
/** What the OS prefers. */
let system = $state<Locale>('en');

export const language = {
  /** The language shown. */
  get current(): Locale {
    return current;
  },
  /** The user's explicit choice, or null when following the OS. */
  get chosen(): Locale | null {
    return chosen;
  },
  /** The OS's language. */
  get system(): Locale {
    return system;
  },
};

/**
 * Picks the language at start-up: the saved choice, else the OS's (the backend's
 * `system_locale`, then the webview's `navigator.languages`).
 */
export async function initLanguage(): Promise<void> {
  // Both reads at once (one IPC round trip before the first frame, not two). The settings read
  // is the one of the start-up: it also applies the theme before the first frame.
  const [sys, settings] = await Promise.all([
    // A browser without the backend (UI development): the webview's languages below.
    systemLocale().catch(() => null),
    prefs.load(),
  ]);
  const tags: string[] = sys ? [sys] : [];
  if (typeof navigator !== 'undefined') tags.push(...(navigator.languages ?? [navigator.language]));
  system = localeFromTags(tags);
  chosen = asLocale(settings.language);
  setLocale(chosen ?? system);
}

/** Switches the language and remembers the choice (null: follow the OS from now on). */
export async function chooseLanguage(next: Locale | null): Promise<void> {
  chosen = next;
  setLocale(next ?? system);
  await prefs.save({ language: next });
}
