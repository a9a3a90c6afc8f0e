import { Secret } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import {
    credentialShape,
    helmChartVersionPinned,
    helmValuesNoPlaintextSecrets,
    isCredentialKey,
    versionProblem,
} from "../../policy/policies";
import { helmReleaseType } from "../../policy/types";
import { check, previewProps, unknownString } from "./helpers";

/** Values shaped like the ones the program gives the wiz-kubernetes-integration chart. */
function wizValues(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        global: {
            clusterDisplayName: "aks-prod-weu",
            commonLabels: { "app.kubernetes.io/part-of": "wiz" },
            wizApiToken: { secret: { create: false, name: "wiz-api-token" } },
        },
        "wiz-kubernetes-connector": { enabled: true },
        "wiz-admission-controller": {
            enabled: true,
            opaWebhook: {
                namespaceSelector: {
                    matchExpressions: [
                        { key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["wiz"] },
                    ],
                },
            },
        },
        "wiz-sensor": {
            enabled: true,
            imagePullSecret: { required: true, create: false, name: "wiz-pull-secret" },
        },
        ...extra,
    };
}

function release(props: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        chart: "wiz-kubernetes-integration",
        version: "0.3.65",
        repositoryOpts: { repo: "https://wiz-sec.github.io/charts" },
        namespace: "wiz",
        values: wizValues(),
        atomic: true,
        cleanupOnFail: true,
        timeout: 600,
        ...props,
    };
}

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const b64url = (text: string) => Buffer.from(text, "utf8").toString("base64url");
const jwt = `${b64url('{"alg":"RS256","typ":"JWT"}')}.${b64url('{"sub":"wiz"}')}.c2lnbmF0dXJl`;
const dockerConfig = JSON.stringify({
    auths: { "wizio.azurecr.io": { auth: b64("wiz-pull:s3cr3t-v4lue") } },
});

describe("versionProblem", () => {
    it.each(["0.3.65", "1.0.0", "2.1.0-rc.1", "10.20.30-alpha-beta.7"])("accepts %s", (v) => {
        expect(versionProblem(v)).toBeUndefined();
    });

    it.each([
        ["", "leaves Helm to install the newest chart version"],
        [undefined, "leaves Helm to install the newest chart version"],
        ["^0.3.65", "is a version range"],
        ["~0.3", "is a version range"],
        [">=0.3.0", "is a version range"],
        ["<1.0.0", "is a version range"],
        ["*", "is a version range"],
        ["0.3.x", "is a version range"],
        ["0.3.65 || 0.3.66", "is a version range"],
        ["0.3", "is not an exact X.Y.Z version"],
        ["v0.3.65", "is not an exact X.Y.Z version"],
        ["latest", "is not an exact X.Y.Z version"],
    ])("rejects %s", (version, problem) => {
        expect(versionProblem(version)).toContain(problem);
    });
});

describe("helm-chart-version-pinned", () => {
    it("passes an exact chart version", async () => {
        const { messages } = await check(helmChartVersionPinned, helmReleaseType, release());
        expect(messages).toEqual([]);
    });

    it("fails a version range", async () => {
        const { messages } = await check(
            helmChartVersionPinned,
            helmReleaseType,
            release({ version: "^0.3.0" }),
            { name: "wiz" },
        );
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain('Helm release "wiz"');
        expect(messages[0]).toContain('version is "^0.3.0", which is a version range');
        expect(messages[0]).toContain("Set version to the exact chart version");
    });

    it("fails a release without a version", async () => {
        const { messages } = await check(
            helmChartVersionPinned,
            helmReleaseType,
            release({ version: undefined }),
            { name: "wiz" },
        );
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain(
            "version is not set, which leaves Helm to install the newest chart version",
        );
    });

    it("leaves charts read from a local directory alone", async () => {
        const { messages } = await check(
            helmChartVersionPinned,
            helmReleaseType,
            release({ chart: "./charts/holder", version: undefined }),
        );
        expect(messages).toEqual([]);
    });
});

describe("isCredentialKey", () => {
    it.each(["token", "clientToken", "clientId", "password", "apiKey", "client_secret"])(
        "treats %s as a credential key",
        (key) => {
            expect(isCredentialKey(key)).toBe(true);
        },
    );

    it.each(["name", "secretName", "existingSecret", "imagePullSecrets", "tokenFile", "create"])(
        "treats %s as a reference or plain key",
        (key) => {
            expect(isCredentialKey(key)).toBe(false);
        },
    );
});

describe("credentialShape", () => {
    it.each([
        [jwt, "a JWT"],
        [dockerConfig, "a Docker config JSON"],
        [b64(dockerConfig), "a base64-encoded Docker config JSON"],
        [b64("wiz-pull:s3cr3t-v4lue"), "a base64-encoded user:password pair"],
        [
            "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----",
            "a PEM private key",
        ],
        [JSON.stringify({ clientId: "x", clientSecret: "y" }), "a JSON credential file"],
    ])("recognises %s as %s", (text, shape) => {
        expect(credentialShape(text)).toBe(shape);
    });

    it.each([
        "wiz-api-token",
        "aks-prod-weu",
        "kubernetes.io/metadata.name",
        "123e4567-e89b-12d3-a456-426614174000",
        "MyClusterDisplayName2024",
        b64("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"),
        "https://wiz-sec.github.io/charts",
    ])("does not flag %s", (text) => {
        expect(credentialShape(text)).toBeUndefined();
    });
});

describe("helm-values-no-plaintext-secrets", () => {
    it("passes values that only name the synced Secrets", async () => {
        const { messages } = await check(helmValuesNoPlaintextSecrets, helmReleaseType, release());
        expect(messages).toEqual([]);
    });

    it("fails a token and a client id in plain text, without printing them", async () => {
        const values = wizValues({
            global: {
                wizApiToken: {
                    clientId: "wiz-client-0123456789",
                    clientToken: "Zm9vYmFyYmF6cXV4cXV1eA-plain",
                },
            },
        });
        const { messages } = await check(
            helmValuesNoPlaintextSecrets,
            helmReleaseType,
            release({ values }),
            { name: "wiz" },
        );
        expect(messages).toHaveLength(2);
        expect(messages[0]).toContain('Helm release "wiz"');
        expect(messages[0]).toContain(
            "values.global.wizApiToken.clientId holds a 21-character string (value withheld)",
        );
        expect(messages[1]).toContain("values.global.wizApiToken.clientToken holds");
        expect(messages[1]).toContain("Key Vault");
        expect(messages[1]).toContain("global.wizApiToken.secret.name");
        for (const message of messages) {
            expect(message).not.toContain("wiz-client-0123456789");
            expect(message).not.toContain("Zm9vYmFy");
        }
    });

    it("fails a password nested in a list", async () => {
        const values = { extraEnv: [{ name: "PROXY", password: "hunter2-hunter2" }] };
        const { messages } = await check(
            helmValuesNoPlaintextSecrets,
            helmReleaseType,
            release({ values }),
        );
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain("values.extraEnv[0].password holds a 15-character string");
        expect(messages[0]).not.toContain("hunter2");
    });

    it("fails a Docker config and a JWT under harmless-looking keys", async () => {
        const values = wizValues({
            "wiz-sensor": { enabled: true, registryConfig: b64(dockerConfig) },
            extra: { note: jwt },
        });
        const { messages } = await check(
            helmValuesNoPlaintextSecrets,
            helmReleaseType,
            release({ values }),
        );
        expect(messages).toHaveLength(2);
        expect(messages[0]).toContain(
            "values.wiz-sensor.registryConfig looks like a base64-encoded Docker config JSON",
        );
        expect(messages[1]).toContain("values.extra.note looks like a JWT (value withheld)");
        for (const message of messages) expect(message).not.toContain("s3cr3t");
    });

    it("fails a Pulumi secret under a credential key", async () => {
        const values = { global: { wizApiToken: { clientToken: new Secret("from-config") } } };
        const { messages } = await check(
            helmValuesNoPlaintextSecrets,
            helmReleaseType,
            release({ values }),
        );
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain(
            "values.global.wizApiToken.clientToken holds a Pulumi secret (value withheld)",
        );
        expect(messages[0]).not.toContain("from-config");
    });

    it("ignores empty strings and non-string values under credential keys", async () => {
        const values = { auth: { token: "", tokenTtl: 3600, password: false } };
        const { messages } = await check(
            helmValuesNoPlaintextSecrets,
            helmReleaseType,
            release({ values }),
        );
        expect(messages).toEqual([]);
    });

    it("defers an unknown value in a preview but still reports the known ones", async () => {
        const values = {
            global: { wizApiToken: { secret: { name: unknownString } } },
            proxy: { password: "hunter2-hunter2" },
        };
        const outcome = await check(
            helmValuesNoPlaintextSecrets,
            helmReleaseType,
            previewProps(release({ values })),
        );
        expect(outcome.messages).toHaveLength(1);
        expect(outcome.messages[0]).toContain("values.proxy.password");
        expect(outcome.deferred).toContain(".values.global.wizApiToken.secret.name");
    });
});
