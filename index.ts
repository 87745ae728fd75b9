import * as pulumi from "@pulumi/pulumi";
import { readStackConfig } from "./config/readStackConfig";
import { webStackArgs } from "./webStackArgs";
import { WebStack } from "./components/webstack";
import { secretParameterNames } from "./model";
import { stackOutputs } from "./outputs/stackOutputs";

// Validate everything before registering anything: a bad key fails here, with its name.
const { config, providedCertificate, datadogApiKey } = readStackConfig();
const stack = pulumi.getStack();

const web = new WebStack("webstack", webStackArgs(config, stack, { datadogApiKey, providedCertificate }));

export const {
    url,
    loadBalancerIp,
    loadBalancerDns,
    caCertificatePem,
    databaseWriterEndpoint,
    databaseReaderEndpoint,
    databaseAppUser,
    databaseAppPasswordParameter,
    securityGroupIds,
    vpcId,
    subnetIds,
    monitorIds,
    dashboardUrl,
} = stackOutputs(web, secretParameterNames(stack).mysqlAppPassword);
