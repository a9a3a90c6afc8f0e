/**
 * The pack's name and arguments, apart from index.ts so that tests can inspect them without
 * constructing the PolicyPack.
 */
import type { PolicyPackArgs } from "@pulumi/policy";
import { policies } from "./policies";

export const packName = "wiz-infra";

export const packArgs: PolicyPackArgs = {
    description:
        "Guards the Wiz Kubernetes integration on AKS: Key Vault hardening, least-privilege " +
        "access for the workload identity, pinned images and charts, no credentials in Helm values.",
    // The SDK would default to advisory; every policy blocks unless a stack's config relaxes it.
    enforcementLevel: "mandatory",
    policies,
};
