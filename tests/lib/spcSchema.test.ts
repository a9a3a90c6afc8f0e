import { describe, expect, it } from "vitest";
import { buildSecretProviderClass } from "../../lib/secretProviderClass";
import { spcSchemaProblems, spcSchemaSource } from "../../lib/spcSchema";

function manifest(): Record<string, unknown> & { spec: Record<string, unknown> } {
    const spc = buildSecretProviderClass({
        name: "wiz-secrets",
        namespace: "wiz",
        keyVaultName: "kv-wiz-dev-a1b2c3",
        tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
        clientId: "11111111-2222-3333-4444-555555555555",
        objects: [
            { vaultSecretName: "wiz-client-id", alias: "clientId" },
            { vaultSecretName: "wiz-client-token", alias: "clientToken" },
        ],
        secretObjects: [
            {
                secretName: "wiz-api-token",
                type: "Opaque",
                data: [
                    { objectName: "clientId", key: "clientId" },
                    { objectName: "clientToken", key: "clientToken" },
                ],
            },
        ],
        labels: { "app.kubernetes.io/part-of": "wiz-infra" },
    });
    return structuredClone(spc) as unknown as Record<string, unknown> & {
        spec: Record<string, unknown>;
    };
}

describe("spcSchemaProblems", () => {
    it("names the CRD it validates against", () => {
        expect(spcSchemaSource).toContain("secrets-store.csi.x-k8s.io/v1");
        expect(spcSchemaSource).toContain("SecretProviderClass");
        expect(spcSchemaSource).toContain("v1.6.0");
    });

    it("passes a manifest from the builder", () => {
        expect(spcSchemaProblems(manifest())).toEqual([]);
    });

    it("passes metadata the API server fills in", () => {
        const m = manifest();
        m.metadata = {
            name: "wiz-secrets",
            namespace: "wiz",
            annotations: { a: "b" },
            uid: "abc",
            resourceVersion: "1",
        };
        expect(spcSchemaProblems(m)).toEqual([]);
    });

    it("fails a boolean parameter value", () => {
        const m = manifest();
        (m.spec.parameters as Record<string, unknown>).usePodIdentity = false;
        const problems = spcSchemaProblems(m);
        expect(problems.length).toBeGreaterThan(0);
        expect(problems.join("\n")).toContain("/spec/parameters/usePodIdentity");
        expect(problems.join("\n")).toContain("string");
    });

    it("fails a misspelled spec field as one the API server would prune", () => {
        const m = manifest();
        m.spec.secretObject = m.spec.secretObjects;
        delete m.spec.secretObjects;
        const problems = spcSchemaProblems(m);
        expect(problems).toHaveLength(1);
        expect(problems[0]).toContain("/spec");
        expect(problems[0]).toContain('"secretObject"');
        expect(problems[0]).toContain("prune");
    });

    it("fails an unknown top-level field", () => {
        const m = manifest();
        m.specs = {};
        expect(spcSchemaProblems(m).join("\n")).toContain('"specs"');
    });

    it("fails an unknown field of a secretObjects item", () => {
        const m = manifest();
        const items = m.spec.secretObjects as Record<string, unknown>[];
        (items[0] as Record<string, unknown>).secretname = "wiz-api-token";
        const problems = spcSchemaProblems(m);
        expect(problems).toHaveLength(1);
        expect(problems[0]).toContain("/spec/secretObjects/0");
        expect(problems[0]).toContain('"secretname"');
        expect(problems[0]).toContain("prune");
    });

    it("fails an unknown field of a secretObjects data entry", () => {
        const m = manifest();
        const items = m.spec.secretObjects as { data: Record<string, unknown>[] }[];
        (items[0]?.data[1] as Record<string, unknown>).objectAlias = "clientToken";
        const problems = spcSchemaProblems(m);
        expect(problems).toHaveLength(1);
        expect(problems[0]).toContain("/spec/secretObjects/0/data/1");
        expect(problems[0]).toContain('"objectAlias"');
    });

    it("fails secretObjects given as a mapping", () => {
        const m = manifest();
        m.spec.secretObjects = { "wiz-api-token": {} };
        expect(spcSchemaProblems(m).join("\n")).toContain("/spec/secretObjects");
    });

    it("reports every problem at once", () => {
        const m = manifest();
        (m.spec.parameters as Record<string, unknown>).usePodIdentity = false;
        m.spec.secretObject = [];
        expect(spcSchemaProblems(m).length).toBeGreaterThanOrEqual(2);
    });
});
