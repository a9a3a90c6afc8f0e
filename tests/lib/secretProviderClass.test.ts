import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { DeliveredObject, SyncedSecret } from "../../lib/delivery";
import {
    buildSecretProviderClass,
    csiDriverName,
    isCleanRelativePath,
    parseObjectsParameter,
    SecretProviderClassError,
    type SecretProviderClassInput,
    spcApiVersion,
} from "../../lib/secretProviderClass";

const tenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const clientId = "11111111-2222-3333-4444-555555555555";

const objects: DeliveredObject[] = [
    { vaultSecretName: "wiz-client-id", alias: "clientId" },
    { vaultSecretName: "wiz-client-token", alias: "clientToken" },
    { vaultSecretName: "wiz-registry-dockerconfigjson", alias: "dockerconfigjson" },
];
const secretObjects: SyncedSecret[] = [
    {
        secretName: "wiz-api-token",
        type: "Opaque",
        data: [
            { objectName: "clientId", key: "clientId" },
            { objectName: "clientToken", key: "clientToken" },
        ],
    },
    {
        secretName: "wiz-sensor-pull-secret",
        type: "kubernetes.io/dockerconfigjson",
        data: [{ objectName: "dockerconfigjson", key: ".dockerconfigjson" }],
    },
];

function input(overrides: Partial<SecretProviderClassInput> = {}): SecretProviderClassInput {
    return {
        name: "wiz-secrets",
        namespace: "wiz",
        keyVaultName: "kv-wiz-dev-a1b2c3",
        tenantId,
        clientId,
        objects,
        secretObjects,
        ...overrides,
    };
}

describe("buildSecretProviderClass", () => {
    const spc = buildSecretProviderClass(input({ labels: { team: "security" } }));

    it("is a v1 SecretProviderClass of the azure provider", () => {
        expect(spcApiVersion).toBe("secrets-store.csi.x-k8s.io/v1");
        expect(csiDriverName).toBe("secrets-store.csi.k8s.io");
        expect(spc.apiVersion).toBe("secrets-store.csi.x-k8s.io/v1");
        expect(spc.kind).toBe("SecretProviderClass");
        expect(spc.metadata).toEqual({
            name: "wiz-secrets",
            namespace: "wiz",
            labels: { team: "security" },
        });
        expect(spc.spec.provider).toBe("azure");
    });

    it("leaves labels out when none are given", () => {
        expect(buildSecretProviderClass(input()).metadata).toEqual({
            name: "wiz-secrets",
            namespace: "wiz",
        });
    });

    it("has only string parameters", () => {
        const values = Object.values(spc.spec.parameters);
        expect(values.length).toBeGreaterThan(0);
        for (const value of values) expect(typeof value).toBe("string");
    });

    it("spells tenantID and clientID as the Azure provider reads them", () => {
        const p = spc.spec.parameters;
        expect(p.tenantID).toBe(tenantId);
        expect(p.clientID).toBe(clientId);
        expect(p.keyvaultName).toBe("kv-wiz-dev-a1b2c3");
        expect(Object.keys(p)).not.toContain("tenantId");
        expect(Object.keys(p)).not.toContain("clientId");
        expect(Object.keys(p)).not.toContain("keyVaultName");
    });

    it("turns pod identity and VM managed identity off", () => {
        expect(spc.spec.parameters.usePodIdentity).toBe("false");
        expect(spc.spec.parameters.useVMManagedIdentity).toBe("false");
    });

    it("has exactly the parameters of workload identity", () => {
        expect(Object.keys(spc.spec.parameters).sort()).toEqual(
            [
                "clientID",
                "keyvaultName",
                "objects",
                "tenantID",
                "useVMManagedIdentity",
                "usePodIdentity",
            ].sort(),
        );
    });

    it("renders objects as YAML with array: of YAML strings", () => {
        const doc = parse(spc.spec.parameters.objects as string);
        expect(Object.keys(doc)).toEqual(["array"]);
        expect(Array.isArray(doc.array)).toBe(true);
        expect(doc.array).toHaveLength(3);
        for (const item of doc.array) expect(typeof item).toBe("string");
        expect(doc.array.map((item: string) => parse(item))).toEqual([
            { objectName: "wiz-client-id", objectType: "secret", objectAlias: "clientId" },
            { objectName: "wiz-client-token", objectType: "secret", objectAlias: "clientToken" },
            {
                objectName: "wiz-registry-dockerconfigjson",
                objectType: "secret",
                objectAlias: "dockerconfigjson",
            },
        ]);
    });

    it("copies secretObjects", () => {
        expect(spc.spec.secretObjects).toEqual(secretObjects);
        expect(spc.spec.secretObjects).not.toBe(secretObjects);
    });

    it("parseObjectsParameter reads the items back", () => {
        expect(parseObjectsParameter(spc.spec.parameters.objects as string)).toEqual([
            { objectName: "wiz-client-id", objectType: "secret", objectAlias: "clientId" },
            { objectName: "wiz-client-token", objectType: "secret", objectAlias: "clientToken" },
            {
                objectName: "wiz-registry-dockerconfigjson",
                objectType: "secret",
                objectAlias: "dockerconfigjson",
            },
        ]);
    });

    it("parseObjectsParameter refuses text without array: of strings", () => {
        expect(() => parseObjectsParameter("")).toThrow(SecretProviderClassError);
        expect(() => parseObjectsParameter("objects: []")).toThrow(/array/);
        expect(() => parseObjectsParameter("array:\n  - objectName: x\n")).toThrow(/strings/);
    });
});

describe("buildSecretProviderClass refusals", () => {
    it("refuses two objects with one alias", () => {
        const dup = [
            { vaultSecretName: "wiz-client-id", alias: "clientId" },
            { vaultSecretName: "wiz-client-token", alias: "clientId" },
        ];
        expect(() => buildSecretProviderClass(input({ objects: dup, secretObjects: [] }))).toThrow(
            /alias "clientId" is used twice/,
        );
    });

    it.each(["../x", "/abs", "a//b", ".", "", "a\\b", "..", "a/./b", "a/", "a/../b"])(
        "refuses alias %j",
        (alias) => {
            const bad = [{ vaultSecretName: "wiz-client-id", alias }];
            expect(() =>
                buildSecretProviderClass(input({ objects: bad, secretObjects: [] })),
            ).toThrow(SecretProviderClassError);
            expect(() =>
                buildSecretProviderClass(input({ objects: bad, secretObjects: [] })),
            ).toThrow(/not a clean relative path/);
        },
    );

    it("accepts a nested alias", () => {
        const nested = [{ vaultSecretName: "wiz-client-id", alias: "token/clientId" }];
        const spc = buildSecretProviderClass(input({ objects: nested, secretObjects: [] }));
        expect(parseObjectsParameter(spc.spec.parameters.objects as string)[0]?.objectAlias).toBe(
            "token/clientId",
        );
    });

    it("refuses an object that is not a vault secret name", () => {
        const bad = [{ vaultSecretName: "wiz_client_id", alias: "clientId" }];
        expect(() => buildSecretProviderClass(input({ objects: bad, secretObjects: [] }))).toThrow(
            /wiz_client_id.*not a Key Vault secret name/,
        );
    });

    it("refuses a synced key whose objectName is not an alias, naming the aliases", () => {
        const bad: SyncedSecret[] = [
            {
                secretName: "wiz-api-token",
                type: "Opaque",
                data: [{ objectName: "wiz-client-id", key: "clientId" }],
            },
        ];
        expect(() => buildSecretProviderClass(input({ secretObjects: bad }))).toThrow(
            /wiz-api-token.*"wiz-client-id".*clientId, clientToken, dockerconfigjson/,
        );
    });

    it("refuses a dockerconfigjson Secret without key .dockerconfigjson", () => {
        const bad: SyncedSecret[] = [
            {
                secretName: "wiz-sensor-pull-secret",
                type: "kubernetes.io/dockerconfigjson",
                data: [{ objectName: "dockerconfigjson", key: "dockerconfigjson" }],
            },
        ];
        expect(() => buildSecretProviderClass(input({ secretObjects: bad }))).toThrow(
            /wiz-sensor-pull-secret.*no key \.dockerconfigjson/,
        );
    });

    it("refuses one Secret named twice", () => {
        const first = secretObjects[0] as SyncedSecret;
        expect(() =>
            buildSecretProviderClass(input({ secretObjects: [first, { ...first }] })),
        ).toThrow(/names Secret wiz-api-token twice/);
    });
});

describe("isCleanRelativePath", () => {
    it.each(["clientId", "a/b", "dir/sub/file.txt", ".hidden", "a..b"])("accepts %j", (p) => {
        expect(isCleanRelativePath(p)).toBe(true);
    });

    it.each(["", "/abs", "../x", "x/..", "a//b", ".", "./a", "a\\b", "a/"])("refuses %j", (p) => {
        expect(isCleanRelativePath(p)).toBe(false);
    });
});
