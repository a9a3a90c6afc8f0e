import { describe, expect, it } from "vitest";
import {
    deriveVaultName,
    isDns1123Label,
    isVaultSecretName,
    serviceAccountSubject,
    syncedSecretNames,
    vaultNameProblem,
    vaultSecretNames,
    vaultSuffixLength,
} from "../../lib/names";

/** The Key Vault naming rules, written out independently of lib/names.ts. */
function isValidVaultName(name: string): boolean {
    if (name.length < 3 || name.length > 24) return false;
    for (const ch of name) {
        const letter = (ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z");
        const digit = ch >= "0" && ch <= "9";
        if (!letter && !digit && ch !== "-") return false;
    }
    const first = name[0] as string;
    const last = name[name.length - 1] as string;
    if (!/[A-Za-z]/.test(first)) return false;
    if (last === "-") return false;
    return !name.includes("--");
}

describe("vaultNameProblem", () => {
    it.each([
        "abc",
        "kv-wiz-dev-01",
        "KV-Wiz-Prod-01",
        "a1b",
        "a-b-c-d",
        "abcdefghijklmnopqrstuvwx", // 24 characters
    ])("accepts %s", (name) => {
        expect(vaultNameProblem(name)).toBeUndefined();
    });

    it.each([
        ["ab", "2 characters"],
        ["", "0 characters"],
        ["abcdefghijklmnopqrstuvwxy", "25 characters"],
        ["kv_wiz", "other than letters, digits"],
        ["kv.wiz", "other than letters, digits"],
        ["kv wiz", "other than letters, digits"],
        ["kv-wíz", "other than letters, digits"],
        ["1kv-wiz", "start with a letter"],
        ["-kv-wiz", "start with a letter"],
        ["kv-wiz-", "end with a letter or digit"],
        ["kv--wiz", "'--'"],
    ])("refuses %j (%s)", (name, words) => {
        const problem = vaultNameProblem(name);
        expect(problem).toBeDefined();
        expect(problem).toContain(words);
    });
});

describe("deriveVaultName", () => {
    const suffix = "a1b2c3";

    it("uses a six character suffix", () => {
        expect(vaultSuffixLength).toBe(6);
    });

    it.each([
        ["dev", "kv-wiz-dev-a1b2c3"],
        ["PROD-WEU", "kv-wiz-prod-weu-a1b2c3"],
        ["dev.weu", "kv-wiz-dev-weu-a1b2c3"],
        ["a__b", "kv-wiz-a-b-a1b2c3"],
        ["123stack", "kv-wiz-123stack-a1b2c3"],
        // cut to ten characters, the room left beside kv-wiz- and the suffix
        ["feature_branch_x", "kv-wiz-feature-br-a1b2c3"],
        // the cut lands after a hyphen, which is dropped
        ["abcdefghi-xyz", "kv-wiz-abcdefghi-a1b2c3"],
        ["___", "kv-wiz-a1b2c3"],
        ["", "kv-wiz-a1b2c3"],
        ["-", "kv-wiz-a1b2c3"],
        ["--dev--", "kv-wiz-dev-a1b2c3"],
    ])("derives from stack %j", (stack, expected) => {
        expect(deriveVaultName(stack, suffix)).toBe(expected);
    });

    it.each([
        "dev",
        "a-very-long-stack-name-for-the-west-europe-region",
        "UPPERCASE_STACK_NAME",
        "under_scores_everywhere",
        "0123456789",
        "9-lives",
        "___",
        "...",
        "",
        "a",
        "x-",
        "-x",
        "a--b--c--d",
        "prod.weu.01",
        "abcdefghij-",
        "abcdefghi--klm",
    ])("is always a valid vault name for stack %j", (stack) => {
        for (const s of [suffix, "000000", "zzzzzz", "9a8b7c"]) {
            const name = deriveVaultName(stack, s);
            expect(isValidVaultName(name), name).toBe(true);
            expect(name.startsWith("kv-wiz-")).toBe(true);
            expect(name.endsWith(`-${s}`)).toBe(true);
        }
    });

    it("is stable for the same inputs and differs for another suffix", () => {
        const first = deriveVaultName("Feature_Branch", suffix);
        expect(deriveVaultName("Feature_Branch", suffix)).toBe(first);
        expect(deriveVaultName("Feature_Branch", "zzzzzz")).not.toBe(first);
    });

    it("keeps different short stacks apart", () => {
        expect(deriveVaultName("dev", suffix)).not.toBe(deriveVaultName("prod", suffix));
    });

    it("refuses a suffix that cannot end a vault name", () => {
        expect(() => deriveVaultName("dev", "")).toThrow(/vault name/);
    });
});

describe("isDns1123Label", () => {
    it.each(["wiz", "a", "0", "security-tools", "wiz-service-account", "a1-b2", "a".repeat(63)])(
        "accepts %j",
        (label) => {
            expect(isDns1123Label(label)).toBe(true);
        },
    );

    it.each(["", "Wiz", "wiz_ns", "wiz.ns", "-wiz", "wiz-", "wiz ns", "a".repeat(64), "wíz"])(
        "refuses %j",
        (label) => {
            expect(isDns1123Label(label)).toBe(false);
        },
    );
});

describe("serviceAccountSubject", () => {
    it("formats system:serviceaccount:<namespace>:<name>", () => {
        expect(serviceAccountSubject("wiz", "wiz-service-account")).toBe(
            "system:serviceaccount:wiz:wiz-service-account",
        );
        expect(serviceAccountSubject("security-tools", "sa")).toBe(
            "system:serviceaccount:security-tools:sa",
        );
    });

    it.each([
        ["Wiz", "sa"],
        ["wiz", "SA"],
        ["wiz", ""],
        ["", "sa"],
        ["wiz:x", "sa"],
        ["wiz", "sa_1"],
    ])("refuses namespace %j and ServiceAccount %j", (namespace, name) => {
        expect(() => serviceAccountSubject(namespace, name)).toThrow(/DNS-1123/);
    });
});

describe("isVaultSecretName", () => {
    it.each(["a", "wiz-client-id", "Wiz-Client-Token-01", "1", "a".repeat(127)])(
        "accepts %j",
        (name) => {
            expect(isVaultSecretName(name)).toBe(true);
        },
    );

    it.each(["", "a".repeat(128), "wiz_client_id", "wiz.client", "wiz client", "wiz/client"])(
        "refuses %j",
        (name) => {
            expect(isVaultSecretName(name)).toBe(false);
        },
    );

    it("holds for every vault secret the graph creates", () => {
        expect(Object.values(vaultSecretNames)).toEqual([
            "wiz-client-id",
            "wiz-client-token",
            "wiz-registry-dockerconfigjson",
        ]);
        for (const name of Object.values(vaultSecretNames)) {
            expect(isVaultSecretName(name)).toBe(true);
        }
    });

    it("synced Secret names are DNS-1123 labels", () => {
        expect(syncedSecretNames).toEqual({
            apiToken: "wiz-api-token",
            imagePull: "wiz-sensor-pull-secret",
        });
        for (const name of Object.values(syncedSecretNames)) {
            expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
        }
    });
});
