/**
 * The existing AKS cluster: looked up, checked for what workload identity with the Key Vault
 * CSI provider needs (OIDC issuer, workload identity, the azureKeyvaultSecretsProvider add-on),
 * and turned into the Kubernetes provider every cluster-side resource uses.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type ClusterFacts, ClusterPreflightError } from "../lib/preflight";

/** The add-on key as ARM returns it; compared case-insensitively, as AKS itself does. */
const secretsProviderAddon = "azureKeyvaultSecretsProvider";

/** Reads the cluster and the deployer's client config through the provider's invokes. */
export async function lookupCluster(args: {
    name: string;
    resourceGroupName: string;
}): Promise<ClusterFacts> {
    const [cluster, client] = await Promise.all([
        containerservice.getManagedCluster({
            resourceGroupName: args.resourceGroupName,
            resourceName: args.name,
        }),
        authorization.getClientConfig(),
    ]);
    const addon = Object.entries(cluster.addonProfiles ?? {}).find(
        ([key]) => key.toLowerCase() === secretsProviderAddon.toLowerCase(),
    )?.[1];
    return {
        id: cluster.id,
        name: args.name,
        resourceGroupName: args.resourceGroupName,
        oidcIssuerEnabled: cluster.oidcIssuerProfile?.enabled === true,
        issuerUrl: cluster.oidcIssuerProfile?.issuerURL || undefined,
        workloadIdentityEnabled: cluster.securityProfile?.workloadIdentity?.enabled === true,
        secretsProviderEnabled: addon?.enabled === true,
        secretRotationEnabled: addon?.config?.enableSecretRotation === "true",
        tenantId: client.tenantId,
        subscriptionId: client.subscriptionId,
    };
}

export interface AksClusterArgs {
    facts: ClusterFacts;
    location: string;
    /** `cluster`: credentials listed from AKS; `kubeconfig`: the ambient kubeconfig. */
    provider: "cluster" | "kubeconfig";
    /** Context of the ambient kubeconfig, with provider `kubeconfig`. */
    context?: string;
}

/** The cluster as the rest of the graph sees it: its issuer and a Kubernetes provider. */
export class AksCluster extends pulumi.ComponentResource {
    public readonly provider: k8s.Provider;
    public readonly issuerUrl: string;
    public readonly clusterId: string;

    constructor(name: string, args: AksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("wiz-infra:cluster:AksCluster", name, {}, opts);
        const { facts } = args;
        if (!facts.issuerUrl)
            throw new ClusterPreflightError([`AKS cluster ${facts.name} has no issuer URL`]);
        this.issuerUrl = facts.issuerUrl;
        this.clusterId = facts.id;

        // Entra-integrated clusters return an exec kubeconfig that runs kubelogin; the format is
        // ignored for clusters with local accounts.
        const kubeconfig =
            args.provider === "cluster"
                ? pulumi.secret(
                      containerservice
                          .listManagedClusterUserCredentialsOutput(
                              {
                                  resourceGroupName: facts.resourceGroupName,
                                  resourceName: facts.name,
                                  format: "exec",
                              },
                              { parent: this },
                          )
                          .apply((creds) => {
                              const first = creds.kubeconfigs?.[0]?.value;
                              if (!first)
                                  throw new Error(
                                      `AKS cluster ${facts.name} returned no user kubeconfig`,
                                  );
                              return Buffer.from(first, "base64").toString("utf8");
                          }),
                  )
                : undefined;
        this.provider = new k8s.Provider(
            "kubernetes",
            {
                kubeconfig,
                context: args.provider === "kubeconfig" ? args.context : undefined,
                // A cluster that is gone should not block removing the stack's state.
                deleteUnreachable: true,
            },
            { parent: this },
        );

        this.registerOutputs({ issuerUrl: this.issuerUrl, clusterId: this.clusterId });
    }
}
