import { afterEach, describe, expect, test } from 'vitest';
import {
  absoluteTime,
  codeSpans,
  isIdentifier,
  pathPieces,
  cacheTitle,
  emphasis,
  formatBytes,
  formatCount,
  percent,
  plural,
  problemText,
  relativeTime,
  sourceLabel,
  totalBytes,
} from './format';
import { setLocale } from './i18n';

describe('formatBytes', () => {
  test.each([
    [0, '0 B'],
    [1, '1 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [10 * 1024 + 51, '10.0 KiB'],
    [1024 * 1024 - 1, '1.0 MiB'], // would round to "1024.0 KiB"
    [1024 * 1024, '1.0 MiB'],
    [5.25 * 1024 ** 3, '5.3 GiB'],
    [1024 ** 4 * 2, '2.0 TiB'],
    [-2048, '-2.0 KiB'],
  ])('%d bytes is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
  test('non-finite values show a dash', () => {
    expect(formatBytes(Number.NaN)).toBe('—');
  });
});

describe('relativeTime', () => {
  const now = 1_764_460_000;
  test.each([
    [now, 'just now'],
    [now - 59, 'just now'],
    [now - 60, '1 minute ago'],
    [now - 3599, '59 minutes ago'],
    [now - 3600, '1 hour ago'],
    [now - 86399, '23 hours ago'],
    [now - 3 * 86400, '3 days ago'],
    [now - 45 * 86400, '1 month ago'],
    [now - 400 * 86400, '1 year ago'],
    [now - 800 * 86400, '2 years ago'],
    [now + 7200, 'in 2 hours'],
  ])('%d is %s', (t, text) => {
    expect(relativeTime(t, now)).toBe(text);
  });
  test('missing times show a dash', () => {
    expect(relativeTime(null, now)).toBe('—');
    expect(relativeTime(0, now)).toBe('—');
  });
});

describe('labels', () => {
  test('counts and plurals', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(plural(1, 'file')).toBe('1 file');
    expect(plural(2000, 'entry', 'entries')).toBe('2,000 entries');
  });
  test('sources say where the path came from', () => {
    expect(sourceLabel('GOMODCACHE', 'env')).toBe('GOMODCACHE from environment');
    expect(sourceLabel('GOCACHE', 'goenv-file')).toBe('GOCACHE from go env -w file');
    expect(sourceLabel('GOTOOLCHAIN', 'goroot-go.env')).toBe('GOTOOLCHAIN from $GOROOT/go.env');
    expect(sourceLabel('GOMODCACHE', 'default')).toBe('GOMODCACHE default');
    expect(sourceLabel('GOMODCACHE', 'login-shell')).toBe('GOMODCACHE from your login shell');
  });
  test('titles', () => {
    expect(cacheTitle('modcache')).toBe('Module cache');
    expect(cacheTitle('golangci-lint')).toBe('golangci-lint cache');
    expect(cacheTitle('something-new')).toBe('something-new');
  });
});

describe('totals', () => {
  test('nested caches are not counted twice', () => {
    const caches = [
      { kind: 'modcache', parent: null },
      { kind: 'toolchains', parent: 'modcache' },
      { kind: 'build', parent: null },
      { kind: 'gopls', parent: null },
    ] as const;
    const sizes: Record<string, number> = { modcache: 1000, toolchains: 600, build: 50 };
    expect(totalBytes([...caches], (k) => sizes[k])).toBe(1050);
  });
  test('percent is clamped and safe', () => {
    expect(percent(1, 4)).toBe(25);
    expect(percent(5, 4)).toBe(100);
    expect(percent(1, 0)).toBe(0);
    expect(percent(-1, 10)).toBe(0);
  });
});

describe('in Simplified Chinese', () => {
  afterEach(() => setLocale('en'));
  const now = 1_764_460_000;

  test('sizes and counts', () => {
    setLocale('zh-CN');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(1024 * 1024 - 1)).toBe('1.0 MiB');
    expect(formatBytes(-2048)).toBe('-2.0 KiB');
    expect(formatCount(1234567)).toBe('1,234,567');
  });

  test.each([
    [now - 10, '刚刚'],
    [now - 60, '1分钟前'],
    [now - 86399, '23小时前'],
    [now - 3 * 86400, '3天前'],
    [now - 45 * 86400, '1个月前'],
    [now - 800 * 86400, '2年前'],
    [now + 7200, '2小时后'],
  ])('relative time %d is %s', (t, text) => {
    setLocale('zh-CN');
    expect(relativeTime(t, now)).toBe(text);
  });

  test('switching back gives English again', () => {
    setLocale('zh-CN');
    expect(relativeTime(now - 3 * 86400, now)).toBe('3天前');
    setLocale('en');
    expect(relativeTime(now - 3 * 86400, now)).toBe('3 days ago');
    expect(relativeTime(now, now)).toBe('just now');
  });

  test('labels', () => {
    setLocale('zh-CN');
    expect(sourceLabel('GOMODCACHE', 'env')).toBe('GOMODCACHE 来自环境变量');
    expect(sourceLabel('GOCACHE', 'goenv-file')).toBe('GOCACHE 来自 go env -w 配置文件');
    expect(sourceLabel('GOTOOLCHAIN', 'goroot-go.env')).toBe('GOTOOLCHAIN 来自 $GOROOT/go.env');
    expect(sourceLabel('GOMODCACHE', 'default')).toBe('GOMODCACHE 默认位置');
    expect(sourceLabel('GOPATH', 'login-shell')).toBe('GOPATH 来自你的登录 shell');
    expect(cacheTitle('modcache')).toBe('模块缓存');
    expect(cacheTitle('golangci-lint')).toBe('golangci-lint 缓存');
    expect(cacheTitle('something-new')).toBe('something-new');
  });

  test('dates follow the language', () => {
    const when = Date.UTC(2025, 0, 2, 12, 4, 5) / 1000;
    setLocale('zh-CN');
    expect(absoluteTime(when)).toContain('2025');
    expect(absoluteTime(when)).toMatch(/2025\/1\/2|2025年1月2日/);
    expect(absoluteTime(0)).toBe('');
  });
});

describe('emphasis', () => {
  test('splits a catalog text on its <b> marks', () => {
    expect(emphasis('<b>Scan cancelled.</b> The sizes below are partial.')).toEqual([
      { text: 'Scan cancelled.', strong: true },
      { text: ' The sizes below are partial.', strong: false },
    ]);
    expect(emphasis('扫描已取消，<b>不完整</b>。')).toEqual([
      { text: '扫描已取消，', strong: false },
      { text: '不完整', strong: true },
      { text: '。', strong: false },
    ]);
    expect(emphasis('plain')).toEqual([{ text: 'plain', strong: false }]);
  });
});

describe('problemText', () => {
  afterEach(() => setLocale('en'));

  test('known ids get a title and summary with the variable filled in', () => {
    expect(problemText({ id: 'gocache-off', var: 'GOCACHE' })).toEqual({
      title: 'The build cache is turned off',
      summary: 'With GOCACHE=off every build fails (since Go 1.12). Unset GOCACHE.',
    });
    expect(problemText({ id: 'go-env-mismatch', var: 'GOMODCACHE' })?.title).toBe('go env disagrees about GOMODCACHE');
    expect(problemText({ id: 'shell-env-mismatch', var: 'GOFLAGS' })?.title).toBe(
      'Your terminal and the app disagree about GOFLAGS',
    );
    setLocale('zh-CN');
    expect(problemText({ id: 'shell-env-mismatch', var: 'GOFLAGS' })?.title).toBe('终端与本应用的 GOFLAGS 不一致');
    expect(problemText({ id: 'gomodcache-relative', var: 'GOMODCACHE' })).toEqual({
      title: 'GOMODCACHE 是相对路径',
      summary: 'Go 不接受相对路径的 GOMODCACHE。请改为绝对路径。',
    });
  });

  test('a missing variable comes from the id', () => {
    expect(problemText({ id: 'gopath-tilde' })?.title).toBe('GOPATH starts with ~');
    expect(problemText({ id: 'go-not-found' })?.title).toBe('Go not found');
  });

  test('unknown ids have none: the backend message is shown instead', () => {
    expect(problemText({ id: 'gobin-goenv', var: 'GOBIN' })).toBeNull();
  });

  test('every id the core reports (crates/core/src/discover.rs) is known', () => {
    const ids = [
      'go-env-failed', 'go-not-found', 'env-file-line-ignored', 'env-file-unreadable', 'goenv-off',
      'gomodcache-unset', 'gomodcache-relative', 'gocache-off', 'gocache-relative', 'gocache-undefined',
      'gopath-empty', 'gopath-list', 'gopath-first-empty', 'gopath-tilde', 'gopath-relative',
      'gopath-is-goroot', 'go-env-mismatch', 'gomodcache-symlink', 'gomodcache-not-dir',
      'shell-env-mismatch', 'shell-env-failed', 'shell-env-mode-invalid',
    ];
    for (const locale of ['en', 'zh-CN'] as const) {
      setLocale(locale);
      for (const id of ids) {
        const text = problemText({ id });
        expect(text, id).not.toBeNull();
        expect(`${text?.title} ${text?.summary}`, id).not.toMatch(/\{\{|app\.problems/);
      }
    }
  });
});

describe('codeSpans, pathPieces, isIdentifier (Guides rendering, issue #15)', () => {
  test('shows backticked words as code without the backticks', () => {
    expect(codeSpans('the file `go env -w` writes (GOENV)')).toEqual([
      { text: 'the file ', code: false },
      { text: 'go env -w', code: true },
      { text: ' writes (GOENV)', code: false },
    ]);
    expect(codeSpans('separated by `:`; the first')).toEqual([
      { text: 'separated by ', code: false },
      { text: ':', code: true },
      { text: '; the first', code: false },
    ]);
    expect(codeSpans('no code here')).toEqual([{ text: 'no code here', code: false }]);
    // An unpaired backtick is text, not the start of a code span that never ends.
    expect(codeSpans('a ` b')).toEqual([{ text: 'a ` b', code: false }]);
  });

  test('cuts a path after its separators only', () => {
    expect(pathPieces('/tmp/gocache-e2e/fixture/gopath')).toEqual(['/', 'tmp/', 'gocache-e2e/', 'fixture/', 'gopath']);
    expect(pathPieces('C:\\Users\\me\\go')).toEqual(['C:\\', 'Users\\', 'me\\', 'go']);
    expect(pathPieces('$HOME/.cache/go-build').join('')).toBe('$HOME/.cache/go-build');
    expect(pathPieces('')).toEqual(['']);
  });

  test('tells identifiers from paths and values', () => {
    expect(isIdentifier('GOMODCACHE')).toBe(true);
    expect(isIdentifier('GOPRIVATE, GONOSUMDB')).toBe(true);
    expect(isIdentifier('$HOME/go')).toBe(false);
    expect(isIdentifier('(empty)')).toBe(false);
  });
});
