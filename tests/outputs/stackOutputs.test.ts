import { strict as assert } from "assert";
import { OUTPUT_NAMES, SECRET_OUTPUTS } from "../../outputs/stackOutputs";
import { programRun } from "../helpers/programRuns";

/** The contract other teams rely on. Renaming or removing an output must fail here first. */
const CONTRACT = [
    "url",
    "loadBalancerIp",
    "loadBalancerDns",
    "caCertificatePem",
    "databaseWriterEndpoint",
    "databaseReaderEndpoint",
    "databaseAppUser",
    "databaseAppPasswordParameter",
    "securityGroupIds",
    "vpcId",
    "subnetIds",
    "monitorIds",
    "dashboardUrl",
];

describe("stack outputs contract", () => {
    it("declares exactly the contracted outputs", () => {
        assert.deepEqual(OUTPUT_NAMES, CONTRACT);
    });

    for (const stack of ["dev", "prod"]) {
        it(`${stack}: the program exports exactly them, secrets as secrets`, async () => {
            const run = await programRun(stack);
            assert.deepEqual(Object.keys(run.outputs).sort(), [...CONTRACT].sort());
            for (const [name, output] of Object.entries(run.outputs)) {
                assert.equal(output.secret, SECRET_OUTPUTS.includes(name as never), `${name} secrecy`);
                assert.notEqual(output.value, undefined, `${name} resolved`);
            }
            assert.match(String(run.outputs.url.value), /^https:\/\/www\.example\.com\/$/);
            assert.match(String(run.outputs.caCertificatePem.value), /BEGIN CERTIFICATE/);
            assert.deepEqual(Object.keys(run.outputs.subnetIds.value as object), ["public", "app", "database"]);
            assert.ok(Object.keys(run.outputs.monitorIds.value as object).includes("web-qps-spike"));
            // Consumers get the name of the password's parameter, never a password.
            assert.equal(run.outputs.databaseAppPasswordParameter.value, `/webstack/${stack}/mysql/app-password`);
            assert.equal(run.outputs.databaseAppUser.value, stack === "prod" ? "webstack_app" : "webapp");
        });
    }
});
