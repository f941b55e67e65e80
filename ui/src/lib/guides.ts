// Guidance pages (issue #6 §3): the words come from the `guides` catalog (locales/<lang>/
// guides.json), the commands and paths from here. `renderGuide` fills a page for one OS, in the
// current language: with the user's real values (from `guide_context`) when that OS is the one
// the app runs on, else with that OS's defaults, shells and separators. Call it at render time
// (a `$derived`) so a language switch re-renders the page.

import type { GuideContext, OsKind, Shell, Source } from './api';
import { t } from './i18n';
// The CI page's workflows are docs/ci.md's own (one source: the page cannot drift from it).
import CI_DOC from '../../../docs/ci.md?raw';

export type GuideOs = OsKind;
export type GuideShell = Shell;
export const GUIDE_OSES: GuideOs[] = ['linux', 'macos', 'windows'];
export const PAGE_IDS = ['locations', 'clean', 'read-only', 'lockers', 'ownership', 'checksum', 'settings', 'ci'] as const;
export type PageId = (typeof PAGE_IDS)[number];

export type { GuideContext };

/** A block of a rendered page. */
export type Block =
  | { kind: 'p'; text: string }
  | { kind: 'steps'; items: string[] }
  | { kind: 'commands'; label: string; commands: { shell: GuideShell; text: string }[] }
  | { kind: 'table'; head: string[]; rows: { cells: string[]; mono: boolean[] }[] }
  /** A file to copy whole (a CI workflow): its name and its text. */
  | { kind: 'code'; label: string; file: string; text: string };

export interface RenderedPage {
  id: PageId;
  title: string;
  os: GuideOs;
  /** Whether the values are this machine's (the selected OS is the current one). */
  real: boolean;
  blocks: Block[];
}

/** The catalog key (`guides.sources.*`) of each variable source (i18next keys cannot hold dots). */
const SOURCE_KEYS: Record<Source, string> = {
  env: 'env',
  'goenv-file': 'goenvFile',
  'goroot-go.env': 'gorootGoEnv',
  default: 'default',
  'login-shell': 'loginShell',
};

/** Where a variable's value comes from, in words. */
export function sourceLabel(source: Source): string {
  return t(`guides.sources.${SOURCE_KEYS[source]}`);
}

/** The name of an OS. */
export function osName(os: GuideOs): string {
  return t(`guides.os.${os}`);
}

/** The name of a shell, as the guides show it. */
export function shellName(shell: GuideShell): string {
  return t(`guides.shells.${shell}`);
}

/** The title of a page. */
export function pageTitle(id: PageId): string {
  return t(`guides.pages.${id}`);
}

/** Per-OS facts: defaults, separators, shells, commands. */
interface OsFacts {
  sep: '/' | '\\';
  listSep: ':' | ';';
  shells: GuideShell[];
  home: string;
  defaults: Record<string, string>;
}

export const OS_FACTS: Record<GuideOs, OsFacts> = {
  linux: {
    sep: '/',
    listSep: ':',
    shells: ['bash'],
    home: '$HOME',
    defaults: {
      GOPATH: '$HOME/go',
      GOMODCACHE: '$HOME/go/pkg/mod',
      GOCACHE: '$HOME/.cache/go-build',
      GOENV: '$HOME/.config/go/env',
      GOPLSCACHE: '$HOME/.cache/gopls',
    },
  },
  macos: {
    sep: '/',
    listSep: ':',
    shells: ['bash'],
    home: '$HOME',
    defaults: {
      GOPATH: '$HOME/go',
      GOMODCACHE: '$HOME/go/pkg/mod',
      GOCACHE: '$HOME/Library/Caches/go-build',
      GOENV: '$HOME/Library/Application Support/go/env',
      GOPLSCACHE: '$HOME/Library/Caches/gopls',
    },
  },
  windows: {
    sep: '\\',
    listSep: ';',
    shells: ['powershell', 'cmd'],
    home: '%USERPROFILE%',
    defaults: {
      GOPATH: '%USERPROFILE%\\go',
      GOMODCACHE: '%USERPROFILE%\\go\\pkg\\mod',
      GOCACHE: '%LocalAppData%\\go-build',
      GOENV: '%AppData%\\go\\env',
      GOPLSCACHE: '%LocalAppData%\\gopls',
    },
  },
};

/**
 * Quotes a literal path for a shell, as the core's `quote` module does: `'...'` for bash (a
 * quote written as quote, backslash, quote, quote), `'...'` for PowerShell with `'` and the
 * typographic quotes U+2018..U+201B (which PowerShell also takes as quotes) doubled, `"..."`
 * for cmd with the backslashes that end the path doubled (the C runtime reads a backslash
 * before a quote as a literal quote).
 */
export function quote(shell: GuideShell, path: string): string {
  if (shell === 'cmd') {
    const trailing = path.length - path.replace(/\\+$/, '').length;
    return `"${path}${'\\'.repeat(trailing)}"`;
  }
  if (shell === 'powershell') return `'${path.replace(/['\u2018\u2019\u201A\u201B]/g, (c) => c + c)}'`;
  return `'${path.replace(/'/g, `'\\''`)}'`;
}

type CacheVar = 'GOMODCACHE' | 'GOCACHE';

/**
 * A cache's path as a shell argument: the user's real path when known, else an expression the
 * shell expands (`"$(go env GOMODCACHE)"`, `(go env GOMODCACHE)`, `"%LocalAppData%\go-build"`).
 */
export function pathArg(shell: GuideShell, v: CacheVar, real: string | null): string {
  if (real) return quote(shell, real);
  if (shell === 'bash') return `"$(go env ${v})"`;
  if (shell === 'powershell') return `(go env ${v})`;
  return `"${OS_FACTS.windows.defaults[v]}"`;
}

/** The commands to remove a directory tree, read-only files included, per shell. */
function removeTree(shell: GuideShell, arg: string, readOnly: boolean): string {
  switch (shell) {
    case 'bash':
      return readOnly ? `chmod -R u+w ${arg} && rm -rf ${arg}` : `rm -rf ${arg}`;
    case 'powershell':
      return `Remove-Item -Recurse -Force ${arg}`;
    case 'cmd':
      return readOnly ? `attrib -R ${withStar(arg)} /S /D && rmdir /S /Q ${arg}` : `rmdir /S /Q ${arg}`;
  }
}

function withStar(cmdArg: string): string {
  return cmdArg.endsWith('"') ? `${cmdArg.slice(0, -1)}\\*"` : `${cmdArg}\\*`;
}

function cmds(label: string, shells: GuideShell[], make: (s: GuideShell) => string): Block {
  return { kind: 'commands', label, commands: shells.map((shell) => ({ shell, text: make(shell) })) };
}

/** The values one page is rendered with. */
interface Values {
  os: GuideOs;
  real: boolean;
  facts: OsFacts;
  modcache: string | null;
  gocache: string | null;
  user: string | null;
  ctx: GuideContext | null;
}

function values(os: GuideOs, ctx: GuideContext | null): Values {
  const real = !!ctx && ctx.os === os;
  const cache = (kind: string): string | null => (real ? ctx?.caches.find((c) => c.kind === kind)?.path ?? null : null);
  return {
    os,
    real,
    facts: OS_FACTS[os],
    modcache: cache('modcache'),
    gocache: cache('build'),
    user: real ? ctx?.user ?? null : null,
    ctx: real ? ctx : null,
  };
}

function displayPath(v: Values, name: CacheVar): string {
  return (name === 'GOMODCACHE' ? v.modcache : v.gocache) ?? v.facts.defaults[name];
}

/** The text of `guides.<key>` (values filled in). */
const g = (key: string, values?: Record<string, string>): string => t(`guides.${key}`, values);

const PAGES: Record<PageId, (v: Values) => Block[]> = {
  locations(v) {
    const names = ['GOMODCACHE', 'GOCACHE', 'GOPATH', 'GOENV', 'GOPLSCACHE'];
    const rows = names.map((n) => {
      const cur = v.ctx?.vars[n];
      const cells = [n, g(`locations.what.${n}`), v.facts.defaults[n]];
      if (v.real) cells.push(cur?.value || g('table.empty'), cur ? sourceLabel(cur.source) : '');
      return { cells, mono: [true, false, true, true, false] };
    });
    const head = [g('table.variable'), g('table.holds'), g('table.default', { os: osName(v.os) })];
    if (v.real) head.push(g('table.value'), g('table.source'));
    return [
      { kind: 'p', text: g('locations.intro') },
      { kind: 'table', head, rows },
      cmds(g('locations.ask'), v.facts.shells, () => 'go env GOMODCACHE GOCACHE GOPATH GOENV'),
      { kind: 'p', text: g('locations.listSep', { sep: v.facts.listSep }) },
    ];
  },
  clean(v) {
    const sh = v.facts.shells;
    return [
      { kind: 'p', text: g('clean.intro') },
      cmds(g('clean.goCommands'), sh, () => 'go clean -modcache'),
      cmds(g('clean.goCommands'), sh, () => 'go clean -cache'),
      cmds(g('clean.modcache', { path: displayPath(v, 'GOMODCACHE') }), sh, (s) =>
        removeTree(s, pathArg(s, 'GOMODCACHE', v.modcache), true),
      ),
      cmds(g('clean.build', { path: displayPath(v, 'GOCACHE') }), sh, (s) => removeTree(s, pathArg(s, 'GOCACHE', v.gocache), false)),
      { kind: 'p', text: g('clean.after') },
    ];
  },
  'read-only'(v) {
    return [
      { kind: 'p', text: g('readOnly.p1') },
      { kind: 'p', text: g('readOnly.p2') },
      cmds(g('readOnly.commands'), v.facts.shells, (s) => removeTree(s, pathArg(s, 'GOMODCACHE', v.modcache), true)),
      { kind: 'p', text: g('readOnly.p3') },
    ];
  },
  lockers(v) {
    const arg = (s: GuideShell) => pathArg(s, 'GOMODCACHE', v.modcache);
    const find = g('lockers.find');
    const blocks: Block[] = [{ kind: 'p', text: g(`lockers.intro.${v.os}`) }];
    if (v.os === 'windows') {
      blocks.push(cmds(find, v.facts.shells, (s) => `handle.exe -accepteula -nobanner ${arg(s)}`));
    } else {
      blocks.push(cmds(find, v.facts.shells, (s) => `lsof +D ${arg(s)}`));
      if (v.os === 'linux') blocks.push(cmds(find, v.facts.shells, (s) => `fuser -vm ${arg(s)}`));
    }
    blocks.push({ kind: 'p', text: g(`lockers.gui.${v.os}`) });
    blocks.push(
      cmds(g('lockers.end'), v.facts.shells, (s) =>
        s === 'bash' ? 'kill <PID>' : s === 'powershell' ? 'Stop-Process -Id <PID>' : 'taskkill /PID <PID>',
      ),
    );
    if (v.os === 'windows') blocks.push({ kind: 'p', text: g('lockers.antivirusWindows') });
    return blocks;
  },
  ownership(v) {
    const arg = (s: GuideShell) => pathArg(s, 'GOMODCACHE', v.modcache);
    const user = v.user;
    const blocks: Block[] = [{ kind: 'p', text: g('ownership.intro') }];
    blocks.push(
      cmds(g('ownership.check'), v.facts.shells, (s) =>
        s === 'bash' ? `ls -ld ${arg(s)}` : s === 'powershell' ? `(Get-Acl ${arg(s)}).Owner` : `dir /Q ${arg(s)}`,
      ),
    );
    const who = user ?? (v.os === 'windows' ? '%USERNAME%' : null);
    blocks.push(
      cmds(who ? g('ownership.fix', { user: who }) : g('ownership.fixYou'), v.facts.shells, (s) => {
        if (s === 'bash') {
          const owner = user ? quote('bash', user) : '"$(id -un)"';
          return `sudo chown -R ${owner} ${arg(s)}`;
        }
        if (s === 'powershell') {
          const u = user ? `'${user}:F'` : '"${env:USERNAME}:F"';
          return `takeown /F ${arg(s)} /R /D Y; icacls ${arg(s)} /grant ${u} /T`;
        }
        return `takeown /F ${arg(s)} /R /D Y && icacls ${arg(s)} /grant "${user ?? '%USERNAME%'}:F" /T`;
      }),
    );
    blocks.push({ kind: 'p', text: g('ownership.avoid') });
    return blocks;
  },
  checksum(v) {
    return [
      { kind: 'p', text: g('checksum.intro') },
      { kind: 'steps', items: [g('checksum.steps.verify'), g('checksum.steps.corrupted'), g('checksum.steps.fresh')] },
      cmds(g('checksum.verify'), v.facts.shells, () => 'go mod verify'),
      cmds(g('checksum.redownload'), v.facts.shells, (s) =>
        s === 'powershell' ? 'go clean -modcache; go mod download' : 'go clean -modcache && go mod download',
      ),
    ];
  },
  settings(v) {
    const names = ['GOPROXY', 'GOPRIVATE', 'GONOPROXY', 'GONOSUMDB', 'GOSUMDB', 'GOINSECURE', 'GOFLAGS'];
    const rows = names.map((n) => {
      const cur = v.ctx?.vars[n];
      const cells = [n, g(`settings.vars.${n}`)];
      if (v.real) cells.push(cur?.value || g('table.empty'), cur ? sourceLabel(cur.source) : '');
      return { cells, mono: [true, false, true, false] };
    });
    const head = [g('table.variable'), g('table.does')];
    if (v.real) head.push(g('table.value'), g('table.source'));
    const example = 'git.corp.example,github.com/acme/*';
    return [
      { kind: 'p', text: g('settings.intro') },
      { kind: 'table', head, rows },
      cmds(g('settings.persist'), v.facts.shells, (s) =>
        s === 'cmd' ? `go env -w "GOPRIVATE=${example}"` : `go env -w 'GOPRIVATE=${example}'`,
      ),
      cmds(g('settings.session'), v.facts.shells, (s) =>
        s === 'bash' ? `export GOPRIVATE='${example}'` : s === 'powershell' ? `$env:GOPRIVATE = '${example}'` : `set "GOPRIVATE=${example}"`,
      ),
    ];
  },
  // The workflows are the same on every OS (the runner's); the one command follows the shell.
  ci(v) {
    const row = (cmd: string, key: string) => ({ cells: [cmd, g(`ci.when.${key}`), g(`ci.what.${key}`)], mono: [true, false, false] });
    return [
      { kind: 'p', text: g('ci.intro') },
      {
        kind: 'table',
        head: [g('table.command'), g('table.when'), g('table.does')],
        rows: [
          row('gocache-doctor ci prepare', 'prepare'),
          row('gocache-doctor ci trim', 'trim'),
          row('gocache-doctor ci stray DIR', 'stray'),
        ],
      },
      { kind: 'p', text: g('ci.github') },
      { kind: 'code', label: g('ci.githubFile'), file: '.github/workflows/go.yml', text: CI_WORKFLOWS.github },
      { kind: 'p', text: g('ci.githubAfter') },
      { kind: 'p', text: g('ci.gitlab') },
      { kind: 'code', label: g('ci.gitlabFile'), file: '.gitlab-ci.yml', text: CI_WORKFLOWS.gitlab },
      cmds(g('ci.stray'), v.facts.shells, (s) =>
        s === 'bash'
          ? 'gocache-doctor ci stray "$CI_PROJECT_DIR"'
          : s === 'powershell'
            ? 'gocache-doctor ci stray $env:CI_PROJECT_DIR'
            : 'gocache-doctor ci stray "%CI_PROJECT_DIR%"',
      ),
      { kind: 'p', text: g('ci.more') },
    ];
  },
};

/**
 * The text of the first fenced ```yaml block under the `## <heading>` section of a Markdown
 * document (docs/ci.md's example workflows), without the fences; null when there is none.
 */
export function yamlBlock(markdown: string, heading: string): string | null {
  const lines = markdown.replace(/\r\n/g, '\n').split('\n');
  const start = lines.findIndex((l) => l.trim() === `## ${heading}`);
  if (start < 0) return null;
  let open = -1;
  for (let i = start + 1; i < lines.length; i++) {
    if (open < 0 && /^## /.test(lines[i])) return null;
    if (open < 0 && lines[i].trim() === '```yaml') open = i + 1;
    else if (open >= 0 && lines[i].trim() === '```') return lines.slice(open, i).join('\n') + '\n';
  }
  return null;
}

/** docs/ci.md's GitHub Actions and GitLab CI workflows. */
export const CI_WORKFLOWS = {
  github: yamlBlock(CI_DOC, 'GitHub Actions') ?? '',
  gitlab: yamlBlock(CI_DOC, 'GitLab CI') ?? '',
};

/** Renders one page for `os` in the current language: with `ctx`'s real values when `ctx.os === os`. */
export function renderGuide(id: PageId, os: GuideOs, ctx: GuideContext | null): RenderedPage {
  const v = values(os, ctx);
  return { id, title: pageTitle(id), os, real: v.real, blocks: PAGES[id](v) };
}

/** The OS the guides open on: the machine's, else Linux. */
export function defaultOs(ctx: GuideContext | null): GuideOs {
  return ctx?.os ?? 'linux';
}
