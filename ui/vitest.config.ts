import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'render',
          include: ['tests/render/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Two files (two Chromiums) at a time: most of a rendering test is waiting for the
          // page, so two use the machine's 2 cores far better than one (BENCHMARKS.md, "The
          // test suite's time").
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
    ],
  },
});
