import * as pulumi from "@pulumi/pulumi";

/**
 * A resource's tags: the caller's (WebStackArgs.tags, passed to every component) under the
 * resource's own (Name, tier), which win on the same key. The AWS provider then adds its default
 * tags (aws:defaultTags) to every resource itself, below both: a key set here overrides a default
 * tag of the same key (provider v5 and later), so the default tags are never repeated here.
 *
 * Without caller tags the resource's own tags are returned as they are (undefined when it has
 * none), so a stack that passes no tags registers exactly what it did before tags existed.
 */
export function withTags(tags: pulumi.Input<Record<string, string>> | undefined, own?: Record<string, string>): pulumi.Input<Record<string, string>> | undefined {
    if (tags === undefined) {
        return own;
    }
    return pulumi.output(tags).apply((extra) => ({ ...extra, ...own }));
}
