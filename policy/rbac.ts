/**
 * Role assignment policies: the only role this stack hands out is Key Vault Secrets User, and
 * only on the vault (or one secret in it), never on a resource group or subscription.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { field, forTypes, shown, subject } from "./support";
import { roleAssignmentType } from "./types";

export const keyVaultSecretsUserRoleId = "4633458b-17de-408a-b874-0445c86b69e6";

/** Built-in roles named in messages, so a rejected id says what it would have granted. */
export const knownRoles: Readonly<Record<string, string>> = {
    [keyVaultSecretsUserRoleId]: "Key Vault Secrets User",
    "b86a8fe4-44ce-4948-aee5-eccb2c155cd7": "Key Vault Secrets Officer",
    "00482a5a-887f-4fb3-b363-3b7fe8e74483": "Key Vault Administrator",
    "f25e0fa2-a7c8-4377-a976-54943a77a395": "Key Vault Contributor",
    "21090545-7ca7-4776-b22c-e363652d74d2": "Key Vault Reader",
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
    "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
    "acdd72a7-3385-48ef-bd42-f606fba81ae7": "Reader",
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
    "f58310d9-a9f6-439a-9e8d-f62e7b41a168": "Role Based Access Control Administrator",
};

const roleDefinitionIdPattern =
    /^(?:\/subscriptions\/[^/]+)?\/providers\/Microsoft\.Authorization\/roleDefinitions\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** The role GUID of a role definition id, or undefined when the id has another shape. */
export function roleGuidOf(roleDefinitionId: string): string | undefined {
    return roleDefinitionIdPattern.exec(roleDefinitionId)?.[1]?.toLowerCase();
}

const assignmentLabel = (name: string) => subject("Role assignment", name);

export const roleAssignmentSecretsUserOnly: ResourceValidationPolicy = {
    name: "role-assignment-key-vault-secrets-user-only",
    description:
        "Role assignments in this stack may only grant Key Vault Secrets User " +
        `(${keyVaultSecretsUserRoleId}), which reads secret values and nothing else.`,
    severity: "critical",
    remediationSteps:
        "Set roleDefinitionId to /subscriptions/<subscription>/providers/Microsoft.Authorization/" +
        `roleDefinitions/${keyVaultSecretsUserRoleId}.`,
    validateResource: forTypes([roleAssignmentType], (args, report, checks) => {
        checks.run(() => {
            const id = field(args.props, "roleDefinitionId");
            const guid = typeof id === "string" ? roleGuidOf(id) : undefined;
            if (guid === keyVaultSecretsUserRoleId) return;
            const fix =
                "Grant Key Vault Secrets User instead: roleDefinitionId " +
                `/subscriptions/<subscription>/providers/Microsoft.Authorization/roleDefinitions/${keyVaultSecretsUserRoleId}.`;
            if (guid === undefined) {
                report(
                    `${assignmentLabel(args.name)}: roleDefinitionId is ${shown(id)}, which is ` +
                        `not a role definition id. ${fix}`,
                );
                return;
            }
            const role = knownRoles[guid] ?? "a role other than Key Vault Secrets User";
            report(
                `${assignmentLabel(args.name)}: roleDefinitionId ${shown(id)} grants ${role}; ` +
                    `only Key Vault Secrets User is allowed. ${fix}`,
            );
        });
    }),
};

const vaultScopePattern =
    /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.KeyVault\/vaults\/[^/]+(?:\/secrets\/[^/]+)?$/i;

/** True for a vault id, or the id of one secret in a vault. */
export function isVaultScope(scope: string): boolean {
    return vaultScopePattern.test(scope);
}

export const roleAssignmentVaultScope: ResourceValidationPolicy = {
    name: "role-assignment-vault-scope",
    description:
        "Role assignments must be scoped to a Key Vault or to one secret in it, never to a " +
        "resource group, a subscription or another resource.",
    severity: "critical",
    remediationSteps:
        "Set scope to the vault's id (/subscriptions/…/resourceGroups/…/providers/" +
        "Microsoft.KeyVault/vaults/<name>), or to …/vaults/<name>/secrets/<secret>.",
    validateResource: forTypes([roleAssignmentType], (args, report, checks) => {
        checks.run(() => {
            const scope = field(args.props, "scope");
            if (typeof scope === "string" && isVaultScope(scope)) return;
            report(
                `${assignmentLabel(args.name)}: scope is ${shown(scope)}, which is wider than ` +
                    "(or other than) a Key Vault. Scope the assignment to the vault: pass the " +
                    "vault's id, e.g. /subscriptions/<sub>/resourceGroups/<rg>/providers/" +
                    "Microsoft.KeyVault/vaults/<name>, or …/vaults/<name>/secrets/<secret>.",
            );
        });
    }),
};

export const roleAssignmentPolicies = [roleAssignmentSecretsUserOnly, roleAssignmentVaultScope];
