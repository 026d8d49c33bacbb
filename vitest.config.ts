import { defineConfig } from 'vitest/config';

/**
 * Three projects, run by `npm test` in one go: unit (pure functions), integration
 * (SQLite, the CLI as a process, SoftHSM, PTYs, openssl) and e2e (the built renderer
 * in Debian's Chromium through the test host).
 */
export default defineConfig({
  test: {
    // Two files at a time: most integration files wait on child processes (the CLI, openssl,
    // socat, agents, PostgreSQL), so two workers on 2 cores keep both busy; one left the
    // suite at 500+ s. e2e files still run one at a time (below).
    maxWorkers: 2,
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000 } },
      { test: { name: 'integration', include: ['test/integration/**/*.test.ts'], testTimeout: 60_000 } },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 90_000,
          hookTimeout: 90_000,
          // One Chromium at a time on a 2-core machine.
          fileParallelism: false,
          // Verification runs on a worker; from TypeScript sources (the test host) that worker
          // loads through tsx, which takes 1-3 s on a loaded 2-core machine before the first
          // verdict. The packaged app's worker is bundled JS (main/workers/worker-script.ts).
          expect: { poll: { timeout: 15_000 } },
        },
      },
    ],
  },
});
