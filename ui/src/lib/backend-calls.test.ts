// Every backend call goes through lib/api.ts (issue #14): no other module imports the Tauri
// API, so a command's name and arguments are written in one place.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The UI's source files (tests excluded). */
function sources(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.(ts|svelte)$/.test(e.name) && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

test('only lib/api.ts imports @tauri-apps/api', () => {
  const importers = sources()
    .filter((f) => /from\s+['"]@tauri-apps\/api/.test(readFileSync(f, 'utf8')))
    .map((f) => relative(SRC, f));
  expect(importers).toEqual(['lib/api.ts']);
});
