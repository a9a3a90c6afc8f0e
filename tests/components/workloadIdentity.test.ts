import { describe, expect, it } from "vitest";
import { WorkloadIdentity } from "../../components/workloadIdentity";
import { byType, runProgram, runProgramError } from "../helpers/program";

const subjects = (n: number) =>
    Array.from({ length: n }, (_, i) => `system:serviceaccount:wiz:sa-${i}`);

const identity = (count: number) => async () => {
    new WorkloadIdentity("wi", {
        resourceGroupName: "rg-test",
        location: "westeurope",
        identityName: "id-test",
        issuerUrl: "https://issuer.test/abc/",
        subjects: subjects(count),
        tags: {},
    });
    return {};
};

describe("WorkloadIdentity", () => {
    it("creates one credential per subject, each after the previous one", async () => {
        const c = await runProgram({ program: identity(3) });
        const fics = byType(c, "azure-native:managedidentity:FederatedIdentityCredential");
        expect(fics.map((f) => f.inputs.subject)).toEqual(subjects(3));
        const [first, second, third] = fics;
        expect(second.dependencies).toContain(first.urn);
        expect(third.dependencies).toContain(second.urn);
        expect(third.dependencies).not.toContain(first.urn);
        for (const f of fics) {
            expect(f.inputs.audiences).toEqual(["api://AzureADTokenExchange"]);
            expect(f.inputs.issuer).toBe("https://issuer.test/abc/");
            expect(f.parent).toBe(c.resources.find((r) => r.name === "wi")?.urn);
        }
    });

    it("accepts 20 subjects and refuses 21", async () => {
        const twenty = await runProgram({ program: identity(20) });
        expect(
            byType(twenty, "azure-native:managedidentity:FederatedIdentityCredential"),
        ).toHaveLength(20);
        const { error } = await runProgramError({ program: identity(21) });
        expect(error.message).toContain("at most 20 federated credentials");
    });
});
