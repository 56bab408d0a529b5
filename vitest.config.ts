// Two projects: `unit` (beside the code, no servers) and `integration` (test/, real Kafka and S3).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const packages = [
  "core",
  "object-store",
  "schemas",
  "schemas-compiler",
  "protocol",
  "bus",
  "lake",
  "producer-sdk",
  "transforms",
  "ingest",
  "control-plane",
  "maintenance",
  "query",
  "demo",
  "autoscale",
  "cli",
  "test",
  "bench",
];
// Integration tests that SIGKILL worker processes (the `crash` project).
const CRASH_TESTS = ["test/src/ingest/ingest-crash*.test.ts"];
const root = fileURLToPath(new URL(".", import.meta.url));

// Packages with a `/testing` subpath (test and benchmark support, package.json "exports").
const testing = [
  "core",
  "object-store",
  "bus",
  "lake",
  "transforms",
  "ingest",
  "control-plane",
  "maintenance",
  "query",
];
// Other subpaths: package/subpath -> the file under <package>/src.
const subpaths: Record<string, string> = {
  "object-store/s3": "object-store/src/s3/index.ts",
  "object-store/kms": "object-store/src/kms/index.ts",
};

// Tests import sibling packages from source, so a test run never depends on a stale build.
const alias = [
  ...Object.entries(subpaths).map(([path, file]) => ({
    find: new RegExp(`^@facsimile/${path}$`),
    replacement: `${root}${file}`,
  })),
  ...testing.map((p) => ({
    find: new RegExp(`^@facsimile/${p}/testing$`),
    replacement: `${root}${p}/src/testing/index.ts`,
  })),
  ...packages.map((p) => ({
    find: new RegExp(`^@facsimile/${p}$`),
    replacement: `${root}${p}/src/index.ts`,
  })),
];

export default defineConfig({
  resolve: { alias },
  test: {
    // In CI a JSON report lets .ci/run print a plain "N passed, N failed" line.
    reporters: process.env.CI ? ["default", ["json", { outputFile: ".ci/vitest-report.json" }]] : ["default"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          // Projects with different maxWorkers must run as separate groups: unit first, then integration.
          sequence: { groupOrder: 0 },
          include: ["*/src/**/*.test.ts"],
          exclude: ["test/**", "**/node_modules/**", "**/dist/**"],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          sequence: { groupOrder: 1 },
          include: ["test/src/**/*.test.ts"],
          exclude: [...CRASH_TESTS, "**/node_modules/**", "**/dist/**"],
          globalSetup: ["test/src/global-setup.ts"],
          // Tests share one broker and one MinIO: keep the parallelism the 2-core machines can carry.
          maxWorkers: 2,
        },
      },
      {
        extends: true,
        test: {
          name: "crash",
          // The crash tests kill and restart worker processes at random points: run alone, one at a time, so
          // that their workers get the machine (their kill-point checks assume it) and do not slow the others.
          sequence: { groupOrder: 2 },
          include: CRASH_TESTS,
          globalSetup: ["test/src/global-setup.ts"],
          maxWorkers: 1,
        },
      },
    ],
  },
});
