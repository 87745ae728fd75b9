import { stringify } from "yaml";

export interface CloudInitFile {
    path: string;
    content: string;
    permissions: string;
    owner?: string;
}

export interface CloudInitSpec {
    packages: string[];
    files: CloudInitFile[];
    /** Commands run once, in order, after packages are installed and files written. */
    commands: (string | string[])[];
}

/**
 * A server's user data as a cloud-config document, built as data and serialised with the
 * YAML library. Files are deferred until after the packages are installed, so package
 * installation never overwrites them and services can be restarted onto them.
 */
export function renderCloudInit(spec: CloudInitSpec): string {
    const document = {
        package_update: true,
        package_upgrade: false,
        packages: spec.packages,
        write_files: spec.files.map((f) => ({
            path: f.path,
            content: f.content,
            permissions: f.permissions,
            ...(f.owner ? { owner: f.owner } : {}),
            defer: true,
        })),
        runcmd: spec.commands,
    };
    return `#cloud-config\n${stringify(document, { lineWidth: 0 })}`;
}
