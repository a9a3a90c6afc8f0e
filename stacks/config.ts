/**
 * The stack configuration: one schema for every `wiz-infra:*` key, validated with zod before any
 * resource is registered. Values arrive as the strings the Pulumi CLI hands the program; every
 * error names the key, the rule, the value received (never a secret's) and the fix.
 */

import * as pulumi from "@pulumi/pulumi";
import { distance } from "fastest-levenshtein";
import { z } from "zod";
import { supportedChartVersions } from "../lib/chartValues";
import { isDns1123Label, vaultNameProblem } from "../lib/names";

export const projectName = "wiz-infra";

/** Authorization modes of the vault: standalone access policy, or Azure RBAC role assignments. */
export const authorizationModes = ["accessPolicy", "rbac"] as const;
export type AuthorizationMode = (typeof authorizationModes)[number];

/** How the program reaches the cluster's API server. */
export const kubernetesProviderModes = ["cluster", "kubeconfig"] as const;

export const environments = ["development", "production"] as const;
export type Environment = (typeof environments)[number];

/** The validated, typed configuration of one stack. */
export interface StackConfig {
    project: string;
    stack: string;
    environment: Environment;
    location: string;
    resourceGroupName: string;
    createResourceGroup: boolean;
    cluster: {
        name: string;
        resourceGroupName: string;
        displayName: string;
    };
    keyVault: {
        /** Absent when the name is derived with a stable random suffix. */
        name?: string;
        authorization: AuthorizationMode;
        purgeProtection: boolean;
        softDeleteRetentionDays: number;
    };
    kubernetes: {
        provider: (typeof kubernetesProviderModes)[number];
        context?: string;
        namespace: string;
        serviceAccountName: string;
        holderReadyTimeoutMinutes: number;
    };
    wiz: {
        chartVersion: string;
        connector: boolean;
        sensor: boolean;
        admissionController: boolean;
        releaseTimeoutSeconds: number;
    };
    registry: {
        server: string;
        username?: string;
    };
    /** Keys of the secret config values, read with `Config.requireSecret` by the program. */
    secretKeys: {
        wizClientId: string;
        wizClientToken: string;
        registryPassword?: string;
    };
}

/** One problem with the stack configuration, rendered on one line. */
export interface ConfigIssue {
    key: string;
    message: string;
}

/** Thrown for invalid configuration: a user mistake, reported without a stack trace. */
export class ConfigError extends pulumi.RunError {
    constructor(public readonly issues: ConfigIssue[]) {
        super(issues.map((i) => i.message).join("\n"));
        this.name = "ConfigError";
    }
}

interface KeySpec {
    schema: z.ZodType;
    /** The rule in words, as the error states it. */
    rule: string;
    /** What to run or change; `{stack}` and `{key}` are filled in. */
    fix: string;
    description: string;
    default?: string | number | boolean;
    type: "string" | "integer" | "boolean";
    /** Required keys have no default; Pulumi.yaml declares optional ones with default "" (unset). */
    required?: true;
    secret?: boolean;
    /** Values that may hold a secret although the key is not one: never shown in messages. */
    hideValue?: (raw: string) => boolean;
}

const bool = z.stringbool({ truthy: ["true"], falsy: ["false"], case: "sensitive" });
const int = (min: number, max: number) =>
    z
        .string()
        .regex(/^-?\d+$/)
        .transform(Number)
        .pipe(z.number().int().min(min).max(max));
const dns1123 = z.string().refine(isDns1123Label);
/** Namespaces the cluster owns: creating one would fail, and destroying it must never happen. */
export const reservedNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];
const dns1123Rule =
    "must be a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit";
const nonEmpty = z.string().trim().min(1);
const setValue = "pulumi config set {key} <value> --stack {stack}";

/** Every key of the `wiz-infra` namespace. Pulumi.yaml declares the same keys for the CLI. */
export const keySpecs = {
    environment: {
        type: "string",
        schema: z.enum(environments),
        rule: `must be one of ${environments.join(", ")}`,
        fix: "pulumi config set {key} production --stack {stack}",
        description:
            "development or production; production protects the vault and warns without purge protection. Defaults to production for stacks whose name starts with 'prod'.",
    },
    resourceGroupName: {
        type: "string",
        required: true,
        schema: z.string().regex(/^[-\w.()]{0,89}[-\w()]$/),
        rule: "is required: 1-90 letters, digits, '-', '_', '.', '(', ')', not ending in '.'",
        fix: "pulumi config set {key} rg-wiz-{stack} --stack {stack}",
        description: "Resource group that holds the vault and the managed identity.",
    },
    createResourceGroup: {
        type: "boolean",
        schema: bool,
        default: true,
        rule: "must be true or false",
        fix: "pulumi config set {key} false --stack {stack}",
        description: "Create the resource group (true) or use an existing one (false).",
    },
    clusterName: {
        type: "string",
        required: true,
        schema: z.string().regex(/^[a-zA-Z0-9][-_a-zA-Z0-9]{0,61}[a-zA-Z0-9]$/),
        rule: "is required: the AKS cluster's name, 2-63 letters, digits, '-' or '_'",
        fix: "pulumi config set {key} <aks-name> --stack {stack}",
        description: "Name of the existing AKS cluster.",
    },
    clusterResourceGroupName: {
        type: "string",
        required: true,
        schema: z.string().regex(/^[-\w.()]{0,89}[-\w()]$/),
        rule: "is required: the resource group of the AKS cluster",
        fix: "pulumi config set {key} <aks-resource-group> --stack {stack}",
        description: "Resource group of the existing AKS cluster.",
    },
    clusterDisplayName: {
        type: "string",
        schema: nonEmpty.max(100),
        rule: "must be 1-100 characters",
        fix: setValue,
        description: "Name the cluster is shown under in Wiz. Defaults to the cluster name.",
    },
    keyVaultName: {
        type: "string",
        schema: z.string().refine((v) => vaultNameProblem(v) === undefined),
        rule: "must be a Key Vault name: 3-24 letters, digits and hyphens, starting with a letter, ending with a letter or digit, no '--'",
        fix: "pulumi config set {key} kv-wiz-app-01 --stack {stack}, or pulumi config rm {key} --stack {stack} to derive one",
        description:
            "Name of the vault (globally unique). Derived from the stack with a stable random suffix when absent.",
    },
    keyVaultAuthorization: {
        type: "string",
        schema: z.enum(authorizationModes),
        default: "accessPolicy",
        rule: `must be one of ${authorizationModes.join(", ")}`,
        fix: "pulumi config set {key} rbac --stack {stack}",
        description:
            "accessPolicy (standalone access policy, effective at once) or rbac (Key Vault Secrets User role assignments).",
    },
    keyVaultPurgeProtection: {
        type: "boolean",
        schema: bool,
        default: false,
        rule: "must be true or false",
        fix: "pulumi config set {key} true --stack {stack}",
        description: "Turn on purge protection. Irreversible once on; production stacks need it.",
    },
    keyVaultSoftDeleteRetentionDays: {
        type: "integer",
        schema: int(7, 90),
        default: 90,
        rule: "must be a whole number of days from 7 to 90 (Azure's range; fixed once the vault exists)",
        fix: "pulumi config set {key} 90 --stack {stack}",
        description: "Days a deleted vault or secret stays recoverable.",
    },
    kubernetesProvider: {
        type: "string",
        schema: z.enum(kubernetesProviderModes),
        default: "cluster",
        rule: `must be one of ${kubernetesProviderModes.join(", ")}`,
        fix: "pulumi config set {key} kubeconfig --stack {stack}",
        description:
            "cluster: credentials listed from the AKS cluster; kubeconfig: the ambient KUBECONFIG and context.",
    },
    kubeContext: {
        type: "string",
        schema: nonEmpty,
        rule: "must be a non-empty kubeconfig context name",
        fix: "pulumi config set {key} <context> --stack {stack}",
        description: "Context of the ambient kubeconfig to use (kubernetesProvider=kubeconfig).",
    },
    namespace: {
        type: "string",
        // The program creates and owns the namespace: never one of the cluster's own.
        schema: dns1123.refine((v) => !reservedNamespaces.includes(v)),
        default: "wiz",
        rule: `${dns1123Rule}, and not one of the cluster's own (${reservedNamespaces.join(", ")})`,
        fix: "pulumi config set {key} wiz --stack {stack}",
        description: "Namespace of the Wiz release, its ServiceAccount and the synced Secrets.",
    },
    serviceAccountName: {
        type: "string",
        // Kubernetes creates `default` in every namespace: the program could not own it.
        schema: dns1123.refine((v) => v !== "default"),
        default: "wiz-service-account",
        rule: `${dns1123Rule}, other than default`,
        fix: "pulumi config set {key} wiz-service-account --stack {stack}",
        description:
            "ServiceAccount federated with the managed identity; the holder pod runs as it.",
    },
    holderReadyTimeoutMinutes: {
        type: "integer",
        schema: int(1, 60),
        default: 10,
        rule: "must be a whole number of minutes from 1 to 60",
        fix: "pulumi config set {key} 10 --stack {stack}",
        description:
            "How long the first up waits for the secret-sync holder to be Ready (covers RBAC propagation and federated credential latency).",
    },
    wizChartVersion: {
        type: "string",
        schema: z.enum(supportedChartVersions),
        default: supportedChartVersions[0],
        rule: `must be a chart version whose values this project has indexed (${supportedChartVersions.join(", ")})`,
        fix: `pulumi config set {key} ${supportedChartVersions[0]} --stack {stack}`,
        description: "Exact version of the wiz-kubernetes-integration chart.",
    },
    wizConnector: {
        type: "boolean",
        schema: bool,
        default: true,
        rule: "must be true or false",
        fix: "pulumi config set {key} true --stack {stack}",
        description: "Install the Kubernetes connector and broker.",
    },
    wizSensor: {
        type: "boolean",
        schema: bool,
        default: true,
        rule: "must be true or false",
        fix: "pulumi config set {key} false --stack {stack}",
        description: "Install the runtime sensor (needs registry credentials).",
    },
    wizAdmissionController: {
        type: "boolean",
        schema: bool,
        default: true,
        rule: "must be true or false",
        fix: "pulumi config set {key} true --stack {stack}",
        description: "Install the admission controller.",
    },
    releaseTimeoutSeconds: {
        type: "integer",
        schema: int(60, 3600),
        default: 900,
        rule: "must be a whole number of seconds from 60 to 3600",
        fix: "pulumi config set {key} 900 --stack {stack}",
        description: "Helm timeout for the release, hooks included.",
    },
    registryServer: {
        type: "string",
        schema: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:\d+)?$/),
        default: "wizio.azurecr.io",
        rule: "must be a registry host name such as wizio.azurecr.io",
        fix: "pulumi config set {key} wizio.azurecr.io --stack {stack}",
        description: "Registry of the sensor image.",
    },
    registryUsername: {
        type: "string",
        // The docker config's `auth` is base64("user:password"): a colon would split it wrongly.
        schema: nonEmpty.refine((v) => !v.includes(":")),
        // A colon usually means `user:password` was pasted here.
        hideValue: (v) => v.includes(":"),
        rule: "must be a non-empty user name without ':'",
        fix: "pulumi config set {key} <user> --stack {stack}",
        description: "User name for the sensor registry (required when wizSensor is true).",
    },
    wizClientId: {
        type: "string",
        required: true,
        schema: nonEmpty,
        secret: true,
        rule: "is required and must be a secret",
        fix: "pulumi config set --secret {key} --stack {stack}",
        description: "Wiz service account client id (secret).",
    },
    wizClientToken: {
        type: "string",
        required: true,
        schema: nonEmpty,
        secret: true,
        rule: "is required and must be a secret",
        fix: "pulumi config set --secret {key} --stack {stack}",
        description: "Wiz service account client token (secret).",
    },
    registryPassword: {
        type: "string",
        schema: nonEmpty,
        secret: true,
        rule: "is required when wizSensor is true and must be a secret",
        fix: "pulumi config set --secret {key} --stack {stack}",
        description: "Password for the sensor registry (secret; required when wizSensor is true).",
    },
} satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof keySpecs;

/** `wiz-infra:<key>` */
export function fullKey(key: string): string {
    return `${projectName}:${key}`;
}

function describeValue(raw: string): string {
    const trimmed = raw.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
        try {
            const parsed: unknown = JSON.parse(trimmed);
            return Array.isArray(parsed) ? "a list" : "a mapping";
        } catch {
            // Not structured: show it as the string it is.
        }
    }
    const chars = [...raw];
    const shown = chars.length > 60 ? `${chars.slice(0, 57).join("")}...` : raw;
    return `"${shown}" (${chars.length} character${chars.length === 1 ? "" : "s"})`;
}

function fill(template: string, key: string, stack: string): string {
    return template.replaceAll("{key}", fullKey(key)).replaceAll("{stack}", stack);
}

/** What a message says about the value received: never the value of a secret. */
function received(raw: string | undefined, hidden: boolean): string {
    if (raw === undefined) return "it is not set";
    return hidden ? "got a value" : `got ${describeValue(raw)}`;
}

function issueFor(
    key: ConfigKey,
    raw: string | undefined,
    stack: string,
    options: { rule?: string; fix?: string } = {},
): ConfigIssue {
    const spec: KeySpec = keySpecs[key];
    return {
        key: fullKey(key),
        message: `${fullKey(key)} ${options.rule ?? spec.rule}; ${received(raw, spec.secret === true || (raw !== undefined && spec.hideValue?.(raw) === true))}. Fix: ${options.fix ?? fill(spec.fix, key, stack)}`,
    };
}

/** Stacks named prod, prod-weu, production… are production unless they say otherwise. */
export function defaultEnvironment(stack: string): Environment {
    return /^prod/i.test(stack) ? "production" : "development";
}

export interface ConfigInput {
    project?: string;
    stack: string;
    /** Every config value of the stack, keyed `namespace:key`, as the CLI hands them over. */
    values: Record<string, string>;
    /** Keys (`namespace:key`) whose values are secrets. */
    secretKeys: ReadonlySet<string>;
}

export interface LoadedConfig {
    config: StackConfig;
    warnings: string[];
}

/**
 * Validates the stack configuration. Throws {@link ConfigError} listing every problem found; never
 * includes a secret value in a message.
 */
export function parseStackConfig(input: ConfigInput): LoadedConfig {
    const { stack, values, secretKeys } = input;
    const project = input.project ?? projectName;
    const issues: ConfigIssue[] = [];
    const raw: Partial<Record<ConfigKey, string>> = {};
    const prefix = `${projectName}:`;

    for (const [k, v] of Object.entries(values)) {
        if (!k.startsWith(prefix)) {
            const namespace = k.split(":")[0];
            // Other namespaces belong to providers; one close to ours is a typo.
            const lower = namespace.toLowerCase();
            if (lower.startsWith("wiz") || distance(lower, projectName) <= 2) {
                issues.push({
                    key: k,
                    message: `${k} is not in the ${projectName} namespace, so the program would never read it. Fix: pulumi config rm ${k} --stack ${stack} and set it as ${prefix}${k.slice(namespace.length + 1)}`,
                });
            }
            continue;
        }
        const key = k.slice(prefix.length);
        if (!Object.hasOwn(keySpecs, key)) {
            issues.push({
                key: k,
                message: `${k} is not a key of this project; known keys: ${Object.keys(keySpecs).join(", ")}. Fix: pulumi config rm ${k} --stack ${stack}${suggestion(key)}`,
            });
            continue;
        }
        // Pulumi requires every declared key to have a value: "" is how this project says unset.
        if (v === "") continue;
        raw[key as ConfigKey] = v;
    }

    const parsed: Partial<Record<ConfigKey, unknown>> = {};
    for (const key of Object.keys(keySpecs) as ConfigKey[]) {
        const spec: KeySpec = keySpecs[key];
        const value = raw[key];
        if (value === undefined) {
            if (spec.required) issues.push(issueFor(key, undefined, stack));
            continue;
        }
        if (spec.secret && !secretKeys.has(fullKey(key))) {
            issues.push({
                key: fullKey(key),
                message: `${fullKey(key)} is stored in plain text but must be a secret. Fix: pulumi config rm ${fullKey(key)} --stack ${stack} && pulumi config set --secret ${fullKey(key)} --stack ${stack}`,
            });
            continue;
        }
        if (!spec.secret && secretKeys.has(fullKey(key))) {
            issues.push({
                key: fullKey(key),
                message: `${fullKey(key)} is stored as a secret but is not one: its value goes into names, labels and outputs. Fix: pulumi config rm ${fullKey(key)} --stack ${stack} && pulumi config set ${fullKey(key)} <value> --stack ${stack}`,
            });
            continue;
        }
        const result = spec.schema.safeParse(value);
        if (result.success) parsed[key] = result.data;
        else issues.push(issueFor(key, value, stack));
    }

    const location = values["azure-native:location"];
    if (location === undefined || !/^[a-z0-9]+$/.test(location)) {
        issues.push({
            key: "azure-native:location",
            message: `azure-native:location must be an Azure region name such as westeurope; ${received(location, secretKeys.has("azure-native:location"))}. Fix: pulumi config set azure-native:location westeurope --stack ${stack}`,
        });
    }

    const sensor = (parsed.wizSensor as boolean | undefined) ?? true;
    if (sensor) {
        if (raw.registryUsername === undefined) {
            issues.push(
                issueFor("registryUsername", undefined, stack, {
                    rule: "is required when wizSensor is true",
                }),
            );
        }
        if (raw.registryPassword === undefined)
            issues.push(issueFor("registryPassword", undefined, stack));
    }
    const providerMode = parsed.kubernetesProvider ?? "cluster";
    if (raw.kubeContext !== undefined && providerMode !== "kubeconfig") {
        issues.push(
            issueFor("kubeContext", raw.kubeContext, stack, {
                rule: "is used only with kubernetesProvider=kubeconfig",
                fix: `pulumi config set ${fullKey("kubernetesProvider")} kubeconfig --stack ${stack}`,
            }),
        );
    }
    const connector = (parsed.wizConnector as boolean | undefined) ?? true;
    const admission = (parsed.wizAdmissionController as boolean | undefined) ?? true;
    if (!connector && !sensor && !admission) {
        issues.push({
            key: fullKey("wizConnector"),
            message: `${fullKey("wizConnector")}, wizSensor and wizAdmissionController are all false: nothing would be installed. Fix: pulumi config set ${fullKey("wizConnector")} true --stack ${stack}`,
        });
    }

    if (issues.length > 0) throw new ConfigError(issues);

    const get = <T>(key: ConfigKey): T => {
        const spec: KeySpec = keySpecs[key];
        if (key in parsed) return parsed[key] as T;
        return (
            spec.default !== undefined ? spec.schema.parse(String(spec.default)) : undefined
        ) as T;
    };
    const environment =
        (parsed.environment as Environment | undefined) ?? defaultEnvironment(stack);
    const config: StackConfig = {
        project,
        stack,
        environment,
        location: location as string,
        resourceGroupName: get("resourceGroupName"),
        createResourceGroup: get("createResourceGroup"),
        cluster: {
            name: get("clusterName"),
            resourceGroupName: get("clusterResourceGroupName"),
            displayName:
                get<string | undefined>("clusterDisplayName") ?? get<string>("clusterName"),
        },
        keyVault: {
            name: get("keyVaultName"),
            authorization: get("keyVaultAuthorization"),
            purgeProtection: get("keyVaultPurgeProtection"),
            softDeleteRetentionDays: get("keyVaultSoftDeleteRetentionDays"),
        },
        kubernetes: {
            provider: get("kubernetesProvider"),
            context: get("kubeContext"),
            namespace: get("namespace"),
            serviceAccountName: get("serviceAccountName"),
            holderReadyTimeoutMinutes: get("holderReadyTimeoutMinutes"),
        },
        wiz: {
            chartVersion: get("wizChartVersion"),
            connector,
            sensor,
            admissionController: admission,
            releaseTimeoutSeconds: get("releaseTimeoutSeconds"),
        },
        registry: {
            server: get("registryServer"),
            username: sensor ? get("registryUsername") : undefined,
        },
        secretKeys: {
            wizClientId: "wizClientId",
            wizClientToken: "wizClientToken",
            registryPassword: sensor ? "registryPassword" : undefined,
        },
    };

    const warnings: string[] = [];
    if (environment === "production" && !config.keyVault.purgeProtection) {
        warnings.push(
            `${fullKey("keyVaultPurgeProtection")} is false on production stack ${stack}: a deleted vault and its secrets can be purged for good. Fix: pulumi config set ${fullKey("keyVaultPurgeProtection")} true --stack ${stack}`,
        );
    }
    return { config, warnings };
}

function suggestion(key: string): string {
    const lower = key.toLowerCase();
    const close = Object.keys(keySpecs).find(
        (k) => k.toLowerCase() === lower || distance(k.toLowerCase(), lower) <= 2,
    );
    return close ? ` (did you mean ${fullKey(close)}?)` : "";
}
