import { describe, expect, it } from "vitest";
import { dockerConfigJson, syncDelivery } from "../../lib/delivery";

describe("dockerConfigJson", () => {
    it("has the exact shape a kubernetes.io/dockerconfigjson Secret holds", () => {
        // base64("user:pass"), worked out by hand
        expect(dockerConfigJson("wizio.azurecr.io", "user", "pass")).toBe(
            '{"auths":{"wizio.azurecr.io":{"auth":"dXNlcjpwYXNz"}}}',
        );
    });

    it("decodes back to user:pass under the one server", () => {
        const doc = JSON.parse(dockerConfigJson("wizio.azurecr.io", "wiz-sensor-pull", "s3cr3t"));
        expect(Object.keys(doc)).toEqual(["auths"]);
        expect(Object.keys(doc.auths)).toEqual(["wizio.azurecr.io"]);
        expect(Object.keys(doc.auths["wizio.azurecr.io"])).toEqual(["auth"]);
        const decoded = Buffer.from(doc.auths["wizio.azurecr.io"].auth, "base64").toString("utf8");
        expect(decoded).toBe("wiz-sensor-pull:s3cr3t");
    });

    it("keeps colons in the password (docker splits at the first one)", () => {
        const doc = JSON.parse(dockerConfigJson("wizio.azurecr.io", "wiz-sensor-pull", "pa:ss"));
        expect(doc.auths["wizio.azurecr.io"].auth).toBe("d2l6LXNlbnNvci1wdWxsOnBhOnNz");
    });

    it("encodes the password as UTF-8", () => {
        const doc = JSON.parse(dockerConfigJson("wizio.azurecr.io", "u", "pässwörd"));
        expect(doc.auths["wizio.azurecr.io"].auth).toBe("dTpww6Rzc3fDtnJk");
    });

    it("accepts a host with a port", () => {
        const doc = JSON.parse(dockerConfigJson("registry.internal:5000", "u", "p"));
        expect(Object.keys(doc.auths)).toEqual(["registry.internal:5000"]);
    });

    it.each([
        "",
        "https://wizio.azurecr.io",
        "wizio.azurecr.io/wiz",
        "wizio azurecr io",
        " wizio.azurecr.io",
        "wizio.azurecr.io\n",
    ])("refuses server %j without showing the password", (server) => {
        const password = "canary-password-91ac";
        expect(() => dockerConfigJson(server, "user", password)).toThrow(/bare host name/);
        try {
            dockerConfigJson(server, "user", password);
        } catch (error) {
            expect((error as Error).message).not.toContain(password);
        }
    });

    it.each(["", "us:er", ":"])("refuses username %j", (username) => {
        expect(() => dockerConfigJson("wizio.azurecr.io", username, "pass")).toThrow(
            /username must be non-empty and must not contain ':'/,
        );
    });

    it("refuses an empty password", () => {
        expect(() => dockerConfigJson("wizio.azurecr.io", "user", "")).toThrow(
            /password must be non-empty/,
        );
    });
});

describe("syncDelivery", () => {
    describe("with the sensor", () => {
        const delivery = syncDelivery({ sensor: true });

        it("mounts the two token secrets under the chart's key names and the docker config", () => {
            expect(delivery.objects).toEqual([
                { vaultSecretName: "wiz-client-id", alias: "clientId" },
                { vaultSecretName: "wiz-client-token", alias: "clientToken" },
                { vaultSecretName: "wiz-registry-dockerconfigjson", alias: "dockerconfigjson" },
            ]);
        });

        it("syncs the API token Secret with keys clientId and clientToken", () => {
            const token = delivery.secretObjects.find((s) => s.secretName === "wiz-api-token");
            expect(token).toEqual({
                secretName: "wiz-api-token",
                type: "Opaque",
                data: [
                    { objectName: "clientId", key: "clientId" },
                    { objectName: "clientToken", key: "clientToken" },
                ],
            });
            expect(delivery.apiTokenSecretName).toBe("wiz-api-token");
        });

        it("syncs a dockerconfigjson Secret holding .dockerconfigjson", () => {
            const pull = delivery.secretObjects.find(
                (s) => s.secretName === "wiz-sensor-pull-secret",
            );
            expect(pull?.type).toBe("kubernetes.io/dockerconfigjson");
            expect(pull?.data).toEqual([
                { objectName: "dockerconfigjson", key: ".dockerconfigjson" },
            ]);
            expect(delivery.imagePullSecretName).toBe("wiz-sensor-pull-secret");
            expect(delivery.secretObjects).toHaveLength(2);
        });

        it("reads every synced key from a mounted alias", () => {
            const aliases = new Set(delivery.objects.map((o) => o.alias));
            for (const secret of delivery.secretObjects) {
                for (const entry of secret.data) expect(aliases.has(entry.objectName)).toBe(true);
            }
        });
    });

    describe("without the sensor", () => {
        const delivery = syncDelivery({ sensor: false });

        it("has no registry object", () => {
            expect(delivery.objects).toEqual([
                { vaultSecretName: "wiz-client-id", alias: "clientId" },
                { vaultSecretName: "wiz-client-token", alias: "clientToken" },
            ]);
        });

        it("has no pull Secret", () => {
            expect(delivery.imagePullSecretName).toBeUndefined();
            expect(delivery.secretObjects.map((s) => s.secretName)).toEqual(["wiz-api-token"]);
            expect(
                delivery.secretObjects.some((s) => s.type === "kubernetes.io/dockerconfigjson"),
            ).toBe(false);
        });
    });

    it("returns fresh lists on each call", () => {
        const a = syncDelivery({ sensor: false });
        a.objects.push({ vaultSecretName: "x", alias: "x" });
        expect(syncDelivery({ sensor: false }).objects).toHaveLength(2);
    });
});
