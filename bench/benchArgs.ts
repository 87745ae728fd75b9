/** Small helpers every benchmark script shares: its flags and its timing arithmetic. */

/** The value after `--name` on the command line, or the fallback. */
export function arg(name: string, fallback: string): string {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

/** A monotonic clock in milliseconds. */
export function nowMs(): number {
    return Number(process.hrtime.bigint()) / 1e6;
}

export function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
