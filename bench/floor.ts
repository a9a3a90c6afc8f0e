/**
 * The floor of the offline plan: what any plan costs before the program registers anything.
 * Started like the plan (the same Node binary, through the same tsx loader), it loads the Pulumi
 * SDK and every provider module the program imports, installs trivial mocks, and exits the way
 * the plan does. The bench reports plan times as a ratio to this process.
 */
import "@pulumi/azure-native/authorization";
import "@pulumi/azure-native/containerservice";
import "@pulumi/azure-native/keyvault";
import "@pulumi/azure-native/managedidentity";
import "@pulumi/azure-native/resources";
import "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import "@pulumi/random";

async function main(): Promise<void> {
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
            call: (args) => args.inputs,
        },
        "floor",
        "floor",
        false,
    );
}

main().then(
    () => process.stdout.write("", () => process.exit(0)),
    (error) => {
        process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
    },
);
