/** The simulated providers: what they derive values from. */
import { describe, expect, it } from "vitest";
import { createMocks } from "../../cli/simulator";

const randomString = "random:index/randomString:RandomString";

function resultOf(stack: string, inputs: Record<string, unknown>, name = "vault-suffix"): string {
    const mocks = createMocks({ project: "wiz-infra", stack, location: "westeurope" });
    const created = mocks.newResource({ type: randomString, name, inputs, custom: true });
    if (created instanceof Promise) throw new Error("the simulator answers synchronously");
    return String(created.state.result);
}
const result = (inputs: Record<string, unknown>) => resultOf("dev", inputs);

describe("simulated RandomString", () => {
    const base = { length: 6, upper: false, special: false, numeric: true, lower: true };

    it("gives the same value for the same inputs, in any key order", () => {
        const reordered = Object.fromEntries(Object.entries(base).reverse());
        expect(result(reordered)).toBe(result(base));
        expect(result(base)).toMatch(/^[a-z0-9]{6}$/);
    });

    it("gives a new value when an input changes, as the provider's replacement does", () => {
        expect(result({ ...base, keepers: { display: "a" } })).not.toBe(result(base));
        expect(result({ ...base, keepers: { display: "a" } })).not.toBe(
            result({ ...base, keepers: { display: "b" } }),
        );
        expect(result({ ...base, numeric: false })).not.toBe(result(base));
    });

    it("gives other resources and other stacks other values", () => {
        expect(resultOf("dev", base, "other")).not.toBe(result(base));
        expect(resultOf("prod", base)).not.toBe(result(base));
    });
});
