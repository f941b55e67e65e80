// The app's settings as one shared reactive store: read once at start-up (lib/i18n.svelte.ts
// does it before the first frame), saved as a patch merged with what the backend has stored
// (other views save their own fields too), and applied: the theme sets `<html data-theme>`.
// The backend's `notice` (a corrupt settings file was reset) is kept until the user dismisses it.

import { settingsGet, settingsSet, toApiError, type ApiError, type Settings, type Theme } from './api';

/** The backend's defaults (src-tauri `commands/settings.rs`). */
export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  project_roots: [],
  older_than_days: 90,
  keep_latest: 1,
  language: null,
  theme: 'system',
  confirm_before_clean: true,
  welcome_seen: false,
  tray_icon: false,
  notice: null,
});

/** Bounds of the default numbers (the settings view rejects anything else). */
export const LIMITS = {
  olderThanDays: { min: 1, max: 3650 },
  keepLatest: { min: 1, max: 100 },
} as const;

/** Reads a theme value; anything unknown is `system` (as the backend does). */
export function asTheme(v: unknown): Theme {
  return v === 'light' || v === 'dark' ? v : 'system';
}

/**
 * Forces the theme on the document: `<html data-theme="light|dark">`; `system` removes the
 * attribute so the OS's preference applies (app.css).
 */
export function applyTheme(theme: Theme): void {
  if (typeof document === 'undefined') return;
  const root = document.documentElement;
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
}

/**
 * Parses a whole number typed by the user within `[min, max]`; null when it is not one
 * (empty, a fraction, out of range).
 */
export function parseWhole(text: string | number | null | undefined, min: number, max: number): number | null {
  const s = String(text ?? '').trim();
  if (!/^\d+$/.test(s)) return null;
  const n = Number(s);
  return n >= min && n <= max ? n : null;
}

class Prefs {
  /** The settings as last read or stored (the defaults until then). */
  settings = $state.raw<Settings>({ ...DEFAULT_SETTINGS });
  /** Whether the settings were read successfully. */
  loaded = $state(false);
  /** The backend's notice about the settings file, until dismissed. */
  notice = $state<string | null>(null);
  /** The last read or save failure. */
  error = $state.raw<ApiError | null>(null);
  private first: Promise<Settings> | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  get theme(): Theme {
    return asTheme(this.settings.theme);
  }
  get confirmBeforeClean(): boolean {
    return this.settings.confirm_before_clean !== false;
  }
  get welcomeSeen(): boolean {
    return this.settings.welcome_seen === true;
  }

  private take(s: Settings): Settings {
    if (s.notice) this.notice = s.notice;
    this.settings = { ...DEFAULT_SETTINGS, ...s, notice: null };
    applyTheme(this.theme);
    return this.settings;
  }

  /** Reads the settings once (later calls share the first read). */
  load(): Promise<Settings> {
    this.first ??= this.reload();
    return this.first;
  }

  /** Reads the settings again (another view may have saved since). Never rejects. */
  async reload(): Promise<Settings> {
    try {
      const s = this.take(await settingsGet());
      this.loaded = true;
      this.error = null;
      return s;
    } catch (e) {
      this.error = toApiError(e);
      return this.settings;
    }
  }

  /**
   * Stores `patch` over what the backend has now (so fields other views saved are kept), and
   * takes what the backend answers. Saves run one after another. Rejects with the ApiError.
   */
  save(patch: Partial<Settings>): Promise<Settings> {
    const run = async (): Promise<Settings> => {
      let base: Settings = this.settings;
      try {
        base = await settingsGet();
        if (base.notice) this.notice = base.notice;
      } catch {
        // Write what we have: the save below reports the real problem, if any.
      }
      // Shown at once, even before the backend answers (the theme, a checkbox).
      const before = this.settings;
      this.settings = { ...before, ...patch };
      applyTheme(this.theme);
      try {
        const stored = this.take(await settingsSet({ ...base, ...patch, notice: null }));
        this.error = null;
        return stored;
      } catch (e) {
        // Not stored: show what is.
        this.settings = before;
        applyTheme(this.theme);
        this.error = toApiError(e);
        throw this.error;
      }
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** The user read the notice. */
  dismissNotice(): void {
    this.notice = null;
  }
}

export const prefs = new Prefs();
