import { parse } from "yaml";
import { ProgramRun, RecordedResource, runProgram, unwrapSecrets } from "../../plan/runProgram";
import { loadStackConfig } from "../../plan/stackConfig";

const cache = new Map<string, Promise<ProgramRun>>();

/** Runs the program under mocks for a stack (with optional config overrides), once per combination. */
export function programRun(stack: string, overrides: Record<string, string> = {}): Promise<ProgramRun> {
    const key = `${stack}:${JSON.stringify(overrides)}`;
    if (!cache.has(key)) {
        const raw = loadStackConfig(stack);
        cache.set(key, runProgram(stack, { ...raw.config, ...overrides }, raw.secretKeys));
    }
    return cache.get(key)!;
}

export function ofType(run: ProgramRun, type: string): RecordedResource[] {
    return run.resources.filter((r) => r.type === type);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the stack tests read recorded inputs by path; a wrong path fails their assertion
export function inputs(resource: RecordedResource): Record<string, any> {
    return unwrapSecrets(resource.inputs) as ReturnType<typeof inputs>;
}

export interface ParsedUserData {
    packages: string[];
    write_files: { path: string; content: string; permissions: string; owner?: string }[];
    runcmd: (string | string[])[];
    webstack?: {
        users: string[];
        secrets: { parameter: string; path: string; owner: string; mode: string }[];
        services: { name: string; paths: string[]; checks: string[][]; reload: string[][] }[];
        tags: string[];
        volumes?: { volumeId: string; device: string; label: string; mountPoint: string }[];
    };
}

function parseCloudConfig(name: string, text: string): ParsedUserData {
    if (!text.startsWith("#cloud-config\n")) {
        throw new Error(`${name}: not a cloud-config document`);
    }
    return parse(text) as ParsedUserData;
}

/** The S3 bundle object a server's boot script fetches (by the BUNDLE_KEY its user data names). */
export function bundleObjectOf(run: ProgramRun, instance: RecordedResource): RecordedResource {
    const boot = parseCloudConfig(instance.name, String(inputs(instance).userData));
    const key = /^BUNDLE_KEY=(\S+)$/m.exec(boot.write_files.map((f) => f.content).join("\n"))?.[1];
    const objects = ofType(run, "aws:s3/bucketObjectv2:BucketObjectv2").filter((o) => inputs(o).key === key);
    if (!key || objects.length !== 1) {
        throw new Error(`${instance.name}: user data names bundle ${key}, found ${objects.length} objects with that key`);
    }
    return objects[0];
}

/** A server's files: its boot script's, then its bundle's (packages, write_files, runcmd, and the applier's section). */
export function userDataOf(run: ProgramRun, instance: RecordedResource): ParsedUserData {
    const boot = parseCloudConfig(instance.name, String(inputs(instance).userData));
    const bundle = parseCloudConfig(`${instance.name} bundle`, String(inputs(bundleObjectOf(run, instance)).content));
    return {
        packages: [...boot.packages, ...bundle.packages],
        write_files: [...boot.write_files, ...bundle.write_files],
        runcmd: [...boot.runcmd, ...bundle.runcmd],
        webstack: bundle.webstack,
    };
}

export function fileOf(userData: ParsedUserData, path: string): string | undefined {
    return userData.write_files.find((f) => f.path === path)?.content;
}
