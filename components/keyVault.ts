/**
 * The Key Vault and the secrets the Wiz integration reads from it. Secret values are always
 * Pulumi secrets; creating them through ARM is a control-plane call, so the deployer needs no
 * data-plane role on the vault.
 */
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
    deriveVaultName,
    isVaultSecretName,
    vaultNameProblem,
    vaultSuffixLength,
} from "../lib/names";

export interface VaultSecretArgs {
    /** Key Vault secret name. */
    name: string;
    value: pulumi.Input<string>;
    contentType: string;
}

export interface KeyVaultArgs {
    resourceGroupName: pulumi.Input<string>;
    location: string;
    tenantId: string;
    /** Explicit vault name; derived from the stack with a stable random suffix when absent. */
    name?: string;
    /** Stack name, the readable part of a derived vault name. */
    stack: string;
    /** `true` for Azure RBAC, `false` for access policies: always set, never left to a default. */
    enableRbacAuthorization: boolean;
    purgeProtection: boolean;
    softDeleteRetentionDays: number;
    secrets: VaultSecretArgs[];
    /** Protect the vault from deletion (production). */
    protect: boolean;
    tags: Record<string, string>;
}

export class KeyVault extends pulumi.ComponentResource {
    public readonly vault: keyvault.Vault;
    public readonly vaultName: pulumi.Output<string>;
    public readonly vaultUri: pulumi.Output<string>;
    /** The secrets, by Key Vault secret name. */
    public readonly secrets: Record<string, keyvault.Secret> = {};

    constructor(name: string, args: KeyVaultArgs, opts?: pulumi.ComponentResourceOptions) {
        super("wiz-infra:keyvault:KeyVault", name, {}, opts);
        if (args.name !== undefined) {
            const problem = vaultNameProblem(args.name);
            if (problem) throw new Error(`vault name ${args.name} ${problem}`);
        }

        // Vault names are global and stay reserved while soft-deleted: a random suffix, kept in
        // state, avoids collisions without changing on later runs.
        const vaultName =
            args.name ??
            new random.RandomString(
                "vault-suffix",
                {
                    length: vaultSuffixLength,
                    upper: false,
                    special: false,
                    numeric: true,
                    lower: true,
                },
                { parent: this },
            ).result.apply((suffix) => deriveVaultName(args.stack, suffix));

        this.vault = new keyvault.Vault(
            "vault",
            {
                vaultName,
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                tags: args.tags,
                properties: {
                    tenantId: args.tenantId,
                    sku: { family: "A", name: "standard" },
                    enableRbacAuthorization: args.enableRbacAuthorization,
                    enableSoftDelete: true,
                    softDeleteRetentionInDays: args.softDeleteRetentionDays,
                    // Azure refuses `false` for purge protection: leave it out until it is on.
                    ...(args.purgeProtection ? { enablePurgeProtection: true } : {}),
                    // No inline access policies: access is granted by standalone resources only.
                },
            },
            { parent: this, protect: args.protect },
        );
        this.vaultName = this.vault.name;
        this.vaultUri = this.vault.properties.apply((p) => p.vaultUri ?? "");

        for (const secret of args.secrets) {
            if (!isVaultSecretName(secret.name))
                throw new Error(`vault secret name ${secret.name} is invalid`);
            this.secrets[secret.name] = new keyvault.Secret(
                secret.name,
                {
                    resourceGroupName: args.resourceGroupName,
                    vaultName: this.vault.name,
                    secretName: secret.name,
                    properties: {
                        value: pulumi.secret(secret.value),
                        contentType: secret.contentType,
                    },
                    tags: args.tags,
                },
                // The provider echoes the properties back; keep them encrypted in state.
                { parent: this, additionalSecretOutputs: ["properties"] },
            );
        }

        this.registerOutputs({ vaultName: this.vaultName, vaultUri: this.vaultUri });
    }
}
