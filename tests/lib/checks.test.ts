import { describe, expect, it } from "vitest";
import { type CheckResult, runWiringChecks, WiringError, type WiringModel } from "../../lib/checks";
import { parseStackConfig } from "../../stacks/config";
import { designStack } from "../../stacks/design";

const tenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const secrets = {
    "wiz-infra:wizClientId": "canary-client-id-11aa",
    "wiz-infra:wizClientToken": "canary-client-token-22bb",
    "wiz-infra:registryPassword": "canary-registry-password-33cc",
};

const checkNames = [
    "spc-objects-exist-in-vault",
    "synced-keys-are-aliases",
    "chart-secrets-are-synced",
    "mounting-service-accounts-are-federated",
    "chart-value-keys-exist",
    "spc-matches-crd-schema",
];

/** The wiring of a dev-like stack, fresh on each call so that a test can break it. */
function model(set: Record<string, string> = {}): WiringModel {
    const { config } = parseStackConfig({
        stack: "dev",
        values: {
            "azure-native:location": "westeurope",
            "wiz-infra:resourceGroupName": "rg-wiz-dev-weu",
            "wiz-infra:clusterName": "aks-dev-weu-01",
            "wiz-infra:clusterResourceGroupName": "rg-aks-dev-weu",
            "wiz-infra:registryUsername": "wiz-sensor-pull-dev",
            ...secrets,
            ...set,
        },
        secretKeys: new Set(Object.keys(secrets)),
    });
    return structuredClone(designStack(config, { tenantId }).wiring);
}

/** Runs the checks and returns the one that must be the only failure. */
function onlyFailure(m: WiringModel, name: string): CheckResult {
    const results = runWiringChecks(m);
    expect(results.map((r) => r.name)).toEqual(checkNames);
    const failed = results.filter((r) => !r.ok);
    expect(
        failed.map((r) => r.name),
        JSON.stringify(failed, null, 1),
    ).toEqual([name]);
    return failed[0] as CheckResult;
}

describe("runWiringChecks on the designed stack", () => {
    it.each([
        ["with every component", {}],
        ["without the sensor", { "wiz-infra:wizSensor": "false" }],
        ["without the admission controller", { "wiz-infra:wizAdmissionController": "false" }],
        [
            "in a custom namespace",
            { "wiz-infra:namespace": "security-tools", "wiz-infra:serviceAccountName": "wiz-sa" },
        ],
    ])("passes all six checks %s", (_why, set) => {
        const results = runWiringChecks(model(set));
        expect(results.map((r) => r.name)).toEqual(checkNames);
        for (const r of results) {
            expect(r.ok, `${r.name}: ${r.detail}`).toBe(true);
            expect(r.detail.length).toBeGreaterThan(0);
        }
    });
});

describe("runWiringChecks failures", () => {
    it("spc-objects-exist-in-vault names the object and the vault secrets", () => {
        const m = model();
        m.vaultSecretNames = ["wiz-client-id", "wiz-registry-dockerconfigjson"];
        const r = onlyFailure(m, "spc-objects-exist-in-vault");
        expect(r.detail).toContain('object "wiz-client-token"');
        expect(r.detail).toContain("(wiz-client-id, wiz-registry-dockerconfigjson)");
        expect(r.detail).toContain("SecretProviderClass wiz/wiz-secrets");
    });

    it("spc-objects-exist-in-vault reports an objects parameter it cannot read", () => {
        const m = model();
        m.secretProviderClass.spec.parameters.objects = "not: [a list";
        const r = runWiringChecks(m).find((c) => c.name === "spc-objects-exist-in-vault");
        expect(r?.ok).toBe(false);
        expect(r?.detail).toContain("SecretProviderClass wiz/wiz-secrets parameters.objects");
    });

    it("synced-keys-are-aliases names the synced key and the aliases", () => {
        const m = model();
        const token = m.secretProviderClass.spec.secretObjects[0];
        if (!token?.data[0]) throw new Error("the design has no token Secret");
        token.data[0].objectName = "wiz-client-id";
        const r = onlyFailure(m, "synced-keys-are-aliases");
        expect(r.detail).toContain("synced Secret wiz-api-token key clientId");
        expect(r.detail).toContain('objectName "wiz-client-id"');
        expect(r.detail).toContain("(clientId, clientToken, dockerconfigjson)");
    });

    it("chart-secrets-are-synced names the chart value and the Secrets produced", () => {
        const m = model();
        const global = m.releaseValues.global as {
            wizApiToken: { secret: { name: string } };
        };
        global.wizApiToken.secret.name = "wiz-token";
        const r = onlyFailure(m, "chart-secrets-are-synced");
        expect(r.detail).toContain("chart value global.wizApiToken.secret.name");
        expect(r.detail).toContain('Secret "wiz-token"');
        expect(r.detail).toContain("(wiz-api-token, wiz-sensor-pull-secret)");
    });

    it("chart-secrets-are-synced catches the pull Secret too", () => {
        const m = model();
        const sensor = m.releaseValues["wiz-sensor"] as { imagePullSecret: { name: string } };
        sensor.imagePullSecret.name = "acr-pull";
        const r = onlyFailure(m, "chart-secrets-are-synced");
        expect(r.detail).toContain("wiz-sensor.imagePullSecret.name");
        expect(r.detail).toContain('"acr-pull"');
    });

    it("mounting-service-accounts-are-federated names the workload and the subject", () => {
        const m = model();
        m.federatedSubjects = ["system:serviceaccount:wiz:other"];
        const r = onlyFailure(m, "mounting-service-accounts-are-federated");
        expect(r.detail).toContain("Deployment wiz/wiz-secret-sync");
        expect(r.detail).toContain("ServiceAccount wiz/wiz-service-account");
        expect(r.detail).toContain("subject system:serviceaccount:wiz:wiz-service-account");
        expect(r.detail).toContain("(has: system:serviceaccount:wiz:other)");
    });

    it("mounting-service-accounts-are-federated says none when nothing is federated", () => {
        const m = model();
        m.federatedSubjects = [];
        expect(onlyFailure(m, "mounting-service-accounts-are-federated").detail).toContain(
            "(has: none)",
        );
    });

    it("mounting-service-accounts-are-federated catches a mount of another SecretProviderClass", () => {
        const m = model();
        const mount = m.mounts[0];
        if (!mount) throw new Error("the design has no mount");
        mount.secretProviderClassName = "wiz-secret";
        const r = onlyFailure(m, "mounting-service-accounts-are-federated");
        expect(r.detail).toContain(
            "Deployment wiz/wiz-secret-sync mounts SecretProviderClass wiz/wiz-secret",
        );
        expect(r.detail).toContain("the graph creates wiz/wiz-secrets");
    });

    it("mounting-service-accounts-are-federated fails when nothing mounts", () => {
        const m = model();
        m.mounts = [];
        expect(onlyFailure(m, "mounting-service-accounts-are-federated").detail).toContain(
            "no workload mounts SecretProviderClass wiz/wiz-secrets",
        );
    });

    it("chart-value-keys-exist names the value and the chart", () => {
        const m = model();
        (m.releaseValues["wiz-kubernetes-connector"] as Record<string, unknown>).podLabels = {
            "azure.workload.identity/use": "true",
        };
        const r = onlyFailure(m, "chart-value-keys-exist");
        expect(r.detail).toContain("release value wiz-kubernetes-connector.podLabels");
        expect(r.detail).toContain("wiz-kubernetes-integration 0.3.65");
    });

    it("spc-matches-crd-schema names the SecretProviderClass and the field", () => {
        const m = model();
        const spec = m.secretProviderClass.spec as unknown as Record<string, unknown>;
        spec.secretObject = [];
        const r = onlyFailure(m, "spc-matches-crd-schema");
        expect(r.detail).toContain("SecretProviderClass wiz/wiz-secrets");
        expect(r.detail).toContain('"secretObject"');
        expect(r.detail).toContain("prune");
    });
});

describe("WiringError", () => {
    it("lists the failed checks only, with their details", () => {
        const m = model();
        m.federatedSubjects = [];
        m.vaultSecretNames = [];
        const error = new WiringError(runWiringChecks(m));
        const lines = error.message.split("\n");
        expect(lines).toHaveLength(2);
        expect(lines[0]).toMatch(/^wiring check spc-objects-exist-in-vault failed: /);
        expect(lines[1]).toMatch(/^wiring check mounting-service-accounts-are-federated failed: /);
        expect(error.message).not.toContain("chart-value-keys-exist");
        expect(error.name).toBe("WiringError");
    });
});
