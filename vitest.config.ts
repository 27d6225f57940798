// Test runner configuration: unit tests beside their code, e2e tests in web/e2e.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['server/**/*.test.ts', 'scripts/**/*.test.ts', 'evals/**/*.test.ts', 'web/**/*.test.ts', 'web/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
});
