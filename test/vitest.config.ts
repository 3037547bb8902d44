import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/proof/**', 'node_modules/**', 'dist/**'],
          // A hang guard, not a speed test: the machines that run this are shared, and a loaded one
          // takes many times the 5 s default on the megabyte inputs without anything being wrong.
          testTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'proof',
          include: ['test/proof/**/*.test.ts'],
          // Starts PostgreSQL (or checks DATABASE_URL) once; fails the project, never skips, if it cannot.
          globalSetup: ['./test/proof/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
