import { defineConfig } from 'vitest/config';

/** What the rendering projects share: headless Chromium driven from node, with its waits. */
const rendering = { environment: 'node', testTimeout: 30_000, hookTimeout: 60_000 } as const;

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          environment: 'node',
          // Projects with different maxWorkers must run in separate groups: the unit tests
          // first (seconds), then the rendering tests.
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'render',
          include: ['tests/render/**/*.test.ts'],
          exclude: ['tests/render/perf.test.ts'],
          ...rendering,
          // Two files (two Chromiums) at a time: most of a rendering test is waiting for the
          // page, so two use the machine's 2 cores far better than one (BENCHMARKS.md, "The
          // test suite's time").
          fileParallelism: true,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          // The module table's speed: measured alone, after the others.
          name: 'perf',
          include: ['tests/render/perf.test.ts'],
          ...rendering,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
