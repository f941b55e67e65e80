import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { CI_WORKFLOWS, GUIDE_OSES, OS_FACTS, PAGE_IDS, pathArg, quote, renderGuide, sourceLabel, yamlBlock, type Block, type GuideContext } from './guides';
import { setLocale } from './i18n';

const ctx: GuideContext = {
  os: 'linux',
  go: { path: '/usr/local/go/bin/go', version: 'go1.23.5', goroot: '/usr/local/go' },
  vars: {
    GOMODCACHE: { value: "/home/o'brien/go/pkg/mod", source: 'env' },
    GOCACHE: { value: '/home/o\'brien/.cache/go-build', source: 'default' },
    GOPROXY: { value: 'https://goproxy.example,direct', source: 'goenv-file' },
    GOSUMDB: { value: 'off', source: 'env' },
  },
  caches: [
    { kind: 'modcache', path: "/home/o'brien/go/pkg/mod", var: 'GOMODCACHE', source: 'env', exists: true, cleanable: true, parent: null },
    { kind: 'build', path: "/home/o'brien/.cache/go-build", var: 'GOCACHE', source: 'default', exists: true, cleanable: true, parent: null },
  ],
  home: "/home/o'brien",
  user: 'obrien',
};

const commands = (blocks: Block[]) =>
  blocks.flatMap((b) => (b.kind === 'commands' ? b.commands : []));
const texts = (blocks: Block[], shell: string) => commands(blocks).filter((c) => c.shell === shell).map((c) => c.text);
const tables = (blocks: Block[]) => blocks.flatMap((b) => (b.kind === 'table' ? [b] : []));

describe('guides', () => {
  afterEach(() => setLocale('en'));

  test('quotes paths per shell', () => {
    expect(quote('bash', "/a/o'b")).toBe(`'/a/o'\\''b'`);
    expect(quote('powershell', "C:\\o'b")).toBe(`'C:\\o''b'`);
    expect(quote('cmd', 'C:\\Users\\u\\go')).toBe('"C:\\Users\\u\\go"');
    // PowerShell also closes a string at a typographic quote; the C runtime reads \" as a quote.
    expect(quote('powershell', 'C:\\\u2018a\u2019 b\u201Bc')).toBe("'C:\\\u2018\u2018a\u2019\u2019 b\u201B\u201Bc'");
    expect(quote('cmd', 'C:\\Go\\')).toBe('"C:\\Go\\\\"');
    expect(pathArg('bash', 'GOMODCACHE', null)).toBe('"$(go env GOMODCACHE)"');
    expect(pathArg('powershell', 'GOCACHE', null)).toBe('(go env GOCACHE)');
    expect(pathArg('cmd', 'GOCACHE', null)).toBe('"%LocalAppData%\\go-build"');
  });

  test('the current OS uses the real values, quoted, with their sources', () => {
    const loc = renderGuide('locations', 'linux', ctx);
    expect(loc.real).toBe(true);
    const [table] = tables(loc.blocks);
    expect(table.head).toContain('Your value');
    const mod = table.rows.find((r) => r.cells[0] === 'GOMODCACHE')!;
    expect(mod.cells).toEqual(['GOMODCACHE', expect.any(String), '$HOME/go/pkg/mod', "/home/o'brien/go/pkg/mod", 'environment variable']);
    const clean = renderGuide('clean', 'linux', ctx);
    expect(texts(clean.blocks, 'bash')).toContain(
      `chmod -R u+w '/home/o'\\''brien/go/pkg/mod' && rm -rf '/home/o'\\''brien/go/pkg/mod'`,
    );
    const own = renderGuide('ownership', 'linux', ctx);
    expect(texts(own.blocks, 'bash')).toContain(`sudo chown -R 'obrien' '/home/o'\\''brien/go/pkg/mod'`);
    const settings = renderGuide('settings', 'linux', ctx);
    const proxy = tables(settings.blocks)[0].rows.find((r) => r.cells[0] === 'GOPROXY')!;
    expect(proxy.cells.slice(2)).toEqual(['https://goproxy.example,direct', 'go env -w (GOENV file)']);
  });

  test('Windows: defaults with backslashes, PowerShell and cmd commands, ; list separator', () => {
    for (const id of PAGE_IDS) {
      const page = renderGuide(id, 'windows', ctx);
      expect(page.real).toBe(false);
      // No bash on Windows, and never this Linux machine's paths.
      expect(texts(page.blocks, 'bash')).toEqual([]);
      expect(JSON.stringify(page.blocks)).not.toContain('/home/o');
    }
    const loc = renderGuide('locations', 'windows', ctx);
    const [table] = tables(loc.blocks);
    expect(table.head).not.toContain('Your value');
    const cells = Object.fromEntries(table.rows.map((r) => [r.cells[0], r.cells[2]]));
    expect(cells.GOCACHE).toBe('%LocalAppData%\\go-build');
    expect(cells.GOMODCACHE).toBe('%USERPROFILE%\\go\\pkg\\mod');
    expect(cells.GOENV).toBe('%AppData%\\go\\env');
    expect(JSON.stringify(loc.blocks)).toContain('separated by `;`');
    const clean = renderGuide('clean', 'windows', ctx);
    expect(texts(clean.blocks, 'powershell')).toContain('Remove-Item -Recurse -Force (go env GOMODCACHE)');
    expect(texts(clean.blocks, 'cmd')).toContain('rmdir /S /Q "%LocalAppData%\\go-build"');
    expect(texts(clean.blocks, 'cmd')).toContain(
      'attrib -R "%USERPROFILE%\\go\\pkg\\mod\\*" /S /D && rmdir /S /Q "%USERPROFILE%\\go\\pkg\\mod"',
    );
    const own = renderGuide('ownership', 'windows', ctx);
    expect(texts(own.blocks, 'cmd').join('\n')).toMatch(/takeown \/F "%USERPROFILE%\\go\\pkg\\mod" \/R \/D Y && icacls .* \/grant "%USERNAME%:F" \/T/);
    expect(texts(own.blocks, 'powershell').join('\n')).toContain('icacls (go env GOMODCACHE) /grant "${env:USERNAME}:F" /T');
    const locks = renderGuide('lockers', 'windows', ctx);
    expect(texts(locks.blocks, 'powershell').join('\n')).toContain('handle.exe');
    expect(texts(locks.blocks, 'powershell')).toContain('Stop-Process -Id <PID>');
    expect(texts(locks.blocks, 'cmd')).toContain('taskkill /PID <PID>');
    expect(JSON.stringify(locks.blocks)).toContain('Resource Monitor');
    expect(texts(renderGuide('settings', 'windows', ctx).blocks, 'powershell')).toContain(
      "$env:GOPRIVATE = 'git.corp.example,github.com/acme/*'",
    );
  });

  test('macOS: its own defaults, bash commands with go env expressions, lsof', () => {
    const loc = renderGuide('locations', 'macos', ctx);
    const cells = Object.fromEntries(tables(loc.blocks)[0].rows.map((r) => [r.cells[0], r.cells[2]]));
    expect(cells.GOCACHE).toBe('$HOME/Library/Caches/go-build');
    expect(cells.GOENV).toBe('$HOME/Library/Application Support/go/env');
    expect(JSON.stringify(loc.blocks)).toContain('separated by `:`');
    const locks = renderGuide('lockers', 'macos', ctx);
    expect(texts(locks.blocks, 'bash')).toContain('lsof +D "$(go env GOMODCACHE)"');
    expect(JSON.stringify(locks.blocks)).toContain('Activity Monitor');
    expect(texts(renderGuide('clean', 'macos', ctx).blocks, 'powershell')).toEqual([]);
  });

  test('Linux without context: defaults, and lsof/fuser for lockers', () => {
    const locks = renderGuide('lockers', 'linux', null);
    expect(locks.real).toBe(false);
    expect(texts(locks.blocks, 'bash')).toEqual(['lsof +D "$(go env GOMODCACHE)"', 'fuser -vm "$(go env GOMODCACHE)"', 'kill <PID>']);
    expect(OS_FACTS.linux.defaults.GOCACHE).toBe('$HOME/.cache/go-build');
  });

  test('Chinese: every page is translated, with the same commands and paths', () => {
    const han = /\p{Script=Han}/u;
    for (const os of GUIDE_OSES) {
      for (const id of PAGE_IDS) {
        const en = renderGuide(id, os, ctx);
        setLocale('zh-CN');
        const zh = renderGuide(id, os, ctx);
        setLocale('en');
        expect(zh.title, `${os}/${id} title`).toMatch(id === 'settings' ? /GOPROXY、GOPRIVATE/ : han);
        expect(zh.blocks.map((b) => b.kind)).toEqual(en.blocks.map((b) => b.kind));
        // Commands are code: identical in both languages.
        expect(commands(zh.blocks)).toEqual(commands(en.blocks));
        for (const b of zh.blocks) {
          if (b.kind === 'p') expect(b.text, `${os}/${id}`).toMatch(han);
          if (b.kind === 'steps') for (const s of b.items) expect(s).toMatch(han);
          if (b.kind === 'commands') expect(b.label).toMatch(han);
          if (b.kind === 'table') {
            for (const h of b.head) expect(h).toMatch(han);
            // Names, defaults and values stay; the descriptions are translated.
            const enTable = tables(en.blocks)[0];
            b.rows.forEach((r, i) => {
              expect(r.cells[0]).toBe(enTable.rows[i].cells[0]);
              expect(r.cells[1]).toMatch(han);
              const enCells = enTable.rows[i].cells;
              r.cells.forEach((c, j) => {
                if (j >= 2 && r.mono[j] && enCells[j] !== '(empty)') expect(c).toBe(enCells[j]);
              });
            });
          }
        }
      }
    }
  });

  test('Chinese: placeholders filled with the OS values', () => {
    setLocale('zh-CN');
    const loc = renderGuide('locations', 'windows', null);
    expect(tables(loc.blocks)[0].head).toEqual(['变量', '存放内容', 'Windows 上的默认值']);
    expect(JSON.stringify(loc.blocks)).toContain('以 `;` 分隔');
    const clean = renderGuide('clean', 'linux', ctx);
    expect(clean.blocks.filter((b) => b.kind === 'commands').map((b) => (b.kind === 'commands' ? b.label : ''))).toContain(
      "手动删除模块缓存（/home/o'brien/go/pkg/mod）：",
    );
    const own = renderGuide('ownership', 'macos', null);
    expect(JSON.stringify(own.blocks)).toContain('把缓存的所有权还给你：');
    const settings = renderGuide('settings', 'linux', ctx);
    const proxy = tables(settings.blocks)[0].rows.find((r) => r.cells[0] === 'GOPROXY')!;
    expect(proxy.cells.slice(2)).toEqual(['https://goproxy.example,direct', 'go env -w（GOENV 文件）']);
    expect(sourceLabel('goroot-go.env')).toBe('GOROOT/go.env');
    expect(JSON.stringify(renderGuide('lockers', 'windows', null).blocks)).toContain('资源监视器（resmon.exe）');
    setLocale('en');
    expect(sourceLabel('default')).toBe('Go’s default');
  });
});

describe('the CI page', () => {
  afterEach(() => setLocale('en'));
  const doc = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../../docs/ci.md'), 'utf8');
  /** docs/ci.md's ```yaml blocks, read independently of `yamlBlock`. */
  const docYaml = [...doc.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1]);

  test('shows docs/ci.md\'s two workflows, word for word, in both languages', () => {
    expect(docYaml).toHaveLength(2);
    expect(CI_WORKFLOWS.github).toBe(docYaml[0]);
    expect(CI_WORKFLOWS.gitlab).toBe(docYaml[1]);
    expect(CI_WORKFLOWS.github).toContain('gocache-doctor ci prepare');
    expect(CI_WORKFLOWS.github).toContain('gocache-doctor ci trim');
    expect(CI_WORKFLOWS.gitlab).toContain('GOFLAGS: -modcacherw');
    for (const lang of ['en', 'zh-CN'] as const) {
      setLocale(lang);
      for (const os of GUIDE_OSES) {
        const code = renderGuide('ci', os, ctx).blocks.flatMap((b) => (b.kind === 'code' ? [b] : []));
        expect(code.map((b) => b.file)).toEqual(['.github/workflows/go.yml', '.gitlab-ci.yml']);
        expect(code.map((b) => b.text)).toEqual(docYaml);
      }
    }
  });

  test('yamlBlock takes the block of its own section only', () => {
    const md = '## A\n\ntext\n\n## B\n\n```yaml\nb: 1\n```\n\n```yaml\nb: 2\n```\n';
    expect(yamlBlock(md, 'A')).toBeNull();
    expect(yamlBlock(md, 'B')).toBe('b: 1\n');
    expect(yamlBlock(md, 'C')).toBeNull();
    expect(yamlBlock(md.replace(/\n/g, '\r\n'), 'B')).toBe('b: 1\n');
  });

  test('the stray command follows the shell', () => {
    expect(texts(renderGuide('ci', 'linux', null).blocks, 'bash')).toEqual(['gocache-doctor ci stray "$CI_PROJECT_DIR"']);
    const win = renderGuide('ci', 'windows', null).blocks;
    expect(texts(win, 'powershell')).toEqual(['gocache-doctor ci stray $env:CI_PROJECT_DIR']);
    expect(texts(win, 'cmd')).toEqual(['gocache-doctor ci stray "%CI_PROJECT_DIR%"']);
  });
});
