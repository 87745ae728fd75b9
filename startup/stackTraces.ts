/**
 * The env switch that keeps full stack traces and the host's source maps (main.ts): for debugging a
 * failing preview, at about twice the evaluation time.
 */
export const FULL_TRACES_ENV = "WEBSTACK_SOURCE_MAPS";

/**
 * Runs `load` (the program's module load, where it creates every resource) with Error.stackTraceLimit
 * 0, and puts the limit back after, whatever `load` does.
 *
 * Why: @pulumi/pulumi captures `new Error().stack` for every promise it creates (runtime/debuggable.js),
 * about 7,300 while this program loads, and reads them only to report leaked promises under
 * PULUMI_DEBUG_PROMISE_LEAKS. The resources' source positions are unaffected: the SDK lifts the limit
 * itself for those (Resource.callsites). The cost: an error thrown while the program loads has no
 * frames, only its message; set WEBSTACK_SOURCE_MAPS=1 to get them. Errors after the load (in
 * outputs' callbacks, the engine's replies) keep the normal limit.
 */
export function loadWithoutPromiseStackTraces<T>(load: () => T, env: Record<string, string | undefined>): T {
    if (env[FULL_TRACES_ENV] === "1" || env.PULUMI_DEBUG_PROMISE_LEAKS) {
        return load();
    }
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
        return load();
    } finally {
        Error.stackTraceLimit = limit;
    }
}
