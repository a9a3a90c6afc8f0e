import { defineConfig } from "vitest/config";

export default defineConfig({
    test: {
        include: ["tests/**/*.test.ts"],
        // Test files share their worker process, so the Pulumi SDK and the provider modules load
        // once per worker instead of once per file. Every program run installs its own mocks and
        // config (cli/capture.ts); a file that mocks a project module resets the module registry.
        // In CI the results also go to a file, for the one-line count that .ci/run prints.
        reporters: process.env.CI
            ? ["default", ["json", { outputFile: "plan-out/tests.json" }]]
            : ["default"],
        pool: "forks",
        isolate: false,
        testTimeout: 30_000,
        hookTimeout: 60_000,
    },
});
