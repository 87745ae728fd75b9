import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { CloudInitFile } from "./cloudInit";

/**
 * A server's life is its user data; its configuration is a bundle it pulls. The user data is
 * a small boot script that names the server's bundle in S3 and nothing else, so a
 * certificate renewal, a scale-out or a backend-hop switch changes the bundle, never the user
 * data, and never replaces a server. The applier (render/verbatim/webstack-apply.py) ships inside
 * the bundle and applies it at boot, on a timer and on demand.
 */
export const BOOTSTRAP_PATH = "/usr/local/sbin/webstack-bootstrap";
export const BUNDLE_ENV_PATH = "/etc/webstack/bundle.env";
export const APPLIER_PATH = "/usr/local/sbin/webstack-apply";
export const APPLIER_UNIT = "webstack-apply.service";
export const APPLIER_TIMER = "webstack-apply.timer";
/** How often a running server looks for a new bundle or a new secret version. */
export const APPLY_INTERVAL_MINUTES = 5;
/** EC2 takes 16 KB of user data; the boot script stays far below, whatever the config. */
export const BOOTSTRAP_MAX_BYTES = 4096;

export interface BootstrapSpec {
    region: string;
    /** The configuration bucket (S3 bucket-name grammar). */
    bucket: string;
    /** This server's bundle object key. */
    key: string;
}

/** The bundle key of a server: one object per server, named after it. */
export function bundleKey(serverResourceName: string): string {
    return `servers/${serverResourceName}.yaml`;
}

// Real Python files in render/verbatim/, copied into bin/ by the build.
const applierSource = (file: string) => fs.readFileSync(path.join(__dirname, "verbatim", file), "utf8");

/** The user data: packages the boot script needs, where the bundle is, and the boot script. */
export function renderBootstrap(spec: BootstrapSpec): string {
    const document = {
        package_update: true,
        package_upgrade: false,
        packages: ["awscli", "python3-yaml"],
        write_files: [
            { path: BUNDLE_ENV_PATH, content: renderBundleEnvironment(spec), permissions: "0644" },
            { path: BOOTSTRAP_PATH, content: applierSource("webstack-bootstrap.py"), permissions: "0700" },
        ],
        runcmd: [[BOOTSTRAP_PATH]],
    };
    const text = `#cloud-config\n${stringify(document, { lineWidth: 0 })}`;
    if (Buffer.byteLength(text) > BOOTSTRAP_MAX_BYTES) {
        throw new Error(`renderBootstrap: the boot script is ${Buffer.byteLength(text)} bytes, over its ${BOOTSTRAP_MAX_BYTES}-byte budget`);
    }
    return text;
}

/** KEY=value lines the boot script and the applier read (no shell reads them; each value is still held to its grammar). */
export function renderBundleEnvironment(spec: BootstrapSpec): string {
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(spec.region)) {
        throw new Error(`renderBootstrap: ${JSON.stringify(spec.region)} is not an AWS region name`);
    }
    // S3 bucket naming rules: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit.
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(spec.bucket)) {
        throw new Error(`renderBootstrap: ${JSON.stringify(spec.bucket)} is not an S3 bucket name`);
    }
    if (!/^[A-Za-z0-9][A-Za-z0-9/_.-]{0,200}$/.test(spec.key) || spec.key.includes("..")) {
        throw new Error(`renderBootstrap: ${JSON.stringify(spec.key)} is not a bundle key (letters, digits, / _ . -)`);
    }
    return `AWS_REGION=${spec.region}\nBUNDLE_BUCKET=${spec.bucket}\nBUNDLE_KEY=${spec.key}\n`;
}

/** The applier and its units, delivered in every bundle. */
export function renderApplierFiles(): CloudInitFile[] {
    return [
        { path: APPLIER_PATH, content: applierSource("webstack-apply.py"), permissions: "0700" },
        {
            path: `/etc/systemd/system/${APPLIER_UNIT}`,
            content: `# Rendered by webstack (renderApplierFiles).
[Unit]
Description=webstack: apply this server's configuration bundle (fetch, check, swap, reload)
After=network-online.target cloud-final.service
Wants=network-online.target

[Service]
Type=oneshot
ExecStart=${APPLIER_PATH}

[Install]
WantedBy=multi-user.target
`,
            permissions: "0644",
        },
        {
            path: `/etc/systemd/system/${APPLIER_TIMER}`,
            content: `# Rendered by webstack (renderApplierFiles).
[Unit]
Description=webstack: look for a new configuration bundle or secret version every ${APPLY_INTERVAL_MINUTES} minutes

[Timer]
OnBootSec=${APPLY_INTERVAL_MINUTES}min
OnUnitActiveSec=${APPLY_INTERVAL_MINUTES}min
RandomizedDelaySec=30s

[Install]
WantedBy=timers.target
`,
            permissions: "0644",
        },
    ];
}
