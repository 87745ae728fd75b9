import * as assert from "assert";
import { couldNotSpawn } from "../../rehearsal/units";

// The rehearsal starts a unit again only when systemd never ran its program; a program that ran
// and failed must stay a failure.

describe("rehearsal units: couldNotSpawn", () => {
    it("recognises systemd's spawn failure, as this host's containers logged it for systemd-sysusers", () => {
        const journal = [
            "systemd-sysusers.service: Failed to spawn executor: No such file or directory",
            "systemd-sysusers.service: Failed to spawn 'start' task: No such file or directory",
            "systemd-sysusers.service: Failed with result 'resources'.",
            "Failed to start systemd-sysusers.service - Create System Users.",
        ].join("\n");
        assert.strictEqual(couldNotSpawn(journal), true);
        assert.strictEqual(couldNotSpawn(journal.split("\n").slice(1).join("\n")), true, "the 'start' task form alone");
    });
    it("does not take a program that ran and failed for a spawn failure", () => {
        const applierFailed = [
            "Starting webstack-apply.service - webstack: apply this server's configuration bundle (fetch, check, swap, reload)...",
            "webstack-apply: bundle not applied, the last good configuration keeps running: check failed, nothing changed",
            "webstack-apply.service: Main process exited, code=exited, status=1/FAILURE",
            "webstack-apply.service: Failed with result 'exit-code'.",
        ].join("\n");
        assert.strictEqual(couldNotSpawn(applierFailed), false);
    });
    it("needs both the spawn failure and the result 'resources'", () => {
        assert.strictEqual(couldNotSpawn("x.service: Failed to spawn executor: No such file or directory"), false);
        assert.strictEqual(couldNotSpawn("x.service: Failed with result 'resources'."), false);
        assert.strictEqual(couldNotSpawn(""), false);
    });
});
