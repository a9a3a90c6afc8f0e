import { defineConfig } from "vitest/config";

export default defineConfig({
    test: {
        include: ["tests/**/*.test.ts"],
        // With TEST_REPORT_JSON set (.ci/run sets it), the results also go to that file.
        reporters: process.env.TEST_REPORT_JSON
            ? ["default", ["json", { outputFile: process.env.TEST_REPORT_JSON }]]
            : ["default"],
        // Test files share their worker process, so the Pulumi SDK and the provider modules load
        // once per worker instead of once per file. Every program run installs its own mocks and
        // config (cli/capture.ts); a file that mocks a project module resets the module registry.
        pool: "forks",
        isolate: false,
        testTimeout: 30_000,
        hookTimeout: 60_000,
    },
});
