/**
 * The composition: reads and validates the stack config, looks up and checks the cluster,
 * checks the wiring of the design, and only then registers the graph:
 *
 *   resource group → vault → secrets ─┐
 *   identity → federated credential ──┼→ access → holder (Ready = Secrets synced) → release
 *   namespace → ServiceAccount → SecretProviderClass ┘
 */
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import { AksCluster, lookupCluster } from "../components/cluster";
import { KeyVault } from "../components/keyVault";
import { KeyVaultAccess } from "../components/keyVaultAccess";
import { WizNamespace } from "../components/namespace";
import { WizSecretProviderClass } from "../components/secretProviderClass";
import { WorkloadServiceAccount } from "../components/serviceAccount";
import { SecretSyncHolder } from "../components/syncHolder";
import { WizRelease } from "../components/wizRelease";
import { WorkloadIdentity } from "../components/workloadIdentity";
import { runWiringChecks, WiringError } from "../lib/checks";
import { dockerConfigJson } from "../lib/delivery";
import { ClusterPreflightError, clusterReadiness } from "../lib/preflight";
import type { StackConfig } from "./config";
import { designStack, holderName, releaseName, secretProviderClassName } from "./design";
import { loadRuntimeConfig } from "./runtimeConfig";

export interface WizStackOutputs {
    keyVaultName: pulumi.Output<string>;
    keyVaultUri: pulumi.Output<string>;
    identityClientId: pulumi.Output<string>;
    identityPrincipalId: pulumi.Output<string>;
    tenantId: string;
    oidcIssuerUrl: string;
    namespace: pulumi.Output<string>;
    serviceAccountName: pulumi.Output<string>;
    releaseName: string;
}

export async function deployWizStack(): Promise<WizStackOutputs> {
    const { config, warnings } = loadRuntimeConfig();
    for (const warning of warnings) await pulumi.log.warn(warning);

    const facts = await lookupCluster(config.cluster);
    const readiness = clusterReadiness(facts);
    if (readiness.errors.length > 0) throw new ClusterPreflightError(readiness.errors);
    for (const warning of readiness.warnings) await pulumi.log.warn(warning);

    const design = designStack(config, facts);
    const checks = runWiringChecks(design.wiring);
    if (checks.some((c) => !c.ok)) throw new WiringError(checks);

    return registerGraph(config, facts, design);
}

function registerGraph(
    config: StackConfig,
    facts: Awaited<ReturnType<typeof lookupCluster>>,
    design: ReturnType<typeof designStack>,
): WizStackOutputs {
    const secrets = new pulumi.Config(config.project);
    const { protect, tags, labels } = design;

    const resourceGroupName: pulumi.Input<string> = config.createResourceGroup
        ? new resources.ResourceGroup(
              "resource-group",
              { resourceGroupName: config.resourceGroupName, location: config.location, tags },
              { protect },
          ).name
        : config.resourceGroupName;

    const cluster = new AksCluster("cluster", {
        facts,
        location: config.location,
        provider: config.kubernetes.provider,
        context: config.kubernetes.context,
    });

    const secretValue = (
        source: (typeof design.vaultSecrets)[number]["source"],
    ): pulumi.Output<string> => {
        if (source !== "registryDockerConfig") return secrets.requireSecret(source);
        const { server, username } = config.registry;
        return secrets
            .requireSecret("registryPassword")
            .apply((password) => dockerConfigJson(server, username ?? "", password));
    };
    const keyVault = new KeyVault("key-vault", {
        resourceGroupName,
        location: config.location,
        tenantId: facts.tenantId,
        name: config.keyVault.name,
        stack: config.stack,
        enableRbacAuthorization: config.keyVault.authorization === "rbac",
        purgeProtection: config.keyVault.purgeProtection,
        softDeleteRetentionDays: config.keyVault.softDeleteRetentionDays,
        secrets: design.vaultSecrets.map((s) => ({
            name: s.name,
            value: secretValue(s.source),
            contentType: s.source === "registryDockerConfig" ? "application/json" : "text/plain",
        })),
        protect,
        tags,
    });

    const identity = new WorkloadIdentity("workload-identity", {
        resourceGroupName,
        location: config.location,
        identityName: design.identityName,
        issuerUrl: cluster.issuerUrl,
        subjects: design.subjects,
        tags,
    });

    const access = new KeyVaultAccess("key-vault-access", {
        mode: config.keyVault.authorization,
        vault: keyVault.vault,
        resourceGroupName,
        tenantId: facts.tenantId,
        subscriptionId: facts.subscriptionId,
        stack: config.stack,
        principalId: identity.principalId,
        secrets: keyVault.secrets,
    });

    const k8sOpts = { providers: [cluster.provider] };
    const namespace = new WizNamespace(
        "namespace",
        { name: config.kubernetes.namespace, labels },
        k8sOpts,
    );

    const serviceAccount = new WorkloadServiceAccount(
        "service-account",
        {
            namespace: namespace.name,
            namespaceName: config.kubernetes.namespace,
            name: config.kubernetes.serviceAccountName,
            clientId: identity.clientId,
            tenantId: facts.tenantId,
            labels,
        },
        k8sOpts,
    );

    const secretProviderClass = new WizSecretProviderClass(
        "secret-provider-class",
        {
            name: secretProviderClassName,
            namespace: namespace.name,
            keyVaultName: keyVault.vaultName,
            tenantId: facts.tenantId,
            clientId: identity.clientId,
            objects: design.delivery.objects,
            secretObjects: design.delivery.secretObjects,
            labels,
        },
        k8sOpts,
    );

    const holder = new SecretSyncHolder(
        "secret-sync",
        {
            name: holderName,
            namespace: namespace.name,
            serviceAccountName: serviceAccount.name,
            secretProviderClassName: secretProviderClass.name,
            labels,
            readyTimeoutMinutes: config.kubernetes.holderReadyTimeoutMinutes,
            // The first mount reads every secret through the identity: all of it must exist.
            mountPrerequisites: [
                ...Object.values(keyVault.secrets),
                ...identity.federatedCredentials,
                ...access.grants,
            ],
        },
        k8sOpts,
    );

    new WizRelease(
        "wiz",
        {
            releaseName,
            namespace: namespace.name,
            chartVersion: config.wiz.chartVersion,
            values: design.values,
            timeoutSeconds: config.wiz.releaseTimeoutSeconds,
            secretSync: holder.deployment,
        },
        k8sOpts,
    );

    return {
        keyVaultName: keyVault.vaultName,
        keyVaultUri: keyVault.vaultUri,
        identityClientId: identity.clientId,
        identityPrincipalId: identity.principalId,
        tenantId: facts.tenantId,
        oidcIssuerUrl: cluster.issuerUrl,
        namespace: namespace.name,
        serviceAccountName: serviceAccount.name,
        releaseName,
    };
}
