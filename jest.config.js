/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 60_000,
  reporters: ['default', ['<rootDir>/test/slowest-files-reporter.js', { count: 15 }]],
  // Integration tests share one Temporal and one MongoDB-wire server. Much of a test's time is
  // spent waiting (timers, timeouts, processes starting), so three files at a time keep the
  // 2-core machines this runs on busy.
  maxWorkers: 3,
};
