/**
 * The user-assigned managed identity the Wiz pods' ServiceAccount is federated with, and one
 * federated credential per ServiceAccount subject. Azure rejects concurrent credential writes
 * on one identity, so the credentials are created one after another.
 */
import { createHash } from "node:crypto";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as pulumi from "@pulumi/pulumi";

/** The audience AKS workload identity tokens are issued for. */
export const tokenExchangeAudience = "api://AzureADTokenExchange";
/** Azure's limit of federated credentials on one identity. */
export const maxFederatedCredentials = 20;

const subjectPattern =
    /^system:serviceaccount:([a-z0-9]([-a-z0-9]*[a-z0-9])?):([a-z0-9]([-a-z0-9]*[a-z0-9])?)$/;

/**
 * The credential's name: readable, within Azure's 3-120 characters, and unique per subject — a
 * short hash of the whole subject keeps `a-b:c` and `a:b-c`, or two long names cut to the same
 * prefix, apart.
 */
export function federatedCredentialName(subject: string): string {
    const match = subjectPattern.exec(subject);
    if (!match)
        throw new Error(`subject ${subject} is not system:serviceaccount:<namespace>:<name>`);
    const hash = createHash("sha256").update(subject).digest("hex").slice(0, 8);
    const readable = `fic-${match[1]}-${match[3]}`
        .slice(0, 120 - hash.length - 1)
        .replace(/-+$/, "");
    return `${readable}-${hash}`;
}

export interface WorkloadIdentityArgs {
    resourceGroupName: pulumi.Input<string>;
    location: string;
    identityName: string;
    /** The cluster's OIDC issuer URL, exactly as AKS reports it (a trailing slash matters). */
    issuerUrl: string;
    subjects: string[];
    tags: Record<string, string>;
}

export class WorkloadIdentity extends pulumi.ComponentResource {
    public readonly identity: managedidentity.UserAssignedIdentity;
    public readonly federatedCredentials: managedidentity.FederatedIdentityCredential[] = [];
    public readonly clientId: pulumi.Output<string>;
    public readonly principalId: pulumi.Output<string>;

    constructor(name: string, args: WorkloadIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("wiz-infra:identity:WorkloadIdentity", name, {}, opts);
        if (args.subjects.length === 0)
            throw new Error("a workload identity needs at least one subject");
        if (args.subjects.length > maxFederatedCredentials) {
            throw new Error(
                `${args.subjects.length} ServiceAccount subjects given; Azure allows at most ${maxFederatedCredentials} federated credentials per identity`,
            );
        }
        if (new Set(args.subjects).size !== args.subjects.length) {
            throw new Error(`duplicate ServiceAccount subjects: ${args.subjects.join(", ")}`);
        }

        this.identity = new managedidentity.UserAssignedIdentity(
            "identity",
            {
                resourceName: args.identityName,
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                tags: args.tags,
            },
            { parent: this },
        );
        this.clientId = this.identity.clientId;
        this.principalId = this.identity.principalId;

        let previous: managedidentity.FederatedIdentityCredential | undefined;
        for (const subject of args.subjects) {
            const credentialName = federatedCredentialName(subject);
            previous = new managedidentity.FederatedIdentityCredential(
                credentialName,
                {
                    resourceGroupName: args.resourceGroupName,
                    resourceName: this.identity.name,
                    federatedIdentityCredentialResourceName: credentialName,
                    issuer: args.issuerUrl,
                    subject,
                    audiences: [tokenExchangeAudience],
                },
                { parent: this, dependsOn: previous ? [previous] : [] },
            );
            this.federatedCredentials.push(previous);
        }

        this.registerOutputs({ clientId: this.clientId, principalId: this.principalId });
    }
}
