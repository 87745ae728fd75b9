import * as fs from "fs";
import * as path from "path";
import { RDS_APP_USER_PATH } from "../render/rdsAppUser";
import { ServerFiles } from "../render/serverFiles";
import { CheckResult, verdict } from "./report";
import { ServerRoot } from "./roots";
import { BootedStack } from "./stack";
import { run } from "./exec";
import { couldNotSpawn, inServer, systemctl } from "./units";

/** What `cloud-init status --format json` says (the fields the check reads). */
interface CloudInitStatus {
    status?: string;
    errors?: string[];
    recoverable_errors?: Record<string, string[]>;
}

/**
 * RDS is not booted in the rehearsal: the first app server's boot command that creates the app's
 * RDS user cannot succeed here, so its first apply (and with it cloud-final) fails. True when that
 * is the only failed boot command; the checks let exactly that through and name it.
 */
export function failedOnlyForRds(stack: BootedStack, root: ServerRoot): boolean {
    const failedFile = path.join(root.fs, "var/lib/webstack/apply/failed-boot-commands.json");
    const failed = fs.existsSync(failedFile) ? (JSON.parse(fs.readFileSync(failedFile, "utf8")) as (string | string[])[]) : [];
    return stack.facts.database.managed && failed.length > 0 && failed.every((c) => JSON.stringify(c) === JSON.stringify([RDS_APP_USER_PATH]));
}

/** The units that fail with the first apply when only the RDS step failed (see failedOnlyForRds). */
const UNITS_FAILED_BY_THE_RDS_STEP = ["cloud-final.service", "cloud-init-main.service"];

/** cloud-init finished on every server with no error; its duration per server. */
export async function checkCloudInit(stack: BootedStack): Promise<CheckResult> {
    const lines: string[] = [];
    let ok = true;
    for (const root of Object.values(stack.roots)) {
        const out = await root.container!.run(["cloud-init", "status", "--format", "json"], { timeoutMs: 30000 });
        let status: CloudInitStatus;
        try {
            status = JSON.parse(out.stdout) as CloudInitStatus;
        } catch {
            status = { status: `unreadable (${out.stderr.trim() || out.stdout.trim()})` };
        }
        const errors = status.errors ?? [];
        const warnings = Object.values(status.recoverable_errors ?? {}).flat();
        const onlyRds = failedOnlyForRds(stack, root);
        // The applier's own account of the first apply names the boot command that failed.
        const resultFile = path.join(root.fs, "var/lib/webstack/apply/last-result.json");
        const applied = fs.existsSync(resultFile) ? (JSON.parse(fs.readFileSync(resultFile, "utf8")) as { ok?: boolean; message?: string }) : undefined;
        const good = (status.status === "done" && errors.length === 0) || (status.status === "error" && onlyRds);
        ok &&= good;
        const seconds = stack.cloudInitSeconds[root.server.key];
        lines.push(
            `${root.server.key} ${status.status} in ${Number.isFinite(seconds) ? seconds.toFixed(0) : "?"} s` +
                (onlyRds
                    ? ` (${RDS_APP_USER_PATH} failed: RDS is not booted in the rehearsal, so the app's RDS user is NOT VERIFIED)`
                    : errors.length
                      ? ` ERRORS: ${errors.join(" | ").slice(0, 200)}; webstack-apply: ${applied?.message?.slice(0, 600) ?? "no result"}`
                      : "") +
                (warnings.length ? ` (${warnings.length} warning${warnings.length > 1 ? "s" : ""}: ${warnings.join(" | ").slice(0, 200)})` : ""),
        );
    }
    return verdict("boot.cloud-init", ok, lines.join("; "));
}

/** The units a server's boot commands start: `systemctl enable --now X`, `systemctl [re]start X` (a bare `enable` is for the next boot). */
export function enabledUnits(files: ServerFiles): string[] {
    const units = new Set<string>();
    for (const command of files.commands) {
        if (!Array.isArray(command) || command[0] !== "systemctl") continue;
        const verb = command[1];
        if (verb !== "restart" && verb !== "start" && !(verb === "enable" && command.includes("--now"))) continue;
        for (const arg of command.slice(2).filter((a) => !a.startsWith("-"))) units.add(arg.includes(".") ? arg : `${arg}.service`);
    }
    return [...units];
}

/** No failed unit anywhere, and every unit the program enables is active. */
export async function checkUnits(stack: BootedStack): Promise<CheckResult> {
    const lines: string[] = [];
    let ok = true;
    for (const root of Object.values(stack.roots)) {
        await systemctl(root, ["is-system-running", "--wait"], 120000);
        const units = enabledUnits(stack.files[root.server.key]);
        const respawned = await restartSpawnFailures(root, units);
        const state = (await systemctl(root, ["is-system-running", "--wait"], 120000)).stdout.trim();
        const listed = (await systemctl(root, ["list-units", "--failed", "--no-legend", "--plain"])).stdout.trim();
        const rdsOnly = failedOnlyForRds(stack, root);
        const failed = listed
            .split("\n")
            .filter((line) => line && !(rdsOnly && UNITS_FAILED_BY_THE_RDS_STEP.includes(line.split(/\s+/)[0])))
            .join("\n");
        const active = (await systemctl(root, ["is-active", ...units])).stdout.trim().split("\n");
        const inactive = units
            .map((unit, i) => ({ unit, state: active[i] ?? "?" }))
            .filter((u) => u.state !== "active")
            .map((u) => `${u.unit}=${u.state}`);
        // systemd says "degraded" for exactly the units let through above.
        const good = failed === "" && inactive.length === 0 && (state === "running" || (rdsOnly && state === "degraded"));
        ok &&= good;
        const failedUnits = failed ? failed.split("\n").map((l) => l.split(/\s+/)[0]) : [];
        lines.push(
            `${root.server.key} ${state}: ${units.length} enabled unit${units.length === 1 ? "" : "s"} active` +
                (inactive.length ? `, NOT ACTIVE ${inactive.join(" ")}` : ` (${units.join(", ")})`) +
                (failedUnits.length ? `, FAILED ${(await Promise.all(failedUnits.map((unit) => unitFailure(root, unit)))).join(" ")}` : "") +
                (respawned.length ? `, ${respawned.join("; ")}` : "") +
                (rdsOnly && listed !== failed ? ` (${UNITS_FAILED_BY_THE_RDS_STEP.join(", ")} failed with the RDS app-user step: RDS is not booted here, NOT VERIFIED)` : ""),
        );
    }
    return verdict("boot.units", ok, lines.join("; "));
}

/**
 * Under CI load an early-boot systemd unit none of our files touches has failed before it ran
 * (systemd-tmpfiles-setup-dev.service: "Failed to spawn executor: No such file or directory",
 * result 'resources'; ifupdown's units failed likewise before their journals were kept). Such a
 * unit (never one the program enables) is started once more and the incident is reported; if it
 * fails again it stays failed and boot.units fails.
 */
async function restartSpawnFailures(root: ServerRoot, programUnits: string[]): Promise<string[]> {
    const listed = (await systemctl(root, ["list-units", "--failed", "--no-legend", "--plain"])).stdout.trim();
    const notes: string[] = [];
    for (const unit of listed
        .split("\n")
        .filter(Boolean)
        .map((line) => line.split(/\s+/)[0])) {
        if (programUnits.includes(unit)) continue;
        const journal = await run(inServer(root, ["journalctl", "--boot", "--unit", unit, "--output", "cat", "--no-pager"]), { timeoutMs: 30000 });
        if (!couldNotSpawn(journal.stdout)) continue;
        // reset-failed first: a unit whose condition now skips it (systemd-sysusers once its users
        // exist) would otherwise start "successfully" and still be listed as failed.
        await systemctl(root, ["reset-failed", unit]);
        const restarted = await systemctl(root, ["restart", unit], 60000);
        notes.push(
            `${unit} could not be spawned at boot (journal: Failed to spawn executor, result 'resources'; not a unit of ours) and ${restarted.code === 0 ? "started when asked again" : `FAILED again: ${restarted.stderr.trim().slice(0, 160)}`}`,
        );
    }
    return notes;
}

/** A failed unit with the last lines of its journal, so a failure met once in CI explains itself. */
async function unitFailure(root: ServerRoot, unit: string): Promise<string> {
    const journal = await run(inServer(root, ["journalctl", "--boot", "--unit", unit, "--lines", "6", "--output", "cat", "--no-pager"]), { timeoutMs: 30000 });
    const tail = journal.stdout.trim().split("\n").join(" | ");
    return `${unit} [journal: ${tail.slice(-600) || "empty"}]`;
}

/** PRETTY_NAME from /etc/os-release inside each container; one value when they all agree. */
export function osPrettyName(stack: BootedStack): string {
    const names = new Set(
        Object.values(stack.roots).map((root) => {
            const text = fs.readFileSync(path.join(root.fs, "etc/os-release"), "utf8");
            return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text)?.[1] ?? "unknown";
        }),
    );
    return [...names].join(" / ");
}
