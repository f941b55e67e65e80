import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import {
  actionLabel,
  actionsOf,
  checklistOf,
  commandsByShell,
  dashboardChecks,
  errorSummary,
  findingsSummary,
  findingTitle,
  ownershipCommands,
  parseAction,
  problemTitle,
  severityLabel,
  type Fix,
} from './doctor';
import { setLocale } from './i18n';

/** A file of the repository (the core's sources list the ids it can report). */
const repoFile = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

const fixes: Fix[] = [
  { kind: 'action', shell: null, text: 'clean-version:example.com/a/b@v1.2.3-rc.1' },
  { kind: 'action', shell: null, text: 'show-lockers' },
  { kind: 'action', shell: null, text: 'teleport' },
  { kind: 'command', shell: 'powershell', text: "Remove-Item -Recurse -Force 'C:\\x'" },
  { kind: 'command', shell: 'cmd', text: 'rmdir /S /Q "C:\\x"' },
  { kind: 'command', shell: 'cmd', text: 'takeown /F "C:\\x" /R /D Y' },
];

describe('doctor helpers', () => {
  test('parses actions like the core', () => {
    expect(parseAction('clean-version:example.com/a@b@v1.0.0')).toEqual({ type: 'clean-version', module: 'example.com/a@b', version: 'v1.0.0' });
    expect(parseAction('clean-version:@v1')).toBeNull();
    expect(parseAction('clean-version:m@')).toBeNull();
    expect(parseAction('verify')).toEqual({ type: 'verify' });
    expect(parseAction('rm -rf /')).toBeNull();
  });

  test('groups commands by the OS shells and drops unsupported actions', () => {
    expect(commandsByShell(fixes, ['powershell', 'cmd'])).toEqual([
      { shell: 'powershell', commands: ["Remove-Item -Recurse -Force 'C:\\x'"] },
      { shell: 'cmd', commands: ['rmdir /S /Q "C:\\x"', 'takeown /F "C:\\x" /R /D Y'] },
    ]);
    expect(commandsByShell(fixes, ['bash'])).toEqual([]);
    expect(actionsOf(fixes, { locks: false }).map((a) => a.text)).toEqual(['clean-version:example.com/a/b@v1.2.3-rc.1']);
    expect(actionsOf(fixes, { locks: true }).map((a) => a.text)).toEqual([
      'clean-version:example.com/a/b@v1.2.3-rc.1',
      'show-lockers',
    ]);
    expect(ownershipCommands(fixes).map((f) => f.text)).toEqual(['takeown /F "C:\\x" /R /D Y']);
  });

  test('splits the general checklist', () => {
    const c = checklistOf('Not recognized. General checklist: 1) read the first line; 2) go env GOPROXY; 3) go mod verify.');
    expect(c).toEqual({ intro: 'Not recognized. General checklist:', items: ['read the first line', 'go env GOPROXY', 'go mod verify'] });
    expect(checklistOf('Just a sentence.')).toEqual({ intro: 'Just a sentence.', items: [] });
  });

  test('dashboard: discovery problems keep only their fixes', () => {
    const f = (id: string, withFix: boolean) => ({
      id, variant: null, severity: 'error' as const, module: null, version: null, path: null, explanation: id,
      fixes: withFix ? [{ kind: 'command' as const, shell: 'bash' as const, text: 'go env -u GOCACHE' }] : [],
    });
    const v = dashboardChecks({
      findings: [f('gosumdb-off', true)],
      discovery: [{ problem: 'gocache-relative', finding: f('gocache-off', true) }, { problem: 'goenv-off', finding: f('goenv-off', false) }],
    });
    expect(v.own.map((x) => x.id)).toEqual(['gosumdb-off']);
    expect([...v.fixes.keys()]).toEqual(['gocache-relative']);
  });
});

describe('doctor texts', () => {
  afterEach(() => setLocale('en'));

  // Every id the core can report (`IDS` of crates/core/src/diagnose/catalog.rs), and every
  // discovery problem a check can stand for (crates/core/src/discover.rs).
  const coreIds = [...repoFile('crates/core/src/diagnose/catalog.rs').split('pub const IDS')[1].split('];')[0].matchAll(/"([a-z-]+)"/g)].map((m) => m[1]);
  const problemIds = [...repoFile('crates/core/src/discover.rs').matchAll(/problem\(\s*"([a-z-]+)"/g)].map((m) => m[1]);

  test('every id the core reports has a human title, in both languages', () => {
    expect(coreIds.length).toBeGreaterThan(25);
    expect(problemIds).toContain('go-env-mismatch');
    for (const lang of ['en', 'zh-CN'] as const) {
      setLocale(lang);
      for (const id of [...coreIds, ...problemIds]) {
        const title = findingTitle({ id, variant: null });
        expect(title, `${lang}:${id}`).not.toBe(id);
        if (lang === 'zh-CN') expect(title, id).toMatch(/\p{Script=Han}/u);
      }
    }
  });

  test('titles, labels and summaries in English and Chinese', () => {
    const f = { id: 'checksum-mismatch', variant: 'go-sum' };
    expect(findingTitle(f)).toBe('Checksum mismatch with go.sum');
    expect(findingTitle({ id: 'permission-denied', variant: 'something-new' })).toBe('Permission denied');
    expect(findingTitle({ id: 'from-a-newer-core', variant: null })).toBe('from-a-newer-core');
    expect(findingTitle({ id: 'gosumdb-off', variant: null })).toBe('Checksum database turned off (GOSUMDB=off)');
    const mapped = { id: 'gocache-off', variant: 'relative', severity: 'error' as const, module: null, version: null, path: null, explanation: '', fixes: [] };
    expect(problemTitle('gocache-relative', mapped)).toBe('GOCACHE is a relative path');
    expect(problemTitle('not-a-problem', mapped)).toBe('GOCACHE is a relative path');
    expect(actionLabel({ type: 'clean-version', module: 'example.com/a', version: 'v1.2.3' })).toBe('Clean example.com/a@v1.2.3');
    expect(severityLabel('info')).toBe('Note');
    expect(findingsSummary([{ id: 'a' }])).toBe('1 problem found');
    expect(findingsSummary([{ id: 'a' }, { id: 'b' }])).toBe('2 problems found');
    expect(findingsSummary([{ id: 'not-recognized' }])).toBe('Not recognized');
    expect(errorSummary({ code: 'Internal' })).toBe('Something went wrong inside the app.');
    expect(errorSummary({ code: 'Unknown' })).toBe('An unexpected error occurred.');

    setLocale('zh-CN');
    expect(findingTitle(f)).toBe('与 go.sum 中的校验和不匹配');
    expect(findingTitle({ id: 'gosumdb-off', variant: null })).toBe('校验和数据库已关闭（GOSUMDB=off）');
    expect(problemTitle('go-env-mismatch', mapped)).toBe('go env 的结果与 Go 自身的规则不一致');
    expect(actionLabel({ type: 'clean-version', module: 'example.com/a', version: 'v1.2.3' })).toBe('清理 example.com/a@v1.2.3');
    expect(actionLabel({ type: 'show-lockers' })).toBe('查看占用文件的进程');
    expect(severityLabel('warning')).toBe('警告');
    expect(findingsSummary([{ id: 'a' }, { id: 'b' }, { id: 'c' }])).toBe('发现 3 个问题');
    expect(findingsSummary([{ id: 'not-recognized' }])).toBe('无法识别');
    expect(errorSummary({ code: 'BadArgument' })).toBe('诊断不支持应用发出的这个请求。');
  });

  test("splits the core's Chinese checklist", () => {
    const zh =
      'Go Cache Doctor 无法识别这段输出。通用排查步骤：1) 先看第一条错误（后面的错误往往由它引起）；2) go env GOPROXY GOPRIVATE GOSUMDB GOFLAGS GOMODCACHE GOCACHE；3) 先 go mod tidy，再 go mod verify；4) 如果模块缓存可能已损坏，先校验它，再清理损坏的版本；5) 不要用 sudo rm 解决缓存权限问题：用 go clean -modcache 清理。';
    expect(checklistOf(zh)).toEqual({
      intro: 'Go Cache Doctor 无法识别这段输出。通用排查步骤：',
      items: [
        '先看第一条错误（后面的错误往往由它引起）',
        'go env GOPROXY GOPRIVATE GOSUMDB GOFLAGS GOMODCACHE GOCACHE',
        '先 go mod tidy，再 go mod verify',
        '如果模块缓存可能已损坏，先校验它，再清理损坏的版本',
        '不要用 sudo rm 解决缓存权限问题：用 go clean -modcache 清理',
      ],
    });
  });
});
