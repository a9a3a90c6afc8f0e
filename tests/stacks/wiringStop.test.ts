/**
 * The composition refuses to register a graph whose wiring checks fail. The committed stacks
 * can't produce a broken link (config validation prevents it), so this suite breaks one link of
 * the design the program computes and checks that the program stops before registering anything.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { WiringModel } from "../../lib/checks";
import type * as design from "../../stacks/design";
import { runProgramError } from "../helpers/program";

/** What to do to the design's wiring model before the checks see it. */
const breakage: { apply?: (wiring: WiringModel) => void } = {};

vi.mock("../../stacks/design", async (importOriginal) => {
    const original = await importOriginal<typeof design>();
    return {
        ...original,
        designStack: (...args: Parameters<typeof design.designStack>) => {
            const result = original.designStack(...args);
            breakage.apply?.(result.wiring);
            return result;
        },
    };
});

beforeAll(() => {
    // Test files share a process: drop modules another file loaded before the mock existed.
    vi.resetModules();
});

beforeEach(() => {
    breakage.apply = undefined;
});

const registered = (capture: { resources: { type: string; urn?: string }[] }) =>
    capture.resources.filter((r) => r.type !== "pulumi:pulumi:Stack" && r.urn);

describe("a failed wiring check stops the program", () => {
    it("when the chart reads a Secret nobody syncs: both ends named, nothing registered", async () => {
        breakage.apply = (wiring) => {
            const values = wiring.releaseValues as {
                global: { wizApiToken: { secret: { name: string } } };
            };
            values.global.wizApiToken.secret.name = "wiz-api-token-renamed";
        };
        const { error, capture } = await runProgramError({ base: "dev" });
        expect(error.name).toBe("WiringError");
        expect(error.message).toContain("chart-secrets-are-synced");
        expect(error.message).toContain("wiz-api-token-renamed");
        expect(error.message).toContain("SecretProviderClass wiz/wiz-secrets");
        expect(registered(capture)).toEqual([]);
    });

    it("when the mounting ServiceAccount has no federated credential", async () => {
        breakage.apply = (wiring) => {
            wiring.federatedSubjects = ["system:serviceaccount:wiz:someone-else"];
        };
        const { error, capture } = await runProgramError({ base: "prod" });
        expect(error.name).toBe("WiringError");
        expect(error.message).toContain("mounting-service-accounts-are-federated");
        expect(error.message).toContain("wiz-service-account");
        expect(registered(capture)).toEqual([]);
    });

    it("and the same program registers the graph when nothing is broken", async () => {
        // The control: without a breakage, the mocked module passes the design through.
        await expect(runProgramError({ base: "dev" })).rejects.toThrow(
            "the program was expected to fail",
        );
    });
});
