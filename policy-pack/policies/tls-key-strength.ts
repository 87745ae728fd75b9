// Hardening: weak keys make the certificates (and the internal CA) forgeable.
import { definePolicy } from "../lib/definePolicy";
import { num, str } from "../lib/props";
import { TLS_PRIVATE_KEY } from "../lib/types";

const ALGORITHMS = ["RSA", "ECDSA", "ED25519"];

export const tlsKeyStrength = definePolicy({
    name: "tls-key-strength",
    category: "hardening",
    severity: "medium",
    description: "tls.PrivateKey must use RSA >= 2048 bits, an ECDSA curve of P256 or stronger, or ED25519.",
    settings: {
        minRsaBits: { type: "integer", minimum: 1024, default: 2048, description: "Minimum RSA key size in bits." },
        allowedEcdsaCurves: { type: "array", items: { type: "string" }, default: ["P256", "P384", "P521"], description: "ECDSA curves accepted." },
    },
    validateResource: (args, reportViolation, settings) => {
        if (args.type !== TLS_PRIVATE_KEY) {
            return;
        }
        const cfg = settings();
        const algorithm = str(args.props.algorithm);
        if (algorithm === undefined) {
            return; // unknown (it is a required input)
        }
        if (!ALGORITHMS.includes(algorithm)) {
            reportViolation(`${args.name}: algorithm ${algorithm} is not one of ${ALGORITHMS.join(", ")}. Set \`algorithm\` to "RSA", "ECDSA" or "ED25519".`);
            return;
        }
        if (algorithm === "RSA") {
            // The tls provider defaults rsaBits to 2048.
            const bits = args.props.rsaBits === undefined ? 2048 : num(args.props.rsaBits);
            if (bits !== undefined && bits < cfg.minRsaBits) {
                reportViolation(`${args.name}: RSA key of ${bits} bits is below the minimum ${cfg.minRsaBits}. Set \`rsaBits\` to ${Math.max(cfg.minRsaBits, 3072)} (or at least ${cfg.minRsaBits}).`);
            }
        } else if (algorithm === "ECDSA") {
            // The tls provider defaults ecdsaCurve to P224, which is too weak.
            const curve = args.props.ecdsaCurve === undefined ? "P224" : str(args.props.ecdsaCurve);
            if (curve !== undefined && !cfg.allowedEcdsaCurves.includes(curve)) {
                reportViolation(
                    `${args.name}: ECDSA curve ${curve}${args.props.ecdsaCurve === undefined ? " (the tls provider default)" : ""} is too weak. ` +
                        `Set \`ecdsaCurve\` to one of ${cfg.allowedEcdsaCurves.join(", ")}.`,
                );
            }
        }
    },
});
