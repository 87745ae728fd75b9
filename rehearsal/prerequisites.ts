import * as fs from "fs";
import { run } from "./exec";

/** Debian packages the rehearsal boots, and a binary of each that must exist. */
const BINARIES: [string, string][] = [
    ["/usr/sbin/haproxy", "haproxy"],
    ["/usr/sbin/nginx", "nginx-light (or nginx)"],
    ["/usr/sbin/mariadbd", "mariadb-server"],
    ["/usr/bin/mariadb-install-db", "mariadb-server"],
    ["/usr/bin/mariadb", "mariadb-client"],
    ["/usr/sbin/nft", "nftables"],
    ["/usr/bin/wrk", "wrk"],
    ["/usr/sbin/ip", "iproute2"],
    ["/usr/bin/openssl", "openssl"],
    ["/usr/bin/curl", "curl"],
    ["/usr/bin/unshare", "util-linux"],
    ["/usr/bin/setpriv", "util-linux"],
    ["/usr/bin/python3", "python3"],
];

/** What this machine lacks to boot the rehearsal, one human-readable line each; empty when ready. */
export async function missingPrerequisites(): Promise<string[]> {
    const missing: string[] = [];
    if (process.platform !== "linux") missing.push(`Linux is required (network namespaces); this is ${process.platform}`);
    if (typeof process.getuid === "function" && process.getuid() !== 0) missing.push("root is required (network namespaces, bind mounts, nftables)");
    for (const [binary, pkg] of BINARIES) {
        if (!fs.existsSync(binary)) missing.push(`${binary} missing: apt-get install ${pkg}`);
    }
    if (missing.length === 0) {
        const pymysql = await run(["/usr/bin/python3", "-c", "import pymysql"]);
        if (pymysql.code !== 0) missing.push("PyMySQL for /usr/bin/python3 missing: apt-get install python3-pymysql");
        for (const user of ["haproxy", "mysql", "www-data"]) {
            if ((await run(["id", "-u", user])).code !== 0) missing.push(`system user ${user} missing (created by its Debian package)`);
        }
    }
    return missing;
}
