import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { configTable, renderReadme } from "../scripts/readme";
import { keySpecs } from "../stacks/config";

const root = path.join(__dirname, "..");
const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");

describe("README", () => {
    it("shows the current config keys and dev graph (npx tsx scripts/readme.ts --write)", async () => {
        expect(await renderReadme(readme)).toBe(readme);
    });

    it("documents every config key", () => {
        for (const key of Object.keys(keySpecs))
            expect(configTable()).toContain(`wiz-infra:${key}\``);
    });

    it("starts a fresh clone with the plan, then the tests, and CI runs the same", () => {
        const quickStart = /## Quick start[^\n]*\n+```sh\n([^`]+)```/.exec(readme)?.[1] ?? "";
        const commands = quickStart.trim().split("\n");
        expect(commands).toEqual(["npm ci && npm run plan -- --stack dev", "npm test"]);
        const ci = fs.readFileSync(path.join(root, ".ci", "run"), "utf8");
        expect(ci).toMatch(/^npm ci\b/m);
        expect(ci).toMatch(/^npm test$/m);
        expect(ci).toMatch(/npm run plan -- --stack "\$stack"/);
    });
});
