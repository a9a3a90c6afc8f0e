/**
 * Federated identity credential policies: Azure AD Workload Identity only exchanges tokens whose
 * audience is the token-exchange audience and whose subject names one Kubernetes ServiceAccount.
 * A credential that differs is either dead weight or trusts more than one workload.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { elements, field, forTypes, shown, subject } from "./support";
import { federatedCredentialType } from "./types";

export const tokenExchangeAudience = "api://AzureADTokenExchange";

const credentialLabel = (name: string) => subject("Federated identity credential", name);

export const federatedCredentialAudience: ResourceValidationPolicy = {
    name: "federated-credential-audience",
    description: `Federated identity credentials must have exactly one audience, ${tokenExchangeAudience}.`,
    severity: "high",
    remediationSteps: `Set audiences to ["${tokenExchangeAudience}"].`,
    validateResource: forTypes([federatedCredentialType], (args, report, checks) => {
        checks.run(() => {
            const audiences = field(args.props, "audiences");
            const list = elements(audiences);
            if (
                Array.isArray(audiences) &&
                list.length === 1 &&
                list[0] === tokenExchangeAudience
            ) {
                return;
            }
            report(
                `${credentialLabel(args.name)}: audiences is ${shown(audiences)}, but must be ` +
                    `exactly ["${tokenExchangeAudience}"], the audience AKS workload identity ` +
                    `tokens carry. Set audiences: ["${tokenExchangeAudience}"].`,
            );
        });
    }),
};

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `value` is not a ServiceAccount subject, or undefined when it is one. */
export function subjectProblem(value: unknown): string | undefined {
    if (typeof value !== "string") return "is not a string";
    const parts = value.split(":");
    if (parts.length !== 4 || parts[0] !== "system" || parts[1] !== "serviceaccount") {
        return "is not of the form system:serviceaccount:<namespace>:<serviceaccount>";
    }
    const [, , namespace, account] = parts;
    if (namespace.length > 63 || !dns1123Label.test(namespace)) {
        return `has namespace ${JSON.stringify(namespace)}, which is not a DNS-1123 label`;
    }
    if (account.length > 253 || !dns1123Subdomain.test(account)) {
        return `has ServiceAccount name ${JSON.stringify(account)}, which is not a DNS-1123 name`;
    }
    return undefined;
}

export const federatedCredentialSubject: ResourceValidationPolicy = {
    name: "federated-credential-subject",
    description:
        "Federated identity credentials must trust exactly one Kubernetes ServiceAccount: " +
        "subject system:serviceaccount:<namespace>:<serviceaccount> with DNS-1123 names.",
    severity: "high",
    remediationSteps:
        "Set subject to system:serviceaccount:<namespace>:<serviceaccount>, using the namespace " +
        "and name of the ServiceAccount the workload runs as.",
    validateResource: forTypes([federatedCredentialType], (args, report, checks) => {
        checks.run(() => {
            const value = field(args.props, "subject");
            const problem = subjectProblem(value);
            if (problem === undefined) return;
            report(
                `${credentialLabel(args.name)}: subject is ${shown(value)}, which ${problem}. Set it to ` +
                    "system:serviceaccount:<namespace>:<serviceaccount> for the ServiceAccount " +
                    "the workload runs as (lowercase letters, digits and '-').",
            );
        });
    }),
};

export const federatedCredentialPolicies = [
    federatedCredentialAudience,
    federatedCredentialSubject,
];
