/** The SecretProviderClass that mounts the vault's secrets and syncs them into Kubernetes Secrets. */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { DeliveredObject, SyncedSecret } from "../lib/delivery";
import { buildSecretProviderClass, spcApiVersion } from "../lib/secretProviderClass";

export interface WizSecretProviderClassArgs {
    name: string;
    namespace: pulumi.Input<string>;
    keyVaultName: pulumi.Input<string>;
    tenantId: string;
    clientId: pulumi.Input<string>;
    objects: DeliveredObject[];
    secretObjects: SyncedSecret[];
    labels: Record<string, string>;
}

export class WizSecretProviderClass extends pulumi.ComponentResource {
    public readonly secretProviderClass: k8s.apiextensions.CustomResource;
    public readonly name: pulumi.Output<string>;

    constructor(
        name: string,
        args: WizSecretProviderClassArgs,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("wiz-infra:kubernetes:SecretProviderClass", name, {}, opts);

        // Built from resolved values so that the same pure builder renders the plan and the cluster.
        const manifest = pulumi
            .all([args.namespace, args.keyVaultName, args.clientId])
            .apply(([namespace, keyVaultName, clientId]) =>
                buildSecretProviderClass({
                    name: args.name,
                    namespace,
                    keyVaultName,
                    tenantId: args.tenantId,
                    clientId,
                    objects: args.objects,
                    secretObjects: args.secretObjects,
                    labels: args.labels,
                }),
            );

        this.secretProviderClass = new k8s.apiextensions.CustomResource(
            "secret-provider-class",
            {
                apiVersion: spcApiVersion,
                kind: "SecretProviderClass",
                metadata: manifest.metadata,
                spec: manifest.spec,
            },
            { parent: this },
        );
        this.name = this.secretProviderClass.metadata.name;

        this.registerOutputs({ name: this.name });
    }
}
