import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    environment: 'node',
    // A keychain service per worker (see the file): parallel test files never share keychain entries.
    setupFiles: ['test/support/keychain-service-setup.ts'],
    // The timeout is there to catch a hang, never to judge speed: tests that start several Node processes take
    // 14-25 s in CI on two cores shared by two test files, and twice that under any other load (30 s failed one).
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll waits for an event that is polled for (a count reached, a status reported): only a hang
    // should fail it, and the test's own timeout is the judge of that, not a 1 s default on a busy machine.
    expect: { poll: { timeout: 25_000 } },
    // Tests bind real ports and fork real processes; two cores do not need more parallel files.
    maxWorkers: 2,
  },
});
