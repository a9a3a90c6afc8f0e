import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { Policy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { packArgs, packName } from "../../policy/pack";
import { policies } from "../../policy/policies";

const policyDir = path.join(__dirname, "..", "..", "policy");
const read = (file: string) => readFileSync(path.join(policyDir, file), "utf8");
const all: Policy[] = policies;

describe("policy pack", () => {
    it("is named wiz-infra and blocks by default", () => {
        expect(packName).toBe("wiz-infra");
        expect(packArgs.enforcementLevel).toBe("mandatory");
        expect(packArgs.policies).toBe(policies);
    });

    it("leaves every policy at the pack's default level, for the stack config to relax", () => {
        const overridden = all.filter((p) => p.enforcementLevel !== undefined).map((p) => p.name);
        expect(overridden).toEqual([]);
    });

    it("has unique kebab-case policy names with descriptions and remediation steps", () => {
        const names = all.map((p) => p.name);
        expect(new Set(names).size).toBe(names.length);
        for (const policy of all) {
            expect(policy.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
            expect(policy.name).not.toBe("all");
            expect(policy.description.length).toBeGreaterThan(40);
            expect(policy.remediationSteps?.length ?? 0).toBeGreaterThan(10);
        }
    });

    it("declares no enforcementLevel in any config schema, which the SDK rejects", () => {
        for (const policy of all) {
            expect(Object.keys(policy.configSchema?.properties ?? {})).not.toContain(
                "enforcementLevel",
            );
        }
    });

    it("has the project files Pulumi needs to run it from the directory", () => {
        const project = parse(read("PulumiPolicy.yaml"));
        expect(project.runtime).toBe("nodejs");
        expect(String(project.description)).toContain("Wiz");
        // The SDK's PolicyPack constructor reads the pack's version from here.
        const manifest = JSON.parse(read("package.json"));
        expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
        expect(manifest.main).toBe("index.ts");
        expect(read("index.ts")).toContain("new PolicyPack(packName, packArgs)");
    });

    it("constructs the PolicyPack in index.ts only, which nothing imports", () => {
        const sources = readdirSync(policyDir).filter((f) => f.endsWith(".ts"));
        const constructing = sources.filter((f) => read(f).includes("new PolicyPack("));
        expect(constructing).toEqual(["index.ts"]);
        const importingIndex = sources.filter((f) => /from "\.\/index"|from "\.\/?"/.test(read(f)));
        expect(importingIndex).toEqual([]);
    });
});
