/** The namespace of the Wiz release, its ServiceAccount, SecretProviderClass and synced Secrets. */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface WizNamespaceArgs {
    name: string;
    labels: Record<string, string>;
}

export class WizNamespace extends pulumi.ComponentResource {
    public readonly namespace: k8s.core.v1.Namespace;
    /** The namespace's name, carrying the dependency on its creation. */
    public readonly name: pulumi.Output<string>;

    constructor(name: string, args: WizNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("wiz-infra:kubernetes:Namespace", name, {}, opts);

        this.namespace = new k8s.core.v1.Namespace(
            "namespace",
            { metadata: { name: args.name, labels: args.labels } },
            { parent: this },
        );
        this.name = this.namespace.metadata.name;

        this.registerOutputs({ name: this.name });
    }
}
