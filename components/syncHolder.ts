/**
 * The secret-sync holder Deployment (see lib/holder.ts for why it exists). Pulumi waits for it
 * to be Ready, which is the moment both synced Secrets exist; that wait also absorbs RBAC
 * propagation and a federated credential that was created seconds before the first mount.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { buildHolderDeployment } from "../lib/holder";

export interface SecretSyncHolderArgs {
    name: string;
    namespace: pulumi.Input<string>;
    serviceAccountName: pulumi.Input<string>;
    secretProviderClassName: pulumi.Input<string>;
    labels: Record<string, string>;
    /** How long the first rollout may take to become Ready. */
    readyTimeoutMinutes: number;
    /** What the first mount needs but does not reference: secrets, access grants, credentials. */
    mountPrerequisites: pulumi.Resource[];
}

export class SecretSyncHolder extends pulumi.ComponentResource {
    public readonly deployment: k8s.apps.v1.Deployment;

    constructor(name: string, args: SecretSyncHolderArgs, opts?: pulumi.ComponentResourceOptions) {
        super("wiz-infra:kubernetes:SecretSyncHolder", name, {}, opts);

        const spec = pulumi
            .all([args.namespace, args.serviceAccountName, args.secretProviderClassName])
            .apply(([namespace, serviceAccountName, secretProviderClassName]) =>
                buildHolderDeployment({
                    name: args.name,
                    namespace,
                    serviceAccountName,
                    secretProviderClassName,
                    labels: args.labels,
                }),
            );
        const timeout = `${args.readyTimeoutMinutes}m`;
        this.deployment = new k8s.apps.v1.Deployment(
            "deployment",
            { metadata: spec.metadata, spec: spec.spec },
            {
                parent: this,
                dependsOn: args.mountPrerequisites,
                customTimeouts: { create: timeout, update: timeout },
            },
        );

        this.registerOutputs({ name: this.deployment.metadata.name });
    }
}
