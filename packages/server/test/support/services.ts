/**
 * Which real services this run has. In CI (.ci/run sets BR_REQUIRE_SERVICES=1) a missing
 * DATABASE_URL or REDIS_URL is an error, never a silent skip.
 */
const required = process.env.BR_REQUIRE_SERVICES === "1";
export const POSTGRES_URL = process.env.DATABASE_URL;
/**
 * The owner's login, when DATABASE_URL is one that may only become br_app / br_platform (CI runs
 * the suite so: .ci/run, decisions.md #100). Servers migrate with it; tests create and drop
 * databases with it.
 */
export const POSTGRES_MIGRATION_URL = process.env.BR_MIGRATION_DATABASE_URL || undefined;
export const POSTGRES_ADMIN_URL = POSTGRES_MIGRATION_URL ?? POSTGRES_URL;
export const REDIS_URL = process.env.REDIS_URL;

if (required && !POSTGRES_URL) throw new Error("BR_REQUIRE_SERVICES=1 but DATABASE_URL is not set");
if (required && !REDIS_URL) throw new Error("BR_REQUIRE_SERVICES=1 but REDIS_URL is not set");

export type EngineName = "pglite" | "postgres";
/** Every data test runs on each of these (DESIGN.md §3: one suite over both engines). */
export const ENGINES: EngineName[] = POSTGRES_URL ? ["pglite", "postgres"] : ["pglite"];
/** Race tests need real concurrency: PostgreSQL only (PGlite is one connection). */
export const RACE_ENGINES: EngineName[] = POSTGRES_URL ? ["postgres"] : [];
export const HAS_REDIS = Boolean(REDIS_URL);
