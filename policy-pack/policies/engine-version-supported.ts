// Lifecycle: an RDS or Aurora engine past its standard support date runs on RDS Extended
// Support, billed per vCPU-hour, until AWS upgrades it for you. The table and its sources
// are in lib/engineSupport.ts.
import { definePolicy } from "../lib/definePolicy";
import { standardSupportEnd } from "../lib/engineSupport";
import { str } from "../lib/props";
import { RDS_CLUSTER, RDS_INSTANCE } from "../lib/types";

const DAY_MS = 24 * 3600 * 1000;

export const engineVersionSupported = definePolicy({
    name: "engine-version-supported",
    category: "aws-limit",
    severity: "low",
    description: "RDS and Aurora engine versions must be inside AWS standard support (an absent engineVersion is AWS's current default and passes).",
    settings: {
        warnDaysBefore: {
            type: "integer",
            minimum: 0,
            default: 90,
            description: "Also report an engine whose standard support ends within this many days.",
        },
        asOf: {
            type: "string",
            pattern: "^\\d{4}-\\d{2}-\\d{2}$",
            description: "Judge as of this date (YYYY-MM-DD) instead of today, e.g. to reproduce a finding.",
        },
    },
    validateResource: (args, reportViolation, settings) => {
        if (args.type !== RDS_INSTANCE && args.type !== RDS_CLUSTER) {
            return;
        }
        const engine = str(args.props.engine);
        const version = str(args.props.engineVersion);
        if (engine === undefined || version === undefined) {
            return; // a replica inherits its source's engine; no version means AWS's current default
        }
        const end = standardSupportEnd(engine, version);
        if (!end) {
            return;
        }
        const cfg = settings();
        const today = cfg.asOf ? Date.parse(`${cfg.asOf}T00:00:00Z`) : Date.now();
        const endsAt = Date.parse(`${end.ends}T23:59:59Z`);
        const days = Math.ceil((endsAt - today) / DAY_MS);
        if (days <= 0) {
            reportViolation(
                `${args.name}: ${engine} ${version} left RDS standard support on ${end.ends}; it now runs on billed RDS Extended Support until AWS upgrades it. ` +
                    `Set \`engineVersion\` to a supported major version (and its parameter group family), e.g. 8.4 for MySQL.`,
            );
        } else if (days <= cfg.warnDaysBefore) {
            reportViolation(`${args.name}: ${engine} ${version} leaves RDS standard support on ${end.ends}, in ${days} days. Plan the \`engineVersion\` upgrade now.`);
        }
    },
});
