import { stringify } from "yaml";
import { CloudInitSpec } from "./cloudInit";

/** A secret the applier reads from SSM Parameter Store and writes to a file (never into the bundle). */
export interface SecretFile {
    /** SSM SecureString parameter name. */
    parameter: string;
    /** Where the value is written on the server. */
    path: string;
    owner: string;
    mode: string;
}

/**
 * A daemon as the applier sees it: the files it reads, the commands that prove a changed set
 * of those files good before any of them is swapped in, and the commands that make it use
 * them without dropping a connection (a reload, where the daemon has one).
 */
export interface ReloadableService {
    name: string;
    paths: string[];
    checks: string[][];
    reload: string[][];
}

/**
 * An EBS data volume the applier mounts (by its file-system label) before any package is
 * installed, formatting it only when it holds no file system at all.
 */
export interface DataVolume {
    volumeId: string;
    /** The device name the attachment asks for (/dev/sdf; /dev/xvdf on Xen, an NVMe by-id link on Nitro). */
    device: string;
    label: string;
    mountPoint: string;
}

/** Everything rendered for one server: the cloud-config shape plus what the applier needs. */
export interface ServerBundleSpec extends CloudInitSpec {
    /** System users created before any file or secret is written (they own some of them). */
    users: string[];
    secrets: SecretFile[];
    services: ReloadableService[];
    volumes: DataVolume[];
    /** Tags of the applier's Datadog service check (webstack.config.apply). */
    tags: string[];
}

/**
 * A server's configuration bundle, stored in S3 and applied by the on-host applier. It keeps
 * cloud-config's shape (packages, write_files, runcmd), so the policy pack and the plan read
 * it with the same reader as user data; the applier's own section sits under `webstack`.
 */
export function renderServerBundle(spec: ServerBundleSpec): string {
    const document = {
        packages: spec.packages,
        write_files: spec.files.map((f) => ({ path: f.path, content: f.content, permissions: f.permissions, ...(f.owner ? { owner: f.owner } : {}) })),
        runcmd: spec.commands,
        webstack: {
            users: spec.users,
            secrets: spec.secrets.map((s) => ({ parameter: s.parameter, path: s.path, owner: s.owner, mode: s.mode })),
            services: spec.services,
            volumes: spec.volumes,
            tags: spec.tags,
        },
    };
    return `#cloud-config\n${stringify(document, { lineWidth: 0 })}`;
}
