/**
 * What the program checks on the existing AKS cluster before it registers anything: the OIDC
 * issuer, workload identity and the azureKeyvaultSecretsProvider add-on, each with the `az aks`
 * command that fixes it. Pure: the lookup that gathers the facts lives in components/cluster.ts.
 */
import * as pulumi from "@pulumi/pulumi";

/** What the program needs to know about the cluster and the deployer, before registering. */
export interface ClusterFacts {
    id: string;
    name: string;
    resourceGroupName: string;
    oidcIssuerEnabled: boolean;
    issuerUrl?: string;
    workloadIdentityEnabled: boolean;
    secretsProviderEnabled: boolean;
    secretRotationEnabled: boolean;
    tenantId: string;
    subscriptionId: string;
}

export class ClusterPreflightError extends pulumi.RunError {
    constructor(public readonly problems: string[]) {
        super(problems.join("\n"));
        this.name = "ClusterPreflightError";
    }
}

/**
 * What stops workload identity with the CSI provider from working on this cluster (errors), and
 * what works but degrades it (warnings); each names the `az aks` command that fixes it.
 */
export function clusterReadiness(facts: ClusterFacts): { errors: string[]; warnings: string[] } {
    const target = `--resource-group ${facts.resourceGroupName} --name ${facts.name}`;
    const errors: string[] = [];
    const warnings: string[] = [];
    if (!facts.oidcIssuerEnabled) {
        errors.push(
            `AKS cluster ${facts.name} has no OIDC issuer: federated credentials need one. Fix: az aks update ${target} --enable-oidc-issuer`,
        );
    } else if (!facts.issuerUrl) {
        errors.push(
            `AKS cluster ${facts.name} reports its OIDC issuer enabled but no issuer URL yet. Fix: wait for the update to finish (az aks show ${target} --query oidcIssuerProfile.issuerUrl) and run again`,
        );
    }
    if (!facts.workloadIdentityEnabled) {
        errors.push(
            `AKS cluster ${facts.name} has workload identity off: pods cannot exchange ServiceAccount tokens. Fix: az aks update ${target} --enable-workload-identity`,
        );
    }
    if (!facts.secretsProviderEnabled) {
        errors.push(
            `AKS cluster ${facts.name} has the azureKeyvaultSecretsProvider add-on off: nothing would mount the SecretProviderClass. Fix: az aks enable-addons ${target} --addons azure-keyvault-secrets-provider`,
        );
    } else if (!facts.secretRotationEnabled) {
        warnings.push(
            `AKS cluster ${facts.name} has secret rotation off: synced Secrets keep old values until the holder pod restarts. Fix: az aks addon update ${target} --addon azure-keyvault-secrets-provider --enable-secret-rotation`,
        );
    }
    return { errors, warnings };
}
