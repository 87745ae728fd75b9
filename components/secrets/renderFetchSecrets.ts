import { shellQuote } from "../../render/quote";

export interface SecretFile {
    /** SSM SecureString parameter name. */
    parameter: string;
    /** Where the value is written on the server. */
    path: string;
    owner: string;
    mode: string;
}

export interface FetchSecretsSpec {
    region: string;
    secrets: SecretFile[];
}

export const FETCH_SECRETS_PATH = "/usr/local/sbin/webstack-fetch-secrets";

/**
 * Fetches the server's secrets (TLS keys, database passwords) from SSM Parameter Store
 * with the instance role and writes each to its file with tight permissions. The user
 * data carries only parameter names.
 */
export function renderFetchSecrets(spec: FetchSecretsSpec): string {
    const fetches = spec.secrets.map((s) => `fetch ${[s.parameter, s.path, s.owner, s.mode].map(shellQuote).join(" ")}`);
    return `#!/bin/sh
# Rendered by webstack (renderFetchSecrets).
set -eu
umask 077

fetch() {
    # Directories are traversable (0755) so each service user can reach its own file; the
    # files themselves are private (umask 077 for the temporary file, then owner and mode).
    (umask 022 && mkdir -p "$(dirname "$2")")
    tmp="$(mktemp "$2.XXXXXX")"
    # Retry: the instance profile can take a few seconds to be usable after boot.
    for attempt in 1 2 3 4 5 6; do
        if aws ssm get-parameter --region ${shellQuote(spec.region)} --name "$1" --with-decryption --query Parameter.Value --output text > "$tmp"; then
            chown "$3" "$tmp"
            chmod "$4" "$tmp"
            mv "$tmp" "$2"
            return 0
        fi
        sleep $((attempt * 5))
    done
    rm -f "$tmp"
    echo "webstack: could not read $1 from SSM" >&2
    return 1
}

${fetches.join("\n")}
`;
}
