import * as fs from "fs";
import { webstackMocks } from "./mocks";
import { PlanDocument } from "./planStack";
import { RENEWED_ON_SCHEDULE, REPLACE_TRIGGERS, STATEFUL_TYPES } from "./replaceTriggers";

export type CompareAction = "create" | "update" | "replace" | "delete" | "same" | "unknown";

export interface ResourceChange {
    /** URN-equivalent identity: parent component types joined by $, then the name. */
    identity: string;
    type: string;
    name: string;
    action: CompareAction;
    /** Changed input paths (update, replace, unknown). */
    changed: string[];
    /** The changed inputs that force the replacement (replace). */
    replacedBecause: string[];
    stateful: boolean;
    why: string;
}

export interface PlanComparison {
    stack: string;
    changes: ResourceChange[];
    summary: Record<CompareAction, number>;
    /** Stateful resources that would be replaced or deleted, or whose change cannot be judged. */
    statefulAtRisk: string[];
}

type PlanResource = PlanDocument["resources"][number];

/** Reads an earlier `plan --json` document; throws an Error with one clear line when it cannot. */
export function loadPreviousPlan(file: string, stack: string): PlanDocument {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        throw new Error(`--compare ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
    }
    let document: PlanDocument;
    try {
        document = JSON.parse(text) as PlanDocument;
    } catch {
        throw new Error(`--compare ${file}: not JSON; expected the output of npm run plan -- --stack ${stack} --json`);
    }
    if (!document || typeof document.stack !== "string" || !Array.isArray(document.resources)) {
        throw new Error(`--compare ${file}: not a plan document (no stack and resources); expected the output of npm run plan -- --stack ${stack} --json`);
    }
    if (document.stack !== stack) {
        throw new Error(`--compare ${file}: it is a plan of stack ${document.stack}, not ${stack}`);
    }
    return document;
}

/** type+name+parent chain, as a Pulumi URN identifies a resource within a stack. */
function identities(document: PlanDocument): Map<string, PlanResource> {
    const components = new Map(document.resources.filter((r) => !r.custom).map((r) => [r.name, r]));
    const chain = (resource: PlanResource, seen: Set<string>): string => {
        const parent = resource.parent ? components.get(resource.parent) : undefined;
        if (!parent || seen.has(parent.name)) {
            return resource.type;
        }
        seen.add(parent.name);
        return `${chain(parent, seen)}$${resource.type}`;
    };
    const byIdentity = new Map<string, PlanResource>();
    for (const resource of document.resources) {
        byIdentity.set(`${chain(resource, new Set())}::${resource.name}`, resource);
    }
    return byIdentity;
}

/** Leaf paths whose values differ between two input trees ("rootBlockDevice.volumeSize", "dnsNames[1]"). */
export function changedPaths(before: unknown, after: unknown, prefix = ""): string[] {
    if (before === after) {
        return [];
    }
    const isObject = (v: unknown) => v !== null && typeof v === "object";
    if (Array.isArray(before) && Array.isArray(after)) {
        const length = Math.max(before.length, after.length);
        return Array.from({ length }, (_, i) => changedPaths(before[i], after[i], `${prefix}[${i}]`)).flat();
    }
    if (isObject(before) && isObject(after) && !Array.isArray(before) && !Array.isArray(after)) {
        const keys = [...new Set([...Object.keys(before as object), ...Object.keys(after as object)])].sort();
        return keys.flatMap((k) => changedPaths((before as Record<string, unknown>)[k], (after as Record<string, unknown>)[k], prefix ? `${prefix}.${k}` : k));
    }
    return [prefix || "(inputs)"];
}

/** "rootBlockDevice.encrypted" for "rootBlockDevice.encrypted" or "ebsBlockDevices[0].volumeSize" → "ebsBlockDevices.volumeSize". */
function withoutIndexes(path: string): string {
    return path.replace(/\[\d+\]/g, "");
}

/** Whether a changed path falls under (or contains) a replace-triggering input. */
function touches(changed: string, trigger: string): boolean {
    const p = withoutIndexes(changed);
    return p === trigger || p.startsWith(`${trigger}.`) || trigger.startsWith(`${p}.`);
}

/**
 * The id and computed outputs (arn, certPem, publicIp ...) the offline mocks give a resource:
 * other resources' inputs carry them where they reference this one (vpcId, zoneId, role,
 * certRequestPem ...), so a replacement reaches them.
 */
function mockOutputs(resource: PlanResource): string[] {
    if (!resource.custom) {
        return [];
    }
    const inputs = (resource.inputs ?? {}) as Record<string, unknown>;
    try {
        const { id, state } = webstackMocks("us-east-1").newResource({ type: resource.type, name: resource.name, inputs, custom: true } as never) as { id: string; state: Record<string, unknown> };
        const computed = Object.entries(state)
            .filter(([key, value]) => !(key in inputs) && typeof value === "string" && value.length >= 8)
            .map(([, value]) => value as string);
        return [id, ...computed];
    } catch {
        return [];
    }
}

/** Paths in a tree whose leaf value is exactly one of the given strings. */
function pathsHolding(value: unknown, wanted: Set<string>, prefix = ""): string[] {
    if (typeof value === "string") {
        return wanted.has(value) ? [prefix] : [];
    }
    if (Array.isArray(value)) {
        return value.flatMap((v, i) => pathsHolding(v, wanted, `${prefix}[${i}]`));
    }
    if (value && typeof value === "object") {
        return Object.entries(value).flatMap(([k, v]) => pathsHolding(v, wanted, prefix ? `${prefix}.${k}` : k));
    }
    return [];
}

/** The changed paths Pulumi acts on: those under the program's ignoreChanges are left as they are. */
function notIgnored(resource: PlanResource, changed: string[]): string[] {
    const ignored = resource.options?.ignoreChanges ?? [];
    return changed.filter(
        (path) =>
            !ignored.some((i) => {
                const p = withoutIndexes(path);
                return p === i || p.startsWith(`${i}.`);
            }),
    );
}

function judge(resource: PlanResource, allChanged: string[]): Pick<ResourceChange, "action" | "replacedBecause" | "why"> {
    const changed = notIgnored(resource, allChanged);
    if (changed.length === 0) {
        if (allChanged.length > 0) {
            return { action: "same", replacedBecause: [], why: `ignored (the program's ignoreChanges): ${allChanged.join(", ")}` };
        }
        return { action: "same", replacedBecause: [], why: "" };
    }
    // Pulumi's own replaceOnChanges option ("*" = any input) replaces whatever the provider says.
    const replaceOnChanges = resource.options?.replaceOnChanges ?? [];
    const pulumiForcing = changed.filter((path) => replaceOnChanges.some((t) => t === "*" || touches(path, t)));
    if (pulumiForcing.length > 0) {
        return { action: "replace", replacedBecause: pulumiForcing, why: `replace: ${pulumiForcing.join(", ")} (the program's replaceOnChanges: ${replaceOnChanges.join(", ")})` };
    }
    const triggers = REPLACE_TRIGGERS[resource.type];
    if (!triggers) {
        return { action: "unknown", replacedBecause: [], why: `unknown: cannot tell update from replace (${resource.type} is not in plan/replaceTriggers.ts); changed ${changed.join(", ")}` };
    }
    const inputs = (resource.inputs ?? {}) as Record<string, unknown>;
    const forcing = changed.filter(
        (path) => triggers.inputs.some((t) => touches(path, t)) || Object.entries(triggers.replaceWhen ?? {}).some(([input, flag]) => touches(path, input) && inputs[flag] === true),
    );
    const renewal = RENEWED_ON_SCHEDULE.includes(resource.type) ? "; TLS certificates are also replaced on renewal (earlyRenewalHours), which is expected" : "";
    if (forcing.length > 0) {
        const flags = Object.entries(triggers.replaceWhen ?? {})
            .filter(([input]) => forcing.some((p) => touches(p, input)))
            .map(([, flag]) => ` (${flag}: true)`);
        const inPlace = changed.filter((p) => !forcing.includes(p));
        const order = resource.options?.deleteBeforeReplace ? "; deleteBeforeReplace: the old one goes first" : "";
        const guard = resource.options?.protect ? "; protect: pulumi up refuses until the protection is lifted" : "";
        const also = inPlace.length > 0 ? `; also changed: ${inPlace.join(", ")}` : "";
        return { action: "replace", replacedBecause: forcing, why: `replace: ${forcing.join(", ")} force a new resource${[...new Set(flags)].join("")}${also}${order}${guard}${renewal}` };
    }
    return { action: "update", replacedBecause: [], why: `update in place: ${changed.join(", ")}${renewal}` };
}

/**
 * Compares an earlier plan document with the current one. Resources match by URN-equivalent
 * identity; a matched resource is the same, updated or replaced according to the provider's
 * replace-triggering inputs (plan/replaceTriggers.ts). A replaced resource's id changes, so any
 * input that holds it changes too and is judged again (a new VPC replaces its subnets).
 * Secrets are "[secret]" on both sides and cannot be compared.
 */
export function comparePlans(previous: PlanDocument, current: PlanDocument): PlanComparison {
    const before = identities(previous);
    const after = identities(current);
    const changes = new Map<string, ResourceChange>();
    const stateful = (type: string) => STATEFUL_TYPES.includes(type);

    // An old identity the current plan answers through an alias (a renamed resource, a retyped parent) is the same resource.
    const matchedOld = new Map<string, string>();
    for (const [identity, resource] of after) {
        const oldIdentity = before.has(identity) ? identity : (resource.aliases ?? []).find((alias) => before.has(alias) && !after.has(alias));
        if (oldIdentity) {
            matchedOld.set(oldIdentity, identity);
        }
        const old = oldIdentity ? before.get(oldIdentity) : undefined;
        if (!old) {
            changes.set(identity, { identity, type: resource.type, name: resource.name, action: "create", changed: [], replacedBecause: [], stateful: stateful(resource.type), why: "new" });
            continue;
        }
        const changed = changedPaths(old.inputs, resource.inputs);
        changes.set(identity, { identity, type: resource.type, name: resource.name, changed, stateful: stateful(resource.type), ...judge(resource, changed) });
    }
    for (const [identity, resource] of before) {
        if (!matchedOld.has(identity)) {
            changes.set(identity, {
                identity,
                type: resource.type,
                name: resource.name,
                action: "delete",
                changed: [],
                replacedBecause: [],
                stateful: stateful(resource.type),
                why: "no longer in the program",
            });
        }
    }

    // Cascade: a replaced resource gets a new id; inputs that hold the old one change with it.
    const cascaded = new Set<string>();
    for (let round = 0; round < after.size; round++) {
        const replacedIds = new Map<string, string>();
        for (const change of changes.values()) {
            const resource = after.get(change.identity);
            if (resource && change.action === "replace" && !cascaded.has(change.identity)) {
                mockOutputs(resource).forEach((value) => replacedIds.set(value, change.name));
                cascaded.add(change.identity);
            }
        }
        if (replacedIds.size === 0) {
            break;
        }
        for (const change of changes.values()) {
            const resource = after.get(change.identity);
            if (!resource || change.action === "create") {
                continue;
            }
            const holding = pathsHolding(resource.inputs, new Set(replacedIds.keys())).filter((p) => !change.changed.includes(p));
            if (holding.length === 0) {
                continue;
            }
            const changed = [...change.changed, ...holding].sort();
            const verdict = judge(resource, changed);
            const from = [...new Set(holding.map((p) => replacedIds.get(String(valueAt(resource.inputs, p))) ?? ""))].filter(Boolean);
            Object.assign(change, { changed, ...verdict, why: `${verdict.why} (after the replacement of ${from.join(", ")})` });
        }
    }

    const list = [...changes.values()].sort((a, b) => a.identity.localeCompare(b.identity));
    const summary: Record<CompareAction, number> = { create: 0, update: 0, replace: 0, delete: 0, same: 0, unknown: 0 };
    list.forEach((c) => summary[c.action]++);
    const statefulAtRisk = list.filter((c) => c.stateful && (c.action === "replace" || c.action === "delete" || c.action === "unknown")).map((c) => `${c.type} ${c.name} (${c.action})`);
    return { stack: current.stack, changes: list, summary, statefulAtRisk };
}

function valueAt(value: unknown, path: string): unknown {
    return path
        .split(/\.|\[(\d+)\]/)
        .filter((part) => part !== undefined && part !== "")
        .reduce<unknown>((v, key) => (v && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined), value);
}

/** 1 when a stateful resource would be replaced or deleted (or cannot be judged), else 0. */
export function compareExitCode(comparison: PlanComparison): number {
    return comparison.statefulAtRisk.length > 0 ? 1 : 0;
}

export function summaryLine(comparison: PlanComparison): string {
    const s = comparison.summary;
    return `compare: ${s.create} create, ${s.update} update, ${s.replace} replace, ${s.delete} delete, ${s.same} same${s.unknown ? `, ${s.unknown} unknown` : ""}`;
}

/** The human table: resources that change (name, type, action, why), then the summary line. */
export function renderComparison(comparison: PlanComparison, previousFile: string): string {
    const rows = comparison.changes.filter((c) => c.action !== "same");
    const lines = [`Plan compare for stack ${comparison.stack} against ${previousFile}`, ""];
    if (rows.length === 0) {
        lines.push("No resource changes.");
    } else {
        const header = ["NAME", "TYPE", "ACTION", "WHY"];
        const cells = rows.map((c) => [c.name, c.type, c.action.toUpperCase() + (c.stateful && c.action !== "update" && c.action !== "create" ? " (stateful)" : ""), c.why]);
        const widths = [0, 1, 2].map((i) => Math.max(header[i].length, ...cells.map((r) => r[i].length)));
        const row = (r: string[]) => [...r.slice(0, 3).map((cell, i) => cell.padEnd(widths[i])), r[3]].join("  ").trimEnd();
        lines.push(row(header), ...cells.map(row));
    }
    if (comparison.changes.some((c) => RENEWED_ON_SCHEDULE.includes(c.type))) {
        lines.push("", "note: tls certificates are replaced on renewal (inside earlyRenewalHours of expiry); that replacement is expected and does not show in a compare of two plans.");
    }
    if (comparison.statefulAtRisk.length > 0) {
        lines.push("", `STATEFUL resources replaced or deleted (exit 1): ${comparison.statefulAtRisk.join("; ")}`);
    }
    lines.push("", summaryLine(comparison));
    return `${lines.join("\n")}\n`;
}
