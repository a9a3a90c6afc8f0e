/**
 * wiz-infra: the Wiz Kubernetes integration on an existing AKS cluster, with its credentials in
 * Azure Key Vault delivered by the Secrets Store CSI driver under workload identity.
 *
 * Pulumi calls the exported function and publishes what it returns as the stack outputs.
 */
import { deployWizStack } from "./stacks/wizStack";

export = deployWizStack;
