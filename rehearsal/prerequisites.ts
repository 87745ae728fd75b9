import * as fs from "fs";

/** What the machine needs, and where each comes from: [path, what it is, how to get it]. */
export const REQUIRED: [string, string, string][] = [
    ["/usr/bin/systemd-nspawn", "systemd-nspawn (boots each server's container)", "apt-get install systemd-container"],
    ["/usr/sbin/debootstrap", "debootstrap (builds the Debian 13 image)", "apt-get install debootstrap"],
    ["/usr/sbin/apt-cacher-ng", "apt-cacher-ng (the caching proxy of Debian's registry)", "apt-get install apt-cacher-ng"],
    ["/usr/bin/nsenter", "nsenter (runs commands inside the containers)", "apt-get install util-linux"],
    ["/usr/sbin/ip", "ip (network namespaces)", "apt-get install iproute2"],
    ["/usr/sbin/nft", "nft (the router's security-group mirror)", "apt-get install nftables"],
    ["/usr/bin/curl", "curl (the client's probes)", "apt-get install curl"],
    ["/usr/bin/openssl", "openssl (certificates, TLS probes)", "apt-get install openssl"],
    ["/usr/bin/mariadb", "the mariadb client (database probes)", "apt-get install mariadb-client"],
    ["/usr/bin/wrk", "wrk (the benchmark)", "apt-get install wrk"],
];

export interface MachineProbe {
    platform: string;
    uid: number | undefined;
    exists(file: string): boolean;
    filesystems(): string;
}

export const thisMachine: MachineProbe = {
    platform: process.platform,
    uid: typeof process.getuid === "function" ? process.getuid() : undefined,
    exists: (file) => fs.existsSync(file),
    filesystems: () => (fs.existsSync("/proc/filesystems") ? fs.readFileSync("/proc/filesystems", "utf8") : ""),
};

/** What this machine lacks to boot the rehearsal: one line each, saying what and how to get it; empty when ready. */
export function missingPrerequisites(machine: MachineProbe = thisMachine): string[] {
    if (machine.platform !== "linux") return [`Linux is required (network namespaces, systemd-nspawn); this is ${machine.platform} — run it on a Debian machine or VM`];
    const missing: string[] = [];
    if (machine.uid !== 0)
        missing.push(
            "not root: the rehearsal mounts overlays, creates network namespaces and boots containers — run it as root (sudo -E npm run rehearse -- --stack dev), or set WEBSTACK_SKIP_REHEARSAL=1 to skip it in npm test",
        );
    for (const [file, what, fix] of REQUIRED) {
        if (!machine.exists(file)) missing.push(`${what} is missing (${file}): ${fix}`);
    }
    if (!/\toverlay$/m.test(machine.filesystems())) missing.push("the kernel has no overlay filesystem (per-server copies of the image): modprobe overlay");
    return missing;
}
