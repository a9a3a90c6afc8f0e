/**
 * Every policy of the pack. Importing this module is side-effect free: the PolicyPack, whose
 * constructor starts the analyzer's gRPC server, is only built in index.ts.
 */
import type { Policies } from "@pulumi/policy";
import { helmPolicies } from "./helm";
import { federatedCredentialPolicies } from "./identity";
import { keyVaultPolicies } from "./keyvault";
import { kubernetesPolicies } from "./kubernetes";
import { roleAssignmentPolicies } from "./rbac";

export * from "./helm";
export * from "./identity";
export * from "./keyvault";
export * from "./kubernetes";
export * from "./rbac";

export const policies: Policies = [
    ...keyVaultPolicies,
    ...roleAssignmentPolicies,
    ...federatedCredentialPolicies,
    ...kubernetesPolicies,
    ...helmPolicies,
];
