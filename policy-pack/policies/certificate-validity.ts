// Hardening: long-lived certificates outlive key compromises and browsers reject leaf
// certificates valid for more than 398 days; early renewal avoids expiry outages.
import { definePolicy } from "../lib/definePolicy";
import { bool, num } from "../lib/props";
import { TLS_LOCALLY_SIGNED_CERT, TLS_SELF_SIGNED_CERT } from "../lib/types";

export const certificateValidity = definePolicy({
    name: "certificate-validity",
    category: "hardening",
    severity: "low",
    description: "TLS certificates must have a bounded validity period and renew early.",
    settings: {
        maxLeafValidityDays: { type: "integer", minimum: 1, default: 398, description: "Maximum validity of a leaf certificate, in days." },
        maxCaValidityDays: { type: "integer", minimum: 1, default: 3650, description: "Maximum validity of a CA certificate (isCaCertificate), in days." },
        requireEarlyRenewal: { type: "boolean", default: true, description: "Require earlyRenewalHours > 0 so `pulumi up` renews before expiry." },
    },
    validateResource: (args, reportViolation, settings) => {
        if (args.type !== TLS_SELF_SIGNED_CERT && args.type !== TLS_LOCALLY_SIGNED_CERT) {
            return;
        }
        const cfg = settings();
        const isCa = bool(args.props.isCaCertificate) === true;
        const maxDays = isCa ? cfg.maxCaValidityDays : cfg.maxLeafValidityDays;
        const hours = num(args.props.validityPeriodHours);
        if (hours !== undefined && hours > maxDays * 24) {
            reportViolation(
                `${args.name}: ${isCa ? "CA" : "leaf"} certificate is valid for ${hours} hours (${Math.round(hours / 24)} days), above the maximum ${maxDays} days. ` +
                    `Set \`validityPeriodHours\` to at most ${maxDays * 24}.`,
            );
        }
        if (cfg.requireEarlyRenewal) {
            const raw = args.props.earlyRenewalHours;
            const early = num(raw);
            // Absent means the provider default of 0: the certificate is only replaced after it expired.
            if ((raw === undefined || early !== undefined) && (early ?? 0) <= 0) {
                reportViolation(
                    `${args.name}: earlyRenewalHours is ${raw === undefined ? "not set (0)" : early}, so the certificate is only renewed after it expires. ` +
                        `Set \`earlyRenewalHours\` (e.g. 720 for 30 days).`,
                );
            }
        }
    },
});
