// What the e2e files share besides the WebDriver client: run.sh's environment, the fixture
// (tests/src/fixture: FIXTURE_JSON), Go's escaping of module paths on disk, screenshots, the
// audit log, and a project naming one fixture version (the automatic cleanup's and the tray's
// policy: every other fixture version is unused).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The value of run.sh's variable `name`; throws when the file is run without run.sh. */
export const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run tests/e2e/run.sh`);
  return value;
};

/** The fixture run.sh built (tests/src/fixture's JSON: gomodcache, proxy, project, modules). */
export const fixture = () => JSON.parse(fs.readFileSync(env('FIXTURE_JSON'), 'utf8'));

/** Go's case escaping of module paths and versions on disk (`A` -> `!a`). */
export const escape = (s) => s.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);

/** The extracted directory of module version `m` in `gomodcache`. */
export const versionDir = (gomodcache, m) => path.join(gomodcache, `${escape(m.path)}@${escape(m.version)}`);

/** The app's audit log (XDG_DATA_HOME/gocache-doctor/audit.jsonl). */
export const auditLog = () => path.join(env('XDG_DATA_HOME'), 'gocache-doctor', 'audit.jsonl');

/** The audit log's entries, oldest first ([] before the first clean). */
export const auditLines = () => {
  const log = auditLog();
  return fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
};

/** The settings file the app and the CLI share. */
export const settingsFile = () => path.join(env('GOCACHE_DOCTOR_CONFIG_DIR'), 'settings.json');

/** A screenshot of the page as painted (after two frames), written to `file`. */
export async function screenshotTo(session, file) {
  await session.executeAsync(
    'const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done()));',
  );
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, await session.screenshot());
}

/** A screenshot of the page as painted, as ARTIFACTS_DIR/`name`.png. */
export const screenshot = (session, name) => screenshotTo(session, path.join(env('ARTIFACTS_DIR'), `${name}.png`));

/**
 * A project under HOME/`dirName`/app that requires only fixture version `used` (go.mod, and
 * go.sum's lines for it), with every fixture version put back on disk first from the fixture's
 * proxy as `go mod download` does (a clean test run before may have removed some). Returns the
 * directory holding the project (a project root to scan).
 */
export function projectUsing(fx, dirName, moduleName, used) {
  const projects = path.join(env('HOME'), dirName);
  const project = path.join(projects, 'app');
  fs.mkdirSync(project, { recursive: true });
  fs.writeFileSync(path.join(project, 'go.mod'), `module ${moduleName}\n\ngo 1.21\n\nrequire ${used.path} ${used.version}\n`);
  const sums = fs
    .readFileSync(path.join(fx.project, 'go.sum'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith(`${used.path} ${used.version}`));
  fs.writeFileSync(path.join(project, 'go.sum'), sums.join('\n') + '\n');
  const missing = fx.modules.filter((m) => !fs.existsSync(versionDir(fx.gomodcache, m)));
  if (missing.length > 0) {
    execFileSync('go', ['mod', 'download', ...missing.map((m) => `${m.path}@${m.version}`)], {
      cwd: projects,
      env: { ...process.env, GOPROXY: `file://${fx.proxy}`, GOSUMDB: 'off', GOFLAGS: '-mod=mod' },
      stdio: 'pipe',
    });
  }
  return projects;
}
