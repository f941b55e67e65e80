import { afterEach, describe, expect, test } from 'vitest';
import type { HeldPath, Holder, ItemResult, LocksReport } from './api';
import {
  badgeText,
  endErrorText,
  endOutcomeText,
  groupPaths,
  holderAdvice,
  holderIds,
  holderTitle,
  holdersOf,
  holdersUnder,
  holdsSummary,
  inaccessibleText,
  isUnder,
  kindLabel,
  relativeTo,
  resultsNeedHolders,
} from './locks';
import { setLocale } from './i18n';

const MOD = '/home/a/go/pkg/mod';
const p = (cache: HeldPath['cache'], module: string | null, path: string, kind: HeldPath['kind'] = 'open-file'): HeldPath => ({
  cache,
  module,
  path,
  kind,
});

function holder(pid: number, paths: HeldPath[], extra: Partial<Holder> = {}): Holder {
  return {
    pid,
    start_time: 1000 + pid,
    name: `p${pid}`,
    exe: null,
    user: 'a',
    uid: 1000,
    is_current_user: true,
    kinds: [...new Set(paths.map((x) => x.kind))],
    caches: [],
    modules: [...new Set(paths.map((x) => x.module).filter((m): m is string => !!m))],
    paths,
    tool: null,
    category: 'other',
    app_name: null,
    advice: '',
    cmdline: [],
    ...extra,
  };
}

describe('groupPaths', () => {
  test('groups by cache then module version, keeping the core order, loose paths last', () => {
    const g = groupPaths([
      p('modcache', 'x.com/a@v1.0.0', `${MOD}/cache/download/x.com/a/@v/v1.0.0.lock`, 'flock'),
      p('modcache', 'x.com/a@v1.0.0', `${MOD}/cache/download/x.com/a/@v/v1.0.0.lock`, 'open-file'),
      p('modcache', null, `${MOD}/cache/vcs/abc`, 'cwd'),
      p('modcache', 'x.com/b@v2.0.0', `${MOD}/x.com/b@v2.0.0/b.go`),
      p('build', null, '/home/a/.cache/go-build/3f/3f-d'),
      p(null, null, '/tmp/elsewhere'),
    ]);
    expect(g.map((c) => [c.cache, c.count])).toEqual([
      ['modcache', 3],
      ['build', 1],
      [null, 1],
    ]);
    expect(g[0].title).toBe('Module cache');
    expect(g[2].title).toBe('Outside the caches');
    expect(g[0].modules.map((m) => [m.module, m.paths.length])).toEqual([
      ['x.com/a@v1.0.0', 1],
      ['x.com/b@v2.0.0', 1],
      [null, 1],
    ]);
    // The lock file held twice (its descriptor and the flock on it) is one row, kinds in order.
    expect(g[0].modules[0].paths).toEqual([{ path: `${MOD}/cache/download/x.com/a/@v/v1.0.0.lock`, kinds: ['open-file', 'flock'] }]);
  });

  test('no paths, no groups', () => {
    expect(groupPaths([])).toEqual([]);
  });
});

describe('paths', () => {
  test('relativeTo strips the root on a component boundary only', () => {
    expect(relativeTo(`${MOD}/x.com/a@v1/a.go`, MOD)).toBe('x.com/a@v1/a.go');
    expect(relativeTo(`${MOD}/x.com/a@v1/a.go`, `${MOD}/`)).toBe('x.com/a@v1/a.go');
    expect(relativeTo(MOD, MOD)).toBe('.');
    expect(relativeTo(`${MOD}2/x`, MOD)).toBe(`${MOD}2/x`);
    expect(relativeTo('C:\\Users\\a\\go\\pkg\\mod\\x.com\\a.go', 'C:\\Users\\a\\go\\pkg\\mod')).toBe('x.com\\a.go');
    expect(relativeTo('/x', null)).toBe('/x');
  });

  test('isUnder', () => {
    expect(isUnder(`${MOD}/a`, MOD)).toBe(true);
    expect(isUnder(MOD, MOD)).toBe(true);
    expect(isUnder(`${MOD}x/a`, MOD)).toBe(false);
    expect(isUnder('/home/a', MOD)).toBe(false);
  });
});

describe('badges and counts', () => {
  const report: LocksReport = {
    holders: [
      holder(1, [p('modcache', 'x.com/a@v1.0.0', `${MOD}/x.com/a@v1.0.0/a.go`)]),
      holder(2, [p('build', null, '/home/a/.cache/go-build/00/00-d')]),
      holder(3, [p('modcache', null, `${MOD}/cache/download/x.com/a/@v/list`), p('build', null, '/home/a/.cache/go-build/01/01-d')]),
    ],
    caches: [
      { kind: 'modcache', path: MOD, holders: 2 },
      { kind: 'build', path: '/home/a/.cache/go-build', holders: 2 },
      { kind: 'toolchains', path: `${MOD}/golang.org`, holders: 0 },
    ],
    inaccessible: 0,
    warnings: [],
    probe: 'procfs',
    elapsed_ms: 3,
  };

  test('holdersOf reads the report row of the card (by kind and path)', () => {
    expect(holdersOf(report, 'modcache', MOD)).toBe(2);
    expect(holdersOf(report, 'toolchains', `${MOD}/golang.org`)).toBe(0);
    expect(holdersOf(report, 'gopls', '/x')).toBe(0);
    expect(holdersOf(null, 'modcache', MOD)).toBe(0);
  });

  test('badge and inaccessible texts', () => {
    expect(badgeText(3)).toBe('3 processes hold files here');
    expect(badgeText(1)).toBe('1 process holds files here');
    expect(inaccessibleText(4)).toBe('4 processes could not be inspected; run as administrator to see them.');
    expect(inaccessibleText(1)).toBe('1 process could not be inspected; run as administrator to see it.');
  });

  test('holdersUnder picks the holders of a clean root', () => {
    expect(holdersUnder(report, [MOD]).map((h) => h.pid)).toEqual([1, 3]);
    expect(holdersUnder(report, ['/home/a/.cache/go-build']).map((h) => h.pid)).toEqual([2, 3]);
    expect(holdersUnder(report, [`${MOD}/x.com/b@v1.0.0`])).toEqual([]);
    expect(holdersUnder(report, [])).toEqual([]);
    expect(holdersUnder(null, [MOD])).toEqual([]);
  });

  test('holdsSummary', () => {
    expect(holdsSummary(report.holders[0])).toBe('1 module version');
    expect(holdsSummary(report.holders[1])).toBe('1 path');
    expect(holdsSummary(holder(9, [p('modcache', null, `${MOD}/cache`, 'cwd')]))).toBe('its working directory');
  });
});

describe('clean results', () => {
  const r = (outcome: ItemResult['outcome'], cause: ItemResult['cause'], holderText: string | null = null): ItemResult => ({
    path: MOD,
    label: 'module cache',
    outcome,
    cause,
    detail: holderText ? { path: MOD, message: '', owner: null, fix: null, holder: holderText, more: 0 } : null,
    bytes: 1,
    in_place: false,
    note: null,
  });
  test('locked, permission and in-use failures, or a named holder, call for the holders', () => {
    expect(resultsNeedHolders([r('removed', null), r('failed', 'locked')])).toBe(true);
    expect(resultsNeedHolders([r('failed', 'permission')])).toBe(true);
    expect(resultsNeedHolders([r('failed', 'in-use')])).toBe(true);
    expect(resultsNeedHolders([r('failed', 'other', 'go (pid 1, user a): flock')])).toBe(true);
    expect(resultsNeedHolders([r('failed', 'path-too-long'), r('removed', null)])).toBe(false);
    expect(resultsNeedHolders([r('skipped', 'in-use')])).toBe(false);
    expect(resultsNeedHolders([])).toBe(false);
  });
});

describe('end process texts', () => {
  test('outcomes', () => {
    expect(endOutcomeText({ how: 'exited', elapsed_ms: 5 }, 'gopls')).toBe('gopls exited when asked to stop.');
    expect(endOutcomeText({ how: 'killed', elapsed_ms: 3000 }, 'gopls')).toContain('forced to quit');
    expect(endOutcomeText({ how: 'already-gone', elapsed_ms: 0 }, 'gopls')).toContain('already exited');
  });

  test('every documented error code has its own plain words', () => {
    const codes = [
      'RefusedSystem',
      'RefusedSelf',
      'RefusedOtherUser',
      'RefusedProtected',
      'NotAHolder',
      'ProcessChanged',
      'Unidentified',
      'ScanFailed',
      'NotFound',
      'StillRunning',
      'Io',
      'Unsupported',
    ] as const;
    const titles = codes.map((code) => endErrorText({ code, message: '' }, 'x').title);
    expect(new Set(titles).size).toBe(codes.length);
    expect(endErrorText({ code: 'RefusedOtherUser', message: '' }, 'backup').action).toContain('administrator');
    expect(endErrorText({ code: 'NotAHolder', message: '' }, 'sleep').title).toBe('sleep no longer holds files in the caches.');
    expect(endErrorText({ code: 'ProcessChanged', message: '' }, 'go').action).toContain('left running');
    expect(endErrorText({ code: 'Unknown', message: '' }, 'x').title).toBe('x could not be ended.');
  });

  test('kind labels', () => {
    expect(kindLabel('open-file')).toBe('Open file');
    expect(kindLabel('deleted-open')).toBe('Deleted, still open');
    expect(kindLabel('future-kind')).toBe('future-kind');
  });
});

describe('languages', () => {
  afterEach(() => setLocale('en'));

  test('badges, summaries and End process answers in Chinese', () => {
    setLocale('zh-CN');
    expect(badgeText(3)).toBe('3 个进程正在占用这里的文件');
    expect(inaccessibleText(1)).toBe('有 1 个进程无法检查；以管理员身份运行才能看到。');
    expect(kindLabel('flock')).toBe('锁');
    expect(kindLabel('future-kind')).toBe('future-kind');
    expect(holdsSummary(holder(9, [p('modcache', null, `${MOD}/cache`, 'cwd')]))).toBe('其工作目录');
    expect(holdsSummary(holder(9, [p('modcache', 'x.com/a@v1', `${MOD}/x.com/a@v1/a.go`)]))).toBe('1 个模块版本');
    expect(holderTitle({ name: 'gopls', pid: 4242, user: 'alice' })).toBe('gopls（pid 4242，alice）');
    expect(endOutcomeText({ how: 'killed', elapsed_ms: 3000 }, 'gopls')).toBe('gopls 没有按请求退出，已被强制结束。');
    expect(endErrorText({ code: 'RefusedOtherUser', message: 'x' }, 'backup')).toEqual({
      title: 'backup 属于其他用户。',
      action: '以管理员身份运行 Go Cache Doctor 才能结束它，或请它的所有者关闭它。',
    });
    expect(endErrorText({ code: 'Unknown', message: '' }, 'x').title).toBe('无法结束 x。');
    expect(groupPaths([p(null, null, '/tmp/x')])[0].title).toBe('缓存之外');
  });

  test('holder ids: English keeps the old format', () => {
    expect(holderTitle({ name: 'gopls', pid: 4242, user: 'alice' })).toBe('gopls (pid 4242, alice)');
    expect(holderIds({ pid: 4242, user: null })).toBe('(pid 4242)');
  });

  test("advice: the core's text in English, rebuilt by the core's rules in Chinese", () => {
    const go = holder(1, [p('modcache', 'x.com/a@v1', `${MOD}/cache/download/x.com/a/@v/v1.lock`, 'flock')], {
      tool: 'go',
      category: 'go-tool',
      advice: "A go command holds a module version's lock: it is downloading or extracting it right now.",
    });
    expect(holderAdvice(go)).toBe(go.advice);
    setLocale('zh-CN');
    expect(holderAdvice(go)).toBe('有 go 命令持有某个模块版本的锁：它正在下载或解压该版本。请等它完成；清理该版本时会等待这个锁。');
    const av = holder(2, [p('modcache', null, `${MOD}/x`, 'open-file')], { category: 'antivirus', app_name: 'McAfee', advice: 'x' });
    expect(holderAdvice(av)).toMatch(/^McAfee 正在扫描缓存中的文件.*不要结束它。$/);
    const editor = holder(3, [p('modcache', null, `${MOD}/x`, 'deleted-open')], { category: 'ide', app_name: null, advice: 'x' });
    expect(holderAdvice(editor)).toBe(
      '编辑器正在监视或索引这里的文件（通常通过 gopls）：请关闭该项目或编辑器，再清理。它还打开着已删除的文件：只有它关闭这些文件或退出后，磁盘空间才会释放。',
    );
    const shell = holder(4, [p('modcache', null, `${MOD}/x`, 'cwd')], { app_name: 'a shell', advice: 'x' });
    expect(holderAdvice(shell)).toContain('cd 到其他目录');
    expect(holderAdvice({ ...shell, advice: '' })).toBe('');
  });
});
