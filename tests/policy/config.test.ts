import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { EnforcementLevel, Policy } from "@pulumi/policy";
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { policies } from "../../policy/policies";

type Entry = EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>);

function load(stack: string): Record<string, Entry> {
    const file = path.join(__dirname, "..", "..", "policy", "config", `${stack}.json`);
    return JSON.parse(readFileSync(file, "utf8"));
}

const levelOf = (entry: Entry | undefined) =>
    typeof entry === "string" ? entry : entry?.enforcementLevel;

const propertiesOf = (entry: Entry | undefined): Record<string, unknown> => {
    if (entry === undefined || typeof entry === "string") return {};
    const { enforcementLevel: _, ...rest } = entry;
    return rest;
};

const all: Policy[] = policies;
const names = all.map((p) => p.name).sort();

/** Dev relaxes these to advisory: they guard prod hygiene, not access to the secrets. */
const advisoryInDev = [
    "helm-chart-version-pinned",
    "keyvault-purge-protection",
    "kubernetes-image-pinned",
    "secrets-store-workload-hardened",
];

describe.each(["dev", "prod"])("policy/config/%s.json", (stack) => {
    const config = load(stack);

    it("configures exactly the pack's policies", () => {
        expect(Object.keys(config).sort()).toEqual(names);
    });

    it("sets a valid enforcement level for each", () => {
        for (const name of names) {
            expect(["advisory", "mandatory"]).toContain(levelOf(config[name]));
        }
    });

    it("sets only properties that the policy's config schema declares and accepts", () => {
        const ajv = new Ajv({ strict: false });
        for (const policy of all) {
            const properties = propertiesOf(config[policy.name]);
            const schema = {
                type: "object",
                properties: policy.configSchema?.properties ?? {},
                required: policy.configSchema?.required ?? [],
                additionalProperties: false,
            };
            const validate = ajv.compile(schema);
            expect(validate(properties), `${policy.name}: ${ajv.errorsText(validate.errors)}`).toBe(
                true,
            );
        }
    });
});

describe("prod config", () => {
    const prod = load("prod");

    it("makes every policy mandatory", () => {
        for (const name of names) expect(levelOf(prod[name]), name).toBe("mandatory");
    });

    it("requires 90 days of soft-delete retention", () => {
        expect(propertiesOf(prod["keyvault-soft-delete-retention"]).minRetentionDays).toBe(90);
    });
});

describe("dev config", () => {
    const dev = load("dev");

    it("is advisory for the prod-hygiene policies only", () => {
        const advisory = names.filter((name) => levelOf(dev[name]) === "advisory");
        expect(advisory).toEqual(advisoryInDev);
    });

    it("keeps every access and credential policy mandatory", () => {
        for (const name of [
            "keyvault-access-policy-get-secrets-only",
            "role-assignment-key-vault-secrets-user-only",
            "role-assignment-vault-scope",
            "helm-values-no-plaintext-secrets",
            "federated-credential-subject",
        ]) {
            expect(levelOf(dev[name]), name).toBe("mandatory");
        }
    });

    it("allows Azure's shortest soft-delete retention of 7 days", () => {
        expect(propertiesOf(dev["keyvault-soft-delete-retention"]).minRetentionDays).toBe(7);
    });
});
