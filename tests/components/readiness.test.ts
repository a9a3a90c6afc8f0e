import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { keyVaultSecretsUserRoleId, roleAssignmentName } from "../../components/keyVaultAccess";
import {
    federatedCredentialName,
    maxFederatedCredentials,
    tokenExchangeAudience,
} from "../../components/workloadIdentity";
import { type ClusterFacts, clusterReadiness } from "../../lib/preflight";

function facts(overrides: Partial<ClusterFacts> = {}): ClusterFacts {
    return {
        id: "/subscriptions/s/resourceGroups/rg-aks-dev-weu/providers/Microsoft.ContainerService/managedClusters/aks-dev-weu-01",
        name: "aks-dev-weu-01",
        resourceGroupName: "rg-aks-dev-weu",
        oidcIssuerEnabled: true,
        issuerUrl: "https://westeurope.oic.prod-aks.azure.com/tenant/issuer/",
        workloadIdentityEnabled: true,
        secretsProviderEnabled: true,
        secretRotationEnabled: true,
        tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
        subscriptionId: "00000000-0000-0000-0000-0000000000aa",
        ...overrides,
    };
}

const target = "--resource-group rg-aks-dev-weu --name aks-dev-weu-01";

describe("clusterReadiness", () => {
    it("finds nothing on a ready cluster", () => {
        expect(clusterReadiness(facts())).toEqual({ errors: [], warnings: [] });
    });

    it("needs the OIDC issuer", () => {
        const { errors, warnings } = clusterReadiness(
            facts({ oidcIssuerEnabled: false, issuerUrl: undefined }),
        );
        expect(errors).toHaveLength(1);
        expect(errors[0]).toContain("aks-dev-weu-01 has no OIDC issuer");
        expect(errors[0]).toContain(`Fix: az aks update ${target} --enable-oidc-issuer`);
        expect(warnings).toEqual([]);
    });

    it("needs the issuer URL once the issuer is on", () => {
        const { errors } = clusterReadiness(facts({ issuerUrl: undefined }));
        expect(errors).toHaveLength(1);
        expect(errors[0]).toContain("no issuer URL");
        expect(errors[0]).toContain(`az aks show ${target}`);
        expect(errors[0]).not.toContain("--enable-oidc-issuer");
    });

    it("needs workload identity", () => {
        const { errors } = clusterReadiness(facts({ workloadIdentityEnabled: false }));
        expect(errors).toHaveLength(1);
        expect(errors[0]).toContain("workload identity off");
        expect(errors[0]).toContain(`Fix: az aks update ${target} --enable-workload-identity`);
    });

    it("needs the Key Vault secrets provider add-on, and then says nothing of rotation", () => {
        const { errors, warnings } = clusterReadiness(
            facts({ secretsProviderEnabled: false, secretRotationEnabled: false }),
        );
        expect(errors).toHaveLength(1);
        expect(errors[0]).toContain("azureKeyvaultSecretsProvider add-on off");
        expect(errors[0]).toContain(
            `Fix: az aks enable-addons ${target} --addons azure-keyvault-secrets-provider`,
        );
        expect(warnings).toEqual([]);
    });

    it("warns, without failing, when secret rotation is off", () => {
        const { errors, warnings } = clusterReadiness(facts({ secretRotationEnabled: false }));
        expect(errors).toEqual([]);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toContain("secret rotation off");
        expect(warnings[0]).toContain(
            `Fix: az aks addon update ${target} --addon azure-keyvault-secrets-provider --enable-secret-rotation`,
        );
    });

    it("reports every problem at once", () => {
        const { errors } = clusterReadiness(
            facts({
                oidcIssuerEnabled: false,
                issuerUrl: undefined,
                workloadIdentityEnabled: false,
                secretsProviderEnabled: false,
            }),
        );
        expect(errors).toHaveLength(3);
    });
});

describe("federatedCredentialName", () => {
    /** Azure's rule for federated identity credential names. */
    const validName = /^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/;

    it("is readable: it holds the namespace and the ServiceAccount name", () => {
        const name = federatedCredentialName("system:serviceaccount:wiz:wiz-service-account");
        expect(name.startsWith("fic-wiz")).toBe(true);
        expect(name).toContain("wiz-service-account");
        expect(name).toMatch(validName);
        const other = federatedCredentialName("system:serviceaccount:security-tools:sa");
        expect(other.startsWith("fic-security-tools")).toBe(true);
        expect(other).toMatch(validName);
    });

    it("ends in a short hash of the whole subject", () => {
        const subject = "system:serviceaccount:wiz:wiz-service-account";
        const hash = createHash("sha256").update(subject).digest("hex").slice(0, 8);
        expect(federatedCredentialName(subject)).toBe(`fic-wiz-wiz-service-account-${hash}`);
    });

    it("is the same on every run", () => {
        const subject = "system:serviceaccount:wiz:wiz-service-account";
        expect(federatedCredentialName(subject)).toBe(federatedCredentialName(subject));
    });

    it("stays within Azure's rules for the longest subject", () => {
        const name = federatedCredentialName(
            `system:serviceaccount:${"n".repeat(63)}:${"s".repeat(63)}`,
        );
        expect(name).toMatch(validName);
    });

    it.each([
        "system:serviceaccount:wiz",
        "system:serviceaccount:Wiz:sa",
        "system:serviceaccount:wiz:sa:extra",
        "system:serviceaccount:wiz:sa_1",
        "serviceaccount:wiz:sa",
        "wiz/sa",
        "",
    ])("refuses subject %j", (subject) => {
        expect(() => federatedCredentialName(subject)).toThrow(/system:serviceaccount/);
    });

    it("is unique per subject when a hyphen could fall in either part", () => {
        const a = federatedCredentialName("system:serviceaccount:a-b:c");
        const b = federatedCredentialName("system:serviceaccount:a:b-c");
        expect(a).not.toBe(b);
    });

    it("is unique per subject for long names that differ at the end", () => {
        const namespace = "n".repeat(63);
        const a = federatedCredentialName(`system:serviceaccount:${namespace}:${"s".repeat(62)}a`);
        const b = federatedCredentialName(`system:serviceaccount:${namespace}:${"s".repeat(62)}b`);
        expect(a).toMatch(validName);
        expect(b).toMatch(validName);
        expect(a).not.toBe(b);
    });

    it("uses the token exchange audience and Azure's credential limit", () => {
        expect(tokenExchangeAudience).toBe("api://AzureADTokenExchange");
        expect(maxFederatedCredentials).toBe(20);
    });
});

describe("roleAssignmentName", () => {
    /**
     * The project's name namespace. Pinned on purpose: a new namespace would rename, and so
     * replace, every role assignment of every stack.
     */
    const namespace = "6f1c5c57-2a3b-4e0e-9b7e-5d0c3f0a8e21";

    /** RFC 4122 name-based UUID, version 5 (SHA-1), worked out here from the RFC. */
    function uuidV5(name: string, ns: string): string {
        const nsBytes = Buffer.from(ns.replaceAll("-", ""), "hex");
        const hash = createHash("sha1").update(nsBytes).update(name, "utf8").digest();
        const bytes = hash.subarray(0, 16);
        bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
        bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
        const hex = bytes.toString("hex");
        return [
            hex.slice(0, 8),
            hex.slice(8, 12),
            hex.slice(12, 16),
            hex.slice(16, 20),
            hex.slice(20),
        ].join("-");
    }

    const parts = {
        subscriptionId: "00000000-0000-0000-0000-0000000000aa",
        resourceGroupName: "rg-wiz-prod-weu",
        stack: "prod",
        secretName: "wiz-client-token",
        roleId: keyVaultSecretsUserRoleId,
    };

    it("grants the built-in Key Vault Secrets User role", () => {
        expect(keyVaultSecretsUserRoleId).toBe("4633458b-17de-408a-b874-0445c86b69e6");
    });

    it("is the version 5 UUID of subscription/resource group/stack/secret/role", () => {
        expect(roleAssignmentName(parts)).toBe(
            uuidV5(
                `00000000-0000-0000-0000-0000000000aa/rg-wiz-prod-weu/prod/wiz-client-token/${keyVaultSecretsUserRoleId}`,
                namespace,
            ),
        );
    });

    it("is a GUID, as ARM requires of assignment names", () => {
        expect(roleAssignmentName(parts)).toMatch(
            /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
        );
    });

    it("is the same on every run", () => {
        expect(roleAssignmentName({ ...parts })).toBe(roleAssignmentName({ ...parts }));
    });

    it.each([
        ["subscriptionId", "00000000-0000-0000-0000-0000000000bb"],
        ["resourceGroupName", "rg-wiz-dev-weu"],
        ["stack", "dev"],
        ["secretName", "wiz-client-id"],
        ["roleId", "b86a8fe4-44ce-4948-aee5-eccb2c155cd7"],
    ])("changes with %s", (key, value) => {
        expect(roleAssignmentName({ ...parts, [key]: value })).not.toBe(roleAssignmentName(parts));
    });
});
