import { describe, expect, test } from 'vitest';
import { actionsOf, checklistOf, commandsByShell, dashboardChecks, ownershipCommands, parseAction, type Fix } from './doctor';

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
