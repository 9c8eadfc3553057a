import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts', 'tests/contract/**/*.test.ts'],
          globalSetup: ['tests/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Integration files share one Redis and spawn daemons; running them one at a time keeps timings sane on 2 cores.
          fileParallelism: false,
          // One module graph for all files: importing src/ afresh for each file cost 70 of the pass's 640 s.
          // Each file makes its own stores, queues, servers and daemons; no file relies on a module being fresh.
          isolate: false,
        },
      },
    ],
  },
});
