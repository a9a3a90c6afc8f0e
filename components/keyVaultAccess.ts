/**
 * Read access for the workload identity to the vault's secrets, in the stack's authorization
 * mode: one standalone access policy granting `get` on secrets (effective at once), or one
 * Key Vault Secrets User role assignment per secret (propagates within minutes).
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as pulumi from "@pulumi/pulumi";
import { v5 as uuidv5 } from "uuid";
import type { AuthorizationMode } from "../stacks/config";

/** Built-in role "Key Vault Secrets User": read secret contents, nothing else. */
export const keyVaultSecretsUserRoleId = "4633458b-17de-408a-b874-0445c86b69e6";

/** Namespace of this project's deterministic role assignment names (a fixed random UUID). */
const assignmentNamespace = "6f1c5c57-2a3b-4e0e-9b7e-5d0c3f0a8e21";

/**
 * A role assignment name that is the same on every run for the same stack, vault secret and
 * role, and different across stacks and subscriptions: assignment names are GUIDs, unique per
 * scope, and a new name on each run would replace the assignment.
 */
export function roleAssignmentName(parts: {
    subscriptionId: string;
    resourceGroupName: string;
    stack: string;
    secretName: string;
    roleId: string;
}): string {
    return uuidv5(
        [
            parts.subscriptionId,
            parts.resourceGroupName,
            parts.stack,
            parts.secretName,
            parts.roleId,
        ].join("/"),
        assignmentNamespace,
    );
}

export interface KeyVaultAccessArgs {
    mode: AuthorizationMode;
    vault: keyvault.Vault;
    resourceGroupName: pulumi.Input<string>;
    tenantId: string;
    subscriptionId: string;
    stack: string;
    /** Principal (object) id of the managed identity. */
    principalId: pulumi.Input<string>;
    /** The vault secrets the identity reads, by Key Vault secret name. */
    secrets: Record<string, keyvault.Secret>;
}

export class KeyVaultAccess extends pulumi.ComponentResource {
    /** The resources that grant the access, for anything that must wait for it. */
    public readonly grants: pulumi.CustomResource[] = [];

    constructor(name: string, args: KeyVaultAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("wiz-infra:access:KeyVaultAccess", name, {}, opts);

        if (args.mode === "accessPolicy") {
            // `list` would only be needed for objectVersionHistory > 1, which is not used.
            this.grants.push(
                new keyvault.AccessPolicy(
                    "secrets-get",
                    {
                        resourceGroupName: args.resourceGroupName,
                        vaultName: args.vault.name,
                        policy: {
                            tenantId: args.tenantId,
                            objectId: args.principalId,
                            permissions: { secrets: ["get"] },
                        },
                    },
                    { parent: this },
                ),
            );
        } else {
            const roleDefinitionId = `/subscriptions/${args.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${keyVaultSecretsUserRoleId}`;
            for (const [secretName, secret] of Object.entries(args.secrets)) {
                this.grants.push(
                    new authorization.RoleAssignment(
                        `secrets-user-${secretName}`,
                        {
                            roleAssignmentName: pulumi
                                .output(args.resourceGroupName)
                                .apply((resourceGroupName) =>
                                    roleAssignmentName({
                                        subscriptionId: args.subscriptionId,
                                        resourceGroupName,
                                        stack: args.stack,
                                        secretName,
                                        roleId: keyVaultSecretsUserRoleId,
                                    }),
                                ),
                            // Scoped to the one secret, not the vault: the identity reads nothing else.
                            scope: secret.id,
                            roleDefinitionId,
                            principalId: args.principalId,
                            // Without it, ARM looks the principal up in Entra and can fail for a new identity.
                            principalType: "ServicePrincipal",
                        },
                        // The name stays when the principal changes (a replaced identity), and
                        // Azure refuses to repoint an assignment: remove the old one first.
                        { parent: this, deleteBeforeReplace: true },
                    ),
                );
            }
        }

        this.registerOutputs({});
    }
}
