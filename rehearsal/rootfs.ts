import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { must, run } from "./exec";

/**
 * The cached Debian 13 root filesystem every server container boots from: what the official
 * Debian cloud AMI brings (systemd, cloud-init, ssh, ca-certificates, curl, sudo), and not
 * what the user data installs — cloud-init installs the servers' packages at boot.
 */
export const DEBIAN_SUITE = "trixie";
export const DEBIAN_MIRROR = "http://deb.debian.org/debian";
export const DEBIAN_SECURITY_MIRROR = "http://deb.debian.org/debian-security";
export const ROOTFS_VARIANT = "minbase";
/**
 * python3-cffi-backend: cloud-init's dependency chain needs it, and debootstrap does not resolve it on its own.
 * No interface manager (ifupdown, networkd): each server's address is its network namespace,
 * configured before boot, so one would have nothing to do — yet ifupdown's units failed at random
 * under CI load (networking.service on a prod LB, ifupdown-pre.service on a prod app server, each
 * once in about fifteen boots), failing boot.units for a unit none of our files touches.
 */
export const ROOTFS_PACKAGES = ["systemd-sysv", "dbus", "cloud-init", "python3-cffi-backend", "ca-certificates", "curl", "gnupg", "sudo", "openssh-server", "iproute2", "netbase", "less"];

/** Outside the checkout, so every clone and CI run reuses it. */
export const CACHE_DIR = process.env.WEBSTACK_REHEARSAL_CACHE ?? "/var/cache/webstack-rehearsal";

/** Files written into the image after debootstrap: the cloud image's apt sources and cloud-init datasource. */
export const IMAGE_FILES: Record<string, string> = {
    // Debian's cloud images list the release, its updates and security (deb822).
    "/etc/apt/sources.list.d/debian.sources": `Types: deb
URIs: ${DEBIAN_MIRROR}
Suites: ${DEBIAN_SUITE} ${DEBIAN_SUITE}-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${DEBIAN_SECURITY_MIRROR}
Suites: ${DEBIAN_SUITE}-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`,
    "/etc/apt/sources.list": "",
    // The AMI's datasource is Ec2 (IMDS); here the user data arrives as a NoCloud seed.
    // Networking is the server's namespace, configured before boot, as the VPC's DHCP would.
    "/etc/cloud/cloud.cfg.d/90-webstack-rehearsal.cfg": "datasource_list: [NoCloud, None]\nnetwork: {config: disabled}\n",
    // No DNS server is reachable: names come from /etc/hosts, as Route 53's private zone would answer.
    "/etc/resolv.conf": "# webstack rehearsal: no resolver; names are in /etc/hosts\n",
};

/** Changes whenever the package list, suite, variant or image files change: a new key rebuilds the image. */
export function rootfsKey(): string {
    const material = JSON.stringify({ suite: DEBIAN_SUITE, mirror: DEBIAN_MIRROR, variant: ROOTFS_VARIANT, packages: ROOTFS_PACKAGES, files: IMAGE_FILES });
    return crypto.createHash("sha256").update(material).digest("hex").slice(0, 16);
}

export const rootfsPath = () => path.join(CACHE_DIR, `rootfs-${DEBIAN_SUITE}-${rootfsKey()}`);

/**
 * Returns the cached root filesystem, building it first with debootstrap through the apt
 * proxy when its key is new. Built under a temporary name and renamed when complete, so an
 * interrupted build is never used. Older images (other keys) are removed.
 */
export async function ensureRootfs(aptProxyUrl: string, log: (line: string) => void): Promise<{ dir: string; built: boolean }> {
    const dir = rootfsPath();
    if (fs.existsSync(path.join(dir, "etc", "os-release"))) return { dir, built: false };
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    const building = `${dir}.building-${process.pid}`;
    fs.rmSync(building, { recursive: true, force: true });
    log(`rootfs: debootstrap ${DEBIAN_SUITE} (${ROOTFS_VARIANT} + ${ROOTFS_PACKAGES.length} packages) into ${dir}…`);
    await must(["debootstrap", `--variant=${ROOTFS_VARIANT}`, `--include=${ROOTFS_PACKAGES.join(",")}`, DEBIAN_SUITE, building, DEBIAN_MIRROR], {
        timeoutMs: 15 * 60 * 1000,
        env: { ...process.env, http_proxy: aptProxyUrl },
    });
    for (const [file, content] of Object.entries(IMAGE_FILES)) {
        const target = path.join(building, file);
        fs.rmSync(target, { force: true });
        fs.writeFileSync(target, content);
    }
    // No machine identity in the image: each container gets its own on first boot, as an AMI does.
    fs.writeFileSync(path.join(building, "etc", "machine-id"), "");
    await must(["rm", "-rf", path.join(building, "var", "cache", "apt", "archives"), path.join(building, "var", "lib", "apt", "lists")]);
    fs.mkdirSync(path.join(building, "var", "cache", "apt", "archives", "partial"), { recursive: true });
    fs.mkdirSync(path.join(building, "var", "lib", "apt", "lists", "partial"), { recursive: true });
    fs.renameSync(building, dir);
    for (const entry of fs.readdirSync(CACHE_DIR)) {
        const other = path.join(CACHE_DIR, entry);
        if (entry.startsWith("rootfs-") && other !== dir && !entry.includes(".building-")) await run(["rm", "-rf", "--one-file-system", other], { timeoutMs: 120000 });
    }
    return { dir, built: true };
}
