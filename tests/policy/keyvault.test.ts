import { describe, expect, it } from "vitest";
import {
    keyVaultAccessPolicyGetSecretsOnly,
    keyVaultAccessPolicySingleSource,
    keyVaultAuthorizationModeExplicit,
    keyVaultPurgeProtection,
    keyVaultRbacNoAccessPolicies,
    keyVaultSoftDeleteRetention,
} from "../../policy/policies";
import { accessPolicyType, vaultType } from "../../policy/types";
import { check, previewProps, stackArgs, unknownArray, urnOf, validateStack } from "./helpers";

const tenantId = "00000000-0000-0000-0000-000000000001";
const objectId = "11111111-2222-3333-4444-555555555555";

function vault(properties: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        vaultName: "kv-wiz-prod-a1b2c3",
        resourceGroupName: "rg-wiz-prod",
        location: "westeurope",
        properties: {
            tenantId,
            sku: { family: "A", name: "standard" },
            enableRbacAuthorization: true,
            enableSoftDelete: true,
            softDeleteRetentionInDays: 90,
            enablePurgeProtection: true,
            ...properties,
        },
    };
}

function accessPolicy(permissions: Record<string, unknown>, principal = objectId) {
    return {
        resourceGroupName: "rg-wiz-prod",
        vaultName: "kv-wiz-prod-a1b2c3",
        policy: { tenantId, objectId: principal, permissions },
    };
}

describe("keyvault-purge-protection", () => {
    it("passes a vault with purge protection on", async () => {
        const { messages } = await check(keyVaultPurgeProtection, vaultType, vault(), {
            name: "wiz-vault",
        });
        expect(messages).toEqual([]);
    });

    it.each([
        ["not set", undefined],
        ["false", false],
    ])("fails a vault whose enablePurgeProtection is %s", async (shownAs, value) => {
        const { messages } = await check(
            keyVaultPurgeProtection,
            vaultType,
            vault({ enablePurgeProtection: value }),
            { name: "wiz-vault" },
        );
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain('Key Vault "wiz-vault"');
        expect(messages[0]).toContain(`properties.enablePurgeProtection is ${shownAs}`);
        expect(messages[0]).toContain("enablePurgeProtection: true");
    });

    it("does not apply to other resource types", async () => {
        const outcome = await check(keyVaultPurgeProtection, accessPolicyType, {});
        expect(outcome.notApplicable).toContain(vaultType);
        expect(outcome.report).not.toHaveBeenCalled();
    });
});

describe("keyvault-soft-delete-retention", () => {
    const prod = { minRetentionDays: 90 };
    const dev = { minRetentionDays: 7 };

    it("passes 90 days against the prod minimum", async () => {
        const { messages } = await check(keyVaultSoftDeleteRetention, vaultType, vault(), {
            config: prod,
        });
        expect(messages).toEqual([]);
    });

    it("fails 30 days against the prod minimum of 90", async () => {
        const { messages } = await check(
            keyVaultSoftDeleteRetention,
            vaultType,
            vault({ softDeleteRetentionInDays: 30 }),
            { name: "wiz-vault", config: prod },
        );
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain('Key Vault "wiz-vault"');
        expect(messages[0]).toContain("properties.softDeleteRetentionInDays is 30");
        expect(messages[0]).toContain("minimum of 90 days");
        expect(messages[0]).toContain("Set it to 90.");
    });

    it("passes 7 days against the dev minimum", async () => {
        const { messages } = await check(
            keyVaultSoftDeleteRetention,
            vaultType,
            vault({ softDeleteRetentionInDays: 7 }),
            { config: dev },
        );
        expect(messages).toEqual([]);
    });

    it("uses 90 days when the stack sets no minimum", async () => {
        const { messages } = await check(
            keyVaultSoftDeleteRetention,
            vaultType,
            vault({ softDeleteRetentionInDays: 7 }),
        );
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain("minimum of 90 days");
    });

    it("fails a vault that leaves the retention to the API default", async () => {
        const { messages } = await check(
            keyVaultSoftDeleteRetention,
            vaultType,
            vault({ softDeleteRetentionInDays: undefined }),
            { name: "wiz-vault", config: dev },
        );
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain("properties.softDeleteRetentionInDays is not set");
        expect(messages[0]).toContain("Set it to between 7 and 90.");
    });

    it("fails a vault that turns soft delete off", async () => {
        const { messages } = await check(
            keyVaultSoftDeleteRetention,
            vaultType,
            vault({ enableSoftDelete: false }),
            { name: "wiz-vault", config: dev },
        );
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain("properties.enableSoftDelete is false");
        expect(messages[0]).toContain("enableSoftDelete: true");
    });
});

describe("keyvault-authorization-mode-explicit", () => {
    it.each([true, false])("passes enableRbacAuthorization: %s", async (rbac) => {
        const { messages } = await check(
            keyVaultAuthorizationModeExplicit,
            vaultType,
            vault({ enableRbacAuthorization: rbac }),
        );
        expect(messages).toEqual([]);
    });

    it.each([
        ["not set", undefined],
        ['"true"', "true"],
    ])("fails enableRbacAuthorization %s", async (shownAs, value) => {
        const { messages } = await check(
            keyVaultAuthorizationModeExplicit,
            vaultType,
            vault({ enableRbacAuthorization: value }),
            { name: "wiz-vault" },
        );
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain('Key Vault "wiz-vault"');
        expect(messages[0]).toContain(`properties.enableRbacAuthorization is ${shownAs}`);
        expect(messages[0]).toContain("must be a boolean");
    });
});

describe("keyvault-rbac-no-access-policies", () => {
    const inline = [{ tenantId, objectId, permissions: { secrets: ["get"] } }];

    it("passes an RBAC vault without access policies", async () => {
        const { messages } = await check(
            keyVaultRbacNoAccessPolicies,
            vaultType,
            vault({ accessPolicies: [] }),
        );
        expect(messages).toEqual([]);
    });

    it("passes access policies on a vault that uses them", async () => {
        const { messages } = await check(
            keyVaultRbacNoAccessPolicies,
            vaultType,
            vault({ enableRbacAuthorization: false, accessPolicies: inline }),
        );
        expect(messages).toEqual([]);
    });

    it("fails access policies on an RBAC vault", async () => {
        const { messages } = await check(
            keyVaultRbacNoAccessPolicies,
            vaultType,
            vault({ accessPolicies: inline }),
            { name: "wiz-vault" },
        );
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain('Key Vault "wiz-vault"');
        expect(messages[0]).toContain("properties.accessPolicies has 1 entries");
        expect(messages[0]).toContain("enableRbacAuthorization is true");
        expect(messages[0]).toContain("Key Vault Secrets User");
    });
});

describe("keyvault-access-policy-get-secrets-only", () => {
    it("passes a standalone policy granting only get on secrets", async () => {
        const { messages } = await check(
            keyVaultAccessPolicyGetSecretsOnly,
            accessPolicyType,
            accessPolicy({ secrets: ["get"] }),
        );
        expect(messages).toEqual([]);
    });

    it("accepts Azure's capitalised spelling and empty other lists", async () => {
        const { messages } = await check(
            keyVaultAccessPolicyGetSecretsOnly,
            accessPolicyType,
            accessPolicy({ secrets: ["Get"], keys: [], certificates: [] }),
        );
        expect(messages).toEqual([]);
    });

    it("fails list and set on secrets", async () => {
        const { messages } = await check(
            keyVaultAccessPolicyGetSecretsOnly,
            accessPolicyType,
            accessPolicy({ secrets: ["get", "list", "set"] }),
            { name: "wiz-reader" },
        );
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain('Key Vault access policy "wiz-reader"');
        expect(messages[0]).toContain('policy.permissions.secrets grants "list", "set"');
        expect(messages[0]).toContain('secrets: ["get"]');
    });

    it("fails key and certificate permissions", async () => {
        const { messages } = await check(
            keyVaultAccessPolicyGetSecretsOnly,
            accessPolicyType,
            accessPolicy({ secrets: ["get"], keys: ["get"], certificates: ["list"] }),
        );
        expect(messages).toHaveLength(2);
        expect(messages[0]).toContain('policy.permissions.keys grants ["get"]');
        expect(messages[1]).toContain('policy.permissions.certificates grants ["list"]');
    });

    it("fails a policy that cannot read secrets at all", async () => {
        const { messages } = await check(
            keyVaultAccessPolicyGetSecretsOnly,
            accessPolicyType,
            accessPolicy({ storage: ["get"] }),
        );
        expect(messages.some((m) => m.includes('does not grant "get"'))).toBe(true);
        expect(messages.some((m) => m.includes("policy.permissions.storage grants"))).toBe(true);
    });

    it("checks inline access policies on a vault too", async () => {
        const { messages } = await check(
            keyVaultAccessPolicyGetSecretsOnly,
            vaultType,
            vault({
                enableRbacAuthorization: false,
                accessPolicies: [
                    { tenantId, objectId, permissions: { secrets: ["get"] } },
                    { tenantId, objectId, permissions: { secrets: ["all"] } },
                ],
            }),
            { name: "wiz-vault" },
        );
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain('Key Vault "wiz-vault"');
        expect(messages[0]).toContain(
            'properties.accessPolicies[1].permissions.secrets grants "all"',
        );
    });

    it("defers a vault whose access policies are unknown in a preview", async () => {
        const outcome = await check(
            keyVaultAccessPolicyGetSecretsOnly,
            vaultType,
            previewProps(vault({ accessPolicies: unknownArray })),
        );
        expect(outcome.report).not.toHaveBeenCalled();
        expect(outcome.deferred).toContain(".properties.accessPolicies");
    });
});

describe("keyvault-access-policy-single-source", () => {
    const vaultEntry = (accessPolicies: unknown[]) => ({
        type: vaultType,
        name: "wiz-vault",
        props: vault({ enableRbacAuthorization: false, accessPolicies }),
    });
    const standalone = {
        type: accessPolicyType,
        name: "wiz-reader",
        props: accessPolicy({ secrets: ["get"] }),
    };
    const otherPrincipal = "99999999-8888-7777-6666-555555555555";

    it("passes standalone access policies with no inline ones", async () => {
        const outcome = await validateStack(
            keyVaultAccessPolicySingleSource,
            stackArgs([vaultEntry([]), standalone]),
        );
        expect(outcome.messages).toEqual([]);
    });

    it("passes inline access policies with no standalone ones", async () => {
        const inline = [{ tenantId, objectId, permissions: { secrets: ["get"] } }];
        const outcome = await validateStack(
            keyVaultAccessPolicySingleSource,
            stackArgs([vaultEntry(inline)]),
        );
        expect(outcome.messages).toEqual([]);
    });

    it("fails inline access policies next to standalone ones, on the vault's URN", async () => {
        const inline = [{ tenantId, objectId: otherPrincipal, permissions: { secrets: ["get"] } }];
        const outcome = await validateStack(
            keyVaultAccessPolicySingleSource,
            stackArgs([vaultEntry(inline), standalone]),
        );
        expect(outcome.messages).toHaveLength(1);
        expect(outcome.messages[0]).toContain('Key Vault "wiz-vault"');
        expect(outcome.messages[0]).toContain("properties.accessPolicies lists 1 entries");
        expect(outcome.messages[0]).toContain(otherPrincipal);
        expect(outcome.messages[0]).toContain('"wiz-reader"');
        expect(outcome.report).toHaveBeenCalledWith(
            expect.any(String),
            urnOf(vaultType, "wiz-vault"),
        );
    });

    it("does not count entries a refresh copied from the standalone resources", async () => {
        const refreshed = [{ tenantId, objectId, permissions: { secrets: ["get"] } }];
        const outcome = await validateStack(
            keyVaultAccessPolicySingleSource,
            stackArgs([vaultEntry(refreshed), standalone]),
        );
        expect(outcome.messages).toEqual([]);
    });
});
