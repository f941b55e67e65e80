// Verify in the app (issue #4 §6): the pure parts of the flow, tested with vitest. Plain-language
// meaning of each verdict and go.sum cause, grouping by severity, the repair set, progress and ETA.

import type {
  FileChangeKind,
  MismatchCause,
  Severity,
  VerifyEvent,
  VerifyModule,
  VerifyProblem,
  VerifyReport,
  VerifyStatus,
} from './api';

/** `document.body.dataset.verifyState`. */
export type VerifyState = 'idle' | 'running' | 'done' | 'cancelled' | 'error' | 'repairing';

export interface StatusInfo {
  severity: Severity;
  /** A few words, shown on badges (never colour alone). */
  label: string;
  /** What it means and what happens next, for people who never read Go's source. */
  explanation: string;
}

/** Every verdict the core gives, with its severity (`Status::severity`) and meaning. */
export const STATUS_INFO: Record<VerifyStatus, StatusInfo> = {
  'dir-modified': {
    severity: 'error',
    label: 'Files changed',
    explanation:
      'The extracted files no longer match what Go downloaded: someone (an editor, a script, a "quick fix") changed, added or deleted files inside the cache. `go mod verify` fails with "dir has been modified", and builds use the changed code. Repair removes this version and downloads it again.',
  },
  'zip-modified': {
    severity: 'error',
    label: 'Zip damaged',
    explanation:
      'The downloaded zip no longer matches the checksum Go recorded when it downloaded it (a disk error, an interrupted copy or an edit). Go refuses it with "zip has been modified". Repair downloads it again.',
  },
  'ziphash-invalid': {
    severity: 'error',
    label: 'Checksum file damaged',
    explanation:
      'The `.ziphash` file Go wrote next to the zip is not a valid checksum any more, so Go cannot check this version. Repair downloads it again.',
  },
  partial: {
    severity: 'error',
    label: 'Interrupted',
    explanation:
      'An extraction was interrupted (a `.partial` marker is still there). Go ignores these files and extracts the version again next time, which needs the zip or the network. Repair does it now.',
  },
  'missing-ziphash': {
    severity: 'error',
    label: 'Checksum missing',
    explanation:
      'There are files but no `.ziphash` checksum, so Go treats the version as incomplete: it deletes it and downloads it again (`go mod verify` says "missing ziphash"). Repair does it now.',
  },
  unreadable: {
    severity: 'error',
    label: 'Unreadable',
    explanation:
      'Some files of this version could not be read (permissions or a disk error), so Go cannot use them either. Check the owner of the folder; repair removes the version and downloads it again.',
  },
  'writable-files': {
    severity: 'warning',
    label: 'Writable files',
    explanation:
      'Go makes the files it extracts read-only; some of these are writable, so someone changed their permissions and may edit them. The content still matches Go\'s checksum.',
  },
  leftovers: {
    severity: 'warning',
    label: 'Leftovers',
    explanation:
      'Temporary files from an interrupted download are lying around. They do no harm and Go ignores them; cleaning the version removes them.',
  },
  'list-inconsistent': {
    severity: 'warning',
    label: 'List out of date',
    explanation:
      'The module\'s `list` file names this version but its `.mod` file is missing. Go re-fetches it when it needs it.',
  },
  'download-only': {
    severity: 'info',
    label: 'Downloaded only',
    explanation:
      'Only the download (zip, .mod, .info) is here, not extracted. That is normal: Go extracts it when a build needs it.',
  },
  ok: {
    severity: 'info',
    label: 'Verified',
    explanation: 'Everything Go checks matches: the files and the zip agree with the checksum Go recorded when it downloaded them.',
  },
};

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

/** The usual causes of Go's "checksum mismatch", for project mode. */
export const CAUSE_INFO: Record<MismatchCause, CauseInfo> = {
  'cache-corrupted': {
    label: 'Your local cache is damaged',
    explanation:
      'The copy in your module cache no longer matches the checksum Go recorded when it downloaded it, so the cache, not go.sum, is wrong. Repair removes it and downloads it again.',
  },
  retagged: {
    label: 'The version changed upstream',
    explanation:
      'Your cache is intact, but its content differs from what go.sum expects while the checksum database was in use: the author most likely moved the tag to other code (or go.sum was edited by hand). Do not just delete go.sum lines: ask the module\'s author, or move to a new version.',
  },
  settings: {
    label: 'Your Go settings let an unchecked copy in',
    explanation:
      'Your cache is intact but differs from go.sum, and your settings (GOSUMDB=off, GONOSUMDB/GOPRIVATE, or another GOPROXY) skip the public checksum database, so a different copy could be downloaded without a check. Compare these settings with the ones of whoever wrote go.sum.',
  },
};

export const SEVERITY_TITLE: Record<Severity, { title: string; hint: string }> = {
  error: { title: 'Broken', hint: 'Go refuses these or has to download them again. Repair fixes them.' },
  warning: { title: 'Worth a look', hint: 'Go still accepts these, but something unusual happened.' },
  info: { title: 'Fine', hint: 'Nothing to do.' },
};

export const CHANGE_LABEL: Record<FileChangeKind, string> = {
  modified: 'modified',
  added: 'added',
  removed: 'deleted',
};

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
  if (seconds === null) return 'estimating time left…';
  if (seconds < 2) return 'almost done';
  if (seconds < 60) return `about ${Math.round(seconds)} s left`;
  if (seconds < 3600) return `about ${Math.round(seconds / 60)} min left`;
  const h = Math.floor(seconds / 3600);
  return `about ${h} h ${Math.round((seconds - h * 3600) / 60)} min left`;
}

/** One sentence on the outcome of a verification, for the summary line. */
export function summarize(r: VerifyReport): string {
  const mismatches = r.project?.mismatches.length ?? 0;
  const errors = r.problems.filter((p) => p.severity === 'error').length;
  const versions = `${r.checked.toLocaleString('en-US')} module version${r.checked === 1 ? '' : 's'}`;
  const bad: string[] = [];
  if (r.broken > 0) bad.push(`${r.broken} broken`);
  if (mismatches > 0) bad.push(`${mismatches} go.sum mismatch${mismatches === 1 ? '' : 'es'}`);
  if (errors > 0) bad.push(`${errors} corrupt build cache entr${errors === 1 ? 'y' : 'ies'}`);
  const head = r.cancelled ? `Cancelled after checking ${versions}` : `Checked ${versions}`;
  return bad.length === 0 ? `${head}: nothing is broken.` : `${head}: ${bad.join(', ')}.`;
}

/** What to do about a problem not tied to a module version (repair does not touch the build cache). */
export function problemHint(id: string): string {
  switch (id) {
    case 'build-output-corrupt':
      return 'A build cache file is damaged. Go would use it as is: clean the build cache (Clean cache on its card, or go clean -cache) and Go rebuilds what it needs.';
    case 'build-action-malformed':
      return 'A build cache index entry is not in Go\'s format. Go ignores it; cleaning the build cache removes it.';
    case 'build-action-dangling':
      return 'Index entries point at outputs that are gone. Harmless: Go rebuilds them when needed.';
    default:
      return '';
  }
}

/** Whether anything is broken: a broken version, a go.sum mismatch or an error problem (`anything_broken`). */
export function anythingBroken(r: Pick<VerifyReport, 'broken' | 'problems' | 'project'>): boolean {
  return r.broken > 0 || r.problems.some((p) => p.severity === 'error') || (r.project?.mismatches.length ?? 0) > 0;
}
