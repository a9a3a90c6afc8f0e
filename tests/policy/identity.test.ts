import { describe, expect, it } from "vitest";
import {
    federatedCredentialAudience,
    federatedCredentialSubject,
    tokenExchangeAudience,
} from "../../policy/policies";
import { federatedCredentialType } from "../../policy/types";
import { check, previewProps, unknownString } from "./helpers";

function credential(props: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        resourceGroupName: "rg-wiz-prod",
        resourceName: "id-wiz-prod",
        federatedIdentityCredentialResourceName: "wiz-secret-sync",
        issuer: "https://westeurope.oic.prod-aks.azure.com/tenant/cluster/",
        subject: "system:serviceaccount:wiz:wiz-secret-sync",
        audiences: [tokenExchangeAudience],
        ...props,
    };
}

describe("federated-credential-audience", () => {
    it("passes the token exchange audience", async () => {
        const { messages } = await check(
            federatedCredentialAudience,
            federatedCredentialType,
            credential(),
        );
        expect(messages).toEqual([]);
    });

    it.each([
        ["another audience", ["api://AzureADTokenExchange/extra"]],
        ["an extra audience", [tokenExchangeAudience, "https://management.azure.com"]],
        ["no audience", []],
    ])("fails %s", async (_, audiences) => {
        const { messages } = await check(
            federatedCredentialAudience,
            federatedCredentialType,
            credential({ audiences }),
            { name: "wiz-fic" },
        );
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain('Federated identity credential "wiz-fic"');
        expect(messages[0]).toContain(`audiences is ${JSON.stringify(audiences)}`);
        expect(messages[0]).toContain('audiences: ["api://AzureADTokenExchange"]');
    });

    it("fails a missing audiences list", async () => {
        const { messages } = await check(
            federatedCredentialAudience,
            federatedCredentialType,
            credential({ audiences: undefined }),
        );
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain("audiences is not set");
    });
});

describe("federated-credential-subject", () => {
    it.each([
        "system:serviceaccount:wiz:wiz-secret-sync",
        "system:serviceaccount:wiz-prod:sa.with.dots",
    ])("passes %s", async (subject) => {
        const { messages } = await check(
            federatedCredentialSubject,
            federatedCredentialType,
            credential({ subject }),
        );
        expect(messages).toEqual([]);
    });

    it.each([
        ["repo:org/repo:ref:refs/heads/main", "is not of the form system:serviceaccount:"],
        ["system:serviceaccount:wiz", "is not of the form system:serviceaccount:"],
        ["system:serviceaccount:Wiz:holder", 'has namespace "Wiz", which is not a DNS-1123 label'],
        [
            "system:serviceaccount:wiz:holder_1",
            'has ServiceAccount name "holder_1", which is not a DNS-1123 name',
        ],
        [
            `system:serviceaccount:${"n".repeat(64)}:holder`,
            `has namespace "${"n".repeat(64)}", which is not a DNS-1123 label`,
        ],
        ["system:serviceaccount:wiz:*", 'has ServiceAccount name "*"'],
    ])("fails %s", async (subject, problem) => {
        const { messages } = await check(
            federatedCredentialSubject,
            federatedCredentialType,
            credential({ subject }),
            { name: "wiz-fic" },
        );
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain('Federated identity credential "wiz-fic"');
        expect(messages[0]).toContain(`subject is ${JSON.stringify(subject)}, which ${problem}`);
        expect(messages[0]).toContain("system:serviceaccount:<namespace>:<serviceaccount>");
    });

    it("defers a subject that is unknown in a preview", async () => {
        const outcome = await check(
            federatedCredentialSubject,
            federatedCredentialType,
            previewProps(credential({ subject: unknownString })),
        );
        expect(outcome.report).not.toHaveBeenCalled();
        expect(outcome.deferred).toContain(".subject");
    });
});
