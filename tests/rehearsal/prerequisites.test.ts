import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { MachineProbe, missingPrerequisites, REQUIRED } from "../../rehearsal/prerequisites";

// The bad-environment answers: one line per missing piece, saying what and how to get it.
// These run everywhere (no root needed); they are not skipped by WEBSTACK_SKIP_REHEARSAL.

const ready: MachineProbe = { platform: "linux", uid: 0, exists: () => true, filesystems: () => "nodev\ttmpfs\nnodev\toverlay\n" };

describe("rehearsal prerequisites", () => {
    it("a ready machine lacks nothing", () => {
        assert.deepStrictEqual(missingPrerequisites(ready), []);
    });

    it("not root: one line that says to run as root", () => {
        const lines = missingPrerequisites({ ...ready, uid: 1000 });
        assert.strictEqual(lines.length, 1);
        assert.match(lines[0], /^not root: .*run it as root/);
    });

    for (const [file, what, fix] of REQUIRED) {
        it(`without ${file}: one line naming it and "${fix}"`, () => {
            const lines = missingPrerequisites({ ...ready, exists: (f) => f !== file });
            assert.deepStrictEqual(lines, [`${what} is missing (${file}): ${fix}`]);
        });
    }

    it("names systemd-container, debootstrap and apt-cacher-ng as the packages for nspawn, the image and the proxy", () => {
        const lines = missingPrerequisites({ ...ready, exists: () => false });
        assert.ok(lines.includes("systemd-nspawn (boots each server's container) is missing (/usr/bin/systemd-nspawn): apt-get install systemd-container"));
        assert.ok(lines.some((l) => /debootstrap.*apt-get install debootstrap$/.test(l)));
        assert.ok(lines.some((l) => /apt-cacher-ng.*apt-get install apt-cacher-ng$/.test(l)));
        assert.strictEqual(lines.length, REQUIRED.length);
    });

    it("no overlayfs: one line", () => {
        assert.deepStrictEqual(missingPrerequisites({ ...ready, filesystems: () => "nodev\ttmpfs\n" }), ["the kernel has no overlay filesystem (per-server copies of the image): modprobe overlay"]);
    });

    it("the CLI run as a non-root user prints the root line and exits 2, touching nothing", function () {
        if (process.getuid?.() !== 0) this.skip(); // needs root to drop to another user
        const cwd = path.resolve(__dirname, "..", "..");
        const out = spawnSync("setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", process.execPath, "-r", "ts-node/register/transpile-only", "rehearsal/cli.ts", "--stack", "dev"], {
            cwd,
            encoding: "utf8",
            env: { ...process.env, TS_NODE_CACHE: "false", HOME: "/tmp" },
            timeout: 60000,
        });
        assert.strictEqual(out.status, 2, out.stderr);
        const lines = out.stderr
            .trim()
            .split("\n")
            .filter((l) => l.startsWith("rehearsal: "));
        assert.ok(lines.length >= 1, out.stderr);
        assert.match(lines[0], /^rehearsal: not root: /);
    });
});
