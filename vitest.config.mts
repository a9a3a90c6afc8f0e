import { defineConfig } from "vitest/config";

export default defineConfig({
    test: {
        include: ["tests/**/*.test.ts"],
        // Pulumi's runtime keeps its settings and mocks in module state: one process per file.
        pool: "forks",
        isolate: true,
        testTimeout: 30_000,
        hookTimeout: 60_000,
    },
});
