import { describe, expect, test } from 'vitest';
import type { ModuleTotal, ModuleVersion } from './api';
import {
  buildGroups,
  compareVersions,
  countFiltered,
  exportRows,
  filterGroups,
  flattenRows,
  nextSort,
  sortFiltered,
  sortGroups,
  type SortSpec,
} from './modules';

function mv(path: string, version: string, bytes: number, mtime: number, toolchain = false): ModuleVersion {
  return {
    path,
    version,
    dir: `/m/${path}@${version}`,
    bytes,
    disk_bytes: bytes + 4096,
    files: 1,
    download_bytes: Math.floor(bytes / 2),
    newest_mtime: mtime,
    toolchain,
  };
}

const versions: ModuleVersion[] = [
  mv('github.com/BurntSushi/toml', 'v1.2.0', 100, 50),
  mv('github.com/BurntSushi/toml', 'v1.10.0', 300, 10),
  mv('github.com/BurntSushi/toml', 'v1.9.0', 200, 20),
  mv('golang.org/x/tools', 'v0.20.0', 5000, 5),
  mv('golang.org/toolchain', 'v0.0.1-go1.22.0.linux-amd64', 9000, 1, true),
  mv('golang.org/toolchain', 'v0.0.1-go1.23.1.linux-amd64', 9100, 2, true),
  mv('example.com/a', 'v2.0.0+incompatible', 10, 99),
];
const totals: ModuleTotal[] = [
  { path: 'golang.org/x/tools', versions: 1, bytes: 5000, disk_bytes: 9096, download_bytes: 2500, files: 1 },
];

describe('compareVersions', () => {
  test('numeric parts compare as numbers, releases after their pre-releases', () => {
    const list = ['v1.9.0', 'v1.10.0', 'v1.2.0', 'v1.10.0-rc.1', 'v0.0.0-20240101000000-abcdef123456', 'v2.0.0+incompatible'];
    expect(list.sort(compareVersions)).toEqual([
      'v0.0.0-20240101000000-abcdef123456',
      'v1.2.0',
      'v1.9.0',
      'v1.10.0-rc.1',
      'v1.10.0',
      'v2.0.0+incompatible',
    ]);
  });
});

describe('buildGroups', () => {
  const groups = buildGroups(versions, totals);
  const by = (p: string) => groups.find((g) => g.path === p)!;
  test('one group per module path, versions newest first', () => {
    expect(groups.map((g) => g.path).sort()).toEqual([
      'example.com/a',
      'github.com/BurntSushi/toml',
      'golang.org/toolchain',
      'golang.org/x/tools',
    ]);
    expect(by('github.com/BurntSushi/toml').versions.map((v) => v.version)).toEqual(['v1.10.0', 'v1.9.0', 'v1.2.0']);
  });
  test('totals from module_totals when given, else summed; newest mtime is the max', () => {
    expect(by('golang.org/x/tools').disk_bytes).toBe(9096);
    const toml = by('github.com/BurntSushi/toml');
    expect(toml.bytes).toBe(600);
    expect(toml.download_bytes).toBe(50 + 150 + 100);
    expect(toml.newest_mtime).toBe(50);
  });
  test('toolchains are marked', () => {
    expect(by('golang.org/toolchain').toolchain).toBe(true);
    expect(by('golang.org/x/tools').toolchain).toBe(false);
  });

  test("the go command's own downloads (not toolchains) are marked from the core's gos_own", () => {
    const own = { ...mv('golang.org/x/telemetry/config', 'v0.40.0', 7, 3), gos_own: true };
    const tc = { ...mv('golang.org/toolchain', 'v0.0.1-go1.23.1.linux-amd64', 9, 2, true), gos_own: true };
    const groups = buildGroups([own, tc, mv('golang.org/x/tools', 'v0.20.0', 5, 5)], []);
    const g = (p: string) => groups.find((x) => x.path === p)!;
    expect(g('golang.org/x/telemetry/config').gosOwn).toBe(true);
    // A toolchain has its own badge.
    expect(g('golang.org/toolchain').gosOwn).toBe(false);
    expect(g('golang.org/x/tools').gosOwn).toBe(false);
  });
});

describe('sortGroups', () => {
  const groups = buildGroups(versions, totals);
  const paths = (spec: SortSpec) => sortGroups(groups, spec).map((g) => g.path);
  test('by size, name, versions and newest, both directions', () => {
    expect(paths({ key: 'size', dir: 'desc' })).toEqual([
      'golang.org/toolchain',
      'golang.org/x/tools',
      'github.com/BurntSushi/toml',
      'example.com/a',
    ]);
    expect(paths({ key: 'size', dir: 'asc' })[0]).toBe('example.com/a');
    expect(paths({ key: 'name', dir: 'asc' })).toEqual([
      'example.com/a',
      'github.com/BurntSushi/toml',
      'golang.org/toolchain',
      'golang.org/x/tools',
    ]);
    expect(paths({ key: 'versions', dir: 'desc' }).slice(0, 2)).toEqual([
      'github.com/BurntSushi/toml',
      'golang.org/toolchain',
    ]);
    expect(paths({ key: 'newest', dir: 'desc' })[0]).toBe('example.com/a');
  });
  test('does not mutate its input', () => {
    const before = groups.map((g) => g.path);
    sortGroups(groups, { key: 'name', dir: 'desc' });
    expect(groups.map((g) => g.path)).toEqual(before);
  });
  test('header clicks flip the same column and reset on another', () => {
    expect(nextSort({ key: 'size', dir: 'desc' }, 'size')).toEqual({ key: 'size', dir: 'asc' });
    expect(nextSort({ key: 'size', dir: 'asc' }, 'name')).toEqual({ key: 'name', dir: 'asc' });
    expect(nextSort({ key: 'name', dir: 'asc' }, 'newest')).toEqual({ key: 'newest', dir: 'desc' });
  });
});

describe('versions and version filters', () => {
  const mine = [
    mv('a.org/big', 'v0.2.0', 900, 1),
    mv('a.org/big', 'v0.3.0', 100, 2),
    mv('a.org/big', 'v0.10.0', 50, 3),
    mv('a.org/big', 'v0.0.0-20240101000000-abcdef123456', 70, 4),
    mv('a.org/big', 'v1.0.0', 10, 5),
    mv('b.org/small', 'v1.0.0', 500, 9),
    mv('b.org/small', 'v1.0.1', 400, 8),
  ];
  const groups = buildGroups(mine, []);
  test('versions inside a module go by semver, newest first, whatever the sort', () => {
    for (const spec of [
      { key: 'size', dir: 'desc' },
      { key: 'size', dir: 'asc' },
      { key: 'newest', dir: 'asc' },
      { key: 'name', dir: 'asc' },
    ] as SortSpec[]) {
      const rows = flattenRows(sortFiltered(filterGroups(groups, 'a.org/big'), spec), new Set(['a.org/big']), false);
      expect(rows.filter((r) => r.type === 'version').map((r) => (r.type === 'version' ? r.version.version : ''))).toEqual([
        'v1.0.0',
        'v0.10.0',
        'v0.3.0',
        'v0.2.0',
        'v0.0.0-20240101000000-abcdef123456',
      ]);
    }
  });
  test('with a version filter, rows show and sort by the matching versions only', () => {
    // Whole modules: a.org/big (1,130 B) is larger than b.org/small (900 B).
    expect(sortFiltered(filterGroups(groups, ''), { key: 'size', dir: 'desc' }).map((f) => f.group.path)).toEqual([
      'a.org/big',
      'b.org/small',
    ]);
    // @v1.0: a.org/big's v1.0.0 (10 B) against b.org/small's v1.0.0 + v1.0.1 (900 B).
    const f = sortFiltered(filterGroups(groups, '@v1.0'), { key: 'size', dir: 'desc' });
    expect(f.map((x) => [x.group.path, x.bytes, x.count])).toEqual([
      ['b.org/small', 900, 2],
      ['a.org/big', 10, 1],
    ]);
    const rows = flattenRows(f, new Set(), false);
    const mod = rows.find((r) => r.type === 'module' && r.group.path === 'a.org/big');
    expect(mod?.type === 'module' && mod.figures.bytes).toBe(10);
    expect(mod?.type === 'module' && mod.figures.download_bytes).toBe(5);
    expect(mod?.type === 'module' && mod.figures.newest_mtime).toBe(5);
    // The whole module's figures stay on the group.
    expect(mod?.group.bytes).toBe(1130);
    // Download and newest sort by the matching versions too.
    expect(sortFiltered(filterGroups(groups, '@v1.0'), { key: 'download', dir: 'asc' }).map((x) => x.group.path)).toEqual([
      'a.org/big',
      'b.org/small',
    ]);
    expect(countFiltered(f)).toEqual({ modules: 2, versions: 3, bytes: 910 });
  });
  test('download sorts modules by their download size', () => {
    const by = (dir: 'asc' | 'desc') => sortGroups(groups, { key: 'download', dir }).map((g) => g.path);
    expect(by('desc')).toEqual(['a.org/big', 'b.org/small']);
    expect(by('asc')).toEqual(['b.org/small', 'a.org/big']);
    expect(nextSort({ key: 'size', dir: 'desc' }, 'download')).toEqual({ key: 'download', dir: 'desc' });
  });
});

describe('filterGroups', () => {
  const groups = buildGroups(versions, totals);
  test('empty query keeps everything', () => {
    expect(filterGroups(groups, '  ')).toHaveLength(4);
  });
  test('matches module paths case-insensitively, every term', () => {
    expect(filterGroups(groups, 'burntsushi').map((f) => f.group.path)).toEqual(['github.com/BurntSushi/toml']);
    expect(filterGroups(groups, 'golang.org').map((f) => f.group.path).sort()).toEqual([
      'golang.org/toolchain',
      'golang.org/x/tools',
    ]);
    expect(filterGroups(groups, 'golang.org tools').map((f) => f.group.path)).toEqual(['golang.org/x/tools']);
    expect(filterGroups(groups, 'nothing-like-this')).toEqual([]);
  });
  test('a version query keeps only matching versions, marked partial', () => {
    const f = filterGroups(groups, 'toml@v1.1');
    expect(f).toHaveLength(1);
    expect(f[0].partial).toBe(true);
    expect(f[0].versions.map((v) => v.version)).toEqual(['v1.10.0']);
    expect(countFiltered(f)).toEqual({ modules: 1, versions: 1, bytes: 300 });
    expect(filterGroups(groups, 'go1.23').map((f) => f.versions.length)).toEqual([1]);
  });
  test('only the given versions (new since the last scan), with or without a query', () => {
    const only = new Set(['github.com/BurntSushi/toml@v1.9.0', 'golang.org/x/tools@v0.20.0']);
    const f = filterGroups(groups, '', only);
    expect(f.map((x) => [x.group.path, x.versions.map((v) => v.version), x.partial])).toEqual([
      ['github.com/BurntSushi/toml', ['v1.9.0'], true],
      ['golang.org/x/tools', ['v0.20.0'], false],
    ]);
    expect(countFiltered(f)).toEqual({ modules: 2, versions: 2, bytes: 5200 });
    expect(filterGroups(groups, 'toml', only).map((x) => x.versions.length)).toEqual([1]);
    expect(filterGroups(groups, 'toml@v1.10', only)).toEqual([]);
    expect(filterGroups(groups, '', new Set())).toEqual([]);
  });
});

describe('flattenRows', () => {
  const groups = sortGroups(buildGroups(versions, totals), { key: 'size', dir: 'desc' });
  const spec: SortSpec = { key: 'size', dir: 'desc' };
  test('collapsed: one row per module', () => {
    const rows = flattenRows(filterGroups(groups, ''), new Set(), false);
    expect(rows.map((r) => r.type)).toEqual(['module', 'module', 'module', 'module']);
  });
  test('expanded modules are followed by their versions, newest version first', () => {
    const rows = flattenRows(filterGroups(groups, ''), new Set(['github.com/BurntSushi/toml']), false);
    expect(rows).toHaveLength(7);
    const toml = rows.filter((r) => r.type === 'version').map((r) => (r.type === 'version' ? r.version.version : ''));
    expect(toml).toEqual(['v1.10.0', 'v1.9.0', 'v1.2.0']);
    const last = rows[5];
    expect(last.type === 'version' && last.last).toBe(true);
  });
  test('expand all gives every version row; partial matches open by themselves', () => {
    expect(flattenRows(filterGroups(groups, ''), new Set(), true)).toHaveLength(4 + versions.length);
    const rows = flattenRows(filterGroups(groups, '@v1.9'), new Set(), false);
    expect(rows.map((r) => r.type)).toEqual(['module', 'version']);
  });
  test('20,000 rows flatten quickly enough for typing', () => {
    const many: ModuleVersion[] = [];
    for (let i = 0; i < 20_000; i++) many.push(mv(`github.com/o${Math.floor(i / 3) % 97}/m${Math.floor(i / 3)}`, `v1.0.${i % 3}`, i, i));
    const g = sortGroups(buildGroups(many, []), spec);
    expect(g).toHaveLength(Math.ceil(20_000 / 3));
    const rows = flattenRows(filterGroups(g, 'o5'), new Set(), true);
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.every((r) => r.group.path.includes('o5'))).toBe(true);
  });
});

describe('exportRows', () => {
  test('the filtered versions in table order, newest first, with the verdicts', () => {
    const groups = buildGroups(versions, totals);
    const sorted = sortFiltered(filterGroups(groups, 'toml'), { key: 'size', dir: 'desc' });
    const statuses = new Map([['github.com/BurntSushi/toml@v1.9.0', 'dir-modified' as const]]);
    const rows = exportRows(sorted, statuses);
    expect(rows.map((r) => r.version)).toEqual(['v1.10.0', 'v1.9.0', 'v1.2.0']);
    expect(rows.map((r) => r.verify)).toEqual([null, 'dir-modified', null]);
    expect(rows[0]).toEqual({
      module: 'github.com/BurntSushi/toml',
      version: 'v1.10.0',
      files: 1,
      bytes: 300,
      disk_bytes: 4396,
      download_bytes: 150,
      newest_mtime: 10,
      toolchain: false,
      verify: null,
    });
    // No filter: every version of the scan.
    expect(exportRows(sortFiltered(filterGroups(groups, ''), { key: 'name', dir: 'asc' }), new Map())).toHaveLength(versions.length);
  });
});
