import * as pulumi from "@pulumi/pulumi";
import { WebstackConfig } from "./schema";
import { ProvidedCertificate, validateConfig } from "./validateConfig";

export interface StackConfig {
    config: WebstackConfig;
    /** Plain text: the Certificates component wraps the key with pulumi.secret. */
    providedCertificate?: ProvidedCertificate;
    datadogApiKey: pulumi.Output<string>;
}

/**
 * Reads and validates the running stack's config once, before any resource exists.
 */
export function readStackConfig(): StackConfig {
    const { config, providedCertificate } = validateConfig(pulumi.runtime.allConfig(), pulumi.getStack());
    return {
        config,
        providedCertificate,
        datadogApiKey: new pulumi.Config("datadog").requireSecret("apiKey"),
    };
}
