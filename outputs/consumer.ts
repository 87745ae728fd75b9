import * as pulumi from "@pulumi/pulumi";
import { OUTPUT_NAMES, OutputName, WebstackOutputs } from "./stackOutputs";

/**
 * Typed access to a webstack stack's outputs for other teams' programs:
 *
 *     const web = webstackOutputs("acme/webstack/prod");
 *     new aws.route53.Record("www", { ..., records: [web.loadBalancerIp] });
 *
 * requireOutput fails the consumer's preview at once if the output is missing, instead of
 * passing `undefined` along.
 */
export function webstackOutputs(stackName: string, opts?: pulumi.CustomResourceOptions): { [K in OutputName]: pulumi.Output<WebstackOutputs[K]> } {
    const reference = new pulumi.StackReference(stackName, undefined, opts);
    const outputs = {} as { [K in OutputName]: pulumi.Output<unknown> };
    for (const name of OUTPUT_NAMES) {
        outputs[name] = reference.requireOutput(name);
    }
    return outputs as { [K in OutputName]: pulumi.Output<WebstackOutputs[K]> };
}
