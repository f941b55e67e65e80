// The doctor in the app (issue #6 §1-§2): types of `diagnose_text` / `doctor_checks` (the
// serde structs of `gocache_core::diagnose`), their calls (through api.ts, in the UI's language: the core
// writes the explanations in it), the pure helpers the views use (fixes grouped by shell, the
// app actions) and the texts they show (from the `doctor` catalog, locales/<lang>/doctor.json).

import {
  diagnoseText as diagnoseCall,
  doctorChecks as checksCall,
  type ApiError,
  type Checks,
  type Diagnosis,
  type DoctorFinding,
  type Fix,
  type OsKind,
  type Severity,
  type Shell,
} from './api';
import { hasKey, locale, t, type Locale } from './i18n';

// The IPC types (generated, ./bindings), by the names the doctor's views use.
export type { Checks, Diagnosis, Fix, Shell };
/** A diagnosed problem (`gocache_core::diagnose::Finding`). */
export type Finding = DoctorFinding;
/** The OS a diagnosis writes its fixes for. */
export type TargetOs = OsKind;

/**
 * Diagnoses pasted output; `os` writes the fixes for another OS (no local paths then); the
 * explanations come in `lang` (the UI's language by default).
 */
export function diagnoseText(text: string, os: TargetOs | null = null, lang: Locale = locale()): Promise<Diagnosis> {
  return diagnoseCall(text, os, lang);
}

/** The environment checks, explained in `lang` (the UI's language by default). */
export function doctorChecks(lang: Locale = locale()): Promise<Checks> {
  return checksCall(lang);
}

/** An app action of a fix (`clean-version:<module>@<version>`, `verify`, ...). */
export type AppAction =
  | { type: 'clean-version'; module: string; version: string }
  | { type: 'clean-modcache' }
  | { type: 'clean-build' }
  | { type: 'verify' }
  | { type: 'fix-ownership' }
  | { type: 'show-lockers' };

/** Parses an action string like the core's `Action::parse`; null for unknown ones. */
export function parseAction(text: string): AppAction | null {
  if (text.startsWith('clean-version:')) {
    const mv = text.slice('clean-version:'.length);
    const at = mv.lastIndexOf('@');
    if (at <= 0 || at === mv.length - 1) return null;
    return { type: 'clean-version', module: mv.slice(0, at), version: mv.slice(at + 1) };
  }
  switch (text) {
    case 'clean-modcache':
    case 'clean-build':
    case 'verify':
    case 'fix-ownership':
    case 'show-lockers':
      return { type: text };
    default:
      return null;
  }
}

/** The command fixes of a finding by shell, in the order of `shells` (shells without one dropped). */
export function commandsByShell(fixes: Fix[], shells: Shell[]): { shell: Shell; commands: string[] }[] {
  return shells
    .map((shell) => ({ shell, commands: fixes.filter((f) => f.kind === 'command' && f.shell === shell).map((f) => f.text) }))
    .filter((g) => g.commands.length > 0);
}

/** The shells a user of `os` types commands into, most common first (core `Shell::for_os`). */
export function shellsFor(os: TargetOs): Shell[] {
  return os === 'windows' ? ['powershell', 'cmd'] : ['bash'];
}

/** What the app can do for each action here. `show-lockers` needs the locks view. */
export interface ActionSupport {
  locks: boolean;
}

/** The action fixes the app shows as buttons (unknown actions and unsupported ones dropped). */
export function actionsOf(fixes: Fix[], support: ActionSupport): { text: string; action: AppAction }[] {
  const out: { text: string; action: AppAction }[] = [];
  for (const f of fixes) {
    if (f.kind !== 'action') continue;
    const action = parseAction(f.text);
    if (!action) continue;
    if (action.type === 'show-lockers' && !support.locks) continue;
    out.push({ text: f.text, action });
  }
  return out;
}

/** The label of an action button. */
export function actionLabel(a: AppAction): string {
  switch (a.type) {
    case 'clean-version':
      return t('doctor.actions.cleanVersion', { module: a.module, version: a.version });
    case 'clean-modcache':
      return t('doctor.actions.cleanModcache');
    case 'clean-build':
      return t('doctor.actions.cleanBuild');
    case 'verify':
      return t('doctor.actions.verify');
    case 'fix-ownership':
      return t('doctor.actions.fixOwnership');
    case 'show-lockers':
      return t('doctor.actions.showLockers');
  }
}

/**
 * A finding's title: the variant's when it has one (`permission-denied` / `other-owner`), else
 * the id's, else the title of the discovery problem of that id; the raw id for an id the UI
 * does not know (a newer core).
 */
export function findingTitle(f: Pick<Finding, 'id' | 'variant'>): string {
  const keys = [`doctor.titles.${f.id}`, `doctor.problems.${f.id}`];
  if (f.variant) keys.unshift(`doctor.variants.${f.id}.${f.variant}`);
  const key = keys.find((k) => hasKey(k));
  return key ? t(key) : f.id;
}

/** The title of a discovery problem (`go-env-mismatch`); its finding's title for the others. */
export function problemTitle(problem: string, finding: Finding): string {
  return hasKey(`doctor.problems.${problem}`) ? t(`doctor.problems.${problem}`) : findingTitle(finding);
}

/** The label of a severity. */
export function severityLabel(s: Severity): string {
  return t(`doctor.severity.${s}`);
}

/** The name of an OS. */
export function osName(os: TargetOs): string {
  return t(`doctor.os.${os}`);
}

/** The name of a shell. */
export function shellName(shell: Shell): string {
  return t(`doctor.shells.${shell}`);
}

/** "N problems found", or "Not recognized" when the only finding is `not-recognized`. */
export function findingsSummary(findings: Pick<Finding, 'id'>[]): string {
  if (findings.length === 1 && findings[0].id === 'not-recognized') return t('doctor.view.notRecognized');
  return t('doctor.view.findings', { count: findings.length });
}

/** What went wrong, in words, for a failed command (keyed by the error's code). */
export function errorSummary(e: Pick<ApiError, 'code'>): string {
  return hasKey(`doctor.errors.${e.code}`) ? t(`doctor.errors.${e.code}`) : t('doctor.errors.unknown');
}

/** The checks the dashboard shows: the checks' own findings, plus discovery problems with fixes. */
export function dashboardChecks(checks: Checks | null): { own: Finding[]; fixes: Map<string, Finding> } {
  const fixes = new Map<string, Finding>();
  for (const d of checks?.discovery ?? []) if (d.finding.fixes.length > 0) fixes.set(d.problem, d.finding);
  return { own: checks?.findings ?? [], fixes };
}

/** Copies `text` to the clipboard (falls back to the selection-based copy without the async API). */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.appendChild(ta);
    ta.select();
    document.execCommand('copy');
    ta.remove();
  }
}

/** The commands of a finding that give files back to their user (shown by `fix-ownership`). */
export function ownershipCommands(fixes: Fix[]): Fix[] {
  const own = fixes.filter((f) => f.kind === 'command' && /\b(chown|takeown|icacls)\b/.test(f.text));
  return own.length > 0 ? own : fixes.filter((f) => f.kind === 'command');
}

/**
 * Splits the `not-recognized` explanation ("... checklist: 1) a; 2) b.", in Chinese
 * "……：1) 甲；2) 乙。") into intro and items.
 */
export function checklistOf(explanation: string): { intro: string; items: string[] } {
  const parts = explanation.split(/\s*\d+\)\s+/);
  if (parts.length < 3) return { intro: explanation, items: [] };
  const items = parts.slice(1).map((s) => s.replace(/[;.；。]\s*$/, '').trim()).filter(Boolean);
  return { intro: parts[0].trim(), items };
}
