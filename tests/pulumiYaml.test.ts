import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { pulumiYamlConfig } from "../scripts/pulumi-yaml-config";
import { keySpecs, parseStackConfig } from "../stacks/config";

const root = path.resolve(__dirname, "..");
const readYaml = (file: string) => parse(fs.readFileSync(path.join(root, file), "utf8"));

const project = readYaml("Pulumi.yaml") as {
    name: string;
    config: Record<string, Record<string, unknown>>;
};
const stacks = {
    dev: readYaml("Pulumi.dev.yaml") as { config: Record<string, unknown> },
    prod: readYaml("Pulumi.prod.yaml") as { config: Record<string, unknown> },
};

/** Keys that must be set in every stack: no default in Pulumi.yaml. */
const requiredKeys = ["resourceGroupName", "clusterName", "clusterResourceGroupName"];
/** Required too, but declared with default "" so that the program names the command to run. */
const requiredSecrets = ["wizClientId", "wizClientToken"];

/** What the CLI hands a program for a stack that sets nothing: every declared default. */
function defaultsOf(config: Record<string, Record<string, unknown>>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(config)
            .filter(([, declaration]) => "default" in declaration)
            .map(([key, declaration]) => [`wiz-infra:${key}`, String(declaration.default)]),
    );
}

describe("Pulumi.yaml", () => {
    it("is the wiz-infra project", () => {
        expect(project.name).toBe("wiz-infra");
    });

    it("declares exactly the config the schema generates", () => {
        expect(project.config).toEqual(pulumiYamlConfig());
    });

    it("declares every key of the schema, and no other", () => {
        expect(Object.keys(project.config).sort()).toEqual(Object.keys(keySpecs).sort());
    });

    it("gives required keys no default, and every other key one", () => {
        for (const [key, declaration] of Object.entries(project.config)) {
            if (requiredKeys.includes(key)) expect(declaration, key).not.toHaveProperty("default");
            else expect(declaration, key).toHaveProperty("default");
        }
    });

    it("declares required secrets unset, so the program can say how to set them", () => {
        for (const key of requiredSecrets) {
            expect(project.config[key], key).toMatchObject({ default: "" });
            const { issues } = (() => {
                try {
                    parseStackConfig({
                        stack: "dev",
                        values: {
                            ...defaultsOf(project.config),
                            "azure-native:location": "westeurope",
                        },
                        secretKeys: new Set(),
                    });
                } catch (error) {
                    return error as { issues: { message: string }[] };
                }
                throw new Error("a stack without secrets was accepted");
            })();
            expect(issues.map((i) => i.message)).toContainEqual(
                expect.stringContaining(`pulumi config set --secret wiz-infra:${key} --stack dev`),
            );
        }
    });

    it("declares types and defaults as the program reads them", () => {
        const c = project.config;
        expect(c.keyVaultSoftDeleteRetentionDays).toMatchObject({ type: "integer", default: 90 });
        expect(c.holderReadyTimeoutMinutes).toMatchObject({ type: "integer", default: 10 });
        expect(c.releaseTimeoutSeconds).toMatchObject({ type: "integer", default: 900 });
        expect(c.wizSensor).toMatchObject({ type: "boolean", default: true });
        expect(c.keyVaultPurgeProtection).toMatchObject({ type: "boolean", default: false });
        expect(c.createResourceGroup).toMatchObject({ type: "boolean", default: true });
        expect(c.namespace).toMatchObject({ type: "string", default: "wiz" });
        expect(c.serviceAccountName).toMatchObject({
            type: "string",
            default: "wiz-service-account",
        });
        expect(c.keyVaultAuthorization).toMatchObject({ type: "string", default: "accessPolicy" });
        expect(c.wizChartVersion).toMatchObject({ type: "string", default: "0.3.65" });
        // optional keys without a value are declared unset
        expect(c.keyVaultName).toMatchObject({ type: "string", default: "" });
        expect(c.registryPassword).toMatchObject({ type: "string", default: "" });
        expect(c.environment).toMatchObject({ type: "string", default: "" });
    });

    it("describes every key", () => {
        for (const [key, declaration] of Object.entries(project.config)) {
            expect(typeof declaration.description, key).toBe("string");
            expect((declaration.description as string).length, key).toBeGreaterThan(10);
            expect(["string", "integer", "boolean"], key).toContain(declaration.type);
        }
    });
});

describe.each(Object.entries(stacks))("Pulumi.%s.yaml", (name, file) => {
    it("holds no secret", () => {
        const text = fs.readFileSync(path.join(root, `Pulumi.${name}.yaml`), "utf8");
        expect(text).not.toMatch(/secure:/);
        for (const value of Object.values(file.config)) expect(typeof value).not.toBe("object");
        for (const key of ["wizClientId", "wizClientToken", "registryPassword"]) {
            expect(Object.keys(file.config)).not.toContain(`wiz-infra:${key}`);
        }
    });

    it("sets only known keys", () => {
        for (const key of Object.keys(file.config)) {
            if (key.startsWith("wiz-infra:")) {
                expect(Object.keys(keySpecs), key).toContain(key.slice("wiz-infra:".length));
            } else {
                expect(key).toBe("azure-native:location");
            }
        }
    });

    it("is a valid stack once its secrets are set", () => {
        const values: Record<string, string> = {};
        for (const [k, v] of Object.entries(file.config)) values[k] = String(v);
        const secrets = {
            "wiz-infra:wizClientId": "canary-id",
            "wiz-infra:wizClientToken": "canary-token",
            "wiz-infra:registryPassword": "canary-password",
        };
        const { config, warnings } = parseStackConfig({
            stack: name,
            values: { ...values, ...secrets },
            secretKeys: new Set(Object.keys(secrets)),
        });
        expect(config.stack).toBe(name);
        expect(warnings).toEqual([]);
    });
});

describe("dev and prod stacks", () => {
    const dev = stacks.dev.config;
    const prod = stacks.prod.config;

    it("runs prod as production with RBAC, purge protection and 90 days retention", () => {
        expect(prod["wiz-infra:environment"]).toBe("production");
        expect(prod["wiz-infra:keyVaultAuthorization"]).toBe("rbac");
        expect(prod["wiz-infra:keyVaultPurgeProtection"]).toBe(true);
        expect(prod["wiz-infra:keyVaultSoftDeleteRetentionDays"]).toBe(90);
    });

    it("runs dev as development", () => {
        expect(dev["wiz-infra:environment"]).toBe("development");
        expect(dev["wiz-infra:keyVaultPurgeProtection"]).toBe(false);
    });

    it("points prod at another cluster and resource groups than dev", () => {
        expect(prod["wiz-infra:clusterName"]).not.toBe(dev["wiz-infra:clusterName"]);
        expect(prod["wiz-infra:clusterResourceGroupName"]).not.toBe(
            dev["wiz-infra:clusterResourceGroupName"],
        );
        expect(prod["wiz-infra:resourceGroupName"]).not.toBe(dev["wiz-infra:resourceGroupName"]);
    });
});
