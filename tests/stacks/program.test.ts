/**
 * The whole program under the simulated providers: what it registers for the committed stacks
 * and for the variations a stack can choose, with the inputs and dependencies the engine gets.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Capture, CapturedResource } from "../../cli/capture";
import { simulatedClientConfig, simulatedGuid } from "../../cli/simulator";
import { parseObjectsParameter } from "../../lib/secretProviderClass";
import {
    findLeaks,
    type Registry,
    registryOf,
    type StackFile,
    searchable,
    secretNeedles,
    stackFiles,
} from "../helpers/leaks";
import {
    byType,
    canaries,
    one,
    runProgram,
    runProgramError,
    stackConfig,
    transitiveDependencies,
} from "../helpers/program";

const T = {
    stack: "pulumi:pulumi:Stack",
    rg: "azure-native:resources:ResourceGroup",
    vault: "azure-native:keyvault:Vault",
    secret: "azure-native:keyvault:Secret",
    policy: "azure-native:keyvault:AccessPolicy",
    role: "azure-native:authorization:RoleAssignment",
    identity: "azure-native:managedidentity:UserAssignedIdentity",
    fic: "azure-native:managedidentity:FederatedIdentityCredential",
    provider: "pulumi:providers:kubernetes",
    namespace: "kubernetes:core/v1:Namespace",
    sa: "kubernetes:core/v1:ServiceAccount",
    spc: "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass",
    deployment: "kubernetes:apps/v1:Deployment",
    release: "kubernetes:helm.sh/v3:Release",
} as const;

// biome-ignore lint/suspicious/noExplicitAny: registered inputs are untyped wire data.
type Json = Record<string, any>;

const spcObjects = (c: Capture) => {
    const spec = one(c, T.spc).inputs.spec as { parameters: { objects: string } };
    return parseObjectsParameter(spec.parameters.objects);
};
const values = (c: Capture) => one(c, T.release).inputs.values as Json;
const parentType = (c: Capture, r: CapturedResource) =>
    c.resources.find((p) => p.urn === r.parent)?.type;

let dev: Capture;
let prod: Capture;

beforeAll(async () => {
    dev = await runProgram({ base: "dev" });
    prod = await runProgram({ base: "prod" });
});

describe("graph structure", () => {
    it("groups every cloud and cluster resource under a wiz-infra component", () => {
        for (const r of dev.resources) {
            if (r.type === T.stack || r.type === T.rg) continue;
            if (r.type.startsWith("wiz-infra:")) {
                expect(r.type).toMatch(/^wiz-infra:[a-z]+:[A-Z][A-Za-z]+$/);
                expect(parentType(dev, r)).toBe(T.stack);
            } else {
                expect(parentType(dev, r), `${r.type} ${r.name}`).toMatch(/^wiz-infra:/);
            }
        }
    });

    it("registers the expected resources for dev", () => {
        const count = (type: string) => byType(dev, type).length;
        expect(count(T.vault)).toBe(1);
        expect(count(T.secret)).toBe(3);
        expect(count(T.policy)).toBe(1);
        expect(count(T.role)).toBe(0);
        expect(count(T.fic)).toBe(1);
        expect(count(T.deployment)).toBe(1);
        expect(count(T.release)).toBe(1);
    });

    it("sends every Kubernetes resource through the cluster's provider", () => {
        const provider = one(dev, T.provider);
        for (const r of dev.resources.filter((x) => x.type.startsWith("kubernetes:"))) {
            expect(r.provider, r.name).toBe(provider.urn);
        }
        expect(provider.inputs.kubeconfig).toBe("[secret]");
    });

    it("exports the vault, identity, tenant and issuer", () => {
        const vault = one(dev, T.vault);
        const identity = one(dev, T.identity);
        const tenant = simulatedClientConfig("wiz-infra").tenantId;
        expect(dev.outputs).toMatchObject({
            keyVaultName: vault.outputs.name,
            keyVaultUri: `https://${vault.outputs.name}.vault.azure.net/`,
            identityClientId: identity.outputs.clientId,
            identityPrincipalId: identity.outputs.principalId,
            tenantId: tenant,
            namespace: "wiz",
            serviceAccountName: "wiz-service-account",
        });
        expect(String(dev.outputs.oidcIssuerUrl)).toMatch(/^https:\/\/westeurope\.oic\.prod-aks/);
    });
});

describe("Key Vault", () => {
    it("sets the authorization mode explicitly to match the stack", () => {
        const devVault = one(dev, T.vault).inputs.properties as Record<string, unknown>;
        const prodVault = one(prod, T.vault).inputs.properties as Record<string, unknown>;
        expect(devVault.enableRbacAuthorization).toBe(false);
        expect(prodVault.enableRbacAuthorization).toBe(true);
        expect(devVault.sku).toEqual({ family: "A", name: "standard" });
        expect(devVault.accessPolicies).toBeUndefined();
    });

    it("uses the retention and purge protection of each stack", () => {
        const devVault = one(dev, T.vault).inputs.properties as Record<string, unknown>;
        const prodVault = one(prod, T.vault).inputs.properties as Record<string, unknown>;
        expect(devVault.softDeleteRetentionInDays).toBe(7);
        expect(devVault.enablePurgeProtection).toBeUndefined();
        expect(prodVault.softDeleteRetentionInDays).toBe(90);
        expect(prodVault.enablePurgeProtection).toBe(true);
    });

    it("protects the vault and resource group in prod only", () => {
        expect(one(prod, T.vault).protect).toBe(true);
        expect(one(prod, T.rg).protect).toBe(true);
        expect(one(dev, T.vault).protect).toBe(false);
        expect(one(dev, T.rg).protect).toBe(false);
    });

    it("derives a valid vault name with a random suffix when none is set", () => {
        const name = String(one(dev, T.vault).inputs.vaultName);
        expect(name).toMatch(/^kv-wiz-dev-[a-z0-9]{6}$/);
        expect(byType(dev, "random:index/randomString:RandomString")).toHaveLength(1);
    });

    it("uses an explicit vault name without a random resource", async () => {
        const c = await runProgram({ set: { "wiz-infra:keyVaultName": "kv-wiz-fixed-01" } });
        expect(one(c, T.vault).inputs.vaultName).toBe("kv-wiz-fixed-01");
        expect(byType(c, "random:index/randomString:RandomString")).toHaveLength(0);
    });

    it("keeps every secret value secret and encrypted when echoed back", () => {
        for (const s of byType(dev, T.secret)) {
            expect((s.inputs.properties as { value: unknown }).value).toBe("[secret]");
            expect(s.additionalSecretOutputs).toContain("properties");
        }
    });

    it("creates the registry secret only with the sensor", async () => {
        const names = (c: Capture) => byType(c, T.secret).map((s) => s.inputs.secretName);
        expect(names(dev)).toContain("wiz-registry-dockerconfigjson");
        const off = await runProgram({
            set: {
                "wiz-infra:wizSensor": "false",
                "wiz-infra:registryUsername": undefined,
            },
            secrets: { "wiz-infra:registryPassword": null },
        });
        expect(names(off)).toEqual(["wiz-client-id", "wiz-client-token"]);
    });
});

describe("workload identity", () => {
    it("federates the ServiceAccount with the cluster's exact issuer", () => {
        const fic = one(dev, T.fic);
        expect(fic.inputs.subject).toBe("system:serviceaccount:wiz:wiz-service-account");
        expect(fic.inputs.audiences).toEqual(["api://AzureADTokenExchange"]);
        expect(fic.inputs.issuer).toBe(dev.outputs.oidcIssuerUrl);
        expect(fic.inputs.resourceName).toBe(one(dev, T.identity).outputs.name);
    });

    it("keeps a trailing slash of the issuer exactly", async () => {
        const issuerUrl = "https://issuer.example.test/tenant/cluster/";
        const c = await runProgram({ cluster: { issuerUrl } });
        expect(one(c, T.fic).inputs.issuer).toBe(issuerUrl);
    });

    it("annotates the ServiceAccount with the identity's client id and the tenant", () => {
        const sa = one(dev, T.sa).inputs.metadata as { annotations: Record<string, string> };
        expect(sa.annotations["azure.workload.identity/client-id"]).toBe(
            one(dev, T.identity).outputs.clientId,
        );
        expect(sa.annotations["azure.workload.identity/tenant-id"]).toBe(
            simulatedClientConfig("wiz-infra").tenantId,
        );
    });
});

describe("Key Vault access", () => {
    it("grants only get on secrets to the identity's principal with an access policy", () => {
        const policy = one(dev, T.policy).inputs.policy as Json;
        expect(policy.permissions).toEqual({ secrets: ["get"] });
        expect(policy.objectId).toBe(one(dev, T.identity).outputs.principalId);
        expect(byType(dev, T.role)).toHaveLength(0);
    });

    it("assigns Key Vault Secrets User per secret to the principal with rbac", () => {
        const roles = byType(prod, T.role);
        const secretIds = byType(prod, T.secret).map((s) => s.outputs.id ?? s.urn);
        const subscription = simulatedClientConfig("wiz-infra").subscriptionId;
        expect(roles).toHaveLength(3);
        expect(byType(prod, T.policy)).toHaveLength(0);
        for (const role of roles) {
            expect(role.inputs.roleDefinitionId).toBe(
                `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`,
            );
            expect(role.inputs.principalId).toBe(one(prod, T.identity).outputs.principalId);
            expect(role.inputs.principalType).toBe("ServicePrincipal");
            // Same name for a new principal: Azure only accepts it once the old one is gone.
            expect(role.deleteBeforeReplace).toBe(true);
            expect(String(role.inputs.roleAssignmentName)).toMatch(
                /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
            );
            expect(String(role.inputs.scope)).toMatch(
                /\/providers\/Microsoft\.KeyVault\/vaults\/kv-wiz-prod-[a-z0-9]{6}\/secrets\/wiz-[a-z-]+$/,
            );
        }
        expect(new Set(roles.map((r) => r.inputs.scope)).size).toBe(3);
        expect(secretIds).toHaveLength(3);
    });
});

describe("cluster side", () => {
    it("builds the SecretProviderClass from the vault, tenant and identity", () => {
        const spec = one(dev, T.spc).inputs.spec as { parameters: Record<string, unknown> };
        expect(spec.parameters.keyvaultName).toBe(one(dev, T.vault).outputs.name);
        expect(spec.parameters.clientID).toBe(one(dev, T.identity).outputs.clientId);
        expect(spec.parameters.tenantID).toBe(simulatedClientConfig("wiz-infra").tenantId);
        for (const value of Object.values(spec.parameters)) expect(typeof value).toBe("string");
        expect(spcObjects(dev).map((o) => o.objectName)).toEqual(
            byType(dev, T.secret).map((s) => s.inputs.secretName),
        );
    });

    it("runs the holder as the federated ServiceAccount, mounting the class", () => {
        const holder = one(dev, T.deployment).inputs as Json;
        const pod = holder.spec.template.spec;
        expect(pod.serviceAccountName).toBe("wiz-service-account");
        expect(pod.volumes[0].csi.volumeAttributes.secretProviderClass).toBe("wiz-secrets");
        expect(holder.spec.selector.matchLabels["azure.workload.identity/use"]).toBeUndefined();
        expect(holder.spec.template.metadata.labels["azure.workload.identity/use"]).toBe("true");
        expect(one(dev, T.deployment).customTimeouts?.create).toBe("10m");
        expect(one(prod, T.deployment).customTimeouts?.create).toBe("15m");
    });

    it("points the chart at the synced Secrets, pinned and atomic", () => {
        const release = one(dev, T.release).inputs as Json;
        expect(release).toMatchObject({
            chart: "wiz-kubernetes-integration",
            version: "0.3.65",
            repositoryOpts: { repo: "https://charts.wiz.io" },
            namespace: "wiz",
            atomic: true,
            cleanupOnFail: true,
        });
        expect(release.values.global.wizApiToken.secret).toEqual({
            create: false,
            name: "wiz-api-token",
        });
        expect(release.values["wiz-sensor"].imagePullSecret).toMatchObject({
            create: false,
            name: "wiz-sensor-pull-secret",
        });
        expect(release.values.global.clusterDisplayName).toBe("aks-dev-weu-01");
    });
});

describe("dependency order", () => {
    it("creates the release after the holder, and the holder after what it mounts", () => {
        const release = one(dev, T.release);
        const holder = one(dev, T.deployment);
        expect(release.dependencies).toContain(holder.urn);
        const before = transitiveDependencies(dev, release.urn);
        for (const needed of [
            one(dev, T.spc),
            one(dev, T.fic),
            one(dev, T.policy),
            one(dev, T.sa),
            ...byType(dev, T.secret),
        ]) {
            expect(before.has(needed.urn), needed.name).toBe(true);
        }
        for (const role of byType(prod, T.role)) {
            expect(one(prod, T.deployment).dependencies).toContain(role.urn);
        }
    });

    it("removes the release before the holder: nothing makes the holder wait for it", () => {
        const holder = one(dev, T.deployment);
        const release = one(dev, T.release);
        expect(transitiveDependencies(dev, holder.urn).has(release.urn)).toBe(false);
    });

    it("removes federated credentials and access grants before the identity", () => {
        const identity = one(prod, T.identity);
        for (const r of [one(prod, T.fic), ...byType(prod, T.role)]) {
            expect(transitiveDependencies(prod, r.urn).has(identity.urn), r.name).toBe(true);
        }
    });
});

describe("stack variations", () => {
    it("sensor off: no pull secret anywhere", async () => {
        const c = await runProgram({
            set: { "wiz-infra:wizSensor": "false", "wiz-infra:registryUsername": undefined },
            secrets: { "wiz-infra:registryPassword": null },
        });
        const spec = one(c, T.spc).inputs.spec as { secretObjects: { secretName: string }[] };
        expect(spec.secretObjects.map((s) => s.secretName)).toEqual(["wiz-api-token"]);
        expect(spcObjects(c).map((o) => o.objectAlias)).toEqual(["clientId", "clientToken"]);
        expect(values(c)["wiz-sensor"]).toEqual({ enabled: false });
    });

    it("connector only: the other subcharts are off", async () => {
        const c = await runProgram({
            set: {
                "wiz-infra:wizSensor": "false",
                "wiz-infra:wizAdmissionController": "false",
                "wiz-infra:registryUsername": undefined,
            },
            secrets: { "wiz-infra:registryPassword": null },
        });
        expect(values(c)["wiz-kubernetes-connector"]).toEqual({ enabled: true });
        expect(values(c)["wiz-admission-controller"]).toEqual({ enabled: false });
        expect(values(c)["wiz-sensor"]).toEqual({ enabled: false });
    });

    it("custom namespace and ServiceAccount flow to every object that names them", async () => {
        const c = await runProgram({
            set: {
                "wiz-infra:namespace": "security-tools",
                "wiz-infra:serviceAccountName": "wiz-csi-reader",
            },
        });
        expect((one(c, T.namespace).inputs.metadata as { name: string }).name).toBe(
            "security-tools",
        );
        expect(one(c, T.sa).inputs.metadata).toMatchObject({
            name: "wiz-csi-reader",
            namespace: "security-tools",
        });
        expect(one(c, T.fic).inputs.subject).toBe(
            "system:serviceaccount:security-tools:wiz-csi-reader",
        );
        expect(one(c, T.spc).inputs.metadata).toMatchObject({ namespace: "security-tools" });
        expect(one(c, T.release).inputs.namespace).toBe("security-tools");
        const excluded =
            values(c)["wiz-admission-controller"].opaWebhook.namespaceSelector.matchExpressions[0]
                .values;
        expect(excluded).toContain("security-tools");
    });

    it("uses the ambient kubeconfig and context when told to", async () => {
        const c = await runProgram({
            set: {
                "wiz-infra:kubernetesProvider": "kubeconfig",
                "wiz-infra:kubeContext": "aks-dev-weu-01-admin",
            },
        });
        const provider = one(c, T.provider);
        expect(provider.inputs.context).toBe("aks-dev-weu-01-admin");
        expect(provider.inputs.kubeconfig).toBeUndefined();
    });

    it("uses an existing resource group without creating one", async () => {
        const c = await runProgram({ set: { "wiz-infra:createResourceGroup": "false" } });
        expect(byType(c, T.rg)).toHaveLength(0);
        expect(one(c, T.vault).inputs.resourceGroupName).toBe("rg-wiz-dev-weu");
    });
});

describe("secrets never leak", () => {
    const stacks = stackFiles();
    const registries = stacks
        .map((s) => registryOf(s.file))
        .filter((r): r is Registry => r !== undefined);
    const needles = secretNeedles(canaries, registries);
    // One run per stack, made by the first test that needs it: a stack that fails to build
    // fails its own tests and leaves the other stacks' scans running.
    const runs = new Map<string, Promise<Capture>>();
    const captureOf = ({ kind, name, file }: StackFile): Promise<Capture> => {
        const committed = kind === "project" ? { dev, prod }[name] : undefined;
        if (committed) return Promise.resolve(committed);
        if (!runs.has(file)) runs.set(file, runProgram({ stackFile: file }));
        return runs.get(file) as Promise<Capture>;
    };

    /** Everything a run shows: every resource's inputs and outputs, the Helm values, logs. */
    const texts = (c: Capture): Record<string, string> => ({
        "resource inputs": searchable(c.resources.map((r) => [r.urn, r.inputs])),
        "resource outputs": searchable(c.resources.map((r) => [r.urn, r.outputs])),
        "Helm values": searchable(byType(c, T.release).map((r) => r.inputs.values)),
        "stack outputs": searchable(c.outputs),
        logs: searchable(c.logs),
        capture: searchable(c),
    });

    it("scans dev, prod and every example stack", () => {
        const names = stacks.map((s) => `${s.kind}:${s.name}`);
        expect(names).toEqual(expect.arrayContaining(["project:dev", "project:prod"]));
        expect(names.filter((n) => n.startsWith("example:")).length).toBeGreaterThanOrEqual(4);
        // The docker config JSON of every stack with a sensor is among the needles.
        expect(registries.map((r) => r.username)).toEqual(
            expect.arrayContaining(["wiz-sensor-pull-dev", "wiz-sensor-pull-prod"]),
        );
    });

    it.each(stacks)(
        "$kind $name: no canary nor its base64 in inputs, outputs, Helm values or logs",
        async (stack) => {
            const c = await captureOf(stack);
            expect(byType(c, T.release)).toHaveLength(1);
            expect(byType(c, T.secret).length).toBeGreaterThanOrEqual(2);
            const shown = texts(c);
            // Positive control: plain config values are visible to the scan.
            const input = stackConfig({ stackFile: stack.file }).config;
            expect(shown["resource inputs"]).toContain(input["wiz-infra:resourceGroupName"]);
            expect(shown["Helm values"]).toContain(
                input["wiz-infra:clusterDisplayName"] || input["wiz-infra:clusterName"],
            );
            expect(findLeaks(shown, needles)).toEqual([]);
        },
    );

    it.each(stacks)("$kind $name: Helm values hold no secret Output", async (stack) => {
        const c = await captureOf(stack);
        expect(JSON.stringify(values(c))).not.toContain("[secret]");
    });

    const secretKeys = Object.keys(canaries) as (keyof typeof canaries)[];
    it.each(stacks.flatMap((s) => secretKeys.map((key) => ({ ...s, key }))))(
        "$kind $name: $key given in plain text stops the run without echoing any canary",
        async ({ file, key }) => {
            const { error, capture } = await runProgramError({ stackFile: file, plainKeys: [key] });
            expect(error.name).toBe("ConfigError");
            expect(error.message).toContain(key);
            expect(capture.resources.filter((r) => r.type !== T.stack)).toEqual([]);
            const shown = { "error message": `${error.message}\n${String(error)}` };
            expect(findLeaks({ ...shown, ...texts(capture) }, needles)).toEqual([]);
        },
    );

    it.each(stacks)(
        "$kind $name: a cluster preflight failure echoes no canary",
        async ({ file }) => {
            const { error, capture } = await runProgramError({
                stackFile: file,
                cluster: { workloadIdentityEnabled: false },
            });
            expect(error.name).toBe("ClusterPreflightError");
            const shown = { "error message": `${error.message}\n${String(error)}` };
            expect(findLeaks({ ...shown, ...texts(capture) }, needles)).toEqual([]);
        },
    );

    it("refuses a secret given in plain text before registering anything", async () => {
        const { error, capture } = await runProgramError({
            plainKeys: ["wiz-infra:wizClientToken"],
        });
        expect(error.message).toContain(
            "pulumi config set --secret wiz-infra:wizClientToken --stack dev",
        );
        expect(error.message).not.toContain(canaries["wiz-infra:wizClientToken"]);
        expect(capture.resources.filter((r) => r.type !== T.stack && r.urn)).toEqual([]);
    });

    it("names the exact command for a missing secret", async () => {
        const { error, capture } = await runProgramError({
            base: "prod",
            secrets: { "wiz-infra:wizClientId": null },
        });
        expect(error.message).toContain(
            "pulumi config set --secret wiz-infra:wizClientId --stack prod",
        );
        expect(capture.resources.filter((r) => r.type !== T.stack && r.urn)).toEqual([]);
    });
});

describe("cluster preflight", () => {
    const cases = [
        ["oidcIssuerEnabled", "--enable-oidc-issuer"],
        ["workloadIdentityEnabled", "--enable-workload-identity"],
        ["secretsProviderEnabled", "--addons azure-keyvault-secrets-provider"],
    ] as const;

    it.each(cases)("stops before registering when %s is off", async (flag, fix) => {
        const { error, capture } = await runProgramError({ cluster: { [flag]: false } });
        expect(error.name).toBe("ClusterPreflightError");
        expect(error.message).toContain(fix);
        expect(error.message).toContain("--resource-group rg-aks-dev-weu --name aks-dev-weu-01");
        expect(capture.resources.filter((r) => r.type !== T.stack && r.urn)).toEqual([]);
    });

    it("warns, and still builds the graph, when secret rotation is off", async () => {
        const c = await runProgram({ cluster: { secretRotationEnabled: false } });
        expect(c.logs.map((l) => l.message).join("\n")).toContain("--enable-secret-rotation");
        expect(byType(c, T.release)).toHaveLength(1);
    });
});

describe("re-runs", () => {
    const shape = (c: Capture) =>
        c.resources.map((r) => ({ urn: r.urn, inputs: r.inputs, deps: r.dependencies }));

    it("gives identical URNs, inputs and dependencies on every evaluation", async () => {
        expect(shape(await runProgram({ base: "dev" }))).toEqual(shape(dev));
    });

    it("keeps the vault name and role assignment names when unrelated config changes", async () => {
        const changed = await runProgram({
            base: "prod",
            set: {
                "wiz-infra:clusterDisplayName": "aks-prod-renamed",
                "wiz-infra:holderReadyTimeoutMinutes": "20",
            },
        });
        expect(one(changed, T.vault).inputs.vaultName).toBe(one(prod, T.vault).inputs.vaultName);
        const names = (c: Capture) => byType(c, T.role).map((r) => r.inputs.roleAssignmentName);
        expect(names(changed)).toEqual(names(prod));
    });

    const suffix = (c: Capture) => one(c, "random:index/randomString:RandomString");
    it.each([
        ["clusterDisplayName", { "wiz-infra:clusterDisplayName": "aks-dev-renamed" }],
        ["namespace", { "wiz-infra:namespace": "security-tools" }],
        ["wizSensor", { "wiz-infra:wizSensor": "false", "wiz-infra:registryUsername": undefined }],
        ["holderReadyTimeoutMinutes", { "wiz-infra:holderReadyTimeoutMinutes": "20" }],
    ] as const)("keeps the vault suffix and vault name when %s changes", async (_, set) => {
        const changed = await runProgram({ base: "dev", set });
        // The change took effect: the graph differs somewhere.
        expect(changed.resources).not.toEqual(dev.resources);
        expect(suffix(changed).inputs).toEqual(suffix(dev).inputs);
        expect(suffix(changed).outputs.result).toBe(suffix(dev).outputs.result);
        expect(one(changed, T.vault).inputs.vaultName).toBe(one(dev, T.vault).inputs.vaultName);
    });

    it("gives other stacks other role assignment names", async () => {
        const other = await runProgram({ base: "prod", stack: "prod-neu" });
        const names = (c: Capture) => byType(c, T.role).map((r) => r.inputs.roleAssignmentName);
        expect(names(other).some((n) => names(prod).includes(n))).toBe(false);
        expect(simulatedGuid("x")).not.toBe(simulatedGuid("y"));
    });
});
