/** Small helpers every benchmark script shares: its timing arithmetic (flags: cli/commandLine.ts). */

/** A monotonic clock in milliseconds. */
export function nowMs(): number {
    return Number(process.hrtime.bigint()) / 1e6;
}

export function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
