// Resources by type, indexed once per resource list. Stack policies look up a few types
// each (instances, monitors, target groups...); filtering the whole stack for every type in
// every policy made the pack's cost grow with types × resources.

const indexes = new WeakMap<readonly { type: string }[], Map<string, { type: string }[]>>();

/**
 * The resources of the given types: grouped by type in the order the types are given, in stack
 * order within each type. The index is built on the
 * first call for a list and reused for that same list object (the engine gives each stack policy
 * its own list, and lists are not changed once handed to a policy).
 */
export function ofType<R extends { type: string }>(resources: readonly R[], ...types: string[]): R[] {
    let index = indexes.get(resources) as Map<string, R[]> | undefined;
    if (index === undefined) {
        index = new Map<string, R[]>();
        for (const r of resources) {
            const list = index.get(r.type);
            if (list) {
                list.push(r);
            } else {
                index.set(r.type, [r]);
            }
        }
        indexes.set(resources, index);
    }
    if (types.length === 1) {
        return [...(index.get(types[0]) ?? [])];
    }
    return types.flatMap((t) => index!.get(t) ?? []);
}
