/**
 * The wiz-kubernetes-integration Helm release. A Release, not a rendered Chart: the connector
 * registers itself in a pre-install hook Job and deregisters in pre-delete hooks, and only a
 * real Helm release runs hooks.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export const wizChartName = "wiz-kubernetes-integration";
export const wizChartRepository = "https://charts.wiz.io";

export interface WizReleaseArgs {
    releaseName: string;
    namespace: pulumi.Input<string>;
    chartVersion: string;
    values: Record<string, unknown>;
    timeoutSeconds: number;
    /** The holder: Ready means the token and pull Secrets exist; it must outlive the release. */
    secretSync: pulumi.Resource;
}

export class WizRelease extends pulumi.ComponentResource {
    public readonly release: k8s.helm.v3.Release;

    constructor(name: string, args: WizReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("wiz-infra:helm:WizRelease", name, {}, opts);

        this.release = new k8s.helm.v3.Release(
            "release",
            {
                name: args.releaseName,
                chart: wizChartName,
                version: args.chartVersion,
                repositoryOpts: { repo: wizChartRepository },
                namespace: args.namespace,
                values: args.values,
                // atomic: a failed install is uninstalled, so one more `pulumi up` starts clean
                // instead of meeting a release stuck in `failed`. cleanupOnFail: a failed upgrade
                // removes the objects it created before rolling back.
                atomic: true,
                cleanupOnFail: true,
                timeout: args.timeoutSeconds,
                waitForJobs: true,
                maxHistory: 10,
            },
            // Depending on the holder makes Pulumi create the release after it and delete the
            // release first, while the pre-delete Jobs can still read the token Secret.
            { parent: this, dependsOn: [args.secretSync] },
        );

        this.registerOutputs({ status: this.release.status });
    }
}
