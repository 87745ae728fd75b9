// Derives what a server runs (load balancer, web, app, database) from its user data, so
// role policies judge real configuration rather than names or tags.
import { hasServerSection, isReadOnly, OptionFile, parseMyCnf } from "./mycnf";
import { allTexts, UserData } from "./userData";

export interface ServerRoles {
    loadBalancer: boolean;
    web: boolean;
    app: boolean;
    database: boolean;
    /** Database present and its server config does not set read_only/super_read_only. */
    databaseWriter: boolean;
}

const DB_PACKAGES = /^(mysql-server|mysql-server-[\d.]+|mariadb-server|mariadb-server-[\d.]+|percona-server-server|percona-server-server-[\d.]+|default-mysql-server)$/;

/** MySQL/MariaDB option files written under /etc/mysql, in the order the server loads them. */
export function mysqlOptionFiles(ud: UserData): OptionFile[] {
    return ud.files
        .filter((f) => f.path.startsWith("/etc/mysql/") && /\.cnf$/.test(f.path))
        .sort((a, b) => a.path.localeCompare(b.path))
        .map((f) => parseMyCnf(f.content));
}

/** Roles of the frozen (shared, parsed-once) user data from readUserData, worked out once each. */
const rolesOfFrozen = new WeakMap<UserData, ServerRoles>();

export function serverRoles(ud: UserData): ServerRoles {
    if (!Object.isFrozen(ud)) {
        return computeServerRoles(ud);
    }
    let roles = rolesOfFrozen.get(ud);
    if (roles === undefined) {
        roles = Object.freeze(computeServerRoles(ud));
        rolesOfFrozen.set(ud, roles);
    }
    return roles;
}

function computeServerRoles(ud: UserData): ServerRoles {
    const paths = ud.files.map((f) => f.path);
    const cnfs = mysqlOptionFiles(ud).filter(hasServerSection);
    const text = ud.kind === "script" ? ud.text : "";
    const loadBalancer = ud.packages.includes("haproxy") || paths.includes("/etc/haproxy/haproxy.cfg") || /\b(apt-get|apt|yum|dnf)\s+install\b[^\n]*\bhaproxy\b/.test(text);
    const web =
        ud.packages.some((p) => p === "nginx" || p.startsWith("nginx-")) ||
        paths.some((p) => /^\/etc\/nginx\/(sites-available|sites-enabled|conf\.d)\//.test(p)) ||
        /\b(apt-get|apt|yum|dnf)\s+install\b[^\n]*\bnginx\b/.test(text);
    const app = paths.includes("/etc/systemd/system/webstack-app.service") || paths.some((p) => p.startsWith("/opt/webstack/app/"));
    const database = ud.packages.some((p) => DB_PACKAGES.test(p)) || cnfs.length > 0 || /\b(apt-get|apt|yum|dnf)\s+install\b[^\n]*\b(mysql-server|mariadb-server)\b/.test(text);
    return { loadBalancer, web, app, database, databaseWriter: database && !isReadOnly(cnfs) };
}

/** True when any executed or written text mentions the needle (used for simple evidence). */
export function mentions(ud: UserData, needle: RegExp): boolean {
    return allTexts(ud).some((t) => needle.test(t));
}
