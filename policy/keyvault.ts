/**
 * Key Vault policies: the vault that holds the Wiz credentials must survive deletion, say
 * explicitly how access is authorised, and hand the workload identity nothing beyond reading
 * secrets.
 */
import type {
    PolicyResource,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import { Checks, elements, field, forTypes, path, shown, subject } from "./support";
import { accessPolicyType, vaultType } from "./types";

const vaultLabel = (name: string) => subject("Key Vault", name);
const accessPolicyLabel = (name: string) => subject("Key Vault access policy", name);

export const keyVaultPurgeProtection: ResourceValidationPolicy = {
    name: "keyvault-purge-protection",
    description:
        "Key Vaults must enable purge protection, so that a deleted vault and its secrets " +
        "cannot be purged before the soft-delete retention period ends.",
    severity: "high",
    remediationSteps: "Set properties.enablePurgeProtection to true on the vault.",
    validateResource: forTypes([vaultType], (args, report, checks) => {
        checks.run(() => {
            const value = path(args.props, ["properties", "enablePurgeProtection"]);
            if (value !== true) {
                report(
                    `${vaultLabel(args.name)}: properties.enablePurgeProtection is ${shown(value)}, ` +
                        "but must be true. Set enablePurgeProtection: true; note that Azure " +
                        "never lets it be turned off again and keeps the vault name reserved " +
                        "until the retention period of a deleted vault has passed.",
                );
            }
        });
    }),
};

/** Azure's bounds for soft-delete retention. */
const azureMinRetentionDays = 7;
const azureMaxRetentionDays = 90;
export const defaultMinRetentionDays = 90;

export interface RetentionConfig {
    minRetentionDays?: number;
}

export const keyVaultSoftDeleteRetention: ResourceValidationPolicy = {
    name: "keyvault-soft-delete-retention",
    description:
        "Key Vaults must keep soft delete on and set softDeleteRetentionInDays explicitly to at " +
        "least the configured minimum (minRetentionDays).",
    severity: "medium",
    remediationSteps:
        "Set properties.enableSoftDelete to true and properties.softDeleteRetentionInDays to a " +
        "whole number of days between minRetentionDays and 90.",
    configSchema: {
        properties: {
            minRetentionDays: {
                type: "integer",
                minimum: azureMinRetentionDays,
                maximum: azureMaxRetentionDays,
                default: defaultMinRetentionDays,
                description: "Fewest days a deleted vault must stay recoverable.",
            },
        },
    },
    validateResource: forTypes([vaultType], (args, report, checks) => {
        const min = args.getConfig<RetentionConfig>().minRetentionDays ?? defaultMinRetentionDays;
        const allowed =
            min >= azureMaxRetentionDays
                ? `Set it to ${azureMaxRetentionDays}.`
                : `Set it to between ${min} and ${azureMaxRetentionDays}.`;
        checks.run(() => {
            const softDelete = path(args.props, ["properties", "enableSoftDelete"]);
            if (softDelete === false) {
                report(
                    `${vaultLabel(args.name)}: properties.enableSoftDelete is false. ` +
                        "Set enableSoftDelete: true (or leave it out: Azure turns it on for every " +
                        "new vault and no longer lets it be turned off).",
                );
            }
        });
        checks.run(() => {
            const days = path(args.props, ["properties", "softDeleteRetentionInDays"]);
            if (typeof days !== "number" || !Number.isInteger(days)) {
                report(
                    `${vaultLabel(args.name)}: properties.softDeleteRetentionInDays is ` +
                        `${shown(days)}, but must be set explicitly to a whole number of days. ` +
                        allowed,
                );
            } else if (days < min) {
                report(
                    `${vaultLabel(args.name)}: properties.softDeleteRetentionInDays is ${days}, ` +
                        `below the minimum of ${min} days for this stack. ${allowed}`,
                );
            }
        });
    }),
};

export const keyVaultAuthorizationModeExplicit: ResourceValidationPolicy = {
    name: "keyvault-authorization-mode-explicit",
    description:
        "Key Vaults must set enableRbacAuthorization to true or false, so that the choice " +
        "between Azure RBAC and access policies is made in code and not by an API default.",
    severity: "medium",
    remediationSteps:
        "Set properties.enableRbacAuthorization to true (Azure RBAC) or false (access policies).",
    validateResource: forTypes([vaultType], (args, report, checks) => {
        checks.run(() => {
            const value = path(args.props, ["properties", "enableRbacAuthorization"]);
            if (typeof value !== "boolean") {
                report(
                    `${vaultLabel(args.name)}: properties.enableRbacAuthorization is ` +
                        `${shown(value)}, but must be a boolean. Set it to true to authorise ` +
                        "with Azure RBAC role assignments, or false to use access policies.",
                );
            }
        });
    }),
};

export const keyVaultRbacNoAccessPolicies: ResourceValidationPolicy = {
    name: "keyvault-rbac-no-access-policies",
    description:
        "A Key Vault that authorises with Azure RBAC must not list access policies: Azure " +
        "ignores them, so they only suggest access that nobody has.",
    severity: "medium",
    remediationSteps:
        "Remove properties.accessPolicies and grant access with a role assignment of Key Vault " +
        "Secrets User scoped to the vault instead.",
    validateResource: forTypes([vaultType], (args, report, checks) => {
        checks.run(() => {
            const rbac = path(args.props, ["properties", "enableRbacAuthorization"]);
            if (rbac !== true) return;
            const inline = elements(path(args.props, ["properties", "accessPolicies"]));
            if (inline.length > 0) {
                report(
                    `${vaultLabel(args.name)}: properties.accessPolicies has ${inline.length} ` +
                        "entries while properties.enableRbacAuthorization is true. Remove the " +
                        "access policies and assign the Key Vault Secrets User role on the vault.",
                );
            }
        });
    }),
};

const secretsOnlyGet = ["get"];
const otherPermissionKinds = ["keys", "certificates", "storage"] as const;

/** What is wrong with an access policy's `permissions`, one sentence per problem. */
export function permissionProblems(permissions: unknown, where: string): string[] {
    const problems: string[] = [];
    const secrets = field(permissions, "secrets");
    const granted = elements(secrets).map((p) => String(p).toLowerCase());
    const extra = [...new Set(granted.filter((p) => !secretsOnlyGet.includes(p)))];
    if (extra.length > 0) {
        problems.push(
            `${where}.secrets grants ${extra.map((p) => JSON.stringify(p)).join(", ")} beyond "get"`,
        );
    }
    if (!granted.includes("get") && !granted.includes("all")) {
        problems.push(
            `${where}.secrets is ${shown(secrets)} and does not grant "get", which the CSI ` +
                "driver needs to read the secrets",
        );
    }
    for (const kind of otherPermissionKinds) {
        const value = field(permissions, kind);
        if (elements(value).length > 0) {
            problems.push(`${where}.${kind} grants ${shown(value)}, but must be empty`);
        }
    }
    return problems;
}

const getOnlyFix =
    'Grant exactly secrets: ["get"] and no keys, certificates or storage permissions.';

export const keyVaultAccessPolicyGetSecretsOnly: ResourceValidationPolicy = {
    name: "keyvault-access-policy-get-secrets-only",
    description:
        'Key Vault access policies, standalone or inline on a vault, may grant only "get" on ' +
        "secrets: no list, set, delete or other secret permissions, and no key, certificate or " +
        "storage permissions.",
    severity: "high",
    remediationSteps: getOnlyFix,
    validateResource: forTypes([accessPolicyType, vaultType], (args, report, checks) => {
        if (args.type === accessPolicyType) {
            checks.run(() => {
                const permissions = path(args.props, ["policy", "permissions"]);
                for (const problem of permissionProblems(permissions, "policy.permissions")) {
                    report(`${accessPolicyLabel(args.name)}: ${problem}. ${getOnlyFix}`);
                }
            });
            return;
        }
        const inline = checks.read(() =>
            elements(path(args.props, ["properties", "accessPolicies"])),
        );
        if (!inline.known) return;
        for (const [i, entry] of inline.value.entries()) {
            checks.run(() => {
                const where = `properties.accessPolicies[${i}].permissions`;
                for (const problem of permissionProblems(field(entry, "permissions"), where)) {
                    report(`${vaultLabel(args.name)}: ${problem}. ${getOnlyFix}`);
                }
            });
        }
    }),
};

function objectIdOf(entry: unknown): string | undefined {
    const id = field(entry, "objectId");
    return typeof id === "string" ? id.toLowerCase() : undefined;
}

/**
 * Stack policies see resource outputs, and after a refresh a vault's outputs list every access
 * policy on the vault, the standalone ones included. Entries whose principal a standalone
 * resource manages are therefore not counted as inline.
 */
function inlineOnlyEntries(vault: PolicyResource, standalonePrincipals: Set<string>): unknown[] {
    return elements(path(vault.props, ["properties", "accessPolicies"])).filter((entry) => {
        const id = objectIdOf(entry);
        return id === undefined || !standalonePrincipals.has(id);
    });
}

export const keyVaultAccessPolicySingleSource: StackValidationPolicy = {
    name: "keyvault-access-policy-single-source",
    description:
        "A stack must not both list access policies inline on a Key Vault " +
        "(properties.accessPolicies) and create standalone azure-native:keyvault:AccessPolicy " +
        "resources: each update of the vault would overwrite the standalone ones.",
    severity: "high",
    remediationSteps:
        "Keep one source of access policies: remove properties.accessPolicies from the vault " +
        "and keep the AccessPolicy resources, or the other way round.",
    validateStack: (args, report) => {
        const checks = new Checks();
        const standalone = args.resources.filter((r) => r.type === accessPolicyType);
        const vaults = args.resources.filter((r) => r.type === vaultType);
        if (standalone.length === 0 || vaults.length === 0) return;
        const principals = new Set<string>();
        for (const resource of standalone) {
            checks.run(() => {
                const id = objectIdOf(path(resource.props, ["policy"]));
                if (id !== undefined) principals.add(id);
            });
        }
        const names = standalone.map((r) => JSON.stringify(r.name)).join(", ");
        for (const vault of vaults) {
            checks.run(() => {
                const inline = inlineOnlyEntries(vault, principals);
                if (inline.length === 0) return;
                const ids = inline.map((e) => shown(field(e, "objectId"))).join(", ");
                report(
                    `${vaultLabel(vault.name)}: properties.accessPolicies lists ${inline.length} ` +
                        `entries (objectId ${ids}) while the stack also creates standalone ` +
                        `access policies (${names}). Move every grant into AccessPolicy ` +
                        "resources and leave properties.accessPolicies empty, or drop the " +
                        "AccessPolicy resources.",
                    vault.urn,
                );
            });
        }
        checks.settle();
    },
};

export const keyVaultPolicies = [
    keyVaultPurgeProtection,
    keyVaultSoftDeleteRetention,
    keyVaultAuthorizationModeExplicit,
    keyVaultRbacNoAccessPolicies,
    keyVaultAccessPolicyGetSecretsOnly,
    keyVaultAccessPolicySingleSource,
];
