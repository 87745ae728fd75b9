import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderFetchSecrets } from "../../components/secrets/renderFetchSecrets";

// Runs the rendered fetch script in a real sh with real mkdir/chown/chmod/mv; only `aws` is a
// stub. Found by the container rehearsal: with `umask 077` around `mkdir -p`, the secrets
// directory became root 0700 and the app's user could never read its own password file.
describe("renderFetchSecrets, run for real", () => {
    let dir: string;
    const uid = process.getuid?.() ?? 0;
    const gid = process.getgid?.() ?? 0;

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "webstack-fetch-"));
        fs.mkdirSync(path.join(dir, "bin"));
        fs.writeFileSync(path.join(dir, "bin", "aws"), "#!/bin/sh\nprintf '%s' s3cr3tValue\n", { mode: 0o755 });
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    function fetch(secrets: { path: string; mode: string }[]): void {
        const script = renderFetchSecrets({ region: "us-east-1", secrets: secrets.map((s, i) => ({ parameter: `/webstack/dev/p${i}`, path: s.path, owner: `${uid}:${gid}`, mode: s.mode })) });
        const out = spawnSync("sh", ["-c", script], { env: { PATH: `${path.join(dir, "bin")}:/usr/bin:/bin` }, encoding: "utf8" });
        assert.equal(out.status, 0, out.stderr);
    }

    it("creates the directories it needs traversable (0755), so a service user can reach its own file", () => {
        const file = path.join(dir, "etc", "webstack", "secrets", "mysql-app-password");
        fetch([{ path: file, mode: "0400" }]);
        assert.equal(fs.statSync(path.join(dir, "etc", "webstack", "secrets")).mode & 0o777, 0o755);
        assert.equal(fs.statSync(path.join(dir, "etc", "webstack")).mode & 0o777, 0o755);
        assert.equal(fs.readFileSync(file, "utf8"), "s3cr3tValue");
    });

    it("keeps each secret file at exactly its mode, never readable by others meanwhile", () => {
        const a = path.join(dir, "secrets", "a");
        const b = path.join(dir, "secrets", "b");
        fetch([
            { path: a, mode: "0400" },
            { path: b, mode: "0600" },
        ]);
        assert.equal(fs.statSync(a).mode & 0o777, 0o400);
        assert.equal(fs.statSync(b).mode & 0o777, 0o600);
        // No temporary file is left behind.
        assert.deepEqual(fs.readdirSync(path.join(dir, "secrets")).sort(), ["a", "b"]);
    });
});
