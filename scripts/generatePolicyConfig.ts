// Writes policy-pack/config/prod-mandatory.json from the pack's own definitions: every policy
// advisory, those whose severity blocks a prod deployment (lib/definePolicy.ts,
// MANDATORY_IN_PROD) mandatory. tests/docs/policies.test.ts fails when the file says
// anything else. Run after changing a policy's severity, and review the diff:
//
//   npm run generate:policy-config
import * as fs from "fs";
import * as path from "path";
import { parseNoOptions, parseOrExit } from "../cli/commandLine";
import { prodPolicyConfig } from "../policy-pack/lib/definePolicy";
import { unwaivedPolicies } from "../policy-pack/policies";

export const PROD_POLICY_CONFIG_FILE = path.join(__dirname, "..", "policy-pack", "config", "prod-mandatory.json");

/** The file's exact text: two-space JSON and a final newline. */
export function prodPolicyConfigText(): string {
    return `${JSON.stringify(prodPolicyConfig(unwaivedPolicies), null, 2)}\n`;
}

if (require.main === module) {
    parseOrExit("generate:policy-config", "usage: npm run generate:policy-config (no options)", () => parseNoOptions(process.argv.slice(2)));
    fs.writeFileSync(PROD_POLICY_CONFIG_FILE, prodPolicyConfigText());
    console.log(`wrote ${path.relative(process.cwd(), PROD_POLICY_CONFIG_FILE)}`);
}
