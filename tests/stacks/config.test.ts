import { describe, expect, it } from "vitest";
import {
    ConfigError,
    type ConfigInput,
    type ConfigIssue,
    defaultEnvironment,
    fullKey,
    parseStackConfig,
} from "../../stacks/config";

const canaries = {
    "wiz-infra:wizClientId": "canary-client-id-3e9d1a",
    "wiz-infra:wizClientToken": "canary-client-token-58c0f7",
    "wiz-infra:registryPassword": "canary-registry-password-a4b62e",
} as const;
const secretKeyNames = Object.keys(canaries);

/** Pulumi.dev.yaml as the CLI hands it to the program (all strings), plus the secrets. */
function devValues(): Record<string, string> {
    return {
        "azure-native:location": "westeurope",
        "wiz-infra:environment": "development",
        "wiz-infra:resourceGroupName": "rg-wiz-dev-weu",
        "wiz-infra:createResourceGroup": "true",
        "wiz-infra:clusterName": "aks-dev-weu-01",
        "wiz-infra:clusterResourceGroupName": "rg-aks-dev-weu",
        "wiz-infra:clusterDisplayName": "aks-dev-weu-01",
        "wiz-infra:keyVaultAuthorization": "accessPolicy",
        "wiz-infra:keyVaultPurgeProtection": "false",
        "wiz-infra:keyVaultSoftDeleteRetentionDays": "7",
        "wiz-infra:namespace": "wiz",
        "wiz-infra:serviceAccountName": "wiz-service-account",
        "wiz-infra:wizChartVersion": "0.3.65",
        "wiz-infra:wizConnector": "true",
        "wiz-infra:wizSensor": "true",
        "wiz-infra:wizAdmissionController": "true",
        "wiz-infra:registryServer": "wizio.azurecr.io",
        "wiz-infra:registryUsername": "wiz-sensor-pull-dev",
        ...canaries,
    };
}

/** Only what must be set: every other key is left to its default. */
function minimalValues(): Record<string, string> {
    return {
        "azure-native:location": "westeurope",
        "wiz-infra:resourceGroupName": "rg-wiz-dev-weu",
        "wiz-infra:clusterName": "aks-dev-weu-01",
        "wiz-infra:clusterResourceGroupName": "rg-aks-dev-weu",
        "wiz-infra:registryUsername": "wiz-sensor-pull-dev",
        ...canaries,
    };
}

interface Options {
    stack?: string;
    base?: () => Record<string, string>;
    /** Values to set; `undefined` removes the key. */
    set?: Record<string, string | undefined>;
    /** Keys handed over as plain values although they are secrets. */
    plain?: string[];
    /** Other keys the user stored with --secret. */
    secret?: string[];
}

function input(options: Options = {}): ConfigInput {
    const values = (options.base ?? devValues)();
    for (const [k, v] of Object.entries(options.set ?? {})) {
        if (v === undefined) delete values[k];
        else values[k] = v;
    }
    const plain = new Set(options.plain ?? []);
    return {
        stack: options.stack ?? "dev",
        values,
        secretKeys: new Set([
            ...secretKeyNames.filter((k) => !plain.has(k)),
            ...(options.secret ?? []),
        ]),
    };
}

function parse(options: Options = {}) {
    return parseStackConfig(input(options));
}

function issuesOf(options: Options): ConfigIssue[] {
    try {
        parseStackConfig(input(options));
    } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        const issues = (error as ConfigError).issues;
        // the thrown message is the issues, one per line
        expect((error as ConfigError).message).toBe(issues.map((i) => i.message).join("\n"));
        for (const canary of Object.values(canaries)) {
            expect((error as ConfigError).message).not.toContain(canary);
        }
        return issues;
    }
    throw new Error("parseStackConfig accepted the config");
}

/** The one issue of the given key, checked to hold each of the given fragments. */
function issueFor(options: Options, key: string, ...fragments: string[]): ConfigIssue {
    const issues = issuesOf(options);
    const found = issues.filter((i) => i.key === key);
    expect(found, JSON.stringify(issues, null, 1)).toHaveLength(1);
    const issue = found[0] as ConfigIssue;
    expect(issue.message.startsWith(key), issue.message).toBe(true);
    for (const fragment of fragments) expect(issue.message).toContain(fragment);
    return issue;
}

/** How a non-secret value received is shown. */
const got = (value: string) =>
    `got "${value}" (${[...value].length} character${[...value].length === 1 ? "" : "s"})`;

describe("parseStackConfig: a full valid stack", () => {
    const { config, warnings } = parse();

    it("has the typed values of the stack file", () => {
        expect(config).toEqual({
            project: "wiz-infra",
            stack: "dev",
            environment: "development",
            location: "westeurope",
            resourceGroupName: "rg-wiz-dev-weu",
            createResourceGroup: true,
            cluster: {
                name: "aks-dev-weu-01",
                resourceGroupName: "rg-aks-dev-weu",
                displayName: "aks-dev-weu-01",
            },
            keyVault: {
                name: undefined,
                authorization: "accessPolicy",
                purgeProtection: false,
                softDeleteRetentionDays: 7,
            },
            kubernetes: {
                provider: "cluster",
                context: undefined,
                namespace: "wiz",
                serviceAccountName: "wiz-service-account",
                holderReadyTimeoutMinutes: 10,
            },
            wiz: {
                chartVersion: "0.3.65",
                connector: true,
                sensor: true,
                admissionController: true,
                releaseTimeoutSeconds: 900,
            },
            registry: { server: "wizio.azurecr.io", username: "wiz-sensor-pull-dev" },
            secretKeys: {
                wizClientId: "wizClientId",
                wizClientToken: "wizClientToken",
                registryPassword: "registryPassword",
            },
        });
        expect(warnings).toEqual([]);
    });

    it("never holds a secret value", () => {
        const text = JSON.stringify(config);
        for (const canary of Object.values(canaries)) expect(text).not.toContain(canary);
    });

    it("takes the project name from the input", () => {
        expect(parseStackConfig({ ...input(), project: "other" }).config.project).toBe("other");
    });

    it("parses every value of every type", () => {
        const c = parse({
            set: {
                "wiz-infra:createResourceGroup": "false",
                "wiz-infra:keyVaultName": "kv-wiz-dev-01",
                "wiz-infra:keyVaultAuthorization": "rbac",
                "wiz-infra:keyVaultPurgeProtection": "true",
                "wiz-infra:keyVaultSoftDeleteRetentionDays": "30",
                "wiz-infra:kubernetesProvider": "kubeconfig",
                "wiz-infra:kubeContext": "aks-dev-admin",
                "wiz-infra:namespace": "security-tools",
                "wiz-infra:serviceAccountName": "wiz-sa",
                "wiz-infra:holderReadyTimeoutMinutes": "15",
                "wiz-infra:releaseTimeoutSeconds": "1200",
                "wiz-infra:clusterDisplayName": "Payments",
                "wiz-infra:registryServer": "registry.internal:5000",
            },
        }).config;
        expect(c.createResourceGroup).toBe(false);
        expect(c.keyVault).toEqual({
            name: "kv-wiz-dev-01",
            authorization: "rbac",
            purgeProtection: true,
            softDeleteRetentionDays: 30,
        });
        expect(c.kubernetes).toEqual({
            provider: "kubeconfig",
            context: "aks-dev-admin",
            namespace: "security-tools",
            serviceAccountName: "wiz-sa",
            holderReadyTimeoutMinutes: 15,
        });
        expect(c.wiz.releaseTimeoutSeconds).toBe(1200);
        expect(c.cluster.displayName).toBe("Payments");
        expect(c.registry.server).toBe("registry.internal:5000");
    });
});

describe("parseStackConfig: defaults", () => {
    const { config } = parse({ base: minimalValues });

    it("fills every optional key", () => {
        expect(config.environment).toBe("development");
        expect(config.createResourceGroup).toBe(true);
        expect(config.cluster.displayName).toBe("aks-dev-weu-01");
        expect(config.keyVault).toEqual({
            name: undefined,
            authorization: "accessPolicy",
            purgeProtection: false,
            softDeleteRetentionDays: 90,
        });
        expect(config.kubernetes).toEqual({
            provider: "cluster",
            context: undefined,
            namespace: "wiz",
            serviceAccountName: "wiz-service-account",
            holderReadyTimeoutMinutes: 10,
        });
        expect(config.wiz).toEqual({
            chartVersion: "0.3.65",
            connector: true,
            sensor: true,
            admissionController: true,
            releaseTimeoutSeconds: 900,
        });
        expect(config.registry.server).toBe("wizio.azurecr.io");
    });

    it("treats an empty string as unset", () => {
        const c = parse({
            set: {
                "wiz-infra:keyVaultName": "",
                "wiz-infra:namespace": "",
                "wiz-infra:clusterDisplayName": "",
                "wiz-infra:keyVaultSoftDeleteRetentionDays": "",
                "wiz-infra:environment": "",
                "wiz-infra:kubeContext": "",
            },
        }).config;
        expect(c.keyVault.name).toBeUndefined();
        expect(c.kubernetes.namespace).toBe("wiz");
        expect(c.cluster.displayName).toBe("aks-dev-weu-01");
        expect(c.keyVault.softDeleteRetentionDays).toBe(90);
        expect(c.environment).toBe("development");
        expect(c.kubernetes.context).toBeUndefined();
    });

    it("treats an empty required secret as not set", () => {
        issueFor(
            { set: { "wiz-infra:wizClientToken": "" } },
            "wiz-infra:wizClientToken",
            "it is not set",
            "Fix: pulumi config set --secret wiz-infra:wizClientToken --stack dev",
        );
    });

    it("ignores keys of other namespaces", () => {
        expect(() =>
            parse({ set: { "azure-native:subscriptionId": "x", "kubernetes:context": "y" } }),
        ).not.toThrow();
    });
});

describe("parseStackConfig: environment", () => {
    it.each([
        ["prod-weu", "production"],
        ["prod", "production"],
        ["production", "production"],
        ["PROD", "production"],
        ["dev", "development"],
        ["staging", "development"],
        ["preprod", "development"],
    ])("stack %s defaults to %s", (stack, environment) => {
        expect(defaultEnvironment(stack)).toBe(environment);
        const c = parse({ stack, set: { "wiz-infra:environment": undefined } }).config;
        expect(c.environment).toBe(environment);
    });

    it("lets the stack say otherwise", () => {
        expect(
            parse({ stack: "prod-weu", set: { "wiz-infra:environment": "development" } }).config
                .environment,
        ).toBe("development");
    });

    it("warns, without failing, on a production stack without purge protection", () => {
        const { config, warnings } = parse({
            stack: "prod-weu",
            set: { "wiz-infra:environment": undefined },
        });
        expect(config.environment).toBe("production");
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toContain("wiz-infra:keyVaultPurgeProtection");
        expect(warnings[0]).toContain("prod-weu");
        expect(warnings[0]).toContain(
            "Fix: pulumi config set wiz-infra:keyVaultPurgeProtection true --stack prod-weu",
        );
    });

    it("warns on a dev-named stack declared production", () => {
        const { warnings } = parse({ set: { "wiz-infra:environment": "production" } });
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toContain("--stack dev");
    });

    it("does not warn with purge protection on", () => {
        const { warnings } = parse({
            stack: "prod",
            set: {
                "wiz-infra:environment": undefined,
                "wiz-infra:keyVaultPurgeProtection": "true",
            },
        });
        expect(warnings).toEqual([]);
    });

    it("refuses an unknown environment", () => {
        issueFor(
            { set: { "wiz-infra:environment": "staging" } },
            "wiz-infra:environment",
            "must be one of development, production",
            got("staging"),
            "Fix: pulumi config set wiz-infra:environment production --stack dev",
        );
    });
});

describe("parseStackConfig: keyVaultName", () => {
    const fix =
        "Fix: pulumi config set wiz-infra:keyVaultName kv-wiz-app-01 --stack dev, or pulumi config rm wiz-infra:keyVaultName --stack dev to derive one";
    const rule = "must be a Key Vault name: 3-24 letters, digits and hyphens";

    it.each([
        ["too long", "kv-wiz-abcdefghijklmnopqr"],
        ["too short", "kv"],
        ["starting with a digit", "1kv-wiz-dev"],
        ["with --", "kv--wiz-dev"],
        ["ending with a hyphen", "kv-wiz-dev-"],
        ["with an underscore", "kv_wiz_dev"],
    ])("refuses a name %s", (_why, name) => {
        if (_why === "too long") expect(name).toHaveLength(25);
        issueFor(
            { set: { "wiz-infra:keyVaultName": name } },
            "wiz-infra:keyVaultName",
            rule,
            got(name),
            fix,
        );
    });

    it("accepts a valid name", () => {
        expect(
            parse({ set: { "wiz-infra:keyVaultName": "kv-wiz-dev-01" } }).config.keyVault.name,
        ).toBe("kv-wiz-dev-01");
    });

    it("suggests a name that is itself valid, whatever the stack is called", () => {
        for (const stack of ["dev", "staging-westeurope", "feature_x"]) {
            const issue = issueFor(
                { stack, set: { "wiz-infra:keyVaultName": "1bad" } },
                "wiz-infra:keyVaultName",
            );
            const suggested = /pulumi config set wiz-infra:keyVaultName (\S+) --stack/.exec(
                issue.message,
            )?.[1];
            expect(suggested, issue.message).toBeDefined();
            const name = suggested as string;
            expect(name.length, name).toBeLessThanOrEqual(24);
            expect(name, name).toMatch(/^[A-Za-z](?:[A-Za-z0-9]|-(?!-))*[A-Za-z0-9]$/);
        }
    });
});

describe("parseStackConfig: keyVaultSoftDeleteRetentionDays", () => {
    it.each(["6", "91", "abc", "7.5", "-7", "0", " 30"])("refuses %j", (days) => {
        issueFor(
            { set: { "wiz-infra:keyVaultSoftDeleteRetentionDays": days } },
            "wiz-infra:keyVaultSoftDeleteRetentionDays",
            "must be a whole number of days from 7 to 90",
            got(days),
            "Fix: pulumi config set wiz-infra:keyVaultSoftDeleteRetentionDays 90 --stack dev",
        );
    });

    it.each([
        ["7", 7],
        ["90", 90],
        ["45", 45],
    ])("accepts %s", (days, expected) => {
        expect(
            parse({ set: { "wiz-infra:keyVaultSoftDeleteRetentionDays": days } }).config.keyVault
                .softDeleteRetentionDays,
        ).toBe(expected);
    });
});

describe("parseStackConfig: Kubernetes names", () => {
    const long = "a".repeat(64);

    it.each([
        ["namespace", "Wiz"],
        ["namespace", "wiz_ns"],
        ["namespace", "-wiz"],
        ["serviceAccountName", "Wiz-SA"],
        ["serviceAccountName", "wiz_sa"],
    ])("refuses %s %j", (key, value) => {
        const fixValue = key === "namespace" ? "wiz" : "wiz-service-account";
        issueFor(
            { set: { [fullKey(key)]: value } },
            fullKey(key),
            "must be a DNS-1123 label",
            got(value),
            `Fix: pulumi config set ${fullKey(key)} ${fixValue} --stack dev`,
        );
    });

    it.each(["namespace", "serviceAccountName"])("refuses a 64 character %s", (key) => {
        issueFor(
            { set: { [fullKey(key)]: long } },
            fullKey(key),
            "at most 63",
            // long values are cut in the message, their length is given
            `got "${"a".repeat(57)}..." (64 characters)`,
        );
    });

    it.each(["default", "kube-system", "kube-public", "kube-node-lease"])(
        "refuses the cluster's own namespace %s, which the program would create and own",
        (value) => {
            issueFor(
                { set: { "wiz-infra:namespace": value } },
                "wiz-infra:namespace",
                "not one of the cluster's own",
                got(value),
            );
        },
    );

    it("refuses the ServiceAccount every namespace already has", () => {
        issueFor(
            { set: { "wiz-infra:serviceAccountName": "default" } },
            "wiz-infra:serviceAccountName",
            "other than default",
            got("default"),
        );
    });

    it("counts characters, not UTF-16 units, and says 1 character", () => {
        issueFor({ set: { "wiz-infra:namespace": "ü" } }, "wiz-infra:namespace", got("ü"));
        expect(got("ü")).toBe('got "ü" (1 character)');
        issueFor(
            { set: { "wiz-infra:namespace": "wiz-🚀" } },
            "wiz-infra:namespace",
            '"wiz-🚀" (5 characters)',
        );
    });

    it("accepts a 63 character namespace", () => {
        expect(
            parse({ set: { "wiz-infra:namespace": "a".repeat(63) } }).config.kubernetes.namespace,
        ).toBe("a".repeat(63));
    });
});

describe("parseStackConfig: enumerations and booleans", () => {
    it.each(["RBAC", "keyvault", "access-policy"])("refuses authorization %j", (mode) => {
        issueFor(
            { set: { "wiz-infra:keyVaultAuthorization": mode } },
            "wiz-infra:keyVaultAuthorization",
            "must be one of accessPolicy, rbac",
            got(mode),
            "Fix: pulumi config set wiz-infra:keyVaultAuthorization rbac --stack dev",
        );
    });

    it("refuses an unknown kubernetesProvider", () => {
        issueFor(
            { set: { "wiz-infra:kubernetesProvider": "kubectl" } },
            "wiz-infra:kubernetesProvider",
            "must be one of cluster, kubeconfig",
            got("kubectl"),
            "Fix: pulumi config set wiz-infra:kubernetesProvider kubeconfig --stack dev",
        );
    });

    it.each([
        ["wizSensor", "yes", "false"],
        ["wizConnector", "yes", "true"],
        ["wizAdmissionController", "1", "true"],
        ["createResourceGroup", "no", "false"],
        ["keyVaultPurgeProtection", "on", "true"],
        ["wizSensor", "TRUE", "false"],
        ["keyVaultPurgeProtection", "False", "true"],
    ])("refuses boolean %s = %j", (key, value, fixValue) => {
        issueFor(
            { set: { [fullKey(key)]: value } },
            fullKey(key),
            "must be true or false",
            got(value),
            `Fix: pulumi config set ${fullKey(key)} ${fixValue} --stack dev`,
        );
    });

    it("refuses a chart version it has not indexed", () => {
        issueFor(
            { set: { "wiz-infra:wizChartVersion": "0.3.64" } },
            "wiz-infra:wizChartVersion",
            "must be a chart version whose values this project has indexed (0.3.65)",
            got("0.3.64"),
            "Fix: pulumi config set wiz-infra:wizChartVersion 0.3.65 --stack dev",
        );
    });
});

describe("parseStackConfig: other rules", () => {
    it.each([
        ["holderReadyTimeoutMinutes", "0", "from 1 to 60", "10"],
        ["holderReadyTimeoutMinutes", "61", "from 1 to 60", "10"],
        ["releaseTimeoutSeconds", "59", "from 60 to 3600", "900"],
        ["releaseTimeoutSeconds", "3601", "from 60 to 3600", "900"],
        ["registryServer", "https://wizio.azurecr.io", "registry host name", "wizio.azurecr.io"],
        ["registryServer", "WIZIO.azurecr.io", "registry host name", "wizio.azurecr.io"],
    ])("refuses %s = %j", (key, value, rule, fixValue) => {
        issueFor(
            { set: { [fullKey(key)]: value } },
            fullKey(key),
            rule,
            got(value),
            `Fix: pulumi config set ${fullKey(key)} ${fixValue} --stack dev`,
        );
    });

    it.each([
        ["resourceGroupName", "rg-wiz-dev."],
        ["resourceGroupName", "rg wiz"],
        ["clusterName", "-aks"],
        ["clusterName", "a"],
        ["clusterResourceGroupName", "rg/aks"],
    ])("refuses %s = %j", (key, value) => {
        issueFor(
            { set: { [fullKey(key)]: value } },
            fullKey(key),
            "is required",
            got(value),
            `--stack dev`,
        );
    });

    it.each(["resourceGroupName", "clusterResourceGroupName"])(
        "accepts a one-character %s, as Azure does, and a 90-character one",
        (key) => {
            for (const value of ["r", "r".repeat(90)]) {
                const { config } = parse({ set: { [fullKey(key)]: value } });
                const read =
                    key === "resourceGroupName"
                        ? config.resourceGroupName
                        : config.cluster.resourceGroupName;
                expect(read).toBe(value);
            }
            issueFor({ set: { [fullKey(key)]: "r".repeat(91) } }, fullKey(key), "(91 characters)");
        },
    );

    it("refuses a display name over 100 characters", () => {
        const name = "n".repeat(101);
        issueFor(
            { set: { "wiz-infra:clusterDisplayName": name } },
            "wiz-infra:clusterDisplayName",
            "must be 1-100 characters",
            "(101 characters)",
            "Fix: pulumi config set wiz-infra:clusterDisplayName <value> --stack dev",
        );
    });

    it("refuses a blank registry user", () => {
        issueFor(
            { set: { "wiz-infra:registryUsername": "   " } },
            "wiz-infra:registryUsername",
            "must be a non-empty user name",
            got("   "),
        );
    });

    it("refuses a registry user with a colon, which would split the docker config's auth", () => {
        issueFor(
            { set: { "wiz-infra:registryUsername": "team:pull" } },
            "wiz-infra:registryUsername",
            "without ':'",
            "got a value",
            "Fix: pulumi config set wiz-infra:registryUsername <user> --stack dev",
        );
    });

    it.each([
        [
            "resourceGroupName",
            "pulumi config set wiz-infra:resourceGroupName rg-wiz-dev --stack dev",
        ],
        ["clusterName", "pulumi config set wiz-infra:clusterName <aks-name> --stack dev"],
        [
            "clusterResourceGroupName",
            "pulumi config set wiz-infra:clusterResourceGroupName <aks-resource-group> --stack dev",
        ],
    ])("requires %s", (key, fix) => {
        issueFor(
            { set: { [fullKey(key)]: undefined } },
            fullKey(key),
            "is required",
            "it is not set",
            fix,
        );
    });

    it("shows a structured value as what it is", () => {
        issueFor(
            { set: { "wiz-infra:namespace": '{"name":"wiz"}' } },
            "wiz-infra:namespace",
            "got a mapping",
        );
        issueFor(
            { set: { "wiz-infra:namespace": '["wiz"]' } },
            "wiz-infra:namespace",
            "got a list",
        );
    });
});

describe("parseStackConfig: location", () => {
    it("requires azure-native:location", () => {
        issueFor(
            { set: { "azure-native:location": undefined } },
            "azure-native:location",
            "must be an Azure region name",
            "it is not set",
            "Fix: pulumi config set azure-native:location westeurope --stack dev",
        );
    });

    it("refuses a display name for a region", () => {
        issueFor(
            { set: { "azure-native:location": "West Europe" } },
            "azure-native:location",
            got("West Europe"),
            "pulumi config set azure-native:location westeurope --stack dev",
        );
    });
});

describe("parseStackConfig: the sensor's registry credentials", () => {
    it("requires registryUsername with the sensor on", () => {
        issueFor(
            { set: { "wiz-infra:registryUsername": undefined } },
            "wiz-infra:registryUsername",
            "is required when wizSensor is true",
            "it is not set",
            "Fix: pulumi config set wiz-infra:registryUsername <user> --stack dev",
        );
    });

    it("requires registryPassword with the sensor on", () => {
        issueFor(
            { set: { "wiz-infra:registryPassword": undefined } },
            "wiz-infra:registryPassword",
            "is required when wizSensor is true and must be a secret",
            "it is not set",
            "Fix: pulumi config set --secret wiz-infra:registryPassword --stack dev",
        );
    });

    it("requires them with the sensor left to its default (on)", () => {
        const issues = issuesOf({
            set: {
                "wiz-infra:wizSensor": undefined,
                "wiz-infra:registryUsername": undefined,
                "wiz-infra:registryPassword": undefined,
            },
        });
        expect(issues.map((i) => i.key).sort()).toEqual([
            "wiz-infra:registryPassword",
            "wiz-infra:registryUsername",
        ]);
    });

    it("needs neither with the sensor off", () => {
        const { config } = parse({
            set: {
                "wiz-infra:wizSensor": "false",
                "wiz-infra:registryUsername": undefined,
                "wiz-infra:registryPassword": undefined,
            },
        });
        expect(config.wiz.sensor).toBe(false);
        expect(config.registry.username).toBeUndefined();
        expect(config.secretKeys.registryPassword).toBeUndefined();
    });
});

describe("parseStackConfig: secrets", () => {
    it.each(secretKeyNames)("refuses %s in plain text, without showing it", (key) => {
        const issue = issueFor(
            { plain: [key] },
            key,
            "must be a secret",
            "plain text",
            `Fix: pulumi config rm ${key} --stack dev && pulumi config set --secret ${key} --stack dev`,
        );
        expect(issue.message).not.toContain(canaries[key as keyof typeof canaries]);
    });

    it.each(["wizClientId", "wizClientToken"])("requires %s", (key) => {
        issueFor(
            { set: { [fullKey(key)]: undefined } },
            fullKey(key),
            "is required and must be a secret",
            "it is not set",
            `Fix: pulumi config set --secret ${fullKey(key)} --stack dev`,
        );
    });

    it("names the stack in the fix of a missing secret", () => {
        issueFor(
            { stack: "prod-weu", set: { "wiz-infra:wizClientToken": undefined } },
            "wiz-infra:wizClientToken",
            "pulumi config set --secret wiz-infra:wizClientToken --stack prod-weu",
        );
    });

    it("refuses a key stored as a secret that is not one, without showing it", () => {
        const value = "canary-decrypted-d41c/x";
        for (const key of [
            "wiz-infra:registryServer",
            "wiz-infra:namespace",
            "wiz-infra:wizSensor",
        ]) {
            const issue = issueFor(
                { set: { [key]: value }, secret: [key] },
                key,
                "is stored as a secret but is not one",
                `Fix: pulumi config rm ${key} --stack dev && pulumi config set ${key} <value> --stack dev`,
            );
            expect(issue.message).not.toContain(value);
        }
    });

    it("never shows the location when it is stored as a secret", () => {
        const value = "canary-decrypted-d41c/x";
        const location = issueFor(
            { set: { "azure-native:location": value }, secret: ["azure-native:location"] },
            "azure-native:location",
            "got a value",
        );
        expect(location.message).not.toContain(value);
    });

    it("never shows an invalid secret's value", () => {
        const issue = issueFor(
            { set: { "wiz-infra:wizClientToken": "  \t  " } },
            "wiz-infra:wizClientToken",
            "got a value",
        );
        expect(issue.message).not.toContain("\t");
    });
});

describe("parseStackConfig: unknown keys", () => {
    it("suggests the key a typo meant", () => {
        issueFor(
            { set: { "wiz-infra:nameSpace": "security-tools" } },
            "wiz-infra:nameSpace",
            "is not a key of this project",
            "Fix: pulumi config rm wiz-infra:nameSpace --stack dev",
            "did you mean wiz-infra:namespace?",
        );
    });

    it.each([
        ["wiz-infra:keyVaultAuthorisation", "wiz-infra:keyVaultAuthorization"],
        ["wiz-infra:wizsensor", "wiz-infra:wizSensor"],
        ["wiz-infra:clustername", "wiz-infra:clusterName"],
    ])("suggests for %s", (typo, meant) => {
        issueFor({ set: { [typo]: "x" } }, typo, `did you mean ${meant}?`);
    });

    it("refuses a mistyped key even when its value is empty", () => {
        issueFor(
            { set: { "wiz-infra:clusterNmae": "" } },
            "wiz-infra:clusterNmae",
            "did you mean wiz-infra:clusterName?",
        );
    });

    it("suggests nothing for a key far from any", () => {
        const issue = issueFor({ set: { "wiz-infra:colour": "blue" } }, "wiz-infra:colour");
        expect(issue.message).not.toContain("did you mean");
        expect(issue.message).toContain("known keys:");
    });

    it("never shows the value of a mistyped key, which may be a secret", () => {
        const value = "canary-typo-secret-77d1";
        const issue = issueFor(
            { set: { "wiz-infra:wizClientTokn": value } },
            "wiz-infra:wizClientTokn",
        );
        expect(issue.message).not.toContain(value);
        expect(issue.message).toContain("did you mean wiz-infra:wizClientToken?");
    });
});

describe("parseStackConfig: keys outside the project's namespace", () => {
    it.each([
        "wiz-infr:namespace",
        "wizinfra:namespace",
        "Wiz-Infra:namespace",
        "wiz-infrastructure:namespace",
        "wiz:namespace",
    ])("refuses %s, a namespace one typo away from the project's", (key) => {
        issueFor(
            { set: { [key]: "security-tools" } },
            key,
            "not in the wiz-infra namespace",
            "set it as wiz-infra:namespace",
        );
    });

    it("leaves providers' namespaces alone", () => {
        expect(() =>
            parse({
                set: {
                    "azure-native:subscriptionId": "x",
                    "kubernetes:context": "y",
                    "pulumi:tags": "{}",
                },
            }),
        ).not.toThrow();
    });
});

describe("parseStackConfig: combinations", () => {
    it("refuses kubeContext without the kubeconfig provider", () => {
        issueFor(
            { set: { "wiz-infra:kubeContext": "aks-dev-admin" } },
            "wiz-infra:kubeContext",
            "used only with kubernetesProvider=kubeconfig",
            got("aks-dev-admin"),
            "Fix: pulumi config set wiz-infra:kubernetesProvider kubeconfig --stack dev",
        );
    });

    it("asks for a context name, not the provider, when kubeContext is blank", () => {
        issueFor(
            {
                set: {
                    "wiz-infra:kubernetesProvider": "kubeconfig",
                    "wiz-infra:kubeContext": "  ",
                },
            },
            "wiz-infra:kubeContext",
            "must be a non-empty kubeconfig context name",
            "Fix: pulumi config set wiz-infra:kubeContext <context> --stack dev",
        );
    });

    it("refuses all three components off", () => {
        issueFor(
            {
                set: {
                    "wiz-infra:wizConnector": "false",
                    "wiz-infra:wizSensor": "false",
                    "wiz-infra:wizAdmissionController": "false",
                },
            },
            "wiz-infra:wizConnector",
            "wizSensor",
            "wizAdmissionController",
            "all false",
            "Fix: pulumi config set wiz-infra:wizConnector true --stack dev",
        );
    });

    it.each([
        ["wizConnector", "wizSensor"],
        ["wizConnector", "wizAdmissionController"],
        ["wizSensor", "wizAdmissionController"],
    ])("accepts %s and %s off", (a, b) => {
        const { config } = parse({ set: { [fullKey(a)]: "false", [fullKey(b)]: "false" } });
        const on = [config.wiz.connector, config.wiz.sensor, config.wiz.admissionController];
        expect(on.filter(Boolean)).toHaveLength(1);
    });

    it("reports every problem at once", () => {
        const issues = issuesOf({
            set: {
                "wiz-infra:keyVaultName": "kv--bad",
                "wiz-infra:keyVaultSoftDeleteRetentionDays": "91",
                "wiz-infra:namespace": "Wiz",
                "wiz-infra:nameSpace": "wiz",
                "wiz-infra:clusterName": undefined,
                "azure-native:location": undefined,
            },
            plain: ["wiz-infra:wizClientToken"],
        });
        expect(issues.map((i) => i.key).sort()).toEqual(
            [
                "azure-native:location",
                "wiz-infra:clusterName",
                "wiz-infra:keyVaultName",
                "wiz-infra:keyVaultSoftDeleteRetentionDays",
                "wiz-infra:nameSpace",
                "wiz-infra:namespace",
                "wiz-infra:wizClientToken",
            ].sort(),
        );
    });

    it("is a ConfigError that Pulumi reports without a stack trace", () => {
        try {
            parse({ set: { "wiz-infra:namespace": "Wiz" } });
            expect.unreachable();
        } catch (error) {
            expect(error).toBeInstanceOf(ConfigError);
            expect((error as Error).name).toBe("ConfigError");
            expect((error as ConfigError).issues).toHaveLength(1);
        }
    });
});

describe("fullKey", () => {
    it("prefixes the project namespace", () => {
        expect(fullKey("namespace")).toBe("wiz-infra:namespace");
    });
});
