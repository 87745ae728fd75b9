import * as assert from "assert";
import { enabledUnits } from "../../rehearsal/bootChecks";
import { ROOTFS_PACKAGES, rootfsKey, rootfsPath } from "../../rehearsal/rootfs";

describe("rehearsal rootfs: the cached image's key", () => {
    it("changes when the package list changes (so the image is rebuilt), and is stable otherwise", () => {
        const before = rootfsKey();
        assert.strictEqual(rootfsKey(), before);
        ROOTFS_PACKAGES.push("htop");
        try {
            assert.notStrictEqual(rootfsKey(), before);
        } finally {
            ROOTFS_PACKAGES.pop();
        }
        assert.strictEqual(rootfsKey(), before);
    });

    it("lives outside the checkout and names the suite", () => {
        assert.match(rootfsPath(), /^\/var\/cache\/webstack-rehearsal\/rootfs-trixie-[0-9a-f]{16}$/);
    });

    it("is what a cloud image brings (systemd, cloud-init with python3-cffi-backend named), not the servers' packages", () => {
        for (const p of ["systemd-sysv", "cloud-init", "python3-cffi-backend", "ca-certificates"]) assert.ok(ROOTFS_PACKAGES.includes(p), p);
        for (const p of ["haproxy", "nginx", "mariadb-server", "awscli", "nftables"]) assert.ok(!ROOTFS_PACKAGES.includes(p), p);
    });
});

describe("rehearsal bootChecks: the units the boot commands enable", () => {
    it("reads systemctl enable --now/restart commands, not a bare enable (next boot), other verbs or flags", () => {
        const units = enabledUnits({
            packages: [],
            files: [],
            secrets: [],
            users: [],
            services: [],
            volumes: [],
            tags: [],
            commands: [
                ["systemctl", "enable", "--now", "nftables"],
                ["nft", "-f", "/etc/nftables.conf"],
                ["systemctl", "restart", "mariadb"],
                ["systemctl", "daemon-reload"],
                ["systemctl", "enable", "--now", "webstack-app.service"],
                ["systemctl", "enable", "webstack-apply.service"],
                "echo systemctl enable x",
            ],
        });
        assert.deepStrictEqual(units, ["nftables.service", "mariadb.service", "webstack-app.service"]);
    });
});
