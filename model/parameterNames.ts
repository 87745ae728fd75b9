/**
 * Names of the SSM SecureString parameters that hold the stack's secrets. One function, so
 * the parameters the program creates, the instance-role policy and the boot scripts that
 * read them can never disagree.
 */
export interface SecretParameterNames {
    prefix: string;
    datadogApiKey: string;
    mysqlRootPassword: string;
    mysqlReplicationPassword: string;
    mysqlAppPassword: string;
    /** Private key of a server's TLS certificate ("lb" for the load balancer). */
    tlsKey(serverKey: string): string;
}

export function secretParameterNames(stack: string): SecretParameterNames {
    const prefix = `/webstack/${stack}`;
    return {
        prefix,
        datadogApiKey: `${prefix}/datadog/api-key`,
        mysqlRootPassword: `${prefix}/mysql/root-password`,
        mysqlReplicationPassword: `${prefix}/mysql/replication-password`,
        mysqlAppPassword: `${prefix}/mysql/app-password`,
        tlsKey: (serverKey: string) => `${prefix}/tls/${serverKey}.key`,
    };
}
