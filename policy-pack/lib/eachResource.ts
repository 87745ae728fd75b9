// A check written per resource that needs the rest of the stack: a server's files may sit in
// an S3 bundle object its user data fetches (lib/serverFiles.ts), which a resource policy
// cannot see. These checks run as stack policies, one resource at a time.
import { ReportViolation, StackValidationArgs } from "@pulumi/policy";
import { readServerFiles } from "./serverFiles";
import { isServerType, UserData } from "./userData";

export interface ResourceWithFiles {
    type: string;
    name: string;
    urn: string;
    props: Record<string, unknown>;
    /** Server types only: user data plus the bundles it fetches; undefined when unknown. */
    files?: UserData;
}

/** A validateStack that runs `check` on each resource, its findings reported on that resource; `settings` is passed through (lib/definePolicy.ts). */
export function eachResource<S>(check: (resource: ResourceWithFiles, report: (message: string) => void, settings: S) => void) {
    return (args: StackValidationArgs, reportViolation: ReportViolation, settings: S): void => {
        for (const r of args.resources) {
            const files = isServerType(r.type) ? readServerFiles(r, args.resources) : undefined;
            check({ type: r.type, name: r.name, urn: r.urn, props: r.props, files }, (message) => reportViolation(message, r.urn), settings);
        }
    };
}
