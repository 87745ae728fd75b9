import { PORTS } from "./constants";

/** plaintext: HAProxy talks HTTP to the backends; tls: it re-encrypts and verifies each against the internal CA. */
export type BackendHop = "plaintext" | "tls";

/** nginx's port on the app servers: 443 when the hop is re-encrypted, 80 when plaintext. */
export function backendPort(hop: BackendHop): number {
    return hop === "tls" ? PORTS.https : PORTS.http;
}

export type BackendHopMigration = "serve-both" | "dial-new";

/** The hop the load balancer dials, and the hops the app servers serve (plaintext first). */
export interface BackendHops {
    dialed: BackendHop;
    served: BackendHop[];
    /** The hop dialed before the migration began (backendHop outside one). */
    from: BackendHop;
}

/**
 * Outside a migration the app servers serve the one hop the load balancer dials. During one
 * both are served, so the load balancer can move from one to the other in any order the
 * servers apply their bundles: first it still dials the hop being left (serve-both), then
 * backendHop (dial-new).
 */
export function backendHops(hop: BackendHop, migration?: BackendHopMigration): BackendHops {
    if (!migration) return { dialed: hop, served: [hop], from: hop };
    const leaving: BackendHop = hop === "tls" ? "plaintext" : "tls";
    return { dialed: migration === "serve-both" ? leaving : hop, served: ["plaintext", "tls"], from: leaving };
}
