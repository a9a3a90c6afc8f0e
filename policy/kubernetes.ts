/**
 * Kubernetes workload policies: images that cannot move under a running release, a hardened pod
 * wherever Key Vault secrets are mounted, and selectors that leave the workload identity label
 * free to change.
 */
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { type Checks, elements, field, forTypes, isRecord, path, shown, subject } from "./support";
import { kindOf, podSpecPaths, selectorPaths, workloadTypes } from "./types";

const workloadLabel = (args: ResourceValidationArgs) => subject(kindOf(args.type), args.name);

const containerLists = ["initContainers", "containers", "ephemeralContainers"] as const;

interface ContainerAt {
    container: unknown;
    /** Property path of the container, for messages. */
    where: string;
}

/** Every container of the pod spec, each read on its own so one unknown spares the others. */
function containersOf(podSpec: unknown, specPath: string, checks: Checks): ContainerAt[] {
    const out: ContainerAt[] = [];
    for (const list of containerLists) {
        const items = checks.read(() => elements(field(podSpec, list)));
        if (!items.known) continue;
        for (const [i, container] of items.value.entries()) {
            out.push({ container, where: `${specPath}.${list}[${i}]` });
        }
    }
    return out;
}

const digestPattern = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** Why an image reference can move under the workload, or undefined when it is pinned. */
export function imageProblem(image: string): string | undefined {
    if (image.trim() === "") return "is empty";
    const at = image.indexOf("@");
    if (at >= 0) {
        return digestPattern.test(image.slice(at + 1)) ? undefined : "has a malformed digest";
    }
    // A colon before the last slash separates a registry port, not a tag.
    const name = image.slice(image.lastIndexOf("/") + 1);
    const colon = name.indexOf(":");
    if (colon < 0) return "has no tag, so it pulls latest";
    const tag = name.slice(colon + 1);
    if (tag === "") return "has an empty tag";
    if (tag.toLowerCase() === "latest") return "uses the tag latest, which moves";
    return undefined;
}

export const kubernetesImagePinned: ResourceValidationPolicy = {
    name: "kubernetes-image-pinned",
    description:
        "Every container image (init and ephemeral containers included) must name a fixed tag " +
        "other than latest, or a digest.",
    severity: "medium",
    remediationSteps:
        "Reference the image by a release tag (registry/name:1.2.3) or by digest " +
        "(registry/name@sha256:<digest>).",
    validateResource: forTypes(workloadTypes, (args, report, checks) => {
        const specPath = podSpecPaths[args.type];
        const podSpec = checks.read(() => path(args.props, specPath));
        if (!podSpec.known) return;
        for (const { container, where } of containersOf(
            podSpec.value,
            specPath.join("."),
            checks,
        )) {
            checks.run(() => {
                const image = field(container, "image");
                const fix = "Pin it to a release tag (name:1.2.3) or a digest (name@sha256:…).";
                if (typeof image !== "string") {
                    report(`${workloadLabel(args)}: ${where}.image is ${shown(image)}. ${fix}`);
                    return;
                }
                const problem = imageProblem(image);
                if (problem === undefined) return;
                report(`${workloadLabel(args)}: ${where}.image ${shown(image)} ${problem}. ${fix}`);
            });
        }
    }),
};

export const secretsStoreDriver = "secrets-store.csi.k8s.io";

/** True when the pod spec mounts a volume of the Secrets Store CSI driver. */
function mountsSecretsStore(podSpec: unknown, checks: Checks): boolean {
    const volumes = checks.read(() => elements(field(podSpec, "volumes")));
    if (!volumes.known) return false;
    return volumes.value.some((volume) => {
        const driver = checks.read(() => path(volume, ["csi", "driver"]));
        return driver.known && driver.value === secretsStoreDriver;
    });
}

export const secretsStoreWorkloadHardened: ResourceValidationPolicy = {
    name: "secrets-store-workload-hardened",
    description:
        `A workload whose pods mount a ${secretsStoreDriver} volume (the secret holder) must run ` +
        "every container as non-root, with a read-only root filesystem and without privilege " +
        "escalation.",
    severity: "high",
    remediationSteps:
        "Set securityContext.runAsNonRoot: true on the pod (or on every container), and " +
        "readOnlyRootFilesystem: true and allowPrivilegeEscalation: false on every container.",
    validateResource: forTypes(workloadTypes, (args, report, checks) => {
        const specPath = podSpecPaths[args.type];
        const podSpec = checks.read(() => path(args.props, specPath));
        if (!podSpec.known || !mountsSecretsStore(podSpec.value, checks)) return;
        const label = workloadLabel(args);
        const podContext = `${specPath.join(".")}.securityContext`;
        for (const { container, where } of containersOf(
            podSpec.value,
            specPath.join("."),
            checks,
        )) {
            checks.run(() => {
                const own = field(container, "securityContext");
                const ownNonRoot = field(own, "runAsNonRoot");
                const nonRoot =
                    ownNonRoot ?? path(podSpec.value, ["securityContext", "runAsNonRoot"]);
                if (nonRoot !== true) {
                    report(
                        `${label}: ${where} mounts Key Vault secrets but runAsNonRoot is ` +
                            `${shown(nonRoot)} (container setting first, then ${podContext}). ` +
                            `Set ${podContext}.runAsNonRoot: true and do not set it to false ` +
                            "on the container.",
                    );
                }
                const uid =
                    field(own, "runAsUser") ??
                    path(podSpec.value, ["securityContext", "runAsUser"]);
                if (uid === 0) {
                    report(
                        `${label}: ${where} runs as runAsUser 0 (root). Use a non-zero UID, ` +
                            "e.g. 65532.",
                    );
                }
            });
            checks.run(() => {
                const value = path(container, ["securityContext", "readOnlyRootFilesystem"]);
                if (value !== true) {
                    report(
                        `${label}: ${where}.securityContext.readOnlyRootFilesystem is ` +
                            `${shown(value)}, but must be true. Set it to true and mount an ` +
                            "emptyDir for any path the container writes.",
                    );
                }
            });
            checks.run(() => {
                const value = path(container, ["securityContext", "allowPrivilegeEscalation"]);
                if (value !== false) {
                    report(
                        `${label}: ${where}.securityContext.allowPrivilegeEscalation is ` +
                            `${shown(value)}, but must be false. Set it to false.`,
                    );
                }
            });
        }
    }),
};

export const workloadIdentityLabel = "azure.workload.identity/use";

export const workloadIdentityLabelNotInSelector: ResourceValidationPolicy = {
    name: "workload-identity-label-not-in-selector",
    description:
        `The ${workloadIdentityLabel} label belongs on pod templates only: in a selector it ` +
        "cannot be changed without deleting the workload, and it ties replica ownership to " +
        "whether workload identity is on.",
    severity: "medium",
    remediationSteps: `Remove ${workloadIdentityLabel} from spec.selector and keep it in spec.template.metadata.labels.`,
    validateResource: forTypes(Object.keys(selectorPaths), (args, report, checks) => {
        const selectorPath = selectorPaths[args.type];
        const where = selectorPath.join(".");
        const fix =
            `Remove it from ${where} and keep it only in the pod template's labels ` +
            "(a selector cannot be changed in place, so the workload must be replaced).";
        checks.run(() => {
            const labels = path(args.props, [...selectorPath, "matchLabels"]);
            if (isRecord(labels) && workloadIdentityLabel in labels) {
                report(
                    `${workloadLabel(args)}: ${where}.matchLabels has ${workloadIdentityLabel}=` +
                        `${shown(field(labels, workloadIdentityLabel))}. ${fix}`,
                );
            }
        });
        const expressions = checks.read(() =>
            elements(path(args.props, [...selectorPath, "matchExpressions"])),
        );
        if (!expressions.known) return;
        for (const [i, expression] of expressions.value.entries()) {
            checks.run(() => {
                if (field(expression, "key") !== workloadIdentityLabel) return;
                report(
                    `${workloadLabel(args)}: ${where}.matchExpressions[${i}] selects on ` +
                        `${workloadIdentityLabel}. ${fix}`,
                );
            });
        }
    }),
};

export const kubernetesPolicies = [
    kubernetesImagePinned,
    secretsStoreWorkloadHardened,
    workloadIdentityLabelNotInSelector,
];
