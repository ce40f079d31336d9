import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { pgErrorCode, type Database } from "./db.js";

const MIGRATIONS_DIR = fileURLToPath(new URL("../../migrations/", import.meta.url));
// Arbitrary constant: serialises concurrent start-ups of several instances on one PostgreSQL.
const LOCK_ID = 727_001;
const INSUFFICIENT_PRIVILEGE = "42501";

// The usual cause: DATABASE_URL is the runtime login, which may only become br_app / br_platform.
function privilegeHint(err: unknown): string {
  return pgErrorCode(err) === INSUFFICIENT_PRIVILEGE
    ? " (this login may not migrate: set BR_MIGRATION_DATABASE_URL to the database owner, decisions.md #100)"
    : "";
}

/** Applies every migrations/NNNN_*.sql not yet applied, in order, each in its own transaction. */
export async function migrate(db: Database): Promise<string[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  return db.ownerSession(async (exec) => {
    await exec(`SELECT pg_advisory_lock(${LOCK_ID})`);
    try {
      try {
        await exec("CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
      } catch (err) {
        throw new Error(`migrations cannot start: ${(err as Error).message}${privilegeHint(err)}`, { cause: err });
      }
      const applied = new Set((await exec("SELECT name FROM schema_migrations")).map((r) => r.name));
      const ran: string[] = [];
      for (const file of files) {
        if (applied.has(file)) continue;
        const body = await readFile(MIGRATIONS_DIR + file, "utf8");
        try {
          await exec(`BEGIN;\n${body}\n;INSERT INTO schema_migrations (name) VALUES ('${file}');\nCOMMIT;`);
        } catch (err) {
          await exec("ROLLBACK");
          throw new Error(`migration ${file} failed: ${(err as Error).message}${privilegeHint(err)}`, { cause: err });
        }
        ran.push(file);
      }
      return ran;
    } finally {
      await exec(`SELECT pg_advisory_unlock(${LOCK_ID})`);
    }
  });
}
