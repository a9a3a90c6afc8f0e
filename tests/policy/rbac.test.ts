import { describe, expect, it } from "vitest";
import {
    keyVaultSecretsUserRoleId,
    roleAssignmentSecretsUserOnly,
    roleAssignmentVaultScope,
} from "../../policy/policies";
import { roleAssignmentType } from "../../policy/types";
import { check, previewProps, unknownString } from "./helpers";

const subscription = "/subscriptions/00000000-0000-0000-0000-0000000000aa";
const vaultId = `${subscription}/resourceGroups/rg-wiz-prod/providers/Microsoft.KeyVault/vaults/kv-wiz-prod-a1b2c3`;
const roleId = (guid: string) =>
    `${subscription}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

function assignment(props: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        scope: vaultId,
        roleDefinitionId: roleId(keyVaultSecretsUserRoleId),
        principalId: "11111111-2222-3333-4444-555555555555",
        principalType: "ServicePrincipal",
        roleAssignmentName: "6f1c1d4e-8a8b-4c1e-9d4f-0a1b2c3d4e5f",
        ...props,
    };
}

describe("role-assignment-key-vault-secrets-user-only", () => {
    it("passes Key Vault Secrets User", async () => {
        const { messages } = await check(
            roleAssignmentSecretsUserOnly,
            roleAssignmentType,
            assignment(),
        );
        expect(messages).toEqual([]);
    });

    it("passes the tenant-level form of the id, in any case", async () => {
        const id = `/providers/Microsoft.Authorization/roleDefinitions/${keyVaultSecretsUserRoleId.toUpperCase()}`;
        const { messages } = await check(
            roleAssignmentSecretsUserOnly,
            roleAssignmentType,
            assignment({ roleDefinitionId: id }),
        );
        expect(messages).toEqual([]);
    });

    it.each([
        ["b86a8fe4-44ce-4948-aee5-eccb2c155cd7", "Key Vault Secrets Officer"],
        ["00482a5a-887f-4fb3-b363-3b7fe8e74483", "Key Vault Administrator"],
        ["8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Owner"],
        ["b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor"],
    ])("fails role %s (%s)", async (guid, role) => {
        const { messages } = await check(
            roleAssignmentSecretsUserOnly,
            roleAssignmentType,
            assignment({ roleDefinitionId: roleId(guid) }),
            { name: "wiz-secrets-reader" },
        );
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain('Role assignment "wiz-secrets-reader"');
        expect(messages[0]).toContain(`roleDefinitionId "${roleId(guid)}" grants ${role};`);
        expect(messages[0]).toContain(`roleDefinitions/${keyVaultSecretsUserRoleId}`);
    });

    it("fails a role it does not know", async () => {
        const guid = "12345678-1234-1234-1234-123456789abc";
        const { messages } = await check(
            roleAssignmentSecretsUserOnly,
            roleAssignmentType,
            assignment({ roleDefinitionId: roleId(guid) }),
        );
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain("grants a role other than Key Vault Secrets User");
    });

    it("fails an id that is not a role definition id", async () => {
        const { messages } = await check(
            roleAssignmentSecretsUserOnly,
            roleAssignmentType,
            assignment({ roleDefinitionId: "Key Vault Secrets User" }),
        );
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain(
            'roleDefinitionId is "Key Vault Secrets User", which is not a role definition id',
        );
    });
});

describe("role-assignment-vault-scope", () => {
    it("passes a vault scope", async () => {
        const { messages } = await check(
            roleAssignmentVaultScope,
            roleAssignmentType,
            assignment(),
        );
        expect(messages).toEqual([]);
    });

    it("passes a scope of one secret in the vault", async () => {
        const { messages } = await check(
            roleAssignmentVaultScope,
            roleAssignmentType,
            assignment({ scope: `${vaultId}/secrets/wiz-client-token` }),
        );
        expect(messages).toEqual([]);
    });

    it.each([
        ["a subscription", subscription],
        ["a resource group", `${subscription}/resourceGroups/rg-wiz-prod`],
        [
            "another resource",
            `${subscription}/resourceGroups/rg-wiz-prod/providers/Microsoft.Storage/storageAccounts/st`,
        ],
        ["a management group", "/providers/Microsoft.Management/managementGroups/root"],
    ])("fails %s", async (_, scope) => {
        const { messages } = await check(
            roleAssignmentVaultScope,
            roleAssignmentType,
            assignment({ scope }),
            { name: "wiz-secrets-reader" },
        );
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain('Role assignment "wiz-secrets-reader"');
        expect(messages[0]).toContain(`scope is "${scope}"`);
        expect(messages[0]).toContain("Microsoft.KeyVault/vaults/<name>");
    });

    it("defers a scope that is unknown in a preview instead of failing it", async () => {
        const outcome = await check(
            roleAssignmentVaultScope,
            roleAssignmentType,
            previewProps(assignment({ scope: unknownString })),
        );
        expect(outcome.report).not.toHaveBeenCalled();
        expect(outcome.deferred).toContain(".scope can't be known during preview");
    });

    it("still checks the role when the scope is unknown", async () => {
        const outcome = await check(
            roleAssignmentSecretsUserOnly,
            roleAssignmentType,
            previewProps(
                assignment({
                    scope: unknownString,
                    roleDefinitionId: roleId("8e3af657-a8ff-443c-a75c-2fe8c4bcb635"),
                }),
            ),
        );
        expect(outcome.messages).toHaveLength(1);
        expect(outcome.messages[0]).toContain("grants Owner");
    });
});
