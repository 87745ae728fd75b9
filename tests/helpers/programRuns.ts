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

export function inputs(resource: RecordedResource): Record<string, any> {
    return unwrapSecrets(resource.inputs) as Record<string, any>;
}

export interface ParsedUserData {
    packages: string[];
    write_files: { path: string; content: string; permissions: string }[];
    runcmd: (string | string[])[];
}

export function userDataOf(resource: RecordedResource): ParsedUserData {
    const text = String(inputs(resource).userData);
    if (!text.startsWith("#cloud-config\n")) {
        throw new Error(`${resource.name}: user data is not a cloud-config document`);
    }
    return parse(text) as ParsedUserData;
}

export function fileOf(userData: ParsedUserData, path: string): string | undefined {
    return userData.write_files.find((f) => f.path === path)?.content;
}
