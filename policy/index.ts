/**
 * Entry point Pulumi runs for `--policy-pack policy`. Constructing the PolicyPack starts the
 * analyzer's gRPC server, so nothing else may import this file; tests use policies.ts and pack.ts.
 */
import { PolicyPack } from "@pulumi/policy";
import { packArgs, packName } from "./pack";

new PolicyPack(packName, packArgs);
