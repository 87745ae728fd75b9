/**
 * Identity-based IAM policy evaluation for one request, as AWS documents it
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
 * an explicit Deny in any policy wins; otherwise any Allow allows; otherwise the request is
 * implicitly denied. Used by the policy pack (what may an instance role read?) and by the
 * rehearsal's AWS stand-in (what does AWS answer this server?).
 *
 * Not modelled: resource policies, permission boundaries, SCPs, session policies. Condition
 * blocks are not evaluated: a statement with a Condition is reported as `conditional`, and a
 * conditional Deny does not deny (it may not apply) while a conditional Allow still allows
 * (it may apply). Both choices err towards "can read", which is the safe side for an audit.
 */

export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Action?: string | string[];
    NotAction?: string | string[];
    Resource?: string | string[];
    NotResource?: string | string[];
    Condition?: Record<string, unknown>;
    Principal?: unknown;
}

export interface PolicyDocument {
    Version?: string;
    Statement: PolicyStatement | PolicyStatement[];
}

/** A policy as it reaches a principal: inline, customer managed or AWS managed. */
export interface NamedPolicy {
    /** "inline:<role>/<policy>", a customer policy's name, or an AWS managed policy's ARN. */
    name: string;
    /** The default version of a managed policy, where known. */
    versionId?: string;
    document: PolicyDocument;
}

export interface StatementRef {
    policy: string;
    versionId?: string;
    index: number;
    sid?: string;
    conditional: boolean;
}

export interface Decision {
    decision: "allow" | "explicit-deny" | "implicit-deny";
    /** The statement that decided (the Deny, or the first Allow); none for an implicit deny. */
    statement?: StatementRef;
}

export function evaluateRequest(policies: readonly NamedPolicy[], action: string, resource: string): Decision {
    let allow: StatementRef | undefined;
    for (const policy of policies) {
        const statements = asArray(policy.document?.Statement);
        for (let index = 0; index < statements.length; index++) {
            const statement = statements[index];
            if (!statement || !matchesAction(statement, action) || !matchesResource(statement, resource)) {
                continue;
            }
            const ref: StatementRef = { policy: policy.name, versionId: policy.versionId, index, sid: statement.Sid, conditional: statement.Condition !== undefined };
            if (statement.Effect === "Deny" && !ref.conditional) {
                return { decision: "explicit-deny", statement: ref };
            }
            if (statement.Effect === "Allow" && (allow === undefined || (allow.conditional && !ref.conditional))) {
                allow = ref;
            }
        }
    }
    return allow ? { decision: "allow", statement: allow } : { decision: "implicit-deny" };
}

/** "Policy <name> (version) statement #i (Sid)", for findings and error messages. */
export function describeStatement(ref: StatementRef): string {
    const version = ref.versionId ? ` ${ref.versionId}` : "";
    const sid = ref.sid ? ` (Sid ${ref.sid})` : "";
    const conditional = ref.conditional ? ", under a condition" : "";
    return `${ref.policy}${version} statement #${ref.index}${sid}${conditional}`;
}

function matchesAction(statement: PolicyStatement, action: string): boolean {
    return matchesElement(statement.Action, statement.NotAction, action, true);
}

function matchesResource(statement: PolicyStatement, resource: string): boolean {
    return matchesElement(statement.Resource, statement.NotResource, resource, false);
}

/** An element and its Not* complement: the listed patterns match, or everything but them does. */
function matchesElement(listed: string | string[] | undefined, excluded: string | string[] | undefined, value: string, ignoreCase: boolean): boolean {
    if (listed !== undefined) {
        return asArray(listed).some((pattern) => wildcardMatch(pattern, value, ignoreCase));
    }
    if (excluded !== undefined) {
        return !asArray(excluded).some((pattern) => wildcardMatch(pattern, value, ignoreCase));
    }
    return false;
}

/** Patterns recur across roles and requests (managed policies, Resource "*"): compile each once. */
const compiledPatterns = new Map<string, RegExp>();

/**
 * IAM's wildcards: `*` any run of characters (also across `:` and `/`), `?` one character.
 * Action names compare case-insensitively, ARNs case-sensitively.
 */
export function wildcardMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
    if (typeof pattern !== "string") {
        return false;
    }
    const key = `${ignoreCase ? "i" : "s"}:${pattern}`;
    let regex = compiledPatterns.get(key);
    if (regex === undefined) {
        regex = new RegExp(
            `^${pattern
                .split("")
                .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
                .join("")}$`,
            ignoreCase ? "is" : "s",
        );
        compiledPatterns.set(key, regex);
    }
    return regex.test(value);
}

function asArray<T>(value: T | T[] | undefined): T[] {
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
