import { afterEach, describe, expect, test } from 'vitest';
import type { VerifyModule, VerifyReport, VerifyStatus } from './api';
import {
  applyVerifyEvent,
  brokenVersions,
  emptyVerifyProgress,
  etaSeconds,
  changeLabel,
  formatEta,
  fraction,
  groupBySeverity,
  isBroken,
  problemHint,
  problemLabel,
  severityTitle,
  msgText,
  STATUS_INFO,
  statusInfo,
  statusByVersion,
  summarize,
  worstStatus,
} from './verify';
import { setLocale } from './i18n';

const mod = (path: string, version: string, status: VerifyStatus): VerifyModule => ({
  path,
  version,
  status,
  files: [],
  findings: status === 'ok' ? [] : [{ status, message: `${status} message`, msg: { id: 'finding.error', args: { error: `${status} message` } } }],
  dir: `/m/${path}@${version}`,
  ziphash: 'h1:x',
  bytes_hashed: 10,
});

const report = (modules: VerifyModule[], extra: Partial<VerifyReport> = {}): VerifyReport => ({
  modules,
  problems: [],
  checked: modules.length,
  broken: modules.filter((m) => isBroken(m.status)).length,
  modcache: '/m',
  build: null,
  project: null,
  special_files: 0,
  bytes_hashed: 100,
  elapsed_ms: 1200,
  cancelled: false,
  ...extra,
});

describe('statuses', () => {
  test('the broken set is exactly the core severity "error" (Status::is_broken)', () => {
    const broken = (Object.keys(STATUS_INFO) as VerifyStatus[]).filter(isBroken).sort();
    expect(broken).toEqual(['dir-modified', 'missing-ziphash', 'partial', 'unreadable', 'zip-modified', 'ziphash-invalid']);
    expect(isBroken('writable-files')).toBe(false);
    expect(isBroken('ok')).toBe(false);
  });
  test('every status has words and an explanation (no information by colour alone)', () => {
    for (const [s, info] of Object.entries(STATUS_INFO)) {
      expect(info.label.length, s).toBeGreaterThan(3);
      expect(info.explanation.length, s).toBeGreaterThan(40);
    }
  });
  test('worstStatus picks the most serious', () => {
    expect(worstStatus([undefined, 'ok', 'leftovers', 'ok'])).toBe('leftovers');
    expect(worstStatus(['ok', 'dir-modified', 'leftovers'])).toBe('dir-modified');
    expect(worstStatus([undefined])).toBeNull();
  });
});

describe('grouping', () => {
  test('by severity, most serious first, empty groups left out, problems by their severity', () => {
    const r = report([mod('a', 'v1', 'dir-modified'), mod('b', 'v1', 'leftovers'), mod('c', 'v1', 'ok'), mod('d', 'v1', 'download-only')], {
      problems: [{ id: 'build-output-corrupt', severity: 'error', path: '/c/ab-d', message: 'x', msg: { id: 'problem.output-hash', args: { hash: 'ab' } } }],
    });
    const g = groupBySeverity(r);
    expect(g.map((x) => x.severity)).toEqual(['error', 'warning', 'info']);
    expect(g[0].modules.map((m) => m.path)).toEqual(['a']);
    expect(g[0].problems.map((p) => p.id)).toEqual(['build-output-corrupt']);
    expect(g[0].count).toBe(2);
    expect(g[2].modules.map((m) => m.path)).toEqual(['c', 'd']);
    expect(groupBySeverity(report([mod('c', 'v1', 'ok')])).map((x) => x.severity)).toEqual(['info']);
  });
  test('brokenVersions: broken rows plus project cache-corrupted mismatches, sorted and unique', () => {
    const r = report([mod('z', 'v1', 'partial'), mod('a', 'v2', 'zip-modified'), mod('a', 'v1', 'writable-files')], {
      project: {
        dir: '/p',
        gosum: '/p/go.sum',
        lines: 3,
        matched: 1,
        not_in_cache: [],
        versions_checked: 3,
        version_set: 'the build list (go list -m all), which go mod verify checks',
        version_set_msg: { id: 'set.build-list', args: {} },
        proxy_compared: false,
        settings: [],
        settings_msgs: [],
        mismatches: [
          { path: 'a', version: 'v2', go_mod: false, line: 1, gosum_hash: 'h1:a', cache_hash: 'h1:b', cause: 'cache-corrupted', proxy: null, explanation: '', evidence: [], explanation_msg: { id: 'explain.corrupted', args: {} }, evidence_msgs: [] },
          { path: 'm', version: 'v1', go_mod: true, line: 2, gosum_hash: 'h1:a', cache_hash: 'h1:b', cause: 'cache-corrupted', proxy: null, explanation: '', evidence: [], explanation_msg: { id: 'explain.corrupted', args: {} }, evidence_msgs: [] },
          { path: 'r', version: 'v1', go_mod: false, line: 3, gosum_hash: 'h1:a', cache_hash: 'h1:b', cause: 'retagged', proxy: null, explanation: '', evidence: [], explanation_msg: { id: 'explain.corrupted', args: {} }, evidence_msgs: [] },
        ],
      },
    });
    expect(brokenVersions(r)).toEqual([
      { path: 'a', version: 'v2' },
      { path: 'm', version: 'v1' },
      { path: 'z', version: 'v1' },
    ]);
  });
  test('statusByVersion keys path@version', () => {
    const m = statusByVersion(report([mod('x/y', 'v1.0.0', 'ok'), mod('x/y', 'v1.1.0', 'dir-modified')]));
    expect(m.get('x/y@v1.1.0')).toBe('dir-modified');
    expect(m.size).toBe(2);
  });
  test('summary sentence', () => {
    expect(summarize(report([mod('a', 'v1', 'ok')]))).toBe('Checked 1 module version: nothing is broken.');
    expect(summarize(report([mod('a', 'v1', 'dir-modified'), mod('b', 'v1', 'ok')], { cancelled: true }))).toBe(
      'Cancelled after checking 2 module versions: 1 broken.',
    );
  });
});

describe('progress and ETA', () => {
  test('events fold into bytes of the total', () => {
    let p = emptyVerifyProgress();
    expect(fraction(p)).toBeNull();
    p = applyVerifyEvent(p, { event: 'verifyStarted', data: { versions: 4, build_entries: 0, total_bytes: 1000 } }, 0);
    expect(fraction(p)).toBe(0);
    p = applyVerifyEvent(p, { event: 'verifyProgress', data: { bytes: 250, total_bytes: 1000, versions_done: 1, versions: 4, broken: 1, current: 'a@v1' } }, 100);
    expect(fraction(p)).toBe(0.25);
    expect(p.broken).toBe(1);
    expect(p.current).toBe('a@v1');
    p = applyVerifyEvent(p, { event: 'verifyFinished', data: { bytes: 1000, broken: 1, cancelled: false } }, 200);
    expect(fraction(p)).toBe(1);
    expect(p.versionsDone).toBe(4);
  });
  test('an empty cache is done at once', () => {
    const p = applyVerifyEvent(emptyVerifyProgress(), { event: 'verifyStarted', data: { versions: 0, build_entries: 0, total_bytes: 0 } }, 0);
    expect(fraction(p)).toBe(1);
  });
  test('ETA at the average rate, only after half a second', () => {
    let p = applyVerifyEvent(emptyVerifyProgress(), { event: 'verifyStarted', data: { versions: 4, build_entries: 0, total_bytes: 1000 } }, 1000);
    p = applyVerifyEvent(p, { event: 'verifyProgress', data: { bytes: 250, total_bytes: 1000, versions_done: 1, versions: 4, broken: 0, current: '' } }, 1200);
    expect(etaSeconds(p, 1300)).toBeNull();
    // 250 bytes in 2 s: 750 more take 6 s.
    expect(etaSeconds(p, 3000)).toBeCloseTo(6, 5);
    expect(formatEta(6)).toBe('about 6 s left');
    expect(formatEta(150)).toBe('about 3 min left');
    expect(formatEta(3 * 3600 + 600)).toBe('about 3 h 10 min left');
    expect(formatEta(1)).toBe('almost done');
    expect(formatEta(null)).toBe('estimating time left…');
  });
});

describe('languages', () => {
  afterEach(() => setLocale('en'));

  test('verdicts, groups and changes follow the language', () => {
    expect(statusInfo('dir-modified').label).toBe('Files changed');
    expect(severityTitle('warning').title).toBe('Worth a look');
    expect(changeLabel('removed')).toBe('deleted');
    setLocale('zh-CN');
    expect(statusInfo('dir-modified').label).toBe('文件已改动');
    expect(statusInfo('dir-modified').explanation).toContain('go mod verify');
    expect(STATUS_INFO.ok.label).toBe('校验通过');
    expect(statusInfo('dir-modified').severity).toBe('error');
    expect(severityTitle('warning').title).toBe('值得留意');
    expect(changeLabel('removed')).toBe('已删除');
    expect(problemHint('build-output-corrupt')).toContain('go clean -cache');
    expect(problemHint('special-file')).toContain('命名管道');
    expect(problemHint('unknown-id')).toBe('');
  });

  test('summary and ETA in Chinese', () => {
    setLocale('zh-CN');
    expect(summarize(report([mod('a', 'v1', 'ok')]))).toBe('已校验 1 个模块版本：没有发现损坏。');
    const r = report([mod('a', 'v1', 'dir-modified'), mod('b', 'v1', 'ok')], {
      checked: 12345,
      problems: [{ id: 'build-output-corrupt', severity: 'error', path: '/c/ab-d', message: 'x', msg: { id: 'problem.output-hash', args: { hash: 'ab' } } }],
    });
    expect(summarize(r)).toBe('已校验 12,345 个模块版本：1 个已损坏，1 个构建缓存条目已损坏。');
    expect(summarize({ ...r, cancelled: true })).toBe('已取消，此前校验了 12,345 个模块版本：1 个已损坏，1 个构建缓存条目已损坏。');
    expect(formatEta(6)).toBe('约剩 6 秒');
    expect(formatEta(3 * 3600 + 600)).toBe('约剩 3 小时 10 分钟');
    expect(formatEta(null)).toBe('正在估算剩余时间…');
  });

  test('English plurals of the summary', () => {
    const r = report([mod('a', 'v1', 'dir-modified'), mod('b', 'v1', 'zip-modified')], {
      problems: [
        { id: 'build-output-corrupt', severity: 'error', path: '/c/1', message: 'x', msg: { id: 'problem.output-hash', args: { hash: 'ab' } } },
        { id: 'build-output-corrupt', severity: 'error', path: '/c/2', message: 'x', msg: { id: 'problem.output-hash', args: { hash: 'cd' } } },
      ],
    });
    expect(summarize(r)).toBe('Checked 2 module versions: 2 broken, 2 corrupt build cache entries.');
  });
});

describe('project-mode messages (the core\'s VerifyMsg) in the UI\'s language', () => {
  afterEach(() => setLocale('en'));
  const retagged = { id: 'explain.retagged', args: { label: 'example.com/m@v1.0.0', module: 'example.com/m' } };
  const gosumdbOff = { id: 'evidence.gosumdb-off', args: { source: 'go-env-file' } };
  const finding = { id: 'evidence.finding', args: { status: 'dir-modified', message: 'dir has been modified: /c/m@v1 hashes to h1:A, not h1:B' } };
  const incomplete = { id: 'explain.incomplete', args: { label: 'example.com/m@v1.0.0', status: 'partial' } };

  test('English: the catalog text with the values filled in', () => {
    expect(msgText(retagged)).toBe(
      "example.com/m@v1.0.0 in the cache is intact but is not the content go.sum was written for: the version was most likely retagged upstream (its tag moved to another commit), or go.sum was edited. Check go.sum's history; if the new content is trusted, remove the go.sum lines of example.com/m and run go mod tidy, otherwise pin another version.",
    );
    expect(msgText(gosumdbOff)).toMatch(/^GOSUMDB=off \(the go env -w file\): downloads are not checked/);
    // A module finding keeps the core's sentence (it has the paths and hashes).
    expect(msgText(finding)).toBe(finding.args.message);
    expect(msgText(incomplete)).toContain(`(${statusInfo('partial').label})`);
  });

  test('zh-CN: Chinese, with the values and the setting\'s source translated', () => {
    setLocale('zh-CN');
    const r = msgText(retagged);
    expect(r).toMatch(/\p{Script=Han}/u);
    expect(r).toContain('example.com/m@v1.0.0');
    expect(r).not.toMatch(/retagged|intact|upstream/);
    expect(msgText(gosumdbOff)).toBe('GOSUMDB=off（go env -w 写入的文件）：下载不经过校验和数据库校验，被改动或篡改的版本也会进入缓存');
    // A module finding is named by its verdict and meaning, not the core's English sentence.
    const f = msgText(finding);
    expect(f).toContain(statusInfo('dir-modified').label);
    expect(f).not.toContain('hashes to');
    expect(msgText(incomplete)).toContain(`（${statusInfo('partial').label}）`);
  });

  test('an id the UI does not know (a newer core) shows the core\'s English', () => {
    setLocale('zh-CN');
    expect(msgText({ id: 'explain.from-the-future', args: {} }, 'the English')).toBe('the English');
    expect(msgText(null, 'fallback')).toBe('fallback');
  });
});

describe('module-cache findings, build-cache problems and repair notes in the UI\'s language', () => {
  afterEach(() => setLocale('en'));
  const dirModified = {
    id: 'finding.dir-modified',
    args: {
      dir: '/m/x@v1',
      hash: 'h1:A',
      ziphash: 'h1:B',
      modified: '1',
      added: '1',
      removed: '0',
      files: 'a.go (modified), b.go (added)',
      names: 'a.go, b.go',
      more: '',
    },
  };
  const writable = { id: 'finding.writable', args: { count: '6', files: 'a, b, c, d, e', more: ', ...' } };
  const corrupt = { id: 'problem.output-hash', args: { hash: '77e0' } };
  const dangling = { id: 'problem.dangling', args: { count: '3' } };
  const noGo = { id: 'repair.no-go', args: {} };

  test('English: what the core and the CLI say', () => {
    expect(msgText(dirModified)).toBe(
      'dir has been modified: /m/x@v1 hashes to h1:A, not h1:B; compared with the zip: 1 modified, 1 added, 0 removed: a.go (modified), b.go (added)',
    );
    expect(msgText(writable)).toBe('6 file(s) are writable, but Go extracts module files read-only: a, b, c, d, e, ...');
    expect(msgText(corrupt)).toBe(
      'content hashes to 77e0, not to its name: a build may use this damaged output (Go only checks the size); removing it is safe',
    );
    expect(msgText(dangling)).toMatch(/^3 action entries point at an output that is missing/);
    expect(msgText(noGo)).toBe(
      'Go is not installed here: the versions were removed; the next go build or go mod download fetches them again',
    );
    expect(problemLabel('build-output-corrupt')).toBe('Damaged build output');
  });

  test('zh-CN: Chinese, Go\'s own words quoted, the files without English change words', () => {
    setLocale('zh-CN');
    expect(msgText(dirModified)).toBe(
      '目录已被修改（"dir has been modified"）：/m/x@v1 的哈希是 h1:A，而不是 h1:B；与 zip 相比：1 个修改、1 个新增、0 个删除：a.go, b.go',
    );
    expect(msgText(writable)).toBe('6 个文件可写，而 Go 解压模块文件时会设为只读：a, b, c, d, e, ...');
    expect(msgText(corrupt)).toBe('内容的哈希是 77e0，与文件名不符：构建可能会用到这个损坏的输出（Go 只检查大小）；删除它是安全的');
    expect(msgText(dangling)).toMatch(/^3 个索引条目/);
    expect(msgText(noGo)).toMatch(/^这台机器上没有安装 Go/);
    expect(msgText({ id: 'finding.missing-ziphash', args: {} })).toContain('"missing ziphash"');
    expect(problemLabel('build-output-corrupt')).toBe('构建输出已损坏');
    expect(problemLabel('build-action-dangling')).toMatch(/\p{Script=Han}/u);
  });

  test('a problem id the UI does not know shows the id', () => {
    setLocale('zh-CN');
    expect(problemLabel('from-the-future')).toBe('from-the-future');
  });
});
