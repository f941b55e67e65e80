// Go's semantic versions (golang.org/x/mod/semver), as crates/core/src/semver.rs has them:
// `vMAJOR[.MINOR[.PATCH]]` with an optional `-prerelease` and `+build`; `v1` and `v1.2` are
// short for `v1.0.0` and `v1.2.0`; build metadata (`+incompatible`) is ignored when comparing;
// pseudo-versions (`v0.0.0-20191109021931-daa7c04131f5`) are pre-releases. Invalid versions
// are equal to each other and below every valid one.

interface Parsed {
  major: string;
  minor: string;
  patch: string;
  /** With its `-`, or ''. */
  prerelease: string;
  /** With its `+`, or ''. */
  build: string;
}

/** A decimal number without a leading zero at the start of `s`: [number, rest], or null. */
function num(s: string): [string, string] | null {
  const m = /^\d+/.exec(s);
  if (!m) return null;
  const n = m[0];
  if (n.length > 1 && n.startsWith('0')) return null;
  return [n, s.slice(n.length)];
}

/** Dot-separated identifiers of [0-9A-Za-z-]; with `numericRule`, no leading zeros in numbers. */
function identsOk(s: string, numericRule: boolean): boolean {
  return s.split('.').every(
    (id) => id !== '' && /^[0-9A-Za-z-]+$/.test(id) && !(numericRule && id.length > 1 && /^0\d+$/.test(id)),
  );
}

function parse(v: string): Parsed | null {
  if (!v.startsWith('v')) return null;
  const major = num(v.slice(1));
  if (!major) return null;
  let rest = major[1];
  if (rest === '') return { major: major[0], minor: '0', patch: '0', prerelease: '', build: '' };
  if (!rest.startsWith('.')) return null;
  const minor = num(rest.slice(1));
  if (!minor) return null;
  rest = minor[1];
  if (rest === '') return { major: major[0], minor: minor[0], patch: '0', prerelease: '', build: '' };
  if (!rest.startsWith('.')) return null;
  const patch = num(rest.slice(1));
  if (!patch) return null;
  rest = patch[1];
  let prerelease = '';
  if (rest.startsWith('-')) {
    const end = rest.includes('+') ? rest.indexOf('+') : rest.length;
    prerelease = rest.slice(0, end);
    if (!identsOk(prerelease.slice(1), true)) return null;
    rest = rest.slice(end);
  }
  let build = '';
  if (rest.startsWith('+')) {
    build = rest;
    if (!identsOk(build.slice(1), false)) return null;
    rest = '';
  }
  if (rest !== '') return null;
  return { major: major[0], minor: minor[0], patch: patch[0], prerelease, build };
}

/** Parsed versions: a 20,000-version table compares them over and over when it sorts. */
const cache = new Map<string, Parsed | null>();

function parsed(v: string): Parsed | null {
  let p = cache.get(v);
  if (p === undefined) {
    if (cache.size > 100_000) cache.clear();
    p = parse(v);
    cache.set(v, p);
  }
  return p;
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** Decimal strings without leading zeros: the longer is larger, else by characters. */
function cmpNum(a: string, b: string): number {
  if (a.length !== b.length) return sign(a.length - b.length);
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpPrerelease(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  const ia = a.slice(1).split('.');
  const ib = b.slice(1).split('.');
  for (let i = 0; ; i++) {
    if (i >= ia.length && i >= ib.length) return 0;
    if (i >= ia.length) return -1;
    if (i >= ib.length) return 1;
    const x = ia[i];
    const y = ib[i];
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    let o: number;
    if (nx && ny) o = cmpNum(x, y);
    else if (nx) o = -1;
    else if (ny) o = 1;
    else o = x < y ? -1 : x > y ? 1 : 0;
    if (o !== 0) return o;
  }
}

/** Whether `v` is a valid Go semantic version (`semver.IsValid`). */
export function isValid(v: string): boolean {
  return parsed(v) !== null;
}

/** `semver.Compare`: -1, 0 or 1; invalid versions are equal to each other and below valid ones. */
export function compare(a: string, b: string): number {
  const x = parsed(a);
  const y = parsed(b);
  if (!x || !y) return x ? 1 : y ? -1 : 0;
  return (
    cmpNum(x.major, y.major) || cmpNum(x.minor, y.minor) || cmpNum(x.patch, y.patch) || cmpPrerelease(x.prerelease, y.prerelease)
  );
}

/** A total order (`semver.Sort`): `compare`, then the plain strings, so ties are stable. */
export function sortCompare(a: string, b: string): number {
  return compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Whether `v` is a pseudo-version (`v0.0.0-20191109021931-daa7c04131f5` and its other forms). */
export function isPseudo(v: string): boolean {
  const p = parsed(v);
  return !!p && /(^-|\.)(0\.)?\d{14}-[0-9a-f]{12}$/.test(p.prerelease);
}
