import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    environment: 'node',
    // A keychain service per worker (see the file): parallel test files never share keychain entries.
    setupFiles: ['test/support/keychain-service-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // expect.poll waits for an event that is polled for (a count reached, a status reported): only a hang
    // should fail it, and the test's own timeout is the judge of that, not a 1 s default on a busy machine.
    expect: { poll: { timeout: 25_000 } },
    // Tests bind real ports and fork real processes; two cores do not need more parallel files.
    maxWorkers: 2,
  },
});
