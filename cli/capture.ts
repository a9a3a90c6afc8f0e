/**
 * Runs the program under Pulumi's mock runtime and records what the engine would receive for
 * each resource: type, name, parent, dependencies (explicit `dependsOn` and implicit through
 * Output inputs, as the SDK computes them), provider, protect and inputs with secrets masked.
 */
import * as pulumi from "@pulumi/pulumi";
import { fullKey, keySpecs } from "../stacks/config";
import { createMocks, type SimulationOptions } from "./simulator";
import { type StackInput, withSecretPlaceholders } from "./stackFiles";

export const secretMask = "[secret]";
export const unknownMask = "[unknown]";

// Markers of the Pulumi wire format for secrets, resource references and unknown values.
const specialSig = "4dabf18193072939515e22adb298388d";
const secretSig = "1b47061264138c4ac30d75fd1eb44270";
const resourceSig = "5cf8f73096256a8f31e491e813e4eb8e";
const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface CapturedResource {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    parent?: string;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    provider?: string;
    protect: boolean;
    deleteBeforeReplace: boolean;
    additionalSecretOutputs: string[];
    customTimeouts?: { create?: string; update?: string; delete?: string };
    inputs: Record<string, unknown>;
    /** Simulated outputs, secrets masked. */
    outputs: Record<string, unknown>;
}

export interface LogEntry {
    severity: "info" | "warning" | "error";
    message: string;
}

export interface Capture {
    resources: CapturedResource[];
    outputs: Record<string, unknown>;
    logs: LogEntry[];
}

/** Wire-format value → plain data, with secrets and unknowns replaced by masks. */
export function unwire(value: unknown): unknown {
    if (value === unknownValue) return unknownMask;
    if (Array.isArray(value)) return value.map(unwire);
    if (value !== null && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        if (obj[specialSig] === secretSig) return secretMask;
        if (obj[specialSig] === resourceSig) return { urn: obj.urn };
        return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, unwire(v)]));
    }
    return value;
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
    getProtect(): boolean;
    getDeletebeforereplace(): boolean;
    getDependenciesList(): string[];
    getProvider(): string;
    getPropertydependenciesMap(): {
        forEach(cb: (v: { getUrnsList(): string[] }, k: string) => void): void;
    };
    getAdditionalsecretoutputsList(): string[];
    getCustomtimeouts():
        | { getCreate(): string; getUpdate(): string; getDelete(): string }
        | undefined;
}
interface RegisterResponse {
    getUrn(): string;
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}
type Callback<T> = (err: unknown, resp?: T) => void;
interface RecordableMonitor {
    registerResource(req: RegisterRequest, cb: Callback<RegisterResponse>): void;
    registerResourceOutputs(
        req: {
            getUrn(): string;
            getOutputs(): { toJavaScript(): Record<string, unknown> } | undefined;
        },
        cb: Callback<unknown>,
    ): void;
}

/** Starts recording on the mock monitor; resources appear in registration order. */
function record(monitor: RecordableMonitor, capture: Capture, stackType: string): void {
    const registerResource = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
        const slot: Partial<CapturedResource> = {};
        capture.resources.push(slot as CapturedResource);
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((v, k) => {
            propertyDependencies[k] = [...v.getUrnsList()].sort();
        });
        const timeouts = req.getCustomtimeouts();
        Object.assign(slot, {
            type: req.getType(),
            name: req.getName(),
            custom: req.getCustom(),
            parent: req.getParent() || undefined,
            dependencies: [...new Set(req.getDependenciesList())].sort(),
            propertyDependencies,
            provider: req.getProvider()
                ? req.getProvider().split("::").slice(0, -1).join("::")
                : undefined,
            protect: req.getProtect() === true,
            deleteBeforeReplace: req.getDeletebeforereplace() === true,
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            customTimeouts:
                timeouts && (timeouts.getCreate() || timeouts.getUpdate() || timeouts.getDelete())
                    ? {
                          create: timeouts.getCreate() || undefined,
                          update: timeouts.getUpdate() || undefined,
                          delete: timeouts.getDelete() || undefined,
                      }
                    : undefined,
            inputs:
                (unwire(req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>) ?? {},
        });
        registerResource(req, (err, resp) => {
            if (resp) {
                slot.urn = resp.getUrn();
                slot.outputs = slot.custom
                    ? (unwire(resp.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>)
                    : {};
            }
            cb(err, resp);
        });
    };
    const registerResourceOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req, cb) => {
        if (req.getUrn().split("::")[2] === stackType) {
            capture.outputs = unwire(req.getOutputs()?.toJavaScript() ?? {}) as Record<
                string,
                unknown
            >;
        }
        registerResourceOutputs(req, cb);
    };
}

/**
 * Without an engine, the SDK prints `pulumi.log` messages with these prefixes: the plan
 * collects them instead of letting them interleave with its own output.
 */
function collectLogs(logs: LogEntry[]): () => void {
    const original = { log: console.log, warn: console.warn, error: console.error };
    const route =
        (fallback: (...args: unknown[]) => void) =>
        (...args: unknown[]) => {
            const text = args.map(String).join(" ");
            const match = /^(info|warning|error): \[runtime\] ([\s\S]*)$/.exec(text);
            if (match) logs.push({ severity: match[1] as LogEntry["severity"], message: match[2] });
            else fallback(...args);
        };
    console.log = route(original.log);
    console.warn = route(original.warn);
    console.error = route(original.error);
    return () => Object.assign(console, original);
}

export interface CaptureOptions extends SimulationOptions {
    /** Every config value, keyed `namespace:key`. */
    config: Record<string, string>;
    secretKeys: string[];
    /** Absolute path of the program's entry module. */
    entry: string;
    /** Run this instead of the entry (tests of single components). */
    program?: () => Promise<unknown>;
}

/**
 * Runs the program once. Throws what the program throws (config, preflight or wiring errors);
 * the capture so far is attached to the error as `capture`.
 */
export async function captureProgram(options: CaptureOptions): Promise<Capture> {
    const capture: Capture = { resources: [], outputs: {}, logs: [] };
    const restore = collectLogs(capture.logs);
    try {
        await pulumi.runtime.setMocks(createMocks(options), options.project, options.stack, false);
        pulumi.runtime.setAllConfig(options.config, options.secretKeys);
        const monitor = pulumi.runtime.getMonitor() as unknown as RecordableMonitor;
        record(monitor, capture, "pulumi:pulumi:Stack");
        // The program's own error is kept aside so that the root stack still completes: a
        // rejected stack would also reject promises nobody awaits.
        let failure: unknown;
        await pulumi.runtime.runInPulumiStack(async () => {
            try {
                if (options.program) return await options.program();
                // The same entry `pulumi up` runs: a CommonJS module exporting the program
                // function, which import() presents as its default export.
                const loaded = (await import(options.entry)) as { default?: unknown };
                const main = typeof loaded === "function" ? loaded : loaded.default;
                return typeof main === "function" ? await main() : main;
            } catch (error) {
                failure = error;
                return {};
            }
        });
        await pulumi.runtime.disconnect();
        if (failure !== undefined) {
            if (failure !== null && typeof failure === "object")
                Object.assign(failure, { capture });
            throw failure;
        }
        capture.resources = capture.resources.filter((r) => r.urn !== undefined);
        return capture;
    } finally {
        restore();
    }
}

/** The program's secret config keys, `namespace:key`. */
export const secretConfigKeys = Object.entries(keySpecs)
    .filter(([, spec]) => (spec as { secret?: boolean }).secret)
    .map(([key]) => fullKey(key));

/**
 * Runs the program for a stack file as the plan does: every secret replaced by a placeholder,
 * so that no secret is needed, decrypted or printed.
 */
export function captureStack(input: StackInput): Promise<Capture> {
    const prepared = withSecretPlaceholders(input, secretConfigKeys);
    return captureProgram({
        project: prepared.project,
        stack: prepared.stack,
        location: prepared.config["azure-native:location"] ?? "westeurope",
        config: prepared.config,
        secretKeys: prepared.secretKeys,
        entry: prepared.entry,
    });
}
