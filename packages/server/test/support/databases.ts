import { randomBytes } from "node:crypto";
import pg from "pg";
import { POSTGRES_URL, type EngineName } from "./services.js";

export interface TestDatabase {
  /** Undefined for PGlite, which runs in memory. */
  databaseUrl?: string;
  drop(): Promise<void>;
}

/** A database of its own for one server: PGlite in memory, or a fresh PostgreSQL database. */
export async function createTestDatabase(engine: EngineName): Promise<TestDatabase> {
  if (engine === "pglite") return { drop: async () => undefined };
  const name = `br_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_URL!);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
