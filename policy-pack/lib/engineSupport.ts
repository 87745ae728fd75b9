// When Amazon RDS / Aurora standard support ends for each major engine version, as AWS
// publishes it. After that date AWS bills RDS Extended Support (or forces an upgrade).
// Table as of 2026-11-22; sources:
//  - RDS for MySQL: "Supported MySQL major versions on Amazon RDS" (Amazon RDS User Guide,
//    MySQL.Concepts.VersionMgmt, release calendar)
//  - RDS for PostgreSQL: "Release calendar for Amazon RDS for PostgreSQL" (RDS for PostgreSQL
//    Release Notes)
//  - Aurora: "Release calendar for Aurora MySQL" / "Release calendar for Aurora PostgreSQL"
//  - Live values: `aws rds describe-db-major-engine-versions` (SupportedEngineLifecycles,
//    open-source-rds-standard-support).
// Versions not listed are not judged.

export interface StandardSupportEnd {
    engine: string;
    major: string;
    /** Last day of standard support (UTC). */
    ends: string;
}

export const STANDARD_SUPPORT_ENDS: StandardSupportEnd[] = [
    { engine: "mysql", major: "5.7", ends: "2024-02-29" },
    { engine: "mysql", major: "8.0", ends: "2026-07-31" },
    { engine: "postgres", major: "11", ends: "2024-02-29" },
    { engine: "postgres", major: "12", ends: "2025-02-28" },
    { engine: "postgres", major: "13", ends: "2026-02-28" },
    { engine: "aurora-mysql", major: "5.7", ends: "2024-10-31" },
    { engine: "aurora-postgresql", major: "11", ends: "2024-02-29" },
    { engine: "aurora-postgresql", major: "12", ends: "2025-02-28" },
    { engine: "aurora-postgresql", major: "13", ends: "2026-02-28" },
];

/** "8.0.35" → "8.0"; "5.7.mysql_aurora.2.11.2" → "5.7"; "13.4" (PostgreSQL) → "13". */
export function majorVersion(engine: string, version: string): string | undefined {
    const postgres = engine === "postgres" || engine === "aurora-postgresql";
    const m = postgres ? /^(\d+)(?:\.|$)/.exec(version) : /^(\d+\.\d+)(?:\.|$)/.exec(version);
    return m?.[1];
}

export function standardSupportEnd(engine: string, version: string): StandardSupportEnd | undefined {
    const major = majorVersion(engine, version);
    return major === undefined ? undefined : STANDARD_SUPPORT_ENDS.find((e) => e.engine === engine && e.major === major);
}
