import { describe, expect, it } from "vitest";
import {
    imageProblem,
    kubernetesImagePinned,
    secretsStoreWorkloadHardened,
    workloadIdentityLabelNotInSelector,
} from "../../policy/policies";
import { check, previewProps, unknownString } from "./helpers";

const deploymentType = "kubernetes:apps/v1:Deployment";
const cronJobType = "kubernetes:batch/v1:CronJob";
const podType = "kubernetes:core/v1:Pod";
const pause = "mcr.microsoft.com/oss/kubernetes/pause:3.10";
const digest = `mcr.microsoft.com/oss/kubernetes/pause@sha256:${"a".repeat(64)}`;

type Container = Record<string, unknown>;

const hardened = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
};

function podSpec(containers: Container[], extra: Record<string, unknown> = {}) {
    return {
        serviceAccountName: "wiz-secret-sync",
        securityContext: { runAsNonRoot: true, runAsUser: 65535 },
        containers,
        volumes: [
            {
                name: "secrets-store",
                csi: {
                    driver: "secrets-store.csi.k8s.io",
                    readOnly: true,
                    volumeAttributes: { secretProviderClass: "wiz" },
                },
            },
        ],
        ...extra,
    };
}

function deployment(spec: Record<string, unknown>, matchLabels?: Record<string, string>) {
    const labels = { "app.kubernetes.io/name": "wiz-secret-sync" };
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "wiz-secret-sync", namespace: "wiz" },
        spec: {
            replicas: 1,
            selector: { matchLabels: matchLabels ?? labels },
            template: {
                metadata: { labels: { ...labels, "azure.workload.identity/use": "true" } },
                spec,
            },
        },
    };
}

const holder = (container: Container = {}, extra: Record<string, unknown> = {}) =>
    deployment(
        podSpec([{ name: "holder", image: pause, securityContext: hardened, ...container }], extra),
    );

describe("imageProblem", () => {
    it.each([
        pause,
        digest,
        "registry.example.com:5000/wiz/sensor:1.0.2",
        `wiz/sensor:1.0.2@sha256:${"b".repeat(64)}`,
    ])("accepts %s", (image) => {
        expect(imageProblem(image)).toBeUndefined();
    });

    it.each([
        ["nginx", "has no tag"],
        ["registry.example.com:5000/wiz/sensor", "has no tag"],
        ["nginx:latest", "latest"],
        ["nginx:LATEST", "latest"],
        ["nginx:", "has an empty tag"],
        ["nginx@sha256:abc", "malformed digest"],
    ])("rejects %s", (image, problem) => {
        expect(imageProblem(image)).toContain(problem);
    });
});

describe("kubernetes-image-pinned", () => {
    it("passes pinned images in containers and init containers", async () => {
        const props = holder({}, { initContainers: [{ name: "init", image: digest }] });
        const { messages } = await check(kubernetesImagePinned, deploymentType, props);
        expect(messages).toEqual([]);
    });

    it("fails a latest image in a Deployment container", async () => {
        const props = holder({ image: "busybox:latest" });
        const { messages } = await check(kubernetesImagePinned, deploymentType, props, {
            name: "wiz-secret-sync",
        });
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain('Deployment "wiz-secret-sync"');
        expect(messages[0]).toContain(
            'spec.template.spec.containers[0].image "busybox:latest" uses the tag latest',
        );
        expect(messages[0]).toContain("Pin it");
    });

    it("fails an untagged init container image", async () => {
        const props = holder({}, { initContainers: [{ name: "init", image: "busybox" }] });
        const { messages } = await check(kubernetesImagePinned, deploymentType, props);
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain(
            'spec.template.spec.initContainers[0].image "busybox" has no tag',
        );
    });

    it("fails a container without an image", async () => {
        const props = deployment(podSpec([{ name: "holder" }]));
        const { messages } = await check(kubernetesImagePinned, deploymentType, props);
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain("spec.template.spec.containers[0].image is not set. Pin it");
    });

    it("finds the pod spec of a CronJob and of a bare Pod", async () => {
        const cronJob = {
            spec: {
                schedule: "0 * * * *",
                jobTemplate: {
                    spec: { template: { spec: { containers: [{ name: "c", image: "alpine" }] } } },
                },
            },
        };
        const cron = await check(kubernetesImagePinned, cronJobType, cronJob, { name: "cleanup" });
        expect(cron.messages).toHaveLength(1);
        expect(cron.messages[0]).toContain('CronJob "cleanup"');
        expect(cron.messages[0]).toContain("spec.jobTemplate.spec.template.spec.containers[0]");

        const pod = { spec: { containers: [{ name: "c", image: "alpine:latest" }] } };
        const bare = await check(kubernetesImagePinned, podType, pod, { name: "debug" });
        expect(bare.messages).toHaveLength(1);
        expect(bare.messages[0]).toContain('Pod "debug": spec.containers[0].image');
    });

    it("defers an image that is unknown in a preview but checks the others", async () => {
        const props = previewProps(
            holder({}, { initContainers: [{ name: "init", image: unknownString }] }),
        );
        const withLatest = previewProps(
            deployment(
                podSpec([
                    { name: "a", image: unknownString },
                    { name: "b", image: "busybox:latest" },
                ]),
            ),
        );
        const quiet = await check(kubernetesImagePinned, deploymentType, props);
        expect(quiet.report).not.toHaveBeenCalled();
        expect(quiet.deferred).toContain("initContainers.0.image");

        const loud = await check(kubernetesImagePinned, deploymentType, withLatest);
        expect(loud.messages).toHaveLength(1);
        expect(loud.messages[0]).toContain("containers[1].image");
        expect(loud.deferred).toContain("containers.0.image");
    });
});

describe("secrets-store-workload-hardened", () => {
    it("passes the hardened holder", async () => {
        const { messages } = await check(secretsStoreWorkloadHardened, deploymentType, holder());
        expect(messages).toEqual([]);
    });

    it("accepts runAsNonRoot set only on the pod", async () => {
        const { runAsNonRoot: _, ...withoutNonRoot } = hardened;
        const props = holder({ securityContext: withoutNonRoot });
        const { messages } = await check(secretsStoreWorkloadHardened, deploymentType, props);
        expect(messages).toEqual([]);
    });

    it("ignores workloads that mount no Secrets Store volume", async () => {
        const props = deployment({ containers: [{ name: "web", image: pause }] });
        const { messages } = await check(secretsStoreWorkloadHardened, deploymentType, props);
        expect(messages).toEqual([]);
    });

    it("fails a holder without any container hardening", async () => {
        const props = deployment(
            podSpec([{ name: "holder", image: pause }], { securityContext: {} }),
        );
        const { messages } = await check(secretsStoreWorkloadHardened, deploymentType, props, {
            name: "wiz-secret-sync",
        });
        expect(messages).toHaveLength(3);
        for (const message of messages) expect(message).toContain('Deployment "wiz-secret-sync"');
        expect(messages[0]).toContain(
            "spec.template.spec.containers[0] mounts Key Vault secrets but runAsNonRoot is not set",
        );
        expect(messages[0]).toContain("runAsNonRoot: true");
        expect(messages[1]).toContain(
            "containers[0].securityContext.readOnlyRootFilesystem is not set, but must be true",
        );
        expect(messages[2]).toContain(
            "containers[0].securityContext.allowPrivilegeEscalation is not set, but must be false",
        );
    });

    it("fails a container that turns runAsNonRoot off over the pod's setting", async () => {
        const props = holder({ securityContext: { ...hardened, runAsNonRoot: false } });
        const { messages } = await check(secretsStoreWorkloadHardened, deploymentType, props);
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain("runAsNonRoot is false");
    });

    it("fails root's UID and privilege escalation on an init container", async () => {
        const init = {
            name: "init",
            image: pause,
            securityContext: { ...hardened, runAsUser: 0, allowPrivilegeEscalation: true },
        };
        const props = holder({}, { initContainers: [init] });
        const { messages } = await check(secretsStoreWorkloadHardened, deploymentType, props);
        expect(messages).toHaveLength(2);
        expect(messages[0]).toContain("initContainers[0] runs as runAsUser 0 (root)");
        expect(messages[1]).toContain(
            "initContainers[0].securityContext.allowPrivilegeEscalation is true, but must be false",
        );
    });
});

describe("workload-identity-label-not-in-selector", () => {
    it("passes the label on the pod template only", async () => {
        const { messages } = await check(
            workloadIdentityLabelNotInSelector,
            deploymentType,
            holder(),
        );
        expect(messages).toEqual([]);
    });

    it("fails the label in matchLabels", async () => {
        const props = deployment(podSpec([]), {
            "app.kubernetes.io/name": "wiz-secret-sync",
            "azure.workload.identity/use": "true",
        });
        const { messages } = await check(
            workloadIdentityLabelNotInSelector,
            deploymentType,
            props,
            {
                name: "wiz-secret-sync",
            },
        );
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain('Deployment "wiz-secret-sync"');
        expect(messages[0]).toContain(
            'spec.selector.matchLabels has azure.workload.identity/use="true"',
        );
        expect(messages[0]).toContain("keep it only in the pod template's labels");
    });

    it("fails the label in matchExpressions of a CronJob's job template", async () => {
        const props = {
            spec: {
                jobTemplate: {
                    spec: {
                        selector: {
                            matchExpressions: [
                                {
                                    key: "azure.workload.identity/use",
                                    operator: "In",
                                    values: ["true"],
                                },
                            ],
                        },
                        template: { spec: { containers: [] } },
                    },
                },
            },
        };
        const { messages } = await check(workloadIdentityLabelNotInSelector, cronJobType, props);
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain(
            "spec.jobTemplate.spec.selector.matchExpressions[0] selects on azure.workload.identity/use",
        );
    });

    it("does not apply to bare Pods", async () => {
        const outcome = await check(workloadIdentityLabelNotInSelector, podType, {});
        expect(outcome.notApplicable).toBeDefined();
    });
});
