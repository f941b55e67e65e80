// Verify in the app (issue #4 §6): the pure parts of the flow, tested with vitest. Plain-language
// meaning of each verdict and go.sum cause, grouping by severity, the repair set, progress and ETA.

import type {
  FileChangeKind,
  MismatchCause,
  Severity,
  VerifyEvent,
  VerifyModule,
  VerifyMsg,
  VerifyProblem,
  VerifyReport,
  VerifyStatus,
} from './api';
import { hasKey, locale, t } from './i18n';

/** `document.body.dataset.verifyState`. */
export type VerifyState = 'idle' | 'running' | 'done' | 'cancelled' | 'error' | 'repairing';

export interface StatusInfo {
  severity: Severity;
  /** A few words, shown on badges (never colour alone). */
  label: string;
  /** What it means and what happens next, for people who never read Go's source. */
  explanation: string;
}

const SEVERITY: Record<VerifyStatus, Severity> = {
  'dir-modified': 'error',
  'zip-modified': 'error',
  'ziphash-invalid': 'error',
  partial: 'error',
  'missing-ziphash': 'error',
  unreadable: 'error',
  'writable-files': 'warning',
  leftovers: 'warning',
  'list-inconsistent': 'warning',
  'download-only': 'info',
  ok: 'info',
};

/**
 * Every verdict the core gives, with its severity (`Status::severity`) and meaning. The texts
 * are read in the current language each time (`verify.status.<status>.*`).
 */
export const STATUS_INFO: Record<VerifyStatus, StatusInfo> = Object.fromEntries(
  (Object.keys(SEVERITY) as VerifyStatus[]).map((s) => [
    s,
    {
      severity: SEVERITY[s],
      get label() {
        return t(`verify.status.${s}.label`);
      },
      get explanation() {
        return t(`verify.status.${s}.explanation`);
      },
    },
  ]),
) as Record<VerifyStatus, StatusInfo>;

export function statusInfo(status: VerifyStatus): StatusInfo {
  return STATUS_INFO[status] ?? { severity: 'warning', label: status, explanation: '' };
}

/** Whether repair removes and downloads the version again (the core's broken statuses). */
export function isBroken(status: VerifyStatus): boolean {
  return statusInfo(status).severity === 'error';
}

export interface CauseInfo {
  label: string;
  explanation: string;
}

const CAUSES: MismatchCause[] = ['cache-corrupted', 'retagged', 'settings', 'gosum-wrong', 'cache-other'];

/** The usual causes of Go's "checksum mismatch", for project mode (`verify.cause.<cause>.*`). */
export const CAUSE_INFO: Record<MismatchCause, CauseInfo> = Object.fromEntries(
  CAUSES.map((c) => [
    c,
    {
      get label() {
        return t(`verify.cause.${c}.label`);
      },
      get explanation() {
        return t(`verify.cause.${c}.explanation`);
      },
    },
  ]),
) as Record<MismatchCause, CauseInfo>;

/** A group's title and hint, in the current language. */
export function severityTitle(s: Severity): { title: string; hint: string } {
  return { title: t(`verify.severity.${s}.title`), hint: t(`verify.severity.${s}.hint`) };
}

/** A changed file's change, in words ("modified", "added", "deleted"). */
export function changeLabel(change: FileChangeKind): string {
  return t(`verify.change.${change}`);
}

export interface SeverityGroup {
  severity: Severity;
  modules: VerifyModule[];
  problems: VerifyProblem[];
  /** Rows in the group (modules + problems). */
  count: number;
}

const ORDER: Severity[] = ['error', 'warning', 'info'];

/**
 * The report's rows by severity, most serious first (groups with nothing are left out). Within a
 * group, modules keep the core's order (most serious status, then path and version).
 */
export function groupBySeverity(report: Pick<VerifyReport, 'modules' | 'problems'>): SeverityGroup[] {
  const groups = new Map<Severity, SeverityGroup>(ORDER.map((s) => [s, { severity: s, modules: [], problems: [], count: 0 }]));
  for (const m of report.modules) groups.get(statusInfo(m.status).severity)!.modules.push(m);
  for (const p of report.problems) (groups.get(p.severity) ?? groups.get('warning')!).problems.push(p);
  const out: SeverityGroup[] = [];
  for (const s of ORDER) {
    const g = groups.get(s)!;
    g.count = g.modules.length + g.problems.length;
    if (g.count > 0) out.push(g);
  }
  return out;
}

export interface VersionRef {
  path: string;
  version: string;
}

export const versionKey = (v: VersionRef): string => `${v.path}@${v.version}`;

/**
 * What "Repair all broken" repairs (the core's `broken_versions`): every broken row, plus the
 * versions whose cached copy project mode found corrupted. Sorted, without duplicates.
 */
export function brokenVersions(report: Pick<VerifyReport, 'modules' | 'project'>): VersionRef[] {
  const seen = new Map<string, VersionRef>();
  for (const m of report.modules) if (isBroken(m.status)) seen.set(versionKey(m), { path: m.path, version: m.version });
  for (const m of report.project?.mismatches ?? []) {
    if (m.cause === 'cache-corrupted') seen.set(versionKey(m), { path: m.path, version: m.version });
  }
  return [...seen.values()].sort((a, b) => (a.path === b.path ? cmp(a.version, b.version) : cmp(a.path, b.path)));
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Verdicts by `path@version`, for the module view's badges. */
export function statusByVersion(report: Pick<VerifyReport, 'modules'>): Map<string, VerifyStatus> {
  return new Map(report.modules.map((m) => [versionKey(m), m.status]));
}

/** The worst verdict among a module's versions (for its row in the module view), or null. */
export function worstStatus(statuses: (VerifyStatus | undefined)[]): VerifyStatus | null {
  const rank = (s: VerifyStatus) => ORDER.indexOf(statusInfo(s).severity);
  let worst: VerifyStatus | null = null;
  for (const s of statuses) if (s && (worst === null || rank(s) < rank(worst))) worst = s;
  return worst;
}

/** Live progress of a verification. */
export interface VerifyProgress {
  bytes: number;
  totalBytes: number;
  versionsDone: number;
  versions: number;
  broken: number;
  current: string;
  /** `performance.now()`-like ms when the work was announced. */
  startedAt: number | null;
}

export function emptyVerifyProgress(): VerifyProgress {
  return { bytes: 0, totalBytes: 0, versionsDone: 0, versions: 0, broken: 0, current: '', startedAt: null };
}

/** Applies one event (pure); `now` is the clock in ms. */
export function applyVerifyEvent(p: VerifyProgress, e: VerifyEvent, now: number): VerifyProgress {
  switch (e.event) {
    case 'verifyStarted':
      return { ...emptyVerifyProgress(), totalBytes: e.data.total_bytes, versions: e.data.versions, startedAt: now };
    case 'verifyProgress':
      return {
        ...p,
        bytes: e.data.bytes,
        totalBytes: e.data.total_bytes,
        versionsDone: e.data.versions_done,
        versions: e.data.versions,
        broken: e.data.broken,
        current: e.data.current,
      };
    case 'verifyFinished':
      return { ...p, bytes: e.data.bytes, broken: e.data.broken, versionsDone: e.data.cancelled ? p.versionsDone : p.versions };
  }
}

/** Fraction done (0..1), or null before the total is known. */
export function fraction(p: VerifyProgress): number | null {
  if (p.startedAt === null) return null;
  if (p.totalBytes <= 0) return 1;
  return Math.min(1, p.bytes / p.totalBytes);
}

/**
 * Seconds left at the average rate so far; null until the estimate means something (half a
 * second of work and some bytes hashed).
 */
export function etaSeconds(p: VerifyProgress, now: number): number | null {
  if (p.startedAt === null || p.bytes <= 0 || p.totalBytes <= 0) return null;
  const elapsed = now - p.startedAt;
  if (elapsed < 500) return null;
  const rate = p.bytes / elapsed; // bytes per ms
  return Math.max(0, (p.totalBytes - p.bytes) / rate / 1000);
}

/** "about 12 s left", "about 3 min left", "almost done". */
export function formatEta(seconds: number | null): string {
  if (seconds === null) return t('verify.eta.estimating');
  if (seconds < 2) return t('verify.eta.almostDone');
  if (seconds < 60) return t('verify.eta.seconds', { s: Math.round(seconds) });
  if (seconds < 3600) return t('verify.eta.minutes', { min: Math.round(seconds / 60) });
  const h = Math.floor(seconds / 3600);
  return t('verify.eta.hours', { h, min: Math.round((seconds - h * 3600) / 60) });
}

/** One sentence on the outcome of a verification, for the summary line. */
export function summarize(r: VerifyReport): string {
  const mismatches = r.project?.mismatches.length ?? 0;
  const errors = r.problems.filter((p) => p.severity === 'error').length;
  const bad: string[] = [];
  if (r.broken > 0) bad.push(t('verify.summary.broken', { count: r.broken }));
  if (mismatches > 0) bad.push(t('verify.summary.mismatches', { count: mismatches }));
  if (errors > 0) bad.push(t('verify.summary.corrupt', { count: errors }));
  const key = `verify.summary.${r.cancelled ? 'cancelled' : ''}${bad.length === 0 ? (r.cancelled ? 'Ok' : 'ok') : r.cancelled ? 'Bad' : 'bad'}`;
  const text = t(key, { count: r.checked, problems: bad.join(t('verify.summary.separator')) });
  // go.sum lines the cache cannot confirm are a finding, not a footnote.
  const unconfirmed = r.project?.not_in_cache.length ?? 0;
  if (unconfirmed === 0) return text;
  // Chinese sentences follow each other without a space.
  const gap = /[。！？]$/.test(text) ? '' : ' ';
  return `${text}${gap}${t('verify.summary.unconfirmed', { count: unconfirmed })}`;
}

const PROBLEM_IDS = new Set(['build-output-corrupt', 'build-action-malformed', 'build-action-dangling', 'special-file']);

/** A few words naming a problem's kind, for its badge (`verify.problemLabel.<id>`); the id itself when unknown. */
export function problemLabel(id: string): string {
  return hasKey(`verify.problemLabel.${id}`) ? t(`verify.problemLabel.${id}`) : id;
}

/** What to do about a problem not tied to a module version (repair does not touch the build cache). */
export function problemHint(id: string): string {
  return PROBLEM_IDS.has(id) ? t(`verify.problem.${id}`) : '';
}

/** Whether anything is broken: a broken version, a go.sum mismatch or an error problem (`anything_broken`). */
export function anythingBroken(r: Pick<VerifyReport, 'broken' | 'problems' | 'project'>): boolean {
  return r.broken > 0 || r.problems.some((p) => p.severity === 'error') || (r.project?.mismatches.length ?? 0) > 0;
}

/**
 * A sentence of project mode (`VerifyMsg`: a go.sum line against the cache and the proxy) in the
 * current language: `verify.msg.<id>` with its values. A `source` value names where a setting
 * came from (`verify.msg.source.<value>`), a `status` value a verdict (its label). A module
 * finding (`evidence.finding`) carries the core's English sentence: other languages show the
 * verdict's label and meaning instead. A `names` value (the changed files without their English
 * change words) replaces `files` outside English. `fallback` (the core's English) when the id is
 * unknown. Also the module-cache findings (`finding.*`), problems (`problem.*`) and repair notes
 * (`repair.*`).
 */
export function msgText(m: VerifyMsg | null | undefined, fallback = ''): string {
  if (!m) return fallback;
  const key = `verify.msg.${m.id}`;
  if (!hasKey(key)) return fallback;
  const args: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.args)) if (v !== undefined) args[k] = v;
  if (args.source !== undefined && hasKey(`verify.msg.source.${args.source}`)) args.source = t(`verify.msg.source.${args.source}`);
  if (args.names !== undefined && locale() !== 'en') args.files = args.names;
  const status = args.status as VerifyStatus | undefined;
  if (status !== undefined) args.status = statusInfo(status).label;
  if (m.id === 'evidence.finding' && locale() !== 'en' && status !== undefined) {
    return t('verify.project.findingOther', { status: statusInfo(status).label, explanation: statusInfo(status).explanation });
  }
  return t(key, args);
}
