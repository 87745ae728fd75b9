// Defensive readers for resource props. During `pulumi preview` many values are unknown and
// reach us as undefined (or as a non-plain value); every reader returns undefined rather than
// guessing, and policies treat undefined as "cannot tell" — never as a violation by itself
// unless the AWS/provider default is itself the violation.

export function str(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}

export function num(value: unknown): number | undefined {
    if (typeof value === "number" && Number.isFinite(value)) {
        return value;
    }
    if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) {
        return Number(value);
    }
    return undefined;
}

/** Booleans, also from the "true"/"false" strings some AWS types (launch templates) use. */
export function bool(value: unknown): boolean | undefined {
    if (typeof value === "boolean") {
        return value;
    }
    if (value === "true") {
        return true;
    }
    if (value === "false") {
        return false;
    }
    return undefined;
}

export function arr(value: unknown): unknown[] | undefined {
    return Array.isArray(value) ? value : undefined;
}

export function obj(value: unknown): Record<string, unknown> | undefined {
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
