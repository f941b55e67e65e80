// Guidance pages (issue #6 §3): every word of the pages lives here, as templates with
// `{placeholders}`, so that a translation pass replaces the `TEXT` table and nothing else.
// `renderGuide` fills them for one OS: with the user's real values (from `guide_context`) when
// that OS is the one the app runs on, else with that OS's defaults, shells and separators.

import type { Source } from './api';

export type GuideOs = 'linux' | 'macos' | 'windows';
export type GuideShell = 'bash' | 'powershell' | 'cmd';
export const GUIDE_OSES: GuideOs[] = ['linux', 'macos', 'windows'];
export const PAGE_IDS = ['locations', 'clean', 'read-only', 'lockers', 'ownership', 'checksum', 'settings'] as const;
export type PageId = (typeof PAGE_IDS)[number];

/** `guide_context`'s answer (src-tauri `commands/doctor.rs`). */
export interface GuideContext {
  os: GuideOs;
  go: { path: string; version: string | null; goroot: string | null } | null;
  vars: Record<string, { value: string; source: Source }>;
  caches: { kind: string; path: string; var: string; source: Source; exists: boolean }[];
  home: string | null;
  user: string | null;
}

/** A block of a rendered page. */
export type Block =
  | { kind: 'p'; text: string }
  | { kind: 'steps'; items: string[] }
  | { kind: 'commands'; label: string; commands: { shell: GuideShell; text: string }[] }
  | { kind: 'table'; head: string[]; rows: { cells: string[]; mono: boolean[] }[] };

export interface RenderedPage {
  id: PageId;
  title: string;
  os: GuideOs;
  /** Whether the values are this machine's (the selected OS is the current one). */
  real: boolean;
  blocks: Block[];
}

/** Every string of the guidance pages and their chrome. */
export const TEXT = {
  viewTitle: 'Guides',
  viewIntro: 'How Go’s caches work and how to fix them by hand, with commands for your system.',
  back: 'Back',
  osLabel: 'Operating system',
  os: { linux: 'Linux', macos: 'macOS', windows: 'Windows' } as Record<GuideOs, string>,
  shells: { bash: 'bash / zsh', powershell: 'PowerShell', cmd: 'Command Prompt (cmd)' } as Record<GuideShell, string>,
  realValues: 'Showing your values on this machine.',
  otherOs: 'Showing {os}’s defaults: on a {os} machine the paths are that user’s.',
  loading: 'Reading your Go settings…',
  copy: 'Copy',
  copied: 'Copied',
  sources: {
    env: 'environment variable',
    'goenv-file': 'go env -w (GOENV file)',
    'goroot-go.env': 'GOROOT/go.env',
    default: 'Go’s default',
  } as Record<Source, string>,
  pages: {
    locations: 'Where the caches are',
    clean: 'Clean safely by hand',
    'read-only': 'Why the module cache is read-only',
    lockers: 'Find and close lockers',
    ownership: 'Fix ownership',
    checksum: 'Recover from checksum errors',
    settings: 'GOPROXY, GOPRIVATE, GONOSUMDB, GOSUMDB',
  } as Record<PageId, string>,
  locations: {
    intro:
      'Go keeps downloaded modules in the module cache (GOMODCACHE) and compiled packages and test results in the build cache (GOCACHE). Each comes from an environment variable, the file `go env -w` writes (GOENV), GOROOT/go.env, or Go’s default, in that order.',
    head: ['Variable', 'What it holds', 'Default on {os}', 'Your value', 'Set by'],
    headOther: ['Variable', 'What it holds', 'Default on {os}'],
    what: {
      GOMODCACHE: 'Module cache: module sources and downloads',
      GOCACHE: 'Build cache: compiled packages, test results',
      GOPATH: 'Workspace root; the module cache is inside by default',
      GOENV: 'The settings file `go env -w` writes',
      GOPLSCACHE: 'gopls’ index cache',
    } as Record<string, string>,
    ask: 'Ask Go where they are:',
    listSep: 'GOPATH may list several directories separated by `{sep}`; the module cache is in the first one.',
  },
  clean: {
    intro:
      'Prefer Go’s own commands: they take Go’s locks and handle the read-only files. Close editors (gopls) and running builds first.',
    goCommands: 'With Go (any shell):',
    modcache: 'Delete the module cache by hand ({path}):',
    build: 'Delete the build cache by hand ({path}); Go recreates it on the next build:',
    after: 'Downloads come back on the next build or with `go mod download`; nothing in your projects is lost.',
  },
  readOnly: {
    p1: 'Go extracts every module version read-only (files 0444, directories 0555) so that no build, editor or tool changes the code your go.sum vouches for. A changed file would silently break the checksum guarantee.',
    p2: 'That is why `rm -rf` of the module cache fails with “Permission denied” even for your own files, and why deleting it in Explorer asks for permission. `go clean -modcache` makes the files writable before deleting them.',
    p3: 'GOFLAGS=-modcacherw makes new extractions writable; it is a workaround for tools that cannot delete read-only files, not a fix, and it lets edits go unnoticed (`go mod verify` finds them).',
    commands: 'Make the files writable, then delete:',
  },
  lockers: {
    intro: {
      linux:
        'A file can be deleted on Linux while a process has it open, but the space comes back only when it closes; a running go command also holds the module lock files. Look for gopls, go, dlv or your editor.',
      macos:
        'macOS lets you delete open files, but the space comes back only when the process closes them. Look for gopls, go, dlv or your editor.',
      windows:
        'Windows refuses to delete a file another process has open (“being used by another process”, “Access is denied”). Editors with gopls, running go commands, antivirus scanners and indexers are the usual holders.',
    } as Record<GuideOs, string>,
    find: 'Find the processes holding files in the cache:',
    gui: {
      linux: 'In the app: Processes lists them with an End button.',
      macos: 'Activity Monitor: select a process, then Info → Open Files and Ports. In the app: Processes lists them.',
      windows:
        'Resource Monitor (resmon.exe): CPU tab → Associated Handles → search “go-build” or “pkg\\mod”, then right-click → End Process. Sysinternals `handle.exe` does the same from a terminal. In the app: Processes lists them.',
    } as Record<GuideOs, string>,
    end: 'Close the program normally if you can; else end it by its PID:',
    antivirus: {
      linux: '',
      macos: '',
      windows:
        'If Microsoft Defender holds the files, wait for the scan to end or add the cache folders to its exclusions (Windows Security → Virus & threat protection → Exclusions).',
    } as Record<GuideOs, string>,
  },
  ownership: {
    intro:
      'When go ran once with sudo or as administrator, the files it downloaded belong to that account, and your own go commands cannot replace or delete them (“permission denied”).',
    fix: 'Give the cache back to {user}:',
    check: 'Check who owns it:',
    avoid: 'Avoid running go with sudo or as administrator; if a tool must, give it its own GOMODCACHE and GOCACHE.',
  },
  checksum: {
    intro:
      '“checksum mismatch” / “SECURITY ERROR” means the module content Go got does not match the hash recorded in go.sum or the checksum database. Do not delete go.sum lines to make it go away.',
    steps: [
      'Run `go mod verify` in the project: it tells whether your module cache copy was modified (“dir has been modified”).',
      'If the cache copy is corrupted, delete that version (or the whole module cache) and download it again.',
      'If a fresh download still mismatches, the version was re-tagged upstream or a proxy serves different bits: check GOPROXY, GONOSUMDB/GOPRIVATE and GOSUMDB, and ask the module’s owner. Only update go.sum when you trust the new content.',
    ],
    verify: 'Check the cache against go.sum:',
    redownload: 'Download again after cleaning:',
  },
  settings: {
    intro: 'These variables decide where modules come from and who vouches for them.',
    vars: {
      GOPROXY:
        'Comma-separated module proxies tried in order; `direct` fetches from the version control host, `off` forbids downloads. Default https://proxy.golang.org,direct.',
      GOPRIVATE:
        'Glob patterns of private module paths (e.g. git.corp.example,github.com/acme/*): fetched directly and never checked against the public checksum database. Sets the defaults of GONOPROXY and GONOSUMDB.',
      GONOPROXY: 'Patterns fetched directly instead of through GOPROXY (defaults to GOPRIVATE).',
      GONOSUMDB:
        'Patterns not checked against the checksum database (defaults to GOPRIVATE). Too broad a pattern (`*`, `github.com`) turns off the check for public code.',
      GOSUMDB:
        'The checksum database that vouches for public module content (default sum.golang.org). `off` disables the check: a tampered or re-tagged module is then accepted silently.',
      GOINSECURE: 'Patterns allowed over plain HTTP without certificate checks. Keep it empty.',
      GOFLAGS: 'Flags added to every go command; `-modcacherw` leaves the module cache writable.',
    } as Record<string, string>,
    head: ['Variable', 'What it does', 'Your value', 'Set by'],
    headOther: ['Variable', 'What it does'],
    empty: '(empty)',
    persist: 'Set one for all your go commands (stored in GOENV):',
    session: 'Or for this terminal session only:',
  },
};

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

/** Fills `{name}` placeholders. */
export function fill(template: string, vals: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => vals[k] ?? m);
}

/** Quotes a literal path for a shell: `'...'` for bash and PowerShell, `"..."` for cmd. */
export function quote(shell: GuideShell, path: string): string {
  if (shell === 'cmd') return `"${path}"`;
  return `'${path.replace(/'/g, shell === 'bash' ? `'\\''` : `''`)}'`;
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

const PAGES: Record<PageId, (v: Values) => Block[]> = {
  locations(v) {
    const T = TEXT.locations;
    const osName = TEXT.os[v.os];
    const names = ['GOMODCACHE', 'GOCACHE', 'GOPATH', 'GOENV', 'GOPLSCACHE'];
    const rows = names.map((n) => {
      const cur = v.ctx?.vars[n];
      const cells = [n, T.what[n], v.facts.defaults[n]];
      if (v.real) cells.push(cur?.value || TEXT.settings.empty, cur ? TEXT.sources[cur.source] : '');
      return { cells, mono: [true, false, true, true, false] };
    });
    const head = (v.real ? T.head : T.headOther).map((h) => fill(h, { os: osName }));
    return [
      { kind: 'p', text: T.intro },
      { kind: 'table', head, rows },
      cmds(T.ask, v.facts.shells, () => 'go env GOMODCACHE GOCACHE GOPATH GOENV'),
      { kind: 'p', text: fill(T.listSep, { sep: v.facts.listSep }) },
    ];
  },
  clean(v) {
    const T = TEXT.clean;
    const sh = v.facts.shells;
    return [
      { kind: 'p', text: T.intro },
      cmds(T.goCommands, sh, () => 'go clean -modcache'),
      cmds(T.goCommands, sh, () => 'go clean -cache'),
      cmds(fill(T.modcache, { path: displayPath(v, 'GOMODCACHE') }), sh, (s) =>
        removeTree(s, pathArg(s, 'GOMODCACHE', v.modcache), true),
      ),
      cmds(fill(T.build, { path: displayPath(v, 'GOCACHE') }), sh, (s) => removeTree(s, pathArg(s, 'GOCACHE', v.gocache), false)),
      { kind: 'p', text: T.after },
    ];
  },
  'read-only'(v) {
    const T = TEXT.readOnly;
    return [
      { kind: 'p', text: T.p1 },
      { kind: 'p', text: T.p2 },
      cmds(T.commands, v.facts.shells, (s) => removeTree(s, pathArg(s, 'GOMODCACHE', v.modcache), true)),
      { kind: 'p', text: T.p3 },
    ];
  },
  lockers(v) {
    const T = TEXT.lockers;
    const arg = (s: GuideShell) => pathArg(s, 'GOMODCACHE', v.modcache);
    const blocks: Block[] = [{ kind: 'p', text: T.intro[v.os] }];
    if (v.os === 'windows') {
      blocks.push(
        cmds(T.find, v.facts.shells, (s) => `handle.exe -accepteula -nobanner ${arg(s)}`),
      );
    } else {
      blocks.push(cmds(T.find, v.facts.shells, (s) => `lsof +D ${arg(s)}`));
      if (v.os === 'linux') blocks.push(cmds(T.find, v.facts.shells, (s) => `fuser -vm ${arg(s)}`));
    }
    blocks.push({ kind: 'p', text: T.gui[v.os] });
    blocks.push(
      cmds(T.end, v.facts.shells, (s) =>
        s === 'bash' ? 'kill <PID>' : s === 'powershell' ? 'Stop-Process -Id <PID>' : 'taskkill /PID <PID>',
      ),
    );
    if (T.antivirus[v.os]) blocks.push({ kind: 'p', text: T.antivirus[v.os] });
    return blocks;
  },
  ownership(v) {
    const T = TEXT.ownership;
    const arg = (s: GuideShell) => pathArg(s, 'GOMODCACHE', v.modcache);
    const user = v.user;
    const blocks: Block[] = [{ kind: 'p', text: T.intro }];
    blocks.push(
      cmds(T.check, v.facts.shells, (s) =>
        s === 'bash' ? `ls -ld ${arg(s)}` : s === 'powershell' ? `(Get-Acl ${arg(s)}).Owner` : `dir /Q ${arg(s)}`,
      ),
    );
    blocks.push(
      cmds(fill(T.fix, { user: user ?? (v.os === 'windows' ? '%USERNAME%' : 'you') }), v.facts.shells, (s) => {
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
    blocks.push({ kind: 'p', text: T.avoid });
    return blocks;
  },
  checksum(v) {
    const T = TEXT.checksum;
    return [
      { kind: 'p', text: T.intro },
      { kind: 'steps', items: T.steps },
      cmds(T.verify, v.facts.shells, () => 'go mod verify'),
      cmds(T.redownload, v.facts.shells, (s) =>
        s === 'powershell' ? 'go clean -modcache; go mod download' : 'go clean -modcache && go mod download',
      ),
    ];
  },
  settings(v) {
    const T = TEXT.settings;
    const names = ['GOPROXY', 'GOPRIVATE', 'GONOPROXY', 'GONOSUMDB', 'GOSUMDB', 'GOINSECURE', 'GOFLAGS'];
    const rows = names.map((n) => {
      const cur = v.ctx?.vars[n];
      const cells = [n, T.vars[n]];
      if (v.real) cells.push(cur?.value || T.empty, cur ? TEXT.sources[cur.source] : '');
      return { cells, mono: [true, false, true, false] };
    });
    const example = 'git.corp.example,github.com/acme/*';
    return [
      { kind: 'p', text: T.intro },
      { kind: 'table', head: v.real ? T.head : T.headOther, rows },
      cmds(T.persist, v.facts.shells, (s) =>
        s === 'cmd' ? `go env -w "GOPRIVATE=${example}"` : `go env -w 'GOPRIVATE=${example}'`,
      ),
      cmds(T.session, v.facts.shells, (s) =>
        s === 'bash' ? `export GOPRIVATE='${example}'` : s === 'powershell' ? `$env:GOPRIVATE = '${example}'` : `set "GOPRIVATE=${example}"`,
      ),
    ];
  },
};

/** Renders one page for `os`: with `ctx`'s real values when `ctx.os === os`. */
export function renderGuide(id: PageId, os: GuideOs, ctx: GuideContext | null): RenderedPage {
  const v = values(os, ctx);
  return { id, title: TEXT.pages[id], os, real: v.real, blocks: PAGES[id](v) };
}

/** The OS the guides open on: the machine's, else Linux. */
export function defaultOs(ctx: GuideContext | null): GuideOs {
  return ctx?.os ?? 'linux';
}
