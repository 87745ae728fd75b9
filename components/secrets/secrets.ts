import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { withTags } from "../tags";
import { SecretParameterNames } from "../../model";

export interface StackSecretsArgs {
    /** The SSM parameter names to store under (secretParameterNames(stack)). */
    readonly parameters: SecretParameterNames;
    /** TLS private keys by server key ("lb" for the load balancer); stored as they are. */
    readonly tlsPrivateKeys: Record<string, pulumi.Input<string>>;
    /** Datadog API key from the datadog provider's secret config. */
    readonly datadogApiKey: pulumi.Input<string>;
    /** Whether the stack runs a database that needs root and replication passwords. */
    readonly selfManagedDatabase: boolean;
    /** Tags for every parameter, over the provider's default tags (see WebStackArgs.tags). */
    readonly tags?: pulumi.Input<Record<string, string>>;
}

/**
 * Generates the database passwords and stores every secret a server reads at boot in SSM
 * Parameter Store as SecureString (encrypted with the account's aws/ssm key). Values stay
 * Pulumi secrets end to end; the servers read them with their instance role.
 */
export class StackSecrets extends pulumi.ComponentResource {
    /** Password of the application's database user (the RDS master user with rds). */
    readonly appPassword: pulumi.Output<string>;
    /** ARNs of the parameters, by parameter name, for the instance-role policies. */
    readonly parameterArns: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: StackSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:secrets:StackSecrets", name, {}, opts);
        const parent = { parent: this };
        this.parameterArns = {};
        const store = (resourceName: string, parameterName: string, value: pulumi.Input<string>, description: string) => {
            const parameter = new aws.ssm.Parameter(
                `${name}-${resourceName}`,
                { name: parameterName, type: "SecureString", value: pulumi.secret(value), description, tier: "Standard", tags: withTags(args.tags) },
                parent,
            );
            this.parameterArns[parameterName] = parameter.arn;
        };
        // Alphanumeric only: the boot scripts place passwords inside SQL quotes.
        const password = (resourceName: string) => new random.RandomPassword(`${name}-${resourceName}`, { length: 32, special: false, minLower: 4, minUpper: 4, minNumeric: 4 }, parent).result;

        this.appPassword = password("mysql-app");
        store("mysql-app", args.parameters.mysqlAppPassword, this.appPassword, "MySQL password of the application user");
        if (args.selfManagedDatabase) {
            store("mysql-root", args.parameters.mysqlRootPassword, password("mysql-root"), "MySQL root password");
            store("mysql-replication", args.parameters.mysqlReplicationPassword, password("mysql-replication"), "MySQL replication user password");
        }
        store("datadog-api-key", args.parameters.datadogApiKey, args.datadogApiKey, "Datadog API key for the agents");
        for (const [serverKey, pem] of Object.entries(args.tlsPrivateKeys)) {
            store(`tls-${serverKey}`, args.parameters.tlsKey(serverKey), pem, `TLS private key of ${serverKey}`);
        }
        this.registerOutputs({ appPassword: this.appPassword, parameterArns: this.parameterArns });
    }
}
