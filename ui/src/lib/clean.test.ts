import { afterEach, describe, expect, test } from 'vitest';
import type { CleanRun, ErrorCode, ItemResult, Plan, PlanItem, ScanReport, Target } from './api';
import { setLocale } from './i18n';
import { cacheTitle } from './format';
import {
  adminMayHelp,
  cardOptions,
  causeTitle,
  causeExplanation,
  causeFix,
  countOutcomes,
  dialogOpen,
  errorHelp,
  retryHelps,
  failedTargets,
  initialFlow,
  optionTarget,
  reduce,
  removedLine,
  secondsLeft,
  splitAround,
  targetLabel,
  type Action,
  type Flow,
  optionFigures,
  optionUnavailable,
} from './clean';

const item = (label: string, bytes: number, extra: Partial<PlanItem> = {}): PlanItem => ({
  cache: 'modcache',
  root: '/m',
  path: `/m/${label}`,
  label,
  action: { kind: 'root' },
  bytes,
  disk_bytes: bytes + 4096,
  files: 3,
  ...extra,
});

const plan = (items: PlanItem[], targets: Target[] = [{ target: 'modcache' }]): Plan => ({
  created: 1,
  targets,
  items,
  skipped: [],
  warnings: [],
  total_bytes: items.reduce((s, i) => s + i.bytes, 0),
  total_disk_bytes: items.reduce((s, i) => s + i.disk_bytes, 0),
  total_files: items.reduce((s, i) => s + i.files, 0),
});

const result = (path: string, outcome: ItemResult['outcome'], bytes: number, extra: Partial<ItemResult> = {}): ItemResult => ({
  path,
  label: path,
  outcome,
  cause: null,
  detail: null,
  bytes,
  in_place: false,
  note: null,
  ...extra,
});

const run = (results: ItemResult[], state: CleanRun['state'], deadline: number | null = 10_000): CleanRun => ({
  run_id: 'r1',
  plan_id: 'p1',
  results,
  quarantined_bytes: results.reduce((s, r) => s + r.bytes, 0),
  undo_deadline_ms: deadline,
  state,
});

function drive(actions: Action[], from: Flow = initialFlow()): { flow: Flow; states: string[] } {
  let flow = from;
  const states: string[] = [];
  for (const a of actions) {
    flow = reduce(flow, a);
    if (states[states.length - 1] !== flow.state) states.push(flow.state);
  }
  return { flow, states };
}

const P = plan([item('a', 100), item('b', 50)]);

describe('clean state machine', () => {
  test('plan → confirm → running → holding → purging → done, with progress and the purge figures', () => {
    const { flow, states } = drive([
      { type: 'plan', targets: [{ target: 'modcache' }], source: { type: 'card', kind: 'modcache' } },
      { type: 'planned', seq: 1, id: 'p1', plan: P },
      { type: 'execute' },
      { type: 'event', ev: { event: 'itemStarted', data: { index: 0, label: 'a' } } },
    ]);
    expect(states).toEqual(['planning', 'confirm', 'running']);
    expect(flow.progress).toEqual({ done: 0, total: 2, current: 'a' });
    const after = drive(
      [
        { type: 'event', ev: { event: 'itemFinished', data: { index: 0, outcome: 'removed' } } },
        { type: 'event', ev: { event: 'itemStarted', data: { index: 1, label: 'b' } } },
        { type: 'event', ev: { event: 'itemFinished', data: { index: 1, outcome: 'removed' } } },
      ],
      flow,
    ).flow;
    expect(after.progress).toEqual({ done: 2, total: 2, current: 'b' });
    const results = [result('/m/a', 'removed', 100), result('/m/b', 'removed', 50)];
    const end = drive(
      [
        { type: 'executed', run: run(results, 'holding') },
        { type: 'event', ev: { event: 'purgeStarted', data: { run_id: 'r1', total: 2 } } },
        { type: 'event', ev: { event: 'purged', data: { done: 1, total: 2, bytes: 100 } } },
      ],
      after,
    );
    expect(end.states).toEqual(['holding', 'purging']);
    expect(end.flow.purge).toMatchObject({ started: true, done: 1, total: 2, bytes: 100, finished: false });
    expect(end.flow.bytesFreed).toBeNull();
    const done = reduce(end.flow, {
      type: 'event',
      ev: { event: 'purgeFinished', data: { run_id: 'r1', results, bytes_freed: 150 } },
    });
    expect(done.state).toBe('done');
    expect(done.bytesFreed).toBe(150);
  });

  test('purge events that overtake the run answer are kept, and the answer then ends in done', () => {
    const results = [result('/m/a', 'removed', 100)];
    const { flow, states } = drive([
      { type: 'plan', targets: [{ target: 'gopls' }], source: null },
      { type: 'planned', seq: 1, id: 'p1', plan: P },
      { type: 'execute' },
      { type: 'event', ev: { event: 'purgeStarted', data: { run_id: 'r1', total: 1 } } },
      { type: 'event', ev: { event: 'purgeFinished', data: { run_id: 'r1', results, bytes_freed: 100 } } },
      { type: 'executed', run: run(results, 'purging', null) },
    ]);
    expect(states).toEqual(['planning', 'confirm', 'running', 'done']);
    expect(flow.bytesFreed).toBe(100);
  });

  test('a run that holds nothing (all failed) is done at once, freeing the removed bytes only', () => {
    const results = [result('/m/a', 'failed', 100, { cause: 'permission' }), result('/m/b', 'removed', 50, { in_place: true })];
    const { flow } = drive([
      { type: 'plan', targets: [{ target: 'modcache' }], source: null },
      { type: 'planned', seq: 1, id: 'p1', plan: P },
      { type: 'execute' },
      { type: 'executed', run: run(results, 'done', null) },
    ]);
    expect(flow.state).toBe('done');
    expect(flow.bytesFreed).toBe(50);
    expect(countOutcomes(flow.results)).toEqual({ removed: 1, skipped: 0, failed: 1 });
  });

  test('undo from holding (command answer and event both arrive) ends in undone once', () => {
    const results = [result('/m/a', 'removed', 100)];
    const report = { run_id: 'r1', restored: 1, superseded: 0, already_purged: 0, failures: [] };
    const { flow, states } = drive([
      { type: 'plan', targets: [{ target: 'modcache' }], source: null },
      { type: 'planned', seq: 1, id: 'p1', plan: P },
      { type: 'execute' },
      { type: 'executed', run: run(results, 'holding') },
      { type: 'event', ev: { event: 'undone', data: report } },
      { type: 'undone', report },
      // A late purgeFinished of the undone run must not turn it into "done".
      { type: 'event', ev: { event: 'purgeFinished', data: { run_id: 'r1', results: [], bytes_freed: 0 } } },
    ]);
    expect(states).toEqual(['planning', 'confirm', 'running', 'holding', 'undone']);
    expect(flow.undo?.restored).toBe(1);
  });

  test('a stale plan answer (options changed meanwhile) is dropped', () => {
    const { flow } = drive([
      { type: 'plan', targets: [{ target: 'build' }], source: { type: 'card', kind: 'build' } },
      { type: 'plan', targets: [{ target: 'fuzz' }], source: { type: 'card', kind: 'build' } },
      { type: 'planned', seq: 1, id: 'old', plan: P },
    ]);
    expect(flow.state).toBe('planning');
    expect(flow.planId).toBeNull();
    expect(reduce(flow, { type: 'planned', seq: 2, id: 'new', plan: P }).planId).toBe('new');
  });

  test('cannot start another flow or dismiss while a run is in the backend', () => {
    const { flow } = drive([
      { type: 'plan', targets: [{ target: 'modcache' }], source: null },
      { type: 'planned', seq: 1, id: 'p1', plan: P },
      { type: 'execute' },
      { type: 'executed', run: run([result('/m/a', 'removed', 100)], 'holding') },
    ]);
    expect(reduce(flow, { type: 'plan', targets: [{ target: 'gopls' }], source: null })).toBe(flow);
    expect(reduce(flow, { type: 'dismiss' })).toBe(flow);
    expect(reduce(flow, { type: 'execute' })).toBe(flow);
  });

  test('errors: a plan error keeps the dialog, an undo error keeps the run going', () => {
    const planned = drive([
      { type: 'plan', targets: [{ target: 'modcache' }], source: null },
      { type: 'failed', seq: 1, error: { code: 'BadRoot', message: 'x' }, stage: 'plan' },
    ]).flow;
    expect(planned.state).toBe('error');
    expect(dialogOpen(planned)).toBe(true);
    const holding = drive([
      { type: 'plan', targets: [{ target: 'modcache' }], source: null },
      { type: 'planned', seq: 1, id: 'p1', plan: P },
      { type: 'execute' },
      { type: 'executed', run: run([result('/m/a', 'removed', 100)], 'holding') },
      { type: 'failed', error: { code: 'NotUndoable', message: 'purged' }, stage: 'undo' },
    ]).flow;
    expect(holding.state).toBe('holding');
    expect(holding.error?.code).toBe('NotUndoable');
    expect(dialogOpen(holding)).toBe(false);
    expect(reduce(holding, { type: 'dismiss' }).state).toBe('holding');
  });

  test('elevated: the plan answer starts the run without a second confirmation', () => {
    const { flow, states } = drive([
      { type: 'plan', targets: [{ target: 'modcache' }], source: null, elevated: true },
      { type: 'planned', seq: 1, id: 'p9', plan: P },
      { type: 'executed', run: run([result('/m/a', 'removed', 100, { in_place: true })], 'done', null) },
    ]);
    expect(states).toEqual(['planning', 'running', 'done']);
    expect(flow.elevated).toBe(true);
    expect(flow.bytesFreed).toBe(100);
    expect(reduce(flow, { type: 'dismiss' }).state).toBe('idle');
  });
});

describe('targets', () => {
  test('each card offers its targets; gobin none', () => {
    expect(cardOptions('modcache').map((o) => o.value)).toEqual(['modcache', 'toolchains', 'vcs']);
    expect(cardOptions('build').map((o) => o.value)).toEqual(['build', 'build-older-than', 'build-budget', 'test', 'fuzz']);
    for (const k of ['gopls', 'gopls-index', 'golangci-lint', 'staticcheck', 'toolchains'] as const) expect(cardOptions(k).map((o) => o.value)).toEqual([k]);
    expect(cardOptions('gobin')).toEqual([]);
    // Go's telemetry data is shown, never offered for cleaning.
    expect(cardOptions('telemetry')).toEqual([]);
    expect(optionTarget('build-older-than', 7)).toEqual({ target: 'build-older-than', days: 7 });
    expect(optionTarget('golangci-lint', 7)).toEqual({ target: 'golangci-lint' });
    expect(optionTarget('build-budget', 7, 2.5)).toEqual({ target: 'build-budget', max_bytes: 2_684_354_560 });
    expect(optionTarget('build-budget', 7, 0)).toEqual({ target: 'build-budget', max_bytes: 0 });
  });

  test('labels', () => {
    expect(targetLabel({ target: 'build-older-than', days: 1 })).toBe('build cache entries older than 1 day');
    expect(targetLabel({ target: 'module-versions', versions: [{ path: 'a', version: 'v1' }, { path: 'b', version: 'v2' }] })).toBe('2 module versions');
    expect(targetLabel({ target: 'module-versions', versions: [{ path: 'a', version: 'v1' }] })).toBe('a@v1');
    expect(targetLabel({ target: 'staticcheck' })).toBe('staticcheck cache');
    expect(targetLabel({ target: 'gopls-index' })).toBe('gopls module index');
    expect(cacheTitle('telemetry')).toBe('Go telemetry data');
  });

  test('failedTargets re-plans failed module versions by name and other failures by their target', () => {
    const mv = (m: string, v: string) =>
      item(`${m}@${v}`, 1, { path: `/m/${m}@${v}`, action: { kind: 'module-version', module: m, version: v, escpath: m, escver: v } });
    const p = plan([mv('x.org/a', 'v1'), mv('x.org/b', 'v2')], [{ target: 'module-versions', versions: [] }]);
    const results = [result('/m/x.org/a@v1', 'removed', 1), result('/m/x.org/b@v2', 'failed', 1, { cause: 'permission' })];
    expect(failedTargets(p, p.targets, results)).toEqual([{ target: 'module-versions', versions: [{ path: 'x.org/b', version: 'v2' }] }]);
    const root = plan([item('mod', 5)], [{ target: 'modcache' }]);
    expect(failedTargets(root, root.targets, [result('/m/mod', 'failed', 5, { cause: 'permission' })])).toEqual([{ target: 'modcache' }]);
  });
});

describe('causes and fixes in plain words', () => {
  const perm = (owner: { name: string | null; uid: number | null; is_current_user: boolean } | null, fix: string | null) => ({
    cause: 'permission' as const,
    detail: { path: '/m/x', message: 'Permission denied (os error 13)', owner, fix, holder: null, more: 0 },
  });

  test('permission names the owner and passes the exact command through', () => {
    const r = perm({ name: 'root', uid: 0, is_current_user: false }, 'sudo chown -R "$(id -un)" /home/u/go/pkg/mod');
    expect(causeExplanation(r)).toBe('Some files belong to root, not to you, so you may not delete them.');
    expect(causeFix(r)).toEqual({ text: 'sudo chown -R "$(id -un)" /home/u/go/pkg/mod', command: true });
    expect(causeExplanation(perm({ name: null, uid: 1234, is_current_user: false }, null))).toContain('user id 1234');
    expect(causeExplanation(perm({ name: 'me', uid: 1000, is_current_user: true }, null))).toContain('write-protected');
    expect(causeFix(perm(null, null))?.command).toBe(false);
  });

  test('macOS causes beyond the owner: their own explanation, chflags as a command, advice translated', () => {
    const mac = (perm_cause: 'user-immutable' | 'system-immutable' | 'sip-restricted' | 'privacy-denied' | 'ownership' | null, fix: string | null) => ({
      cause: 'permission' as const,
      detail: { path: '/Users/ann/go/pkg/mod/x', message: 'Operation not permitted (os error 1)', owner: { name: 'ann', uid: 501, is_current_user: true }, perm_cause, fix, holder: null, more: 0 },
    });
    const chflags = "chflags -R nouchg '/Users/ann/it'\\''s a \"go\"/pkg/mod'";
    const r = mac('user-immutable', chflags);
    expect(causeExplanation(r)).toContain('user immutable flag (uchg');
    expect(causeFix(r)).toEqual({ text: chflags, command: true });
    expect(causeFix(mac('user-immutable', "sudo chflags -R nouappnd '/x'"))?.command).toBe(true);
    expect(causeExplanation(mac('system-immutable', null))).toContain('single-user mode');
    expect(causeExplanation(mac('sip-restricted', null))).toContain('System Integrity Protection');
    const tcc = mac(
      'privacy-denied',
      'give Go Cache Doctor Full Disk Access: System Settings > Privacy & Security > Full Disk Access, add the app, then reopen it and retry',
    );
    expect(causeExplanation(tcc)).toContain('Full Disk Access');
    expect(causeFix(tcc)).toEqual({ text: tcc.detail.fix, command: false });
    // Ownership (and every other OS, where there is no cause) keeps the owner's words.
    expect(causeExplanation(mac('ownership', null))).toContain('write-protected');
    expect(causeExplanation(mac(null, null))).toContain('write-protected');
  });

  test('clean as administrator is offered only where an administrator gets past the cause', () => {
    const failed = (perm_cause?: 'user-immutable' | 'system-immutable' | 'sip-restricted' | 'privacy-denied' | 'ownership' | null) =>
      result('/m/a', 'failed', 1, {
        cause: 'permission',
        detail: { path: '/m/a', message: 'Operation not permitted', owner: null, perm_cause, fix: null, holder: null, more: 0 },
      });
    expect(adminMayHelp([failed()])).toBe(true);
    expect(adminMayHelp([failed(null)])).toBe(true);
    expect(adminMayHelp([failed('ownership')])).toBe(true);
    expect(adminMayHelp([failed('user-immutable')])).toBe(true);
    for (const c of ['system-immutable', 'sip-restricted', 'privacy-denied'] as const) {
      expect(adminMayHelp([failed(c)])).toBe(false);
      expect(adminMayHelp([failed(c), failed('ownership')])).toBe(true);
    }
    expect(adminMayHelp([result('/m/a', 'failed', 1, { cause: 'locked' })])).toBe(false);
    expect(adminMayHelp([result('/m/a', 'removed', 1)])).toBe(false);
  });

  test('locked names the holder; advice sentences are not commands; vanished needs nothing', () => {
    const locked = { cause: 'locked' as const, detail: { path: '/b', message: 'busy', owner: null, fix: 'wait for the running go command to finish, then retry', holder: 'gopls.exe (pid 42)', more: 0 } };
    expect(causeExplanation(locked)).toBe('gopls.exe (pid 42) has files open here. Close it, then retry.');
    expect(causeFix(locked)).toEqual({ text: 'wait for the running go command to finish, then retry', command: false });
    expect(causeFix({ cause: 'vanished', detail: null })).toBeNull();
    expect(causeExplanation({ cause: 'other', detail: { path: '/x', message: 'I/O error', owner: null, fix: null, holder: null, more: 0 } })).toBe('I/O error');
  });

  test('toast line, countdown and error codes', () => {
    expect(removedLine([result('/a', 'removed', 1536), result('/b', 'removed', 512), result('/c', 'failed', 9)])).toBe(
      'Removed 2.0 KiB (2 items) — gone for Go.',
    );
    expect(secondsLeft(10_000, 0)).toBe(10);
    expect(secondsLeft(10_000, 9_001)).toBe(1);
    expect(secondsLeft(10_000, 20_000)).toBe(0);
    expect(secondsLeft(null, 0)).toBe(0);
    for (const code of ['NotUndoable', 'UnknownPlan', 'BadRoot', 'ElevationUnavailable', 'ElevationDenied'] as const) {
      const h = errorHelp({ code, message: '' });
      expect(h.title).not.toBe(errorHelp({ code: 'Unknown', message: '' }).title);
      expect(h.action.length).toBeGreaterThan(10);
    }
    // A refusal of what the target is comes out the same every time; a failed read may not.
    for (const code of ['BadRoot', 'RefusedSystem', 'RefusedProtected', 'NotUndoable'] as const) {
      expect(retryHelps({ code, message: '' }), code).toBe(false);
    }
    for (const code of ['Io', 'PermissionDenied', 'ElevationDenied', 'UnknownPlan', 'Unknown'] as const) {
      expect(retryHelps({ code, message: '' }), code).toBe(true);
    }
  });
});

describe('in Simplified Chinese', () => {
  afterEach(() => setLocale('en'));

  test('card options, target labels and the toast line follow the language', () => {
    expect(cardOptions('modcache')[0].label).toBe('Whole module cache');
    expect(cardOptions('build')[1]).toMatchObject({ label: 'Entries older than', after: 'days' });
    setLocale('zh-CN');
    expect(cardOptions('modcache').map((o) => o.label)).toEqual(['整个模块缓存', '已下载的 Go 工具链', 'VCS 检出']);
    expect(cardOptions('build')[1]).toMatchObject({ value: 'build-older-than', label: '超过', after: '天未使用的条目' });
    expect(cardOptions('build')[0].hint).toContain('go clean -cache');
    expect(targetLabel({ target: 'build-older-than', days: 1 })).toBe('超过 1 天未使用的构建缓存条目');
    expect(targetLabel({ target: 'module-versions', versions: [{ path: 'a', version: 'v1' }, { path: 'b', version: 'v2' }] })).toBe('2 个模块版本');
    expect(targetLabel({ target: 'module-versions', versions: [{ path: 'a', version: 'v1' }] })).toBe('a@v1');
    expect(targetLabel({ target: 'staticcheck' })).toBe('staticcheck 缓存');
    expect(targetLabel({ target: 'gopls-index' })).toBe('gopls 模块索引');
    expect(cacheTitle('gopls-index')).toBe('gopls 模块索引');
    expect(targetLabel({ target: 'module', path: 'golang.org/x/tools' })).toBe('golang.org/x/tools（所有版本）');
    expect(removedLine([result('/a', 'removed', 1536), result('/b', 'removed', 512)])).toBe('已移除 2.0 KiB（2 项），Go 已看不到它们。');
  });

  test('causes, fixes and error codes are translated; commands and backend details are not', () => {
    const detail = { path: '/m/x', message: 'Permission denied (os error 13)', owner: null, fix: null, holder: null, more: 0 };
    setLocale('zh-CN');
    expect(causeTitle('permission')).toBe('权限不足');
    expect(causeTitle(null)).toBe('无法删除');
    expect(causeExplanation({ cause: 'permission', detail: { ...detail, owner: { name: 'root', uid: 0, is_current_user: false } } })).toBe(
      '部分文件属于 root，不属于你，因此你无权删除。',
    );
    expect(causeExplanation({ cause: 'locked', detail: { ...detail, holder: 'gopls (pid 42)' } })).toBe('gopls (pid 42) 正打开此处的文件。请先关闭它，然后重试。');
    // The backend's OS message is its own detail: it stays as it is.
    expect(causeExplanation({ cause: 'other', detail: { ...detail, message: 'I/O error' } })).toBe('I/O error');
    const cmd = 'sudo chown -R "$(id -un)" /home/u/go/pkg/mod';
    expect(causeFix({ cause: 'permission', detail: { ...detail, fix: cmd } })).toEqual({ text: cmd, command: true });
    expect(causeFix({ cause: 'permission', detail })).toEqual({ text: '以管理员身份清理，或请文件的所有者删除它们。', command: false });
    // The backend's known advice sentences are translated; unknown ones pass through.
    expect(causeFix({ cause: 'locked', detail: { ...detail, fix: 'wait for the running go command to finish, then retry' } })).toEqual({
      text: '等待正在运行的 go 命令结束，然后重试',
      command: false,
    });
    expect(causeFix({ cause: 'locked', detail: { ...detail, fix: 'some new advice' } })).toEqual({ text: 'some new advice', command: false });
    // macOS causes beyond the owner: explanation and advice in Chinese, commands as they are.
    const fda = 'give Go Cache Doctor Full Disk Access: System Settings > Privacy & Security > Full Disk Access, add the app, then reopen it and retry';
    expect(causeExplanation({ cause: 'permission', detail: { ...detail, perm_cause: 'privacy-denied', fix: fda } })).toContain('完全磁盘访问权限');
    expect(causeFix({ cause: 'permission', detail: { ...detail, perm_cause: 'privacy-denied', fix: fda } })).toEqual({
      text: '给予 Go Cache Doctor 完全磁盘访问权限：系统设置 > 隐私与安全性 > 完全磁盘访问权限，添加该应用，然后重新打开它并重试',
      command: false,
    });
    expect(causeExplanation({ cause: 'permission', detail: { ...detail, perm_cause: 'user-immutable' } })).toContain('uchg');
    expect(causeFix({ cause: 'permission', detail: { ...detail, perm_cause: 'user-immutable', fix: "chflags -R nouchg '/m'" } })).toEqual({
      text: "chflags -R nouchg '/m'",
      command: true,
    });
    expect(errorHelp({ code: 'UnknownPlan', message: 'unknown plan p1' })).toEqual({
      title: '此预览已过期。',
      action: '请重新打开清理对话框，生成新的预览。',
    });
    expect(errorHelp({ code: 'BadSettings', message: '' }).title).toBe('无法读取或保存应用设置。');
    expect(errorHelp({ code: 'Unknown', message: '' }).title).toBe('出了点问题。');
    // A code without its own words (the type allows only the backend's codes), and an
    // inherited object key, which is not an error code.
    expect(errorHelp({ code: 'Parse', message: '' }).title).toBe('出了点问题。');
    expect(errorHelp({ code: 'toString' as ErrorCode, message: '' }).title).toBe('出了点问题。');
  });

  test('splitAround cuts a sentence around its styled value in either language', () => {
    expect(splitAround('clean.history.emptyDetail', 'command')).toEqual([
      'Every clean made with the app or ',
      ', and every process ended from the Processes view, is listed here.',
    ]);
    setLocale('zh-CN');
    expect(splitAround('clean.history.emptyDetail', 'command')).toEqual(['通过本应用或 ', ' 进行的每次清理，以及在“进程”视图中结束的每个进程，都会列在这里。']);
  });
});

describe('clean dialog options (issue #15 §12)', () => {
  const cacheScan = (kind: string, bytes: number, files: number) => ({
    kind, path: `/c/${kind}`, bytes, disk_bytes: bytes, files, dirs: 1, symlinks: 0, unreadable: 0, unreadable_paths: [],
    newest_mtime: null, error: null, inside: kind === 'toolchains' ? 'modcache' : null,
  });
  const report = (vcsFiles: number, toolchains: boolean, fuzzFiles: number): ScanReport =>
    ({
      caches: [cacheScan('modcache', 1000, 50), ...(toolchains ? [cacheScan('toolchains', 300, 9)] : []), cacheScan('build', 700, 20)],
      total: { bytes: 1700, disk_bytes: 1700, files: 70 },
      modules: toolchains ? [{ path: 'golang.org/toolchain', version: 'v0.0.1-go1.23.0.linux-amd64', dir: '/x', bytes: 200, disk_bytes: 200, files: 5, download_bytes: 100, newest_mtime: null, toolchain: true }] : [],
      module_totals: [],
      modcache_parts: {
        extracted_bytes: 600, extracted_disk_bytes: 600, extracted_files: 30, download_bytes: 300, download_disk_bytes: 300, download_files: 10,
        vcs_bytes: vcsFiles ? 80 : 0, vcs_disk_bytes: vcsFiles ? 80 : 0, vcs_files: vcsFiles, sumdb_bytes: 10, sumdb_disk_bytes: 10, sumdb_files: 1,
        other_bytes: 10, other_disk_bytes: 10, other_files: 0,
      },
      build: { fuzz_bytes: fuzzFiles ? 64 : 0, fuzz_files: fuzzFiles } as ScanReport['build'],
      elapsed_ms: 1,
      cancelled: false,
    }) as ScanReport;

  test('each option shows the scan figure of what it cleans', () => {
    const r = report(3, true, 2);
    expect(optionFigures('modcache', r)).toEqual({ bytes: 1000, files: 50 });
    expect(optionFigures('toolchains', r)).toEqual({ bytes: 300, files: 9 });
    expect(optionFigures('vcs', r)).toEqual({ bytes: 80, files: 3 });
    expect(optionFigures('fuzz', r)).toEqual({ bytes: 64, files: 2 });
    expect(optionFigures('build', r)).toEqual({ bytes: 700, files: 20 });
    // Depends on the days, the budget or Go's rules: the preview says.
    expect(optionFigures('build-older-than', r)).toBeNull();
    expect(optionFigures('test', r)).toBeNull();
    expect(optionFigures('modcache', null)).toBeNull();
    for (const v of ['modcache', 'toolchains', 'vcs', 'fuzz', 'build'] as const) expect(optionUnavailable(v, r)).toBeNull();
  });

  test('options with nothing in them are unavailable, and say why', () => {
    setLocale('en');
    const r = report(0, false, 0);
    expect(optionUnavailable('vcs', r)).toContain('No VCS checkouts');
    expect(optionUnavailable('toolchains', r)).toContain('No toolchain is downloaded');
    expect(optionUnavailable('fuzz', r)).toContain('No fuzz inputs');
    expect(optionUnavailable('modcache', r)).toBeNull();
    // Before a scan nothing is known: everything stays available.
    expect(optionUnavailable('vcs', null)).toBeNull();
  });
});
