// The doctor in the app (issue #6 §1-§2): types of `diagnose_text` / `doctor_checks` (the
// serde structs of `gocache_core::diagnose`), their calls, the pure helpers the views use
// (fixes grouped by shell, the app actions), and every string of the doctor's views in `TEXT`
// (one table for a later translation pass).

import { invoke } from '@tauri-apps/api/core';
import type { Severity } from './api';

export type Shell = 'bash' | 'powershell' | 'cmd';
export type TargetOs = 'linux' | 'macos' | 'windows';

export interface Fix {
  kind: 'command' | 'action';
  shell: Shell | null;
  text: string;
}

export interface Finding {
  id: string;
  variant: string | null;
  severity: Severity;
  module: string | null;
  version: string | null;
  path: string | null;
  explanation: string;
  fixes: Fix[];
}

export interface Diagnosis {
  findings: Finding[];
}

/** `doctor_checks`' answer: the checks' own findings, and those standing for discovery problems. */
export interface Checks {
  findings: Finding[];
  discovery: { problem: string; finding: Finding }[];
}

/** Diagnoses pasted output; `os` writes the fixes for another OS (no local paths then). */
export function diagnoseText(text: string, os: TargetOs | null = null): Promise<Diagnosis> {
  return invoke<Diagnosis>('diagnose_text', { text, os });
}

export function doctorChecks(): Promise<Checks> {
  return invoke<Checks>('doctor_checks');
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
      return `Clean ${a.module}@${a.version}`;
    case 'clean-modcache':
      return TEXT.actions.cleanModcache;
    case 'clean-build':
      return TEXT.actions.cleanBuild;
    case 'verify':
      return TEXT.actions.verify;
    case 'fix-ownership':
      return TEXT.actions.fixOwnership;
    case 'show-lockers':
      return TEXT.actions.showLockers;
  }
}

/** The checks the dashboard shows: the checks' own findings, plus discovery problems with fixes. */
export function dashboardChecks(checks: Checks | null): { own: Finding[]; fixes: Map<string, Finding> } {
  const fixes = new Map<string, Finding>();
  for (const d of checks?.discovery ?? []) if (d.finding.fixes.length > 0) fixes.set(d.problem, d.finding);
  return { own: checks?.findings ?? [], fixes };
}

/** Words of the doctor's views. */
export const TEXT = {
  viewTitle: 'Diagnose an error',
  viewIntro:
    'Paste the output of a failing go command (go build, go mod download, go mod tidy, go mod verify, go clean) or of rm -rf. The diagnosis uses your real paths.',
  inputLabel: 'Error output',
  placeholder: 'verifying example.com/m@v1.0.0: checksum mismatch…',
  run: 'Diagnose',
  running: 'Diagnosing…',
  back: 'Back',
  osLabel: 'Commands for',
  shells: { bash: 'bash / zsh', powershell: 'PowerShell', cmd: 'cmd' } as Record<Shell, string>,
  os: { linux: 'Linux', macos: 'macOS', windows: 'Windows' } as Record<TargetOs, string>,
  severity: { error: 'Error', warning: 'Warning', info: 'Note' } as Record<Severity, string>,
  module: 'Module',
  version: 'Version',
  path: 'Path',
  fixes: 'How to fix',
  actions: {
    title: 'Fix it in the app',
    cleanModcache: 'Clean the module cache',
    cleanBuild: 'Clean the build cache',
    verify: 'Verify the module cache',
    fixOwnership: 'Show the ownership fix',
    showLockers: 'Show what holds the files',
  },
  ownershipNote:
    'Run this in a terminal as administrator: it gives the module cache back to your account. (Clean as administrator would delete the files instead.)',
  copy: 'Copy',
  copied: 'Copied',
  notRecognized: 'Not recognized',
  findings: (n: number) => (n === 1 ? '1 problem found' : `${n} problems found`),
  error: 'The diagnosis failed:',
  checksTitle: 'Environment checks',
  checksNone: 'No risky Go settings found.',
  problemFix: 'How to fix',
  guides: 'Read the guides',
};

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

/** Splits the `not-recognized` explanation ("... checklist: 1) a; 2) b.") into intro and items. */
export function checklistOf(explanation: string): { intro: string; items: string[] } {
  const parts = explanation.split(/\s*\d+\)\s+/);
  if (parts.length < 3) return { intro: explanation, items: [] };
  const items = parts.slice(1).map((s) => s.replace(/[;.]\s*$/, '').trim()).filter(Boolean);
  return { intro: parts[0].trim(), items };
}

/** The guidance pages' values for this machine (`guide_context`). */
export function guideContext(): Promise<import('./guides').GuideContext> {
  return invoke('guide_context');
}
