/**
 * The ServiceAccount the secret-sync holder runs as. The CSI driver hands the pod's
 * ServiceAccount token to the Azure provider, which exchanges it for the identity's token, so
 * this account's subject is the one the federated credential must name.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { serviceAccountSubject } from "../lib/names";

export interface WorkloadServiceAccountArgs {
    namespace: pulumi.Input<string>;
    /** Plain namespace name, for the subject (known before registration). */
    namespaceName: string;
    name: string;
    clientId: pulumi.Input<string>;
    tenantId: string;
    labels: Record<string, string>;
}

/** The federated subject of a ServiceAccount, known from config before anything is created. */
export function subjectOf(args: { namespaceName: string; name: string }): string {
    return serviceAccountSubject(args.namespaceName, args.name);
}

export class WorkloadServiceAccount extends pulumi.ComponentResource {
    public readonly serviceAccount: k8s.core.v1.ServiceAccount;
    public readonly subject: string;
    public readonly name: pulumi.Output<string>;

    constructor(
        name: string,
        args: WorkloadServiceAccountArgs,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("wiz-infra:kubernetes:ServiceAccount", name, {}, opts);
        this.subject = subjectOf(args);

        this.serviceAccount = new k8s.core.v1.ServiceAccount(
            "service-account",
            {
                metadata: {
                    name: args.name,
                    namespace: args.namespace,
                    labels: args.labels,
                    annotations: {
                        "azure.workload.identity/client-id": args.clientId,
                        "azure.workload.identity/tenant-id": args.tenantId,
                    },
                },
            },
            { parent: this },
        );
        this.name = this.serviceAccount.metadata.name;

        this.registerOutputs({ name: this.name, subject: this.subject });
    }
}
