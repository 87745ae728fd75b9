// Waivers, implemented once: every policy in policies/index.ts is wrapped so a violation on a waived
// resource is dropped, while an expired waiver still reports (and says it expired) so
// accepted risks are revisited rather than forgotten.
import { ReportViolation, ResourceValidation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

export interface Waiver {
    /** Resource name or URN. */
    resource: string;
    reason: string;
    /** YYYY-MM-DD, last day (UTC) the waiver applies. */
    expires?: string;
}

/** The resource name is the URN's last `::` segment. */
export function nameFromUrn(urn: string): string {
    const parts = urn.split("::");
    return parts[parts.length - 1];
}

export type WaiverDecision = { kind: "none" } | { kind: "waived"; waiver: Waiver } | { kind: "expired"; waiver: Waiver };

/** Decides whether a finding on `urn` (or bare `name`) is waived at `today` (YYYY-MM-DD, UTC). */
export function decideWaiver(waivers: unknown, urn: string | undefined, name: string | undefined, today: string): WaiverDecision {
    if (!Array.isArray(waivers)) {
        return { kind: "none" };
    }
    const targets = new Set<string>();
    if (urn) {
        targets.add(urn);
        targets.add(nameFromUrn(urn));
    }
    if (name) {
        targets.add(name);
    }
    let expired: Waiver | undefined;
    for (const w of waivers as Waiver[]) {
        // A waiver without a real reason waives nothing: accepted risk must be explained.
        if (!w || typeof w.resource !== "string" || typeof w.reason !== "string" || w.reason.trim().length < 10) {
            continue;
        }
        if (!targets.has(w.resource)) {
            continue;
        }
        if (typeof w.expires === "string" && w.expires < today) {
            expired = expired ?? w;
            continue;
        }
        return { kind: "waived", waiver: w };
    }
    return expired ? { kind: "expired", waiver: expired } : { kind: "none" };
}

function todayUtc(now: () => Date): string {
    return now().toISOString().slice(0, 10);
}

/** `today` is only read when a violation is reported: most resources pass, and the clock read cost more than their check. */
function waivingReporter(waivers: unknown, defaultUrn: string | undefined, defaultName: string | undefined, today: () => string, report: ReportViolation): ReportViolation {
    return (message: string, urn?: string) => {
        const target = urn ?? defaultUrn;
        const decision = decideWaiver(waivers, target, urn ? undefined : defaultName, today());
        if (decision.kind === "waived") {
            return;
        }
        if (decision.kind === "expired") {
            report(`${message} (the waiver for ${decision.waiver.resource} expired on ${decision.waiver.expires}; renew it with a new date or fix the finding)`, urn);
            return;
        }
        report(message, urn);
    };
}

/** Keeps the engine's fast type filter working on the wrapped function. */
function copyPulumiType<T extends object>(from: object, to: T): T {
    const t = (from as { __pulumiType?: unknown }).__pulumiType;
    if (t !== undefined) {
        (to as { __pulumiType?: unknown }).__pulumiType = t;
    }
    return to;
}

export function withWaivers(policy: ResourceValidationPolicy | StackValidationPolicy, now: () => Date = () => new Date()): ResourceValidationPolicy | StackValidationPolicy {
    if ("validateStack" in policy && typeof policy.validateStack === "function") {
        const inner = policy.validateStack;
        const validateStack: StackValidationPolicy["validateStack"] = (args, report) => {
            const waivers = (args.getConfig() as { waivers?: unknown }).waivers;
            return inner(
                args,
                waivingReporter(waivers, undefined, undefined, () => todayUtc(now), report),
            );
        };
        return { ...policy, validateStack: copyPulumiType(inner, validateStack) };
    }
    const rp = policy as ResourceValidationPolicy;
    if (!rp.validateResource) {
        return rp;
    }
    const wrap = (inner: ResourceValidation): ResourceValidation =>
        copyPulumiType(inner, (args, report) => {
            const waivers = (args.getConfig() as { waivers?: unknown }).waivers;
            return inner(
                args,
                waivingReporter(waivers, args.urn, args.name, () => todayUtc(now), report),
            );
        });
    const validateResource = Array.isArray(rp.validateResource) ? rp.validateResource.map(wrap) : wrap(rp.validateResource);
    return { ...rp, validateResource };
}
