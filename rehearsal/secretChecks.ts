import { CheckResult, verdict } from "./report";
import { BootedStack } from "./stack";

/** The SSM parameters a server's boot reads: its fetch script's secrets and the Datadog key for the agent installer. */
export function parametersOf(stack: BootedStack, serverKey: string): string[] {
    return [...new Set([...stack.files[serverKey].secrets.map((s) => s.parameter), stack.facts.parameters.datadogApiKey])].sort();
}

/**
 * Each server got exactly its own secrets from the SSM stand-in and its own bundle from the
 * S3 stand-in (both enforce the program's instance-role policies), and asking, from inside
 * the server with its own credentials, for a parameter only another server reads, or for
 * another server's bundle, is denied as AWS would deny it.
 */
export async function checkLeastPrivilege(stack: BootedStack): Promise<CheckResult> {
    const lines: string[] = [];
    let ok = true;
    for (const root of Object.values(stack.roots)) {
        const key = root.server.key;
        const own = parametersOf(stack, key);
        const served = [...new Set(stack.aws.requests.filter((r) => r.server === key && r.action === "GetParameter" && r.status === 200 && r.parameter).map((r) => r.parameter!))].sort();
        const exact = JSON.stringify(served) === JSON.stringify(own);
        const foreign = Object.keys(stack.roots)
            .filter((other) => other !== key)
            .flatMap((other) => parametersOf(stack, other))
            .find((p) => !own.includes(p));
        let denial = "no parameter that only another server reads";
        let denied = true;
        if (foreign) {
            const out = await root.container!.run(["aws", "ssm", "get-parameter", "--name", foreign, "--with-decryption", "--query", "Parameter.Value", "--output", "text"], { timeoutMs: 60000 });
            denied = out.code !== 0 && /AccessDenied/.test(out.stderr);
            denial = `${foreign} → ${out.code === 0 ? "SERVED" : (/\((\w+)\)/.exec(out.stderr)?.[1] ?? out.stderr.trim().slice(0, 120))}`;
        }
        const bundle = stack.bundles[key];
        const ownBundle = stack.aws.requests.some((r) => r.server === key && r.action === "s3:GetObject" && r.status === 200 && r.parameter === `arn:aws:s3:::${bundle.bucket}/${bundle.key}`);
        const other = Object.keys(stack.bundles).find((k) => k !== key);
        let bundleDenial = "no other bundle";
        let bundleDenied = true;
        if (other) {
            const theirs = stack.bundles[other];
            const out = await root.container!.run(["aws", "s3api", "get-object", "--bucket", theirs.bucket, "--key", theirs.key, "/dev/null"], { timeoutMs: 60000 });
            bundleDenied = out.code !== 0 && /AccessDenied/.test(out.stderr);
            bundleDenial = `${theirs.key} → ${out.code === 0 ? "SERVED" : (/\((\w+)\)/.exec(out.stderr)?.[1] ?? out.stderr.trim().slice(0, 120))}`;
        }
        ok &&= exact && denied && ownBundle && bundleDenied;
        lines.push(
            `${key}: served ${served.length}/${own.length} own${exact ? "" : ` (served ${served.join(",")} vs reads ${own.join(",")})`}, asked ${denial}; ` +
                `bundle ${ownBundle ? "served" : "NOT SERVED"}, asked ${bundleDenial}`,
        );
    }
    return verdict("secrets.least-privilege", ok, lines.join("; "));
}
