import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // The workspace packages (the SDK) are tested from their TypeScript source, not a stale build.
  ssr: { resolve: { conditions: ["brainstormrouter-source", ...defaultServerConditions] } },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/dashboard/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two cores: more workers only make PGlite start-ups fight for CPU.
    maxWorkers: 2,
    // Type-level tests run with every `vitest run`: tsc over this one file and what it imports.
    // Errors elsewhere in src/ are the typecheck script's to report, not this test's.
    typecheck: {
      enabled: true,
      include: ["test/lockstep/ts-shapes.test.ts"],
      tsconfig: "test/lockstep/tsconfig.shapes.json",
      ignoreSourceErrors: true,
    },
  },
});
