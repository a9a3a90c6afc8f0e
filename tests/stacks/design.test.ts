import { describe, expect, it } from "vitest";
import { parseStackConfig, type StackConfig } from "../../stacks/config";
import {
    designStack,
    holderName,
    mountsOf,
    pendingValues,
    releaseName,
    secretProviderClassName,
} from "../../stacks/design";

const tenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const secrets = {
    "wiz-infra:wizClientId": "canary-client-id-0c1d",
    "wiz-infra:wizClientToken": "canary-client-token-9e2f",
    "wiz-infra:registryPassword": "canary-registry-password-77aa",
};

function config(stack = "dev", set: Record<string, string | undefined> = {}): StackConfig {
    const values: Record<string, string> = {
        "azure-native:location": "westeurope",
        "wiz-infra:resourceGroupName": "rg-wiz-dev-weu",
        "wiz-infra:clusterName": "aks-dev-weu-01",
        "wiz-infra:clusterResourceGroupName": "rg-aks-dev-weu",
        "wiz-infra:keyVaultSoftDeleteRetentionDays": "7",
        "wiz-infra:registryUsername": "wiz-sensor-pull-dev",
        ...secrets,
    };
    for (const [k, v] of Object.entries(set)) {
        if (v === undefined) delete values[k];
        else values[k] = v;
    }
    return parseStackConfig({ stack, values, secretKeys: new Set(Object.keys(secrets)) }).config;
}

type Tree = Record<string, unknown>;
const at = (node: unknown, ...path: string[]): unknown =>
    path.reduce<unknown>((n, k) => (n && typeof n === "object" ? (n as Tree)[k] : undefined), node);

describe("designStack", () => {
    const design = designStack(config(), { tenantId });

    it("keeps its fixed names", () => {
        expect(releaseName).toBe("wiz");
        expect(secretProviderClassName).toBe("wiz-secrets");
        expect(holderName).toBe("wiz-secret-sync");
    });

    it("federates the ServiceAccount of the release", () => {
        expect(design.subjects).toEqual(["system:serviceaccount:wiz:wiz-service-account"]);
        expect(design.wiring.federatedSubjects).toEqual(design.subjects);
    });

    it("federates a custom namespace and ServiceAccount", () => {
        const d = designStack(
            config("dev", {
                "wiz-infra:namespace": "security-tools",
                "wiz-infra:serviceAccountName": "wiz-sa",
            }),
            { tenantId },
        );
        expect(d.subjects).toEqual(["system:serviceaccount:security-tools:wiz-sa"]);
        expect(d.wiring.mounts).toEqual([
            {
                workload: "Deployment security-tools/wiz-secret-sync",
                namespace: "security-tools",
                serviceAccountName: "wiz-sa",
                secretProviderClassName: "wiz-secrets",
            },
        ]);
        expect(d.wiring.secretProviderClass.metadata.namespace).toBe("security-tools");
    });

    it("creates three vault secrets with the sensor", () => {
        expect(design.vaultSecrets).toEqual([
            { name: "wiz-client-id", source: "wizClientId" },
            { name: "wiz-client-token", source: "wizClientToken" },
            { name: "wiz-registry-dockerconfigjson", source: "registryDockerConfig" },
        ]);
        expect(design.wiring.vaultSecretNames).toEqual([
            "wiz-client-id",
            "wiz-client-token",
            "wiz-registry-dockerconfigjson",
        ]);
        expect(design.delivery.imagePullSecretName).toBe("wiz-sensor-pull-secret");
    });

    it("creates two vault secrets without the sensor", () => {
        const d = designStack(
            config("dev", {
                "wiz-infra:wizSensor": "false",
                "wiz-infra:registryUsername": undefined,
                "wiz-infra:registryPassword": undefined,
            }),
            { tenantId },
        );
        expect(d.vaultSecrets).toEqual([
            { name: "wiz-client-id", source: "wizClientId" },
            { name: "wiz-client-token", source: "wizClientToken" },
        ]);
        expect(d.wiring.vaultSecretNames).toEqual(["wiz-client-id", "wiz-client-token"]);
        expect(d.delivery.imagePullSecretName).toBeUndefined();
        expect(at(d.values, "wiz-sensor")).toEqual({ enabled: false });
    });

    it("protects production stacks only", () => {
        expect(design.protect).toBe(false);
        expect(designStack(config("prod-weu"), { tenantId }).protect).toBe(true);
        expect(
            designStack(config("dev", { "wiz-infra:environment": "production" }), { tenantId })
                .protect,
        ).toBe(true);
        expect(
            designStack(config("prod", { "wiz-infra:environment": "development" }), { tenantId })
                .protect,
        ).toBe(false);
    });

    it("names the identity after the stack", () => {
        expect(design.identityName).toBe("id-wiz-dev");
        expect(designStack(config("prod-weu"), { tenantId }).identityName).toBe("id-wiz-prod-weu");
    });

    it("replaces characters a stack name may hold but an identity name may not", () => {
        expect(designStack(config("team.dev"), { tenantId }).identityName).toBe("id-wiz-team-dev");
    });

    it("keeps the identity name within Azure's 128 characters", () => {
        const name = designStack(config("s".repeat(200)), { tenantId }).identityName;
        expect(name.length).toBeLessThanOrEqual(128);
        expect(name.startsWith("id-wiz-sss")).toBe(true);
    });

    it("tags and labels what it creates", () => {
        expect(design.tags).toEqual({
            "managed-by": "pulumi",
            "part-of": "wiz-infra",
            stack: "dev",
        });
        expect(design.labels["app.kubernetes.io/managed-by"]).toBe("pulumi");
        expect(design.labels["app.kubernetes.io/part-of"]).toBe("wiz-infra");
    });

    it("labels the release's objects without the app.kubernetes.io/* keys the charts set", () => {
        const common = at(design.values, "global", "commonLabels") as Record<string, string>;
        expect(common).toEqual({ "wiz-infra/managed-by": "pulumi" });
        for (const key of Object.keys(common)) {
            expect(key.startsWith("app.kubernetes.io/"), key).toBe(false);
        }
    });

    it("builds the SecretProviderClass for the cluster's tenant", () => {
        const spc = design.wiring.secretProviderClass;
        expect(spc.metadata.name).toBe("wiz-secrets");
        expect(spc.metadata.namespace).toBe("wiz");
        expect(spc.spec.parameters.tenantID).toBe(tenantId);
        expect(spc.spec.parameters.keyvaultName).toBe(pendingValues.keyVaultName);
        expect(spc.spec.parameters.clientID).toBe(pendingValues.clientId);
        expect(spc.spec.secretObjects.map((s) => s.secretName)).toEqual([
            "wiz-api-token",
            "wiz-sensor-pull-secret",
        ]);
    });

    it("uses a configured vault name", () => {
        const d = designStack(config("dev", { "wiz-infra:keyVaultName": "kv-wiz-dev-01" }), {
            tenantId,
        });
        expect(d.wiring.secretProviderClass.spec.parameters.keyvaultName).toBe("kv-wiz-dev-01");
    });

    it("points the chart at the synced Secrets and the display name", () => {
        expect(at(design.values, "global", "wizApiToken", "secret", "name")).toBe("wiz-api-token");
        expect(at(design.values, "wiz-sensor", "imagePullSecret", "name")).toBe(
            "wiz-sensor-pull-secret",
        );
        expect(at(design.values, "global", "clusterDisplayName")).toBe("aks-dev-weu-01");
    });

    it("mounts the SecretProviderClass from the holder", () => {
        expect(design.wiring.mounts).toEqual([
            {
                workload: "Deployment wiz/wiz-secret-sync",
                namespace: "wiz",
                serviceAccountName: "wiz-service-account",
                secretProviderClassName: "wiz-secrets",
            },
        ]);
        expect(design.wiring.chartVersion).toBe("0.3.65");
        expect(design.wiring.releaseValues).toBe(design.values);
    });

    it("holds no secret value", () => {
        const text = JSON.stringify(design);
        for (const canary of Object.values(secrets)) expect(text).not.toContain(canary);
    });
});

describe("mountsOf", () => {
    it("lists CSI volumes of the Secrets Store driver only", () => {
        const mounts = mountsOf("Deployment wiz/x", {
            metadata: { namespace: "wiz" },
            spec: {
                template: {
                    spec: {
                        serviceAccountName: "sa",
                        volumes: [
                            {},
                            { csi: { driver: "disk.csi.azure.com" } },
                            {
                                csi: {
                                    driver: "secrets-store.csi.k8s.io",
                                    volumeAttributes: { secretProviderClass: "spc-a" },
                                },
                            },
                        ],
                    },
                },
            },
        });
        expect(mounts).toEqual([
            {
                workload: "Deployment wiz/x",
                namespace: "wiz",
                serviceAccountName: "sa",
                secretProviderClassName: "spc-a",
            },
        ]);
    });

    it("falls back to the default namespace and ServiceAccount", () => {
        const mounts = mountsOf("Pod x", {
            spec: {
                template: {
                    spec: { volumes: [{ csi: { driver: "secrets-store.csi.k8s.io" } }] },
                },
            },
        });
        expect(mounts).toEqual([
            {
                workload: "Pod x",
                namespace: "default",
                serviceAccountName: "default",
                secretProviderClassName: "",
            },
        ]);
    });

    it("finds nothing in a workload without volumes", () => {
        expect(mountsOf("Deployment wiz/x", {})).toEqual([]);
    });
});
