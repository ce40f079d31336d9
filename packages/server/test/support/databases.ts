import { randomBytes } from "node:crypto";
import pg from "pg";
import { POSTGRES_ADMIN_URL, POSTGRES_MIGRATION_URL, POSTGRES_URL, type EngineName } from "./services.js";

export interface TestDatabase {
  /** Undefined for PGlite, which runs in memory. */
  databaseUrl?: string;
  /** The owner's login for migrations, when the run's DATABASE_URL is a login that may not migrate. */
  migrationDatabaseUrl?: string;
  /**
   * DATABASE_URL and BR_MIGRATION_DATABASE_URL for a server on this database. Both are always
   * present (empty means unset), so a child process never inherits the run's pair for another database.
   */
  env: { DATABASE_URL: string; BR_MIGRATION_DATABASE_URL: string };
  drop(): Promise<void>;
}

/** `url` with its database replaced by `name`. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * A database of its own for one server: PGlite in memory, or a fresh PostgreSQL database. It is
 * created and dropped as the admin login (BR_MIGRATION_DATABASE_URL when the run has one: the
 * login in DATABASE_URL may be one that can do nothing but become br_app / br_platform).
 */
export async function createTestDatabase(engine: EngineName): Promise<TestDatabase> {
  if (engine === "pglite") return { env: { DATABASE_URL: "", BR_MIGRATION_DATABASE_URL: "" }, drop: async () => undefined };
  const name = `br_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const databaseUrl = withDatabase(POSTGRES_URL!, name);
  const migrationDatabaseUrl = POSTGRES_MIGRATION_URL ? withDatabase(POSTGRES_MIGRATION_URL, name) : undefined;
  return {
    databaseUrl,
    ...(migrationDatabaseUrl ? { migrationDatabaseUrl } : {}),
    env: { DATABASE_URL: databaseUrl, BR_MIGRATION_DATABASE_URL: migrationDatabaseUrl ?? "" },
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
