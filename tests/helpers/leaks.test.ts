/** The canary scan itself: it must find a secret wherever the program could put it. */
import { describe, expect, it } from "vitest";
import { dockerConfigJson } from "../../lib/delivery";
import { base64Forms, findLeaks, searchable, secretNeedles, stackFiles } from "./leaks";

const secret = "canary-registry-password-c5d20f";
const needles = secretNeedles({ "wiz-infra:registryPassword": secret }, [
    { server: "wizio.azurecr.io", username: "wiz-sensor-pull-dev" },
]);
const found = (text: string) => findLeaks({ text }, needles);

describe("base64 needles", () => {
    it.each([0, 1, 2, 3, 4, 5, 19, 20, 21])(
        "find the secret encoded after %i bytes of other text",
        (prefix) => {
            const text = Buffer.from(`${"u".repeat(prefix)}${secret}tail`).toString("base64");
            expect(base64Forms(secret).some((form) => text.includes(form))).toBe(true);
            expect(found(`{"auth":"${text}"}`)).not.toEqual([]);
        },
    );

    it("find the secret in URL-safe base64 too", () => {
        const tricky = "\u00ff\u00fe\u00fd-secret";
        const text = Buffer.from(`ab${tricky}`).toString("base64url");
        expect(base64Forms(tricky).some((form) => text.includes(form))).toBe(true);
    });

    it("are not found in the base64 of other values", () => {
        const other = Buffer.from(`user:${secret.replace("c5d20f", "000000")}`).toString("base64");
        expect(found(other)).toEqual([]);
    });
});

describe("docker config needles", () => {
    const config = dockerConfigJson("wizio.azurecr.io", "wiz-sensor-pull-dev", secret);

    it("find the docker config JSON, as is, inside JSON, and in base64", () => {
        expect(found(config)).toContain(
            "docker config JSON for wiz-sensor-pull-dev@wizio.azurecr.io in text",
        );
        expect(found(JSON.stringify({ value: config }))).toContain(
            "docker config JSON for wiz-sensor-pull-dev@wizio.azurecr.io in text",
        );
        expect(found(Buffer.from(config).toString("base64"))).toContain(
            "base64 of docker config JSON for wiz-sensor-pull-dev@wizio.azurecr.io in text",
        );
    });

    it("find the password inside the auth field for any user name length", () => {
        for (const username of ["a", "ab", "abc", "wiz-sensor-pull-dev", "wiz-sensor-pull-prod"]) {
            const other = dockerConfigJson("other.example", username, secret);
            expect(found(other), username).toContain(
                "base64 of wiz-infra:registryPassword in text",
            );
        }
    });

    it("search every string of a structure, nested or as a key", () => {
        expect(found(searchable({ a: [{ b: { [secret]: 1 } }] }))).not.toEqual([]);
        expect(found(searchable({ a: "nothing here" }))).toEqual([]);
    });
});

describe("stack files", () => {
    it("finds dev, prod and every example", () => {
        const names = stackFiles().map((s) => `${s.kind}:${s.name}`);
        expect(names).toEqual(expect.arrayContaining(["project:dev", "project:prod"]));
        expect(names.filter((n) => n.startsWith("example:")).length).toBeGreaterThanOrEqual(4);
    });
});
